"""Working days: Monday to Friday, less Vietnam's public holidays (Tết included) and the days
off the government announces, plus the make-up working days it announces.

The public holidays and the announced make-up Saturdays come from the ``holidays`` package
(``holidays.VN``); days it does not know yet are entered by an administrator
(``models.CalendarDay``), and an entered day overrides the package either way.

Deadlines count whole working days after the day they start from: a stage opened on Friday
with 1 working day is due on Monday (``add_working_days``); ``working_days_between`` counts the
same way, so ``working_days_between(a, add_working_days(a, n)) == n``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache

import holidays

ONE_DAY = dt.timedelta(days=1)
# A year of working days is about 245: this margin covers any deadline in one query.
_SPAN_MARGIN = 30


@lru_cache(maxsize=64)
def _public(year: int) -> holidays.HolidayBase:
    """Vietnam's public holidays of ``year`` with their Vietnamese names."""
    return holidays.country_holidays("VN", years=year, language="vi")


def public_holiday_name(day: dt.date) -> str | None:
    """The holiday's name (Vietnamese) if ``day`` is a public holiday or announced day off."""
    return _public(day.year).get(day)


def public_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day by the public calendar alone (no entered days)."""
    calendar = _public(day.year)
    if day in calendar.weekend_workdays:
        return True
    return day.weekday() < 5 and day not in calendar


def entered_days(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The days an administrator entered between ``start`` and ``end`` (inclusive): date to
    kind."""
    from bvct.vetting.models import CalendarDay

    rows = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
    return dict(rows)


class WorkingCalendar:
    """The working days of one stretch of dates, with the entered days read once."""

    def __init__(self, start: dt.date, end: dt.date, entered: Mapping[dt.date, str] | None = None):
        self.start, self.end = start, end
        self.entered = entered_days(start, end) if entered is None else entered

    def is_working_day(self, day: dt.date) -> bool:
        from bvct.vetting.constants import CalendarDayKind

        kind = self.entered.get(day)
        if kind is not None:
            return kind == CalendarDayKind.WORKING_DAY
        return public_working_day(day)


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day (entered days first, then the public calendar)."""
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The day ``n`` working days after ``start`` (``start`` itself not counted; ``n`` = 0 is
    ``start``)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day, left = start, n
    while left:
        span = left * 2 + _SPAN_MARGIN
        calendar = WorkingCalendar(day + ONE_DAY, day + dt.timedelta(days=span))
        while left and day < calendar.end:
            day += ONE_DAY
            if calendar.is_working_day(day):
                left -= 1
    return day


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``
    (how late a deadline ``a`` is on day ``b``)."""
    if b < a:
        return -working_days_between(b, a)
    if b == a:
        return 0
    calendar = WorkingCalendar(a + ONE_DAY, b)
    count, day = 0, a
    while day < b:
        day += ONE_DAY
        count += calendar.is_working_day(day)
    return count


def working_day_numbers(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[int]]:
    """Each day from ``start`` to ``end`` with the number of working days from ``start`` up to
    and including it: ``n(b) - n(a) == working_days_between(a, b)`` for days in the stretch.
    For a statement that counts working days between many pairs of dates at once."""
    calendar = WorkingCalendar(start, end)
    days: list[dt.date] = []
    numbers: list[int] = []
    count, day = 0, start
    while day <= end:
        count += calendar.is_working_day(day)
        days.append(day)
        numbers.append(count)
        day += ONE_DAY
    return days, numbers
