"""Every write of the closed loop: opening items, transitions, progress, instructions,
extensions, evidence, and the periodic sweep of lights, reminders and escalations.

Each service runs in one transaction and records an ``Event`` on the item it changed; the engine
refuses anything the item's workflow does not declare.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.notify.services import Message, notify, notify_many
from oversight.orgs.access import has_perm
from oversight.orgs.models import Account, OrgNode

from . import registry, timing
from .efile import FILE_RECORD, fixed_content
from .models import Attachment, CoOwner, Event, ExtensionRequest, KindSetting, Reminder, WorkItem
from .uploads import check_uploads
from .workflow import (
    ANYONE,
    AUDIENCE_RESPONSIBLE,
    AUDIENCE_RESPONSIBLE_LEADERS,
    AUDIENCE_SUPERVISING,
    AUDIENCE_SUPERVISING_LEADERS,
    LADDER_LIGHTS,
    PUBLIC,
    RESPONSIBLE,
    SUPERVISING,
    Rung,
    Transition,
)


class TransitionRefused(PermissionDenied):
    """A transition that the workflow does not declare from this state, or that this person may
    not perform; ``code`` says which (``unknown_step``, ``wrong_state``, ``not_allowed``,
    ``not_responsible``, ``not_supervising``)."""

    def __init__(self, message="", code: str = "not_allowed"):
        super().__init__(message)
        self.code = code


# --- who is who ------------------------------------------------------------------------------


def relations(item: WorkItem, viewer) -> set[str]:
    """How ``viewer`` stands to ``item``: responsible, supervising (and always "anyone")."""
    found = {ANYONE}
    if viewer is None or not viewer.is_authenticated:
        return set()
    node_id = viewer.org_node_id
    if item.assignee_id == viewer.pk or node_id == item.responsible_node_id:
        found.add(RESPONSIBLE)
    elif item.co_owners.filter(node_id=node_id).exists():
        found.add(RESPONSIBLE)
    if viewer.org_node.path.startswith(item.supervising_node.path):
        found.add(SUPERVISING)
    return found


def can_perform(item: WorkItem, viewer, transition: Transition) -> bool:
    """Whether ``viewer`` may perform ``transition`` on ``item`` now (state, function, relation).

    The caller has fetched ``item`` through a scoped selector, so the data scope holds already.
    """
    return (
        item.closed_at is None
        and item.state in transition.source
        and has_perm(viewer, transition.permission)
        and transition.actor in relations(item, viewer)
    )


def available_transitions(item: WorkItem, viewer) -> list[Transition]:
    """The transitions ``viewer`` may perform on ``item`` from its current state."""
    return [t for t in item.workflow.transitions_from(item.state) if can_perform(item, viewer, t)]


def responsible_accounts(item: WorkItem) -> list[Account]:
    """Who is expected to act for the responsible side: the assignee, else the unit's accounts."""
    if item.assignee_id:
        return [item.assignee] if item.assignee.is_active else []
    return list(Account.objects.filter(org_node_id=item.responsible_node_id, is_active=True))


def supervising_accounts(item: WorkItem) -> list[Account]:
    return list(Account.objects.filter(org_node_id=item.supervising_node_id, is_active=True))


def split_takers(accounts: Iterable[Account], permissions: set[str]):
    """Those of ``accounts`` whose role grants one of ``permissions`` (they take the waiting
    step), and the others, who receive copies only when they ask (``loop.awaiting``'s rule).
    When nobody there takes it, everyone is told."""
    accounts = list(accounts)
    takers = [a for a in accounts if any(has_perm(a, code) for code in permissions)]
    if not takers:
        return accounts, []
    return takers, [a for a in accounts if a not in takers]


def _supervising_permissions(item: WorkItem) -> set[str]:
    return {
        t.permission
        for t in item.workflow.transitions_from(item.state)
        if t.actor in (SUPERVISING, ANYONE)
    }


def superiors(node: OrgNode) -> list[Account]:
    """Leaders of ``node`` (accounts of people holding a current leading post there), else the
    leaders of the nearest ancestor that has any."""
    current: OrgNode | None = node
    while current is not None:
        leaders = Account.objects.filter(
            is_active=True,
            person__positions__org_node=current,
            person__positions__is_leader=True,
            person__positions__end_date__isnull=True,
        ).distinct()
        if leaders:
            return list(leaders)
        current = current.parent
    return []


# --- events and notifications ----------------------------------------------------------------


def _event(
    item: WorkItem, *, type: str, actor=None, comment: str = "", actor_name: str = "", **fields
) -> Event:
    return Event.objects.create(
        item=item,
        type=type,
        actor=actor,
        actor_name=getattr(actor, "username", "") or actor_name,
        comment=comment,
        **fields,
    )


def item_url(item: WorkItem) -> str:
    return reverse("loop:item_detail", args=[item.pk])


def _notify(
    recipients: Iterable[Account],
    *,
    kind: str,
    title: str,
    body: str,
    item: WorkItem,
    dedupe_key: str | None = None,
    copies: Iterable[Account] = (),
) -> None:
    people = {account.pk: account for account in recipients if account is not None}
    copied = [a for a in copies if a is not None and a.pk not in people]
    if people or copied:
        notify(
            recipients=list(people.values()),
            kind=kind,
            title=title,
            body=body,
            url=item_url(item),
            target=item,
            dedupe_key=dedupe_key,
            copies=copied,
        )


def _record(actor, action: str, item: WorkItem, before: dict | None) -> None:
    """Append the change to the ledger in the same transaction (C2: every action leaves a trace)."""
    ledger.record(actor=actor, action=action, target=item, before=before, after=snapshot(item))


