"""API of posts, the catalogue (and its import), holdings and personnel decisions, with
explicit input and output serializers. Lists are paged (50 a page); lists naming people
(decisions, holdings) are recorded as dossier reads and listings are."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bvct.core.constants import Action, Classification
from bvct.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from bvct.orgs.selectors import org_by_code, visible_org_path
from bvct.people.models import Listing, Person
from bvct.people.selectors import dossier_get_for_user
from bvct.people.services import dossier_listing_record
from bvct.positions import services, services_catalogue
from bvct.positions.constants import CatalogueKind, DecisionKind, DecisionStatus, HoldingKind, Tier
from bvct.positions.imports import catalogue_import
from bvct.positions.models import CatalogueEntry, Post
from bvct.positions.permissions import (
    can_keep_positions,
    can_view_positions,
    decision_read_record,
    dossier_positions_access,
)
from bvct.positions.selectors import (
    catalogue_entry_get_for_user,
    catalogue_list,
    decision_get_for_user,
    decision_list,
    holding_get_for_user,
    post_get_for_user,
    post_list,
)

PAGE_SIZE = 50


def _page_number(request: Request) -> int:
    try:
        return int(request.query_params.get("page", "1"))
    except ValueError as exc:
        raise ValidationError({"page": ["Số trang không hợp lệ."]}) from exc


def _paged(request: Request, rows: Any, output: type[serializers.Serializer]) -> Any:
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(_page_number(request))
    return page, {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "results": output(page.object_list, many=True).data,
    }


def _org_path(request: Request) -> str:
    code = request.query_params.get("org", "").strip()
    if not code:
        return ""
    found = visible_org_path(user=request.user, code=code)
    if found is None:
        raise NotFound
    return found


def _level_name(value: int) -> str:
    return Classification(value).name


def _require_view(request: Request) -> None:
    if not can_view_positions(request.user):
        raise PermissionDeniedError("Bạn không được xem chức vụ và danh mục.")


def _require_keep(request: Request) -> None:
    if not can_keep_positions(request.user):
        raise PermissionDeniedError("Bạn không được sửa chức vụ và danh mục.")


PAGE_PARAMS = [OpenApiParameter("page", int, description="Trang (50 mục mỗi trang)")]
ORG_PARAM = OpenApiParameter(
    "org", str, description="Mã hoặc id công khai của tổ chức (thu hẹp phạm vi)"
)


# --- posts -----------------------------------------------------------------------------------


class PostOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")
    name = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    is_management = serializers.BooleanField()
    is_active = serializers.BooleanField()
    version = serializers.IntegerField()


class PostListOutput(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = PostOutput(many=True)


class PostCreateInput(serializers.Serializer):
    organisation = serializers.CharField(max_length=64, help_text="Mã hoặc id công khai")
    name = serializers.CharField(max_length=300)
    tier = serializers.ChoiceField(choices=Tier.choices)
    is_management = serializers.BooleanField(default=False)


class PostUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=300, required=False)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False)
    is_management = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(
        required=False, help_text="false: thôi sử dụng chức vụ (không sửa gì khác cùng lúc)"
    )


class PostListApi(APIView):
    @extend_schema(
        parameters=[ORG_PARAM, OpenApiParameter("q", str), *PAGE_PARAMS],
        responses=PostListOutput,
        operation_id="posts_list",
        summary="Chức vụ trong phạm vi",
    )
    def get(self, request: Request) -> Response:
        _require_view(request)
        rows = post_list(
            user=request.user, org_path=_org_path(request), query=request.query_params.get("q", "")
        )
        return Response(_paged(request, rows, PostOutput)[1])

    @extend_schema(request=PostCreateInput, responses={201: PostOutput}, summary="Tạo chức vụ")
    def post(self, request: Request) -> Response:
        _require_keep(request)
        data = PostCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        org = org_by_code(v["organisation"], field="organisation", user=request.user)
        post = services.post_create(
            actor=request.user,  # type: ignore[arg-type]
            organisation=org,
            name=v["name"],
            tier=v["tier"],
            is_management=v["is_management"],
        )
        return Response(PostOutput(post).data, status=201)


class PostDetailApi(APIView):
    @extend_schema(responses=PostOutput, summary="Một chức vụ")
    def get(self, request: Request, public_id: str) -> Response:
        return Response(PostOutput(post_get_for_user(user=request.user, public_id=public_id)).data)

    @extend_schema(request=PostUpdateInput, responses=PostOutput, summary="Sửa, thôi sử dụng")
    def patch(self, request: Request, public_id: str) -> Response:
        _require_keep(request)
        post = post_get_for_user(user=request.user, public_id=public_id)
        data = PostUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        version = v.pop("version")
        if v.pop("is_active", True) is False:
            post = services.post_close(actor=request.user, post=post, expected_version=version)  # type: ignore[arg-type]
        else:
            post = services.post_update(
                actor=request.user,  # type: ignore[arg-type]
                post=post,
                expected_version=version,
                **v,
            )
        return Response(PostOutput(post).data)


# --- the catalogue ---------------------------------------------------------------------------


class CatalogueOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.ChoiceField(choices=CatalogueKind.choices)
    organisation = serializers.CharField(source="organisation.code")
    organisation_name = serializers.CharField(source="organisation.name")
    post = serializers.UUIDField(source="post.public_id", default=None)
    name = serializers.CharField()
    listing_number = serializers.CharField()
    listing_date = serializers.DateField()
    listing_issuer = serializers.CharField()
    required_clearance = serializers.SerializerMethodField()
    classification = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    version = serializers.IntegerField()

    def get_required_clearance(self, entry: CatalogueEntry) -> str:
        return _level_name(entry.required_clearance)

    def get_classification(self, entry: CatalogueEntry) -> str:
        return _level_name(entry.classification)


class CatalogueListOutput(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = CatalogueOutput(many=True)


LEVELS = Classification.names


class CatalogueCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CatalogueKind.choices)
    organisation = serializers.CharField(max_length=64, help_text="Mã hoặc id công khai")
    post = serializers.UUIDField(required=False, allow_null=True, help_text="Mục loại POST")
    name = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    listing_number = serializers.CharField(max_length=60)
    listing_date = serializers.DateField()
    listing_issuer = serializers.CharField(max_length=300)
    required_clearance = serializers.ChoiceField(choices=LEVELS)
    classification = serializers.ChoiceField(choices=LEVELS, default="NONE")


class CatalogueUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=300, required=False)
    listing_number = serializers.CharField(max_length=60, required=False)
    listing_date = serializers.DateField(required=False)
    listing_issuer = serializers.CharField(max_length=300, required=False)
    required_clearance = serializers.ChoiceField(choices=LEVELS, required=False)
    classification = serializers.ChoiceField(choices=LEVELS, required=False)
    is_active = serializers.BooleanField(
        required=False, help_text="false: đưa ra khỏi danh mục (không sửa gì khác cùng lúc)"
    )


def _post_by_id(request: Request, public_id: Any, field: str = "post") -> Post | None:
    if public_id is None:
        return None
    found = post_list(user=request.user, active=None).filter(public_id=public_id).first()
    if found is None:
        raise ValidationFailed("Không có chức vụ này.", field=field)
    return found


class CatalogueListApi(APIView):
    @extend_schema(
        parameters=[
            ORG_PARAM,
            OpenApiParameter("q", str),
            OpenApiParameter("kind", str, enum=CatalogueKind.values),
            *PAGE_PARAMS,
        ],
        responses=CatalogueListOutput,
        operation_id="catalogue_list",
        summary="Danh mục cơ quan, bộ phận, vị trí trọng yếu, cơ mật (đến mức được tiếp cận)",
    )
    def get(self, request: Request) -> Response:
        _require_view(request)
        kind = request.query_params.get("kind", "")
        if kind and kind not in CatalogueKind.values:
            raise ValidationError({"kind": ["Loại không hợp lệ."]})
        rows = catalogue_list(
            user=request.user,
            org_path=_org_path(request),
            query=request.query_params.get("q", ""),
            kind=kind,
        )
        return Response(_paged(request, rows, CatalogueOutput)[1])

    @extend_schema(
        request=CatalogueCreateInput, responses={201: CatalogueOutput}, summary="Thêm vào danh mục"
    )
    def post(self, request: Request) -> Response:
        _require_keep(request)
        data = CatalogueCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        entry = services_catalogue.catalogue_entry_create(
            actor=request.user,  # type: ignore[arg-type]
            kind=v["kind"],
            organisation=org_by_code(v["organisation"], field="organisation", user=request.user),
            post=_post_by_id(request, v.get("post")),
            name=v["name"],
            listing_number=v["listing_number"],
            listing_date=v["listing_date"],
            listing_issuer=v["listing_issuer"],
            required_clearance=v["required_clearance"],
            classification=v["classification"],
        )
        return Response(CatalogueOutput(entry).data, status=201)


class CatalogueDetailApi(APIView):
    @extend_schema(responses=CatalogueOutput, summary="Một mục của danh mục")
    def get(self, request: Request, public_id: str) -> Response:
        entry = catalogue_entry_get_for_user(user=request.user, public_id=public_id)
        return Response(CatalogueOutput(entry).data)

    @extend_schema(
        request=CatalogueUpdateInput, responses=CatalogueOutput, summary="Sửa, đưa khỏi danh mục"
    )
    def patch(self, request: Request, public_id: str) -> Response:
        _require_keep(request)
        entry = catalogue_entry_get_for_user(user=request.user, public_id=public_id)
        data = CatalogueUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        version = v.pop("version")
        if v.pop("is_active", True) is False:
            entry = services_catalogue.catalogue_entry_close(
                actor=request.user,  # type: ignore[arg-type]
                entry=entry,
                expected_version=version,
            )
        else:
            entry = services_catalogue.catalogue_entry_update(
                actor=request.user,  # type: ignore[arg-type]
                entry=entry,
                expected_version=version,
                **v,
            )
        return Response(CatalogueOutput(entry).data)


class CatalogueImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="Tệp .xlsx theo tệp mẫu")
    dry_run = serializers.BooleanField(default=True, help_text="true: chỉ kiểm tra, không ghi")


class ImportErrorOutput(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class CatalogueImportOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    errors = ImportErrorOutput(many=True)  # type: ignore[assignment]
    error_count = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    file_sha256 = serializers.CharField()


class CatalogueImportApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": CatalogueImportInput},
        responses=CatalogueImportOutput,
        summary="Nhập danh mục từ tệp XLSX (mặc định chỉ kiểm tra; có lỗi thì không ghi gì)",
    )
    def post(self, request: Request) -> Response:
        _require_keep(request)
        data = CatalogueImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        report = catalogue_import(
            actor=request.user,  # type: ignore[arg-type]
            file=upload,
            file_name=upload.name,
            dry_run=data.validated_data["dry_run"],
        )
        return Response(
            CatalogueImportOutput(report.as_dict()).data, status=200 if report.ok else 400
        )


# --- holdings --------------------------------------------------------------------------------


class HoldingOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    dossier = serializers.UUIDField(source="dossier.public_id")
    post = serializers.UUIDField(source="post.public_id")
    post_name = serializers.CharField(source="post.name")
    organisation_name = serializers.CharField(source="post.organisation.name")
    kind = serializers.ChoiceField(choices=HoldingKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    version = serializers.IntegerField()


class HoldingCreateInput(serializers.Serializer):
    post = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=HoldingKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class HoldingEndInput(serializers.Serializer):
    ends_on = serializers.DateField()
    version = serializers.IntegerField(min_value=1, required=False)


class HoldingListApi(APIView):
    @extend_schema(
        responses=HoldingOutput(many=True),
        summary="Chức vụ đang giữ, quy hoạch, ứng cử của người có hồ sơ (ghi nhật ký xem hồ sơ)",
    )
    def get(self, request: Request, public_id: str) -> Response:
        access = dossier_positions_access(request.user, public_id, "chức vụ, quy hoạch (API)")
        return Response(HoldingOutput(access.holdings, many=True).data)

    @extend_schema(request=HoldingCreateInput, responses={201: HoldingOutput}, summary="Ghi")
    def post(self, request: Request, public_id: str) -> Response:
        dossier = dossier_get_for_user(user=request.user, public_id=public_id, action=Action.CHANGE)
        data = HoldingCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        v["post"] = _post_by_id(request, v["post"])
        holding = services.holding_create(actor=request.user, dossier=dossier, **v)  # type: ignore[arg-type]
        return Response(HoldingOutput(holding).data, status=201)


class HoldingEndApi(APIView):
    @extend_schema(request=HoldingEndInput, responses=HoldingOutput, summary="Ghi ngày kết thúc")
    def post(self, request: Request, public_id: str) -> Response:
        holding = holding_get_for_user(user=request.user, public_id=public_id, action=Action.CHANGE)
        data = HoldingEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        holding = services.holding_end(
            actor=request.user,  # type: ignore[arg-type]
            holding=holding,
            ends_on=data.validated_data["ends_on"],
            expected_version=data.validated_data.get("version"),
        )
        return Response(HoldingOutput(holding).data)


# --- personnel decisions ---------------------------------------------------------------------


class DecisionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    dossier = serializers.UUIDField(source="dossier.public_id")
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    post = serializers.UUIDField(source="post.public_id", default=None)
    post_name = serializers.CharField(source="post.name", default=None)
    catalogue_entry = serializers.UUIDField(source="catalogue_entry.public_id", default=None)
    deciding_org = serializers.CharField(source="deciding_org.code")
    deciding_org_name = serializers.CharField(source="deciding_org.name")
    proposed_on = serializers.DateField()
    reference = serializers.CharField()
    note = serializers.CharField()
    status = serializers.ChoiceField(choices=DecisionStatus.choices)
    withdrawn_reason = serializers.CharField()
    version = serializers.IntegerField()


class DecisionListOutput(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = DecisionOutput(many=True)


class DecisionCreateInput(serializers.Serializer):
    dossier = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    post = serializers.UUIDField(required=False, allow_null=True)
    catalogue_entry = serializers.UUIDField(required=False, allow_null=True)
    deciding_org = serializers.CharField(max_length=64, help_text="Mã hoặc id công khai")
    proposed_on = serializers.DateField()
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class DecisionWithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    version = serializers.IntegerField(min_value=1, required=False)


class DecisionListApi(APIView):
    @extend_schema(
        parameters=[
            ORG_PARAM,
            OpenApiParameter("kind", str, enum=DecisionKind.values),
            OpenApiParameter("status", str, enum=DecisionStatus.values),
            *PAGE_PARAMS,
        ],
        responses=DecisionListOutput,
        operation_id="decisions_list",
        summary="Đề xuất quyết định nhân sự về hồ sơ được xem (mỗi trang được ghi nhật ký)",
    )
    def get(self, request: Request) -> Response:
        _require_view(request)
        kind = request.query_params.get("kind", "")
        status = request.query_params.get("status", "")
        if kind and kind not in DecisionKind.values:
            raise ValidationError({"kind": ["Loại quyết định không hợp lệ."]})
        if status and status not in DecisionStatus.values:
            raise ValidationError({"status": ["Trạng thái không hợp lệ."]})
        rows = decision_list(
            user=request.user, kind=kind, status=status, org_path=_org_path(request)
        )
        page, body = _paged(request, rows, DecisionOutput)
        dossiers = {d.dossier_id for d in page.object_list}
        dossier_listing_record(
            actor=request.user,  # type: ignore[arg-type]
            kind=Listing.Kind.LIST,
            filters={"list_page": page.number, "kind": kind, "status": status,
                     "org": request.query_params.get("org", "")},
            persons=list(Person.objects.filter(dossier_id__in=dossiers, is_subject=True)),
        )  # fmt: skip
        return Response(body)

    @extend_schema(
        request=DecisionCreateInput,
        responses={201: DecisionOutput},
        summary="Ghi đề xuất quyết định nhân sự (hồ sơ ngoài phạm vi: 404)",
    )
    def post(self, request: Request) -> Response:
        _require_keep(request)
        data = DecisionCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        dossier = dossier_get_for_user(
            user=request.user, public_id=v["dossier"], action=Action.CHANGE
        )
        entry = None
        if v.get("catalogue_entry"):
            entry = (
                catalogue_list(user=request.user, active=None)
                .filter(public_id=v["catalogue_entry"])
                .first()
            )
            if entry is None:
                raise ValidationFailed(
                    "Không có mục này trong danh mục trọng yếu, cơ mật.", field="catalogue_entry"
                )
        decision = services.decision_record(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            kind=v["kind"],
            post=_post_by_id(request, v.get("post")),
            catalogue_entry=entry,
            deciding_org=org_by_code(v["deciding_org"], field="deciding_org", user=request.user),
            proposed_on=v["proposed_on"],
            reference=v["reference"],
            note=v["note"],
        )
        return Response(DecisionOutput(decision).data, status=201)


class DecisionDetailApi(APIView):
    @extend_schema(responses=DecisionOutput, summary="Một đề xuất (ghi nhật ký xem hồ sơ)")
    def get(self, request: Request, public_id: str) -> Response:
        decision = decision_get_for_user(user=request.user, public_id=public_id)
        decision_read_record(request.user, decision)
        return Response(DecisionOutput(decision).data)


class DecisionWithdrawApi(APIView):
    @extend_schema(request=DecisionWithdrawInput, responses=DecisionOutput, summary="Rút đề xuất")
    def post(self, request: Request, public_id: str) -> Response:
        decision = decision_get_for_user(
            user=request.user, public_id=public_id, action=Action.CHANGE
        )
        data = DecisionWithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decision = services.decision_withdraw(
                actor=request.user,  # type: ignore[arg-type]
                decision=decision,
                reason=data.validated_data["reason"],
                expected_version=data.validated_data.get("version"),
            )
        except NotFoundError as exc:
            raise NotFound from exc
        return Response(DecisionOutput(decision).data)


urlpatterns = [
    path("posts/", PostListApi.as_view(), name="post_list"),
    path("posts/<uuid:public_id>/", PostDetailApi.as_view(), name="post_detail"),
    path("catalogue/", CatalogueListApi.as_view(), name="catalogue_list"),
    path("catalogue/import/", CatalogueImportApi.as_view(), name="catalogue_import"),
    path("catalogue/<uuid:public_id>/", CatalogueDetailApi.as_view(), name="catalogue_detail"),
    path("dossiers/<uuid:public_id>/holdings/", HoldingListApi.as_view(), name="holding_list"),
    path("holdings/<uuid:public_id>/end/", HoldingEndApi.as_view(), name="holding_end"),
    path("decisions/", DecisionListApi.as_view(), name="decision_list"),
    path("decisions/<uuid:public_id>/", DecisionDetailApi.as_view(), name="decision_detail"),
    path(
        "decisions/<uuid:public_id>/withdraw/",
        DecisionWithdrawApi.as_view(),
        name="decision_withdraw",
    ),
]
