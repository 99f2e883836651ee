"""The dossier list's export ("Xuất Excel"): it follows the search it was asked from, asks
why, stops at a level the officer chooses (never above their clearance), and carries the
highest level it holds as its mark. The file is handed out only once its batch and audit
event are recorded."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.core.constants import Classification
from bvct.core.errors import ServiceError
from bvct.people.constants import ExportPurpose
from bvct.people.exports import MARKS, ExportChanged, dossier_list_xlsx, export_file_name
from bvct.people.forms import LEVELS, DossierExportForm, PersonSearchForm
from bvct.people.models import Person
from bvct.people.selectors import dossier_export_counts, dossier_export_selection
from bvct.people.services import dossier_export_record
from bvct.people.views import _require_dossier_role

MAX_EXPORT_ROWS = 200_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Vietnamese thousands: 200.000


def _too_many() -> str:
    return _(
        "Danh sách có hơn %(limit)s dòng, quá giới hạn của một tệp Excel (%(limit)s dòng): "
        "hãy thu hẹp tra cứu (năm sinh, quê quán, tổ chức) hoặc chọn mức mật thấp hơn."
    ) % {"limit": _thousands(MAX_EXPORT_ROWS)}


def _search_summary(search: PersonSearchForm) -> list[str]:
    """The search in words, as the page and the sheet show it."""
    data = search.cleaned_data
    parts = []
    if data["q"]:
        parts.append(_("Họ tên “%(q)s”") % {"q": data["q"]})
        if data["relatives"]:
            parts.append(_("cả thân nhân"))
    if data["birth_year"] is not None:
        parts.append(_("năm sinh %(y)s") % {"y": data["birth_year"]})
    if data["hometown"]:
        parts.append(_("quê quán “%(h)s”") % {"h": data["hometown"]})
    if data["org"]:
        parts.append(_("tổ chức %(o)s") % {"o": data["org"].name})
    return parts or [_("mọi hồ sơ bạn được xem")]


def _ceiling_options(counts: dict[int, int]) -> list[tuple[str, str]]:
    """Each level the officer may stop at, with how many rows and which mark the file would
    then have: the level is known before downloading."""
    options = []
    for level, count in counts.items():
        held = max((c for c in range(level + 1) if counts[c] > counts.get(c - 1, 0)), default=0)
        if count > MAX_EXPORT_ROWS:
            what = _("hơn %(n)s dòng, quá giới hạn") % {"n": _thousands(MAX_EXPORT_ROWS)}
        elif count == 0:
            what = _("không có dòng nào")
        elif held == Classification.NONE:
            what = _("%(n)s dòng, tệp không mang dấu mật") % {"n": _thousands(count)}
        else:
            what = _("%(n)s dòng, tệp mang dấu %(mark)s") % {
                "n": _thousands(count),
                "mark": MARKS[Classification(held)],
            }
        options.append((LEVELS[level][0], f"{LEVELS[level][1]} ({what})"))
    return options


@login_required
def dossier_export_view(request: HttpRequest) -> HttpResponse:
    """GET: what the export of this search would hold, per level, and the form asking up to
    which level and why. POST: the file."""
    _require_dossier_role(request)
    user: Any = request.user
    source = request.POST if request.method == "POST" else request.GET
    search = PersonSearchForm(source, user=user)
    options = DossierExportForm(
        request.POST if request.method == "POST" else None, clearance=user.clearance
    )
    context: dict[str, Any] = {"search": search, "options": options}
    if not search.is_valid():
        return render(request, "people/export.html", context, status=400)
    counts = dossier_export_counts(user=user, data=search.cleaned_data, limit=MAX_EXPORT_ROWS)
    options.fields["ceiling"].widget.choices = _ceiling_options(counts)
    context.update(
        summary=_search_summary(search),
        counts=[(LEVELS[c][1], counts[c] - counts.get(c - 1, 0)) for c in counts],
        total=counts[user.clearance],
        too_many=counts[0] > MAX_EXPORT_ROWS,
        limit=_thousands(MAX_EXPORT_ROWS),
        back=urlencode(search.query()),
    )
    if request.method != "POST":
        return render(request, "people/export.html", context)
    if not options.is_valid():
        return render(request, "people/export.html", context, status=400)
    ceiling = options.cleaned_data["ceiling"]
    selection = dossier_export_selection(
        user=user, data=search.cleaned_data, ceiling=ceiling, limit=MAX_EXPORT_ROWS
    )
    if selection.count > MAX_EXPORT_ROWS:
        # Never a silently cut list.
        options.add_error(None, _too_many())
        return render(request, "people/export.html", context, status=400)
    exported: list[tuple[int, uuid.UUID]] = []

    def noted(people: Iterable[Person]) -> Iterator[Person]:
        for person in people:
            exported.append((person.dossier_id, person.dossier.public_id))
            yield person

    purpose = options.cleaned_data["purpose"]
    detail = options.cleaned_data["purpose_detail"].strip()
    purpose_text = str(ExportPurpose(purpose).label) + (f": {detail}" if detail else "")
    now = timezone.localtime()
    heading = [
        _("Điều kiện: %(s)s; chỉ hồ sơ đến mức %(c)s.")
        % {"s": "; ".join(_search_summary(search)), "c": LEVELS[ceiling][1]},
        _("Mục đích xuất: %(p)s.") % {"p": purpose_text},
        _("Người xuất: %(who)s; lúc %(at)s.")
        % {"who": user.full_name, "at": now.strftime("%H:%M %d/%m/%Y")},
    ]
    try:
        content, rows = dossier_list_xlsx(
            noted(selection.rows()),
            level=selection.highest,
            heading=heading,
            author=user.username,
            purpose=purpose_text,
        )
        dossier_export_record(
            actor=user,
            dossiers=exported,
            rows=rows,
            filters=search.filters(),
            ceiling=ceiling,
            marked=selection.highest,
            purpose=purpose,
            purpose_detail=detail,
        )
    except ExportChanged:
        options.add_error(None, _("Danh sách vừa thay đổi trong lúc xuất; hãy xuất lại."))
        return render(request, "people/export.html", context, status=409)
    except ServiceError as exc:
        options.add_error(None, exc.message)
        return render(request, "people/export.html", context, status=exc.status)
    response = HttpResponse(content, content_type=XLSX)
    name = export_file_name(selection.highest)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
