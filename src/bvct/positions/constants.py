"""Enums of posts, the key/classified catalogue, holdings and personnel decisions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """The level of a post, top to bottom (``rank``: 1 is the highest)."""

    CENTRAL = "CENTRAL", _("Trung ương")
    PROVINCE = "PROVINCE", _("Cấp tỉnh")
    COMMUNE = "COMMUNE", _("Cấp xã")
    GRASSROOTS = "GRASSROOTS", _("Cơ sở")

    @classmethod
    def rank(cls, tier: str) -> int:
        """1 for the highest tier; a higher number is a lower tier."""
        return list(cls.values).index(str(tier)) + 1


class HoldingKind(models.TextChoices):
    HOLDS = "HOLDS", _("Đang giữ")
    PLANNED = "PLANNED", _("Quy hoạch")
    CANDIDATE = "CANDIDATE", _("Ứng cử, đề cử")


class DecisionKind(models.TextChoices):
    """The personnel decisions that may need a political-standard conclusion (DOMAIN.md §4)."""

    PARTY_ADMISSION = "PARTY_ADMISSION", _("Kết nạp đảng")
    SUCCESSION_PLANNING = "SUCCESSION_PLANNING", _("Quy hoạch")
    APPOINTMENT = "APPOINTMENT", _("Bổ nhiệm, giới thiệu ứng cử chức vụ lãnh đạo, quản lý")
    COMMITTEE_NOMINATION = "COMMITTEE_NOMINATION", _("Giới thiệu tham gia cấp ủy")
    NA_CANDIDACY = "NA_CANDIDACY", _("Ứng cử đại biểu Quốc hội")
    PC_CANDIDACY = "PC_CANDIDACY", _("Ứng cử đại biểu Hội đồng nhân dân")
    ABROAD = "ABROAD", _("Cử đi đào tạo, công tác nước ngoài")
    CATALOGUE_POST = "CATALOGUE_POST", _("Bố trí vào cơ quan, bộ phận, vị trí trọng yếu, cơ mật")
    COMPLAINT_REVIEW = "COMPLAINT_REVIEW", _("Xem xét khi có khiếu nại, tố cáo")


# What a decision of each kind names besides the person (decision_record refuses the rest):
# a post it must name, a post it may name, and the catalogue entry it must name.
NEEDS_POST = frozenset({DecisionKind.SUCCESSION_PLANNING, DecisionKind.APPOINTMENT})
MAY_NAME_POST = NEEDS_POST | {DecisionKind.COMMITTEE_NOMINATION, DecisionKind.CATALOGUE_POST}
NEEDS_MANAGEMENT_POST = frozenset({DecisionKind.APPOINTMENT})
NEEDS_CATALOGUE_ENTRY = frozenset({DecisionKind.CATALOGUE_POST})


class DecisionStatus(models.TextChoices):
    """Whether a decision is covered is computed by vetting, never stored here."""

    PROPOSED = "PROPOSED", _("Đang đề xuất")
    WITHDRAWN = "WITHDRAWN", _("Đã rút")


class CatalogueKind(models.TextChoices):
    BODY = "BODY", _("Cơ quan")
    UNIT = "UNIT", _("Bộ phận")
    POST = "POST", _("Vị trí")
