"""Deployment settings: `check --deploy` passes with production values; bad values are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-key-with-enough-entropy-9f8e7d6c5b4a",
    "DJANGO_ALLOWED_HOSTS": "bvct.tinhuy.lan",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_SECURE_HSTS_PRELOAD": "true",
    "DJANGO_SESSION_COOKIE_SECURE": "true",
    "DJANGO_CSRF_COOKIE_SECURE": "true",
    "BVCT_BEHIND_TLS_PROXY": "true",
    "BVCT_DEMO_ALLOWED": "false",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SRC / "manage.py"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_values() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_development_defaults() -> None:
    env = {k: "" for k in PRODUCTION} | {"DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"]}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be true or false"),
        ("BVCT_SESSION_IDLE_SECONDS", "15m", "BVCT_SESSION_IDLE_SECONDS must be a whole number"),
    ],
)
def test_malformed_setting_is_a_clear_error(name: str, value: str, message: str) -> None:
    result = _manage("check", env={name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_hasher_is_argon2() -> None:
    import config.settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_every_env_setting_is_documented() -> None:
    """Each variable settings.py reads appears in .env.example."""
    import re

    settings_text = (SRC / "config" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_text))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', settings_text))
    example = (SRC.parent / ".env.example").read_text()
    missing = sorted(n for n in names if n not in example)
    assert names and not missing, missing


def test_demo_refused_in_production(db: object) -> None:
    result = _manage("seed_demo", env={"BVCT_DEMO_ALLOWED": "false"})
    assert result.returncode != 0
    assert "BVCT_DEMO_ALLOWED" in result.stderr


NO_KEY = {"DJANGO_SECRET_KEY": "", "BVCT_ALLOW_GENERATED_SECRET_KEY": "", "DJANGO_DEBUG": "false"}


def test_production_refuses_to_start_without_a_secret_key() -> None:
    # A deployment names its database: without a key of its own it does not start.
    env = NO_KEY | {"DATABASE_URL": "postgresql://bvct_app@db.lan:5432/bvct"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    # Not even when it is told false explicitly with the embedded database.
    result = _manage("check", env=NO_KEY | {"BVCT_ALLOW_GENERATED_SECRET_KEY": "false"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_checkout_runs_commands_with_its_generated_key(tmp_path: Path) -> None:
    """`python src/manage.py ...` in a developer's checkout (embedded database, nothing set)
    works as the README writes it, with the key kept under var/ across runs."""
    env = NO_KEY | {"DATABASE_URL": "", "BVCT_VAR_DIR": str(tmp_path)}
    show = [
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
    ]
    first = _manage(*show, env=env)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text().strip()
    assert first.stdout.strip().splitlines()[-1] == key and len(key) > 50
    assert _manage(*show, env=env).stdout.strip().splitlines()[-1] == key
