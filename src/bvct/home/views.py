"""The home page: what the signed-in user may do."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.accounts.permissions import can_manage_users
from bvct.audit.permissions import can_view_audit
from bvct.core.constants import Action, Classification, Role
from bvct.core.gate import may
from bvct.orgs.permissions import can_manage_organisations
from bvct.people.permissions import can_use_dossiers


@dataclass(frozen=True)
class Capability:
    title: str
    description: str
    url: str


def capabilities_for(user: object) -> list[Capability]:
    """What this user's roles allow today, in the order they would use it: only what works
    (each card links to a page the user may open), never what is still to be built."""
    caps: list[Capability] = []
    if can_use_dossiers(user, "view"):
        caps.append(
            Capability(
                _("Hồ sơ"),
                _("Tra cứu hồ sơ, lý lịch và thân nhân trong phạm vi đơn vị."),
                reverse("people:search"),
            )
        )
    if can_view_audit(user):
        caps.append(
            Capability(
                _("Nhật ký"),
                _("Tra cứu ai đã xem, sửa gì, khi nào trong phạm vi của mình."),
                reverse("audit:event_list"),
            )
        )
    if can_manage_users(user):
        caps.append(
            Capability(
                _("Tài khoản"),
                _(
                    "Tạo tài khoản; giao vai trò, mức được tiếp cận bí mật và phạm vi công tác; "
                    "khóa, mở khóa, đặt lại mật khẩu."
                ),
                reverse("accounts:user_list"),
            )
        )
    if can_manage_organisations(user):
        caps.append(
            Capability(
                _("Cơ cấu tổ chức"),
                _("Xem cây tổ chức, đổi tên tổ chức, thêm tổ chức trực thuộc."),
                reverse("orgs:list"),
            )
        )
    else:
        caps.append(
            Capability(
                _("Tổ chức"), _("Xem cây tổ chức trong phạm vi của mình."), reverse("orgs:list")
            )
        )
    return caps


def uses_the_api(user: object) -> bool:
    """Administrators, and whoever holds a live API token, get the API documentation's link;
    for everyone else it would only lead to pages written for programmers."""
    if may(user, Action.ADMINISTER):
        return True
    tokens = getattr(user, "api_tokens", None)
    return tokens is not None and (
        tokens.filter(revoked_at__isnull=True, expires_at__gt=timezone.now()).exists()
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "capabilities": capabilities_for(user),
        "role_labels": [Role(r).label for r in getattr(user, "roles", [])],
        "clearance_label": Classification(getattr(user, "clearance", 0)).label,
        "api_docs": reverse("api:docs") if uses_the_api(user) else None,
    }
    return render(request, "home/home.html", context)
