"""The rule pack (versions of the procedure's rules, as data) and the working-day calendar's
entered days. Cases and what hangs below them come later in this file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from bvct.vetting.constants import CalendarDayKind, RulePackStatus


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
