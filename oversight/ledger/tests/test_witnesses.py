"""Witnesses in one process: the witness endpoint's state and refusals, and the platform getting
its own checkpoints cosigned (its submissions routed to the endpoint through the test client).
The two-platform journey over real HTTP is in test_witness_http.py."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from oversight.conftest import client_for
from oversight.ledger import keys, services, verify, witnessing
from oversight.ledger.models import (
    Checkpoint,
    Cosignature,
    Leaf,
    LogHead,
    Node,
    WitnessedLog,
    WitnessRefusal,
    WitnessSubmission,
)
from oversight.ledger.targets import TargetKind, register, unregister
from oversight.ledger.tlog import ReceiptError, verify_receipt
from oversight.ledger.tlog.checkpoint import Checkpoint as Body
from oversight.ledger.tlog.checkpoint import Signer, sign_checkpoint
from oversight.ledger.tlog.cosignature import (
    SIZE_CONTENT_TYPE,
    CosignatureVerifier,
    Cosigner,
    Reply,
    cosignatures,
    format_submission,
)
from oversight.ledger.tlog.merkle import MemoryStore, consistency_proof, leaf_hash, root

CHECKER = Path(__file__).resolve().parents[3] / "tools" / "verify_receipt.py"
ENDPOINT = "/ledger/witness/add-checkpoint"
OTHER = "other-county.example/ledger"


@pytest.fixture
def witness_key(settings, tmp_path):
    settings.LEDGER_WITNESS_KEY_FILE = str(tmp_path / "witness.pem")
    settings.LEDGER_WITNESS_KEY_CONFIGURED = True
    settings.LEDGER_WITNESS_NAME = "test.oversight/witness"
    from oversight.ledger.tlog import generate_private_key_pem

    Path(settings.LEDGER_WITNESS_KEY_FILE).write_bytes(generate_private_key_pem())
    yield keys.witness_cosigner()
    keys._load_cosigner.cache_clear()


class ForeignLog:
    """Another platform's log, in memory."""

    def __init__(self, prefix=b"entry"):
        self.signer = Signer.from_seed(OTHER, bytes(range(32)))
        self.store = MemoryStore()
        self.prefix = prefix

    def grow(self, n):
        for _ in range(n):
            self.store.append(leaf_hash(self.prefix + str(self.store.size).encode()))
        return self

    def body(self, old, size=None):
        size = self.store.size if size is None else size
        note = sign_checkpoint(Body(OTHER, size, root(self.store, size)), self.signer)
        proof = consistency_proof(self.store, old, size) if 0 < old < size else []
        return format_submission(old, proof, note)


def post(body):
    return Client().post(ENDPOINT, data=body, content_type="text/plain")


@pytest.fixture
def foreign(settings, witness_key):
    log = ForeignLog()
    settings.LEDGER_WITNESS_LOGS = [log.signer.verifier.vkey]
    return log


@pytest.mark.django_db
def test_the_witness_cosigns_a_consistent_log_and_keeps_its_head(foreign, witness_key):
    response = post(foreign.grow(4).body(0))
    assert response.status_code == 200
    line = response.content.decode()
    note = sign_checkpoint(Body(OTHER, 4, root(foreign.store, 4)), foreign.signer)
    assert list(cosignatures(note + line, [witness_key.verifier])) == [witness_key.name]
    assert post(foreign.grow(5).body(4)).status_code == 200
    head = WitnessedLog.objects.get()
    assert (head.origin, head.size, bytes(head.root)) == (OTHER, 9, root(foreign.store, 9))


