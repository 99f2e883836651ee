"""Demo casework: document terms for the committees that issue, citizen IDs on the demo
logins (so verifiers and signers can be checked against the subjects), and cases in every
stage (open, appraisal, verification, deliberation, concluded, withdrawn) with findings,
verification results, signed conclusions, a reused conclusion and a reported change, each
through the services (so audited), deterministic and only once (idempotent).

Each step of a case (a decision proposed, the case opened, a stage entered, a result received,
a conclusion signed) happens on a past working day of the working calendar, a number of working
days before today (:func:`on_day`), so the timeliness report and the deadlines show figures as
they would be in use: some stages quick, one past its deadline, a case late today. The audit
trail keeps the true time of the seeding (its time is the database's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

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
# When each commune case's steps happened, in working days before today: opened, appraisal
# started, verification started, the agency's answer received, deliberation started, concluded
# (None: the case has not got there). Appraisal has 5 working days in the default rule pack:
# the APPRAISAL case is late today; the DELIBERATION case's appraisal took 6, past its deadline.
TIMELINE: dict[str, tuple[int | None, ...]] = {
    "OPEN": (2,),
    "APPRAISAL": (9, 8),
    "VERIFICATION": (30, 29, 25),
    "DELIBERATION": (40, 39, 33, 20, 8),
    "CONCLUDED": (62, 61, 58, 45, 40, 33),
    "CONCLUDED_CLEAR": (52, 50, None, None, 47, 42),
}
WITHDRAWN = (25, 18)  # opened, withdrawn
# The provincial cases (nothing found: appraisal then deliberation): opened, appraisal,
# deliberation, concluded.
PROVINCE_TIMELINE = [(20, 19, 15, None), (46, 44, 41, 35)]
REUSED_AFTER = 20  # the later appointment the clear conclusion covers
CHANGE_REPORTED = (10, 5)  # the trip abroad: occurred, reported


def working_days_ago(n: int, *, before: dt.date | None = None) -> dt.date:
    """The working day ``n`` working days before ``before`` (today): 0 is the last working day
    on or before it."""
    from bvct.vetting.calendar import WorkingCalendar

    day = before or timezone.localdate()
    calendar = WorkingCalendar(day - dt.timedelta(days=2 * n + 40), day)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    for _ in range(n):
        day -= dt.timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= dt.timedelta(days=1)
    return day


@contextmanager
def on_day(day: dt.date, hour: int = 9) -> Iterator[dt.datetime]:
    """Run what is inside as on ``day``, a past (or today's) working day, at ``hour`` local
    time: the services' clock (``timezone.now``, hence ``timezone.localdate``) reads that
    moment, so the cases' events, deadlines and dates are those of that day."""
    from bvct.vetting.calendar import is_working_day

    if day > timezone.localdate():
        raise ValueError(f"{day} is after today: the demo records only what has happened")
    if not is_working_day(day):
        raise ValueError(f"{day} is not a working day")
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    with mock.patch.object(timezone, "now", return_value=moment):
        yield moment


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


def _decide(dossier: Any, kind: str, post: Any, org: Any, ago: int, number: int) -> Any:
    """The decision proposed three working days before the day ``ago`` (when it is checked)."""
    from bvct.positions.services import decision_record

    with on_day(working_days_ago(ago + 3), hour=8):
        return decision_record(
            actor=SYSTEM, dossier=dossier, kind=kind, post=post, deciding_org=org,
            proposed_on=timezone.localdate(), reference=f"{20 + number}-TTr/ĐU",
        )  # fmt: skip


def _check(officer: Any, decision: Any, ago: int) -> Any:
    """The requirement check on the day ``ago``: it opens the case (or records the reuse)."""
    from bvct.vetting.coverage import decision_check

    with on_day(working_days_ago(ago), hour=8):
        return decision_check(actor=officer, decision=decision)


def _walk(officer: Any, case: Any, to: str, *, verifier: Any, days: tuple[int | None, ...]) -> Any:
    """Bring a case from OPEN to ``to`` as the demo officer would, through the services, each
    step on its day (``days``: working days ago, as in :data:`TIMELINE`)."""
    from bvct.people.models import Person
    from bvct.vetting import services, services_findings
    from bvct.vetting.models import Finding
    from bvct.vetting.rules import rule_pack_current

    order = STAGES.index(to)
    if order < 1:
        return case

    def day(i: int) -> dt.date:
        ago = days[i]
        assert ago is not None  # TIMELINE names every step the case takes
        return working_days_ago(ago)

    with on_day(day(1)):
        case = services.case_transition(actor=officer, case=case, to="APPRAISAL")
    if order < 2:
        return case
    clear = to == "CONCLUDED_CLEAR"
    if clear:
        with on_day(day(4), hour=10):
            services_findings.appraisal_record(
                actor=officer, case=case, nothing_found=True,
                note="Lý lịch đầy đủ; không có vấn đề cần xác minh.",
            )  # fmt: skip
            return services.case_transition(actor=officer, case=case, to="DELIBERATION")
    father = (
        Person.objects.filter(dossier_id=case.subject_id, is_subject=False).order_by("id").first()
    )
    assert father is not None  # every generated member declares relatives
    # The category of what the finding says (work for the former regime), if the pack has it.
    codes = [c.code for c in rule_pack_current().issue_categories]
    category = "FORMER_REGIME" if "FORMER_REGIME" in codes else codes[0]
    with on_day(day(2), hour=10):
        services_findings.appraisal_record(
            actor=officer, case=case, nothing_found=False,
            note="Cha có thời gian làm việc cho chế độ cũ: cần xác minh.",
        )  # fmt: skip
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

    received = day(3)
    with on_day(received, hour=14):
        result = services_findings.verification_result_record(
            actor=verifier, case=case, agency=Organisation.objects.get(code=AGENCY),
            document_number=f"{case.pk:02d}/CV-ANCTNB",
            document_date=working_days_ago(2, before=received), received_on=received,
            findings=[finding],
            summary="Xác minh đúng như lời khai; sau 1975 chấp hành tốt chính sách, pháp luật.",
        )  # fmt: skip
    finding = Finding.objects.get(pk=finding.pk)
    with on_day(day(4), hour=9):
        services_findings.finding_update(
            actor=officer, finding=finding, expected_version=finding.version,
            status="CONFIRMED", evidence=[result],
        )  # fmt: skip
        return services.case_transition(actor=officer, case=case, to="DELIBERATION")


def _conclude(
    signer: Any, case: Any, outcome: str, ago: int, covers: list[str] | None = None
) -> Any:
    """The committee meets and its member signs on the day ``ago``."""
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
    with on_day(working_days_ago(ago), hour=15):
        return conclusion_issue(
            actor=signer, case=case, meeting_date=timezone.localdate(),
            members_present=body.members - 1, votes_for=body.members - 1, votes_against=0,
            outcome=outcome, text=text, covers_kinds=covers, findings=findings,
            signer_title="BÍ THƯ", place="Bắc Ninh",
            recipients=[body.name, "Cấp ủy nơi công tác", "Lưu hồ sơ cán bộ, Văn phòng"],
        )  # fmt: skip


def _commune_cases(users: dict[str, Any]) -> None:
    """Seven decisions about members of phường Kinh Bắc: a case in each stage, two concluded
    (one resting on a verified finding, one on a nothing-found appraisal, reused for a later
    appointment), one withdrawn. (The positions demo's decisions stay waiting for a check.)"""
    from bvct.orgs.models import Organisation
    from bvct.vetting import services
    from bvct.vetting.services_changes import reported_change_record

    officer, verifier, signer = users["canbo.xa"], users["canbo.bvct"], users["uyvien.xa"]
    org = Organisation.objects.get(code=COMMUNE)
    post = _post(COMMUNE, COMMUNE_POST)
    people = _dossiers(COMMUNE, len(STAGES) + 1)
    if post is None or len(people) < len(STAGES) + 1:
        return
    for i, stage in enumerate(STAGES):
        days = TIMELINE[stage]
        decision = _decide(people[i], "SUCCESSION_PLANNING", post, org, days[0] or 0, i + 1)
        case = _check(officer, decision, days[0] or 0).case
        case = _walk(officer, case, stage, verifier=verifier, days=days)
        if stage == "CONCLUDED":
            _conclude(signer, case, "ISSUE_NO_VIOLATION", days[5] or 0)
        elif stage == "CONCLUDED_CLEAR":
            _conclude(
                signer, case, "NO_ISSUE", days[5] or 0, ["SUCCESSION_PLANNING", "APPOINTMENT"]
            )
            later = _decide(people[i], "APPOINTMENT", _post(COMMUNE, "Chủ tịch Ủy ban nhân dân"),
                            org, REUSED_AFTER, 20)  # fmt: skip
            _check(officer, later, REUSED_AFTER)  # covered: the reuse is recorded
            occurred, reported = CHANGE_REPORTED
            with on_day(working_days_ago(reported), hour=11):
                reported_change_record(
                    actor=officer, dossier=people[i], kind="TRIP_ABROAD",
                    occurred_on=working_days_ago(occurred), reported_on=timezone.localdate(),
                    description="Đi Hàn Quốc thăm con đang du học (7 ngày), đã báo cáo chi bộ.",
                )  # fmt: skip
    opened, withdrawn_on = WITHDRAWN
    withdrawn = _decide(people[len(STAGES)], "SUCCESSION_PLANNING", post, org, opened, 10)
    case = _check(officer, withdrawn, opened).case
    assert case is not None  # nothing covers a first proposal: the check opened its case
    with on_day(working_days_ago(withdrawn_on), hour=16):
        services.case_withdraw(
            actor=officer, case=case, reason="Đồng chí xin rút khỏi danh sách quy hoạch."
        )


def _province_cases(users: dict[str, Any]) -> None:
    """A provincial post: the provincial standing committee concludes (``uyvien`` signs); one
    case waits for it in deliberation, one it concluded."""
    from bvct.orgs.models import Organisation

    officer, signer = users["canbo.bvct"], users["uyvien"]
    post = _post("btc-tu", PROVINCE_POST)
    people = _dossiers("du-phuong-vo-cuong", 2)
    if post is None or len(people) < 2:
        return
    org = Organisation.objects.get(code=PROVINCE)
    for i, dossier in enumerate(people):
        opened, appraisal, deliberation, concluded = PROVINCE_TIMELINE[i]
        decision = _decide(dossier, "APPOINTMENT", post, org, opened, 15 + i)
        case = _check(officer, decision, opened).case
        days = (opened, appraisal, None, None, deliberation)
        case = _walk(officer, case, "CONCLUDED_CLEAR", verifier=officer, days=days)
        if concluded is not None:
            _conclude(signer, case, "NO_ISSUE", concluded)


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
