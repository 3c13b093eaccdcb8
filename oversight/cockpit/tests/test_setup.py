"""A commission chooses and orders its tiles; an administrator uploads a map; bad input is
named and leaves nothing behind."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from oversight.cockpit import selectors, services
from oversight.cockpit.models import MapLayer, Tile
from oversight.conftest import client_for


def square(x: float, y: float) -> list:
    return [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]


def geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def feature(code, x=0.0, name=None):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name or code},
        "geometry": {"type": "Polygon", "coordinates": square(x, 0)},
    }


def test_a_commissions_tiles_appear_in_its_order(measured):
    services.tiles_save(
        commission=measured.commission,
        measures=["public.complaints", "loop.overdue"],
        actor=measured.admin,
    )
    assert selectors.tiles_for(measured.village1a) == ["public.complaints", "loop.overdue"]
    data = client_for(measured.admin).get("/cockpit/data.json?period=2026-03").json()
    assert [t["id"] for t in data["tiles"]] == ["public.complaints", "loop.overdue"]


def test_tiles_refuse_unknown_measures_and_non_commissions(measured):
    with pytest.raises(ValidationError, match="no.such"):
        services.tiles_save(
            commission=measured.commission, measures=["no.such"], actor=measured.admin
        )
    with pytest.raises(ValidationError):
        services.tiles_save(commission=measured.town1, measures=[], actor=measured.admin)
    assert not Tile.objects.exists()


def test_the_tiles_page_saves_in_order(measured):
    client = client_for(measured.admin)
    assert client.get("/cockpit/tiles/").status_code == 200
    response = client.post(
        "/cockpit/tiles/",
        {"commission": measured.commission.pk, "measures": "loop.open\nloop.closed\n"},
    )
    assert response.status_code == 302
    assert list(Tile.objects.values_list("measure", flat=True)) == ["loop.open", "loop.closed"]
    bad = client.post(
        "/cockpit/tiles/", {"commission": measured.commission.pk, "measures": "loop.open\nnope"}
    )
    assert bad.status_code == 400 and "nope" in bad.content.decode()
    assert client_for(measured.town1_officer).get("/cockpit/tiles/").status_code == 403


def test_a_map_colours_the_areas_by_a_measure(measured):
    services.map_upload(
        node=measured.county,
        content=geojson(feature("C-T1"), feature("C-T2", 2)),
        actor=measured.admin,
    )
    data = client_for(measured.admin).get("/cockpit/data.json?period=2026-03").json()
    areas = {d["name"]: d for d in data["map"]["data"]}
    assert set(areas) == {"C-T1", "C-T2"}
    assert areas["C-T1"]["value"] == 3  # Town 1 and its villages: one red item each
    assert areas["C-T1"]["url"].startswith(
        f"/measures/loop.overdue/records/?node={measured.town1.pk}"
    )
    other = client_for(measured.admin).get("/cockpit/data.json?map=public.complaints").json()
    assert other["map"]["measure"] == "public.complaints"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not json", "not JSON"),
        (json.dumps({"type": "Feature"}).encode(), "FeatureCollection"),
        (geojson(feature("C-T1"), feature("NOPE", 2)), "Feature 2 names no unit"),
        (
            geojson(
                {
                    "type": "Feature",
                    "properties": {"code": "C-T1"},
                    "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
                }
            ),
            "Feature 1: the geometry",
        ),  # fmt: skip
    ],
)
def test_a_bad_map_is_refused_with_the_reason(measured, content, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError, match=message):
        services.map_upload(node=measured.county, content=content, actor=measured.admin)
    assert not MapLayer.objects.exists()


def test_the_map_page_uploads_and_names_errors(measured):
    client = client_for(measured.admin)
    ok = client.post(
        "/cockpit/map/",
        {
            "node": measured.county.pk,
            "file": SimpleUploadedFile("m.json", geojson(feature("C-T1"))),
        },
    )
    assert ok.status_code == 302 and MapLayer.objects.count() == 1
    bad = client.post(
        "/cockpit/map/",
        {"node": measured.county.pk, "file": SimpleUploadedFile("m.json", b"{}")},
    )
    assert bad.status_code == 400
    assert client_for(measured.town1_officer).get("/cockpit/map/").status_code == 403
