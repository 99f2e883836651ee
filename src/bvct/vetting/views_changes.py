"""A dossier's casework page: its cases, its conclusions (valid or not, superseded or upheld)
and the changes the member reported since their declaration (báo cáo bổ sung), with the form
to record one. A change reported after a still-valid conclusion is marked as such: whoever
holds that conclusion sees it here and on the case page."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from bvct.core.constants import Action
from bvct.core.errors import NotFoundError, ServiceError, refusal_on_form
from bvct.core.submissions import once_per_submission
from bvct.people.models import Dossier
from bvct.people.permissions import dossier_access
from bvct.people.selectors import dossier_get_for_user
from bvct.vetting.forms_cases import ReportedChangeForm
from bvct.vetting.models import Case
from bvct.vetting.selectors import (
    conclusions_for_dossier,
    reported_after,
    reported_changes_for_dossier,
)
from bvct.vetting.services_changes import reported_change_record
from bvct.vetting.services_common import today
from bvct.vetting.views_cases import CASE_READERS


def dossier_cases_url(public_id: Any, anchor: str = "") -> str:
    return reverse("vetting:dossier_cases", args=[public_id]) + (f"#{anchor}" if anchor else "")


def _to_changes(result: uuid.UUID, public_id: uuid.UUID) -> str:
    return dossier_cases_url(public_id, "changes")


def _may_change(user: Any, dossier: Dossier) -> bool:
    return Dossier.objects.visible_to(user, Action.CHANGE).filter(pk=dossier.pk).exists()


@login_required
@once_per_submission(_to_changes)
def dossier_cases_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    if not any(request.user.has_role(r) for r in CASE_READERS):  # type: ignore[union-attr]
        raise Http404
    status = 200
    form = None
    if request.method == "POST":
        dossier = dossier_get_for_user(
            user=request.user, public_id=str(public_id), action=Action.CHANGE
        )
        relatives = list(dossier.persons.filter(is_subject=False).select_related("relation"))
        form = ReportedChangeForm(request.POST, relatives=relatives)
        if form.is_valid():
            data = form.cleaned_data
            try:
                reported_change_record(
                    actor=request.user,
                    dossier=dossier,
                    kind=data["kind"],
                    occurred_on=data["occurred_on"],
                    reported_on=data["reported_on"],
                    description=data["description"],
                    person=data["person"],
                    submission_token=request.submission_token,  # type: ignore[attr-defined]
                )
            except NotFoundError as exc:
                raise Http404 from exc
            except ServiceError as exc:
                refusal_on_form(form, exc)
                status = exc.status
            else:
                messages.success(request, "Đã ghi báo cáo bổ sung.")
                return HttpResponseRedirect(dossier_cases_url(public_id, "changes"))
        else:
            status = 400
    access = dossier_access(request.user, public_id, "thẩm tra, báo cáo bổ sung")
    dossier = access.dossier
    if form is None and _may_change(request.user, dossier):
        form = ReportedChangeForm(initial={"reported_on": today()}, relatives=access.relatives)
    conclusions = list(conclusions_for_dossier(user=request.user, dossier=dossier))
    valid = next((c for c in conclusions if c.valid_until >= today()), None)
    changes = list(reported_changes_for_dossier(user=request.user, dossier=dossier))
    for change in changes:
        change.after_valid = reported_after(change, valid)  # type: ignore[attr-defined]
    cases = list(
        Case.objects.visible_to(request.user)
        .filter(subject=dossier)
        .select_related("competent_body")
        .order_by("-opened_at", "-id")[:50]
    )
    return render(
        request,
        "vetting/changes/dossier.html",
        {
            "dossier": dossier,
            "subject": access.subject,
            "cases": cases,
            "conclusions": conclusions,
            "valid": valid,
            "changes": changes,
            "form": form,
            "today": today(),
        },
        status=status,
    )
