"""The rule pack and calendar pages and the rules API, as the administrator and as others."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.vetting.constants import RulePackStatus, Stage
from bvct.vetting.models import CalendarDay, RulePack
from bvct.vetting.rules import rule_pack_current
from tests.conftest import events_since
from tests.factories import Tree, make_user

pytestmark = pytest.mark.django_db

DRAFT = "/tham-tra/bo-quy-tac/ban-nhap/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(tree: Tree) -> Client:
    return client_for(make_user(tree.root, Role.SYSADMIN))


@pytest.fixture
def officer(tree: Tree) -> Client:
    return client_for(make_user(tree.committee_a, Role.BVCT_OFFICER))


def section_post(admin: Client, section: str) -> dict[str, Any]:
    """The section form as the page sends it back, unchanged."""
    page = admin.get(f"{DRAFT}sua/{section}/")
    assert page.status_code == 200
    form = page.context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value in (None, False, [], ""):
            continue
        data[name] = "on" if value is True else value
    return data


def test_everyone_reads_the_active_pack_with_its_sources(officer: Client) -> None:
    page = officer.get("/tham-tra/bo-quy-tac/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Bộ quy tắc phiên bản 1" in text and "cần xác nhận" in text
    assert "Điều lệ Đảng, Điều 10" in text and "Thẩm định" in text
    assert "Sửa bản nháp" not in text and "Lập bản nháp" not in text
    assert officer.get(DRAFT).status_code == 404
    assert officer.post(f"{DRAFT}lap/").status_code == 404
    assert not RulePack.objects.filter(status=RulePackStatus.DRAFT).exists()


def test_edit_a_section_and_publish(admin: Client, audit_mark: int) -> None:
    assert admin.post(f"{DRAFT}lap/").status_code == 302
    data = section_post(admin, "deadlines")
    data.update({"APPRAISAL__days": "3", "APPRAISAL__source": "Quy chế số 9 của Tỉnh ủy"})
    data.pop("APPRAISAL__to_confirm", None)
    answer = admin.post(f"{DRAFT}sua/deadlines/", data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    draft_page = admin.get(DRAFT).content.decode()
    assert "Thay đổi so với phiên bản 1" in draft_page and "Quy chế số 9" in draft_page
    answer = admin.post(f"{DRAFT}cong-bo/", {"revision": 2, "note": "Thẩm định 3 ngày"})
    assert answer.status_code == 302
    rules = rule_pack_current()
    assert rules.version == 2 and rules.deadline_days(Stage.APPRAISAL) == 3
    assert not rules.deadlines[Stage.APPRAISAL].to_confirm
    version = admin.get("/tham-tra/bo-quy-tac/phien-ban/2/").content.decode()
    assert "Thẩm định 3 ngày" in version and "Thay đổi so với phiên bản 1" in version
    old = admin.get("/tham-tra/bo-quy-tac/phien-ban/1/").content.decode()
    assert "đã được thay thế" in old
    listing = admin.get("/tham-tra/bo-quy-tac/phien-ban/").content.decode()
    assert "Đang áp dụng" in listing and "Đã thay thế" in listing
    actions = [e.action for e in events_since(audit_mark)]
    assert actions == [
        AuditAction.RULE_PACK_DRAFT,
        AuditAction.RULE_PACK_EDIT,
        AuditAction.RULE_PACK_PUBLISH,
    ]


@pytest.mark.parametrize("section", ["conclusion_required", "verified_relations", "validity",
                                     "deadlines", "competent_body", "outcomes",
                                     "issue_categories", "committee"])  # fmt: skip
def test_every_section_form_sends_back_what_it_shows(
    admin: Client, section: str, audit_mark: int
) -> None:
    admin.post(f"{DRAFT}lap/")
    before = RulePack.objects.get(status=RulePackStatus.DRAFT).data
    answer = admin.post(f"{DRAFT}sua/{section}/", section_post(admin, section))
    assert answer.status_code == 302, answer.content.decode()[:3000]
    assert RulePack.objects.get(status=RulePackStatus.DRAFT).data == before
    assert [e.action for e in events_since(audit_mark)] == [AuditAction.RULE_PACK_DRAFT]


def test_errors_are_shown_at_their_fields(admin: Client) -> None:
    admin.post(f"{DRAFT}lap/")
    data = section_post(admin, "deadlines")
    data.update({"APPRAISAL__days": "năm", "VERIFICATION__source": ""})
    answer = admin.post(f"{DRAFT}sua/deadlines/", data)
    assert answer.status_code == 400
    form = answer.context["form"]
    assert "từ 1 đến 365" in form.errors["APPRAISAL__days"][0]
    assert "nguồn" in form.errors["VERIFICATION__source"][0]
    assert "xem các lỗi ghi dưới từng ô" in answer.content.decode()
    assert RulePack.objects.get(status=RulePackStatus.DRAFT).revision == 1


def test_a_category_is_added_and_one_removed(admin: Client) -> None:
    admin.post(f"{DRAFT}lap/")
    data = section_post(admin, "issue_categories")
    data.update({"OTHER__DELETE": "on", "new1__name": "Vấn đề mạng xã hội", "new1__source": "QĐ"})
    assert admin.post(f"{DRAFT}sua/issue_categories/", data).status_code == 302
    cats = RulePack.objects.get(status=RulePackStatus.DRAFT).data["issue_categories"]
    codes = [c["code"] for c in cats]
    assert "OTHER" not in codes and "VAN_DE_MANG_XA_HOI" in codes


def test_a_decision_kind_gets_a_body_of_its_own(admin: Client) -> None:
    admin.post(f"{DRAFT}lap/")
    data = section_post(admin, "competent_body")
    data.update({"kind-ABROAD__body": "PROVINCIAL_STANDING"})
    answer = admin.post(f"{DRAFT}sua/competent_body/", data)
    assert answer.status_code == 400  # a rule needs its source
    assert "kind-ABROAD__source" in answer.context["form"].errors
    data["kind-ABROAD__source"] = "Quy chế cử cán bộ đi nước ngoài"
    assert admin.post(f"{DRAFT}sua/competent_body/", data).status_code == 302
    by_kind = RulePack.objects.get(status=RulePackStatus.DRAFT).data["competent_body"]
    assert {r["decision_kind"] for r in by_kind["by_decision_kind"]} == {"NA_CANDIDACY", "ABROAD"}


def test_discard(admin: Client) -> None:
    admin.post(f"{DRAFT}lap/")
    assert admin.post(f"{DRAFT}huy/", {"revision": 1}).status_code == 302
    assert not RulePack.objects.filter(status=RulePackStatus.DRAFT).exists()


def test_calendar_page(admin: Client, officer: Client, audit_mark: int) -> None:
    page = officer.get("/tham-tra/ngay-lam-viec/?nam=2026").content.decode()
    assert "Tết" in page and "22/08/2026" in page and "Nhập một ngày" not in page
    assert officer.post("/tham-tra/ngay-lam-viec/", {}).status_code == 404
    answer = admin.post(
        "/tham-tra/ngay-lam-viec/?nam=2026",
        {"date": "2026-12-31", "kind": "DAY_OFF", "note": "Thông báo 5/TB"},
    )
    assert answer.status_code == 302
    assert CalendarDay.objects.get().date == dt.date(2026, 12, 31)
    refused = admin.post(
        "/tham-tra/ngay-lam-viec/?nam=2026",
        {"date": "2026-09-02", "kind": "DAY_OFF", "note": "x"},
    )
    assert refused.status_code == 400 and "Căn cứ quá ngắn" in refused.content.decode()
    refused = admin.post(
        "/tham-tra/ngay-lam-viec/?nam=2026",
        {"date": "2026-09-02", "kind": "DAY_OFF", "note": "Thông báo 7/TB"},
    )
    assert refused.status_code == 400 and "đã là ngày nghỉ" in refused.content.decode()
    holiday = admin.post(
        "/tham-tra/ngay-lam-viec/?nam=2026",
        {"date": "2026-09-02", "kind": "WORKING_DAY", "note": "Thông báo 7/TB"},
    )
    assert holiday.status_code == 400 and "là ngày lễ" in holiday.content.decode()
    again = admin.post(
        "/tham-tra/ngay-lam-viec/?nam=2026",
        {"date": "2026-12-31", "kind": "DAY_OFF", "note": "Thông báo 9/TB khác"},
    )
    assert again.status_code == 400 and "đã được nhập" in again.content.decode()
    assert CalendarDay.objects.get().note == "Thông báo 5/TB"
    assert officer.post("/tham-tra/ngay-lam-viec/2026-12-31/xoa/").status_code == 404
    assert admin.post("/tham-tra/ngay-lam-viec/2026-12-31/xoa/").status_code == 302
    assert not CalendarDay.objects.exists()
    assert [e.action for e in events_since(audit_mark)] == [
        AuditAction.CALENDAR_DAY_SET,
        AuditAction.CALENDAR_DAY_REMOVE,
    ]


def test_api(officer: Client) -> None:
    body = officer.get("/api/rules/").json()
    assert body["version"] == 1 and body["status"] == "ACTIVE"
    assert body["to_confirm"] > 0
    assert body["rules"]["deadlines"][0]["days"] == 5
    assert Client().get("/api/rules/").status_code in (401, 403)
