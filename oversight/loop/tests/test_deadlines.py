"""Working-day deadlines across holidays and make-up days; administrators' corrections."""

from datetime import date

from oversight.loop import services, timing
from oversight.loop.workflow import Limit


def test_it_counts_working_days_across_national_day_and_a_make_up_saturday(loop_county, today):
    # 2025 National Day: 1–8 October off; Saturday 11 October is a make-up working day.
    assert timing.deadline_after(date(2025, 9, 30), Limit(5, working=True)) == date(2025, 10, 14)
    assert timing.deadline_after(date(2025, 9, 30), Limit(5)) == date(2025, 10, 5)


def test_it_counts_working_days_across_the_spring_festival(loop_county, today):
    # 2025 Spring Festival: 28 January – 4 February off; Sunday 26 January is a make-up day.
    assert timing.deadline_after(date(2025, 1, 24), Limit(5, working=True)) == date(2025, 2, 7)


def test_it_sets_a_step_deadline_in_working_days_on_entry(loop_county, open_task, today):
    today(date(2025, 9, 30))
    task = open_task(deadline=date(2025, 12, 31))
    task = services.item_transition(
        item=task, name="submit", actor=loop_county.town1_officer, comment="done"
    )
    assert task.step_deadline == date(2025, 10, 14)


def test_it_follows_an_administrators_correction(loop_county, today):
    services.calendar_day_save(day=date(2026, 3, 3), is_working=False, note="local holiday")
    timing.calendar_changed()
    # Monday 2 March + 2 working days skips the corrected Tuesday: Thursday 5 March.
    assert timing.deadline_after(date(2026, 3, 2), Limit(2, working=True)) == date(2026, 3, 5)
