"""The rule pack (versions of the procedure's rules, as data), the working-day calendar's
entered days, and casework: cases, their events, appraisal, findings, verification results,
conclusions, their reuse, and the changes a member reported."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Action, Classification, Role
from bvct.core.gate import GateQuerySet, Reach, ScopeRule
from bvct.core.models import PublicModel
from bvct.people.models import DOSSIER_GATE
from bvct.vetting.constants import (
    CalendarDayKind,
    CaseEventKind,
    CaseOrigin,
    CaseState,
    ChangeKind,
    CheckStatus,
    Duty,
    FindingPeriod,
    FindingStatus,
    Outcome,
    RulePackStatus,
)


class RulePack(models.Model):
    """One version of the rule pack: its rules as JSON checked by ``vetting.rules``.

    At most one DRAFT (the one an administrator edits) and exactly one ACTIVE: publishing a
    draft retires the active one. Published packs never change (a trigger refuses it), so a
    case keeps meaning what it meant under the version it was opened with. ``revision`` grows
    on every edit of a draft, so that two administrators' edits cannot overwrite each other.
    """

    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=RulePackStatus.choices)
    data = models.JSONField()
    note = models.TextField(blank=True)
    based_on = models.PositiveIntegerField(null=True, blank=True)  # the version it was copied from
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="ACTIVE"), name="rulepack_one_active"
            ),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="DRAFT"), name="rulepack_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"Bộ quy tắc phiên bản {self.version}"


class CalendarDay(models.Model):
    """A day an administrator entered: a day off or a make-up working day the government
    announced, which the public-holiday calendar (the ``holidays`` package) does not know."""

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=12, choices=CalendarDayKind.choices)
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.get_kind_display()}"


# --- cases ------------------------------------------------------------------------------------

#: Cases: officers reach them within their scope up to their clearance; a committee member
#: signs for the case's competent body (their organisation). A restricted case drops the scope
#: reach for everyone but its assignees and the members of its competent body.
CASE_GATE = ScopeRule(
    actions=frozenset(
        {
            Action.VIEW,
            Action.CHANGE,
            Action.OPEN_CASE,
            Action.ASSIGN,
            Action.REQUEST_VERIFICATION,
            Action.SIGN_CONCLUSION,
        }
    ),
    columns={Reach.COMPETENT_BODY: "competent_body_id"},
    restricted="restricted",
    assignees="assignee_ids",
    body_roles=frozenset({Role.COMMITTEE_MEMBER}),
)


class CaseQuerySet(GateQuerySet["Case"]):
    gate = CASE_GATE


class CaseChildQuerySet(GateQuerySet[Any]):
    """Rows of a case (events, findings, results, conclusions): gated through the case."""

    gate = CASE_GATE
    gate_lookup = ("case",)


class ConclusionUseQuerySet(GateQuerySet["ConclusionUse"]):
    gate = CASE_GATE
    gate_lookup = ("conclusion__case",)


class ReportedChangeQuerySet(GateQuerySet["ReportedChange"]):
    gate = DOSSIER_GATE
    gate_lookup = ("dossier",)


class CaseSequence(models.Model):
    """The last case number of a competent body in a year: taken by one upsert inside the
    opening transaction, so references have no gaps and no duplicates."""

    competent_body = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["competent_body", "year"], name="case_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competent_body_id}/{self.year}: {self.last_number}"


class Case(PublicModel):
    """A vetting case (hồ sơ thẩm tra): one subject, the decisions it serves, its assigned
    officers and its stage with a deadline, under the rule-pack version it was opened with.

    ``assignee_ids`` copies the active assignments' account ids (kept by the assignment
    services) so that the gate's "assignees of a restricted case" is one condition here.
    """

    reference = models.CharField(_("số hồ sơ"), max_length=120)
    subject = models.ForeignKey("people.Dossier", on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(_("căn cứ mở"), max_length=16, choices=CaseOrigin.choices)
    state = models.CharField(
        _("bước"), max_length=12, choices=CaseState.choices, default=CaseState.OPEN
    )
    rule_pack = models.ForeignKey(RulePack, on_delete=models.PROTECT, related_name="+")
    competent_body = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=255, editable=False)
    classification = models.PositiveSmallIntegerField(
        _("độ mật"), choices=Classification.choices, default=Classification.NONE
    )
    restricted = models.BooleanField(_("hạn chế người xem"), default=False)
    assignee_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    complex = models.BooleanField(_("phức tạp"), default=False)
    summary = models.TextField(_("nội dung"), blank=True)
    stage_started_on = models.DateField(null=True, blank=True)
    stage_due_on = models.DateField(_("hạn của bước"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    previous_case = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="later_cases"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="case_reference_unique"),
            models.CheckConstraint(
                condition=~Q(previous_case=F("id")), name="case_not_its_own_previous"
            ),
        ]
        indexes = [
            models.Index(
                fields=["org_path", "classification"],
                name="case_gate",
                opclasses=["varchar_pattern_ops", "int2_ops"],
            ),
            models.Index(fields=["subject", "state"], name="case_subject_state"),
            models.Index(
                fields=["competent_body", "state", "stage_due_on"], name="case_body_state_due"
            ),
            # A stage's open cases by nearest deadline (the work queue's blocks), in order.
            models.Index(
                F("state"),
                F("stage_due_on").asc(),
                F("opened_at").desc(),
                F("id").desc(),
                name="case_open_due",
                condition=Q(
                    state__in=[
                        CaseState.OPEN,
                        CaseState.APPRAISAL,
                        CaseState.VERIFICATION,
                        CaseState.DELIBERATION,
                    ]
                ),
            ),
            # The queue: open cases by nearest deadline, walked in order until a page is
            # full (the gate's condition filters as it walks), never all sorted.
            models.Index(
                F("stage_due_on").asc(),
                F("opened_at").desc(),
                F("id").desc(),
                name="case_open_queue",
                condition=Q(
                    state__in=[
                        CaseState.OPEN,
                        CaseState.APPRAISAL,
                        CaseState.VERIFICATION,
                        CaseState.DELIBERATION,
                    ]
                ),
            ),
            GinIndex(fields=["assignee_ids"], name="case_assignees"),
        ]

    def __str__(self) -> str:
        return f"Hồ sơ thẩm tra {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.state not in (CaseState.CONCLUDED, CaseState.WITHDRAWN)


class CaseDecision(models.Model):
    """A personnel decision a case serves (its conclusion covers it)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decision_links")
    decision = models.ForeignKey(
        "positions.PersonnelDecision", on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "decision"], name="case_decision_once")
        ]
        indexes = [models.Index(fields=["decision"], name="case_decision_by_decision")]

    def __str__(self) -> str:
        return f"{self.case_id} ↔ {self.decision_id}"


