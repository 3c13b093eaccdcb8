"""The public channel in a real browser at phone size (375×812): scan a window's code and rate
it, file an anonymous complaint with a photo and keep the code; staff accept, route, handle,
draft, have the draft returned once, approve; the citizen tracks with the code, reads the reply
and rates it dissatisfied; the dissatisfaction ledger and the review item exist."""

import pytest
from playwright.sync_api import expect

from oversight.conftest import PASSWORD
from oversight.public.models import Complaint, Dissatisfaction, Rating

pytestmark = pytest.mark.browser

JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xda\x00\x08"
    + b"\x00" * 64
    + b"\xff\xd9"
)


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/orgs/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page.locator("h1")).to_be_visible()


def test_it_runs_a_complaint_from_the_window_to_the_citizens_rating(
    pc, live_server, phone, browser, tmp_path
):
    base = live_server.url
    page = phone
    page.goto(f"{base}/p/w/{pc.point.token}/")
    expect(page.locator("[data-testid=window-name]")).to_have_text("Window A2")
    page.locator("input[name=score][value='4']").check()
    page.locator("input[name=tags][value=attitude]").check()
    page.click("[data-testid=send-rating]")
    expect(page.locator("[data-status=rated]")).to_be_visible()
    assert Rating.objects.get().score == 4

    page.goto(f"{base}/p/w/{pc.point.token}/")
    page.click("[data-testid=complain]")
    page.select_option("select[name=power_item]", str(pc.item_town.pk))
    page.select_option("select[name=subject_node]", str(pc.village1a.pk))
    page.fill("textarea[name=content]", "The clerk asked for a fee of 50 yuan.")
    expect(page.locator("[data-field=phone]")).to_be_hidden()  # anonymous by default
    photo = tmp_path / "receipt.jpg"
    photo.write_bytes(JPEG)
    page.locator("input[name=files]").set_input_files(str(photo))
    page.click("[data-testid=send-complaint]")
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    assert len(code.replace("-", "")) == 16
    complaint = Complaint.objects.get()
    assert not complaint.named and complaint.item.attachments.count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing overflows the phone's screen

    staff = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}).new_page()
    staff.set_default_timeout(10_000)
    url = f"{base}/public-channel/complaints/{complaint.item_id}/"
    sign_in(staff, base, "intake")
    staff.goto(url)
    staff.click("[data-testid=do-accept]")
    expect(staff.locator("[data-testid=item-state]")).to_have_attribute("data-testid", "item-state")
    staff.click("[data-testid=do-route]")  # the department comes from the small-power item
    sign_in(staff, base, "town1")
    staff.goto(url)
    staff.locator("form:has([data-testid=do-handle]) textarea[name=comment]").fill(
        "Fee refunded to the citizen."
    )
    staff.click("[data-testid=do-handle]")
    staff.fill("textarea[name=reply]", "The fee was refunded.")
    staff.click("[data-testid=do-draft]")
    sign_in(staff, base, "intake")
    staff.goto(url)
    staff.locator("form:has([data-testid=do-return]) textarea[name=comment]").fill(
        "Say when and how much."
    )
    staff.click("[data-testid=do-return]")
    sign_in(staff, base, "town1")
    staff.goto(url)
    staff.fill(
        "textarea[name=reply]", "The 50 yuan fee was refunded on 2 March; the clerk was warned."
    )
    staff.click("[data-testid=do-draft]")
    sign_in(staff, base, "intake")
    staff.goto(url)
    staff.click("[data-testid=do-approve]")
    expect(staff.locator("[data-testid=reply]")).to_contain_text("refunded on 2 March")
    complaint.refresh_from_db()
    assert complaint.item.state == "replied"
    assert complaint.item.events.filter(transition="return").count() == 1

    page.goto(f"{base}/p/track/")
    page.fill("input[name=code]", code.lower())
    page.click("[data-testid=lookup]")
    expect(page.locator("[data-testid=track-state]")).to_have_attribute("data-state", "replied")
    page.reload()  # the history entry is a GET now: the tracking cookie, not the code again
    expect(page.locator("[data-testid=track-state]")).to_have_attribute("data-state", "replied")
    expect(page.locator("[data-kind=reply]")).to_contain_text("refunded on 2 March")
    page.locator("input[name=satisfied][value='0']").check()
    page.fill("textarea[name=reason]", "The clerk still asks for fees.")
    page.click("[data-testid=send-result-rating]")
    expect(page.locator("[data-testid=track-state]")).to_have_attribute("data-state", "evaluated")

    row = Dissatisfaction.objects.get(complaint=complaint)
    assert row.review_item.kind == "public.review" and row.responsible_node == pc.town1
    staff.goto(f"{base}/public-channel/dissatisfaction/")
    expect(staff.locator(f"[data-dissatisfaction='{complaint.reference}']")).to_contain_text(
        "The clerk still asks for fees."
    )
    staff.context.close()
