"""Demo data: one province, built through the services (so it is audited) and idempotently.

Organisation names are real kinds of bodies; the cadres are invented. Never load in production
(BVCT_DEMO_ALLOWED=false refuses).
"""

from __future__ import annotations

from dataclasses import dataclass

from bvct.accounts import services as account_services
from bvct.accounts.constants import Role
from bvct.accounts.models import User
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
    DemoLogin("congan", "Phạm Quốc Bảo", "duca-tinh", (Role.AGENCY_OFFICER,), "MAT"),
    DemoLogin("vanthu", "Hoàng Thị Mai", "vp-tu", (Role.SECRET_CLERK,), "TUYET_MAT"),
    DemoLogin("kiemtra", "Đỗ Thanh Hà", "tu-bac-ninh", (Role.AUDITOR,), "TUYET_MAT"),
    DemoLogin("quantri", "Vũ Đức Anh", "vp-tu", (Role.SYSADMIN,), "NONE"),
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
    from bvct.people.generator import generate
    from bvct.people.models import Dossier

    if not Dossier.objects.exists():
        # Invented members with their relatives, so the pages have something to show
        # (deterministic: the same people on every machine).
        generate(members=DEMO_MEMBERS, seed=2026)
    return {
        "organisations": Organisation.objects.count(),
        "scopes": ManagementScope.objects.count(),
        "users": User.objects.count(),
        "dossiers": Dossier.objects.count(),
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
    committees: dict[str, str] = {}
    for code, name in UPPER_COMMITTEES:
        _org(code, name, "dang-uy-tren-co-so", root_code)
        committees[code] = name
    for commune in COMMUNES:
        code = _commune_code(commune)
        _org(code, f"Đảng ủy {commune}", "dang-uy-xa-phuong", root_code)
        committees[code] = f"Đảng ủy {commune}"
    for committee, committee_name in committees.items():
        for i in range(1, 4):
            grassroots = f"{committee}-cs{i}"
            # Named for people (pages never show codes): the committee by its name.
            name = f"Đảng bộ cơ sở số {i} – {committee_name}"
            _org(grassroots, name, "dang-bo-co-so", committee)
            for j in range(1, 3):
                _org(f"{grassroots}-cb{j}", f"Chi bộ {j}", "chi-bo", grassroots)
    for tier_code, tier_name, rank in TIERS:
        if not ManagementTier.objects.filter(code=tier_code).exists():
            org_services.tier_create(
                actor=SYSTEM, code=tier_code, name=tier_name, rank=rank, source=SOURCE
            )
    _scope("dien-btv-tinh-uy", root_code, root_code)
    for committee in committees:
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
