"""Test data, built through the services (so it is audited exactly as real data)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import factory

from bvct.accounts import services as account_services
from bvct.accounts.models import User
from bvct.core.gate import SYSTEM
from bvct.orgs import services as org_services
from bvct.orgs.models import Organisation

PASSWORD = "Mat-khau-thu-nghiem-2026"
_seq = itertools.count(1)


@dataclass(frozen=True)
class Tree:
    """A small province: root committee, its board, one agency, two committees with cells."""

    root: Organisation
    board: Organisation
    agency: Organisation
    committee_a: Organisation
    committee_b: Organisation
    grassroots_a: Organisation
    cell_a: Organisation


def build_tree() -> Tree:
    kinds = [
        ("tinh-uy", "Tỉnh ủy", True, False, False),
        ("ban", "Ban tham mưu", False, True, False),
        ("co-quan", "Cơ quan phối hợp", False, False, True),
        ("dang-uy", "Đảng ủy", True, False, False),
        ("dang-bo-co-so", "Đảng bộ cơ sở", True, False, False),
        ("chi-bo", "Chi bộ", False, False, False),
    ]
    for code, name, committee, advisory, agency in kinds:
        org_services.org_kind_create(
            actor=SYSTEM,
            code=code,
            name=name,
            is_committee=committee,
            is_advisory=advisory,
            is_agency=agency,
        )

    def org(code: str, name: str, kind: str, parent: str | None) -> Organisation:
        return org_services.organisation_create(
            actor=SYSTEM, code=code, name=name, kind_code=kind, parent_code=parent
        )

    root = org("t-root", "Tỉnh ủy Thử nghiệm", "tinh-uy", None)
    tree = Tree(
        root=root,
        board=org("t-btc", "Ban Tổ chức Tỉnh ủy", "ban", "t-root"),
        agency=org("t-ca", "Đảng ủy Công an tỉnh", "co-quan", "t-root"),
        committee_a=org("t-a", "Đảng ủy phường A", "dang-uy", "t-root"),
        committee_b=org("t-b", "Đảng ủy xã B", "dang-uy", "t-root"),
        grassroots_a=org("t-a-cs1", "Đảng bộ cơ sở A1", "dang-bo-co-so", "t-a"),
        cell_a=org("t-a-cs1-cb1", "Chi bộ A1-1", "chi-bo", "t-a-cs1"),
    )
    return tree


def make_user(
    org: Organisation,
    *roles: str,
    clearance: str = "NONE",
    username: str | None = None,
    password: str = PASSWORD,
) -> User:
    return account_services.user_create(
        actor=SYSTEM,
        username=username or f"user{next(_seq)}",
        full_name="Người Thử Nghiệm",
        organisation_code=org.code,
        roles=list(roles),
        clearance=clearance,
        password=password,
    )


class UserFactory(factory.Factory):
    """factory_boy front for make_user: ``UserFactory(org=..., roles=[...], clearance=...)``."""

    class Meta:
        model = User

    org: Organisation | None = None
    roles: list[str] = factory.LazyFunction(list)  # type: ignore[assignment]
    clearance = "NONE"

    @classmethod
    def _create(cls, model_class: type[User], *args: object, **kwargs: object) -> User:
        org = kwargs.pop("org")
        assert isinstance(org, Organisation)
        roles = kwargs.pop("roles") or []
        return make_user(org, *roles, clearance=str(kwargs.pop("clearance")))  # type: ignore[misc]
