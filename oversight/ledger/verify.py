"""A full recomputation of the ledger, naming every row that does not match.

In one pass over the leaves, in index order:

- each leaf's bytes are re-derived from its columns, in the format they were written in (so a
  column changed behind the platform's back shows, the private ones too: a format 2 leaf's
  commitment covers the actor, its node, the target's id, the exact time and the details), its
  hash column is checked, a format 1 leaf's protected details' commitments are checked, and a
  fixed record's stored content against its digest;
- the tree is rebuilt from the leaf bytes (``tlog.iter_complete_nodes``, O(log n) memory) and
  every stored node compared with the rebuilt one; a missing leaf, node or extra row is named;
- the last fixed leaf of every record whose kind has a ``snapshot`` is compared with the row as
  it is now.

Then every checkpoint: its signature under the current key, its root against the rebuilt tree,
and its consistency with the checkpoint before it.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from oversight.lib.canonical import canonical_json, digest

from . import keys, leaves
from .models import Checkpoint, Cosignature, Leaf, LogHead, Node
from .targets import kind_of, model_for, traced_kinds
from .tlog import (
    CheckpointError,
    MemoryStore,
    ProofError,
    consistency_proof,
    iter_complete_nodes,
    leaf_hash,
    nodes_needed,
    open_note,
    parse_checkpoint,
    root,
    verify_consistency,
)
from .tlog.cosignature import CosignatureVerifier, cosignatures

CHUNK = 5000
MISSING_LEAF = _("the leaf is missing")
MISSING_NODE = _("the tree node is missing")
EXTRA_NODE = _("a node beyond the log's leaves")
LEAF_TABLE = Leaf._meta.db_table
NODE_TABLE = Node._meta.db_table
COSIGNATURE_TABLE = Cosignature._meta.db_table
CHECKPOINT_TABLE = Checkpoint._meta.db_table


@dataclass(frozen=True)
class Mismatch:
    """One thing that does not match: where (table, row, leaf) and what.

    ``template`` is an English message marked for translation, filled with ``params``; the
    state page shows it in the reader's language (see ``text``).
    """

    table: str
    row: str
    leaf: int | None
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params

    def __str__(self) -> str:
        where = f"{self.table} row {self.row}"
        if self.leaf is not None:
            where += f" (leaf {self.leaf})"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "row": self.row,
            "leaf": self.leaf,
            "message": self.message,
            "template": self.template,
            "params": self.params,
        }


def text(stored: dict[str, Any]) -> str:
    """A stored mismatch's message in the active language."""
    try:
        return gettext(stored["template"]) % stored["params"]
    except (KeyError, TypeError, ValueError):
        return stored.get("message", "")


@dataclass
class Report:
    size: int = 0
    nodes: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    unchecked_cosignatures: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def add(self, table: str, row: object, leaf: int | None, template: str, **params) -> None:
        self.mismatches.append(Mismatch(table, str(row), leaf, template, params))


class _LevelReader:
    """The stored nodes of one level, read in index order, a chunk at a time."""

    def __init__(self, level: int, size: int) -> None:
        self.level = level
        self.end = size >> level  # nodes completed by later appends are not looked at
        self.buffer: deque[tuple[int, bytes]] = deque()
        self.after = -1
        self.exhausted = False

    def _peek(self) -> tuple[int, bytes] | None:
        if not self.buffer and not self.exhausted:
            rows = list(
                Node.objects.filter(level=self.level, index__gt=self.after, index__lt=self.end)
                .order_by("index")
                .values_list("index", "hash")[:CHUNK]
            )
            self.exhausted = len(rows) < CHUNK
            if rows:
                self.after = rows[-1][0]
            self.buffer.extend((index, bytes(value)) for index, value in rows)
        return self.buffer[0] if self.buffer else None

    def take(self, index: int) -> bytes | None:
        """The stored hash at ``index``, or None when that row is missing."""
        head = self._peek()
        if head is not None and head[0] == index:
            self.buffer.popleft()
            return head[1]
        return None

    def peek_hash(self, index: int) -> bytes | None:
        head = self._peek()
        return head[1] if head is not None and head[0] == index else None

    def remaining(self) -> Iterator[int]:
        while (head := self._peek()) is not None:
            self.buffer.popleft()
            yield head[0]


def _leaf_rows(size: int) -> Iterator[tuple]:
    after = -1
    while True:
        rows = list(
            Leaf.objects.filter(index__gt=after, index__lt=size)
            .order_by("index")
            .values_list(*leaves.COLUMNS)[:CHUNK]
        )
        yield from rows
        if len(rows) < CHUNK:
            return
        after = rows[-1][0]


