"""“bộ quy tắc phiên bản N” in a sentence (a requirement check's reason) as a link to that
version's page."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()
_VERSION = re.compile(r"(bộ quy tắc phiên bản (\d+))", re.IGNORECASE)


@register.filter
def link_rule_version(text: object) -> SafeString:
    """The text escaped, each “bộ quy tắc phiên bản N” linking to version N."""
    parts = _VERSION.split(str(text))
    out: list[str] = []
    for i in range(0, len(parts), 3):
        out.append(str(conditional_escape(parts[i])))
        if i + 2 < len(parts):
            url = reverse("vetting:rules_version", args=[int(parts[i + 2])])
            out.append(str(format_html('<a href="{}">{}</a>', url, parts[i + 1])))
    return mark_safe("".join(out))  # noqa: S308 - every part escaped above
