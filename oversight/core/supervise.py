"""Keep the platform's processes running: ``manage.py serve`` starts the web server and the
worker as children and starts again whichever one ends, after a back-off, without stopping the
other. Each start and end is logged and recorded as a ``Heartbeat`` named ``serve.<child>``,
which ``/healthz`` reports (state, restarts, last exit status).

The web server (gunicorn) restarts its own request workers when one of them dies; this
supervisor restarts gunicorn itself, and the Huey consumer. Citizens' submissions do not wait
for the worker: they are stored by the web process, and what they hand to the worker waits in
the queue until a worker runs again.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

logger = logging.getLogger("oversight.serve")

BACKOFF_FIRST = 1.0  # seconds before the first restart
BACKOFF_MAX = 30.0  # a child that keeps dying is started at most this often
STABLE_AFTER = 60.0  # a child that ran this long starts again after the first back-off


@dataclass
class Child:
    name: str  # "web" or "worker": the key in /healthz
    label: str  # for the log
    command: Sequence[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = 0.0
    start_after: float = 0.0
    last_exit: int | None = None

    def state(self) -> dict:
        return {
            "state": "running" if self.process is not None else "restarting",
            "pid": self.process.pid if self.process is not None else None,
            "restarts": self.restarts,
            "last_exit": self.last_exit,
        }


def record(child: Child) -> None:
    """Write the child's state where /healthz reads it; a database that cannot be written to is
    logged, never allowed to stop the supervision."""
    from django.db import close_old_connections

    from oversight.core import services

    try:
        services.heartbeat(name=f"serve.{child.name}", detail=json.dumps(child.state()))
    except Exception:  # noqa: BLE001 - the supervisor must outlive any failure of the database
        logger.exception("could not record the state of the %s", child.label)
    finally:
        close_old_connections()


@dataclass
class Supervisor:
    children: list[Child]
    cwd: str
    env: dict | None = None
    on_change: Callable[[Child], None] = record
    clock: Callable[[], float] = time.monotonic
    stopping: bool = field(default=False, init=False)

    def start(self, child: Child) -> None:
        # Each child leads a process group of its own, so that nothing it started outlives the
        # supervisor when it stops (stop_all).
        child.process = subprocess.Popen(
            child.command, cwd=self.cwd, env=self.env, start_new_session=True
        )
        child.started_at = self.clock()
        logger.warning("started the %s (pid %s)", child.label, child.process.pid)
        self.on_change(child)

    def check(self) -> None:
        """One round: note the children that ended, start those whose back-off is over."""
        now = self.clock()
        for child in self.children:
            if child.process is not None and child.process.poll() is not None:
                ran = now - child.started_at
                child.last_exit = child.process.returncode
                # Request workers orphaned by a gunicorn master killed outright go on answering
                # (the new master shares the port: --reuse-port) until they notice, within
                # seconds, and finish what they hold: citizens are served while it starts.
                child.process = None
                child.backoff = (
                    BACKOFF_FIRST
                    if ran >= STABLE_AFTER or not child.backoff
                    else min(child.backoff * 2, BACKOFF_MAX)
                )
                child.start_after = now + child.backoff
                logger.error(
                    "the %s ended with status %s after %.0f s; starting it again in %.0f s",
                    child.label,
                    child.last_exit,
                    ran,
                    child.backoff,
                )
                self.on_change(child)
            if child.process is None and now >= child.start_after and not self.stopping:
                child.restarts += 1
                self.start(child)

    def run(self, poll: float = 0.2) -> None:
        """Start every child and keep them running until SIGINT or SIGTERM."""

        def stop(signum, frame):
            self.stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        for child in self.children:
            self.start(child)
        try:
            while not self.stopping:
                time.sleep(poll)
                self.check()
        finally:
            self.stop_all()

    def stop_all(self, grace: float = 15.0) -> None:
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in running:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
        for child in self.children:
            if child.process is not None:
                _signal_group(child.process.pid, signal.SIGKILL)


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass  # the group is gone already
