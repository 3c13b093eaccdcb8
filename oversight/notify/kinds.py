"""Kinds of notification, declared by the apps that send them.

An app lists its kinds in ``<app>/notifications.py``; they are collected at start-up::

    # oversight/loop/notifications.py
    from django.utils.translation import gettext_lazy as _
    from oversight.notify.kinds import Kind

    NOTIFICATION_KINDS = [
        Kind("loop.assigned", _("A work item was assigned to me"), ("email",)),
        Kind("loop.reminder", _("A deadline is near"), ("sms", "wechat")),
    ]

``register_kind`` declares one from code (tests, or an app that builds its kinds at run time).
``default_channels`` are the channels beyond the in-app inbox that reach a person who has not
chosen otherwise on their notification settings page; the inbox always receives everything.

A kind with a ``copy_rule`` sends copies (``Message.copies``): people told of a message only when
they ask for it on their settings page, where the rule is shown in words (e.g. leaders are told
of the steps their role takes, and receive the rest of their supervisors' steps only if they
tick it).

An app also declares who may see the records its notifications are about::

    NOTIFICATION_AUDIENCES = {"loop.workitem": visible_item_ids}

``visible_item_ids(*, viewer, ids)`` answers which of ``ids`` (strings) the viewer's scoped
selector returns; ``notify`` drops a recipient who could not open the record a message is about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

from oversight.core.discovery import declarations, declaring_modules

INBOX = "inapp"


@dataclass(frozen=True)
class Kind:
    """One kind of notification: its code (``app.event``), its label, its default channels."""

    code: str
    label: Promise | str
    default_channels: tuple[str, ...] = ()
    description: Promise | str = ""
    copy_rule: Promise | str = ""


_KINDS: dict[str, Kind] = {}
_AUDIENCES: dict[str, object] = {}
_DISCOVERED = False


def register_kind(
    code: str,
    label: Promise | str,
    default_channels: Iterable[str] = (),
    description: Promise | str = "",
) -> Kind:
    """Declare a kind; declaring the same code twice with other values is an error."""
    kind = Kind(code, label, tuple(c for c in default_channels if c != INBOX), description)
    _add(kind)
    return kind


def unregister_kind(code: str) -> None:
    """Forget a kind (tests declare temporary ones)."""
    _KINDS.pop(code, None)


def register_audience(target_type: str, visible) -> None:
    """Declare who may see records of ``target_type`` (a model label such as ``loop.workitem``):
    ``visible(*, viewer, ids) -> set[str]``, through the app's scoped selector."""
    _AUDIENCES[target_type] = visible


def get_audience(target_type: str):
    autodiscover()
    return _AUDIENCES.get(target_type)


def get_kind(code: str) -> Kind | None:
    return _KINDS.get(code)


def all_kinds() -> list[Kind]:
    """Every declared kind, ordered by code."""
    return sorted(_KINDS.values(), key=lambda kind: kind.code)


def _add(kind: Kind) -> None:
    if not kind.code or "." not in kind.code or len(kind.code) > 64:
        raise ValueError(
            f"a notification kind is 'app.event', at most 64 characters: {kind.code!r}"
        )
    existing = _KINDS.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.code} declared twice")
    _KINDS[kind.code] = kind


def autodiscover() -> None:
    """Collect NOTIFICATION_KINDS from every installed oversight app, once."""
    global _DISCOVERED
    if _DISCOVERED:
        return
    _DISCOVERED = True
    for _config, kind in declarations("notifications", "NOTIFICATION_KINDS"):
        if not isinstance(kind, Kind):
            kind = Kind(*kind)
        _add(
            Kind(
                kind.code,
                kind.label,
                tuple(c for c in kind.default_channels if c != INBOX),
                kind.description,
                kind.copy_rule,
            )
        )
    for _config, module in declaring_modules("notifications"):
        _AUDIENCES.update(getattr(module, "NOTIFICATION_AUDIENCES", {}))
