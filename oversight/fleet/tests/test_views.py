"""Pages and the API through the client: bad input answered by row, scope (404 outside it),
the token-authenticated push."""

import datetime
import io
import json

import pytest

from oversight.conftest import token_headers
from oversight.fleet import services
from oversight.fleet.models import PositionBatch

from .conftest import client_en, local, row

pytestmark = pytest.mark.django_db


def _csv(rows):
    lines = ["plate,time,longitude,latitude,speed,ignition"]
    lines += [
        f"{r['plate']},{r['time']},{r['longitude']},{r['latitude']},{r['speed']},{int(r['ignition'])}"
        for r in rows
    ]
    upload = io.BytesIO("\n".join(lines).encode())
    upload.name = "positions.csv"
    return upload


def test_an_uploaded_file_with_a_bad_row_is_answered_by_row(fleet_county):
    c = fleet_county
    rows = [
        row("冀E12345", local(2026, 3, 1, 10, 0)),
        {**row("冀E12345", local(2026, 3, 1, 10, 1)), "longitude": "east"},
    ]
    response = client_en(c.supervisor).post(
        "/fleet/positions/import/", {"file": _csv(rows), "crs": "wgs84", "source": "GPS"}
    )
    assert response.status_code == 400
    assert "Row 2, longitude" in response.content.decode()
    assert not PositionBatch.objects.exists()


def test_a_file_without_its_columns_is_refused(fleet_county):
    c = fleet_county
    upload = io.BytesIO(b"plate,when\nX,1\n")
    upload.name = "positions.csv"
    response = client_en(c.supervisor).post(
        "/fleet/positions/import/", {"file": upload, "crs": "wgs84"}
    )
    assert response.status_code == 400
    assert "longitude" in response.content.decode()


def test_a_good_file_is_imported(fleet_county, django_capture_on_commit_callbacks):
    c = fleet_county
    rows = [row("冀E12345", local(2026, 3, 1, 10, m)) for m in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_en(c.supervisor).post(
            "/fleet/positions/import/", {"file": _csv(rows), "crs": "wgs84"}
        )
    assert response.status_code == 302
    assert PositionBatch.objects.get().rows == 3
    page = client_en(c.supervisor).get(f"/fleet/{c.car1.pk}/?day=2026-03-01")
    assert 'data-testid="points">3 points' in page.content.decode()


def test_the_api_takes_a_batch_with_a_token_and_names_bad_rows(
    fleet_county, django_capture_on_commit_callbacks
):
    from django.test import Client

    c = fleet_county
    headers = token_headers(c.supervisor)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    good = {
        "source": "fleet",
        "crs": "wgs84",
        "positions": [row("冀E12345", local(2026, 3, 1, 10, 0))],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fleet/api/positions/",
            json.dumps(good),
            content_type="application/json",
            headers=headers,
        )
    assert response.status_code == 201, response.content
    assert response.json()["rows"] == 1
    bad = {**good, "positions": [row("冀E99999", local(2026, 3, 1, 10, 0))]}
    response = client.post(
        "/fleet/api/positions/", json.dumps(bad), content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert response.json()["file"][0].startswith("Row 1, plate")
    assert (
        client.post(
            "/fleet/api/positions/", json.dumps(good), content_type="application/json"
        ).status_code
        == 401
    )


def test_the_api_refuses_an_account_without_the_function(fleet_county):
    from django.test import Client

    c = fleet_county
    response = Client().post(
        "/fleet/api/positions/",
        "{}",
        content_type="application/json",
        headers=token_headers(c.clerk),
    )
    assert response.status_code == 403


def _warning(c, push):
    services.sealing_declare(
        actor=c.supervisor,
        name="Sealing",
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 1),
        declared_by=c.commission,
    )
    push(c.supervisor, [row("冀E12345", local(2026, 3, 1, 9, m)) for m in range(10)])
    return services.rules_run(
        actor=c.supervisor,
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 1),
        supervising_node=c.commission,
    )[0]


def test_another_town_gets_404_on_the_car_and_its_warning(fleet_county, push):
    c = fleet_county
    warning = _warning(c, push)
    other = client_en(c.town2_officer)
    assert other.get(f"/fleet/{c.car1.pk}/").status_code == 404
    assert other.get(f"/fleet/warnings/{warning.item_id}/").status_code == 404
    assert "冀E12345" not in other.get("/fleet/").content.decode()
    assert "冀E12345" not in other.get("/fleet/warnings/").content.decode()
    own = client_en(c.town1_officer)
    page = own.get(f"/fleet/warnings/{warning.item_id}/")
    assert page.status_code == 200
    assert "fleet-map-data" in page.content.decode()


