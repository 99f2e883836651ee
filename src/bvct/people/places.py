"""Declared places and the 2025 administrative units (the ``vietnam-provinces`` package).

A person's place of birth and home town are kept as declared (text, often an old address);
the current unit is added where the text names one of today's wards unambiguously: "ward,
province" in two parts, the ward with its kind ("Xã", "Phường", "Đặc khu") matching the unit's,
the province with or without "Tỉnh"/"Thành phố". Everything else is left unresolved rather than
guessed (the package has no old-to-new table): a three-part address ("xã ..., huyện ..., tỉnh
..."), since districts no longer exist and a same-named ward today need not be the same place;
a bare name ("Đống Đa, Hà Nội" is the old district as often as today's ward); a "Thị trấn"
(abolished in 2025); a name two wards of a province share.
"""

from __future__ import annotations

from functools import lru_cache

from vietnam_provinces import Province, Ward

from bvct.core.text import normalize

WARD_KINDS = ("xa ", "phuong ", "dac khu ")  # today's kinds; "thị trấn" was abolished
PROVINCE_KINDS = ("thanh pho ", "tinh ", "tp ")
AMBIGUOUS = -1


def _strip(key: str, kinds: tuple[str, ...]) -> str:
    for kind in kinds:
        if key.startswith(kind):
            return key[len(kind) :]
    return key


@lru_cache(maxsize=1)
def _units() -> tuple[dict[str, str], dict[tuple[str, str], int], dict[int, str]]:
    """(province key → code), ((province code, ward key) → ward code), (ward code → label)."""
    provinces: dict[str, str] = {}
    names: dict[str, str] = {}
    for province in Province.iter_all():
        code = str(province.code.value)
        provinces[_strip(normalize(province.name), PROVINCE_KINDS)] = code
        names[code] = province.name
    wards: dict[tuple[str, str], int] = {}
    labels: dict[int, str] = {}
    for ward in Ward.iter_all():
        number = int(ward.code.value)
        in_province = str(ward.province_code.value)
        key = (in_province, normalize(ward.name))
        # Provinces merged in 2025 brought namesakes (two "Xã Văn Lăng"): neither is chosen.
        wards[key] = number if wards.setdefault(key, number) == number else AMBIGUOUS
        labels[number] = f"{ward.name}, {names[in_province]}"
    return provinces, wards, labels


def ward_of(text: str) -> int | None:
    """The 2025 ward code a declared place names, or None (not found, ambiguous, old form)."""
    parts = [normalize(part) for part in text.split(",")]
    parts = [part for part in parts if part]
    if len(parts) != 2 or not parts[0].startswith(WARD_KINDS):
        return None
    provinces, wards, _ = _units()
    province = provinces.get(_strip(parts[1], PROVINCE_KINDS))
    if province is None:
        return None
    found = wards.get((province, parts[0]))
    return found if found is not None and found != AMBIGUOUS else None


def ward_label(code: int | None) -> str:
    """ "Xã Tân Sơn, Bắc Ninh" for a 2025 ward code; "" for None or a code not in the list."""
    return _units()[2].get(code, "") if code is not None else ""
