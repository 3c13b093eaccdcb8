"""What a leaf publishes (format 2): digests, the action, the target's type and the minute; the
actor, its org node, the record's id (unless the record is public), the exact time and every
detail stay in the row behind a salted commitment, which verify_ledger and receipts check.
Leaves written in format 1 keep their bytes and still verify."""

from __future__ import annotations

import base64
import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import F

from oversight.conftest import client_for
from oversight.ledger import keys, leaves, selectors, services
from oversight.ledger.models import Leaf
from oversight.ledger.tlog import (
    ReceiptError,
    leaf_hash,
    open_note,
    verify_inclusion,
    verify_receipt,
)
from oversight.lib.canonical import digest
from oversight.orgs.models import Role

from .test_verify import verify

CHECKER = Path(__file__).resolve().parents[3] / "tools" / "verify_receipt.py"
REASON = "回访举报人王小明 about TS-2025-0042"
MINUTE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ")
PUBLIC_KEYS = {"v", "index", "at", "action", "target", "before", "after", "commitment"}


def identity_view(county) -> Leaf:
    return services.record(
        actor=county.town1_officer,
        action="test.identity.view",
        target=("test.complaint", 4242),
        before=None,
        after=None,
        details={"reason": REASON, "reference": "TS-2025-0042"},
    )


@pytest.mark.django_db
def test_a_leaf_with_free_text_publishes_no_text_no_ids_and_no_seconds(county, client):
    leaf = identity_view(county)
    response = client.get(f"/ledger/leaf/{leaf.index}")
    assert response.status_code == 200
    served = response.content
    fields = json.loads(served)
    assert set(fields) == PUBLIC_KEYS
    assert fields["action"] == "test.identity.view"
    assert fields["target"] == {"type": "test.complaint"}
    assert MINUTE.fullmatch(fields["at"])
    text = served.decode()
    for secret in ("王小明", "TS-2025-0042", "reason", "actor", "node", "salt"):
        assert secret not in text
    # The row keeps all of it, and the opening's digest is the published commitment.
    assert json.loads(leaf.details) == {"reason": REASON, "reference": "TS-2025-0042"}
    opening = json.loads(selectors.opening_text(Leaf.objects.get(index=leaf.index)))
    assert opening["actor"] == county.town1_officer.pk
    assert opening["actor_node"] == county.town1_officer.org_node_id
    assert opening["target_id"] == "4242"
    assert opening["details"]["reason"] == REASON
    assert datetime.datetime.fromisoformat(opening["at"]) == leaf.at
    assert digest(opening) == fields["commitment"]


@pytest.mark.django_db
def test_staff_in_scope_see_the_details_and_the_opening(county):
    leaf = identity_view(county)
    Role.objects.filter(pk=county.role_town.pk).update(
        permissions=county.role_town.permissions + ["ledger:audit:view"]
    )
    page = client_for(county.town1_officer).get(f"/ledger/trace/{leaf.index}/")
    assert page.status_code == 200
    assert ("reason", REASON) in page.context["protected"]
    assert 'data-testid="leaf-opening"' in page.content.decode()
    assert digest(json.loads(page.context["opening"])) == json.loads(bytes(leaf.data))["commitment"]
    outsider = client_for(county.town2_officer).get(f"/ledger/trace/{leaf.index}/")
    assert outsider.status_code == 404


@pytest.mark.django_db
def test_only_a_public_fixed_record_names_its_id(county):
    public = services.fix_record(
        actor=county.clerk, record_type="test.reply", record_id=31, content={"text": "done"}
    )
    closed = services.fix_record(
        actor=county.clerk,
        record_type="test.file",
        record_id=32,
        content={"closed": True},
        public=False,
    )
    assert json.loads(bytes(public.data))["target"] == {"type": "test.reply", "id": "31"}
    assert json.loads(bytes(closed.data))["target"] == {"type": "test.file"}


def _update(index, **values):
    Leaf.objects.filter(index=index).update(**values)


