"""Casework scenes for tests, built through the services: a commune A dossier proposed for a
management post, an officer, a verifier and a committee member of the competent body (commune
A's committee), its term for numbering, and helpers that walk a case to its conclusion."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from bvct.accounts import services as account_services
from bvct.accounts.models import User
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.orgs.models import Organisation
from bvct.people.identity import make_citizen_id
from bvct.people.models import Dossier, Person
from bvct.positions import services as positions_services
from bvct.positions.models import PersonnelDecision, Post
from bvct.vetting import services, services_conclusions, services_findings
from bvct.vetting.constants import CaseState, Outcome
from bvct.vetting.models import Case, Conclusion
from tests.documents.helpers import make_term
from tests.factories import PASSWORD, Tree
from tests.positions.factories import make_dossier, make_post

_serial = itertools.count(500)


def citizen_id() -> str:
    return make_citizen_id("001", "M", 1980, next(_serial))


def account(
    org: Organisation, *roles: str, clearance: str = "TUYET_MAT", cccd: str | None = ""
) -> User:
    """An account; ``cccd`` "" draws a fresh citizen ID, None leaves it empty."""
    return account_services.user_create(
        actor=SYSTEM,
        username=f"cw{next(_serial)}",
        full_name=f"Cán Bộ {next(_serial)}",
        organisation_code=org.code,
        roles=list(roles),
        clearance=clearance,
        password=PASSWORD,
        citizen_id=citizen_id() if cccd == "" else (cccd or ""),
    )


@dataclass
class Scene:
    tree: Tree
    post: Post
    dossier: Dossier
    decision: PersonnelDecision
    officer: User
    verifier: User
    signer: User

    @property
    def subject(self) -> Person:
        return Person.objects.get(dossier=self.dossier, is_subject=True)

    def relative(self) -> Person:
        return Person.objects.filter(dossier=self.dossier, is_subject=False).order_by("id")[0]


def decide(
    scene_or_dossier: Any, kind: str = "APPOINTMENT", post: Post | None = None, **more: Any
) -> PersonnelDecision:
    dossier = getattr(scene_or_dossier, "dossier", scene_or_dossier)
    tree_org = dossier.managing_org
    if post is None and kind == "APPOINTMENT":
        post = getattr(scene_or_dossier, "post", None)
    return positions_services.decision_record(
        actor=SYSTEM,
        dossier=dossier,
        kind=kind,
        post=post,
        deciding_org=tree_org,
        proposed_on=more.pop("proposed_on", dt.date(2026, 1, 5)),
        **more,
    )


def set_members(org: Organisation, members: int, standing: int | None = None) -> Organisation:
    """The committee's number of members (and its standing committee's), as the administrator
    records them on its page."""
    from bvct.orgs.services import organisation_update

    return organisation_update(
        actor=SYSTEM, org=org, members_count=members, standing_members_count=standing
    )


def build(tree: Tree, *, content: dict[str, Any] | None = None) -> Scene:
    from bvct.people import services as people_services

    post = make_post(tree.committee_a)
    if content is None:
        dossier = make_dossier()
    else:
        dossier = people_services.dossier_create(
            actor=SYSTEM, managing_org_code="t-a", classification="TOI_MAT", content=content
        )
    decision = positions_services.decision_record(
        actor=SYSTEM,
        dossier=dossier,
        kind="APPOINTMENT",
        post=post,
        deciding_org=tree.committee_a,
        proposed_on=dt.date(2026, 1, 5),
    )
    make_term(tree.committee_a)
    set_members(tree.committee_a, 9)
    return Scene(
        tree=tree,
        post=post,
        dossier=dossier,
        decision=decision,
        officer=account(tree.committee_a, Role.BVCT_OFFICER),
        verifier=account(tree.committee_a, Role.BVCT_OFFICER),
        signer=account(tree.committee_a, Role.COMMITTEE_MEMBER),
    )


def open_case(scene: Scene, **more: Any) -> Case:
    return services.case_open(actor=scene.officer, decision=scene.decision, **more)


def to_deliberation(scene: Scene, case: Case) -> Case:
    """Appraisal that finds nothing, then straight to the committee."""
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    services_findings.appraisal_record(
        actor=scene.officer,
        case=case,
        nothing_found=True,
        note="Đã đối chiếu lý lịch: không nội dung nào cần thẩm tra, xác minh.",
    )
    return services.case_transition(actor=scene.officer, case=case, to=CaseState.DELIBERATION)


def conclude(scene: Scene, case: Case, **more: Any) -> Conclusion:
    values: dict[str, Any] = {
        "meeting_date": dt.date.today(),
        "members_present": 8,
        "votes_for": 7,
        "votes_against": 1,
        "outcome": Outcome.NO_ISSUE,
        "text": "Đủ tiêu chuẩn chính trị để bổ nhiệm.",
        "signer_title": "BÍ THƯ",
        "place": "Bắc Ninh",
        "recipients": ["Ban Tổ chức Tỉnh ủy", "Lưu Văn phòng"],
    }
    values.update(more)
    return services_conclusions.conclusion_issue(actor=scene.signer, case=case, **values)


def concluded(scene: Scene, **more: Any) -> Conclusion:
    case = to_deliberation(scene, open_case(scene))
    return conclude(scene, case, **more)
