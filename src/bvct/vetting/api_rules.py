"""Read-only API of the active rule pack (every signed-in account; no personal data)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bvct.core.errors import PermissionDeniedError
from bvct.vetting.permissions_rules import can_view_rules
from bvct.vetting.rules import rule_pack_current
from bvct.vetting.selectors_rules import rule_pack_active_row


class RulePackOutput(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.CharField()
    note = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    to_confirm = serializers.IntegerField(help_text="Số quy tắc còn là mặc định cần xác nhận.")
    rules = serializers.JSONField(help_text="Các phần của bộ quy tắc, mỗi quy tắc có nguồn.")


class RulePackCurrentApi(APIView):
    @extend_schema(responses=RulePackOutput, summary="Bộ quy tắc đang áp dụng")
    def get(self, request: Request) -> Response:
        if not can_view_rules(request.user):
            raise PermissionDeniedError("Cần đăng nhập.")
        row = rule_pack_active_row()
        rules = rule_pack_current()
        return Response(
            RulePackOutput(
                {
                    "version": row.version,
                    "status": row.status,
                    "note": row.note,
                    "published_at": row.published_at,
                    "to_confirm": len(rules.to_confirm()),
                    "rules": row.data,
                }
            ).data
        )
