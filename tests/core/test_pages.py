"""The UI shell: login, home per role, security headers, nothing loaded from outside the server."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from bvct.core.constants import Role
from tests.factories import Tree, make_user

pytestmark = pytest.mark.django_db

# Any absolute URL in an attribute or CSS url(): the pages must load nothing from elsewhere.
EXTERNAL = re.compile(r"""(?:src|href|action|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.I)


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)  # type: ignore[arg-type]
    return client


def test_home_requires_login() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_page_is_vietnamese_and_accessible() -> None:
    response = Client().get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html
    assert 'href="#main"' in html  # skip link for keyboard users


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.AUDITOR, "/audit/", "Cơ cấu tổ chức"),
        (Role.SYSADMIN, "/accounts/quan-ly/", "/audit/"),
        (Role.SYSADMIN, "Cơ cấu tổ chức", "/ho-so/"),
        (Role.BVCT_OFFICER, "/ho-so/", "/audit/"),
        (Role.AGENCY_OFFICER, "/orgs/", "/ho-so/"),
    ],
)
def test_home_shows_what_the_role_may_do(tree: Tree, role: str, expected: str, absent: str) -> None:
    html = _client(make_user(tree.board, role)).get("/").content.decode()
    assert expected in html
    assert absent not in html


# What the home page once promised before it existed: appraisal, conclusions, coordination
# requests, the secret register.
NOT_BUILT = ["thẩm định", "Kết luận", "Yêu cầu phối hợp", "Sổ tài liệu mật", "đang được xây dựng"]
CARD = re.compile(r'<li class="card">\s*<h3>(.*?)</h3>', re.S)
LINK = re.compile(r'^<a href="([^"]+)">[^<]+</a>$')


@pytest.mark.parametrize("role", list(Role))
def test_every_home_card_opens_a_page_the_user_may_use(tree: Tree, role: str) -> None:
    client = _client(make_user(tree.board, role, clearance="MAT"))
    html = client.get("/").content.decode()
    cards = CARD.findall(html)
    assert cards
    for card in cards:
        link = LINK.match(card.strip())
        assert link, f"a card without a link: {card}"
        assert client.get(link.group(1)).status_code == 200, link.group(1)
    for promise in NOT_BUILT:
        assert promise not in html


def test_security_headers(tree: Tree) -> None:
    response = _client(make_user(tree.board, Role.BVCT_OFFICER)).get("/")
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_request_id_is_kept_only_from_a_trusted_proxy_and_well_formed(settings: object) -> None:
    untrusted = Client().get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"]
    assert untrusted != "abc-123"
    settings.BVCT_TRUST_X_FORWARDED_FOR = True  # type: ignore[attr-defined]
    trusted = Client().get("/accounts/login/", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"]
    assert trusted == "abc-123"
    bad = Client().get("/accounts/login/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert bad != "<script>"


def test_no_page_references_another_server(tree: Tree) -> None:
    pages = {
        None: ["/accounts/login/"],
        make_user(tree.board, Role.AUDITOR, clearance="TUYET_MAT"): ["/", "/audit/", "/orgs/"],
        make_user(tree.board, Role.SYSADMIN): ["/", "/orgs/", f"/orgs/{tree.root.public_id}/"],
    }
    seen = 0
    for user, urls in pages.items():
        client = _client(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert not EXTERNAL.search(html), (url, EXTERNAL.search(html))
            seen += 1
    assert seen == 7


def test_api_docs_are_served_locally(tree: Tree) -> None:
    client = _client(make_user(tree.board, Role.BVCT_OFFICER))
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    # The Content-Security-Policy forbids inline code: every script and style is a file.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "<style" not in html
    script = re.search(r'<script src="(/api/docs/\?[^"]+)"', html)
    assert script, "the page's own script must be served by the view"
    code = client.get(script.group(1).replace("&amp;", "&"))
    assert code.status_code == 200
    assert "validator.swagger.io" not in code.content.decode()
    assert '"validatorUrl": null' in code.content.decode()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/orgs/" in paths and "/api/audit/events/" in paths


def test_htmx_is_served_from_the_package(tree: Tree) -> None:
    html = _client(make_user(tree.board, Role.BVCT_OFFICER)).get("/").content.decode()
    match = re.search(r'<script src="(/static/django_htmx/htmx[^"]+)"', html)
    assert match, "htmx script tag missing"
    assert Client().get(match.group(1)).status_code == 200


def test_english_is_available(tree: Tree) -> None:
    client = _client(make_user(tree.board, Role.BVCT_OFFICER))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign out" in html
    assert "Đăng xuất" not in html


def test_org_search_serves_fragment_to_htmx(tree: Tree) -> None:
    client = _client(make_user(tree.board, Role.BVCT_OFFICER))
    full = client.get("/orgs/", {"q": "Chi bộ"})
    fragment = client.get("/orgs/", {"q": "Chi bộ"}, HTTP_HX_REQUEST="true")
    assert "<html" in full.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "Chi bộ A1-1" in fragment.content.decode()
    assert "Đảng ủy xã B" not in fragment.content.decode()


def test_vietnamese_is_the_default_whatever_the_browser_asks() -> None:
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"
    client = Client()
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get("/accounts/login/").content.decode()
    client.cookies["django_language"] = "fr"
    assert '<html lang="vi">' in client.get("/accounts/login/").content.decode()


def test_error_pages_are_vietnamese(tree: Tree) -> None:
    client = _client(make_user(tree.board, Role.BVCT_OFFICER))
    missing = client.get("/orgs/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404
    assert "Không tìm thấy" in missing.content.decode()
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/accounts/login/", {"username": "a", "password": "b"})
    assert refused.status_code == 403
    assert "Phiên biểu mẫu đã hết hạn" in refused.content.decode()


def test_api_messages_are_vietnamese(tree: Tree) -> None:
    anonymous = Client().get("/api/orgs/")
    assert anonymous.json()["detail"] == "Chưa đăng nhập hoặc chưa gửi mã truy cập."
    admin = _client(make_user(tree.board, Role.SYSADMIN))
    missing_field = admin.post("/api/orgs/", {"code": "x"}, content_type="application/json")
    assert missing_field.status_code == 400
    assert missing_field.json()["name"] == ["Trường này là bắt buộc."]


def test_session_api_write_needs_the_csrf_token(tree: Tree) -> None:
    """Session-authenticated API writes are CSRF-protected (token clients need no cookie)."""
    admin = make_user(tree.board, Role.SYSADMIN)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    url = f"/api/orgs/{tree.committee_b.public_id}/"
    response = client.patch(url, {"version": 1, "name": "Không"}, content_type="application/json")
    assert response.status_code == 403
    from bvct.orgs.models import Organisation

    assert Organisation.objects.get(pk=tree.committee_b.pk).name == "Đảng ủy xã B"


def test_the_api_schema_states_what_the_api_answers(tree: Tree) -> None:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) >= {"code", "detail", "field", "errors"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert "400" in codes, (method, path)
    # The root organisation has no parent; a dossier is opened under a named organisation; a
    # birth year is a plausible one (what the API refuses, the schema refuses too).
    assert schema["components"]["schemas"]["OrganisationOutput"]["properties"]["parent_code"][
        "nullable"
    ]
    create = schema["components"]["schemas"]["DossierCreateInput"]["properties"]
    assert create["managing_org"]["minLength"] == 1
    [year] = [
        p
        for p in schema["paths"]["/api/persons/"]["get"]["parameters"]
        if p["name"] == "birth_year"
    ]
    assert (year["schema"]["minimum"], year["schema"]["maximum"]) == (1850, 2100)
