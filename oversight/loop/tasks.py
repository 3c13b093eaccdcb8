"""The loop's periodic job: nobody presses a button for lights, reminders and escalations."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import services

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/15"))
@lock_task("loop-sweep")
def loop_sweep() -> None:
    """Recompute lights and send due reminders and escalations (each exactly once)."""
    report = services.sweep()
    log.info(
        "loop sweep: %d items, %d lights changed, %d reminders, %d escalations, %d deferred",
        report.examined,
        report.lights_changed,
        report.reminders,
        report.escalations,
        report.deferred,
    )
