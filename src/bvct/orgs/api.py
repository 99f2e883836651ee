"""Organisations API: read the tree one may see; the administrator changes it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bvct.core.api import Page
from bvct.core.constants import Action
from bvct.core.errors import PermissionDeniedError
from bvct.orgs import services
from bvct.orgs.models import Organisation
from bvct.orgs.permissions import can_manage_organisations
from bvct.orgs.selectors import organisation_get_for_user, organisation_list


class OrganisationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField(source="kind.code")
    parent = serializers.SerializerMethodField()  # type: ignore[assignment]  # DRF pops it
    parent_code = serializers.CharField(source="parent.code", default=None, allow_null=True)
    depth = serializers.IntegerField()
    is_active = serializers.BooleanField()
    version = serializers.IntegerField()

    def get_parent(self, obj: Organisation) -> str | None:
        return str(obj.parent.public_id) if obj.parent else None


class OrganisationCreateInput(serializers.Serializer):
    code = serializers.CharField(
        max_length=64, required=False, default="", help_text="Bỏ trống: tạo từ tên."
    )
    name = serializers.CharField(max_length=300)
    short_name = serializers.CharField(max_length=100, required=False, default="")
    kind = serializers.CharField(max_length=64)
    parent = serializers.CharField(  # type: ignore[assignment]  # DRF pops it
        max_length=64, required=False, allow_null=True, default=None
    )


class OrganisationUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=300, required=False)
    short_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class OrganisationListApi(generics.ListAPIView):
    serializer_class = OrganisationOutput
    pagination_class = Page

    def get_queryset(self) -> Any:
        return organisation_list(
            user=self.request.user, query=self.request.query_params.get("q", "")
        )

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Tìm theo tên (không cần dấu) hoặc mã")],
        summary="Danh sách tổ chức",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=OrganisationCreateInput, responses={201: OrganisationOutput}, summary="Tạo tổ chức"
    )
    def post(self, request: Request) -> Response:
        if not can_manage_organisations(request.user):
            raise PermissionDeniedError("Chỉ quản trị hệ thống được sửa cơ cấu tổ chức.")
        data = OrganisationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        org = services.organisation_create(
            actor=request.user,  # type: ignore[arg-type]
            code=v["code"],
            name=v["name"],
            short_name=v["short_name"],
            kind_code=v["kind"],
            parent_code=v["parent"],
        )
        return Response(OrganisationOutput(org).data, status=status.HTTP_201_CREATED)


class OrganisationDetailApi(APIView):
    @extend_schema(responses=OrganisationOutput, summary="Một tổ chức")
    def get(self, request: Request, public_id: str) -> Response:
        org = organisation_get_for_user(user=request.user, public_id=public_id)
        return Response(OrganisationOutput(org).data)

    @extend_schema(
        request=OrganisationUpdateInput, responses=OrganisationOutput, summary="Sửa tổ chức"
    )
    def patch(self, request: Request, public_id: str) -> Response:
        org = organisation_get_for_user(
            user=request.user, public_id=public_id, action=Action.CHANGE
        )
        data = OrganisationUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        org = services.organisation_update(
            actor=request.user,  # type: ignore[arg-type]
            org=org,
            expected_version=v["version"],
            name=v.get("name"),
            short_name=v.get("short_name"),
            is_active=v.get("is_active"),
        )
        return Response(OrganisationOutput(org).data)
