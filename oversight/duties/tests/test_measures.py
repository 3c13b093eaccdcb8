"""Duty measures on a hand-counted example: in March 2026 each town owed the plan (due 03-10);
Town 1 reported it on 03-02 and was scored 30 of 40 (75 %), Town 2 never reported it."""

from datetime import date
from decimal import Decimal

from oversight.duties import services
from oversight.loop import services as loop
from oversight.measures import registry, selectors
from oversight.measures.registry import Period

IDS = ["duties.reports_due", "duties.reports_late", "duties.punctuality", "duties.score"]


def test_duty_measures_count_what_was_counted_by_hand(duties_county, duty_list, today):
    c = duties_county
    town1, _town2 = services.list_issue(
        actor=c.supervisor,
        duty_list=duty_list,
        nodes=[c.town1, c.town2],
        supervising_node=c.commission,
    )
    plan = town1.reports.get(key="2026")
    loop.item_transition(item=plan.item, name="submit", actor=c.town1_officer, comment="Plan")
    services.report_accept(actor=c.supervisor, report=plan, score=Decimal(30))
    today(date(2026, 3, 20))
    measures = [registry.get(i) for i in IDS]
    nodes = [c.county, c.town1, c.town2]
    got = selectors.figures(
        viewer=c.supervisor, measures=measures, nodes=nodes, period=Period.parse("2026-03")
    )

    def values(node):
        return [got[i][node.pk].value for i in IDS]

    assert values(c.town1) == [1, 0, 100.0, 75.0]
    assert values(c.town2) == [1, 1, 0.0, None]
    assert values(c.county) == [2, 1, 50.0, 75.0]
    # a town outside sees none of Town 1's figures
    outside = selectors.figures(
        viewer=c.town2_officer, measures=measures, nodes=[c.town1], period=Period.parse("2026-03")
    )
    assert all(outside[i][c.town1.pk].count == 0 for i in IDS)