# --- opening and decomposing -----------------------------------------------------------------


def _enter_state(item: WorkItem, state_code: str, on: date) -> None:
    state = item.workflow.state(state_code)
    item.state = state_code
    item.waiting_on = state.waiting_on or ""
    item.step_started_on = on
    item.step_deadline = timing.deadline_after(on, state.limit) if state.limit else None
    if state.terminal:
        item.closed_at = timezone.now()
        item.days_to_close = round((item.closed_at - item.opened_at).total_seconds() / 86400, 3)
        deadline = item.final_deadline or item.step_deadline
        item.closed_on_time = deadline is None or on <= deadline
        item.waiting_on = ""
        item.progress = 100  # as the parent's roll-up counts it: a closed item is done


@transaction.atomic
def item_open(
    *,
    kind: str,
    title: str,
    actor,
    responsible_node: OrgNode,
    supervising_node: OrgNode,
    description: str = "",
    assignee: Account | None = None,
    parent: WorkItem | None = None,
    final_deadline: date | None = None,
    priority: int = WorkItem.Priority.NORMAL,
    co_owners: Sequence[tuple[OrgNode, str]] = (),
    state: str | None = None,
    actor_name: str = "",
    announce: bool = True,
    checked_files: Sequence = (),
) -> WorkItem:
    """Open a work item of ``kind`` in its initial state (or ``state``), with its deadlines;
    ``actor_name`` names an opener who has no account (a citizen). The responsible side is
    notified unless ``announce`` is False (the caller tells them otherwise, as the public
    channel does with its digests of new complaints). ``checked_files`` (see
    ``attachments_store``) are stored on the opening event before the item's first ledger
    entry, so that entry fixes them."""
    workflow = registry.get(kind)
    title = title.strip()
    if not title:
        raise ValidationError(
            {"title": ValidationError(_("A title is required."), code="required")}
        )
    today = timing.today()
    if final_deadline is not None and final_deadline < today:
        raise ValidationError(
            {
                "final_deadline": ValidationError(
                    _("The deadline cannot be in the past."), code="past"
                )
            }
        )
    if parent is not None and parent.closed_at is not None:
        raise ValidationError(
            {
                "parent": ValidationError(
                    _("A closed item cannot be decomposed further."), code="closed"
                )
            }
        )
    if (
        parent is not None
        and parent.final_deadline
        and final_deadline
        and final_deadline > parent.final_deadline
    ):
        raise ValidationError(
            {
                "final_deadline": ValidationError(
                    _("A sub-item cannot end after its parent's deadline."), code="after_parent"
                )
            }
        )
    item = WorkItem(
        kind=kind,
        title=title,
        description=description,
        responsible_node=responsible_node,
        supervising_node=supervising_node,
        assignee=assignee,
        parent=parent,
        created_by=actor,
        final_deadline=final_deadline,
        priority=priority,
        tree_path="",
    )
    _enter_state(item, state or workflow.initial, today)
    item.light = timing.light_for(item, on=today)
    item.save()
    item.tree_path = f"{parent.tree_path if parent else '/'}{item.pk}/"
    item.save(update_fields=["tree_path"])
    for node, role in co_owners:
        CoOwner.objects.get_or_create(item=item, node=node, defaults={"role": role})
    created = _event(
        item, type=Event.Type.CREATED, actor=actor, actor_name=actor_name, to_state=item.state
    )
    if checked_files:
        attachments_store(item=item, event=created, actor=actor, checked=checked_files)
    _record(actor, "loop.item.open", item, None)
    if announce:
        _notify(
            responsible_accounts(item),
            kind="loop.assigned",
            title=_("New: %(title)s") % {"title": item.title},
            body=_("Deadline: %(deadline)s") % {"deadline": item.deadline or "—"},
            item=item,
            dedupe_key=f"loop.assigned:{item.pk}",
        )
    return item


def _fix_file(item: WorkItem, actor) -> None:
    """A closed top-level item's electronic file becomes a fixed record in the ledger (C4, L1)."""
    ledger.fix_record(
        actor=actor,
        record_type=FILE_RECORD,
        record_id=item.pk,
        content=fixed_content(item.pk),
        action="loop.efile.fix",
        public=False,
    )


def _refix_closed_file(item: WorkItem, actor) -> None:
    """An event added to a closed file (a leader's instruction, a comment, a document) is a
    legitimate change of what was fixed: the file is fixed again, a correction the ledger
    compares the file with from then on."""
    root_id = int(item.tree_path.strip("/").split("/")[0]) if item.tree_path else item.pk
    root = WorkItem.objects.filter(pk=root_id, parent=None, closed_at__isnull=False).first()
    if root is not None:
        _fix_file(root, actor)


# --- transitions -----------------------------------------------------------------------------


