"""The documents' periodic job: units that have not signed for a document are reminded once."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import services

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="5", hour="8"))
@lock_task("documents-unsigned")
def documents_unsigned() -> None:
    """Remind the units that have not signed for a document in time (each receipt once)."""
    log.info("documents: %d reminders of unsigned documents", services.remind_unsigned())
