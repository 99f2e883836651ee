from __future__ import annotations

from django import template

from bvct.core.text import normalize
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
