"""The daily run of the risk rules (after the schedule service): reminders fire without
anyone pressing a button."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from oversight.loop import timing

from . import services

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="6", minute="20"))
@lock_task("risks-rules")
def risks_rules_run() -> None:
    report = services.rules_run(on=timing.today())
    log.info(
        "risks: %d rules, %d cases, %d reminders fired, failed: %s",
        report.rules,
        report.hits,
        len(report.fired),
        report.failed or "none",
    )
