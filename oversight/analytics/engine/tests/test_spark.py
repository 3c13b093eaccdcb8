"""The same models on Spark (local mode) give hits identical to DuckDB's."""

from __future__ import annotations

import contextlib
import datetime
import os
import time

import pytest

from oversight.analytics.engine import Runner, Workspace
from oversight.analytics.engine.synthetic import check_planted, generate, import_county

from .conftest import LIBRARY

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def county_workspace(tmp_path_factory):
    """A village-sized synthetic county, imported."""
    root = tmp_path_factory.mktemp("county")
    county = generate(root / "data", scale=0.002, seed=11)
    workspace = Workspace(root / "ws")
    import_county(workspace, county)
    return county, workspace


@contextlib.contextmanager
def time_zone(spark, zone: str):
    """The process (so DuckDB) and the Spark session in another time zone for a while."""
    before_env, before_spark = os.environ.get("TZ"), spark.conf.get("spark.sql.session.timeZone")
    os.environ["TZ"] = zone
    time.tzset()
    spark.conf.set("spark.sql.session.timeZone", zone)
    try:
        yield
    finally:
        if before_env is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before_env
        time.tzset()
        spark.conf.set("spark.sql.session.timeZone", before_spark)


# The first and the last day of a month, a leap day, the last day of a year; each in a zone
# east and west of UTC (where the machine's "today" and UTC's differ for hours every day).
AS_OF_DATES = [
    (datetime.date(2026, 12, 1), "Asia/Shanghai"),
    (datetime.date(2026, 11, 30), "America/Los_Angeles"),
    (datetime.date(2028, 2, 29), "Pacific/Kiritimati"),
    (datetime.date(2026, 12, 31), "America/Los_Angeles"),
]


@pytest.mark.parametrize(("as_of", "zone"), AS_OF_DATES, ids=[str(d) for d, _ in AS_OF_DATES])
def test_it_gives_identical_hits_on_spark_and_duckdb(spark, county_workspace, as_of, zone):
    from oversight.analytics.engine.spark import SparkRunner

    county, workspace = county_workspace
    models = list(LIBRARY.values())

    with time_zone(spark, zone):
        duck = Runner(workspace).run(models, as_of=as_of)
        on_spark = SparkRunner(spark, workspace).run(models, as_of=as_of)

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


def test_it_gives_the_same_amounts_for_the_same_as_of_date_in_any_zone(county_workspace):
    _, workspace = county_workspace
    model = LIBRARY["payroll_after_death"]

    def amounts(as_of, zone):
        os.environ["TZ"] = zone
        time.tzset()
        try:
            hits = Runner(workspace, threads=1).run([model], as_of=as_of).hits
        finally:
            os.environ.pop("TZ", None)
            time.tzset()
        return {h.fingerprint: h.amount for h in hits}

    east = amounts(datetime.date(2026, 12, 1), "Pacific/Kiritimati")
    west = amounts(datetime.date(2026, 12, 1), "Pacific/Pago_Pago")
    assert east and east == west
    # Amounts "until today" are counted to the as-of date: a month later, a month more.
    later = amounts(datetime.date(2027, 1, 1), "UTC")
    still_paid = [f for f in east if later[f] != east[f]]
    assert still_paid and all(later[f] > east[f] for f in still_paid)
