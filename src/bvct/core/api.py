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
