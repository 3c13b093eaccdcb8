"""Fixtures of the notification tests: a kind of their own and accounts with addresses."""

from __future__ import annotations

import pytest

from oversight.notify.channels import DeliveryError
from oversight.notify.kinds import register_kind, unregister_kind

KIND = "test.ping"


@pytest.fixture(autouse=True)
def ping_kind():
    kind = register_kind(KIND, "Ping", ("email", "sms"))
    yield kind
    unregister_kind(KIND)


@pytest.fixture
def reachable(county):
    """The two town officers with an email address and a phone number."""
    for account, n in ((county.town1_officer, 1), (county.town2_officer, 2)):
        account.email = f"town{n}@example.org"
        account.phone = f"1380000000{n}"
        account.save(update_fields=["email", "phone"])
    return county


class FailingBackend:
    """An SMS gateway that is down."""

    def send(self, *, address, title, text, url):
        raise DeliveryError("gateway unreachable")


class CrashingBackend:
    def send(self, *, address, title, text, url):
        raise RuntimeError("bug in the adapter")
