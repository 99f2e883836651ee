"""Pages every app shares."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A stale or missing CSRF token: a Vietnamese page, not Django's English one."""
    return render(request, "403_csrf.html", status=403)
