"""Reading a declaration (lý lịch) into clean content, with every error named by its path.

The stored content is JSON in one shape (below); everything that enters it, from a form, the
API or an import, goes through :func:`clean_content`, so a submitted version is always valid.

    {"identity": {...}, "history": [...], "political_events": [...], "foreign_ties": [...],
     "relatives": [{"person": uuid|null, "relation": code, "full_name": ..., "birth": ...}]}
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bvct.core.errors import ServiceError
from bvct.core.text import normalize
from bvct.people.constants import SEX_WORDS
from bvct.people.dates import PartialDate, PartialDateError
from bvct.people.identity import CitizenIdError, check_citizen_id
from bvct.people.places import ward_label, ward_of

IDENTITY_TEXT = (
    "other_names",
    "birthplace",
    "hometown",
    "residence",
    "ethnicity",
    "religion",
    "nationality",
    "party_card_no",
    "occupation",
    "education",
)
RELATIVE_TEXT = (
    "birthplace",
    "hometown",
    "residence",
    "occupation",
    "religion",
    "ethnicity",
    "nationality",
    "political_history",
    "current_situation",
    "death_details",
)
EVENT_KINDS = {
    "ARREST": "Bị bắt, bị tù",
    "FORMER_REGIME": "Làm việc trong chế độ cũ",
    "ORGANISATION": "Tham gia tổ chức",
    "PARTY_INTERRUPTION": "Gián đoạn sinh hoạt đảng",
}
FOREIGN_KINDS = {
    "TRIP": "Đi nước ngoài",
    "STAY": "Ở nước ngoài từ 3 tháng trở lên",
    "RELATIVE_ABROAD": "Thân nhân ở nước ngoài",
    "FOREIGN_SPOUSE": "Vợ/chồng là người nước ngoài",
    "FOREIGN_ORG": "Quan hệ với tổ chức nước ngoài",
}
MAX_TEXT = 2000
# Text stored in a person's own columns is limited to their size (the page's forms and the
# import check the same sizes; a test holds these to the model); the rest to MAX_TEXT.
TEXT_LIMITS = {
    "full_name": 200, "other_names": 200, "party_card_no": 20, "birthplace": 300,
    "hometown": 300, "residence": 300, "ethnicity": 50, "religion": 50, "nationality": 50,
    "occupation": 200,
}  # fmt: skip


@dataclass
class ContentErrors:
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.items.append((path, message))


class DeclarationInvalid(ServiceError):
    """The declaration has errors; ``errors`` lists (path, message) for every one of them."""

    code = "invalid_declaration"

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        summary = "; ".join(f"{path}: {message}" for path, message in errors[:5])
        more = f" (và {len(errors) - 5} lỗi khác)" if len(errors) > 5 else ""
        super().__init__(f"Bản khai chưa hợp lệ: {summary}{more}.", field=errors[0][0])
        self.errors = errors


def _text(raw: Any, path: str, errors: ContentErrors, *, required: bool = False) -> str:
    value = "" if raw is None else str(raw).strip()
    if "\x00" in value:
        errors.add(path, "có ký tự không hợp lệ (NUL)")
        value = value.replace("\x00", "")
    if required and not value:
        errors.add(path, "không được để trống")
    limit = TEXT_LIMITS.get(path.rsplit(".", 1)[-1], MAX_TEXT)
    if len(value) > limit:
        errors.add(path, f"dài quá {limit} ký tự")
    return value[:limit]


def _date(raw: Any, path: str, errors: ContentErrors, *, past: str = "") -> PartialDate | None:
    """A partial date; with ``past`` (what it is: "ngày sinh", "ngày mất"), never one after
    today."""
    try:
        date = PartialDate.parse(None if raw is None else str(raw))
    except PartialDateError as exc:
        errors.add(path, str(exc))
        return None
    if past and date is not None and date.earliest() > dt.date.today():
        errors.add(path, f"{past} ({date}) ở tương lai")
    return date


def _sex(raw: Any, path: str, errors: ContentErrors) -> str:
    value = _text(raw, path, errors)
    if not value:
        return ""
    key = normalize(value)
    if key not in SEX_WORDS:
        errors.add(path, f"giới tính “{value}” không hợp lệ (Nam hoặc Nữ)")
        return ""
    return SEX_WORDS[key]


def _citizen_id(
    raw: Any, path: str, errors: ContentErrors, birth: PartialDate | None, sex: str
) -> str | None:
    value = _text(raw, path, errors)
    if not value:
        return None
    try:
        return check_citizen_id(value, birth_year=birth.year if birth else None, sex=sex or None)
    except CitizenIdError as exc:
        errors.add(path, str(exc))
        return None


def _ward(raw: Mapping[str, Any], place: str, errors: ContentErrors) -> int | None:
    """The 2025 ward of a declared place: the one its text names (see places.py); a code given
    with it must be a ward of the list and, when the text names one, that one. A code is how
    an officer records today's unit of an old address the text cannot resolve."""
    resolved = ward_of(str(raw.get(place) or ""))
    value = raw.get(f"{place}_ward")
    text = "" if value is None else str(value).strip()
    if not text:
        return resolved
    path = f"identity.{place}_ward"
    code = int(text) if re.fullmatch(r"[0-9]{1,6}", text) else None
    if code is None or not ward_label(code):
        errors.add(path, f"mã đơn vị hành chính “{text}” không có trong danh mục năm 2025")
        return resolved
    if resolved is not None and code != resolved:
        errors.add(
            path,
            f"mã {code} ({ward_label(code)}) không khớp nơi đã khai, là {ward_label(resolved)}",
        )
        return resolved
    return code


