from __future__ import annotations

import re

from django.apps import AppConfig

CONCLUSION = "conclusion.issue"
FINDING_ACTIONS = ("finding.create", "finding.update")
_REF = re.compile(r"^relatives\[(\d+)\]$")


class VettingConfig(AppConfig):
    name = "bvct.vetting"
    label = "vetting"
    verbose_name = "Thẩm định, thẩm tra, kết luận"

    def ready(self) -> None:
        from bvct.audit import labels
        from bvct.vetting import constants as c
        from bvct.vetting.rules import SECTIONS

        # The codes this app's events hold, in words on the auditors' pages.
        add = labels.add_values
        add("status", c.RulePackStatus.choices)
        add("kind", c.CalendarDayKind.choices)
        add("section", SECTIONS.items())
        add("state", c.CaseState.choices)
        add("stage", c.Stage.choices)
        add("origin", c.CaseOrigin.choices)
        add("duty", c.Duty.choices)
        add("outcome", c.Outcome.choices)
        add("period", c.FindingPeriod.choices)
        add("when", c.Requirement.choices)
        add("body", c.CompetentBody.choices)
        add("status", c.FindingStatus.choices, actions=FINDING_ACTIONS)
        add("status", c.CheckStatus.choices, actions=("decision.check",))
        add("kind", c.ChangeKind.choices, actions=("reported_change.record",))
        for key in ("decision_kind", "covers_kinds", "barred_decision_kinds"):
            add(key, c.DECISION_KINDS.items())
        for key in ("barred_tiers", "barred_management_tiers"):
            add(key, c.TIERS.items())
        _resolvers()
        _reactions()
        labels.add_formatter(CONCLUSION, "members", lambda v: f"{v[0]}/{v[1]}")
        labels.add_formatter(
            CONCLUSION, "votes", lambda v: f"tán thành {v[0]}, không tán thành {v[1]}"
        )


def _reactions() -> None:
    """What this app does when another app changes what it depends on (positions imports
    no vetting: it calls what is registered here)."""
    from bvct.positions.services_catalogue import on_catalogue_raised
    from bvct.vetting.services_catalogue import case_raise_for_catalogue_entry

    on_catalogue_raised(case_raise_for_catalogue_entry)


def _resolvers() -> None:
    """The rows this app's events name by id, shown by what they are called."""
    from bvct.accounts.models import User
    from bvct.audit.labels import add_resolver, by_public_id
    from bvct.orgs.models import Organisation
    from bvct.people.models import Person, RelationKind
    from bvct.positions.models import PersonnelDecision
    from bvct.vetting.models import Case, Conclusion, Finding, VerificationResult

    def decision(d: PersonnelDecision) -> str:
        subject = Person.objects.filter(dossier_id=d.dossier_id, is_subject=True).first()
        who = f"{subject.full_name}: " if subject else ""
        return f"{who}{d.get_kind_display()}" + (f" ({d.post.name})" if d.post is not None else "")

    def category(code: str) -> str | None:
        from bvct.vetting.models import RulePack

        for data in RulePack.objects.order_by("-version").values_list("data", flat=True):
            for row in data.get("issue_categories", []):
                if row.get("code") == code:
                    return str(row.get("name"))
        return None

    def relation(code: str) -> str | None:
        return RelationKind.objects.filter(code=code).values_list("name", flat=True).first()

    def declaration_ref(ref: str) -> str | None:
        found = _REF.match(ref)
        return f"thân nhân thứ {int(found.group(1)) + 1} trong bản khai" if found else None

    add_resolver(("signer", "user"), by_public_id(User, lambda u: u.full_name or u.username))
    add_resolver(("competent_body", "agency"), by_public_id(Organisation, lambda o: o.name))
    add_resolver(("decision",), by_public_id(PersonnelDecision, decision))
    add_resolver(
        ("conclusion", "supersedes", "upholds"),
        by_public_id(Conclusion, lambda k: f"Kết luận số {k.number_symbol}"),
    )
    add_resolver(("case", "previous_case"), by_public_id(Case, lambda k: k.reference))
    add_resolver(("findings",), by_public_id(Finding, lambda f: f.summary[:120]))
    add_resolver(
        ("evidence",),
        by_public_id(VerificationResult, lambda r: f"văn bản số {r.document_number}"),
    )
    add_resolver(("person",), by_public_id(Person, lambda p: p.full_name))
    add_resolver(("category",), category)
    add_resolver(("codes",), relation)
    add_resolver(("declaration_refs",), declaration_ref)
