"""Audit API for auditors: the same search as the page, and one event."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bvct.audit.forms import EventSearchForm
from bvct.audit.models import AuditEvent
from bvct.audit.permissions import can_view_audit
from bvct.audit.selectors import event_search
from bvct.audit.services import audit_read_record, audit_search_record
from bvct.core.errors import PermissionDeniedError
from bvct.core.gate import get_for_user


class AuditEventOutput(serializers.Serializer):
    seq = serializers.IntegerField()
    id = serializers.UUIDField(source="public_id")
    occurred_at = serializers.DateTimeField()
    actor = serializers.UUIDField(source="actor_public_id", allow_null=True)
    actor_username = serializers.CharField()
    organisation = serializers.UUIDField(source="org_public_id", allow_null=True)
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField(source="object_public_id")
    object_label = serializers.CharField()
    subject = serializers.UUIDField(source="subject_public_id", allow_null=True)
    classification = serializers.IntegerField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    request_id = serializers.CharField()
    client_addr = serializers.CharField(allow_null=True)
    hash = serializers.CharField(source="hash_hex")


class AuditEventListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("actor", str),
            OpenApiParameter("subject", str),
            OpenApiParameter("object_id", str),
            OpenApiParameter("action", str),
            OpenApiParameter("date_from", str, description="dd/mm/yyyy"),
            OpenApiParameter("date_to", str, description="dd/mm/yyyy"),
            OpenApiParameter("before", int, description="Trang sau: seq nhỏ hơn giá trị này"),
        ],
        responses=AuditEventOutput(many=True),
        summary="Tra cứu nhật ký",
    )
    def get(self, request: Request) -> Response:
        if not can_view_audit(request.user):
            raise PermissionDeniedError("Chỉ kiểm tra viên nhật ký được tra cứu nhật ký.")
        form = EventSearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        filters = form.to_filter()
        events = list(event_search(user=request.user, filters=filters, limit=100))
        audit_search_record(actor=request.user, filters=filters.as_audit_dict())  # type: ignore[arg-type]
        return Response(AuditEventOutput(events, many=True).data)


class AuditEventDetailApi(APIView):
    @extend_schema(responses=AuditEventOutput, summary="Một sự kiện nhật ký")
    def get(self, request: Request, public_id: str) -> Response:
        event = get_for_user(AuditEvent.objects.all(), request.user, public_id=public_id)
        audit_read_record(actor=request.user, event=event)  # type: ignore[arg-type]
        return Response(AuditEventOutput(event).data)
