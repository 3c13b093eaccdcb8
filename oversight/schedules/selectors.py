"""Reads of the schedule service: the holiday calendar's horizon."""

from __future__ import annotations

import datetime

from oversight.lib.workdays import WorkCalendar
from oversight.loop.models import CalendarDay


def calendar_gap(*, on: datetime.date) -> int | None:
    """The year administrators must enter the State Council's holiday notice for, or None.

    From December on, next year matters (schedules and deadlines reach into it); a year the
    holiday library does not cover and for which no correction was entered is a gap.
    """
    years = [on.year + 1] if on.month == 12 else []
    years.insert(0, on.year)
    covered = WorkCalendar.covered_years()
    for year in years:
        if year in covered:
            continue
        entered = CalendarDay.objects.filter(
            day__gte=datetime.date(year, 1, 1), day__lte=datetime.date(year, 12, 31)
        ).exists()
        if not entered:
            return year
    return None
