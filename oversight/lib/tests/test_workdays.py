import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.lib.workdays import WorkCalendar

D = datetime.date
CALENDAR = WorkCalendar()

# Across the library's years and beyond, where only Monday to Friday apply.
any_day = st.dates(min_value=D(2003, 1, 1), max_value=D(2032, 12, 31))
counts = st.integers(min_value=0, max_value=400)


def _brute_force_between(calendar, start, end):
    sign, low, high = (1, start, end) if start <= end else (-1, end, start)
    total = 0
    day = low
    while day < high:
        day += datetime.timedelta(days=1)
        total += calendar.is_working_day(day)
    return sign * total


def test_it_knows_national_day_2024_and_its_make_up_days():
    for day in range(1, 8):
        assert not CALENDAR.is_working_day(D(2024, 10, day))
    assert CALENDAR.is_working_day(D(2024, 9, 29))  # Sunday, worked
    assert CALENDAR.is_working_day(D(2024, 10, 12))  # Saturday, worked
    assert CALENDAR.is_working_day(D(2024, 10, 8))
    assert not CALENDAR.is_working_day(D(2024, 10, 13))  # an ordinary Sunday


def test_it_knows_national_day_2025_and_its_make_up_days():
    for day in range(1, 9):
        assert not CALENDAR.is_working_day(D(2025, 10, day))
    assert CALENDAR.is_working_day(D(2025, 9, 28))  # Sunday, worked
    assert CALENDAR.is_working_day(D(2025, 10, 11))  # Saturday, worked
    assert CALENDAR.is_working_day(D(2025, 10, 9))


def test_it_knows_spring_festival_2024_and_2025():
    assert CALENDAR.is_working_day(D(2024, 2, 4))  # Sunday, worked
    assert CALENDAR.is_working_day(D(2024, 2, 18))  # Sunday, worked
    for day in range(10, 18):
        assert not CALENDAR.is_working_day(D(2024, 2, day))
    assert CALENDAR.is_working_day(D(2025, 1, 26))  # Sunday, worked
    assert CALENDAR.is_working_day(D(2025, 2, 8))  # Saturday, worked
    for day in [D(2025, 1, 28), D(2025, 1, 31), D(2025, 2, 3), D(2025, 2, 4)]:
        assert not CALENDAR.is_working_day(day)


def test_it_counts_a_five_day_limit_from_a_friday_receipt_across_national_day():
    # Friday 27 Sep 2024: Sun 29 (make-up) and Mon 30, then the holiday, then Tue 8 to Thu 10.
    assert CALENDAR.add_working_days(D(2024, 9, 27), 5) == D(2024, 10, 10)
    # Friday 26 Sep 2025: Sun 28 (make-up), Mon 29, Tue 30, then Thu 9 and Fri 10.
    assert CALENDAR.add_working_days(D(2025, 9, 26), 5) == D(2025, 10, 10)
    # Received on the make-up Saturday itself: 11 Oct 2025 is not counted.
    assert CALENDAR.add_working_days(D(2025, 10, 11), 1) == D(2025, 10, 13)


def test_it_counts_a_limit_across_spring_festival_2025():
    # Friday 24 Jan 2025: Sun 26 (make-up), Mon 27, then Wed 5, Thu 6, Fri 7.
    assert CALENDAR.add_working_days(D(2025, 1, 24), 5) == D(2025, 2, 7)
    assert CALENDAR.working_days_between(D(2025, 1, 24), D(2025, 2, 8)) == 6


def test_it_counts_fifteen_working_days_in_an_ordinary_stretch():
    assert CALENDAR.add_working_days(D(2025, 3, 3), 15) == D(2025, 3, 24)


def test_it_returns_the_start_for_zero_days():
    assert CALENDAR.add_working_days(D(2024, 10, 1), 0) == D(2024, 10, 1)


def test_it_adds_calendar_or_working_days():
    assert CALENDAR.add_days(D(2024, 9, 27), 5, working=False) == D(2024, 10, 2)
    assert CALENDAR.add_days(D(2024, 9, 27), 5, working=True) == D(2024, 10, 10)
    assert CALENDAR.add_days(D(2024, 9, 27), 0, working=False) == D(2024, 9, 27)


