"""The home page as a work queue: an officer's own cases by stage with their deadlines
(dd/mm/yyyy, working days left), what is late in their reach, the decisions waiting for a
check; a committee member's cases before their committee. Its query count does not grow with
the number of cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bvct.core.constants import Role
from bvct.vetting import services
from bvct.vetting.constants import CaseState
from bvct.vetting.models import Case
from tests.factories import Tree, make_user
from tests.positions.factories import make_dossier
from tests.vetting.cases import account, build, decide, open_case, to_deliberation

pytestmark = pytest.mark.django_db


def _home(user: object) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_officer_sees_their_cases_by_stage_what_is_late_and_decisions_to_check(
    tree: Tree,
) -> None:
    scene = build(tree)
    case = open_case(scene)
    case = services.case_transition(actor=scene.officer, case=case, to=CaseState.APPRAISAL)
    waiting = decide(make_dossier(birth="01/01/1981"), post=scene.post)
    html = _home(scene.officer)
    assert "Hồ sơ thẩm tra của tôi (1)" in html
    assert "Thẩm định (1)" in html and case.reference in html
    assert "Cấp có thẩm quyền kết luận" in html and tree.committee_a.name in html
    assert f"{case.stage_due_on:%d/%m/%Y}" in html and "ngày làm việc" in html
    assert "Quá hạn (0)" in html
    assert "Đề xuất chờ kiểm tra yêu cầu kết luận (1)" in html
    assert "Nguyễn Văn Hùng" in html and waiting.get_kind_display() in html
    # Time passes: the stage's deadline is yesterday.
    Case.objects.filter(pk=case.pk).update(stage_due_on=dt.date.today() - dt.timedelta(days=1))
    html = _home(scene.officer)
    assert "Quá hạn (1)" in html and "quá hạn" in html
    assert case.reference not in _home(account(tree.committee_b, Role.BVCT_OFFICER))


def test_a_committee_member_sees_the_cases_before_their_committee(tree: Tree) -> None:
    scene = build(tree)
    case = to_deliberation(scene, open_case(scene))
    html = _home(scene.signer)
    assert "Chờ cấp ủy xem xét, kết luận (1)" in html and case.reference in html
    assert "Hồ sơ thẩm tra của tôi" not in html
    other = account(tree.committee_b, Role.COMMITTEE_MEMBER)
    assert "Chờ cấp ủy xem xét, kết luận (0)" in _home(other)


def test_people_who_read_no_cases_get_the_plain_home_page(tree: Tree) -> None:
    html = _home(make_user(tree.board, Role.SYSADMIN))
    assert "Việc cần làm" not in html and "Việc bạn có thể làm" in html


def test_the_administrator_reaches_the_rule_pack_and_the_calendar(tree: Tree) -> None:
    html = _home(make_user(tree.board, Role.SYSADMIN))
    nav, body = html.split("</nav>", 1)
    for where in (nav, body):
        assert (
            'href="/tham-tra/bo-quy-tac/"' in where and 'href="/tham-tra/ngay-lam-viec/"' in where
        )
    officer = _home(account(tree.committee_a, Role.BVCT_OFFICER))
    assert 'href="/tham-tra/ngay-lam-viec/"' not in officer


def test_the_queue_holds_its_query_count(tree: Tree) -> None:
    scene = build(tree)
    client = Client()
    client.force_login(scene.officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    first = services.case_transition(actor=scene.officer, case=open_case(scene), to="APPRAISAL")
    Case.objects.filter(pk=first.pk).update(stage_due_on=dt.date.today() - dt.timedelta(days=1))
    one = count()
    for birth in ("01/01/1981", "02/02/1982", "03/03/1983"):
        decision = decide(make_dossier(birth=birth), post=scene.post)
        case = services.case_open(actor=scene.officer, decision=decision)
        case = services.case_transition(actor=scene.officer, case=case, to="APPRAISAL")
        Case.objects.filter(pk=case.pk).update(stage_due_on=dt.date.today() - dt.timedelta(2))
        decide(make_dossier(birth=birth.replace("198", "197")), post=scene.post)
    assert count() == one <= 25


def test_stages_past_the_count_cap_keep_their_lists(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More open cases in one stage than the count reads (the cap, 3 here): that stage says
    "hơn 3" and lists its nearest deadlines first; the other stages are still listed."""
    from functools import partial

    from bvct.core import counting
    from bvct.home import views as home_views
    from bvct.vetting import selectors_queue
    from tests.vetting.test_case_endpoints import _in_verification

    scene = build(tree)
    appraisal = []
    for days in (9, 3, 7, 1, 5):
        case = services.case_open(
            actor=scene.officer, dossier=scene.dossier, origin="NEW_INFORMATION"
        )
        case = services.case_transition(actor=scene.officer, case=case, to="APPRAISAL")
        due = dt.date.today() + dt.timedelta(days=days)
        Case.objects.filter(pk=case.pk).update(stage_due_on=due)
        appraisal.append((due, case.reference))
    verifying, _ = _in_verification(scene)
    opened = services.case_open(actor=scene.officer, dossier=scene.dossier, origin="COMPLAINT")
    monkeypatch.setattr(selectors_queue, "capped_count", partial(counting.capped_count, cap=3))
    monkeypatch.setattr(home_views, "work_queue", partial(selectors_queue.work_queue, limit=2))

    queue = selectors_queue.work_queue(user=scene.officer, limit=2)
    blocks = {b.state: b for b in queue.mine}
    assert list(blocks) == ["OPEN", "APPRAISAL", "VERIFICATION"]
    nearest = [ref for _, ref in sorted(appraisal)[:2]]
    assert [c.reference for c in blocks["APPRAISAL"].cases] == nearest
    assert str(blocks["APPRAISAL"].total) == "hơn 3"
    assert [c.reference for c in blocks["VERIFICATION"].cases] == [verifying.reference]
    assert [c.reference for c in blocks["OPEN"].cases] == [opened.reference]
    assert str(queue.mine_total) == "hơn 5"

    html = _home(scene.officer)
    assert "Hồ sơ thẩm tra của tôi (hơn 5)" in html
    assert "Thẩm định (hơn 3)" in html and "Hiện 2 trên hơn 3 hồ sơ" in html
    assert "Thẩm tra, xác minh (1)" in html and verifying.reference in html
    assert "Mới mở (1)" in html and opened.reference in html
    shown = [ref for _, ref in appraisal if ref in html]
    assert sorted(shown) == sorted(nearest)
