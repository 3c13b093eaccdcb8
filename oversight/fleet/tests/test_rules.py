"""Each rule on its case and its near-miss, on hand-made tracks (no database)."""

import datetime

from oversight.fleet import rules
from oversight.fleet.positions import Point
from oversight.lib.workdays import WorkCalendar

from .conftest import SHANGHAI, local

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[115.0, 37.0], [115.1, 37.0], [115.1, 37.1], [115.0, 37.1], [115.0, 37.0]]],
}
CALENDAR = WorkCalendar()


def track(start, minutes, lon=115.05, lat=37.05, speed=30.0, ignition=True, step=1):
    return [
        Point(
            1,
            (start + datetime.timedelta(minutes=m)).astimezone(datetime.UTC),
            lon,
            lat,
            speed,
            ignition,
        )
        for m in range(0, minutes + 1, step)
    ]


def ctx(**kwargs):
    return rules.Context(zone=SHANGHAI, is_working_day=CALENDAR.is_working_day, **kwargs)


def kinds(found):
    return [e.rule for e in found]


def dwell(**minutes):
    return {k: datetime.timedelta(minutes=v) for k, v in minutes.items()}


def test_it_flags_use_on_a_sealed_day():
    sealed = {datetime.date(2025, 10, 3)}
    found = rules.evaluate(
        track(local(2025, 10, 3, 9, 0), 20), ctx(sealed_days=sealed), dwell(sealed_use=0)
    )
    assert kinds(found) == ["sealed_use"]
    assert found[0].evidence()["day"] == "2025-10-03"
    assert found[0].evidence()["minutes"] == 20


def test_it_does_not_flag_a_car_that_moved_one_minute_after_the_sealing_ended():
    sealed = {datetime.date(2025, 10, 8)}
    points = track(local(2025, 10, 9, 0, 1), 20)  # Thursday 00:01, the first day after
    assert rules.evaluate(points, ctx(sealed_days=sealed), dwell(sealed_use=0)) == []


def test_it_does_not_flag_a_sealed_car_standing_in_its_garage():
    sealed = {datetime.date(2025, 10, 3)}
    points = track(local(2025, 10, 3, 9, 0), 600, speed=0, ignition=False, step=5)
    assert rules.evaluate(points, ctx(sealed_days=sealed), dwell(sealed_use=0)) == []


def test_a_point_exactly_on_a_fence_edge_is_inside():
    area = rules.Area("county", rules.geometry(SQUARE))
    on_edge = track(local(2026, 3, 2, 10, 0), 60, lon=115.1, lat=37.05)
    assert rules.evaluate(on_edge, ctx(permitted=[area]), dwell(outside_permitted=15)) == []
    outside = track(local(2026, 3, 2, 10, 0), 60, lon=115.1001, lat=37.05)
    found = rules.evaluate(outside, ctx(permitted=[area]), dwell(outside_permitted=15))
    assert kinds(found) == ["outside_permitted"]
    assert found[0].evidence()["areas"] == ["county"]


def test_a_stay_at_a_place_of_concern_fires_after_its_dwell_time_only():
    place = rules.Area("KTV", rules.geometry(SQUARE))
    parked = dict(speed=0, ignition=False)  # parked all evening: it crosses nothing
    long_stay = track(local(2026, 3, 2, 19, 0), 31, **parked)
    found = rules.evaluate(long_stay, ctx(concern=[place]), dwell(concern_stay=30))
    assert kinds(found) == ["concern_stay"]
    assert found[0].evidence()["place"] == "KTV"
    short_stay = track(local(2026, 3, 2, 19, 0), 29, **parked)
    assert rules.evaluate(short_stay, ctx(concern=[place]), dwell(concern_stay=30)) == []


def test_a_gap_in_the_track_ends_a_stay():
    place = rules.Area("KTV", rules.geometry(SQUARE))
    start = local(2026, 3, 2, 19, 0)
    points = track(start, 20, speed=0) + track(start + datetime.timedelta(minutes=45), 20, speed=0)
    assert rules.evaluate(points, ctx(concern=[place]), dwell(concern_stay=30)) == []


def test_night_use_without_a_trip_order_is_flagged_and_with_one_it_is_not():
    points = track(local(2026, 3, 2, 23, 0), 30)
    assert kinds(rules.evaluate(points, ctx(), dwell(odd_hours=10))) == ["odd_hours"]
    trip = (
        local(2026, 3, 2, 22, 30).astimezone(datetime.UTC),
        local(2026, 3, 3, 1, 0).astimezone(datetime.UTC),
    )
    assert rules.evaluate(points, ctx(trips=[trip]), dwell(odd_hours=10)) == []


def test_a_make_up_work_day_is_not_an_odd_day_but_a_plain_sunday_is():
    # Sunday 2025-09-28 was a make-up work day for National Day; Sunday 2025-09-21 was not.
    makeup = track(local(2025, 9, 28, 10, 0), 30)
    assert rules.evaluate(makeup, ctx(), dwell(odd_hours=10)) == []
    sunday = track(local(2025, 9, 21, 10, 0), 30)
    assert kinds(rules.evaluate(sunday, ctx(), dwell(odd_hours=10))) == ["odd_hours"]


