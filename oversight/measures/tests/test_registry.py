"""The registry's promises, checked for every registered measure: a figure counts exactly the
records its click-through lists for the same viewer; a town's figures are the county's
filtered to the town; figures roll up the tree; snapshots of closed periods do not move."""

from __future__ import annotations

import datetime

import pytest

from oversight.loop.models import WorkItem
from oversight.measures import registry, selectors, services
from oversight.measures.models import Snapshot
from oversight.measures.registry import COUNT, NONE, RATE, SYSTEM, TOTAL, Period
from oversight.orgs.models import OrgNode

MARCH = Period.parse("2026-03")  # live: today is 2026-03-02
FEBRUARY = Period.parse("2026-02")  # closed
QUARTER = Period.parse("2026-Q1")
PERIODS = [MARCH, FEBRUARY, QUARTER]


def test_it_collects_the_measures_of_every_app():
    ids = {m.id for m in registry.all_measures()}
    assert {
        "loop.opened", "loop.closed", "loop.open", "loop.overdue", "loop.on_time_rate",
        "loop.days_to_close", "matters.progress", "matters.milestones_missed",
        "public.complaints", "public.satisfaction", "public.dissatisfied",
        "public.window_rating", "analytics.warnings", "analytics.warnings_red",
        "analytics.confirmed", "analytics.dismissed", "analytics.precision",
        "ledger.last_verification", "ledger.verification_failures",
        "documents.issued", "documents.sign_offs_overdue", "documents.replies_on_time",
        "documents.replies_late", "duties.reports_due", "duties.reports_late",
        "duties.punctuality", "duties.score", "duties.copied",
        "team.tasks_taken", "team.tasks_done", "team.points", "team.test_score",
        "team.training_hours",
        "fleet.vehicles", "fleet.warnings", "fleet.unexplained",
    } <= ids  # fmt: skip


def test_it_refuses_a_measure_declared_twice():
    measure = registry.get("loop.opened")
    clone = registry.Measure(**{**measure.__dict__})
    with pytest.raises(ValueError, match="declared twice"):
        registry.register(clone)


def test_periods_parse_and_refuse_bad_input():
    assert Period.parse("2026-Q4").start == datetime.date(2026, 10, 1)
    assert Period.parse("2026-Q4").end == datetime.date(2026, 12, 31)
    assert Period.parse("2024-02").end == datetime.date(2024, 2, 29)
    assert Period.parse("2026").key == "2026"
    assert Period.parse("2026-03").previous().key == "2026-02"
    for bad in ("2026-13", "2026-Q5", "next month", ""):
        with pytest.raises(ValueError, match="2026-11"):
            Period.parse(bad)


def _check_against_records(viewer, measure, node, period, fig):
    qs = selectors.records(viewer=viewer, measure=measure, node=node, period=period)
    assert fig.count == qs.count(), (measure.id, str(viewer), node.name, period.key)
    if measure.kind == COUNT:
        assert fig.value == fig.count
    if measure.kind == TOTAL:
        total = sum((getattr(r, measure.field) or 0 for r in qs), 0)
        assert fig.value == round(float(total), measure.precision), (measure.id, node.name)
    if measure.kind == RATE:
        good = selectors.good_records(viewer=viewer, measure=measure, node=node, period=period)
        assert (fig.numerator or 0) == good.count(), (measure.id, node.name)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.key)
def test_every_figure_counts_what_its_list_shows(measured, period):
    nodes = list(OrgNode.objects.all())
    for viewer in measured.viewers:
        measures = selectors.measures_for(viewer)
        result = selectors.figures(viewer=viewer, measures=measures, nodes=nodes, period=period)
        for measure in measures:
            for node in nodes:
                _check_against_records(viewer, measure, node, period, result[measure.id][node.pk])


