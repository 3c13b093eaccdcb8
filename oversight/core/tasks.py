"""Periodic jobs of the platform itself."""

from django.db import close_old_connections
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    """Prove every minute that the worker and its scheduler run; /healthz reads it."""
    services.heartbeat(name="worker", detail="huey")


@db_periodic_task(crontab(minute="7"))
def database_optimize() -> None:
    """Keep SQLite's query planner statistics fresh (PRAGMA optimize, as SQLite recommends for
    long-running applications); PostgreSQL's autovacuum does this by itself."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")


@HUEY.on_startup()
def beat_on_start() -> None:
    """A worker that (re)starts says so at once, not at the next minute's beat: after a restart
    /healthz is healthy again within seconds."""
    try:
        services.heartbeat(name="worker", detail="huey")
    finally:
        close_old_connections()
