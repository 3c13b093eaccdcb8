"""Each risks measure equals its click-through, for the commission and a town (the town sees
none of the other town's), over the periods the registry's tests use."""

import datetime

import pytest

from oversight.measures import registry, selectors
from oversight.measures.registry import Period

from .measures_data import feed

pytestmark = pytest.mark.django_db

PERIODS = [Period.parse("2026-02"), Period.parse("2026-03"), Period.parse("2026-Q1")]


def test_every_risks_measure_counts_what_its_list_shows(rcounty):
    feed(rcounty)
    registry.autodiscover()
    measures = [m for m in registry.all_measures() if m.id.startswith("risks.")]
    assert len(measures) == 4
    on = datetime.date(2026, 3, 2)
    for viewer in (rcounty.supervisor, rcounty.town1_officer):
        nodes = [rcounty.county, rcounty.town1, rcounty.town2]
        for period in PERIODS:
            figs = selectors.figures(
                viewer=viewer, measures=measures, nodes=nodes, period=period, on=on
            )
            for m in measures:
                for node in nodes:
                    records = selectors.records(
                        viewer=viewer, measure=m, node=node, period=period, on=on
                    )
                    assert figs[m.id][node.pk].count == records.count(), (m.id, node.name)
    quarter = selectors.figures(
        viewer=rcounty.supervisor, measures=measures, nodes=[rcounty.county], period=PERIODS[2],
        on=on,
    )  # fmt: skip
    assert all(quarter[m.id][rcounty.county.pk].count for m in measures)
    town = selectors.figures(
        viewer=rcounty.town1_officer, measures=measures, nodes=[rcounty.town2], period=PERIODS[2],
        on=on,
    )  # fmt: skip
    assert not any(town[m.id][rcounty.town2.pk].count for m in measures)
