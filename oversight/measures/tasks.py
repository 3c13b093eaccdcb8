"""The month-end job: keep the figures of the periods that just closed."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import selectors, services
from .registry import Period

log = logging.getLogger(__name__)


def closed_periods(today) -> list[Period]:
    """The month before ``today``, and its quarter and year when they ended with it."""
    month = Period.containing(today).previous()
    periods = [month]
    for kind in (Period.QUARTER, Period.YEAR):
        period = Period.containing(month.end, kind)
        if period.end == month.end:
            periods.append(period)
    return periods


@db_periodic_task(crontab(day="1-3", hour="1", minute="30"))
@lock_task("measures-snapshot")
def measures_snapshot() -> None:
    """Keep the closed periods' figures; repeated on the 2nd and 3rd in case the 1st failed
    (a period already kept is left as it was)."""
    for period in closed_periods(selectors.today()):
        stored = services.snapshot_take(period=period)
        log.info("measures snapshot %s: %d figures", period.key, stored)
