"""What citizens submit without an account: ratings, style reports, complaints."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.lib.crypto import random_token
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.workflow import Limit
from oversight.notify.services import notify
from oversight.orgs.models import Account, OrgNode

from .. import keys, selectors, uploads
from ..models import (
    Complaint,
    Partner,
    PowerItem,
    Rating,
    StyleReport,
)
from ..workflows import KIND
from ._common import CITIZEN, COMMENT_MAX, PHONE, TEXT_MAX, DuplicateSubmission, clean_text
from .places import intake_node_for


@transaction.atomic
def rating_submit(*, node: OrgNode, score: int, tags: list[str], comment: str = "") -> Rating:
    """A citizen rates a window or unit (1–5, tags, comment)."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError(
            {"score": ValidationError(_("Choose from 1 to 5 stars."), code="out_of_range")}
        )
    unknown = set(tags) - set(Rating.Tag.values)
    if unknown:
        raise ValidationError({"tags": ValidationError(_("Unknown tags."), code="unknown")})
    comment = clean_text(comment, limit=COMMENT_MAX, field_name="comment", required=False)
    rating = Rating.objects.create(
        node=node, score=score, tags=sorted(set(tags)), comment=comment, created_on=timing.today()
    )
    ledger.record(
        actor=None,
        action="public.rating.submit",
        target=rating,
        before=None,
        after=snapshot(rating),
    )
    return rating


@transaction.atomic
def style_report_submit(*, node: OrgNode, kinds: list[str], text: str) -> StyleReport:
    """A citizen reports a work-style problem at a window or unit; its supervisors are told."""
    if not kinds or set(kinds) - set(StyleReport.Kind.values):
        raise ValidationError(
            {"kinds": ValidationError(_("Choose what kind of problem it was."), code="required")}
        )
    text = clean_text(text, limit=TEXT_MAX, field_name="text", required=True)
    report = StyleReport.objects.create(
        node=node, kinds=sorted(set(kinds)), text=text, created_on=timing.today()
    )
    ledger.record(
        actor=None, action="public.style.submit", target=report, before=None, after=snapshot(report)
    )
    intake = intake_node_for(node)
    with override(settings.LANGUAGE_CODE):
        title = _("Style problem reported at %(node)s") % {"node": node.name}
    notify(
        recipients=Account.objects.filter(org_node=intake, is_active=True),
        kind="public.style_report",
        title=title,
        body=text[:200],
        target=report,
        dedupe_key=f"public.style:{report.pk}",
    )
    return report


def _phone(value: str) -> str:
    compact = re.sub(r"[\s()]+", "", value or "")
    if not PHONE.match(compact):
        raise ValidationError(
            {
                "phone": ValidationError(
                    _("Enter a mobile number (11 digits) or a landline with its area code."),
                    code="invalid",
                )
            }
        )
    return compact


def _title(power_item: PowerItem | None, subject_node: OrgNode | None, subject_text: str) -> str:
    with override(settings.LANGUAGE_CODE):
        category = power_item.name if power_item else _("Other matter")
        concerned = subject_text or (subject_node.name if subject_node else _("not stated"))
        return (
            _("Complaint: %(category)s — %(concerned)s")
            % {"category": category, "concerned": concerned}
        )[:200]


def complaint_submit(
    *,
    content: str,
    power_item: PowerItem | None = None,
    subject_node: OrgNode | None = None,
    subject_text: str = "",
    happened_on: date | None = None,
    named: bool = False,
    name: str = "",
    phone: str = "",
    contact: str = "",
    files=(),
    point: OrgNode | None = None,
    channel: str = Complaint.Channel.WEB,
    partner: Partner | None = None,
    submission_key: str = "",
    tracking_code: str = "",
) -> tuple[Complaint, str]:
    """File a complaint; returns it with its tracking code, which exists nowhere else after this.

    A named complaint's name, phone and contact are encrypted; ``submission_key`` (the form's
    random nonce) makes a second sending of the same form a ``DuplicateSubmission``.
    ``tracking_code`` is for the demo's reproducible codes only (a citizen's is random).

    Everything is read and checked first; the writes are one short transaction (on SQLite the
    writers of all web processes queue for it), in which the unique submission hash stops a
    duplicate that raced past the first check, leaving nothing behind.
    """
    content = clean_text(content, limit=TEXT_MAX, field_name="content", required=True)
    subject_text = clean_text(subject_text, limit=200, field_name="subject_text", required=False)
    today = timing.today()
    if happened_on is not None and happened_on > today:
        raise ValidationError(
            {"happened_on": ValidationError(_("The date cannot be in the future."), code="future")}
        )
    if power_item is not None and not power_item.published:
        raise ValidationError(
            {"power_item": ValidationError(_("Choose a published matter."), code="unpublished")}
        )
    if named:
        name = clean_text(name, limit=50, field_name="name", required=True)
        phone = _phone(phone)
        contact = clean_text(contact, limit=200, field_name="contact", required=False)
    else:
        name = phone = contact = ""
    submission_hash = None
    if submission_key:
        submission_hash = keys.secret_hash(submission_key, purpose="public.submission")
        if selectors.submission_received(submission_hash):
            raise DuplicateSubmission(_("This complaint was already received."), code="duplicate")
    checked = uploads.check(files)
    intake = intake_node_for(
        point or subject_node or (power_item.responsible_node if power_item else None)
    )
    title = _title(power_item, subject_node, subject_text)
    code = tracking_code or random_token(80)
    complaint = Complaint(
        power_item=power_item,
        point=point,
        subject_node=subject_node,
        subject_text=subject_text,
        content=content,
        happened_on=happened_on,
        channel=channel,
        partner=partner,
        named=named,
        tracking_hash=keys.code_hash(code),
        submission_hash=submission_hash,
        received_on=today,
        name_enc=keys.encrypt(name, context="public.Complaint.name"),
        phone_enc=keys.encrypt(phone, context="public.Complaint.phone"),
        contact_enc=keys.encrypt(contact, context="public.Complaint.contact"),
        notice_due=timing.deadline_after(today, Limit(settings.PUBLIC_NOTICE_DAYS, working=True))
        if named
        else None,
    )
    if power_item is not None and subject_node is not None:
        # complaints about one matter and unit less than the window apart are one chain, whose
        # first complaint every later one names: the latest names it too
        latest = selectors.latest_complaint_about(power_item, subject_node)
        since = today - timedelta(days=settings.PUBLIC_REPEAT_WINDOW_DAYS)
        if latest is not None and latest[2] >= since:
            complaint.repeat_of_id = latest[1] or latest[0]
    with transaction.atomic():
        item = loop.item_open(
            kind=KIND,
            title=title,
            actor=None,
            actor_name=CITIZEN,
            responsible_node=intake,
            supervising_node=intake,
            description=content,
            announce=False,  # the intake officers hear of it in the next digest
            checked_files=checked,
        )
        complaint.item = item
        complaint.reference = f"{today:%Y%m%d}-{item.pk}"
        try:
            with transaction.atomic():
                complaint.save()
        except IntegrityError:
            raise DuplicateSubmission(
                _("This complaint was already received."), code="duplicate"
            ) from None
        ledger.record(
            actor=None,
            action="public.complaint.submit",
            target=complaint,
            before=None,
            after=snapshot(complaint),
            details={"reference": complaint.reference, "channel": channel},
        )
    return complaint, code
