"""Sign-in and sign-out pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from bvct.accounts.forms import LoginForm, PasswordChangeForm
from bvct.accounts.services import (
    login_lock,
    login_success_record,
    logout_record,
    password_change_failure_record,
    user_change_own_password,
)
from bvct.core.errors import ServiceError, refusal_on_form
from bvct.core.middleware import client_address


@method_decorator([csrf_protect, never_cache], name="dispatch")
class LoginView(View):
    template_name = "accounts/login.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            return HttpResponseRedirect(resolve_url("home:home"))
        return render(request, self.template_name, {"form": LoginForm(request)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LoginForm(request, data=request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=200)
        user = form.user_cache
        assert user is not None
        login(request, user)  # rotates the session key and starts the session clocks
        login_success_record(user=user, ip=client_address(request))
        return HttpResponseRedirect(self._next(request))

    @staticmethod
    def _next(request: HttpRequest) -> str:
        target = request.POST.get("next") or request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return resolve_url("home:home")


# What a page being filled in shows when the session ran out while it was open (the form is
# still in the browser: the officer can copy what was typed before signing in again).
SESSION_LOST = (
    '<p class="message error" role="alert">Phiên làm việc đã hết hạn: bấm “Nộp” bây giờ sẽ '
    "mất nội dung đang nhập. Hãy chép lại nội dung cần giữ, rồi đăng nhập lại.</p>"
)


@require_POST
@never_cache
def keepalive(request: HttpRequest) -> HttpResponse:
    """Sent by a page being filled in, at most once a minute while the officer types: typing
    is activity, so the idle clock (moved by SessionLifetimeMiddleware) must not run out
    under a long declaration. Nothing is read or written but the session's clock."""
    if not request.user.is_authenticated:
        return HttpResponse(SESSION_LOST)
    return HttpResponse(status=204)


@method_decorator([csrf_protect, never_cache], name="dispatch")
class LogoutView(View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            logout_record(user=request.user)
        logout(request)
        return HttpResponseRedirect(resolve_url("accounts:login"))


@never_cache
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    """One's own password: the current one first; the session stays signed in, the API
    tokens the old password let anyone set up stop working."""
    form = PasswordChangeForm(request.POST or None)
    ip = client_address(request)
    user_now: Any = request.user
    lock = login_lock(user_now.username, ip) if request.method == "POST" else None
    if lock is not None and lock[1] == "pair":
        form.is_valid()
        form.add_error(
            "current",
            "Đã nhập sai mật khẩu hiện tại nhiều lần từ máy này: hãy thử lại sau "
            f"{timezone.localtime(lock[0]):%H:%M:%S}.",
        )
    elif request.method == "POST" and form.is_valid():
        try:
            user = user_change_own_password(
                actor=request.user,  # type: ignore[arg-type]
                current=form.cleaned_data["current"],
                new=form.cleaned_data["new"],
            )
        except ServiceError as exc:
            if exc.field == "current":
                password_change_failure_record(user=user_now, ip=ip)
            refusal_on_form(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "Đã đổi mật khẩu.")
            return HttpResponseRedirect(resolve_url("home:home"))
    return render(request, "accounts/password_change.html", {"form": form})
