"""Casework objects for the route sweep (tests/routes.py), made once per sweep through the
services, in the sweep's root organisation (the provincial committee concludes: the posts
are of the province's tier) about the sweep's dossier: a case in appraisal with a finding,
and a concluded case whose conclusion's DOCX can be downloaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people.models import Person
from bvct.positions import services as positions_services
from bvct.positions.models import PersonnelDecision
from bvct.vetting import services, services_conclusions, services_findings
from bvct.vetting.constants import CaseState, Outcome
from bvct.vetting.models import Case, Conclusion, Finding
from bvct.vetting.rules import rule_pack_current


@dataclass
class CaseObjects:
    decision: PersonnelDecision  # proposed, not yet checked
    case: Case  # in appraisal, with a finding
    finding: Finding
    conclusion: Conclusion


def case_objects(o: Any) -> CaseObjects:
    if hasattr(o, "casework"):
        return o.casework  # type: ignore[no-any-return]
    from tests.documents.helpers import make_term
    from tests.vetting.cases import account, set_members

    root = o.org
    make_term(root)

    def decision(name: str) -> PersonnelDecision:
        post = positions_services.post_create(
            actor=SYSTEM, organisation=root, name=name, tier="PROVINCE", is_management=True
        )
        return positions_services.decision_record(
            actor=SYSTEM, dossier=o.dossier, kind="APPOINTMENT", post=post,
            deciding_org=root, proposed_on=dt.date(2026, 1, 5),
        )  # fmt: skip

    case = services.case_open(actor=SYSTEM, decision=decision("Phó Bí thư Tỉnh ủy"))
    case = services.case_transition(actor=SYSTEM, case=case, to=CaseState.APPRAISAL)
    services_findings.appraisal_record(actor=SYSTEM, case=case, nothing_found=False)
    person = Person.objects.filter(dossier=o.dossier).order_by("id").first()
    finding = services_findings.finding_create(
        actor=SYSTEM, case=case, category=rule_pack_current().issue_categories[0].code,
        person=person, period="HISTORY", summary="Vấn đề của lượt kiểm tra tuyến",
    )  # fmt: skip
    done = services.case_open(actor=SYSTEM, decision=decision("Trưởng Ban Dân vận Tỉnh ủy"))
    done = services.case_transition(actor=SYSTEM, case=done, to=CaseState.APPRAISAL)
    services_findings.appraisal_record(
        actor=SYSTEM,
        case=done,
        nothing_found=True,
        note="Đã đối chiếu lý lịch: không nội dung nào cần thẩm tra, xác minh.",
    )
    done = services.case_transition(actor=SYSTEM, case=done, to=CaseState.DELIBERATION)
    signer = account(root, Role.COMMITTEE_MEMBER)
    set_members(root, 30, 9)
    conclusion = services_conclusions.conclusion_issue(
        actor=signer, case=done, meeting_date=dt.date.today(),
        members_present=8, votes_for=7, votes_against=0, outcome=Outcome.NO_ISSUE,
        text="Đủ tiêu chuẩn chính trị.", signer_title="BÍ THƯ", place="Bắc Ninh",
    )  # fmt: skip
    o.casework = CaseObjects(decision("Chánh Văn phòng Tỉnh ủy"), case, finding, conclusion)
    return o.casework  # type: ignore[no-any-return]
