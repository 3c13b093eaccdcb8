"""Work-item fixtures on top of the shared county: a supervisor at the commission, a leader of
Town 1, and roles carrying the loop's permissions."""

from datetime import date

import pytest

from oversight.conftest import PASSWORD, make_person
from oversight.loop import services, timing
from oversight.orgs import services as org_services
from oversight.orgs.models import Role

HANDLER = ["loop:item:view", "loop:item:handle", "loop:item:export", "matters:matter:view"]
SUPERVISOR = [
    "loop:item:view", "loop:item:supervise", "loop:item:extend", "loop:item:export", "loop:item:instruct",
    "matters:matter:view", "matters:matter:register", "matters:matter:close",
]


@pytest.fixture
def today(monkeypatch):
    """Freeze the loop's idea of today; returns a setter."""
    current = {"day": date(2026, 3, 2)}  # a Monday
    monkeypatch.setattr(timing, "today", lambda: current["day"])

    def set_day(day: date) -> date:
        current["day"] = day
        return day

    set_day.day = lambda: current["day"]
    return set_day


@pytest.fixture
def loop_county(county, today):
    for role in (county.role_town, county.role_clerk):
        role.permissions = sorted(set(role.permissions) | set(HANDLER))
        role.save()
    county.role_supervisor = org_services.role_save(
        role=None, key="supervisor", name="supervisor", permissions=SUPERVISOR,
        data_scope=Role.Scope.ALL, listed_nodes=[],
    )
    county.supervisor = org_services.account_save(
        account=None, username="supervisor", display_name="supervisor", org_node=county.commission,
        person=None, roles=[county.role_supervisor], password=PASSWORD,
    )
    leader_person = make_person(county.town1, "Leader of Town 1")
    org_services.position_add(
        person=leader_person, org_node=county.town1, title="Secretary", start_date=date(2020, 1, 1), is_leader=True
    )
    county.town1_leader = org_services.account_save(
        account=None, username="town1-leader", display_name="town1-leader", org_node=county.town1,
        person=leader_person, roles=[county.role_town], password=PASSWORD,
    )
    return county


@pytest.fixture
def open_task(loop_county):
    """Open a matter with one task for Town 1, supervised by the commission."""

    def make(title="Repair the village road", deadline=date(2026, 3, 20), node=None, **kwargs):
        matter = services.item_open(
            kind="matters.matter", title=f"Matter of {title}", actor=loop_county.supervisor,
            responsible_node=node or loop_county.town1, supervising_node=loop_county.commission,
            final_deadline=deadline,
        )
        return services.item_open(
            kind="matters.task", title=title, actor=loop_county.supervisor, parent=matter,
            responsible_node=node or loop_county.town1, supervising_node=loop_county.commission,
            final_deadline=deadline, **kwargs,
        )

    return make
