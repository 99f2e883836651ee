"""A case's deadline, the decisions it serves and who may see it: the services (audited, an
event each, refusals that change nothing), their pages (…/doi-han/, …/gan-de-xuat/,
…/han-che/) and API (deadline/, decisions/, restriction/) through the permission matrix,
double submissions refused, and the case page's links only for who may use them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from bvct.core.constants import Role
from bvct.core.errors import ConflictError, NotFoundError, ValidationFailed
from bvct.vetting import services
from bvct.vetting.constants import CaseEventKind, CaseState
from bvct.vetting.models import Case, CaseDecision, CaseEvent
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import officers
from tests.permission_matrix import Expect, assert_permission_matrix
from tests.positions.factories import make_dossier
from tests.vetting.cases import Scene, account, build, decide, open_case
from tests.vetting.test_api_cases import personas

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"
TODAY = dt.date.today()


@pytest.fixture
def scene(tree: Tree) -> Scene:
    return build(tree)


def _appraisal(scene: Scene) -> Case:
    return services.case_transition(actor=scene.officer, case=open_case(scene), to="APPRAISAL")


def _url(case: Any, tail: str) -> str:
    return f"/tham-tra/ho-so-tham-tra/{getattr(case, 'public_id', case)}/{tail}"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _events(case: Case, kind: str) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case, kind=kind).order_by("id"))


def _version(case: Case) -> int:
    return Case.objects.get(pk=case.pk).version


# --- services ---------------------------------------------------------------------------------


def test_a_deadline_is_changed_with_a_reason_never_before_today(
    scene: Scene, audit_mark: int
) -> None:
    case = _appraisal(scene)
    old = case.stage_due_on
    with pytest.raises(ValidationFailed) as refused:
        services.case_set_deadline(
            actor=scene.officer, case=case, due_on=TODAY - dt.timedelta(days=1), reason="Gia hạn"
        )
    assert refused.value.field == "due_on"
    assert refused.value.message == f"Hạn mới không được trước hôm nay ({TODAY:%d/%m/%Y})."
    with pytest.raises(ValidationFailed) as refused:
        services.case_set_deadline(actor=scene.officer, case=case, due_on=TODAY, reason="  ")
    assert refused.value.field == "reason"
    assert not _events(case, CaseEventKind.DEADLINE)
    new = TODAY + dt.timedelta(days=30)
    done = services.case_set_deadline(
        actor=scene.officer, case=case, due_on=new, reason="Ban Thường vụ cho gia hạn",
        expected_version=case.version,
    )  # fmt: skip
    assert done.stage_due_on == new and done.version == case.version + 1
    (event,) = _events(case, CaseEventKind.DEADLINE)
    assert event.due_on == new and event.note == "Ban Thường vụ cho gia hạn"
    (audit,) = events_since(audit_mark, action="case.deadline")
    assert audit.before["stage_due_on"] == str(old) and audit.after["stage_due_on"] == str(new)
    assert audit.actor_public_id == scene.officer.public_id
    # The same form sent again: stale; the same date again: nothing to change.
    with pytest.raises(ConflictError):
        services.case_set_deadline(
            actor=scene.officer, case=case, due_on=new, reason="x", expected_version=case.version
        )
    with pytest.raises(ValidationFailed, match="không có gì thay đổi"):
        services.case_set_deadline(actor=scene.officer, case=case, due_on=new, reason="x")
    assert len(_events(case, CaseEventKind.DEADLINE)) == 1


def test_a_case_serves_another_decision_about_its_subject_only(
    scene: Scene, tree: Tree, audit_mark: int
) -> None:
    case = open_case(scene)
    more = decide(scene, kind="COMMITTEE_NOMINATION")
    someone_else = decide(make_dossier(birth="01/01/1981"), post=scene.post)
    with pytest.raises(ValidationFailed, match="về người khác"):
        services.case_link_decision(actor=scene.officer, case=case, decision=someone_else)
    services.case_link_decision(
        actor=scene.officer, case=case, decision=more, expected_version=case.version
    )
    assert set(CaseDecision.objects.filter(case=case).values_list("decision", flat=True)) == {
        scene.decision.pk,
        more.pk,
    }
    assert len(_events(case, CaseEventKind.DECISION_LINK)) == 1
    (audit,) = events_since(audit_mark, action="case.decision_link")
    assert audit.after["decision"] == str(more.public_id)
    with pytest.raises(ValidationFailed):  # twice: refused, never two links
        services.case_link_decision(actor=scene.officer, case=case, decision=more)
    assert CaseDecision.objects.filter(case=case, decision=more).count() == 1


def test_the_restriction_is_set_and_lifted_by_who_manages_the_case(
    scene: Scene, tree: Tree, audit_mark: int
) -> None:
    case = open_case(scene)  # the scene officer leads it
    colleague = account(tree.committee_a, Role.BVCT_OFFICER)  # in scope, not assigned
    with pytest.raises(NotFoundError):  # a committee member does not manage cases
        services.case_set_restriction(actor=scene.signer, case=case, restricted=True, reason="x")
    with pytest.raises(ValidationFailed, match="chính bạn sẽ không xem được"):
        services.case_set_restriction(actor=colleague, case=case, restricted=True, reason="x")
    with pytest.raises(ValidationFailed) as refused:
        services.case_set_restriction(actor=scene.officer, case=case, restricted=True, reason="")
    assert refused.value.field == "reason"
    assert not Case.objects.get(pk=case.pk).restricted
    assert not _events(case, CaseEventKind.RESTRICTION)

    services.case_set_restriction(
        actor=scene.officer, case=case, restricted=True, reason="Có đơn tố cáo liên quan",
        expected_version=case.version,
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).restricted
    assert not Case.objects.visible_to(colleague).filter(pk=case.pk).exists()
    assert Case.objects.visible_to(scene.signer).filter(pk=case.pk).exists()
    (event,) = _events(case, CaseEventKind.RESTRICTION)
    assert "Có đơn tố cáo liên quan" in event.note and event.actor == scene.officer
    (audit,) = events_since(audit_mark, action="case.restriction")
    assert audit.before["restricted"] is False and audit.after["restricted"] is True
    with pytest.raises(ValidationFailed, match="đã được hạn chế"):
        services.case_set_restriction(actor=scene.officer, case=case, restricted=True, reason="x")
    with pytest.raises(NotFoundError):  # now hidden from the colleague: as missing
        services.case_set_restriction(actor=colleague, case=case, restricted=False, reason="x")
    services.case_set_restriction(
        actor=scene.officer, case=case, restricted=False, reason="Đã giải quyết đơn"
    )
    assert Case.objects.visible_to(colleague).filter(pk=case.pk).exists()
    assert len(events_since(audit_mark, action="case.restriction")) == 2


# --- pages ------------------------------------------------------------------------------------


def test_the_deadline_page_through_the_matrix(scene: Scene, tree: Tree) -> None:
    case = _appraisal(scene)
    url = _url(case, "doi-han/")
    responses = assert_permission_matrix(
        url, officers(tree), Expect(), missing_url=_url(MISSING, "doi-han/")
    )
    html = responses["allowed"].content.decode()
    assert f"{case.stage_due_on:%d/%m/%Y}" in html
    assert '<label for="deadline_due_on">Hạn mới của bước</label>' in html
    assert '<label for="deadline_reason">Lý do đổi hạn</label>' in html
    # Typed dd/mm/yyyy whatever the browser's language: no date picker in the browser's order.
    assert 'placeholder="dd/mm/yyyy"' in html and 'type="date"' not in html
    new = TODAY + dt.timedelta(days=20)
    assert_permission_matrix(
        url, officers(tree), Expect(allowed=302), method="post", form=True,
        data=lambda: {"due_on": f"{new:%Y-%m-%d}", "reason": "Gia hạn theo ý kiến Ban",
                      "version": _version(case)},
        state=lambda: Case.objects.get(pk=case.pk).stage_due_on,
        missing_url=_url(MISSING, "doi-han/"),
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).stage_due_on == new


def test_the_deadline_page_refuses_the_past_and_a_second_submission(scene: Scene) -> None:
    case = _appraisal(scene)
    client = _client(scene.officer)
    url = _url(case, "doi-han/")
    past = client.post(
        url,
        {"due_on": f"{TODAY - dt.timedelta(1):%d/%m/%Y}", "reason": "x", "version": case.version},
    )
    assert past.status_code == 400
    assert f"Hạn mới không được trước hôm nay ({TODAY:%d/%m/%Y})." in past.content.decode()
    blank = client.post(url, {"due_on": f"{TODAY:%d/%m/%Y}", "reason": "", "version": case.version})
    assert "Hãy ghi lý do đổi hạn." in blank.content.decode()
    assert not _events(case, CaseEventKind.DEADLINE)
    sent = {
        "due_on": f"{TODAY + dt.timedelta(9):%d/%m/%Y}",
        "reason": "Gia hạn",
        "version": case.version,
    }
    assert client.post(url, sent).status_code == 302
    again = client.post(url, sent)
    assert again.status_code == 409
    assert "vừa được người khác cập nhật" in again.content.decode()
    assert len(_events(case, CaseEventKind.DEADLINE)) == 1


def test_a_stage_without_a_deadline_offers_no_form(scene: Scene) -> None:
    case = open_case(scene)  # "Mới mở": no deadline
    html = _client(scene.officer).get(_url(case, "doi-han/")).content.decode()
    assert "không có hạn để đổi" in html and 'name="due_on"' not in html


def test_the_link_page_offers_the_subjects_decisions_by_description(
    scene: Scene, tree: Tree
) -> None:
    case = open_case(scene)
    more = decide(scene, kind="COMMITTEE_NOMINATION", reference="15-TTr/ĐU")
    someone_else = decide(make_dossier(birth="01/01/1981"), post=scene.post)
    url = _url(case, "gan-de-xuat/")
    responses = assert_permission_matrix(
        url, officers(tree), Expect(), missing_url=_url(MISSING, "gan-de-xuat/")
    )
    html = responses["allowed"].content.decode()
    assert '<label for="link_decision">Đề xuất quyết định nhân sự</label>' in html
    assert (
        f'<option value="{more.public_id}">Giới thiệu tham gia cấp ủy, đề xuất ngày 05/01/2026 '
        f"({tree.committee_a.name}), văn bản số 15-TTr/ĐU</option>"
    ) in html
    assert str(someone_else.public_id) not in html
    assert str(scene.decision.public_id) not in html.split('name="decision"')[1]  # already served
    # Another person's decision, sent anyway: not among the choices, nothing linked.
    refused = _client(scene.officer).post(
        url, {"decision": str(someone_else.public_id), "version": case.version}
    )
    assert refused.status_code == 400
    assert "Không có lựa chọn này; hãy chọn trong danh sách." in refused.content.decode()
    assert_permission_matrix(
        url, officers(tree), Expect(allowed=302), method="post", form=True,
        data=lambda: {"decision": str(more.public_id), "version": _version(case)},
        state=lambda: CaseDecision.objects.count(), missing_url=_url(MISSING, "gan-de-xuat/"),
    )  # fmt: skip
    assert CaseDecision.objects.filter(case=case, decision=more).exists()


def test_the_restriction_page_through_the_matrix(scene: Scene, tree: Tree) -> None:
    people = officers(tree)
    case = open_case(scene)
    services.case_assign(actor=scene.officer, case=case, user=people.allowed, duty="LEAD")
    url = _url(case, "han-che/")
    responses = assert_permission_matrix(
        url, people, Expect(), missing_url=_url(MISSING, "han-che/")
    )
    html = responses["allowed"].content.decode()
    assert "Hồ sơ đang không hạn chế người xem" in html
    assert "<legend>Người được xem hồ sơ</legend>" in html
    assert_permission_matrix(
        url, people, Expect(allowed=302), method="post", form=True,
        data=lambda: {"restricted": "1", "reason": "Có đơn tố cáo", "version": _version(case)},
        state=lambda: Case.objects.get(pk=case.pk).restricted,
        missing_url=_url(MISSING, "han-che/"),
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).restricted
    # A committee member of the competent body sees it, but does not manage it.
    assert _client(scene.signer).get(url).status_code == 404


def test_the_case_page_links_to_them_only_for_who_may_use_them(scene: Scene, tree: Tree) -> None:
    case = _appraisal(scene)
    links = ("doi-han/", "gan-de-xuat/", "han-che/")
    html = _client(scene.officer).get(_url(case, "")).content.decode()
    for tail in links:
        assert f'href="{_url(case, tail)}"' in html
    auditor = make_user(tree.committee_a, Role.AUDITOR, clearance="TUYET_MAT")
    for reader in (scene.signer, auditor):
        html = _client(reader).get(_url(case, "")).content.decode()
        assert case.reference in html
        for tail in links:
            assert _url(case, tail) not in html


# --- API --------------------------------------------------------------------------------------


def test_the_deadline_api(scene: Scene, audit_mark: int) -> None:
    case = _appraisal(scene)
    url = f"/api/cases/{case.public_id}/deadline/"
    new = TODAY + dt.timedelta(days=15)
    responses = assert_permission_matrix(
        url, personas(scene), Expect.api(agency=403), method="post",
        data={"due_on": f"{new:%Y-%m-%d}", "reason": "Gia hạn", "version": case.version},
        state=lambda: Case.objects.get(pk=case.pk).stage_due_on,
        missing_url=f"/api/cases/{MISSING}/deadline/",
    )  # fmt: skip
    assert responses["allowed"].json()["stage_due_on"] == f"{new:%Y-%m-%d}"
    officer = _client(scene.officer)
    past = officer.post(
        url, {"due_on": f"{TODAY - dt.timedelta(1):%Y-%m-%d}", "reason": "x"}, "application/json"
    )
    assert past.status_code == 400 and past.json()["field"] == "due_on"
    assert "không được trước hôm nay" in past.json()["detail"]
    stale = officer.post(
        url,
        {"due_on": f"{new:%Y-%m-%d}", "reason": "x", "version": case.version},
        "application/json",
    )
    assert stale.status_code == 409
    assert len(events_since(audit_mark, action="case.deadline")) == 1


def test_the_decisions_api(scene: Scene, audit_mark: int) -> None:
    case = open_case(scene)
    more = decide(scene, kind="COMMITTEE_NOMINATION")
    url = f"/api/cases/{case.public_id}/decisions/"
    responses = assert_permission_matrix(
        url, personas(scene), Expect.api(agency=403), method="post",
        data={"decision": str(more.public_id), "version": case.version},
        state=lambda: CaseDecision.objects.count(), missing_url=f"/api/cases/{MISSING}/decisions/",
    )  # fmt: skip
    kinds = {d["kind"] for d in responses["allowed"].json()["decisions"]}
    assert kinds == {"APPOINTMENT", "COMMITTEE_NOMINATION"}
    officer = _client(scene.officer)
    other = decide(make_dossier(birth="01/01/1981"), post=scene.post)
    refused = officer.post(url, {"decision": str(other.public_id)}, "application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "decision"
    assert "về người khác" in refused.json()["detail"]
    missing = officer.post(url, {"decision": MISSING}, "application/json")
    assert missing.status_code == 404
    assert len(events_since(audit_mark, action="case.decision_link")) == 1


def test_the_restriction_api(scene: Scene, tree: Tree, audit_mark: int) -> None:
    case = open_case(scene)
    url = f"/api/cases/{case.public_id}/restriction/"
    responses = assert_permission_matrix(
        url, personas(scene), Expect.api(agency=403), method="post",
        data={"restricted": True, "reason": "Có đơn tố cáo", "version": case.version},
        state=lambda: Case.objects.get(pk=case.pk).restricted,
        missing_url=f"/api/cases/{MISSING}/restriction/",
    )  # fmt: skip
    assert responses["allowed"].json()["restricted"] is True
    signer = _client(scene.signer)  # sees the restricted case, may not manage it
    assert (
        signer.post(url, {"restricted": False, "reason": "x"}, "application/json").status_code
        == 403
    )
    officer = _client(scene.officer)
    same = officer.post(url, {"restricted": True, "reason": "x"}, "application/json")
    assert same.status_code == 400 and same.json()["field"] == "restricted"
    lifted = officer.post(url, {"restricted": False, "reason": "Xong"}, "application/json")
    assert lifted.status_code == 200 and lifted.json()["restricted"] is False
    assert len(events_since(audit_mark, action="case.restriction")) == 2
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN
