"""The demonstration county's leaders find last month's digest in their inbox."""

from __future__ import annotations

import random

from oversight.core.measure_registry import Period
from oversight.loop import timing

from . import services


def build(*, rng: random.Random, stdout=None) -> None:
    today = timing.today()
    period = Period.containing(today).previous()
    sent = services.digest_send(on=today, period=period)
    if stdout is not None and sent:
        stdout.write(f"schedules: {sent} leaders' digests of {period.key}\n")
