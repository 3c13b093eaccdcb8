"""Due dates on the working-day calendar, with fixed dates only."""

from __future__ import annotations

import datetime

import pytest

from oversight.lib.workdays import WorkCalendar
from oversight.schedules.rules import AfterEvent, Monthly, Quarterly, Yearly

D = datetime.date
NATIONAL = WorkCalendar()


def dues(rule, start, end, cal=NATIONAL):
    return [(o.key, o.due) for o in rule.occurrences(cal, start, end)]


def test_a_quarter_ending_on_a_holiday_counts_from_the_first_working_day():
    # 2022-12-31 (Saturday) is in the New Year holiday, which runs to Monday 2023-01-02.
    assert dues(Quarterly(working_days=3), D(2023, 1, 1), D(2023, 1, 31)) == [
        ("2022-Q4", D(2023, 1, 5))
    ]


def test_a_quarter_reaching_into_the_national_day_week():
    # 2024-Q3 ends Monday 30 September; 1–7 October are off, Saturday 12 October is worked.
    assert dues(Quarterly(working_days=5), D(2024, 10, 1), D(2024, 10, 31)) == [
        ("2024-Q3", D(2024, 10, 12))
    ]


def test_a_monthly_date_on_a_holiday_moves_to_the_next_working_day():
    assert dues(Monthly(day=5), D(2024, 10, 1), D(2024, 10, 31)) == [("2024-10", D(2024, 10, 8))]


def test_a_make_up_work_day_is_a_working_day():
    # Sunday 29 September and Saturday 12 October 2024 were worked (调休).
    assert dues(Monthly(day=29), D(2024, 9, 1), D(2024, 9, 30)) == [("2024-09", D(2024, 9, 29))]
    assert dues(Monthly(day=12), D(2024, 10, 1), D(2024, 10, 31)) == [("2024-10", D(2024, 10, 12))]


def test_a_monthly_rule_keeps_to_short_months():
    assert dues(Monthly(day=31), D(2025, 2, 1), D(2025, 2, 28)) == [("2025-02", D(2025, 2, 28))]


def test_a_year_beyond_the_library_without_corrections_is_monday_to_friday():
    assert 2027 not in WorkCalendar.covered_years()
    # Friday 1 January 2027 counts as a working day when nobody entered the notice.
    assert dues(Yearly(month=1, day=1), D(2027, 1, 1), D(2027, 1, 31)) == [("2027", D(2027, 1, 1))]
    # 2026-Q4 + 2 working days: Friday 1 January 2027 counts, then Monday the 4th.
    assert dues(Quarterly(working_days=2), D(2027, 1, 1), D(2027, 1, 31)) == [
        ("2026-Q4", D(2027, 1, 4))
    ]
    assert dues(Quarterly(working_days=2), D(2027, 3, 31), D(2027, 4, 30)) == [
        ("2027-Q1", D(2027, 4, 2))
    ]


def test_a_year_beyond_the_library_with_the_notice_entered():
    corrected = WorkCalendar(
        {D(2027, 1, 1): False, D(2027, 4, 5): False, D(2027, 4, 3): True}  # as a notice would
    )
    assert dues(Yearly(month=1, day=1), D(2027, 1, 1), D(2027, 1, 31), corrected) == [
        ("2027", D(2027, 1, 4))
    ]
    # Q1 2027 + 3 working days: Thu 1, Fri 2, Sat 3 (worked) April.
    assert dues(Quarterly(working_days=3), D(2027, 4, 1), D(2027, 4, 30), corrected) == [
        ("2027-Q1", D(2027, 4, 3))
    ]


def test_a_yearly_report_names_the_year_before():
    rule = Yearly(month=1, day=31, for_previous_year=True)
    assert dues(rule, D(2026, 1, 1), D(2026, 2, 28)) == [("2025", D(2026, 2, 2))]


def test_an_event_counts_working_or_calendar_days():
    # Friday 2024-09-27 + 5 working days: the make-up Sunday counts, the holiday week not.
    assert AfterEvent(days=5).due(NATIONAL, D(2024, 9, 27)) == D(2024, 10, 10)
    assert AfterEvent(days=5, working=False).due(NATIONAL, D(2024, 9, 27)) == D(2024, 10, 2)


def test_an_event_counts_whole_months_then_moves_off_holidays():
    # Two months after the feedback (巡视工作条例 art. 27): the same day, or the month's last.
    assert AfterEvent(months=2).due(NATIONAL, D(2024, 7, 31)) == D(2024, 9, 30)
    assert AfterEvent(months=2).due(NATIONAL, D(2024, 11, 15)) == D(2025, 1, 15)
    # 2024-10-01 falls in the National Day holiday: the next working day is 8 October.
    assert AfterEvent(months=2).due(NATIONAL, D(2024, 8, 1)) == D(2024, 10, 8)


def test_impossible_rules_are_refused():
    with pytest.raises(ValueError):
        Monthly(day=32)
    with pytest.raises(ValueError):
        Yearly(month=2, day=30)
