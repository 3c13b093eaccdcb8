"""The daily job of the schedule service."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from oversight.loop import timing

from . import services

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="5", minute="40"))
@lock_task("schedules-run")
def schedules_run() -> None:
    """Open the recurring obligations that come due (each once)."""
    opened = services.schedule_run(on=timing.today())
    log.info("schedules: %d work items opened", len(opened))


@db_periodic_task(crontab(hour="7", minute="30"))
@lock_task("schedules-digest")
def schedules_digest() -> None:
    """Send the leaders' monthly digest when it is due (each person once a month)."""
    sent = services.digest_send(on=timing.today())
    log.info("schedules: %d digests sent", sent)
