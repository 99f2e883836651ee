"""Pages: posts, the key/classified catalogue (with its import), and a person's holdings and
personnel decisions. Each parses input, calls one selector or service, renders."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from bvct.core.constants import Action, Classification
from bvct.core.errors import NotFoundError, ServiceError, refusal_on_form
from bvct.core.submissions import once_per_submission
from bvct.people.selectors import dossier_get_for_user, dossier_subject
from bvct.positions import services, services_catalogue
from bvct.positions.forms import (
    CatalogueEditForm,
    CatalogueEntryForm,
    CatalogueFilterForm,
    CatalogueImportForm,
    DecisionForm,
    HoldingEndForm,
    HoldingForm,
    PostEditForm,
    PostFilterForm,
    PostForm,
    VersionForm,
    WithdrawForm,
)
from bvct.positions.imports import catalogue_import, template_xlsx
from bvct.positions.permissions import (
    can_change_in,
    can_keep_positions,
    can_record_for,
    can_view_positions,
    dossier_positions_access,
)
from bvct.positions.selectors import (
    catalogue_entry_get_for_user,
    catalogue_list,
    decision_get_for_user,
    holding_get_for_user,
    post_get_for_user,
    post_list,
)

PAGE_SIZE = 50


def _require_view(request: HttpRequest) -> None:
    if not can_view_positions(request.user):
        raise Http404


def _require_keep(request: HttpRequest) -> None:
    if not can_keep_positions(request.user):
        raise Http404  # readers have nothing to keep here (as the new-dossier page)


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- posts -----------------------------------------------------------------------------------


@login_required
def post_list_view(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = PostFilterForm(request.GET or None, user=request.user)
    org = q = None
    if form.is_bound and form.is_valid():
        org, q = form.cleaned_data["org"], form.cleaned_data["q"]
    rows = post_list(user=request.user, org_path=org.path if org else "", query=q or "")
    return render(
        request,
        "positions/post_list.html",
        {"form": form, "page": _page(request, rows), "page_query": _query(request),
         "can_keep": can_keep_positions(request.user)},
    )  # fmt: skip


@login_required
def post_new_view(request: HttpRequest) -> HttpResponse:
    _require_keep(request)
    form = PostForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                actor=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ServiceError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, "Đã tạo chức vụ.")
            return HttpResponseRedirect(reverse("positions:post_detail", args=[post.public_id]))
    return render(request, "positions/post_form.html", {"form": form, "post": None})


@login_required
def post_detail_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A post; whoever may keep it edits it here or stops using it (``action=close``)."""
    post = post_get_for_user(user=request.user, public_id=public_id)
    editable = post.is_active and can_change_in(request.user, post.org_path)
    initial = {"name": post.name, "tier": post.tier, "is_management": post.is_management,
               "version": post.version}  # fmt: skip
    form = PostEditForm(initial=initial) if editable else None
    status = 200
    if request.method == "POST":
        if not editable:
            raise Http404 if not can_keep_positions(request.user) else _refused()
        closing = request.POST.get("action") == "close"
        form = PostEditForm(request.POST) if not closing else form
        bound = VersionForm(request.POST) if closing else form
        assert bound is not None
        if bound.is_valid():
            try:
                if closing:
                    services.post_close(
                        actor=request.user,  # type: ignore[arg-type]
                        post=post,
                        expected_version=bound.cleaned_data["version"],
                    )
                    messages.success(request, "Đã thôi sử dụng chức vụ.")
                else:
                    services.post_update(
                        actor=request.user,  # type: ignore[arg-type]
                        post=post,
                        expected_version=bound.cleaned_data["version"],
                        name=bound.cleaned_data["name"],
                        tier=bound.cleaned_data["tier"],
                        is_management=bound.cleaned_data["is_management"],
                    )
                    messages.success(request, "Đã lưu.")
            except ServiceError as exc:
                if closing:
                    messages.error(request, exc.message)
                else:
                    refusal_on_form(bound, exc)
                status = exc.status
            else:
                return HttpResponseRedirect(request.path)
        else:
            status = 400
    return render(request, "positions/post_form.html", {"form": form, "post": post}, status=status)


