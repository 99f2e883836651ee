from __future__ import annotations

from django import template

from bvct.core.text import normalize
from bvct.people.declarations import EVENT_KINDS, FOREIGN_KINDS
from bvct.people.models import Person
from bvct.people.places import ward_label

register = template.Library()


@register.filter
def born(person: Person) -> str:
    return str(person.birth) if person.birth else "—"


@register.filter
def died(person: Person) -> str:
    return str(person.death) if person.death else ""


@register.filter
def current_unit(person: Person, place: str) -> str:
    """Today's unit of a declared place ("birthplace" or "hometown") where it is known and
    reads differently from the text as declared; "" otherwise."""
    label = ward_label(getattr(person, f"{place}_ward"))
    return label if label and normalize(label) != normalize(getattr(person, place)) else ""


@register.filter
def kind_label(kind: str) -> str:
    """The Vietnamese name of a political event's or foreign tie's kind (the code if unknown)."""
    return EVENT_KINDS.get(kind) or FOREIGN_KINDS.get(kind) or kind
