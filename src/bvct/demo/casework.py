"""Demo casework: document terms for the committees that issue, citizen IDs on the demo
logins (so verifiers and signers can be checked against the subjects), and cases in every
stage (open, appraisal, verification, deliberation, concluded, withdrawn) with findings,
verification results, signed conclusions, a reused conclusion and a reported change, each
through the services (so audited), deterministic and only once (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bvct.core.gate import SYSTEM

COMMUNE = "du-phuong-kinh-bac"  # canbo.xa's committee: its cases are concluded there
PROVINCE = "tu-bac-ninh"
AGENCY = "duca-tinh"
# The committees that issue conclusions in the demo, with their term's symbol and heading.
TERMS = [
    (PROVINCE, "TU", "TỈNH ỦY BẮC NINH", "ĐẢNG BỘ TỈNH BẮC NINH"),
    (COMMUNE, "ĐU", "ĐẢNG ỦY PHƯỜNG KINH BẮC", "ĐẢNG BỘ TỈNH BẮC NINH"),
    # The province's organisation board issues the appraisal reports of its officers.
    ("btc-tu", "BTCTU", "BAN TỔ CHỨC TỈNH ỦY", "TỈNH ỦY BẮC NINH"),
    ("du-phuong-vo-cuong", "ĐU", "ĐẢNG ỦY PHƯỜNG VÕ CƯỜNG", "ĐẢNG BỘ TỈNH BẮC NINH"),
]
TERM = ("2025–2030", dt.date(2025, 10, 1))
# The committees' number of members and of their standing committee's (quorum and majority
# are counted on them).
MEMBERS = {PROVINCE: (53, 15), COMMUNE: (11, 5), "du-phuong-vo-cuong": (11, 5)}
# Invented, well-formed citizen IDs (place 027 Bắc Ninh), far from the generator's serials.
CITIZEN_IDS = {
    "canbo.bvct": "027185990001",
    "canbo.xa": "027088990002",
    "uyvien": "027070990003",
    "uyvien.xa": "027175990004",
    "congan": "027082990005",
    "vanthu": "027190990006",
    "kiemtra": "027179990007",
}
STAGES = ["OPEN", "APPRAISAL", "VERIFICATION", "DELIBERATION", "CONCLUDED", "CONCLUDED_CLEAR"]
COMMUNE_POST = "Phó Bí thư Đảng ủy"
PROVINCE_POST = "Trưởng Ban Tổ chức Tỉnh ủy"


def seed_demo_casework() -> None:
    """Terms, citizen IDs, then the cases (once: nothing is added when a case exists)."""
    from bvct.accounts.models import User
    from bvct.vetting.models import Case

    _terms()
    _members()
    users = {u.username: u for u in User.objects.filter(username__in=CITIZEN_IDS)}
    for username, citizen_id in CITIZEN_IDS.items():
        user = users.get(username)
        if user is not None and not user.citizen_id:
            from bvct.accounts.services import user_update

            users[username] = user_update(actor=SYSTEM, user=user, citizen_id=citizen_id)
    if Case.objects.exists() or not {"canbo.xa", "canbo.bvct", "uyvien", "uyvien.xa"} <= set(users):
        return
    _commune_cases(users)
    _province_cases(users)


def _terms() -> None:
    from bvct.documents.models import Term
    from bvct.documents.services import term_create
    from bvct.orgs.models import Organisation

    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[t[0] for t in TERMS])}
    name, starts_on = TERM
    for code, symbol, heading, parent in TERMS:
        org = orgs.get(code)
        if org is not None and not Term.objects.filter(issuer=org).exists():
            term_create(
                actor=SYSTEM, issuer=org, name=name, starts_on=starts_on, ends_on=None,
                symbol=symbol, heading=heading, heading_parent=parent,
            )  # fmt: skip


def _members() -> None:
    from bvct.orgs.models import Organisation
    from bvct.orgs.services import organisation_update

    for org in Organisation.objects.filter(code__in=MEMBERS, members_count__isnull=True):
        members, standing = MEMBERS[org.code]
        organisation_update(
            actor=SYSTEM, org=org, members_count=members, standing_members_count=standing
        )


def _dossiers(code: str, n: int) -> list[Any]:
    """Dossiers the committee itself manages, at most Mật (``canbo.xa``'s clearance): first
    those no decision names yet, then the positions demo's (a few members per committee)."""
    from django.db.models import Exists, OuterRef

    from bvct.people.models import Dossier
    from bvct.positions.models import PersonnelDecision

    named = Exists(PersonnelDecision.objects.filter(dossier=OuterRef("pk")))
    rows = Dossier.objects.filter(managing_org__code=code, classification__lte=1)
    return list(rows.annotate(named=named).order_by("named", "id")[:n])


def _post(code: str, name: str) -> Any:
    from bvct.positions.models import Post

    return Post.objects.filter(organisation__code=code, name=name).first()


def _decide(dossier: Any, kind: str, post: Any, org: Any, day: int) -> Any:
    from bvct.positions.services import decision_record

    return decision_record(
        actor=SYSTEM, dossier=dossier, kind=kind, post=post, deciding_org=org,
        proposed_on=dt.date(2026, 2, day), reference=f"{20 + day}-TTr/ĐU",
    )  # fmt: skip


def _walk(officer: Any, case: Any, to: str, *, verifier: Any) -> Any:
    """Bring a case from OPEN to ``to`` as the demo officer would, through the services."""
    from bvct.people.models import Person
    from bvct.vetting import services, services_findings
    from bvct.vetting.models import Finding
    from bvct.vetting.rules import rule_pack_current

    order = STAGES.index(to)
    if order < 1:
        return case
    case = services.case_transition(actor=officer, case=case, to="APPRAISAL")
    if order < 2:
        return case
    clear = to == "CONCLUDED_CLEAR"
    services_findings.appraisal_record(
        actor=officer, case=case, nothing_found=clear,
        note="Lý lịch đầy đủ; không có vấn đề cần xác minh." if clear else
        "Cha có thời gian làm việc cho chế độ cũ: cần xác minh.",
    )  # fmt: skip
    if clear:
        return services.case_transition(actor=officer, case=case, to="DELIBERATION")
    father = (
        Person.objects.filter(dossier_id=case.subject_id, is_subject=False).order_by("id").first()
    )
    assert father is not None  # every generated member declares relatives
    category = rule_pack_current().issue_categories[0].code
    finding = services_findings.finding_create(
        actor=officer, case=case, category=category, person=father, period="HISTORY",
        summary="Thân nhân có thời gian làm việc cho chế độ cũ (đã khai trong lý lịch)",
        declaration_refs=["relatives[0]"],
    )  # fmt: skip
    services.case_assign(actor=officer, case=case, user=verifier, duty="VERIFIER")
    case = services.case_transition(actor=officer, case=case, to="VERIFICATION")
    if order < 3:
        return case
    from bvct.orgs.models import Organisation

    today = timezone.localdate()
    result = services_findings.verification_result_record(
        actor=verifier, case=case, agency=Organisation.objects.get(code=AGENCY),
        document_number=f"{case.pk:02d}/CV-ANCTNB", document_date=today - dt.timedelta(3),
        received_on=today - dt.timedelta(1), findings=[finding],
        summary="Xác minh đúng như lời khai; sau 1975 chấp hành tốt chính sách, pháp luật.",
    )  # fmt: skip
    finding = Finding.objects.get(pk=finding.pk)
    services_findings.finding_update(
        actor=officer, finding=finding, expected_version=finding.version,
        status="CONFIRMED", evidence=[result],
    )  # fmt: skip
    return services.case_transition(actor=officer, case=case, to="DELIBERATION")


def _conclude(signer: Any, case: Any, outcome: str, covers: list[str] | None = None) -> Any:
    from bvct.vetting.models import Finding
    from bvct.vetting.services_conclusions import conclusion_issue, deciding_body

    body = deciding_body(case)
    assert body.members is not None  # _members() recorded it
    findings = list(Finding.objects.filter(case=case))
    text = {
        "NO_ISSUE": "Đủ tiêu chuẩn chính trị.",
        "ISSUE_NO_VIOLATION": "Có vấn đề chính trị về thân nhân nhưng không vi phạm tiêu "
        "chuẩn chính trị; đủ điều kiện quy hoạch theo quy định.",
    }[outcome]
    today = timezone.localdate()
    return conclusion_issue(
        actor=signer, case=case, meeting_date=today, members_present=body.members - 1,
        votes_for=body.members - 1, votes_against=0, outcome=outcome, text=text,
        covers_kinds=covers, findings=findings, signer_title="BÍ THƯ", place="Bắc Ninh",
        recipients=[body.name, "Cấp ủy nơi công tác", "Lưu hồ sơ cán bộ, Văn phòng"],
    )  # fmt: skip


def _commune_cases(users: dict[str, Any]) -> None:
    """Seven decisions about members of phường Kinh Bắc: a case in each stage, two concluded
    (one resting on a verified finding, one on a nothing-found appraisal, reused for a later
    appointment), one withdrawn. (The positions demo's decisions stay waiting for a check.)"""
    from bvct.orgs.models import Organisation
    from bvct.vetting import services
    from bvct.vetting.coverage import decision_check
    from bvct.vetting.services_changes import reported_change_record

    officer, verifier, signer = users["canbo.xa"], users["canbo.bvct"], users["uyvien.xa"]
    org = Organisation.objects.get(code=COMMUNE)
    post = _post(COMMUNE, COMMUNE_POST)
    people = _dossiers(COMMUNE, len(STAGES) + 1)
    if post is None or len(people) < len(STAGES) + 1:
        return
    for i, stage in enumerate(STAGES):
        decision = _decide(people[i], "SUCCESSION_PLANNING", post, org, i + 1)
        case = decision_check(actor=officer, decision=decision).case
        case = _walk(officer, case, stage, verifier=verifier)
        if stage == "CONCLUDED":
            _conclude(signer, case, "ISSUE_NO_VIOLATION")
        elif stage == "CONCLUDED_CLEAR":
            _conclude(signer, case, "NO_ISSUE", ["SUCCESSION_PLANNING", "APPOINTMENT"])
            later = _decide(people[i], "APPOINTMENT", _post(COMMUNE, "Chủ tịch Ủy ban nhân dân"),
                            org, 20)  # fmt: skip
            decision_check(actor=officer, decision=later)  # covered: the reuse is recorded
            reported_change_record(
                actor=officer, dossier=people[i], kind="TRIP_ABROAD",
                occurred_on=timezone.localdate() - dt.timedelta(10),
                reported_on=timezone.localdate(),
                description="Đi Hàn Quốc thăm con đang du học (7 ngày), đã báo cáo chi bộ.",
            )  # fmt: skip
    withdrawn = _decide(people[len(STAGES)], "SUCCESSION_PLANNING", post, org, 10)
    case = decision_check(actor=officer, decision=withdrawn).case
    assert case is not None  # nothing covers a first proposal: the check opened its case
    services.case_withdraw(
        actor=officer, case=case, reason="Đồng chí xin rút khỏi danh sách quy hoạch."
    )


def _province_cases(users: dict[str, Any]) -> None:
    """A provincial post: the provincial standing committee concludes (``uyvien`` signs); one
    case waits for it in deliberation, one it concluded."""
    from bvct.orgs.models import Organisation
    from bvct.vetting.coverage import decision_check

    officer, signer = users["canbo.bvct"], users["uyvien"]
    post = _post("btc-tu", PROVINCE_POST)
    people = _dossiers("du-phuong-vo-cuong", 2)
    if post is None or len(people) < 2:
        return
    org = Organisation.objects.get(code=PROVINCE)
    for i, dossier in enumerate(people):
        decision = _decide(dossier, "APPOINTMENT", post, org, 15 + i)
        case = decision_check(actor=officer, decision=decision).case
        case = _walk(officer, case, "CONCLUDED_CLEAR", verifier=officer)
        if i == 1:
            _conclude(signer, case, "NO_ISSUE")


def demo_cases() -> list[str]:
    """“TT-…: name (stage)” of the demo's cases, for what to try."""
    from bvct.people.models import Person
    from bvct.vetting.models import Case

    names = dict(
        Person.objects.filter(is_subject=True, dossier_id__in=Case.objects.values("subject_id"))
        .values_list("dossier_id", "full_name")
    )  # fmt: skip
    return [
        f"{c.reference} {names.get(c.subject_id, '')} ({c.get_state_display().lower()})"
        for c in Case.objects.order_by("id")
    ]
