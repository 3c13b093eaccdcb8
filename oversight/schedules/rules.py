"""When a recurring obligation falls due, on the working-day calendar (no Django here).

Four rules cover what offices are asked to do again and again:

- ``Monthly(day=10)``: every month by the 10th;
- ``Quarterly(working_days=15)``: within 15 working days of the quarter's end;
- ``Yearly(month=1, day=31)``: every year by 31 January;
- ``AfterEvent(days=5, working=True)``: within 5 working days of an event;
  ``AfterEvent(months=2)``: within two months of it (an inspection's rectification report).

A date rule whose day is not a working day moves to the next working day (顺延), as the
State Council's notices do for deadlines falling on holidays.
"""

from __future__ import annotations

import calendar as _calendar
import datetime
from dataclasses import dataclass

from oversight.lib.workdays import WorkCalendar


def next_working_day(cal: WorkCalendar, day: datetime.date) -> datetime.date:
    while not cal.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Occurrence:
    key: str  # names the period the obligation is for: 2026-03, 2026-Q1, 2026
    due: datetime.date


@dataclass(frozen=True)
class Monthly:
    day: int

    def __post_init__(self):
        if not 1 <= self.day <= 31:
            raise ValueError("a monthly rule's day is 1 to 31")

    def occurrences(self, cal, start: datetime.date, end: datetime.date) -> list[Occurrence]:
        """Every occurrence due from ``start`` to ``end`` inclusive."""
        found = []
        year, month = start.year, start.month
        while datetime.date(year, month, 1) <= end:
            last = _calendar.monthrange(year, month)[1]
            due = next_working_day(cal, datetime.date(year, month, min(self.day, last)))
            if start <= due <= end:
                found.append(Occurrence(f"{year}-{month:02d}", due))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


@dataclass(frozen=True)
class Quarterly:
    working_days: int

    def occurrences(self, cal, start: datetime.date, end: datetime.date) -> list[Occurrence]:
        """For each quarter: its last day plus ``working_days`` working days. The quarter
        before ``start`` is looked at too: its obligation may fall due inside the range."""
        found = []
        year, quarter = start.year, (start.month - 1) // 3 + 1
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        while True:
            last_month = 3 * quarter
            quarter_end = datetime.date(year, last_month, _calendar.monthrange(year, last_month)[1])
            if quarter_end > end:
                return found
            due = cal.add_working_days(quarter_end, self.working_days)
            if start <= due <= end:
                found.append(Occurrence(f"{year}-Q{quarter}", due))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


@dataclass(frozen=True)
class Yearly:
    month: int
    day: int
    for_previous_year: bool = False  # a report due in January on the year before

    def __post_init__(self):
        datetime.date(2024, self.month, self.day)  # ValueError for an impossible date

    def occurrences(self, cal, start: datetime.date, end: datetime.date) -> list[Occurrence]:
        """Each year's date (29 February becomes the 28th in other years)."""
        found = []
        for year in range(start.year, end.year + 2):
            last = _calendar.monthrange(year, self.month)[1]
            due = next_working_day(cal, datetime.date(year, self.month, min(self.day, last)))
            if start <= due <= end:
                found.append(Occurrence(str(year - 1 if self.for_previous_year else year), due))
        return found


@dataclass(frozen=True)
class AfterEvent:
    days: int = 0
    working: bool = True
    months: int = 0  # whole months first (the same day, or the month's last), then ``days``

    def due(self, cal: WorkCalendar, happened_on: datetime.date) -> datetime.date:
        if not self.months:
            return cal.add_days(happened_on, self.days, working=self.working)
        month0 = happened_on.month - 1 + self.months
        year, month = happened_on.year + month0 // 12, month0 % 12 + 1
        day = min(happened_on.day, _calendar.monthrange(year, month)[1])
        end = cal.add_days(datetime.date(year, month, day), self.days, working=self.working)
        return next_working_day(cal, end)
