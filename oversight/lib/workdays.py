"""The working-day calendar: national holidays and their make-up work days (调休).

Time limits such as "within 5 working days of receipt" count working days. A day is a working
day according to, in order of precedence:

1. an administrator's override (to add a year the library does not know yet, or to correct one);
2. the ``chinese_calendar`` package, for the years it covers;
3. otherwise Monday to Friday.

Counting is O(log n) in the number of exceptional days (a holiday on a weekday or a make-up work
day on a weekend), so long spans cost no more than short ones.

This module imports nothing from Django: the analytics engine uses it too.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
from collections.abc import Mapping

import chinese_calendar
from chinese_calendar.constants import holidays as _library_holidays
from chinese_calendar.constants import workdays as _library_workdays

__all__ = ["WorkCalendar"]


def _weekday_default(day: datetime.date) -> bool:
    return day.weekday() < 5


def _weekdays_through(day: datetime.date) -> int:
    """Number of Mondays to Fridays from 0001-01-01 (a Monday) through ``day`` inclusive."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _require_date(value: object, name: str) -> datetime.date:
    # A datetime is rejected rather than truncated: which day it falls on depends on a time zone
    # the caller knows and this module does not.
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def _require_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be zero or more, not {value}")
    return value


@functools.cache
def _library_years() -> range:
    years = [day.year for day in itertools.chain(_library_holidays, _library_workdays)]
    return range(min(years), max(years) + 1)


@functools.cache
def _library_exceptions() -> dict[datetime.date, bool]:
    """Days on which the library disagrees with the Monday-to-Friday rule."""
    exceptions: dict[datetime.date, bool] = {}
    for day in itertools.chain(_library_holidays, _library_workdays):
        working = chinese_calendar.is_workday(day)
        if working != _weekday_default(day):
            exceptions[day] = working
    return exceptions


class WorkCalendar:
    """Which days are working days, and arithmetic in working days.

    ``overrides`` maps a date to ``True`` (a working day) or ``False`` (a day off); overrides
    win over the holiday library. Outside the library's years (see ``covered_years``) and
    without an override, Monday to Friday are working days.

    A calendar is immutable once built: build a new one when the overrides change.
    """

    def __init__(self, overrides: Mapping[datetime.date, bool] | None = None) -> None:
        exceptions = dict(_library_exceptions())
        for day, working in (overrides or {}).items():
            _require_date(day, "an override's key")
            if not isinstance(working, bool):
                raise TypeError(f"the override for {day} must be True or False")
            if working == _weekday_default(day):
                exceptions.pop(day, None)
            else:
                exceptions[day] = working
        self._exceptions = exceptions
        self._exception_days = sorted(exceptions)
        # _exception_totals[i] is the net effect (+1 for a working weekend day, -1 for a weekday
        # off) of the first i exceptional days.
        self._exception_totals = [
            0,
            *itertools.accumulate(1 if exceptions[d] else -1 for d in self._exception_days),
        ]

    def __repr__(self) -> str:
        return f"<WorkCalendar with {len(self._exceptions)} exceptional days>"

    @staticmethod
    def covered_years() -> range:
        """Return the years the bundled holiday library knows (e.g. ``range(2004, 2027)``).

        Outside these years only overrides and the Monday-to-Friday rule apply, so an
        administrator should enter the State Council's holiday notice for a new year as
        overrides until the library is upgraded.
        """
        return _library_years()

    def is_working_day(self, day: datetime.date) -> bool:
        """Return whether ``day`` is a working day."""
        _require_date(day, "day")
        return self._exceptions.get(day, _weekday_default(day))

    def _working_days_through(self, day: datetime.date) -> int:
        """Number of working days from 0001-01-01 through ``day`` (up to a constant)."""
        index = bisect.bisect_right(self._exception_days, day)
        return _weekdays_through(day) + self._exception_totals[index]

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Return the number of working days after ``start`` up to and including ``end``.

        The count is signed: it is negative when ``end`` is before ``start``, so that
        ``working_days_between(a, b) == -working_days_between(b, a)``. It is the inverse of
        ``add_working_days``: ``working_days_between(s, add_working_days(s, n)) == n``.
        """
        _require_date(start, "start")
        _require_date(end, "end")
        return self._working_days_through(end) - self._working_days_through(start)

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """Return the ``n``-th working day after ``start`` (``start`` itself is not counted).

        A 5-working-day limit for a report received on Friday 2024-09-27 ends on Thursday
        2024-10-10: the make-up Sunday 2024-09-29 counts, the National Day week does not.
        ``n == 0`` returns ``start`` unchanged, even when it is a day off. ``n`` must not be
        negative.
        """
        _require_date(start, "start")
        _require_count(n, "n")
        day = start
        one_day = datetime.timedelta(days=1)
        remaining = n
        while remaining:
            day += one_day
            if self._exceptions.get(day, day.weekday() < 5):
                remaining -= 1
        return day

    def add_days(self, start: datetime.date, n: int, *, working: bool) -> datetime.date:
        """Return the end of an ``n``-day time limit starting on ``start``.

        With ``working=True`` the days are working days (see ``add_working_days``); otherwise
        they are calendar days and the result is ``start + n days``, whatever day that is.
        ``n`` must not be negative.
        """
        _require_date(start, "start")
        _require_count(n, "n")
        if working:
            return self.add_working_days(start, n)
        return start + datetime.timedelta(days=n)
