"""Posts, catalogue entries, holdings and decisions for tests, made through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bvct.core.gate import SYSTEM
from bvct.people import services as people_services
from bvct.people.models import Dossier
from bvct.positions import services, services_catalogue
from bvct.positions.models import CatalogueEntry, PersonnelDecision, Post, PostHolding
from tests.factories import Tree
from tests.people.factories import declaration

LISTED = dt.date(2025, 6, 2)


@dataclass
class Positions:
    """In commune A: a management post, a Tối mật dossier, a Tối mật catalogue entry naming
    the post, a holding and a proposed appointment."""

    post: Post
    entry: CatalogueEntry
    dossier: Dossier
    holding: PostHolding
    decision: PersonnelDecision


def make_post(org: object, name: str = "Bí thư Đảng ủy", management: bool = True) -> Post:
    return services.post_create(
        actor=SYSTEM, organisation=org, name=name, tier="COMMUNE", is_management=management
    )  # type: ignore[arg-type]


def make_entry(
    org: object, post: Post | None = None, level: int = 2, **more: object
) -> CatalogueEntry:
    values: dict[str, object] = {
        "kind": "POST" if post else "UNIT",
        "organisation": org,
        "post": post,
        "name": "" if post else "Bộ phận cơ yếu",
        "listing_number": "15-QĐ/TU",
        "listing_date": LISTED,
        "listing_issuer": "Ban Thường vụ Tỉnh ủy",
        "required_clearance": 2,
        "classification": level,
    }
    values.update(more)
    return services_catalogue.catalogue_entry_create(actor=SYSTEM, **values)  # type: ignore[arg-type]


def make_dossier(code: str = "t-a", level: str = "TOI_MAT", birth: str = "12/05/1975") -> Dossier:
    return people_services.dossier_create(
        actor=SYSTEM,
        managing_org_code=code,
        classification=level,
        content=declaration("Nguyễn Văn Hùng", birth),
    )


def build(tree: Tree) -> Positions:
    post = make_post(tree.committee_a)
    entry = make_entry(tree.committee_a, post)
    dossier = make_dossier()
    holding = services.holding_create(
        actor=SYSTEM, dossier=dossier, post=post, kind="PLANNED", starts_on=dt.date(2025, 1, 1)
    )
    decision = services.decision_record(
        actor=SYSTEM,
        dossier=dossier,
        kind="APPOINTMENT",
        post=post,
        deciding_org=tree.committee_a,
        proposed_on=dt.date(2026, 1, 5),
        reference="12-TTr/ĐU",
    )
    return Positions(post, entry, dossier, holding, decision)


def sweep_objects(org: object, dossier: Dossier) -> Positions:
    """The route sweep's objects (tests/routes.py): in ``org``, about ``dossier``."""
    post = make_post(org, "Chức vụ của lượt kiểm tra tuyến")
    entry = make_entry(org, post, level=0)
    holding = services.holding_create(
        actor=SYSTEM, dossier=dossier, post=post, kind="HOLDS", starts_on=dt.date(2025, 1, 1)
    )
    decision = services.decision_record(
        actor=SYSTEM, dossier=dossier, kind="APPOINTMENT", post=post, deciding_org=org,
        proposed_on=dt.date(2026, 1, 5),
    )  # fmt: skip
    return Positions(post, entry, dossier, holding, decision)
