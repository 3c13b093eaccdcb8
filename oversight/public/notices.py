"""SMS to named complainants through the platform's SMS adapter (``NOTIFY_SMS_BACKEND``).

A notice row is written in the transaction that caused it (``queue``, here); the message goes
out after commit, in the worker (``notice_delivery``), when the phone number is decrypted for
the adapter and forgotten again. The phone is never written anywhere in plain text.
"""

from __future__ import annotations

from django.db import transaction

from . import notice_delivery


def queue(complaint, kind: str) -> None:
    """Owe the complainant an SMS of ``kind`` if they gave a phone (once per kind)."""
    from .models import CitizenNotice

    if not complaint.named or not complaint.phone_enc:
        return
    notice, created = CitizenNotice.objects.get_or_create(complaint=complaint, kind=kind)
    if created:
        # robust: a queue out of reach is logged; the citizen's submission has been stored
        transaction.on_commit(lambda: notice_delivery.send_notice(notice.pk), robust=True)
