"""Identity checks: citizen ID (CCCD) numbers."""

from __future__ import annotations

import re

# The 3-digit place codes that start a CCCD number (the 63 provinces before 1-7-2025; numbers
# issued before the merger keep them).
CCCD_PLACE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)


_TWELVE_DIGITS = re.compile(r"[0-9]{12}")  # ASCII digits only ("²" and "٣" are digits too)


class CitizenIdError(ValueError):
    """A CCCD number that cannot be right; the message is Vietnamese and says why."""


def citizen_id_digits(value: str) -> str:
    """The 12 ASCII digits of a number written with or without spaces, or CitizenIdError."""
    number = "".join(value.split())
    if not _TWELVE_DIGITS.fullmatch(number):
        raise CitizenIdError(f"số CCCD “{value}” phải gồm đúng 12 chữ số")
    return number


def check_citizen_id(value: str, *, birth_year: int | None = None, sex: str | None = None) -> str:
    """Return the 12-digit number, or raise CitizenIdError.

    Digits 1–3: place code; digit 4: sex and century (0/1 = male/female born 1900–1999,
    2/3 = 2000–2099, 4/5 = 2100–2199); digits 5–6: the last two digits of the birth year.
    """
    number = citizen_id_digits(value)
    if number[:3] not in CCCD_PLACE_CODES:
        raise CitizenIdError(f"số CCCD “{number}”: mã nơi đăng ký {number[:3]} không tồn tại")
    code = int(number[3])
    if code > 5:
        raise CitizenIdError(f"số CCCD “{number}”: chữ số thứ 4 ({code}) không hợp lệ")
    century = 1900 + 100 * (code // 2)
    year = century + int(number[4:6])
    if birth_year is not None and birth_year != year:
        raise CitizenIdError(f"số CCCD “{number}” ứng với năm sinh {year}, không phải {birth_year}")
    if sex in ("M", "F") and ("M" if code % 2 == 0 else "F") != sex:
        raise CitizenIdError(f"số CCCD “{number}” không khớp giới tính đã khai")
    return number


def make_citizen_id(place: str, sex: str, birth_year: int, serial: int) -> str:
    """Build a well-formed number (for generated data and tests)."""
    if not 1900 <= birth_year <= 2199:
        raise ValueError(f"no CCCD century code for {birth_year}")
    code = 2 * ((birth_year - 1900) // 100) + (0 if sex == "M" else 1)
    return f"{place}{code}{birth_year % 100:02d}{serial % 1_000_000:06d}"
