"""What entering a complaint's states does besides the engine's work: telling the citizen,
moving the item to the department it is routed to, keeping the reply, publishing it.

Each hook runs inside the transition's transaction as ``hook(item=, event=, actor=)``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.workflow import Limit
from oversight.orgs.models import OrgNode

from . import notices, publishing


def _complaint(item):
    from .models import Complaint

    return Complaint.objects.select_for_update().get(item=item)


def _tell(complaint, text: str, *, author=None) -> None:
    from .models import PublicMessage

    PublicMessage.objects.create(
        complaint=complaint, kind=PublicMessage.Kind.NOTICE, text=text, author=author
    )


def told_accepted(*, item, event, actor) -> None:
    complaint = _complaint(item)
    with override(settings.LANGUAGE_CODE):
        _tell(
            complaint,
            _("Your complaint was accepted and will be routed to the responsible department."),
        )
    notices.queue(complaint, "accepted")


def told_not_accepted(*, item, event, actor) -> None:
    complaint = _complaint(item)
    with override(settings.LANGUAGE_CODE):
        _tell(
            complaint,
            _("Your complaint was not accepted. Reason: %(reason)s") % {"reason": event.comment},
        )
    notices.queue(complaint, "not_accepted")


def told_transferred(*, item, event, actor) -> None:
    complaint = _complaint(item)
    with override(settings.LANGUAGE_CODE):
        _tell(complaint, _("Your complaint was transferred: %(where)s") % {"where": event.comment})
    notices.queue(complaint, "transferred")


def unit_of(node: OrgNode) -> OrgNode:
    """The unit or town that a department, window or village belongs to (itself if it is one)."""
    units = (
        OrgNode.Type.UNIT,
        OrgNode.Type.TOWN,
        OrgNode.Type.COMMISSION,
        OrgNode.Type.PARTY_COMMITTEE,
    )
    current = node
    while current is not None:
        if current.type in units:
            return current
        current = current.parent
    return node


def default_route(complaint) -> OrgNode | None:
    """Where a complaint goes by its category: the item's department, else (village affairs)
    the town of the place concerned."""
    power = complaint.power_item
    if power is not None and power.responsible_node_id:
        return power.responsible_node
    node = complaint.subject_node
    while node is not None:
        if node.type == OrgNode.Type.TOWN:
            return node
        node = node.parent
    return None


def routed(*, item, event, actor) -> None:
    complaint = _complaint(item)
    node_id = (event.data or {}).get("node")
    node = (
        OrgNode.objects.filter(pk=node_id, is_active=True).first()
        if node_id
        else default_route(complaint)
    )
    if node is None:
        raise ValidationError(
            {
                "node": ValidationError(
                    _("Choose the department that handles this complaint."), code="required"
                )
            }
        )
    if node.type in (OrgNode.Type.COMMISSION, OrgNode.Type.STATIONED_GROUP):
        raise ValidationError(
            {
                "node": ValidationError(
                    _("Route the complaint to a department, not to a discipline body."),
                    code="discipline_body",
                )
            }
        )
    power = complaint.power_item
    days = (
        power.limit_days if power is not None and power.limit_days else settings.PUBLIC_HANDLE_DAYS
    )
    working = power.limit_working if power is not None and power.limit_days else True
    step_deadline = timing.deadline_after(item.step_started_on, Limit(days, working=working))
    reply_days = settings.PUBLIC_DRAFT_DAYS + settings.PUBLIC_REVIEW_DAYS
    complaint.reply_deadline = timing.deadline_after(step_deadline, Limit(reply_days, working=True))
    loop.item_adjust(
        item=item,
        responsible_node=node,
        step_deadline=step_deadline,
        final_deadline=complaint.reply_deadline,
    )
    loop.event_add_data(event=event, data={"node": node.pk, "node_name": node.name})
    complaint.unit = unit_of(node)
    complaint.save(update_fields=["unit", "reply_deadline"])
    complaint_recorded(complaint, actor=actor, action="public.complaint.assign")
    with override(settings.LANGUAGE_CODE):
        _tell(
            complaint,
            _("Your complaint was passed to %(unit)s; a reply is due by %(date)s.")
            % {"unit": node.name, "date": complaint.reply_deadline.isoformat()},
        )


def sent_back(*, item, event, actor) -> None:
    complaint = _complaint(item)
    loop.item_adjust(item=item, responsible_node=item.supervising_node)
    complaint.unit = None
    complaint.save(update_fields=["unit"])
    complaint_recorded(complaint, actor=actor, action="public.complaint.send_back")


def drafted(*, item, event, actor) -> None:
    complaint = _complaint(item)
    complaint.reply_draft = ((event.data or {}).get("reply") or event.comment).strip()
    complaint.save(update_fields=["reply_draft"])
    complaint_recorded(complaint, actor=actor, action="public.complaint.draft")


def approved(*, item, event, actor) -> None:
    from .models import PublicMessage

    complaint = _complaint(item)
    data = event.data or {}
    if not complaint.reply_draft:
        raise ValidationError(_("There is no drafted reply to approve."), code="no_draft")
    today = timing.today()
    complaint.reply = (data.get("reply") or complaint.reply_draft).strip()
    complaint.replied_at = timezone.now()
    complaint.replied_on_time = (
        complaint.reply_deadline is None or today <= complaint.reply_deadline
    )
    complaint.published = bool(data.get("publish"))
    complaint.public_text = (data.get("public_text") or "").strip() or publishing.anonymise(
        complaint.reply
    )
    complaint.save(
        update_fields=["reply", "replied_at", "replied_on_time", "published", "public_text"]
    )
    complaint_recorded(complaint, actor=actor, action="public.complaint.reply")
    PublicMessage.objects.create(
        complaint=complaint, kind=PublicMessage.Kind.REPLY, text=complaint.reply, author=actor
    )
    if complaint.published:
        publishing.fix_published(complaint, actor=actor)
    if complaint.replied_on_time:
        # Waiting on the citizen is no one's delay: the deadline moves past the rating window.
        rating_end = today + timedelta(days=settings.PUBLIC_RATING_DAYS)
        loop.item_adjust(
            item=item,
            final_deadline=timing.deadline_after(
                rating_end, Limit(settings.PUBLIC_CLOSE_DAYS, working=True)
            ),
        )
    notices.queue(complaint, "replied")


def concluded(*, item, event, actor) -> None:
    from .models import Dissatisfaction

    row = Dissatisfaction.objects.select_for_update().get(review_item=item)
    row.finding = (
        Dissatisfaction.Finding.RESPONSIBLE
        if event.transition == "conclude_responsible"
        else Dissatisfaction.Finding.NOT_RESPONSIBLE
    )
    row.conclusion = event.comment
    row.concluded_on = timing.today()
    row.save(update_fields=["finding", "conclusion", "concluded_on"])


def complaint_recorded(complaint, *, actor, action: str) -> None:
    from .services._common import complaint_recorded as record

    record(complaint, actor=actor, action=action)
