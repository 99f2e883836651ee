"""Counting long lists without reading them whole.

A list says how many rows it has, never a silently cut list; but counting half a million
visible rows costs more than showing the first fifty. Past ``cap`` the answer is "more than
cap", read from at most ``cap + 1`` rows (an index walk that stops), and shown as such
("hơn 1.000").
"""

from __future__ import annotations

import functools
from typing import Any

COUNT_CAP = 1000


@functools.total_ordering
class Count:
    """``n`` rows, exactly unless ``more`` (then more than ``n``). Compares and adds as its
    number, so templates and sums use it as one; prints "hơn n" when ``more``."""

    __slots__ = ("more", "n")

    def __init__(self, n: int, more: bool = False) -> None:
        self.n = n
        self.more = more

    def __int__(self) -> int:
        return self.n

    def __bool__(self) -> bool:
        return self.n > 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Count):
            return (self.n, self.more) == (other.n, other.more)
        return isinstance(other, int) and not self.more and self.n == other

    def __lt__(self, other: Any) -> bool:
        return self.n < int(other) and not (self.more and self.n + 1 >= int(other))

    def __hash__(self) -> int:
        return hash((self.n, self.more))

    def __add__(self, other: Any) -> Count:
        if isinstance(other, Count):
            return Count(self.n + other.n, self.more or other.more)
        return Count(self.n + int(other), self.more)

    __radd__ = __add__

    def __str__(self) -> str:
        text = f"{self.n:,}".replace(",", ".")
        return f"hơn {text}" if self.more else text

    def __repr__(self) -> str:
        return f"Count({self.n}, more={self.more})"


def capped_count(qs: Any, cap: int = COUNT_CAP) -> Count:
    """How many rows ``qs`` has, counted up to ``cap`` (one query reading at most cap + 1)."""
    n = qs.order_by().values("pk")[: cap + 1].count()
    return Count(min(n, cap), n > cap)
