"""Request id and client address, input no database can store refused in one place, and the
headers every answer carries (Content-Security-Policy; no caching of what a page shows)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control

from bvct.core import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_address(request: HttpRequest) -> str | None:
    if settings.BVCT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The proxy appends the address it saw last: that one is the one it vouches for.
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Give every request an id (kept from our reverse proxy's X-Request-ID when it is trusted,
    BVCT_TRUST_X_FORWARDED_FOR) and bind it with the client address for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only our own reverse proxy may name the request (its id then joins its access log).
        incoming = (
            request.META.get("HTTP_X_REQUEST_ID", "") if settings.BVCT_TRUST_X_FORWARDED_FOR else ""
        )
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        ctx = context.RequestContext(request_id=request_id, client_addr=client_address(request))
        request.bvct_context = ctx  # type: ignore[attr-defined]
        with context.bound(ctx):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ContentSecurityPolicyMiddleware:
    """Only this server may supply scripts, styles, images and frames: nothing leaves the LAN."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.BVCT_CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class LanguageMiddleware:
    """Vietnamese unless the user chose another language (the language cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: an office PC
    set up in English must still show the Vietnamese interface by default.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


NUL_REFUSED = "Dữ liệu gửi lên có ký tự NUL (mã 0), không được chấp nhận."


# A JSON string's NUL: "\u0000" not itself escaped ("\\u0000" is a backslash and text).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class RefuseNulMiddleware:
    """A NUL character can be stored in no PostgreSQL text: a request whose address carries
    one, or a signed-in user's form or JSON body, is refused here with 400 and a Vietnamese
    message (JSON for the API), before any view turns it into a database error. Bodies are
    read only for a signed-in session (after authentication: an anonymous upload is never
    parsed here) and never for multipart uploads (their fields go through forms and
    serializers, which refuse NUL themselves)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            if request.path.startswith("/api/"):
                body = {"code": "invalid_input", "detail": NUL_REFUSED}
                return JsonResponse(body, status=400)
            return render(request, "400.html", {"detail": NUL_REFUSED}, status=400)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        if any(_has_nul(key, values) for key, values in request.GET.lists()):
            return True
        user = getattr(request, "user", None)
        if request.method != "POST" or user is None or not user.is_authenticated:
            return False
        kind = request.content_type or ""
        if kind == "application/json":
            # Within the limit Django applies to a body read whole (DATA_UPLOAD_MAX_MEMORY_SIZE).
            return bool(_JSON_NUL.search(request.body)) or b"\x00" in request.body
        if kind == "application/x-www-form-urlencoded":
            return any(_has_nul(key, values) for key, values in request.POST.lists())
        return False


def _has_nul(key: str, values: list[str]) -> bool:
    return "\x00" in key or any("\x00" in value for value in values)


class NoStoreMiddleware:
    """Pages and API answers show personal data or classified facts: no browser or proxy may
    keep them (``Cache-Control: no-store``). Static files (served before this) are not
    touched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
