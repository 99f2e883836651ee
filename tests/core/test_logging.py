"""Secrets never reach the logs."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bvct.core.logging import RedactSecretsFilter, redact


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        ("POST /accounts/login/ password=Mat-khau-2026&username=a", "Mat-khau-2026"),
        ('{"password": "bi-mat"}', "bi-mat"),
        ("Authorization: Bearer bvct_abcdefghijklmnopqrstuv", "abcdefghijklmnopqrstuv"),
        ("Authorization: Token xyz123secret", "xyz123secret"),
        ("cookie sessionid=abcdef123456; other=1", "abcdef123456"),
        ("token=bvct_0123456789abcdefXYZ", "0123456789abcdefXYZ"),
        ("the key bvct_QWERTYUIOPASDFGHJKLZ leaked", "QWERTYUIOPASDFGHJKLZ"),
    ],
)
def test_secrets_are_masked(line: str, secret: str) -> None:
    assert secret not in redact(line)


@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=8))
def test_any_password_value_is_masked(value: str) -> None:
    value = value.replace("&", "").replace(";", "").replace(",", "").replace('"', "")
    if len(value) < 8:
        return
    # The whole value goes (asserting only that it is absent fails for a value that is a
    # piece of "password=***" itself, such as "password").
    assert redact(f"password={value}") == "password=***"


def test_filter_rewrites_the_record() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "login %s", ("password=abc123",), None
    )
    RedactSecretsFilter().filter(record)
    assert "abc123" not in record.getMessage()


def test_plain_text_is_left_alone() -> None:
    assert redact("Đảng ủy phường Kinh Bắc: 12 hồ sơ") == "Đảng ủy phường Kinh Bắc: 12 hồ sơ"