class CaseAssignment(models.Model):
    """An officer assigned to a case, with a duty, until ``ended_at``."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    duty = models.CharField(_("nhiệm vụ"), max_length=10, choices=Duty.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user", "duty"],
                condition=Q(ended_at__isnull=True),
                name="case_assignment_active_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.get_duty_display()}"


class CaseEvent(models.Model):
    """One step of a case's history; append-only (a trigger refuses changes). A transition's
    ``due_on`` is the deadline the stage it entered was given, so lateness is computed from
    these rows alone."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=CaseEventKind.choices)
    from_state = models.CharField(max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=CaseState.choices, blank=True)
    due_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d}"


class Appraisal(models.Model):
    """The appraisal of a case: what the dossier holds that needs checking (computed from the
    dossier when recorded), and whether the officer found nothing to verify."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="appraisal")
    items = models.JSONField(default=list)
    nothing_found = models.BooleanField(_("không có vấn đề cần thẩm tra"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    objects = CaseChildQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Thẩm định {self.case_id}"


class VerificationResult(PublicModel):
    """What an agency answered (its document number and date, what it says), as received."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="results")
    agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(_("số văn bản"), max_length=60)
    document_date = models.DateField(_("ngày văn bản"))
    received_on = models.DateField(_("ngày nhận"))
    summary = models.TextField(_("nội dung trả lời"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_on__gte=F("document_date")), name="result_received_after"
            )
        ]

    def __str__(self) -> str:
        return f"Văn bản số {self.document_number}"


