"""What staff do beside a complaint's transitions: questions to the citizen, links between
complaints, return visits, publishing replies, checking style reports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.loop.models import Event, WorkItem
from oversight.orgs.access import has_perm

from ..models import (
    Complaint,
    PublicMessage,
    StyleReport,
)
from ..publishing import anonymise, fix_published
from ._common import COMMENT_MAX, TEXT_MAX, clean_text, complaint_recorded


def _require_relation(complaint: Complaint, actor) -> None:
    item = WorkItem.objects.select_related("supervising_node").get(pk=complaint.item_id)
    relations = loop.relations(item, actor)
    if not ({loop.RESPONSIBLE, loop.SUPERVISING} & relations):
        raise PermissionDenied(
            _("Only the handling department or the discipline body may do this.")
        )


@transaction.atomic
def complaint_ask(*, complaint: Complaint, actor, text: str) -> PublicMessage:
    """A handler asks the citizen a question, answered on the tracking page."""
    _require_relation(complaint, actor)
    if WorkItem.objects.filter(pk=complaint.item_id, closed_at__isnull=False).exists():
        raise ValidationError(_("This complaint is closed."), code="closed")
    text = clean_text(text, limit=COMMENT_MAX * 2, field_name="text", required=True)
    message = PublicMessage.objects.create(
        complaint=complaint, kind=PublicMessage.Kind.QUESTION, text=text, author=actor
    )
    loop.item_comment(
        item=complaint.item,
        actor=actor,
        comment=text,
        data={"question": message.pk},
        record=False,  # recorded below as the question it is
    )
    ledger.record(
        actor=actor, action="public.complaint.ask", target=complaint, before=None, after=None
    )
    return message


@transaction.atomic
def complaint_link(*, complaint: Complaint, other: Complaint, actor) -> Complaint:
    """Mark ``complaint`` as a repeat of ``other`` (both already fetched in the actor's scope)."""
    _require_relation(complaint, actor)
    if other.pk == complaint.pk:
        raise ValidationError(
            {"other": ValidationError(_("A complaint cannot repeat itself."), code="self")}
        )
    root = other.repeat_of or other
    if root.pk == complaint.pk:
        raise ValidationError(
            {
                "other": ValidationError(
                    _("That complaint is already a repeat of this one."), code="circular"
                )
            }
        )
    before = snapshot(complaint)
    complaint.repeat_of = root
    complaint.save(update_fields=["repeat_of"])
    relinked = list(Complaint.objects.filter(repeat_of=complaint))
    Complaint.objects.filter(repeat_of=complaint).update(repeat_of=root)
    ledger.record_many(
        [
            ledger.Event(
                actor=actor, action="public.complaint.link", target=row, before=None, after=None
            )
            for row in relinked
        ]
    )
    ledger.record(
        actor=actor,
        action="public.complaint.link",
        target=complaint,
        before=before,
        after=snapshot(complaint),
    )
    return complaint


@transaction.atomic
def complaint_unlink(*, complaint: Complaint, actor) -> Complaint:
    """Undo a repeat link found wrongly."""
    _require_relation(complaint, actor)
    before = snapshot(complaint)
    complaint.repeat_of = None
    complaint.save(update_fields=["repeat_of"])
    ledger.record(
        actor=actor,
        action="public.complaint.unlink",
        target=complaint,
        before=before,
        after=snapshot(complaint),
    )
    return complaint


@transaction.atomic
def return_visit_record(*, complaint: Complaint, actor, method: str, note: str) -> Event:
    """A return visit (回访) to the citizen, by phone or in person, on the complaint's timeline."""
    _require_relation(complaint, actor)
    if method not in ("phone", "visit"):
        raise ValidationError(
            {"method": ValidationError(_("Choose by phone or in person."), code="invalid_choice")}
        )
    note = clean_text(note, limit=COMMENT_MAX * 2, field_name="note", required=True)
    event = loop.item_comment(
        item=complaint.item,
        actor=actor,
        comment=note,
        data={"return_visit": method},
        record=False,  # recorded below as the return visit it is
    )
    ledger.record(
        actor=actor,
        action="public.complaint.return_visit",
        target=complaint,
        before=None,
        after=None,
        details={"method": method},
    )
    return event


@transaction.atomic
def reply_publish(
    *, complaint: Complaint, actor, publish: bool, public_text: str = ""
) -> Complaint:
    """Publish a reply on the board (anonymised) or withdraw it; each change is fixed in the
    ledger so that the board can be checked against it."""
    if not has_perm(actor, "public:complaint:review"):
        raise PermissionDenied(_("Only reviewers publish replies."))
    if complaint.replied_at is None:
        raise ValidationError(_("Only a reply that was sent can be published."), code="not_replied")
    text = clean_text(
        public_text or complaint.public_text or anonymise(complaint.reply),
        limit=TEXT_MAX,
        field_name="public_text",
        required=publish,
    )
    if complaint.published == publish and complaint.public_text == text:
        return complaint
    complaint.published = publish
    complaint.public_text = text
    complaint.save(update_fields=["published", "public_text"])
    complaint_recorded(complaint, actor=actor, action="public.complaint.publish")
    fix_published(complaint, actor=actor)
    return complaint


@transaction.atomic
def style_report_check(*, report: StyleReport, actor, status: str, note: str) -> StyleReport:
    """Record whether a style report was verified (feeds the style-evaluation table)."""
    if status not in (StyleReport.Status.VERIFIED, StyleReport.Status.UNFOUNDED):
        raise ValidationError(
            {
                "status": ValidationError(
                    _("Choose verified or not verified."), code="invalid_choice"
                )
            }
        )
    note = clean_text(note, limit=COMMENT_MAX * 2, field_name="note", required=True)
    before = snapshot(report)
    report.status, report.check_note = status, note
    report.checked_by, report.checked_at = actor, timezone.now()
    report.save(update_fields=["status", "check_note", "checked_by", "checked_at"])
    ledger.record(
        actor=actor,
        action="public.style.check",
        target=report,
        before=before,
        after=snapshot(report),
    )
    return report