TAMPERING = {
    "details": lambda leaf, county: _update(leaf.index, details='{"reason":"routine"}'),
    "salt": lambda leaf, county: _update(leaf.index, private=json.dumps({"salt": "00" * 16})),
    "actor": lambda leaf, county: _update(leaf.index, actor_id=county.clerk.pk),
    "actor_node": lambda leaf, county: _update(leaf.index, actor_node_id=county.town2.pk),
    "target_id": lambda leaf, county: _update(leaf.index, target_id="4243"),
    "at": lambda leaf, county: _update(leaf.index, at=F("at") + datetime.timedelta(seconds=1)),
}


@pytest.mark.django_db
@pytest.mark.parametrize("column", sorted(TAMPERING))
def test_verify_ledger_names_a_private_column_changed_behind_the_platform(county, column):
    services.record(actor=None, action="test.before", target=("t", 1), before=None, after=None)
    leaf = identity_view(county)
    services.issue_checkpoint()
    assert verify()[1]
    TAMPERING[column](leaf, county)
    output, ok = verify()
    assert not ok
    lines = [line for line in output.splitlines() if line.startswith("MISMATCH")]
    assert len(lines) == 1, output
    assert lines[0].startswith(
        f"MISMATCH ledger_leaf row {leaf.index} (leaf {leaf.index}): the stored leaf bytes differ"
    )
    assert "commitment" in lines[0]


@pytest.mark.django_db
def test_verify_ledger_names_a_closed_file_made_public_behind_the_platform(county, client):
    closed = services.fix_record(
        actor=county.clerk, record_type="test.file", record_id=5, content={"x": 1}, public=False
    )
    _update(closed.index, content_public=True)
    output, ok = verify()
    assert not ok
    assert f"ledger_leaf row {closed.index} (leaf {closed.index}): " in output
    assert "(differing keys: target)" in output


