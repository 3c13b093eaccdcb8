"""The public journey in a real browser: a fixed record's page shows its ledger badge, the
receipt downloads, and the standalone checker accepts it, then rejects it once a byte changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from oversight.ledger import services
from oversight.ledger.targets import TargetKind, register, unregister

pytestmark = pytest.mark.browser

CHECKER = Path(__file__).resolve().parents[3] / "tools" / "verify_receipt.py"
CONTENT = {"title": "2025年第一季度村务公开", "village": "Village 1a", "amount": "35800.00"}


def check(receipt: Path, key: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECKER), str(receipt), "--key", str(key)],
        capture_output=True,
        text=True,
    )


@pytest.fixture
def publication(transactional_db):
    rows = {"41": dict(CONTENT)}
    kind = register(
        TargetKind(type="test.publication", snapshot=rows.get, table="test_publication")
    )
    for n in range(5):
        services.record(
            actor=None, action="test.before", target=("test.thing", n), before=None, after=None
        )
    leaf = services.fix_record(
        actor=None, record_type="test.publication", record_id=41, content=CONTENT
    )
    yield leaf
    unregister(kind.type)


def test_it_shows_the_badge_and_the_receipt_verifies_offline(
    publication, live_server, page, tmp_path
):
    page.goto(f"{live_server.url}/ledger/records/{publication.index}/")
    badge = page.locator("[data-testid=ledger-badge]")
    expect(badge).to_be_visible()
    expect(badge).to_have_attribute("data-ledger-index", "5")
    expect(badge).to_contain_text("5")
    expect(page.locator("[data-testid=record-content]")).to_contain_text("2025年第一季度村务公开")

    with page.expect_download() as download:
        page.click("[data-testid=ledger-receipt]")
    receipt = tmp_path / download.value.suggested_filename
    download.value.save_as(receipt)
    assert receipt.name == "ledger-receipt-5.json"
    key = tmp_path / "ledger.vkey"
    key.write_bytes(page.request.get(f"{live_server.url}/ledger/key").body())

    accepted = check(receipt, key)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "VERIFIED" in accepted.stdout

    data = bytearray(receipt.read_bytes())
    position = data.index(b"35800.00")
    data[position] = ord("4")  # one byte of the record
    receipt.write_bytes(bytes(data))
    rejected = check(receipt, key)
    assert rejected.returncode == 1
    assert "FAILED at step content_digest" in rejected.stdout
