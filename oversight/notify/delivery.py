"""Delivering notifications by channels other than the inbox: the worker's side of
``services.notify``, run by ``tasks`` (never enqueuing anything itself)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .channels import DeliveryError, get_channel
from .models import Delivery

log = logging.getLogger("notify")


def deliver(*, delivery_ids: Iterable[int]) -> dict[str, int]:
    """Attempt the waiting or failed deliveries among ``delivery_ids``; count the outcomes.

    Each delivery is claimed first (one conditional UPDATE), so two workers given the same id
    send it once. A channel that fails marks its own delivery failed and the others go on.
    """
    counts: dict[str, int] = {}
    candidates = Delivery.objects.filter(
        pk__in=list(delivery_ids), state__in=(Delivery.State.PENDING, Delivery.State.FAILED)
    ).select_related("notification__recipient__person")
    for delivery in candidates:
        state = _attempt(delivery)
        if state:
            counts[state] = counts.get(state, 0) + 1
    return counts


def _attempt(delivery: Delivery) -> str | None:
    now = timezone.now()
    claimed = Delivery.objects.filter(
        pk=delivery.pk, state=delivery.state, attempts=delivery.attempts
    ).update(state=Delivery.State.SENDING, updated_at=now)
    if not claimed:
        return None
    notification = delivery.notification
    recipient = notification.recipient
    channel = get_channel(delivery.channel)
    delivery.error = ""
    if channel is None:
        delivery.state = Delivery.State.SKIPPED
        delivery.error = "channel not enabled"
    elif not recipient.is_active:
        delivery.state = Delivery.State.SKIPPED
        delivery.error = "account disabled"
    else:
        delivery.address = channel.address_for(recipient)[:254]
        if not delivery.address:
            delivery.state = Delivery.State.SKIPPED
            delivery.error = "no address"
        else:
            delivery.attempts += 1
            try:
                channel.send(notification, delivery.address)
            except DeliveryError as exc:
                delivery.state = Delivery.State.FAILED
                delivery.error = str(exc)[:500] or type(exc).__name__
            except Exception as exc:
                log.exception("channel %s crashed on delivery %s", channel.code, delivery.pk)
                delivery.state = Delivery.State.FAILED
                delivery.error = f"{type(exc).__name__}: {exc}"[:500]
            else:
                delivery.state = Delivery.State.SENT
                delivery.sent_at = timezone.now()
    if delivery.state == Delivery.State.FAILED:
        log.warning("delivery %s by %s failed: %s", delivery.pk, delivery.channel, delivery.error)
    delivery.save(update_fields=["state", "address", "attempts", "error", "sent_at", "updated_at"])
    return delivery.state


def retry_deliveries(*, now=None) -> dict[str, int]:
    """Try again what failed (up to ``NOTIFY_MAX_ATTEMPTS``) and what was never picked up.

    A delivery left "sending" for ``NOTIFY_STALE_MINUTES`` (its worker died) is tried again: a
    message may then arrive twice, which is better than not at all.
    """
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.NOTIFY_STALE_MINUTES)
    Delivery.objects.filter(state=Delivery.State.SENDING, updated_at__lt=stale).update(
        state=Delivery.State.FAILED, error="interrupted", updated_at=now
    )
    ids = list(
        Delivery.objects.filter(
            models.Q(state=Delivery.State.FAILED, attempts__lt=settings.NOTIFY_MAX_ATTEMPTS)
            | models.Q(state=Delivery.State.PENDING, updated_at__lt=stale)
        )
        .order_by("id")
        .values_list("pk", flat=True)[:5000]
    )
    return deliver(delivery_ids=ids)
