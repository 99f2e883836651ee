"""The main user flows in a real Chromium against a real server with the demo data.

Each flow uses its own demo dossier (chosen by tests/browser/demo_cases.py for what the flow
needs), so the tests do not depend on their order.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip: .[dev])"
)
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page


pytestmark = pytest.mark.browser

SignedIn = Callable[[str], "Page"]
NewContext = Callable[..., "BrowserContext"]
Demo = dict[str, Any]
NOT_FOUND = "Không tìm thấy ai phù hợp trong phạm vi của bạn."


def open_dossier(page: Page, base_url: str, name: str) -> str:
    """Find a managed person by full name and open their dossier; return its URL."""
    page.goto(f"{base_url}/ho-so/?q={quote_plus(name)}")
    page.locator("#results").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    return page.url.split("#")[0]


def relative_prefix(page: Page, full_name: str) -> str:
    """The form prefix (``relatives-N``) of a declared relative on the declaration page."""
    field = page.locator(f"input[name^='relatives-'][name$='-full_name'][value='{full_name}']")
    expect(field).to_have_count(1)
    name = field.get_attribute("name") or ""
    return name.removesuffix("-full_name")


def relatives_row(page: Page, full_name: str) -> Locator:
    return page.locator("#relatives tbody tr").filter(
        has=page.get_by_role("cell", name=full_name, exact=True)
    )


# --- 1. sign-in --------------------------------------------------------------------------


def test_sign_in_in_vietnamese_refuses_a_wrong_password_then_returns_to_the_page(
    new_context: NewContext, base_url: str
) -> None:
    # An office PC set up in English still gets the Vietnamese interface.
    page = new_context(locale="en-US").new_page()
    page.goto(f"{base_url}/ho-so/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/ho-so/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")

    page.fill("#id_username", "canbo.xa")
    page.fill("#id_password", "mat-khau-sai-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#login-error")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.locator(".who")).to_have_count(0)

    page.fill("#id_password", "BVCT-demo-2026!")
    page.get_by_role("button", name="Đăng nhập").click()
    # Back on the page first asked for, signed in as the commune officer.
    expect(page).to_have_url(f"{base_url}/ho-so/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tra cứu hồ sơ")
    expect(page.locator(".who")).to_have_text("Trần Văn Minh")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


# --- 2. search ---------------------------------------------------------------------------


def test_search_without_diacritics_and_with_a_typo_finds_only_within_scope(
    signed_in: SignedIn, base_url: str, demo: Demo
) -> None:
    name, typo = demo["searched"]["name"], demo["searched"]["typo"]  # "dang quoc quee"
    page = signed_in("canbo.bvct")
    page.goto(f"{base_url}/ho-so/")
    page.evaluate("window.__samePage = true")
    page.fill("#id_q", typo)  # live search as one types: htmx, no page load
    found = page.locator("#results").get_by_role("link", name=name, exact=True)
    expect(found).to_be_visible()
    expect(page.locator("#results .corrections")).to_contain_text("Đã tìm cả:")
    expect(page.locator("#results .corrections strong")).to_have_text(demo["searched"]["typo_word"])
    expect(page.locator("#results .result-count")).to_contain_text("Tìm thấy")
    row = page.locator("#results tbody tr").filter(
        has=page.get_by_role("link", name=name, exact=True)
    )
    expect(row).to_contain_text("Người được quản lý")
    assert page.evaluate("window.__samePage") is True
    # The search is in the address bar too (hx-push-url): it can be bookmarked and reloaded.
    in_query = r"(\+|%20)".join(re.escape(word) for word in typo.split())
    expect(page).to_have_url(re.compile(rf"/ho-so/\?q={in_query}(&|$)"))
    dossier_url = base_url + (found.get_attribute("href") or "")

    # The commune officer (scope: phường Kinh Bắc) finds their own members, not this one...
    other = signed_in("canbo.xa")
    other.goto(f"{base_url}/ho-so/")
    other.fill("#id_q", typo)
    other.get_by_role("button", name="Tìm").click()
    expect(other.locator("#results")).to_contain_text(NOT_FOUND)
    expect(other.locator("#results").get_by_role("link", name=name)).to_have_count(0)
    other.fill("#id_q", demo["in_kinh_bac"]["query"])
    other.get_by_role("button", name="Tìm").click()
    own = other.locator("#results").get_by_role("link", name=demo["in_kinh_bac"]["name"])
    expect(own).to_be_visible()
    # ...and the dossier's address is answered as if it did not exist.
    response = other.goto(dossier_url)
    assert response is not None and response.status == 404
    expect(other.locator("body")).not_to_contain_text(name)


# --- 3. dossier tabs ---------------------------------------------------------------------


def test_dossier_tabs_show_each_part_of_the_declaration(
    signed_in: SignedIn, base_url: str, demo: Demo
) -> None:
    case = demo["tabbed"]
    page = signed_in("canbo.bvct")
    url = open_dossier(page, base_url, case["name"])
    tabs = page.get_by_role("navigation", name="Các phần của hồ sơ")
    # Officers do not get the access log: that tab is the auditors'.
    expect(tabs.get_by_role("link")).to_have_text(
        ["Sơ yếu", "Quá trình", "Thân nhân", "Yếu tố nước ngoài", "Các bản khai"]
    )
    expected = {
        "Sơ yếu": ("identity", case["identity"]),
        "Quá trình": ("history", case["history"]),
        "Thân nhân": ("relatives", case["relatives"]),
        "Yếu tố nước ngoài": ("foreign", case["foreign"]),
        "Các bản khai": ("versions", ["Đang hiệu lực"]),
    }
    for tab, (anchor, texts) in expected.items():
        tabs.get_by_role("link", name=tab, exact=True).click()
        expect(page).to_have_url(f"{url}#{anchor}")
        section = page.locator(f"section#{anchor}")
        expect(section).to_be_in_viewport()
        for text in texts:
            expect(section).to_contain_text(text)
    # One version so far: nothing to compare it with.
    expect(page.locator("#versions tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="So sánh với bản trước")).to_have_count(0)


# --- 4. a new declaration version and its differences -------------------------------------


def submit_occupation_change(page: Page, base_url: str, case: dict[str, str], value: str) -> None:
    """Enter a new declaration version that changes one relative's occupation."""
    open_dossier(page, base_url, case["name"])
    page.get_by_role("link", name="Nhập bản khai mới").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bản khai mới: {case['name']}")
    field = page.locator(f"[name='{relative_prefix(page, case['relative'])}-occupation']")
    expect(field).to_have_value(case["occupation"])
    # Typing keeps the session alive: the page tells the server (at most once a minute).
    with page.expect_response(lambda r: r.url.endswith("/accounts/giu-phien/")) as ping:
        field.fill(value)
    assert ping.value.status == 204
    page.get_by_role("button", name="Nộp").click()
    expect(page).to_have_url(re.compile(r"#versions$"))
    expect(page.locator(".messages")).to_contain_text("Đã nộp bản khai số 2.")


