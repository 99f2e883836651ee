"""Dossier pages and API through the permission matrix; reads are audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from bvct.people.models import Declaration, Dossier, Person
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import declaration, formset, officers
from tests.permission_matrix import Expect, assert_permission_matrix

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def secret_dossier(tree: Tree) -> Dossier:
    return services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(), classification="TOI_MAT"
    )


def test_detail_page_matrix_and_audit(tree: Tree, secret_dossier: Dossier, audit_mark: int) -> None:
    personas = officers(tree)
    responses = assert_permission_matrix(
        f"/ho-so/{secret_dossier.public_id}/", personas, Expect(), missing_url=f"/ho-so/{MISSING}/"
    )
    html = responses["allowed"].content.decode()
    assert "Nguyễn Văn Hùng" in html and "Nguyễn Văn Bình" in html and "Cha đẻ" in html
    assert "12/05/1975" in html
    (read,) = events_since(audit_mark, action=AuditAction.DOSSIER_VIEW)
    assert read.actor_public_id == personas.allowed.public_id
    assert read.classification == 2 and read.subject_public_id is not None
    assert "Nhật ký truy cập" not in html  # officers do not see the access log


def test_auditor_sees_the_access_log(tree: Tree, secret_dossier: Dossier) -> None:
    officer = make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TOI_MAT")
    Client().force_login(officer)
    c = Client()
    c.force_login(officer)
    c.get(f"/ho-so/{secret_dossier.public_id}/")
    auditor = Client()
    auditor.force_login(make_user(tree.root, Role.AUDITOR, clearance="TUYET_MAT"))
    html = auditor.get(f"/ho-so/{secret_dossier.public_id}/").content.decode()
    assert "Nhật ký truy cập" in html and officer.username in html


def test_detail_api_matrix(tree: Tree, secret_dossier: Dossier) -> None:
    responses = assert_permission_matrix(
        f"/api/dossiers/{secret_dossier.public_id}/",
        officers(tree),
        Expect.api(),
        missing_url=f"/api/dossiers/{MISSING}/",
    )
    body = responses["allowed"].json()
    assert body["subject"]["full_name"] == "Nguyễn Văn Hùng"
    assert body["subject"]["birth"] == "12/05/1975"
    assert {r["relation"] for r in body["relatives"]} == {"cha", "me", "vo-chong", "con"}
    assert body["classification"] == "TOI_MAT"


def test_relatives_are_listed_declared_first_then_by_relation_and_age(tree: Tree) -> None:
    relatives = [
        {"relation": "con", "full_name": "Nguyễn Minh Anh", "birth": "2005", "sex": "Nữ"},
        {"relation": "vo-chong", "full_name": "Lê Thị Hoa", "birth": "1978", "sex": "Nữ"},
        {"relation": "con", "full_name": "Nguyễn Minh Đức", "birth": "2001", "sex": "Nam"},
        {"relation": "me", "full_name": "Trần Thị Lan", "birth": "1950", "sex": "Nữ"},
        {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948", "sex": "Nam"},
    ]
    dossier = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(relatives=relatives)
    )
    # The father is left out of the second version: still on record, no longer declared.
    services.declaration_submit(
        actor=SYSTEM,
        dossier=dossier,
        expected_number=1,
        content=declaration(relatives=[r for r in relatives if r["relation"] != "cha"]),
    )
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    body = client.get(f"/api/dossiers/{dossier.public_id}/").json()
    assert body["subject"]["full_name"] == "Nguyễn Văn Hùng"
    order = ["Trần Thị Lan", "Lê Thị Hoa", "Nguyễn Minh Đức", "Nguyễn Minh Anh", "Nguyễn Văn Bình"]
    assert [r["full_name"] for r in body["relatives"]] == order
    assert [r["declared"] for r in body["relatives"]] == [True, True, True, True, False]
    assert {r["dossier"] for r in body["relatives"]} == {str(dossier.public_id)}
    page = client.get(f"/ho-so/{dossier.public_id}/").content.decode()
    shown = [page.index(f"<td>{name}") for name in order]
    assert shown == sorted(shown)


def test_search_api_matrix(tree: Tree, secret_dossier: Dossier) -> None:
    personas = officers(tree)
    responses = assert_permission_matrix(
        "/api/persons/",
        personas,
        Expect.api(other_scope=200, insufficient_clearance=200, agency=403),
        data={"q": "nguyen van hungg"},
    )
    assert [p["full_name"] for p in responses["allowed"].json()["results"]] == ["Nguyễn Văn Hùng"]
    assert responses["allowed"].json()["corrections"] == {"hungg": ["hung"]}
    assert responses["other_scope"].json()["results"] == []
    assert responses["insufficient_clearance"].json()["results"] == []


def test_search_page_and_fragment(tree: Tree, secret_dossier: Dossier, audit_mark: int) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    page = client.get("/ho-so/", {"q": "Nguyen Van Hung"})
    assert "Nguyễn Văn Hùng" in page.content.decode() and "<html" in page.content.decode()
    fragment = client.get("/ho-so/", {"q": "van binh", "relatives": "on"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html and "Nguyễn Văn Bình" in html and "Cha đẻ" in html
    (search,) = events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)[:1]
    assert search.after["q"] == "Nguyen Van Hung"
    agency = Client()
    agency.force_login(make_user(tree.agency, Role.AGENCY_OFFICER, clearance="TUYET_MAT"))
    assert agency.get("/ho-so/").status_code == 404


def test_create_api_and_errors(tree: Tree, audit_mark: int) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT"))
    bad = declaration(citizen_id="12")
    response = client.post(
        "/api/dossiers/",
        {"managing_org": "t-a", "declaration": bad},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_declaration"
    assert {
        "field": "identity.citizen_id",
        "message": "số CCCD “12” phải gồm đúng 12 chữ số",
    } in body["errors"]
    ok = client.post(
        "/api/dossiers/",
        {"managing_org": "t-a", "classification": "MAT", "declaration": declaration()},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["classification"] == "MAT"
    outside = client.post(
        "/api/dossiers/",
        {"managing_org": "t-b", "declaration": declaration()},
        content_type="application/json",
    )
    unknown = client.post(
        "/api/dossiers/",
        {"managing_org": "t-zz", "declaration": declaration()},
        content_type="application/json",
    )
    # A code outside one's view gets the answer of a code nobody has (it used to be a 403).
    assert outside.status_code == unknown.status_code == 400
    assert outside.json()["detail"] == unknown.json()["detail"].replace("t-zz", "t-b")


def test_the_api_holds_text_to_the_columns_it_is_stored_in(tree: Tree) -> None:
    # The API used to allow 2,000 characters everywhere: a database error and a 500.
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    father = {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948"}
    too_long = declaration(
        "Nguyễn " + "A" * 200, religion="x" * 51,
        relatives=[{**father, "occupation": "y" * 201}],
    )  # fmt: skip
    response = client.post(
        "/api/dossiers/", {"managing_org": "t-a", "declaration": too_long},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert {(e["field"], e["message"]) for e in response.json()["errors"]} == {
        ("identity.full_name", "dài quá 200 ký tự"),
        ("identity.religion", "dài quá 50 ký tự"),
        ("relatives[1] (Nguyễn Văn Bình).occupation", "dài quá 200 ký tự"),
    }
    posts = client.post(
        "/api/dossiers/",
        {"managing_org": "t-a", "current_posts": "z" * 501, "declaration": declaration()},
        content_type="application/json",
    )
    assert posts.status_code == 400
    assert posts.json() == {"current_posts": ["Trường này không được dài quá 500 ký tự."]}
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    card = declaration(party_card_no="1" * 21)
    new = client.post(
        f"/api/dossiers/{dossier.public_id}/declarations/",
        {"expected_number": 1, "content": card}, content_type="application/json",
    )  # fmt: skip
    assert new.status_code == 400
    assert new.json()["errors"] == [
        {"field": "identity.party_card_no", "message": "dài quá 20 ký tự"}
    ]
    assert Dossier.objects.count() == 1 and Declaration.objects.count() == 1


def test_text_limits_are_the_person_columns_sizes() -> None:
    from bvct.people.declarations import TEXT_LIMITS

    for name, limit in TEXT_LIMITS.items():
        assert Person._meta.get_field(name).max_length == limit


def test_new_version_api_with_conflict_and_diff(tree: Tree) -> None:
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    current = client.get(f"/api/dossiers/{dossier.public_id}/").json()["declaration"]
    changed: dict[str, Any] = {
        **current,
        "identity": {**current["identity"], "religion": "Phật giáo"},
    }
    url = f"/api/dossiers/{dossier.public_id}/declarations/"
    first = client.post(
        url, {"expected_number": 1, "content": changed}, content_type="application/json"
    )
    assert first.status_code == 201 and first.json()["number"] == 2
    stale = client.post(
        url, {"expected_number": 1, "content": changed}, content_type="application/json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert Declaration.objects.filter(dossier=dossier).count() == 2
    diff = client.get(f"{url}1/diff/2/").json()
    assert diff == [
        {
            "section": "identity",
            "kind": "changed",
            "subject": "",
            "field": "religion",
            "before": "Không",
            "after": "Phật giáo",
        }
    ]
    page = client.get(f"/ho-so/{dossier.public_id}/so-sanh/1/2/").content.decode()
    assert "Tôn giáo" in page and "Phật giáo" in page
    assert "<td>Sơ yếu lý lịch</td>" in page and "<td>identity</td>" not in page
    reader = Client()
    reader.force_login(make_user(tree.committee_a, Role.COMMITTEE_MEMBER, clearance="MAT"))
    refused = reader.post(
        url, {"expected_number": 2, "content": changed}, content_type="application/json"
    )
    assert refused.status_code == 404  # may read, may not change: cannot find it to change


def test_print_page_matrix(tree: Tree, secret_dossier: Dossier) -> None:
    responses = assert_permission_matrix(
        f"/ho-so/{secret_dossier.public_id}/ban-in/", officers(tree), Expect()
    )
    html = responses["allowed"].content.decode()
    assert "LÝ LỊCH" in html and "NGUYỄN VĂN HÙNG" in html and "TỐI MẬT" in html


def test_linking_a_relative_across_dossiers(tree: Tree, audit_mark: int) -> None:
    from bvct.people.identity import make_citizen_id
    from bvct.people.models import PersonLink

    cccd = make_citizen_id("027", "M", 1948, 77)
    father = {"relation": "cha", "full_name": "Nguyễn Văn Bình", "sex": "Nam", "citizen_id": cccd}
    father_a = [
        {
            **father,
            "birth": "12/05/1948",
            "death": "2010",
            "occupation": "Làm ruộng",
            "residence": "Hà Nội",
        }
    ]
    father_b = [
        {
            **father,
            "birth": "13/05/1948",
            "death": "03/2010",
            "occupation": "Hưu trí",
            "residence": "Pháp",
        }
    ]
    a = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(relatives=father_a)
    )
    b = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a",
        content=declaration("Nguyễn Văn Hải", "1979", relatives=father_b),
    )  # fmt: skip
    link = PersonLink.objects.get(person_a__citizen_id=cccd)
    # An officer who cannot see both sides is not offered the link and cannot decide it.
    stranger = Client()
    stranger.force_login(make_user(tree.committee_b, Role.BVCT_OFFICER))
    assert (
        stranger.post(f"/ho-so/lien-ket/{link.public_id}/", {"decision": "confirm"}).status_code
        == 404
    )
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    page = client.get(f"/ho-so/{a.public_id}/").content.decode()
    assert "Thân nhân có trong hồ sơ khác" in page and "Trùng số CCCD" in page
    assert 'value="confirm"' in page
    # The page showed a person of dossier b: b's access log has that read, not only a's.
    b_subject = Person.objects.get(dossier=b, is_subject=True)
    (read_b,) = [
        e
        for e in events_since(audit_mark, action=AuditAction.DOSSIER_VIEW)
        if e.subject_public_id == b_subject.public_id
    ]
    assert read_b.object_public_id == str(b.public_id)
    assert read_b.object_label == f"Nguyễn Văn Hải (liên kết thân nhân, xem từ hồ sơ {a.public_id})"
    # Who may read both but not decide (an auditor) sees the proposal, not the buttons.
    auditor = Client()
    auditor.force_login(make_user(tree.committee_a, Role.AUDITOR, clearance="TUYET_MAT"))
    seen = auditor.get(f"/ho-so/{a.public_id}/").content.decode()
    assert "Trùng số CCCD" in seen and "Chờ xác nhận" in seen and 'value="confirm"' not in seen
    response = client.post(
        f"/ho-so/lien-ket/{link.public_id}/", {"decision": "confirm", "dossier": str(a.public_id)}
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == "CONFIRMED"
    page = client.get(f"/ho-so/{a.public_id}/").content.decode()
    assert "Tháng sinh khác nhau" not in page  # the same month
    assert "Tháng mất khác nhau" not in page  # one side has no month: not a difference
    assert "Nghề nghiệp khác nhau: “Làm ruộng” và “Hưu trí”" in page
    # The day of birth and the residence were not compared.
    assert "Ngày sinh khác nhau: “12” và “13”" in page
    assert "Nơi ở khác nhau: “Hà Nội” và “Pháp”" in page
    # In both dossiers' records, each named by its subject and filed under its organisation
    # (one event named by a relative, filed under the decider's, was in neither access log).
    events = events_since(audit_mark, action=AuditAction.PERSON_LINK_DECIDE)
    subjects = {d.pk: Person.objects.get(dossier=d, is_subject=True) for d in (a, b)}
    assert {(e.subject_public_id, e.org_path) for e in events} == {
        (subjects[d.pk].public_id, d.managing_org.path) for d in (a, b)
    }
    assert all(e.after == {"status": "CONFIRMED", "reason": "CITIZEN_ID"} for e in events)
    again = client.post(
        f"/ho-so/lien-ket/{link.public_id}/", {"decision": "reject", "dossier": str(a.public_id)}
    )
    assert again.status_code == 302
    link.refresh_from_db()
    assert link.status == "CONFIRMED"  # a decided link is not silently overwritten


def test_open_a_dossier_and_submit_a_new_version_in_the_pages(tree: Tree, audit_mark: int) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT"))
    assert client.get("/ho-so/lap-moi/").status_code == 200
    form = {
        "dossier-managing_org": "t-a",
        "dossier-classification": "MAT",
        "dossier-current_posts": "Bí thư chi bộ",
        "identity-full_name": "Vũ Thị Hạnh",
        "identity-sex": "F",
        "identity-birth": "03/1982",
        "identity-hometown": "xã Gia Bình",
        **formset(
            "relatives",
            [{"relation": "me", "full_name": "Đỗ Thị Tâm", "birth": "1958", "sex": "F"}],
        ),
        **formset("history", [{"start": "09/2000", "end": "06/2004", "text": "Sinh viên"}]),
        **formset("political_events", []),
        **formset("foreign_ties", []),
    }
    bad = client.post("/ho-so/lap-moi/", {**form, "identity-birth": "31/02/1982"})
    assert "ngày 31 không có trong tháng 2/1982" in bad.content.decode()
    created = client.post("/ho-so/lap-moi/", form)
    assert created.status_code == 302
    dossier = Dossier.objects.get(persons__full_name="Vũ Thị Hạnh")
    assert dossier.classification == 1 and dossier.current_posts == "Bí thư chi bộ"
    page = client.get(f"/ho-so/{dossier.public_id}/khai-moi/").content.decode()
    assert 'value="Vũ Thị Hạnh"' in page and 'value="Đỗ Thị Tâm"' in page  # prefilled
    mother = Declaration.objects.get(dossier=dossier).content["relatives"][0]["person"]
    version = {
        **{k: v for k, v in form.items() if not k.startswith("dossier-")},
        "identity-religion": "Phật giáo",
        "expected_number": "1",
        **formset(
            "relatives",
            [
                {
                    "person": mother,
                    "relation": "me",
                    "full_name": "Đỗ Thị Tâm",
                    "birth": "1958",
                    "sex": "F",
                }
            ],
        ),
    }
    # “Thêm dòng”: the page comes back with five more blank rows and what was typed; nothing
    # is saved and no error is shown for rows still being filled in.
    more = client.post(
        f"/ho-so/{dossier.public_id}/khai-moi/",
        {**version, "more": "relatives", "identity-citizen_id": "12"},
    ).content.decode()
    assert (
        'name="relatives-TOTAL_FORMS" value="6"' in more and 'name="relatives-5-full_name"' in more
    )
    assert 'value="Phật giáo"' in more and "12 chữ số" not in more
    assert Declaration.objects.filter(dossier=dossier).count() == 1
    # Errors are named as the page names the fields, not by the content's paths.
    wrong = client.post(
        f"/ho-so/{dossier.public_id}/khai-moi/", {**version, "identity-citizen_id": "12"}
    ).content.decode()
    assert (
        "<strong>Sơ yếu lý lịch › Số CCCD</strong></a>: số CCCD “12” phải gồm đúng 12 chữ số"
        in wrong
    )
    assert client.post(f"/ho-so/{dossier.public_id}/khai-moi/", version).status_code == 302
    # The same content again is no new version.
    same = client.post(f"/ho-so/{dossier.public_id}/khai-moi/", {**version, "expected_number": "2"})
    assert "Bản khai không khác bản số 2: không có gì để nộp." in same.content.decode()
    assert Declaration.objects.filter(dossier=dossier).count() == 2
    stale = client.post(f"/ho-so/{dossier.public_id}/khai-moi/", version)
    assert "bản khai số 2 do người khác nộp" in stale.content.decode()
    latest = Declaration.objects.get(dossier=dossier, status="SUBMITTED")
    assert latest.number == 2 and latest.content["identity"]["religion"] == "Phật giáo"
    assert latest.content["relatives"][0]["person"] == mother  # the same relative, not a new one
    # Fields the page does not show are carried over, not blanked.
    first = Declaration.objects.get(dossier=dossier, number=1).content
    assert latest.content["identity"]["hometown"] == first["identity"]["hometown"] == "xã Gia Bình"
    reader = Client()
    reader.force_login(make_user(tree.committee_a, Role.COMMITTEE_MEMBER, clearance="MAT"))
    assert reader.get(f"/ho-so/{dossier.public_id}/khai-moi/").status_code == 404
    assert reader.get("/ho-so/lap-moi/").status_code == 404


def test_list_pages_are_not_searches_and_are_audited(tree: Tree, audit_mark: int) -> None:
    for i in range(3):
        services.dossier_create(
            actor=SYSTEM, managing_org_code="t-a",
            content=declaration(f"Người Thứ {i}", "1980", relatives=[]),
        )  # fmt: skip
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    from bvct.people import views

    views.PAGE_SIZE, old = 2, views.PAGE_SIZE
    try:
        html = client.get("/ho-so/", {"page": "2"}).content.decode()
    finally:
        views.PAGE_SIZE = old
    assert "Người Thứ" in html
    assert events_since(audit_mark, action=AuditAction.DOSSIER_SEARCH)[-1].after["list_page"] == 2


def test_corrections_never_name_words_of_hidden_dossiers(tree: Tree) -> None:
    services.dossier_create(
        actor=SYSTEM,
        managing_org_code="t-b",
        content=declaration("Quách Văn Khổng", "1980", relatives=[]),
    )
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    body = client.get("/api/persons/", {"q": "quach van khongg"}).json()
    assert body["results"] == [] and body["corrections"] == {}


def test_bad_hidden_fields_do_not_crash(tree: Tree, secret_dossier: Dossier) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    response = client.post(
        f"/ho-so/{secret_dossier.public_id}/khai-moi/", {"expected_number": "x²"}
    )
    assert response.status_code == 200


def test_a_page_version_keeps_fields_the_page_does_not_show(tree: Tree) -> None:
    father = {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1948", "sex": "Nam",
              "religion": "Phật giáo", "birthplace": "xã Tiên Du"}  # fmt: skip
    dossier = services.dossier_create(
        actor=SYSTEM, managing_org_code="t-a", content=declaration(relatives=[father])
    )
    person = Declaration.objects.get(dossier=dossier).content["relatives"][0]["person"]
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    relative = {"person": person, "relation": "cha", "full_name": "Nguyễn Văn Bình",
                "birth": "1948", "sex": "M", "occupation": "Hưu trí"}  # fmt: skip
    form = {
        "identity-full_name": "Nguyễn Văn Hùng", "identity-sex": "M",
        "identity-birth": "12/05/1975", "expected_number": "1",
        **formset("relatives", [relative]),
        **formset("history", []),
        **formset("political_events", []),
        **formset("foreign_ties", []),
    }  # fmt: skip
    assert client.post(f"/ho-so/{dossier.public_id}/khai-moi/", form).status_code == 302
    latest = Declaration.objects.get(dossier=dossier, number=2).content["relatives"][0]
    assert latest["occupation"] == "Hưu trí"
    assert latest["religion"] == "Phật giáo" and latest["birthplace"] == "xã Tiên Du"


def test_blank_rows_as_a_browser_posts_them_are_ignored(tree: Tree) -> None:
    """Untouched rows arrive with every select at its first option and empty text fields."""
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    page = client.get("/ho-so/lap-moi/").content.decode()
    assert 'name="relatives-TOTAL_FORMS" value="6"' in page
    import re

    # What a browser posts for an untouched select is its first option: it must be empty.
    first = re.search(r'<select name="relatives-0-relation"[^>]*>\s*<option value="([^"]*)"', page)
    assert first is not None and first.group(1) == ""
    kind = re.search(
        r'<select name="political_events-0-kind"[^>]*>\s*<option value="([^"]*)"', page
    )
    assert kind is not None and kind.group(1) == ""
    blank_relative = {"relation": "", "full_name": "", "sex": "", "birth": ""}
    blank_event = {"kind": "", "start": "", "end": "", "text": "", "country": ""}
    form = {
        "dossier-managing_org": "t-a", "dossier-classification": "NONE",
        "identity-full_name": "Lò Văn Páo", "identity-sex": "M", "identity-birth": "1985",
        **formset("relatives", [{"relation": "me", "full_name": "Lò Thị Xuân", "birth": "1960",
                                  "sex": "F"}, *[blank_relative] * 5]),
        **formset("history", [{"start": "", "end": "", "text": ""}] * 3),
        **formset("political_events", [blank_event] * 2),
        **formset("foreign_ties", [blank_event] * 2),
    }  # fmt: skip
    response = client.post("/ho-so/lap-moi/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get(persons__full_name="Lò Văn Páo")
    assert [
        r["full_name"] for r in Declaration.objects.get(dossier=dossier).content["relatives"]
    ] == ["Lò Thị Xuân"]


def test_the_pages_show_what_was_declared_about_relatives_and_the_kinds_of_events(
    tree: Tree,
) -> None:
    content = declaration(
        relatives=[
            {"relation": "cha", "full_name": "Nguyễn Văn Bình", "birth": "1940", "sex": "Nam",
             "death": "1999", "death_details": "Mất do bệnh, tại quê",
             "political_history": "Bộ đội 1960–1975"},
            {"relation": "me", "full_name": "Lê Thị Na", "birth": "1945", "sex": "Nữ",
             "current_situation": "Đang định cư ở Pháp"},
        ],
    )  # fmt: skip
    content["political_events"] = [
        {"from": "1990", "to": "1991", "text": "Bị tạm giữ", "kind": "ARREST"}
    ]
    content["foreign_ties"] = [
        {"from": "2010", "to": "2012", "text": "Học thạc sĩ", "kind": "STAY", "country": "Nhật Bản"}
    ]
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=content)
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    for url in (f"/ho-so/{dossier.public_id}/", f"/ho-so/{dossier.public_id}/ban-in/"):
        page = client.get(url).content.decode()
        assert "<dt>Lịch sử chính trị</dt><dd>Bộ đội 1960–1975</dd>" in page
        assert "<dt>Khi mất</dt><dd>Mất do bệnh, tại quê</dd>" in page
        assert "<dt>Chính trị hiện nay</dt><dd>Đang định cư ở Pháp</dd>" in page
        assert "Bị bắt, bị tù" in page and "Ở nước ngoài từ 3 tháng trở lên" in page


def test_every_declared_identity_field_is_on_the_page_and_the_print(tree: Tree) -> None:
    # The member's death, other names, nationality and education, and the relatives'
    # residence and citizen ID, were only on the comparison and the edit form.
    from bvct.people.identity import make_citizen_id

    mother_id = make_citizen_id("027", "F", 1950, 31)
    content = declaration(
        "Nguyễn Văn Kiên", "17/04/1974", death="15/08/2024", other_names="Tư Kiên",
        nationality="Việt Nam, Lào", education="Thạc sĩ Luật", occupation="Kỹ sư cầu đường",
        relatives=[{"relation": "me", "full_name": "Lê Thị Na", "birth": "1950", "sex": "Nữ",
                    "residence": "Pháp", "citizen_id": mother_id}],
    )  # fmt: skip
    content["political_events"] = [{"from": "1999", "text": "Bị tạm giữ", "kind": "ARREST"}]
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=content)
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    for url in (f"/ho-so/{dossier.public_id}/", f"/ho-so/{dossier.public_id}/ban-in/"):
        page = client.get(url).content.decode()
        for text in ("15/08/2024", "Tư Kiên", "Việt Nam, Lào", "Thạc sĩ Luật", "Kỹ sư cầu đường",
                     "Pháp", mother_id):  # fmt: skip
            assert text in page, (url, text)
    printed = client.get(f"/ho-so/{dossier.public_id}/ban-in/").content.decode()
    assert "1999: Bị tạm giữ" in printed and "1999–:" not in printed
    # No home town: the residence stays in its own column, never in the home town's.
    assert "<td></td><td>Pháp</td><td>CCCD " + mother_id in printed


def test_the_comparison_page_lists_a_relative_added_and_one_removed(tree: Tree) -> None:
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    content = Declaration.objects.get(dossier=dossier).content
    content["relatives"] = [
        {"relation": "con", "full_name": "Nguyễn Thị Mới", "birth": "2005", "sex": "Nữ"}
    ]
    services.declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    response = client.get(f"/ho-so/{dossier.public_id}/so-sanh/1/2/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nguyễn Thị Mới (thêm)" in page and "(không còn khai)" in page


def test_pages_offer_only_what_the_user_may_do(tree: Tree) -> None:
    officer = Client()
    officer.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="MAT"))
    form = officer.get("/ho-so/lap-moi/").content.decode()
    assert 'value="MAT"' in form and 'value="TOI_MAT"' not in form  # levels above: refused
    auditor = Client()
    auditor.force_login(make_user(tree.committee_a, Role.AUDITOR, clearance="TUYET_MAT"))
    assert auditor.get("/ho-so/nhap/").status_code == 404  # nothing to import
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    # The edit's address left in the address bar after a refused edit: back to the page.
    back = officer.get(f"/ho-so/{dossier.public_id}/sua/")
    assert back.status_code == 302 and back["Location"] == f"/ho-so/{dossier.public_id}/"
    stranger = Client()
    stranger.force_login(make_user(tree.committee_b, Role.BVCT_OFFICER))
    assert stranger.get(f"/ho-so/{dossier.public_id}/sua/").status_code == 404
    home = officer.get("/").content.decode()
    assert 'rel="icon"' in home and "favicon.svg" in home


def test_more_rows_never_drop_rows_and_enter_still_submits(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    periods = [{"start": str(1800 + i), "end": "", "text": f"Việc {i}"} for i in range(210)]
    data = {
        "expected_number": "1", "identity-full_name": "Nguyễn Văn Hùng", "identity-sex": "M",
        "identity-birth": "12/05/1975", "more": "history",
        **formset("relatives", []), **formset("history", periods),
        **formset("political_events", []), **formset("foreign_ties", []),
    }  # fmt: skip
    page = client.post(f"/ho-so/{dossier.public_id}/khai-moi/", data).content.decode()
    # A long table keeps every row (it was cut to 205, and “Nộp” then saved what was left).
    assert 'name="history-TOTAL_FORMS" value="215"' in page and 'value="Việc 209"' in page
    # Enter submits with the form's first button: “Nộp”, before any table's “Thêm dòng”.
    form = page[page.index('<form method="post" class="declaration">') :]
    assert form.index('<button type="submit" class="visually-hidden"') < form.index('name="more"')


def test_the_comparison_writes_words_not_codes(tree: Tree) -> None:
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    content = Declaration.objects.get(dossier=dossier).content
    content["relatives"][0] = {**content["relatives"][0], "sex": "Nữ", "relation": "me"}
    content["relatives"].append(
        {"relation": "con", "full_name": "Nguyễn Thị Mới", "birth": "2005", "sex": "Nữ"}
    )
    content["foreign_ties"] = [
        {"kind": "TRIP", "from": "2019", "to": "2019", "text": "Du lịch", "country": "Nhật Bản"}
    ]
    services.declaration_submit(actor=SYSTEM, dossier=dossier, content=content, expected_number=1)
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    page = client.get(f"/ho-so/{dossier.public_id}/so-sanh/1/2/").content.decode()
    assert "<td>Nam</td>" in page and "<td>Nữ</td>" in page  # not M, F
    assert "<td>Cha đẻ</td>" in page and "<td>Mẹ đẻ</td>" in page  # not cha, me
    assert "Nguyễn Thị Mới (Con, sinh 2005)" in page
    assert "Đi nước ngoài, Nhật Bản, 2019–2019: Du lịch" in page


def test_who_may_not_open_a_dossier_is_refused_before_the_body_is_read(tree: Tree) -> None:
    for role in (Role.COMMITTEE_MEMBER, Role.AGENCY_OFFICER, Role.SYSADMIN):
        client = Client()
        client.force_login(make_user(tree.committee_a, role, clearance="TUYET_MAT"))
        for body in ({}, {"managing_org": "t-a", "declaration": {}}):
            response = client.post("/api/dossiers/", body, content_type="application/json")
            assert response.status_code == 403, (role, body, response.content)
