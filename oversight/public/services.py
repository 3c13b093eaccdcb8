"""Every write of the public channel: what citizens submit (ratings, style reports,
complaints, information, answers, ratings of replies) and what staff do beside the complaint's
transitions (questions, identity viewings, links, return visits, publishing, the small-power
list, partner keys).

Citizens have no account: their steps are recorded with no actor and the actor name "群众".
No service here receives or stores an IP address or a browser's identity.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.lib.crypto import DecryptionError, random_token
from oversight.loop import services as loop
from oversight.loop import timing
from oversight.loop.models import Event, WorkItem
from oversight.loop.workflow import Limit
from oversight.notify.services import Message, notify, notify_many
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode

from . import keys, selectors, uploads
from .models import (
    Complaint,
    Dissatisfaction,
    IdentityView,
    Partner,
    PowerCategory,
    PowerItem,
    PublicMessage,
    PublicPoint,
    Rating,
    StyleReport,
)
from .workflows import COMPLAINT, KIND, REVIEW_KIND

CITIZEN = "群众"
TEXT_MAX = 5000
COMMENT_MAX = 500
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class DuplicateSubmission(ValidationError):
    """The same form was sent twice (a reload, a double tap): the first complaint stands."""


# --- places ----------------------------------------------------------------------------------


def intake_node_for(node: OrgNode | None) -> OrgNode:
    """The discipline commission that receives complaints about ``node``: walking up from
    ``node``, the first node that is a commission or has one among its children, else the first
    commission of the tree. The line of ancestors is read from the path."""
    line = [*node.ancestor_ids, node.pk] if node is not None else []
    depth = {pk: d for d, pk in enumerate(line)}
    commissions = selectors.active_commissions()

    def nearness(commission: tuple[int, int | None]) -> tuple[int, int]:
        pk, parent_id = commission
        if pk in depth:  # a commission on the line itself comes first at its level
            return depth[pk], 1
        return depth[parent_id], 0

    found = [c for c in commissions if c[0] in depth or c[1] in depth]
    chosen = max(found, key=nearness) if found else (commissions[0] if commissions else None)
    commission = selectors.active_node(chosen[0]) if chosen is not None else None
    if commission is None:
        raise ValidationError(_("No discipline commission is set up to receive complaints."))
    return commission


def point_for(node: OrgNode) -> PublicPoint:
    """The QR point of a window or unit, created with a random token the first time."""
    point = PublicPoint.objects.filter(org_node=node).first()
    if point is not None:
        return point
    for _attempt in range(5):
        token = random_token(50).replace("-", "").lower()
        try:
            with transaction.atomic():
                return PublicPoint.objects.create(org_node=node, token=token)
        except IntegrityError:
            existing = PublicPoint.objects.filter(org_node=node).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not draw a unique point token")


# --- anonymous submissions -------------------------------------------------------------------


def _clean_text(text: str, *, limit: int, field_name: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field_name: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({field_name: _("At most %(count)d characters.") % {"count": limit}})
    return text


@transaction.atomic
def rating_submit(*, node: OrgNode, score: int, tags: list[str], comment: str = "") -> Rating:
    """A citizen rates a window or unit (1–5, tags, comment)."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    unknown = set(tags) - set(Rating.Tag.values)
    if unknown:
        raise ValidationError({"tags": _("Unknown tags.")})
    comment = _clean_text(comment, limit=COMMENT_MAX, field_name="comment", required=False)
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
        raise ValidationError({"kinds": _("Choose what kind of problem it was.")})
    text = _clean_text(text, limit=TEXT_MAX, field_name="text", required=True)
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
            {"phone": _("Enter a mobile number (11 digits) or a landline with its area code.")}
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
) -> tuple[Complaint, str]:
    """File a complaint; returns it with its tracking code, which exists nowhere else after this.

    A named complaint's name, phone and contact are encrypted; ``submission_key`` (the form's
    random nonce) makes a second sending of the same form a ``DuplicateSubmission``.

    Everything is read and checked first; the writes are one short transaction (on SQLite the
    writers of all web processes queue for it), in which the unique submission hash stops a
    duplicate that raced past the first check, leaving nothing behind.
    """
    content = _clean_text(content, limit=TEXT_MAX, field_name="content", required=True)
    subject_text = _clean_text(subject_text, limit=200, field_name="subject_text", required=False)
    today = timing.today()
    if happened_on is not None and happened_on > today:
        raise ValidationError({"happened_on": _("The date cannot be in the future.")})
    if power_item is not None and not power_item.published:
        raise ValidationError({"power_item": _("Choose a published matter.")})
    if named:
        name = _clean_text(name, limit=50, field_name="name", required=True)
        phone = _phone(phone)
        contact = _clean_text(contact, limit=200, field_name="contact", required=False)
    else:
        name = phone = contact = ""
    submission_hash = None
    if submission_key:
        submission_hash = keys.secret_hash(submission_key, purpose="public.submission")
        if selectors.submission_received(submission_hash):
            raise DuplicateSubmission(_("This complaint was already received."))
    checked = uploads.check(files)
    intake = intake_node_for(
        point or subject_node or (power_item.responsible_node if power_item else None)
    )
    title = _title(power_item, subject_node, subject_text)
    code = random_token(80)
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
        )
        complaint.item = item
        complaint.reference = f"{today:%Y%m%d}-{item.pk}"
        try:
            with transaction.atomic():
                complaint.save()
        except IntegrityError:
            raise DuplicateSubmission(_("This complaint was already received.")) from None
        if checked:
            loop.attachments_store(
                item=item,
                event=item.events.get(type=Event.Type.CREATED),
                actor=None,
                checked=checked,
            )
        ledger.record(
            actor=None,
            action="public.complaint.submit",
            target=complaint,
            before=None,
            after=snapshot(complaint),
            details={"reference": complaint.reference, "channel": channel},
        )
    return complaint, code


