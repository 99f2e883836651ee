"""Every page and API of positions through the permission matrix: hidden answers as missing,
refused writes change nothing and write no event; reads of a person's holdings and decisions
are recorded as dossier reads; lists cost a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bvct.audit.constants import AuditAction
from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.positions import services
from bvct.positions.models import CatalogueEntry, PersonnelDecision, Post
from tests.conftest import events_since
from tests.factories import Tree, make_user
from tests.people.factories import officers
from tests.permission_matrix import Expect, assert_permission_matrix
from tests.positions.factories import Positions, build, make_dossier, make_entry, make_post

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def made(tree: Tree) -> Positions:
    return build(tree)


READS = [
    ("/chuc-vu/{post}/", Expect(insufficient_clearance=200), "Bí thư Đảng ủy"),
    ("/danh-muc-trong-yeu/{entry}/", Expect(), "15-QĐ/TU"),
    ("/ho-so/{dossier}/chuc-vu/", Expect(), "12-TTr/ĐU"),
    ("/ho-so/{dossier}/quyet-dinh/moi/", Expect(), "Nguyễn Văn Hùng"),
    ("/api/posts/{post}/", Expect.api(insufficient_clearance=200), "Bí thư Đảng ủy"),
    ("/api/catalogue/{entry}/", Expect.api(), "15-QĐ/TU"),
    ("/api/dossiers/{dossier}/holdings/", Expect.api(), "PLANNED"),
    ("/api/decisions/{decision}/", Expect.api(), "12-TTr/ĐU"),
]


def _url(url: str, made: Positions | None) -> str:
    ids = {k: MISSING for k in ("post", "entry", "dossier", "decision")}
    if made is not None:
        ids = {
            "post": made.post.public_id,
            "entry": made.entry.public_id,
            "dossier": made.dossier.public_id,
            "decision": made.decision.public_id,
        }
    return url.format(**ids)


@pytest.mark.parametrize(("url", "expect", "shown"), READS, ids=[u for u, _, _ in READS])
def test_every_read_is_gated(
    tree: Tree, made: Positions, audit_mark: int, url: str, expect: Expect, shown: str
) -> None:
    personas = officers(tree)
    responses = assert_permission_matrix(
        _url(url, made), personas, expect, missing_url=_url(url, None)
    )
    assert shown in responses["allowed"].content.decode()
    reads = [
        e
        for e in events_since(audit_mark, action=AuditAction.DOSSIER_VIEW)
        if e.object_public_id == str(made.dossier.public_id)
    ]
    personal = ("ho-so" in url and "moi" not in url) or "holdings" in url or "decisions" in url
    # A person's holdings and decisions are read as the dossier is: one recorded read.
    assert len(reads) == (1 if personal else 0)
    if personal:
        assert reads[0].actor_public_id == personas.allowed.public_id


LISTS = [
    ("/chuc-vu/", Expect(other_scope=200, insufficient_clearance=200)),
    ("/danh-muc-trong-yeu/", Expect(other_scope=200, insufficient_clearance=200)),
    ("/api/posts/", Expect.api(other_scope=200, insufficient_clearance=200, agency=403)),
    ("/api/catalogue/", Expect.api(other_scope=200, insufficient_clearance=200, agency=403)),
    ("/api/decisions/", Expect.api(other_scope=200, insufficient_clearance=200, agency=403)),
]


@pytest.mark.parametrize(("url", "expect"), LISTS, ids=[u for u, _ in LISTS])
def test_lists_show_only_what_the_gate_lets_through(
    tree: Tree, made: Positions, url: str, expect: Expect
) -> None:
    personas = officers(tree)
    responses = assert_permission_matrix(url, personas, expect)
    assert "15-QĐ/TU" not in responses["insufficient_clearance"].content.decode()
    assert "Bí thư Đảng ủy" not in responses["other_scope"].content.decode()
    allowed = responses["allowed"].content.decode()
    assert "Bí thư Đảng ủy" in allowed or "APPOINTMENT" in allowed


def test_recording_a_decision_from_the_dossier_page(tree: Tree, made: Positions) -> None:
    personas = officers(tree)
    url = f"/ho-so/{made.dossier.public_id}/quyet-dinh/moi/"
    data = {
        "kind": "SUCCESSION_PLANNING",
        "post": str(made.post.public_id),
        "deciding_org": str(tree.committee_a.public_id),
        "proposed_on": "2026-02-01",
        "reference": "3-TTr/ĐU",
    }
    responses = assert_permission_matrix(
        url,
        personas,
        Expect(allowed=302),
        method="post",
        form=True,
        data=data,
        state=lambda: PersonnelDecision.objects.count(),
        missing_url=f"/ho-so/{MISSING}/quyet-dinh/moi/",
    )
    made_now = PersonnelDecision.objects.get(reference="3-TTr/ĐU")
    # Recorded, the decision goes to its requirement check.
    assert responses["allowed"]["Location"] == f"/tham-tra/quyet-dinh/{made_now.public_id}/"
    assert made_now.kind == "SUCCESSION_PLANNING"


def test_a_decision_form_sent_twice_records_one(tree: Tree, made: Positions) -> None:
    client = Client()
    client.force_login(officers(tree).allowed)
    url = f"/ho-so/{made.dossier.public_id}/quyet-dinh/moi/"
    data = {
        "kind": "PARTY_ADMISSION",
        "deciding_org": str(tree.committee_a.public_id),
        "proposed_on": "2026-02-01",
        "submission_token": "6f1c3a52-5c1d-4b0e-9a44-0c7d2a3e9b11",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert PersonnelDecision.objects.filter(kind="PARTY_ADMISSION").count() == 1


def test_the_api_writes_through_the_matrix(tree: Tree, made: Positions) -> None:
    personas = officers(tree)
    assert_permission_matrix(
        "/api/decisions/",
        personas,
        Expect.api(allowed=201, agency=403),
        method="post",
        data={
            "dossier": str(made.dossier.public_id),
            "kind": "ABROAD",
            "deciding_org": "t-a",
            "proposed_on": "2026-02-01",
        },
        state=lambda: PersonnelDecision.objects.count(),
    )
    assert_permission_matrix(
        f"/api/decisions/{made.decision.public_id}/withdraw/",
        personas,
        Expect.api(agency=404),
        method="post",
        data={"reason": "Đổi nhân sự"},
        state=lambda: PersonnelDecision.objects.filter(status="WITHDRAWN").count(),
        missing_url=f"/api/decisions/{MISSING}/withdraw/",
    )
    assert_permission_matrix(
        "/api/posts/",
        personas,
        Expect.api(
            allowed=201, other_scope=400, agency=403, skip=frozenset({"insufficient_clearance"})
        ),
        method="post",
        data={"organisation": "t-a", "name": "Phó Bí thư", "tier": "COMMUNE"},
        state=lambda: Post.objects.count(),
    )
    assert_permission_matrix(
        f"/api/catalogue/{made.entry.public_id}/",
        personas,
        Expect.api(agency=403),
        method="patch",
        data={"version": 1, "listing_issuer": "Tỉnh ủy"},
        state=lambda: list(CatalogueEntry.objects.values_list("listing_issuer", flat=True)),
        missing_url=f"/api/catalogue/{MISSING}/",
    )


def test_pages_keep_posts_and_the_catalogue(tree: Tree, made: Positions) -> None:
    client = Client()
    client.force_login(officers(tree).allowed)
    response = client.post(
        "/chuc-vu/moi/",
        {
            "organisation": str(tree.committee_a.public_id),
            "name": "Chủ tịch UBND",
            "tier": "COMMUNE",
            "is_management": "on",
        },
    )
    post = Post.objects.get(name="Chủ tịch UBND")
    assert response.status_code == 302 and post.is_management
    refused = client.post(
        "/chuc-vu/moi/",
        {"organisation": str(tree.committee_b.public_id), "name": "X", "tier": "COMMUNE"},
    )
    assert refused.status_code == 200 and "Không có tổ chức này" in refused.content.decode()
    response = client.post(
        "/danh-muc-trong-yeu/moi/",
        {
            "kind": "POST",
            "organisation": str(tree.committee_a.public_id),
            "post": str(post.public_id),
            "listing_number": "20-QĐ/TU",
            "listing_date": "2025-07-01",
            "listing_issuer": "BTV Tỉnh ủy",
            "required_clearance": "MAT",
            "classification": "NONE",
        },
    )
    assert response.status_code == 302
    entry = CatalogueEntry.objects.get(listing_number="20-QĐ/TU")
    assert entry.name == "Chủ tịch UBND"
    closed = client.post(
        f"/danh-muc-trong-yeu/{entry.public_id}/", {"action": "close", "version": 1}
    )
    assert closed.status_code == 302
    entry.refresh_from_db()
    assert not entry.is_active
    page = client.post(
        f"/ho-so/{made.dossier.public_id}/chuc-vu/",
        {
            "holding-post": str(post.public_id),
            "holding-kind": "HOLDS",
            "holding-starts_on": "2024-05-01",
        },
    )
    assert page.status_code == 302
    shown = client.get(f"/ho-so/{made.dossier.public_id}/chuc-vu/").content.decode()
    assert "Chủ tịch UBND" in shown and "Đang giữ" in shown


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


CAPS = {
    "/chuc-vu/": 12,
    "/danh-muc-trong-yeu/": 12,
    "/api/posts/": 8,
    "/api/catalogue/": 8,
    "/api/decisions/": 14,
    "positions": 20,
}


def test_lists_cost_the_same_for_few_or_many_rows(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER, clearance="TUYET_MAT"))
    dossier = make_dossier()

    def add(first: int, count: int) -> None:
        for i in range(first, first + count):
            post = make_post(tree.committee_a, f"Chức vụ {i}")
            make_entry(tree.committee_a, post, level=0)
            services.holding_create(
                actor=SYSTEM,
                dossier=dossier,
                post=post,
                kind="CANDIDATE",
                starts_on=dt.date(2025, 1, 1),
            )
            services.decision_record(
                actor=SYSTEM,
                dossier=make_dossier(level="NONE", birth=f"01/01/{1960 + i}") if i % 2 else dossier,
                kind="SUCCESSION_PLANNING",
                post=post,
                deciding_org=tree.committee_a,
                proposed_on=dt.date(2026, 1, 5),
            )

    urls = [*(u for u in CAPS if u.startswith("/")), f"/ho-so/{dossier.public_id}/chuc-vu/"]
    add(0, 2)
    few = [_count(client, url) for url in urls]
    add(2, 10)
    many = [_count(client, url) for url in urls]
    assert few == many
    for url, count in zip(urls, many, strict=True):
        assert count <= CAPS.get(url, CAPS["positions"]), (url, count)


def test_the_decision_form_has_no_kind_chosen_in_advance(tree: Tree, made: Positions) -> None:
    """The kind of decision starts empty: sent without one, the form says to choose it, at
    the field, and nothing is recorded."""
    client = Client()
    client.force_login(officers(tree).allowed)
    url = f"/ho-so/{made.dossier.public_id}/quyet-dinh/moi/"
    page = client.get(url).content.decode()
    kind = page[page.index('name="kind"') :]
    kind = kind[: kind.index("</select>")]
    assert '<option value="" selected>— Chọn loại quyết định —</option>' in kind
    assert kind.count("selected") == 1
    before = PersonnelDecision.objects.count()
    data = {
        "deciding_org": str(tree.committee_a.public_id),
        "proposed_on": "2026-02-01",
        "submission_token": "0b0f6a1e-1f7e-4c55-9a0e-5a0d8f3c2b10",
    }
    for kind_sent in (None, ""):
        sent = client.post(url, data if kind_sent is None else {**data, "kind": kind_sent})
        assert sent.status_code in (200, 400)
        html = sent.content.decode()
        assert "Hãy chọn loại quyết định (quy hoạch, bổ nhiệm, giới thiệu ứng cử…)." in html
    assert PersonnelDecision.objects.count() == before
