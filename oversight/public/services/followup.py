"""The citizen's follow-up of a complaint (information, answers, the rating of the reply,
the review a dissatisfaction opens) and the periodic jobs behind it (the intake digest, closing
unrated replies, owed SMS notices)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.models import Event, WorkItem
from oversight.notify.services import Message, notify, notify_many
from oversight.orgs.models import Account

from .. import uploads
from ..models import (
    Complaint,
    Dissatisfaction,
    PublicMessage,
)
from ..workflows import COMPLAINT, REVIEW_KIND
from ._common import CITIZEN, COMMENT_MAX, TEXT_MAX, clean_text, complaint_recorded


def _citizen_event(item: WorkItem, *, comment: str, data: dict, checked=()) -> Event:
    return loop.item_comment(
        item=item,
        actor=None,
        actor_name=CITIZEN,
        comment=comment,
        data=data,
        checked_files=checked,
        record=False,  # the caller records the citizen's step under its own name
    )


def _tell_handlers(complaint: Complaint, title: str, body: str, key: str) -> None:
    item = complaint.item
    recipients = {
        a.pk: a for a in [*loop.responsible_accounts(item), *loop.supervising_accounts(item)]
    }
    if recipients:
        notify(
            recipients=list(recipients.values()),
            kind="public.citizen_message",
            title=title,
            body=body[:200],
            url=loop.item_url(item),
            target=item,
            dedupe_key=key,
        )


def _open_for_citizen(complaint: Complaint) -> None:
    if WorkItem.objects.filter(pk=complaint.item_id, closed_at__isnull=False).exists():
        raise ValidationError(_("This complaint is closed."), code="closed")


@transaction.atomic
def citizen_add_info(*, complaint: Complaint, text: str, files=()) -> PublicMessage:
    """The citizen adds information (and files) to an open complaint."""
    _open_for_citizen(complaint)
    text = clean_text(text, limit=TEXT_MAX, field_name="text", required=True)
    checked = uploads.check(files)
    message = PublicMessage.objects.create(
        complaint=complaint, kind=PublicMessage.Kind.INFO, text=text, from_citizen=True
    )
    _citizen_event(
        complaint.item, comment=text, data={"public_message": message.pk}, checked=checked
    )
    ledger.record(
        actor=None, action="public.complaint.info", target=complaint, before=None, after=None
    )
    with override(settings.LANGUAGE_CODE):
        _tell_handlers(
            complaint,
            _("More information on %(ref)s") % {"ref": complaint.reference},
            text,
            f"public.info:{message.pk}",
        )
    return message


@transaction.atomic
def citizen_answer(*, complaint: Complaint, question: PublicMessage, text: str) -> PublicMessage:
    """The citizen answers a handler's question."""
    _open_for_citizen(complaint)
    if question.complaint_id != complaint.pk or question.kind != PublicMessage.Kind.QUESTION:
        raise ValidationError(_("Unknown question."), code="unknown")
    text = clean_text(text, limit=TEXT_MAX, field_name="text", required=True)
    message = PublicMessage.objects.create(
        complaint=complaint,
        kind=PublicMessage.Kind.ANSWER,
        text=text,
        from_citizen=True,
        question=question,
    )
    _citizen_event(
        complaint.item, comment=text, data={"public_message": message.pk, "answer_to": question.pk}
    )
    ledger.record(
        actor=None, action="public.complaint.answer", target=complaint, before=None, after=None
    )
    with override(settings.LANGUAGE_CODE):
        _tell_handlers(
            complaint,
            _("The citizen answered on %(ref)s") % {"ref": complaint.reference},
            text,
            f"public.answer:{message.pk}",
        )
    return message


def citizen_step(
    *,
    item: WorkItem,
    name: str,
    comment: str = "",
    data: dict | None = None,
    actor_name: str = CITIZEN,
) -> WorkItem:
    """Perform a citizen's (or the system's) step, declared in the workflow with ``actor=PUBLIC``."""
    return loop.item_public_transition(
        item=item, name=name, actor_name=actor_name, comment=comment, data=data
    )


@transaction.atomic
def citizen_rate(*, complaint: Complaint, satisfied: bool, reason: str = "") -> Complaint:
    """The citizen rates the reply; dissatisfaction enters the ledger and opens a responsibility
    review on the department that handled the complaint."""
    complaint = Complaint.objects.select_for_update().select_related("item").get(pk=complaint.pk)
    if complaint.item.state != "replied" or complaint.satisfied is not None:
        raise ValidationError(_("This complaint cannot be rated now."), code="not_ratable")
    reason = clean_text(reason, limit=COMMENT_MAX, field_name="reason", required=not satisfied)
    complaint.satisfied = satisfied
    complaint.rating_reason = reason
    complaint.rated_at = timezone.now()
    complaint.save(update_fields=["satisfied", "rating_reason", "rated_at"])
    complaint_recorded(complaint, actor=None, action="public.complaint.rate")
    with override(settings.LANGUAGE_CODE):
        verdict = _("Satisfied") if satisfied else _("Dissatisfied")
    text = f"{verdict}{'：' + reason if reason else ''}"
    PublicMessage.objects.create(
        complaint=complaint, kind=PublicMessage.Kind.RATING, text=text, from_citizen=True
    )
    item = citizen_step(
        item=complaint.item, name="evaluate", comment=text, data={"satisfied": satisfied}
    )
    if not satisfied:
        _open_review(complaint, item, reason)
    return complaint


