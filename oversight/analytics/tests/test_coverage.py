"""Coverage: every accepted version states what it covers; a model that concludes from absence
("not in the resident register") runs only on a register stated complete, only for the areas and
months it covers, and the run page says what each model read and what it lacks."""

from __future__ import annotations

from oversight.analytics import bridge, services
from oversight.analytics.engine import DATASET_KINDS
from oversight.analytics.models import Warning
from oversight.conftest import client_for

from .conftest import ALIVE, csv_bytes, person_id

OUTSIDE = person_id(4)


def _register(county, source_of, upload, *, complete: bool):
    residents = source_of("register", "residents")
    run = upload(
        residents, county.supervisor, csv_bytes([{"resident_id": person_id(9), "name": "甲"}])
    )
    coverage = {"areas": ["Town 1"], "period_from": "2024-01", "period_to": "2024-12",
                "complete": complete}  # fmt: skip
    return services.import_accept(run=run, actor=county.supervisor, coverage=coverage)


def test_an_absence_model_does_not_run_without_a_complete_register(loaded, source_of, upload,
                                                                   run_models):  # fmt: skip
    county = loaded.county
    accepted = _register(county, source_of, upload, complete=False)
    version = bridge.workspace().source("register").current
    assert version.coverage == {"areas": ["Town 1"], "period_from": "2024-01",
                                "period_to": "2024-12", "complete": False}  # fmt: skip
    assert accepted.coverage["complete"] is False
    run = run_models(county.supervisor, ["unregistered_recipient"])
    stats = run.model_stats[0]
    assert stats["status"] == "uncovered" and stats["absence"] == ["residents"]
    register = next(i for i in stats["inputs"] if i["kind"] == "residents")
    assert register["coverage"]["areas"] == ["Town 1"]
    page = client_for(county.supervisor).get(f"/analytics/runs/{run.pk}/")
    text = page.context["stats"][0]["needs_text"]
    assert text.startswith("未运行") and DATASET_KINDS["residents"].name_zh in text
    assert not Warning.objects.exists()


def test_it_compares_only_the_areas_and_months_a_complete_register_covers(
    loaded, source_of, upload, run_models
):
    county = loaded.county
    _register(county, source_of, upload, complete=True)
    extra = source_of("more-payments", "benefit_payments")
    rows = [{"payment_id": "X-1", "program_code": "P03", "resident_id": OUTSIDE, "name": "外",
             "period": "2024-02", "amount": "100", "town": "Town 2"},
            {"payment_id": "X-2", "program_code": "P04", "resident_id": ALIVE, "name": "王三",
             "period": "2025-02", "amount": "100", "town": "Town 1"}]  # fmt: skip
    services.import_accept(run=upload(extra, county.supervisor, csv_bytes(rows)),
                           actor=county.supervisor)  # fmt: skip
    run = run_models(county.supervisor, ["unregistered_recipient"])
    assert run.model_stats[0]["status"] == "ok", run.model_stats
    # Only 王三's P03 payment of 2024-02 in Town 1 is compared: the Town 2 payment and the month
    # after the register are outside what it covers; the dead are in the deaths.
    assert set(Warning.objects.values_list("fingerprint_key", flat=True)) == {f"{ALIVE}|P03"}
    # And the run says what it left out: the three payments outside (Town 2's two, and the
    # month after the register in Town 1), so silence there is not read as “nothing found”.
    stats = run.model_stats[0]
    assert (stats["outside"], stats["outside_areas"]) == (3, ["Town 1", "Town 2"])
    page = client_for(county.supervisor).get(f"/analytics/runs/{run.pk}/")
    text = page.context["stats"][0]["outside_text"]
    assert "3" in text and "Town 2" in text and 'data-testid="outside"' in page.content.decode()