@transaction.atomic
def item_transition(
    *,
    item: WorkItem,
    name: str,
    actor,
    comment: str = "",
    files: Sequence = (),
    data: dict | None = None,
) -> WorkItem:
    """Perform the declared transition ``name``; refuse anything undeclared or not allowed."""
    item = WorkItem.objects.select_for_update().select_related("supervising_node").get(pk=item.pk)
    workflow = item.workflow
    transition = workflow.transition(name)
    if transition is None:
        raise TransitionRefused(
            _("This kind of item has no step “%(name)s”.") % {"name": name}, code="unknown_step"
        )
    if item.closed_at is not None or item.state not in transition.source:
        raise TransitionRefused(
            _("“%(step)s” is not possible while the item is “%(state)s”.")
            % {"step": transition.label, "state": item.state_label},
            code="wrong_state",
        )
    if not can_perform(item, actor, transition):
        raise TransitionRefused(
            _("You may not perform “%(step)s” on this item.") % {"step": transition.label},
            code="not_allowed",
        )
    comment = comment.strip()
    if transition.requires_comment and not comment:
        raise ValidationError(
            {
                "comment": ValidationError(
                    _("Say why: a comment is required for this step."), code="required"
                )
            }
        )
    if files and not transition.allows_attachments:
        raise ValidationError(
            {"files": ValidationError(_("This step takes no attachments."), code="no_attachments")}
        )
    checked = check_uploads(files) if files else []
    before = snapshot(item)
    return _perform(
        item,
        transition,
        actor=actor,
        actor_name="",
        comment=comment,
        data=data,
        checked=checked,
        before=before,
    )


@transaction.atomic
def item_public_transition(
    *, item: WorkItem, name: str, actor_name: str, comment: str = "", data: dict | None = None
) -> WorkItem:
    """Perform a transition declared for the public (``actor=PUBLIC``): a citizen without an
    account (their steps are recorded under ``actor_name``), or the platform itself."""
    item = WorkItem.objects.select_for_update().select_related("supervising_node").get(pk=item.pk)
    transition = item.workflow.transition(name)
    if transition is None or transition.actor != PUBLIC:
        raise TransitionRefused(
            _("This kind of item has no step “%(name)s”.") % {"name": name}, code="unknown_step"
        )
    if item.closed_at is not None or item.state not in transition.source:
        raise ValidationError(_("This step is not possible now."), code="wrong_state")
    return _perform(
        item,
        transition,
        actor=None,
        actor_name=actor_name,
        comment=comment.strip(),
        data=data,
        checked=[],
        before=snapshot(item),
    )


def _perform(
    item: WorkItem,
    transition: Transition,
    *,
    actor,
    actor_name: str,
    comment: str,
    data: dict | None,
    checked,
    before: dict,
) -> WorkItem:
    """Enter the transition's target state and do everything that follows: the event, the
    evidence, the hooks, the trace, the parent's progress, the fixed file, the notifications."""
    from_state = item.state
    _enter_state(item, transition.target, timing.today())
    item.light = timing.light_for(item)
    item.save()
    event = _event(
        item,
        type=Event.Type.TRANSITION,
        actor=actor,
        actor_name=actor_name,
        comment=comment,
        transition=transition.name,
        from_state=from_state,
        to_state=item.state,
        data=data or {},
    )
    attachments_store(item=item, event=event, actor=actor, checked=checked)
    for hook in transition.on_enter:
        hook(item=item, event=event, actor=actor)
    _record(actor, f"loop.item.{transition.name}", item, before)
    _roll_up_progress(item.parent_id)
    if item.closed_at is not None and item.parent_id is None:
        _fix_file(item, actor)
    waiting = item.workflow.state(item.state).waiting_on
    copies: list[Account] = []
    if waiting == RESPONSIBLE:
        recipients, kind = responsible_accounts(item), "loop.assigned"
    elif waiting == SUPERVISING:
        recipients, copies = split_takers(
            supervising_accounts(item), _supervising_permissions(item)
        )
        kind = "loop.awaiting"
    else:
        recipients, kind = [], ""
    recipients = [r for r in recipients if r.pk != getattr(actor, "pk", None)]
    copies = [r for r in copies if r.pk != getattr(actor, "pk", None)]
    if recipients or copies:
        _notify(
            recipients,
            kind=kind,
            title=_("%(step)s: %(title)s") % {"step": transition.label, "title": item.title},
            body=comment,
            item=item,
            dedupe_key=f"{kind}:{event.pk}",
            copies=copies,
        )
    return item


