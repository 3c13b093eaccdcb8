"""Fixtures of the ledger tests: a signing key of their own, and a few helpers."""

from __future__ import annotations

import pytest

from oversight.ledger import keys  # noqa: F401  (helpers below may use it)


@pytest.fixture
def county(county, monkeypatch):
    """The shared county, with the ledger emptied after it was built: these tests count leaves
    from index 0, while building the county already traced every org change. Its rows stand in
    for any record here, so the kinds whose rows are traced are set aside (the traced-row check
    has its own tests, beside the records it checks: matters/tests/test_traced_rows.py)."""
    from oversight.ledger import targets
    from oversight.ledger.models import Checkpoint, Leaf, LogHead, Node

    targets.autodiscover()
    monkeypatch.setattr(
        targets, "_KINDS", {t: k for t, k in targets._KINDS.items() if not k.traced}
    )

    Checkpoint.objects.all().delete()
    Node.objects.all().delete()
    Leaf.objects.all().delete()
    LogHead.objects.update(size=0)
    return county
