"""Coordinates declared per source: GCJ-02 and BD-09 converted to WGS-84 (prcoords), checked
against reference points other projects publish and by round trips over China's box."""

import datetime
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.fleet import positions, rules, selectors

from .conftest import local, row


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance of two (lon, lat) points on a 6,371 km sphere."""
    (lon1, lat1), (lon2, lat2) = a, b
    h = (
        math.sin(math.radians(lat2 - lat1) / 2) ** 2
        + math.cos(math.radians(lat1))
        * math.cos(math.radians(lat2))
        * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


# (WGS-84, GCJ-02) as (lon, lat): the fixture of googollee/eviltransform's go/transform_test.go
# (Shanghai, Shenzhen, Beijing), repeated by the project's other language ports.
GCJ_REFERENCE = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
]


@pytest.mark.parametrize(("wgs", "gcj"), GCJ_REFERENCE)
def test_gcj02_matches_the_published_reference_points(wgs, gcj):
    assert metres(positions.from_wgs84("gcj02", *wgs), gcj) < 0.001
    # the inverse is iterative: well within half a metre of the original WGS-84 point
    assert metres(positions.to_wgs84("gcj02", *gcj), wgs) < 0.05


def test_bd09_matches_the_published_reference_points():
    # dromara/hutool's CoordinateUtilTest (values of wandergis/coordtransform) at Tiananmen's
    # Baidu centre (116.404, 39.915): GCJ-02 → BD-09 exactly; BD-09 → WGS-84 there comes from a
    # one-step inverse good to about a metre, ours iterates, so they agree within a metre.
    assert (
        metres(
            positions.from_wgs84("bd09", *positions.to_wgs84("gcj02", 116.404, 39.915)),
            (116.41036949371029, 39.92133699351022),
        )
        < 0.05
    )
    assert (
        metres(positions.to_wgs84("bd09", 116.404, 39.915), (116.3913836995125, 39.907253214522164))
        < 1.0
    )


def test_the_shift_is_hundreds_of_metres_in_china_and_none_outside():
    beijing = (116.377817, 39.911954)
    assert 400 < metres(positions.to_wgs84("gcj02", *beijing), beijing) < 700
    for abroad in [(139.767, 35.681), (-0.1276, 51.5072)]:  # Tokyo, London: GCJ-02 is WGS-84
        assert positions.to_wgs84("gcj02", *abroad) == abroad
        assert positions.from_wgs84("gcj02", *abroad) == abroad
    # near-miss on the box's eastern edge (137.8347°E): just inside it is shifted
    assert positions.to_wgs84("gcj02", 137.85, 35.0) == (137.85, 35.0)
    assert metres(positions.to_wgs84("gcj02", 137.82, 35.0), (137.82, 35.0)) > 100


def test_an_unknown_system_is_refused():
    with pytest.raises(positions.UnsupportedCrs):
        positions.to_wgs84("cgcs2000-gk", 116.4, 39.9)
    assert positions.to_wgs84("wgs84", 116.4, 39.9) == (116.4, 39.9)


CHINA = dict(
    lon=st.floats(73.66, 135.05, allow_nan=False), lat=st.floats(3.86, 53.55, allow_nan=False)
)


@settings(max_examples=300, deadline=None)
@given(**CHINA)
def test_wgs_to_gcj_and_back_stays_within_half_a_metre(lon, lat):
    there = positions.from_wgs84("gcj02", lon, lat)
    assert metres(positions.to_wgs84("gcj02", *there), (lon, lat)) < 0.5


@settings(max_examples=300, deadline=None)
@given(**CHINA)
def test_wgs_to_bd_and_back_stays_within_half_a_metre(lon, lat):
    there = positions.from_wgs84("bd09", lon, lat)
    assert metres(positions.to_wgs84("bd09", *there), (lon, lat)) < 0.5


@pytest.mark.django_db
def test_a_gcj02_source_is_kept_in_wgs84_and_lands_in_its_fence(fleet_county, push):
    # A resort drawn in WGS-84 (about 110 m across); the fleet system reports GCJ-02. Read as
    # WGS-84 the very same numbers lie half a kilometre away, outside the fence.
    c = fleet_county
    square = {
        "type": "Polygon",
        "coordinates": [
            [[115.0, 37.0], [115.001, 37.0], [115.001, 37.001], [115.0, 37.001], [115.0, 37.0]]
        ],
    }
    resort = rules.Area("resort", rules.geometry(square))
    reported = positions.from_wgs84("gcj02", 115.0005, 37.0005)
    push(c.supervisor, [row("冀E12345", local(2026, 3, 1, 20, 0), *reported)], crs="gcj02")
    (kept,) = selectors.track_of(vehicle=c.car1, day=datetime.date(2026, 3, 1))
    assert metres((kept.lon, kept.lat), (115.0005, 37.0005)) < 0.5
    assert resort.covers(kept)
    misread = positions.Point(kept.vehicle_id, kept.at, *reported, 0, False)
    assert not resort.covers(misread)