@pytest.mark.django_db
def test_the_witness_refuses_a_fork_and_keeps_the_evidence(foreign, caplog):
    post(foreign.grow(6).body(0))
    forked = ForeignLog(prefix=b"rewritten").grow(8)
    with caplog.at_level(logging.ERROR, logger="oversight.ledger.witness"):
        response = post(forked.body(6))
    assert response.status_code == 422
    assert WitnessedLog.objects.get().size == 6
    refusal = WitnessRefusal.objects.get()
    assert (refusal.origin, refusal.status, refusal.witnessed_size, refusal.size) == (
        OTHER,
        422,
        6,
        8,
    )
    assert "not consistent" in refusal.message and refusal.request.startswith("old 6\n")
    assert "refused" in caplog.text
    # A rewrite of the same size: 409, kept too.
    assert post(forked.body(6, size=6)).status_code == 409
    assert WitnessRefusal.objects.count() == 2
    # The same refused checkpoint again (anyone may replay a public one) is not kept twice.
    assert post(forked.body(6)).status_code == 422
    assert WitnessRefusal.objects.count() == 2


@pytest.mark.django_db
def test_the_witness_refuses_a_rollback_with_its_size(foreign):
    post(foreign.grow(10).body(0))
    response = post(foreign.body(0, size=4))
    assert response.status_code == 409
    assert response["Content-Type"] == SIZE_CONTENT_TYPE
    assert response.content == b"10\n"
    assert WitnessedLog.objects.get().size == 10


@pytest.mark.django_db
def test_the_witness_refuses_an_unknown_origin_a_bad_signature_and_junk(foreign):
    stranger = Signer.from_seed("stranger.example/log", bytes(32))
    note = sign_checkpoint(Body("stranger.example/log", 1, bytes(32)), stranger)
    assert post(format_submission(0, [], note)).status_code == 404
    impostor = Signer.from_seed(OTHER, bytes(32))
    note = sign_checkpoint(Body(OTHER, 1, bytes(32)), impostor)
    assert post(format_submission(0, [], note)).status_code == 403
    assert post(b"hello").status_code == 400
    assert Client().get(ENDPOINT).status_code == 405
    assert not WitnessedLog.objects.exists() and not WitnessRefusal.objects.exists()


# --- the platform's side ----------------------------------------------------------------------


@pytest.fixture
def self_witnessed(settings, witness_key, monkeypatch):
    """The platform witnesses its own log through its endpoint: enough to drive the log's side
    in one process (the submissions go through the test client instead of the network)."""
    settings.LEDGER_WITNESS_LOGS = [keys.verifier().vkey]
    settings.LEDGER_WITNESSES = [
        {"vkey": witness_key.verifier.vkey, "url": "http://testserver/ledger/witness", "label": "W"}
    ]

    def submit(url, body, *, timeout):
        assert url == "http://testserver/ledger/witness"
        response = post(body)
        return Reply(response.status_code, response["Content-Type"].split(";")[0], response.content)

    monkeypatch.setattr(witnessing, "submit", submit)
    return witness_key


@pytest.fixture
def publication():
    rows = {"7": {"title": "村务公开", "amount": "12.00"}}
    kind = register(TargetKind(type="test.publication", snapshot=rows.get, table="test_pub"))
    yield rows
    unregister(kind.type)


def grow(n, action="test.event"):
    for i in range(n):
        services.record(
            actor=None, action=action, target=("test.thing", i), before=None, after={"i": i}
        )


@pytest.mark.django_db
def test_the_platform_gets_each_checkpoint_cosigned_and_serves_it(self_witnessed, publication):
    grow(3)
    leaf = services.fix_record(
        actor=None, record_type="test.publication", record_id=7, content=publication["7"]
    )
    services.issue_checkpoint()
    (first,) = witnessing.submit_latest()
    assert (first.outcome, first.old_size, first.checkpoint_size) == ("cosigned", 0, 4)
    grow(5)
    services.issue_checkpoint()
    (second,) = witnessing.submit_latest()
    assert (second.outcome, second.old_size, second.checkpoint_size) == ("cosigned", 4, 9)
    assert witnessing.submit_latest() == []  # nothing new to cosign
    served = Client().get("/ledger/checkpoint").content.decode()
    assert served.startswith(Checkpoint.objects.get(size=9).note)
    assert list(cosignatures(served, [self_witnessed.verifier])) == [self_witnessed.name]

    receipt = json.loads(Client().get(f"/ledger/receipt/{leaf.index}").content)
    verified = verify_receipt(receipt, keys.verifier(), witnesses=[self_witnessed.verifier])
    assert verified.tree_size == 9
    stranger = Cosigner.from_seed("stranger.example/witness", bytes(32)).verifier
    with pytest.raises(ReceiptError) as failure:
        verify_receipt(receipt, keys.verifier(), witnesses=[stranger])
    assert failure.value.step == "witness" and "stranger.example/witness" in str(failure.value)


