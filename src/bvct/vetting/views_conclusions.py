"""The conclusion form: a committee member of the case's competent body records the meeting
(members, votes, dissent), the outcome, what it covers and the findings it rests on, and
signs; the numbered document is issued in the same step. Refusals (quorum not met, not
passed, a finding still to verify...) are shown at their field."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from bvct.core.constants import Action
from bvct.core.errors import NotFoundError, ServiceError, refusal_on_form
from bvct.core.submissions import once_per_submission
from bvct.positions.models import PersonnelDecision
from bvct.vetting import services_conclusions
from bvct.vetting.constants import DECISION_KINDS, CaseState, FindingStatus
from bvct.vetting.forms_cases import ConclusionForm
from bvct.vetting.models import Appraisal, Case, Finding
from bvct.vetting.selectors import case_get
from bvct.vetting.services_common import case_rules
from bvct.vetting.views_cases import case_url


def default_recipients(body_name: str) -> list[str]:
    """Where a conclusion goes unless the signer says otherwise (HD 36: one a line)."""
    return [body_name, "Cấp ủy nơi công tác", "Lưu hồ sơ cán bộ, Văn phòng"]


def _to_case(result: uuid.UUID, public_id: uuid.UUID) -> str:
    return case_url(public_id, "conclusion")


def _validity(case: Case) -> list[tuple[str, int]]:
    rules = case_rules(case)
    return [(str(label), rules.validity_months(kind)) for kind, label in DECISION_KINDS.items()]


@login_required
@once_per_submission(_to_case)
def conclusion_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = case_get(user=request.user, public_id=public_id, action=Action.SIGN_CONCLUSION)
    if case.state != CaseState.DELIBERATION:
        raise Http404
    rules = case_rules(case)
    findings = (
        Finding.objects.filter(case=case)
        .exclude(status=FindingStatus.TO_VERIFY)
        .order_by("created_at", "id")
    )
    kinds = sorted(
        set(
            PersonnelDecision.objects.filter(
                pk__in=case.decision_links.values("decision_id")
            ).values_list("kind", flat=True)
        )
    )
    body = services_conclusions.deciding_body(case)
    initial = {
        "version": case.version,
        "meeting_date": timezone.localdate(),
        "members_total": body.members,
        "covers_kinds": kinds,
        "findings": [str(f.public_id) for f in findings],
        "classification": services_conclusions.classification_floor(case),
        "recipients": "\n".join(default_recipients(body.name)),
    }
    form = ConclusionForm(
        request.POST or None,
        initial=initial,
        findings=findings,
        follows=case.previous_case_id is not None,
        authority=body.authority,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                conclusion = services_conclusions.conclusion_issue(
                    actor=request.user,
                    case=case,
                    meeting_date=data["meeting_date"],
                    classification=data["classification"],
                    members_present=data["members_present"],
                    votes_for=data["votes_for"],
                    votes_against=data["votes_against"],
                    outcome=data["outcome"],
                    text=data["text"],
                    signer_title=data["signer_title"],
                    place=data["place"],
                    recipients=data["recipients"],
                    dissent=data["dissent"],
                    covers_kinds=data["covers_kinds"],
                    findings=data.get("findings") or (),
                    upholds=bool(data.get("upholds")),
                    expected_version=data["version"],
                    submission_token=request.submission_token,  # type: ignore[attr-defined]
                )
            except NotFoundError as exc:
                raise Http404 from exc
            except ServiceError as exc:
                refusal_on_form(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, f"Đã ký và ban hành kết luận số {conclusion.number_symbol}."
                )
                return HttpResponseRedirect(case_url(case, "conclusion"))
        else:
            status = 400
    appraisal = Appraisal.objects.filter(case=case).first()
    return render(
        request,
        "vetting/cases/conclusion_form.html",
        {
            "case": case,
            "form": form,
            "rules": rules,
            "validity": _validity(case),
            "nothing_found": bool(appraisal and appraisal.nothing_found),
            "rules_text": (
                f"{body.name} kết luận theo bộ quy tắc phiên bản {rules.version}: "
                f"hội nghị cần ít nhất {rules.quorum.numerator}/{rules.quorum.denominator} tổng "
                f"số ủy viên dự họp; kết luận được thông qua khi quá "
                f"{rules.passing.numerator}/{rules.passing.denominator} tổng số ủy viên tán "
                "thành."
            ),
        },
        status=status,
    )
