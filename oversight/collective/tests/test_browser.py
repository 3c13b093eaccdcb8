"""A villager at phone width, in a real browser: from the notice board's QR page (the village's
public page) to the members' page, proves who they are (name, resident ID on the roster, the
code sent by SMS to the phone on record), sees the collective's assets, and files an objection,
which becomes a complaint in the public channel with a tracking code."""

import datetime
import logging
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from oversight.collective import services
from oversight.public.models import Complaint

pytestmark = pytest.mark.browser

ID = "410184196001010011"


def test_a_villager_verifies_sees_the_assets_and_objects_at_phone_width(
    collective_county, live_server, browser, caplog
):
    c = collective_county
    coll = c.coll1
    services.member_add(
        actor=c.supervisor, collective=coll, name="王建国", resident_id=ID, phone="13800000001"
    )
    pond = services.asset_register(
        actor=c.supervisor, collective=coll, code="ZC-001", name="东塘鱼塘", kind="water",
        area=Decimal("12.5"), unit="mu", registered_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    services.contract_add(
        actor=c.supervisor, asset=pond, number="HT-2024-01", counterparty="李某养殖户",
        starts_on=datetime.date(2024, 1, 1), ends_on=datetime.date(2028, 12, 31),
        area=Decimal("12.5"), yearly_rent=Decimal("3000"),
    )  # fmt: skip
    caplog.set_level(logging.INFO)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/p/collective/{c.village1a.code}/")
    expect(page.locator("[data-testid=lease]").first).to_contain_text("东塘鱼塘")
    page.get_by_role("link", name=re.compile("成员")).first.click()
    page.fill("input[name=name]", "王建国")
    page.fill("input[name=resident_id]", ID)
    page.locator("form[data-testid=start] button").click()
    expect(page.locator("form[data-testid=code]")).to_be_visible()
    code = re.findall(r"SMS to \S+: \D*(\d{6})", caplog.text)[-1]
    page.fill("input[name=code]", code)
    page.locator("form[data-testid=code] button").click()
    expect(page.locator("[data-testid=asset]").first).to_contain_text("东塘鱼塘")
    expect(page.locator("[data-testid=asset]").first).to_contain_text("李某养殖户")
    page.fill("textarea[name=text]", "鱼塘租金每亩240元，明显低于邻村，请核查。")
    page.click("[data-testid=object]")
    expect(page.locator("[data-testid=filed]")).to_be_visible()
    tracking = page.locator("[data-testid=tracking-code]").inner_text().strip()
    complaint = Complaint.objects.get()
    assert complaint.subject_node == c.village1a and "鱼塘租金" in complaint.content
    assert tracking and complaint.collective_objection.collective == coll
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide"
    assert errors == []
    context.close()