@pytest.mark.django_db
def test_verify_checks_every_kept_cosignature(self_witnessed, settings):
    grow(3)
    services.issue_checkpoint()
    witnessing.submit_latest()
    report = verify.verify_ledger()
    assert report.ok and report.cosignatures == 1
    # An edited line (someone swapped one base64 character of the signature) is named; so is
    # one spelt otherwise that decodes to the same bytes (the last character before the "=="
    # padding carries 4 padding bits: "A" and "B" there are the same signature).
    kept = Cosignature.objects.get()
    body = kept.line.rstrip("\n")
    assert body.endswith("==")
    middle = len(body) - 20
    swapped = body[:middle] + ("A" if body[middle] != "A" else "B") + body[middle + 1 :]
    last = body[-3]
    respelt = body[:-3] + chr(ord(last) + 1) + body[-2:]  # A/Q/g/w -> B/R/h/x: padding bits
    for edited in (swapped, respelt):
        Cosignature.objects.filter(pk=kept.pk).update(line=edited + "\n")
        (mismatch,) = verify.verify_ledger().mismatches
        assert mismatch.table == "ledger_cosignature"
        assert f"{kept.pk} (checkpoint 3)" == mismatch.row
        assert self_witnessed.name in str(mismatch)
    # So is a timestamp column that no longer matches the signed one.
    Cosignature.objects.filter(pk=kept.pk).update(line=kept.line, timestamp=kept.timestamp + 1)
    assert len(verify.verify_ledger().mismatches) == 1
    # A witness no longer configured cannot be checked here: counted apart, not a mismatch.
    Cosignature.objects.filter(pk=kept.pk).update(timestamp=kept.timestamp)
    settings.LEDGER_WITNESSES = []
    report = verify.verify_ledger()
    assert report.ok and (report.cosignatures, report.unchecked_cosignatures) == (0, 1)


@pytest.mark.django_db
def test_the_standalone_checker_requires_the_named_witnesses(self_witnessed, publication, tmp_path):
    leaf = services.fix_record(
        actor=None, record_type="test.publication", record_id=7, content=publication["7"]
    )
    services.issue_checkpoint()
    witnessing.submit_latest()
    path = tmp_path / "receipt.json"
    path.write_bytes(Client().get(f"/ledger/receipt/{leaf.index}").content)
    key = tmp_path / "log.vkey"
    key.write_text(keys.verifier().vkey)
    witness_file = tmp_path / "witness.vkey"
    witness_file.write_text(self_witnessed.verifier.vkey)

    def check(*witnesses):
        args = [sys.executable, str(CHECKER), str(path), "--key", str(key)]
        for w in witnesses:
            args += ["--witness", w]
        return subprocess.run(args, capture_output=True, text=True, timeout=60)

    ok = check(self_witnessed.verifier.vkey, str(witness_file))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"OK witness: {self_witnessed.name} cosigned" in ok.stdout
    stranger = Cosigner.from_seed("stranger.example/witness", bytes(32)).verifier.vkey
    failed = check(self_witnessed.verifier.vkey, stranger)
    assert failed.returncode == 1
    assert "FAILED at step witness: the checkpoint carries no cosignature from witness " in (
        failed.stdout
    )
    assert "stranger.example/witness" in failed.stdout


@pytest.mark.django_db
def test_a_409_is_answered_from_the_size_the_witness_has(self_witnessed):
    grow(5)
    services.issue_checkpoint()
    witnessing.submit_latest()
    Cosignature.objects.all().delete()  # the log forgets what the witness saw
    grow(2)
    services.issue_checkpoint()
    (result,) = witnessing.submit_latest()
    assert (result.outcome, result.old_size, result.checkpoint_size) == ("cosigned", 5, 7)


