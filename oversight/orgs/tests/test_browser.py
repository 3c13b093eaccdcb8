"""The main journey of the foundation in a real browser: sign in, switch language, browse and
edit the org tree, be refused a page outside the role, and read the frame at phone width."""

import pytest
from playwright.sync_api import expect

from oversight.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, base, username):
    page.goto(f"{base}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")


def test_it_signs_in_switches_language_and_edits_the_tree(county, live_server, page):
    sign_in(page, live_server.url, "admin")
    expect(page.locator("h1")).to_contain_text("欢迎")
    page.click("[data-testid=lang-en]")
    expect(page.locator("h1")).to_contain_text("Welcome")
    page.locator("#nav").get_by_role("link", name="Org tree").click()
    expect(page.locator("[data-node-code=C-T1]")).to_be_visible()
    page.click("[data-node-code=C-T1]")
    expect(page.locator("[data-testid=node-name]")).to_have_text("Town 1")
    page.click("[data-testid=node-edit]")
    page.fill("input[name=name]", "Town One")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=node-name]")).to_have_text("Town One")
    county.town1.refresh_from_db()
    assert county.town1.name == "Town One"
    page.click("[data-testid=lang-zh-hans]")
    expect(page.locator("#nav").get_by_role("link", name="组织机构")).to_be_visible()


def test_it_refuses_a_page_outside_the_role(county, live_server, page):
    sign_in(page, live_server.url, "cadre")
    expect(page.locator("h1")).to_contain_text("欢迎")
    expect(page.get_by_role("link", name="组织机构")).to_have_count(0)
    response = page.goto(f"{live_server.url}/orgs/nodes/")
    assert response.status == 403
    expect(page.locator("[data-testid=forbidden]")).to_be_visible()


def test_it_is_readable_at_phone_width(county, live_server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server.url, "town1")
    page.goto(f"{live_server.url}/orgs/people/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    nav = page.locator("#nav")
    expect(nav).to_be_hidden()
    page.click("[data-nav-toggle]")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="人员管理")).to_be_visible()
    context.close()