class Finding(PublicModel):
    """A political issue (vấn đề chính trị) that needs verification and a conclusion: about the
    subject or one of their relatives, in their history or current situation, with its evidence
    (declaration items and verification results) and status."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="findings")
    category = models.CharField(_("loại vấn đề"), max_length=40)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("thời kỳ"), max_length=8, choices=FindingPeriod.choices)
    summary = models.TextField(_("nội dung"))
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=FindingStatus.choices,
        default=FindingStatus.TO_VERIFY,
    )
    evidence = models.ManyToManyField(VerificationResult, blank=True, related_name="findings")
    declaration_refs = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "status"], name="finding_case_status")]

    def __str__(self) -> str:
        return self.summary[:80]


class Conclusion(PublicModel):
    """The competent committee's conclusion on a subject's political standard: the meeting and
    its votes, the signer, the issued document, the outcome, what it covers and until when,
    and the findings it rests on (or the case's nothing-found appraisal). Never updated nor
    deleted (a trigger refuses it): a later conclusion supersedes or upholds it."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="conclusion")
    subject = models.ForeignKey("people.Dossier", on_delete=models.PROTECT, related_name="+")
    competent_body = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    meeting_date = models.DateField(_("ngày họp"))
    members_total = models.PositiveSmallIntegerField(_("tổng số ủy viên"))
    members_present = models.PositiveSmallIntegerField(_("số ủy viên dự họp"))
    votes_for = models.PositiveSmallIntegerField(_("số phiếu tán thành"))
    votes_against = models.PositiveSmallIntegerField(_("số phiếu không tán thành"))
    dissent = models.TextField(_("ý kiến khác"), blank=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200)
    document = models.OneToOneField(
        "documents.IssuedDocument", on_delete=models.PROTECT, related_name="+"
    )
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=60)
    concluded_on = models.DateField(_("ngày kết luận"))
    outcome = models.CharField(_("kết luận"), max_length=20, choices=Outcome.choices)
    text = models.TextField(_("nội dung kết luận"))
    valid_until = models.DateField(_("giá trị đến"))
    covers_kinds = ArrayField(models.CharField(max_length=24), verbose_name=_("dùng cho"))
    findings: models.ManyToManyField[Finding, ConclusionFinding] = models.ManyToManyField(
        Finding, through="ConclusionFinding", blank=True, related_name="conclusions"
    )
    rests_on_nothing_found = models.BooleanField(default=False)
    # The declaration current when concluded: a later one means the declaration changed since.
    declaration = models.ForeignKey(
        "people.Declaration", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    upholds = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="upheld_by"
    )
    rule_pack = models.ForeignKey(RulePack, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, editable=False)
    classification = models.PositiveSmallIntegerField(
        choices=Classification.choices, default=Classification.NONE
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-concluded_on", "-id"]
        indexes = [
            # The requirement check: the subject's conclusions, newest first.
            models.Index(
                F("subject"), F("concluded_on").desc(), F("id").desc(), name="conclusion_subject"
            ),
            models.Index(
                fields=["org_path"], name="conclusion_org_path", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(members_present__lte=F("members_total"))
                & Q(votes_for__lte=F("members_present"))
                & Q(votes_against__lte=F("members_present") - F("votes_for")),
                name="conclusion_votes_add_up",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("concluded_on")), name="conclusion_valid_after"
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | Q(upholds__isnull=True),
                name="conclusion_supersedes_or_upholds",
            ),
        ]

    def __str__(self) -> str:
        return f"Kết luận số {self.number_symbol}"


class ConclusionFinding(models.Model):
    """A finding a conclusion rests on (never removed: a trigger refuses it)."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.PROTECT, related_name="+")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conclusion", "finding"], name="conclusion_finding")
        ]

    def __str__(self) -> str:
        return f"{self.conclusion_id} ← {self.finding_id}"


class ConclusionUse(models.Model):
    """A valid conclusion reused for a later decision it covers (recorded, never silent)."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.PROTECT, related_name="uses")
    decision = models.ForeignKey(
        "positions.PersonnelDecision", on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    objects = ConclusionUseQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conclusion", "decision"], name="conclusion_use_once")
        ]
        indexes = [models.Index(fields=["decision"], name="conclusion_use_decision")]

    def __str__(self) -> str:
        return f"{self.conclusion_id} → {self.decision_id}"


class DecisionCheck(models.Model):
    """The latest requirement check of a decision: its answer, when and by whom (the reasons
    are in the check's audit event). The work queue lists the decisions never checked and
    those whose last answer still waits for something, not those found not to need one."""

    decision = models.OneToOneField(
        "positions.PersonnelDecision", on_delete=models.PROTECT, related_name="last_check"
    )
    status = models.CharField(max_length=16, choices=CheckStatus.choices)
    checked_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.decision_id}: {self.status}"


class ReportedChange(PublicModel):
    """A change a member reported since their declaration (báo cáo bổ sung): shown to whoever
    holds a valid conclusion on them, and a reason that conclusion no longer covers."""

    dossier = models.ForeignKey("people.Dossier", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại thay đổi"), max_length=20, choices=ChangeKind.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(_("ngày xảy ra"))
    reported_on = models.DateField(_("ngày báo cáo"))
    description = models.TextField(_("nội dung"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReportedChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["dossier", "created_at"], name="reported_change_dossier")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_on__gte=F("occurred_on")), name="change_reported_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.reported_on:%d/%m/%Y})"
