"""Every write to the ledger: appending events, fixing records, issuing checkpoints, receipts.

Other apps call ``record`` from their own services, inside the transaction that makes the
change, as the last write before it commits::

    from oversight.ledger import services as ledger
    from oversight.ledger.targets import snapshot

    @transaction.atomic
    def matter_assign(*, matter, assignee, actor):
        before = snapshot(matter)
        matter.assignee = assignee
        matter.save(update_fields=["assignee"])
        ledger.record(actor=actor, action="matters.matter.assign", target=matter,
                      before=before, after=snapshot(matter))

The append joins the caller's transaction, so the change and its leaf commit or roll back
together. On PostgreSQL it locks the log's head row until that transaction ends, so keep the
call near the end of the transaction: every writer of the platform queues there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.core.access import has_perm
from oversight.lib.canonical import canonical_json, digest

from . import keys, leaves, store, verify, witnessing
from .models import Alarm, Checkpoint, Leaf, LogHead, Node, VerificationRun
from .targets import Target, kind_of, model_for, resolve, type_of
from .tlog import Checkpoint as SignedCheckpoint
from .tlog import (
    CheckpointError,
    ProofError,
    build_receipt,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    nodes_completed_by_appends,
    nodes_needed,
    open_note,
    root,
    sign_checkpoint,
    verify_consistency,
)
from .tlog.merkle import MemoryStore

log = logging.getLogger(__name__)

MAX_ACTION_LENGTH = 120


class LedgerInconsistent(RuntimeError):
    """The stored log contradicts a checkpoint it signed; nothing new is signed."""


# Sent (on commit) with ``alarm=`` when the ledger raises an alarm; the notify app tells the
# administrators and the commission's leaders (the ledger sits below it and cannot).
alarm_raised = Signal()


def open_alarm() -> Alarm | None:
    return Alarm.objects.filter(resolved_at__isnull=True).order_by("raised_at", "id").first()


def raise_alarm(problem: str) -> Alarm:
    """Record that the log contradicts itself (in the caller's transaction); signing stops until
    the alarm is resolved. One open alarm at a time: a later problem is added to it."""
    log.error("ledger alarm: %s", problem)
    with transaction.atomic():
        alarm = Alarm.objects.select_for_update().filter(resolved_at__isnull=True).first()
        if alarm is not None:
            if problem not in alarm.problem:
                alarm.problem = f"{alarm.problem}\n{problem}"
                alarm.save(update_fields=["problem"])
            return alarm
        alarm = Alarm.objects.create(problem=problem)
        transaction.on_commit(lambda: alarm_raised.send(sender=Alarm, alarm=alarm))
    return alarm


# A witness answers 409 (it cosigned more of this log than the checkpoint holds: a rollback) or
# 422 (the consistency proof from what it cosigned fails: a fork) only when the log contradicts
# a history someone else has seen; other refusals (an unknown origin, a bad request) are
# configuration and stay on the state page.
CONSISTENCY_REFUSALS = (409, 422)


def submit_to_witnesses() -> list:
    """Submit the latest checkpoint to the witnesses (``witnessing.submit_latest``) and raise
    the alarm when one of them says the log contradicts what it cosigned: signing stops until
    someone has looked, as for a contradiction the platform finds itself."""
    results = witnessing.submit_latest()
    for result in results:
        if result.outcome == result.Outcome.REFUSED and result.status in CONSISTENCY_REFUSALS:
            raise_alarm(
                f"witness {result.witness} refused checkpoint {result.checkpoint_size} "
                f"(it had cosigned {result.old_size} leaves; HTTP {result.status}): "
                f"{result.message}"
            )
    return results


@transaction.atomic
def resolve_alarm(*, alarm: Alarm, actor, resolution: str) -> Alarm:
    """Someone allowed to (``ledger:alarm:resolve``) has looked and says what was done; the
    ledger records it. Signing resumes, and its check raises a new alarm if the log still
    contradicts itself."""
    if not has_perm(actor, "ledger:alarm:resolve"):
        raise PermissionDenied("ledger:alarm:resolve")
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError(
            {"resolution": ValidationError(_("Say what was found and done."), code="required")}
        )
    alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if alarm.resolved_at is not None:
        raise ValidationError(_("This alarm was resolved already."), code="resolved")
    alarm.resolved_at, alarm.resolved_by, alarm.resolution = timezone.now(), actor, resolution
    alarm.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    record(
        actor=actor,
        action="ledger.alarm.resolve",
        target=alarm,
        before=None,
        after={"problem": alarm.problem, "resolution": resolution},
        details={"resolution": resolution},
    )
    return alarm


def consistency_problems() -> list[str]:
    """The cheap check run before each checkpoint is signed (a few indexed reads, whatever the
    log's size): the head's size against the last leaf, the last leaf's hash against its bytes
    and its tree node, and the last checkpoint against the stored tree and the key."""
    problems: list[str] = []
    head_size = size()
    last = Leaf.objects.order_by("-index").values_list("index", "data", "hash").first()
    last_index = last[0] if last is not None else -1
    if last_index + 1 != head_size:
        problems.append(
            f"the log's head says {head_size} leaves but its last leaf is number {last_index}"
        )
    if last is not None:
        data_hash = leaf_hash(bytes(last[1]))
        if data_hash != bytes(last[2]):
            problems.append(f"leaf {last_index}: its hash is not the hash of its bytes")
        node = store.fetch_nodes([(0, last_index)]).get((0, last_index))
        if node != data_hash:
            problems.append(f"leaf {last_index}: its tree node differs from its hash")
    checkpoint = latest_checkpoint()
    if checkpoint is not None and checkpoint.size:
        if checkpoint.size > max(head_size, last_index + 1):
            problems.append(f"checkpoint {checkpoint.size} covers more leaves than the log holds")
        else:
            try:
                signed = open_note(checkpoint.note, keys.verifier(), origin=keys.key_name())
            except (CheckpointError, keys.SigningKeyError) as exc:
                problems.append(f"checkpoint {checkpoint.size} does not verify: {exc}")
            else:
                if store.run(root, signed.size) != signed.root:
                    problems.append(
                        f"the stored tree's root at {signed.size} leaves differs from the "
                        "signed checkpoint's"
                    )
    return problems


@dataclass
class Event:
    """One event to append; ``record`` builds one, ``record_many`` takes several."""

    actor: Any  # an Account, or None for the system itself
    action: str
    target: models.Model | Target | tuple[str, Any]
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    fixed_content: Mapping[str, Any] | None = None
    details: Mapping[str, Any] | None = None
    public: bool = False


def record(
    *,
    actor,
    action: str,
    target: models.Model | Target | tuple[str, Any],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    fixed_content: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> Leaf:
    """Append one event to the log in the caller's transaction and return its leaf.

    ``before`` and ``after`` are the target's state as dicts (see ``targets.snapshot``); the
    leaf keeps only their digests. ``details`` (free text allowed) stay in the database: the
    public leaf carries only a salted commitment covering them with the actor, its org node,
    the target's id and the exact time (see ``leaves``). ``fixed_content`` makes the record fixed: the leaf carries its digest (prefer
    ``fix_record``). Raises ValueError or TypeError for values with no canonical form, before
    anything is written.
    """
    event = Event(
        actor=actor,
        action=action,
        target=target,
        before=before,
        after=after,
        fixed_content=fixed_content,
        details=details,
    )
    return _append([event])[0]


def record_many(events: Sequence[Event]) -> list[Leaf]:
    """Append several events at once (one lock, one insert per table): for imports and batches."""
    return _append(list(events)) if events else []


def fix_record(
    *,
    actor,
    record_type: str,
    record_id: Any,
    content: Mapping[str, Any],
    action: str = "",
    public: bool = True,
    details: Mapping[str, Any] | None = None,
) -> Leaf:
    """Declare a record fixed: its leaf carries the digest of ``content``, kept with the leaf.

    ``content`` is what the record says (for a published record, exactly what its public page
    shows). A public fixed record's receipt can be downloaded by anyone; a non-public one only
    by supervisors whose scope covers it. Fixing the same record again (a correction) appends
    a new leaf; the latest one is what ``verify_ledger`` compares the record with.
    """
    event = Event(
        actor=actor,
        action=action or f"{record_type}.fix",
        target=(record_type, record_id),
        before=None,
        after=content,
        fixed_content=content,
        details=details,
        public=public,
    )
    return _append([event])[0]


def _traced_states(events: list[Event]) -> dict[tuple[str, Any], dict]:
    """The state of each traced row the events name, read back from the database (the caller's
    instance may be stale), many rows of a kind at once."""
    wanted: dict[str, set] = {}
    for event in events:
        target = event.target
        if isinstance(target, models.Model) and target.pk is not None:
            kind = kind_of(type_of(target))
            if kind is not None and kind.traced:
                wanted.setdefault(kind.type, set()).add(target.pk)
    states: dict[tuple[str, Any], dict] = {}
    for type_, pks in wanted.items():
        kind = kind_of(type_)
        model = model_for(type_)
        rows = list(model._default_manager.filter(pk__in=pks).order_by("pk"))
        for pk, state in kind.states_of(rows).items():
            states[(type_, str(pk))] = state
    return states


def _prepare(event: Event, states: dict[tuple[str, Any], dict] | None = None) -> Leaf:
    """A Leaf row without its index, time and bytes: everything that can fail, done first.

    The details are kept in plain form in the row (never in the public bytes: the leaf's
    commitment covers them, with the actor, its org node, the target's id and the exact time;
    the commitment's salt goes to the private column). See ``leaves``.
    """
    action = (event.action or "").strip()
    if not action or len(action) > MAX_ACTION_LENGTH:
        raise ValueError(f"a ledger action is 1 to {MAX_ACTION_LENGTH} characters")
    target_type, target_id = resolve(event.target)
    kind = kind_of(target_type)
    after = event.after
    if kind is not None and kind.traced and isinstance(event.target, models.Model):
        # What the check compares the row with: the row as this transaction left it.
        after = (states or {}).get((target_type, target_id), after)
    after_text = canonical_json(after).decode("utf-8") if after is not None else None
    details = leaves.plain(event.details)
    fixed = canonical_json(event.fixed_content) if event.fixed_content is not None else None
    actor = event.actor
    return Leaf(
        actor_id=actor.pk if actor is not None else None,
        actor_node_id=getattr(actor, "org_node_id", None) if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before_digest=digest(event.before) if event.before is not None else "",
        after_digest=digest(after) if after is not None else "",
        after_state=after_text if kind is not None and kind.traced else None,
        details=leaves.text(details),
        private=leaves.text({"salt": leaves.new_salt()}),
        content_digest=digest(event.fixed_content) if fixed is not None else "",
        fixed_content=fixed.decode("utf-8") if fixed is not None else None,
        content_public=bool(event.public and fixed is not None),
    )


def _lock_head() -> LogHead:
    head, _ = LogHead.objects.select_for_update().get_or_create(id=LogHead.ONE)
    return head


def _append(events: list[Event]) -> list[Leaf]:
    states = _traced_states(events)
    rows = [_prepare(event, states) for event in events]
    with transaction.atomic():
        head = _lock_head()
        start = head.size
        beyond = (
            Leaf.objects.filter(index__gte=start)
            .order_by("-index")
            .values_list("index", flat=True)
            .first()
        )
        if beyond is not None:
            # The head was lowered behind the platform's back: append after the real end of
            # the log (so writes go on) and raise the alarm (so nothing more is signed).
            raise_alarm(f"the log's head said {start} leaves but leaf {beyond} exists")
            start = beyond + 1
        now = timezone.now()
        for offset, row in enumerate(rows):
            row.index = start + offset
            row.at = now
            row.data = leaves.row_bytes(row.__dict__)
            row.hash = leaf_hash(row.data)
        existing = MemoryStore.from_nodes(store.fetch_nodes(store.frontier(start)))
        completed = nodes_completed_by_appends(existing, start, [row.hash for row in rows])
        _insert(Leaf, LEAF_COLUMNS, [[_column(row, name) for name in LEAF_COLUMNS] for row in rows])
        _insert(Node, ("level", "index", "hash"), completed)
        head.size = start + len(rows)
        head.updated_at = now
        head.save(update_fields=["size", "updated_at"])
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias
    return rows


LEAF_COLUMNS = tuple(f.attname for f in Leaf._meta.concrete_fields)  # every column, in model order


def _column(row: Leaf, name: str) -> Any:
    value = getattr(row, name)
    if name == "at":
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _insert(model: type[models.Model], names: Sequence[str], values: Sequence[Sequence]) -> None:
    """A plain multi-row INSERT: bulk_create's per-value preparation costs more than the
    hashing; the values here are already in database form (ints, text, bytes, datetimes)."""
    ops = connection.ops
    columns = ", ".join(ops.quote_name(model._meta.get_field(name).column) for name in names)
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


# --- reading the tree ---------------------------------------------------------------------


def size() -> int:
    """The number of leaves committed so far."""
    return LogHead.objects.filter(id=LogHead.ONE).values_list("size", flat=True).first() or 0


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


# --- checkpoints ----------------------------------------------------------------------------


def issue_checkpoint() -> Checkpoint | None:
    """Sign a checkpoint of the whole log if it has grown since the last one; else None.

    Fails closed: while an alarm is open nothing is signed; the cheap consistency check runs
    first (``consistency_problems``), then the new tree is proved consistent with the last
    signed checkpoint (read from its signed note, not from its columns). On any mismatch an
    alarm is raised (the administrators and leaders are told) and LedgerInconsistent is
    raised: the log never signs over a log that contradicts itself.
    """
    alarm = open_alarm()
    if alarm is not None:
        raise LedgerInconsistent(f"an alarm is open since {alarm.raised_at:%Y-%m-%d %H:%M}")
    try:
        return _issue_checkpoint()
    except LedgerInconsistent as exc:
        raise_alarm(str(exc))
        raise


def _issue_checkpoint() -> Checkpoint | None:
    with transaction.atomic():
        head = _lock_head()
        problems = consistency_problems()
        if problems:
            raise LedgerInconsistent("; ".join(problems))
        new_size = head.size
        last = latest_checkpoint()
        if last is not None and new_size <= last.size:
            if new_size < last.size:
                raise LedgerInconsistent(
                    f"the log holds {new_size} leaves but checkpoint {last.size} was signed"
                )
            return None
        signer = keys.signer()
        wanted = nodes_needed(root, new_size) if new_size else []
        if last is not None and last.size > 0:
            wanted += nodes_needed(consistency_proof, last.size, new_size)
        nodes = MemoryStore.from_nodes(store.fetch_nodes(set(wanted)))
        new_root = root(nodes, new_size)
        if last is not None and last.size > 0:
            try:
                signed = open_note(last.note, signer.verifier, origin=keys.key_name())
            except CheckpointError as exc:
                raise LedgerInconsistent(
                    f"the last checkpoint ({last.size}) does not verify: {exc}"
                ) from exc
            try:
                verify_consistency(
                    size1=signed.size,
                    size2=new_size,
                    root1=signed.root,
                    root2=new_root,
                    proof=consistency_proof(nodes, signed.size, new_size),
                )
            except ProofError as exc:
                raise LedgerInconsistent(
                    f"the log of {new_size} leaves does not extend checkpoint {signed.size}: {exc}"
                ) from exc
        body = SignedCheckpoint(keys.key_name(), new_size, new_root)
        note = sign_checkpoint(body, signer)
        checkpoint = Checkpoint.objects.create(
            size=new_size, root=new_root, note=note, key_id=signer.key_id.hex()
        )
    log.info("ledger checkpoint issued at size %s", new_size)
    return checkpoint


def current_checkpoint(*, covering: int = 0) -> Checkpoint:
    """The latest checkpoint, issuing one first if none exists or it covers fewer than
    ``covering`` leaves."""
    checkpoint = latest_checkpoint()
    if checkpoint is None or checkpoint.size < covering:
        checkpoint = issue_checkpoint() or latest_checkpoint()
    assert checkpoint is not None  # issue_checkpoint signs even the empty log's first one
    return checkpoint


# --- receipts -------------------------------------------------------------------------------


def receipt_for(leaf: Leaf) -> dict[str, Any]:
    """A receipt for a fixed record's leaf: the record, the leaf, its inclusion proof in the
    latest checkpoint, and that checkpoint (issued first if none covers the leaf yet) with its
    witnesses' cosignatures. With witnesses configured, the latest checkpoint covering the leaf
    that all of them have cosigned is preferred.

    The receipt of a record that is not public (only staff in its scope download it) also
    carries the opening of the leaf's commitment: who fixed which record, and when."""
    if leaf.fixed_content is None:
        raise ValueError(f"leaf {leaf.index} does not fix a record")
    checkpoint = witnessing.fully_cosigned(covering=leaf.index + 1) or current_checkpoint(
        covering=leaf.index + 1
    )
    proof = store.run(inclusion_proof, leaf.index, checkpoint.size)
    return build_receipt(
        record=json.loads(leaf.fixed_content),
        leaf=bytes(leaf.data),
        index=leaf.index,
        tree_size=checkpoint.size,
        inclusion_proof=proof,
        checkpoint=witnessing.cosigned_note(checkpoint),
        opening=leaves.row_opening(leaf.__dict__)
        if not leaf.content_public and leaves.version_of(leaf.data) != 1
        else None,
    )


# --- verification ---------------------------------------------------------------------------


def run_verification() -> tuple[VerificationRun, verify.Report]:
    """Recompute the whole ledger (see ``verify``) and keep the outcome as a VerificationRun."""
    run = VerificationRun.objects.create(started_at=timezone.now())
    report = verify.verify_ledger()
    run.finished_at = timezone.now()
    run.ok = report.ok
    run.size, run.nodes, run.checkpoints = report.size, report.nodes, report.checkpoints
    run.mismatch_count = len(report.mismatches)
    run.mismatches = [
        m.as_dict() for m in report.mismatches[: VerificationRun.MAX_STORED_MISMATCHES]
    ]
    run.save()
    return run, report


# --- baseline -------------------------------------------------------------------------------

BASELINE_ACTION = "ledger.baseline"


def _baseline_rows(report: verify.Report) -> tuple[list[verify.Mismatch], list[verify.Mismatch]]:
    """The report's mismatches a baseline may settle (a traced row without a leaf, or whose
    latest leaf keeps no state: rows from before traced rows existed), and all the others."""
    from django.utils.translation import gettext

    unreadable = gettext(verify.UNREADABLE)
    settle, other = [], []
    for mismatch in report.mismatches:
        baseline = mismatch.template == verify.NO_LEAF or (
            mismatch.template == verify.DIFFERS and mismatch.params.get("fields") == unreadable
        )
        (settle if baseline else other).append(mismatch)
    return settle, other


def record_baseline(*, actor) -> int:
    """Record one leaf (action ``ledger.baseline``) for every traced row that has none, or whose
    latest leaf keeps no state: for a database upgraded from before traced rows existed.

    Refuses (code ``ledger_mismatch``) while the check finds any other kind of mismatch, so a
    baseline never blesses an edit behind the platform's back that the ledger could still name.
    Returns how many leaves were recorded."""
    from oversight.ledger.targets import traced_kinds

    report = verify.verify_ledger()
    settle, other = _baseline_rows(report)
    if other:
        raise ValidationError(
            _(
                "The ledger check finds %(count)d other mismatches; resolve them before "
                "recording a baseline."
            )
            % {"count": len(other)},
            code="ledger_mismatch",
        )
    by_table = {kind.table_name(): kind for kind in traced_kinds()}
    events = []
    for mismatch in settle:
        kind = by_table.get(mismatch.table)
        model = model_for(kind.type) if kind is not None else None
        if model is None:
            continue
        events.append(
            Event(
                actor=actor,
                action=BASELINE_ACTION,
                target=model(pk=model._meta.pk.to_python(mismatch.row)),
                before=None,
                after=None,  # the ledger records the row as it is
                details={"baseline": True},
            )
        )
    recorded = 0
    for start in range(0, len(events), 500):
        with transaction.atomic():
            recorded += len(record_many(events[start : start + 500]))
    return recorded
