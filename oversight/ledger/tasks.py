"""Periodic jobs of the ledger: checkpoints as the log grows, and a nightly full verification."""

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute=f"*/{settings.LEDGER_CHECKPOINT_MINUTES}"))
def ledger_checkpoint() -> None:
    """Sign a checkpoint when the log has grown (never one inconsistent with the last), then
    submit the latest to the witnesses that have not cosigned it."""
    try:
        services.issue_checkpoint()
    except services.LedgerInconsistent:
        # Loud, and nothing is signed; verify_ledger names what changed.
        log.exception("the ledger refused to sign a checkpoint")
        return
    # Every run, not only after a new signature: a witness that was down catches up.
    services.submit_to_witnesses()


@db_periodic_task(crontab(hour="3", minute="17"))
def ledger_verify() -> None:
    """Recompute the whole ledger every night; the ledger state page shows the outcome."""
    run, report = services.run_verification()
    if not report.ok:
        log.error("ledger verification found %s mismatches", run.mismatch_count)


@db_task()
def verify_now() -> None:
    """A full verification started from the ledger state page."""
    services.run_verification()
