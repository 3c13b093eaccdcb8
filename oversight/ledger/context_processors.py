"""The banner every signed-in page shows while a ledger alarm is open."""

from __future__ import annotations

from .models import Alarm


def alarm(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "ledger_alarm": Alarm.objects.filter(resolved_at__isnull=True)
        .order_by("raised_at", "id")
        .first()
    }
