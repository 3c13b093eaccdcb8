"""Shared helpers for the engine tests: a workspace, valid IDs, loading rows, running a model."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from stdnum.cn import uscc as stdnum_uscc

from oversight.analytics.engine import Runner, Workspace, load_library
from oversight.lib import resident_id

LIBRARY = load_library()

# The as-of date the engine tests run at (the engine never reads the clock; see test_portable).
AS_OF = datetime.date(2026, 6, 30)


def pid(n: int, *, born: datetime.date | None = None, area: str = "320923") -> str:
    """A valid resident ID, distinct for each ``n`` below 1000 × 365."""
    born = born or datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000 * 7)
    return resident_id.make(area=area, born=born, sequence=n % 1000)


def credit_code(n: int) -> str:
    """A valid unified social credit code, distinct for each ``n``."""
    first17 = f"91320923MA{n:07d}"
    return first17 + stdnum_uscc.calc_check_digit(first17)


def write_csv(path: Path, rows: list[dict]) -> Path:
    """Write rows (dicts) as a UTF-8 CSV with the union of their keys as header."""
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return path


def load(workspace: Workspace, kind: str, rows: list[dict], *, source: str | None = None):
    """Import rows of ``kind`` through the real importer and accept them (no rejections)."""
    name = source or kind.replace("_", "-")
    workspace.register_source(name, kind=kind)
    path = write_csv(workspace.root / f"{name}.csv", rows)
    report = workspace.stage(name, path)
    assert report.rejected_rows == 0, report.rejections(limit=5)
    return report.accept()


def run(workspace: Workspace, model_id: str, **params):
    """Run one built-in model (with some parameters changed) and return its hits."""
    model = LIBRARY[model_id]
    if params:
        model = model.with_params(**params)
    result = Runner(workspace, threads=1, memory_limit="1GB").run([model], as_of=AS_OF)
    assert result.models[0].status == "ok", result.models[0].message
    return result.hits


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """An empty workspace in a temporary directory."""
    return Workspace(tmp_path / "ws")


PROGRAMS = [
    {"program_code": "P01", "name": "最低生活保障金", "department": "民政局", "category": "最低生活保障",
     "exclusive_group": "subsistence", "means_tested": "是", "party_members_excluded": "否"},
    {"program_code": "P02", "name": "特困供养金", "department": "民政局", "category": "特困供养",
     "exclusive_group": "subsistence", "means_tested": "是", "party_members_excluded": "否"},
    {"program_code": "P05", "name": "耕地地力保护补贴", "department": "农业农村局", "category": "农业补贴",
     "exclusive_group": "", "means_tested": "否", "party_members_excluded": "否"},
    {"program_code": "P06", "name": "城乡居民养老金", "department": "人社局", "category": "养老金",
     "exclusive_group": "pension", "means_tested": "否", "party_members_excluded": "否"},
    {"program_code": "P13", "name": "脱贫户产业直补", "department": "乡村振兴局", "category": "产业直补",
     "exclusive_group": "", "means_tested": "是", "party_members_excluded": "是"},
]  # fmt: skip


def payment(
    n: int, person: str, program: str, period: str, amount: str = "500", name: str = "某人"
):
    """A benefit payment row."""
    return {"payment_id": f"BP{n:05d}", "program_code": program, "resident_id": person,
            "name": name, "period": period, "amount": amount, "town": "城关镇"}  # fmt: skip


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole test session."""
    pytest.importorskip("pyspark")
    from oversight.analytics.engine.spark import local_session

    session = local_session("oversight-tests")
    yield session
    session.stop()
