"""Reads of notifications: a person's own inbox and choices, and the scoped delivery log."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from oversight.orgs.access import scope_q

from .channels import Channel, InAppChannel, external_channels
from .kinds import Kind, all_kinds
from .models import Delivery, Notification, Preference


def notification_list(*, viewer, unread_only: bool = False) -> QuerySet[Notification]:
    """The viewer's own notifications, unread first, newest first within each group."""
    qs = Notification.objects.filter(recipient=viewer)
    if unread_only:
        return qs.filter(read_at__isnull=True).order_by("-created_at", "-id")
    return qs.alias(
        unread=Case(
            When(read_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("-unread", "-created_at", "-id")


def notification_get(*, viewer, pk: int) -> Notification:
    """One of the viewer's own notifications, or 404 (another person's included)."""
    return get_object_or_404(Notification, pk=pk, recipient=viewer)


def unread_count(*, viewer) -> int:
    """How many of the viewer's notifications are unread."""
    if viewer is None or not viewer.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()


@dataclass(frozen=True)
class PreferenceRow:
    kind: Kind
    cells: list[tuple[Channel, bool, bool]]  # channel, enabled, kind's default


def preference_matrix(*, account) -> tuple[list[Channel], list[PreferenceRow]]:
    """The channels (inbox first) and, per declared kind, what reaches ``account`` by each."""
    channels = external_channels()
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in Preference.objects.filter(account=account).values_list(
            "kind", "channel", "enabled"
        )
    }
    rows = []
    for kind in all_kinds():
        cells = []
        if kind.copy_rule:  # the inbox cell: copies too (see Kind.copy_rule)
            cells.append((InAppChannel(), chosen.get((kind.code, InAppChannel.code), False), False))
        for channel in channels:
            default = channel.code in kind.default_channels
            cells.append((channel, chosen.get((kind.code, channel.code), default), default))
        rows.append(PreferenceRow(kind=kind, cells=cells))
    return [InAppChannel(), *channels], rows


def delivery_list(*, viewer, state: str = "", channel: str = "") -> QuerySet[Delivery]:
    """Deliveries to accounts in the viewer's scope, newest first."""
    qs = Delivery.objects.filter(
        scope_q(viewer, node="notification__recipient__org_node", owner="notification__recipient")
    ).select_related("notification__recipient")
    if state:
        qs = qs.filter(state=state)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")
