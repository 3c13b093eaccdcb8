"""Runs: dedupe across runs, cancellation, progress, sample tests, failures that do not stop a run."""

from __future__ import annotations

import threading
import time

from oversight.analytics.engine import HitStore, Model, Runner

from .conftest import AS_OF, LIBRARY, load, payment, pid
from .test_models_validation import GOOD_SQL, META


def payments_with_duplicates(workspace, people: int = 3):
    """Each person paid twice for January."""
    rows = []
    for n in range(people):
        rows += [
            payment(2 * n, pid(n), "P01", "2024-01"),
            payment(2 * n + 1, pid(n), "P01", "2024-01"),
        ]
    load(workspace, "benefit_payments", rows)


def test_it_adds_no_duplicate_hits_on_a_rerun(workspace):
    payments_with_duplicates(workspace)
    store = HitStore(workspace.root / "hits.duckdb")
    runner = Runner(workspace)
    model = LIBRARY["duplicate_payment"]

    first = runner.run([model], as_of=AS_OF, known_fingerprints=store.known())
    assert len(first.new_hits) == 3 and store.record(first.hits) == 3

    # a new version adds one more duplicate and more money for a known one
    rows = []
    for n in range(4):
        rows += [
            payment(2 * n, pid(n), "P01", "2024-01"),
            payment(2 * n + 1, pid(n), "P01", "2024-01"),
        ]
    rows.append(payment(99, pid(0), "P01", "2024-01"))
    load(workspace, "benefit_payments", rows)
    second = runner.run([model], as_of=AS_OF, known_fingerprints=store.known())

    assert len(second.hits) == 4
    assert [h.subject_id for h in second.new_hits] == [pid(3)]
    assert store.record(second.hits) == 1 and store.count() == 4
    assert runner.run([model], as_of=AS_OF, known_fingerprints=store.known()).new_hits == []


def test_it_reports_progress_and_time_and_counts_per_model(workspace):
    payments_with_duplicates(workspace)
    events = []
    runner = Runner(workspace, progress=events.append, memory_limit="512MB", threads=1)
    models = [LIBRARY["duplicate_payment"], LIBRARY["deceased_paid"], LIBRARY["exclusive_programs"]]

    result = runner.run(models, as_of=AS_OF)

    assert [(e.model_id, e.phase) for e in events if e.phase != "running"] == [
        ("duplicate_payment", "start"),
        ("duplicate_payment", "done"),
        ("deceased_paid", "skipped"),
        ("exclusive_programs", "skipped"),
    ]
    assert [m.status for m in result.models] == ["ok", "skipped", "skipped"]
    assert result.models[0].hits == 3 and result.models[0].seconds >= 0
    assert result.models[1].message == "no data for deaths"


def test_it_reports_a_failing_model_and_goes_on(workspace):
    payments_with_duplicates(workspace)
    load(workspace, "deaths", [{"resident_id": pid(1), "death_date": "2024-01-01"}])
    failing = Model.from_text(
        META, GOOD_SQL.replace("0 AS amount", "CAST('x' AS INTEGER) AS amount")
    )

    result = Runner(workspace).run([failing, LIBRARY["duplicate_payment"]], as_of=AS_OF)

    assert result.models[0].status == "failed" and "Conversion" in result.models[0].message
    assert result.models[1].status == "ok" and result.models[1].hits == 3


def test_it_cancels_a_running_query_from_another_thread(workspace):
    load(
        workspace,
        "deaths",
        [{"resident_id": pid(n), "death_date": "2024-01-01"} for n in range(2000)],
    )
    # eight billion combinations: minutes of work unless interrupted
    slow = Model.from_text(
        META,
        GOOD_SQL.replace(
            "0 AS amount",
            "(SELECT count(*) FROM deaths a, deaths b, deaths c "
            "WHERE hash(a.resident_id, b.resident_id, c.resident_id) % 7 = 3) AS amount",
        ),
    )
    started = threading.Event()
    runner = Runner(workspace, progress=lambda e: e.phase == "start" and started.set())
    result_box = []
    thread = threading.Thread(
        target=lambda: result_box.append(runner.run([slow, slow], as_of=AS_OF))
    )
    began = time.perf_counter()
    thread.start()
    assert started.wait(10)
    time.sleep(0.3)

    runner.cancel()
    thread.join(20)

    [result] = result_box
    assert result.cancelled and [m.status for m in result.models] == ["cancelled", "cancelled"]
    assert time.perf_counter() - began < 15


def test_it_honours_a_cancel_that_comes_before_the_run_and_can_run_again(workspace):
    payments_with_duplicates(workspace)
    runner = Runner(workspace)
    runner.cancel()
    first = runner.run([LIBRARY["duplicate_payment"]], as_of=AS_OF)
    assert first.cancelled and [m.status for m in first.models] == ["cancelled"]
    second = runner.run([LIBRARY["duplicate_payment"]], as_of=AS_OF)
    assert not second.cancelled and second.models[0].hits == 3


def test_it_tests_a_model_on_a_sample_before_it_is_enabled(workspace):
    payments_with_duplicates(workspace, people=200)
    runner = Runner(workspace)

    test = runner.test_model(LIBRARY["duplicate_payment"], as_of=AS_OF, sample=0.25, limit=10)

    assert test.ok and 20 < test.hit_count < 80 and len(test.hits) == 10
    # the same sample every time: people are kept by a hash of their ID
    assert (
        runner.test_model(LIBRARY["duplicate_payment"], as_of=AS_OF, sample=0.25).hit_count
        == test.hit_count
    )
    broken = Model.from_text(META, "SELECT 1")
    assert not runner.test_model(broken, as_of=AS_OF).ok
