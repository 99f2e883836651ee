"""A real server and a real Chromium for the end-to-end tests in this folder.

Django's live_server runs on a transactional test database that is emptied with TRUNCATE, which
the append-only audit table refuses. So the session gets its own database on the same PostgreSQL
server as the other tests (``test_bvct_browser_<pid>``), migrated and loaded with the demo data
by ``manage.py`` subprocesses, served by ``runserver`` on a free port, and dropped at the end.
Everything the server writes (generated files, static root) goes to a pytest temporary folder.

Playwright's own browser download is not used: the system Chromium is. Without it (or without
the playwright package) every test here is skipped, with the reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

REPO = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(REPO / "src" / "manage.py")]
PASSWORD = "BVCT-demo-2026!"  # the demo password (src/bvct/demo/province.py)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


# --- the database ---------------------------------------------------------------------------


def _connection_params(db: dict[str, Any]) -> dict[str, Any]:
    params = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        **{k: v for k, v in (db.get("OPTIONS") or {}).items() if isinstance(v, str | int)},
    }
    return {k: v for k, v in params.items() if v is not None}


def _maintenance_connection(db: dict[str, Any]) -> Any:
    import psycopg

    params = _connection_params(db)
    last: Exception | None = None
    # "postgres" is where CREATE DATABASE is usually run from; a server that refuses it may
    # still let us in through the configured database.
    for dbname in ("postgres", db["NAME"]):
        try:
            return psycopg.connect(dbname=dbname, autocommit=True, **params)
        except psycopg.OperationalError as exc:
            last = exc
    raise RuntimeError(f"cannot reach PostgreSQL to create the browser database: {last}")


def _database_url(db: dict[str, Any], name: str) -> str:
    """The DATABASE_URL of ``name`` on the server of ``db`` (host may be a socket folder)."""
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    query = {k: str(v) for k, v in (db.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    host = str(db.get("HOST") or "")
    if host.startswith("/"):
        query["host"] = host
        location = ""
    else:
        location = host + (f":{db['PORT']}" if db.get("PORT") else "")
    url = f"postgresql://{auth}@{location}/{quote(name, safe='')}"
    return url + ("?" + urlencode(query) if query else "")


def _drop(conn: Any, name: str) -> None:
    from psycopg import sql

    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- the server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], log: Path, *args: str) -> None:
    with log.open("a") as out:
        result = subprocess.run(
            [*MANAGE, *args], env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{tail}")


def _wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer in 30 s:\n{log.read_text(errors='replace')}")


@dataclass(frozen=True)
class Site:
    url: str
    cases: dict[str, Any]  # the demo dossiers each flow uses (tests/browser/demo_cases.py)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A BVCT server with the demo data on its own database, for the whole session."""
    if chromium_path() is None:
        pytest.skip("no system Chromium (apt-get install chromium): browser tests need it")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    db = settings.DATABASES["default"]
    name = f"test_bvct_browser_{os.getpid()}"
    folder = tmp_path_factory.mktemp("browser-server")
    log = folder / "server.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(db, name),
        # Nothing under the repository's var/: key, static root and the like stay in tmp.
        "BVCT_VAR_DIR": str(folder),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        # A production-like server: DEBUG off, static files from WhiteNoise's finders.
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SESSION_COOKIE_SECURE": "false",
        "DJANGO_CSRF_COOKIE_SECURE": "false",
        "DJANGO_LANGUAGE_CODE": "vi",
        "BVCT_DEMO_ALLOWED": "true",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)]),
    }
    conn = _maintenance_connection(db)
    server: subprocess.Popen[bytes] | None = None
    try:
        _drop(conn, name)  # left over by a killed run with the same pid
        from psycopg import sql

        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        _manage(env, log, "migrate", "--noinput", "--verbosity", "0")
        _manage(env, log, "seed_demo")
        port = _free_port()
        with log.open("a") as out:
            server = subprocess.Popen(
                [*MANAGE, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        # While the server starts: which demo dossiers the flows will use.
        picked = subprocess.run(
            [sys.executable, "-m", "tests.browser.demo_cases"],
            env=env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        if picked.returncode != 0:
            raise RuntimeError(f"picking demo dossiers failed:\n{picked.stderr[-3000:]}")
        url = f"http://127.0.0.1:{port}"
        _wait_until_serving(url, server, log)
        yield Site(url=url, cases=json.loads(picked.stdout))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        try:
            _drop(conn, name)
        finally:
            conn.close()


@pytest.fixture(scope="session")
def base_url(site: Site) -> str:
    return site.url


@pytest.fixture(scope="session")
def demo(site: Site) -> dict[str, Any]:
    return site.cases


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(base_url: str) -> Iterator[Browser]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is not installed (pip: .[dev])"
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def _signed_in_states() -> dict[str, Any]:
    """Each demo user signs in through the page once; later contexts reuse the cookies."""
    return {}


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Fresh browser contexts (separate cookie jars), closed after the test."""
    made: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("locale", "vi-VN")
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        made.append(context)
        return context

    yield make
    for context in made:
        with contextlib.suppress(Exception):
            context.close()


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('Đăng nhập')")


@pytest.fixture
def signed_in(
    new_context: Callable[..., BrowserContext],
    base_url: str,
    _signed_in_states: dict[str, Any],
) -> Callable[[str], Page]:
    """A page of a new context signed in as a demo user (the sign-in page is used once)."""

    def make(username: str) -> Page:
        state = _signed_in_states.get(username)
        context = new_context(storage_state=state) if state else new_context()
        page = context.new_page()
        if state is None:
            sign_in(page, base_url, username)
            assert page.url == f"{base_url}/", f"{username} could not sign in"
            _signed_in_states[username] = context.storage_state()
        return page

    return make
