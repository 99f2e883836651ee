"""Organisation tree pages (read through the gate)."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string

from bvct.orgs.forms import BLANK_LABELS, choice_options
from bvct.orgs.selectors import (
    management_scopes_of,
    organisation_choice,
    organisation_choices,
    organisation_get_for_user,
    organisation_list,
)

PAGE_SIZE = 200


@login_required
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(organisation_list(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "orgs/_tree.html" if request.htmx else "orgs/list.html"  # type: ignore[attr-defined]
    return render(request, template, {"orgs": page.object_list, "page": page, "query": query})


@login_required
def organisation_detail_view(request: HttpRequest, public_id: str) -> HttpResponse:
    org = organisation_get_for_user(user=request.user, public_id=public_id)
    children = organisation_list(user=request.user).filter(parent=org)
    scopes = management_scopes_of(org=org, user=request.user)
    return render(request, "orgs/detail.html", {"org": org, "children": children, "scopes": scopes})


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]{0,40}")


@login_required
def organisation_choices_view(request: HttpRequest) -> HttpResponse:
    """The options of an organisation chooser narrowed to the typed name (htmx), the chosen
    one kept first; and, out of band, how many there are. Only organisations the user may
    choose: for anyone else's, the list a name matching nothing would give."""
    field = request.GET.get("field", "")
    blank = request.GET.get("blank", "choose")
    if not _FIELD_NAME.fullmatch(field) or blank not in BLANK_LABELS:
        return HttpResponseBadRequest("Yêu cầu không hợp lệ.")
    query = request.GET.get(f"{field}_q", "")[:100]
    key = request.GET.get(field, "")[:64]
    chosen = organisation_choice(user=request.user, key=key) if key else None
    choices = organisation_choices(user=request.user, query=query, chosen=chosen)
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
