from __future__ import annotations

from django import template
from django.utils.formats import get_format
from django.utils.translation import gettext

from bvct.core.constants import Classification
from bvct.people.declarations import EVENT_KINDS, FOREIGN_KINDS
from bvct.people.models import Person
from bvct.people.places import ward_label, ward_of

register = template.Library()


@register.filter
def thousands(number: int) -> str:
    """A whole number with its thousands grouped as the language writes them (1.000 in
    Vietnamese, 1,000 in English)."""
    separator = get_format("THOUSAND_SEPARATOR")
    return f"{int(number):,}".replace(",", str(separator))


@register.filter
def born(person: Person) -> str:
    return str(person.birth) if person.birth else "—"


@register.filter
def place_job(person: Person) -> list[str]:
    """A relative's home town, residence and occupation, those declared."""
    return [part for part in (person.hometown, person.residence, person.occupation) if part]


@register.filter
def died(person: Person) -> str:
    return str(person.death) if person.death else ""


@register.filter
def current_unit(person: Person, place: str) -> str:
    """Today's unit of a declared place ("birthplace" or "hometown") where one is recorded
    that the text itself does not name (an old address); "" otherwise."""
    code = getattr(person, f"{place}_ward")
    return ward_label(code) if code is not None and ward_of(getattr(person, place)) != code else ""


@register.filter
def kind_label(kind: str) -> str:
    """The Vietnamese name of a political event's or foreign tie's kind (the code if unknown)."""
    return EVENT_KINDS.get(kind) or FOREIGN_KINDS.get(kind) or kind


@register.filter
def classification_label(code: str) -> str:
    """The Vietnamese name of a classification code as history records it (``TOI_MAT``)."""
    try:
        return str(Classification[code].label)
    except KeyError:
        return code


@register.filter
def or_list(labels: list[str]) -> str:
    """Field labels inside a sentence: “năm sinh, quê quán hoặc tổ chức”."""
    words = [str(label)[:1].lower() + str(label)[1:] for label in labels]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + " " + gettext("hoặc") + " " + words[-1]


@register.filter
def in_sentence(labels: list[str]) -> str:
    """Field labels listed inside a sentence: “năm sinh, quê quán”."""
    return ", ".join(str(label)[:1].lower() + str(label)[1:] for label in labels)
