"""Demo data: one province, every role, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from bvct.accounts.constants import Role
from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.audit.verify import verify_chain
from bvct.core.demo import AGENCIES, LOGINS
from bvct.core.gate import SYSTEM
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

    assert Dossier.objects.count() == 300  # demo members with their relatives
    call_command("seed_demo", stdout=StringIO())
    assert (Organisation.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (
        orgs,
        users,
        events,
    )
    assert Dossier.objects.count() == 300
    assert verify_chain().ok


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
    from bvct.core.demo import ROOT
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
