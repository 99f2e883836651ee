"""Demo posts, a key/classified catalogue listed by one decision of the provincial standing
committee, who holds or is planned for some posts, and a few proposed personnel decisions,
each through the services (so audited) and only once (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bvct.core.gate import SYSTEM
from bvct.orgs.models import Organisation

# The decision that listed the demo catalogue (invented, in the form such decisions take).
LISTING = ("1235-QĐ/TU", dt.date(2025, 1, 15), "Ban Thường vụ Tỉnh ủy Bắc Ninh")
POSTS = [
    # organisation code, name, tier, management
    ("tu-bac-ninh", "Bí thư Tỉnh ủy", "PROVINCE", True),
    ("tu-bac-ninh", "Phó Bí thư Tỉnh ủy", "PROVINCE", True),
    ("btc-tu", "Trưởng Ban Tổ chức Tỉnh ủy", "PROVINCE", True),
    ("btc-tu", "Chuyên viên Ban Tổ chức Tỉnh ủy", "PROVINCE", False),
    ("vp-tu", "Chánh Văn phòng Tỉnh ủy", "PROVINCE", True),
    ("vp-tu", "Văn thư, lưu trữ Văn phòng Tỉnh ủy", "PROVINCE", False),
]
COMMUNE_POSTS = [
    ("Bí thư Đảng ủy", True),
    ("Phó Bí thư Đảng ủy", True),
    ("Chủ tịch Ủy ban nhân dân", True),
]
CATALOGUE = [
    # kind, organisation code, name (a post's for POST), required clearance, classification
    ("BODY", "vp-tu", "Văn phòng Tỉnh ủy", 1, 0),
    ("UNIT", "vp-tu", "Bộ phận cơ yếu", 2, 1),
    ("UNIT", "btc-tu", "Bộ phận bảo vệ chính trị nội bộ", 2, 1),
    ("POST", "vp-tu", "Văn thư, lưu trữ Văn phòng Tỉnh ủy", 1, 0),
    ("POST", "btc-tu", "Trưởng Ban Tổ chức Tỉnh ủy", 2, 0),
]


def seed_demo_positions(communes: list[str]) -> None:
    """Posts, the catalogue, holdings and decisions of the demo province (once)."""
    from bvct.people.models import Dossier
    from bvct.positions import services, services_catalogue
    from bvct.positions.models import Post

    if Post.objects.exists():
        return
    orgs = {
        o.code: o for o in Organisation.objects.filter(code__in=[p[0] for p in POSTS] + communes)
    }
    posts: dict[tuple[str, str], Any] = {}
    for code, name, tier, management in POSTS:
        posts[(code, name)] = services.post_create(
            actor=SYSTEM, organisation=orgs[code], name=name, tier=tier, is_management=management
        )
    for code in communes:
        if code not in orgs:
            continue
        for name, management in COMMUNE_POSTS:
            posts[(code, name)] = services.post_create(
                actor=SYSTEM, organisation=orgs[code], name=name, tier="COMMUNE",
                is_management=management,
            )  # fmt: skip
    number, date, issuer = LISTING
    entries = {}
    for kind, code, name, required, level in CATALOGUE:
        entries[name] = services_catalogue.catalogue_entry_create(
            actor=SYSTEM, kind=kind, organisation=orgs[code], name=name,
            post=posts.get((code, name)) if kind == "POST" else None,
            listing_number=number, listing_date=date, listing_issuer=issuer,
            required_clearance=required, classification=level,
        )  # fmt: skip
    commune = communes[0] if communes else ""
    if commune not in orgs:
        return
    people = list(Dossier.objects.filter(managing_org__code=commune).order_by("id")[:4]) or list(
        Dossier.objects.order_by("id")[:4]
    )
    if len(people) < 4:
        return
    start = dt.date(2021, 7, 1)
    holds = [("Bí thư Đảng ủy", "HOLDS"), ("Phó Bí thư Đảng ủy", "HOLDS"),
             ("Chủ tịch Ủy ban nhân dân", "HOLDS"), ("Phó Bí thư Đảng ủy", "PLANNED")]  # fmt: skip
    for dossier, (name, kind) in zip(people, holds, strict=True):
        services.holding_create(
            actor=SYSTEM, dossier=dossier, post=posts[(commune, name)], kind=kind, starts_on=start
        )
    board = orgs[commune]
    proposals = [
        (people[3], "SUCCESSION_PLANNING", posts[(commune, "Phó Bí thư Đảng ủy")], None),
        (people[1], "APPOINTMENT", posts[(commune, "Chủ tịch Ủy ban nhân dân")], None),
        (people[2], "CATALOGUE_POST", None, entries["Văn thư, lưu trữ Văn phòng Tỉnh ủy"]),
        (people[0], "ABROAD", None, None),
    ]
    for i, (dossier, kind, post, entry) in enumerate(proposals, start=1):
        services.decision_record(
            actor=SYSTEM, dossier=dossier, kind=kind, post=post, catalogue_entry=entry,
            deciding_org=board, proposed_on=dt.date(2026, 1, 5 + i),
            reference=f"{10 + i}-TTr/ĐU",
        )  # fmt: skip
