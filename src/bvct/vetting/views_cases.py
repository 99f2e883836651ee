"""Case pages: the list, the case page, and its workflow forms (move to the next stage,
withdraw with a reason, assign and unassign officers, open a new case about a conclusion).
Each parses input, calls one service or selector, renders; a refusal is shown with the
service's Vietnamese message beside the form it came from, nothing written."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bvct.core.constants import Action, Role
from bvct.core.counting import COUNT_CAP, Count, capped_count
from bvct.core.errors import NotFoundError, ServiceError, refusal_on_form
from bvct.core.gate import may as role_may
from bvct.core.submissions import once_per_submission
from bvct.vetting import services
from bvct.vetting.appraisal import appraisal_items
from bvct.vetting.constants import (
    DECISION_KINDS,
    CaseOrigin,
    CaseState,
    Duty,
    FindingStatus,
    Stage,
)
from bvct.vetting.forms_cases import (
    AppraisalForm,
    AssignForm,
    CaseFilterForm,
    FindingForm,
    ReopenForm,
    ResultForm,
    TransitionForm,
    UnassignForm,
    WithdrawForm,
)
from bvct.vetting.models import Case
from bvct.vetting.selectors import (
    case_access,
    case_get,
    related_assignees,
    reported_changes_for_dossier,
)
from bvct.vetting.selectors_queue import CaseFilter, case_committees, case_list
from bvct.vetting.selectors_ui_cases import (
    agencies,
    assignable_officers,
    can_sign,
    case_page,
    may,
)
from bvct.vetting.services_common import case_rules, today

PAGE_SIZE = 50
CASE_READERS = (Role.BVCT_OFFICER, Role.COMMITTEE_MEMBER, Role.AUDITOR)


def case_url(case: Any, anchor: str = "") -> str:
    public_id = getattr(case, "public_id", case)
    return reverse("vetting:case_detail", args=[public_id]) + (f"#{anchor}" if anchor else "")


def _require_reader(request: HttpRequest) -> None:
    if not any(request.user.has_role(r) for r in CASE_READERS):  # type: ignore[union-attr]
        raise Http404


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    """The cases the user sees (those still being worked on unless a state is chosen),
    filtered by stage, competent committee, lateness, their own assignments, and a case number
    or the subject's name."""
    _require_reader(request)
    form = CaseFilterForm(request.GET or None, committees=case_committees(user=request.user))
    filters = CaseFilter(open_only=True)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = CaseFilter(
            state=data["state"],
            open_only=not data["state"],
            late=data["late"],
            mine=data["mine"],
            competent_body=data["committee"],
            q=data["q"],
        )
    rows = case_list(user=request.user, filters=filters)
    if form.is_bound and not form.is_valid():
        # A filter that does not exist (its error shown at the field) lists nothing rather
        # than everything.
        rows = rows.none()
    page = list_page(rows, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "vetting/cases/list.html",
        {"form": form, "page": page, "page_query": query.urlencode(), "today": today()},
    )


