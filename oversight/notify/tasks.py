"""Background delivery of notifications by channels other than the inbox."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import delivery


@db_task()
def deliver_task(delivery_ids: list[int]) -> dict[str, int]:
    """Attempt the deliveries just created by ``services.notify`` (enqueued on commit)."""
    return delivery.deliver(delivery_ids=delivery_ids)


@db_periodic_task(crontab(minute="*/10"))
def retry_deliveries() -> dict[str, int]:
    """Try failed and forgotten deliveries again, with no one pressing a button."""
    return delivery.retry_deliveries()
