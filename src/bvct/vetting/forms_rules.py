"""The draft rule pack's forms: one per section, a row of fields per rule.

The forms only carry values; the schema (``vetting.rules.parse_rules``) judges them, and its
messages are placed back at the field they name (:func:`place_errors`), so one set of rules
and one wording serve the pages, the API and the services.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bvct.core.constants import Classification
from bvct.core.text import normalize
from bvct.vetting.constants import DECISION_KINDS, TIERS, CompetentBody, Requirement
from bvct.vetting.rules_diff import FIELD_LABELS, _label, section_items

NEW_CATEGORY_ROWS = 2
# Fields each section's rules have, in the order a row shows them.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "conclusion_required": ("when",),
    "verified_relations": ("codes",),
    "validity": ("months",),
    "deadlines": ("days", "complex_days"),
    "competent_body": ("body",),
    "outcomes": (
        "covers",
        "barred_tiers",
        "barred_management_tiers",
        "barred_decision_kinds",
        "max_clearance",
    ),
    "issue_categories": ("name",),
    "committee": ("numerator", "denominator"),
}
NUMBERS = {"months", "days", "complex_days", "numerator", "denominator"}
_FOLLOW_TIER = ("", _("Theo cấp chức vụ (không quy định riêng)"))


def _choices(mapping: dict[str, Any]) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in mapping.items()]


def _field(section: str, key: str, name: str, relations: list[tuple[str, str]]) -> forms.Field:
    label = FIELD_LABELS[name]
    if name in NUMBERS:
        # Text, not a number field: the schema's message ("from 1 to 365") is the one shown.
        return forms.CharField(label=label, required=False, max_length=10)
    if name in ("covers", "to_confirm"):
        return forms.BooleanField(label=label, required=False)
    if name == "when":
        return forms.ChoiceField(label=label, choices=Requirement.choices)
    if name == "body":
        choices: list[tuple[str, Any]] = list(CompetentBody.choices)
        if key.startswith("kind:"):
            choices = [_FOLLOW_TIER, *choices]
        return forms.ChoiceField(label=label, choices=choices, required=False)
    if name in ("barred_tiers", "barred_management_tiers"):
        return forms.MultipleChoiceField(
            label=label,
            choices=_choices(TIERS),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    if name == "barred_decision_kinds":
        return forms.MultipleChoiceField(
            label=label,
            choices=_choices(DECISION_KINDS),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    if name == "max_clearance":
        levels = [("", _("Không giới hạn")), *((str(v), str(n)) for v, n in Classification.choices)]
        return forms.ChoiceField(label=label, choices=levels, required=False)
    if name == "codes":
        return forms.MultipleChoiceField(
            label=label, choices=relations, required=False, widget=forms.CheckboxSelectMultiple
        )
    return forms.CharField(label=label, required=False, max_length=200)


def _slot(key: str) -> str:
    """A rule's key as a form field prefix (letters, digits, '-')."""
    return re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-")


