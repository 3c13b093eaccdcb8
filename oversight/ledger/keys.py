"""The log's Ed25519 signing key: where it lives, how it is created, and its public half.

``LEDGER_SIGNING_KEY_FILE`` names an unencrypted PKCS#8 PEM file; when it is unset the key is
``var/ledger_signing_key.pem``, which ``manage.py ledger_key --ensure`` (run by ``make run``)
creates. The key name in signatures is the log's origin (``LEDGER_ORIGIN``), as C2SP suggests.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .tlog import CheckpointError, Signer, Verifier, generate_private_key_pem, load_signer
from .tlog.cosignature import Cosigner

log = logging.getLogger(__name__)


class SigningKeyError(ImproperlyConfigured):
    """The signing key is missing or unreadable; the message says what to do."""


def key_path() -> Path:
    return Path(settings.LEDGER_SIGNING_KEY_FILE)


def key_name() -> str:
    return settings.LEDGER_ORIGIN


def ensure_key() -> tuple[Path, bool]:
    """Create the default key file when it is missing; return (path, created).

    A key named by LEDGER_SIGNING_KEY_FILE is never created: a missing one is an error, since
    signing with a fresh key would silently break every verifier that trusts the old one.
    """
    path = key_path()
    if path.exists():
        signer()  # fail now, not at the first checkpoint, if it is unreadable
        return path, False
    if settings.LEDGER_SIGNING_KEY_CONFIGURED:
        raise SigningKeyError(
            f"LEDGER_SIGNING_KEY_FILE={path} does not exist; restore the log's key there"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Create with owner-only permissions from the start; O_EXCL refuses to overwrite a key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(generate_private_key_pem())
    log.warning("created the ledger signing key %s", path)
    return path, True


@lru_cache(maxsize=4)
def _load(path: str, name: str, mtime_ns: int) -> Signer:
    return load_signer(path, name)


def signer() -> Signer:
    """The signer of checkpoints; a missing key is created only where settings allow it."""
    path = key_path()
    if not path.exists():
        if settings.LEDGER_CREATE_KEY and not settings.LEDGER_SIGNING_KEY_CONFIGURED:
            ensure_key()
        else:
            raise SigningKeyError(
                f"the ledger signing key {path} does not exist: run `manage.py ledger_key "
                "--ensure` (make run does) or set LEDGER_SIGNING_KEY_FILE"
            )
    try:
        return _load(str(path), key_name(), path.stat().st_mtime_ns)
    except CheckpointError as exc:
        raise SigningKeyError(f"the ledger signing key {path} cannot be used: {exc}") from exc


def verifier() -> Verifier:
    """The public half of the signing key."""
    return signer().verifier


# --- the witness's cosigning key ------------------------------------------------------------


def witness_key_path() -> Path:
    return Path(settings.LEDGER_WITNESS_KEY_FILE)


def ensure_witness_key() -> tuple[Path, bool]:
    """Create the default witness key file when it is missing; return (path, created).

    A separate key from the log's: a witness's cosignatures must not be confused with the log's
    own signatures, and the spec asks one key per cosigner. A key named by
    LEDGER_WITNESS_KEY_FILE is never created.
    """
    path = witness_key_path()
    if path.exists():
        witness_cosigner()
        return path, False
    if settings.LEDGER_WITNESS_KEY_CONFIGURED:
        raise SigningKeyError(
            f"LEDGER_WITNESS_KEY_FILE={path} does not exist; restore the witness's key there"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(generate_private_key_pem())
    log.warning("created the ledger witness key %s", path)
    return path, True


@lru_cache(maxsize=4)
def _load_cosigner(path: str, name: str, mtime_ns: int) -> Cosigner:
    try:
        return Cosigner.from_pem(name, Path(path).read_bytes())
    except OSError as exc:
        raise CheckpointError(f"cannot read the key file {path}: {exc}") from exc


def witness_cosigner() -> Cosigner:
    """The key this platform cosigns other logs' checkpoints with, as a witness."""
    path = witness_key_path()
    if not path.exists():
        raise SigningKeyError(
            f"the witness key {path} does not exist: run `manage.py witness --ensure-key` or set "
            "LEDGER_WITNESS_KEY_FILE"
        )
    try:
        return _load_cosigner(str(path), settings.LEDGER_WITNESS_NAME, path.stat().st_mtime_ns)
    except CheckpointError as exc:
        raise SigningKeyError(f"the witness key {path} cannot be used: {exc}") from exc
