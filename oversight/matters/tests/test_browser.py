"""The major-matter journey in a real browser: a supervisor registers a matter and decomposes it,
a leader gives an instruction, the unit reports with an attachment, the supervisor returns it
once and then verifies, the matter closes; and an overdue task turns red and escalates."""

from datetime import date

import pytest
from playwright.sync_api import expect

from oversight.conftest import PASSWORD, pick_unit
from oversight.loop import services as loop
from oversight.loop.models import WorkItem

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/orgs/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page.locator("h1")).to_be_visible()


def test_it_runs_a_major_matter_from_registration_to_closing(
    loop_county, live_server, page, tmp_path
):
    base = live_server.url
    sign_in(page, base, "supervisor")
    page.goto(f"{base}/matters/list/")
    page.click("[data-testid=register]")
    page.fill("input[name=title]", "Renovate the market")
    page.select_option("select[name=category]", "project")
    pick_unit(page, "lead_node", search="town 1", value=loop_county.town1.pk)
    pick_unit(page, "supervising_node", search="commiss", value=loop_county.commission.pk)
    page.fill("input[name=final_deadline]", "2026-06-30")
    page.click("[data-testid=save]")
    expect(page.locator("[data-testid=item-title]")).to_have_text("Renovate the market")
    page.click("[data-testid=add-task]")
    page.fill("input[name=title]", "Repair the roof")
    pick_unit(page, "lead_node", search="Town 1", value=loop_county.town1.pk)
    page.fill("input[name=final_deadline]", "2026-05-31")
    page.fill("textarea[name=milestones]", "2026-04-30 Contract signed")
    page.click("[data-testid=save-task]")
    page.get_by_role("link", name="Repair the roof").click()
    task_url = page.url
    page.locator("summary", has_text="批示").click()
    page.fill("textarea[name=text]", "Finish before the rainy season")
    page.click("[data-testid=instruct]")
    expect(page.locator("[data-event=instruction]")).to_contain_text(
        "Finish before the rainy season"
    )

    evidence = tmp_path / "roof.png"
    evidence.write_bytes(PNG)
    sign_in(page, base, "town1")
    page.goto(task_url)
    form = page.locator("form:has([data-testid=do-submit])")
    form.locator("textarea[name=comment]").fill("Roof repaired")
    form.locator("input[name=files]").set_input_files(str(evidence))
    page.click("[data-testid=do-submit]")
    expect(page.locator("[data-testid=item-state]")).to_contain_text("待核实")
    expect(page.locator("a", has_text="roof.png")).to_be_visible()

    sign_in(page, base, "supervisor")
    page.goto(task_url)
    page.locator("form:has([data-testid=do-return]) textarea[name=comment]").fill(
        "Photo of the gutter missing"
    )
    page.click("[data-testid=do-return]")
    expect(page.locator("[data-testid=item-state]")).to_contain_text("退回")

    sign_in(page, base, "town1")
    page.goto(task_url)
    page.locator("form:has([data-testid=do-submit]) textarea[name=comment]").fill("Gutter too")
    page.click("[data-testid=do-submit]")

    sign_in(page, base, "supervisor")
    page.goto(task_url)
    page.click("[data-testid=do-verify]")
    expect(page.locator("[data-testid=item-state]")).to_contain_text("已销号")
    page.locator(".crumbs a").click()
    page.click("[data-testid=do-close]")
    expect(page.locator("[data-testid=item-state]")).to_contain_text("已办结")
    assert WorkItem.objects.get(title="Renovate the market").closed_at is not None


def test_it_turns_an_overdue_task_red_and_escalates(
    loop_county, open_task, today, live_server, page
):
    task = open_task(title="Fix the bridge", deadline=date(2026, 3, 10))
    today(date(2026, 3, 12))
    loop.sweep()
    sign_in(page, live_server.url, "town1-leader")
    page.goto(f"{live_server.url}/work/items/{task.pk}/")
    expect(page.locator("h1 [data-light]")).to_have_attribute("data-light", "red")
    expect(page.locator("[data-event=escalation]")).to_be_visible()
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_text("Fix the bridge").first).to_be_visible()
