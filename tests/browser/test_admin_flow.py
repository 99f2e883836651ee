"""The administrator's account pages in a real Chromium: an account created with its
organisation found by name (htmx), signed in with the temporary password shown once, its role
confirmed by a second administrator, then disabled."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import sign_in

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip: .[dev])"
)
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

pytestmark = pytest.mark.browser


def test_the_administrator_creates_an_account_that_signs_in_then_disables_it(
    signed_in: Callable[[str], Page],
    new_context: Callable[..., BrowserContext],
    base_url: str,
) -> None:
    admin = signed_in("quantri")
    admin.get_by_role("link", name="Tài khoản").first.click()
    admin.get_by_role("link", name="Tạo tài khoản mới").click()
    admin.fill("#id_username", "canbo.kinhbac2")
    admin.fill("#id_full_name", "Lê Thị Kim Oanh")
    admin.get_by_label("Cán bộ làm công tác BVCTNB").check()
    admin.select_option("#id_clearance", label="Mật")
    # The organisation, found by typing part of its name without diacritics (no page load).
    admin.evaluate("window.__samePage = true")
    admin.get_by_label("Lọc tổ chức theo tên").first.fill("kinh bac")
    organisation = admin.get_by_label("Đơn vị", exact=True)
    # The committee and its three grassroots organisations, after the empty first option.
    expect(organisation.locator("option")).to_have_count(5)
    expect(admin.locator("#id_organisation_count")).to_have_text("4 tổ chức.")
    assert admin.evaluate("window.__samePage") is True
    organisation.select_option(label="Đảng ủy phường Kinh Bắc")
    admin.get_by_role("button", name="Tạo tài khoản").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Đã tạo tài khoản")
    password = admin.locator("output").inner_text().strip()
    assert len(password) >= 16

    user = new_context().new_page()
    sign_in(user, base_url, "canbo.kinhbac2", password)
    expect(user.locator(".who")).to_have_text("Lê Thị Kim Oanh")
    # The administrator knows that password: the account is sent to change it first.
    expect(user.get_by_role("heading", level=1)).to_have_text("Đổi mật khẩu")
    # Its role waits for a second administrator: no dossiers yet.
    expect(user.get_by_role("link", name="Hồ sơ", exact=True)).to_have_count(0)

    second = signed_in("quantri2")
    second.get_by_role("link", name="Cấp quyền").click()
    row = second.get_by_role("row").filter(has_text="Lê Thị Kim Oanh")
    expect(row).to_contain_text("Cán bộ làm công tác BVCTNB")
    expect(row).to_contain_text("Vũ Đức Anh")  # who asked
    row.get_by_role("button", name="Xác nhận cấp quyền").click()
    expect(second.locator(".messages")).to_contain_text("Đã xác nhận cấp quyền")
    user.reload()
    expect(user.get_by_role("link", name="Hồ sơ", exact=True).first).to_be_visible()

    admin.get_by_role("link", name="Về trang tài khoản").click()
    expect(admin.locator(".facts")).to_contain_text("Đảng ủy phường Kinh Bắc")
    admin.get_by_role("button", name="Khóa tài khoản").click()
    expect(admin.locator(".messages")).to_contain_text("Đã khóa tài khoản.")
    # The open session of the disabled account ends at its next request.
    user.reload()
    expect(user.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
