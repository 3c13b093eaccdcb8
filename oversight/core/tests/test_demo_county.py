"""The demonstration county, built once for every check that needs the whole of it.

Building the county is most of these checks' time, so this module builds it once (in a
transaction rolled back when the module ends) and each test runs in its own transaction inside
it, as any test does: what one test writes, the next does not see. The tests share an xdist
group so that one worker builds the county, not each. The phone-width crawl in a browser needs
the county committed for its live server, and builds its own (test_crawl.py).

What is checked: the county is believable and building it twice changes nothing; every demo
account signs in and sees its scope; every role reaches every page without an error, a raw code
or a broken title; every list keeps its filters through paging, sorting and export; every
notification opens for its recipient."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from oversight.conftest import client_for
from oversight.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from oversight.ledger import keys
from oversight.ledger.tlog import generate_private_key_pem
from oversight.lib import resident_id as rid
from oversight.loop.models import WorkItem
from oversight.notify.models import Notification
from oversight.orgs import selectors
from oversight.orgs.models import Account, OrgNode, Person

from . import list_checks
from .crawling import PER_PAGE, bad_title, known_codes, links, raw_codes

# django_db: each test in its own transaction (a savepoint inside the module's), rolled back
pytestmark = [pytest.mark.xdist_group("demo_county"), pytest.mark.django_db]

KEY_SETTINGS = {"LEDGER_SIGNING_KEY_CONFIGURED": True, "LEDGER_ORIGIN": "test.oversight/ledger"}


@pytest.fixture(scope="module")
def demo_key(tmp_path_factory):
    """One ledger key for the module: the demo's checkpoints stay verifiable in every test."""
    path = tmp_path_factory.mktemp("demo-county") / "ledger_signing_key.pem"
    path.write_bytes(generate_private_key_pem())
    return path


@pytest.fixture(autouse=True)
def signing_key(settings, demo_key):
    """The suite's fresh key per test, replaced here by the module's (see ``demo_key``)."""
    settings.LEDGER_SIGNING_KEY_FILE = str(demo_key)
    for name, value in KEY_SETTINGS.items():
        setattr(settings, name, value)
    yield demo_key
    keys._load.cache_clear()


@pytest.fixture(scope="module")
def demo_county(django_db_setup, django_db_blocker, demo_key):
    """The demonstration county of seed 2026, built once for the module and rolled back after
    its last test."""
    with (
        override_settings(LEDGER_SIGNING_KEY_FILE=str(demo_key), **KEY_SETTINGS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        keys._load.cache_clear()
        call_command("demo", seed=2026)
        cache.clear()
        yield
        transaction.set_rollback(True)
    keys._load.cache_clear()


def test_it_builds_a_believable_county(demo_county):
    types = {t: OrgNode.objects.filter(type=t).count() for t in OrgNode.Type.values}
    assert types["town"] == 10 and 80 <= types["village"] <= 150 and types["unit"] == 40
    assert types["stationed_group"] == 5 and types["service_window"] > 10
    assert 1800 <= Person.objects.count() <= 2300
    assert all(rid.is_valid(n) for n in Person.objects.values_list("resident_id", flat=True)[:300])
    # running twice changes nothing
    before = (OrgNode.objects.count(), Person.objects.count(), Account.objects.count())
    call_command("demo", seed=2026)
    assert (OrgNode.objects.count(), Person.objects.count(), Account.objects.count()) == before


def test_it_lets_every_demo_account_sign_in_and_see_its_scope(demo_county):
    total = OrgNode.objects.count()
    seen = {}
    for username, _role, _where in DEMO_ACCOUNTS:
        response = Client().post("/orgs/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        seen[username] = selectors.node_list(viewer=Account.objects.get(username=username)).count()
    assert seen["admin"] == seen["leader"] == seen["supervisor"] == total
    town = OrgNode.objects.get(code="QH-T01")
    assert seen["town1"] == OrgNode.objects.filter(path__startswith=town.path).count()
    bureau = OrgNode.objects.get(code="QH-U04")
    assert seen["clerk"] == OrgNode.objects.filter(path__startswith=bureau.path).count()
    assert 0 < seen["group1"] < total
    assert seen["cadre"] == 0
    cadre = Account.objects.get(username="cadre")
    assert list(selectors.person_list(viewer=cadre)) == [cadre.person]


def test_every_role_reaches_every_page_without_errors_or_raw_codes(demo_county):
    codes = known_codes()
    problems = []
    with override_settings(ALLOWED_HOSTS=["*"]):
        for username, _role, _where in DEMO_ACCOUNTS:
            client = client_for(Account.objects.get(username=username))
            home = client.get("/")
            assert home.status_code == 200, username
            seen = set()
            for entry in ["/", *links(home.content.decode(), "nav")]:
                page = client.get(entry)
                if page.status_code >= 400:
                    problems.append((username, entry, page.status_code))
                    continue
                html = page.content.decode()
                if raw := raw_codes(html, codes, entry):
                    problems.append((username, entry, sorted(raw)))
                if title := bad_title(html):
                    problems.append((username, entry, f"title: {title}"))
                for link in links(html, "main")[:PER_PAGE]:
                    if link in seen:
                        continue
                    seen.add(link)
                    below = client.get(link)
                    if below.status_code >= 400:
                        problems.append((username, f"{entry} → {link}", below.status_code))
                    elif "text/html" in below.get("Content-Type", ""):
                        if raw := raw_codes(below.content.decode(), codes, link):
                            problems.append((username, link, sorted(raw)))
                        if title := bad_title(below.content.decode()):
                            problems.append((username, link, f"title: {title}"))
    assert problems == [], "\n".join(map(str, problems))


def test_every_demo_notification_opens_for_its_recipient(demo_county):
    """The property over the demonstration county: every notification's link answers 200 to
    its recipient (the demo runs the sweep, so reminders and escalations are among them)."""
    sent = Notification.objects.exclude(url="").values_list("recipient_id", "kind", "url")
    assert len(set(sent)) > 300
    # every recipient's every kind of notification, up to four links each (a link's kind is what
    # decides the page it opens; thousands of reminders of one kind open the same page)
    chosen: dict[tuple, list] = {}
    for recipient_id, kind, url in sorted(set(sent)):
        links_of_kind = chosen.setdefault((recipient_id, kind), [])
        if len(links_of_kind) < 4:
            links_of_kind.append(url)
    pairs = [(recipient_id, url) for (recipient_id, _), urls in chosen.items() for url in urls]
    assert WorkItem.objects.filter(light="red").exists()
    # the leaders' monthly digest is among them, and opens too
    assert Notification.objects.filter(kind="schedules.digest", recipient__username="leader")
    clients, failures = {}, []
    with override_settings(ALLOWED_HOSTS=["*"]):
        for recipient_id, url in pairs:
            if recipient_id not in clients:
                clients[recipient_id] = client_for(Account.objects.get(pk=recipient_id))
            status = clients[recipient_id].get(url).status_code
            if status != 200:
                failures.append((recipient_id, url, status))
    assert failures == []
    cadre = Account.objects.get(username="cadre")
    home = client_for(cadre).get("/")
    assert home.context["figures"]["todo_red"] == 0


def test_paging_sorting_and_export_keep_every_filter_of_every_list(demo_county):
    admin = client_for(Account.objects.get(username="admin"))
    list_checks.every_list_keeps_its_filters(admin)
    list_checks.the_overdue_list_pages_within_the_overdue_items(admin)
    list_checks.an_unknown_sort_is_ignored_and_a_known_one_orders(admin)
