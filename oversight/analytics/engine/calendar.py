"""The ``calendar`` table every model may read: one row per day with the national holidays.

Built from :class:`oversight.lib.workdays.WorkCalendar` (the ``chinese_calendar`` package plus
administrators' overrides; Monday to Friday outside the years it covers) and precomputed as a
table, because a table reads the same on DuckDB and on Spark and needs no Python UDF.
"""

from __future__ import annotations

import datetime
import functools
import os
import tempfile
from pathlib import Path

import chinese_calendar
import pyarrow as pa
import pyarrow.parquet as pq

from oversight.lib.workdays import WorkCalendar

__all__ = ["FIRST_DAY", "LAST_DAY", "calendar_rows", "calendar_table", "write_calendar"]

FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2035, 12, 31)


_CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


def _holiday_name(day: datetime.date) -> str | None:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return _CHINESE_NAMES.get(name, name) if on_holiday and name else None


@functools.lru_cache(maxsize=4)
def calendar_rows(work_calendar: WorkCalendar | None = None) -> tuple[tuple, ...]:
    """(day, is_workday, is_holiday, holiday_name) from 2000 to 2035."""
    work_calendar = work_calendar or WorkCalendar()
    rows = []
    day = FIRST_DAY
    one = datetime.timedelta(days=1)
    while day <= LAST_DAY:
        workday = work_calendar.is_working_day(day)
        name = None if workday else _holiday_name(day)
        rows.append((day, workday, name is not None, name))
        day += one
    return tuple(rows)


def calendar_table(work_calendar: WorkCalendar | None = None) -> pa.Table:
    """The calendar as an Arrow table."""
    rows = calendar_rows(work_calendar)
    return pa.table(
        {
            "day": pa.array([r[0] for r in rows], pa.date32()),
            "is_workday": pa.array([r[1] for r in rows], pa.bool_()),
            "is_holiday": pa.array([r[2] for r in rows], pa.bool_()),
            "holiday_name": pa.array([r[3] for r in rows], pa.string()),
        }
    )


def write_calendar(path: str | os.PathLike[str]) -> Path:
    """Write the calendar as Parquet (atomically), for engines that read files."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".parquet")
    os.close(fd)
    pq.write_table(calendar_table(), tmp)
    os.replace(tmp, path)
    return path
