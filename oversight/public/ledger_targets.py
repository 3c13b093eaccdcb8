"""The public channel's fixed records: replies published on the board."""

from oversight.ledger.targets import TargetKind


def _published_reply(record_id: str, fixed: dict | None = None):
    from .models import Complaint
    from .publishing import published_content

    complaint = Complaint.objects.select_related("power_item", "unit").filter(pk=record_id).first()
    return published_content(complaint, fixed) if complaint is not None else None


TARGETS = [
    TargetKind(type="public.reply", snapshot=_published_reply, table="public_complaint"),
]
