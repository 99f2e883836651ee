"""Dossier pages: search, detail with tabs, version comparison. Every read is audited."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bvct.audit.models import AuditEvent
from bvct.core.constants import Classification
from bvct.core.errors import ServiceError
from bvct.core.submissions import once_per_submission
from bvct.core.text import normalize
from bvct.people import namewords
from bvct.people.declarations import DeclarationInvalid
from bvct.people.diff import declaration_diff
from bvct.people.duplicates import LikelyDuplicate
from bvct.people.entry import DeclarationForms
from bvct.people.forms import DossierOpenForm, DossierUpdateForm, ImportForm, PersonSearchForm
from bvct.people.imports import import_dossiers, template_xlsx
from bvct.people.models import Listing, Person, RelationKind
from bvct.people.permissions import (
    DossierAccess,
    can_decide_link,
    can_edit_dossiers_in,
    can_use_dossiers,
    can_view_access_log,
    dossier_access,
)
from bvct.people.search_page import search_page, unused_filters, used_filters
from bvct.people.selectors import (
    declaration_versions,
    dossier_batches,
    dossier_changes,
    dossier_current_declaration,
    dossier_declarations,
    dossier_get_for_user,
    dossier_links,
    dossier_list,
    dossier_relative_rows,
    dossier_subject,
    link_get_for_user,
)
from bvct.people.services import (
    declaration_submit,
    dossier_create,
    dossier_linked_reads_record,
    dossier_listing_record,
    dossier_read_record,
    dossier_update,
    person_link_decide,
)

PAGE_SIZE = 50


def _require_dossier_role(request: HttpRequest) -> None:
    if not can_use_dossiers(request.user, "view"):
        raise Http404


@login_required
def dossier_search_view(request: HttpRequest) -> HttpResponse:
    _require_dossier_role(request)
    # Only search parameters bind the form: "?page=2" of the plain list is not a search.
    searching = any(request.GET.get(k) for k in ("q", "birth_year", "hometown", "org"))
    form = PersonSearchForm(request.GET if searching else None, user=request.user)
    context: dict[str, object] = {"form": form, "persons": [], "corrections": {}}
    if form.is_bound and not form.is_valid():
        context.update(invalid=True)
    elif form.is_bound and form.cleaned_data["q"]:
        data = form.cleaned_data
        found = search_page(user=request.user, data=data, **form.window())
        # The page names the results and the members whose dossiers its relatives are in.
        dossier_listing_record(
            actor=request.user,  # type: ignore[arg-type]
            kind=Listing.Kind.SEARCH,
            filters=form.filters(),
            persons=found.shown,
        )
        words = normalize(data["q"]).split()
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            search=found,
            persons=found.persons,
            corrections=found.corrections,
            searched=True,
            page_query=query.urlencode(),
            unused_filters=unused_filters(data),
            used_filters=used_filters(data),
            # Nothing found for a family name alone ("Trần"): a name is searched by its
            # last word, so the page says how to search rather than that nobody exists.
            family_only=(
                words[0] if len(words) == 1 and words[0] in namewords.family_names() else ""
            ),
        )
    else:
        # The list of dossiers, narrowed by the filters given without a name (birth year,
        # home town, organisation), page by page.
        data = form.filters() if form.is_bound else {}
        org = form.cleaned_data["org"] if form.is_bound else None
        subjects = dossier_list(
            user=request.user,
            org_path=org.path if org else "",
            birth_year=data.get("birth_year"),
            hometown=data.get("hometown") or "",
        )
        page = Paginator(subjects, PAGE_SIZE).get_page(request.GET.get("page"))
        filters = {
            k: v for k, v in data.items() if k not in ("relatives", "page") and v not in (None, "")
        }
        dossier_listing_record(
            actor=request.user,  # type: ignore[arg-type]
            filters={"list_page": page.number, **filters},
            kind=Listing.Kind.LIST,
            persons=list(page.object_list),
        )
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            persons=list(page.object_list),
            page=page,
            page_query=query.urlencode(),
            searched=form.is_bound,
        )
    if not form.is_bound or form.is_valid():
        # The export lists what this page lists, every page of it.
        context["exportable"] = True
        context["export_query"] = urlencode(form.query()) if form.is_bound else ""
    template = "people/_results.html" if request.htmx else "people/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def dossier_import_view(request: HttpRequest) -> HttpResponse:
    """Upload a file: "Kiểm tra" checks it (nothing written), "Nhập" imports it all or nothing."""
    if not can_use_dossiers(request.user, "change"):
        raise Http404  # readers and auditors have nothing to import (as the new-dossier page)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_dossiers(
                actor=request.user,  # type: ignore[arg-type]
                managing_org_code=form.cleaned_data["org"].code,
                stream=upload,
                file_name=upload.name,
                dry_run=request.POST.get("mode") != "import",
                since=form.cleaned_data["checked_at"],
                checked_sha256=form.cleaned_data["checked_sha256"],
                check_id=form.cleaned_data["check_id"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if report.dry_run and report.ok:
                # The file must be chosen again to import (browsers do not keep it); the
                # import then holds to what this check saw.
                form = ImportForm(
                    user=request.user,
                    initial={
                        "org": form.cleaned_data["org"],
                        "checked_at": report.checked_at,
                        "checked_sha256": report.file_sha256,
                        "check_id": report.check_id,
                    },
                )
    return render(request, "people/import.html", {"form": form, "report": report})


@login_required
def import_template_view(request: HttpRequest) -> HttpResponse:
    if not can_use_dossiers(request.user, "change"):
        raise Http404  # as the import page it belongs to
    response = HttpResponse(
        template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ho-so.xlsx"'
    return response


@login_required
def dossier_print_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """One dossier laid out for printing (A4); the read is audited like any other."""
    access = dossier_access(request.user, public_id, "bản in")
    dossier, subject = access.dossier, access.subject
    declarations = dossier_declarations(user=request.user, dossier=dossier)
    return render(
        request,
        "people/print.html",
        {
            "dossier": dossier,
            "subject": subject,
            "relatives": [
                row
                for row in dossier_relative_rows(
                    access.relatives, declarations[0] if declarations else None
                )
                if row.person.declared
            ],
            "declaration": declarations[0] if declarations else None,
        },
    )


@login_required
def dossier_detail_view(request: HttpRequest, public_id: str) -> HttpResponse:
    return _detail_page(request, dossier_access(request.user, public_id))


def _detail_page(
    request: HttpRequest,
    access: DossierAccess,
    edit: DossierUpdateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The dossier page (``access``: its read, recorded); ``edit``: the officer's form as
    sent, with its error, instead of a fresh one."""
    dossier, subject = access.dossier, access.subject
    declarations = dossier_declarations(user=request.user, dossier=dossier)
    current = declarations[0] if declarations else None
    access_log = batches = None
    if can_view_access_log(request.user):
        access_log = list(
            AuditEvent.objects.visible_to(request.user)
            .filter(subject_public_id=subject.public_id)
            .order_by("-seq")[:100]
        )
        batches = dossier_batches(user=request.user, dossier=dossier)
    links = dossier_links(user=request.user, persons=access.persons)
    dossier_linked_reads_record(
        actor=request.user,  # type: ignore[arg-type]
        viewed=dossier,
        dossier_ids={view.other.dossier_id for view in links},
    )
    if edit is None and can_edit_dossiers_in(
        request.user, dossier.org_path, dossier.classification
    ):
        edit = DossierUpdateForm(
            clearance=request.user.clearance,  # type: ignore[union-attr]
            initial={
                "classification": Classification(dossier.classification).name,
                "current_posts": dossier.current_posts,
                "version": dossier.version,
            },
        )
    return render(
        request,
        "people/detail.html",
        {
            "edit": edit,
            "changes": dossier_changes(user=request.user, dossier=dossier),
            "dossier": dossier,
            "subject": subject,
            "relatives": dossier_relative_rows(access.relatives, current),
            "declaration": current,
            "declarations": declarations,
            "access_log": access_log,
            "batches": batches,
            "links": links,
        },
        status=status,
    )


