"""Dossier API: search persons, read a dossier, open one, submit a new declaration, compare."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bvct.core.constants import Action, Classification
from bvct.core.errors import PermissionDeniedError
from bvct.orgs.selectors import visible_org_path
from bvct.people import services
from bvct.people.diff import declaration_diff
from bvct.people.duplicates import LikelyDuplicate
from bvct.people.forms import (
    MAX_API_LIMIT,
    MAX_OFFSET,
    SEARCH_PAGE_SIZE,
    PersonSearchApiForm,
)
from bvct.people.imports import import_dossiers, report_json
from bvct.people.models import Listing, Person
from bvct.people.permissions import can_decide_link, can_use_dossiers, dossier_access
from bvct.people.search_page import search_page
from bvct.people.selectors import (
    LinkView,
    declaration_versions,
    dossier_declarations,
    dossier_get_for_user,
    dossier_links,
    dossier_list,
    link_get_for_user,
)


class PersonOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    dossier = serializers.UUIDField(source="dossier.public_id")
    is_subject = serializers.BooleanField()
    relation = serializers.CharField(source="relation.code", default=None)
    full_name = serializers.CharField()
    sex = serializers.CharField()
    birth = serializers.SerializerMethodField()
    death = serializers.SerializerMethodField()
    hometown = serializers.CharField()
    citizen_id = serializers.CharField(allow_null=True)
    party_card_no = serializers.CharField()
    declared = serializers.BooleanField()

    def get_birth(self, p: Person) -> str:
        return str(p.birth) if p.birth else ""

    def get_death(self, p: Person) -> str:
        return str(p.death) if p.death else ""


class DossierSubjectOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    full_name = serializers.CharField()


class SearchPersonOutput(PersonOutput):
    approximate = serializers.BooleanField(
        default=False, help_text="Tìm thấy nhờ một từ gần đúng, không đúng như đã gõ"
    )
    dossier_subject = DossierSubjectOutput(
        allow_null=True,
        default=None,
        help_text="Với thân nhân: người được quản lý có hồ sơ chứa người này (null với người "
        "được quản lý)",
    )


class SearchOutput(serializers.Serializer):
    results = SearchPersonOutput(many=True)
    count = serializers.IntegerField(help_text="Số người phù hợp, đếm đến 1.000")
    count_capped = serializers.BooleanField(help_text="Hơn 1.000 người phù hợp: count là 1.000")
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()
    corrections = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Từ đã gõ (không dấu) → các từ gần đúng cũng đã tìm, có trong kết quả",
    )
    truncated = serializers.BooleanField(help_text="Có thêm người phù hợp sau trang này")


class PersonSearchApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Họ tên, có dấu hoặc không, chấp nhận gõ sai"),
            OpenApiParameter("birth_year", {"type": "integer", "minimum": 1850, "maximum": 2100}),
            OpenApiParameter("hometown", str),
            OpenApiParameter(
                "org",
                str,
                description="Tổ chức trong phạm vi của bạn (mã hoặc id công khai); tổ chức "
                "ngoài phạm vi bị từ chối như tổ chức không có (400)",
            ),
            OpenApiParameter("relatives", bool, description="Tìm cả thân nhân"),
            OpenApiParameter(
                "offset",
                {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
                description="Bỏ qua bao nhiêu người đầu (mặc định 0)",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_API_LIMIT},
                description=f"Số người trả về (mặc định {SEARCH_PAGE_SIZE})",
            ),
        ],
        responses=SearchOutput,
        summary="Tìm người theo tên",
    )
    def get(self, request: Request) -> Response:
        if not can_use_dossiers(request.user, "view"):
            raise PermissionDeniedError("Bạn không được tra cứu hồ sơ.")
        form = PersonSearchApiForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        window = form.window()
        found = search_page(user=request.user, data=form.cleaned_data, **window)
        services.dossier_listing_record(
            actor=request.user,  # type: ignore[arg-type]
            kind=Listing.Kind.SEARCH,
            filters=form.filters(),
            persons=found.shown,
        )
        return Response(
            {
                "results": SearchPersonOutput(found.persons, many=True).data,
                "count": found.result.count,
                "count_capped": found.result.count_capped,
                **window,
                "corrections": found.result.corrections,
                "truncated": found.result.truncated,
            }
        )


class DeclarationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.IntegerField()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    submitted_by = serializers.CharField(source="submitted_by_username")


class DossierOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    managing_org = serializers.CharField(source="managing_org.code")
    classification = serializers.SerializerMethodField()
    current_posts = serializers.CharField()
    status = serializers.CharField()
    declaration_count = serializers.IntegerField()
    version = serializers.IntegerField()

    def get_classification(self, d: Any) -> str:
        return Classification(d.classification).name


class DossierDetailOutput(DossierOutput):
    subject = PersonOutput()
    relatives = PersonOutput(many=True)
    declaration = serializers.JSONField(help_text="Bản khai hiện hành")
    declarations = DeclarationOutput(many=True)


class DossierCreateInput(serializers.Serializer):
    managing_org = serializers.CharField(
        min_length=1, max_length=64, help_text="Mã tổ chức quản lý, hoặc id công khai của tổ chức"
    )
    classification = serializers.CharField(max_length=16, default="NONE")
    tier = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)
    current_posts = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    declaration = serializers.JSONField()
    confirm_not_duplicate = serializers.BooleanField(
        default=False,
        help_text="Người lập đã xem các hồ sơ có thể trùng (cùng họ tên và ngày sinh, câu trả "
        "lời 409 likely_duplicate) và xác nhận đây là người khác: lập hồ sơ mới.",
    )


class DuplicateCandidateOutput(serializers.Serializer):
    dossier = serializers.UUIDField(source="dossier.public_id")
    full_name = serializers.CharField()
    birth = serializers.SerializerMethodField()
    managing_org = serializers.CharField(source="dossier.managing_org.code")
    managing_org_name = serializers.CharField(source="dossier.managing_org.name")

    def get_birth(self, p: Person) -> str:
        return str(p.birth) if p.birth else ""


class DossierCreateConflictOutput(serializers.Serializer):
    code = serializers.CharField(
        help_text="likely_duplicate: có thể người này đã có hồ sơ (xem candidates); conflict: "
        "hồ sơ đang được một lượt nhập tệp cập nhật, gửi lại sau"
    )
    detail = serializers.CharField()
    candidates = DuplicateCandidateOutput(
        many=True,
        required=False,
        help_text="Với likely_duplicate: người được quản lý của các hồ sơ người dùng được xem "
        "có cùng họ tên và ngày sinh. Gửi lại với confirm_not_duplicate=true nếu là người khác.",
    )


class DossierListItem(serializers.Serializer):
    id = serializers.UUIDField(source="dossier.public_id")
    full_name = serializers.CharField()
    birth = serializers.SerializerMethodField()
    managing_org = serializers.CharField(source="dossier.managing_org.code")
    classification = serializers.SerializerMethodField()
    current_posts = serializers.CharField(source="dossier.current_posts")

    get_birth = PersonOutput.get_birth

    def get_classification(self, p: Person) -> str:
        return Classification(p.classification).name


class DossierListOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text="Số hồ sơ người dùng được xem (trong tổ chức)")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = DossierListItem(many=True)


LIST_PAGE_SIZE = 50


class DossierCreateApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "org", str, description="Mã hoặc id công khai của tổ chức (thu hẹp phạm vi)"
            ),
            OpenApiParameter("page", int, description="Trang (50 hồ sơ mỗi trang)"),
        ],
        responses=DossierListOutput,
        operation_id="dossiers_list",
        summary="Danh sách hồ sơ được xem, theo thứ tự tên tiếng Việt (mỗi trang được ghi nhật ký)",
    )
    def get(self, request: Request) -> Response:
        if not can_use_dossiers(request.user, "view"):
            raise PermissionDeniedError("Bạn không được xem hồ sơ.")
        code = request.query_params.get("org", "").strip()
        org_path = ""
        if code:
            found = visible_org_path(user=request.user, code=code)
            if found is None:
                raise NotFound
            org_path = found
        try:
            number = int(request.query_params.get("page", "1"))
        except ValueError as exc:
            raise ValidationError({"page": ["Số trang không hợp lệ."]}) from exc
        paginator = Paginator(dossier_list(user=request.user, org_path=org_path), LIST_PAGE_SIZE)
        page = paginator.get_page(number)
        services.dossier_listing_record(
            actor=request.user,  # type: ignore[arg-type]
            filters={"list_page": page.number, "org": code},
            kind=Listing.Kind.LIST,
            persons=list(page.object_list),
        )
        return Response(
            {
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "results": DossierListItem(page.object_list, many=True).data,
            }
        )

    @extend_schema(
        request=DossierCreateInput,
        responses={201: DossierOutput, 409: DossierCreateConflictOutput},
        summary="Lập hồ sơ (409 likely_duplicate nếu có thể trùng một hồ sơ đã có)",
    )
    def post(self, request: Request) -> Response:
        if not can_use_dossiers(request.user, Action.CHANGE):
            raise PermissionDeniedError("Bạn không được lập hồ sơ.")  # before reading input
        data = DossierCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            dossier = services.dossier_create(
                actor=request.user,  # type: ignore[arg-type]
                managing_org_code=v["managing_org"],
                classification=v["classification"],
                tier_code=v["tier"],
                current_posts=v["current_posts"],
                content=v["declaration"],
                confirm_not_duplicate=v["confirm_not_duplicate"],
            )
        except LikelyDuplicate as exc:
            # The candidates are names shown to the user: recorded like a search's.
            services.dossier_listing_record(
                actor=request.user,  # type: ignore[arg-type]
                kind=Listing.Kind.SEARCH,
                filters=exc.filters,
                persons=exc.candidates,
            )
            body = {
                "code": exc.code,
                "detail": exc.message,
                "candidates": DuplicateCandidateOutput(exc.candidates, many=True).data,
            }
            return Response(body, status=exc.status)
        return Response(DossierOutput(dossier).data, status=status.HTTP_201_CREATED)


class DossierUpdateInput(serializers.Serializer):
    expected_version = serializers.IntegerField(
        min_value=1, help_text="version của hồ sơ mà người sửa đã xem (chống ghi đè)"
    )
    classification = serializers.CharField(
        max_length=16, required=False, help_text="NONE, MAT, TOI_MAT hoặc TUYET_MAT"
    )
    current_posts = serializers.CharField(required=False, allow_blank=True, max_length=500)


class DossierDetailApi(APIView):
    @extend_schema(
        responses=DossierDetailOutput, summary="Một hồ sơ (mỗi lần đọc được ghi nhật ký)"
    )
    def get(self, request: Request, public_id: str) -> Response:
        access = dossier_access(request.user, public_id)
        dossier, subject = access.dossier, access.subject
        declarations = dossier_declarations(user=request.user, dossier=dossier)
        body = dict(DossierOutput(dossier).data)
        body["subject"] = PersonOutput(subject).data
        body["relatives"] = PersonOutput(access.relatives, many=True).data
        body["declaration"] = declarations[0].content if declarations else None
        body["declarations"] = DeclarationOutput(declarations, many=True).data
        return Response(body)

    @extend_schema(
        request=DossierUpdateInput,
        responses=DossierOutput,
        summary="Sửa mức mật, chức vụ hiện nay của hồ sơ (theo version đã xem)",
    )
    def patch(self, request: Request, public_id: str) -> Response:
        dossier = dossier_get_for_user(user=request.user, public_id=public_id, action="change")
        data = DossierUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        updated = services.dossier_update(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            expected_version=data.validated_data["expected_version"],
            classification=data.validated_data.get("classification"),
            current_posts=data.validated_data.get("current_posts"),
        )
        return Response(DossierOutput(updated).data)


class DeclarationSubmitInput(serializers.Serializer):
    expected_number = serializers.IntegerField(
        min_value=1, help_text="Số của bản khai mà người nhập đã dựa vào (chống ghi đè)"
    )
    content = serializers.JSONField()


class DeclarationListApi(APIView):
    @extend_schema(responses=DeclarationOutput(many=True), summary="Các bản khai của hồ sơ")
    def get(self, request: Request, public_id: str) -> Response:
        dossier = dossier_access(request.user, public_id, "danh sách bản khai").dossier
        return Response(
            DeclarationOutput(
                dossier_declarations(user=request.user, dossier=dossier), many=True
            ).data
        )

    @extend_schema(
        request=DeclarationSubmitInput,
        responses={201: DeclarationOutput},
        summary="Nộp bản khai mới (thay thế bản hiện hành)",
    )
    def post(self, request: Request, public_id: str) -> Response:
        dossier = dossier_get_for_user(user=request.user, public_id=public_id, action="change")
        data = DeclarationSubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        declaration = services.declaration_submit(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            content=data.validated_data["content"],
            expected_number=data.validated_data["expected_number"],
        )
        return Response(DeclarationOutput(declaration).data, status=status.HTTP_201_CREATED)


class ChangeOutput(serializers.Serializer):
    section = serializers.CharField()
    kind = serializers.CharField()
    subject = serializers.CharField()
    field = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class DeclarationDiffApi(APIView):
    @extend_schema(responses=ChangeOutput(many=True), summary="Khác nhau giữa hai bản khai")
    def get(self, request: Request, public_id: str, a: int, b: int) -> Response:
        dossier = dossier_get_for_user(user=request.user, public_id=public_id)
        found = declaration_versions(user=request.user, dossier=dossier, numbers=[a, b])
        if a not in found or b not in found:
            raise NotFound
        dossier_access(request.user, public_id, f"so sánh bản khai {a} và {b}")
        changes = declaration_diff(found[a].content, found[b].content)
        return Response(ChangeOutput([c.as_dict() for c in changes], many=True).data)


class ImportInput(serializers.Serializer):
    managing_org = serializers.CharField(
        min_length=1, max_length=64, help_text="Mã tổ chức quản lý, hoặc id công khai của tổ chức"
    )
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)
    checked_at = serializers.DateTimeField(
        required=False,
        help_text="checked_at của lần kiểm tra tệp: nhập sau một lần kiểm tra. Hồ sơ đã có "
        "mà lần kiểm tra không so (hoặc đã sửa sau đó) bị từ chối.",
    )
    check_id = serializers.UUIDField(
        required=False,
        help_text="check_id của lần kiểm tra (khi lần đó so với hồ sơ đã có): mỗi hồ sơ phải "
        "còn đúng phiên bản đã so.",
    )
    checked_sha256 = serializers.CharField(
        required=False,
        max_length=64,
        help_text="file_sha256 của lần kiểm tra: một tệp khác bị từ chối.",
    )


class ImportReportOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    dossiers = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]  # DRF pops declared fields
    warning_count = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.DictField())
    checked_at = serializers.DateTimeField()
    file_sha256 = serializers.CharField()
    check_id = serializers.UUIDField(allow_null=True)
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class DossierImportApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ImportInput},
        responses=ImportReportOutput,
        summary="Nhập hồ sơ từ tệp XLSX/CSV (mặc định chỉ kiểm tra)",
    )
    def post(self, request: Request) -> Response:
        if not can_use_dossiers(request.user, "change"):
            raise PermissionDeniedError("Bạn không được nhập hồ sơ.")
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        report = import_dossiers(
            actor=request.user,  # type: ignore[arg-type]
            managing_org_code=data.validated_data["managing_org"],
            stream=upload,
            file_name=upload.name,
            dry_run=data.validated_data["dry_run"],
            since=data.validated_data.get("checked_at"),
            checked_sha256=data.validated_data.get("checked_sha256", ""),
            check_id=data.validated_data.get("check_id"),
        )
        body = json.loads(report_json(report))
        return Response(body, status=200 if report.ok else 400)


class LinkDifferenceOutput(serializers.Serializer):
    field = serializers.CharField(help_text="Điều được so (họ tên, năm sinh, quê quán...)")
    mine = serializers.JSONField(help_text="Như hồ sơ này khai")
    other = serializers.JSONField(help_text="Như hồ sơ kia khai")


class LinkOutput(serializers.Serializer):
    id = serializers.UUIDField(source="link.public_id")
    status = serializers.CharField(source="link.status")
    reason = serializers.CharField(source="link.reason")
    mine = PersonOutput(help_text="Người trong hồ sơ này")
    other = PersonOutput(help_text="Người trong hồ sơ kia (người dùng cũng được xem)")
    differences = serializers.SerializerMethodField(
        help_text="Với liên kết đã xác nhận: cùng một người mà hai hồ sơ khai khác nhau"
    )

    @extend_schema_field(LinkDifferenceOutput(many=True))
    def get_differences(self, view: LinkView) -> list[dict[str, Any]]:
        return [
            {"field": label, "mine": str(mine), "other": str(other)}
            for label, mine, other in view.differences
        ]


class DossierLinksApi(APIView):
    @extend_schema(
        responses=LinkOutput(many=True),
        summary="Thân nhân có thể là cùng một người ở hồ sơ khác (đề xuất, đã xác nhận)",
    )
    def get(self, request: Request, public_id: str) -> Response:
        access = dossier_access(request.user, public_id, "liên kết thân nhân")
        dossier = access.dossier
        links = dossier_links(user=request.user, persons=access.persons)
        services.dossier_linked_reads_record(
            actor=request.user,  # type: ignore[arg-type]
            viewed=dossier,
            dossier_ids={view.other.dossier_id for view in links},
        )
        return Response(LinkOutput(links, many=True).data)


class LinkDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("confirm", "cùng một người"), ("reject", "không phải cùng một người")]
    )


class LinkDecisionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    reason = serializers.CharField()


class LinkDecisionApi(APIView):
    @extend_schema(
        request=LinkDecisionInput,
        responses=LinkDecisionOutput,
        summary="Xác nhận hoặc bác bỏ một liên kết đề xuất (chỉ một lần)",
    )
    def post(self, request: Request, public_id: str) -> Response:
        link = link_get_for_user(user=request.user, public_id=public_id)
        if not can_decide_link(request.user, link):
            raise PermissionDeniedError("Chỉ cán bộ BVCTNB quản lý cả hai hồ sơ được quyết định.")
        data = LinkDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = services.person_link_decide(
            actor=request.user,  # type: ignore[arg-type]
            link=link,
            confirm=data.validated_data["decision"] == "confirm",
        )
        return Response(LinkDecisionOutput(decided).data)
