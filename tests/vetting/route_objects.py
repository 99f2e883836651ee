"""Casework objects the route sweep (tests/routes.py) tries the case pages on, made through
the services: a decision and cases about the sweep's dossier (commune A), a case waiting for
the provincial committee (the sweep's committee member belongs to it) and a concluded case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bvct.core.gate import SYSTEM
from bvct.orgs.models import Organisation
from bvct.people.models import Person
from bvct.positions import services as positions_services
from bvct.positions.models import PersonnelDecision
from bvct.vetting import services, services_findings
from bvct.vetting.constants import CaseState
from bvct.vetting.models import Case, Finding
from bvct.vetting.rules import rule_pack_current
from tests.conftest import TREE_CODES
from tests.factories import Tree

PROPOSED = dt.date(2026, 1, 5)


def tree() -> Tree:
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=TREE_CODES)}
    return Tree(
        root=orgs["t-root"],
        board=orgs["t-btc"],
        agency=orgs["t-ca"],
        committee_a=orgs["t-a"],
        committee_b=orgs["t-b"],
        grassroots_a=orgs["t-a-cs1"],
        cell_a=orgs["t-a-cs1-cb1"],
    )


def decision(o: Any) -> PersonnelDecision:
    return positions_services.decision_record(
        actor=SYSTEM,
        dossier=o.dossier,
        kind="PARTY_ADMISSION",
        deciding_org=o.dossier.managing_org,
        proposed_on=PROPOSED,
    )


def case(o: Any) -> Case:
    """An open case about the sweep's dossier (commune A's committee concludes it)."""
    return services.case_open(
        actor=SYSTEM, dossier=o.dossier, origin="NEW_INFORMATION", summary="Thông tin mới"
    )


def finding(o: Any) -> Finding:
    """A finding of a case in appraisal."""
    found = services.case_transition(actor=SYSTEM, case=case(o), to=CaseState.APPRAISAL)
    services_findings.appraisal_record(actor=SYSTEM, case=found, nothing_found=False)
    return services_findings.finding_create(
        actor=SYSTEM,
        case=found,
        category=rule_pack_current().issue_categories[0].code,
        person=Person.objects.get(dossier=o.dossier, is_subject=True),
        period="HISTORY",
        summary="Khai có thời gian làm việc cho chế độ cũ",
    )


def deliberating(o: Any) -> Case:
    """A case for a provincial post, waiting for the provincial committee (the root)."""
    root = tree().root
    post = positions_services.post_create(
        actor=SYSTEM, organisation=root, name="Phó Trưởng ban", tier="PROVINCE",
        is_management=True,
    )  # fmt: skip
    proposed = positions_services.decision_record(
        actor=SYSTEM, dossier=o.dossier, kind="APPOINTMENT", post=post, deciding_org=root,
        proposed_on=PROPOSED,
    )  # fmt: skip
    opened = services.case_open(actor=SYSTEM, decision=proposed)
    opened = services.case_transition(actor=SYSTEM, case=opened, to=CaseState.APPRAISAL)
    services_findings.appraisal_record(
        actor=SYSTEM,
        case=opened,
        nothing_found=True,
        note="Đã đối chiếu lý lịch: không nội dung nào cần thẩm tra, xác minh.",
    )
    return services.case_transition(actor=SYSTEM, case=opened, to=CaseState.DELIBERATION)


def concluded(o: Any) -> Case:
    """A case about the sweep's dossier, concluded by commune A's committee."""
    from bvct.core.constants import Role
    from tests.documents.helpers import make_term
    from tests.positions.factories import make_post
    from tests.vetting.cases import Scene, account, conclude, set_members, to_deliberation

    where = tree()
    post = make_post(where.committee_a, name="Chủ tịch Ủy ban nhân dân")
    proposed = positions_services.decision_record(
        actor=SYSTEM, dossier=o.dossier, kind="APPOINTMENT", post=post,
        deciding_org=where.committee_a, proposed_on=PROPOSED,
    )  # fmt: skip
    make_term(where.committee_a)
    set_members(where.committee_a, 9)
    officer = account(where.committee_a, Role.BVCT_OFFICER)
    scene = Scene(
        tree=where, post=post, dossier=o.dossier, decision=proposed, officer=officer,
        verifier=officer, signer=account(where.committee_a, Role.COMMITTEE_MEMBER),
    )  # fmt: skip
    opened = services.case_open(actor=officer, decision=proposed)
    return conclude(scene, to_deliberation(scene, opened)).case
