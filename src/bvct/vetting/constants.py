"""Enums of the vetting app, and the codes of other apps its rule pack names.

The rule pack (``vetting.rules``) names decision kinds and post tiers by their codes, as plain
strings: the positions app owns them (``positions.constants.DecisionKind`` and ``Tier``) and
vetting keeps its own list here to validate a pack against. The two lists must agree; a test
compares them once both apps are installed.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What a conclusion found (DOMAIN.md §4; seen in practice, not regulation text)."""

    NO_ISSUE = "NO_ISSUE", _("Không có vấn đề chính trị")
    ISSUE_NO_VIOLATION = "ISSUE_NO_VIOLATION", _("Có vấn đề chính trị nhưng không vi phạm")
    VIOLATION = "VIOLATION", _("Vi phạm tiêu chuẩn chính trị")
    INSUFFICIENT = "INSUFFICIENT", _("Chưa đủ cơ sở kết luận")


class CaseState(models.TextChoices):
    OPEN = "OPEN", _("Mới mở")
    APPRAISAL = "APPRAISAL", _("Thẩm định")
    VERIFICATION = "VERIFICATION", _("Thẩm tra, xác minh")
    DELIBERATION = "DELIBERATION", _("Cấp ủy xem xét, kết luận")
    CONCLUDED = "CONCLUDED", _("Đã kết luận")
    WITHDRAWN = "WITHDRAWN", _("Đã rút")


class Stage(models.TextChoices):
    """The case states that run a deadline (in working days, from the rule pack)."""

    APPRAISAL = "APPRAISAL", _("Thẩm định")
    VERIFICATION = "VERIFICATION", _("Thẩm tra, xác minh")
    DELIBERATION = "DELIBERATION", _("Cấp ủy xem xét, kết luận")


class RulePackStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Bản nháp")
    ACTIVE = "ACTIVE", _("Đang áp dụng")
    RETIRED = "RETIRED", _("Đã thay thế")


class CalendarDayKind(models.TextChoices):
    """A day the administrator entered: it overrides the public-holiday calendar."""

    DAY_OFF = "DAY_OFF", _("Ngày nghỉ")
    WORKING_DAY = "WORKING_DAY", _("Ngày làm việc bù")


class Requirement(models.TextChoices):
    """When a decision kind needs a conclusion."""

    ALWAYS = "ALWAYS", _("Luôn cần kết luận")
    ISSUE_DECLARED = "ISSUE_DECLARED", _("Chỉ khi đã khai có vấn đề chính trị")
    NEVER = "NEVER", _("Không cần kết luận")


class CompetentBody(models.TextChoices):
    """Which committee concludes, by management scope (resolved to an organisation by
    ``Rules.competent_body``)."""

    PROVINCIAL_STANDING = "PROVINCIAL_STANDING", _("Ban Thường vụ Tỉnh ủy")
    MANAGING_COMMITTEE = "MANAGING_COMMITTEE", _("Cấp ủy quản lý hồ sơ")


# positions.constants.DecisionKind must agree with this list (codes; the labels are
# positions' to own, these are for vetting's pages until the apps are joined).
DECISION_KINDS: dict[str, Any] = {
    "PARTY_ADMISSION": _("Kết nạp đảng"),
    "SUCCESSION_PLANNING": _("Quy hoạch"),
    "APPOINTMENT": _("Bổ nhiệm, giới thiệu ứng cử chức vụ lãnh đạo, quản lý"),
    "COMMITTEE_NOMINATION": _("Giới thiệu tham gia cấp ủy"),
    "NA_CANDIDACY": _("Ứng cử đại biểu Quốc hội"),
    "PC_CANDIDACY": _("Ứng cử đại biểu Hội đồng nhân dân"),
    "ABROAD": _("Cử đi đào tạo, công tác nước ngoài"),
    "CATALOGUE_POST": _("Bố trí vào cơ quan, bộ phận, vị trí trọng yếu, cơ mật"),
    "COMPLAINT_REVIEW": _("Xem xét khi có khiếu nại, tố cáo"),
}

