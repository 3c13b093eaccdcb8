"""Two officers claim the last place of a task at the same moment: one wins, the other is told
the task is full, and the task never holds more officers than it wants. The task's row is
locked while its places are counted (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
transaction takes the write lock first). SQLite's shared in-memory test database answers a
second writer "table is locked" at once where a database file queues it (``core/db/sqlite3``):
there the test retries, as the file's queue would, so both claims still run the service whole."""

import threading
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, connections

from oversight.team import services
from oversight.team.models import Claim


@pytest.mark.django_db(transaction=True)
def test_two_officers_claiming_the_last_place_at_once_one_wins(team, publish):
    c = team
    task = publish(places=2, deadline=date(2026, 3, 20))
    first = services.task_claim(actor=c.officer1, task=task)  # one place left
    assert first.state == Claim.State.ACCEPTED
    contenders = [c.officer2, c.officer3]
    # officer3 has no tag: give the race two tagged officers
    services.profile_save(actor=c.supervisor, person=c.officer3.person, tags=["finance"])
    start = threading.Barrier(len(contenders))
    won: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def claim(account) -> None:
        try:
            start.wait()
            for _attempt in range(200):
                try:
                    services.task_claim(actor=account, task=task)
                    break
                except OperationalError as exc:
                    if connection.vendor != "sqlite" or "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            else:
                raise AssertionError("the write lock was never free")
            won.append(account.pk)
        except ValidationError as exc:
            refused.append(exc.code)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(a,)) for a in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(won) == 1 and refused == ["full"]
    assert Claim.objects.filter(task=task, state=Claim.State.ACCEPTED).count() == 2
