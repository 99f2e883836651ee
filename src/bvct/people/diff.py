"""What changed between two declarations of one person (the discrepancy view).

Relatives are matched by their person id (the same relative across versions), periods and
events by their position and dates; every difference that matters becomes one Change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bvct.people.declarations import EVENT_KINDS, FOREIGN_KINDS

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
ENTRY_LABELS = {"from": "Từ", "to": "Đến", "text": "Nội dung", "kind": "Loại", "country": "Nước",
                "person": "Mã người", "relation": "Quan hệ"}  # fmt: skip
_PATH = re.compile(
    r"^(?P<section>[a-z_]+)(?:\[(?P<n>[0-9]+)\](?P<who> \(.*\))?)?(?:\.(?P<field>[a-z_]+))?$"
)


def path_parts(path: str) -> tuple[str, int | None, str] | None:
    """An error's path as (section, item number from 1 or None, field or ""):
    "relatives[5] (Lê Xuân Minh).birth" is ("relatives", 5, "birth"); None if no section."""
    match = _PATH.match(path)
    if match is None or match["section"] not in SECTION_LABELS:
        return None
    return match["section"], int(match["n"]) if match["n"] else None, match["field"] or ""


def path_label(path: str) -> str:
    """How the page names an error's path: "relatives[5] (Lê Xuân Minh).birth" is
    "Thân nhân thứ 5 (Lê Xuân Minh) › Ngày sinh" (the API keeps the path itself)."""
    match = _PATH.match(path)
    if match is None or match["section"] not in SECTION_LABELS:
        return path
    parts = [SECTION_LABELS[match["section"]]]
    if match["n"]:
        parts[0] += f" thứ {match['n']}{match['who'] or ''}"
    if match["field"]:
        field = match["field"]
        parts.append(FIELD_LABELS.get(field) or ENTRY_LABELS.get(field, field))
    return " › ".join(parts)


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

    def shown(self, relations: dict[str, str]) -> tuple[str, str]:
        """The two sides as the comparison page writes them: words, not codes (Nam, not M;
        the relation's name), and a whole entry added or removed by what identifies it."""
        before = _shown(self.field, self.before, relations)
        return before, _shown(self.field, self.after, relations)


def _shown(field: str, value: Any, relations: dict[str, str]) -> str:
    if value in ("", None):
        return "—"
    if field == "sex":
        return {"M": "Nam", "F": "Nữ"}.get(value, value)
    if field == "relation":
        return relations.get(value, value)
    if field == "kind":
        return {**EVENT_KINDS, **FOREIGN_KINDS}.get(value, value)
    if field or not isinstance(value, dict):
        return str(value)
    if "full_name" in value:  # a relative
        born = f", sinh {value['birth']}" if value.get("birth") else ""
        relation = relations.get(value.get("relation") or "", value.get("relation") or "")
        return f"{value['full_name']} ({relation}{born})"
    when = "–".join(part for part in (value.get("from"), value.get("to")) if part)
    kind = {**EVENT_KINDS, **FOREIGN_KINDS}.get(value.get("kind") or "", "")
    where = value.get("country") or ""
    head = ", ".join(part for part in (kind, where, when) if part)
    return f"{head}: {value.get('text', '')}" if head else str(value.get("text", ""))


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
        changes += _period_changes(section, old.get(section, []), new.get(section, []))
    return changes


DATES = ("from", "to")


def _period_changes(
    section: str, old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> list[Change]:
    """Pair the entries of two versions of a list of periods, then list what differs.

    In order: entries declared exactly alike are the same; then an entry of the same kind and
    dates (the n-th such) is the same entry, its other fields changed; then one alike in every
    field but its dates is the same entry redated (preferring one that keeps a start or end
    date). What is left was no longer declared, or added."""
    before, after = list(old), list(new)
    for item in list(before):
        if item in after:
            after.remove(item)
            before.remove(item)
    changes: list[Change] = []
    keyed_after = _keyed(after)
    unmatched: list[tuple[tuple[str, str, str, int], dict[str, Any]]] = []
    for key, item in _keyed(before).items():
        if key in keyed_after:
            changes += _fields(section, _label(key, item), item, keyed_after.pop(key))
        else:
            unmatched.append((key, item))
    # Redated: first those that keep a start or end date, then any alike.
    for keeps_a_date in (True, False):
        still: list[tuple[tuple[str, str, str, int], dict[str, Any]]] = []
        for key, item in unmatched:
            redated = next(
                (
                    k
                    for k, a in keyed_after.items()
                    if _undated(a) == _undated(item)
                    and (
                        not keeps_a_date
                        or any(item.get(d) and a.get(d) == item.get(d) for d in DATES)
                    )
                ),
                None,
            )
            if redated is None:
                still.append((key, item))
            else:
                entry = keyed_after.pop(redated)
                changes += _fields(section, _label(redated, entry), item, entry)
        unmatched = still
    for key, item in unmatched:
        changes.append(Change(section, "removed", _label(key, item), "", item, None))
    for key, item in keyed_after.items():
        changes.append(Change(section, "added", _label(key, item), "", None, item))
    return changes


def _undated(item: dict[str, Any]) -> dict[str, Any]:
    """Every field but the dates, empty ones left out (as _fields treats them: no value)."""
    return {field: value for field, value in item.items() if field not in DATES and value}


def _label(key: tuple[str, str, str, int], item: dict[str, Any]) -> str:
    """A period named by its dates (else the start of its text)."""
    return " – ".join(p for p in key[1:3] if p) or item.get("text", "")[:40]
