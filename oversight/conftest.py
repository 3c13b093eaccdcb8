"""Shared fixtures: a small county with named people, one per kind of viewer.

    County (district)
    ├── Commission ── Stationed group G1 (supervises Unit A)
    ├── Unit A ── Dept A1, Window A2
    ├── Unit B
    ├── Town 1 ── Village 1a, Village 1b
    └── Town 2 ── Village 2a

Accounts: ``admin`` (all), ``town1`` and ``town2`` (own node and below, sibling towns),
``group`` (supervised nodes), ``clerk`` of Unit A (own node and below), ``cadre`` of Unit A
(own records only).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import translation

from oversight.lib import resident_id as rid
from oversight.loop import services as loop_services
from oversight.loop import timing
from oversight.orgs import services
from oversight.orgs.models import OrgNode, Role

PASSWORD = "a-long-test-password"
T = OrgNode.Type
OFFICER = [
    "orgs:node:view",
    "orgs:node:edit",
    "orgs:person:view",
    "orgs:person:edit",
    "orgs:person:export",
    "orgs:account:view",
    "orgs:account:edit",
    "orgs:log:view",
]

_sequence = iter(range(10, 10**6))


def make_resident_id(born: date = date(1980, 5, 17), male: bool = True) -> str:
    """A valid, unique resident ID for tests."""
    return rid.make(area="130534", born=born, sequence=next(_sequence) % 1000, male=male)


def make_person(node: OrgNode, name: str, **kwargs):
    born = date(1970 + next(_sequence) % 30, 1 + next(_sequence) % 12, 1 + next(_sequence) % 28)
    return services.person_create(
        name=name, resident_id=make_resident_id(born), org_node=node, **kwargs
    )


@pytest.fixture
def county(db):
    n = SimpleNamespace()
    n.county = services.node_create(name="County", code="C", type=T.DISTRICT, parent=None)
    n.commission = services.node_create(
        name="Commission", code="C-JW", type=T.COMMISSION, parent=n.county
    )
    n.unit_a = services.node_create(name="Unit A", code="C-UA", type=T.UNIT, parent=n.county)
    n.dept_a1 = services.node_create(
        name="Dept A1", code="C-UA-D1", type=T.DEPARTMENT, parent=n.unit_a
    )
    n.window_a2 = services.node_create(
        name="Window A2", code="C-UA-W2", type=T.SERVICE_WINDOW, parent=n.unit_a
    )
    n.unit_b = services.node_create(name="Unit B", code="C-UB", type=T.UNIT, parent=n.county)
    n.group = services.node_create(
        name="Group 1",
        code="C-JW-G1",
        type=T.STATIONED_GROUP,
        parent=n.commission,
        supervises=[n.unit_a],
    )
    n.town1 = services.node_create(name="Town 1", code="C-T1", type=T.TOWN, parent=n.county)
    n.village1a = services.node_create(
        name="Village 1a", code="C-T1-V1", type=T.VILLAGE, parent=n.town1
    )
    n.village1b = services.node_create(
        name="Village 1b", code="C-T1-V2", type=T.VILLAGE, parent=n.town1
    )
    n.town2 = services.node_create(name="Town 2", code="C-T2", type=T.TOWN, parent=n.county)
    n.village2a = services.node_create(
        name="Village 2a", code="C-T2-V1", type=T.VILLAGE, parent=n.town2
    )

    def role(key, scope, perms, listed=()):
        return services.role_save(
            role=None,
            key=key,
            name=key,
            permissions=perms,
            data_scope=scope,
            listed_nodes=list(listed),
        )

    n.role_admin = role("admin", Role.Scope.ALL, ["*"])
    n.role_town = role("town", Role.Scope.OWN_AND_BELOW, OFFICER)
    n.role_group = role(
        "group", Role.Scope.SUPERVISED, ["orgs:node:view", "orgs:person:view", "orgs:person:export"]
    )
    n.role_clerk = role("clerk", Role.Scope.OWN_AND_BELOW, ["orgs:node:view", "orgs:person:view"])
    n.role_cadre = role("cadre", Role.Scope.SELF, ["orgs:person:view"])

    people = {
        "p_county": n.county,
        "p_unit_a": n.unit_a,
        "p_dept_a1": n.dept_a1,
        "p_unit_b": n.unit_b,
        "p_town1": n.town1,
        "p_village1a": n.village1a,
        "p_town2": n.town2,
        "p_village2a": n.village2a,
    }
    for attr, node in people.items():
        setattr(n, attr, make_person(node, f"Person of {node.name}"))
    n.p_cadre = make_person(n.unit_a, "Cadre Zhang")

    def account(username, node, roles, person=None):
        return services.account_save(
            account=None,
            username=username,
            display_name=username,
            org_node=node,
            person=person,
            roles=roles,
            password=PASSWORD,
        )

    n.admin = account("admin", n.county, [n.role_admin])
    n.town1_officer = account("town1", n.town1, [n.role_town])
    n.town2_officer = account("town2", n.town2, [n.role_town])
    n.group_officer = account("group", n.group, [n.role_group])
    n.clerk = account("clerk", n.unit_a, [n.role_clerk])
    n.cadre = account("cadre", n.unit_a, [n.role_cadre], person=n.p_cadre)
    return n


def sign_in(page, base: str, username: str) -> None:
    """In a browser test: sign out whoever was signed in, then sign in as ``username``."""
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto(f"{base}/orgs/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page.locator("h1")).to_be_visible()


def pick_unit(page, name: str, *, search: str, value, within: str = "") -> None:
    """In a browser test: type ``search`` into the unit picker of field ``name`` and tick the
    match ``value`` (a node's pk)."""
    picker = page.locator(f"{within} [data-unit-picker][data-name={name}]".strip())
    picker.locator("input.unit-search").fill(search)
    picker.locator(f"[data-matches] input[value='{value}']").click()
    chosen = picker.locator(f"[data-chosen] input[value='{value}']")
    chosen.wait_for()
    assert chosen.is_checked()


def token_headers(account) -> dict:
    """An ``Authorization`` header carrying a fresh API token of ``account``."""
    _, raw = services.token_issue(actor=None, account=account, name="test client")
    return {"Authorization": f"Bearer {raw}"}


def client_for(account) -> Client:
    """A Django test client signed in as ``account``."""
    client = Client()
    client.force_login(account)
    return client


# --- work items (the closed loop) ---------------------------------------------------------


HANDLER = ["loop:item:view", "loop:item:handle", "loop:item:export", "matters:matter:view"]
SUPERVISOR = [
    "loop:item:view",
    "loop:item:supervise",
    "loop:item:extend",
    "loop:item:export",
    "loop:item:instruct",
    "matters:matter:view",
    "matters:matter:register",
    "matters:matter:close",
    "documents:document:view",
    "documents:document:issue",
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
    from oversight.orgs.demo import grant_permissions  # through role_save: traced

    grant_permissions({role.key: HANDLER for role in (county.role_town, county.role_clerk)})
    for role in (county.role_town, county.role_clerk):
        role.refresh_from_db()
    county.role_supervisor = services.role_save(
        role=None,
        key="supervisor",
        name="supervisor",
        permissions=SUPERVISOR,
        data_scope=Role.Scope.ALL,
        listed_nodes=[],
    )
    county.supervisor = services.account_save(
        account=None,
        username="supervisor",
        display_name="supervisor",
        org_node=county.commission,
        person=None,
        roles=[county.role_supervisor],
        password=PASSWORD,
    )
    leader_person = make_person(county.town1, "Leader of Town 1")
    services.position_add(
        person=leader_person,
        org_node=county.town1,
        title="Secretary",
        start_date=date(2020, 1, 1),
        is_leader=True,
    )
    county.town1_leader = services.account_save(
        account=None,
        username="town1-leader",
        display_name="town1-leader",
        org_node=county.town1,
        person=leader_person,
        roles=[county.role_town],
        password=PASSWORD,
    )
    return county


@pytest.fixture
def open_task(loop_county):
    """Open a matter with one task for Town 1, supervised by the commission."""

    def make(title="Repair the village road", deadline=date(2026, 3, 20), node=None, **kwargs):
        matter = loop_services.item_open(
            kind="matters.matter",
            title=f"Matter of {title}",
            actor=loop_county.supervisor,
            responsible_node=node or loop_county.town1,
            supervising_node=loop_county.commission,
            final_deadline=deadline,
        )
        return loop_services.item_open(
            kind="matters.task",
            title=title,
            actor=loop_county.supervisor,
            parent=matter,
            responsible_node=node or loop_county.town1,
            supervising_node=loop_county.commission,
            final_deadline=deadline,
            **kwargs,
        )

    return make


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (rankings, rate limits) and a calendar rebuilt from
    the database: what a test cached or corrected rolls back with its transaction."""
    from django.core.cache import cache

    cache.clear()
    timing.calendar_changed()
    # The language a request's middleware activated stays active in the thread: each test
    # starts in the default language, whatever the test before it asked for.
    translation.deactivate()
    yield
    cache.clear()
    timing.calendar_changed()


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    """Each test signs the ledger with a fresh key in its own directory, named as if configured,
    so no test writes a key into var/."""
    from oversight.ledger import keys
    from oversight.ledger.tlog import generate_private_key_pem

    path = tmp_path / "ledger_signing_key.pem"
    path.write_bytes(generate_private_key_pem())
    settings.LEDGER_SIGNING_KEY_FILE = str(path)
    settings.LEDGER_SIGNING_KEY_CONFIGURED = True
    settings.LEDGER_ORIGIN = "test.oversight/ledger"
    yield path
    keys._load.cache_clear()


def refusal_codes(error) -> list | dict:
    """Which refusal ``error`` is, for tests: ``{field: [codes]}`` for a ValidationError keyed
    by field, ``[codes]`` for one without fields, ``[code]`` for a TransitionRefused."""
    if hasattr(error, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
    if hasattr(error, "error_list"):
        return [e.code for e in error.error_list]
    return [getattr(error, "code", None)]
