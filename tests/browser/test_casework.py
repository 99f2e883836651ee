"""Casework's main path in a real Chromium against a real server with the demo data: an officer
records a proposed appointment, the requirement check opens the case, the appraisal records a
finding, the verification result clears it, the committee member signs the conclusion, its
DOCX downloads, and the decision then shows as covered."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

from tests.browser.conftest import REPO, Site, _database_url

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip: .[dev])"
)
expect = sync_api.expect

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
SignedIn = Callable[[str], "Page"]


@pytest.fixture(scope="module")
def casework(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the flow needs beyond the demo data (tests/browser/casework_setup.py), made on the
    server's database."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(
            settings.DATABASES["default"], f"test_bvct_browser_{os.getpid()}"
        ),
        "BVCT_VAR_DIR": str(tmp_path_factory.mktemp("casework-setup")),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "BVCT_DEMO_ALLOWED": "true",
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
    }
    made = subprocess.run(
        [sys.executable, "-m", "tests.browser.casework_setup"],
        env=env, cwd=REPO, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        raise RuntimeError(f"casework setup failed:\n{made.stderr[-3000:]}")
    return dict(json.loads(made.stdout))


def _fits(page: Page) -> None:
    """The page fits 1366 pixels wide: nothing scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1366, f"{page.url} is {width}px wide"


