"""Enums used across apps: classification levels, roles and the actions the gate knows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Classification(models.IntegerChoices):
    """State-secret level of an object, and clearance of a user: comparable as integers."""

    NONE = 0, _("Không mật")
    MAT = 1, _("Mật")
    TOI_MAT = 2, _("Tối mật")
    TUYET_MAT = 3, _("Tuyệt mật")

    @classmethod
    def parse(cls, raw: str | int) -> Classification:
        """Accept the code (``TOI_MAT``), the number, or the Vietnamese name; raise ValueError."""
        if isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isdigit()):
            return cls(int(raw))
        text = str(raw).strip()
        by_name = {m.name: m for m in cls}
        if text.upper() in by_name:
            return by_name[text.upper()]
        from bvct.core.text import normalize

        aliases = {
            "khong": cls.NONE,
            "khong mat": cls.NONE,
            "mat": cls.MAT,
            "toi mat": cls.TOI_MAT,
            "tuyet mat": cls.TUYET_MAT,
        }
        key = normalize(text)
        if key in aliases:
            return aliases[key]
        raise ValueError(text)


class Role(models.TextChoices):
    """What an account is for; what each role may do is the table ``core.gate.GRANTS``."""

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


class Action(models.TextChoices):
    """What a user wants to do with rows: the gate's second argument."""

    VIEW = "view", _("xem")
    CHANGE = "change", _("sửa")
    OPEN_CASE = "open_case", _("mở hồ sơ thẩm tra")
    ASSIGN = "assign", _("phân công")
    REQUEST_VERIFICATION = "request_verification", _("đề nghị thẩm tra, xác minh")
    REPLY_AS_AGENCY = "reply_as_agency", _("trả lời với tư cách cơ quan phối hợp")
    SIGN_CONCLUSION = "sign_conclusion", _("ký kết luận")
    REGISTER_SECRET = "register_secret", _("đăng ký tài liệu mật")
    AUDIT = "audit", _("kiểm tra nhật ký")
    ADMINISTER = "administer", _("quản trị hệ thống")
