"""SQLite whose writers queue for the write lock across processes.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps 1, 2,
5, 10 … up to 100 ms between tries, so under a steady stream of short write transactions (the
public channel's complaints, 50 a second from two web processes) writers oversleep the moments
the lock is free and throughput falls to a fraction of what the CPU allows. Here each
transaction first takes an exclusive ``flock`` on a file beside the database, retrying every
millisecond, and holds it until commit or rollback; SQLite's ``BEGIN IMMEDIATE`` then finds
the database free. A file database only (not ``:memory:``); the wait is bounded by the
``timeout`` option, like SQLite's own.
"""

from __future__ import annotations

import fcntl
import os
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queue_held = False

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict.get("NAME") or "")
        if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            return None
        return f"{name}-writers"

    def _enter_queue(self) -> None:
        path = self._queue_path()
        if path is None or self._queue_held:
            return
        if self._queue_fd is None:
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        while True:
            try:
                fcntl.flock(self._queue_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._queue_held = True
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OperationalError("database is locked (other writers held it)") from None
                time.sleep(0.001)

    def _leave_queue(self) -> None:
        if self._queue_held:
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
            self._queue_held = False

    def _start_transaction_under_autocommit(self):
        self._enter_queue()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
