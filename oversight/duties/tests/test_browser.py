"""The duty year in a real browser: the commission issues its list to two towns; Town 2 reports;
Town 1's officer reports Town 2's words with evidence; the supervisor sees the copy beside its
source, returns it; Town 1 reports its own; the supervisor accepts and scores it and the live
ranking moves; the year is frozen and the result document downloaded."""

from datetime import date

import pytest
from playwright.sync_api import expect

from oversight.conftest import pick_unit, sign_in
from oversight.duties.models import DutyReport
from oversight.loop import services as loop

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4 the plan, signed\n%%EOF"
COPIED = (
    "本年度工作计划经党委会研究通过，明确了党风廉政建设主体责任的十二项具体任务，"
    "逐项落实到班子成员和各科室，每季度召开专题会议听取汇报，年底开展述责述廉。"
)


def test_issue_report_return_a_copy_score_rank_and_freeze_the_year(
    duties_county, duty_list, live_server, page, tmp_path, today
):
    c = duties_county
    base = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/duties/{duty_list.pk}/")
    page.click("[data-testid=issue]")
    form = page.locator("form:has([data-testid=save-issue])")
    pick_unit(page, "nodes", search="Town 1", value=c.town1.pk)
    pick_unit(page, "nodes", search="Town 2", value=c.town2.pk)
    form.locator("[data-testid=save-issue]").click()
    expect(page.locator(".messages")).to_be_visible()
    plan1 = DutyReport.objects.get(
        unit_list__node=c.town1, duty_item__title="Write the year's plan"
    )
    plan2 = DutyReport.objects.get(
        unit_list__node=c.town2, duty_item__title="Write the year's plan"
    )
    # Town 2 wrote its plan first (its own words)
    loop.item_transition(item=plan2.item, name="submit", actor=c.town2_officer, comment=COPIED)

    evidence = tmp_path / "plan.pdf"
    evidence.write_bytes(PDF)
    sign_in(page, base, "town1")
    page.goto(f"{base}/duties/reports/{plan1.item_id}/")
    form = page.locator("form:has([data-testid=do-submit])")
    form.locator("textarea[name=comment]").fill(COPIED)
    form.locator("input[name=files]").set_input_files(str(evidence))
    page.click("[data-testid=do-submit]")
    expect(page).to_have_url(f"{base}/duties/reports/{plan1.item_id}/")
    expect(page.locator("a", has_text="plan.pdf")).to_be_visible()

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/duties/reports/{plan1.item_id}/")
    expect(page.locator("[data-testid=copied]")).to_contain_text("Town 2")
    page.locator("form:has([data-testid=do-return]) textarea[name=comment]").fill(
        "Copied from Town 2's plan: write your own."
    )
    page.click("[data-testid=do-return]")
    expect(page.locator("[data-testid=item-state]")).to_contain_text("退回")

    sign_in(page, base, "town1")
    page.goto(f"{base}/duties/reports/{plan1.item_id}/")
    page.locator("form:has([data-testid=do-submit]) textarea[name=comment]").fill(
        "镇党委制定年度计划，针对村级财务公开滞后的问题，安排三次专项检查并公开结果。"
    )
    page.click("[data-testid=do-submit]")

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/duties/ranking/?list={duty_list.pk}")
    town1_row = page.locator("tr", has_text="Town 1")
    expect(town1_row.locator("[data-testid=percent]")).to_have_text("—")
    page.goto(f"{base}/duties/reports/{plan1.item_id}/")
    expect(page.locator("[data-testid=copied]")).to_have_count(0)
    page.click("summary[data-testid=score]")
    form = page.locator("form:has([data-testid=save-score])")
    if form.locator("input[name=score]").count():
        form.locator("input[name=score]").fill("30")
    else:
        form.locator("input[name=value]").fill("1")
    form.locator("[data-testid=save-score]").click()
    expect(page.locator("[data-testid=report-score]")).to_be_visible()
    page.goto(f"{base}/duties/ranking/?list={duty_list.pk}")
    expect(page.locator("tr", has_text="Town 1").locator("[data-testid=percent]")).not_to_have_text(
        "—"
    )

    today(date(2026, 3, 20))
    page.goto(f"{base}/duties/{duty_list.pk}/assessment/")
    form = page.locator("form:has([data-testid=freeze])")
    form.locator("select[name=method]").select_option("thresholds")
    form.locator("input[name=excellent]").fill("90")
    form.locator("input[name=good]").fill("70")
    form.locator("input[name=fair]").fill("50")
    form.locator("input[name=appeal_until]").fill("2026-03-31")
    page.click("[data-testid=freeze]")
    expect(page.locator("[data-testid=frozen-on]")).to_have_text("2026-03-20")
    page.click("[data-testid=publish]")
    with page.expect_download() as download:
        page.click("[data-testid=result-document]")
    assert download.value.suggested_filename.endswith(".docx")
    assert errors == []
