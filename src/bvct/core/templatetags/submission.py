"""``{% submission_token %}``: the one-time token of a form that makes something
(``core.submissions``), as a hidden input; the view must be ``once_per_submission``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from bvct.core.submissions import FIELD

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context: dict[str, Any]) -> str:
    token = getattr(context["request"], "submission_token", None)
    if token is None:
        raise template.TemplateSyntaxError("submission_token: the view is not once_per_submission")
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token)
