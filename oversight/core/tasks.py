"""Periodic jobs of the platform itself."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    """Prove every minute that the worker and its scheduler run; /healthz reads it."""
    services.heartbeat(name="worker", detail="huey")
