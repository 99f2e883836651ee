"""Take the README screenshots from a running `make run` server (http://127.0.0.1:8000, or the
port in BVCT_DEV_PORT).

Needs Debian's chromium and the playwright Python package (its own browser download is not
used): `apt-get install chromium && .venv/bin/pip install playwright`, then
`.venv/bin/python scripts/screenshots.py` (sign-in, home, audit), then again with
`--dossiers` (search, a dossier), `--import` (an import check with mistakes) and `--casework`
(the officer's work queue, a case before the committee, the timeliness report).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

BASE = f"http://127.0.0.1:{os.environ.get('BVCT_DEV_PORT', '8000')}"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PASSWORD = "BVCT-demo-2026!"  # noqa: S105  (the demo password printed by make run)


def _browser(p: Any) -> Any:
    return p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def _sign_in(page: Any, username: str, *, shoot_login: bool = False) -> None:
    page.goto(f"{BASE}/accounts/login/")
    if shoot_login:
        page.screenshot(path=str(OUT / "login.png"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(f"{BASE}/")


def main() -> int:
    """Sign-in, the auditor's home page and the audit search."""
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="vi-VN")
        _sign_in(page, "kiemtra", shoot_login=True)
        page.screenshot(path=str(OUT / "home.png"))
        page.goto(f"{BASE}/audit/")
        page.screenshot(path=str(OUT / "audit.png"))
        browser.close()
    print(f"screenshots written to {OUT}")
    return 0


def dossiers() -> None:
    """The dossier search and one dossier, as the provincial BVCTNB officer sees them."""
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        _sign_in(page, "canbo.bvct")
        page.goto(f"{BASE}/ho-so/?q=nguyen+van+hungg")
        page.screenshot(path=str(OUT / "search.png"))
        page.click("#results table tbody tr:first-child a")
        page.wait_for_selector("#relatives")
        page.screenshot(path=str(OUT / "dossier.png"), full_page=False)
        browser.close()


def import_check() -> None:
    """The import page after checking a file with mistakes (nothing is written)."""
    import tempfile

    # The template's headers (people/imports.py COLUMNS; this script runs without Django).
    headers = [
        "Mã hồ sơ", "Quan hệ", "Họ và tên", "Giới tính", "Ngày sinh", "Ngày mất",
        "Chi tiết khi mất", "Số CCCD", "Số thẻ đảng viên", "Nơi sinh", "Quê quán",
        "Nơi ở hiện nay", "Dân tộc", "Tôn giáo", "Quốc tịch", "Nghề nghiệp",
        "Lịch sử chính trị", "Chính trị hiện nay", "Mức mật", "Chức vụ hiện nay",
    ]  # fmt: skip
    rows = [
        "DV-01,Bản thân,Nguyễn Văn An,Nam,12/05/1980,,,027080000123,,,"
        '"Xã Tân Sơn, Bắc Ninh",,Kinh,Không,Việt Nam,,Bị bắt năm 1990,,Mật,',
        "DV-01,Cha đẻ,Nguyễn Văn Bình,Nam,31/02/1950,,,,,,,,,,,,,,,",
        "DV-01,Chú ruột,Nguyễn Văn Chung,Nam,1955,,,,,,,,,,,,,,,",
        "DV-02,Con đẻ,Trần Thị Lan,Nữ,1990,,,,,,,,,,,,,,,",
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as f:
        f.write("\n".join([",".join(headers), *rows]) + "\n")
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        _sign_in(page, "canbo.bvct")
        page.goto(f"{BASE}/ho-so/nhap/")
        page.fill("#id_org", "tu-bac-ninh")
        page.set_input_files("#id_file", f.name)
        page.click("button[value=check]")
        page.wait_for_selector("section[aria-live]")
        page.screenshot(path=str(OUT / "import.png"), full_page=True)
        browser.close()


def casework() -> None:
    """The commune officer's work queue, a case in deliberation and the timeliness report."""
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        _sign_in(page, "canbo.xa")
        page.screenshot(path=str(OUT / "queue.png"))
        page.goto(f"{BASE}/tham-tra/ho-so-tham-tra/")
        page.click("table tbody tr:has-text('Xét') a >> nth=0")
        page.wait_for_load_state()
        page.screenshot(path=str(OUT / "case.png"))
        page.goto(f"{BASE}/tham-tra/bao-cao/thoi-han/")
        page.screenshot(path=str(OUT / "timeliness.png"))
        browser.close()


if __name__ == "__main__":
    if "--dossiers" in sys.argv:
        dossiers()
    elif "--casework" in sys.argv:
        casework()
    elif "--import" in sys.argv:
        import_check()
    else:
        sys.exit(main())
