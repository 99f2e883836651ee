"""API plumbing: service errors become specific JSON answers."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from bvct.core.errors import ServiceError


class Page(LimitOffsetPagination):
    """List endpoints answer {count, next, previous, results}: never a silently cut list."""

    default_limit = 50
    max_limit = 500


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ServiceError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        errors = getattr(exc, "errors", None)
        if errors:
            body["errors"] = [{"field": field, "message": message} for field, message in errors]
        return Response(body, status=exc.status)
    if isinstance(exc, Http404 | NotFound):
        # The same answer for hidden and missing objects.
        return Response({"code": "not_found", "detail": "Không tìm thấy."}, status=404)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "detail" in response.data:
        response.data["code"] = "not_authenticated"
    return response


ERROR_SCHEMA = {
    "type": "object",
    "description": "Một yêu cầu không thực hiện được; không có gì bị thay đổi.",
    "properties": {
        "code": {"type": "string", "description": "Mã lỗi, ví dụ invalid, not_found, conflict"},
        "detail": {"type": "string", "description": "Lý do, bằng tiếng Việt"},
        "field": {"type": "string", "description": "Trường bị từ chối (nếu có)"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "required": ["detail"],
}
# A serializer's refusal: each field named with its messages.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Dữ liệu không hợp lệ: mỗi trường với các thông báo của nó.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERRORS = {
    "400": "Dữ liệu không hợp lệ (chi tiết theo từng trường)",
    "409": "Xung đột: đối tượng vừa được người khác sửa, hoặc yêu cầu trái với dữ liệu đã có",
    "401": "Chưa đăng nhập hoặc mã truy cập không hợp lệ",
    "403": "Không được phép",
    "404": "Không có, hoặc không được xem (hai trường hợp trả lời như nhau)",
}


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every operation documents the errors it can
    answer (the bodies of ``exception_handler``, or a serializer's field errors for a 400):
    400 where it takes input, 401 and 403 always, 404 where the path names an object, 409
    where it writes."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            codes = ["401", "403"]
            queried = any(p.get("in") == "query" for p in operation.get("parameters", []))
            if "requestBody" in operation or queried:
                codes.append("400")
            if "{" in path:
                codes.append("404")
            if "requestBody" in operation:
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                schema = {"oneOf": [ref, FIELD_ERRORS_SCHEMA]} if code == "400" else ref
                body = {"application/json": {"schema": schema}}
                responses.setdefault(code, {"description": ERRORS[code], "content": body})
    return result
