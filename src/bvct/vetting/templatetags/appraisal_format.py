"""The appraisal's list on the case page, grouped by what kind of item it is (political
history, foreign ties, relatives, differences between declarations, linked dossiers), each
group headed once: the rows then need not repeat whose item it is (the subject is named in
the page's heading; a relative's row starts with the relation and name)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext

from bvct.vetting.appraisal import ITEM_LABELS

register = template.Library()


@register.filter
def appraisal_groups(items: Any) -> list[tuple[str, list[dict[str, Any]]]]:
    """``[(label, items), ...]`` in the order of ``appraisal.ITEM_LABELS`` (an unknown kind
    last, under a generic heading)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items or ():
        groups.setdefault(str(item.get("kind", "")), []).append(item)
    order = [k for k in ITEM_LABELS if k in groups] + [k for k in groups if k not in ITEM_LABELS]
    return [
        (gettext(ITEM_LABELS[k]) if k in ITEM_LABELS else gettext("Nội dung khác"), groups[k])
        for k in order
    ]
