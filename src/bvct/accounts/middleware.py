"""Session idle timeout and absolute lifetime, both from settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse

from bvct.accounts.services import session_expired_record

LOGIN_AT = "bvct_login_at"
SEEN_AT = "bvct_seen_at"
# Write the session at most this often: the idle clock needs no per-request database write.
_TOUCH_EVERY = 30


def start_session_clock(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """user_logged_in receiver: the idle and absolute clocks start at sign-in."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            login_at = request.session.get(LOGIN_AT, 0)
            seen_at = request.session.get(SEEN_AT, 0)
            idle = now - seen_at > settings.BVCT_SESSION_IDLE_SECONDS
            too_old = now - login_at > settings.BVCT_SESSION_MAX_SECONDS
            if idle or too_old:
                return self._expire(request, "idle" if idle else "lifetime")
            if now - seen_at >= _TOUCH_EVERY:
                request.session[SEEN_AT] = now
        response = self.get_response(request)
        if getattr(request, "htmx", False) and _to_login(response):
            # A fragment's request without a session (signed out elsewhere, cookie gone):
            # the whole page goes to sign-in, instead of the sign-in page inside a table.
            return _htmx_redirect(redirect_to_login(_page_path(request)))
        return response

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        session_expired_record(user=request.user, reason=reason)  # type: ignore[arg-type]
        logout(request)
        text = (
            "Phiên làm việc đã hết hạn do không thao tác quá lâu. Vui lòng đăng nhập lại."
            if reason == "idle"
            else "Phiên làm việc đã quá thời gian tối đa. Vui lòng đăng nhập lại."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "session_expired", "detail": text}, status=401)
        if request.path == reverse("accounts:keepalive"):
            # Not a redirect: the page being filled in stays, and says so (views.keepalive).
            from bvct.accounts.views import SESSION_LOST

            return HttpResponse(SESSION_LOST)
        messages.info(request, text)
        if getattr(request, "htmx", False):
            return _htmx_redirect(redirect_to_login(_page_path(request)))
        return redirect_to_login(request.get_full_path())


def _to_login(response: HttpResponse) -> bool:
    return response.status_code == 302 and str(response.get("Location", "")).startswith(
        resolve_url(settings.LOGIN_URL)
    )


def _page_path(request: HttpRequest) -> str:
    """Where to come back to after signing in: the page an htmx request came from (its own
    address is a fragment's), as a path on this site."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if current.netloc and current.netloc != request.get_host():
        return "/"
    path = current.path or "/"
    return f"{path}?{current.query}" if current.query else path


def _htmx_redirect(redirect: HttpResponse) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = redirect["Location"]
    return response


# What an account whose password another person chose may still reach: the page to change
# it, signing out, and what pages need to work at all.
_OPEN_WHILE_CHANGING = (
    "accounts:password_change",
    "accounts:logout",
    "accounts:keepalive",
    "set_language",
)


class PasswordChangeRequiredMiddleware:
    """An account whose password an administrator set (``must_change_password``) is sent to
    change it before anything else: the administrator knows that password, so nothing else
    is served on it (the API answers 403 saying so)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return self.get_response(request)
        if self._open is None:
            self._open = tuple(reverse(name) for name in _OPEN_WHILE_CHANGING)
        if request.path in self._open or request.path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            body = {
                "code": "password_change_required",
                "detail": "Mật khẩu do người khác đặt: hãy đổi mật khẩu trên trang web trước.",
            }
            return JsonResponse(body, status=403)
        target = reverse("accounts:password_change")
        if getattr(request, "htmx", False):
            return _htmx_redirect(HttpResponse(status=302, headers={"Location": target}))
        messages.warning(
            request, "Mật khẩu của bạn do người khác đặt: hãy đổi mật khẩu trước khi làm việc."
        )
        return HttpResponse(status=302, headers={"Location": target})
