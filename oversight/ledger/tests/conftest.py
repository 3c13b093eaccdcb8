"""Fixtures of the ledger tests: a signing key of their own, and a few helpers."""

from __future__ import annotations

import pytest

from oversight.ledger import keys  # noqa: F401  (helpers below may use it)


@pytest.fixture
def county(county):
    """The shared county, with the ledger emptied after it was built: these tests count leaves
    from index 0, while building the county already traced every org change."""
    from oversight.ledger.models import Checkpoint, Leaf, LogHead, Node

    Checkpoint.objects.all().delete()
    Node.objects.all().delete()
    Leaf.objects.all().delete()
    LogHead.objects.update(size=0)
    return county
