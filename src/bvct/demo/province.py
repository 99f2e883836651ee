"""Demo data: one province, built through the services (so it is audited) and idempotently.

Organisation names are real kinds of bodies; the cadres are invented. Never load in production
(BVCT_DEMO_ALLOWED=false refuses).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from bvct.accounts import services as account_services
from bvct.accounts.models import User
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.orgs import services as org_services
from bvct.orgs.models import ManagementScope, ManagementTier, Organisation, OrganisationKind

DEMO_MEMBERS = 300
DEMO_PASSWORD = "BVCT-demo-2026!"  # noqa: S105  (printed by make run; demo only)
SOURCE = "Dữ liệu mẫu"

KINDS = [
    # code, name, committee, advisory, agency
    ("tinh-uy", "Tỉnh ủy", True, False, False),
    ("ban-tham-muu", "Ban, văn phòng tham mưu của cấp ủy", False, True, False),
    ("co-quan-phoi-hop", "Cơ quan phối hợp công tác BVCTNB", False, False, True),
    ("dang-uy-tren-co-so", "Đảng ủy trực thuộc Tỉnh ủy", True, False, False),
    ("dang-uy-xa-phuong", "Đảng ủy xã, phường", True, False, False),
    ("dang-bo-co-so", "Đảng bộ cơ sở", True, False, False),
    ("chi-bo-co-so", "Chi bộ cơ sở", True, False, False),
    ("chi-bo", "Chi bộ trực thuộc", False, False, False),
]

ROOT = ("tu-bac-ninh", "Tỉnh ủy Bắc Ninh", "TU Bắc Ninh")
BOARDS = [
    ("btc-tu", "Ban Tổ chức Tỉnh ủy", "BTCTU"),
    ("vp-tu", "Văn phòng Tỉnh ủy", "VPTU"),
]
# The seven coordinating agencies of the coordination rule (DOMAIN.md §6).
AGENCIES = [
    ("ubkt-tu", "Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU"),
    ("btgdv-tu", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "BTGDVTU"),
    ("bnc-tu", "Ban Nội chính Tỉnh ủy", "BNCTU"),
    ("duqs-tinh", "Đảng ủy Quân sự tỉnh", "ĐUQS"),
    ("duca-tinh", "Đảng ủy Công an tỉnh", "ĐUCA"),
    ("so-ngoai-vu", "Sở Ngoại vụ", "SNgV"),
    ("thanh-tra-tinh", "Thanh tra tỉnh", "TTr"),
]
UPPER_COMMITTEES = [
    ("du-cqd-tinh", "Đảng ủy các cơ quan Đảng tỉnh"),
    ("du-ubnd-tinh", "Đảng ủy Ủy ban nhân dân tỉnh"),
]
COMMUNES = [
    "phường Kinh Bắc", "phường Võ Cường", "phường Từ Sơn", "phường Đông Ngàn",
    "phường Thuận Thành", "phường Quế Võ", "xã Tiên Du", "xã Yên Phong", "xã Gia Bình",
    "xã Lương Tài", "phường Bắc Giang", "phường Đa Mai", "xã Lạng Giang", "xã Yên Dũng",
    "phường Việt Yên", "xã Hiệp Hòa", "xã Tân Yên", "xã Lục Nam",
]  # fmt: skip
TIERS = [
    ("dien-btv-tinh-uy", "Cán bộ diện Ban Thường vụ Tỉnh ủy quản lý", 1),
    ("dien-btv-dang-uy", "Cán bộ diện Ban Thường vụ đảng ủy trực thuộc quản lý", 2),
    ("dang-vien", "Đảng viên", 3),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    organisation: str
    roles: tuple[str, ...]
    clearance: str


LOGINS = [
    DemoLogin("canbo.bvct", "Nguyễn Thị Lan", "btc-tu", (Role.BVCT_OFFICER,), "TOI_MAT"),
    DemoLogin("canbo.xa", "Trần Văn Minh", "du-phuong-kinh-bac", (Role.BVCT_OFFICER,), "MAT"),
    DemoLogin("uyvien", "Lê Văn Hùng", "tu-bac-ninh", (Role.COMMITTEE_MEMBER,), "TUYET_MAT"),
    # Signs the conclusions of phường Kinh Bắc's committee (commune posts are concluded there).
    DemoLogin(
        "uyvien.xa", "Nguyễn Văn Thắng", "du-phuong-kinh-bac", (Role.COMMITTEE_MEMBER,), "MAT"
    ),
    DemoLogin("congan", "Phạm Quốc Bảo", "duca-tinh", (Role.AGENCY_OFFICER,), "MAT"),
    DemoLogin("vanthu", "Hoàng Thị Mai", "vp-tu", (Role.SECRET_CLERK,), "TUYET_MAT"),
    DemoLogin("kiemtra", "Đỗ Thanh Hà", "tu-bac-ninh", (Role.AUDITOR,), "TUYET_MAT"),
    DemoLogin("quantri", "Vũ Đức Anh", "vp-tu", (Role.SYSADMIN,), "NONE"),
    # The second administrator confirms what the first asks (two-person rule for access).
    DemoLogin("quantri2", "Ngô Thị Thu", "vp-tu", (Role.SYSADMIN,), "NONE"),
]


def _commune_code(name: str) -> str:
    from bvct.core.text import normalize

    return "du-" + normalize(name).replace(" ", "-")


def _org(code: str, name: str, kind: str, parent: str | None, short: str = "") -> None:
    if not Organisation.objects.filter(code=code).exists():
        org_services.organisation_create(
            actor=SYSTEM, code=code, name=name, kind_code=kind, parent_code=parent, short_name=short
        )


def seed_demo() -> dict[str, int]:
    """The demo province, its accounts and a few hundred generated members (idempotent)."""
    seed_demo_structure()
    from bvct.demo.generator import generate
    from bvct.people.models import Dossier, PersonLink

    if not Dossier.objects.exists():
        # Invented members with their relatives, so the pages have something to show
        # (deterministic: the same people on every machine).
        generate(members=DEMO_MEMBERS, seed=2026)
    seed_demo_history()
    from bvct.demo.positions import seed_demo_positions

    seed_demo_positions([_commune_code(name) for name in COMMUNES[:2]])
    from bvct.demo.casework import seed_demo_casework

    seed_demo_casework()
    return {
        "organisations": Organisation.objects.count(),
        "scopes": ManagementScope.objects.count(),
        "users": User.objects.count(),
        "dossiers": Dossier.objects.count(),
        "versioned": Dossier.objects.filter(declaration_count__gt=1).count(),
        "links": PersonLink.objects.count(),
    }


def seed_demo_structure() -> None:
    """The demo province's organisations, management scope and accounts (idempotent).

    Each step is its own audited service call; an interrupted run is completed by the next.
    """
    for kind_code, kind_name, is_committee, is_advisory, is_agency in KINDS:
        if not OrganisationKind.objects.filter(code=kind_code).exists():
            org_services.org_kind_create(
                actor=SYSTEM,
                code=kind_code,
                name=kind_name,
                is_committee=is_committee,
                is_advisory=is_advisory,
                is_agency=is_agency,
            )
    root_code, root_name, root_short = ROOT
    _org(root_code, root_name, "tinh-uy", None, root_short)
    for code, name, short in BOARDS:
        _org(code, name, "ban-tham-muu", root_code, short)
    for code, name, short in AGENCIES:
        _org(code, name, "co-quan-phoi-hop", root_code, short)
    committees: list[tuple[str, str]] = []  # code, the place or body it is named after
    for code, name in UPPER_COMMITTEES:
        _org(code, name, "dang-uy-tren-co-so", root_code)
        committees.append((code, name.removeprefix("Đảng ủy ")))
    for commune in COMMUNES:
        code = _commune_code(commune)
        # Its short name marks its case numbers ("TT-2026-0001/ĐU-Kinh-Bắc"): as officials
        # abbreviate it, not the internal code.
        short = "ĐU " + commune.removeprefix("phường ").removeprefix("xã ")
        _org(code, f"Đảng ủy {commune}", "dang-uy-xa-phuong", root_code, short)
        committees.append((code, commune))
    for committee, place in committees:
        for i in range(1, 4):
            grassroots = f"{committee}-cs{i}"
            _org(grassroots, f"Đảng bộ cơ sở số {i} {place}", "dang-bo-co-so", committee)
            for j in range(1, 3):
                _org(f"{grassroots}-cb{j}", f"Chi bộ {j}", "chi-bo", grassroots)
    for tier_code, tier_name, rank in TIERS:
        if not ManagementTier.objects.filter(code=tier_code).exists():
            org_services.tier_create(
                actor=SYSTEM, code=tier_code, name=tier_name, rank=rank, source=SOURCE
            )
    _scope("dien-btv-tinh-uy", root_code, root_code)
    for committee, _place in committees:
        _scope("dien-btv-dang-uy", committee, committee)
        _scope("dang-vien", committee, committee)
    for login in LOGINS:
        if not User.objects.filter(username=login.username).exists():
            account_services.user_create(
                actor=SYSTEM,
                username=login.username,
                full_name=login.full_name,
                organisation_code=login.organisation,
                roles=login.roles,
                clearance=login.clearance,
                password=DEMO_PASSWORD,
            )


def _scope(tier: str, root: str, manager: str) -> None:
    exists = ManagementScope.objects.filter(tier__code=tier, subject_root__code=root).exists()
    if not exists:
        org_services.scope_set(
            actor=SYSTEM, tier_code=tier, subject_root_code=root, managing_org_code=manager,
            source=SOURCE,
        )  # fmt: skip


# --- declaration versions and links between dossiers ------------------------------------------
# The generated members each have one declaration and no relative in common: without these,
# comparing versions and deciding links would have nothing to show.

DEMO_OFFICER = "canbo.bvct"  # the province's BVCTNB officer submits and decides them
VERSIONED = 4  # the last generated dossiers get a second declaration, every other one a third
SIBLINGS = 4  # the dossiers before them get a brother or sister with a dossier of their own
CONFIRMED = 2  # of the siblings' fathers, these are confirmed as one person; the rest proposed
SIBLING_NAMES = [("Minh Châu", "F"), ("Quốc Huy", "M"), ("Thu Hà", "F"), ("Đức Long", "M")]
NEW_RESIDENCE = "Số 12 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh"


def seed_demo_history() -> None:
    """Declaration versions and proposed and confirmed links, on fixed demo dossiers (the
    generated ones in id order), each through the services. Idempotent: a dossier that already
    has more than one declaration, a sibling already filed, a link already decided are left."""
    from bvct.people.models import Dossier

    officer = User.objects.filter(username=DEMO_OFFICER).first()
    generated = list(Dossier.objects.order_by("id").values_list("id", flat=True)[:DEMO_MEMBERS])
    if officer is None or len(generated) < VERSIONED + SIBLINGS:
        return
    versioned = generated[-VERSIONED:]
    for i, dossier_id in enumerate(versioned):
        _versions(officer, dossier_id, third=i % 2 == 0)
    for i, dossier_id in enumerate(generated[-(VERSIONED + SIBLINGS) : -VERSIONED]):
        _sibling(officer, dossier_id, i, confirm=i < CONFIRMED)


def _current(dossier_id: int) -> tuple[Any, dict[str, Any]]:
    from bvct.people.constants import DeclarationStatus
    from bvct.people.models import Declaration, Dossier

    dossier = Dossier.objects.get(pk=dossier_id)
    content = Declaration.objects.get(dossier=dossier, status=DeclarationStatus.SUBMITTED).content
    return dossier, copy.deepcopy(content)


def _versions(officer: User, dossier_id: int, *, third: bool) -> None:
    """Version 2: a move, a relative retired, a new post; version 3: a child born."""
    from bvct.people.services import declaration_submit

    dossier, content = _current(dossier_id)
    if dossier.declaration_count != 1:
        return
    content["identity"]["residence"] = NEW_RESIDENCE
    for relative in content["relatives"]:
        if relative.get("occupation") and not relative.get("death"):
            relative["occupation"] = "Nghỉ hưu"
            break
    content["history"].append(
        {"from": "01/2025", "to": "", "text": "Chuyên viên Văn phòng Đảng ủy phường Kinh Bắc"}
    )
    declaration_submit(actor=officer, dossier=dossier, content=content, expected_number=1)
    if not third:
        return
    dossier, content = _current(dossier_id)
    family = content["identity"]["full_name"].split()[0]
    content["relatives"].append(
        {"relation": "con", "full_name": f"{family} Gia Bảo", "sex": "M", "birth": "2025"}
    )
    declaration_submit(actor=officer, dossier=dossier, content=content, expected_number=2)


def _sibling(officer: User, dossier_id: int, index: int, *, confirm: bool) -> None:
    """A brother or sister of the member, managed by the same committee, who declares the same
    parents and the member: the link proposals between the two dossiers follow by themselves."""
    from bvct.people.identity import make_citizen_id
    from bvct.people.models import Person, PersonLink
    from bvct.people.services import dossier_create, person_link_decide

    dossier, member = _current(dossier_id)
    identity = member["identity"]
    given, sex = SIBLING_NAMES[index % len(SIBLING_NAMES)]
    year = int(str(identity["birth"])[-4:]) + 3
    # Serials far above the generator's (below 200,000): no other subject has this number.
    citizen_id = make_citizen_id("027", sex, year, 900_000 + index)
    if not Person.objects.filter(is_subject=True, citizen_id=citizen_id).exists():
        parents = [
            {k: v for k, v in r.items() if k != "person"}
            for r in member["relatives"]
            if r["relation"] in ("cha", "me")
        ]
        brother = {
            k: identity.get(k, "")
            for k in ("full_name", "sex", "birth", "citizen_id", "hometown", "residence")
        }
        content = {
            "identity": identity
            | {
                "full_name": f"{identity['full_name'].split()[0]} {given}",
                "sex": sex,
                "birth": str(year),
                "citizen_id": citizen_id,
                "party_card_no": "",
            },
            "history": [],
            "political_events": [],
            "foreign_ties": [],
            "relatives": [*parents, {**brother, "relation": "anh-chi-em"}],
        }
        dossier_create(actor=officer, managing_org_code=dossier.managing_org.code, content=content)
    if not confirm:
        return
    sibling = Person.objects.get(is_subject=True, citizen_id=citizen_id)
    fathers = Person.objects.filter(relation__code="cha")
    link = (
        PersonLink.objects.filter(
            person_a__in=fathers.filter(dossier__in=[dossier.pk, sibling.dossier_id]),
            person_b__in=fathers.filter(dossier__in=[dossier.pk, sibling.dossier_id]),
            status="PROPOSED",
        )
        .select_related("person_a", "person_b")
        .first()
    )
    if link is not None:
        person_link_decide(actor=officer, link=link, confirm=True)


def demo_showcase() -> tuple[list[str], list[str]]:
    """The names of the subjects whose dossiers have several declaration versions, and of
    those with a relative linked to another dossier (proposed or confirmed): what to try."""
    from bvct.people.models import Person, PersonLink

    subjects = Person.objects.filter(is_subject=True).order_by("dossier_id")
    versioned = subjects.filter(dossier__declaration_count__gt=1)[:VERSIONED]
    linked_dossiers = PersonLink.objects.values_list("person_a__dossier_id", flat=True)
    linked = subjects.filter(dossier_id__in=linked_dossiers)[: 2 * SIBLINGS]
    return [p.full_name for p in versioned], [p.full_name for p in linked]