def test_a_decision_goes_through_a_case_to_a_signed_conclusion_that_covers_it(
    signed_in: SignedIn, base_url: str, casework: dict[str, Any]
) -> None:
    today = dt.date.today()
    officer = signed_in("canbo.bvct")
    officer.set_viewport_size({"width": 1366, "height": 768})

    # 1. The officer records the proposed appointment from the person's dossier.
    officer.goto(f"{base_url}/ho-so/{casework['dossier']}/")
    officer.get_by_role("link", name="Chức vụ, quy hoạch, quyết định nhân sự").click()
    officer.get_by_role("link", name="Ghi đề xuất quyết định nhân sự").click()
    officer.get_by_label("Loại quyết định").select_option(
        label="Bổ nhiệm, giới thiệu ứng cử chức vụ lãnh đạo, quản lý"
    )
    officer.get_by_label("Chức vụ", exact=True).select_option(
        label=f"{casework['post']} — {casework['province']}"
    )
    officer.get_by_label("Cơ quan đề xuất").select_option(label=casework["province"])
    officer.get_by_label("Ngày đề xuất").fill(f"{today:%Y-%m-%d}")
    officer.get_by_role("button", name="Ghi", exact=True).click()

    # 2. The check explains itself; nothing covers it, so the officer opens the case.
    expect(officer.get_by_role("heading", level=1)).to_contain_text("Bổ nhiệm")
    check = officer.locator("#check")
    expect(check).to_contain_text("Chưa có kết luận đáp ứng")
    expect(check).to_contain_text("Chưa có kết luận tiêu chuẩn chính trị nào về người này.")
    _fits(officer)
    officer.get_by_role("button", name="Mở hồ sơ thẩm tra").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(casework["name"])
    case_url = officer.url.split("#")[0]
    _fits(officer)

    # 3. Appraisal: start it, record that there is something to look at, record a finding.
    officer.get_by_role("button", name="Bắt đầu thẩm định").click()
    expect(officer.locator("#state h2")).to_contain_text("Thẩm định")
    expect(officer.locator("#state")).to_contain_text("ngày làm việc")
    officer.get_by_label("Có nội dung cần xem xét (ghi các vấn đề bên dưới)").check()
    officer.get_by_role("button", name="Ghi kết quả thẩm định").click()
    expect(officer.locator("#appraisal")).to_contain_text("Có nội dung cần xem xét.")
    officer.locator("#findings summary", has_text="Ghi vấn đề cần xem xét").click()
    category = officer.get_by_label("Loại vấn đề")
    category.select_option(index=1)
    officer.get_by_label("Về ai").select_option(label=f"{casework['name']} (người được thẩm tra)")
    officer.get_by_label("Thời kỳ").select_option(label="Chính trị hiện nay")
    officer.get_by_label("Nội dung vấn đề").fill("Có quan hệ với tổ chức nước ngoài cần làm rõ")
    officer.get_by_role("button", name="Ghi vấn đề").click()
    findings = officer.locator("#findings tbody")
    expect(findings).to_contain_text("Có quan hệ với tổ chức nước ngoài cần làm rõ")
    expect(findings).to_contain_text("Cần thẩm tra, xác minh")

    # 4. Verification: the agency's answer, recorded as evidence; the finding cleared.
    officer.get_by_role("button", name="Chuyển thẩm tra, xác minh").click()
    expect(officer.locator("#state h2")).to_contain_text("Thẩm tra, xác minh")
    officer.locator("#results summary", has_text="Ghi kết quả cơ quan đã trả lời").click()
    officer.get_by_label("Cơ quan trả lời").select_option(label=casework["agency"])
    officer.get_by_label("Số văn bản trả lời").fill("45/CV-TT")
    officer.get_by_label("Ngày văn bản").fill(f"{today:%Y-%m-%d}")
    officer.get_by_label("Ngày nhận").fill(f"{today:%Y-%m-%d}")
    officer.get_by_label("Nội dung trả lời").fill("Đã xác minh: quan hệ học tập, không có vấn đề")
    officer.locator("#results").get_by_label("Có quan hệ với tổ chức nước ngoài cần làm rõ").check()
    officer.get_by_role("button", name="Ghi kết quả").click()
    expect(officer.locator("#results tbody")).to_contain_text("45/CV-TT")
    row = officer.locator("#findings tbody tr").first
    row.locator("summary").click()
    row.get_by_label("Tình trạng").select_option(label="Đã làm rõ, không có vấn đề")
    row.get_by_role("button", name="Lưu").click()
    expect(officer.locator("#findings tbody")).to_contain_text("Đã làm rõ, không có vấn đề")
    officer.get_by_role("button", name="Trình cấp ủy xem xét, kết luận").click()
    expect(officer.locator("#state h2")).to_contain_text("Cấp ủy xem xét, kết luận")

    # 5. The committee member records the meeting and signs; quorum is checked at its field.
    member = signed_in("uyvien")
    member.set_viewport_size({"width": 1366, "height": 768})
    member.goto(case_url)
    member.get_by_role("link", name="Ghi kết luận của cấp ủy và ký").click()
    expect(member.get_by_label("Tổng số ủy viên")).to_have_value("15")  # the committee's own
    member.get_by_label("Số ủy viên dự họp").fill("8")
    member.get_by_label("Số phiếu tán thành").fill("8")
    member.get_by_label("Số phiếu không tán thành").fill("0")
    member.get_by_label("Kết luận", exact=True).select_option(
        label="Có vấn đề chính trị nhưng không vi phạm"
    )
    member.get_by_label("Nội dung kết luận").fill("Đủ tiêu chuẩn chính trị để bổ nhiệm.")
    member.get_by_label("Chức vụ người ký").select_option("PHÓ BÍ THƯ")
    member.get_by_label("Địa danh").fill("Bắc Ninh")
    _fits(member)
    member.get_by_role("button", name="Ký và ban hành kết luận").click()
    expect(member.locator(".field", has_text="Số ủy viên dự họp")).to_contain_text(
        "không đủ số ủy viên dự họp"
    )
    member.get_by_label("Số ủy viên dự họp").fill("12")
    member.get_by_label("Số phiếu tán thành").fill("11")
    member.get_by_role("button", name="Ký và ban hành kết luận").click()
    conclusion = member.locator("#conclusion")
    expect(conclusion).to_contain_text("-KL/")
    expect(conclusion).to_contain_text("Có vấn đề chính trị nhưng không vi phạm")

    # 6. Its DOCX downloads.
    with member.expect_download() as download_info:
        member.get_by_role("link", name="Tải kết luận (DOCX)").click()
    path = download_info.value.path()
    with open(path, "rb") as docx:
        assert docx.read(2) == b"PK"

    # 7. The decision now shows as covered by that conclusion.
    officer.goto(case_url)
    officer.locator("#decisions a").first.click()
    check = officer.locator("#check")
    expect(check).to_contain_text("Đã có kết luận còn giá trị")
    expect(check).to_contain_text("-KL/")
    expect(check).to_contain_text("còn giá trị đến")
