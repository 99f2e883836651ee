"""What a dossier holds that needs checking (the appraisal's list), computed from its current
declaration, the one before it, its persons and their confirmed links to other dossiers.

BVCT judges nobody (DOMAIN.md §1): these items only point the officer at what the declaration
says; the officer records findings.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_noop

from bvct.core.errors import ValidationFailed
from bvct.core.gate import SYSTEM
from bvct.people.constants import DeclarationStatus, LinkStatus
from bvct.people.declarations import EVENT_KINDS, FOREIGN_KINDS
from bvct.people.diff import declaration_diff
from bvct.people.models import Declaration, Dossier, Person, PersonLink
from bvct.vetting.rules import Rules

# Item kinds (codes in the stored JSON; labels for pages and the appraisal report). Kept in
# Vietnamese here (the report is a Vietnamese document); pages translate them at display.
ITEM_LABELS = {
    "POLITICAL_HISTORY": gettext_noop("Lịch sử chính trị đã khai"),
    "FOREIGN_TIE": gettext_noop("Yếu tố nước ngoài đã khai"),
    "RELATIVE": gettext_noop("Thân nhân thuộc diện thẩm tra"),
    "DECLARATION_CHANGE": gettext_noop("Khác nhau giữa các bản khai"),
    "LINKED_MISMATCH": gettext_noop("Không khớp với hồ sơ có liên kết"),
}

# Foreign ties that are an issue to declare (a short trip is not).
ISSUE_FOREIGN = frozenset({"STAY", "FOREIGN_SPOUSE", "FOREIGN_ORG"})

# Person fields compared across a confirmed link.
_COMPARED = (
    ("full_name", "họ và tên"),
    ("birth_year", "năm sinh"),
    ("hometown_norm", "quê quán"),
    ("citizen_id", "số CCCD"),
)


def current_declaration(dossier: Dossier | int) -> Declaration | None:
    return (
        Declaration.objects.filter(
            dossier_id=getattr(dossier, "pk", dossier), status=DeclarationStatus.SUBMITTED
        )
        .only("id", "number", "content", "submitted_at", "dossier_id")
        .first()
    )


def declared_issue(content: dict[str, Any] | None) -> bool:
    """Whether the declaration itself declares a political issue: a political event (arrest,
    work for the former regime, an organisation joined, an interruption of party activity) or
    a foreign tie beyond a trip (a long stay, a foreign spouse, a foreign organisation)."""
    if not content:
        return False
    if content.get("political_events"):
        return True
    return any(t.get("kind") in ISSUE_FOREIGN for t in content.get("foreign_ties") or [])


def _period(item: dict[str, Any]) -> str:
    start, end = item.get("from") or "", item.get("to") or ""
    if start and end:
        return f"{start}–{end}"
    return start or end


def appraisal_items(dossier: Dossier, rules: Rules, *, user: Any = SYSTEM) -> list[dict[str, Any]]:
    """The list, each item ``{"kind", "person" (public id), "person_name", "text", "ref"}``
    (``ref`` points into the declaration, e.g. ``political_events[1]``). Linked dossiers are
    compared only where ``user`` may see them (the list tells nothing of the others)."""
    items: list[dict[str, Any]] = []
    persons = list(
        Person.objects.filter(dossier=dossier)
        .select_related("relation")
        .order_by("-is_subject", "id")
    )
    subject = next((p for p in persons if p.is_subject), None)
    declaration = current_declaration(dossier)
    content = declaration.content if declaration else {}

    def add(kind: str, person: Person | None, text: str, ref: str = "") -> None:
        items.append(
            {
                "kind": kind,
                "person": str(person.public_id) if person else None,
                "person_name": person.full_name if person else "",
                "text": text,
                "ref": ref,
            }
        )

    for i, event in enumerate(content.get("political_events") or [], start=1):
        label = EVENT_KINDS.get(event.get("kind", ""), "Sự kiện chính trị")
        when = _period(event)
        add(
            "POLITICAL_HISTORY",
            subject,
            f"{label}{f' ({when})' if when else ''}: {event.get('text', '')}",
            f"political_events[{i}]",
        )
    for i, tie in enumerate(content.get("foreign_ties") or [], start=1):
        label = FOREIGN_KINDS.get(tie.get("kind", ""), "Yếu tố nước ngoài")
        where = tie.get("country") or ""
        when = _period(tie)
        bits = ", ".join(b for b in (where, when) if b)
        add(
            "FOREIGN_TIE",
            subject,
            f"{label}{f' ({bits})' if bits else ''}: {tie.get('text', '')}",
            f"foreign_ties[{i}]",
        )
    verified = rules.verified_relations
    declared_rel = {
        (r.get("person") or ""): (i, r)
        for i, r in enumerate(content.get("relatives") or [], start=1)
    }
    for person in persons:
        if person.is_subject or not person.declared or person.relation is None:
            continue
        if person.relation.code not in verified:
            continue
        i, entry = declared_rel.get(str(person.public_id), (0, {}))
        said = "; ".join(
            f"{word}: {entry[key]}"
            for key, word in (
                ("political_history", "lịch sử chính trị"),
                ("current_situation", "chính trị hiện nay"),
                ("nationality", "quốc tịch"),
                ("residence", "nơi ở"),
            )
            if entry.get(key)
        )
        add(
            "RELATIVE",
            person,
            f"{person.relation.name}: {person.full_name}" + (f" ({said})" if said else ""),
            f"relatives[{i}]" if i else "",
        )
    if declaration is not None and declaration.number > 1:
        earlier = (
            Declaration.objects.filter(dossier=dossier, number=declaration.number - 1)
            .only("content")
            .first()
        )
        if earlier is not None:
            for change in declaration_diff(earlier.content, declaration.content):
                before, after = change.shown({})
                what = f"{change.section_label}: {change.subject}"
                if change.field:
                    what += f", {change.field_label}"
                add(
                    "DECLARATION_CHANGE",
                    subject,
                    f"{what} (bản {earlier.number}: “{before or '—'}”; bản {declaration.number}: "
                    f"“{after or '—'}”)",
                    change.section,
                )
    items.extend(_linked_mismatches(persons, user))
    return items


def refuse_unexplained_nothing_found(
    items: list[dict[str, Any]], nothing_found: bool, note: str
) -> None:
    """Recording "nothing found" while the dossier holds items that need checking asks for an
    explicit confirmation: the note says why none of them needs verifying."""
    if nothing_found and items and not " ".join(str(note or "").split()):
        raise ValidationFailed(
            f"Hồ sơ có {len(items)} nội dung cần kiểm tra (liệt kê ở trên): để ghi là không "
            "có vấn đề cần thẩm tra, xác minh, hãy ghi rõ vì sao không nội dung nào cần "
            "thẩm tra, xác minh.",
            field="note",
        )


def _linked_mismatches(persons: list[Person], user: Any) -> list[dict[str, Any]]:
    """Persons of this dossier confirmed as the same human as a person of another dossier,
    whose declared identity differs there."""
    by_id = {p.pk: p for p in persons}
    if not by_id:
        return []
    links = PersonLink.objects.filter(
        Q(person_a_id__in=by_id) | Q(person_b_id__in=by_id), status=LinkStatus.CONFIRMED
    ).values_list("person_a_id", "person_b_id")
    pairs = [(a, b) if a in by_id else (b, a) for a, b in links]
    others = {
        p.pk: p
        for p in Person.objects.visible_to(user)
        .filter(pk__in=[o for _, o in pairs])
        .exclude(dossier_id=persons[0].dossier_id)
    }
    found: list[dict[str, Any]] = []
    for mine, other_id in pairs:
        other = others.get(other_id)
        if other is None:
            continue
        here = by_id[mine]
        diffs = [
            f"{word}: “{getattr(here, f) or '—'}” / “{getattr(other, f) or '—'}”"
            for f, word in _COMPARED
            if getattr(here, f) and getattr(other, f) and getattr(here, f) != getattr(other, f)
        ]
        if diffs:
            found.append(
                {
                    "kind": "LINKED_MISMATCH",
                    "person": str(here.public_id),
                    "person_name": here.full_name,
                    "text": f"{here.full_name} khai khác ở hồ sơ có liên kết: " + "; ".join(diffs),
                    "ref": "",
                }
            )
    return found