def test_the_fixture_gives_every_measure_something_to_count(measured):
    """So the property above is not vacuous."""
    for measure in registry.all_measures():
        totals = [
            selectors.figures(
                viewer=measured.admin, measures=[measure], nodes=[measured.county], period=p
            )[measure.id][measured.county.pk].count
            for p in PERIODS
        ]
        assert any(totals), measure.id


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.key)
def test_a_towns_figures_are_the_countys_filtered_to_the_town(measured, period):
    town = measured.town1
    officer = measured.town1_officer
    measures = selectors.measures_for(officer)
    assert len(measures) == len(registry.all_measures())
    mine = selectors.figures(viewer=officer, measures=measures, nodes=[town], period=period)
    for measure in measures:
        county_records = selectors.records(
            viewer=measured.admin, measure=measure, node=measured.county, period=period
        )
        source = measure.source
        if source.node:
            by_hand = [
                r for r in county_records.select_related(source.node)
                if _node_of(r, source.node).path.startswith(town.path)
            ]  # fmt: skip
        else:
            by_hand = list(county_records)
        assert mine[measure.id][town.pk].count == len(by_hand), measure.id
        county_fig = selectors.figures(
            viewer=measured.admin, measures=[measure], nodes=[town], period=period
        )[measure.id][town.pk]
        assert mine[measure.id][town.pk].value == county_fig.value, measure.id


def _node_of(record, lookup: str):
    for part in lookup.split("__"):
        record = getattr(record, part)
    return record


def test_someone_outside_the_town_sees_none_of_its_figures(measured):
    outsider = measured.town2_officer
    measures = selectors.measures_for(outsider)
    theirs = selectors.figures(
        viewer=outsider, measures=measures, nodes=[measured.town1], period=QUARTER
    )
    for measure in measures:
        if measure.source.node:
            assert theirs[measure.id][measured.town1.pk].count == 0, measure.id
    ours = selectors.figures(
        viewer=measured.admin, measures=measures, nodes=[measured.town1], period=QUARTER
    )
    assert ours["loop.opened"][measured.town1.pk].count > 0


def test_a_measure_without_permission_is_not_offered(measured):
    offered = {m.id for m in selectors.measures_for(measured.cadre)}
    assert not offered & {"loop.opened", "public.complaints", "ledger.last_verification"}


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.key)
def test_figures_roll_up_the_tree(measured, period):
    county = measured.county
    children = list(OrgNode.objects.filter(parent=county))
    nodes = [county, *children]
    result = selectors.figures(
        viewer=measured.admin, measures=registry.all_measures(), nodes=nodes, period=period
    )
    for measure in registry.all_measures():
        if not measure.source.node or measure.rollup == NONE:
            continue
        own = selectors.records(viewer=measured.admin, measure=measure, node=county, period=period)
        own = own.filter(**{measure.source.node: county.pk}).count()
        below = sum(result[measure.id][c.pk].count for c in children)
        assert result[measure.id][county.pk].count == own + below, measure.id


def test_a_split_figure_sums_to_the_whole(measured):
    measures = [m for m in registry.all_measures() if m.source.dimension and m.kind == COUNT]
    nodes = [measured.county, measured.town1]
    whole = selectors.figures(viewer=measured.admin, measures=measures, nodes=nodes, period=QUARTER)
    split = selectors.figures(
        viewer=measured.admin, measures=measures, nodes=nodes, period=QUARTER, split=True
    )
    for measure in measures:
        for node in nodes:
            parts = sum(f.count for (n, _p), f in split[measure.id].items() if n == node.pk)
            assert parts == whole[measure.id][node.pk].count, measure.id


def test_on_time_rate_counts_overdue_items_against_it(measured):
    rate = registry.get("loop.on_time_rate")
    fig = selectors.figures(
        viewer=measured.admin, measures=[rate], nodes=[measured.village1a], period=MARCH
    )[rate.id][measured.village1a.pk]
    # March at Village 1a: one item closed late on March 1 and one open and red.
    assert (fig.count, fig.numerator, fig.value) == (2, 0, 0.0)


