"""The declaration entry page as a person using it meets it: every input named (column and
row), rows added in place, and each refused value shown at its own field as well as in the
list at the top."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from bvct.core.constants import Role
from bvct.core.gate import SYSTEM
from bvct.people import services
from tests.factories import Tree, make_user
from tests.people.factories import declaration, formset

pytestmark = pytest.mark.django_db


class _Inputs(HTMLParser):
    """The form's inputs (outside <template>) and the labels that name them."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._label_text: list[str] = []
        self._template = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "template":
            self._template += 1
        elif tag in ("input", "select", "textarea") and not self._template:
            self.inputs.append(a)
        elif tag == "label" and not self._template:
            self._label_for, self._label_text = a.get("for", ""), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
        elif tag == "label" and self._label_for is not None:
            self.labels[self._label_for] = " ".join("".join(self._label_text).split())
            self._label_for = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._label_text.append(data)


def _form_inputs(page: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(page[page.index('<form method="post" class="declaration">') :])
    return parser


def _officer(tree: Tree) -> Client:
    client = Client()
    client.force_login(make_user(tree.committee_a, Role.BVCT_OFFICER))
    return client


def test_every_input_of_the_declaration_form_is_named_by_its_column_and_row(tree: Tree) -> None:
    client = _officer(tree)
    dossier = services.dossier_create(actor=SYSTEM, managing_org_code="t-a", content=declaration())
    for url in ("/ho-so/lap-moi/", f"/ho-so/{dossier.public_id}/khai-moi/"):
        parsed = _form_inputs(client.get(url).content.decode())
        shown = [i for i in parsed.inputs if i.get("type") != "hidden" and "aria-hidden" not in i]
        assert len(shown) > 50
        unnamed = [i["name"] for i in shown if not parsed.labels.get(i.get("id", ""))]
        assert unnamed == [], (url, unnamed)
        names = {i["name"]: parsed.labels[i["id"]] for i in shown}
        assert names["relatives-1-full_name"] == "Thân nhân thứ 2 — Họ và tên"
        assert names["history-0-start"] == "Quá trình công tác thứ 1 — Từ"
        assert names["foreign_ties-1-country"] == "Yếu tố nước ngoài thứ 2 — Nước"
        assert names["identity-full_name"] == "Họ và tên"


def test_add_row_works_in_place_and_without_scripts_returns_to_its_table(tree: Tree) -> None:
    page = _officer(tree).get("/ho-so/lap-moi/").content.decode()
    assert re.search(r'<script src="/static/bvct/formset\.js[^"]*" defer>', page)
    for prefix in ("relatives", "history", "political_events", "foreign_ties"):
        # The script copies the table's empty row; its labels carry the row number to fill in.
        template = page[page.index(f'<template id="{prefix}-template">') :]
        template = template[: template.index("</template>")]
        assert f'name="{prefix}-__prefix__-' in template and "thứ __row__ — " in template
        assert f'id="{prefix}-rows"' in page
        button = re.search(rf'<button[^>]*value="{prefix}"[^>]*>', page)
        assert button is not None
        assert f'data-add-row="{prefix}"' in button[0]
        # Without the script: the form comes back at this table, not at the top of the page.
        assert f'formaction="#table-{prefix}"' in button[0] and f'id="table-{prefix}"' in page


def test_a_refused_value_is_marked_at_its_field_and_listed_at_the_top(tree: Tree) -> None:
    client = _officer(tree)
    blank = {"relation": "", "full_name": "", "birth": "", "sex": ""}
    data = {
        "dossier-managing_org": "t-a",
        "dossier-classification": "NONE",
        "identity-full_name": "Vũ Thị Hạnh",
        "identity-birth": "1982",
        "identity-citizen_id": "12",
        # The second row of the page is the first relative declared: errors name the row.
        **formset("relatives", [blank, {"relation": "me", "full_name": "Đỗ Thị Tâm",
                                        "birth": "31/02/1958", "sex": "F"}]),
        **formset("history", [{"start": "2010", "end": "2005", "text": "Công tác"}]),
        **formset("political_events", []),
        **formset("foreign_ties", []),
    }  # fmt: skip
    page = client.post("/ho-so/lap-moi/", data).content.decode()
    summary = page[page.index('class="error error-summary"') : page.index("</ul></div>")]
    for field_id, where, message in [
        ("id_identity-citizen_id", "Sơ yếu lý lịch › Số CCCD", "phải gồm đúng 12 chữ số"),
        (
            "id_relatives-1-birth",
            "Thân nhân thứ 2 › Ngày/năm sinh",
            "ngày 31 không có trong tháng 2",
        ),
        ("id_history-0-end", "Quá trình công tác thứ 1 › Đến", "kết thúc (2005) trước khi"),
    ]:
        assert f'<a href="#{field_id}"><strong>{where}</strong></a>: ' in summary
        assert message in summary
        tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page)
        assert tag is not None and 'aria-invalid="true"' in tag[0], field_id
        assert f'aria-describedby="{field_id}_error"' in tag[0]
        at_field = re.search(rf'<p class="error" id="{field_id}_error">([^<]*)</p>', page)
        assert at_field is not None and message in at_field[1]
    # A field the page's own form refuses (a relative with no name) is listed the same way.
    data.update({"relatives-1-full_name": "", "relatives-1-birth": "1958"})
    page = client.post("/ho-so/lap-moi/", data).content.decode()
    assert '<a href="#id_relatives-1-full_name"><strong>Thân nhân thứ 2 › Họ và tên</strong>' in (
        page
    )
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_relatives-1-full_name"', page)
