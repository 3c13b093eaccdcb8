"""Deliveries by email, SMS and WeChat Work: defaults, choices, failures, retries."""

import logging

import pytest

from oversight.conftest import refusal_codes
from oversight.notify import services
from oversight.notify.models import Delivery
from oversight.notify.services import notify

from .conftest import KIND


def send(county, captured, recipients, **kwargs):
    with captured(execute=True):
        return notify(recipients=recipients, kind=KIND, title="Ping", url="/x/", **kwargs)


def states(notification):
    return dict(notification.deliveries.values_list("channel", "state"))


def test_it_delivers_by_the_kinds_default_channels(
    reachable, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    caplog.set_level(logging.INFO, logger="notify")
    (n,) = send(reachable, django_capture_on_commit_callbacks, [reachable.town1_officer])
    assert states(n) == {"email": "sent", "sms": "sent"}
    assert [m.to for m in mailoutbox] == [["town1@example.org"]]
    assert mailoutbox[0].subject == "Ping"
    assert "http://127.0.0.1:8000/x/" in mailoutbox[0].body
    assert "SMS to 138****0001: Ping" in caplog.text
    delivery = n.deliveries.get(channel="sms")
    assert (delivery.address, delivery.attempts, delivery.error) == ("13800000001", 1, "")
    assert delivery.sent_at is not None


def test_it_respects_each_persons_choices(
    reachable, django_capture_on_commit_callbacks, mailoutbox
):
    services.preferences_save(
        account=reachable.town1_officer,
        choices={(KIND, "email"): False, (KIND, "sms"): True, (KIND, "wechat"): True},
    )
    n1, n2 = send(
        reachable,
        django_capture_on_commit_callbacks,
        [reachable.town1_officer, reachable.town2_officer],
    )
    assert states(n1) == {"sms": "sent", "wechat": "sent"}
    assert states(n2) == {"email": "sent", "sms": "sent"}
    assert [m.to for m in mailoutbox] == [["town2@example.org"]]


def test_it_stores_only_choices_that_differ_from_the_default(reachable):
    account = reachable.town1_officer
    changed = services.preferences_save(
        account=account, choices={(KIND, "email"): True, (KIND, "wechat"): True}
    )
    assert changed == 1
    assert list(account.notify_preferences.values_list("channel", "enabled")) == [("wechat", True)]
    assert services.preferences_save(account=account, choices={(KIND, "wechat"): False}) == 1
    assert not account.notify_preferences.exists()


def test_it_refuses_unknown_kinds_and_channels_in_choices(reachable):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.preferences_save(
            account=reachable.town1_officer, choices={("nobody.kind", "email"): True}
        )
    assert refusal_codes(refused.value) == {"__all__": ["unknown_kind"]}
    with pytest.raises(ValidationError) as refused:
        services.preferences_save(account=reachable.town1_officer, choices={(KIND, "pigeon"): True})
    assert refusal_codes(refused.value) == {"__all__": ["unknown_channel"]}


def test_it_records_a_failing_channel_and_delivers_the_others(
    reachable, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.NOTIFY_SMS_BACKEND = "oversight.notify.tests.conftest.FailingBackend"
    n1, n2 = send(
        reachable,
        django_capture_on_commit_callbacks,
        [reachable.town1_officer, reachable.town2_officer],
    )
    for n in (n1, n2):
        assert states(n) == {"email": "sent", "sms": "failed"}
        failed = n.deliveries.get(channel="sms")
        assert (failed.attempts, failed.error) == (1, "gateway unreachable")
    assert len(mailoutbox) == 2


def test_it_treats_a_crashing_adapter_as_a_failed_delivery(
    reachable, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFY_SMS_BACKEND = "oversight.notify.tests.conftest.CrashingBackend"
    (n,) = send(reachable, django_capture_on_commit_callbacks, [reachable.town1_officer])
    assert states(n) == {"email": "sent", "sms": "failed"}
    assert "RuntimeError: bug in the adapter" in n.deliveries.get(channel="sms").error


def test_it_names_a_misconfigured_adapter(reachable, django_capture_on_commit_callbacks, settings):
    settings.NOTIFY_SMS_BACKEND = "oversight.nowhere.Backend"
    (n,) = send(reachable, django_capture_on_commit_callbacks, [reachable.town1_officer])
    assert "NOTIFY_SMS_BACKEND" in n.deliveries.get(channel="sms").error


def test_it_skips_a_channel_without_an_address(county, django_capture_on_commit_callbacks):
    (n,) = send(county, django_capture_on_commit_callbacks, [county.clerk])
    assert states(n) == {"email": "skipped", "sms": "skipped"}
    assert set(n.deliveries.values_list("error", flat=True)) == {"no address"}


def test_it_uses_the_persons_phone_when_the_account_has_none(
    county, django_capture_on_commit_callbacks
):
    county.p_cadre.phone = "13911112222"
    county.p_cadre.save(update_fields=["phone"])
    (n,) = send(county, django_capture_on_commit_callbacks, [county.cadre])
    assert n.deliveries.get(channel="sms").address == "13911112222"


def test_it_uses_only_the_enabled_channels(
    reachable, django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.NOTIFY_CHANNELS = ["sms"]
    (n,) = send(reachable, django_capture_on_commit_callbacks, [reachable.town1_officer])
    assert states(n) == {"sms": "sent"}
    assert mailoutbox == []


def test_it_sends_a_delivery_once_however_often_it_is_asked(
    reachable, django_capture_on_commit_callbacks, mailoutbox
):
    (n,) = send(reachable, django_capture_on_commit_callbacks, [reachable.town1_officer])
    ids = list(n.deliveries.values_list("pk", flat=True))
    assert services.deliver(delivery_ids=ids) == {}
    assert len(mailoutbox) == 1


def test_it_retries_failed_deliveries_up_to_the_limit(
    reachable, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFY_SMS_BACKEND = "oversight.notify.tests.conftest.FailingBackend"
    settings.NOTIFY_MAX_ATTEMPTS = 3
    (n,) = send(reachable, django_capture_on_commit_callbacks, [reachable.town1_officer])
    assert services.retry_deliveries() == {"failed": 1}
    assert services.retry_deliveries() == {"failed": 1}
    assert services.retry_deliveries() == {}
    assert n.deliveries.get(channel="sms").attempts == 3
    settings.NOTIFY_SMS_BACKEND = "oversight.notify.channels.LoggingSmsBackend"
    settings.NOTIFY_MAX_ATTEMPTS = 4
    assert services.retry_deliveries() == {"sent": 1}


def test_it_picks_up_deliveries_a_dead_worker_left_behind(reachable, mailoutbox):
    from datetime import timedelta

    from django.utils import timezone

    # Without running the on-commit callbacks, the deliveries stay waiting, as when the queue
    # was down at the time.
    (n,) = notify(recipients=[reachable.town1_officer], kind=KIND, title="Ping")
    assert set(states(n).values()) == {"pending"}
    assert services.retry_deliveries() == {}
    later = timezone.now() + timedelta(minutes=16)
    assert services.retry_deliveries(now=later) == {"sent": 2}
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(state="sent").count() == 2
