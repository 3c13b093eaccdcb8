"""Fixed records: receipts that verify offline, the badge, the public page, and who may download."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.conftest import client_for
from oversight.ledger import keys, selectors, services
from oversight.ledger.models import Checkpoint
from oversight.ledger.targets import TargetKind, register, unregister
from oversight.ledger.tlog import ReceiptError, verify_receipt
from oversight.orgs.models import Role

CHECKER = Path(__file__).resolve().parents[3] / "tools" / "verify_receipt.py"
CONTENT = {"title": "村务公开 2025 Q1", "amount": "1200.50", "items": [1, 2], "published": True}


@pytest.fixture
def publications():
    """A module's fixed records, with a way to re-read them (a dict standing in for its table)."""
    rows = {"7": dict(CONTENT)}
    kind = register(
        TargetKind(type="test.publication", snapshot=rows.get, table="test_publication")
    )
    yield rows
    unregister(kind.type)


@pytest.mark.django_db
def test_it_builds_a_receipt_that_verifies_issuing_a_checkpoint_when_needed(
    county, publications, client
):
    services.record(
        actor=None, action="test.before", target=("test.thing", 1), before=None, after=None
    )
    leaf = services.fix_record(
        actor=county.clerk, record_type="test.publication", record_id=7, content=CONTENT
    )
    assert not Checkpoint.objects.exists()
    response = client.get(f"/ledger/receipt/{leaf.index}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ledger-receipt-1.json"'
    receipt = json.loads(response.content)
    assert Checkpoint.objects.get().size == 2
    verified = verify_receipt(receipt, keys.verifier())
    assert verified.record == CONTENT and verified.index == 1
    tampered = json.loads(response.content)
    tampered["record"]["amount"] = "1200.51"
    with pytest.raises(ReceiptError) as failure:
        verify_receipt(tampered, keys.verifier())
    assert failure.value.step == "content_digest"


@pytest.mark.django_db
def test_the_standalone_checker_accepts_the_receipt_and_rejects_a_changed_one(
    county, publications, client, tmp_path
):
    leaf = services.fix_record(
        actor=None, record_type="test.publication", record_id=7, content=CONTENT
    )
    for n in range(6):  # the receipt uses the latest checkpoint, which covers later leaves too
        services.record(
            actor=None, action="test.after", target=("test.thing", n), before=None, after=None
        )
    services.issue_checkpoint()
    receipt = tmp_path / "receipt.json"
    receipt.write_bytes(client.get(f"/ledger/receipt/{leaf.index}").content)
    key = tmp_path / "key.pub"
    key.write_bytes(client.get("/ledger/key").content)
    ok = subprocess.run(
        [sys.executable, str(CHECKER), str(receipt), "--key", str(key)],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "VERIFIED" in ok.stdout
    receipt.write_bytes(receipt.read_bytes().replace(b"1200.50", b"1200.58"))
    bad = subprocess.run(
        [sys.executable, str(CHECKER), str(receipt), "--key", str(key)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert "FAILED at step content_digest" in bad.stdout


@pytest.mark.django_db
def test_the_badge_says_where_the_record_is_fixed_and_whether_it_still_matches(
    county, publications
):
    assert selectors.fixed_badge(record_type="test.publication", record_id=7) is None
    services.fix_record(actor=None, record_type="test.publication", record_id=7, content=CONTENT)
    leaf = services.fix_record(
        actor=None,
        record_type="test.publication",
        record_id=7,
        content=CONTENT,
        action="test.republish",
    )
    badge = selectors.fixed_badge(record_type="test.publication", record_id="7")
    assert badge.index == leaf.index == 1
    assert badge.intact is True
    assert badge.receipt_url == "/ledger/receipt/1" and badge.record_url == "/ledger/records/1/"
    publications["7"]["title"] = "quietly changed"
    assert selectors.fixed_badge(record_type="test.publication", record_id=7).intact is False


@pytest.mark.django_db
def test_the_public_page_shows_the_record_and_its_badge(county, publications, client):
    leaf = services.fix_record(
        actor=None, record_type="test.publication", record_id=7, content=CONTENT
    )
    page = client.get(f"/ledger/records/{leaf.index}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "村务公开 2025 Q1" in html
    assert 'data-testid="ledger-badge" data-ledger-index="0"' in html
    assert "/ledger/receipt/0" in html
    publications["7"]["title"] = "quietly changed"
    assert (
        'data-testid="ledger-badge-changed"'
        in client.get(f"/ledger/records/{leaf.index}/").content.decode()
    )


@pytest.mark.django_db
def test_a_non_public_fixed_record_is_only_for_supervisors_in_scope(county, client):
    leaf = services.fix_record(
        actor=county.town1_officer,
        record_type="test.file",
        record_id=3,
        content={"closed": True},
        public=False,
    )
    assert client.get(f"/ledger/receipt/{leaf.index}").status_code == 404
    assert client.get(f"/ledger/records/{leaf.index}/").status_code == 404
    Role.objects.filter(pk=county.role_town.pk).update(
        permissions=county.role_town.permissions + ["ledger:audit:view"]
    )
    assert client_for(county.town2_officer).get(f"/ledger/receipt/{leaf.index}").status_code == 404
    assert client_for(county.clerk).get(f"/ledger/receipt/{leaf.index}").status_code == 404
    allowed = client_for(county.town1_officer).get(f"/ledger/receipt/{leaf.index}")
    assert allowed.status_code == 200
    assert json.loads(allowed.content)["record"] == {"closed": True}
