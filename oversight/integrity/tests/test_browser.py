"""The opinion journey in a real browser: HR's list of five candidates is pasted, the opinions
are drafted by the rule table (one vetoed by a sanction in its period), a reviewer reviews, a
signer signs, and the signed opinions and the covering letter are downloaded as Word files."""

import datetime

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from oversight.conftest import PASSWORD
from oversight.integrity import services
from oversight.loop import timing
from oversight.orgs import services as org_services
from oversight.orgs.demo import grant_permissions

pytestmark = pytest.mark.browser

OPINIONS = ["integrity:opinion:draft", "integrity:opinion:review", "integrity:opinion:sign"]


def sign_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/orgs/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page.locator("h1")).to_be_visible()


def test_hr_list_of_five_is_drafted_reviewed_signed_and_downloaded(
    icounty, live_server, page, settings, tmp_path, today
):
    settings.MEDIA_ROOT = tmp_path
    # the opinion is drafted by the server on the real day: the loop's day is the same here, so
    # the sanction below lies in its influence period for both (on any date of the year)
    today(timezone.localdate())
    c = icounty
    grant_permissions({"supervisor": OPINIONS})
    for name in ("reviewer", "signer"):
        org_services.account_save(
            account=None,
            username=name,
            display_name=name,
            org_node=c.commission,
            person=None,
            roles=[c.role_supervisor],
            password=PASSWORD,
        )
    candidates = [c.p_town1, c.p_town2, c.p_unit_a, c.p_unit_b, c.p_cadre]
    for person in candidates:
        services.matter_report_submit(
            actor=c.supervisor, person=person, kind="yearly", year=2025, entries=[("salary", "x")]
        )
    services.sanction_add(
        actor=c.supervisor,
        person=c.p_town2,
        kind="admin_warning",
        # within the warning's six-month influence period whatever today is
        decided_on=timing.today() - datetime.timedelta(days=30),
        authority="County commission",
        summary="facts of the warning",
    )
    base = live_server.url

    sign_in(page, base, "supervisor")
    page.goto(f"{base}/integrity/opinions/")
    page.fill("input[name=requester]", "County organisation department")
    page.select_option("select[name=purpose]", "promotion")
    page.fill("textarea[name=resident_ids]", "\n".join(p.resident_id for p in candidates))
    page.click("[data-testid=draft-opinions]")
    opinions = page.locator("[data-testid=opinion]")
    expect(opinions).to_have_count(5)
    expect(page.locator("[data-testid=opinion][data-verdict=veto]")).to_have_count(1)
    expect(page.locator("[data-testid=opinion][data-verdict=veto]")).to_contain_text(c.p_town2.name)
    assert page.locator("[data-testid=cite]").count() >= 5
    request_url = page.url
    page.click("[data-testid=do-submit]")
    expect(page.locator("[data-testid=do-submit]")).to_have_count(0)
    expect(page.locator("[data-testid=download]")).to_have_count(0)

    sign_in(page, base, "reviewer")
    page.goto(request_url)
    page.click("[data-testid=do-review]")
    expect(page.locator("[data-testid=do-review]")).to_have_count(0)
    expect(page.locator("[data-testid=download]")).to_have_count(0)

    sign_in(page, base, "signer")
    page.goto(request_url)
    page.click("[data-testid=do-sign]")
    # the step returns to the page it was taken on: the opinions, now signed
    expect(page).to_have_url(request_url)
    expect(page.locator("[data-testid=download]")).to_have_count(5)

    names = set()
    for index in range(5):
        with page.expect_download() as info:
            page.locator("[data-testid=download]").nth(index).click()
        target = tmp_path / f"opinion-{index}.docx"
        info.value.save_as(target)
        assert info.value.suggested_filename.endswith(".docx")
        text = "\n".join(p.text for p in Document(target).paragraphs)
        names |= {p.name for p in candidates if p.name in text}
    assert names == {p.name for p in candidates}

    with page.expect_download() as info:
        page.click("[data-testid=download-letter]")
    letter = tmp_path / "letter.docx"
    info.value.save_as(letter)
    rows = [[cell.text for cell in row.cells] for row in Document(letter).tables[0].rows]
    assert sorted(row[1] for row in rows[1:]) == sorted(p.name for p in candidates)
