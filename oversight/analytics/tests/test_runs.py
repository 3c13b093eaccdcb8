"""Runs: the job runs the enabled models, records timing and counts, raises warnings once per
fingerprint whatever the number of runs, resolves units to org nodes, and can be cancelled."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from oversight.analytics import services
from oversight.analytics.models import AnalysisRun, Warning
from oversight.conftest import client_for

from .conftest import DEAD_TOWN1, DEAD_TOWN2


def test_it_runs_the_enabled_models_and_raises_warnings(loaded, run_models):
    county = loaded.county
    run = run_models(county.supervisor, None)
    assert run.status == AnalysisRun.Status.DONE and run.progress == 100
    assert run.hits == 2 and run.new_warnings == 2 and run.seconds is not None
    stats = {m["model_id"]: m for m in run.model_stats}
    assert stats["deceased_paid"]["status"] == "ok" and stats["deceased_paid"]["hits"] == 2
    assert stats["overlapping_stays"]["status"] == "skipped"
    assert set(run.versions) == {"deaths", "payments"}
    town1 = Warning.objects.get(subject_id=DEAD_TOWN1)
    assert town1.unit == county.town1 and town1.area == "Town 1"
    assert town1.amount == Decimal("1040.00") and town1.severity == "yellow"
    assert town1.status == Warning.Status.NEW and town1.first_run == run
    assert {e["dataset"] for e in town1.evidence} == {"deaths", "benefit_payments"}
    assert "张一" in town1.reason_zh and town1.reason_en
    assert Warning.objects.get(subject_id=DEAD_TOWN2).unit == county.town2


def test_a_rerun_adds_no_duplicate_warning(loaded, run_models):
    supervisor = loaded.county.supervisor
    first = run_models(supervisor)
    second = run_models(supervisor)
    assert second.status == AnalysisRun.Status.DONE
    assert second.hits == 2 and second.new_warnings == 0
    assert Warning.objects.count() == 2
    assert set(Warning.objects.values_list("first_run", flat=True)) == {first.pk}
    assert set(Warning.objects.values_list("last_run", flat=True)) == {second.pk}
    stats = {m["model_id"]: m for m in second.model_stats}
    assert stats["deceased_paid"]["new_hits"] == 0


def test_a_decided_warning_keeps_its_facts_when_found_again(loaded, run_models):
    supervisor = loaded.county.supervisor
    run_models(supervisor)
    warning = Warning.objects.get(subject_id=DEAD_TOWN1)
    services.warning_dismiss(warning=warning, actor=supervisor, reason="Paid back already")
    Warning.objects.filter(pk=warning.pk).update(amount=1)
    run_models(supervisor)
    warning.refresh_from_db()
    assert warning.status == Warning.Status.DISMISSED and warning.amount == 1
    other = Warning.objects.get(subject_id=DEAD_TOWN2)
    Warning.objects.filter(pk=other.pk).update(amount=1)
    run_models(supervisor)
    other.refresh_from_db()
    assert other.amount == Decimal("100.00")


def test_it_refuses_a_second_run_while_one_is_under_way(loaded):
    supervisor = loaded.county.supervisor
    AnalysisRun.objects.create(started_by=supervisor, model_ids=["deceased_paid"])
    with pytest.raises(ValidationError):
        services.run_start(actor=supervisor)


def test_it_cancels_a_queued_run_before_it_starts(loaded):
    supervisor = loaded.county.supervisor
    run = AnalysisRun.objects.create(started_by=supervisor, model_ids=["deceased_paid"])
    services.run_cancel(run=run, actor=supervisor)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.CANCELLED
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.CANCELLED and not Warning.objects.exists()


def test_it_never_starts_a_run_cancelled_before_its_job(loaded):
    supervisor = loaded.county.supervisor
    run = AnalysisRun.objects.create(started_by=supervisor, model_ids=["deceased_paid"])
    services._cancel_flag(run.pk).touch()
    AnalysisRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    run = services.run_execute(run_id=run.pk)
    assert run.status == AnalysisRun.Status.CANCELLED
    assert [m["status"] for m in run.model_stats] == ["cancelled"]
    assert not services._cancel_flag(run.pk).exists() and not Warning.objects.exists()


def test_it_stops_a_running_run_when_asked(loaded, monkeypatch):
    supervisor = loaded.county.supervisor
    run = AnalysisRun.objects.create(
        started_by=supervisor,
        model_ids=["deceased_paid", "duplicate_payment", "exclusive_programs"],
    )
    original = services._Progress.__call__

    def cancel_during_the_first_model(self, event):
        if event.phase == "start" and event.index == 0:
            services.run_cancel(run=run, actor=supervisor)
        original(self, event)

    monkeypatch.setattr(services._Progress, "__call__", cancel_during_the_first_model)
    run = services.run_execute(run_id=run.pk)
    assert run.status == AnalysisRun.Status.CANCELLED
    assert [m["status"] for m in run.model_stats][1:] == ["cancelled", "cancelled"]
    assert not services._cancel_flag(run.pk).exists()


def test_it_records_a_failed_run(loaded, monkeypatch):
    supervisor = loaded.county.supervisor
    run = AnalysisRun.objects.create(started_by=supervisor, model_ids=["deceased_paid"])

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "record_hits", broken)
    run = services.run_execute(run_id=run.pk)
    assert run.status == AnalysisRun.Status.FAILED and "disk on fire" in run.message


def test_it_starts_shows_and_polls_a_run_through_the_pages(
    loaded, django_capture_on_commit_callbacks
):
    client = client_for(loaded.county.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/analytics/runs/start/")
    run = AnalysisRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/analytics/runs/{run.pk}/"
    page = client.get(f"/analytics/runs/{run.pk}/")
    assert page.status_code == 200 and b'data-model="deceased_paid"' in page.content
    assert client.get(f"/analytics/runs/{run.pk}/status/")["HX-Refresh"] == "true"
    assert client.get("/analytics/runs/").status_code == 200
    response = client.post(f"/analytics/runs/{run.pk}/cancel/")
    assert response.status_code == 302  # refused with a message: the run is over


def test_a_town_officer_cannot_run_models(loaded):
    assert client_for(loaded.county.town1_officer).post("/analytics/runs/start/").status_code == 403


def test_a_run_is_as_of_today_in_the_platforms_time_zone_by_default(loaded, run_models):
    # 17:30 UTC on the last day of the year is already New Year's Day in Beijing.
    instant = datetime.datetime(2026, 12, 31, 17, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        run = run_models(loaded.county.supervisor)
    assert run.as_of == datetime.date(2027, 1, 1)
    assert set(Warning.objects.values_list("as_of", flat=True)) == {run.as_of}


def test_a_run_and_its_warnings_keep_the_as_of_date_asked_for(loaded, run_models):
    supervisor = loaded.county.supervisor
    first = run_models(supervisor, as_of=datetime.date(2025, 6, 30))
    assert first.as_of == datetime.date(2025, 6, 30)
    town1 = Warning.objects.get(subject_id=DEAD_TOWN1)
    assert town1.as_of == first.as_of and town1.amount == Decimal("1040.00")
    # An undecided warning takes the facts of the latest run, with its date.
    second = run_models(supervisor, as_of=datetime.date(2026, 1, 31))
    town1.refresh_from_db()
    assert town1.as_of == second.as_of and town1.last_run == second


def test_it_refuses_an_as_of_date_after_today(loaded):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.run_start(actor=loaded.county.supervisor, as_of=tomorrow)
    assert refused.value.error_dict["as_of"][0].code == "as_of_future"
    assert not AnalysisRun.objects.exists()


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", "9999-99-99"])
def test_the_run_page_names_a_bad_as_of_date_and_starts_nothing(loaded, value):
    client = client_for(loaded.county.supervisor)
    response = client.post(reverse("analytics:run_start"), {"as_of": value}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "基准日" in text or "as-of date" in text
    assert not AnalysisRun.objects.exists()


def test_the_run_page_starts_a_run_as_of_the_date_chosen(
    loaded, django_capture_on_commit_callbacks
):
    client = client_for(loaded.county.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("analytics:run_start"), {"as_of": "2026-03-31"})
    run = AnalysisRun.objects.get()
    assert response.status_code == 302 and run.as_of == datetime.date(2026, 3, 31)
    page = client.get(reverse("analytics:run_detail", args=[run.pk])).content.decode()
    assert "2026-03-31" in page
