"""The stored rows agree with a computation from scratch: each unit's live score
(``UnitScore``, kept by the report steps) and the reports' prints with their LSH buckets."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.duties import prints, scoring, selectors
from oversight.duties.models import DutyReport, ReportBucket, ReportPrint, UnitScore
from oversight.duties.tests.test_templates import EDITED, OTHER, OWN, _list, _report
from oversight.lib.shingles import similarity
from oversight.loop import services as loop


def _figures(rows):
    return [
        (s.unit_list.pk, s.earned, s.possible, s.percent, s.rank, s.vetoed, s.reports,
         s.documented, s.late, s.missing, dict(s.items))
        for s in rows
    ]  # fmt: skip


def _issue(c, duty_list):
    from oversight.duties import services

    return services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        nodes=[c.town1, c.town2, c.unit_a],
        supervising_node=c.commission,
    )


def test_rows_follow_the_report_steps_and_agree_from_scratch(duties_county, duty_list, today):
    c = duties_county
    town1, town2, _unit_a = _issue(c, duty_list)
    assert selectors.scores(viewer=c.supervisor, duty_list=duty_list)  # the rows are made
    plan = town1.reports.get(key="2026")
    loop.item_transition(item=plan.item, name="submit", actor=c.town1_officer, comment="Plan")
    row = UnitScore.objects.get(unit_list=town1)
    assert row.documented == 1 and row.computed_on == date(2026, 3, 2)
    from oversight.duties import services

    services.report_accept(actor=c.supervisor, report=plan, score=Decimal(30))
    row.refresh_from_db()
    assert (row.earned, row.possible, row.percent) == (Decimal(30), Decimal(40), Decimal(75))
    assert UnitScore.objects.get(unit_list=town2).valid_until == date(2026, 3, 10)
    for day in (date(2026, 3, 10), date(2026, 3, 11), date(2026, 7, 20)):
        today(day)
        assert _figures(scoring.read(duty_list, day)) == _figures(
            selectors.all_scores(duty_list, day)
        )
    (own,) = selectors.scores(viewer=c.town2_officer, duty_list=duty_list)
    assert own.node == c.town2 and own.rank == selectors.score_of(unit_list=town2).rank == 2


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 14), st.integers(0, 2), st.integers(0, 40)), max_size=6
    ),  # fmt: skip
    day=st.sampled_from(
        [date(2026, 3, 2), date(2026, 3, 11), date(2026, 4, 20), date(2026, 12, 31)]
    ),
)
def test_stored_rows_agree_with_a_computation_from_scratch(
    duties_county, duty_list, today, steps, day
):
    """Any reports made and scored, read on any later day: the rows kept by the steps give the
    figures and ranks computed from all the reports."""
    from oversight.duties import services

    c = duties_county
    officers = {c.town1.pk: c.town1_officer, c.town2.pk: c.town2_officer}
    with transaction.atomic():
        today(date(2026, 3, 2))
        unit_lists = _issue(c, duty_list)
        scoring.read(duty_list, date(2026, 3, 2))
        reports = list(
            DutyReport.objects.filter(unit_list__in=unit_lists[:2])
            .select_related("item", "duty_item", "unit_list")
            .order_by("pk")
        )
        for index, step, points in steps:
            report = reports[index % len(reports)]
            report.item.refresh_from_db()
            if report.item.state == "open":
                officer = officers[report.unit_list.node_id]
                loop.item_transition(item=report.item, name="submit", actor=officer, comment="x")
            elif report.item.state == "submitted" and step:
                score = min(Decimal(points), report.duty_item.points)
                services.report_accept(actor=c.supervisor, report=report, score=score)
        today(day)
        assert _figures(scoring.read(duty_list, day)) == _figures(
            selectors.all_scores(duty_list, day)
        )
        transaction.set_rollback(True)


def test_the_lsh_buckets_find_the_planted_copies(duties_county, today):
    c = duties_county
    duty_list = _list(c, 2026)
    first, second = OWN[:44], OWN[44:]
    texts = [
        (c.town1, c.town1_officer, OWN),
        (c.town2, c.town2_officer, second + first),  # reordered
        (c.unit_a, c.supervisor, EDITED),  # lightly edited
    ]
    reports = [_report(c, duty_list, text, node, officer) for node, officer, text in texts[:2]]
    assert ReportPrint.objects.count() == 2
    assert ReportBucket.objects.filter(report=reports[0]).count() == prints.BANDS
    mine, theirs = reports
    own = prints.sets_of([theirs])[theirs.pk]
    assert mine.pk in prints.candidates(theirs, own)
    assert theirs.copied_from == mine
    requirement = duty_list.areas.get().items.get().requirement
    for other in (EDITED, second + first):
        assert similarity(OWN, other, boilerplate=requirement) >= 0.6
        edited = frozenset(prints.own_hashes(other, requirement))
        assert mine.pk in prints.candidates(theirs, edited) | {
            r for r in prints.candidates(mine, prints.sets_of([mine])[mine.pk])
        }
    # a text that only shares the requirement shares no bucket with the copies
    near_miss = frozenset(prints.own_hashes(requirement + OTHER, requirement))
    assert not prints.candidates(theirs, near_miss) & {mine.pk, theirs.pk}
    assert selectors.recheck_year(duty_list) == {mine.pk: theirs.pk, theirs.pk: mine.pk}