def test_new_declaration_version_is_listed_and_compared_side_by_side(
    signed_in: SignedIn, base_url: str, demo: Demo
) -> None:
    case = demo["edited"]
    after = "Giáo viên tiểu học"  # not an occupation the demo generator uses
    page = signed_in("canbo.bvct")
    submit_occupation_change(page, base_url, case, after)

    versions = page.locator("#versions tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Nguyễn Thị Lan")  # the submitter's full name
    expect(versions.nth(0)).to_contain_text("Đang hiệu lực")
    expect(versions.nth(1)).to_contain_text("Đã được thay thế")
    expect(relatives_row(page, case["relative"])).to_contain_text(after)

    versions.nth(0).get_by_role("link", name="So sánh với bản trước").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{case['name']}: bản khai số 1 và số 2"
    )
    headers = page.locator("thead th")
    expect(headers.nth(3)).to_have_text("Bản số 1")
    expect(headers.nth(4)).to_have_text("Bản số 2")
    # Only what was changed is listed: the page round-trips everything else unchanged.
    rows = page.locator("tbody tr.changed")
    expect(rows).to_have_count(1)
    cells = rows.locator("td")
    expect(cells.nth(1)).to_have_text(case["relative"])
    expect(cells.nth(2)).to_have_text("Nghề nghiệp")
    expect(cells.nth(3)).to_have_text(case["occupation"])
    expect(cells.nth(4)).to_have_text(after)