def test_snapshots_of_a_closed_period_do_not_move(measured, today):
    today(datetime.date(2026, 3, 2))
    stored = services.snapshot_take(period=FEBRUARY)
    assert stored > 0
    assert services.snapshot_take(period=FEBRUARY) == 0  # taken once
    nodes = list(OrgNode.objects.all())
    measures = registry.all_measures()
    before = selectors.figures(
        viewer=measured.admin, measures=measures, nodes=nodes, period=FEBRUARY
    )
    # Later edits: an item backdated into February, an overdue one closed, one moved away.
    WorkItem.objects.create(
        kind="matters.matter", title="late entry", state="open", responsible_node=measured.town1,
        supervising_node=measured.commission, opened_at=before_at(datetime.date(2026, 2, 14)),
    )  # fmt: skip
    WorkItem.objects.filter(responsible_node=measured.town2, light="red").update(
        closed_at=before_at(datetime.date(2026, 2, 27)), closed_on_time=False, days_to_close=3
    )
    after = selectors.figures(
        viewer=measured.admin, measures=measures, nodes=nodes, period=FEBRUARY
    )
    recomputed = selectors.figures(
        viewer=measured.admin, measures=measures, nodes=nodes, period=FEBRUARY, live=True
    )
    for measure in measures:
        for node in nodes:
            assert after[measure.id][node.pk].value == before[measure.id][node.pk].value
            assert after[measure.id][node.pk].snapshot
    assert recomputed["loop.opened"][measured.town1.pk].count == (
        before["loop.opened"][measured.town1.pk].count + 1
    )
    # A town officer reads the town's snapshot; the county's is not theirs to read.
    town = selectors.figures(
        viewer=measured.town1_officer, measures=measures, nodes=[measured.town1], period=FEBRUARY
    )
    assert town["loop.opened"][measured.town1.pk].snapshot
    assert (
        town["loop.opened"][measured.town1.pk].count
        == before["loop.opened"][measured.town1.pk].count
    )
    county = selectors.figures(
        viewer=measured.town1_officer, measures=measures, nodes=[measured.county], period=FEBRUARY
    )
    assert not county["loop.opened"][measured.county.pk].snapshot
    assert Snapshot.objects.filter(period="2026-02", param="").exists()


def test_only_a_closed_period_is_kept(measured):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.snapshot_take(period=MARCH, on=datetime.date(2026, 3, 2))


def test_the_system_viewer_sees_what_an_administrator_sees(measured):
    measures = registry.all_measures()
    nodes = [measured.county]
    ours = selectors.figures(viewer=measured.admin, measures=measures, nodes=nodes, period=QUARTER)
    system = selectors.figures(viewer=SYSTEM, measures=measures, nodes=nodes, period=QUARTER)
    for m in measures:
        assert ours[m.id][measured.county.pk].count == system[m.id][measured.county.pk].count


def before_at(day):
    from oversight.measures.tests.conftest import at

    return at(day)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.key)
def test_totals_and_parts_in_one_query_agree_with_figures(measured, period):
    nodes = list(OrgNode.objects.all())
    measures = registry.all_measures()
    for viewer in (measured.admin, measured.town1_officer):
        whole, split = selectors.figures_and_split(
            viewer=viewer, measures=measures, nodes=nodes, period=period
        )
        alone = selectors.figures(viewer=viewer, measures=measures, nodes=nodes, period=period)
        for m in measures:
            for node in nodes:
                assert whole[m.id][node.pk].count == alone[m.id][node.pk].count, m.id
                assert whole[m.id][node.pk].value == alone[m.id][node.pk].value, m.id


def test_kept_figures_leave_their_digest_in_the_ledger(measured):
    from oversight.ledger.models import Leaf

    services.snapshot_take(period=FEBRUARY, on=datetime.date(2026, 3, 2))
    leaves = Leaf.objects.filter(action="measures.snapshot.take")
    assert leaves.count() == len({m.source.id for m in registry.all_measures()})
    assert leaves.filter(target_id="2026-02:loop.items").exists()
