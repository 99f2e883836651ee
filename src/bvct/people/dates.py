"""Partial dates: a year, a month and year, or a full date, as lý lịch entries are written.

Relatives' dates are often only a year, so comparisons use the earliest and latest day a
partial date can mean: "1975" < "03/1976" for sure, but "1975" vs "05/1975" is undecided.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PATTERNS = [
    (re.compile(r"^(\d{4})$"), ("y",)),
    (re.compile(r"^(\d{1,2})[/.-](\d{4})$"), ("m", "y")),
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
]
MIN_YEAR, MAX_YEAR = 1850, 2100


class PartialDateError(ValueError):
    """A date that cannot be read; the message is Vietnamese and says why."""


@dataclass(frozen=True, order=False)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PartialDateError(f"năm {self.year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}")
        if self.month is None and self.day is not None:
            raise PartialDateError("có ngày nhưng thiếu tháng")
        if self.month is not None and not 1 <= self.month <= 12:
            raise PartialDateError(f"tháng {self.month} không hợp lệ")
        if self.day is not None:
            assert self.month is not None
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise PartialDateError(
                    f"ngày {self.day} không có trong tháng {self.month}/{self.year}"
                )

    @classmethod
    def parse(cls, text: str | None) -> PartialDate | None:
        """'1975', '5/1975', '12/05/1975' (dd/mm/yyyy) or '1975-05-12'; '' gives None."""
        if text is None:
            return None
        raw = str(text).strip()
        if not raw:
            return None
        for pattern, order in _PATTERNS:
            match = pattern.match(raw)
            if match:
                parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
                return cls(parts["y"], parts.get("m"), parts.get("d"))
        raise PartialDateError(
            f"“{raw}” không phải ngày hợp lệ (viết yyyy, mm/yyyy hoặc dd/mm/yyyy)"
        )

    @classmethod
    def from_parts(cls, year: int | None, month: int | None, day: int | None) -> PartialDate | None:
        return cls(year, month, day) if year is not None else None

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def surely_before(self, other: PartialDate) -> bool:
        return self.latest() < other.earliest()

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.day:02d}/{self.month:02d}/{self.year}"
        if self.month is not None:
            return f"{self.month:02d}/{self.year}"
        return str(self.year)
