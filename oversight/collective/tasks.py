"""The daily check of the collectives' contracts: rents against comparable contracts and
expiry warnings, each finding a ``collective.anomaly`` work item (once)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from oversight.loop import timing

from . import services

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="6", minute="20"))
@lock_task("collective-check")
def collective_check() -> None:
    report = services.contracts_check(on=timing.today())
    log.info("collective: %d anomalies found", len(report.anomalies))
