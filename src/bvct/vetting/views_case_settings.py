"""Pages that change how a case runs rather than what it records: the current stage's
deadline (…/doi-han/), another proposed decision about the same person it serves
(…/gan-de-xuat/) and who may see it (…/han-che/). Each shows its form (GET) and sends it to
one service (POST); a refusal is shown at its field with the service's Vietnamese message,
nothing written. Every form carries the case's version, so a second submission of the same
form, or a concurrent edit, is refused rather than applied twice."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from bvct.core.constants import Action
from bvct.core.errors import NotFoundError, ServiceError, refusal_on_form
from bvct.vetting import services
from bvct.vetting.constants import CaseState, Stage
from bvct.vetting.forms_cases import DeadlineForm, LinkDecisionForm, RestrictionForm
from bvct.vetting.models import Case
from bvct.vetting.selectors_ui_cases import linkable_decisions
from bvct.vetting.services_common import today
from bvct.vetting.views_cases import case_for, case_url


def _page(
    request: HttpRequest,
    case: Case,
    *,
    form: Any,
    title: str,
    button: str,
    intro: list[str],
    unavailable: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "vetting/cases/setting.html",
        {
            "case": case,
            "form": None if unavailable else form,
            "title": title,
            "button": button,
            "intro": intro,
            "unavailable": unavailable,
        },
        status=status,
    )


def _run(form: Any, call: Any) -> int | None:
    """Call the service with the form's data; None when it wrote, else the page's status
    (the refusal placed on the form)."""
    if not form.is_valid():
        return 400
    try:
        call(form.cleaned_data)
    except NotFoundError as exc:
        raise Http404 from exc
    except ServiceError as exc:
        refusal_on_form(form, exc)
        return exc.status
    return None


@login_required
def case_deadline_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change the current stage's deadline (an extension the board decided), with why."""
    case = case_for(request, public_id, Action.CHANGE)
    form = DeadlineForm(
        request.POST or None, initial={"version": case.version, "due_on": case.stage_due_on}
    )
    status = 200
    if request.method == "POST":
        done = _run(
            form,
            lambda d: services.case_set_deadline(
                actor=request.user, case=case, due_on=d["due_on"], reason=d["reason"],
                expected_version=d["version"],
            ),
        )  # fmt: skip
        if done is None:
            messages.success(request, _("Đã đổi hạn của bước."))
            return HttpResponseRedirect(case_url(case, "state"))
        status = done
    unavailable = ""
    if not case.is_open or case.state not in Stage.values:
        unavailable = _("Bước “%(s)s” không có hạn để đổi.") % {"s": CaseState(case.state).label}
    intro: list[str] = []
    if case.stage_due_on:
        intro.append(
            _("Hạn hiện tại của bước “%(s)s”: %(d)s.")
            % {"s": CaseState(case.state).label, "d": f"{case.stage_due_on:%d/%m/%Y}"}
        )
    intro.append(_("Hạn mới không được trước hôm nay (%(d)s).") % {"d": f"{today():%d/%m/%Y}"})
    return _page(
        request, case, form=form, title=_("Đổi hạn của bước"), button=_("Đổi hạn"),
        intro=intro, unavailable=unavailable, status=status,
    )  # fmt: skip


@login_required
def case_link_decision_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Let the case serve one more proposed decision about its subject, chosen by what it
    is (kind, post, date), never by a code."""
    case = case_for(request, public_id, Action.CHANGE)
    choices = linkable_decisions(user=request.user, case=case) if case.is_open else []
    form = LinkDecisionForm(
        request.POST or None, initial={"version": case.version}, decisions=choices
    )
    status = 200
    if request.method == "POST":
        done = _run(
            form,
            lambda d: services.case_link_decision(
                actor=request.user, case=case, decision=d["decision"],
                expected_version=d["version"],
            ),
        )  # fmt: skip
        if done is None:
            messages.success(request, _("Đã gắn đề xuất vào hồ sơ thẩm tra."))
            return HttpResponseRedirect(case_url(case, "decisions"))
        status = done
    unavailable = ""
    if not case.is_open:
        unavailable = _("Hồ sơ thẩm tra đã kết thúc: không gắn thêm đề xuất được.")
    elif not choices and request.method != "POST":
        unavailable = _(
            "Người này không có đề xuất quyết định nhân sự nào khác đang chờ mà hồ sơ có thể "
            "phục vụ (đề xuất đã có hồ sơ thẩm tra khác đang giải quyết không gắn được)."
        )
    return _page(
        request, case, form=form, title=_("Gắn đề xuất quyết định nhân sự"),
        button=_("Gắn đề xuất"),
        intro=[_("Kết luận của hồ sơ sẽ dùng cho cả đề xuất được gắn. Chỉ gắn được đề xuất về "
                 "chính người được thẩm tra.")],
        unavailable=unavailable, status=status,
    )  # fmt: skip


@login_required
def case_restriction_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Restrict who sees the case to its assignees and its competent body, or lift that."""
    case = case_for(request, public_id, Action.ASSIGN)
    form = RestrictionForm(
        request.POST or None,
        initial={"version": case.version, "restricted": "0" if case.restricted else "1"},
    )
    status = 200
    if request.method == "POST":
        done = _run(
            form,
            lambda d: services.case_set_restriction(
                actor=request.user, case=case, restricted=d["restricted"], reason=d["reason"],
                expected_version=d["version"],
            ),
        )  # fmt: skip
        if done is None:
            messages.success(
                request,
                _("Đã hạn chế người xem hồ sơ.")
                if form.cleaned_data["restricted"]
                else _("Đã bỏ hạn chế người xem hồ sơ."),
            )
            return HttpResponseRedirect(case_url(case))
        status = done
    now = (
        _("Hồ sơ đang hạn chế người xem: chỉ cán bộ được phân công và cấp có thẩm quyền kết "
          "luận xem được.")
        if case.restricted
        else _("Hồ sơ đang không hạn chế người xem: cán bộ trong phạm vi, được tiếp cận mức "
               "mật của hồ sơ, xem được.")
    )  # fmt: skip
    return _page(
        request, case, form=form, title=_("Hạn chế người xem hồ sơ"), button=_("Lưu"),
        intro=[now], status=status,
    )  # fmt: skip
