"""API of casework, part two: what a case records (appraisal, findings, verification results,
the conclusion) and what hangs on a dossier (its conclusions, the changes the member
reported), and a conclusion's document through documents (its download on the record).
Conventions as in ``api_cases``."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bvct.core.constants import Action, Classification
from bvct.core.errors import PermissionDeniedError, ValidationFailed
from bvct.core.gate import get_for_user, may
from bvct.documents.services import document_download
from bvct.orgs.selectors import org_by_code
from bvct.people.models import Person
from bvct.people.selectors import dossier_get_for_user
from bvct.positions.constants import DecisionKind
from bvct.vetting import services_changes, services_conclusions, services_findings
from bvct.vetting.api_cases import LevelField, case_for_work, require_read
from bvct.vetting.appraisal import ITEM_LABELS, appraisal_items
from bvct.vetting.constants import ChangeKind, FindingPeriod, FindingStatus, Outcome
from bvct.vetting.models import Appraisal, Case, Conclusion, Finding, VerificationResult
from bvct.vetting.selectors import case_get, conclusions_for_dossier, reported_changes_for_dossier
from bvct.vetting.services_common import case_rules

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _case_to_read(request: Request, public_id: Any) -> Case:
    require_read(request)
    return case_get(user=request.user, public_id=public_id)


# --- appraisal --------------------------------------------------------------------------------


class AppraisalItemOutput(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.SerializerMethodField()
    person = serializers.CharField(allow_null=True, required=False)
    person_name = serializers.CharField(required=False, default="")
    text = serializers.CharField()
    ref = serializers.CharField(required=False, default="")

    def get_kind_label(self, item: dict[str, Any]) -> str:
        return ITEM_LABELS.get(item.get("kind", ""), "")


class AppraisalOutput(serializers.Serializer):
    recorded = serializers.BooleanField(
        help_text="false: chưa ghi; items là danh sách tính lúc này"
    )
    nothing_found = serializers.BooleanField()
    note = serializers.CharField()
    items = AppraisalItemOutput(many=True)
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class AppraisalInput(serializers.Serializer):
    nothing_found = serializers.BooleanField()
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, required=False)


def _appraisal_body(case: Case, user: Any) -> dict[str, Any]:
    row = Appraisal.objects.filter(case=case).select_related("decided_by").first()
    if row is None:
        items = appraisal_items(case.subject, case_rules(case), user=user)
        body = {"recorded": False, "nothing_found": False, "note": "", "items": items,
                "decided_by": None, "decided_at": None}  # fmt: skip
    else:
        body = {"recorded": True, "nothing_found": row.nothing_found, "note": row.note,
                "items": row.items,
                "decided_by": row.decided_by.full_name if row.decided_by else None,
                "decided_at": row.decided_at}  # fmt: skip
    return dict(AppraisalOutput(body).data)


class AppraisalApi(APIView):
    @extend_schema(responses=AppraisalOutput, summary="Kết quả thẩm định của hồ sơ thẩm tra")
    def get(self, request: Request, public_id: str) -> Response:
        case = _case_to_read(request, public_id)
        return Response(_appraisal_body(case, request.user))

    @extend_schema(
        request=AppraisalInput, responses=AppraisalOutput, summary="Ghi kết quả thẩm định"
    )
    def post(self, request: Request, public_id: str) -> Response:
        case = case_for_work(request, public_id)
        data = AppraisalInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services_findings.appraisal_record(
            actor=request.user,
            case=case,
            nothing_found=v["nothing_found"],
            note=v["note"],
            expected_version=v.get("version"),
        )
        return Response(_appraisal_body(case, request.user))


# --- findings ---------------------------------------------------------------------------------


class FindingOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    category = serializers.CharField()
    person = serializers.UUIDField(source="person.public_id")
    person_name = serializers.CharField(source="person.full_name")
    period = serializers.ChoiceField(choices=FindingPeriod.choices)
    summary = serializers.CharField()
    status = serializers.ChoiceField(choices=FindingStatus.choices)
    evidence = serializers.SerializerMethodField()
    declaration_refs = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()

    def get_evidence(self, finding: Finding) -> list[str]:
        return [str(r.public_id) for r in finding.evidence.all()]


class FindingCreateInput(serializers.Serializer):
    category = serializers.CharField(max_length=40, help_text="Mã loại vấn đề của bộ quy tắc")
    person = serializers.UUIDField(help_text="Người được thẩm tra hoặc một thân nhân (id)")
    period = serializers.ChoiceField(choices=FindingPeriod.choices)
    summary = serializers.CharField(max_length=4000)
    declaration_refs = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list
    )
    evidence = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    version = serializers.IntegerField(min_value=1, required=False)


class FindingUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="Phiên bản của vấn đề đang sửa")
    status = serializers.ChoiceField(choices=FindingStatus.choices, required=False)
    summary = serializers.CharField(max_length=4000, required=False)
    declaration_refs = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False
    )
    evidence = serializers.ListField(child=serializers.UUIDField(), required=False)


def _results(case: Case, ids: Any) -> list[VerificationResult]:
    wanted = set(ids or ())
    rows = list(VerificationResult.objects.filter(case=case, public_id__in=wanted))
    if len(rows) != len(wanted):
        raise ValidationFailed("Có kết quả xác minh không thuộc hồ sơ này.", field="evidence")
    return rows


def _findings_of(case: Case) -> Any:
    return (
        Finding.objects.filter(case=case)
        .select_related("person")
        .prefetch_related("evidence")
        .order_by("created_at", "id")
    )


class FindingListApi(APIView):
    @extend_schema(responses=FindingOutput(many=True), summary="Các vấn đề cần xem xét")
    def get(self, request: Request, public_id: str) -> Response:
        case = _case_to_read(request, public_id)
        return Response(FindingOutput(_findings_of(case), many=True).data)

    @extend_schema(request=FindingCreateInput, responses={201: FindingOutput}, summary="Ghi vấn đề")
    def post(self, request: Request, public_id: str) -> Response:
        case = case_for_work(request, public_id)
        data = FindingCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        person = Person.objects.filter(public_id=v["person"], dossier_id=case.subject_id).first()
        if person is None:
            raise ValidationFailed(
                "Hãy chọn người được thẩm tra hoặc một thân nhân trong hồ sơ này.", field="person"
            )
        finding = services_findings.finding_create(
            actor=request.user,
            case=case,
            category=v["category"],
            person=person,
            period=v["period"],
            summary=v["summary"],
            declaration_refs=v["declaration_refs"],
            evidence=_results(case, v["evidence"]),
            expected_version=v.get("version"),
        )
        return Response(FindingOutput(_findings_of(case).get(pk=finding.pk)).data, status=201)


class FindingDetailApi(APIView):
    @extend_schema(
        request=FindingUpdateInput,
        responses=FindingOutput,
        summary="Sửa vấn đề (tình trạng, nội dung, chứng cứ)",
    )
    def patch(self, request: Request, public_id: str) -> Response:
        if not may(request.user, Action.CHANGE):
            raise PermissionDeniedError("Chỉ cán bộ làm công tác BVCTNB mới sửa được vấn đề.")
        finding = get_for_user(
            Finding.objects.select_related("case"),
            request.user,
            action=Action.CHANGE,
            public_id=public_id,
        )
        data = FindingUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if "evidence" in v:
            v["evidence"] = _results(finding.case, v["evidence"])
        services_findings.finding_update(
            actor=request.user, finding=finding, expected_version=v.pop("version"), **v
        )
        return Response(FindingOutput(_findings_of(finding.case).get(pk=finding.pk)).data)


# --- verification results ---------------------------------------------------------------------


class VerificationResultOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    document_number = serializers.CharField()
    document_date = serializers.DateField()
    received_on = serializers.DateField()
    summary = serializers.CharField()


class VerificationResultInput(serializers.Serializer):
    agency = serializers.CharField(max_length=64, help_text="Mã hoặc id công khai của cơ quan")
    document_number = serializers.CharField(max_length=60)
    document_date = serializers.DateField()
    received_on = serializers.DateField()
    summary = serializers.CharField(max_length=4000)
    findings = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    version = serializers.IntegerField(min_value=1, required=False)


class ResultListApi(APIView):
    @extend_schema(
        responses=VerificationResultOutput(many=True), summary="Kết quả thẩm tra, xác minh"
    )
    def get(self, request: Request, public_id: str) -> Response:
        case = _case_to_read(request, public_id)
        rows = VerificationResult.objects.filter(case=case).select_related("agency")
        return Response(VerificationResultOutput(rows, many=True).data)

    @extend_schema(
        request=VerificationResultInput,
        responses={201: VerificationResultOutput},
        summary="Ghi kết quả một cơ quan trả lời (số, ngày văn bản, nội dung)",
    )
    def post(self, request: Request, public_id: str) -> Response:
        case = case_for_work(request, public_id)
        data = VerificationResultInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        agency = org_by_code(v["agency"], field="agency")
        wanted = set(v["findings"])
        findings = list(Finding.objects.filter(case=case, public_id__in=wanted))
        if len(findings) != len(wanted):
            raise ValidationFailed("Có vấn đề không thuộc hồ sơ này.", field="findings")
        result = services_findings.verification_result_record(
            actor=request.user,
            case=case,
            agency=agency,
            document_number=v["document_number"],
            document_date=v["document_date"],
            received_on=v["received_on"],
            summary=v["summary"],
            findings=findings,
            expected_version=v.get("version"),
        )
        return Response(VerificationResultOutput(result).data, status=201)


# --- conclusions ------------------------------------------------------------------------------


class ConclusionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case = serializers.UUIDField(source="case.public_id")
    case_reference = serializers.CharField(source="case.reference")
    number_symbol = serializers.CharField()
    competent_body = serializers.CharField(source="competent_body.name")
    meeting_date = serializers.DateField()
    members_total = serializers.IntegerField()
    members_present = serializers.IntegerField()
    votes_for = serializers.IntegerField()
    votes_against = serializers.IntegerField()
    dissent = serializers.CharField()
    signer_name = serializers.CharField(source="signer.full_name")
    signer_title = serializers.CharField()
    concluded_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    outcome_label = serializers.CharField(source="get_outcome_display")
    text = serializers.CharField()
    valid_until = serializers.DateField()
    covers_kinds = serializers.ListField(child=serializers.CharField())
    rests_on_nothing_found = serializers.BooleanField()
    supersedes = serializers.UUIDField(source="supersedes.public_id", default=None)
    upholds = serializers.UUIDField(source="upholds.public_id", default=None)
    classification = LevelField()
    document = serializers.UUIDField(source="document_uuid")


class ConclusionInput(serializers.Serializer):
    meeting_date = serializers.DateField()
    members_total = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="Nếu gửi, phải bằng số ủy viên đã ghi của cấp ủy (mặc định: số đã ghi).",
    )
    members_present = serializers.IntegerField(min_value=0)
    votes_for = serializers.IntegerField(min_value=0)
    votes_against = serializers.IntegerField(min_value=0)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    text = serializers.CharField(max_length=8000)
    signer_title = serializers.CharField(max_length=200)
    place = serializers.CharField(max_length=100)
    recipients = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list
    )
    dissent = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    covers_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=DecisionKind.choices), required=False
    )
    findings = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    concluded_on = serializers.DateField(required=False)
    upholds = serializers.BooleanField(default=False)
    classification = serializers.ChoiceField(
        choices=Classification.names,
        required=False,
        help_text="Độ mật của kết luận; mặc định và thấp nhất: mức sàn của hồ sơ (ít nhất MAT).",
    )
    version = serializers.IntegerField(min_value=1, required=False)


class ConclusionIssueApi(APIView):
    @extend_schema(
        request=ConclusionInput,
        responses={201: ConclusionOutput},
        summary="Ban hành kết luận (ủy viên cấp ủy có thẩm quyền ký; văn bản được đánh số)",
    )
    def post(self, request: Request, public_id: str) -> Response:
        if not may(request.user, Action.SIGN_CONCLUSION):
            raise PermissionDeniedError("Chỉ ủy viên cấp ủy có thẩm quyền mới ký kết luận.")
        case = _case_to_read(request, public_id)
        data = ConclusionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        wanted = set(v.pop("findings"))
        findings = list(Finding.objects.filter(case=case, public_id__in=wanted))
        if len(findings) != len(wanted):
            raise ValidationFailed("Có vấn đề không thuộc hồ sơ này.", field="findings")
        if "classification" in v:
            v["classification"] = int(Classification[v["classification"]])
        conclusion = services_conclusions.conclusion_issue(
            actor=request.user,
            case=case,
            findings=findings,
            expected_version=v.pop("version", None),
            **v,
        )
        row = (
            Conclusion.objects.select_related(
                "case", "competent_body", "signer", "supersedes", "upholds"
            )
            .annotate(document_uuid=F("document__public_id"))
            .get(pk=conclusion.pk)
        )
        return Response(ConclusionOutput(row).data, status=201)


class DossierConclusionsApi(APIView):
    @extend_schema(
        responses=ConclusionOutput(many=True),
        summary="Các kết luận về người của hồ sơ (mới nhất trước, gồm cả kết luận đã bị thay)",
    )
    def get(self, request: Request, public_id: str) -> Response:
        require_read(request)
        dossier = dossier_get_for_user(user=request.user, public_id=public_id)
        rows = conclusions_for_dossier(user=request.user, dossier=dossier).annotate(
            document_uuid=F("document__public_id")
        )
        return Response(ConclusionOutput(rows, many=True).data)


class ConclusionDocumentApi(APIView):
    @extend_schema(
        responses={
            (200, DOCX): OpenApiResponse(OpenApiTypes.BINARY, description="Tệp DOCX đã lưu")
        },
        summary="Tải văn bản kết luận (ghi nhật ký tải)",
    )
    def get(self, request: Request, public_id: str) -> HttpResponse:
        require_read(request)
        conclusion = get_for_user(
            Conclusion.objects.select_related("document", "document__issuer", "document__case"),
            request.user,
            public_id=public_id,
        )
        document = conclusion.document
        data = document_download(actor=request.user, document=document)
        response = HttpResponse(data, content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{document.file_name}"'
        return response


# --- reported changes -------------------------------------------------------------------------


class ReportedChangeOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    person = serializers.UUIDField(source="person.public_id", default=None)
    person_name = serializers.CharField(source="person.full_name", default=None)
    occurred_on = serializers.DateField()
    reported_on = serializers.DateField()
    description = serializers.CharField()
    recorded_at = serializers.DateTimeField(source="created_at")


class ReportedChangeInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChangeKind.choices)
    person = serializers.UUIDField(
        required=False, allow_null=True, help_text="Thân nhân có liên quan (nếu có)"
    )
    occurred_on = serializers.DateField()
    reported_on = serializers.DateField()
    description = serializers.CharField(max_length=4000)


class DossierChangesApi(APIView):
    @extend_schema(
        responses=ReportedChangeOutput(many=True),
        summary="Báo cáo bổ sung của đảng viên (mới nhất trước)",
    )
    def get(self, request: Request, public_id: str) -> Response:
        require_read(request)
        dossier = dossier_get_for_user(user=request.user, public_id=public_id)
        rows = reported_changes_for_dossier(user=request.user, dossier=dossier)
        return Response(ReportedChangeOutput(rows, many=True).data)

    @extend_schema(
        request=ReportedChangeInput,
        responses={201: ReportedChangeOutput},
        summary="Ghi báo cáo bổ sung",
    )
    def post(self, request: Request, public_id: str) -> Response:
        if not may(request.user, Action.CHANGE):
            raise PermissionDeniedError("Chỉ cán bộ làm công tác BVCTNB mới ghi được báo cáo.")
        dossier = dossier_get_for_user(user=request.user, public_id=public_id, action=Action.CHANGE)
        data = ReportedChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        person = None
        if v.get("person"):
            person = Person.objects.filter(public_id=v["person"], dossier=dossier).first()
            if person is None:
                raise ValidationFailed("Hãy chọn một thân nhân trong hồ sơ này.", field="person")
        v["person"] = person
        change = services_changes.reported_change_record(actor=request.user, dossier=dossier, **v)
        return Response(ReportedChangeOutput(change).data, status=201)


urlpatterns = [
    path("cases/<uuid:public_id>/appraisal/", AppraisalApi.as_view(), name="case_appraisal"),
    path("cases/<uuid:public_id>/findings/", FindingListApi.as_view(), name="case_findings"),
    path("findings/<uuid:public_id>/", FindingDetailApi.as_view(), name="finding_detail"),
    path("cases/<uuid:public_id>/results/", ResultListApi.as_view(), name="case_results"),
    path(
        "cases/<uuid:public_id>/conclusion/",
        ConclusionIssueApi.as_view(),
        name="case_conclusion",
    ),
    path(
        "dossiers/<uuid:public_id>/conclusions/",
        DossierConclusionsApi.as_view(),
        name="dossier_conclusions",
    ),
    path(
        "conclusions/<uuid:public_id>/document/",
        ConclusionDocumentApi.as_view(),
        name="conclusion_document",
    ),
    path("dossiers/<uuid:public_id>/changes/", DossierChangesApi.as_view(), name="dossier_changes"),
]
