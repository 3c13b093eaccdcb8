"""Every write of notifications: sending, delivering by other channels, reading, choosing.

Other apps call ``notify`` from their own services, inside their transaction: the inbox rows
are written with the change that caused them, and the other channels are tried only once that
transaction commits (a rolled-back change sends nothing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import tasks
from .channels import external_channels, get_channel
from .delivery import deliver, retry_deliveries  # noqa: F401  (the worker's side, re-exported)
from .kinds import INBOX, get_audience, get_kind
from .models import TITLE_MAX, Delivery, Notification, Preference

KEY_MAX = 200
TASK_CHUNK = 200


@dataclass(frozen=True)
class Message:
    """One notification to send to several recipients (see ``notify``)."""

    recipients: Iterable
    kind: str
    title: str
    body: str = ""
    url: str = ""
    target: object = None
    dedupe_key: str | None = None
    copies: Iterable = ()


def notify(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    target=None,
    dedupe_key: str | None = None,
    copies: Iterable = (),
) -> list[Notification]:
    """Put a notification in each recipient's inbox and schedule its other channels.

    Nobody is sent what they cannot open: a recipient whose scope does not show ``target``
    (the audience its app declares) or whose role lacks the function behind ``url`` is left out.
    ``copies`` are accounts told only when they asked for copies of this kind (``Kind.copy_rule``).

    ``recipients`` are accounts (duplicates and inactive accounts are dropped). ``kind`` must be
    declared (``notify.kinds``). ``target`` is the record the message is about: a saved model
    instance or a ``(type, id)`` pair. With a ``dedupe_key``, a recipient who already has a
    notification with that key gets nothing new, however often or concurrently this is called.
    Returns the notifications stored now. Deliveries by email, SMS and WeChat Work are created
    here and attempted by a background task after the caller's transaction commits, through
    the channels each recipient chose for this kind (the kind's defaults otherwise).
    """
    return notify_many([Message(recipients, kind, title, body, url, target, dedupe_key, copies)])


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """Send many messages at once with a handful of queries (periodic jobs send thousands).

    Each message follows the rules of ``notify``; every message is validated before anything is
    written.
    """
    prepared = []
    for message in messages:
        declared = get_kind(message.kind)
        if declared is None:
            raise ValueError(f"notification kind {message.kind!r} is not declared")
        title = " ".join((message.title or "").split())
        if not title:
            raise ValidationError(
                {"title": ValidationError(_("A notification needs a title."), code="required")}
            )
        if len(title) > TITLE_MAX:
            title = title[: TITLE_MAX - 1] + "…"
        if len(message.url) > 500:
            raise ValidationError(
                {
                    "url": ValidationError(
                        _("The link is longer than 500 characters."), code="too_long"
                    )
                }
            )
        target_type, target_id = _name_target(message.target)
        key = (message.dedupe_key or "").strip()
        if len(key) > KEY_MAX:
            key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
        accounts: dict[int, object] = {}
        for account in message.recipients:
            if account is not None and account.is_active and account.pk not in accounts:
                accounts[account.pk] = account
        copies = {
            account.pk: account
            for account in message.copies
            if account is not None and account.is_active and account.pk not in accounts
        }
        if accounts or copies:
            prepared.append(
                [message, declared, title, target_type, target_id, key, accounts, copies]
            )
    _add_wanted_copies(prepared)
    _keep_who_can_open(prepared)
    prepared = [entry[:7] for entry in prepared if entry[6]]
    if not prepared:
        return []

    with transaction.atomic():
        keys = sorted({entry[5] for entry in prepared if entry[5]})
        already: set[tuple[int, str]] = set()
        for start in range(0, len(keys), 500):
            already.update(
                Notification.objects.filter(dedupe_key__in=keys[start : start + 500])
                .order_by()
                .values_list("recipient_id", "dedupe_key")
            )
        rows, kinds = [], {}
        for message, declared, title, target_type, target_id, key, accounts in prepared:
            kinds[declared.code] = declared
            for pk, account in accounts.items():
                if key and (pk, key) in already:
                    continue
                if key:
                    already.add((pk, key))
                rows.append(
                    Notification(
                        recipient=account,
                        kind=declared.code,
                        title=title,
                        body=message.body or "",
                        url=message.url or "",
                        target_type=target_type,
                        target_id=target_id,
                        dedupe_key=key,
                    )
                )
        created = _store(rows, deduplicated=bool(keys))
        planned = []
        for code, declared in kinds.items():
            planned.extend(_plan_deliveries([n for n in created if n.kind == code], declared))
        deliveries = Delivery.objects.bulk_create(planned, batch_size=1000)
        delivery_ids = [d.pk for d in deliveries]
        if delivery_ids:
            transaction.on_commit(partial(_schedule, delivery_ids))
    return created


def _add_wanted_copies(prepared: list[list]) -> None:
    """Copies go to those who chose to receive copies of the kind on their settings page."""
    wanted_by_kind: dict[str, set[int]] = {}
    for entry in prepared:
        copies, kind = entry[7], entry[1]
        if copies and kind.code not in wanted_by_kind:
            wanted_by_kind[kind.code] = set()
    for kind_code in wanted_by_kind:
        candidates = sorted({pk for e in prepared if e[1].code == kind_code for pk in e[7]})
        for start in range(0, len(candidates), 500):
            wanted_by_kind[kind_code].update(
                Preference.objects.filter(
                    kind=kind_code,
                    channel=INBOX,
                    enabled=True,
                    account_id__in=candidates[start : start + 500],
                ).values_list("account_id", flat=True)
            )
    for entry in prepared:
        wanted = wanted_by_kind.get(entry[1].code, ())
        for pk, account in entry[7].items():
            if pk in wanted:
                entry[6][pk] = account


def _keep_who_can_open(prepared: list[list]) -> None:
    """Drop the recipients who could not open what a message is about: the target outside their
    data scope (through the audience its app declares) or the link's function outside their
    role. Each account's scope is asked once per kind of target, for all targets together."""
    from oversight.orgs.access import has_perm

    wanted: dict[tuple[str, int], set[str]] = {}
    accounts: dict[int, object] = {}
    for entry in prepared:
        target_type, target_id, recipients = entry[3], entry[4], entry[6]
        if target_type and target_id and get_audience(target_type) is not None:
            for pk, account in recipients.items():
                wanted.setdefault((target_type, pk), set()).add(target_id)
                accounts[pk] = account
    visible: dict[tuple[str, int], set[str]] = {}
    for (target_type, pk), ids in wanted.items():
        visible[(target_type, pk)] = set(
            get_audience(target_type)(viewer=accounts[pk], ids=sorted(ids))
        )
    for entry in prepared:
        target_type, target_id, recipients, url = entry[3], entry[4], entry[6], entry[0].url
        permission = _permission_behind(url)
        for pk in list(recipients):
            if (target_type, pk) in visible and target_id not in visible[(target_type, pk)]:
                del recipients[pk]
            elif permission and not has_perm(recipients[pk], permission):
                del recipients[pk]


def _permission_behind(url: str) -> str:
    """The function permission the view at ``url`` requires (``require_perm``), if any."""
    if not url or not url.startswith("/"):
        return ""
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return ""
    return getattr(match.func, "required_perm", "") or ""


def _name_target(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        if target.pk is None:
            raise ValueError("a notification's target must be saved first")
        return target._meta.label_lower, str(target.pk)
    if isinstance(target, tuple) and len(target) == 2:
        return str(target[0])[:64], str(target[1])[:64]
    raise TypeError(f"cannot name a notification target from {type(target).__name__}")


def _store(rows: list[Notification], *, deduplicated: bool) -> list[Notification]:
    """Insert ``rows``; when another transaction stored the same key meanwhile, skip those."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        if not deduplicated:
            raise
    created = []
    for row in rows:
        row.pk = None
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(row)
    return created


def _plan_deliveries(notifications: list[Notification], kind) -> list[Delivery]:
    channels = external_channels()
    if not notifications or not channels:
        return []
    chosen = {
        (account_id, channel): enabled
        for account_id, channel, enabled in Preference.objects.filter(
            account_id__in={n.recipient_id for n in notifications}, kind=kind.code
        ).values_list("account_id", "channel", "enabled")
    }
    return [
        Delivery(notification=notification, channel=channel.code)
        for notification in notifications
        for channel in channels
        if chosen.get(
            (notification.recipient_id, channel.code), channel.code in kind.default_channels
        )
    ]


def _schedule(delivery_ids: list[int]) -> None:
    for start in range(0, len(delivery_ids), TASK_CHUNK):
        tasks.deliver_task(delivery_ids[start : start + TASK_CHUNK])


# --- the inbox ------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> bool:
    """Mark one notification read; False when it already was."""
    if notification.read_at is not None:
        return False
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    return True


def notifications_mark_all_read(*, account) -> int:
    """Mark every unread notification of ``account`` read; returns how many changed."""
    return Notification.objects.filter(recipient=account, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- preferences ----------------------------------------------------------------------------


def preferences_save(*, account, choices: Mapping[tuple[str, str], bool]) -> int:
    """Store ``account``'s choice of channels per kind: ``{(kind, channel): enabled}``; the
    inbox (``inapp``) stands for "copies too" on a kind with a copy rule.

    Only choices that differ from the kind's default are kept, so a person who never chose
    follows the defaults as they change. Returns the number of choices that changed.
    """
    errors = []
    for kind_code, channel_code in choices:
        if get_kind(kind_code) is None:
            errors.append(
                ValidationError(
                    _("Unknown kind of notification: %(kind)s") % {"kind": kind_code},
                    code="unknown_kind",
                )
            )
        elif channel_code == INBOX:
            if not get_kind(kind_code).copy_rule:
                errors.append(
                    ValidationError(
                        _("Everything of this kind arrives in the inbox: %(kind)s")
                        % {"kind": get_kind(kind_code).label},
                        code="inbox_always",
                    )
                )
        elif get_channel(channel_code) is None:
            errors.append(
                ValidationError(
                    _("Unknown channel: %(channel)s") % {"channel": channel_code},
                    code="unknown_channel",
                )
            )
    if errors:
        raise ValidationError({"__all__": errors})
    changed = 0
    with transaction.atomic():
        stored = {
            (p.kind, p.channel): p
            for p in Preference.objects.select_for_update().filter(account=account)
        }
        for (kind_code, channel_code), enabled in choices.items():
            default = channel_code in get_kind(kind_code).default_channels
            current = stored.get((kind_code, channel_code))
            before = current.enabled if current is not None else default
            if bool(enabled) == default:
                if current is not None:
                    current.delete()
            elif current is None:
                Preference.objects.create(
                    account=account, kind=kind_code, channel=channel_code, enabled=bool(enabled)
                )
            elif current.enabled != bool(enabled):
                current.enabled = bool(enabled)
                current.save(update_fields=["enabled"])
            changed += before != bool(enabled)
    return changed


def send_test(*, account) -> list[Notification]:
    """A test message to ``account`` through every channel they chose for test messages."""
    return notify(
        recipients=[account],
        kind="notify.test",
        title=_("Test message"),
        body=_("If you read this, the channel reaches you."),
        url=reverse("notify:settings"),
    )