def test_daytime_use_on_a_working_day_is_not_odd():
    assert rules.evaluate(track(local(2026, 3, 2, 10, 0), 60), ctx(), dwell(odd_hours=10)) == []


def test_the_evidence_excerpt_is_sampled_and_keeps_the_last_point():
    points = track(local(2025, 10, 3, 8, 0), 600)
    found = rules.evaluate(
        points, ctx(sealed_days={datetime.date(2025, 10, 3)}), dwell(sealed_use=0)
    )
    excerpt = found[0].evidence()["track"]
    assert len(excerpt) <= rules.EXCERPT + 1
    assert excerpt[-1][0] == points[-1].at.isoformat()


# --- long trips without a trip order --------------------------------------------------------

KM_EAST = 111.195 * 0.7978  # km in a degree of longitude at 37.05°N (cos 37.05° ≈ 0.7978)


def home(km=10):
    return rules.Reach((rules.Area("county", rules.geometry(SQUARE)),), km)


def east_of_home(km: float) -> float:
    """The longitude ``km`` east of the square's eastern edge, on its middle latitude."""
    return 115.1 + km / KM_EAST


def test_a_long_trip_far_from_home_without_an_order_is_flagged_with_its_track():
    far = track(local(2026, 3, 2, 9, 0), 300, lon=east_of_home(30), step=2)
    found = rules.evaluate(far, ctx(home=home()), dwell(long_trip=240))
    assert kinds(found) == ["long_trip"]
    evidence = found[0].evidence()
    assert evidence["home"] == ["county"] and evidence["beyond_km"] == 10
    assert 29.5 < evidence["farthest_km"] < 30.5
    assert evidence["minutes"] == 300 and evidence["track"][0][1] == round(east_of_home(30), 6)


def test_a_long_trip_one_minute_short_of_its_dwell_time_is_not_flagged():
    far = track(local(2026, 3, 2, 9, 0), 239, lon=east_of_home(30))
    assert rules.evaluate(far, ctx(home=home()), dwell(long_trip=240)) == []


def test_a_car_just_inside_its_reach_is_not_far_and_just_beyond_it_is():
    near = track(local(2026, 3, 2, 9, 0), 300, lon=east_of_home(9.8), step=5)
    assert rules.evaluate(near, ctx(home=home(10)), dwell(long_trip=240)) == []
    beyond = track(local(2026, 3, 2, 9, 0), 300, lon=east_of_home(10.2), step=5)
    assert kinds(rules.evaluate(beyond, ctx(home=home(10)), dwell(long_trip=240))) == ["long_trip"]


def test_a_trip_order_covering_the_trip_silences_it_and_one_covering_part_of_it_does_not():
    far = track(local(2026, 3, 2, 9, 0), 300, lon=east_of_home(30), step=5)

    def order(start, end):
        return (local(*start).astimezone(datetime.UTC), local(*end).astimezone(datetime.UTC))

    whole = order((2026, 3, 2, 8, 30), (2026, 3, 2, 14, 30))
    assert rules.evaluate(far, ctx(home=home(), trips=[whole]), dwell(long_trip=240)) == []
    # an order for the first two hours leaves three uncovered: short of four
    morning = order((2026, 3, 2, 8, 30), (2026, 3, 2, 11, 0))
    assert rules.evaluate(far, ctx(home=home(), trips=[morning]), dwell(long_trip=240)) == []
    # an order for the first half hour leaves four and a half: flagged from where it ended
    brief = order((2026, 3, 2, 8, 30), (2026, 3, 2, 9, 30))
    (episode,) = rules.evaluate(far, ctx(home=home(), trips=[brief]), dwell(long_trip=240))
    assert episode.started_at == local(2026, 3, 2, 9, 35)


def test_a_car_parked_away_reporting_rarely_stays_on_one_trip_but_a_long_silence_ends_it():
    start = local(2026, 3, 2, 18, 0)
    parked = dict(lon=east_of_home(30), speed=0, ignition=False)
    rare = track(start, 300, step=50, **parked)  # a report every 50 minutes
    assert kinds(rules.evaluate(rare, ctx(home=home()), dwell(long_trip=240))) == ["long_trip"]
    silent = track(start, 150, step=30, **parked) + track(
        start + datetime.timedelta(minutes=300), 150, step=30, **parked
    )  # two hours of silence between two stretches of 2.5 hours
    assert rules.evaluate(silent, ctx(home=home()), dwell(long_trip=240)) == []


def test_a_car_with_no_home_drawn_is_not_judged_far():
    far = track(local(2026, 3, 2, 9, 0), 300, lon=east_of_home(30), step=5)
    assert rules.evaluate(far, ctx(), dwell(long_trip=240)) == []
    empty = rules.Reach((), 10)
    assert rules.evaluate(far, ctx(home=empty), dwell(long_trip=240)) == []
