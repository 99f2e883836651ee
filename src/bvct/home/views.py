"""The home page: the work queue of an officer or committee member (their cases by stage with
deadlines, what is late, decisions waiting for a check, cases before their committee), then
what the signed-in user may do."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bvct.accounts.permissions import can_manage_users
from bvct.audit.permissions import can_view_audit
from bvct.core.constants import Action, Classification, Role
from bvct.core.gate import may
from bvct.orgs.permissions import can_manage_organisations
from bvct.people.permissions import can_use_dossiers
from bvct.vetting.selectors_queue import WorkQueue, work_queue


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
    from bvct.vetting.permissions_rules import can_manage_rules

    if can_manage_rules(user):
        caps.append(
            Capability(
                _("Bộ quy tắc"),
                _(
                    "Xem bộ quy tắc đang áp dụng và các phiên bản; lập bản nháp, sửa từng phần, "
                    "công bố phiên bản mới."
                ),
                reverse("vetting:rules_current"),
            )
        )
        caps.append(
            Capability(
                _("Ngày làm việc"),
                _(
                    "Ngày lễ, ngày nghỉ và ngày làm việc bù dùng để tính thời hạn; nhập ngày "
                    "Chính phủ thông báo thêm."
                ),
                reverse("vetting:calendar"),
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


def _page(name: str, public_id: object) -> str:
    """The address of a casework page, or "" while that page does not exist."""
    try:
        return reverse(name, args=[public_id])
    except NoReverseMatch:
        return ""


def _link(queue: WorkQueue) -> WorkQueue:
    cases = [c for block in queue.mine for c in block.cases]
    for case in [*cases, *queue.late, *queue.deliberation]:
        case.page_url = _page("vetting:case_detail", case.public_id)  # type: ignore[attr-defined]
    for decision in queue.waiting:
        decision.page_url = _page("vetting:decision_detail", decision.public_id)  # type: ignore[attr-defined]
    return queue


def _list_url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "queue": _link(work_queue(user=user)),
        "today": timezone.localdate(),
        "case_list_url": _list_url("vetting:case_list"),
        "report_url": _list_url("vetting:report_timeliness"),
        "capabilities": capabilities_for(user),
        "role_labels": [Role(r).label for r in getattr(user, "roles", [])],
        "clearance_label": Classification(getattr(user, "clearance", 0)).label,
        "api_docs": reverse("api:docs") if uses_the_api(user) else None,
    }
    return render(request, "home/home.html", context)