def attachments_store(*, item: WorkItem, event: Event | None, actor, checked) -> list[Attachment]:
    """Store files already checked (``(upload, content_type, sha256)`` triples, from
    ``loop.uploads.check_uploads`` or a module's own stricter check) on ``item``'s timeline,
    attached to ``event``; ``actor`` is None for a citizen. Runs in the caller's transaction."""
    stored = []
    for upload, content_type, sha256 in checked:
        attachment = Attachment(
            item=item,
            event=event,
            name=upload.name[-200:],
            content_type=content_type,
            size=upload.size,
            sha256=sha256,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


# --- progress, comments, instructions --------------------------------------------------------


@transaction.atomic
def item_report_progress(
    *, item: WorkItem, actor, percent: int, comment: str, files: Sequence = ()
) -> WorkItem:
    """The responsible side reports progress with evidence; the light follows."""
    item = WorkItem.objects.select_for_update().select_related("supervising_node").get(pk=item.pk)
    if item.closed_at is not None:
        raise ValidationError(_("The item is closed."), code="closed")
    if RESPONSIBLE not in relations(item, actor):
        raise TransitionRefused(
            _("Only the responsible unit reports progress."), code="not_responsible"
        )
    if not 0 <= percent <= 100:
        raise ValidationError(
            {
                "percent": ValidationError(
                    _("Progress is a percentage from 0 to 100."), code="out_of_range"
                )
            }
        )
    if not comment.strip():
        raise ValidationError(
            {"comment": ValidationError(_("Describe what was done."), code="required")}
        )
    checked = check_uploads(files) if files else []
    before = snapshot(item)
    item.progress = percent
    item.light = timing.light_for(item)
    item.save(update_fields=["progress", "light", "updated_at"])
    event = _event(
        item,
        type=Event.Type.PROGRESS,
        actor=actor,
        comment=comment.strip(),
        data={"percent": percent},
    )
    attachments_store(item=item, event=event, actor=actor, checked=checked)
    _record(actor, "loop.item.progress", item, before)
    _roll_up_progress(item.parent_id)
    return item


def _roll_up_progress(parent_id: int | None) -> None:
    """A parent's progress is the mean of its children's (a closed child counts as done)."""
    while parent_id is not None:
        children = list(
            WorkItem.objects.filter(parent_id=parent_id).values_list("progress", "closed_at")
        )
        if not children:
            return
        percent = round(
            sum(100 if closed else progress for progress, closed in children) / len(children)
        )
        parent = WorkItem.objects.select_for_update().get(pk=parent_id)
        if parent.progress == percent:
            return
        before = snapshot(parent)
        parent.progress = percent
        parent.light = timing.light_for(parent)
        parent.save(update_fields=["progress", "light", "updated_at"])
        _record(None, "loop.item.progress_rolled_up", parent, before)
        parent_id = parent.parent_id


@transaction.atomic
def item_comment(
    *,
    item: WorkItem,
    actor,
    comment: str,
    actor_name: str = "",
    data: dict | None = None,
    checked_files: Sequence = (),
    record: bool = True,
) -> Event:
    """Add a comment to the item's timeline, with ``data`` for the module that wrote it and
    files already checked (see ``attachments_store``); ``actor_name`` names a writer without an
    account (a citizen). ``record=False`` when the caller writes its own, more specific trace
    in the same transaction."""
    if not comment.strip():
        raise ValidationError({"comment": _("The comment is empty.")}, code="required")
    event = _event(
        item,
        type=Event.Type.COMMENT,
        actor=actor,
        actor_name=actor_name,
        comment=comment.strip(),
        data=data or {},
    )
    if checked_files:
        attachments_store(item=item, event=event, actor=actor, checked=checked_files)
    if record:
        _record(actor, "loop.item.comment", item, None)
    _refix_closed_file(item, actor)
    return event


_UNCHANGED = object()


def item_adjust(
    *,
    item: WorkItem,
    responsible_node: OrgNode | None = None,
    step_deadline=_UNCHANGED,
    final_deadline=_UNCHANGED,
) -> WorkItem:
    """Hand ``item`` to another responsible node and/or move its deadlines, the light following.

    For a kind's hooks (``Transition.on_enter``), which run inside the transition: the
    transition's own trace, written after its hooks, records the result. Anywhere else the
    caller records the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("item_adjust runs inside the transaction of the change it belongs to")
    fields = []
    if responsible_node is not None and responsible_node.pk != item.responsible_node_id:
        item.responsible_node = responsible_node
        fields.append("responsible_node")
    if step_deadline is not _UNCHANGED and step_deadline != item.step_deadline:
        item.step_deadline = step_deadline
        fields.append("step_deadline")
    if final_deadline is not _UNCHANGED and final_deadline != item.final_deadline:
        item.final_deadline = final_deadline
        fields.append("final_deadline")
    if not fields:
        return item
    light = timing.light_for(item)
    if light != item.light:
        item.light = light
        fields.append("light")
    item.save(update_fields=[*fields, "updated_at"])
    return item


def event_add_data(*, event: Event, data: dict) -> Event:
    """Add keys to an event's data (a hook naming what its step decided, such as the node a
    complaint was routed to), inside the event's transaction."""
    event.data = {**(event.data or {}), **data}
    event.save(update_fields=["data"])
    return event


@transaction.atomic
def item_instruct(*, item: WorkItem, actor, text: str) -> Event:
    """A leader's instruction (批示): on the timeline, and sent to the owners and supervisors."""
    if not has_perm(actor, "loop:item:instruct"):
        raise TransitionRefused(_("Your role does not give instructions."), code="not_allowed")
    text = text.strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError(_("The instruction is empty."), code="required")}
        )
    event = _event(item, type=Event.Type.INSTRUCTION, actor=actor, comment=text)
    _record(actor, "loop.item.instruct", item, None)
    recipients = [*responsible_accounts(item), *supervising_accounts(item)]
    _notify(
        [r for r in recipients if r.pk != actor.pk],
        kind="loop.instruction",
        title=_("Instruction on %(title)s") % {"title": item.title},
        body=text,
        item=item,
        dedupe_key=f"loop.instruction:{event.pk}",
    )
    _refix_closed_file(item, actor)
    return event


# --- manual reminders (催办) ------------------------------------------------------------------


def is_overdue(item: WorkItem, on: date | None = None) -> bool:
    """Open and red, or past its deadline."""
    on = on or timing.today()
    deadline = item.deadline
    return item.closed_at is None and (
        item.light == WorkItem.Light.RED or (deadline is not None and deadline < on)
    )


