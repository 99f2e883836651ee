"""Declared places and the 2025 administrative units (the ``vietnam-provinces`` package).

A person's place of birth and home town are kept as declared (text, often an old address);
the current unit is added where the text names one of today's wards unambiguously: "ward,
province" in two parts, the ward with or without its kind ("Xã", "Phường", "Đặc khu"), the
province with or without "Tỉnh"/"Thành phố". A three-part address ("xã ..., huyện ..., tỉnh
...") is a pre-2025 one: districts no longer exist and a same-named ward today need not be the
same place, so it is left unresolved rather than guessed (the package has no old-to-new table).
"""

from __future__ import annotations

from functools import lru_cache

from vietnam_provinces import Province, Ward

from bvct.core.text import normalize

WARD_KINDS = ("xa ", "phuong ", "dac khu ", "thi tran ")
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
        key = normalize(ward.name)
        # A name two wards of a province share resolves to neither: a bare "Tân Sơn" for a xã
        # and a phường, or even a whole name (provinces merged in 2025 brought namesakes).
        for name in (key, _strip(key, WARD_KINDS)):
            found = wards.setdefault((in_province, name), number)
            if found != number:
                wards[(in_province, name)] = AMBIGUOUS
        labels[number] = f"{ward.name}, {names[in_province]}"
    return provinces, wards, labels


def ward_of(text: str) -> int | None:
    """The 2025 ward code a declared place names, or None (not found, ambiguous, old form)."""
    parts = [normalize(part) for part in text.split(",")]
    parts = [part for part in parts if part]
    if len(parts) != 2:
        return None
    provinces, wards, _ = _units()
    province = provinces.get(_strip(parts[1], PROVINCE_KINDS))
    if province is None:
        return None
    found = wards.get((province, parts[0]))
    if found is None:
        found = wards.get((province, _strip(parts[0], WARD_KINDS)))
    return found if found is not None and found != AMBIGUOUS else None


def ward_label(code: int | None) -> str:
    """ "Xã Tân Sơn, Bắc Ninh" for a 2025 ward code; "" for None or a code not in the list."""
    return _units()[2].get(code, "") if code is not None else ""