def test_comparison_names_the_changed_part_in_vietnamese(
    signed_in: SignedIn, base_url: str, demo: Demo
) -> None:
    page = signed_in("canbo.bvct")
    submit_occupation_change(page, base_url, demo["relabelled"], "Bác sĩ đa khoa")
    page.get_by_role("link", name="So sánh với bản trước").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("bản khai số 1 và số 2")
    expect(page.locator("tbody tr.changed td").first).to_have_text("Thân nhân", timeout=500)


# --- 5. two people editing the same declaration -----------------------------------------


def test_second_of_two_concurrent_edits_is_refused_and_overwrites_nothing(
    signed_in: SignedIn, base_url: str, demo: Demo
) -> None:
    name, relative = demo["contested"]["name"], demo["contested"]["relative"]
    first = signed_in("canbo.bvct")
    open_dossier(first, base_url, name)
    edit_url = first.get_by_role("link", name="Nhập bản khai mới").get_attribute("href")
    second = first.context.new_page()  # a second tab, opened before the first one submits
    second.goto(f"{base_url}{edit_url}")
    first.goto(f"{base_url}{edit_url}")
    prefix = relative_prefix(first, relative)
    assert relative_prefix(second, relative) == prefix
    field = f"[name='{prefix}-occupation']"

    # Background tabs get no animation frames: act in the tab at the front, as a person would.
    first.bring_to_front()
    first.fill(field, "Hướng dẫn viên du lịch")
    first.get_by_role("button", name="Nộp").click()
    expect(first.locator(".messages")).to_contain_text("Đã nộp bản khai số 2.")

    second.bring_to_front()
    second.fill(field, "Cựu chiến binh")
    second.get_by_role("button", name="Nộp").click()
    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("Bản khai chưa được ghi")
    expect(alert).to_contain_text(
        "Hồ sơ vừa có bản khai số 2 do người khác nộp. Hãy xem bản mới nhất rồi nhập lại thay đổi."
    )
    expect(second.locator(field)).to_have_value("Cựu chiến binh")  # the typing is not lost

    detail = first.context.new_page()
    open_dossier(detail, base_url, name)
    expect(detail.locator("#versions tbody tr")).to_have_count(2)
    row = relatives_row(detail, relative)
    expect(row).to_contain_text("Hướng dẫn viên du lịch")
    expect(row).not_to_contain_text("Cựu chiến binh")


# --- 6. import check ---------------------------------------------------------------------


