"""The home page: what the signed-in user may do."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.accounts.constants import Role
from bvct.audit.permissions import can_view_audit
from bvct.core.constants import Classification
from bvct.orgs.permissions import can_manage_organisations


@dataclass(frozen=True)
class Capability:
    title: str
    description: str
    url: str | None = None


def capabilities_for(user: object) -> list[Capability]:
    """What this user's roles allow, in the order they would use it."""
    caps: list[Capability] = []
    roles = set(getattr(user, "roles", []))
    if roles & {Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER, Role.AUDITOR}:
        caps.append(
            Capability(
                _("Hồ sơ và thẩm định"),
                _("Tra cứu hồ sơ, lý lịch và thân nhân trong phạm vi đơn vị."),
                reverse("people:search"),
            )
        )
    if Role.COMMITTEE_MEMBER in roles:
        caps.append(Capability(_("Kết luận"), _("Xem xét và ký kết luận tiêu chuẩn chính trị.")))
    if Role.AGENCY_OFFICER in roles:
        caps.append(
            Capability(
                _("Yêu cầu phối hợp"),
                _("Trả lời các văn bản đề nghị thẩm tra, xác minh gửi đến cơ quan mình."),
            )
        )
    if Role.SECRET_CLERK in roles:
        caps.append(Capability(_("Sổ tài liệu mật"), _("Đăng ký, giao nhận tài liệu mật.")))
    if can_view_audit(user):
        caps.append(
            Capability(
                _("Nhật ký"),
                _("Tra cứu ai đã xem, sửa gì, khi nào trong phạm vi của mình."),
                reverse("audit:event_list"),
            )
        )
    if can_manage_organisations(user):
        caps.append(
            Capability(
                _("Cơ cấu tổ chức"),
                _("Quản lý cây tổ chức, phân cấp quản lý cán bộ và tài khoản."),
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
    if Role.SYSADMIN in set(getattr(user, "roles", [])):
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
    return render(request, "core/home.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A stale or missing CSRF token: a Vietnamese page, not Django's English one."""
    return render(request, "403_csrf.html", status=403)