def _refused() -> Exception:
    from django.core.exceptions import PermissionDenied

    return PermissionDenied()


# --- the catalogue ---------------------------------------------------------------------------


@login_required
def catalogue_list_view(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = CatalogueFilterForm(request.GET or None, user=request.user)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        org = form.cleaned_data["org"]
        filters = {"org_path": org.path if org else "", "query": form.cleaned_data["q"],
                   "kind": form.cleaned_data["kind"]}  # fmt: skip
    rows = catalogue_list(user=request.user, **filters)
    return render(
        request,
        "positions/catalogue_list.html",
        {"form": form, "page": _page(request, rows), "page_query": _query(request),
         "can_keep": can_keep_positions(request.user)},
    )  # fmt: skip


def _level(name: str) -> int:
    return int(Classification[name])


@login_required
def catalogue_new_view(request: HttpRequest) -> HttpResponse:
    _require_keep(request)
    form = CatalogueEntryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services_catalogue.catalogue_entry_create(
                actor=request.user,  # type: ignore[arg-type]
                kind=data["kind"],
                organisation=data["organisation"],
                post=data["post"],
                name=data["name"],
                listing_number=data["listing_number"],
                listing_date=data["listing_date"],
                listing_issuer=data["listing_issuer"],
                required_clearance=_level(data["required_clearance"]),
                classification=_level(data["classification"]),
            )
        except ServiceError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, "Đã thêm vào danh mục.")
            return HttpResponseRedirect(
                reverse("positions:catalogue_detail", args=[entry.public_id])
            )
    return render(request, "positions/catalogue_form.html", {"form": form, "entry": None})


@login_required
def catalogue_detail_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    entry = catalogue_entry_get_for_user(user=request.user, public_id=public_id)
    editable = entry.is_active and can_change_in(request.user, entry.org_path, entry.classification)
    initial = {
        "name": entry.name, "listing_number": entry.listing_number,
        "listing_date": entry.listing_date, "listing_issuer": entry.listing_issuer,
        "required_clearance": Classification(entry.required_clearance).name,
        "classification": Classification(entry.classification).name, "version": entry.version,
    }  # fmt: skip
    form = CatalogueEditForm(initial=initial, user=request.user) if editable else None
    status = 200
    if request.method == "POST":
        if not editable:
            raise Http404 if not can_keep_positions(request.user) else _refused()
        closing = request.POST.get("action") == "close"
        bound = (
            VersionForm(request.POST)
            if closing
            else CatalogueEditForm(request.POST, user=request.user)
        )
        if not closing:
            form = bound  # type: ignore[assignment]
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                if closing:
                    services_catalogue.catalogue_entry_close(
                        actor=request.user,  # type: ignore[arg-type]
                        entry=entry,
                        expected_version=data["version"],
                    )
                    messages.success(request, "Đã đưa ra khỏi danh mục.")
                else:
                    services_catalogue.catalogue_entry_update(
                        actor=request.user,  # type: ignore[arg-type]
                        entry=entry,
                        expected_version=data["version"],
                        name=data["name"] or entry.name,
                        listing_number=data["listing_number"],
                        listing_date=data["listing_date"],
                        listing_issuer=data["listing_issuer"],
                        required_clearance=_level(data["required_clearance"]),
                        classification=_level(data["classification"]),
                    )
                    messages.success(request, "Đã lưu.")
            except ServiceError as exc:
                if closing:
                    messages.error(request, exc.message)
                else:
                    refusal_on_form(bound, exc)
                status = exc.status
            else:
                return HttpResponseRedirect(request.path)
        else:
            status = 400
    return render(
        request, "positions/catalogue_form.html", {"form": form, "entry": entry}, status=status
    )


