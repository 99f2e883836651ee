"""Accounts API: who am I, users (administrator), own API tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bvct.accounts import grants, services
from bvct.accounts.models import AccessGrant, User
from bvct.accounts.permissions import can_manage_users
from bvct.core.api import Page
from bvct.core.constants import Action, Classification
from bvct.core.errors import PermissionDeniedError
from bvct.core.gate import get_for_user, may


class GrantOutput(serializers.Serializer):
    """Access asked for an account, waiting for (or decided by) a second administrator."""

    id = serializers.UUIDField(source="public_id")
    user = serializers.UUIDField(source="user.public_id")
    roles = serializers.ListField(child=serializers.CharField())
    clearance = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.code")
    scope = serializers.CharField(source="scope.code")
    status = serializers.ChoiceField(choices=AccessGrant.Status.choices)
    requested_by = serializers.CharField(source="requested_by.username")
    requested_at = serializers.DateTimeField()
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()

    def get_clearance(self, obj: AccessGrant) -> str:
        return Classification(obj.clearance).name


class UserOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.CharField()
    citizen_id = serializers.CharField()
    organisation = serializers.CharField(source="organisation.code")
    scope = serializers.CharField(source="scope.code")
    roles = serializers.ListField(child=serializers.CharField())
    clearance = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    version = serializers.IntegerField()
    pending_grant = serializers.SerializerMethodField(
        help_text="Quyền đã đề nghị, chưa có hiệu lực đến khi quản trị hệ thống khác xác nhận."
    )

    def get_clearance(self, obj: User) -> str:
        return Classification(obj.clearance).name

    @extend_schema_field(GrantOutput(allow_null=True))
    def get_pending_grant(self, obj: User) -> dict[str, Any] | None:
        pending = [g for g in obj.access_grants.all() if g.status == AccessGrant.Status.PENDING]
        return GrantOutput(pending[0]).data if pending else None


class UserCreateInput(serializers.Serializer):
    username = serializers.CharField(max_length=64)
    full_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(required=False, default="")
    citizen_id = serializers.CharField(max_length=14, required=False, default="", allow_blank=True)
    organisation = serializers.CharField(max_length=64)
    scope = serializers.CharField(
        max_length=64, required=False, help_text="Mã tổ chức; mặc định: phạm vi của đơn vị."
    )
    roles = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=True)
    clearance = serializers.CharField(max_length=16, default="NONE")
    password = serializers.CharField(required=False, write_only=True, trim_whitespace=False)


class UserUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    full_name = serializers.CharField(max_length=200, required=False)
    email = serializers.EmailField(required=False, allow_blank=True)
    citizen_id = serializers.CharField(max_length=14, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=64, required=False)
    scope = serializers.CharField(max_length=64, required=False)
    roles = serializers.ListField(child=serializers.CharField(max_length=32), required=False)
    clearance = serializers.CharField(max_length=16, required=False)
    is_active = serializers.BooleanField(required=False)


def _user_qs() -> Any:
    pending = AccessGrant.objects.filter(status=AccessGrant.Status.PENDING).select_related(
        "user", "organisation", "scope", "requested_by", "decided_by"
    )
    return User.objects.select_related("organisation", "scope").prefetch_related(
        Prefetch("access_grants", queryset=pending)
    )


class MeApi(APIView):
    @extend_schema(responses=UserOutput, summary="Tài khoản đang đăng nhập")
    def get(self, request: Request) -> Response:
        return Response(UserOutput(request.user).data)


class UserListApi(generics.ListAPIView):
    serializer_class = UserOutput
    pagination_class = Page

    def get_queryset(self) -> Any:
        return _user_qs().visible_to(self.request.user, Action.VIEW).order_by("username")

    @extend_schema(summary="Danh sách tài khoản")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=UserCreateInput, responses={201: UserOutput}, summary="Tạo tài khoản")
    def post(self, request: Request) -> Response:
        if not can_manage_users(request.user):
            raise PermissionDeniedError("Chỉ quản trị hệ thống được tạo tài khoản.")
        data = UserCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = services.user_create(
            actor=request.user,  # type: ignore[arg-type]
            username=v["username"],
            full_name=v["full_name"],
            email=v["email"],
            citizen_id=v["citizen_id"],
            organisation_code=v["organisation"],
            scope_code=v.get("scope"),
            roles=v["roles"],
            clearance=v["clearance"],
            password=v.get("password"),
        )
        return Response(UserOutput(_user_qs().get(pk=user.pk)).data, status=status.HTTP_201_CREATED)


class UserDetailApi(APIView):
    @extend_schema(responses=UserOutput, summary="Một tài khoản")
    def get(self, request: Request, public_id: str) -> Response:
        user = get_for_user(_user_qs(), request.user, public_id=public_id)
        return Response(UserOutput(user).data)

    @extend_schema(
        request=UserUpdateInput,
        responses={200: UserOutput, 202: UserOutput},
        summary="Sửa tài khoản",
        description=(
            "Thêm vai trò, nâng mức tiếp cận bí mật, chuyển đơn vị hay phạm vi của người có vai "
            "trò nghiệp vụ chỉ có hiệu lực khi quản trị hệ thống khác xác nhận: khi đó trả lời "
            "202 và `pending_grant` nêu quyền đang chờ; phần còn lại đã được lưu."
        ),
    )
    def patch(self, request: Request, public_id: str) -> Response:
        user = get_for_user(_user_qs(), request.user, action=Action.CHANGE, public_id=public_id)
        data = UserUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        before = [g.pk for g in user.access_grants.all()]
        earlier = before[0] if before else None
        user = services.user_update(
            actor=request.user,  # type: ignore[arg-type]
            user=user,
            expected_version=v["version"],
            full_name=v.get("full_name"),
            email=v.get("email"),
            citizen_id=v.get("citizen_id"),
            organisation_code=v.get("organisation"),
            scope_code=v.get("scope"),
            roles=v.get("roles"),
            clearance=v.get("clearance"),
            is_active=v.get("is_active"),
        )
        fresh = _user_qs().get(pk=user.pk)
        waiting = [g for g in fresh.access_grants.all()]
        asked_now = bool(waiting) and waiting[0].pk != earlier
        return Response(
            UserOutput(fresh).data, status=status.HTTP_202_ACCEPTED if asked_now else 200
        )


def _grants_qs(user: Any) -> Any:
    if not (may(user, Action.ADMINISTER) or may(user, Action.AUDIT)):
        raise NotFound
    return AccessGrant.objects.visible_to(user).select_related(
        "user", "organisation", "scope", "requested_by", "decided_by"
    )


class GrantListApi(generics.ListAPIView):
    serializer_class = GrantOutput
    pagination_class = Page

    def get_queryset(self) -> Any:
        rows = _grants_qs(self.request.user).order_by("-requested_at", "-pk")
        wanted = self.request.query_params.get("status", "")
        return rows.filter(status=wanted) if wanted else rows

    @extend_schema(
        summary="Đề nghị cấp quyền",
        parameters=[
            OpenApiParameter("status", enum=AccessGrant.Status.values, required=False),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class GrantDeclineInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class GrantConfirmApi(APIView):
    @extend_schema(request=None, responses=UserOutput, summary="Xác nhận cấp quyền")
    def post(self, request: Request, public_id: str) -> Response:
        if not can_manage_users(request.user):
            raise NotFound
        grant = get_for_user(_grants_qs(request.user), request.user, public_id=public_id)
        user = grants.grant_confirm(actor=request.user, grant=grant)  # type: ignore[arg-type]
        return Response(UserOutput(_user_qs().get(pk=user.pk)).data)


class GrantDeclineApi(APIView):
    @extend_schema(
        request=GrantDeclineInput,
        responses=GrantOutput,
        summary="Từ chối (hoặc người đề nghị rút lại) đề nghị cấp quyền",
    )
    def post(self, request: Request, public_id: str) -> Response:
        if not can_manage_users(request.user):
            raise NotFound
        grant = get_for_user(_grants_qs(request.user), request.user, public_id=public_id)
        data = GrantDeclineInput(data=request.data)
        data.is_valid(raise_exception=True)
        done = grants.grant_decline(
            actor=request.user,  # type: ignore[arg-type]
            grant=grant,
            reason=data.validated_data["reason"],
        )
        return Response(GrantOutput(_grants_qs(request.user).get(pk=done.pk)).data)


class TokenCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(min_value=1, max_value=366, default=90)


class TokenOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    prefix = serializers.CharField()
    expires_at = serializers.DateTimeField()


class TokenCreatedOutput(TokenOutput):
    key = serializers.CharField(help_text="Chỉ hiển thị một lần.")


class TokenListApi(APIView):
    @extend_schema(responses=TokenOutput(many=True), summary="Mã truy cập API của tôi")
    def get(self, request: Request) -> Response:
        tokens = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")  # type: ignore[union-attr]
        return Response(TokenOutput(tokens, many=True).data)

    @extend_schema(
        request=TokenCreateInput, responses={201: TokenCreatedOutput}, summary="Cấp mã truy cập"
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            # A leaked token must not be able to extend itself.
            raise PermissionDeniedError("Chỉ cấp mã truy cập khi đăng nhập bằng mật khẩu.")
        data = TokenCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = services.api_token_create(
            actor=request.user,  # type: ignore[arg-type]
            name=data.validated_data["name"],
            days=data.validated_data["days"],
        )
        body = dict(TokenOutput(token).data, key=key)
        return Response(body, status=status.HTTP_201_CREATED)


class TokenRevokeApi(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Thu hồi mã truy cập")
    def delete(self, request: Request, public_id: str) -> Response:
        token = request.user.api_tokens.filter(public_id=public_id).first()  # type: ignore[union-attr]
        if token is None:
            raise NotFound
        services.api_token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