@transaction.atomic
def items_remind(*, items: Iterable[WorkItem], actor) -> int:
    """A supervisor's reminder (催办) on overdue items, pressed on one item or on many from a
    list: each item is reminded once however often it appears or is pressed that day; the
    reminder joins its timeline and the ledger and reaches its responsible side. Items that
    are not overdue or that the actor does not supervise are refused. Returns how many were
    reminded now."""
    if not has_perm(actor, "loop:item:supervise"):
        raise TransitionRefused(
            _("Your role does not send reminders."), code="no_reminder_permission"
        )
    today = timing.today()
    wanted = sorted({item.pk for item in items})
    locked = WorkItem.objects.select_for_update(of=("self",)).select_related(
        "supervising_node", "assignee"
    )
    sent = 0
    for item in locked.filter(pk__in=wanted).order_by("pk"):
        if SUPERVISING not in relations(item, actor):
            raise TransitionRefused(
                _("You do not supervise %(title)s.") % {"title": item.title}, code="not_supervising"
            )
        if not is_overdue(item, today):
            raise ValidationError(
                _("%(title)s is not overdue.") % {"title": item.title}, code="not_overdue"
            )
        key = f"loop.manual-reminder:{item.pk}:{today}"
        if Event.objects.filter(item=item, type=Event.Type.ESCALATION, data__key=key).exists():
            continue
        title = _("Reminder (催办): %(title)s is overdue") % {"title": item.title}
        _event(item, type=Event.Type.ESCALATION, actor=actor, comment=title, data={"key": key})
        _record(actor, "loop.item.remind", item, None)
        _notify(
            responsible_accounts(item),
            kind="loop.escalation",
            title=title,
            body=_("Deadline: %(deadline)s") % {"deadline": item.deadline or "—"},
            item=item,
            dedupe_key=key,
        )
        sent += 1
    return sent


# --- formal documents ------------------------------------------------------------------------


@transaction.atomic
def item_issue_document(
    *, item: WorkItem, actor, doc_type: str, body: str, deadline: date | None = None
):
    """Issue a formal document (C3) about ``item`` from the actor's node to its responsible unit;
    it gets its serial number, joins the item's timeline and its electronic file."""
    from oversight.documents.services import issue_document

    if SUPERVISING not in relations(item, actor) or not has_perm(actor, "documents:document:issue"):
        raise TransitionRefused(
            _("Only the supervising side issues documents on this item."), code="not_supervising"
        )
    document = issue_document(
        doc_type=doc_type,
        issuer_node=actor.org_node,
        actor=actor,
        target=item,
        context={
            "recipient_unit": item.responsible_node.name,
            "title": item.title,
            "body": body,
            **({"deadline": deadline} if deadline else {}),
        },
        recipients=[item.responsible_node],
        reply_by=deadline,
        announce=False,  # the item's own notification below tells the responsible side
    )
    _event(
        item,
        type=Event.Type.DOCUMENT,
        actor=actor,
        comment=document.serial,
        data={"document": document.pk, "doc_type": doc_type, "serial": document.serial},
    )
    _notify(
        responsible_accounts(item),
        kind="loop.assigned",
        title=_("%(document)s %(serial)s: %(title)s")
        % {
            "document": document.get_doc_type_display(),
            "serial": document.serial,
            "title": item.title,
        },
        body="",
        item=item,
        dedupe_key=f"loop.document:{document.pk}",
    )
    _refix_closed_file(item, actor)
    return document


def issue_on_entry(doc_type: str, *, body_from_comment: bool = True):
    """A transition hook that issues a formal document when the item enters the new state, e.g.
    a rectification notice when work is returned; the actor's node issues it."""

    def hook(*, item: WorkItem, event: Event, actor) -> None:
        if has_perm(actor, "documents:document:issue"):
            item_issue_document(
                item=item,
                actor=actor,
                doc_type=doc_type,
                body=event.comment if body_from_comment and event.comment else item.title,
                deadline=item.step_deadline,
            )

    hook.doc_type = doc_type
    return hook


# --- extensions ------------------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *, item: WorkItem, actor, new_deadline: date, reason: str
) -> ExtensionRequest:
    """The responsible side asks to move the final deadline (延期申请)."""
    item = WorkItem.objects.select_for_update().select_related("supervising_node").get(pk=item.pk)
    if item.closed_at is not None:
        raise ValidationError(_("The item is closed."), code="closed")
    if RESPONSIBLE not in relations(item, actor):
        raise TransitionRefused(
            _("Only the responsible unit asks for an extension."), code="not_responsible"
        )
    current = item.final_deadline or item.step_deadline
    if current is not None and new_deadline <= current:
        raise ValidationError(
            {
                "new_deadline": ValidationError(
                    _("The new deadline must be later than the current one."), code="not_later"
                )
            }
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for the extension."), code="required")}
        )
    if item.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ValidationError(
            _("An extension request is already waiting for a decision."), code="pending"
        )
    request = ExtensionRequest.objects.create(
        item=item,
        requested_by=actor,
        old_deadline=current,
        new_deadline=new_deadline,
        reason=reason.strip(),
    )
    _event(
        item,
        type=Event.Type.EXTENSION,
        actor=actor,
        comment=reason.strip(),
        data={"status": "requested", "old": str(current or ""), "new": str(new_deadline)},
    )
    _record(actor, "loop.extension.requested", item, None)
    takers, copies = split_takers(supervising_accounts(item), {"loop:item:extend"})
    _notify(
        takers,
        copies=copies,
        kind="loop.awaiting",
        title=_("Extension requested: %(title)s") % {"title": item.title},
        body=reason,
        item=item,
        dedupe_key=f"loop.extension:{request.pk}",
    )
    return request


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, actor, approve: bool, comment: str = ""
) -> ExtensionRequest:
    """The supervising side approves (the deadline moves, the old one stays in history) or rejects."""
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    item = (
        WorkItem.objects.select_for_update()
        .select_related("supervising_node")
        .get(pk=request.item_id)
    )
    if request.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(_("This request was decided already."), code="decided")
    if SUPERVISING not in relations(item, actor) or not has_perm(actor, "loop:item:extend"):
        raise TransitionRefused(
            _("Only the supervising side decides on extensions."), code="not_supervising"
        )
    if not approve and not comment.strip():
        raise ValidationError(
            {"comment": ValidationError(_("Say why the extension is refused."), code="required")}
        )
    before = snapshot(item)
    request.status = (
        ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REJECTED
    )
    request.decided_by, request.decided_at, request.decision_comment = (
        actor,
        timezone.now(),
        comment.strip(),
    )
    request.save()
    if approve:
        item.final_deadline = request.new_deadline
        if item.step_deadline and item.step_deadline < request.new_deadline:
            item.step_deadline = request.new_deadline
        item.light = timing.light_for(item)
        item.save(update_fields=["final_deadline", "step_deadline", "light", "updated_at"])
    _event(
        item,
        type=Event.Type.EXTENSION,
        actor=actor,
        comment=comment.strip(),
        data={
            "status": request.status,
            "old": str(request.old_deadline or ""),
            "new": str(request.new_deadline),
        },
    )
    _record(actor, f"loop.extension.{request.status}", item, before)
    _notify(
        responsible_accounts(item),
        kind="loop.assigned",
        title=(_("Extension approved: %(title)s") if approve else _("Extension refused: %(title)s"))
        % {"title": item.title},
        body=comment,
        item=item,
        dedupe_key=f"loop.extension-decided:{request.pk}",
    )
    return request