def test_it_refuses_negative_counts_and_datetimes():
    with pytest.raises(ValueError):
        CALENDAR.add_working_days(D(2024, 1, 1), -1)
    with pytest.raises(ValueError):
        CALENDAR.add_days(D(2024, 1, 1), -1, working=False)
    with pytest.raises(TypeError):
        CALENDAR.is_working_day(datetime.datetime(2024, 1, 2, 9, 0))
    with pytest.raises(TypeError):
        CALENDAR.add_working_days(D(2024, 1, 1), 1.0)
    with pytest.raises(TypeError):
        WorkCalendar({datetime.datetime(2024, 1, 2): True})
    with pytest.raises(TypeError):
        WorkCalendar({D(2024, 1, 2): 1})


def test_it_reports_the_covered_years():
    years = CALENDAR.covered_years()
    assert isinstance(years, range)
    assert 2024 in years and 2025 in years
    assert years.start <= 2010


def test_it_falls_back_to_monday_to_friday_outside_the_library():
    year = CALENDAR.covered_years().stop + 1
    first_of_october = D(year, 10, 1)
    assert CALENDAR.is_working_day(first_of_october) == (first_of_october.weekday() < 5)


def test_it_lets_overrides_win():
    year = CALENDAR.covered_years().stop + 1
    saturday = D(year, 1, 1) + datetime.timedelta(days=(5 - D(year, 1, 1).weekday()) % 7)
    monday = saturday + datetime.timedelta(days=2)
    calendar = WorkCalendar(
        overrides={
            saturday: True,  # a make-up day the library does not know
            monday: False,  # a holiday the library does not know
            D(2024, 10, 1): True,  # a correction inside a covered year
            D(2024, 10, 12): False,
        }
    )
    assert calendar.is_working_day(saturday)
    assert not calendar.is_working_day(monday)
    assert calendar.is_working_day(D(2024, 10, 1))
    assert not calendar.is_working_day(D(2024, 10, 12))
    friday = saturday - datetime.timedelta(days=1)
    assert calendar.add_working_days(friday, 2) == monday + datetime.timedelta(days=1)
    assert calendar.working_days_between(friday, monday) == 1
    # The default calendar is untouched.
    assert not CALENDAR.is_working_day(D(2024, 10, 1))


def test_it_accepts_overrides_that_repeat_the_default():
    calendar = WorkCalendar(overrides={D(2024, 10, 8): True, D(2024, 10, 13): False})
    assert calendar.working_days_between(D(2024, 1, 1), D(2024, 12, 31)) == (
        CALENDAR.working_days_between(D(2024, 1, 1), D(2024, 12, 31))
    )


@given(start=any_day, n=counts)
def test_it_counts_back_what_it_added(start, n):
    end = CALENDAR.add_working_days(start, n)
    assert CALENDAR.working_days_between(start, end) == n
    assert CALENDAR.working_days_between(end, start) == -n


@given(start=any_day, n=st.integers(min_value=1, max_value=400))
def test_it_lands_on_the_earliest_working_day(start, n):
    end = CALENDAR.add_working_days(start, n)
    assert end > start
    assert CALENDAR.is_working_day(end)
    assert CALENDAR.working_days_between(start, end - datetime.timedelta(days=1)) == n - 1


@given(start=any_day, n=counts, m=counts, shift=st.integers(min_value=0, max_value=60))
def test_it_is_monotonic(start, n, m, shift):
    low, high = sorted((n, m))
    assert CALENDAR.add_working_days(start, low) <= CALENDAR.add_working_days(start, high)
    later = start + datetime.timedelta(days=shift)
    assert CALENDAR.add_working_days(start, n) <= CALENDAR.add_working_days(later, n)


@given(start=any_day, n=counts, m=counts)
def test_it_adds_in_steps(start, n, m):
    step = CALENDAR.add_working_days(CALENDAR.add_working_days(start, n), m)
    assert step == CALENDAR.add_working_days(start, n + m)


@given(start=any_day, span=st.integers(min_value=-120, max_value=120))
def test_it_counts_like_a_day_by_day_walk(start, span):
    end = start + datetime.timedelta(days=span)
    assert CALENDAR.working_days_between(start, end) == _brute_force_between(CALENDAR, start, end)


@given(
    overrides=st.dictionaries(any_day, st.booleans(), max_size=30),
    start=any_day,
    span=st.integers(min_value=-400, max_value=400),
)
def test_it_counts_overrides_like_a_day_by_day_walk(overrides, start, span):
    calendar = WorkCalendar(overrides=overrides)
    for day, working in overrides.items():
        assert calendar.is_working_day(day) == working
    end = start + datetime.timedelta(days=span)
    assert calendar.working_days_between(start, end) == _brute_force_between(calendar, start, end)
