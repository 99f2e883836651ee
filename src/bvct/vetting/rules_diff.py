"""A rule pack in words, and what changed between two versions: what the rule pack pages show
(the pack's data keeps codes; pages show labels)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Classification
from bvct.vetting.constants import (
    DECISION_KINDS,
    TIERS,
    CompetentBody,
    Outcome,
    Requirement,
    Stage,
)
from bvct.vetting.rules import SECTIONS

FIELD_LABELS: dict[str, Any] = {
    "when": _("Điều kiện"),
    "codes": _("Quan hệ được thẩm tra"),
    "months": _("Số tháng có giá trị"),
    "days": _("Số ngày làm việc"),
    "complex_days": _("Số ngày khi phức tạp hoặc do khiếu nại, tố cáo"),
    "body": _("Cấp ủy có thẩm quyền"),
    "covers": _("Dùng được cho quyết định"),
    "barred_tiers": _("Không được bố trí chức vụ cấp"),
    "barred_management_tiers": _("Không được giữ chức vụ lãnh đạo, quản lý cấp"),
    "barred_decision_kinds": _("Không được xem xét"),
    "max_clearance": _("Vị trí trọng yếu, cơ mật yêu cầu tối đa mức"),
    "name": _("Tên"),
    "numerator": _("Tử số"),
    "denominator": _("Mẫu số"),
    "source": _("Nguồn"),
    "to_confirm": _("Mặc định cần xác nhận"),
}
KEY_FIELDS = {"decision_kind", "stage", "tier", "outcome", "code"}


@dataclass(frozen=True)
class Item:
    """One rule of a section, in words: its name and its (label, value) pairs."""

    key: str
    label: str
    values: list[tuple[str, str]]
    to_confirm: bool
    source: str


@dataclass(frozen=True)
class Change:
    section: str
    item: str
    field: str
    before: str
    after: str


def _kinds(codes: Any) -> str:
    return "; ".join(str(DECISION_KINDS.get(c, c)) for c in codes or []) or "—"


def _tiers(codes: Any) -> str:
    return "; ".join(str(TIERS.get(c, c)) for c in codes or []) or "—"


def value_text(field: str, value: Any, relation_names: dict[str, str] | None = None) -> str:
    """A rule's value as a page shows it."""
    if value is None and field == "max_clearance":
        return gettext("Không giới hạn")
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if field == "when" and value in Requirement.values:
        return str(Requirement(value).label)
    if field == "body":
        return str(CompetentBody(value).label) if value in CompetentBody.values else str(value)
    if field in ("barred_tiers", "barred_management_tiers"):
        return _tiers(value)
    if field == "barred_decision_kinds":
        return _kinds(value)
    if field == "max_clearance" and value in Classification.values:
        return str(Classification(value).label)
    if field == "codes":
        names = relation_names or {}
        return "; ".join(names.get(c, c) for c in value or []) or "—"
    return "—" if value in (None, "") else str(value)


def _label(section: str, key: str, item: dict[str, Any]) -> str:
    if section in ("conclusion_required", "validity"):
        return str(DECISION_KINDS.get(key, key))
    if section == "deadlines":
        return str(Stage(key).label) if key in Stage.values else key
    if section == "outcomes":
        return str(Outcome(key).label) if key in Outcome.values else key
    if section == "issue_categories":
        return str(item.get("name") or key)
    if section == "verified_relations":
        return gettext("Thân nhân được thẩm tra")
    if section == "committee":
        names = {
            "quorum": gettext("Số thành viên dự tối thiểu"),
            "passing": gettext("Số phiếu tán thành"),
        }
        return names.get(key, key)
    if key == "default":
        return gettext("Mặc định (quyết định không gắn chức vụ)")
    kind, _, code = key.partition(":")
    if kind == "tier":
        return gettext("Chức vụ %(tier)s") % {"tier": str(TIERS.get(code, code)).lower()}
    return gettext("Quyết định “%(kind)s”") % {"kind": DECISION_KINDS.get(code, code)}


def section_items(section: str, value: Any) -> dict[str, dict[str, Any]]:
    """A section's rules by a key that stays the same across versions."""
    if section == "verified_relations":
        return {"relations": value} if isinstance(value, dict) else {}
    if section == "committee":
        return dict(value) if isinstance(value, dict) else {}
    if section == "competent_body":
        value = value if isinstance(value, dict) else {}
        found: dict[str, dict[str, Any]] = {}
        if isinstance(value.get("default"), dict):
            found["default"] = value["default"]
        for item in value.get("by_tier") or []:
            found[f"tier:{item.get('tier')}"] = item
        for item in value.get("by_decision_kind") or []:
            found[f"kind:{item.get('decision_kind')}"] = item
        return found
    key = {
        "conclusion_required": "decision_kind",
        "validity": "decision_kind",
        "deadlines": "stage",
        "outcomes": "outcome",
        "issue_categories": "code",
    }[section]
    return {str(item.get(key)): item for item in value or [] if isinstance(item, dict)}


def _fields(item: dict[str, Any]) -> list[str]:
    return [f for f in FIELD_LABELS if f in item and f not in KEY_FIELDS]


def pack_sections(
    data: dict[str, Any], relation_names: dict[str, str] | None = None
) -> list[tuple[str, str, list[Item]]]:
    """Every section of a pack in words: (section, title, items)."""
    shown = []
    for section, title in SECTIONS.items():
        items = []
        for key, item in section_items(section, data.get(section)).items():
            values = [
                (str(FIELD_LABELS[f]), value_text(f, item.get(f), relation_names))
                for f in _fields(item)
                if f not in ("source", "to_confirm")
            ]
            items.append(
                Item(
                    key=key,
                    label=_label(section, key, item),
                    values=values,
                    to_confirm=bool(item.get("to_confirm")),
                    source=str(item.get("source", "")),
                )
            )
        shown.append((section, str(title), items))
    return shown


def pack_changes(
    old: dict[str, Any], new: dict[str, Any], relation_names: dict[str, str] | None = None
) -> list[Change]:
    """What ``new`` changes from ``old``, rule by rule and field by field."""
    changes: list[Change] = []
    for section, title in SECTIONS.items():
        before = section_items(section, old.get(section))
        after = section_items(section, new.get(section))
        for key in [*before, *(k for k in after if k not in before)]:
            a, b = before.get(key), after.get(key)
            label = _label(section, key, b or a or {})
            if a is None or b is None:
                changes.append(
                    Change(
                        str(title),
                        label,
                        "",
                        "—" if a is None else gettext("Có"),
                        "—" if b is None else gettext("Có"),
                    )
                )
                continue
            for f in dict.fromkeys([*_fields(a), *_fields(b)]):
                if a.get(f) != b.get(f):
                    changes.append(
                        Change(
                            str(title),
                            label,
                            str(FIELD_LABELS[f]),
                            value_text(f, a.get(f), relation_names),
                            value_text(f, b.get(f), relation_names),
                        )
                    )
    return changes


def relation_names() -> dict[str, str]:
    from bvct.people.models import RelationKind

    return dict(RelationKind.objects.values_list("code", "name"))