def verify_ledger() -> Report:
    """Recompute everything; the report lists each mismatch (empty when all is well).

    Runs beside live appends without locking: it checks the log as large as the head said
    when it started (read after the checkpoints, so none of them is larger).
    """
    report = Report()
    checkpoints = list(
        Checkpoint.objects.order_by("size").values_list("id", "size", "root", "note")
    )
    head_size = LogHead.objects.filter(id=LogHead.ONE).values_list("size", flat=True).first() or 0
    wanted: set[tuple[int, int]] = set()
    previous = 0
    for checkpoint_row in checkpoints:
        size = checkpoint_row[1]
        if size > 0:
            wanted.update(nodes_needed(root, size))
            if previous:
                wanted.update(nodes_needed(consistency_proof, previous, size))
            previous = size
    captured: dict[tuple[int, int], bytes] = {}
    readers: dict[int, _LevelReader] = {0: _LevelReader(0, head_size)}
    latest_fixed: dict[tuple[str, str], tuple[int, str]] = {}
    traced = {kind.type: kind for kind in traced_kinds()}
    latest_state: dict[str, dict[str, tuple[int, str, bool]]] = {t: {} for t in traced}
    count = 0

    def leaf_hashes() -> Iterator[bytes]:
        nonlocal count
        expected = 0
        for row in _leaf_rows(head_size):
            index = row[0]
            while expected < index:
                report.add(LEAF_TABLE, expected, expected, MISSING_LEAF)
                # Go on with the stored leaf node, so the tree is still checked around the gap.
                yield readers[0].peek_hash(expected) or bytes(32)
                expected += 1
            yield _check_leaf(report, row, latest_fixed, latest_state)
            expected += 1
        while expected < head_size:
            report.add(LEAF_TABLE, expected, expected, MISSING_LEAF)
            yield readers[0].peek_hash(expected) or bytes(32)
            expected += 1
        count = expected

    for level, index, value in iter_complete_nodes(leaf_hashes()):
        reader = readers.get(level)
        if reader is None:
            reader = readers[level] = _LevelReader(level, head_size)
        stored = reader.take(index)
        report.nodes += 1
        first, last = index << level, ((index + 1) << level) - 1
        if stored is None:
            report.add(NODE_TABLE, f"({level}, {index})", first, MISSING_NODE)
        elif stored != value:
            report.add(
                NODE_TABLE,
                f"({level}, {index})",
                first,
                _("the hash of leaves %(first)s..%(last)s differs from the one recomputed"),
                first=first,
                last=last,
            )
        if (level, index) in wanted:
            captured[(level, index)] = value
    for level, reader in sorted(readers.items()):
        for index in reader.remaining():
            report.add(NODE_TABLE, f"({level}, {index})", None, EXTRA_NODE)
    report.size = count

    _check_fixed_records(report, latest_fixed)
    _check_traced_rows(report, traced, latest_state)
    _check_checkpoints(report, checkpoints, MemoryStore.from_nodes(captured), count)
    _check_cosignatures(report)
    return report


def _check_leaf(report: Report, row: tuple, latest_fixed: dict, latest_state: dict) -> bytes:
    """Check one leaf row against itself; return the hash its stored bytes have."""
    values = dict(zip(leaves.COLUMNS, row, strict=True))
    index = values["index"]
    data = bytes(values["data"])
    actual_hash = leaf_hash(data)
    version = leaves.version_of(data)
    try:
        derived = leaves.row_bytes(values, version=version)
    except (TypeError, ValueError) as exc:
        report.add(
            LEAF_TABLE,
            index,
            index,
            _("the columns cannot be encoded: %(reason)s"),
            reason=str(exc),
        )
    else:
        if derived != data:
            report.add(
                LEAF_TABLE,
                index,
                index,
                _("the stored leaf bytes differ from its columns (%(keys)s)"),
                keys=leaves.describe_difference(data, derived),
            )
    if bytes(values["hash"]) != actual_hash:
        report.add(LEAF_TABLE, index, index, _("the hash column is not the hash of the leaf bytes"))
    if values["private"] and version == 1:  # format 2: the commitment is in the bytes above
        details = leaves.loads(values["details"])
        for key, secret in leaves.loads(values["private"]).items():
            if details.get(key) != leaves.commitment(secret["salt"], secret["value"]):
                report.add(
                    LEAF_TABLE,
                    index,
                    index,
                    _("the protected detail %(key)s does not match"),
                    key=key,
                )
    states = latest_state.get(values["target_type"])
    if states is not None and (values["after_digest"] or values["before_digest"]):
        # The row's latest state; a leaf with a before and no after removed the row.
        states[values["target_id"]] = (index, values["after_digest"], not values["after_digest"])
    content = values["fixed_content"]
    if content is not None:
        if hashlib.sha256(content.encode("utf-8")).hexdigest() != values["content_digest"]:
            report.add(
                LEAF_TABLE, index, index, _("the stored fixed record differs from its digest")
            )
        latest_fixed[(values["target_type"], values["target_id"])] = (
            index,
            values["content_digest"],
        )
    return actual_hash


