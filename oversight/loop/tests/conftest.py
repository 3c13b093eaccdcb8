"""The engine's tests run on kinds declared in ``kinds.py``, present only while they run."""

from datetime import date

import pytest

from oversight.loop import registry
from oversight.loop import services as loop_services

from .kinds import CASE, KINDS, STEP


@pytest.fixture(autouse=True)
def test_kinds(monkeypatch):
    for workflow in KINDS:
        monkeypatch.setitem(registry.WORKFLOWS, workflow.kind, workflow)


@pytest.fixture
def open_task(loop_county):
    """Open a case with one step for Town 1, supervised by the commission (the engine's
    version of the shared fixture, on the test kinds)."""

    def make(title="Repair the village road", deadline=date(2026, 3, 20), node=None, **kwargs):
        case = loop_services.item_open(
            kind=CASE,
            title=f"Case of {title}",
            actor=loop_county.supervisor,
            responsible_node=node or loop_county.town1,
            supervising_node=loop_county.commission,
            final_deadline=deadline,
        )
        return loop_services.item_open(
            kind=STEP,
            title=title,
            actor=loop_county.supervisor,
            parent=case,
            responsible_node=node or loop_county.town1,
            supervising_node=loop_county.commission,
            final_deadline=deadline,
            **kwargs,
        )

    return make