# --- the citizen's follow-up -----------------------------------------------------------------


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
        raise ValidationError(_("This complaint is closed."))


@transaction.atomic
def citizen_add_info(*, complaint: Complaint, text: str, files=()) -> PublicMessage:
    """The citizen adds information (and files) to an open complaint."""
    _open_for_citizen(complaint)
    text = _clean_text(text, limit=TEXT_MAX, field_name="text", required=True)
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
        raise ValidationError(_("Unknown question."))
    text = _clean_text(text, limit=TEXT_MAX, field_name="text", required=True)
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
        raise ValidationError(_("This complaint cannot be rated now."))
    reason = _clean_text(reason, limit=COMMENT_MAX, field_name="reason", required=not satisfied)
    complaint.satisfied = satisfied
    complaint.rating_reason = reason
    complaint.rated_at = timezone.now()
    complaint.save(update_fields=["satisfied", "rating_reason", "rated_at"])
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
    from .models import CitizenNotice
    from .notices import send

    stale = timezone.now() - timedelta(minutes=10)
    ids = CitizenNotice.objects.filter(sent_at__isnull=True, created_at__lt=stale).values_list(
        "pk", flat=True
    )[:500]
    return sum(1 for pk in list(ids) if send(pk))


# --- staff beside the transitions ------------------------------------------------------------


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
        raise ValidationError(_("This complaint is closed."))
    text = _clean_text(text, limit=COMMENT_MAX * 2, field_name="text", required=True)
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
def identity_reveal(*, complaint: Complaint, viewer, reason: str) -> dict[str, str]:
    """The reporter's name, phone and contact for ``viewer``, who must hold the permission and
    say why; the viewing is recorded here and in the ledger, with the reason."""
    if not has_perm(viewer, "public:identity:view"):
        raise PermissionDenied(_("Your role may not see reporters' identities."))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError({"reason": _("Say why you need to see the reporter's identity.")})
    reason = reason[:300]
    IdentityView.objects.create(complaint=complaint, viewer=viewer, reason=reason)
    ledger.record(
        actor=viewer,
        action="public.identity.view",
        target=complaint,
        before=None,
        after=None,
        details={"reason": reason, "reference": complaint.reference},
    )
    return {
        "name": keys.decrypt(complaint.name_enc, context="public.Complaint.name"),
        "phone": keys.decrypt(complaint.phone_enc, context="public.Complaint.phone"),
        "contact": keys.decrypt(complaint.contact_enc, context="public.Complaint.contact"),
    }


