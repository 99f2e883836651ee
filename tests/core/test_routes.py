"""Every route is registered with who may use it (tests/routes.py), and answers so to a
persona of every role: a walk of Django's URL resolver fails on any route not registered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from bvct.accounts import services as account_services
from bvct.audit.models import AuditEvent
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.orgs.models import Organisation
from bvct.people import services
from bvct.people.models import Dossier, PersonLink
from tests.factories import Tree, make_user
from tests.people.factories import FATHER_ID, declaration, father
from tests.routes import PUBLIC, ROUTES, SIGNED_IN

pytestmark = pytest.mark.django_db


def _route_names(resolver: Any = None, namespace: str = "") -> list[str]:
    found: list[str] = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            found.append(namespace + (pattern.name or f"<unnamed {pattern.pattern}>"))
    return found


def test_every_route_is_registered_with_who_may_use_it() -> None:
    names = _route_names()
    missing = sorted(set(names) - set(ROUTES))
    assert not missing, f"routes with no entry in tests/routes.py: {missing}"
    gone = sorted(set(ROUTES) - set(names))
    assert not gone, f"tests/routes.py names routes that no longer exist: {gone}"


@dataclass
class Objects:
    dossier: Dossier
    link: PersonLink
    event: AuditEvent
    org: Organisation
    user: Any
    token: Any
    grant: Any


@pytest.fixture
def objects(tree: Tree) -> Objects:
    dossier = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(relatives=[father("Làm ruộng")])
    )
    services.declaration_submit(
        actor=SYSTEM,
        dossier=dossier,
        expected_number=1,
        content=declaration(relatives=[father("Làm ruộng")], residence="Hà Nội"),
    )
    services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-a",
        content=declaration("Nguyễn Văn Hải", "1979", relatives=[father("Hưu trí")]),
    )
    owner = make_user(tree.root, Role.BVCT_OFFICER)
    token, _ = account_services.api_token_create(actor=owner, name="thử")
    asker = make_user(tree.board, Role.SYSADMIN)
    account_services.user_update(actor=asker, user=owner, clearance="TUYET_MAT")
    return Objects(
        dossier=dossier,
        link=PersonLink.objects.get(person_a__citizen_id=FATHER_ID),
        event=AuditEvent.objects.filter(org_path__startswith=tree.committee_a.path).last(),
        org=tree.root,
        user=owner,
        token=token,
        grant=owner.access_grants.get(),
    )


def _personas(tree: Tree) -> dict[str, Any]:
    people: dict[str, Any] = {"anonymous": None}
    for role in Role:
        org = tree.agency if role == Role.AGENCY_OFFICER else tree.root
        people[role] = make_user(org, role, clearance="TUYET_MAT")
    return people


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_route_answers_each_role_as_registered(
    tree: Tree, objects: Objects, name: str
) -> None:
    route = ROUTES[name]
    url = route.url(objects)
    problems = []
    for method, who in route.tries():
        for persona, user in _personas(tree).items():
            client = Client()
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(url, **({} if method == "get" else {"data": {}}))
            status = response.status_code
            where = f"{method.upper()} {persona}"
            if status >= 500:
                problems.append(f"{where}: {status}")
                continue
            if user is None:
                allowed = who == PUBLIC
            else:
                allowed = who in (PUBLIC, SIGNED_IN) or persona in who
            if user is None and not allowed:
                refused = (401, 403) if route.api else (302,)
                if status not in refused:
                    problems.append(f"{where}: expected {refused}, got {status}")
                elif status == 302 and "/accounts/login/" not in response["Location"]:
                    problems.append(f"{where}: redirected to {response['Location']}")
            elif allowed and status in (401, 403, 404):
                problems.append(f"{where}: may use it, got {status}")
            elif not allowed and status not in (403, 404):
                problems.append(f"{where}: may not use it, got {status}")
    assert not problems, f"{url}: " + "; ".join(problems)