def test_every_page_opens_for_the_supervisor(fleet_county, push):
    c = fleet_county
    warning = _warning(c, push)
    client = client_en(c.supervisor)
    for url in [
        "/fleet/",
        f"/fleet/{c.car1.pk}/",
        "/fleet/warnings/",
        f"/fleet/warnings/{warning.item_id}/",
        "/fleet/holiday/",
        "/fleet/positions/",
        "/fleet/fences/",
        "/fleet/rules/",
    ]:
        assert client.get(url).status_code == 200, url
    holiday = client.get("/fleet/holiday/").content.decode()
    assert "1 of 2 cars of 1 units" in holiday


def test_a_vehicle_form_names_an_unknown_driver(fleet_county):
    c = fleet_county
    response = client_en(c.supervisor).post(
        "/fleet/add/",
        {
            "plate": "冀E11111",
            "unit": c.town1.pk,
            "status": "in_service",
            "driver_resident_id": "130534198001010000",
        },
    )
    assert response.status_code == 400
    assert "No person with this resident ID" in response.content.decode()


def test_a_run_with_days_reversed_is_refused_on_the_form(fleet_county):
    c = fleet_county
    response = client_en(c.supervisor).post(
        "/fleet/warnings/run/",
        {"start": "2026-03-02", "end": "2026-03-01", "supervising_node": c.commission.pk},
    )
    assert response.status_code == 400
    assert "The last day cannot come before the first." in response.content.decode()


def test_the_rules_page_sets_the_long_trip_distance_and_only_there(fleet_county):
    from oversight.fleet.models import Rule

    c = fleet_county
    client = client_en(c.supervisor)
    page = client.get("/fleet/rules/").content.decode()
    assert page.count('name="distance_km"') == 1
    assert "Long trip without a trip order" in page
    response = client.post(
        "/fleet/rules/",
        {"kind": "long_trip", "enabled": "on", "dwell_minutes": "180", "distance_km": "2000"},
    )
    assert response.status_code == 400
    assert not Rule.objects.filter(kind="long_trip").exists()
    response = client.post(
        "/fleet/rules/",
        {"kind": "long_trip", "enabled": "on", "dwell_minutes": "180", "distance_km": "25"},
    )
    assert response.status_code == 302
    rule = Rule.objects.get(kind="long_trip")
    assert (rule.dwell_minutes, rule.distance_km) == (180, 25)


def test_a_trip_order_is_recorded_with_its_destination(fleet_county):
    c = fleet_county
    client = client_en(c.supervisor)
    response = client.post(
        f"/fleet/{c.car1.pk}/trips/add/",
        {
            "start": "2026-03-02T08:00",
            "end": "2026-03-02T18:00",
            "purpose": "Flood inspection",
            "destination": "Reservoir dam",
        },
    )
    assert response.status_code == 302
    assert c.car1.trip_orders.get().destination == "Reservoir dam"
    assert "Reservoir dam" in client.get(f"/fleet/{c.car1.pk}/").content.decode()


def test_a_long_trip_warning_shows_how_far_the_car_went(fleet_county, push):
    from .test_services import _home_and_trips, _run_monday

    c = fleet_county
    _home_and_trips(c, push)
    (warning,) = [w for w in _run_monday(c) if w.rule == "long_trip"]
    page = client_en(c.supervisor).get(f"/fleet/warnings/{warning.item_id}/").content.decode()
    assert "Town 1 garage, County" in page
    assert f"{warning.evidence['farthest_km']} km (the rule counts from 10 km)" in page


def test_trip_orders_are_imported_from_a_csv_file_and_a_bad_file_is_named(fleet_county):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = fleet_county
    client = client_en(c.supervisor)
    assert 'data-testid="import-trips"' in client.get("/fleet/").content.decode()
    content = (
        "plate,start,end,purpose,destination\n"
        "冀E12345,2026-03-02 08:00,2026-03-02 18:00,Flood inspection,Reservoir dam\n"
    ).encode()
    response = client.post(
        "/fleet/trips/import/", {"file": SimpleUploadedFile("trips.csv", content)}
    )
    assert response.status_code == 302
    assert c.car1.trip_orders.get().destination == "Reservoir dam"
    response = client.post(
        "/fleet/trips/import/",
        {"file": SimpleUploadedFile("trips.csv", b"plate,start,end\n")},
    )
    assert response.status_code == 400
    assert "The file lacks the columns: purpose, destination" in response.content.decode()
    assert (
        'data-testid="import-trips"'
        not in client_en(c.town1_officer).get("/fleet/").content.decode()
    )