@dataclass
class ListPage:
    """One page of a long list, counted only up to the count cap past it (a province's
    half-million open cases are not counted on every page): ``total`` prints "hơn 1.000"
    past the cap, ``pages`` is how many pages are known, ``more`` whether there are more."""

    object_list: list[Any]
    number: int
    total: Count

    @property
    def pages(self) -> int:
        return max(1, -(-self.total.n // PAGE_SIZE))

    @property
    def more(self) -> bool:
        return self.total.more

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages or self.more

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def list_page(rows: Any, asked: Any) -> ListPage:
    """The asked page of ``rows`` (a bad or missing number: the first; past the end: the
    last), and the rows counted up to the cap past it."""
    try:
        number = max(1, int(asked or 1))
    except (TypeError, ValueError):
        number = 1
    while True:
        start = (number - 1) * PAGE_SIZE
        shown = list(rows[start : start + PAGE_SIZE])
        total = capped_count(rows, cap=start + COUNT_CAP)
        page = ListPage(shown, number, total)
        if shown or number == 1 or number <= page.pages:
            return page
        number = page.pages


def deciding_body(case: Case) -> Any:
    from bvct.vetting.services_conclusions import deciding_body as body_of

    return body_of(case)


def case_context(request: HttpRequest, case: Case, **bound: Any) -> dict[str, Any]:
    """The case page's context; ``bound`` replaces a section's empty form with the one sent
    (shown again with its errors)."""
    user = request.user
    page = case_page(user=user, case=case)
    changer = case.is_open and may(user, Action.CHANGE, case)
    assigner = case.is_open and may(user, Action.ASSIGN, case)
    version = {"version": case.version}
    forms: dict[str, Any] = {}
    if changer:
        forms["withdraw_form"] = WithdrawForm(initial=version)
        if case.state == CaseState.APPRAISAL:
            forms["appraisal_form"] = AppraisalForm(
                initial={**version, "nothing_found": "1" if page.appraisal and
                         page.appraisal.nothing_found else "0"},
            )  # fmt: skip
        if case.state in (CaseState.APPRAISAL, CaseState.VERIFICATION):
            forms["finding_form"] = FindingForm(
                initial=version,
                categories=case_rules(case).issue_categories,
                persons=page.persons,
                items=page.appraisal.items if page.appraisal else (),
                results=page.results,
            )
        if case.state == CaseState.VERIFICATION:
            forms["result_form"] = ResultForm(
                initial=version, agencies=agencies(), findings=page.findings
            )
    if assigner:
        forms["assign_form"] = AssignForm(initial=version, officers=assignable_officers(case))
    forms.update(bound)
    # Each form that makes something gets its own one-time token; a form shown again after a
    # refusal keeps the one it was sent with.
    posted = getattr(request, "submission_token", None)
    tokens = {
        f"{name}_token": (posted if name in bound and posted else uuid.uuid4())
        for name in ("finding_form", "result_form")
    }
    categories = {c.code: c.name for c in case_rules(case).issue_categories}
    for finding in page.findings:
        finding.category_name = categories.get(finding.category, finding.category)  # type: ignore[attr-defined]
    extra: dict[str, Any] = {"covers_labels": [], "conclusion_findings": [], "changes_after": []}
    if page.conclusion is not None:
        extra = {
            "covers_labels": [str(DECISION_KINDS.get(k, k)) for k in page.conclusion.covers_kinds],
            "conclusion_findings": list(page.conclusion.findings.order_by("created_at", "id")),
            "changes_after": list(
                reported_changes_for_dossier(
                    user=user, dossier=case.subject, since=page.conclusion.concluded_on
                )
            ),
        }
    return {
        **extra,
        **tokens,
        "today": today(),
        # What the dossier holds that needs checking, listed before the officer decides.
        "items_now": (
            appraisal_items(case.subject, case_rules(case), user=user)
            if case.state in (CaseState.OPEN, CaseState.APPRAISAL) and page.appraisal is None
            else None
        ),
        "related_ids": {u.pk for u in related_assignees(case)} if case.is_open else set(),
        "status_choices": FindingStatus.choices,
        "p": page,
        "case": case,
        "deciding_body": deciding_body(case).name,
        "changer": changer,
        "assigner": assigner,
        "deadline_changer": changer and case.state in Stage.values,
        "restricter": may(user, Action.ASSIGN, case),
        "signer": can_sign(user, case),
        "reopener": case.state == CaseState.CONCLUDED
        and role_may(user, Action.OPEN_CASE)
        and may(user, Action.OPEN_CASE, case),
        **forms,
    }


def render_case(request: HttpRequest, case: Case, *, status: int = 200, **bound: Any) -> Any:
    return render(
        request, "vetting/cases/detail.html", case_context(request, case, **bound), status=status
    )


@login_required
def case_detail_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The case: its subject, decisions, stage and deadline, officers, appraisal, findings,
    verification results, conclusion, documents and history (the read recorded)."""
    case = case_access(user=request.user, public_id=public_id)
    return render_case(request, case)


def case_for(request: HttpRequest, public_id: uuid.UUID, action: str = Action.CHANGE) -> Case:
    """The case if the user may take ``action`` on it; else 404, as a missing one."""
    return case_get(user=request.user, public_id=public_id, action=action)


def refused_on_page(
    request: HttpRequest, case: Case, form: Any, name: str, exc: ServiceError
) -> Any:
    """The page again with the refusal at the form's field (or above it)."""
    if isinstance(exc, NotFoundError):
        raise Http404 from exc
    refusal_on_form(form, exc)
    return render_case(request, case, status=exc.status, **{name: form})


@login_required
@require_POST
def case_transition_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = case_for(request, public_id)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Biểu mẫu đã cũ; hãy tải lại trang.")
        return HttpResponseRedirect(case_url(case, "state"))
    try:
        services.case_transition(
            actor=request.user,
            case=case,
            to=form.cleaned_data["to"],
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ServiceError as exc:
        return render_case(request, case, status=exc.status, transition_error=exc.message)
    messages.success(request, f"Đã chuyển sang bước “{CaseState(form.cleaned_data['to']).label}”.")
    return HttpResponseRedirect(case_url(case, "state"))


@login_required
@require_POST
def case_withdraw_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = case_for(request, public_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return render_case(request, case, status=400, withdraw_form=form)
    try:
        services.case_withdraw(
            actor=request.user,
            case=case,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        return refused_on_page(request, case, form, "withdraw_form", exc)
    messages.success(request, "Đã rút hồ sơ thẩm tra.")
    return HttpResponseRedirect(case_url(case))


@login_required
@require_POST
def case_assign_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = case_for(request, public_id, Action.ASSIGN)
    form = AssignForm(request.POST, officers=assignable_officers(case))
    if not form.is_valid():
        return render_case(request, case, status=400, assign_form=form)
    try:
        services.case_assign(
            actor=request.user,
            case=case,
            user=form.cleaned_data["user"],
            duty=form.cleaned_data["duty"],
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        return refused_on_page(request, case, form, "assign_form", exc)
    messages.success(request, f"Đã phân công {form.cleaned_data['user'].full_name}.")
    return HttpResponseRedirect(case_url(case, "officers"))


@login_required
@require_POST
def case_unassign_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = case_for(request, public_id, Action.ASSIGN)
    form = UnassignForm(request.POST)
    assignment = None
    if form.is_valid():
        assignment = case.assignments.filter(
            user__public_id=form.cleaned_data["user"],
            duty=form.cleaned_data["duty"],
            ended_at__isnull=True,
        ).first()
    if assignment is None:
        messages.error(request, "Phân công này đã kết thúc hoặc không có; hãy tải lại trang.")
        return HttpResponseRedirect(case_url(case, "officers"))
    try:
        services.case_unassign(
            actor=request.user, assignment=assignment, expected_version=form.cleaned_data["version"]
        )
    except NotFoundError as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã thôi phân công ({Duty(assignment.duty).label.lower()}).")
    return HttpResponseRedirect(case_url(case, "officers"))


def _reopened_url(result: uuid.UUID, public_id: uuid.UUID) -> str:
    return case_url(result)


@login_required
@once_per_submission(_reopened_url)
def case_reopen_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """“Mở hồ sơ mới về kết luận này”: a complaint or new information about a concluded
    case opens a new case about the same person, linked to it."""
    case = case_for(request, public_id, Action.OPEN_CASE)
    if case.state != CaseState.CONCLUDED or not role_may(request.user, Action.OPEN_CASE):
        raise Http404
    form = ReopenForm(request.POST or None, initial={"origin": CaseOrigin.COMPLAINT})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new = services.case_open(
                    actor=request.user,
                    dossier=case.subject,
                    origin=form.cleaned_data["origin"],
                    previous_case=case,
                    summary=form.cleaned_data["summary"],
                    restricted=form.cleaned_data["restricted"],
                    complex=form.cleaned_data["complex"],
                    submission_token=request.submission_token,  # type: ignore[attr-defined]
                )
            except NotFoundError as exc:
                raise Http404 from exc
            except ServiceError as exc:
                refusal_on_form(form, exc)
                status = exc.status
            else:
                messages.success(request, f"Đã mở hồ sơ thẩm tra {new.reference}.")
                return HttpResponseRedirect(case_url(new))
        else:
            status = 400
    return render(request, "vetting/cases/reopen.html", {"case": case, "form": form}, status=status)
