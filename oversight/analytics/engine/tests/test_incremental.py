"""New data compared as it arrives: a new version adds to or replaces a source's data, and a run
of its changes compares only the subjects the new, changed and removed rows name, against all
the other data. Held to the full run: nothing the full run newly finds is missed, nothing else
is found, and the keys of removed or replaced rows are reported (their warnings lost evidence).
"""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oversight.analytics.engine import DATASET_KINDS, Runner, Workspace
from oversight.analytics.engine.models import Model, ModelInvalid
from oversight.analytics.engine.synthetic import REGISTER_COVERAGE, generate, import_county

from .conftest import AS_OF, LIBRARY, load, payment, pid

MODELS = list(LIBRARY.values())
PARTITIONED = sorted({kind for m in MODELS for kind in m.partition})


@pytest.fixture(scope="module")
def county_root(tmp_path_factory):
    """A village-sized synthetic county, imported once (copied for each example)."""
    root = tmp_path_factory.mktemp("county")
    county = generate(root / "data", scale=0.002, seed=11)
    import_county(Workspace(root / "ws"), county)
    return root / "ws"


def _runner(ws: Workspace) -> Runner:
    return Runner(ws, threads=1, memory_limit="1GB")


def _rows(ws: Workspace, kind: str) -> list[dict]:
    """The current rows of a dataset as text, as a department's file would give them."""
    files = ws.dataset_files(kind)
    con = duckdb.connect()
    columns = DATASET_KINDS[kind].column_names
    paths = ", ".join(f"'{f}'" for f in files)
    cursor = con.execute(f"SELECT {', '.join(columns)} FROM read_parquet([{paths}])")
    return [
        {c: None if v is None else str(v) for c, v in zip(columns, r, strict=True)}
        for r in cursor.fetchall()
    ]


def _accept(ws: Workspace, kind: str, rows: list[dict], *, adds: bool = False):
    name = kind.replace("_", "-")
    report = ws.stage_rows(name, rows)
    assert report.rejected_rows == 0
    coverage = REGISTER_COVERAGE if kind == "residents" else None
    return report.accept(coverage=coverage, adds=adds)


def _picked(salt: str, row: dict, share: int) -> bool:
    digest = hashlib.sha256((salt + repr(sorted(row.items()))).encode()).digest()
    return digest[0] % 100 < share


def _comparable(hits) -> set:
    return {h.comparable() for h in hits}


@pytest.mark.parametrize("kind", PARTITIONED)
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@example(salt="half", share=50, mode="replaces")
@example(salt="half", share=50, mode="adds")
@given(
    salt=st.text(min_size=1, max_size=8),
    share=st.integers(1, 60),
    mode=st.sampled_from(["adds", "replaces"]),
)
def test_a_run_of_changes_finds_exactly_what_a_full_run_newly_finds(
    county_root, tmp_path_factory, kind, salt, share, mode
):
    ws = Workspace(shutil.copytree(county_root, tmp_path_factory.mktemp("ws") / "ws"))
    # The models reading the dataset, and one that does not (it must not run).
    models = [m for m in MODELS if kind in m.datasets] + [LIBRARY["duplicate_invoice"]]
    rows = _rows(ws, kind)
    picked = [_picked(salt, r, share) for r in rows]
    picked[0] = True  # at least one new row
    new = [r for r, p in zip(rows, picked, strict=True) if p]
    old = [r for r, p in zip(rows, picked, strict=True) if not p]
    runner = _runner(ws)
    if mode == "adds":
        before = _accept(ws, kind, old)
        after = _accept(ws, kind, new, adds=True)
    else:  # the department sends the whole list again: some rows gone, some changed
        before = _accept(ws, kind, rows)
        changed = [dict(r, name=(r.get("name") or "") + "改") if "name" in r else r for r in new]
        kept = [r for r in old if not _picked(salt + "gone", r, 20)]
        after = _accept(ws, kind, kept + changed)
    # The full runs before and after the change, on the versions themselves.
    full_after = runner.run(models, as_of=AS_OF)
    ws_before = Workspace(shutil.copytree(ws.root, tmp_path_factory.mktemp("wb") / "ws"))
    _rewind(ws_before, kind.replace("_", "-"), before.version)
    full_before = _runner(ws_before).run(models, as_of=AS_OF)
    change = ws.change(kind.replace("_", "-"), before.version, after.version)
    assert change.only_adds == (mode == "adds")
    result = runner.run(models, as_of=AS_OF, changes=[change])

    newly = _comparable(full_after.hits) - _comparable(full_before.hits)
    found = _comparable(result.hits)
    assert newly <= found, "a run of changes missed what the full run newly found"
    assert found <= _comparable(full_after.hits), "a run of changes found what a full run does not"
    for stats in result.models:
        model = LIBRARY[stats.model_id]
        if kind not in model.datasets:
            assert stats.scope == "unchanged" and stats.hits == 0
        elif kind in model.partition:
            assert stats.scope == "changed"
        else:
            assert stats.scope == "all"
    if mode == "adds":
        assert result.gone_keys == {}
    else:
        assert set(result.gone_keys) <= {kind}