# --- administration --------------------------------------------------------------------------


@transaction.atomic
def calendar_day_save(*, day: date, is_working: bool, note: str = "", actor=None) -> None:
    """Add or correct a day of the working-day calendar (every deadline counts with it)."""
    from .models import CalendarDay

    existing = CalendarDay.objects.filter(day=day).first()
    before = snapshot(existing) if existing is not None else None
    row, _created = CalendarDay.objects.update_or_create(
        day=day, defaults={"is_working": is_working, "note": note}
    )
    ledger.record(
        actor=actor, action="loop.calendar.save", target=row, before=before, after=snapshot(row)
    )
    transaction.on_commit(timing.calendar_changed)


@transaction.atomic
def kind_setting_save(
    *,
    kind: str,
    yellow_days: int,
    behind_margin: int,
    remind_days_before: int,
    escalate_every_days: int,
    actor=None,
) -> KindSetting:
    """Change a kind's light and reminder settings."""
    if kind not in registry.WORKFLOWS:
        raise ValidationError({"kind": ValidationError(_("Unknown kind."), code="unknown")})
    if escalate_every_days < 1:
        raise ValidationError(
            {
                "escalate_every_days": ValidationError(
                    _("Escalate at most once a day."), code="too_often"
                )
            }
        )
    existing = KindSetting.objects.filter(kind=kind).first()
    before = snapshot(existing) if existing is not None else None
    row, _created = KindSetting.objects.update_or_create(
        kind=kind,
        defaults={
            "yellow_days": yellow_days,
            "behind_margin": behind_margin,
            "remind_days_before": remind_days_before,
            "escalate_every_days": escalate_every_days,
        },
    )
    ledger.record(
        actor=actor, action="loop.kind_setting.save", target=row, before=before, after=snapshot(row)
    )
    return row


# --- the periodic sweep ----------------------------------------------------------------------


@dataclass
class SweepReport:
    examined: int = 0
    lights_changed: int = 0
    reminders: int = 0
    escalations: int = 0
    deferred: int = 0
    changed_ids: list[int] = field(default_factory=list)


def sweep(*, on: date | None = None, chunk: int = 2000) -> SweepReport:
    """Recompute every open item's light and send due reminders and escalations, each once.

    Safe to run twice or late: a reminder's unique key (item, type, deadline, level) is claimed
    before anything is sent, so a second run finds it taken. A run that comes late sends the
    current escalation level only, not every level it missed.
    """
    on = on or timing.today()
    report = SweepReport()
    rows = {row.kind: row for row in KindSetting.objects.all()}
    timings = {kind: timing.kind_timing(w, rows) for kind, w in registry.WORKFLOWS.items()}
    changes: dict[str, list[int]] = {}
    due: list[tuple[int, str, date, int]] = []
    rungs: dict[tuple, Rung] = {}  # a ladder's reminder -> the rung naming its audiences
    open_items = (
        WorkItem.objects.filter(closed_at__isnull=True)
        .exclude(step_deadline__isnull=True, final_deadline__isnull=True)
        .values_list(
            "pk",
            "kind",
            "step_deadline",
            "final_deadline",
            "step_started_on",
            "opened_at",
            "progress",
            "light",
        )
        .order_by("pk")
    )
    for (
        pk,
        kind,
        step_deadline,
        final_deadline,
        started,
        opened_at,
        progress,
        light,
    ) in open_items.iterator(chunk_size=chunk):
        report.examined += 1
        kind_timing = timings.get(kind)
        if kind_timing is None:
            continue
        deadline = min(d for d in (step_deadline, final_deadline) if d)
        new_light = timing.compute_light(
            deadline=deadline,
            started=started or timezone.localtime(opened_at).date(),
            progress=progress,
            closed=False,
            on=on,
            timing=kind_timing,
        )
        if new_light != light:
            changes.setdefault(new_light, []).append(pk)
        days_left = (deadline - on).days
        if kind_timing.ladder:
            key, rung = _ladder_due(pk, deadline, days_left, kind_timing)
            if key is not None:
                due.append(key)
                rungs[key] = rung
        elif 0 <= days_left <= kind_timing.remind_days_before:
            due.append((pk, Reminder.Type.BEFORE, deadline, 0))
        elif days_left < 0:
            level = (-days_left - 1) // kind_timing.escalate_every_days
            due.append((pk, Reminder.Type.ESCALATION, deadline, level))
    for new_light, ids in changes.items():
        for start in range(0, len(ids), 900):
            WorkItem.objects.filter(pk__in=ids[start : start + 900]).update(light=new_light)
        report.lights_changed += len(ids)
        report.changed_ids.extend(ids)
    if due:
        sent = _sent_keys({d[0] for d in due})
        # The oldest deadlines first; beyond the per-run cap the rest waits for the next run, so
        # a backlog (a first import, a worker that was down for weeks) reaches the SMS and
        # WeChat gateways at a rate they accept instead of all at once.
        pending = sorted((key for key in due if key not in sent), key=lambda k: (k[2], k[0]))
        cap = settings.LOOP_SWEEP_MAX_MESSAGES
        report.deferred = max(0, len(pending) - cap)
        pending = pending[:cap]
        for start in range(0, len(pending), chunk):
            reminders, escalations = _send_reminders(pending[start : start + chunk], rungs)
            report.reminders += reminders
            report.escalations += escalations
    return report


