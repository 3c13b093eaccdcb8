"""The catalogue and the click-through page."""

from __future__ import annotations

import datetime

from oversight.conftest import client_for
from oversight.measures import selectors
from oversight.measures.registry import Period
from oversight.measures.tasks import closed_periods


def test_the_catalogue_lists_every_measure_with_its_value(measured):
    response = client_for(measured.admin).get("/measures/?period=2026-02")
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("loop.on_time_rate", "public.window_rating", "ledger.last_verification"):
        assert code in page
    assert "/measures/loop.opened/records/?period=2026-02" in page


def test_the_catalogue_is_for_administrators(measured):
    assert client_for(measured.town1_officer).get("/measures/").status_code == 403


def test_a_bad_period_is_named_and_the_current_month_shown(measured):
    response = client_for(measured.admin).get("/measures/?period=2026-13")
    assert response.status_code == 200
    assert "2026-11, 2026-Q4 or 2026" in response.content.decode()


def test_the_click_through_lists_exactly_the_records(measured):
    client = client_for(measured.town1_officer)
    url = f"/measures/loop.overdue/records/?node={measured.town1.pk}&period=2026-03"
    response = client.get(url)
    assert response.status_code == 200
    expected = selectors.records(
        viewer=measured.town1_officer,
        measure=__import__("oversight.measures.registry", fromlist=["get"]).get("loop.overdue"),
        node=measured.town1,
        period=Period.parse("2026-03"),
    )
    ids = {f"/work/items/{i.pk}/" for i in expected}
    assert ids and all(link in response.content.decode() for link in ids)
    assert response.context["total"] == len(ids)
    assert response.context["module_url"].startswith("/work/items/?node=")


def test_a_node_outside_scope_is_not_found(measured):
    client = client_for(measured.town2_officer)
    url = f"/measures/loop.opened/records/?node={measured.town1.pk}&period=2026-03"
    assert client.get(url).status_code == 404


def test_a_measure_without_permission_is_forbidden(measured):
    client = client_for(measured.cadre)
    assert client.get("/measures/loop.opened/records/").status_code == 403
    assert client_for(measured.admin).get("/measures/no.such/records/").status_code == 404


def test_the_month_end_job_keeps_the_periods_that_closed():
    keys = [p.key for p in closed_periods(datetime.date(2027, 1, 1))]
    assert keys == ["2026-12", "2026-Q4", "2026"]
    assert [p.key for p in closed_periods(datetime.date(2026, 5, 2))] == ["2026-04"]
