"""The main pages, as the demo users meet them, show no English and no internal names: no
Django message left untranslated, no model label, no username of the data generator, no code
where a word belongs."""

from __future__ import annotations

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from bvct.accounts.models import User
from bvct.audit.models import AuditEvent
from bvct.people.models import Declaration

pytestmark = pytest.mark.django_db

FORBIDDEN = (
    "Enter a valid",
    "Ensure this",
    "This field",
    "people.",
    "accounts.",
    "orgs.",
    "audit.",
    "Hash",
    "actor",
    "generate_data",
    "kí tự",
    "Thẩm tra: ",
)


class _Text(HTMLParser):
    """What a page shows: its text (not scripts and styles) and its titles, labels and
    placeholders."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _assert_clean(client: Client, url: str, data: dict[str, str] | None = None) -> str:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code in (200, 400), (url, response.status_code)
    text = shown_text(response.content.decode())
    found = [word for word in FORBIDDEN if word in text]
    assert not found, (url, found, text[:3000])
    return text


def test_main_pages_show_no_english_and_no_internal_names() -> None:
    call_command("seed_demo", stdout=StringIO())
    generated = Declaration.objects.filter(submitted_by_username="generate_data").first()
    assert generated is not None  # the demo's dossiers come from the data generator
    dossier = generated.dossier
    officer, reader, auditor = _as("canbo.bvct"), _as("uyvien"), _as("kiemtra")

    for client in (officer, reader, auditor, _as("quantri"), _as("congan")):
        _assert_clean(client, "/")
    home = _assert_clean(officer, "/")
    assert "API" not in home  # the API documentation is for the administrator, not officers
    assert 'href="/api/docs/"' in _as("quantri").get("/").content.decode()

    for client in (officer, reader):
        _assert_clean(client, "/ho-so/")
        found = _assert_clean(client, "/ho-so/?q=Hùng")
        assert "Vai trò trong hồ sơ" in found  # not “Là”
        _assert_clean(client, "/ho-so/?q=" + "x" * 101)  # too long: Django's own message
        page = _assert_clean(client, f"/ho-so/{dossier.public_id}/")
        assert "Hệ thống (dữ liệu sinh tự động)" in page  # who submitted a generated one
        # Relatives: a column of full dates is not “Năm sinh”; “Thẩm tra” alone read as done.
        assert "Ngày sinh Quê quán Nơi ở hiện nay" in page and "Thuộc diện thẩm tra" in page
        _assert_clean(client, f"/ho-so/{dossier.public_id}/ban-in/")
    _assert_clean(officer, "/ho-so/xuat-excel/")  # the export's page, then an export for the trail
    exported = officer.post("/ho-so/xuat-excel/", {"purpose": "REVIEW", "ceiling": "MAT"})
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    _assert_clean(officer, "/ho-so/nhap/")
    _assert_clean(officer, "/ho-so/nhap/", {"org": "x" * 70})
    _assert_clean(officer, "/ho-so/lap-moi/")
    _assert_clean(
        officer,
        "/ho-so/lap-moi/",
        {"dossier-managing_org": "x", "identity-full_name": "y" * 201},
    )
    _assert_clean(officer, f"/ho-so/{dossier.public_id}/khai-moi/")

    # The auditor: the trail's search (with refused values too), and one event of each type.
    _assert_clean(auditor, "/audit/")
    _assert_clean(auditor, "/audit/?actor=canbo.bvct")
    _assert_clean(auditor, "/audit/?subject=abc&date_from=31/31/2020&object_id=" + "1" * 70)
    _assert_clean(auditor, "/audit/?before=abc")
    _assert_clean(auditor, f"/ho-so/{dossier.public_id}/")  # with its access log
    seen = set()
    for event in AuditEvent.objects.visible_to(User.objects.get(username="kiemtra")):
        if (event.action, event.object_type) not in seen:
            seen.add((event.action, event.object_type))
            _assert_clean(auditor, f"/audit/{event.public_id}/")
    assert {"people.listing", "people.exportbatch", "audit.auditevent"} <= {t for _, t in seen}
