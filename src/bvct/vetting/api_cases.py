"""API of casework, part one: the requirement check of a decision, and cases (list with
filters, detail, open, transition, assign, withdraw). Explicit input and output serializers;
every lookup through the gate (hidden answers 404 as missing); errors as the rest of the API
(``{"code", "detail", "field"}``, 400/403/404/409). The records of a case (appraisal,
findings, verification results, conclusions, reported changes) are in ``api_case_records``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bvct.accounts.models import User
from bvct.core.constants import Action, Classification
from bvct.core.counting import COUNT_CAP, capped_count
from bvct.core.errors import PermissionDeniedError, ValidationFailed
from bvct.people.selectors import dossier_get_for_user
from bvct.positions.selectors import decision_get_for_user
from bvct.vetting import services
from bvct.vetting.constants import CaseOrigin, CaseState, CheckStatus, Duty, Outcome
from bvct.vetting.coverage import decision_check
from bvct.vetting.models import Case, CaseAssignment, CaseEvent
from bvct.vetting.selectors import case_access, case_get
from bvct.vetting.selectors_queue import (
    CaseFilter,
    can_read_cases,
    can_work_cases,
    case_committees,
    case_list,
    mark_deadlines,
)
from bvct.vetting.workflow import moves_from

PAGE_SIZE = 50
PAGE_PARAMS = [OpenApiParameter("page", int, description="Trang (50 mục mỗi trang)")]


def require_read(request: Request) -> None:
    if not can_read_cases(request.user):
        raise PermissionDeniedError("Bạn không được xem hồ sơ thẩm tra.")


def require_work(request: Request) -> None:
    if not can_work_cases(request.user):
        raise PermissionDeniedError("Chỉ cán bộ làm công tác BVCTNB mới làm được việc này.")


def page_number(request: Request) -> int:
    try:
        number = int(request.query_params.get("page", "1"))
    except ValueError as exc:
        raise ValidationError({"page": ["Số trang không hợp lệ."]}) from exc
    if number < 1:
        raise ValidationError({"page": ["Số trang phải từ 1."]})
    return number


def page_of(request: Request, rows: Any) -> Any:
    paginator = Paginator(rows, PAGE_SIZE)
    return paginator, paginator.get_page(page_number(request))


def case_for_work(request: Request, public_id: Any, action: str = Action.CHANGE) -> Case:
    """The case, if the caller may work on it (refused before any input is read)."""
    require_work(request)
    return case_get(user=request.user, public_id=public_id, action=action)


class LevelField(serializers.CharField):
    """A classification level by its code name (NONE, MAT, TOI_MAT, TUYET_MAT)."""

    def to_representation(self, value: Any) -> str:
        return Classification(int(value)).name


# --- outputs ----------------------------------------------------------------------------------


class CaseRefOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    state = serializers.ChoiceField(choices=CaseState.choices)


class ConclusionRefOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number_symbol = serializers.CharField()
    concluded_on = serializers.DateField()
    valid_until = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)


class CheckOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=CheckStatus.choices)
    status_label = serializers.CharField(source="label")
    summary = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    conclusion = ConclusionRefOutput(allow_null=True)
    case = CaseRefOutput(allow_null=True)
    case_opened = serializers.BooleanField()
    reused = serializers.BooleanField(
        help_text="Kết luận ban hành cho đề xuất khác được dùng lại (đã ghi nhận)"
    )


class CaseOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    state = serializers.ChoiceField(choices=CaseState.choices)
    state_label = serializers.CharField(source="get_state_display")
    origin = serializers.ChoiceField(choices=CaseOrigin.choices)
    dossier = serializers.UUIDField(source="subject.public_id")
    subject_name = serializers.CharField()
    competent_body = serializers.CharField(source="competent_body.code")
    competent_body_name = serializers.CharField(source="competent_body.name")
    classification = LevelField()
    restricted = serializers.BooleanField()
    complex = serializers.BooleanField()
    stage_started_on = serializers.DateField(allow_null=True)
    stage_due_on = serializers.DateField(allow_null=True)
    working_days_left = serializers.IntegerField(
        source="days_left",
        allow_null=True,
        help_text="Số ngày làm việc còn lại đến hạn của bước (âm: đã quá hạn)",
    )
    late = serializers.BooleanField(source="is_late")
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


class CaseListOutput(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="Số hồ sơ; khi `count_more`, là số đã đếm (còn nhiều hơn)."
    )
    count_more = serializers.BooleanField(
        help_text="Danh sách dài hơn `count` (chỉ đếm đến một ngưỡng để trả lời nhanh)."
    )
    page = serializers.IntegerField()
    pages = serializers.IntegerField(help_text="Số trang đã biết (nhiều hơn khi `count_more`).")
    results = CaseOutput(many=True)


class AssignmentOutput(serializers.Serializer):
    user = serializers.UUIDField(source="user.public_id")
    full_name = serializers.CharField(source="user.full_name")
    duty = serializers.ChoiceField(choices=Duty.choices)
    assigned_at = serializers.DateTimeField()


class CaseDecisionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    post_name = serializers.CharField(source="post.name", default=None)
    proposed_on = serializers.DateField()


class EventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    actor_name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()


class MoveOutput(serializers.Serializer):
    to = serializers.ChoiceField(source="target", choices=CaseState.choices)
    label = serializers.CharField()  # type: ignore[assignment]


class CaseDetailOutput(CaseOutput):
    summary = serializers.CharField()
    rule_pack = serializers.IntegerField(source="rule_pack.version")
    previous_case = CaseRefOutput(allow_null=True)
    decisions = CaseDecisionOutput(many=True)
    assignments = AssignmentOutput(many=True, source="active_assignments")
    moves = MoveOutput(many=True, help_text="Các bước có thể chuyển tiếp theo bảng quy trình")
    events = EventOutput(many=True, source="history")


# --- inputs -----------------------------------------------------------------------------------


class CaseOpenInput(serializers.Serializer):
    decision = serializers.UUIDField(required=False, allow_null=True)
    dossier = serializers.UUIDField(required=False, allow_null=True)
    origin = serializers.ChoiceField(choices=CaseOrigin.choices, default=CaseOrigin.DECISION)
    previous_case = serializers.UUIDField(required=False, allow_null=True)
    restricted = serializers.BooleanField(default=False)
    complex = serializers.BooleanField(default=False)
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class CaseTransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=CaseState.choices)
    version = serializers.IntegerField(min_value=1, required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CaseAssignInput(serializers.Serializer):
    user = serializers.UUIDField(help_text="Id công khai của tài khoản cán bộ")
    duty = serializers.ChoiceField(choices=Duty.choices)
    version = serializers.IntegerField(min_value=1, required=False)


class CaseWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(min_value=1, required=False)


class CaseDeadlineInput(serializers.Serializer):
    due_on = serializers.DateField(
        help_text="Hạn mới của bước hiện tại (YYYY-MM-DD), không trước hôm nay"
    )
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(min_value=1, required=False)


class CaseLinkDecisionInput(serializers.Serializer):
    decision = serializers.UUIDField(
        help_text="Id công khai của một đề xuất quyết định nhân sự khác về cùng người"
    )
    version = serializers.IntegerField(min_value=1, required=False)


class CaseRestrictionInput(serializers.Serializer):
    restricted = serializers.BooleanField(
        help_text="true: chỉ cán bộ được phân công và cấp có thẩm quyền kết luận xem được"
    )
    reason = serializers.CharField(max_length=2000)
    version = serializers.IntegerField(min_value=1, required=False)


def _flag(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "").strip().lower()
    if value in ("", "0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise ValidationError({name: ["Giá trị phải là true hoặc false."]})


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def case_detail(case: Case) -> dict[str, Any]:
    """The detail output of one case (a handful of queries, whatever its history)."""
    from bvct.people.models import Person
    from bvct.positions.models import PersonnelDecision

    case.subject_name = (  # type: ignore[attr-defined]
        Person.objects.filter(dossier_id=case.subject_id, is_subject=True)
        .values_list("full_name", flat=True)
        .first()
    )
    mark_deadlines([case])
    case.decisions = list(  # type: ignore[attr-defined]
        PersonnelDecision.objects.filter(pk__in=case.decision_links.values("decision_id"))
        .select_related("post")
        .order_by("proposed_on", "id")
    )
    case.active_assignments = list(  # type: ignore[attr-defined]
        CaseAssignment.objects.filter(case=case, ended_at__isnull=True).select_related("user")
    )
    case.moves = [m for m in moves_from(case.state) if not m.by_service]  # type: ignore[attr-defined]
    case.history = list(CaseEvent.objects.filter(case=case).order_by("at", "id"))  # type: ignore[attr-defined]
    return dict(CaseDetailOutput(case).data)


# --- views ------------------------------------------------------------------------------------


class DecisionCheckApi(APIView):
    @extend_schema(
        request=None,
        responses=CheckOutput,
        operation_id="decisions_check",
        summary="Kiểm tra yêu cầu kết luận của một đề xuất (mở hồ sơ thẩm tra khi chưa có kết "
        "luận đáp ứng; ghi nhận việc dùng lại kết luận)",
    )
    def post(self, request: Request, public_id: str) -> Response:
        require_work(request)
        decision = decision_get_for_user(user=request.user, public_id=public_id)
        check = decision_check(actor=request.user, decision=decision)
        return Response(CheckOutput(check).data)


class CaseListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=CaseState.values),
            OpenApiParameter("mine", bool, description="Chỉ hồ sơ mình được phân công"),
            OpenApiParameter("late", bool, description="Chỉ hồ sơ đang giải quyết đã quá hạn"),
            OpenApiParameter(
                "body", bool, description="Chỉ hồ sơ cấp ủy của mình có thẩm quyền kết luận"
            ),
            OpenApiParameter("open", bool, description="Chỉ hồ sơ đang giải quyết"),
            OpenApiParameter("dossier", str, description="Id công khai của hồ sơ người"),
            OpenApiParameter(
                "committee", str, description="Id công khai của cấp ủy có thẩm quyền kết luận"
            ),
            OpenApiParameter(
                "q",
                str,
                description="Số hồ sơ (hoặc một phần) hoặc tên người được thẩm tra, có dấu "
                "hoặc không dấu",
            ),
            *PAGE_PARAMS,
        ],
        responses=CaseListOutput,
        operation_id="cases_list",
        summary="Hồ sơ thẩm tra trong phạm vi (hạn gần nhất trước)",
    )
    def get(self, request: Request) -> Response:
        require_read(request)
        state = request.query_params.get("state", "")
        if state and state not in CaseState.values:
            raise ValidationError({"state": ["Bước không hợp lệ."]})
        dossier = None
        if request.query_params.get("dossier"):
            dossier = dossier_get_for_user(
                user=request.user, public_id=request.query_params["dossier"]
            )
        committee = None
        if request.query_params.get("committee"):
            key = _as_uuid(request.query_params["committee"])
            committee = (
                case_committees(user=request.user, with_cases=False).filter(public_id=key).first()
                if key
                else None
            )
            if committee is None:
                raise ValidationFailed(
                    "Không có cấp ủy này trong danh sách cấp ủy bạn được xem.", field="committee"
                )
        q = " ".join(request.query_params.get("q", "").split())
        if len(q) > 100:
            raise ValidationFailed("Nội dung tìm dài quá 100 ký tự.", field="q")
        rows = case_list(
            user=request.user,
            filters=CaseFilter(
                state=state,
                mine=_flag(request, "mine"),
                late=_flag(request, "late"),
                body_only=_flag(request, "body"),
                open_only=_flag(request, "open"),
                dossier=dossier,
                competent_body=committee,
                q=q,
            ),
        )
        number = page_number(request)
        start = (number - 1) * PAGE_SIZE
        shown = list(rows[start : start + PAGE_SIZE])
        # Counted up to a cap past this page: half a million visible cases are not counted
        # one by one for every page of fifty.
        total = capped_count(rows, cap=start + COUNT_CAP)
        return Response(
            {
                "count": total.n,
                "count_more": total.more,
                "page": number,
                "pages": max(1, -(-total.n // PAGE_SIZE)),
                "results": CaseOutput(mark_deadlines(shown), many=True).data,
            }
        )

    @extend_schema(
        request=CaseOpenInput,
        responses={201: CaseDetailOutput},
        summary="Mở hồ sơ thẩm tra (cho một đề xuất, hoặc khi có khiếu nại, thông tin mới)",
    )
    def post(self, request: Request) -> Response:
        require_work(request)
        data = CaseOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        decision = dossier = previous = None
        if v.get("decision"):
            decision = decision_get_for_user(
                user=request.user, public_id=v["decision"], action=Action.CHANGE
            )
        if v.get("dossier"):
            dossier = dossier_get_for_user(
                user=request.user, public_id=v["dossier"], action=Action.CHANGE
            )
        if v.get("previous_case"):
            previous = case_get(user=request.user, public_id=v["previous_case"])
        case = services.case_open(
            actor=request.user,
            decision=decision,
            dossier=dossier,
            origin=v["origin"],
            previous_case=previous,
            restricted=v["restricted"],
            complex=v["complex"],
            summary=v["summary"],
        )
        return Response(case_detail(case_get(user=request.user, public_id=case.public_id)), 201)


class CaseDetailApi(APIView):
    @extend_schema(
        responses=CaseDetailOutput,
        operation_id="cases_retrieve",
        summary="Một hồ sơ thẩm tra (ghi nhật ký xem)",
    )
    def get(self, request: Request, public_id: str) -> Response:
        require_read(request)
        return Response(case_detail(case_access(user=request.user, public_id=public_id)))


class CaseTransitionApi(APIView):
    @extend_schema(
        request=CaseTransitionInput,
        responses=CaseDetailOutput,
        summary="Chuyển bước theo bảng quy trình (kết luận và rút hồ sơ có thao tác riêng)",
    )
    def post(self, request: Request, public_id: str) -> Response:
        case = case_for_work(request, public_id)
        data = CaseTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.case_transition(
            actor=request.user,
            case=case,
            to=v["to"],
            expected_version=v.get("version"),
            note=v["note"],
        )
        return Response(case_detail(case_get(user=request.user, public_id=public_id)))


class CaseAssignApi(APIView):
    @extend_schema(
        request=CaseAssignInput,
        responses=CaseDetailOutput,
        summary="Phân công cán bộ (chủ trì, thẩm tra xác minh)",
    )
    def post(self, request: Request, public_id: str) -> Response:
        case = case_for_work(request, public_id, Action.ASSIGN)
        data = CaseAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        # Accounts are not gated rows: an unknown id and an officer who may not work on the
        # case get the same answer from the service.
        user = User.objects.filter(public_id=v["user"], is_active=True).first()
        if user is None:
            raise ValidationFailed(
                "Chỉ phân công được cán bộ làm công tác BVCTNB trong phạm vi của hồ sơ và được "
                "tiếp cận mức mật của hồ sơ.",
                field="user",
            )
        services.case_assign(
            actor=request.user,
            case=case,
            user=user,
            duty=v["duty"],
            expected_version=v.get("version"),
        )
        return Response(case_detail(case_get(user=request.user, public_id=public_id)))


class CaseWithdrawApi(APIView):
    @extend_schema(
        request=CaseWithdrawInput, responses=CaseDetailOutput, summary="Rút hồ sơ thẩm tra"
    )
    def post(self, request: Request, public_id: str) -> Response:
        case = case_for_work(request, public_id)
        data = CaseWithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_withdraw(
            actor=request.user,
            case=case,
            reason=data.validated_data["reason"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(case_detail(case_get(user=request.user, public_id=public_id)))


class CaseDeadlineApi(APIView):
    @extend_schema(
        request=CaseDeadlineInput,
        responses=CaseDetailOutput,
        summary="Đổi hạn của bước hiện tại (có lý do; không trước hôm nay)",
    )
    def post(self, request: Request, public_id: str) -> Response:
        case = case_for_work(request, public_id)
        data = CaseDeadlineInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.case_set_deadline(
            actor=request.user,
            case=case,
            due_on=v["due_on"],
            reason=v["reason"],
            expected_version=v.get("version"),
        )
        return Response(case_detail(case_get(user=request.user, public_id=public_id)))


class CaseDecisionsApi(APIView):
    @extend_schema(
        request=CaseLinkDecisionInput,
        responses=CaseDetailOutput,
        summary="Gắn thêm một đề xuất quyết định nhân sự về cùng người vào hồ sơ thẩm tra",
    )
    def post(self, request: Request, public_id: str) -> Response:
        case = case_for_work(request, public_id)
        data = CaseLinkDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        # A decision the caller may not change answers as one that does not exist.
        decision = decision_get_for_user(
            user=request.user, public_id=v["decision"], action=Action.CHANGE
        )
        services.case_link_decision(
            actor=request.user, case=case, decision=decision, expected_version=v.get("version")
        )
        return Response(case_detail(case_get(user=request.user, public_id=public_id)))


class CaseRestrictionApi(APIView):
    @extend_schema(
        request=CaseRestrictionInput,
        responses=CaseDetailOutput,
        summary="Hạn chế (hoặc bỏ hạn chế) người xem hồ sơ thẩm tra",
    )
    def post(self, request: Request, public_id: str) -> Response:
        case = case_for_work(request, public_id, Action.ASSIGN)
        data = CaseRestrictionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.case_set_restriction(
            actor=request.user,
            case=case,
            restricted=v["restricted"],
            reason=v["reason"],
            expected_version=v.get("version"),
        )
        return Response(case_detail(case_get(user=request.user, public_id=public_id)))


urlpatterns = [
    path("decisions/<uuid:public_id>/check/", DecisionCheckApi.as_view(), name="decision_check"),
    path("cases/", CaseListApi.as_view(), name="case_list"),
    path("cases/<uuid:public_id>/", CaseDetailApi.as_view(), name="case_detail"),
    path(
        "cases/<uuid:public_id>/transition/",
        CaseTransitionApi.as_view(),
        name="case_transition",
    ),
    path("cases/<uuid:public_id>/assign/", CaseAssignApi.as_view(), name="case_assign"),
    path("cases/<uuid:public_id>/withdraw/", CaseWithdrawApi.as_view(), name="case_withdraw"),
    path("cases/<uuid:public_id>/deadline/", CaseDeadlineApi.as_view(), name="case_deadline"),
    path("cases/<uuid:public_id>/decisions/", CaseDecisionsApi.as_view(), name="case_decisions"),
    path(
        "cases/<uuid:public_id>/restriction/",
        CaseRestrictionApi.as_view(),
        name="case_restriction",
    ),
]


def _records() -> list[Any]:
    from bvct.vetting.api_case_records import urlpatterns as records

    return list(records)


urlpatterns += _records()
