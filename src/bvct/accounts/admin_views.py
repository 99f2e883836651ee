"""The administrator's account pages: list and search, create, change, disable, reset a
password. Other roles get 404 (the pages are hidden from them, as missing ones are).

Every write goes through one service of ``accounts.services``, which checks the actor again,
refuses a stale version and writes its audit event. The account's organisation and scope are
chosen by name with the organisations' chooser (``orgs.forms.OrganisationField``), among every
organisation the administrator may see; the value posted is the public id.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bvct.accounts import grants
from bvct.accounts.forms import (
    PasswordResetForm,
    UserActiveForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from bvct.accounts.grant_views import grant_rows
from bvct.accounts.models import User
from bvct.accounts.permissions import can_manage_users
from bvct.accounts.selectors import user_get_for_user, user_list
from bvct.accounts.services import (
    temporary_password,
    user_create,
    user_set_password,
    user_update,
)
from bvct.core.constants import Action, Classification, Role
from bvct.core.errors import ServiceError, refusal_on_form
from bvct.orgs.selectors import scope_root_for

PAGE_SIZE = 50


def _require_user_admin(request: HttpRequest) -> None:
    if not can_manage_users(request.user):
        raise Http404


def _role_labels(user: User) -> list[str]:
    return [str(Role(r).label) for r in user.roles if r in Role.values]


@login_required
def user_list_view(request: HttpRequest) -> HttpResponse:
    _require_user_admin(request)
    form = UserFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    users = user_list(user=request.user, query=data.get("q", ""), status=data.get("status", ""))
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(u, _role_labels(u)) for u in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "rows": rows, "page": page, "page_query": query.urlencode()}
    template = "accounts/_user_rows.html" if request.htmx else "accounts/user_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _account_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What the create and edit forms both send a service: details, place and access."""
    return {
        "full_name": data["full_name"],
        "email": data["email"],
        "citizen_id": data["citizen_id"],
        "organisation_code": data["organisation"].code,
        "scope_code": data["scope"].code if data["scope"] else "",
        "roles": data["roles"],
        "clearance": data["clearance"],
    }


def _show_password(
    request: HttpRequest, user: User, password: str, *, created: bool
) -> HttpResponse:
    """The temporary password, on this one answer only (never stored, never in a message)."""
    return render(
        request,
        "accounts/password_shown.html",
        {"target": user, "password": password, "created": created},
    )


