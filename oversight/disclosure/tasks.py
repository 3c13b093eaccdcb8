"""The daily check of disclosures, after the schedule service has opened the day's periods."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from oversight.loop import timing

from . import services

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="6", minute="10"))
@lock_task("disclosure-check")
def disclosure_check() -> None:
    """Check every disclosure period past its due date against the captured notices."""
    report = services.check_run(on=timing.today())
    log.info("disclosure: %d periods checked, %d lapses lit", report.periods, len(report.lapses))
