"""The leader's journey on a phone: open the cockpit, tap the overdue figure, land on exactly
those items."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from oversight.conftest import PASSWORD
from oversight.measures import registry, selectors
from oversight.measures.registry import Period
from oversight.measures.tests.conftest import VIEW_ALL

pytestmark = pytest.mark.browser


def test_the_leader_taps_an_overdue_figure_on_a_phone(measured, live_server, browser):
    role = measured.role_town
    role.permissions = sorted(set(role.permissions) | {"cockpit:screen:view", *VIEW_ALL})
    role.save()
    leader = measured.town1_leader
    expected = {
        item.title
        for item in selectors.records(
            viewer=leader,
            measure=registry.get("loop.overdue"),
            node=measured.town1,
            period=Period.parse("2026-03"),
        )
    }
    assert len(expected) == 3  # Town 1 and its two villages each have one red item

    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/orgs/login/?next=/cockpit/")
    page.fill("input[name=username]", leader.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    tile = page.locator("[data-testid='tile-loop.overdue']")
    expect(tile).to_be_visible()
    expect(tile.locator(".value")).to_have_text("3")
    box = tile.bounding_box()
    assert box["x"] + box["width"] <= 390  # laid out for the phone, no sideways scrolling
    tile.tap()
    expect(page).to_have_url(
        re.compile(r"/measures/loop\.overdue/records/\?node=\d+&period=2026-03")
    )
    shown = set(page.locator("[data-testid=record]").all_inner_texts())
    assert shown == expected
    context.close()


def test_the_large_screen_draws_its_charts_and_map_without_errors(measured, live_server, page):
    import json

    from oversight.cockpit import services

    feature = {
        "type": "Feature",
        "properties": {"code": "C-T1", "name": "Town 1"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[115.0, 37.0], [115.1, 37.0], [115.1, 37.1], [115.0, 37.0]]],
        },
    }
    services.map_upload(
        node=measured.county,
        content=json.dumps({"type": "FeatureCollection", "features": [feature]}),
        actor=measured.admin,
    )
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    page.goto(f"{base}/orgs/login/?next=/cockpit/%3Fmode%3Dbig")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page.locator("body.cockpit-big")).to_be_visible()
    for chart in ("trend", "map", "ranking"):
        expect(page.locator(f"[data-chart={chart}] canvas")).to_have_count(1)
    assert errors == []
