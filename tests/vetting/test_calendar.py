"""Working days on Vietnam's 2026 calendar (Tết, 30/4-1/5, 2/9 and the announced make-up
day) and the days an administrator enters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bvct.vetting import calendar
from bvct.vetting.calendar import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    public_holiday_name,
    public_working_day,
    working_days_between,
)
from bvct.vetting.constants import CalendarDayKind

D = dt.date


@pytest.mark.parametrize(
    "day",
    [
        D(2026, 1, 1),  # Tết Dương lịch
        *(D(2026, 2, d) for d in range(16, 21)),  # Tết Nguyên đán, Mon 16 to Fri 20 Feb
        D(2026, 4, 27),  # Giỗ Tổ Hùng Vương (Sun 26 Apr), the Monday off
        D(2026, 4, 30),
        D(2026, 5, 1),
        D(2026, 8, 31),  # off, worked on Sat 22 Aug instead
        D(2026, 9, 1),
        D(2026, 9, 2),
    ],
)
def test_2026_public_holidays_are_not_working_days(day: dt.date) -> None:
    assert day.weekday() < 5
    assert not public_working_day(day)
    assert public_holiday_name(day)


def test_names_are_vietnamese() -> None:
    assert "Tết" in (public_holiday_name(D(2026, 2, 17)) or "")


def test_2026_ordinary_days_and_the_make_up_saturday() -> None:
    assert public_working_day(D(2026, 2, 23))  # the Monday after Tết
    assert public_working_day(D(2026, 5, 4))
    assert not public_working_day(D(2026, 5, 2))  # a Saturday
    assert public_working_day(D(2026, 8, 22))  # Saturday worked for Monday 31 Aug


def test_deadlines_across_tet_2026(db: Any) -> None:
    # Appraisal opened on Friday 13 Feb 2026 with 5 working days: Tết is skipped.
    assert add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 27)) == 5
    # Across 30/4-1/5: Wednesday 29 Apr + 1 is Monday 4 May.
    assert add_working_days(D(2026, 4, 29), 1) == D(2026, 5, 4)
    # Across 2/9, with the make-up Saturday 22 Aug counted.
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)
    assert add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)


def enter(day: dt.date, kind: str) -> None:
    from bvct.vetting.models import CalendarDay

    CalendarDay.objects.create(date=day, kind=kind, note="Thử nghiệm")


def test_entered_days_override_the_public_calendar(db: Any) -> None:
    # An announced extra day off on a Thursday, and a make-up Saturday.
    enter(D(2026, 12, 31), CalendarDayKind.DAY_OFF)
    enter(D(2026, 12, 26), CalendarDayKind.WORKING_DAY)
    assert not is_working_day(D(2026, 12, 31))
    assert is_working_day(D(2026, 12, 26))
    assert is_working_day(D(2026, 12, 30))
    assert add_working_days(D(2026, 12, 30), 1) == D(2027, 1, 4)  # 31/12 off, 1/1 a holiday
    assert add_working_days(D(2026, 12, 25), 1) == D(2026, 12, 26)
    # An entered working day can even reopen a public holiday.
    enter(D(2026, 9, 1), CalendarDayKind.WORKING_DAY)
    assert is_working_day(D(2026, 9, 1))


def test_counting_reads_entered_days_once(db: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        add_working_days(D(2026, 1, 2), 20)
    with django_assert_num_queries(1):
        working_days_between(D(2026, 1, 2), D(2026, 12, 31))


def test_zero_and_negative() -> None:
    calendar_days: dict[dt.date, str] = {}
    assert WorkingCalendar(D(2026, 1, 1), D(2026, 1, 1), calendar_days)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), -1)


@pytest.fixture
def no_entered_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calendar, "entered_days", lambda start, end: {})


days_2025_2027 = st.dates(D(2025, 1, 1), D(2027, 6, 30))


# The fixture only stubs the entered days out: the same for every example.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=days_2025_2027, n=st.integers(0, 60))
def test_counting_back_gives_what_was_added(no_entered_days: None, start: dt.date, n: int) -> None:
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    assert working_days_between(due, start) == -n
    if n:
        assert public_working_day(due)  # a deadline always falls on a working day
        assert add_working_days(start, n - 1) < due


# The fixture only stubs the entered days out: the same for every example.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(a=days_2025_2027, b=days_2025_2027, c=days_2025_2027)
def test_counts_add_up(no_entered_days: None, a: dt.date, b: dt.date, c: dt.date) -> None:
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)
    # Never more working days than days, and at least the weekdays less a few holidays.
    if a <= b:
        assert 0 <= working_days_between(a, b) <= (b - a).days