def _declaration_errors(exc: ServiceError, forms: DeclarationForms) -> list[tuple[str, str]]:
    """A refused declaration's errors: each put on its field, those that belong to none
    listed named as the page names them (the API keeps the paths); any other refusal as one
    message."""
    if isinstance(exc, DeclarationInvalid):
        return forms.place_errors(exc.errors)
    return [("", exc.message)]


def _dossier_made(dossier: uuid.UUID) -> str:
    return reverse("people:detail", args=[dossier])


def _declaration_made(declaration: uuid.UUID, public_id: str) -> str:
    return reverse("people:detail", args=[public_id]) + "#versions"


@login_required
@once_per_submission(_dossier_made)
def dossier_new_view(request: HttpRequest) -> HttpResponse:
    """Open a dossier with its first declaration. Members of dossiers the officer sees with
    the same name and date of birth are shown first: the officer opens one of them, or says
    it is another person ("Vẫn lập hồ sơ mới")."""
    if not can_use_dossiers(request.user, "change"):
        raise Http404
    head = DossierOpenForm(
        request.POST or None,
        prefix="dossier",
        clearance=request.user.clearance,  # type: ignore[union-attr]
        user=request.user,
    )
    more = request.POST.get("more", "")
    forms = DeclarationForms(request.POST or None, more=more)
    errors: list[tuple[str, str]] = []
    duplicates: list[Person] = []
    if request.method == "POST" and not more and head.is_valid() and forms.is_valid():
        try:
            dossier = dossier_create(
                actor=request.user,  # type: ignore[arg-type]
                managing_org_code=head.cleaned_data["managing_org"].code,
                classification=head.cleaned_data["classification"],
                current_posts=head.cleaned_data["current_posts"],
                content=forms.content(),
                confirm_not_duplicate=request.POST.get("confirm_not_duplicate") == "1",
                submission=request.submission_token,  # type: ignore[attr-defined]
            )
        except LikelyDuplicate as exc:
            duplicates = exc.candidates
            dossier_listing_record(
                actor=request.user,  # type: ignore[arg-type]
                kind=Listing.Kind.SEARCH,
                filters=exc.filters,
                persons=duplicates,
            )
        except ServiceError as exc:
            errors = _declaration_errors(exc, forms)
        else:
            messages.success(request, "Đã lập hồ sơ.")
            return HttpResponseRedirect(_dossier_made(dossier.public_id))
    return render(
        request,
        "people/declaration_form.html",
        {
            "head": head,
            "forms": forms,
            "errors": errors,
            "duplicates": duplicates,
            "dossier": None,
            "quiet": bool(more),
        },
    )


