"""The worker's side of the SMS notices to complainants (``notices.queue`` owes them): the task
that sends one after commit, and the sending itself, which ``services.followup.retry_notices``
runs again for what failed. Kept apart from ``tasks`` so that queuing a notice reaches nothing
that leads back to the services that queue it; ``tasks`` imports it, so the consumer knows the
task."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from huey.contrib.djhuey import db_task

log = logging.getLogger("public")


@db_task()
def send_notice(notice_id: int) -> bool:
    """Send one owed SMS (enqueued on commit by ``notices.queue``)."""
    return send(notice_id)


def _text(notice) -> str:
    complaint = notice.complaint
    with override(settings.LANGUAGE_CODE):
        texts = {
            "accepted": _("Your complaint %(ref)s was accepted. Track it with your code."),
            "not_accepted": _(
                "Your complaint %(ref)s was not accepted; the reason is on the tracking page."
            ),
            "transferred": _(
                "Your complaint %(ref)s was transferred; details are on the tracking page."
            ),
            "replied": _("Your complaint %(ref)s has a reply. Read and rate it with your code."),
        }
        return texts[notice.kind] % {"ref": complaint.reference}


def send(notice_id: int) -> bool:
    """Send one owed SMS; True when the adapter took it."""
    from oversight.notify.channels import SmsChannel, get_channel

    from . import keys
    from .models import CitizenNotice

    with transaction.atomic():
        notice = (
            CitizenNotice.objects.select_for_update()
            .select_related("complaint")
            .filter(pk=notice_id, sent_at__isnull=True)
            .first()
        )
        if notice is None:
            return False
        complaint = notice.complaint
        channel = get_channel("sms")
        if channel is None:
            notice.error = "SMS channel not enabled"
            notice.save(update_fields=["error"])
            return False
        try:
            phone = keys.decrypt(complaint.phone_enc, context="public.Complaint.phone")
            backend = SmsChannel().backend()
            backend.send(address=phone, title=complaint.reference, text=_text(notice), url="")
        except Exception as exc:  # the adapter's failures must not lose the notice
            notice.error = type(exc).__name__[:300]
            notice.save(update_fields=["error"])
            log.warning("SMS notice %s failed: %s", notice.pk, type(exc).__name__)
            return False
        notice.sent_at = timezone.now()
        notice.error = ""
        notice.save(update_fields=["sent_at", "error"])
        if (
            notice.kind in ("accepted", "not_accepted", "transferred")
            and complaint.notice_sent_on is None
        ):
            complaint.notice_sent_on = timezone.localdate()
            complaint.save(update_fields=["notice_sent_on"])
            from .services._common import complaint_recorded

            complaint_recorded(complaint, actor=None, action="public.complaint.notice_sent")
        return True
