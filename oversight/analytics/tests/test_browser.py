"""The comparison-model journey in a real browser: register a source with a column mapping,
upload a CSV with bad rows, read and accept the report, run the library, open a warning with
its evidence, turn it into a clue, and dispose of it by preliminary verification (初步核实)
after the leader's endorsement and the head's approval."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from oversight.analytics.models import AnalysisRun, DataSource, ImportRun, Warning
from oversight.conftest import PASSWORD, pick_unit
from oversight.loop.models import WorkItem

from .conftest import DEAD_TOWN1, DEAD_TOWN2, PAYMENTS, csv_bytes, person_id

pytestmark = pytest.mark.browser


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/orgs/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page.locator("h1")).to_be_visible()


def test_it_goes_from_an_upload_to_a_clue_under_preliminary_verification(
    county_a, source_of, upload, live_server, page, tmp_path
):
    payments = source_of("payments", "benefit_payments")
    run = upload(payments, county_a.supervisor, csv_bytes(PAYMENTS))
    from oversight.analytics import services

    services.import_accept(run=run, actor=county_a.supervisor)

    base = live_server.url
    sign_in(page, base, "supervisor")
    # Register the deaths of the civil-affairs bureau, whose file calls the ID column 身份证.
    page.goto(f"{base}/analytics/sources/")
    page.click("[data-testid=new-source]")
    page.fill("input[name=name]", "civil-deaths")
    page.fill("input[name=label]", "Deaths (civil affairs)")
    page.select_option("select[name=kind]", "deaths")
    expect(page.locator("input[name=map__resident_id]")).to_be_visible()
    page.fill("input[name=map__resident_id]", "身份证")
    pick_unit(page, "owner", search="commission", value=county_a.commission.pk)
    page.click("[data-testid=save]")
    expect(page.locator("h1")).to_have_text("Deaths (civil affairs)")
    saved = DataSource.objects.get(name="civil-deaths").mapping
    assert saved == {"resident_id": {"column": "身份证"}}

    # Upload a CSV with two bad rows: the report lists them; the good rows are kept on accept.
    rows = [
        {"身份证": DEAD_TOWN1, "姓名": "张一", "死亡日期": "2024-03-15"},
        {"身份证": DEAD_TOWN2, "姓名": "李二", "死亡日期": "2024-01-10"},
        {"身份证": "1234", "姓名": "坏号", "死亡日期": "2024-01-10"},
        {"身份证": person_id(20), "姓名": "无日", "死亡日期": "yesterday"},
    ]
    data = tmp_path / "deaths.csv"
    data.write_bytes(csv_bytes(rows))
    page.set_input_files("input[name=file]", str(data))
    page.click("[data-testid=upload]")
    # The mapping screen: the file's own headers and first rows, the saved column proposed.
    expect(page.locator("[data-testid=preview] th").nth(1)).to_have_text("身份证")
    expect(page.locator("select[name=col__resident_id]")).to_have_value("身份证")
    expect(page.locator("select[name=col__death_date]")).to_have_value("死亡日期")
    page.click("[data-testid=start-import]")
    expect(page.locator("[data-testid=import-status]")).to_be_visible()
    expect(page.locator("[data-testid=rejected-rows]")).to_have_text("2")
    expect(page.locator("[data-testid=rejections] tbody tr")).to_have_count(2)
    expect(page.locator("[data-testid=rejections] tr[data-row='4']")).to_have_attribute(
        "data-code", "resident_id.format"
    )
    page.click("[data-testid=accept]")
    expect(page.locator("[data-testid=accept]")).to_have_count(0)
    assert ImportRun.objects.get(source__name="civil-deaths").status == ImportRun.Status.ACCEPTED

    # Accepting compared the new data at once: a run of what it changed.
    changes = AnalysisRun.objects.latest("pk")
    assert changes.trigger["source"] == "civil-deaths"
    page.goto(f"{base}/analytics/runs/{changes.pk}/")
    expect(page.locator("#run-status")).to_have_attribute("data-status", "done")
    expect(page.locator("[data-testid=run-trigger]")).to_contain_text("civil-deaths")
    expect(page.locator("[data-testid=run-new]")).to_have_text("2")
    expect(page.locator("[data-testid=model-stats] tr[data-model=deceased_paid]")).to_be_visible()

    # Open the warning about Town 1 and read its evidence side by side.
    page.click("[data-testid=see-warnings]")
    warning = Warning.objects.get(subject_id=DEAD_TOWN1)
    page.locator(f"tr[data-warning='{warning.pk}'] a").click()
    expect(page.locator("[data-testid=evidence] [data-dataset=deaths]")).to_contain_text(DEAD_TOWN1)
    expect(page.locator("[data-testid=evidence] [data-dataset=benefit_payments]")).to_contain_text(
        "PAY-3"
    )
    expect(page.locator("[data-testid=match-method]")).to_contain_text("resident_id")

    # Turn it into a clue, and dispose of it by preliminary verification.
    pick_unit(
        page,
        "responsible_node",
        search="commission",
        value=county_a.commission.pk,
        within="[data-testid=clue-form]",
    )
    page.click("[data-testid=to-clue]")
    expect(page.locator("[data-testid=clue]")).to_be_visible()
    page.locator("form:has([data-testid=do-propose_verify]) textarea[name=comment]").fill(
        "Check the payment ledger and the bank statements"
    )
    page.click("[data-testid=do-propose_verify]")
    page.click("[data-testid=do-endorse_verify]")
    page.click("[data-testid=do-approve_verify]")
    expect(page.locator("[data-testid=do-approve_verify]")).to_have_count(0)
    item = WorkItem.objects.get(kind="analytics.clue")
    assert item.state == "verify"
    page.goto(f"{base}/analytics/clues/{item.pk}/")
    expect(page.locator("[data-testid=disposal]")).to_be_visible()
    warning.refresh_from_db()
    assert warning.status == Warning.Status.CLUE and warning.clue_id == item.pk
