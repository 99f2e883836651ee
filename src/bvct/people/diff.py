"""What changed between two declarations of one person (the discrepancy view).

Relatives are matched by their person id (the same relative across versions), periods and
events by their position and dates; every difference that matters becomes one Change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FIELD_LABELS = {
    "full_name": "Họ và tên",
    "other_names": "Tên gọi khác",
    "sex": "Giới tính",
    "birth": "Ngày sinh",
    "death": "Ngày mất",
    "citizen_id": "Số CCCD",
    "birthplace": "Nơi sinh",
    "hometown": "Quê quán",
    "residence": "Nơi ở",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
    "nationality": "Quốc tịch",
    "party_card_no": "Số thẻ đảng viên",
    "occupation": "Nghề nghiệp",
    "education": "Trình độ",
    "relation": "Quan hệ",
    "political_history": "Lịch sử chính trị",
    "current_situation": "Chính trị hiện nay",
    "death_details": "Chi tiết khi mất",
    "birthplace_ward": "Đơn vị hành chính nơi sinh (mã 2025)",
    "hometown_ward": "Đơn vị hành chính quê quán (mã 2025)",
}
SECTIONS = {
    "history": "Quá trình công tác",
    "political_events": "Lịch sử chính trị",
    "foreign_ties": "Yếu tố nước ngoài",
}
# What the comparison page calls each part (the API keeps the keys).
SECTION_LABELS = {"identity": "Sơ yếu lý lịch", "relatives": "Thân nhân", **SECTIONS}


@dataclass(frozen=True)
class Change:
    section: str  # identity, relatives, history, political_events, foreign_ties
    kind: str  # added, removed, changed
    subject: str  # which item (a relative's name, a period)
    field: str  # which field ("" for a whole item)
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "kind": self.kind,
            "subject": self.subject,
            "field": self.field,
            "before": self.before,
            "after": self.after,
        }

    @property
    def field_label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    @property
    def section_label(self) -> str:
        return SECTION_LABELS.get(self.section, self.section)


def _fields(section: str, subject: str, a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    changes = []
    for key in sorted(set(a) | set(b)):
        if key == "person":
            continue
        before, after = a.get(key) or "", b.get(key) or ""
        if before != after:
            changes.append(Change(section, "changed", subject, key, before, after))
    return changes


def _period_key(item: dict[str, Any]) -> tuple[str, str, str]:
    return (item.get("kind", ""), item.get("from", ""), item.get("to", ""))


def _keyed(items: list[dict[str, Any]]) -> dict[tuple[str, str, str, int], dict[str, Any]]:
    """Periods by (kind, from, to, n-th such): two undated entries are two, not one."""
    seen: dict[tuple[str, str, str], int] = {}
    keyed = {}
    for item in items:
        key = _period_key(item)
        seen[key] = seen.get(key, 0) + 1
        keyed[(*key, seen[key])] = item
    return keyed


def declaration_diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every difference between two declaration contents (cleaned by clean_content)."""
    changes = _fields("identity", "", old.get("identity", {}), new.get("identity", {}))
    old_rel = {r["person"]: r for r in old.get("relatives", []) if r.get("person")}
    new_rel = {r["person"]: r for r in new.get("relatives", []) if r.get("person")}
    for person, item in old_rel.items():
        if person not in new_rel:
            changes.append(Change("relatives", "removed", item["full_name"], "", item, None))
    for person, item in new_rel.items():
        if person not in old_rel:
            changes.append(Change("relatives", "added", item["full_name"], "", None, item))
        else:
            changes += _fields("relatives", item["full_name"], old_rel[person], item)
    for new_item in new.get("relatives", []):
        if not new_item.get("person"):
            changes.append(Change("relatives", "added", new_item["full_name"], "", None, new_item))
    for section in SECTIONS:
        before = _keyed(old.get(section, []))
        after = _keyed(new.get(section, []))
        # An entry whose dates alone were corrected (same kind, same text) is one entry
        # changed, not one no longer declared and another added.
        added = {key: item for key, item in after.items() if key not in before}
        for key, item in before.items():
            if key in after:
                if after[key] != item:
                    changes += _fields(section, _label(key, item), item, after[key])
                continue
            redated = next(
                (k for k, a in added.items() if (a.get("kind"), a.get("text")) == (
                    item.get("kind"), item.get("text"))),
                None,
            )  # fmt: skip
            if redated is None:
                changes.append(Change(section, "removed", _label(key, item), "", item, None))
            else:
                changes += _fields(section, _label(redated, item), item, added.pop(redated))
        for key, item in added.items():
            changes.append(Change(section, "added", _label(key, item), "", None, item))
    return changes


def _label(key: tuple[str, str, str, int], item: dict[str, Any]) -> str:
    """A period named by its dates (else the start of its text)."""
    return " – ".join(p for p in key[1:3] if p) or item.get("text", "")[:40]
