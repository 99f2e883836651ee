"""The create_account command: the server-side way to make the first administrator."""

from __future__ import annotations

import io
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from bvct.accounts.models import User
from bvct.audit.constants import AuditAction
from tests.conftest import events_since
from tests.factories import Tree

pytestmark = pytest.mark.django_db


def _run(monkeypatch: Any, password: str, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = StringIO()
    call_command("create_account", *args, stdout=out)
    return out.getvalue()


def test_creates_an_audited_account(tree: Tree, monkeypatch: Any, audit_mark: int) -> None:
    out = _run(
        monkeypatch,
        "Quan-tri-vien-2026!",
        "--username=quantri2",
        "--full-name=Vũ Đức Anh",
        f"--org={tree.board.code}",
        "--role=SYSADMIN",
    )
    user = User.objects.get(username="quantri2")
    assert "quantri2" in out
    assert user.check_password("Quan-tri-vien-2026!")
    assert user.roles == ["SYSADMIN"]
    (event,) = events_since(audit_mark, action=AuditAction.USER_CREATE)
    assert event.actor_public_id is None and event.object_public_id == str(user.public_id)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org=khong-co", "--role=SYSADMIN"], "Không có tổ chức mã 'khong-co'"),
        (["--org=t-btc", "--role=THU_TRUONG"], "Vai trò không tồn tại: 'THU_TRUONG'"),
        (["--org=t-btc", "--role=AUDITOR", "--clearance=rat-mat"], "Mức tiếp cận bí mật"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(
    tree: Tree, monkeypatch: Any, audit_mark: int, args: list[str], message: str
) -> None:
    count = User.objects.count()
    with pytest.raises(CommandError, match=message):
        _run(monkeypatch, "Mat-khau-du-dai-2026", "--username=nguoimoi", "--full-name=X", *args)
    assert User.objects.count() == count
    assert events_since(audit_mark) == []


def test_weak_password_is_refused(tree: Tree, monkeypatch: Any) -> None:
    with pytest.raises(CommandError, match="ngắn"):
        _run(monkeypatch, "ngan", "--username=yeu", "--full-name=X", f"--org={tree.board.code}")
    assert not User.objects.filter(username="yeu").exists()
