"""The nightly job of the duty lists: the live scores of this year's and last year's lists made
right for the new day before anyone reads them (rows past a deadline, measured items)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from oversight.loop import timing

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="1", minute="10"))
@lock_task("duties-scores")
def duties_scores_refresh() -> None:
    from . import scoring
    from .models import DutyList

    today = timing.today()
    for duty_list in DutyList.objects.filter(year__gte=today.year - 1):
        count = scoring.ensure_fresh(duty_list, today)
        log.info("duties: %s: %d scores recomputed", duty_list, count)
