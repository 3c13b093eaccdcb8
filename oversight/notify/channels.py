"""Delivery channels behind one interface.

A ``Channel`` knows where a person receives it (``address_for``) and sends one notification
there (``send``), raising ``DeliveryError`` when it cannot; the caller records the outcome as a
``Delivery``. The in-app inbox is the notification row itself and needs no delivery.

SMS and WeChat Work go through a backend class named by a dotted path in the settings
(``NOTIFY_SMS_BACKEND``, ``NOTIFY_WECHAT_BACKEND``). The default backends only write the message
to the ``notify`` logger, for development and single-machine demonstrations; a deployment names
a class with the same ``send`` method that calls its SMS gateway or the WeChat Work API.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .kinds import INBOX

log = logging.getLogger("notify")

SMS_MAX_CHARS = 300


class DeliveryError(Exception):
    """A channel could not deliver a notification; the message says why."""


def absolute_url(url: str) -> str:
    """``url`` made absolute with ``NOTIFY_SITE_URL``, for messages read outside the platform."""
    if not url or "://" in url:
        return url
    return settings.NOTIFY_SITE_URL.rstrip("/") + url


def plain_text(notification, *, limit: int | None = None) -> str:
    """Title, body and link of a notification as one plain text."""
    text = notification.title
    if notification.body:
        text = f"{text}\n{notification.body}"
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    link = absolute_url(notification.url)
    return f"{text}\n{link}" if link else text


class Channel:
    """One way of reaching a person."""

    code: str = ""
    label = ""

    def address_for(self, account) -> str:
        """Where ``account`` receives this channel; empty when they cannot."""
        raise NotImplementedError

    def send(self, notification, address: str) -> None:
        """Deliver ``notification`` to ``address`` or raise ``DeliveryError``."""
        raise NotImplementedError


class InAppChannel(Channel):
    """The inbox: storing the notification is the delivery."""

    code = INBOX
    label = _("In-app inbox")

    def address_for(self, account) -> str:
        return str(account.pk)

    def send(self, notification, address: str) -> None:
        return None


class EmailChannel(Channel):
    code = "email"
    label = _("Email")

    def address_for(self, account) -> str:
        return account.email or ""

    def send(self, notification, address: str) -> None:
        try:
            sent = send_mail(
                subject=notification.title[:200],
                message=plain_text(notification),
                from_email=None,
                recipient_list=[address],
                fail_silently=False,
            )
        except Exception as exc:  # SMTP, socket and backend errors all mean "not delivered"
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        if not sent:
            raise DeliveryError("the mail backend sent nothing")


class BackendChannel(Channel):
    """A channel whose sending is done by a backend class chosen in the settings."""

    setting = ""

    def backend(self):
        path = getattr(settings, self.setting)
        try:
            return import_string(path)()
        except ImportError as exc:
            raise DeliveryError(f"{self.setting}={path!r} cannot be imported: {exc}") from exc

    def send(self, notification, address: str) -> None:
        backend = self.backend()
        text = plain_text(notification, limit=SMS_MAX_CHARS)
        try:
            backend.send(
                address=address,
                title=notification.title,
                text=text,
                url=absolute_url(notification.url),
            )
        except DeliveryError:
            raise
        except Exception as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


class SmsChannel(BackendChannel):
    code = "sms"
    label = _("SMS")
    setting = "NOTIFY_SMS_BACKEND"

    def address_for(self, account) -> str:
        if account.phone:
            return account.phone
        person = account.person if account.person_id else None
        return person.phone if person is not None and person.phone else ""


class WeChatWorkChannel(BackendChannel):
    code = "wechat"
    label = _("WeChat Work")
    setting = "NOTIFY_WECHAT_BACKEND"

    def address_for(self, account) -> str:
        # WeChat Work addresses people by their member id; the platform's username is used as
        # that id, as directories synchronised from the org tree do.
        return account.username


class LoggingSmsBackend:
    """Development SMS backend: writes the message to the ``notify`` logger."""

    def send(self, *, address: str, title: str, text: str, url: str) -> None:
        masked = address[:3] + "****" + address[-4:] if len(address) >= 8 else "****"
        log.info("SMS to %s: %s", masked, text.replace("\n", " "))


class LoggingWeChatBackend:
    """Development WeChat Work backend: writes the message to the ``notify`` logger."""

    def send(self, *, address: str, title: str, text: str, url: str) -> None:
        log.info("WeChat Work message to %s: %s", address, text.replace("\n", " "))


_CHANNELS: dict[str, Channel] = {
    channel.code: channel
    for channel in (InAppChannel(), EmailChannel(), SmsChannel(), WeChatWorkChannel())
}


def register_channel(channel: Channel) -> None:
    """Add or replace a channel (a deployment's own, or a test's)."""
    _CHANNELS[channel.code] = channel


def channel_by_code(code: str) -> Channel | None:
    """The channel ``code``, enabled or not (for labels)."""
    return _CHANNELS.get(code)


def get_channel(code: str) -> Channel | None:
    """The channel ``code`` if it exists and the settings enable it."""
    if code != INBOX and code not in settings.NOTIFY_CHANNELS:
        return None
    return _CHANNELS.get(code)


def external_channels() -> list[Channel]:
    """The enabled channels beyond the inbox, in the order of ``NOTIFY_CHANNELS``."""
    return [_CHANNELS[code] for code in settings.NOTIFY_CHANNELS if code in _CHANNELS]