@login_required
@once_per_submission(_declaration_made)
def declaration_new_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """A new version of the declaration, starting from the current one."""
    dossier = dossier_get_for_user(user=request.user, public_id=public_id, action="change")
    current = dossier_current_declaration(user=request.user, dossier=dossier)
    more = request.POST.get("more", "")
    if request.method == "POST":
        forms = DeclarationForms(request.POST, more=more)
        raw_expected = request.POST.get("expected_number", "")
        expected = int(raw_expected) if raw_expected.isascii() and raw_expected.isdigit() else 0
    else:
        forms = DeclarationForms(content=current.content if current else None)
        expected = dossier.declaration_count
        # Showing the whole current declaration for editing is a read like any other.
        dossier_read_record(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            subject=dossier_subject(dossier),
            part="mở bản khai để nhập bản mới",
        )
    errors: list[tuple[str, str]] = []
    if request.method == "POST" and not more and forms.is_valid():
        try:
            declaration = declaration_submit(
                actor=request.user,  # type: ignore[arg-type]
                dossier=dossier,
                content=forms.content(base=current.content if current else None),
                expected_number=expected,
                submission=request.submission_token,  # type: ignore[attr-defined]
            )
        except ServiceError as exc:
            errors = _declaration_errors(exc, forms)
        else:
            messages.success(request, f"Đã nộp bản khai số {declaration.number}.")
            return HttpResponseRedirect(
                _declaration_made(declaration.public_id, str(dossier.public_id))
            )
    subject = dossier_subject(dossier)
    return render(
        request,
        "people/declaration_form.html",
        {
            "forms": forms,
            "errors": errors,
            "dossier": dossier,
            "subject": subject,
            "expected_number": expected,
            "quiet": bool(more),
        },
    )