@login_required
def catalogue_import_view(request: HttpRequest) -> HttpResponse:
    """Upload the catalogue: “Kiểm tra” checks it (nothing written), “Nhập” imports it all
    or nothing."""
    _require_keep(request)
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = catalogue_import(
                actor=request.user,  # type: ignore[arg-type]
                file=upload,
                file_name=upload.name,
                dry_run=request.POST.get("mode") != "import",
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
    return render(request, "positions/catalogue_import.html", {"form": form, "report": report})


@login_required
def catalogue_template_view(request: HttpRequest) -> HttpResponse:
    _require_keep(request)
    response = HttpResponse(
        template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-danh-muc-trong-yeu.xlsx"'
    return response


# --- a person's holdings and decisions --------------------------------------------------------


@login_required
def dossier_positions_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The person's holdings and decisions (the read recorded on the dossier); an officer
    who may change the dossier adds a holding here."""
    dossier = dossier_get_for_user(user=request.user, public_id=str(public_id))
    recorder = can_record_for(request.user, dossier)
    form = HoldingForm(request.POST or None, user=request.user) if recorder else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404 if not can_keep_positions(request.user) else _refused()
        if form.is_valid():
            try:
                services.holding_create(
                    actor=request.user,  # type: ignore[arg-type]
                    dossier=dossier,
                    **form.cleaned_data,
                )
            except NotFoundError as exc:
                raise Http404 from exc
            except ServiceError as exc:
                refusal_on_form(form, exc)
                status = exc.status
            else:
                messages.success(request, "Đã ghi.")
                return HttpResponseRedirect(request.path)
        else:
            status = 400
    access = dossier_positions_access(request.user, public_id)
    return render(
        request,
        "positions/dossier_positions.html",
        {
            "access": access,
            "dossier": access.dossier,
            "subject": access.subject,
            "form": form,
            "recorder": recorder,
            "end_form": HoldingEndForm(),
            "withdraw_form": WithdrawForm(),
        },
        status=status,
    )


@login_required
@require_POST
def holding_end_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    holding = holding_get_for_user(user=request.user, public_id=public_id, action=Action.CHANGE)
    back = reverse("positions:dossier_positions", args=[holding.dossier.public_id])
    form = HoldingEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy nhập ngày kết thúc hợp lệ.")
        return HttpResponseRedirect(back)
    try:
        services.holding_end(
            actor=request.user,  # type: ignore[arg-type]
            holding=holding,
            ends_on=form.cleaned_data["ends_on"],
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã ghi ngày kết thúc.")
    return HttpResponseRedirect(back)


def decision_made_url(decision: uuid.UUID, public_id: Any = None) -> str:
    """Where a recorded decision is shown: its requirement check (vetting's page) when that
    app is installed, else the person's holdings and decisions."""
    try:
        return reverse("vetting:decision_detail", args=[decision])
    except NoReverseMatch:
        return reverse("positions:dossier_positions", args=[public_id]) + "#decisions"


@login_required
@once_per_submission(decision_made_url)
def decision_new_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a proposed personnel decision about the dossier's person."""
    dossier = dossier_get_for_user(
        user=request.user, public_id=str(public_id), action=Action.CHANGE
    )
    form = DecisionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(
                actor=request.user,  # type: ignore[arg-type]
                dossier=dossier,
                submission_token=request.submission_token,  # type: ignore[attr-defined]
                **form.cleaned_data,
            )
        except NotFoundError as exc:
            raise Http404 from exc
        except ServiceError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, "Đã ghi đề xuất quyết định nhân sự.")
            return HttpResponseRedirect(decision_made_url(decision.public_id, public_id))
    return render(
        request,
        "positions/decision_form.html",
        {"form": form, "dossier": dossier, "subject": dossier_subject(dossier)},
    )


@login_required
@require_POST
def decision_withdraw_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    decision = decision_get_for_user(user=request.user, public_id=public_id, action=Action.CHANGE)
    back = reverse("positions:dossier_positions", args=[decision.dossier.public_id])
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Hãy ghi lý do rút đề xuất.")
        return HttpResponseRedirect(back + "#decisions")
    try:
        services.decision_withdraw(
            actor=request.user,  # type: ignore[arg-type]
            decision=decision,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã rút đề xuất.")
    return HttpResponseRedirect(back + "#decisions")