# positions.constants.Tier must agree with this list: codes ordered top to bottom (rank 0 is
# the highest tier).
TIERS: dict[str, Any] = {
    "CENTRAL": _("Trung ương"),
    "PROVINCE": _("Cấp tỉnh"),
    "COMMUNE": _("Cấp xã"),
    "GRASSROOTS": _("Cơ sở"),
}


def tier_rank(code: str) -> int:
    """0 for the highest tier; ValueError for an unknown code."""
    return list(TIERS).index(code)


# --- cases ------------------------------------------------------------------------------------


class CaseOrigin(models.TextChoices):
    """What started a case."""

    DECISION = "DECISION", _("Đề xuất quyết định nhân sự")
    COMPLAINT = "COMPLAINT", _("Khiếu nại, tố cáo")
    NEW_INFORMATION = "NEW_INFORMATION", _("Thông tin mới")


class Duty(models.TextChoices):
    """What an officer assigned to a case does."""

    LEAD = "LEAD", _("Cán bộ chủ trì")
    VERIFIER = "VERIFIER", _("Cán bộ thẩm tra, xác minh")


class CaseEventKind(models.TextChoices):
    """The case's own history (durations of each stage come from these rows)."""

    OPEN = "OPEN", _("Mở hồ sơ thẩm tra")
    TRANSITION = "TRANSITION", _("Chuyển bước")
    WITHDRAW = "WITHDRAW", _("Rút hồ sơ thẩm tra")
    ASSIGN = "ASSIGN", _("Phân công")
    UNASSIGN = "UNASSIGN", _("Thôi phân công")
    DEADLINE = "DEADLINE", _("Đổi hạn của bước")
    DECISION_LINK = "DECISION_LINK", _("Gắn đề xuất quyết định")
    RESTRICTION = "RESTRICTION", _("Đổi hạn chế người xem")
    CLASSIFICATION = "CLASSIFICATION", _("Nâng độ mật")
    APPRAISAL = "APPRAISAL", _("Ghi kết quả thẩm định")
    FINDING = "FINDING", _("Ghi vấn đề cần xem xét")
    FINDING_EDIT = "FINDING_EDIT", _("Sửa vấn đề cần xem xét")
    VERIFICATION = "VERIFICATION", _("Ghi kết quả thẩm tra, xác minh")
    DOCUMENT = "DOCUMENT", _("Ban hành văn bản")
    CONCLUSION = "CONCLUSION", _("Kết luận")


class FindingPeriod(models.TextChoices):
    HISTORY = "HISTORY", _("Lịch sử chính trị")
    CURRENT = "CURRENT", _("Chính trị hiện nay")


class FindingStatus(models.TextChoices):
    TO_VERIFY = "TO_VERIFY", _("Cần thẩm tra, xác minh")
    CONFIRMED = "CONFIRMED", _("Đã xác định")
    CLEARED = "CLEARED", _("Đã làm rõ, không có vấn đề")


class ChangeKind(models.TextChoices):
    """What a member reported since their declaration (báo cáo bổ sung)."""

    TRIP_ABROAD = "TRIP_ABROAD", _("Đi nước ngoài")
    RELATIVE_ABROAD = "RELATIVE_ABROAD", _("Thân nhân mới ra nước ngoài")
    RELATIVE_SITUATION = "RELATIVE_SITUATION", _("Thay đổi tình hình của thân nhân")
    OTHER = "OTHER", _("Khác")


class CheckStatus(models.TextChoices):
    """The requirement check's answer for one decision."""

    NOT_NEEDED = "NOT_NEEDED", _("Không cần kết luận")
    COVERED = "COVERED", _("Đã có kết luận còn giá trị")
    NOT_COVERED = "NOT_COVERED", _("Chưa có kết luận đáp ứng")


#: States in which a case is still being worked on.
OPEN_STATES = (
    CaseState.OPEN,
    CaseState.APPRAISAL,
    CaseState.VERIFICATION,
    CaseState.DELIBERATION,
)
