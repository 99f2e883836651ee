"""Demo data: one province, every role, idempotent."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.management import call_command

from bvct.accounts.models import User
from bvct.audit.constants import AuditAction
from bvct.audit.models import AuditEvent
from bvct.audit.verify import verify_chain
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.demo.province import AGENCIES, CONFIRMED, DEMO_MEMBERS, LOGINS, SIBLINGS, VERSIONED
from bvct.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_province_and_is_idempotent() -> None:
    call_command("seed_demo", stdout=StringIO())
    orgs, users, events = (
        Organisation.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    committees = Organisation.objects.filter(
        parent__code="tu-bac-ninh", kind__is_committee=True
    ).count()
    assert committees >= 20
    agencies = set(
        Organisation.objects.filter(kind__is_agency=True, parent__code="tu-bac-ninh").values_list(
            "code", flat=True
        )
    )
    assert agencies == {code for code, _, _ in AGENCIES}
    assert {
        r for u in User.objects.filter(username__in=[x.username for x in LOGINS]) for r in u.roles
    } == set(Role.values)
    from bvct.people.models import Dossier

    # The demo members with their relatives, and the siblings of a few of them.
    assert Dossier.objects.count() == DEMO_MEMBERS + SIBLINGS
    call_command("seed_demo", stdout=StringIO())
    assert (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (
        orgs,
        users,
        events,
    )
    assert Dossier.objects.count() == DEMO_MEMBERS + SIBLINGS
    assert verify_chain().ok


def test_seed_demo_has_versions_to_compare_and_links_to_decide() -> None:
    from bvct.people.diff import declaration_diff
    from bvct.people.models import Declaration, Dossier, PersonLink

    call_command("seed_demo", stdout=StringIO())
    versioned = Dossier.objects.filter(declaration_count__gt=1)
    counts = sorted(versioned.values_list("declaration_count", flat=True))
    assert len(counts) == VERSIONED and set(counts) == {2, 3}
    for dossier in versioned:
        versions = list(Declaration.objects.filter(dossier=dossier).order_by("number"))
        assert len(versions) == dossier.declaration_count
        for old, new in itertools.pairwise(versions):
            assert declaration_diff(old.content, new.content)  # something to compare
    links = PersonLink.objects.select_related("person_a", "person_b")
    assert all(link.person_a.dossier_id != link.person_b.dossier_id for link in links)
    confirmed = [link for link in links if link.status == "CONFIRMED"]
    assert len(confirmed) == CONFIRMED
    assert all(link.person_a.relation.code == "cha" for link in confirmed)
    assert links.filter(status="PROPOSED").count() >= SIBLINGS
    # Submitted and decided by the demo officer, each with its audit event.
    assert {d.submitted_by_username for d in Declaration.objects.filter(number__gt=1)} == {
        "canbo.bvct"
    }
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_LINK_DECIDE).count() == 2 * CONFIRMED
    # `make run` names them with the logins, so one knows where to look.
    out = StringIO()
    call_command("seed_demo", "--print-logins", stdout=out)
    for dossier in versioned:
        assert dossier.persons.get(is_subject=True).full_name in out.getvalue()
    assert confirmed[0].person_a.dossier.persons.get(is_subject=True).full_name in out.getvalue()
    # Run again: nothing new.
    before = (AuditEvent.objects.count(), PersonLink.objects.count(), Declaration.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (
        AuditEvent.objects.count(),
        PersonLink.objects.count(),
        Declaration.objects.count(),
    ) == before


def test_if_empty_skips_a_populated_database(tree: object) -> None:
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "giữ nguyên" in out.getvalue()
    assert not Organisation.objects.filter(code="tu-bac-ninh").exists()


def test_print_logins_names_every_demo_account() -> None:
    out = StringIO()
    call_command("seed_demo", "--print-logins", stdout=out)
    for login in LOGINS:
        assert login.username in out.getvalue()


def test_if_empty_completes_an_interrupted_demo() -> None:
    from bvct.demo.province import ROOT
    from bvct.orgs import services

    services.organisation_create(actor=SYSTEM, code=ROOT[0], name=ROOT[1], kind_code="tinh-uy")
    call_command("seed_demo", "--if-empty", stdout=StringIO())
    assert User.objects.filter(username__in=[x.username for x in LOGINS]).count() == len(LOGINS)


def test_if_empty_on_a_real_database_does_not_need_demo_permission(
    tree: object, settings: object
) -> None:
    settings.BVCT_DEMO_ALLOWED = False  # type: ignore[attr-defined]
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "giữ nguyên" in out.getvalue()


def test_seed_demo_has_posts_a_catalogue_holdings_and_proposed_decisions() -> None:
    from bvct.positions.models import CatalogueEntry, PersonnelDecision, Post, PostHolding

    call_command("seed_demo", stdout=StringIO())
    counts = [m.objects.count() for m in (Post, CatalogueEntry, PostHolding, PersonnelDecision)]
    assert all(counts), counts
    assert CatalogueEntry.objects.filter(listing_number="1235-QĐ/TU").count() == counts[1]
    call_command("seed_demo", stdout=StringIO())  # idempotent
    assert [
        m.objects.count() for m in (Post, CatalogueEntry, PostHolding, PersonnelDecision)
    ] == counts


def test_seed_demo_has_cases_in_every_stage_with_signed_conclusions() -> None:
    from bvct.demo.casework import CITIZEN_IDS
    from bvct.vetting.constants import CaseState
    from bvct.vetting.models import (
        Case,
        CaseEvent,
        Conclusion,
        ConclusionUse,
        Finding,
        ReportedChange,
        VerificationResult,
    )

    call_command("seed_demo", stdout=StringIO())
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(CaseState.values)
    assert Finding.objects.exists() and VerificationResult.objects.exists()
    assert Conclusion.objects.count() >= 3
    assert all(c.document.sha256 for c in Conclusion.objects.select_related("document"))
    assert ConclusionUse.objects.exists() and ReportedChange.objects.exists()
    assert not User.objects.filter(username__in=CITIZEN_IDS, citizen_id="").exists()
    counts = [m.objects.count() for m in (Case, CaseEvent, Conclusion)]
    call_command("seed_demo", stdout=StringIO())  # idempotent
    assert [m.objects.count() for m in (Case, CaseEvent, Conclusion)] == counts
    assert verify_chain().ok
    out = StringIO()
    call_command("seed_demo", "--print-logins", stdout=out)
    assert "uyvien.xa" in out.getvalue() and "Hồ sơ thẩm tra mẫu" in out.getvalue()


def test_demo_casework_happens_on_past_working_days() -> None:
    """Every step of the demo's cases (proposed, opened, stages, results, conclusions, the
    reported change) falls on a past working day, so the timeliness report shows real
    figures: durations in working days above zero, a stage past its deadline, a case late."""
    from django.utils import timezone

    from bvct.accounts.models import User
    from bvct.demo.casework import on_day, working_days_ago
    from bvct.positions.models import PersonnelDecision
    from bvct.vetting.calendar import is_working_day, working_days_between
    from bvct.vetting.models import (
        Case,
        CaseDecision,
        CaseEvent,
        Conclusion,
        ReportedChange,
        VerificationResult,
    )
    from bvct.vetting.selectors import stage_durations
    from bvct.vetting.selectors_queue import CaseFilter, case_list

    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    days = {timezone.localtime(e.at).date() for e in CaseEvent.objects.all()}
    days |= {timezone.localtime(c.opened_at).date() for c in Case.objects.all()}
    days |= set(Case.objects.values_list("stage_started_on", flat=True))
    days |= set(Conclusion.objects.values_list("concluded_on", flat=True))
    days |= set(Conclusion.objects.values_list("meeting_date", flat=True))
    days |= set(VerificationResult.objects.values_list("received_on", flat=True))
    days |= set(ReportedChange.objects.values_list("reported_on", flat=True))
    cased = PersonnelDecision.objects.filter(pk__in=CaseDecision.objects.values("decision_id"))
    days |= set(cased.values_list("proposed_on", flat=True))
    assert len(days) > 20  # spread over weeks, not all today
    assert all(d <= today and is_working_day(d) for d in days), sorted(
        d for d in days if d > today or not is_working_day(d)
    )
    # Stages span working days: a case whose stage ran over a weekend counts only the
    # working days.
    officer = User.objects.get(username="canbo.xa")
    stats = {s.stage: s for s in stage_durations(user=officer)}
    assert stats["APPRAISAL"].average_days and stats["APPRAISAL"].average_days >= 1
    assert stats["APPRAISAL"].late >= 1
    assert case_list(user=officer, filters=CaseFilter(late=True)).exists()
    first = Case.objects.order_by("opened_at").first()
    assert first is not None
    assert working_days_between(timezone.localtime(first.opened_at).date(), today) >= 40
    # The helpers refuse what did not happen: a weekend, a day to come.
    saturday = today - dt.timedelta(days=(today.weekday() - 5) % 7)
    with pytest.raises(ValueError), on_day(saturday):
        pass
    with pytest.raises(ValueError), on_day(today + dt.timedelta(days=1)):
        pass
    assert is_working_day(working_days_ago(3)) and working_days_ago(3) < today
    # The demo's findings say the father worked for the former regime: their category too.
    from bvct.vetting.models import Finding

    assert set(Finding.objects.values_list("category", flat=True)) == {"FORMER_REGIME"}
    # Case numbers name the commune's committee as officials abbreviate it, not by its code.
    commune = Case.objects.filter(competent_body__code="du-phuong-kinh-bac")
    assert commune.exists()
    assert all(r.endswith("/ĐU-Kinh-Bắc") for r in commune.values_list("reference", flat=True))
