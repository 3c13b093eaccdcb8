"""New data compared as it arrives: accepting a new version of a source starts a run of what it
changed (the models reading it, on its new and changed rows against everything else); only new
findings become new warnings, decided ones are never raised again, warnings whose evidence is
gone are marked and kept; every evidence row says which source, version, file and row it came
from; and a town officer outside the warning's town gets nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.analytics import selectors, services
from oversight.analytics.models import AnalysisRun, ImportRun, Warning

from .conftest import ALIVE, DEAD_TOWN1, DEAD_TOWN2, PAYMENTS, csv_bytes

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 12, 31)

JUNE = [  # a new month as the department sends it: its own file, added to the data
    {"payment_id": "PAY-6", "program_code": "P01", "resident_id": DEAD_TOWN1, "name": "张一",
     "period": "2024-06", "amount": "520", "town": "Town 1"},
    {"payment_id": "PAY-7", "program_code": "P03", "resident_id": DEAD_TOWN2, "name": "李二",
     "period": "2024-06", "amount": "100", "town": "Town 2"},
    {"payment_id": "PAY-8", "program_code": "P03", "resident_id": ALIVE, "name": "王三",
     "period": "2024-02", "amount": "100", "town": "Town 1"},  # paid twice for February
]  # fmt: skip


def _accept(county, source, rows, name, *, adds, capture):
    """Upload through the mapping screen's service (suggested mapping), accept, and let the
    run of the changes finish; returns the import."""
    actor = county.supervisor
    run = services.import_start(
        source=source, actor=actor, upload=SimpleUploadedFile(name, csv_bytes(rows)),
        review_mapping=True,
    )  # fmt: skip
    headers = list(rows[0])
    mapping = selectors.suggested_mapping(run=run, headers=headers)
    with capture(execute=True):
        services.import_map(run=run, actor=actor, mapping=mapping, upload_values={}, adds=adds)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.STAGED, run.message
    with capture(execute=True):
        services.import_accept(run=run, actor=actor)
    run.refresh_from_db()
    return run


@pytest.fixture
def compared(loaded, run_models, django_capture_on_commit_callbacks):
    """The data loaded and compared once in full,
    one warning dismissed."""
    county = loaded.county
    full = run_models(county.supervisor, model_ids=None, as_of=AS_OF)
    assert full.status == AnalysisRun.Status.DONE
    assert not AnalysisRun.objects.filter(status=AnalysisRun.Status.QUEUED).exists()
    town2 = Warning.objects.get(model_id="deceased_paid", subject_id=DEAD_TOWN2)
    services.warning_dismiss(warning=town2, actor=county.supervisor, reason="paid back")
    loaded.capture = django_capture_on_commit_callbacks
    return loaded


def test_a_new_month_is_compared_as_it_arrives_and_only_its_new_findings_are_new(compared):
    county = compared.county
    before = {w.pk: (w.fingerprint, w.status) for w in Warning.objects.all()}
    june = _accept(county, compared.payments, JUNE, "june.csv", adds=True,
                   capture=compared.capture)  # fmt: skip
    assert june.adds and june.version == 2
    run = AnalysisRun.objects.latest("pk")
    assert run.trigger == {"source": "payments", "from_version": 1, "to_version": 2,
                           "import": june.pk}  # fmt: skip
    assert run.status == AnalysisRun.Status.DONE, run.message
    stats = {m["model_id"]: m for m in run.model_stats}
    assert "claims_after_death" not in run.model_ids  # reads no payments
    assert stats["deceased_paid"]["scope"] == "changed" and stats["deceased_paid"]["affected"] == 3
    # One new finding (the February payment made twice); nothing decided raised again.
    new = Warning.objects.filter(first_run=run)
    assert [(w.model_id, w.subject_id) for w in new] == [("duplicate_payment", ALIVE)]
    assert run.new_warnings == 1
    after = {w.pk: (w.fingerprint, w.status) for w in Warning.objects.exclude(first_run=run)}
    assert after == before
    town1 = Warning.objects.get(model_id="deceased_paid", subject_id=DEAD_TOWN1)
    assert str(town1.amount) == "1560.00" and town1.last_run == run  # April to June
    town2 = Warning.objects.get(model_id="deceased_paid", subject_id=DEAD_TOWN2)
    assert town2.status == Warning.Status.DISMISSED and str(town2.amount) == "100.00"
    assert not Warning.objects.filter(gone_run__isnull=False).exists()


def test_every_evidence_row_names_its_source_version_file_and_row(compared, client):
    county = compared.county
    _accept(county, compared.payments, JUNE, "june.csv", adds=True, capture=compared.capture)
    warning = Warning.objects.get(model_id="deceased_paid", subject_id=DEAD_TOWN1)
    tables = {t.dataset: t for t in selectors.evidence_tables(warning=warning)}
    payments = tables["benefit_payments"]
    origins = {
        r["payment_id"]: (o.source, o.version, o.file, o.row)
        for r, o in zip(payments.records, payments.origins, strict=True)
    }
    assert origins == {
        "PAY-2": ("payments", 1, "data.csv", 3),  # the header is row 1
        "PAY-3": ("payments", 1, "data.csv", 4),
        "PAY-6": ("payments", 2, "june.csv", 2),
    }
    deaths = tables["deaths"]
    assert [(o.source, o.version, o.row) for o in deaths.origins] == [("deaths", 1, 2)]
    client.force_login(county.supervisor)
    page = client.get(f"/analytics/warnings/{warning.pk}/").content.decode()
    assert "june.csv" in page and 'data-testid="provenance"' in page
    june = ImportRun.objects.get(file_name="june.csv")
    assert f"/analytics/imports/{june.pk}/" in page
    # The run keeps what it read, version by version, with the files.
    chain = warning.last_run.versions["payments"]["chain"]
    assert [(v["version"], v["file"]) for v in chain] == [(1, "data.csv"), (2, "june.csv")]
    # A town officer outside Town 1 gets nothing of it, provenance included.
    client.force_login(county.town2_officer)
    assert client.get(f"/analytics/warnings/{warning.pk}/").status_code == 404
    assert client.get(f"/analytics/warnings/{warning.pk}/evidence/").status_code == 404
    assert "june.csv" not in client.get("/analytics/warnings/").content.decode()


def test_a_warning_whose_evidence_is_gone_is_marked_and_kept_with_its_decision(compared, client):
    county = compared.county
    without_town2 = [p for p in PAYMENTS if p["resident_id"] != DEAD_TOWN2]
    replaced = _accept(county, compared.payments, without_town2, "corrected.csv", adds=False,
                       capture=compared.capture)  # fmt: skip
    run = AnalysisRun.objects.latest("pk")
    assert run.trigger["import"] == replaced.pk and run.status == AnalysisRun.Status.DONE
    town2 = Warning.objects.get(model_id="deceased_paid", subject_id=DEAD_TOWN2)
    assert town2.gone_run == run and town2.status == Warning.Status.DISMISSED
    town1 = Warning.objects.get(model_id="deceased_paid", subject_id=DEAD_TOWN1)
    assert town1.gone_run is None  # its rows did not change
    client.force_login(county.supervisor)
    page = client.get(f"/analytics/warnings/{town2.pk}/").content.decode()
    assert 'data-testid="warning-gone"' in page
    # Found again (the department sends the rows back): the mark goes, the decision stays.
    _accept(county, compared.payments, PAYMENTS, "again.csv", adds=False,
            capture=compared.capture)  # fmt: skip
    town2.refresh_from_db()
    assert town2.gone_run is None and town2.status == Warning.Status.DISMISSED
    assert Warning.objects.filter(subject_id=DEAD_TOWN2, model_id="deceased_paid").count() == 1


def test_a_full_run_marks_what_it_no_longer_finds(compared, run_models):
    county = compared.county
    without_town2 = [p for p in PAYMENTS if p["resident_id"] != DEAD_TOWN2]
    run = services.import_start(
        source=compared.payments, actor=county.supervisor,
        upload=SimpleUploadedFile("c.csv", csv_bytes(without_town2)), background=False,
    )  # fmt: skip
    from oversight.analytics.jobs import import_stage

    import_stage(run_id=run.pk)
    run.refresh_from_db()
    services.import_accept(run=run, actor=county.supervisor)  # its run is only queued here
    waiting = AnalysisRun.objects.get(status=AnalysisRun.Status.QUEUED)
    full = run_models(county.supervisor, model_ids=None, as_of=AS_OF)
    waiting.refresh_from_db()
    assert waiting.status == AnalysisRun.Status.CANCELLED  # the full run reads it all
    town2 = Warning.objects.get(model_id="deceased_paid", subject_id=DEAD_TOWN2)
    assert town2.gone_run == full
    assert Warning.objects.get(subject_id=DEAD_TOWN1, model_id="deceased_paid").gone_run is None
