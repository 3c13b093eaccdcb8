"""The supervisor's journey: open a unit's portrait, see its radar drawn and its lost points,
draft the portrait's documents in one click and reach them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from oversight.conftest import PASSWORD
from oversight.ecology import rounds
from oversight.ecology.models import Portrait

pytestmark = pytest.mark.browser


def test_the_supervisor_opens_a_portrait_sees_its_radar_and_drafts_its_documents(
    system, eco_county, live_server, page
):
    c = eco_county
    round_ = rounds.round_create(
        actor=c.supervisor,
        system=system,
        title="2026",
        units=[c.town1, c.town2],
        warning_below=Decimal(60),
    )
    rounds.round_compute(actor=c.supervisor, round_=round_, on=date(2026, 3, 2))
    portrait = Portrait.objects.get(round=round_, node=c.town1)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/orgs/login/?next=/ecology/portraits/{portrait.pk}/")
    page.fill("input[name=username]", c.supervisor.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login]")
    expect(page.locator("[data-radar][data-drawn='1'] canvas")).to_have_count(1)
    expect(page.locator("[data-testid='lost-2.1']")).to_be_visible()
    expect(page.locator("[data-testid=warning-proposed]")).to_be_visible()
    page.click("[data-testid=draft-documents]")
    for doc_type in ("feedback_suggestion", "warning_notice", "supervision_opinion",
                     "evaluation_report"):  # fmt: skip
        expect(page.locator(f"[data-testid='document-{doc_type}']")).to_be_visible()
    page.locator("[data-testid='document-evaluation_report'] a").click()
    expect(page).to_have_url(re.compile(r"/documents/drafts/\d+/"))
    assert errors == []
