"""Reads of the rule pack's versions and the entered calendar days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from bvct.vetting.constants import RulePackStatus
from bvct.vetting.models import CalendarDay, RulePack
from bvct.vetting.permissions_rules import can_view_rules


def rule_pack_list(*, user: Any) -> QuerySet[RulePack]:
    """Every version, newest first (the draft only for whoever may edit it)."""
    from bvct.vetting.permissions_rules import can_manage_rules

    if not can_view_rules(user):
        return RulePack.objects.none()
    qs = RulePack.objects.select_related("created_by", "published_by").defer("data")
    if not can_manage_rules(user):
        qs = qs.exclude(status=RulePackStatus.DRAFT)
    return qs.order_by("-version")


def rule_pack_row(*, user: Any, version: int) -> RulePack | None:
    """One version as the user may see it; None when missing or not theirs to see."""
    return rule_pack_list(user=user).defer(None).filter(version=version).first()


def rule_pack_active_row() -> RulePack:
    return RulePack.objects.select_related("published_by").get(status=RulePackStatus.ACTIVE)


def rule_pack_draft_row() -> RulePack | None:
    return RulePack.objects.filter(status=RulePackStatus.DRAFT).first()


def calendar_day_list(*, user: Any, year: int | None = None) -> QuerySet[CalendarDay]:
    if not can_view_rules(user):
        return CalendarDay.objects.none()
    qs = CalendarDay.objects.select_related("entered_by")
    if year is not None:
        qs = qs.filter(date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return qs.order_by("date")