@pytest.mark.django_db
def test_a_staff_receipt_carries_the_opening_and_checks_it_offline(county, tmp_path):
    leaf = services.fix_record(
        actor=county.town1_officer,
        record_type="test.file",
        record_id=77,
        content={"closed": True},
        public=False,
    )
    Role.objects.filter(pk=county.role_town.pk).update(
        permissions=county.role_town.permissions + ["ledger:audit:view"]
    )
    client = client_for(county.town1_officer)
    response = client.get(f"/ledger/receipt/{leaf.index}")
    assert response.status_code == 200
    receipt = json.loads(response.content)
    assert receipt["opening"]["target_id"] == "77"
    assert receipt["opening"]["actor"] == county.town1_officer.pk
    verified = verify_receipt(receipt, keys.verifier())
    assert verified.opening == receipt["opening"]

    path, key = tmp_path / "receipt.json", tmp_path / "key.pub"
    path.write_bytes(response.content)
    key.write_bytes(client.get("/ledger/key").content)
    ok = subprocess.run(
        [sys.executable, str(CHECKER), str(path), "--key", str(key)], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK commitment: the leaf commits to record 77" in ok.stdout

    forged = dict(receipt, opening={**receipt["opening"], "actor": county.clerk.pk})
    with pytest.raises(ReceiptError) as failure:
        verify_receipt(forged, keys.verifier())
    assert failure.value.step == "commitment"
    path.write_text(json.dumps(forged))
    bad = subprocess.run(
        [sys.executable, str(CHECKER), str(path), "--key", str(key)], capture_output=True, text=True
    )
    assert bad.returncode == 1 and "FAILED at step commitment" in bad.stdout


@pytest.mark.django_db
def test_a_public_receipt_names_the_record_and_no_one(county, client, tmp_path):
    leaf = services.fix_record(
        actor=county.clerk, record_type="test.reply", record_id=8, content={"text": "done"}
    )
    response = client.get(f"/ledger/receipt/{leaf.index}")
    receipt = json.loads(response.content)
    assert "opening" not in receipt
    assert verify_receipt(receipt, keys.verifier()).leaf_fields["target"]["id"] == "8"
    path, key = tmp_path / "receipt.json", tmp_path / "key.pub"
    path.write_bytes(response.content)
    key.write_bytes(client.get("/ledger/key").content)
    ok = subprocess.run(
        [sys.executable, str(CHECKER), str(path), "--key", str(key)], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout
    assert "OK record: the leaf names test.reply 8" in ok.stdout
    assert "commitment" not in ok.stdout


@pytest.fixture
def mixed(county, format_1):
    """Four leaves written in format 1 (one with a protected reporter, one a public record),
    a checkpoint, then leaves in format 2 and another checkpoint."""
    with format_1():
        services.record(
            actor=county.town1_officer,
            action="test.complaint.receive",
            target=("test.complaint", 5),
            before=None,
            after={"state": "new"},
            details={"reporter": "Li Si", "reason": "free text"},
        )
        services.record(actor=None, action="test.tick", target=("t", 1), before=None, after=None)
        old_reply = services.fix_record(
            actor=county.clerk, record_type="test.reply", record_id=3, content={"text": "old"}
        )
        services.record(actor=None, action="test.tick", target=("t", 2), before=None, after=None)
    services.issue_checkpoint()
    identity_view(county)
    services.fix_record(
        actor=county.clerk, record_type="test.reply", record_id=4, content={"text": "new"}
    )
    services.issue_checkpoint()
    county.old_reply = old_reply
    return county


@pytest.mark.django_db
def test_leaves_written_in_format_1_keep_their_bytes_and_still_verify(mixed, client):
    versions = [leaves.version_of(bytes(d)) for d in Leaf.objects.values_list("data", flat=True)]
    assert versions == [1, 1, 1, 1, 2, 2]
    first = json.loads(bytes(Leaf.objects.get(index=0).data))
    assert first["v"] == 1 and first["actor"] == mixed.town1_officer.pk
    assert first["details"]["reporter"] != "Li Si"
    output, ok = verify()
    assert ok, output
    assert "ledger verified: 6 leaves" in output


@pytest.mark.django_db
def test_a_format_1_leaf_is_withheld_from_the_public_but_its_hash_proves_it(mixed, client):
    response = client.get("/ledger/leaf/0", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    body = response.json()
    assert "first format" in body["error"] and b"Li Si" not in response.content
    hashed = base64.b64decode(body["leaf_hash"])
    assert hashed == leaf_hash(bytes(Leaf.objects.get(index=0).data))
    checkpoint = open_note(client.get("/ledger/checkpoint").content, keys.verifier())
    proof = client.get(f"/ledger/proof/inclusion?index=0&size={checkpoint.size}").json()
    verify_inclusion(
        leaf_index=0,
        tree_size=checkpoint.size,
        leaf_hash=hashed,
        proof=[base64.b64decode(item) for item in proof["inclusion_proof"]],
        root=checkpoint.root,
    )
    assert client.get("/ledger/leaf/4").status_code == 200


@pytest.mark.django_db
def test_a_format_1_receipt_still_verifies(mixed, client):
    receipt = json.loads(client.get(f"/ledger/receipt/{mixed.old_reply.index}").content)
    assert "opening" not in receipt
    verified = verify_receipt(receipt, keys.verifier())
    assert verified.leaf_fields["v"] == 1 and verified.record == {"text": "old"}


@pytest.mark.django_db
def test_tampering_with_a_format_1_leaf_is_still_named(mixed):
    secret = json.loads(Leaf.objects.get(index=0).private)
    secret["reporter"]["value"] = "Zhang San"
    _update(0, private=json.dumps(secret))
    _update(1, action="test.tock")
    output, ok = verify()
    assert not ok
    assert "ledger_leaf row 0 (leaf 0): the protected detail reporter does not match" in output
    assert (
        "ledger_leaf row 1 (leaf 1): the stored leaf bytes differ from its columns (differing keys: action)"
        in output
    )


@pytest.mark.django_db
def test_the_entry_page_of_a_format_1_leaf_shows_its_protected_values_and_no_opening(mixed):
    page = client_for(mixed.admin).get("/ledger/trace/0/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["protected"] == [("reporter", "Li Si")]
    assert page.context["opening"] == "" and not page.context["published"]
    assert "these bytes are not published" in page.content.decode()