@login_required
def dossier_update_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """The dossier's classification and current posts, from its page (whose address a GET of
    this one, left in the address bar after a refused edit, is sent back to)."""
    if request.method != "POST":
        dossier = dossier_get_for_user(user=request.user, public_id=public_id)
        return HttpResponseRedirect(reverse("people:detail", args=[dossier.public_id]))
    dossier = dossier_get_for_user(user=request.user, public_id=public_id, action="change")
    form = DossierUpdateForm(request.POST, clearance=request.user.clearance)  # type: ignore[union-attr]
    if not form.is_valid():
        return _detail_page(request, dossier_access(request.user, public_id), form, status=400)
    try:
        updated = dossier_update(
            actor=request.user,  # type: ignore[arg-type]
            dossier=dossier,
            expected_version=form.cleaned_data["version"],
            classification=form.cleaned_data["classification"],
            current_posts=form.cleaned_data["current_posts"],
        )
    except ServiceError as exc:
        # The page again, showing the dossier as it now is and what the officer typed; after a
        # conflict the form holds the current version, so saving again is a decision made
        # with the other change in view. Read through the gate again: meanwhile the dossier
        # may have been raised above the officer's clearance.
        try:
            access = dossier_access(request.user, public_id)
        except Http404:
            messages.error(request, exc.message)
            return HttpResponseRedirect(reverse("people:search"))
        again = None
        current = access.dossier
        if can_edit_dossiers_in(request.user, current.org_path, current.classification):
            data = request.POST.copy()
            data["version"] = str(current.version)
            again = DossierUpdateForm(data, clearance=request.user.clearance)  # type: ignore[union-attr]
            again.is_valid()
            again.add_error(None, exc.message)
        else:
            messages.error(request, exc.message)
        return _detail_page(request, access, again, status=exc.status)
    changed = updated.version != form.cleaned_data["version"]
    messages.success(request, "Đã lưu." if changed else "Không có gì thay đổi.")
    return HttpResponseRedirect(reverse("people:detail", args=[dossier.public_id]) + "#identity")


@login_required
@require_POST
def person_link_decide_view(request: HttpRequest, public_id: str) -> HttpResponse:
    link = link_get_for_user(user=request.user, public_id=public_id)
    if not can_decide_link(request.user, link):
        raise PermissionDenied
    decision = request.POST.get("decision")
    if decision not in ("confirm", "reject"):
        return HttpResponse("Thiếu quyết định (confirm hoặc reject).", status=400)
    try:
        person_link_decide(actor=request.user, link=link, confirm=decision == "confirm")  # type: ignore[arg-type]
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            "Đã xác nhận là cùng một người."
            if decision == "confirm"
            else "Đã ghi nhận: không phải cùng một người.",
        )
    back = request.POST.get("dossier", "")
    try:
        back = str(uuid.UUID(back)) if back else ""
    except ValueError:
        back = ""
    return HttpResponseRedirect(
        reverse("people:detail", args=[back]) + "#links" if back else reverse("people:search")
    )


@login_required
def declaration_diff_view(request: HttpRequest, public_id: str, a: int, b: int) -> HttpResponse:
    dossier = dossier_get_for_user(user=request.user, public_id=public_id)
    versions = declaration_versions(user=request.user, dossier=dossier, numbers=[a, b])
    if a not in versions or b not in versions:
        raise Http404
    subject = dossier_access(request.user, public_id, f"so sánh bản khai {a} và {b}").subject
    relations = dict(RelationKind.objects.values_list("code", "name"))
    changes = [
        (change, *change.shown(relations))
        for change in declaration_diff(versions[a].content, versions[b].content)
    ]
    return render(
        request,
        "people/diff.html",
        {
            "dossier": dossier,
            "subject": subject,
            "a": versions[a],
            "b": versions[b],
            "changes": changes,
        },
    )