class SectionForm(forms.Form):
    """One section of the draft: for each rule, its fields, its source and its mark."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        section: str,
        value: Any,
        *args: Any,
        relations: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.section = section
        self.value = value
        self.items = section_items(section, value)
        if section == "competent_body":
            # A row for every decision kind, so that one may be given a body of its own.
            for kind in DECISION_KINDS:
                self.items.setdefault(
                    f"kind:{kind}",
                    {"decision_kind": kind, "body": "", "source": "", "to_confirm": False},
                )
        relations = relations or []
        initial = dict(kwargs.pop("initial", {}))
        self.rows: list[tuple[str, str, list[str]]] = []  # (slot, label, field names)
        names_by_slot: dict[str, list[str]] = {}
        for key, item in self.items.items():
            slot = _slot(key)
            names = []
            for name in (*SECTION_FIELDS[section], "source", "to_confirm"):
                field_name = f"{slot}__{name}"
                names.append(field_name)
                initial[field_name] = self._initial(name, item.get(name))
            if section == "issue_categories":
                names.append(f"{slot}__DELETE")
            self.rows.append((slot, _label(section, key, item), names))
            names_by_slot[slot] = names
        if section == "issue_categories":
            for n in range(NEW_CATEGORY_ROWS):
                slot = f"new{n + 1}"
                names = [f"{slot}__name", f"{slot}__source", f"{slot}__to_confirm"]
                self.rows.append((slot, gettext("Loại mới %(n)s") % {"n": n + 1}, names))
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for slot, label, names in self.rows:
            key = next((k for k in self.items if _slot(k) == slot), "")
            for field_name in names:
                name = field_name.split("__", 1)[1]
                if name == "DELETE":
                    field: forms.Field = forms.BooleanField(label=_("Bỏ loại này"), required=False)
                elif name == "source":
                    field = forms.CharField(
                        label=FIELD_LABELS["source"],
                        required=False,
                        max_length=600,
                        widget=forms.Textarea(attrs={"rows": 2}),
                    )
                else:
                    field = _field(self.section, key, name, relations)
                # Every input says which rule it belongs to (one label per input).
                field.widget.attrs["aria-describedby"] = f"row-{slot}"
                field.row_label = label  # type: ignore[attr-defined]
                self.fields[field_name] = field

    @staticmethod
    def _initial(name: str, value: Any) -> Any:
        if name == "max_clearance":
            return "" if value is None else str(value)
        if name in NUMBERS:
            return "" if value is None else str(value)
        return value

    def rows_bound(self) -> list[tuple[str, str, list[Any]]]:
        return [(slot, label, [self[n] for n in names]) for slot, label, names in self.rows]

    # -- from the form back to the section's data

    def _read(self, slot: str, name: str) -> Any:
        raw = self.cleaned_data.get(f"{slot}__{name}")
        if name in NUMBERS:
            text = (raw or "").strip()
            return int(text) if text.isdigit() else text  # the schema names a bad value
        if name == "max_clearance":
            return int(str(raw)) if raw not in (None, "") else None
        if name in ("barred_tiers", "barred_management_tiers", "barred_decision_kinds", "codes"):
            return list(raw or [])
        if name == "source":
            return (raw or "").strip()
        return raw

    def _rule(self, slot: str, base: dict[str, Any]) -> dict[str, Any]:
        rule = dict(base)
        for name in (*SECTION_FIELDS[self.section], "source", "to_confirm"):
            rule[name] = self._read(slot, name)
        return rule

    def section_value(self) -> tuple[Any, dict[str, str]]:
        """The section's new data, and for each place in it (a dotted path the schema names)
        the form field that holds it."""
        section, places = self.section, {}
        if section == "verified_relations":
            places = {
                f"{section}.{n}": f"relations__{n}" for n in ("codes", "source", "to_confirm")
            }
            return self._rule("relations", self.value), places
        if section == "committee":
            value_map: dict[str, Any] = {}
            for key, item in self.items.items():
                value_map[key] = self._rule(_slot(key), item)
                for n in (*SECTION_FIELDS[section], "source", "to_confirm"):
                    places[f"{section}.{key}.{n}"] = f"{key}__{n}"
            return value_map, places
        if section == "competent_body":
            value: dict[str, Any] = {"default": {}, "by_tier": [], "by_decision_kind": []}
            for key, item in self.items.items():
                slot = _slot(key)
                rule = self._rule(slot, item)
                kind, _, code = key.partition(":")
                if key == "default":
                    value["default"] = rule
                    path = f"{section}.default"
                elif kind == "tier":
                    value["by_tier"].append(rule)
                    path = f"{section}.by_tier.{code}"
                else:
                    path = f"{section}.by_decision_kind.{code}"
                    if not rule["body"]:
                        continue  # follows the post's tier: no rule of its own
                    value["by_decision_kind"].append(rule)
                for n in ("body", "source", "to_confirm"):
                    places[f"{path}.{n}"] = f"{slot}__{n}"
            return value, places
        if section == "issue_categories":
            rows: list[dict[str, Any]] = []
            taken = {str(item.get("code")) for item in self.items.values()}
            for slot, _label_text, _names in self.rows:
                if slot.startswith("new"):
                    name = (self.cleaned_data.get(f"{slot}__name") or "").strip()
                    if not name:
                        continue
                    rule = {"code": _new_code(name, taken), "name": name}
                    rule["source"] = self._read(slot, "source")
                    rule["to_confirm"] = self._read(slot, "to_confirm")
                else:
                    if self.cleaned_data.get(f"{slot}__DELETE"):
                        continue
                    key = next(k for k in self.items if _slot(k) == slot)
                    rule = self._rule(slot, self.items[key])
                    rule["name"] = (rule.get("name") or "").strip()
                for n in ("code", "name", "source", "to_confirm"):
                    places[f"{section}.{len(rows)}.{n}"] = f"{slot}__{'name' if n == 'code' else n}"
                rows.append(rule)
            return rows, places
        value_list = []
        for key, item in self.items.items():
            slot = _slot(key)
            value_list.append(self._rule(slot, item))
            for n in (*SECTION_FIELDS[section], "source", "to_confirm"):
                places[f"{section}.{key}.{n}"] = f"{slot}__{n}"
        return value_list, places


def _new_code(name: str, taken: set[str]) -> str:
    """A code for a new category, made from its name ("Vấn đề khác" -> "VAN_DE_KHAC")."""
    base = re.sub(r"[^a-z0-9]+", "_", normalize(name)).strip("_").upper()[:34] or "LOAI"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    taken.add(code)
    return code


def place_errors(form: SectionForm, errors: dict[str, list[str]], places: dict[str, str]) -> None:
    """The schema's messages at the fields they name; any other above the form."""
    for path, messages in errors.items():
        field = places.get(path)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class PublishForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Nội dung thay đổi"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ghi rõ thay đổi gì và căn cứ (văn bản, quyết định) để người sau tra cứu."),
    )


