"""Fixtures of the ledger tests: a signing key of their own, and a few helpers."""

from __future__ import annotations

import pytest

from oversight.ledger import keys
from oversight.ledger.tlog import generate_private_key_pem


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    """Each test signs with a fresh key in its own directory, named as if configured."""
    path = tmp_path / "ledger_signing_key.pem"
    path.write_bytes(generate_private_key_pem())
    settings.LEDGER_SIGNING_KEY_FILE = str(path)
    settings.LEDGER_SIGNING_KEY_CONFIGURED = True
    settings.LEDGER_ORIGIN = "test.oversight/ledger"
    yield path
    keys._load.cache_clear()
