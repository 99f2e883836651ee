"""Counting long lists up to a cap: exact below it, "hơn N" past it."""

from __future__ import annotations

import pytest

from bvct.core.counting import Count, capped_count
from bvct.orgs.models import Organisation
from tests.factories import Tree

pytestmark = pytest.mark.django_db


def test_a_count_is_exact_below_the_cap_and_says_more_past_it(tree: Tree) -> None:
    total = Organisation.objects.count()
    assert total > 3
    exact = capped_count(Organisation.objects.all(), cap=total)
    assert (exact.n, exact.more, str(exact)) == (total, False, str(total))
    cut = capped_count(Organisation.objects.all(), cap=3)
    assert (cut.n, cut.more, str(cut)) == (3, True, "hơn 3")


def test_a_count_compares_and_adds_as_its_number() -> None:
    assert Count(1000, more=True) + 5 == Count(1005, more=True)
    assert sum([Count(2), Count(1000, more=True)], 0) == Count(1002, more=True)
    assert Count(10) > 3 and not Count(0)
    assert Count(1000, more=True) > 1000  # more than the cap is more than the cap
    assert str(Count(1234567)) == "1.234.567"