def _check_fixed_records(report: Report, latest_fixed: dict) -> None:
    """Each record's last fixed content against the record now (names as they were fixed)."""
    checked = [
        (key, value)
        for key, value in sorted(latest_fixed.items())
        if (kind := kind_of(key[0])) is not None and kind.snapshot is not None
    ]
    for start in range(0, len(checked), CHUNK):
        chunk = checked[start : start + CHUNK]
        contents = dict(
            Leaf.objects.filter(index__in=[index for _key, (index, _d) in chunk]).values_list(
                "index", "fixed_content"
            )
        )
        for (target_type, target_id), (index, content_digest) in chunk:
            kind = kind_of(target_type)
            try:
                fixed = json.loads(contents.get(index) or "null")
            except ValueError:
                fixed = None
            fixed = fixed if isinstance(fixed, dict) else None
            current = kind.current(target_id, fixed)
            table = kind.table_name()
            if current is None:
                report.add(table, target_id, index, _("the fixed record no longer exists"))
            elif digest(current) != content_digest:
                report.add(
                    table,
                    target_id,
                    index,
                    _("the record differs from what the ledger fixed (%(fields)s)"),
                    fields=differences(fixed or {}, current),
                )


def differences(fixed: Any, current: Any, prefix: str = "") -> str:
    """Where two snapshots differ, briefly: top-level keys, and inside lists of records the
    records (by their id) and their keys."""
    found: list[str] = []

    def walk(left: Any, right: Any, path: str) -> None:
        if left == right:
            return
        if isinstance(left, dict) and isinstance(right, dict):
            for key in sorted(set(left) | set(right)):
                if left.get(key) != right.get(key):
                    if isinstance(left.get(key), list | dict) and isinstance(
                        right.get(key), list | dict
                    ):
                        walk(left.get(key), right.get(key), f"{path}{key}")
                    else:
                        found.append(f"{path}{key}")
            return
        if isinstance(left, list) and isinstance(right, list):
            by_id = {(r.get("id") if isinstance(r, dict) else n): r for n, r in enumerate(left)}
            now = {(r.get("id") if isinstance(r, dict) else n): r for n, r in enumerate(right)}
            for key in list(by_id) + [k for k in now if k not in by_id]:
                if key not in now:
                    found.append(f"{path}[{key}] removed")
                elif key not in by_id:
                    found.append(f"{path}[{key}] added")
                elif by_id[key] != now[key]:
                    walk(by_id[key], now[key], f"{path}[{key}].")
            if not found:
                found.append(f"{path} order")
            return
        found.append(path or "value")

    walk(fixed, current, prefix)
    return ", ".join(found[:20]) + (" …" if len(found) > 20 else "")


NO_LEAF = _("no ledger entry records this row")
ROW_GONE = _("the row recorded at this leaf no longer exists")
DIFFERS = _("the row differs from its latest ledger entry (%(fields)s)")
UNREADABLE = _("unknown (the leaf keeps no readable state)")


def _check_traced_rows(report: Report, traced: dict, latest_state: dict) -> None:
    """Every row of every traced kind against the ``after`` of its latest leaf."""
    for type_, kind in traced.items():
        model = model_for(type_)
        if model is None:
            continue
        table = kind.table_name()
        latest = latest_state[type_]
        seen: set[str] = set()
        after = None
        while True:
            rows = model._default_manager.order_by("pk")
            if after is not None:
                rows = rows.filter(pk__gt=after)
            chunk = list(rows[:CHUNK])
            if not chunk:
                break
            after = chunk[-1].pk
            states = kind.states_of(chunk)
            differing: list[tuple[str, int, dict]] = []
            for pk, state in states.items():
                key = str(pk)
                seen.add(key)
                recorded = latest.get(key)
                if recorded is None or recorded[2]:
                    report.add(table, key, None, NO_LEAF)
                elif digest(state) != recorded[1]:
                    differing.append((key, recorded[0], state))
            if differing:
                texts = dict(
                    Leaf.objects.filter(index__in=[i for _k, i, _s in differing]).values_list(
                        "index", "after_state"
                    )
                )
                for key, index, state in differing:
                    try:
                        recorded_state = json.loads(texts.get(index) or "null")
                    except ValueError:
                        recorded_state = None
                    if recorded_state is None or digest(recorded_state) != latest[key][1]:
                        fields = gettext(UNREADABLE)
                    else:
                        fields = differences(recorded_state, json.loads(canonical_json(state)))
                    report.add(
                        table,
                        key,
                        index,
                        DIFFERS,
                        fields=fields,
                    )
            if len(chunk) < CHUNK:
                break
        for key, (index, _digest, removed) in sorted(latest.items()):
            if key not in seen and not removed:
                report.add(table, key, index, ROW_GONE)


