"""The public channel's fixed records: replies published on the board."""

from oversight.ledger.targets import TargetKind, traced

from .models import Complaint


def _published_reply(record_id: str, fixed: dict | None = None):
    from .publishing import published_content

    complaint = Complaint.objects.select_related("power_item", "unit").filter(pk=record_id).first()
    return published_content(complaint, fixed) if complaint is not None else None


TARGETS = [
    TargetKind(type="public.reply", snapshot=_published_reply, table="public_complaint"),
    # Every complaint as a traced row, the reporter's identity with it: the state holds the
    # encrypted tokens (``*_enc``), so identities swapped between complaints are named. The
    # state is kept in the leaf's row (``after_state``), never in its public bytes, which carry
    # only its digest. ``announced`` is the intake digest's mark that officers were told: not a
    # change of the complaint.
    traced(Complaint, exclude=("announced",)),
]
