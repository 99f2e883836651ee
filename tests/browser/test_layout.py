"""The declaration form on an officer's laptop screen (1366x768): it fits without scrolling
sideways, every field has a name a screen reader reads, and “Thêm dòng” adds a row in place."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip: .[dev])"
)
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
FIELDS = (
    "form.declaration input:not([type=hidden]), form.declaration select, form.declaration textarea"
)


def _signed_in_on_a_laptop(
    new_context: Callable[..., BrowserContext], base_url: str, username: str
) -> Page:
    from tests.browser.conftest import sign_in

    page = new_context(viewport=LAPTOP).new_page()
    sign_in(page, base_url, username)
    return page


def _assert_fits_and_every_field_is_named(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= LAPTOP["width"], f"the page is {width} px wide"
    fields = page.locator(FIELDS).filter(visible=True)
    # The hidden “Nộp” that makes Enter submit is out of the accessibility tree.
    fields = fields.and_(page.locator(":not([aria-hidden=true])"))
    assert fields.count() > 50
    for i in range(fields.count()):
        expect(fields.nth(i)).to_have_accessible_name(re.compile(r"\S"))


def test_declaration_form_fits_a_laptop_screen_and_every_field_is_named(
    new_context: Callable[..., BrowserContext], base_url: str
) -> None:
    page = _signed_in_on_a_laptop(new_context, base_url, "canbo.bvct")
    page.goto(f"{base_url}/ho-so/lap-moi/")
    _assert_fits_and_every_field_is_named(page)
    # A table field is named by its column and row, as the page counts rows.
    expect(page.get_by_label("Thân nhân thứ 2 — Họ và tên", exact=True)).to_have_count(1)

    # “Thêm dòng” adds a row in place: no reload, the page stays where it was, the new row
    # has its own names and takes the focus.
    page.evaluate("window.__before_add_row = true")
    total = page.locator("#id_relatives-TOTAL_FORMS")
    rows = int(total.input_value())
    page.locator("#table-relatives").get_by_role("button", name="Thêm dòng").click()
    expect(total).to_have_value(str(rows + 1))
    assert page.evaluate("window.__before_add_row === true"), "the page was reloaded"
    added = page.get_by_label(f"Thân nhân thứ {rows + 1} — Quan hệ", exact=True)
    expect(added).to_be_focused()
    page.locator("#table-history").get_by_role("button", name="Thêm dòng").click()
    _assert_fits_and_every_field_is_named(page)


def test_new_version_of_a_declaration_fits_a_laptop_screen(
    new_context: Callable[..., BrowserContext], base_url: str
) -> None:
    page = _signed_in_on_a_laptop(new_context, base_url, "canbo.bvct")
    page.goto(f"{base_url}/ho-so/")
    page.locator("#results tbody a").first.click()
    page.get_by_role("link", name="Nhập bản khai mới").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bản khai mới")
    _assert_fits_and_every_field_is_named(page)


def _tops(page: Page, selectors: list[str]) -> dict[str, float]:
    return {s: page.locator(s).bounding_box()["y"] for s in selectors}  # type: ignore[index]


def _assert_labels_above(page: Page, ids: list[str]) -> None:
    for field_id in ids:
        label = page.locator(f"label[for={field_id}]").bounding_box()
        box = page.locator(f"#{field_id}").bounding_box()
        assert label is not None and box is not None
        assert label["y"] + label["height"] <= box["y"] + 1, f"{field_id}'s label is not above it"


def test_name_search_form_lines_its_fields_up_on_a_laptop_screen(
    new_context: Callable[..., BrowserContext], base_url: str
) -> None:
    page = _signed_in_on_a_laptop(new_context, base_url, "canbo.bvct")
    page.goto(f"{base_url}/ho-so/?q=nguyen")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    # The name, birth year, hometown and the organisation's filter box and list: one line.
    tops = _tops(page, ["#id_q", "#id_birth_year", "#id_hometown", "#id_org_q", "#id_org"])
    assert max(tops.values()) - min(tops.values()) <= 1, tops
    _assert_labels_above(page, ["id_q", "id_birth_year", "id_hometown"])
    expect(page.get_by_label("Tìm cả thân nhân")).to_be_visible()


def test_timeliness_period_form_has_labels_above_and_the_button_level(
    new_context: Callable[..., BrowserContext], base_url: str
) -> None:
    page = _signed_in_on_a_laptop(new_context, base_url, "canbo.xa")
    page.goto(f"{base_url}/tham-tra/bao-cao/thoi-han/")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    button = "#timeliness-period button[type=submit]"
    tops = _tops(page, ["#id_since", "#id_until", button])
    assert max(tops.values()) - min(tops.values()) <= 1, tops
    _assert_labels_above(page, ["id_since", "id_until"])
    # Each help text sits under its own box, not beside it.
    for field_id in ("id_since", "id_until"):
        box = page.locator(f"#{field_id}").bounding_box()
        help_box = page.locator(f"#{field_id}_helptext").bounding_box()
        assert box is not None and help_box is not None
        assert help_box["y"] >= box["y"] + box["height"] - 1


def test_case_list_filters_and_rows_read_cleanly_on_a_laptop_screen(
    new_context: Callable[..., BrowserContext], base_url: str
) -> None:
    page = _signed_in_on_a_laptop(new_context, base_url, "canbo.xa")
    page.goto(f"{base_url}/tham-tra/ho-so-tham-tra/")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    # The filter boxes are checkboxes the size of a line, beside their names.
    for name in ("Chỉ hồ sơ quá hạn", "Chỉ hồ sơ tôi được phân công"):
        box = page.get_by_label(name).bounding_box()
        label = page.locator("label.check", has_text=name).bounding_box()
        assert box is not None and label is not None
        assert box["height"] < 24 and label["x"] <= box["x"] <= label["x"] + 8
    # A case number is read whole on one line.
    link = page.locator("table tbody td a").first
    height = link.bounding_box()["height"]  # type: ignore[index]
    line = link.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)")
    assert height < line * 1.5, "the case number wraps"