@pytest.mark.django_db
def test_a_rewritten_log_is_refused_and_shows(self_witnessed, county, caplog, publication):
    grow(6)
    services.issue_checkpoint()
    witnessing.submit_latest()
    # Someone with the database and the key rewrites the whole log and signs it afresh.
    Cosignature.objects.all().delete()
    Checkpoint.objects.all().delete()
    Node.objects.all().delete()
    Leaf.objects.all().delete()
    LogHead.objects.update(size=0)
    grow(8, action="test.forged")
    leaf = services.fix_record(
        actor=None, record_type="test.publication", record_id=7, content={"title": "forged"}
    )
    services.issue_checkpoint()
    assert services.open_alarm() is None  # the forger's log is consistent with itself ...
    with caplog.at_level(logging.ERROR, logger="oversight.ledger.witnessing"):
        (result,) = services.submit_to_witnesses()
    assert (result.outcome, result.status, result.old_size) == ("refused", 422, 6)
    assert "refused checkpoint 9" in caplog.text
    assert WitnessRefusal.objects.get().status == 422  # and the witness kept the evidence
    # ... but not with what the witness cosigned: the alarm is raised and signing stops.
    alarm = services.open_alarm()
    assert alarm is not None and "refused checkpoint 9" in alarm.problem
    grow(1, action="test.after")
    with pytest.raises(services.LedgerInconsistent, match="alarm is open"):
        services.issue_checkpoint()

    page = client_for(county.admin).get("/ledger/state/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    refusals = page.content.decode()
    assert "refused checkpoint 9 (from size 6, HTTP 422)" in refusals
    assert 'data-testid="witness-alarm"' in refusals
    assert [r.checkpoint_size for r in witnessing.refusing()] == [9]
    assert "Refused test.oversight/ledger at size 9 (held 6, HTTP 422)" in refusals
    assert client_for(county.clerk).get("/ledger/state/").status_code == 403  # outsiders see none

    receipt = json.loads(Client().get(f"/ledger/receipt/{leaf.index}").content)
    verify_receipt(receipt, keys.verifier())  # the log's own signature still checks out ...
    with pytest.raises(ReceiptError) as failure:  # ... but the witness never vouched for it
        verify_receipt(receipt, keys.verifier(), witnesses=[self_witnessed.verifier])
    assert failure.value.step == "witness"


@pytest.mark.django_db
def test_a_truncated_log_is_refused_before_anything_is_sent(self_witnessed, monkeypatch):
    grow(6)
    services.issue_checkpoint()
    witnessing.submit_latest()
    checkpoint = Checkpoint.objects.get()
    smaller = Checkpoint.objects.create(size=3, root=bytes(32), note=checkpoint.note, key_id="x")
    (witness,) = witnessing.configured()
    result = witnessing.submit_checkpoint(smaller, witness)
    assert (result.outcome, result.old_size) == ("refused", 6)
    assert "rolled back" in result.message


@pytest.mark.django_db
def test_the_worker_submits_each_new_checkpoint_after_signing_it(self_witnessed, monkeypatch):
    from oversight.ledger import tasks

    grow(2)
    tasks.ledger_checkpoint.call_local()
    assert Cosignature.objects.get().checkpoint.size == 2
    tasks.ledger_checkpoint.call_local()  # nothing new: nothing sent
    assert WitnessSubmission.objects.count() == 1
    monkeypatch.setattr(
        services, "issue_checkpoint", lambda: (_ for _ in ()).throw(services.LedgerInconsistent())
    )
    grow(1)
    tasks.ledger_checkpoint.call_local()  # nothing signed: nothing sent either
    assert WitnessSubmission.objects.count() == 1


@pytest.mark.django_db
def test_a_lost_tree_node_is_recorded_not_sent(self_witnessed):
    grow(5)
    services.issue_checkpoint()
    witnessing.submit_latest()
    grow(3)
    services.issue_checkpoint()
    Node.objects.filter(level=0, index=5).delete()
    (result,) = witnessing.submit_latest()
    assert (result.outcome, result.old_size) == ("invalid", 5)
    assert "cannot be built" in result.message


@pytest.mark.django_db
def test_an_unreachable_witness_is_recorded_and_retried(settings, witness_key, county):
    settings.LEDGER_WITNESSES = [
        {"vkey": witness_key.verifier.vkey, "url": "http://127.0.0.1:9/witness"}
    ]
    settings.LEDGER_WITNESS_TIMEOUT_SECONDS = 2
    grow(1)
    services.issue_checkpoint()
    (result,) = witnessing.submit_latest()
    assert result.outcome == WitnessSubmission.Outcome.UNREACHABLE
    (again,) = services.submit_to_witnesses()  # not cosigned: tried again, on the same row
    assert again.pk == result.pk and again.attempts == 2
    assert services.open_alarm() is None  # a witness that is down says nothing about the log
    assert WitnessSubmission.objects.count() == 1
    assert witnessing.refusing() == []  # unreachable is not a refusal
    page = client_for(county.admin).get("/ledger/state/", HTTP_ACCEPT_LANGUAGE="en").content
    assert b"2 attempts" in page and b'data-testid="witness-alarm"' not in page


def test_the_witness_verifier_key_is_type_4(witness_key):
    assert CosignatureVerifier.from_vkey(witness_key.verifier.vkey).name == witness_key.name


# --- configuration and the command ------------------------------------------------------------


def test_the_witness_command_prints_its_key_and_refuses_to_run_without_a_log(
    settings, witness_key, capsys
):
    from django.core.management import CommandError, call_command

    call_command("witness", "--print-key")
    assert capsys.readouterr().out.strip() == witness_key.verifier.vkey
    settings.LEDGER_WITNESS_LOGS = []
    with pytest.raises(CommandError, match="no log to witness"):
        call_command("witness", "--listen", "127.0.0.1:0")
    log_vkey = Signer.from_seed(OTHER, bytes(32)).verifier.vkey
    with pytest.raises(CommandError, match="host:port"):
        call_command("witness", "--log", log_vkey, "--listen", "nowhere")
    with pytest.raises(CommandError, match="verifier key"):
        call_command("witness", "--log", "junk", "--print-key")


def test_the_witness_command_creates_the_default_key_once(settings, tmp_path, capsys):
    from django.core.management import call_command

    settings.LEDGER_WITNESS_KEY_FILE = str(tmp_path / "var" / "ledger_witness_key.pem")
    settings.LEDGER_WITNESS_KEY_CONFIGURED = False
    call_command("witness", "--print-key")
    first = capsys.readouterr()
    assert "Created the witness key" in first.err
    call_command("witness", "--print-key")
    second = capsys.readouterr()
    assert second.out == first.out and "Created" not in second.err
    keys._load_cosigner.cache_clear()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LEDGER_WITNESSES", "[", "LEDGER_WITNESSES is not valid JSON"),
        ("LEDGER_WITNESSES", '[{"url": "http://w.example"}]', "entry 1 needs a vkey and a url"),
        ("LEDGER_WITNESSES", '[{"vkey": "VKEY", "url": "ftp://w.example"}]', "not http"),
        ("LEDGER_WITNESSES", '[{"vkey": "LOGKEY", "url": "http://w.example"}]', "0x04"),
        ("LEDGER_WITNESS_LOGS", "junk", "LEDGER_WITNESS_LOGS 'junk'"),
        ("LEDGER_WITNESS_NAME", "two words", "one word"),
    ],
)
def test_bad_witness_settings_stop_the_start_naming_the_setting(name, value, message):
    witness = Cosigner.from_seed("w.example/witness", bytes(32)).verifier.vkey
    log_key = Signer.from_seed("log.example/ledger", bytes(32)).verifier.vkey
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")},
        "OVERSIGHT_TESTING": "true",
        "SECRET_KEY": "settings-test-only-secret-key-0123456789-abcdefghijklmnop",
        name: value.replace("LOGKEY", log_key).replace("VKEY", witness),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import oversight.settings"],
        cwd=CHECKER.parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "ConfigurationError" in result.stderr and message in result.stderr, result.stderr
