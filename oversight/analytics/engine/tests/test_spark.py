"""The same models on Spark (local mode) give hits identical to DuckDB's."""

from __future__ import annotations

import pytest

from oversight.analytics.engine import Runner, Workspace
from oversight.analytics.engine.synthetic import check_planted, generate, import_county

from .conftest import AS_OF, LIBRARY

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole test session."""
    pytest.importorskip("pyspark")
    from oversight.analytics.engine.spark import local_session

    session = local_session("oversight-tests")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def county_workspace(tmp_path_factory):
    """A village-sized synthetic county, imported."""
    root = tmp_path_factory.mktemp("county")
    county = generate(root / "data", scale=0.002, seed=11)
    workspace = Workspace(root / "ws")
    import_county(workspace, county)
    return county, workspace


def test_it_gives_identical_hits_on_spark_and_duckdb(spark, county_workspace):
    from oversight.analytics.engine.spark import SparkRunner

    county, workspace = county_workspace
    models = list(LIBRARY.values())

    duck = Runner(workspace).run(models, as_of=AS_OF)
    on_spark = SparkRunner(spark, workspace).run(models, as_of=AS_OF)

    assert [m.status for m in on_spark.models] == ["ok"] * len(models), [
        (m.model_id, m.message) for m in on_spark.models if m.status != "ok"
    ]
    assert sorted(h.comparable() for h in on_spark.hits) == sorted(
        h.comparable() for h in duck.hits
    )
    # and the sample contains every kind of planted case, so no model is compared on nothing
    outcome = check_planted(county, duck.hits, models)
    assert all(not o["missed"] for o in outcome.values())
    assert {h.model_id for h in duck.hits} == set(LIBRARY)
