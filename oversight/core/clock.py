"""A moved clock: code run inside ``moved()`` sees ``timezone.now()`` at a time the caller sets.

The demo writes its county's past with this: each record is written by the platform's own
services at its historical time (so every timestamp, leaf and digest is the one the service
wrote then), instead of being written today and back-dated afterwards.

Everything that asks Django for the time goes through ``django.utils.timezone.now`` (model
defaults, ``auto_now``, ``timezone.localdate``, the loop's ``timing.today``, the ledger's leaves),
which reads ``datetime.now`` from its module: ``moved`` replaces that one name, so every caller
follows, including functions bound before the clock moved. Within a moment the moved time still
advances with the real one, so records written one after the other keep their order; it never
goes back.
"""

from __future__ import annotations

import datetime as _dt
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone as _timezone

_REAL = _timezone.datetime
_lock = threading.Lock()


class _StandIn(type):
    """``isinstance(value, <stand-in>)`` answers as ``isinstance(value, datetime)``."""

    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, _REAL)


class MovedClock:
    """The time seen inside ``moved()``; ``set`` moves it (never backwards)."""

    def __init__(self, moment: _dt.datetime) -> None:
        self._base = moment
        self._since = time.monotonic()
        self._last = moment

    def set(self, moment: _dt.datetime) -> None:
        if moment.utcoffset() is None:
            raise ValueError("a moved clock needs an aware datetime")
        self._base = max(moment, self.now())
        self._since = time.monotonic()

    def now(self) -> _dt.datetime:
        current = self._base + _dt.timedelta(seconds=time.monotonic() - self._since)
        self._last = max(current, self._last)
        return self._last


@contextmanager
def moved(moment: _dt.datetime) -> Iterator[MovedClock]:
    """Run the block with Django's clock at ``moment`` (aware); ``clock.set`` moves it on."""
    if moment.utcoffset() is None:
        raise ValueError("a moved clock needs an aware datetime")
    clock = MovedClock(moment)

    class _MovedDatetime(metaclass=_StandIn):
        """Stands for ``datetime`` in django.utils.timezone: its ``now`` is the moved time."""

        @staticmethod
        def now(tz=None):
            current = clock.now()
            return (
                current.astimezone(tz)
                if tz is not None
                else current.astimezone().replace(tzinfo=None)
            )

    with _lock:
        if _timezone.datetime is not _REAL:
            raise RuntimeError("the clock is already moved")
        _timezone.datetime = _MovedDatetime
    try:
        yield clock
    finally:
        _timezone.datetime = _REAL
