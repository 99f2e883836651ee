"""The declaration entry page: forms in, declaration content out (and back)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from bvct.core.text import normalize
from bvct.people.declarations import EVENT_KINDS, FOREIGN_KINDS
from bvct.people.forms import EventFormSet, IdentityForm, PeriodFormSet, RelativeFormSet
from bvct.people.places import ward_of

SECTIONS = ("history", "political_events", "foreign_ties")


TABLES = ("relatives", "history", "political_events", "foreign_ties")
MORE_ROWS = 5
MAX_ROWS = 1000  # “Thêm dòng” adds no rows to a table that has this many


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

    def content(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """The raw content for clean_content() (which does the real checking).

        ``base`` is the current declaration: fields this page does not show (a relative's
        birthplace, religion...) are carried over from it, never silently blanked.
        """
        base = base or {}

        def rows(formset: Any) -> list[dict[str, Any]]:
            return [
                f.cleaned_data
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]

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
