"""Every refusal of the analytics services has a code: ``PermissionDenied`` naming the missing
function for someone without it, and a ``ValidationError`` with a code for every bad request."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.analytics import services
from oversight.analytics.models import AnalysisRun, ImportRun, Warning

from .conftest import DEAD_TOWN1, refusal_codes


def test_someone_without_the_function_is_refused_by_every_service(loaded, run_models):
    run_models(loaded.county.supervisor)
    county, warning = loaded.county, Warning.objects.get(subject_id=DEAD_TOWN1)
    town = county.town1_officer  # sees and exports warnings, nothing else
    run = AnalysisRun.objects.create(started_by=county.supervisor, model_ids=["deceased_paid"])
    calls = {
        "analytics:source:edit": [
            lambda: services.source_save(
                actor=town, name="x", kind="deaths", label="x", owner=county.commission, mapping={}
            ),
            lambda: services.import_start(
                source=loaded.deaths, actor=town, upload=SimpleUploadedFile("a.csv", b"a")
            ),
            lambda: services.import_from_platform(source=loaded.deaths, actor=town),
            lambda: services.import_accept(run=ImportRun.objects.first(), actor=town),
            lambda: services.import_discard(run=ImportRun.objects.first(), actor=town),
        ],
        "analytics:model:edit": [
            lambda: services.model_enable(actor=town, model_id="deceased_paid", enabled=False),
            lambda: services.model_params_save(actor=town, model_id="deceased_paid", params={}),
            lambda: services.model_add(actor=town, metadata="", sql=""),
            lambda: services.model_update(actor=town, model_id="x", metadata="", sql=""),
            lambda: services.model_test(actor=town, model_id="deceased_paid"),
        ],
        "analytics:run:start": [
            lambda: services.run_start(actor=town),
            lambda: services.run_cancel(run=run, actor=town),
        ],
        "analytics:warning:dispose": [
            lambda: services.warning_dismiss(warning=warning, actor=town, reason="no"),
            lambda: services.warning_to_clue(
                warning=warning, actor=town, responsible_node=county.town1
            ),
        ],
    }
    for code, refused in calls.items():
        for call in refused:
            with pytest.raises(PermissionDenied) as error:
                call()
            assert str(error.value) == code
    warning.refresh_from_db()
    assert warning.status == Warning.Status.NEW
    assert AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.QUEUED


def test_every_bad_request_is_refused_with_its_code(loaded, run_models, settings):
    county = loaded.county
    supervisor = county.supervisor

    def codes(call) -> set[str]:
        with pytest.raises(ValidationError) as error:
            call()
        return refusal_codes(error.value)

    assert codes(
        lambda: services.source_save(
            actor=supervisor,
            name="new",
            kind="nonsense",
            label="x",
            owner=county.commission,
            mapping={},
        )  # fmt: skip
    ) == {"kind:invalid_choice"}
    assert codes(
        lambda: services.source_save(
            actor=supervisor,
            name="deaths",
            kind="deaths",
            label="x",
            owner=county.commission,
            mapping={},
        )  # fmt: skip
    ) == {"name:unique"}

    def upload(name: str, content: bytes):
        file = SimpleUploadedFile(name, content)
        return lambda: services.import_start(source=loaded.deaths, actor=supervisor, upload=file)

    assert codes(upload("a.csv", b"")) == {"file:empty"}
    settings.ANALYTICS_UPLOAD_MAX_BYTES = 3
    assert codes(upload("a.csv", b"four")) == {"file:too_large"}
    assert codes(lambda: services.import_from_platform(source=loaded.deaths, actor=supervisor)) == {
        "not_cadres"
    }
    assert codes(
        lambda: services.model_enable(actor=supervisor, model_id="nothing", enabled=True)
    ) == {"unknown_model"}
    assert codes(
        lambda: services.model_update(
            actor=supervisor, model_id="deceased_paid", metadata="", sql=""
        )
    ) == {"builtin_model"}
    assert codes(lambda: services.model_add(actor=supervisor, metadata="id = ", sql="")) == {
        "model_invalid"
    }
    assert codes(
        lambda: services.model_test(actor=supervisor, model_id="deceased_paid", sample=2)
    ) == {"sample:invalid"}
    assert codes(lambda: services.run_start(actor=supervisor, model_ids=["nothing"])) == {
        "no_model"
    }
    run = run_models(supervisor)
    assert codes(lambda: services.run_cancel(run=run, actor=supervisor)) == {"run_over"}
