"""Which organisations each kind of user sees: one SQL condition, no per-row checks."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bvct.accounts.services import user_update
from bvct.core.constants import Action, Role
from bvct.core.gate import SYSTEM
from bvct.orgs.models import Organisation
from tests.factories import Tree, make_user

pytestmark = pytest.mark.django_db

TREE = {"t-root", "t-btc", "t-ca", "t-a", "t-b", "t-a-cs1", "t-a-cs1-cb1"}


def _codes(user: object, action: str = Action.VIEW) -> set[str]:
    return set(Organisation.objects.visible_to(user, action).values_list("code", flat=True)) & TREE


def test_anonymous_and_inactive_see_nothing(tree: Tree) -> None:
    assert _codes(AnonymousUser()) == set()
    user = make_user(tree.board, Role.BVCT_OFFICER)
    user_update(actor=SYSTEM, user=user, is_active=False)
    user.refresh_from_db()
    assert _codes(user) == set()


def test_committee_officer_sees_own_subtree_and_ancestors(tree: Tree) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    assert _codes(officer) == {"t-root", "t-a", "t-a-cs1", "t-a-cs1-cb1"}


def test_board_officer_sees_the_whole_committee(tree: Tree) -> None:
    officer = make_user(tree.board, Role.BVCT_OFFICER)
    assert _codes(officer) == TREE


def test_agency_officer_sees_only_its_agency_and_ancestors(tree: Tree) -> None:
    agent = make_user(tree.agency, Role.AGENCY_OFFICER)
    assert _codes(agent) == {"t-root", "t-ca"}


def test_only_sysadmin_may_change(tree: Tree) -> None:
    officer = make_user(tree.board, Role.BVCT_OFFICER, clearance="TUYET_MAT")
    admin = make_user(tree.committee_b, Role.SYSADMIN)
    assert _codes(officer, Action.CHANGE) == set()
    assert _codes(admin, Action.CHANGE) == TREE


def test_gate_is_a_single_query(tree: Tree) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER)
    officer = type(officer).objects.select_related("scope").get(pk=officer.pk)
    with CaptureQueriesContext(connection) as queries:
        list(Organisation.objects.visible_to(officer))
    assert len(queries) == 1
