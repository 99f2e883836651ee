"""The declaration entry page: forms in, declaration content out (and back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bvct.core.text import normalize
from bvct.people.declarations import EVENT_KINDS, FOREIGN_KINDS
from bvct.people.diff import path_label, path_parts
from bvct.people.forms import EventFormSet, IdentityForm, PeriodFormSet, RelativeFormSet
from bvct.people.places import ward_of

SECTIONS = ("history", "political_events", "foreign_ties")


TABLES = ("relatives", "history", "political_events", "foreign_ties")
MORE_ROWS = 5
MAX_ROWS = 1000  # “Thêm dòng” adds no rows to a table that has this many
TITLES = {
    "identity": _("Sơ yếu lý lịch"),
    "relatives": _("Thân nhân"),
    "history": _("Quá trình công tác"),
    "political_events": _("Lịch sử chính trị"),
    "foreign_ties": _("Yếu tố nước ngoài"),
}
# The page's field for an error's path where the content names it otherwise (a period's
# "from"), or the field is not on the page (a relative's id, a place's unit code).
PAGE_FIELD = {"from": "start", "to": "end", "person": "full_name",
              "birthplace_ward": "birthplace", "hometown_ward": "hometown"}  # fmt: skip


@dataclass(frozen=True)
class Table:
    """One of the page's tables: its formset and what the page calls one of its rows."""

    prefix: str
    title: str
    formset: Any
    stacked: bool  # each row's fields laid out as a block of labelled fields, not one line


def _kept(formset: Any) -> list[Any]:
    """The rows that become the declaration's items, in order (blank and deleted rows not)."""
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class DeclarationForms:
    """The identity form and the formsets of one declaration, bound or prefilled."""

    def __init__(
        self, data: QueryDict | None = None, content: dict[str, Any] | None = None, more: str = ""
    ) -> None:
        """``more``: the prefix of a table to show MORE_ROWS more blank rows in (the page's
        “Thêm dòng” buttons send the form back for that, nothing is saved)."""
        content = content or {}
        if data is not None and more in TABLES:
            total = f"{more}-TOTAL_FORMS"
            raw = str(data.get(total, ""))
            count = int(raw) if raw.isascii() and raw.isdigit() else 0
            data = data.copy()
            # Never fewer rows than were sent (a long table loses nothing); past MAX_ROWS no
            # more are added (Django refuses a formset of more than 2,000).
            data[total] = str(count + MORE_ROWS if count < MAX_ROWS else count)
        self.identity = IdentityForm(data, initial=content.get("identity"), prefix="identity")
        self.relatives = RelativeFormSet(
            data, initial=content.get("relatives") or None, prefix="relatives"
        )
        self.history = PeriodFormSet(
            data, initial=_periods(content.get("history")), prefix="history"
        )
        self.political_events = EventFormSet(
            data, initial=_periods(content.get("political_events")), prefix="political_events"
        )
        self.foreign_ties = EventFormSet(
            data, initial=_periods(content.get("foreign_ties")), prefix="foreign_ties"
        )
        for form in [*self.political_events.forms, self.political_events.empty_form]:
            form.fields["kind"].choices = [("", "—"), *EVENT_KINDS.items()]  # type: ignore[attr-defined]
        for form in [*self.foreign_ties.forms, self.foreign_ties.empty_form]:
            form.fields["kind"].choices = [("", "—"), *FOREIGN_KINDS.items()]  # type: ignore[attr-defined]

    def all(self) -> list[Any]:
        return [
            self.identity,
            self.relatives,
            self.history,
            self.political_events,
            self.foreign_ties,
        ]

    def is_valid(self) -> bool:
        return all(part.is_valid() for part in self.all())

    def tables(self) -> list[Table]:
        return [Table(p, str(TITLES[p]), getattr(self, p), p == "relatives") for p in TABLES]

    def place_errors(self, errors: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Put a refused declaration's errors (content paths) on the fields they are about,
        so the page shows each at its field; returns those that belong to no field shown,
        named as the page names them. Call after is_valid() and content()."""
        kept = {prefix: _kept(getattr(self, prefix)) for prefix in TABLES}
        rest = []
        for path, message in errors:
            parts = path_parts(path)
            form, field = None, ""
            if parts is not None:
                section, number, field = parts
                field = PAGE_FIELD.get(field, field)
                if section == "identity":
                    form = self.identity
                elif section in kept and number is not None and 0 < number <= len(kept[section]):
                    form = kept[section][number - 1]
                    # A period's own error (ends before it starts) is shown at its end.
                    field = field or ("end" if "end" in form.fields else "")
            if form is not None and field in form.fields and not form[field].is_hidden:
                form.add_error(field, message)
            else:
                rest.append((path_label(path), message))
        return rest

    def summary(self) -> list[tuple[str, str, str]]:
        """Every error shown at a field, as (where, message, the field's id) for the list at
        the top of the page; rows are numbered as the page numbers them."""
        found = []
        title = TITLES["identity"]
        for field in self.identity:
            found += [(f"{title} › {field.label}", str(e), field.auto_id) for e in field.errors]
        for table in self.tables():
            found += [(table.title, str(e), "") for e in table.formset.non_form_errors()]
            for n, form in enumerate(table.formset.forms, 1):
                where = gettext("%(title)s thứ %(n)s") % {"title": table.title, "n": n}
                found += [(where, str(e), "") for e in form.non_field_errors()]
                for field in form.visible_fields():
                    found += [
                        (f"{where} › {field.label}", str(e), field.auto_id) for e in field.errors
                    ]
        return found

    def content(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """The raw content for clean_content() (which does the real checking).

        ``base`` is the current declaration: fields this page does not show (a relative's
        birthplace, religion...) are carried over from it, never silently blanked.
        """
        base = base or {}

        def rows(formset: Any) -> list[dict[str, Any]]:
            return [f.cleaned_data for f in _kept(formset)]

        def periods(formset: Any) -> list[dict[str, Any]]:
            return [
                {"from": r.get("start", ""), "to": r.get("end", ""), "text": r["text"],
                 "kind": r.get("kind", ""), "country": r.get("country", "")}
                for r in rows(formset)
            ]  # fmt: skip

        before = {r.get("person"): r for r in base.get("relatives", []) if r.get("person")}
        relatives = []
        for r in rows(self.relatives):
            entry = {k: v for k, v in r.items() if k != "DELETE"}
            entry["person"] = entry.get("person") or None
            relatives.append({**before.get(entry["person"], {}), **entry})
        identity = {**base.get("identity", {}), **self.identity.cleaned_data}
        for place in ("birthplace", "hometown"):
            # A place whose text names a unit, or that changed, is resolved again from its
            # text (never tied to a unit code the page does not show); only an unchanged old
            # address keeps the unit recorded for it.
            text = str(identity.get(place) or "")
            declared = str(base.get("identity", {}).get(place) or "")
            if ward_of(text) is not None or normalize(text) != normalize(declared):
                identity.pop(f"{place}_ward", None)
        return {
            "identity": identity,
            "relatives": relatives,
            "history": [
                {k: v for k, v in p.items() if k in ("from", "to", "text")}
                for p in periods(self.history)
            ],
            "political_events": periods(self.political_events),
            "foreign_ties": periods(self.foreign_ties),
        }


def _periods(items: Any) -> list[dict[str, Any]] | None:
    if not items:
        return None
    return [{"start": i.get("from", ""), "end": i.get("to", ""), **i} for i in items]
