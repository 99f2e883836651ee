"""Enums used across apps."""

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


class Action(models.TextChoices):
    """What a user wants to do with rows; the gate's second argument."""

    VIEW = "view", _("xem")
    CHANGE = "change", _("sửa")
