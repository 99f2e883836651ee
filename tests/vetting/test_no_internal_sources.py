"""What users read of the rule pack names public sources, never the project's own files."""

from __future__ import annotations

import json

import pytest

from bvct.vetting.defaults import DEFAULT_PACK_V1
from bvct.vetting.models import RulePack

pytestmark = pytest.mark.django_db


def test_the_shipped_rules_cite_no_internal_file() -> None:
    text = json.dumps(DEFAULT_PACK_V1, ensure_ascii=False)
    assert "DOMAIN" not in text and ".md" not in text
    seeded = RulePack.objects.get(version=1)
    assert "DOMAIN" not in json.dumps(seeded.data, ensure_ascii=False) + seeded.note
