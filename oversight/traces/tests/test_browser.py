"""The trace journey in a real browser: the supervisor finds a leader in the list, opens the
graph (drawn), takes a flagged path up for checking as a work item; the town explains it."""

import pytest
from playwright.sync_api import expect

from oversight.conftest import sign_in
from oversight.loop.models import WorkItem

from .test_graph import planted  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_open_a_leaders_graph_and_take_a_flagged_path_up(planted, live_server, page):  # noqa: F811
    c = planted
    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, base, "supervisor")
    page.goto(f"{base}/traces/")
    page.get_by_role("link", name=c.p_town1.name).first.click()
    expect(page).to_have_url(f"{base}/traces/people/{c.p_town1.pk}/")
    expect(page.locator("[data-trace-graph][data-drawn='1'] canvas").first).to_be_visible()
    expect(page.locator("[data-testid=finding]").first).to_contain_text("Brother-in-law")
    page.click("[data-testid=take-up-0]")
    item = WorkItem.objects.get(kind="traces.finding")
    expect(page).to_have_url(f"{base}/work/items/{item.pk}/")
    expect(page.locator("[data-testid=item-state]")).to_be_visible()

    sign_in(page, base, "town1")
    page.goto(f"{base}/work/items/{item.pk}/")
    page.locator("form:has([data-testid=do-explain]) textarea[name=comment]").fill(
        "The contract went to a county tender the town had no part in."
    )
    page.click("[data-testid=do-explain]")
    item.refresh_from_db()
    assert item.state == "explained"
    assert errors == []
