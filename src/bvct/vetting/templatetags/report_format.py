"""How reports write a part of a whole: “x/y (z %)”, the percentage with one decimal when it
is not whole, in the page's language's decimal mark (33,3 % in Vietnamese)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def ratio(part: object, whole: object) -> str:
    """``{{ late|ratio:total }}`` → “1/3 (33,3 %)”; with nothing to count, “0/0”."""
    try:
        x, y = int(part), int(whole)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    if y <= 0:
        return f"{x}/{y}"
    share = round(100 * x / y, 1)
    shown = number_format(share, 0 if share == int(share) else 1)
    return f"{x}/{y} ({shown} %)"
