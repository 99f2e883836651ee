from __future__ import annotations

from django import template

from bvct.people.models import Person

register = template.Library()


@register.filter
def born(person: Person) -> str:
    return str(person.birth) if person.birth else "—"


@register.filter
def died(person: Person) -> str:
    return str(person.death) if person.death else ""
