"""Organisation tree pages (read through the gate)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bvct.orgs.selectors import (
    management_scopes_of,
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
