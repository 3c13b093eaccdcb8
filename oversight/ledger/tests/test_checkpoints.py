"""Checkpoints: issued when the log grows, never inconsistent with the last; the signing key."""

from __future__ import annotations

import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oversight.ledger import keys, services, tasks
from oversight.ledger.models import Checkpoint, Node
from oversight.ledger.tlog import open_note


def grow(n: int) -> None:
    for i in range(n):
        services.record(
            actor=None, action="test.grow", target=("test.thing", i), before=None, after=None
        )


@pytest.mark.django_db
def test_it_issues_a_checkpoint_only_when_the_log_has_grown(db):
    grow(3)
    first = services.issue_checkpoint()
    assert first is not None and first.size == 3
    assert services.issue_checkpoint() is None
    grow(2)
    second = services.issue_checkpoint()
    assert second.size == 5
    signed = open_note(second.note, keys.verifier(), origin="test.oversight/ledger")
    assert signed.root == bytes(second.root)
    assert second.key_id == keys.signer().key_id.hex()


@pytest.mark.django_db
def test_the_periodic_job_issues_checkpoints(db):
    grow(4)
    tasks.ledger_checkpoint.call_local()
    assert Checkpoint.objects.get().size == 4
    tasks.ledger_checkpoint.call_local()
    assert Checkpoint.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_to_sign_a_tree_inconsistent_with_the_last_checkpoint(db, caplog):
    grow(6)
    services.issue_checkpoint()
    Node.objects.filter(level=2, index=0).update(hash=bytes(32))  # leaves 0..3
    grow(3)
    with pytest.raises(services.LedgerInconsistent, match="differs from the signed checkpoint"):
        services.issue_checkpoint()
    assert services.open_alarm() is not None  # raised, and signing stops until resolved
    tasks.ledger_checkpoint.call_local()  # the job logs the refusal and signs nothing
    assert "refused to sign" in caplog.text
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [6]


@pytest.mark.django_db
def test_it_refuses_to_sign_when_the_last_checkpoint_no_longer_verifies(db, signing_key):
    from oversight.ledger.tlog import generate_private_key_pem

    grow(2)
    services.issue_checkpoint()
    signing_key.write_bytes(generate_private_key_pem())
    keys._load.cache_clear()
    grow(1)
    with pytest.raises(services.LedgerInconsistent, match="does not verify"):
        services.issue_checkpoint()


@pytest.mark.django_db
def test_ledger_key_ensure_creates_the_default_key_once_and_says_so(settings, tmp_path, capsys):
    path = tmp_path / "var" / "ledger_signing_key.pem"
    settings.LEDGER_SIGNING_KEY_FILE = str(path)
    settings.LEDGER_SIGNING_KEY_CONFIGURED = False
    call_command("ledger_key", "--ensure")
    assert "Created the ledger signing key" in capsys.readouterr().out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_bytes()
    call_command("ledger_key", "--ensure")
    assert capsys.readouterr().out == ""
    assert path.read_bytes() == first
    call_command("ledger_key")
    assert capsys.readouterr().out.strip() == keys.verifier().vkey


@pytest.mark.django_db
def test_a_configured_key_file_that_is_missing_is_an_error_not_a_new_key(settings, tmp_path):
    settings.LEDGER_SIGNING_KEY_FILE = str(tmp_path / "restore-me.pem")
    with pytest.raises(CommandError, match="LEDGER_SIGNING_KEY_FILE"):
        call_command("ledger_key", "--ensure")
    settings.LEDGER_CREATE_KEY = True
    with pytest.raises(keys.SigningKeyError):
        keys.signer()
    assert not (tmp_path / "restore-me.pem").exists()


@pytest.mark.django_db
def test_an_unreadable_key_is_named(settings, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    settings.LEDGER_SIGNING_KEY_FILE = str(bad)
    with pytest.raises(keys.SigningKeyError, match="cannot be used"):
        keys.signer()


@pytest.mark.django_db
def test_the_nightly_job_keeps_a_verification_run(db):
    from oversight.ledger.models import VerificationRun

    grow(3)
    services.issue_checkpoint()
    tasks.ledger_verify.call_local()
    run = VerificationRun.objects.get()
    assert run.ok and run.size == 3 and run.checkpoints == 1
