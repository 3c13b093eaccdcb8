"""The public endpoints: no sign-in, proofs that verify, and 400s that name the parameter."""

from __future__ import annotations

import base64

import pytest

from oversight.ledger import keys, services
from oversight.ledger.models import Checkpoint
from oversight.ledger.tlog import (
    Verifier,
    leaf_hash,
    open_note,
    verify_consistency,
    verify_inclusion,
)


def b64list(items):
    return [base64.b64decode(item) for item in items]


@pytest.fixture
def log(county):
    for n in range(13):
        services.record(
            actor=county.town1_officer,
            action="test.event",
            target=("test.thing", n),
            before=None,
            after={"n": n},
        )
    services.issue_checkpoint()  # as the worker does
    return county


@pytest.mark.django_db
def test_it_serves_the_key_and_a_signed_checkpoint(log, client):
    vkey = client.get("/ledger/key")
    assert vkey.status_code == 200 and vkey["Content-Type"].startswith("text/plain")
    verifier = Verifier.from_vkey(vkey.content.decode())
    assert verifier.vkey == keys.verifier().vkey
    response = client.get("/ledger/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    checkpoint = open_note(response.content, verifier, origin="test.oversight/ledger")
    assert checkpoint.size == 13


@pytest.mark.django_db
def test_a_request_never_signs_a_checkpoint_it_serves_what_the_worker_signed(log, client):
    Checkpoint.objects.all().delete()
    response = client.get("/ledger/checkpoint", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "has not signed a checkpoint yet" in response.json()["error"]
    assert response["Retry-After"] == "60"
    assert not Checkpoint.objects.exists()
    services.issue_checkpoint()
    services.record(actor=None, action="test.more", target=("t", 1), before=None, after=None)
    response = client.get("/ledger/checkpoint")
    assert response.status_code == 200
    assert response.content.decode().split("\n")[1] == "13"  # not 14: nothing signed on a GET
    assert Checkpoint.objects.count() == 1


@pytest.mark.django_db
def test_it_serves_leaves_and_inclusion_proofs_that_verify(log, client):
    checkpoint = open_note(client.get("/ledger/checkpoint").content, keys.verifier())
    for index in (0, 6, 12):
        leaf = client.get(f"/ledger/leaf/{index}")
        assert leaf.status_code == 200 and leaf["Content-Type"] == "application/json"
        response = client.get(f"/ledger/proof/inclusion?index={index}&size={checkpoint.size}")
        assert response.status_code == 200
        body = response.json()
        assert base64.b64decode(body["leaf_hash"]) == leaf_hash(leaf.content)
        verify_inclusion(
            leaf_index=index,
            tree_size=body["tree_size"],
            leaf_hash=leaf_hash(leaf.content),
            proof=b64list(body["inclusion_proof"]),
            root=checkpoint.root,
        )


@pytest.mark.django_db
def test_it_serves_consistency_proofs_between_checkpoints(log, client):
    first = open_note(client.get("/ledger/checkpoint").content, keys.verifier())
    for n in range(5):
        services.record(
            actor=None, action="test.more", target=("test.thing", n), before=None, after=None
        )
    services.issue_checkpoint()
    second = open_note(client.get("/ledger/checkpoint").content, keys.verifier())
    assert (first.size, second.size) == (13, 18)
    body = client.get(f"/ledger/proof/consistency?from={first.size}&to={second.size}").json()
    verify_consistency(
        size1=first.size,
        size2=second.size,
        root1=first.root,
        root2=second.root,
        proof=b64list(body["consistency_proof"]),
    )
    assert client.get("/ledger/proof/consistency?from=18&to=18").json()["consistency_proof"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/ledger/proof/inclusion?size=5", "index"),
        ("/ledger/proof/inclusion?index=x&size=5", "index"),
        ("/ledger/proof/inclusion?index=-1&size=5", "index"),
        ("/ledger/proof/inclusion?index=1", "size"),
        ("/ledger/proof/inclusion?index=1&size=0", "size"),
        ("/ledger/proof/inclusion?index=1&size=99", "size"),
        ("/ledger/proof/inclusion?index=5&size=5", "index"),
        ("/ledger/proof/inclusion?index=%EF%BC%91&size=5", "index"),  # a full-width digit
        ("/ledger/proof/consistency?to=5", "from"),
        ("/ledger/proof/consistency?from=0&to=5", "from"),
        ("/ledger/proof/consistency?from=6&to=5", "from"),
        ("/ledger/proof/consistency?from=1&to=14", "to"),
        ("/ledger/proof/consistency?from=1&to=1.5", "to"),
        ("/ledger/leaf/abc", "index"),
        ("/ledger/leaf/99999999999999999999999", "index"),
        ("/ledger/receipt/x", "index"),
    ],
)
def test_it_answers_400_naming_the_bad_parameter(log, client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == parameter
    assert body["error"]


@pytest.mark.django_db
def test_it_answers_404_for_a_leaf_beyond_the_log_and_405_for_writes(log, client):
    assert client.get("/ledger/leaf/13").status_code == 404
    assert client.post("/ledger/checkpoint").status_code == 405
    assert client.get("/ledger/receipt/3").status_code == 404  # not a fixed record


@pytest.mark.django_db
def test_it_answers_503_when_no_signing_key_exists(db, client, settings, tmp_path):
    settings.LEDGER_SIGNING_KEY_FILE = str(tmp_path / "absent.pem")
    response = client.get("/ledger/key", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "signing key is not configured" in response.json()["error"]