def test_import_check_reports_the_bad_row_and_writes_nothing_until_imported(
    signed_in: SignedIn, base_url: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    page = signed_in("canbo.bvct")
    page.goto(f"{base_url}/ho-so/")
    page.get_by_role("link", name="Nhập hồ sơ từ tệp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập hồ sơ từ tệp")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp mẫu").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    book = load_workbook(template, read_only=True)
    headers = [str(c.value) for c in next(book.worksheets[0].iter_rows(max_row=1))]
    book.close()
    assert headers[:3] == ["Mã hồ sơ", "Quan hệ", "Họ và tên"]

    def row(**cells: str) -> list[str]:
        return [cells.get(h, "") for h in headers]

    upload = tmp_path / "ho-so-kiem-thu.csv"
    with upload.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerow(
            row(**{"Mã hồ sơ": "KT-1", "Quan hệ": "Bản thân", "Họ và tên": "Quách Thị Thử Nghiệm",
                   "Giới tính": "Nữ", "Ngày sinh": "12/05/1980"})
        )  # fmt: skip
        writer.writerow(
            row(**{"Mã hồ sơ": "KT-1", "Quan hệ": "Cha đẻ", "Họ và tên": "Quách Văn Kiểm",
                   "Giới tính": "Nam", "Ngày sinh": "31/02/1950"})
        )  # fmt: skip

    # The organisation is chosen by name: typing part of it without diacritics narrows the list.
    page.fill("#id_org_q", "yen dung")
    option = page.locator("#id_org option", has_text="Yên Dũng").first
    expect(option).to_be_attached()
    page.select_option("#id_org", value=option.get_attribute("value"))
    page.set_input_files("#id_file", upload)
    page.get_by_role("button", name="Kiểm tra (không ghi)").click()
    expect(page.get_by_role("alert")).to_contain_text("Tệp có 1 lỗi; chưa ghi gì.")
    errors = page.locator("section table tbody tr")
    expect(errors).to_have_count(1)
    # Row numbers as a spreadsheet shows them: the header is row 1.
    expect(errors.locator("td")).to_have_text(
        ["3", "Ngày sinh", re.compile("ngày 31 không có trong tháng 2/1950")]
    )

    # The corrected file: a check of a valid file writes nothing either ...
    search = f"{base_url}/ho-so/?q={quote_plus('quach thi thu nghiem')}"
    fixed = tmp_path / "ho-so-da-sua.csv"
    fixed.write_text(upload.read_text(encoding="utf-8").replace("31/02/1950", "28/02/1950"))
    page.set_input_files("#id_file", fixed)
    page.get_by_role("button", name="Kiểm tra (không ghi)").click()
    expect(page.locator("section .message")).to_contain_text("Tệp hợp lệ: 2 dòng, 1 hồ sơ.")
    tab = page.context.new_page()
    tab.goto(search)
    expect(tab.locator("#results")).to_contain_text(NOT_FOUND)
    # ... and importing it (with the check's time and digest the page carries) is what makes
    # the same search find her.
    page.set_input_files("#id_file", fixed)
    page.get_by_role("button", name="Nhập", exact=True).click()
    expect(page.locator("section .message")).to_contain_text(
        "Đã nhập 2 dòng: tạo mới 1 hồ sơ, cập nhật 0, không đổi 0."
    )
    tab.goto(search)
    expect(tab.locator("#results")).to_contain_text("Quách Thị Thử Nghiệm")


# --- 7. the auditor sees the read --------------------------------------------------------


def test_auditor_sees_an_officers_read_of_a_dossier(
    signed_in: SignedIn, base_url: str, demo: Demo
) -> None:
    name = demo["audited"]["name"]
    officer = signed_in("canbo.bvct")
    open_dossier(officer, base_url, name)
    # The audit pages are the auditors' alone.
    response = officer.goto(f"{base_url}/audit/")
    assert response is not None and response.status == 404

    auditor = signed_in("kiemtra")
    auditor.goto(base_url + "/")
    auditor.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Nhật ký"
    ).click()
    expect(auditor.get_by_role("heading", level=1)).to_have_text("Tra cứu nhật ký")
    auditor.fill("#id_actor", "canbo.bvct")
    auditor.select_option("#id_action", label="Xem hồ sơ")
    auditor.get_by_role("button", name="Tìm").click()
    expect(auditor).to_have_url(re.compile(r"[?&]actor=canbo\.bvct&.*action=dossier\.view"))
    read = auditor.locator("#results tbody tr").filter(has_text=name)
    expect(read.first).to_be_visible()
    expect(read.first).to_contain_text("canbo.bvct")
    expect(read.first).to_contain_text("Xem hồ sơ")
    rows = auditor.locator("#results tbody tr")
    expect(rows.filter(has_not_text="canbo.bvct")).to_have_count(0)

    # The dossier's own access log tab lists the officer's read (and the auditor's own).
    open_dossier(auditor, base_url, name)
    auditor.get_by_role("link", name="Nhật ký truy cập").click()
    log = auditor.locator("#access tbody tr")
    expect(log.filter(has_text="canbo.bvct").filter(has_text="Xem hồ sơ").first).to_be_visible()
    expect(log.filter(has_text="kiemtra").first).to_be_visible()