def _periods(
    raw: Any, path: str, errors: ContentErrors, kinds: Mapping[str, str] | None
) -> list[dict[str, Any]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors.add(path, "phải là một danh sách")
        return []
    result = []
    for i, item in enumerate(raw):
        here = f"{path}[{i + 1}]"
        if not isinstance(item, Mapping):
            errors.add(here, "phải là một mục có các trường")
            continue
        start = _date(item.get("from"), f"{here}.from", errors)
        end = _date(item.get("to"), f"{here}.to", errors)
        if start and end and end.surely_before(start):
            errors.add(here, f"kết thúc ({end}) trước khi bắt đầu ({start})")
        entry: dict[str, Any] = {
            "from": str(start) if start else "",
            "to": str(end) if end else "",
            "text": _text(item.get("text"), f"{here}.text", errors, required=True),
        }
        if kinds is not None:
            kind = str(item.get("kind", "")).strip().upper()
            if kind not in kinds:
                errors.add(f"{here}.kind", f"loại “{kind}” không hợp lệ ({', '.join(kinds)})")
            entry["kind"] = kind
            entry["country"] = _text(item.get("country"), f"{here}.country", errors)
        result.append(entry)
    return result


def clean_content(raw: Any, *, relation_kinds: Mapping[str, int]) -> dict[str, Any]:
    """Validate and normalise a declaration; raise DeclarationInvalid listing every error.

    ``relation_kinds`` maps relation codes to their generation (+1 parents, -1 children...),
    used to check that a parent was born before the person and a child after.
    """
    errors = ContentErrors()
    if not isinstance(raw, Mapping):
        raise DeclarationInvalid([("", "bản khai phải là một đối tượng JSON")])
    ident_raw = raw.get("identity") or {}
    if not isinstance(ident_raw, Mapping):
        raise DeclarationInvalid([("identity", "phải là một đối tượng")])
    birth = _date(ident_raw.get("birth"), "identity.birth", errors, past="ngày sinh")
    if birth is None and "identity.birth" not in {p for p, _ in errors.items}:
        errors.add("identity.birth", "cần ngày sinh (ít nhất năm sinh)")
    death = _date(ident_raw.get("death"), "identity.death", errors, past="ngày mất")
    sex = _sex(ident_raw.get("sex"), "identity.sex", errors)
    identity: dict[str, Any] = {
        "full_name": _text(ident_raw.get("full_name"), "identity.full_name", errors, required=True),
        "sex": sex,
        "birth": str(birth) if birth else "",
        "death": str(death) if death else "",
        "citizen_id": _citizen_id(
            ident_raw.get("citizen_id"), "identity.citizen_id", errors, birth, sex
        ),
    }
    if birth and death and death.surely_before(birth):
        errors.add("identity.death", f"ngày mất ({death}) trước ngày sinh ({birth})")
    for name in IDENTITY_TEXT:
        identity[name] = _text(ident_raw.get(name), f"identity.{name}", errors)
    for place in ("birthplace", "hometown"):
        identity[f"{place}_ward"] = _ward(ident_raw, place, errors)

    relatives = []
    raw_relatives = raw.get("relatives") or []
    if not isinstance(raw_relatives, list):
        errors.add("relatives", "phải là một danh sách")
        raw_relatives = []
    seen_ids: set[str] = set()
    # One citizen ID is one person: twice in one declaration is a typing error.
    citizen_ids = {identity["citizen_id"]: "người khai"} if identity["citizen_id"] else {}
    for i, item in enumerate(raw_relatives):
        here = f"relatives[{i + 1}]"
        if not isinstance(item, Mapping):
            errors.add(here, "phải là một mục có các trường")
            continue
        name = _text(item.get("full_name"), f"{here}.full_name", errors, required=True)
        label = f"{here} ({name})" if name else here
        relation = str(item.get("relation", "")).strip().lower()
        if relation not in relation_kinds:
            errors.add(f"{label}.relation", f"quan hệ “{relation}” không có trong danh mục")
        r_birth = _date(item.get("birth"), f"{label}.birth", errors, past="ngày sinh")
        r_death = _date(item.get("death"), f"{label}.death", errors, past="ngày mất")
        if r_birth and r_death and r_death.surely_before(r_birth):
            errors.add(f"{label}.death", f"ngày mất ({r_death}) trước ngày sinh ({r_birth})")
        generation = relation_kinds.get(relation)
        # Surely: a parent born the same year (or day) as the person is refused too.
        if birth and r_birth and generation:
            if generation > 0 and not r_birth.surely_before(birth):
                errors.add(
                    f"{label}.birth",
                    f"sinh {r_birth}, không trước người khai ({birth}): bậc trên phải sinh trước",
                )
            if generation < 0 and not birth.surely_before(r_birth):
                errors.add(
                    f"{label}.birth",
                    f"sinh {r_birth}, không sau người khai ({birth}): con phải sinh sau",
                )
        person = item.get("person")
        if person:
            try:
                person = str(uuid.UUID(str(person)))
            except ValueError:
                errors.add(f"{label}.person", "mã định danh không hợp lệ")
                person = None
            if person in seen_ids:
                errors.add(f"{label}.person", "thân nhân này đã có ở trên")
            seen_ids.add(str(person))
        r_sex = _sex(item.get("sex"), f"{label}.sex", errors)
        entry: dict[str, Any] = {
            "person": person or None,
            "relation": relation,
            "full_name": name,
            "sex": r_sex,
            "birth": str(r_birth) if r_birth else "",
            "death": str(r_death) if r_death else "",
            "citizen_id": _citizen_id(
                item.get("citizen_id"), f"{label}.citizen_id", errors, r_birth, r_sex
            ),
        }
        for key in RELATIVE_TEXT:
            entry[key] = _text(item.get(key), f"{label}.{key}", errors)
        number = entry["citizen_id"]
        if number and number in citizen_ids:
            errors.add(f"{label}.citizen_id", f"số CCCD {number} trùng với {citizen_ids[number]}")
        elif number:
            citizen_ids[number] = name or here
        relatives.append(entry)
    content = {
        "identity": identity,
        "history": _periods(raw.get("history"), "history", errors, None),
        "political_events": _periods(
            raw.get("political_events"), "political_events", errors, EVENT_KINDS
        ),
        "foreign_ties": _periods(raw.get("foreign_ties"), "foreign_ties", errors, FOREIGN_KINDS),
        "relatives": relatives,
    }
    if errors.items:
        raise DeclarationInvalid(errors.items)
    return content