def _ladder_due(pk: int, deadline: date, days_left: int, kind_timing) -> tuple:
    """The reminder a ladder owes an item today and the rung it follows, or (None, None).

    Before the deadline, the deepest green or yellow rung reached (one reminder each, its index
    the level); once overdue, an escalation every ``escalate_every_days`` to the deepest red
    rung reached (none before the first red rung's day)."""
    if days_left >= 0:
        reached = [(i, r) for i, r in enumerate(kind_timing.before_rungs()) if days_left <= r.days]
        if not reached:
            return None, None
        level, rung = reached[-1]
        return (pk, Reminder.Type.BEFORE, deadline, level), rung
    overdue = -days_left - 1
    reached = [r for r in kind_timing.red_rungs() if overdue >= r.days]
    if not reached:
        return None, None
    level = overdue // kind_timing.escalate_every_days
    return (pk, Reminder.Type.ESCALATION, deadline, level), reached[-1]


def ladder_audiences(kind: str) -> list[tuple[str, str]]:
    """The audiences a kind's ladder may name: the loop's, then the kind's own."""
    workflow = registry.WORKFLOWS[kind]
    return [
        (AUDIENCE_RESPONSIBLE, str(_("the officer in charge (the responsible side)"))),
        (AUDIENCE_RESPONSIBLE_LEADERS, str(_("the responsible unit's leaders"))),
        (AUDIENCE_SUPERVISING, str(_("the supervising body"))),
        (AUDIENCE_SUPERVISING_LEADERS, str(_("the supervising body's leaders"))),
        *((a.code, str(a.label)) for a in workflow.audiences),
    ]


def _clean_ladder(kind: str, ladder: Sequence[dict]) -> list[dict]:
    """A ladder as stored, or a ValidationError naming the rung and what is wrong with it."""
    known = {code for code, _label in ladder_audiences(kind)}
    cleaned, seen, errors = [], set(), []
    for number, rung in enumerate(ladder, start=1):
        light, days = rung.get("light"), rung.get("days")
        audiences = list(dict.fromkeys(rung.get("audiences") or ()))
        if light not in LADDER_LIGHTS:
            errors.append(_("Rung %(n)d: choose green, yellow or red.") % {"n": number})
            continue
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            errors.append(_("Rung %(n)d: the days are a number from 0 to 365.") % {"n": number})
            continue
        if not audiences:
            errors.append(_("Rung %(n)d: name who is warned.") % {"n": number})
            continue
        unknown = [a for a in audiences if a not in known]
        if unknown:
            errors.append(
                _("Rung %(n)d: unknown audience %(codes)s.")
                % {"n": number, "codes": ", ".join(map(str, unknown))}
            )
            continue
        if (light, days) in seen:
            errors.append(_("Rung %(n)d: the same light and day twice.") % {"n": number})
            continue
        seen.add((light, days))
        cleaned.append({"light": light, "days": days, "audiences": audiences})
    if errors:
        raise ValidationError({"ladder": [ValidationError(e, code="invalid") for e in errors]})
    return cleaned


@transaction.atomic
def kind_ladder_save(*, kind: str, ladder: Sequence[dict], actor=None) -> KindSetting:
    """Set a kind's warning ladder (empty: back to the kind's declared one); its other settings
    are kept as they are (the declaration's when the kind had no row)."""
    if kind not in registry.WORKFLOWS:
        raise ValidationError({"kind": ValidationError(_("Unknown kind."), code="unknown")})
    cleaned = _clean_ladder(kind, ladder)
    workflow = registry.WORKFLOWS[kind]
    existing = KindSetting.objects.select_for_update().filter(kind=kind).first()
    before = snapshot(existing) if existing is not None else None
    if existing is None:
        existing = KindSetting(
            kind=kind,
            yellow_days=workflow.yellow_days,
            behind_margin=workflow.behind_margin,
            remind_days_before=workflow.remind_days_before,
            escalate_every_days=workflow.escalate_every_days,
        )
    existing.ladder = cleaned
    existing.save()
    ledger.record(
        actor=actor,
        action="loop.kind_setting.ladder",
        target=existing,
        before=before,
        after=snapshot(existing),
    )
    return existing


def _sent_keys(item_ids: set[int]) -> set[tuple]:
    ids = sorted(item_ids)
    keys: set[tuple] = set()
    for start in range(0, len(ids), 900):
        keys.update(
            Reminder.objects.filter(item_id__in=ids[start : start + 900]).values_list(
                "item_id", "type", "deadline", "level"
            )
        )
    return keys