MIN_CALENDAR_NOTE = 5  # shorter cannot name the notice (số, ngày, cơ quan)


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=_("Ngày"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Cần nhập ngày."),
            "invalid": _("Ngày không hợp lệ (ngày/tháng/năm)."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Loại ngày"),
        choices=[("DAY_OFF", _("Ngày nghỉ")), ("WORKING_DAY", _("Ngày làm việc bù"))],
        error_messages={"required": _("Cần chọn loại ngày.")},
    )
    note = forms.CharField(
        label=_("Căn cứ"),
        max_length=300,
        help_text=_("Văn bản thông báo nghỉ hoặc làm bù (số, ngày, cơ quan ban hành)."),
        error_messages={"required": _("Cần ghi căn cứ của ngày này.")},
    )

    def clean_note(self) -> str:
        note = str(self.cleaned_data["note"]).strip()
        if len(note) < MIN_CALENDAR_NOTE:
            raise forms.ValidationError(
                _("Căn cứ quá ngắn: ghi số, ngày và cơ quan ban hành văn bản thông báo.")
            )
        return note

    def clean(self) -> dict[str, Any]:
        """A make-up working day on a public holiday is refused (the holiday stands unless a
        day off is moved, which is entered as such); a day already entered is removed first,
        never silently replaced."""
        from bvct.vetting.calendar import public_holiday_name
        from bvct.vetting.models import CalendarDay

        data = super().clean() or {}
        day, kind = data.get("date"), data.get("kind")
        if day is None:
            return data
        holiday = public_holiday_name(day)
        if kind == "WORKING_DAY" and holiday:
            self.add_error(
                "date",
                gettext("Ngày %(day)s là ngày lễ (%(holiday)s): không thể là ngày làm việc bù.")
                % {"day": f"{day:%d/%m/%Y}", "holiday": holiday},
            )
        elif CalendarDay.objects.filter(date=day).exists():
            self.add_error(
                "date",
                gettext(
                    "Ngày %(day)s đã được nhập: xóa ngày đó trong danh sách dưới đây trước nếu "
                    "muốn nhập lại."
                )
                % {"day": f"{day:%d/%m/%Y}"},
            )
        return data
