from __future__ import annotations

import time
import uuid

from bvct.core.ids import uuid7


def test_uuid7_version_variant_and_time() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert before <= value.int >> 80 <= after


def test_uuid7_is_unique_and_ordered_across_milliseconds() -> None:
    values = [uuid7() for _ in range(2000)]
    assert len(set(values)) == len(values)
    first, later = values[0], None
    time.sleep(0.002)
    later = uuid7()
    assert later > first
