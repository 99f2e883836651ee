"""Organisation tree pages (read through the gate); the administrator renames organisations
and adds child organisations on the organisation's page."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from bvct.core.constants import Action
from bvct.core.errors import ServiceError, refusal_on_form
from bvct.orgs.forms import (
    BLANK_LABELS,
    OrganisationChildForm,
    OrganisationRenameForm,
    choice_options,
)
from bvct.orgs.models import Organisation
from bvct.orgs.permissions import can_manage_organisations
from bvct.orgs.selectors import (
    CHOOSABLE,
    management_scopes_of,
    organisation_choice,
    organisation_choices,
    organisation_get_for_user,
    organisation_list,
)
from bvct.orgs.services import organisation_create, organisation_update

PAGE_SIZE = 200


@login_required
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(organisation_list(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "orgs/_tree.html" if request.htmx else "orgs/list.html"  # type: ignore[attr-defined]
    return render(request, template, {"orgs": page.object_list, "page": page, "query": query})


def _detail_page(
    request: HttpRequest,
    org: Organisation,
    *,
    rename: OrganisationRenameForm | None = None,
    child: OrganisationChildForm | None = None,
    status: int = 200,
) -> HttpResponse:
    children = organisation_list(user=request.user).filter(parent=org)
    scopes = management_scopes_of(org=org, user=request.user)
    context: dict[str, Any] = {"org": org, "children": children, "scopes": scopes}
    if can_manage_organisations(request.user):
        context["rename_form"] = rename or OrganisationRenameForm(
            initial={
                "name": org.name,
                "short_name": org.short_name,
                "members_count": org.members_count,
                "standing_members_count": org.standing_members_count,
                "version": org.version,
            },
            committee=org.kind.is_committee,
        )
        context["child_form"] = child or OrganisationChildForm()
    return render(request, "orgs/detail.html", context, status=status)


@login_required
def organisation_detail_view(request: HttpRequest, public_id: str) -> HttpResponse:
    org = organisation_get_for_user(user=request.user, public_id=public_id)
    return _detail_page(request, org)


@login_required
@require_POST
def organisation_rename_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """A new name (and short name), refused if the organisation changed since the page."""
    org = organisation_get_for_user(user=request.user, public_id=public_id, action=Action.CHANGE)
    committee = org.kind.is_committee
    form = OrganisationRenameForm(request.POST, committee=committee)
    if not form.is_valid():
        return _detail_page(request, org, rename=form, status=400)
    try:
        updated = organisation_update(
            actor=request.user,  # type: ignore[arg-type]
            org=org,
            expected_version=form.cleaned_data["version"],
            name=form.cleaned_data["name"],
            short_name=form.cleaned_data["short_name"],
            members_count=form.cleaned_data.get("members_count"),
            standing_members_count=form.cleaned_data.get("standing_members_count"),
        )
    except ServiceError as exc:
        current = organisation_get_for_user(
            user=request.user, public_id=public_id, action=Action.CHANGE
        )
        data = request.POST.copy()
        data["version"] = str(current.version)
        again = OrganisationRenameForm(data, committee=committee)
        again.is_valid()
        refusal_on_form(again, exc)
        return _detail_page(request, current, rename=again, status=exc.status)
    changed = updated.version != form.cleaned_data["version"]
    messages.success(request, "Đã lưu." if changed else "Không có gì thay đổi.")
    return HttpResponseRedirect(reverse("orgs:detail", args=[updated.public_id]))


@login_required
@require_POST
def organisation_child_create_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """A new organisation under this one (its internal code is made from the name)."""
    parent = organisation_get_for_user(user=request.user, public_id=public_id, action=Action.CHANGE)
    form = OrganisationChildForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, parent, child=form, status=400)
    try:
        child = organisation_create(
            actor=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            short_name=form.cleaned_data["short_name"],
            kind_code=form.cleaned_data["kind"].code,
            parent_code=parent.code,
        )
    except ServiceError as exc:
        refusal_on_form(form, exc)
        return _detail_page(request, parent, child=form, status=exc.status)
    messages.success(request, f"Đã thêm {child.name} trực thuộc {parent.name}.")
    return HttpResponseRedirect(reverse("orgs:detail", args=[child.public_id]))


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]{0,40}")


@login_required
def organisation_choices_view(request: HttpRequest) -> HttpResponse:
    """The options of an organisation chooser narrowed to the typed name (htmx), the chosen
    one kept first; and, out of band, how many there are. Only organisations the user may
    choose under the chooser's rule (``among``; every rule reads through the gate): for
    anyone else's, the list a name matching nothing would give."""
    field = request.GET.get("field", "")
    blank = request.GET.get("blank", "choose")
    among = request.GET.get("among", "scope")
    if not _FIELD_NAME.fullmatch(field) or blank not in BLANK_LABELS or among not in CHOOSABLE:
        return HttpResponseBadRequest("Yêu cầu không hợp lệ.")
    query = request.GET.get(f"{field}_q", "")[:100]
    key = request.GET.get(field, "")[:64]
    chosen = organisation_choice(user=request.user, key=key, among=among) if key else None
    choices = organisation_choices(user=request.user, query=query, chosen=chosen, among=among)
    widget = {
        "blank_label": BLANK_LABELS[blank],
        "options": choice_options(choices),
        "more": choices.more,
        "chosen": str(chosen.public_id) if chosen else "",
    }
    options = render_to_string("orgs/_choices.html", {"widget": widget}, request)
    count = render_to_string("orgs/_choices_count.html", {"widget": widget}, request)
    return HttpResponse(
        options + f'<span id="id_{field}_count" hx-swap-oob="innerHTML">{count}</span>'
    )