@login_required
@never_cache
def user_create_view(request: HttpRequest) -> HttpResponse:
    _require_user_admin(request)
    form = UserCreateForm(
        request.POST if request.method == "POST" else None,
        actor=request.user,
        initial={"clearance": Classification.NONE},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password"] or temporary_password()
        try:
            user = user_create(
                actor=request.user,  # type: ignore[arg-type]
                username=data["username"],
                password=password,
                **_account_fields(data),
            )
        except ServiceError as exc:
            refusal_on_form(form, exc)
        else:
            if not data["password"]:
                return _show_password(request, user, password, created=True)
            messages.success(request, f"Đã tạo tài khoản {user.username}.")
            return HttpResponseRedirect(reverse("accounts:user_detail", args=[user.public_id]))
    context = {"form": form}
    return render(request, "accounts/user_create.html", context, status=400 if form.errors else 200)


def _edit_initial(user: User) -> dict[str, Any]:
    default_scope = scope_root_for(user.organisation)
    return {
        "full_name": user.full_name,
        "email": user.email,
        "citizen_id": user.citizen_id,
        "roles": list(user.roles),
        "clearance": user.clearance,
        "organisation": user.organisation,
        "scope": None if user.scope_id == default_scope.pk else user.scope,
        "version": user.version,
    }


def _detail_page(
    request: HttpRequest,
    target: User,
    *,
    edit: UserEditForm | None = None,
    password: PasswordResetForm | None = None,
    status: int = 200,
) -> HttpResponse:
    own = target.pk == request.user.pk
    edit = edit or UserEditForm(initial=_edit_initial(target), actor=request.user)
    if own:
        for name in ("roles", "clearance", "organisation", "scope"):
            edit.fields[name].disabled = True
    pending = grants.pending_grant(target)
    context = {
        "target": target,
        "pending": grant_rows([pending])[0] if pending else None,
        "decides": True,
        "own": own,
        "role_labels": _role_labels(target),
        "clearance_label": Classification(target.clearance).label,
        "form": edit,
        "password_form": password or PasswordResetForm(initial={"version": target.version}),
    }
    return render(request, "accounts/user_detail.html", context, status=status)


def _target(request: HttpRequest, public_id: Any) -> User:
    _require_user_admin(request)
    return user_get_for_user(user=request.user, public_id=public_id, action=Action.CHANGE)


@login_required
def user_detail_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The account, and (POST) its details, roles, clearance, organisation and scope."""
    target = _target(request, public_id)
    if request.method != "POST":
        return _detail_page(request, target)
    form = UserEditForm(request.POST, initial=_edit_initial(target), actor=request.user)
    if target.pk == request.user.pk:
        for name in ("roles", "clearance", "organisation", "scope"):
            form.fields[name].disabled = True
    if not form.is_valid():
        return _detail_page(request, target, edit=form, status=400)
    data = form.cleaned_data
    earlier = grants.pending_grant(target)
    asked_before = earlier.pk if earlier else None
    try:
        updated = user_update(
            actor=request.user,  # type: ignore[arg-type]
            user=target,
            expected_version=data["version"],
            **_account_fields(data),
        )
    except ServiceError as exc:
        # The page again, with the account as it now is and what the administrator typed;
        # after a conflict the form holds the current version, so saving again is a decision
        # made with the other change in view.
        current = _target(request, public_id)
        again_data = request.POST.copy()
        again_data["version"] = str(current.version)
        again = UserEditForm(again_data, initial=_edit_initial(current), actor=request.user)
        again.is_valid()
        refusal_on_form(again, exc)
        return _detail_page(request, current, edit=again, status=exc.status)
    changed = updated.version != data["version"]
    waiting = grants.pending_grant(updated)
    if waiting is not None and waiting.pk != asked_before:
        messages.success(
            request,
            "Đã lưu. Phần mở rộng quyền (vai trò, mức tiếp cận bí mật, đơn vị, phạm vi) "
            "chờ một quản trị hệ thống khác xác nhận.",
        )
    else:
        messages.success(request, "Đã lưu." if changed else "Không có gì thay đổi.")
    return HttpResponseRedirect(reverse("accounts:user_detail", args=[updated.public_id]))


@login_required
@require_POST
def user_active_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Disable or enable the account."""
    target = _target(request, public_id)
    form = UserActiveForm(request.POST)
    url = reverse("accounts:user_detail", args=[target.public_id])
    if not form.is_valid():
        messages.error(request, "Yêu cầu không hợp lệ: hãy tải lại trang.")
        return HttpResponseRedirect(url)
    active = form.cleaned_data["is_active"]
    try:
        user_update(
            actor=request.user,  # type: ignore[arg-type]
            user=target,
            expected_version=form.cleaned_data["version"],
            is_active=active,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã mở khóa tài khoản." if active else "Đã khóa tài khoản.")
    return HttpResponseRedirect(url)


@login_required
@require_POST
@never_cache
def user_password_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    """A new password: the one typed (checked by the password rules) or a temporary one,
    shown once."""
    target = _target(request, public_id)
    form = PasswordResetForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, target, password=form, status=400)
    typed = form.cleaned_data["password"]
    password = typed or temporary_password()
    try:
        user_set_password(
            actor=request.user,  # type: ignore[arg-type]
            user=target,
            password=password,
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        # Bound to the current version, the password left out (it is never sent back).
        current = _target(request, public_id)
        again = PasswordResetForm({"version": current.version, "password": ""})
        again.is_valid()
        refusal_on_form(again, exc)
        return _detail_page(request, current, password=again, status=exc.status)
    if not typed:
        return _show_password(request, target, password, created=False)
    messages.success(request, "Đã đặt mật khẩu mới; các mã truy cập API cũ đã bị thu hồi.")
    return HttpResponseRedirect(reverse("accounts:user_detail", args=[target.public_id]))
