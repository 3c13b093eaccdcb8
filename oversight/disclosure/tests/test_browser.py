"""The officer's journey in a real browser: add a source for a village's feed (served on the
loopback), test it before saving, save it, fetch it now, and see its notices and its health."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from oversight.conftest import PASSWORD, pick_unit
from oversight.disclosure.models import Source

pytestmark = pytest.mark.browser


def test_an_officer_adds_a_feed_tests_it_fetches_it_and_sees_its_health(
    disclosure_county, server, live_server, page
):
    c = disclosure_county
    feed = server("/feed.rss", sample="feed.rss")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/orgs/login/?next=/disclosure/sources/")
    page.fill("input[name=username]", c.town1_officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    page.click("[data-testid=add-source]")
    pick_unit(page, "node", search="1a", value=c.village1a.pk)
    page.fill("input[name=name]", "Village 1a feed")
    page.select_option("select[name=kind]", "rss")
    page.fill("input[name=url]", feed)
    page.fill("input[name=cadence_days]", "20")
    page.click("[data-testid=preview]")
    preview = page.locator("[data-testid=preview-result]")
    expect(preview).to_contain_text("某村2026年第一季度村务公开")
    expect(preview).to_contain_text("财务收支公开")  # the rules' classification shown
    assert not Source.objects.exists()
    page.click("[data-testid=save-source]")
    expect(page).to_have_url(re.compile(r"/disclosure/sources/\d+/$"))
    expect(page.locator("[data-testid=health]")).to_have_class(re.compile("health-unread"))
    page.click("[data-testid=fetch-now]")
    expect(page.locator("[data-testid=collected]")).to_contain_text("某村2026年1月财务公开")
    expect(page.locator("[data-testid=fetches]")).to_contain_text("200")
    expect(page.locator("[data-testid=health]")).to_have_class(re.compile("health-ok"))
    page.goto(f"{live_server.url}/disclosure/sources/")
    row = page.locator("[data-testid=sources] tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=health]")).to_have_class(re.compile("health-ok"))
    assert errors == []
