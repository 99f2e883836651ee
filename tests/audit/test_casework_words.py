"""Every event of the rule pack, the calendar, positions, documents and casework reads in
Vietnamese on the auditors' event page: its object named, its fields labelled, its codes in
words, its ids shown as what they name (never a UUID, a code or a Python list)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook

from bvct.audit import labels
from bvct.audit.constants import AuditAction
from bvct.audit.models import AuditEvent
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.documents import constants as document_constants
from bvct.positions import constants as position_constants
from bvct.vetting import constants as vetting_constants
from tests.factories import Tree, make_user

pytestmark = pytest.mark.django_db

FIRST = list(AuditAction).index(AuditAction.RULE_PACK_DRAFT)
ACTIONS = list(AuditAction)[FIRST:]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _codes() -> set[str]:
    found: set[str] = set()
    for module in (vetting_constants, position_constants, document_constants):
        for value in vars(module).values():
            if isinstance(value, type) and hasattr(value, "choices") and hasattr(value, "values"):
                found |= {str(v) for v in value.values if isinstance(v, str) and len(v) > 2}
    return found


def _xlsx() -> io.BytesIO:
    from bvct.positions.imports import HEADERS

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(
        ["Bộ phận", "Đảng ủy phường A", "Bộ phận cơ yếu", "15-QĐ/TU", "02/06/2025",
         "Ban Thường vụ Tỉnh ủy", "Tối mật", "Mật"]
    )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "danh-muc.xlsx"
    return buffer


def _everything(tree: Tree) -> None:
    """One of each event, through the services."""
    from bvct.documents import services as documents_services
    from bvct.documents.constants import DocumentType
    from bvct.documents.models import Term
    from bvct.positions import services as positions
    from bvct.positions import services_catalogue as catalogue
    from bvct.positions.imports import catalogue_import
    from bvct.vetting import services, services_findings, services_rules
    from bvct.vetting.coverage import decision_check
    from bvct.vetting.models import Finding
    from bvct.vetting.rules import rule_pack_current
    from bvct.vetting.selectors import case_access
    from bvct.vetting.services_changes import reported_change_record
    from tests.documents.test_templates import edited, upload
    from tests.vetting import cases

    admin = make_user(tree.root, Role.SYSADMIN, clearance="TUYET_MAT")
    # the rule pack and the calendar
    services_rules.rule_pack_draft_create(actor=admin, note="Sửa thời hạn")
    deadlines = [dict(d) for d in rule_pack_current().data["deadlines"]]
    deadlines[0].update(days=deadlines[0]["days"] + 1, source="Quyết định của Tỉnh ủy")
    services_rules.rule_pack_draft_update(
        actor=admin, section="deadlines", value=deadlines, expected_revision=1
    )
    services_rules.rule_pack_publish(actor=admin, expected_revision=2, note="Thời hạn mới")
    services_rules.rule_pack_draft_create(actor=admin, note="Bản nháp bỏ đi")
    services_rules.rule_pack_draft_discard(actor=admin, expected_revision=1)
    holiday = dt.date(2026, 12, 31)
    services_rules.calendar_day_set(actor=admin, date=holiday, kind="DAY_OFF", note="Nghỉ bù")
    services_rules.calendar_day_remove(actor=admin, date=holiday)
    # positions
    scene = cases.build(tree)
    officer = scene.officer
    post = positions.post_create(
        actor=SYSTEM, organisation=tree.committee_a, name="Chánh Văn phòng", tier="COMMUNE"
    )
    post = positions.post_update(actor=SYSTEM, post=post, expected_version=post.version, name="CVP")
    positions.post_close(actor=SYSTEM, post=post, expected_version=post.version)
    entry = catalogue.catalogue_entry_create(
        actor=SYSTEM, kind="POST", organisation=tree.committee_a, post=scene.post,
        name=scene.post.name, listing_number="12-QĐ/TU", listing_date=dt.date(2025, 3, 1),
        listing_issuer="Ban Thường vụ Tỉnh ủy", required_clearance="MAT",
    )  # fmt: skip
    entry = catalogue.catalogue_entry_update(
        actor=SYSTEM, entry=entry, expected_version=entry.version, listing_issuer="Tỉnh ủy"
    )
    catalogue.catalogue_entry_close(actor=SYSTEM, entry=entry, expected_version=entry.version)
    catalogue_import(actor=officer, file=_xlsx(), dry_run=False)
    holding = positions.holding_create(
        actor=SYSTEM, dossier=scene.dossier, post=scene.post, kind="HOLDS",
        starts_on=dt.date(2024, 1, 1),
    )  # fmt: skip
    positions.holding_end(actor=SYSTEM, holding=holding, ends_on=dt.date(2025, 1, 1))
    gone = cases.decide(scene, "SUCCESSION_PLANNING", scene.post)
    positions.decision_withdraw(actor=SYSTEM, decision=gone, reason="Rút khỏi danh sách")
    # documents
    term = Term.objects.get(issuer=tree.committee_a)
    documents_services.term_update(
        actor=SYSTEM, term=term, expected_version=term.version, name=term.name,
        starts_on=term.starts_on, ends_on=None, symbol=term.symbol, heading="ĐẢNG ỦY XÃ A",
        heading_parent=term.heading_parent,
    )  # fmt: skip
    # casework
    case = decision_check(actor=officer, decision=scene.decision).case
    assert case is not None
    case_access(user=officer, public_id=case.public_id)
    case = services.case_assign(actor=officer, case=case, user=scene.verifier, duty="VERIFIER").case
    case = services.case_transition(actor=officer, case=case, to="APPRAISAL")
    services_findings.appraisal_record(actor=officer, case=case, nothing_found=False)
    finding = services_findings.finding_create(
        actor=officer, case=case, category=rule_pack_current().issue_categories[0].code,
        person=scene.relative(), period="HISTORY", summary="Cha làm việc cho chế độ cũ",
    )  # fmt: skip
    case = services.case_transition(actor=officer, case=case, to="VERIFICATION")
    case = services.case_set_deadline(
        actor=officer, case=case, due_on=dt.date.today() + dt.timedelta(40), reason="Chờ trả lời"
    )
    result = services_findings.verification_result_record(
        actor=scene.verifier, case=case, agency=tree.agency, document_number="12/CV-ANCTNB",
        document_date=dt.date.today(), received_on=dt.date.today(), findings=[finding],
        summary="Đúng như lời khai",
    )  # fmt: skip
    finding = Finding.objects.get(pk=finding.pk)
    services_findings.finding_update(
        actor=officer, finding=finding, expected_version=finding.version, status="CONFIRMED",
        evidence=[result],
    )  # fmt: skip
    planning = cases.decide(scene, "SUCCESSION_PLANNING", scene.post)
    services.case_link_decision(actor=officer, case=case, decision=planning)
    case = services.case_transition(actor=officer, case=case, to="DELIBERATION")
    conclusion = cases.conclude(
        scene, case, findings=[finding], outcome="ISSUE_NO_VIOLATION",
        covers_kinds=["APPOINTMENT", "SUCCESSION_PLANNING", "COMMITTEE_NOMINATION"],
    )  # fmt: skip
    documents_services.document_download(actor=officer, document=conclusion.document)
    documents_services.template_replace(
        actor=SYSTEM, type=DocumentType.CONCLUSION, file=upload(edited("Mẫu của tỉnh"))
    )
    later = cases.decide(scene, "COMMITTEE_NOMINATION", scene.post)
    assert decision_check(actor=officer, decision=later).reused
    reported_change_record(
        actor=officer, dossier=scene.dossier, kind="RELATIVE_ABROAD", person=scene.relative(),
        occurred_on=dt.date.today(), reported_on=dt.date.today(), description="Con đi du học",
    )  # fmt: skip
    other = services.case_open(actor=officer, decision=cases.decide(scene, "PARTY_ADMISSION"))
    lead = services.case_assign(actor=officer, case=other, user=scene.verifier, duty="VERIFIER")
    services.case_unassign(actor=officer, assignment=lead)
    services.case_set_restriction(actor=officer, case=other, restricted=True, reason="Có đơn")
    services.case_withdraw(actor=officer, case=other, reason="Trùng hồ sơ")
    # the catalogue asks more of the concluded case's post: the case is raised
    catalogue.catalogue_entry_create(
        actor=SYSTEM, kind="POST", organisation=tree.committee_a, post=scene.post,
        name=scene.post.name, listing_number="20-QĐ/TU", listing_date=dt.date(2025, 9, 1),
        listing_issuer="Ban Thường vụ Tỉnh ủy", required_clearance="TUYET_MAT",
    )  # fmt: skip


def test_every_casework_event_reads_in_words(tree: Tree) -> None:
    _everything(tree)
    auditor = Client()
    auditor.force_login(make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT"))
    codes = _codes()
    problems: dict[str, list[Any]] = {}
    for action in ACTIONS:
        event = AuditEvent.objects.filter(action=action).order_by("-seq").first()
        if event is None:
            problems[action] = ["no event"]
            continue
        page = auditor.get(f"/audit/{event.public_id}/").content.decode()
        wrong: list[Any] = []
        if event.object_type and event.object_type not in labels.OBJECT_TYPES:
            wrong.append(("object type", event.object_type))
        keys = set(event.before or {}) | set(event.after or {})
        wrong += [("field", k) for k in sorted(keys) if k not in labels.FIELDS]
        table = page.split("<h2>Thay đổi</h2>", 1)[-1].split("</table>", 1)[0]
        cells = re.findall(r"<td>(.*?)</td>", table, re.S)
        for cell in cells:
            text = cell.replace("&#x27;", "'")
            if UUID.search(text):
                wrong.append(("id", text[:80]))
            if text.startswith("[") or "['" in text:
                wrong.append(("list", text[:80]))
            wrong += [
                ("code", c)
                for c in codes
                if re.search(rf"(?<![\w/-]){re.escape(c)}(?![\w/-])", text)
            ]
        if wrong:
            problems[action] = wrong
    shown = AuditEvent.objects.filter(action=AuditAction.CONCLUSION_ISSUE).latest("seq")
    page = auditor.get(f"/audit/{shown.public_id}/").content.decode()
    assert "Số ủy viên dự họp / tổng số ủy viên" in page and "Số người được quản lý" not in page
    assert not problems, problems
