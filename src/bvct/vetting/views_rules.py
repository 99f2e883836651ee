"""The rule pack's pages (every account reads the active pack and its versions; the
administrator edits a draft section by section and publishes it) and the working-day calendar
(the administrator enters days off and make-up working days)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from bvct.core.errors import ServiceError, refusal_on_form
from bvct.vetting import services_rules as services
from bvct.vetting.calendar import _public
from bvct.vetting.constants import RulePackStatus
from bvct.vetting.forms_rules import CalendarDayForm, PublishForm, SectionForm, place_errors
from bvct.vetting.models import RulePack
from bvct.vetting.permissions_rules import can_manage_rules, can_view_rules
from bvct.vetting.rules import SECTIONS, RulePackInvalid
from bvct.vetting.rules_diff import pack_changes, pack_sections, relation_names
from bvct.vetting.selectors_rules import (
    calendar_day_list,
    rule_pack_active_row,
    rule_pack_draft_row,
    rule_pack_list,
    rule_pack_row,
)


def _require_viewer(request: HttpRequest) -> None:
    if not can_view_rules(request.user):
        raise Http404


def _require_admin(request: HttpRequest) -> None:
    # As the account pages: to anyone else the page is not there.
    if not can_manage_rules(request.user):
        raise Http404


def _pack_context(pack: RulePack) -> dict[str, Any]:
    names = relation_names()
    context: dict[str, Any] = {
        "pack": pack,
        "sections": pack_sections(pack.data, names),
        "to_confirm": sum(
            1 for _s, _t, items in pack_sections(pack.data, names) for i in items if i.to_confirm
        ),
    }
    base = pack.based_on or (pack.version - 1)
    previous = RulePack.objects.filter(version=base).only("version", "data").first()
    if previous is not None:
        context["previous"] = previous
        context["changes"] = pack_changes(previous.data, pack.data, names)
    return context


@login_required
def rules_current_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    context = _pack_context(rule_pack_active_row())
    context["draft"] = rule_pack_draft_row() if can_manage_rules(request.user) else None
    context["can_manage"] = can_manage_rules(request.user)
    return render(request, "vetting/rules/pack.html", context)


@login_required
def rules_version_list_view(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    return render(
        request,
        "vetting/rules/versions.html",
        {"packs": rule_pack_list(user=request.user), "can_manage": can_manage_rules(request.user)},
    )


@login_required
def rules_version_view(request: HttpRequest, version: int) -> HttpResponse:
    _require_viewer(request)
    pack = rule_pack_row(user=request.user, version=version)
    if pack is None:
        raise Http404
    if pack.status == RulePackStatus.DRAFT:
        return HttpResponseRedirect(reverse("vetting:rules_draft"))
    return render(request, "vetting/rules/pack.html", _pack_context(pack))


def _draft_page(
    request: HttpRequest,
    draft: RulePack | None,
    *,
    publish: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"draft": draft, "active": rule_pack_active_row()}
    if draft is not None:
        context.update(_pack_context(draft))
        context["publish_form"] = publish or PublishForm(
            initial={"revision": draft.revision, "note": draft.note}
        )
    return render(request, "vetting/rules/draft.html", context, status=status)


@login_required
def rules_draft_view(request: HttpRequest) -> HttpResponse:
    """The draft: its sections with what changed from the active pack, publish or discard;
    without a draft, the button that makes one."""
    _require_admin(request)
    return _draft_page(request, rule_pack_draft_row())


@login_required
@require_POST
def rules_draft_create_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    try:
        draft = services.rule_pack_draft_create(actor=request.user)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext("Đã lập bản nháp phiên bản %(v)s từ bộ quy tắc đang áp dụng.")
            % {"v": draft.version},
        )
    return HttpResponseRedirect(reverse("vetting:rules_draft"))


@login_required
def rules_draft_section_view(request: HttpRequest, section: str) -> HttpResponse:
    """One section of the draft: GET shows its form, POST saves it (checked with the whole
    pack; each problem is shown at its field)."""
    _require_admin(request)
    if section not in SECTIONS:
        raise Http404
    draft = rule_pack_draft_row()
    if draft is None:
        return HttpResponseRedirect(reverse("vetting:rules_draft"))
    relations = list(relation_names().items())
    value = draft.data.get(section)
    status = 200
    if request.method == "POST":
        form = SectionForm(section, value, request.POST, relations=relations)
        if form.is_valid():
            new_value, places = form.section_value()
            try:
                services.rule_pack_draft_update(
                    actor=request.user,  # type: ignore[arg-type]
                    section=section,
                    value=new_value,
                    expected_revision=form.cleaned_data["revision"],
                )
            except RulePackInvalid as exc:
                place_errors(form, exc.errors, places)
                status = 400
            except ServiceError as exc:
                refusal_on_form(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    gettext("Đã lưu phần “%(section)s” của bản nháp.")
                    % {"section": SECTIONS[section]},
                )
                return HttpResponseRedirect(reverse("vetting:rules_draft"))
        else:
            status = 400
    else:
        form = SectionForm(
            section, value, initial={"revision": draft.revision}, relations=relations
        )
    return render(
        request,
        "vetting/rules/section_form.html",
        {"draft": draft, "section": section, "title": SECTIONS[section], "form": form},
        status=status,
    )


@login_required
@require_POST
def rules_publish_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = PublishForm(request.POST)
    draft = rule_pack_draft_row()
    if draft is None:
        return HttpResponseRedirect(reverse("vetting:rules_draft"))
    if not form.is_valid():
        return _draft_page(request, draft, publish=form, status=400)
    try:
        pack = services.rule_pack_publish(
            actor=request.user,  # type: ignore[arg-type]
            expected_revision=form.cleaned_data["revision"],
            note=form.cleaned_data["note"],
        )
    except RulePackInvalid as exc:
        for messages_ in exc.errors.values():
            for message in messages_:
                form.add_error(None, message)
        return _draft_page(request, draft, publish=form, status=400)
    except ServiceError as exc:
        refusal_on_form(form, exc)
        return _draft_page(request, rule_pack_draft_row(), publish=form, status=exc.status)
    messages.success(
        request, gettext("Đã công bố bộ quy tắc phiên bản %(v)s.") % {"v": pack.version}
    )
    return HttpResponseRedirect(reverse("vetting:rules_current"))


@login_required
@require_POST
def rules_discard_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = PublishForm(request.POST)
    revision = form.cleaned_data["revision"] if form.is_valid() else None
    try:
        services.rule_pack_draft_discard(
            actor=request.user,  # type: ignore[arg-type]
            expected_revision=revision,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Đã hủy bản nháp."))
    return HttpResponseRedirect(reverse("vetting:rules_draft"))


# --- the working-day calendar ---------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("nam", "")
    this_year = timezone.localdate().year
    year = int(raw) if raw.isdigit() else this_year
    return year if 2000 <= year <= 2100 else this_year


def _calendar_page(
    request: HttpRequest, year: int, form: CalendarDayForm | None = None, status: int = 200
) -> HttpResponse:
    holidays = sorted(_public(year).items())
    context = {
        "year": year,
        "years": [year - 1, year + 1],
        "days": calendar_day_list(user=request.user, year=year),
        "holidays": holidays,
        "make_up": sorted(d for d in _public(year).weekend_workdays if d.year == year),
        "can_manage": can_manage_rules(request.user),
        "form": form or CalendarDayForm(),
    }
    return render(request, "vetting/rules/calendar.html", context, status=status)


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    """The year's public holidays, announced make-up days and entered days; the administrator
    enters a day (POST)."""
    _require_viewer(request)
    year = _year(request)
    if request.method != "POST":
        return _calendar_page(request, year)
    _require_admin(request)
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        return _calendar_page(request, year, form, status=400)
    day: dt.date = form.cleaned_data["date"]
    try:
        services.calendar_day_set(
            actor=request.user,  # type: ignore[arg-type]
            date=day,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        refusal_on_form(form, exc)
        return _calendar_page(request, year, form, status=exc.status)
    messages.success(request, gettext("Đã ghi ngày %(day)s.") % {"day": f"{day:%d/%m/%Y}"})
    return HttpResponseRedirect(f"{reverse('vetting:calendar')}?nam={day.year}")


@login_required
@require_POST
def calendar_remove_view(request: HttpRequest, date: str) -> HttpResponse:
    _require_admin(request)
    try:
        day = dt.date.fromisoformat(date)
    except ValueError as exc:
        raise Http404 from exc
    try:
        services.calendar_day_remove(actor=request.user, date=day)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext("Đã xóa ngày %(day)s khỏi danh sách đã nhập.") % {"day": f"{day:%d/%m/%Y}"},
        )
    return HttpResponseRedirect(f"{reverse('vetting:calendar')}?nam={day.year}")
