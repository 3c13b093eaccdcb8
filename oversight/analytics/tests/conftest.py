"""Fixtures of the comparison-model app: a workspace per test, the county's officers with the
analytics functions, and a small set of deaths and benefit payments in which two dead people
(one of Town 1, one of Town 2) are still paid."""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.analytics import services
from oversight.analytics.models import AnalysisRun, DataSource, ImportRun
from oversight.lib import resident_id as rid

ALL_ANALYTICS = [
    "analytics:source:edit", "analytics:model:view", "analytics:model:edit", "analytics:run:start",
    "analytics:warning:view", "analytics:warning:export", "analytics:warning:dispose",
    "analytics:clue:propose", "analytics:clue:endorse", "analytics:clue:approve",
    "analytics:unit:assign",
]  # fmt: skip
TOWN = ["analytics:warning:view", "analytics:warning:export"]


@pytest.fixture(autouse=True)
def workspace_dir(settings, tmp_path):
    """Every test has its own engine workspace, small limits, and no waiting."""
    settings.ANALYTICS_WORKSPACE_DIR = tmp_path / "workspace"
    settings.ANALYTICS_MEMORY_LIMIT = "1GB"
    settings.ANALYTICS_THREADS = 2
    return settings.ANALYTICS_WORKSPACE_DIR


@pytest.fixture
def county_a(loop_county):
    """The loop county; the supervisor holds every analytics function, town officers may see
    and export warnings."""
    role = loop_county.role_supervisor
    role.permissions = sorted(set(role.permissions) | set(ALL_ANALYTICS))
    role.save()
    town = loop_county.role_town
    town.permissions = sorted(set(town.permissions) | set(TOWN))
    town.save()
    for account in (loop_county.supervisor, loop_county.town1_officer, loop_county.town2_officer):
        account.__dict__.pop("_perm_codes", None)
    return loop_county


def person_id(n: int, born: date = date(1940, 1, 1)) -> str:
    """A valid resident ID, distinct for each ``n`` below 1000."""
    return rid.make(area="130534", born=born, sequence=n)


def csv_bytes(rows: list[dict]) -> bytes:
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue().encode()


DEAD_TOWN1, DEAD_TOWN2, ALIVE = person_id(1), person_id(2), person_id(3)

DEATHS = [
    {"resident_id": DEAD_TOWN1, "name": "张一", "death_date": "2024-03-15"},
    {"resident_id": DEAD_TOWN2, "name": "李二", "death_date": "2024-01-10"},
]
PAYMENTS = [
    {"payment_id": "PAY-1", "program_code": "P01", "resident_id": DEAD_TOWN1, "name": "张一",
     "period": "2024-03", "amount": "520", "town": "Town 1"},
    {"payment_id": "PAY-2", "program_code": "P01", "resident_id": DEAD_TOWN1, "name": "张一",
     "period": "2024-04", "amount": "520", "town": "Town 1"},
    {"payment_id": "PAY-3", "program_code": "P01", "resident_id": DEAD_TOWN1, "name": "张一",
     "period": "2024-05", "amount": "520", "town": "Town 1"},
    {"payment_id": "PAY-4", "program_code": "P03", "resident_id": DEAD_TOWN2, "name": "李二",
     "period": "2024-02", "amount": "100", "town": "Town 2"},
    {"payment_id": "PAY-5", "program_code": "P03", "resident_id": ALIVE, "name": "王三",
     "period": "2024-02", "amount": "100", "town": "Town 1"},
]  # fmt: skip


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Upload bytes to a source and let the checking job run; returns the import."""

    def do(source: DataSource, actor, content: bytes, name: str = "data.csv") -> ImportRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = services.import_start(
                source=source, actor=actor, upload=SimpleUploadedFile(name, content)
            )
        run.refresh_from_db()
        return run

    return do


@pytest.fixture
def source_of(county_a):
    def make(name: str, kind: str, mapping=None, owner=None) -> DataSource:
        return services.source_save(
            actor=county_a.supervisor, name=name, kind=kind, label=name,
            owner=owner or county_a.commission, mapping=mapping or {},
        )  # fmt: skip

    return make


@pytest.fixture
def loaded(county_a, source_of, upload):
    """Deaths and payments imported and accepted."""
    deaths = source_of("deaths", "deaths")
    payments = source_of("payments", "benefit_payments")
    for source, rows in ((deaths, DEATHS), (payments, PAYMENTS)):
        run = upload(source, county_a.supervisor, csv_bytes(rows))
        assert run.status == ImportRun.Status.STAGED, run.message
        # Not compared on accept: the tests start the runs they are about.
        services.import_accept(run=run, actor=county_a.supervisor, compare=False)
    return SimpleNamespace(county=county_a, deaths=deaths, payments=payments)


@pytest.fixture
def run_models(django_capture_on_commit_callbacks):
    """Start a run (of the one model the data is made for, unless told; None: every enabled
    model) and let its job finish; returns the run."""

    def do(actor, model_ids=("deceased_paid",), as_of=None) -> AnalysisRun:
        with django_capture_on_commit_callbacks(execute=True):
            ids = None if model_ids is None else list(model_ids)
            run = services.run_start(actor=actor, model_ids=ids, as_of=as_of)
        run.refresh_from_db()
        return run

    return do


def refusal_codes(error: ValidationError) -> set[str]:
    """The codes of a refusal: ``field:code`` for a field's, the bare code otherwise."""
    if hasattr(error, "error_dict"):
        return {f"{field}:{e.code}" for field, errors in error.error_dict.items() for e in errors}
    return {e.code for e in error.error_list}
