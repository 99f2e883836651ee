"""Pages of the documents app: the issued documents a user may see and their download; the
administrator's terms and templates (other roles get 404, as for a missing page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bvct.core.errors import ServiceError, refusal_on_form
from bvct.documents.constants import FIELDS, SLUG_OF_TYPE, TYPE_SLUGS, DocumentType
from bvct.documents.defaults import default_template
from bvct.documents.forms import TemplateUploadForm, TermForm
from bvct.documents.models import DocumentTemplate, Term
from bvct.documents.permissions import can_manage_documents_setup, can_read_documents
from bvct.documents.selectors import (
    document_get_for_user,
    document_list,
    template_history,
    term_list,
)
from bvct.documents.services import document_download, template_replace, term_create, term_update

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 50


def _docx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _require_setup_admin(request: HttpRequest) -> None:
    if not can_manage_documents_setup(request.user):
        raise Http404


# --- issued documents -------------------------------------------------------------------------


@login_required
def document_list_view(request: HttpRequest) -> HttpResponse:
    if not can_read_documents(request.user):
        raise Http404
    doc_type = request.GET.get("loai", "")
    page = Paginator(document_list(user=request.user, doc_type=doc_type), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "documents/list.html",
        {"page": page, "documents": page.object_list, "types": DocumentType.choices,
         "chosen": doc_type},
    )  # fmt: skip


@login_required
def document_download_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """The stored DOCX, after its download is on the record."""
    document = document_get_for_user(user=request.user, public_id=public_id)
    data = document_download(actor=request.user, document=document)
    return _docx_response(data, document.file_name)


# --- terms ------------------------------------------------------------------------------------


def _term_page(request: HttpRequest, form: TermForm, status: int = 200) -> HttpResponse:
    return render(
        request, "documents/terms.html", {"terms": term_list(), "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def term_list_view(request: HttpRequest) -> HttpResponse:
    """The terms of every issuing body, and a new one."""
    _require_setup_admin(request)
    if request.method != "POST":
        return _term_page(request, TermForm(actor=request.user))
    form = TermForm(request.POST, actor=request.user)
    if not form.is_valid():
        return _term_page(request, form, status=400)
    try:
        term = term_create(actor=request.user, **_term_values(form.cleaned_data))
    except ServiceError as exc:
        refusal_on_form(form, exc)
        return _term_page(request, form, status=exc.status)
    messages.success(request, f"Đã khai báo nhiệm kỳ {term.name} của {term.issuer.name}.")
    return HttpResponseRedirect(reverse("documents:term_list"))


def _term_values(data: dict[str, Any]) -> dict[str, Any]:
    keys = ("issuer", "name", "starts_on", "ends_on", "symbol", "heading", "heading_parent")
    return {k: data[k] for k in keys if k in data}


@login_required
@require_http_methods(["GET", "POST"])
def term_edit_view(request: HttpRequest, public_id: str) -> HttpResponse:
    _require_setup_admin(request)
    try:
        term = Term.objects.select_related("issuer").get(public_id=public_id)
    except Term.DoesNotExist as exc:
        raise Http404 from exc
    initial = {
        "name": term.name,
        "starts_on": term.starts_on,
        "ends_on": term.ends_on,
        "symbol": term.symbol,
        "heading": term.heading,
        "heading_parent": term.heading_parent,
        "version": term.version,
    }
    if request.method != "POST":
        form = TermForm(initial=initial, actor=request.user, editing=True)
        return render(request, "documents/term_edit.html", {"term": term, "form": form})
    form = TermForm(request.POST, actor=request.user, editing=True)
    status = 400
    if form.is_valid():
        try:
            term_update(
                actor=request.user,
                term=term,
                expected_version=form.cleaned_data["version"] or 0,
                **_term_values(form.cleaned_data),
            )
        except ServiceError as exc:
            refusal_on_form(form, exc)
            status = exc.status
        else:
            messages.success(request, "Đã lưu nhiệm kỳ.")
            return HttpResponseRedirect(reverse("documents:term_list"))
    return render(request, "documents/term_edit.html", {"term": term, "form": form}, status=status)


# --- templates --------------------------------------------------------------------------------


def _template_page(
    request: HttpRequest, *, failed: str = "", form: TemplateUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    types = []
    for doc_type in DocumentType:
        types.append(
            {
                "type": doc_type,
                "slug": SLUG_OF_TYPE[doc_type],
                "history": list(template_history(doc_type)),
                "fields": FIELDS[doc_type],
                "form": form if failed == doc_type else TemplateUploadForm(),
            }
        )
    return render(request, "documents/templates.html", {"types": types}, status=status)


@login_required
def template_list_view(request: HttpRequest) -> HttpResponse:
    """Each type's template: the one in use, the replaced ones, the fields, a replacement."""
    _require_setup_admin(request)
    return _template_page(request)


def _type_of(slug: str) -> DocumentType:
    if slug not in TYPE_SLUGS:
        raise Http404
    return TYPE_SLUGS[slug]


@login_required
@require_POST
def template_replace_view(request: HttpRequest, type_slug: str) -> HttpResponse:
    _require_setup_admin(request)
    doc_type = _type_of(type_slug)
    form = TemplateUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _template_page(request, failed=doc_type, form=form, status=400)
    try:
        template_replace(actor=request.user, type=doc_type, file=form.cleaned_data["file"])
    except ServiceError as exc:
        refusal_on_form(form, exc)
        return _template_page(request, failed=doc_type, form=form, status=exc.status)
    messages.success(request, f"Đã thay mẫu {doc_type.label.lower()}; mẫu cũ vẫn được lưu.")
    return HttpResponseRedirect(reverse("documents:template_list"))


@login_required
def template_file_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """A template as stored (to edit it in Word and upload it again)."""
    _require_setup_admin(request)
    try:
        template = DocumentTemplate.objects.get(public_id=public_id)
    except DocumentTemplate.DoesNotExist as exc:
        raise Http404 from exc
    name = f"mau-{SLUG_OF_TYPE[DocumentType(template.doc_type)]}-{template.sha256[:8]}.docx"
    return _docx_response(bytes(template.content), name)


@login_required
def template_default_view(request: HttpRequest, type_slug: str) -> HttpResponse:
    """The shipped default template of a type."""
    _require_setup_admin(request)
    doc_type = _type_of(type_slug)
    return _docx_response(default_template(doc_type), f"mau-mac-dinh-{type_slug}.docx")
