"""The one gate: the roles × actions table refuses what nobody was granted, and the row rule's
three forms (queryset condition, SQL fragment, one-object check) always agree, for every role,
clearance, scope and action, the system and nobody included; children follow their parent."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from bvct.core.constants import Action, Role
from bvct.core.gate import GRANTS, SYSTEM, Reach, ScopeRule, may, reaches
from bvct.people import services
from bvct.people.models import DOSSIER_GATE, Declaration, Dossier, PersonLink
from tests.factories import Tree, make_user
from tests.people.factories import declaration, father

pytestmark = pytest.mark.django_db


def test_an_action_nobody_was_granted_is_refused_never_defaulted(tree: Tree) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    assert may(officer, Action.CHANGE)
    assert not may(officer, Action.SIGN_CONCLUSION)  # granted to committee members only
    assert not may(officer, "an action no table names")
    nobody = make_user(tree.committee_a, clearance="TUYET_MAT")  # an account with no role
    assert not any(may(nobody, action) for action in Action)
    assert may(SYSTEM, Action.ADMINISTER) and not may(None, Action.VIEW)


def test_every_role_and_action_in_the_table_is_a_known_one() -> None:
    assert set(GRANTS) <= set(Role)
    for grants in GRANTS.values():
        assert set(grants) <= set(Action)
    # The administrator keeps accounts and organisations running and reads no dossier.
    assert reaches(_fake(Role.SYSADMIN), Action.VIEW) == frozenset()


def _fake(role: str) -> Any:
    class Account:
        pk = 1
        roles = (role,)
        clearance = 3
        is_active = True
        is_authenticated = True
        scope_path = "/1/"
        organisation_id = 1

    return Account()


@pytest.fixture
def dossiers(tree: Tree) -> list[Dossier]:
    made = []
    for i, (org, level) in enumerate(
        [("t-a", "NONE"), ("t-a-cs1", "MAT"), ("t-a-cs1-cb1", "TUYET_MAT"), ("t-b", "TOI_MAT")]
    ):
        made.append(
            services.dossier_create(
                actor=SYSTEM,
                managing_org_code=org,
                classification=level,
                content=declaration(
                    f"Nguyễn Văn {['An', 'Bình', 'Chi', 'Dũng'][i]}", "1970", relatives=[]
                ),
            )
        )
    return made


def _principals(tree: Tree) -> dict[str, Any]:
    found: dict[str, Any] = {"nobody": None, "system": SYSTEM}
    for role in Role:
        for org in (tree.root, tree.committee_a, tree.grassroots_a, tree.committee_b):
            for level in ("NONE", "MAT", "TUYET_MAT"):
                found[f"{role}/{org.code}/{level}"] = make_user(org, role, clearance=level)
    disabled = make_user(tree.root, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    disabled.is_active = False
    found["disabled"] = disabled
    return found


def _by_sql(rule: ScopeRule, user: Any, action: str) -> set[int]:
    condition = rule.sql(user, action, alias="d")
    if condition is None:
        return set()
    where, params = condition
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.id FROM people_dossier d WHERE {where}", params)
        return {row[0] for row in cursor.fetchall()}


def test_the_rules_three_forms_agree_for_every_principal_and_action(
    tree: Tree, dossiers: list[Dossier]
) -> None:
    everyone = {d.pk for d in dossiers}
    disagreements = []
    for name, user in _principals(tree).items():
        for action in Action:
            by_q = set(Dossier.objects.visible_to(user, action).values_list("pk", flat=True))
            by_q &= everyone
            by_sql = _by_sql(DOSSIER_GATE, user, action) & everyone
            by_check = {d.pk for d in dossiers if DOSSIER_GATE.allows(user, action, d)}
            if not by_q == by_sql == by_check:
                disagreements.append(f"{name} {action}: {by_q} {by_sql} {by_check}")
    assert not disagreements, disagreements[:5]


def test_what_the_rule_lets_through(tree: Tree, dossiers: list[Dossier]) -> None:
    a, a_cs1, a_cb1, _ = dossiers
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    assert set(Dossier.objects.visible_to(officer)) == {a, a_cs1}  # scope, then clearance
    reader = make_user(tree.committee_a, Role.COMMITTEE_MEMBER, clearance="TUYET_MAT")
    assert set(Dossier.objects.visible_to(reader)) == {a, a_cs1, a_cb1}
    assert not Dossier.objects.visible_to(reader, Action.CHANGE).exists()  # reads only
    agency = make_user(tree.agency, Role.AGENCY_OFFICER, clearance="TUYET_MAT")
    # Its action reaches addressed requests; dossiers have no addressee column.
    assert not Dossier.objects.visible_to(agency, Action.REPLY_AS_AGENCY).exists()
    assert set(Dossier.objects.visible_to(SYSTEM)) == set(dossiers)
    # Grants for other rows reach no dossier: administration (everywhere, for configuration)
    # and a clerk's register (their scope, for secret documents).
    admin = make_user(tree.root, Role.SYSADMIN, clearance="TUYET_MAT")
    clerk = make_user(tree.root, Role.SECRET_CLERK, clearance="TUYET_MAT")
    for user in (admin, clerk):
        for action in Action:
            assert not Dossier.objects.visible_to(user, action).exists(), action
            assert not any(DOSSIER_GATE.allows(user, action, d) for d in dossiers)
            assert DOSSIER_GATE.sql(user, action) is None


def test_everything_stays_everything_when_or_ed(tree: Tree) -> None:
    from bvct.audit.models import AuditEvent

    # The system reads every event, those of an organisation too (its "everything" is a real
    # condition, which the top of the tree's extra one is OR-ed with).
    assert AuditEvent.objects.visible_to(SYSTEM).count() == AuditEvent.objects.count()
    assert AuditEvent.objects.exclude(org_path="").exists()


def test_a_further_reach_is_a_column_compared_with_the_user_still_bounded_by_clearance(
    tree: Tree, dossiers: list[Dossier]
) -> None:
    b = dossiers[3]
    # A rule whose rows name a competent body (here, for the test: the managing organisation).
    rule = ScopeRule(
        actions=frozenset({Action.SIGN_CONCLUSION}),
        columns={Reach.COMPETENT_BODY: "managing_org_id"},
    )
    signer = make_user(tree.committee_b, Role.COMMITTEE_MEMBER, clearance="MAT")
    assert {d.pk for d in dossiers if rule.allows(signer, Action.SIGN_CONCLUSION, d)} == set()
    signer = make_user(tree.committee_b, Role.COMMITTEE_MEMBER, clearance="TOI_MAT")
    condition = rule.q(signer, Action.SIGN_CONCLUSION)
    assert condition is not None
    assert set(Dossier.objects.filter(condition)) == {b}
    assert _by_sql(rule, signer, Action.SIGN_CONCLUSION) == {b.pk}
    assert rule.allows(signer, Action.SIGN_CONCLUSION, b)


def test_like_characters_in_a_path_are_matched_literally() -> None:
    user = _fake(Role.BVCT_OFFICER)
    user.scope_path = "/1_%/"
    rule = ScopeRule(actions=frozenset({Action.VIEW}))
    where, params = rule.sql(user, Action.VIEW)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT org_path FROM (VALUES (%s, 0), (%s, 0), (%s, 0)) "
            f"v(org_path, classification) WHERE {where}",
            ["/1_%/2/", "/1ab/2/", "/1_x/", *params],
        )
        assert [row[0] for row in cursor.fetchall()] == ["/1_%/2/"]
    assert rule.allows(user, Action.VIEW, org_path="/1_%/2/", classification=0)
    assert not rule.allows(user, Action.VIEW, org_path="/1ab/2/", classification=0)


def test_children_are_visible_as_their_parent_is(tree: Tree, dossiers: list[Dossier]) -> None:
    a, a_cs1, _, b = dossiers
    for dossier in (a, b):
        services.declaration_submit(
            actor=SYSTEM,
            dossier=dossier,
            expected_number=1,
            content=declaration(dossier.persons.get(is_subject=True).full_name, "1970",
                                relatives=[father()]),
        )  # fmt: skip
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT")
    assert set(Declaration.objects.visible_to(officer).values_list("dossier", flat=True)) == {
        a.pk,
        a_cs1.pk,
    }
    # Both dossiers declare one father: a proposed link between a visible and a hidden one.
    link = PersonLink.objects.get()
    assert not PersonLink.objects.visible_to(officer).exists()
    board = make_user(tree.root, Role.BVCT_OFFICER, clearance="TOI_MAT")
    assert list(PersonLink.objects.visible_to(board)) == [link]


def test_a_batch_is_read_as_the_trail_is(tree: Tree, dossiers: list[Dossier]) -> None:
    from django.test import Client

    from bvct.people.models import ExportBatch

    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    client = Client()
    client.force_login(officer)
    exported = client.post("/ho-so/xuat-excel/", {"q": "an", "purpose": "REVIEW", "ceiling": "MAT"})
    assert exported.status_code == 200
    batch = ExportBatch.objects.get()
    # The file's record (what was asked, why) is the trail's: the auditors of its organisation
    # read it; the dossiers' own readers, the exporter among them, do not read it from here.
    auditor = make_user(tree.committee_a, Role.AUDITOR, clearance="TUYET_MAT")
    assert list(ExportBatch.objects.visible_to(auditor)) == [batch]
    assert not ExportBatch.objects.visible_to(officer).exists()
    assert not ExportBatch.objects.visible_to(auditor, Action.CHANGE).exists()
    elsewhere = make_user(tree.committee_b, Role.AUDITOR, clearance="TUYET_MAT")
    assert not ExportBatch.objects.visible_to(elsewhere).exists()


def test_the_case_rule_agrees_in_its_three_forms_restricted_cases_included(tree: Tree) -> None:
    """The case rule adds a competent-body column and the restriction (only assignees and the
    competent body's committee members keep the scope reach): q, sql and allows still agree."""
    from bvct.vetting import services as case_services
    from bvct.vetting.models import CASE_GATE, Case
    from tests.vetting.cases import account, build

    scene = build(tree)
    cases = [
        case_services.case_open(actor=scene.officer, decision=scene.decision, restricted=True),
        case_services.case_open(
            actor=scene.officer, dossier=scene.dossier, origin="NEW_INFORMATION"
        ),
        case_services.case_open(actor=SYSTEM, dossier=scene.dossier, origin="NEW_INFORMATION",
                                restricted=True),
    ]  # fmt: skip
    everyone = {c.pk for c in cases}
    principals = _principals(tree)
    principals.update(officer=scene.officer, signer=scene.signer,
                      colleague=account(tree.committee_a, Role.BVCT_OFFICER))  # fmt: skip
    disagreements = []
    for name, user in principals.items():
        for action in Action:
            by_q = set(Case.objects.visible_to(user, action).values_list("pk", flat=True))
            by_q &= everyone
            condition = CASE_GATE.sql(user, action, alias="c")
            by_sql: set[int] = set()
            if condition is not None:
                where, params = condition
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT c.id FROM vetting_case c WHERE {where}", params)
                    by_sql = {row[0] for row in cursor.fetchall()} & everyone
            by_check = {c.pk for c in cases if CASE_GATE.allows(user, action, c)}
            if not by_q == by_sql == by_check:
                disagreements.append(f"{name} {action}: {by_q} {by_sql} {by_check}")
    assert not disagreements, disagreements[:5]
    restricted, open_one, _nobody_assigned = cases
    assert set(Case.objects.visible_to(principals["colleague"])) == {open_one}
    assert set(Case.objects.visible_to(scene.officer)) == {restricted, open_one}
    assert set(Case.objects.visible_to(scene.signer)) == set(cases)
