"""A proposed personnel decision and the requirement check's answer, always explained: not
needed (and why), covered (by which conclusion, until when, with what outcome), or not covered
(and every reason). From here the officer opens the case (or follows the link to the one open)
or records the reuse of the covering conclusion; both through ``coverage.decision_check``."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bvct.core.constants import Action
from bvct.core.errors import NotFoundError, ServiceError
from bvct.core.gate import may as role_may
from bvct.people.selectors import dossier_subject
from bvct.people.services import dossier_read_record
from bvct.positions.constants import DecisionStatus
from bvct.positions.models import PersonnelDecision
from bvct.positions.selectors import decision_get_for_user
from bvct.vetting.constants import CheckStatus
from bvct.vetting.coverage import coverage_evaluate, decision_check
from bvct.vetting.models import CASE_GATE, ConclusionUse
from bvct.vetting.selectors import decision_case


def decision_url(public_id: uuid.UUID) -> str:
    return reverse("vetting:decision_detail", args=[public_id])


@login_required
def decision_detail_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = request.user
    decision = decision_get_for_user(user=user, public_id=public_id)
    subject = dossier_subject(decision.dossier)
    dossier_read_record(
        actor=user,  # type: ignore[arg-type]
        dossier=decision.dossier,
        subject=subject,
        part="đề xuất quyết định nhân sự",
    )
    proposed = decision.status == DecisionStatus.PROPOSED
    check = coverage_evaluate(user, decision) if proposed else None
    uses = list(
        ConclusionUse.objects.visible_to(user)
        .filter(decision=decision)
        .select_related("conclusion", "checked_by")
        .order_by("at", "id")
    )
    case = (check.case if check else None) or decision_case(user=user, decision=decision)
    changer = _may_change(user, decision)
    opener = (
        proposed
        and changer
        and role_may(user, Action.OPEN_CASE)
        and CASE_GATE.q(user, Action.OPEN_CASE) is not None
    )
    own = bool(check and check.conclusion and case and check.conclusion.case_id == case.pk)
    used = bool(
        check and check.conclusion and any(u.conclusion_id == check.conclusion.pk for u in uses)
    )
    return render(
        request,
        "vetting/decisions/detail.html",
        {
            "decision": decision,
            "dossier": decision.dossier,
            "subject": subject,
            "check": check,
            "case": case,
            "uses": uses,
            "may_open": bool(
                opener and check and check.status == CheckStatus.NOT_COVERED and check.case is None
            ),
            # Covered as checked before a change reported since: a new case about the
            # conclusion (new information) is offered.
            "may_reconsider": bool(
                opener and check and check.review and check.conclusion is not None
            ),
            "may_record_use": bool(
                changer and check and check.status == CheckStatus.COVERED and not own and not used
            ),
        },
    )


def _may_change(user: object, decision: PersonnelDecision) -> bool:
    return PersonnelDecision.objects.visible_to(user, Action.CHANGE).filter(pk=decision.pk).exists()


@login_required
@require_POST
def decision_check_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Run the requirement check as a write: opens the case when nothing covers the decision
    (none open yet), records the reuse when another case's conclusion covers it."""
    decision = decision_get_for_user(user=request.user, public_id=public_id, action=Action.CHANGE)
    try:
        check = decision_check(actor=request.user, decision=decision)
    except NotFoundError as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(decision_url(public_id))
    if check.case_opened and check.case is not None:
        messages.success(request, f"Đã mở hồ sơ thẩm tra {check.case.reference}.")
        return HttpResponseRedirect(reverse("vetting:case_detail", args=[check.case.public_id]))
    if check.reused and check.conclusion is not None:
        messages.success(
            request,
            f"Đã ghi nhận dùng kết luận số {check.conclusion.number_symbol} cho đề xuất này.",
        )
    else:
        messages.info(request, f"{check.label}: {check.summary}")
    return HttpResponseRedirect(decision_url(public_id))