class _Recipients:
    """Who receives reminders, looked up once per node for a whole batch."""

    def __init__(self):
        self.at_node: dict[int, list[Account]] = {}
        self.leaders: dict[int, list[Account]] | None = None

    def accounts_at(self, node_id: int) -> list[Account]:
        if node_id not in self.at_node:
            self.at_node[node_id] = list(
                Account.objects.filter(org_node_id=node_id, is_active=True)
            )
        return self.at_node[node_id]

    def audience(self, item: WorkItem, code: str) -> list[Account]:
        """The accounts a ladder's audience names for ``item``."""
        if code == AUDIENCE_RESPONSIBLE:
            return self.responsible(item)
        if code == AUDIENCE_RESPONSIBLE_LEADERS:
            return self.superiors(item.responsible_node)
        if code == AUDIENCE_SUPERVISING:
            return self.accounts_at(item.supervising_node_id)
        if code == AUDIENCE_SUPERVISING_LEADERS:
            return self.superiors(item.supervising_node)
        for audience in item.workflow.audiences:
            if audience.code == code:
                return [a for a in audience.accounts(item) if a.is_active]
        return []

    def responsible(self, item: WorkItem) -> list[Account]:
        if item.assignee_id:
            return [item.assignee] if item.assignee.is_active else []
        return self.accounts_at(item.responsible_node_id)

    def superiors(self, node: OrgNode) -> list[Account]:
        """As ``superiors``: the leaders of the node, else of its nearest ancestor with any."""
        if self.leaders is None:
            self.leaders = {}
            leaders = Account.objects.filter(
                is_active=True,
                person__positions__is_leader=True,
                person__positions__end_date__isnull=True,
            ).values_list("person__positions__org_node_id", "pk")
            accounts = Account.objects.in_bulk({pk for _node, pk in leaders})
            for node_id, pk in leaders:
                self.leaders.setdefault(node_id, []).append(accounts[pk])
        for node_id in reversed(node.ancestor_ids + [node.pk]):
            if node_id in self.leaders:
                return list({a.pk: a for a in self.leaders[node_id]}.values())
        return []


def _send_reminders(
    keys: list[tuple[int, str, date, int]], rungs: dict[tuple, Rung] | None = None
) -> tuple[int, int]:
    """Claim and send a batch of reminders and escalations; returns how many of each were sent.

    The claim is a bulk insert that skips keys another run holds; only rows carrying this run's
    token are sent, so two sweeps at once never send the same reminder twice.
    """
    token = uuid.uuid4().hex
    rungs = rungs or {}
    items = WorkItem.objects.select_related(
        "responsible_node", "supervising_node", "assignee"
    ).in_bulk([k[0] for k in keys])
    people = _Recipients()
    planned: dict[tuple, tuple[list[Account], str, str, str]] = {}
    for key in keys:
        item = items.get(key[0])
        if item is None or item.closed_at is not None:
            continue
        _item_id, type, deadline, level = key
        rung = rungs.get(key)
        if rung is not None:
            recipients = [a for code in rung.audiences for a in people.audience(item, code)]
        if type == Reminder.Type.BEFORE:
            if rung is None:
                recipients = people.responsible(item)
            title = _("Due on %(date)s: %(title)s") % {"date": deadline, "title": item.title}
            kind, event_type = "loop.reminder", Event.Type.REMINDER
        else:
            if rung is None:
                recipients = [
                    *people.responsible(item),
                    *people.superiors(item.responsible_node),
                    *people.accounts_at(item.supervising_node_id),
                ]
            title = _("Overdue since %(date)s: %(title)s") % {"date": deadline, "title": item.title}
            kind, event_type = "loop.escalation", Event.Type.ESCALATION
        unique = list({account.pk: account for account in recipients}.values())
        planned[key] = (unique, title, kind, event_type)
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [
                Reminder(
                    item_id=key[0],
                    type=key[1],
                    deadline=key[2],
                    level=key[3],
                    recipients=sorted(a.pk for a in plan[0]),
                    run=token,
                )
                for key, plan in planned.items()
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        claimed = set(
            Reminder.objects.filter(run=token).values_list("item_id", "type", "deadline", "level")
        )
        events, messages = [], []
        counts = {Reminder.Type.BEFORE: 0, Reminder.Type.ESCALATION: 0}
        for key in claimed:
            recipients, title, kind, event_type = planned[key]
            item = items[key[0]]
            counts[key[1]] += 1
            events.append(
                Event(
                    item=item,
                    type=event_type,
                    comment=title,
                    data={
                        "deadline": str(key[2]),
                        "level": key[3],
                        "recipients": sorted(a.pk for a in recipients),
                        **({"light": rungs[key].light} if key in rungs else {}),
                    },
                )
            )
            messages.append(
                Message(
                    recipients=recipients,
                    kind=kind,
                    title=title,
                    url=item_url(item),
                    target=item,
                    dedupe_key=f"{kind}:{item.pk}:{key[2]}:{key[3]}",
                )
            )
        Event.objects.bulk_create(events, batch_size=1000)
        ledger.record_many(
            [
                ledger.Event(
                    actor=None,
                    action=f"loop.item.{key[1]}",
                    target=items[key[0]],
                    details={"deadline": str(key[2]), "level": key[3]},
                )
                for key in sorted(claimed)
            ]
        )
        notify_many(messages)
    return counts[Reminder.Type.BEFORE], counts[Reminder.Type.ESCALATION]