def _check_checkpoints(
    report: Report, checkpoints: list[tuple], rebuilt: MemoryStore, count: int
) -> None:
    try:
        verifier = keys.verifier()
    except keys.SigningKeyError as exc:
        report.add(CHECKPOINT_TABLE, "*", None, _("no key: %(reason)s"), reason=str(exc))
        return
    previous: tuple[Any, int, bytes] | None = None
    for row_id, size, stored_root, note in checkpoints:
        report.checkpoints += 1
        row = f"{row_id} (size {size})"
        try:
            signed = open_note(note, verifier, origin=settings.LEDGER_ORIGIN)
        except CheckpointError as exc:
            report.add(
                CHECKPOINT_TABLE,
                row,
                None,
                _("the signature does not verify with the key: %(reason)s"),
                reason=str(exc),
            )
            try:
                signed = parse_checkpoint(note[: note.rfind("\n\n") + 1])
            except CheckpointError:
                continue
        if signed.size != size or signed.root != bytes(stored_root):
            report.add(CHECKPOINT_TABLE, row, None, _("the columns differ from the signed note"))
        if signed.size > count:
            report.add(
                CHECKPOINT_TABLE,
                row,
                None,
                _("it covers %(size)s leaves, the log has %(count)s"),
                size=signed.size,
                count=count,
            )
            continue
        if signed.size and root(rebuilt, signed.size) != signed.root:
            report.add(
                CHECKPOINT_TABLE, row, None, _("the signed root differs from the recomputed tree")
            )
        if previous is not None and previous[1] > 0:
            try:
                verify_consistency(
                    size1=previous[1],
                    size2=signed.size,
                    root1=previous[2],
                    root2=signed.root,
                    proof=consistency_proof(rebuilt, previous[1], signed.size),
                )
            except ProofError as exc:
                report.add(
                    CHECKPOINT_TABLE,
                    row,
                    None,
                    _(
                        "the log no longer proves it consistent with checkpoint %(other)s "
                        "(size %(size)s): %(reason)s"
                    ),
                    other=previous[0],
                    size=previous[1],
                    reason=str(exc),
                )
        previous = (row_id, signed.size, signed.root)


def _check_cosignatures(report: Report) -> None:
    """Each kept cosignature of a configured witness must verify on its checkpoint's note (a
    receipt serves them: an edited line would make every receipt fail the citizen's check).
    A witness no longer in ``LEDGER_WITNESSES`` has no key here to check with; its lines are
    counted apart."""
    verifiers = {}
    for entry in settings.LEDGER_WITNESSES:
        verifier = CosignatureVerifier.from_vkey(entry["vkey"])
        verifiers[(verifier.name, verifier.key_id.hex())] = verifier
    rows = Cosignature.objects.order_by("id").values_list(
        "id", "witness", "key_id", "timestamp", "line", "checkpoint__size", "checkpoint__note"
    )
    for row_id, witness, key_id, timestamp, line, size, note in rows.iterator(chunk_size=CHUNK):
        verifier = verifiers.get((witness, key_id))
        if verifier is None:
            report.unchecked_cosignatures += 1
            continue
        report.cosignatures += 1
        try:
            found = cosignatures(note + line, [verifier]).get(witness)
        except CheckpointError:
            found = None
        # The line kept must be the one the witness gave, byte for byte: base64 that decodes to
        # the same signature but is spelt otherwise (padding bits set) is an edit as well.
        if found is None or found.timestamp != timestamp or found.line != line:
            report.add(
                COSIGNATURE_TABLE,
                f"{row_id} (checkpoint {size})",
                None,
                _("the cosignature of witness %(witness)s does not verify on its checkpoint"),
                witness=witness,
            )
