from __future__ import annotations

from django import template

from bvct.people.dates import PartialDate
from bvct.people.models import Person

register = template.Library()


@register.filter
def born(person: Person) -> str:
    date = PartialDate.from_parts(person.birth_year, person.birth_month, person.birth_day)
    return str(date) if date else "—"


@register.filter
def died(person: Person) -> str:
    date = PartialDate.from_parts(person.death_year, person.death_month, person.death_day)
    return str(date) if date else ""
