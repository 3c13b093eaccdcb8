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


@pytest.fixture
def format_1(monkeypatch):
    """A context manager: leaves appended inside it are written in format 1, as the platform
    wrote them before format 2 (details in the clear, a "reporter" detail protected by its own
    salted digest, account ids and the exact time in the bytes)."""
    import contextlib
    import functools

    from oversight.ledger import leaves, services

    real_prepare, real_row_bytes = services._prepare, leaves.row_bytes

    def prepare(event, states=None):
        row = real_prepare(event, states)
        public, private = {}, {}
        for key, value in leaves.loads(row.details).items():
            if key == "reporter":
                salt = leaves.new_salt()
                private[key] = {"salt": salt, "value": value}
                public[key] = leaves.commitment(salt, value)
            else:
                public[key] = value
        row.details, row.private = leaves.text(public), leaves.text(private)
        return row

    @contextlib.contextmanager
    def writing():
        with monkeypatch.context() as patch:
            patch.setattr(services, "_prepare", prepare)
            patch.setattr(leaves, "row_bytes", functools.partial(real_row_bytes, version=1))
            yield

    return writing
