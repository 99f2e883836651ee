"""Access waiting for a second administrator (accounts.grants): the list, read by
administrators and by the auditors of the accounts' organisations, and the decisions on one
request. Whoever may not read a request gets 404, as for a missing one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from bvct.accounts import grants
from bvct.accounts.models import AccessGrant
from bvct.accounts.permissions import can_manage_users
from bvct.core.constants import Action, Classification, Role
from bvct.core.errors import ServiceError
from bvct.core.gate import get_for_user, may

PAGE_SIZE = 50


class GrantFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả")), *list(AccessGrant.Status.choices)],
    )


class GrantDeclineForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=500)


def grant_rows(grants_page: Any) -> list[dict[str, Any]]:
    """Each request with what it asks in words (roles, clearance, place)."""
    return [
        {
            "grant": g,
            "roles": [str(Role(r).label) for r in g.roles if r in Role.values],
            "clearance": Classification(g.clearance).label,
        }
        for g in grants_page
    ]


def _visible(request: HttpRequest) -> Any:
    if not (may(request.user, Action.ADMINISTER) or may(request.user, Action.AUDIT)):
        raise Http404
    return AccessGrant.objects.visible_to(request.user).select_related(
        "user", "organisation", "scope", "requested_by", "decided_by"
    )


@login_required
def grant_list_view(request: HttpRequest) -> HttpResponse:
    rows = _visible(request)
    form = GrantFilterForm(request.GET)
    status = form.cleaned_data.get("status") if form.is_valid() else ""
    if status:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-requested_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "rows": grant_rows(page.object_list),
        "page": page,
        "page_query": query.urlencode(),
        "decides": can_manage_users(request.user),
    }
    return render(request, "accounts/grant_list.html", context)


def _decided(request: HttpRequest, grant: AccessGrant) -> HttpResponseRedirect:
    back = request.POST.get("next", "")
    if back != "list":
        return HttpResponseRedirect(reverse("accounts:user_detail", args=[grant.user.public_id]))
    return HttpResponseRedirect(reverse("accounts:grant_list"))


@login_required
@require_POST
def grant_confirm_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    if not can_manage_users(request.user):
        raise Http404
    grant = get_for_user(_visible(request), request.user, public_id=public_id)
    try:
        grants.grant_confirm(actor=request.user, grant=grant)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã xác nhận cấp quyền cho {grant.user.full_name}.")
    return _decided(request, grant)


@login_required
@require_POST
def grant_decline_view(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Refuse (another administrator, with a reason) or withdraw (the one who asked)."""
    if not can_manage_users(request.user):
        raise Http404
    grant = get_for_user(_visible(request), request.user, public_id=public_id)
    form = GrantDeclineForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        done = grants.grant_decline(actor=request.user, grant=grant, reason=reason)  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Đã rút lại đề nghị."
            if done.status == AccessGrant.Status.WITHDRAWN
            else "Đã từ chối đề nghị.",
        )
    return _decided(request, grant)