def _rewind(ws: Workspace, name: str, version: int) -> None:
    """Drop the versions after ``version`` from a copy's manifest (to run the data as it was)."""
    import json

    path = ws.root / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    entry = manifest["sources"][name]
    entry["versions"] = [v for v in entry["versions"] if v["version"] <= version]
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_a_new_month_adds_to_the_data_and_only_its_new_hits_are_new(workspace):
    alive, dead = pid(1), pid(2)
    load(workspace, "deaths", [{"resident_id": dead, "name": "李老", "death_date": "2024-03-15"}])
    march = [payment(1, alive, "P01", "2024-03"), payment(2, dead, "P01", "2024-03")]
    first = load(workspace, "benefit_payments", march)
    runner = _runner(workspace)
    models = [LIBRARY["deceased_paid"], LIBRARY["duplicate_payment"], LIBRARY["overlapping_stays"]]
    known = {h.fingerprint for h in runner.run(models, as_of=AS_OF).hits}
    assert known == set()  # paid for the month of death: still due
    april = [payment(3, alive, "P01", "2024-04"), payment(4, dead, "P01", "2024-04"),
             payment(5, alive, "P01", "2024-04"),
             payment(6, alive, "P01", "2024-03")]  # a late second payment for March  # fmt: skip
    report = workspace.stage("benefit-payments", _csv(workspace, april))
    second = report.accept(adds=True)
    assert second.adds and [v.version for v in workspace.source("benefit-payments").chain()] == [
        first.version, second.version,
    ]  # fmt: skip
    assert len(workspace.dataset_files("benefit_payments")) == 2
    change = workspace.change("benefit-payments", first.version)
    result = runner.run(models, as_of=AS_OF, known_fingerprints=known, changes=[change])
    by_model = {m.model_id: m for m in result.models}
    assert by_model["overlapping_stays"].status == "unchanged"
    assert by_model["deceased_paid"].scope == "changed" and by_model["deceased_paid"].affected == 2
    assert {(h.model_id, h.subject_id, h.period, str(h.amount)) for h in result.hits} == {
        ("deceased_paid", dead, "2024-04~2024-04", "500.00"),
        ("duplicate_payment", alive, "2024-04", "500.00"),
        ("duplicate_payment", alive, "2024-03", "500.00"),  # one old payment, one new
    }  # fmt: skip
    # A file that replaces the data again: the April rows are gone, their keys reported.
    third = load(workspace, "benefit_payments", march, source="benefit-payments")
    assert not third.adds and len(workspace.dataset_files("benefit_payments")) == 1
    gone = runner.run(models, as_of=AS_OF, changes=[workspace.change("benefit-payments", 2)])
    assert gone.hits == [] and gone.gone_keys == {"benefit_payments": {"BP00003", "BP00004",
                                                                       "BP00005", "BP00006"}}  # fmt: skip


def _csv(workspace, rows):
    from .conftest import write_csv

    return write_csv(workspace.root / "april.csv", rows)


def test_a_partition_must_name_declared_datasets_and_their_columns():
    meta = (
        'id = "x_model"\nname_zh = "x"\nname_en = "x"\ndomain = "benefits"\n'
        'datasets = ["benefit_payments", "deaths"]\n'
    )
    sql = LIBRARY["deceased_paid"].sql
    with pytest.raises(ModelInvalid, match="not a declared dataset"):
        Model.from_text(meta + '[partition]\nresidents = ["resident_id"]\n', sql)
    with pytest.raises(ModelInvalid, match="has not: nobody"):
        Model.from_text(meta + '[partition]\ndeaths = ["nobody"]\n', sql)
    with pytest.raises(ModelInvalid, match="as many columns"):
        Model.from_text(
            meta + '[partition]\ndeaths = ["resident_id"]\n'
            'benefit_payments = ["resident_id", "period"]\n',
            sql,
        )
    model = Model.from_text(meta + '[partition]\ndeaths = "resident_id"\n', sql)
    assert model.partition == {"deaths": ("resident_id",)}


def test_an_absence_scope_names_a_declared_dataset_and_its_columns():
    model = LIBRARY["unregistered_recipient"]
    assert model.absence_scope == ("benefit_payments", "town", "period")
    meta = (
        'id = "x_model"\nname_zh = "x"\nname_en = "x"\ndomain = "benefits"\n'
        'datasets = ["residents", "deaths", "benefit_payments", "coverage"]\n'
        'absence = ["residents"]\n'
    )
    for scope in ('dataset = "contracts"\narea = "town"\nperiod = "period"\n',
                  'dataset = "benefit_payments"\narea = "nowhere"\nperiod = "period"\n'):  # fmt: skip
        with pytest.raises(ModelInvalid, match="absence_scope"):
            Model.from_text(meta + "[absence_scope]\n" + scope, model.sql)
