"""The work inside a case: record the appraisal, record and update findings, record what an
agency answered, issue the appraisal report. Each form is a section of the case page: a
refusal shows the page again with the service's message at the field it names."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bvct.core.errors import NotFoundError, ServiceError, refusal_on_form
from bvct.core.gate import get_for_user
from bvct.core.submissions import once_per_submission
from bvct.vetting import services_conclusions, services_findings
from bvct.vetting.forms_cases import (
    AppraisalForm,
    AppraisalReportForm,
    FindingForm,
    FindingUpdateForm,
    ResultForm,
)
from bvct.vetting.models import Appraisal, Case, Finding, VerificationResult
from bvct.vetting.selectors_ui_cases import agencies
from bvct.vetting.services_common import case_rules
from bvct.vetting.views_cases import case_for, case_url, refused_on_page, render_case


@login_required
@require_POST
def appraisal_record_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = case_for(request, public_id)
    form = AppraisalForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, status=400, appraisal_form=form)
    try:
        # The service refuses "nothing found" without its reason, at the note.
        services_findings.appraisal_record(
            actor=request.user,
            case=case,
            nothing_found=form.cleaned_data["nothing_found"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        return refused_on_page(request, case, form, "appraisal_form", exc)
    messages.success(request, "Đã ghi kết quả thẩm định.")
    return HttpResponseRedirect(case_url(case, "appraisal"))


def _finding_form(case: Case, data: Any = None) -> FindingForm:
    from bvct.people.selectors import dossier_persons

    appraisal = Appraisal.objects.filter(case=case).first()
    return FindingForm(
        data,
        categories=case_rules(case).issue_categories,
        persons=dossier_persons(case.subject),
        items=appraisal.items if appraisal else (),
        results=VerificationResult.objects.filter(case=case).select_related("agency"),
    )


def _to_findings(result: uuid.UUID, public_id: uuid.UUID) -> str:
    return case_url(public_id, "findings")


@login_required
@require_POST
@once_per_submission(_to_findings)
def finding_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = case_for(request, public_id)
    form = _finding_form(case, request.POST)
    if not form.is_valid():
        return render_case(request, case, status=400, finding_form=form)
    data = form.cleaned_data
    try:
        services_findings.finding_create(
            actor=request.user,
            case=case,
            category=data["category"],
            person=data["person"],
            period=data["period"],
            summary=data["summary"],
            declaration_refs=data.get("declaration_refs") or (),
            evidence=data.get("evidence") or (),
            expected_version=data["version"],
            submission_token=request.submission_token,  # type: ignore[attr-defined]
        )
    except ServiceError as exc:
        return refused_on_page(request, case, form, "finding_form", exc)
    messages.success(request, "Đã ghi vấn đề cần xem xét.")
    return HttpResponseRedirect(case_url(case, "findings"))


@login_required
@require_POST
def finding_update_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A finding's status and evidence (confirmed or cleared needs evidence)."""
    finding = get_for_user(
        Finding.objects.select_related("case"), request.user, public_id=public_id
    )
    case = case_for(request, finding.case.public_id)
    results = VerificationResult.objects.filter(case=case).select_related("agency")
    form = FindingUpdateForm(request.POST, results=results)
    if not form.is_valid():
        messages.error(request, "Hãy chọn tình trạng và chứng cứ trong danh sách.")
        return HttpResponseRedirect(case_url(case, "findings"))
    try:
        services_findings.finding_update(
            actor=request.user,
            finding=finding,
            expected_version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            evidence=form.cleaned_data["evidence"],
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
        return render_case(request, case, status=exc.status)
    messages.success(request, "Đã cập nhật vấn đề.")
    return HttpResponseRedirect(case_url(case, "findings"))


def _to_results(result: uuid.UUID, public_id: uuid.UUID) -> str:
    return case_url(public_id, "results")


@login_required
@require_POST
@once_per_submission(_to_results)
def result_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = case_for(request, public_id)
    form = ResultForm(request.POST, agencies=agencies(), findings=Finding.objects.filter(case=case))
    if not form.is_valid():
        return render_case(request, case, status=400, result_form=form)
    data = form.cleaned_data
    try:
        services_findings.verification_result_record(
            actor=request.user,
            case=case,
            agency=data["agency"],
            document_number=data["document_number"],
            document_date=data["document_date"],
            received_on=data["received_on"],
            summary=data["summary"],
            findings=data["findings"],
            expected_version=data["version"],
            submission_token=request.submission_token,  # type: ignore[attr-defined]
        )
    except ServiceError as exc:
        return refused_on_page(request, case, form, "result_form", exc)
    messages.success(request, "Đã ghi kết quả thẩm tra, xác minh.")
    return HttpResponseRedirect(case_url(case, "results"))


@login_required
def appraisal_report_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Issue the appraisal report (numbered, rendered to DOCX, linked to the case)."""
    case = case_for(request, public_id)
    if not case.is_open:
        raise Http404
    initial = {
        "version": case.version,
        "issued_on": timezone.localdate(),
        "signer_name": getattr(request.user, "full_name", ""),
        "classification": services_findings.report_classification_floor(case),
        "recipients": "\n".join(
            [services_conclusions.deciding_body(case).name, "Lưu hồ sơ cán bộ"]
        ),
    }
    form = AppraisalReportForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services_findings.appraisal_report_issue(
                    actor=request.user,
                    case=case,
                    issued_on=data["issued_on"],
                    place=data["place"],
                    signer_title=data["signer_title"],
                    classification=data["classification"],
                    recipients=data["recipients"],
                    proposal=data["proposal"],
                    expected_version=data["version"],
                )
            except NotFoundError as exc:
                raise Http404 from exc
            except ServiceError as exc:
                refusal_on_form(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, f"Đã ban hành báo cáo thẩm định số {document.number_symbol}."
                )
                return HttpResponseRedirect(case_url(case, "documents"))
        else:
            status = 400
    issuer = getattr(request.user, "organisation", None)
    return render(
        request,
        "vetting/cases/report_form.html",
        {"case": case, "form": form, "issuer": issuer.name if issuer else ""},
        status=status,
    )
