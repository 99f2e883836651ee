"""Roles. What each role may do is decided in permissions.py and the querysets' visible_to()."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BVCT_OFFICER = "BVCT_OFFICER", _("Cán bộ làm công tác BVCTNB")
    COMMITTEE_MEMBER = "COMMITTEE_MEMBER", _("Ủy viên cấp ủy (ký kết luận)")
    AGENCY_OFFICER = "AGENCY_OFFICER", _("Cán bộ cơ quan phối hợp")
    SECRET_CLERK = "SECRET_CLERK", _("Văn thư, lưu trữ tài liệu mật")
    AUDITOR = "AUDITOR", _("Kiểm tra viên nhật ký")
    SYSADMIN = "SYSADMIN", _("Quản trị hệ thống")

    @classmethod
    def parse(cls, raw: str) -> Role:
        """Accept the code in any case; raise ValueError for anything else."""
        text = raw.strip().upper()
        if text in cls.values:
            return cls(text)
        raise ValueError(raw)
