"""The rule pages and the timeliness report in a real Chromium against the demo data: the
administrator reads the rule pack and its versions and enters (then removes) a day off in the
working calendar; an officer opens the timeliness report from the home page, is told in
Vietnamese what is wrong with a bad period, then enters a good one and sees the table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip: .[dev])"
)
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
SignedIn = Callable[[str], "Page"]
RATIO = re.compile(r"^\d+/\d+ \(\d+(,\d)? %\)$")


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"{page.url} is {width}px wide"


def test_the_administrator_reads_the_rule_pack_and_keeps_the_working_calendar(
    signed_in: SignedIn, base_url: str
) -> None:
    admin = signed_in("quantri")
    admin.set_viewport_size({"width": 1366, "height": 768})
    admin.goto(f"{base_url}/")
    admin.get_by_role("navigation").get_by_role("link", name="Quy tắc", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Bộ quy tắc phiên bản 1")
    for heading in ("Thời hạn các bước (ngày làm việc)", "Thân nhân được thẩm tra"):
        expect(admin.get_by_role("heading", name=heading)).to_be_visible()
    stages = admin.locator("table").filter(has_text="Số ngày làm việc: 5")
    expect(stages.get_by_role("rowheader", name="Thẩm định", exact=True)).to_be_visible()
    _fits(admin)
    admin.get_by_role("link", name="Các phiên bản").click()
    admin.get_by_role("link", name="Phiên bản 1", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("phiên bản 1")

    # The working calendar: a day off entered for a year ahead (nothing the other flows
    # count falls then), listed, then removed.
    admin.get_by_role("navigation").get_by_role("link", name="Ngày làm việc").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Ngày nghỉ, ngày làm việc bù")
    day = dt.date(dt.date.today().year + 2, 3, 10)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    admin.goto(f"{base_url}/tham-tra/ngay-lam-viec/?nam={day.year}")
    admin.get_by_label("Ngày", exact=True).fill(day.isoformat())
    admin.get_by_label("Loại ngày").select_option(label="Ngày nghỉ")
    admin.get_by_label("Căn cứ").fill("Thông báo số 12/TB-VPTU của Văn phòng Tỉnh ủy (thử)")
    admin.get_by_role("button", name="Ghi ngày này").click()
    shown = day.strftime("%d/%m/%Y")
    entered = admin.locator("section[aria-labelledby='h-entered'] tbody tr").filter(has_text=shown)
    expect(entered).to_contain_text("Ngày nghỉ")
    entered.get_by_role("button", name=re.compile("Xóa")).click()
    expect(
        admin.locator("section[aria-labelledby='h-entered'] tbody tr").filter(has_text=shown)
    ).to_have_count(0)


def test_an_officer_reads_the_timeliness_report_for_a_period(
    signed_in: SignedIn, base_url: str
) -> None:
    officer = signed_in("canbo.xa")
    officer.set_viewport_size({"width": 1366, "height": 768})
    officer.goto(f"{base_url}/")
    officer.get_by_role("link", name="Báo cáo thời hạn giải quyết").first.click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(
        "Thời hạn giải quyết hồ sơ thẩm tra"
    )
    table = officer.locator("#timeliness")
    expect(table).to_be_visible()
    since = officer.get_by_label("Hồ sơ mở từ ngày")
    until = officer.get_by_label("Đến ngày")

    # A date that is not one, then a reversed range: each said at its field, no table.
    since.fill("31/02/2026")
    officer.get_by_role("button", name="Xem").click()
    expect(officer.get_by_role("alert")).to_have_text(
        "Ngày không hợp lệ: hãy nhập ngày/tháng/năm, ví dụ 05/01/2026."
    )
    expect(table).to_have_count(0)
    today = dt.date.today()
    start = today - dt.timedelta(days=150)
    since.fill(today.strftime("%d/%m/%Y"))
    until.fill(start.strftime("%d/%m/%Y"))
    officer.get_by_role("button", name="Xem").click()
    expect(officer.get_by_role("alert")).to_contain_text("phải từ “Hồ sơ mở từ ngày”")
    expect(table).to_have_count(0)

    # A good period: the demo's cases of the last five months, by stage, in working days.
    since.fill(start.strftime("%d/%m/%Y"))
    until.fill(today.strftime("%d/%m/%Y"))
    officer.get_by_role("button", name="Xem").click()
    expect(officer.get_by_role("alert")).to_have_count(0)
    expect(officer.get_by_role("heading", level=2).first).to_contain_text(
        f"(hồ sơ mở từ {start:%d/%m/%Y} đến {today:%d/%m/%Y})"
    )
    rows = table.locator("tbody tr")
    appraisal = rows.filter(has_text="Thẩm định").filter(has_text="Đảng ủy phường Kinh Bắc")
    expect(appraisal).to_have_count(1)
    cells = appraisal.locator("td")
    assert RATIO.match(cells.nth(2).inner_text().strip()), cells.nth(2).inner_text()
    assert float(cells.nth(3).inner_text().replace(",", ".")) >= 1  # working days, not zero
    assert RATIO.match(cells.nth(4).inner_text().strip()), cells.nth(4).inner_text()
    headers = table.locator("thead th")
    expect(headers.nth(3)).to_have_text("Trung bình 90 % nhanh nhất (ngày làm việc)")
    # The case late today is listed under the table, and its page opens from there.
    late = officer.locator("table.queue tbody tr")
    expect(late.first).to_contain_text("ngày làm việc")
    assert since.input_value() == start.strftime("%d/%m/%Y")
    _fits(officer)
    late.first.get_by_role("link").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Hồ sơ thẩm tra TT-")
