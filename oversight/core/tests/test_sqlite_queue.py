"""SQLite writers of several connections queue for the write lock (polling every millisecond
instead of sleeping in SQLite's busy handler), and give up after the timeout."""

import threading
import time

import pytest
from django.db import OperationalError

from oversight.core.db.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.django_db


class _Clock:
    """The queue's view of time, counting its 1-ms polls."""

    def __init__(self, polls):
        self.polls = polls

    def sleep(self, seconds):
        self.polls.append(seconds)
        time.sleep(seconds)

    def monotonic(self):
        return time.monotonic()


def _begin(connection):
    """What atomic() does on SQLite: leave autocommit and BEGIN IMMEDIATE."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _connection(path, timeout=5):
    settings = {
        "NAME": str(path), "USER": "", "PASSWORD": "", "HOST": "", "PORT": "",
        "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False, "TIME_ZONE": None, "TEST": {},
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout,
                    "init_command": "PRAGMA journal_mode=WAL;"},
    }  # fmt: skip
    return DatabaseWrapper(settings, alias=f"queue-{id(settings)}")


def test_a_second_writer_waits_in_the_queue_until_the_first_commits(tmp_path, monkeypatch):
    from oversight.core.db.sqlite3 import base

    polls = []
    monkeypatch.setattr(base, "time", _Clock(polls))
    path = tmp_path / "db.sqlite3"
    first = _connection(path)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    began = {}

    def write():
        second = _connection(path)
        _begin(second)  # queues for the lock, then BEGIN IMMEDIATE
        began["at"] = time.monotonic()
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        second.commit()
        second.set_autocommit(True)
        second.close()

    _begin(first)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
    waiting = threading.Thread(target=write)
    waiting.start()
    time.sleep(0.2)
    assert "at" not in began  # queued behind the open transaction
    committed = time.monotonic()
    first.commit()
    first.set_autocommit(True)
    waiting.join(5)
    assert began["at"] >= committed and len(polls) > 10  # it waited in the queue, not in SQLite
    with first.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert [row[0] for row in cursor.fetchall()] == [1, 2]
    first.close()
    assert (tmp_path / "db.sqlite3-writers").exists()


def test_a_writer_gives_up_after_the_timeout_and_a_rollback_frees_the_queue(tmp_path):
    path = tmp_path / "db.sqlite3"
    first, second = _connection(path), _connection(path, timeout=0.2)
    _begin(first)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    with pytest.raises(OperationalError):
        _begin(second)
    second.set_autocommit(True)
    first.rollback()
    first.set_autocommit(True)
    _begin(second)  # free again
    second.rollback()
    second.set_autocommit(True)
    first.close()
    second.close()
