"""Two platforms on the loopback witnessing each other, over real HTTP.

Platform A is this test process: its log, and its witness endpoint served by Django's test server
(``live_server``). Platform B is another process with its own SQLite database and keys: its
``manage.py witness`` server witnesses A's log, and its ``manage.py submit_checkpoint`` gets B's
checkpoints cosigned by A. Each then rewrites its log; the other's witness refuses, keeps the
evidence, and the rewriter's side shows the refusal.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from oversight.conftest import client_for
from oversight.ledger import keys, services, witnessing
from oversight.ledger.models import (
    Checkpoint,
    Cosignature,
    Leaf,
    LogHead,
    Node,
    WitnessedLog,
    WitnessRefusal,
)
from oversight.ledger.targets import TargetKind, register, unregister
from oversight.ledger.tlog import Signer, generate_private_key_pem
from oversight.ledger.tlog.cosignature import Cosigner

REPO = Path(__file__).resolve().parents[3]
CHECKER = REPO / "tools" / "verify_receipt.py"
B_ORIGIN = "b-county.example/ledger"
B_WITNESS = "b-county.example/witness"


class PlatformB:
    """The other platform: a process environment of its own, and its management commands."""

    def __init__(self, directory: Path, a_log_vkey: str, a_witness_vkey: str, a_url: str):
        directory.mkdir()
        self.directory = directory
        self.db = directory / "b.sqlite3"
        log_key, witness_key = directory / "log.pem", directory / "witness.pem"
        log_key.write_bytes(generate_private_key_pem())
        witness_key.write_bytes(generate_private_key_pem())
        self.log_vkey = Signer.from_pem(B_ORIGIN, log_key.read_bytes()).verifier.vkey
        self.witness_vkey = Cosigner.from_pem(B_WITNESS, witness_key.read_bytes()).verifier.vkey
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("LEDGER_", "DATABASE"))},
            "DJANGO_SETTINGS_MODULE": "oversight.settings",
            "OVERSIGHT_VAR_DIR": str(directory),
            "DATABASE_URL": f"sqlite:///{self.db}",
            "SECRET_KEY": "platform-b-test-only-secret-key-0123456789-abcdefghijkl",
            "LOG_LEVEL": "WARNING",
            "LEDGER_ORIGIN": B_ORIGIN,
            "LEDGER_SIGNING_KEY_FILE": str(log_key),
            "LEDGER_WITNESS_KEY_FILE": str(witness_key),
            "LEDGER_WITNESS_NAME": B_WITNESS,
            "LEDGER_WITNESS_LOGS": a_log_vkey,
            "LEDGER_WITNESSES": json.dumps(
                [{"vkey": a_witness_vkey, "url": f"{a_url}/ledger/witness", "label": "A"}]
            ),
            "LEDGER_WITNESS_TIMEOUT_SECONDS": "20",
        }
        self.server = None

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, str(REPO / "manage.py"), *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def shell(self, code: str, *, check: bool = True) -> subprocess.CompletedProcess:
        return self.manage("shell", "-c", code, check=check)

    def start_witness(self) -> str:
        self.server = subprocess.Popen(
            [sys.executable, str(REPO / "manage.py"), "witness", "--listen", "127.0.0.1:0"],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2):
            line = self.server.stdout.readline()
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)/add-checkpoint", line)
            if found:
                return found.group(1)
        self.server.kill()
        raise AssertionError("the witness did not start: " + self.server.stderr.read())

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)

    def rows(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db) as connection:
            return connection.execute(sql).fetchall()


GROW_B = (
    "from oversight.ledger import services\n"
    "for i in range({n}):\n"
    "    services.record(actor=None, action='{action}', target=('b.thing', i), before=None,"
    " after={{'i': i}})\n"
)
SUBMIT_B = "from django.core.management import call_command\ncall_command('submit_checkpoint')\n"
REWRITE_B = (
    "from oversight.ledger.models import Checkpoint, Cosignature, Leaf, LogHead, Node\n"
    "Cosignature.objects.all().delete(); Checkpoint.objects.all().delete()\n"
    "Node.objects.all().delete(); Leaf.objects.all().delete(); LogHead.objects.update(size=0)\n"
)


def grow(n, action="a.event"):
    for i in range(n):
        services.record(
            actor=None, action=action, target=("a.thing", i), before=None, after={"i": i}
        )


@pytest.fixture
def publication():
    rows = {"1": {"title": "公示", "amount": "100.00"}}
    kind = register(TargetKind(type="test.publication", snapshot=rows.get, table="test_pub"))
    yield rows
    unregister(kind.type)


@pytest.fixture
def platform_b(live_server, settings, tmp_path):
    settings.LEDGER_WITNESS_KEY_FILE = str(tmp_path / "a-witness.pem")
    settings.LEDGER_WITNESS_KEY_CONFIGURED = True
    settings.LEDGER_WITNESS_NAME = "test.oversight/witness"
    Path(settings.LEDGER_WITNESS_KEY_FILE).write_bytes(generate_private_key_pem())
    a_witness = keys.witness_cosigner()
    b = PlatformB(tmp_path / "b", keys.verifier().vkey, a_witness.verifier.vkey, live_server.url)
    settings.LEDGER_WITNESS_LOGS = [b.log_vkey]  # A witnesses B
    b.manage("migrate", "-v0")
    url = b.start_witness()
    settings.LEDGER_WITNESSES = [{"vkey": b.witness_vkey, "url": url, "label": "B"}]
    yield b
    b.stop()
    keys._load_cosigner.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_two_platforms_witness_each_other_and_each_refuses_the_others_fork(
    platform_b, publication, county, tmp_path, caplog
):
    b = platform_b
    for model in (Cosignature, Checkpoint, Node, Leaf):  # the county's own history aside
        model.objects.all().delete()
    LogHead.objects.update(size=0)

    # A's checkpoints, cosigned by B's witness command over HTTP, grown consistently.
    grow(3)
    leaf = services.fix_record(
        actor=None, record_type="test.publication", record_id=1, content=publication["1"]
    )
    services.issue_checkpoint()
    (first,) = witnessing.submit_latest()
    assert (first.outcome, first.old_size, first.checkpoint_size) == ("cosigned", 0, 4), first
    grow(4)
    services.issue_checkpoint()
    (second,) = witnessing.submit_latest()
    assert (second.outcome, second.old_size, second.checkpoint_size) == ("cosigned", 4, 8)
    assert b.rows("SELECT origin, size FROM ledger_witnessedlog") == [("test.oversight/ledger", 8)]
    served = Client().get("/ledger/checkpoint").content.decode()
    assert f"\u2014 {B_WITNESS} " in served

    # The receipt carries B's cosignature; the standalone checker requires it.
    receipt, key = tmp_path / "receipt.json", tmp_path / "a.vkey"
    receipt.write_bytes(Client().get(f"/ledger/receipt/{leaf.index}").content)
    key.write_text(keys.verifier().vkey)
    check = [sys.executable, str(CHECKER), str(receipt), "--key", str(key)]
    ok = subprocess.run([*check, "--witness", b.witness_vkey], capture_output=True, text=True)
    assert ok.returncode == 0 and f"OK witness: {B_WITNESS} cosigned" in ok.stdout, ok.stdout

    # B's checkpoints, cosigned by A's witness endpoint (Django's test server).
    out = b.shell(GROW_B.format(n=5, action="b.event") + SUBMIT_B).stdout
    assert "test.oversight/witness: cosigned checkpoint 5 (from 0)" in out, out
    out = b.shell(GROW_B.format(n=3, action="b.more") + SUBMIT_B).stdout
    assert "cosigned checkpoint 8 (from 5)" in out, out
    assert WitnessedLog.objects.get(origin=B_ORIGIN).size == 8

    # A's log rewritten and re-signed with its own key: B refuses, A shows it.
    for model in (Cosignature, Checkpoint, Node, Leaf):
        model.objects.all().delete()
    LogHead.objects.update(size=0)
    grow(10, action="a.forged")
    forged = services.fix_record(
        actor=None, record_type="test.publication", record_id=1, content={"title": "改过的"}
    )
    services.issue_checkpoint()
    (refused,) = witnessing.submit_latest()
    assert (refused.outcome, refused.status, refused.old_size) == ("refused", 422, 8)
    assert b.rows("SELECT origin, status, witnessed_size, size FROM ledger_witnessrefusal") == [
        ("test.oversight/ledger", 422, 8, 11)
    ]
    assert "refused checkpoint 11" in caplog.text
    page = client_for(county.admin).get("/ledger/state/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"{B_WITNESS} refused checkpoint 11 (from size 8, HTTP 422)" in page.content.decode()
    receipt.write_bytes(Client().get(f"/ledger/receipt/{forged.index}").content)
    failed = subprocess.run([*check, "--witness", b.witness_vkey], capture_output=True, text=True)
    assert failed.returncode == 1
    assert (
        f"FAILED at step witness: the checkpoint carries no cosignature from witness {B_WITNESS}"
        in (failed.stdout)
    )

    # B's log rewritten: A's witness refuses, keeps the evidence, and B's command says so.
    result = b.shell(REWRITE_B + GROW_B.format(n=9, action="b.forged") + SUBMIT_B, check=False)
    assert result.returncode != 0 and "witness(es) refused the checkpoint" in result.stderr
    assert "test.oversight/witness: refused checkpoint 9 (from 8)" in result.stdout, result.stdout
    refusal = WitnessRefusal.objects.get(origin=B_ORIGIN)
    assert (refusal.status, refusal.witnessed_size, refusal.size) == (422, 8, 9)
    assert WitnessedLog.objects.get(origin=B_ORIGIN).size == 8
    page = client_for(county.admin).get("/ledger/state/", HTTP_ACCEPT_LANGUAGE="en")
    assert f"Refused {B_ORIGIN} at size 9 (held 8, HTTP 422)" in page.content.decode()
    assert b.rows("SELECT outcome, status FROM ledger_witnesssubmission ORDER BY id DESC")[0] == (
        "refused",
        422,
    )
