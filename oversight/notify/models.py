"""The inbox, the record of every delivery by another channel, and people's choices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .channels import channel_by_code
from .kinds import get_kind

TITLE_MAX = 300


class Notification(models.Model):
    """One message to one person, shown in their inbox.

    ``dedupe_key`` names what the message is about when it must reach a person only once (a
    reminder of a step's deadline, say): a second notification with the same key to the same
    person is never stored. ``target_type``/``target_id`` point at the record the message is
    about, named as the ledger names targets (``"loop.workitem"``, ``"42"``).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["target_type", "target_id"], name="notification_target"),
            # "who already has this key?" is asked by every notify() with a key: without it,
            # each complaint's notice scanned the whole table
            models.Index(fields=["dedupe_key", "recipient"], name="notification_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self):
        """The declared label of the kind, or its code when no app declares it any more."""
        kind = get_kind(self.kind)
        return kind.label if kind is not None else self.kind


class Delivery(models.Model):
    """One attempt to carry a notification by a channel other than the inbox."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=16)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    address = models.CharField(_("address"), max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            ),
        ]
        indexes = [models.Index(fields=["state", "updated_at"], name="delivery_state")]

    def __str__(self) -> str:
        return f"{self.channel} {self.state}"

    @property
    def channel_label(self):
        channel = channel_by_code(self.channel)
        return channel.label if channel is not None else self.channel


class Preference(models.Model):
    """A person's choice for one kind and one channel, where it differs from the kind's default."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preferences"
    )
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["account", "kind", "channel"], name="preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {'on' if self.enabled else 'off'}"
