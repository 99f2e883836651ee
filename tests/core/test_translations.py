"""The English catalogue stays complete: every Vietnamese source string has a translation."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")


@pytest.mark.parametrize("language", ["en", "vi"])
def test_catalogue_is_complete_and_placeholders_match(language: str) -> None:
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(po) > 0
    missing = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    assert not missing, missing
    for entry in po:
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        targets = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        wanted = set(PLACEHOLDER.findall(" ".join(sources)))
        for target in targets:
            assert set(PLACEHOLDER.findall(target)) == wanted, (entry.msgid, target)


def test_catalogue_compiles(tmp_path: Path) -> None:
    po = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    mo = tmp_path / "django.mo"
    po.save_as_mofile(str(mo))
    assert polib.mofile(str(mo)).find("Đăng xuất").msgstr == "Sign out"