IDENTITY_FIELDS = ("name_enc", "phone_enc", "contact_enc")


def _identity_context(field_name: str) -> str:
    return f"public.Complaint.{field_name.removesuffix('_enc')}"


def _with_identity() -> QuerySet[Complaint]:
    return Complaint.objects.exclude(name_enc="", phone_enc="", contact_enc="")


def identity_key_use() -> Counter:
    """How many stored identity tokens each key id holds: a key can be retired when it holds
    none."""
    cipher = keys.cipher()
    use: Counter = Counter()
    for tokens in _with_identity().values_list(*IDENTITY_FIELDS).iterator():
        use.update(cipher.key_id_of(token) for token in tokens if token)
    return use


def identity_reencrypt(*, actor=None, batch: int = 500) -> int:
    """Re-encrypt every reporter's identity under the current key (after a new key was put
    first), ``batch`` complaints per transaction, each batch recorded in the ledger; returns how
    many complaints changed. Every token is authenticated as it is read: one that no key opens
    stops the run, naming its complaint, with the batches before it kept."""
    cipher = keys.cipher()
    changed, last = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                _with_identity()
                .select_for_update()
                .filter(pk__gt=last)
                .order_by("pk")
                .only("pk", "reference", *IDENTITY_FIELDS)[:batch]
            )
            if not rows:
                return changed
            dirty = []
            for complaint in rows:
                before = [getattr(complaint, name) for name in IDENTITY_FIELDS]
                for name in IDENTITY_FIELDS:
                    token = getattr(complaint, name)
                    if not token:
                        continue
                    try:
                        setattr(
                            complaint, name, cipher.rotate(token, context=_identity_context(name))
                        )
                    except DecryptionError as exc:
                        raise DecryptionError(
                            f"complaint {complaint.reference}: {name} cannot be decrypted ({exc})"
                        ) from None
                if [getattr(complaint, name) for name in IDENTITY_FIELDS] != before:
                    dirty.append(complaint)
            if dirty:
                Complaint.objects.bulk_update(dirty, IDENTITY_FIELDS)
                ledger.record(
                    actor=actor,
                    action="public.identity.reencrypt",
                    target=("public.keys", cipher.current),
                    before=None,
                    after=None,
                    details={"complaints": len(dirty), "key": cipher.current},
                )
            changed += len(dirty)
            last = rows[-1].pk


@transaction.atomic
def complaint_link(*, complaint: Complaint, other: Complaint, actor) -> Complaint:
    """Mark ``complaint`` as a repeat of ``other`` (both already fetched in the actor's scope)."""
    _require_relation(complaint, actor)
    if other.pk == complaint.pk:
        raise ValidationError({"other": _("A complaint cannot repeat itself.")})
    root = other.repeat_of or other
    if root.pk == complaint.pk:
        raise ValidationError({"other": _("That complaint is already a repeat of this one.")})
    before = snapshot(complaint)
    complaint.repeat_of = root
    complaint.save(update_fields=["repeat_of"])
    Complaint.objects.filter(repeat_of=complaint).update(repeat_of=root)
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
        raise ValidationError({"method": _("Choose by phone or in person.")})
    note = _clean_text(note, limit=COMMENT_MAX * 2, field_name="note", required=True)
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


