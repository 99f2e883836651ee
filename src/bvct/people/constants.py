"""Enums of the people app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


# How sex is written in forms and files (normalised): one table for every reader.
SEX_WORDS = {"nam": "M", "m": "M", "nu": "F", "f": "F"}


class DossierStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Đang quản lý")
    CLOSED = "CLOSED", _("Đã đóng")


class DeclarationStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", _("Đang hiệu lực")
    SUPERSEDED = "SUPERSEDED", _("Đã được thay thế")


class LinkStatus(models.TextChoices):
    PROPOSED = "PROPOSED", _("Chờ xác nhận")
    CONFIRMED = "CONFIRMED", _("Đã xác nhận là một người")
    REJECTED = "REJECTED", _("Không phải một người")


class LinkReason(models.TextChoices):
    CITIZEN_ID = "CITIZEN_ID", _("Trùng số CCCD")
    NAME_YEAR_HOMETOWN = "NAME_YEAR_HOMETOWN", _("Trùng họ tên, năm sinh và quê quán")


class ExportPurpose(models.TextChoices):
    """Why a dossier list was taken out as a file (personal data is purpose-bound: DOMAIN.md
    §1); recorded with the export."""

    REVIEW = "REVIEW", _("Rà soát, đối chiếu hồ sơ")
    PERSONNEL = "PERSONNEL", _("Phục vụ công tác cán bộ (quy hoạch, bổ nhiệm, ứng cử)")
    VETTING = "VETTING", _("Thẩm định, thẩm tra, xác minh")
    REPORT = "REPORT", _("Báo cáo, thống kê")
    OTHER = "OTHER", _("Khác (ghi rõ)")
