"""Services against the database: sealing periods from the calendar, positions imported row by
row, the rules' runs raising work items, the loop moving them, scope, and the ledger."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oversight.fleet import positions, selectors, services
from oversight.fleet.models import FleetWarning, PositionBatch, SealingPeriod
from oversight.ledger import services as ledger
from oversight.loop import services as loop

from .conftest import local, row

pytestmark = pytest.mark.django_db


def test_holiday_sealing_periods_follow_the_calendar_with_its_make_up_days(fleet_county):
    periods = {name: (start, end) for name, start, end in services.holiday_periods(2025)}
    assert periods["National Day"] == (datetime.date(2025, 10, 1), datetime.date(2025, 10, 8))
    assert periods["Spring Festival"] == (datetime.date(2025, 1, 28), datetime.date(2025, 2, 4))
    # a plain weekend is no holiday to seal for
    assert all((end - start).days >= 2 for start, end in periods.values())


def test_sealing_from_the_calendar_is_kept_once(fleet_county):
    c = fleet_county
    made = services.sealing_from_calendar(actor=c.supervisor, year=2025, declared_by=c.commission)
    assert any(p.start == datetime.date(2025, 10, 1) for p in made)
    again = services.sealing_from_calendar(actor=c.supervisor, year=2025, declared_by=c.commission)
    assert again == []
    assert SealingPeriod.objects.filter(source="holiday").count() == len(made)


def test_a_year_the_calendar_does_not_know_is_refused(fleet_county):
    c = fleet_county
    with pytest.raises(ValidationError) as error:
        services.sealing_from_calendar(actor=c.supervisor, year=2099, declared_by=c.commission)
    assert error.value.error_dict["year"][0].code == "unknown_year"


def test_a_declared_period_ends_after_it_starts(fleet_county):
    c = fleet_county
    with pytest.raises(ValidationError) as error:
        services.sealing_declare(
            actor=c.supervisor,
            name="Inspection week",
            start=datetime.date(2026, 3, 10),
            end=datetime.date(2026, 3, 9),
            declared_by=c.commission,
        )
    assert error.value.error_dict["end"][0].code == "order"


def test_a_file_with_bad_rows_names_each_and_keeps_nothing(fleet_county, push):
    c = fleet_county
    rows = [
        row("冀E12345", local(2026, 3, 1, 10, 0)),
        row("冀X00000", local(2026, 3, 1, 10, 1)),
        {**row("冀E12345", local(2026, 3, 1, 10, 2)), "latitude": "ninety"},
        {**row("冀E12345", local(2026, 3, 1, 10, 3)), "time": "yesterday"},
        {**row("冀E12345", local(2026, 3, 1, 10, 4)), "ignition": "maybe"},
    ]
    with pytest.raises(ValidationError) as error:
        push(c.supervisor, rows)
    messages = error.value.message_dict["file"]
    assert [m.split(":")[0] for m in messages] == [
        "Row 2, plate",
        "Row 3, latitude",
        "Row 4, time",
        "Row 5, ignition",
    ]
    assert {e.code for e in error.value.error_dict["file"]} == {"bad_rows"}
    assert not PositionBatch.objects.exists()
    assert not list(positions.directory().glob("*")) if positions.directory().exists() else True


def test_an_undeclared_coordinate_system_is_refused(fleet_county, push):
    c = fleet_county
    with pytest.raises(ValidationError) as error:
        push(c.supervisor, [row("冀E12345", local(2026, 3, 1, 10, 0))], crs="gk")
    assert error.value.error_dict["crs"][0].code == "invalid"


def test_bd09_positions_are_kept_in_wgs84(fleet_county, push):
    c = fleet_county
    lon, lat = positions.from_wgs84("bd09", 115.0, 37.0)
    batch = push(c.supervisor, [row("冀E12345", local(2026, 3, 1, 10, 0), lon, lat)], crs="bd09")
    assert batch.crs == "bd09"
    (point,) = selectors.track_of(vehicle=c.car1, day=datetime.date(2026, 3, 1))
    assert abs(point.lon - 115.0) < 1e-6 and abs(point.lat - 37.0) < 1e-6


def test_a_town_officer_cannot_import_another_towns_car(fleet_county, push):
    c = fleet_county
    with pytest.raises(ValidationError) as error:
        push(c.town1_officer, [row("冀E67890", local(2026, 3, 1, 10, 0))])
    assert "plate" in error.value.message_dict["file"][0]
    batch = push(c.town1_officer, [row("冀E12345", local(2026, 3, 1, 10, 0))])
    assert batch.rows == 1


def test_positions_are_kept_in_the_workspace_and_read_back_once(fleet_county, push):
    c = fleet_county
    rows = [row("冀E12345", local(2026, 3, 1, 10, m)) for m in range(5)]
    push(c.supervisor, rows)
    push(c.supervisor, rows[2:])  # a batch repeating points
    points = selectors.track_of(vehicle=c.car1, day=datetime.date(2026, 3, 1))
    assert len(points) == 5
    assert points[0].at == local(2026, 3, 1, 10, 0)
    assert selectors.track_of(vehicle=c.car1, day=datetime.date(2026, 3, 2)) == []


def _sealed_use(c, push):
    services.sealing_declare(
        actor=c.supervisor,
        name="Spring sealing",
        start=datetime.date(2026, 2, 28),
        end=datetime.date(2026, 3, 1),
        declared_by=c.commission,
    )
    push(
        c.supervisor,
        [row("冀E12345", local(2026, 3, 1, 9, m)) for m in range(0, 30, 1)]
        + [row("冀E67890", local(2026, 3, 1, 9, m), speed=0, ignition=False) for m in range(30)],
    )


def test_a_run_raises_one_work_item_per_episode_for_the_cars_unit(fleet_county, push):
    c = fleet_county
    _sealed_use(c, push)
    raised = services.rules_run(
        actor=c.supervisor,
        start=datetime.date(2026, 2, 28),
        end=datetime.date(2026, 3, 1),
        supervising_node=c.commission,
    )
    assert [(w.vehicle, w.rule) for w in raised] == [(c.car1, "sealed_use")]
    item = raised[0].item
    assert (item.kind, item.state, item.responsible_node) == ("fleet.warning", "open", c.town1)
    assert raised[0].evidence["points"] == 30
    again = services.rules_run(
        actor=c.supervisor,
        start=datetime.date(2026, 2, 28),
        end=datetime.date(2026, 3, 1),
        supervising_node=c.commission,
    )
    assert again == []
    # the unit explains, the supervisor accepts
    item = loop.item_transition(
        item=item, name="explain", actor=c.town1_officer, comment="Duty trip"
    )
    item = loop.item_transition(
        item=item, name="accept", actor=c.supervisor, comment="Trip order seen"
    )
    assert item.state == "accepted" and item.closed_at is not None
    _run, report = ledger.run_verification()
    assert report.ok, report


def test_a_town_officer_sees_only_the_towns_cars_and_warnings(fleet_county, push):
    c = fleet_county
    _sealed_use(c, push)
    services.rules_run(
        actor=c.supervisor,
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 1),
        supervising_node=c.commission,
    )
    assert list(selectors.vehicle_list(viewer=c.town1_officer)) == [c.car1]
    assert list(selectors.vehicle_list(viewer=c.town2_officer)) == [c.car2]
    assert selectors.warning_list(viewer=c.town1_officer).count() == 1
    assert selectors.warning_list(viewer=c.town2_officer).count() == 0
    assert selectors.fence_list(viewer=c.town2_officer).count() == 0


def test_running_needs_the_function_and_a_short_span(fleet_county):
    c = fleet_county
    with pytest.raises(PermissionDenied):
        services.rules_run(
            actor=c.town1_officer,
            start=datetime.date(2026, 3, 1),
            end=datetime.date(2026, 3, 1),
            supervising_node=c.commission,
        )
    with pytest.raises(ValidationError) as error:
        services.rules_run(
            actor=c.supervisor,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 6, 1),
            supervising_node=c.commission,
        )
    assert error.value.error_dict["end"][0].code == "too_long"


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[115.0, 37.0], [115.1, 37.0], [115.1, 37.1], [115.0, 37.1], [115.0, 37.0]]],
}


def _collection(*features):
    import json

    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_fences_upload_names_each_bad_feature_and_keeps_nothing(fleet_county):
    c = fleet_county
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[115.0, 37.0], [115.1, 37.1], [115.1, 37.0], [115.0, 37.1], [115.0, 37.0]]
        ],
    }
    content = _collection(
        {"type": "Feature", "properties": {"name": "County"}, "geometry": SQUARE},
        {"type": "Feature", "properties": {}, "geometry": SQUARE},
        {"type": "Feature", "properties": {"name": "Bow"}, "geometry": bow_tie},
        {
            "type": "Feature",
            "properties": {"name": "Pin"},
            "geometry": {"type": "Point", "coordinates": [115, 37]},
        },
    )
    with pytest.raises(ValidationError) as error:
        services.fences_upload(actor=c.supervisor, unit=c.town1, kind="permitted", content=content)
    messages = error.value.message_dict["file"]
    assert len(messages) == 3
    assert "2" in messages[0] and "Bow" in messages[1] and "Pin" in messages[2]
    assert not selectors.fence_list(viewer=c.supervisor).exists()


def test_a_permitted_area_and_a_place_of_concern_raise_their_warnings(fleet_county, push):
    c = fleet_county
    services.fences_upload(
        actor=c.supervisor,
        unit=c.town1,
        kind="permitted",
        content=_collection(
            {"type": "Feature", "properties": {"name": "Town 1"}, "geometry": SQUARE}
        ),
    )
    concern = {
        "type": "Polygon",
        "coordinates": [
            [[115.02, 37.02], [115.03, 37.02], [115.03, 37.03], [115.02, 37.03], [115.02, 37.02]]
        ],
    }
    services.fences_upload(
        actor=c.supervisor,
        unit=c.commission,
        kind="concern",
        content=_collection(
            {"type": "Feature", "properties": {"name": "Resort"}, "geometry": concern}
        ),
    )
    rows = [row("冀E12345", local(2026, 3, 2, 10, m), lon=115.2) for m in range(20)]  # outside
    rows += [
        row("冀E12345", local(2026, 3, 2, 12, m), lon=115.025, lat=37.025, speed=0, ignition=False)
        for m in range(40)
    ]
    push(c.supervisor, rows)
    raised = services.rules_run(
        actor=c.supervisor,
        start=datetime.date(2026, 3, 2),
        end=datetime.date(2026, 3, 2),
        supervising_node=c.commission,
    )
    assert sorted(w.rule for w in raised) == ["concern_stay", "outside_permitted"]
    assert FleetWarning.objects.get(rule="concern_stay").evidence["place"] == "Resort"
    _run, report = ledger.run_verification()
    assert report.ok, report


def test_a_disabled_rule_does_not_run(fleet_county, push):
    c = fleet_county
    services.rule_save(actor=c.supervisor, kind="sealed_use", enabled=False, dwell_minutes=0)
    _sealed_use(c, push)
    raised = services.rules_run(
        actor=c.supervisor,
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 1),
        supervising_node=c.commission,
    )
    # Sunday 1 March is a day off: with sealing off, the use is an odd-hours use
    assert [w.rule for w in raised] == ["odd_hours"]


def test_every_rule_runs_by_default_under_its_plain_name(fleet_county):
    assert set(services.dwell_times()) == {
        "sealed_use",
        "outside_permitted",
        "odd_hours",
        "concern_stay",
        "long_trip",
    }
    assert all(type(k) is str for k in services.dwell_times())


def test_the_points_of_a_rolled_back_import_never_count(fleet_county):
    from django.db import transaction

    c = fleet_county

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.positions_import(
            actor=c.supervisor,
            source="test",
            crs="wgs84",
            rows=[row("冀E12345", local(2026, 3, 1, 10, 0))],
        )
        raise Abort
    assert list(positions.directory().glob("*.pending"))  # written, never published
    assert positions.batch_files() == []
    assert selectors.track_of(vehicle=c.car1, day=datetime.date(2026, 3, 1)) == []


GARAGE = {
    "type": "Polygon",
    "coordinates": [
        [[115.04, 37.04], [115.05, 37.04], [115.05, 37.05], [115.04, 37.05], [115.04, 37.04]]
    ],
}


def _home_and_trips(c, push):
    """Town 1's garage, the county area drawn for every car of the county; both cars spend five
    hours of a working Monday some 35 km east of the county, car 2 with a trip order."""
    services.fences_upload(
        actor=c.supervisor,
        unit=c.town1,
        kind="garage",
        content=_collection(
            {"type": "Feature", "properties": {"name": "Town 1 garage"}, "geometry": GARAGE}
        ),
    )
    services.fences_upload(
        actor=c.supervisor,
        unit=c.county,
        kind="permitted",
        content=_collection(
            {"type": "Feature", "properties": {"name": "County"}, "geometry": SQUARE}
        ),
    )
    order = services.trip_order_add(
        actor=c.supervisor,
        vehicle=c.car2,
        start=local(2026, 3, 2, 8, 30),
        end=local(2026, 3, 2, 15, 0),
        purpose="Provincial meeting",
        destination="Shijiazhuang",
    )
    assert order.destination == "Shijiazhuang"
    push(
        c.supervisor,
        [
            row(plate, local(2026, 3, 2, 9, 0) + datetime.timedelta(minutes=m), lon=115.5)
            for plate in ("冀E12345", "冀E67890")
            for m in range(0, 301, 5)
        ],
    )


def _run_monday(c):
    return services.rules_run(
        actor=c.supervisor,
        start=datetime.date(2026, 3, 2),
        end=datetime.date(2026, 3, 2),
        supervising_node=c.commission,
    )


def test_a_long_trip_without_a_trip_order_is_raised_and_one_with_an_order_is_not(
    fleet_county, push
):
    c = fleet_county
    _home_and_trips(c, push)
    long_trips = [w for w in _run_monday(c) if w.rule == "long_trip"]
    assert [w.vehicle for w in long_trips] == [c.car1]
    evidence = long_trips[0].evidence
    assert evidence["home"] == ["Town 1 garage", "County"] and evidence["beyond_km"] == 10
    assert 34 < evidence["farthest_km"] < 37 and evidence["minutes"] == 300
    assert len(evidence["track"]) == 61
    assert long_trips[0].item.responsible_node == c.town1
    _run, report = ledger.run_verification()
    assert report.ok, report


def test_the_long_trip_distance_is_configured_and_checked(fleet_county, push):
    c = fleet_county
    _home_and_trips(c, push)
    with pytest.raises(ValidationError) as error:
        services.rule_save(
            actor=c.supervisor, kind="long_trip", enabled=True, dwell_minutes=240, distance_km=5000
        )
    assert error.value.error_dict["distance_km"][0].code == "out_of_range"
    rule = services.rule_save(
        actor=c.supervisor, kind="long_trip", enabled=True, dwell_minutes=240, distance_km=40
    )
    assert services.long_trip_km() == 40
    assert not [w for w in _run_monday(c) if w.rule == "long_trip"]  # 35 km is within 40
    other = services.rule_save(
        actor=c.supervisor, kind="odd_hours", enabled=True, dwell_minutes=10, distance_km=40
    )
    assert other.distance_km is None and rule.distance_km == 40


def test_trip_orders_import_names_each_bad_row_and_keeps_nothing(fleet_county):
    from oversight.fleet.models import TripOrder

    c = fleet_county
    good = {
        "plate": "冀E 12345",
        "start": "2026-03-02 08:00",
        "end": "2026-03-02 18:00",
        "purpose": "Flood inspection",
        "destination": "Reservoir dam",
    }
    rows = [
        good,
        {**good, "plate": "冀X00000"},
        {**good, "end": "2026-03-02 07:59"},
        {**good, "start": "tomorrow"},
        {**good, "purpose": " "},
        "not a row",
    ]
    with pytest.raises(ValidationError) as error:
        services.trip_orders_import(actor=c.supervisor, rows=rows)
    assert [m.split(":")[0] for m in error.value.message_dict["file"]] == [
        "Row 2, plate",
        "Row 3, end",
        "Row 4, start",
        "Row 5, purpose",
        "Row 6, row",
    ]
    assert not TripOrder.objects.exists()
    made, skipped = services.trip_orders_import(actor=c.supervisor, rows=[good], file_name="a.csv")
    assert (len(made), skipped) == (1, 0)
    assert (made[0].vehicle, made[0].destination) == (c.car1, "Reservoir dam")
    assert made[0].start == local(2026, 3, 2, 8, 0)
    assert services.trip_orders_import(actor=c.supervisor, rows=[good]) == ([], 1)
    with pytest.raises(PermissionDenied):
        services.trip_orders_import(actor=c.town1_officer, rows=[good])
    _run, report = ledger.run_verification()
    assert report.ok, report


def test_an_imported_trip_order_covers_a_long_trip(fleet_county, push):
    c = fleet_county
    _home_and_trips(c, push)
    services.trip_orders_import(
        actor=c.supervisor,
        rows=[
            {
                "plate": "冀E12345",
                "start": "2026-03-02T08:45:00+08:00",
                "end": "2026-03-02T13:10:00+08:00",
                "purpose": "Provincial meeting",
                "destination": "Shijiazhuang",
            }
        ],
    )
    # the order ends at 13:10: the 50 minutes away after it are short of four hours
    assert not [w for w in _run_monday(c) if w.rule == "long_trip"]