_MASKS = [
    (re.compile(r"https?://\S+", re.IGNORECASE), "[link]"),
    (re.compile(r"\d{17}[\dXx]"), "******************"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "***********"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"), "***@***"),
    (re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"), "****-*******"),
]


def anonymise(text: str) -> str:
    """The text with links, identity numbers, phone numbers and e-mail addresses masked;
    reviewers edit out names before publishing."""
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


def published_content(complaint: Complaint) -> dict:
    """Exactly what the public board shows of a published reply (the fixed record's content)."""
    if not complaint.published:
        return {"reference": complaint.reference, "withdrawn": True}
    return {
        "reference": complaint.reference,
        "category": complaint.power_item.name if complaint.power_item else "",
        "unit": complaint.unit.name if complaint.unit else "",
        "received_on": complaint.received_on.isoformat(),
        "replied_on": timezone.localdate(complaint.replied_at).isoformat()
        if complaint.replied_at
        else "",
        "text": complaint.public_text,
    }


def fix_published(complaint: Complaint, *, actor) -> None:
    ledger.fix_record(
        actor=actor,
        record_type="public.reply",
        record_id=complaint.pk,
        content=published_content(complaint),
        action="public.reply.publish",
        public=True,
    )


@transaction.atomic
def reply_publish(
    *, complaint: Complaint, actor, publish: bool, public_text: str = ""
) -> Complaint:
    """Publish a reply on the board (anonymised) or withdraw it; each change is fixed in the
    ledger so that the board can be checked against it."""
    if not has_perm(actor, "public:complaint:review"):
        raise PermissionDenied(_("Only reviewers publish replies."))
    if complaint.replied_at is None:
        raise ValidationError(_("Only a reply that was sent can be published."))
    text = _clean_text(
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
    fix_published(complaint, actor=actor)
    return complaint


@transaction.atomic
def style_report_check(*, report: StyleReport, actor, status: str, note: str) -> StyleReport:
    """Record whether a style report was verified (feeds the style-evaluation table)."""
    if status not in (StyleReport.Status.VERIFIED, StyleReport.Status.UNFOUNDED):
        raise ValidationError({"status": _("Choose verified or not verified.")})
    note = _clean_text(note, limit=COMMENT_MAX * 2, field_name="note", required=True)
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


# --- partner apps ----------------------------------------------------------------------------


@transaction.atomic
def partner_create(*, name: str, actor) -> tuple[Partner, str]:
    """Register a partner app; its API key is returned once and stored only as a keyed hash."""
    name = _clean_text(name, limit=100, field_name="name", required=True)
    if Partner.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A partner of that name exists.")})
    key = random_token(160).replace("-", "")
    partner = Partner.objects.create(
        name=name,
        key_hash=keys.secret_hash(key, purpose="public.partner_key"),
        key_hint=key[-4:],
        created_by=actor,
    )
    ledger.record(
        actor=actor,
        action="public.partner.create",
        target=partner,
        before=None,
        after=snapshot(partner),
    )
    return partner, key


@transaction.atomic
def partner_set_active(*, partner: Partner, actor, active: bool) -> Partner:
    """Revoke (or restore) a partner's key."""
    before = snapshot(partner)
    partner.is_active = active
    partner.save(update_fields=["is_active"])
    ledger.record(
        actor=actor,
        action="public.partner.activate" if active else "public.partner.revoke",
        target=partner,
        before=before,
        after=snapshot(partner),
    )
    return partner


def partner_by_key(key: str) -> Partner | None:
    if not key or len(key) > 100:
        return None
    return Partner.objects.filter(
        key_hash=keys.secret_hash(key.strip(), purpose="public.partner_key"), is_active=True
    ).first()


# --- the small-power list --------------------------------------------------------------------


@transaction.atomic
def category_save(
    *,
    category: PowerCategory | None,
    actor,
    code: str,
    name: str,
    parent: PowerCategory | None = None,
    sort: int = 0,
    published: bool = True,
) -> PowerCategory:
    """Add or change a category of the small-power list."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("A category needs a code and a name."))
    clash = PowerCategory.objects.filter(code=code)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError({"code": _("This code is taken.")})
    if parent is not None and category is not None:
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == category.pk:
                raise ValidationError({"parent": _("A category cannot sit below itself.")})
            ancestor = ancestor.parent
    before = snapshot(category) if category else None
    category = category or PowerCategory()
    category.code, category.name, category.parent, category.sort, category.published = (
        code,
        name,
        parent,
        sort,
        published,
    )
    category.save()
    ledger.record(
        actor=actor,
        action="public.category.save",
        target=category,
        before=before,
        after=snapshot(category),
    )
    selectors.forget_complaint_choices()
    return category


@transaction.atomic
def power_item_save(
    *,
    item: PowerItem | None,
    actor,
    category: PowerCategory,
    code: str,
    name: str,
    description: str = "",
    basis: str = "",
    source: str = PowerItem.Source.PROVINCE,
    responsible_node: OrgNode | None = None,
    limit_days: int | None = None,
    limit_working: bool = True,
    published: bool = True,
    sort: int = 0,
) -> PowerItem:
    """Add or change an item of the small-power list."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError(_("An item needs a code and a name."))
    clash = PowerItem.objects.filter(code=code)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"code": _("This code is taken.")})
    if limit_days is not None and not 1 <= limit_days <= 365:
        raise ValidationError({"limit_days": _("A time limit is 1 to 365 days.")})
    before = snapshot(item) if item else None
    item = item or PowerItem()
    for attr, value in dict(
        category=category,
        code=code,
        name=name,
        description=description.strip(),
        basis=basis.strip(),
        source=source,
        responsible_node=responsible_node,
        limit_days=limit_days,
        limit_working=limit_working,
        published=published,
        sort=sort,
    ).items():
        setattr(item, attr, value)
    item.save()
    ledger.record(
        actor=actor,
        action="public.power_item.save",
        target=item,
        before=before,
        after=snapshot(item),
    )
    selectors.forget_complaint_choices()
    return item


@dataclass
class ImportReport:
    categories_created: int = 0
    categories_updated: int = 0
    items_created: int = 0
    items_updated: int = 0
    errors: list[str] = field(default_factory=list)


def power_list_import(*, rows: list[dict], actor) -> ImportReport:
    """Import the list from parsed rows (see ``excel_io``): every bad row is reported and, if
    there is any, nothing is written."""
    from .excel_io import validate_rows

    plan, errors = validate_rows(rows)
    if errors:
        raise ValidationError(errors)
    report = ImportReport()
    with transaction.atomic():
        categories = {c.code: c for c in PowerCategory.objects.select_for_update().all()}
        pending = dict(plan.categories)
        while pending:  # parents before children
            progressed = False
            for code, (name, parent_code) in list(pending.items()):
                if parent_code and parent_code not in categories:
                    continue
                parent = categories.get(parent_code) if parent_code else None
                current = categories.get(code)
                if current is None:
                    categories[code] = PowerCategory.objects.create(
                        code=code, name=name, parent=parent, sort=len(categories)
                    )
                    report.categories_created += 1
                elif current.name != name or current.parent_id != (parent.pk if parent else None):
                    current.name, current.parent = name, parent
                    current.save(update_fields=["name", "parent"])
                    report.categories_updated += 1
                del pending[code]
                progressed = True
            if not progressed:
                raise ValidationError(_("The categories' parents form a loop."))
        existing = {i.code: i for i in PowerItem.objects.select_for_update().all()}
        for sort, row in enumerate(plan.items):
            values = dict(row)
            values["category"] = categories[values.pop("category_code")]
            current = existing.get(values["code"])
            if current is None:
                PowerItem.objects.create(sort=sort, **values)
                report.items_created += 1
            else:
                for attr, value in values.items():
                    setattr(current, attr, value)
                current.save()
                report.items_updated += 1
        ledger.record(
            actor=actor,
            action="public.power_list.import",
            target=("public.powerlist", "all"),
            before=None,
            after=None,
            details={"created": report.items_created, "updated": report.items_updated},
        )
    selectors.forget_complaint_choices()
    return report
