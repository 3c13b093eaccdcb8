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


@db_periodic_task(crontab(minute="25"))
@lock_task("disclosure-sources")
def disclosure_sources_fetch() -> None:
    """Read every enabled source once an hour (politely: conditional requests, a pause per
    host); a source that fails is reported on its fetch history, never stops the run."""
    fetches = services.sources_fetch()
    log.info(
        "disclosure: %d sources read, %d new notices",
        len(fetches),
        sum(f.new for f in fetches),
    )
