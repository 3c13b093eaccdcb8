"""Writes of platform-wide data: the worker's and the scheduler's heartbeats. (Dictionaries are
written by ``orgs.dictionaries``, which traces them in the ledger.)"""

from __future__ import annotations

from django.utils import timezone

from .models import Heartbeat


def heartbeat(*, name: str, detail: str = "") -> None:
    """Record that a background process is alive now."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now(), "detail": detail})
