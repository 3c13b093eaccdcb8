"""In a real browser: Village 1a's clerk proposes a reimbursement with its invoice; Town 1's
officer finds it in the queue and approves it; the village's public page then shows it with
the payee masked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from oversight.collective.models import Reimbursement
from oversight.conftest import sign_in

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_village_proposes_town_approves_public_sees_it(review_county, live_server, page, tmp_path):
    c = review_county
    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    invoice = tmp_path / "invoice.png"
    invoice.write_bytes(PNG)
    sign_in(page, base, "clerk1a")
    page.goto(f"{base}/collective/reimbursements/")
    form = page.locator("[data-testid=propose] form")
    form.locator("input[name=payee]").fill("张三丰")
    form.locator("input[name=purpose]").fill("修水渠材料")
    form.locator("input[name=amount]").fill("860.00")
    form.locator("select[name=category]").select_option("operating_cost")
    form.locator("input[name=spent_on]").fill("2026-02-20")
    form.locator("input[name=files]").set_input_files(str(invoice))
    page.click("[data-testid=propose-submit]")
    expect(page.locator("[data-testid=reimbursement]")).to_contain_text("修水渠材料")
    r = Reimbursement.objects.get()
    sign_in(page, base, "town1")
    page.goto(f"{base}/collective/reimbursements/?state=awaiting")
    page.get_by_role("link", name="修水渠材料").click()
    page.click("[data-testid=do-approve]")
    expect(page.locator("[data-testid=entry]")).to_contain_text(f"BX-{r.pk}")
    page.goto(f"{base}/p/collective/{c.village1a.code}/")
    item = page.locator("[data-testid=reimbursement]").first
    expect(item).to_contain_text("修水渠材料")
    expect(item).to_contain_text("张*丰")
    assert errors == []
