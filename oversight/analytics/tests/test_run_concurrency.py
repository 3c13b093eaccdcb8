"""A run never blocks the platform: while the models compute and while their hits are stored,
officers open warnings and dismiss them, and every request answers at once.

The run's job runs in a thread of its own (its own database connection) and is held at two
moments: while DuckDB computes a model, and between two stored batches of hits. At each
moment the test's thread opens a warning (a read and a ledger write) and dismisses one. Had
the job a transaction open at that moment, SQLite's shared test database would refuse the
officer's write at once ("database table is locked"); on PostgreSQL, where a dismissal of a row
the job has not locked would go through anyway, the test asks the server whether any other
session is idle in a transaction, and a row lock is waited for only until ``lock_timeout``.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from oversight.analytics import bridge, jobs, services
from oversight.analytics.models import AnalysisRun, Warning
from oversight.conftest import client_for

from .conftest import DEAD_TOWN1, DEAD_TOWN2

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 60  # seconds; a phase not reached in time fails the test (the machine may be busy)


class Gate:
    """Holds the job at named moments until the test lets it go on."""

    def __init__(self) -> None:
        self.reached = {name: threading.Event() for name in ("computing", "storing")}
        self.go_on = {name: threading.Event() for name in ("computing", "storing")}

    def hold(self, name: str) -> None:
        if self.reached[name].is_set():
            return
        self.reached[name].set()
        if not self.go_on[name].wait(WAIT):
            raise AssertionError(f"the test never let the job go on after {name}")

    def wait_for(self, name: str) -> None:
        assert self.reached[name].wait(WAIT), f"the job never reached {name}"


def test_officers_open_and_dismiss_warnings_while_a_run_is_under_way(
    loaded, run_models, monkeypatch
):
    county = loaded.county
    run_models(county.supervisor)
    first, second = (Warning.objects.get(subject_id=i) for i in (DEAD_TOWN1, DEAD_TOWN2))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")

    gate = Gate()
    real_runner, real_store = bridge.runner, jobs._store_batch

    def runner(ws=None, *, progress, **options):
        def report(event):
            progress(event)
            if event.phase == "start":
                gate.hold("computing")

        return real_runner(ws, progress=report, **options)

    def store_batch(**kwargs):
        real_store(**kwargs)
        gate.hold("storing")

    monkeypatch.setattr(bridge, "runner", runner)
    monkeypatch.setattr(jobs, "_store_batch", store_batch)
    monkeypatch.setattr(jobs, "BATCH", 1)  # two hits: two batches

    run = services.run_start(actor=county.supervisor, background=False)
    errors: list[BaseException] = []

    def job() -> None:
        try:
            services.run_execute(run_id=run.pk)
        except BaseException as error:  # reported in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    # The officer logs in before the job starts: logging in writes a session, and a write at
    # a moment the job is not held would race the job's own short transactions.
    client = client_for(county.supervisor)
    thread = threading.Thread(target=job)
    thread.start()
    try:
        gate.wait_for("computing")
        _no_transaction_open_elsewhere()
        assert AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.RUNNING
        _open_and_dismiss(client, first, "Paid back before the run")
        assert client.get(reverse("analytics:run_detail", args=[run.pk])).status_code == 200
        gate.go_on["computing"].set()

        gate.wait_for("storing")
        _no_transaction_open_elsewhere()
        _open_and_dismiss(client, second, "Dismissed while the run stores its hits")
        assert client.get(reverse("analytics:warning_list")).status_code == 200
        gate.go_on["storing"].set()
    finally:
        for event in gate.go_on.values():
            event.set()
        thread.join(WAIT * 3)
    assert not thread.is_alive() and not errors, errors

    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.message
    assert run.hits == 2 and run.new_warnings == 0
    for warning, reason in (
        (first, "Paid back before the run"),
        (second, "Dismissed while the run stores its hits"),
    ):
        warning.refresh_from_db()
        assert warning.status == Warning.Status.DISMISSED
        assert warning.dismissal_reason == reason
        assert warning.last_run_id == run.pk


def _open_and_dismiss(client, warning: Warning, reason: str) -> None:
    detail = reverse("analytics:warning_detail", args=[warning.pk])
    assert client.get(detail).status_code == 200
    response = client.post(
        reverse("analytics:warning_dismiss", args=[warning.pk]), {"reason": reason}
    )
    assert response.status_code == 302, response.content[:500]
    warning.refresh_from_db()
    assert warning.status == Warning.Status.DISMISSED


def _no_transaction_open_elsewhere() -> None:
    if connection.vendor != "postgresql":
        return  # SQLite refuses the officer's writes instead (see the module's docstring)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
        )
        assert cursor.fetchone()[0] == 0, "the run's job holds a transaction open"