def _open_review(complaint: Complaint, item: WorkItem, reason: str) -> Dissatisfaction:
    department = item.responsible_node
    with override(settings.LANGUAGE_CODE):
        title = _("Responsibility review: %(ref)s (%(unit)s)") % {
            "ref": complaint.reference,
            "unit": department.name,
        }
    review = loop.item_open(
        kind=REVIEW_KIND,
        title=title,
        actor=None,
        responsible_node=department,
        supervising_node=item.supervising_node,
        description=f"{complaint.item.title}\n{reason}",
    )
    row = Dissatisfaction.objects.create(
        complaint=complaint,
        reason=reason,
        responsible_node=department,
        review_item=review,
        recorded_on=timing.today(),
    )
    ledger.record(
        actor=None,
        action="public.dissatisfaction.record",
        target=row,
        before=None,
        after=snapshot(row),
    )
    return row


DIGEST_CHUNK = 1000


def intake_digest() -> int:
    """Tell each commission's intake officers, in one message, of the complaints received since
    the last digest that still wait for acceptance; returns how many complaints were announced.

    Run every ``PUBLIC_INTAKE_DIGEST_MINUTES`` by the worker: under a stream of submissions the
    officers get a message every few minutes, not one per complaint on every channel. A
    complaint accepted or turned down before its digest is marked announced and not counted.
    """
    with transaction.atomic():
        waiting = list(
            Complaint.objects.filter(announced=False)
            .order_by("pk")
            .values_list("pk", "item__state", "item__responsible_node_id", "item__step_deadline")
        )
        if not waiting:
            return 0
        by_node: dict[int, list[tuple[int, date | None]]] = {}
        for pk, state, node_id, deadline in waiting:
            if state == COMPLAINT.initial:
                by_node.setdefault(node_id, []).append((pk, deadline))
        officers: dict[int, list[Account]] = {}
        for account in Account.objects.filter(org_node_id__in=by_node, is_active=True):
            officers.setdefault(account.org_node_id, []).append(account)
        url = f"{reverse('public_staff:complaint_list')}?state={COMPLAINT.initial}"
        messages = []
        with override(settings.LANGUAGE_CODE):
            for node_id, complaints in by_node.items():
                deadlines = [d for _pk, d in complaints if d is not None]
                messages.append(
                    Message(
                        recipients=officers.get(node_id, ()),
                        kind="public.received",
                        title=ngettext(
                            "%(count)d new complaint waits for acceptance",
                            "%(count)d new complaints wait for acceptance",
                            len(complaints),
                        )
                        % {"count": len(complaints)},
                        body=_("The earliest acceptance deadline: %(date)s")
                        % {"date": min(deadlines)}
                        if deadlines
                        else "",
                        url=url,
                        dedupe_key=f"public.received:{node_id}:{complaints[-1][0]}",
                    )
                )
        notify_many(messages)
        pks = [row[0] for row in waiting]
        for start in range(0, len(pks), DIGEST_CHUNK):
            Complaint.objects.filter(pk__in=pks[start : start + DIGEST_CHUNK]).update(
                announced=True
            )
    return len(waiting)


def close_unrated(*, on: date | None = None) -> int:
    """Close the replied complaints whose citizen did not rate within ``PUBLIC_RATING_DAYS``."""
    on = on or timing.today()
    cutoff = on - timedelta(days=settings.PUBLIC_RATING_DAYS)
    due = Complaint.objects.filter(
        item__state="replied", item__closed_at__isnull=True, replied_at__date__lte=cutoff
    ).select_related("item")
    closed = 0
    with override(settings.LANGUAGE_CODE):
        comment = _("Closed: the citizen did not rate the reply in time.")
    for complaint in due.iterator():
        citizen_step(item=complaint.item, name="expire", comment=comment, actor_name="")
        closed += 1
    return closed


def retry_notices() -> int:
    """Try again the SMS notices that failed or were never picked up."""
    from ..models import CitizenNotice
    from ..notice_delivery import send

    stale = timezone.now() - timedelta(minutes=10)
    ids = CitizenNotice.objects.filter(sent_at__isnull=True, created_at__lt=stale).values_list(
        "pk", flat=True
    )[:500]
    return sum(1 for pk in list(ids) if send(pk))
