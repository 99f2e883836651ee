from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.factories import Tree, build_tree

TREE_CODES = ["t-root", "t-btc", "t-ca", "t-a", "t-b", "t-a-cs1", "t-a-cs1-cb1"]


def pytest_configure(config: pytest.Config) -> None:
    # Argon2 is the production hasher (tests/accounts asserts it); a cheap one keeps tests fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """One small organisation tree for the whole session; each test rolls back its own changes."""
    with django_db_blocker.unblock():
        build_tree()


@pytest.fixture
def tree(db: Any) -> Tree:
    from bvct.orgs.models import Organisation

    orgs = {
        o.code: o for o in Organisation.objects.select_related("kind").filter(code__in=TREE_CODES)
    }
    return Tree(
        root=orgs["t-root"],
        board=orgs["t-btc"],
        agency=orgs["t-ca"],
        committee_a=orgs["t-a"],
        committee_b=orgs["t-b"],
        grassroots_a=orgs["t-a-cs1"],
        cell_a=orgs["t-a-cs1-cb1"],
    )


@pytest.fixture
def audit_mark(db: Any) -> int:
    """The last audit sequence number before the test: count events after it."""
    from django.db.models import Max

    from bvct.audit.models import AuditEvent

    return AuditEvent.objects.aggregate(m=Max("seq"))["m"] or 0


def events_since(mark: int, **filters: Any) -> list[Any]:
    from bvct.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(seq__gt=mark, **filters).order_by("seq"))
