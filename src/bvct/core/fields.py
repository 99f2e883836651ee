"""Form fields every app's pages share. A day is typed as officials write it, dd/mm/yyyy,
whatever the browser's language (a browser's date picker shows the browser's order:
12/10/2026 for 10 December under English); ISO dates are taken too (the API's and scripts')."""

from __future__ import annotations

from typing import Any

from django import forms

DAY_FORMAT = "%d/%m/%Y"
DAY_INPUT_FORMATS = [DAY_FORMAT, "%Y-%m-%d"]


def day_input() -> forms.DateInput:
    """A text box for a day: shown dd/mm/yyyy, a numeric keypad, no autofill."""
    return forms.DateInput(
        format=DAY_FORMAT,
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    )


def day_field(
    label: Any,
    *,
    required: bool = True,
    help_text: Any = "",
    error_messages: dict[str, Any] | None = None,
    input_formats: list[str] | None = None,
) -> forms.DateField:
    """A day typed dd/mm/yyyy, with the form's own words for what it refuses."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=input_formats or DAY_INPUT_FORMATS,
        widget=day_input(),
        error_messages=error_messages or {},
    )
