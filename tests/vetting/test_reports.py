"""The timeliness report page: per stage and competent body the spans that ended, the average
of the fastest 90 % and the late ones, then the open cases now late; gated (404 for those
who read no cases), its query count bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bvct.core.constants import Role
from bvct.vetting import services
from bvct.vetting.models import Case
from tests.factories import Tree, make_user
from tests.permission_matrix import Expect, Personas, assert_permission_matrix
from tests.vetting.cases import account, build, concluded, open_case

pytestmark = pytest.mark.django_db
URL = "/tham-tra/bao-cao/thoi-han/"


def test_the_report_shows_durations_and_late_cases_in_reach(tree: Tree) -> None:
    scene = build(tree)
    concluded(scene)
    running = services.case_open(
        actor=scene.officer, dossier=scene.dossier, origin="NEW_INFORMATION"
    )
    Case.objects.filter(pk=running.pk).update(stage_due_on=dt.date.today() - dt.timedelta(3))
    responses = assert_permission_matrix(
        URL,
        Personas(
            allowed=scene.officer,
            other_scope=account(tree.committee_b, Role.BVCT_OFFICER),
            insufficient_clearance=account(tree.committee_a, Role.BVCT_OFFICER, clearance="NONE"),
            agency=account(tree.agency, Role.AGENCY_OFFICER),
        ),
        Expect(other_scope=200, insufficient_clearance=200),
    )
    html = responses["allowed"].content.decode()
    assert tree.committee_a.name in html and "Thẩm định" in html
    assert "Hồ sơ thẩm tra đang quá hạn (1)" in html and running.reference in html
    for name in ("other_scope", "insufficient_clearance"):
        page = responses[name].content.decode()
        assert running.reference not in page and "Hồ sơ thẩm tra đang quá hạn (0)" in page
    auditor = Client()
    auditor.force_login(make_user(tree.committee_a, Role.AUDITOR, clearance="TUYET_MAT"))
    assert running.reference in auditor.get(URL).content.decode()
    admin = Client()
    admin.force_login(make_user(tree.board, Role.SYSADMIN))
    assert admin.get(URL).status_code == 404
    client = Client()
    client.force_login(scene.officer)
    bad = client.get(URL, {"since": "31/02/2026"})
    assert bad.status_code == 200 and 'role="alert"' in bad.content.decode()
    yesterday = (dt.date.today() - dt.timedelta(1)).strftime("%d/%m/%Y")
    none = client.get(URL, {"since": yesterday, "until": yesterday})
    assert "Chưa có hồ sơ thẩm tra nào" in none.content.decode()


def test_the_report_period_form_says_what_is_wrong(tree: Tree) -> None:
    """Each bad period gets its own Vietnamese message beside its field, and no table."""
    scene = build(tree)
    concluded(scene)
    client = Client()
    client.force_login(scene.officer)
    today = dt.date.today()

    def page(**query: str) -> str:
        response = client.get(URL, query)
        assert response.status_code == 200
        return response.content.decode()

    for wrong in ("31/02/2026", "2026/01/05", "hôm qua"):
        html = page(since=wrong)
        assert "Ngày không hợp lệ: hãy nhập ngày/tháng/năm, ví dụ 05/01/2026." in html
        assert 'id="timeliness"' not in html
    tomorrow = (today + dt.timedelta(1)).strftime("%d/%m/%Y")
    html = page(since=tomorrow)
    assert f"Ngày bắt đầu {tomorrow} còn ở tương lai" in html and 'id="timeliness"' not in html
    start, end = today.strftime("%d/%m/%Y"), (today - dt.timedelta(3)).strftime("%d/%m/%Y")
    html = page(since=start, until=end)
    assert f"“Đến ngày” ({end}) phải từ “Hồ sơ mở từ ngày” ({start}) trở về sau." in html
    assert 'id="timeliness"' not in html
    # A good period: the table, the period in its heading, the fields labelled, dd/mm/yyyy kept.
    html = page(since=start, until=start)
    assert 'id="timeliness"' in html and f"(hồ sơ mở từ {start} đến {start})" in html
    assert '<label for="id_since">' in html and '<label for="id_until">' in html
    assert f'value="{start}"' in html and tree.committee_a.name in html
    # Where the report counts the cases in working days, ratios are written x/y (z %).
    assert "1/1 (100 %)" in html


def test_the_report_holds_its_query_count(tree: Tree) -> None:
    scene = build(tree)
    client = Client()
    client.force_login(scene.officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    late = open_case(scene)
    Case.objects.filter(pk=late.pk).update(stage_due_on=dt.date.today() - dt.timedelta(2))
    one = count()
    for origin in ("NEW_INFORMATION", "COMPLAINT"):
        case = services.case_open(actor=scene.officer, dossier=scene.dossier, origin=origin)
        Case.objects.filter(pk=case.pk).update(stage_due_on=dt.date.today() - dt.timedelta(2))
    assert count() == one <= 12


def test_the_late_cases_are_counted_up_to_a_cap(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the rows shown, the late cases are counted only up to the cap ("hơn N")."""
    from bvct.vetting import views_reports

    scene = build(tree)
    cases = [open_case(scene)]
    for origin in ("NEW_INFORMATION", "COMPLAINT"):
        cases.append(services.case_open(actor=scene.officer, dossier=scene.dossier, origin=origin))
    late_on = dt.date.today() - dt.timedelta(2)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(stage_due_on=late_on)
    client = Client()
    client.force_login(scene.officer)
    monkeypatch.setattr(views_reports, "LATE_ROWS", 1)
    monkeypatch.setattr(views_reports, "LATE_COUNT_CAP", 2)
    assert "Hồ sơ thẩm tra đang quá hạn (hơn 2)" in client.get(URL).content.decode()
    monkeypatch.setattr(views_reports, "LATE_COUNT_CAP", 3)
    assert "Hồ sơ thẩm tra đang quá hạn (3)" in client.get(URL).content.decode()
