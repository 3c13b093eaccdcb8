"""Receipts: a fixed record with everything needed to check it against the log offline.

A receipt is one JSON document::

    {"version": 1,
     "record": {...},                 # the record, a JSON object
     "leaf": "<base64>",              # the leaf's canonical bytes
     "index": I, "tree_size": N,
     "inclusion_proof": ["<base64>", ...],
     "checkpoint": "<signed note>",
     "opening": {...}}                # only in a receipt handed to staff, see below

The leaf's bytes are canonical JSON (sorted keys, UTF-8 unescaped, separators "," and
":") of an object whose `content_digest` is the SHA-256 hex of the record's canonical
JSON (both as `oversight.lib.canonical` writes them; that module imports no Django).
The checkpoint may carry witnesses' cosignatures (C2SP tlog-cosignature) after the log's own
signature. Verifying checks, in order, the checkpoint signature (and the cosignatures of the
witnesses the verifier names), the digest, and the inclusion of
SHA-256(0x00 || leaf) at I in the checkpoint's tree. `tools/verify_receipt.py` repeats
this logic without importing the platform; keep the two in step.

A leaf of format 2 publishes no account, node or record id of a record that is not public;
its `commitment` is the SHA-256 of the canonical JSON of an *opening* (salt, exact time,
actor, actor node, record id, details). The receipt of such a record, which only staff in
scope may download, carries that opening, and verifying it checks that its digest is the
leaf's commitment, so the holder can show who fixed which record and when.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oversight.lib.canonical import canonical_json

from .checkpoint import Checkpoint, CheckpointError, Verifier, open_note
from .cosignature import CosignatureVerifier, missing_witnesses
from .merkle import ProofError, leaf_hash, verify_inclusion

RECEIPT_VERSION = 1
DIGEST_KEY = "content_digest"

STEP_FORMAT = "format"
STEP_CHECKPOINT = "checkpoint"
STEP_WITNESS = "witness"
STEP_CONTENT_DIGEST = "content_digest"
STEP_COMMITMENT = "commitment"
STEP_INCLUSION = "inclusion"

_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


class ReceiptError(ValueError):
    """A receipt failed at `step` (format, checkpoint, content_digest or inclusion)."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"{step}: {message}")
        self.step = step
        self.message = message


@dataclass(frozen=True)
class VerifiedReceipt:
    record: dict[str, Any]
    content_digest: str
    leaf: bytes
    leaf_fields: dict[str, Any]
    index: int
    tree_size: int
    root: bytes
    checkpoint: Checkpoint
    opening: dict[str, Any] | None = None


def content_digest(record: dict[str, Any]) -> str:
    """The SHA-256 hex digest of a record's canonical JSON (`oversight.lib.canonical`)."""
    return hashlib.sha256(canonical_json(record)).hexdigest()


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads_strict(data: str | bytes) -> Any:
    """Parse JSON, refusing duplicate keys and NaN/Infinity, which make digests ambiguous."""
    return json.loads(data, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)


def load_receipt(data: str | bytes) -> dict[str, Any]:
    """Parse a receipt file strictly; ReceiptError(format) when it is not a JSON object."""
    try:
        receipt = loads_strict(data)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ReceiptError(STEP_FORMAT, f"the receipt is not valid JSON: {exc}") from exc
    if not isinstance(receipt, dict):
        raise ReceiptError(STEP_FORMAT, "the receipt is not a JSON object")
    return receipt


def build_receipt(
    *,
    record: dict[str, Any],
    leaf: bytes,
    index: int,
    tree_size: int,
    inclusion_proof: Sequence[bytes],
    checkpoint: str,
    opening: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Assemble a receipt document, ready for json.dumps.

    The record is stored in its plain JSON form (dates, decimals and UUIDs as the strings
    canonical JSON writes), which is exactly what its digest covers. ``opening`` is the
    opening of the leaf's commitment, for a receipt handed to staff only.
    """
    receipt = {
        "version": RECEIPT_VERSION,
        "record": json.loads(canonical_json(record)),
        "leaf": base64.b64encode(leaf).decode("ascii"),
        "index": index,
        "tree_size": tree_size,
        "inclusion_proof": [base64.b64encode(h).decode("ascii") for h in inclusion_proof],
        "checkpoint": checkpoint,
    }
    if opening is not None:
        receipt["opening"] = json.loads(canonical_json(opening))
    return receipt


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ReceiptError(STEP_FORMAT, f"{what} is not a base64 string")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ReceiptError(STEP_FORMAT, f"{what} is not standard base64") from exc


def _integer(receipt: dict[str, Any], key: str) -> int:
    value = receipt.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReceiptError(STEP_FORMAT, f"{key} is not a non-negative integer")
    return value


def verify_receipt(
    receipt: dict[str, Any],
    verifier: Verifier | Sequence[Verifier],
    *,
    witnesses: Sequence[CosignatureVerifier] = (),
) -> VerifiedReceipt:
    """Check a parsed receipt against the log's public key, and its checkpoint's cosignatures by
    each of ``witnesses``; raise ReceiptError naming the step."""
    if not isinstance(receipt, dict):
        raise ReceiptError(STEP_FORMAT, "the receipt is not a JSON object")
    if receipt.get("version") != RECEIPT_VERSION:
        raise ReceiptError(STEP_FORMAT, f"unsupported receipt version {receipt.get('version')!r}")
    record = receipt.get("record")
    if not isinstance(record, dict):
        raise ReceiptError(STEP_FORMAT, "record is not a JSON object")
    leaf = _b64(receipt.get("leaf"), "leaf")
    index = _integer(receipt, "index")
    tree_size = _integer(receipt, "tree_size")
    proof_items = receipt.get("inclusion_proof")
    if not isinstance(proof_items, list):
        raise ReceiptError(STEP_FORMAT, "inclusion_proof is not a list")
    proof = [_b64(item, f"inclusion_proof[{n}]") for n, item in enumerate(proof_items)]
    note = receipt.get("checkpoint")
    if not isinstance(note, str):
        raise ReceiptError(STEP_FORMAT, "checkpoint is not a string")

    try:
        checkpoint = open_note(note, verifier)
    except CheckpointError as exc:
        raise ReceiptError(STEP_CHECKPOINT, str(exc)) from exc
    if witnesses:
        try:
            missing = missing_witnesses(note, witnesses)
        except CheckpointError as exc:
            raise ReceiptError(STEP_WITNESS, str(exc)) from exc
        if missing:
            names = ", ".join(w.name for w in missing)
            raise ReceiptError(
                STEP_WITNESS, f"the checkpoint carries no cosignature from witness {names}"
            )

    try:
        leaf_fields = loads_strict(leaf)
        canonical = isinstance(leaf_fields, dict) and canonical_json(leaf_fields) == leaf
    except ValueError as exc:
        raise ReceiptError(STEP_CONTENT_DIGEST, f"the leaf is not JSON: {exc}") from exc
    if not canonical:
        raise ReceiptError(STEP_CONTENT_DIGEST, "the leaf is not a canonical JSON object")
    claimed = leaf_fields.get(DIGEST_KEY)
    if not isinstance(claimed, str) or not _HEX_DIGEST.fullmatch(claimed):
        raise ReceiptError(STEP_CONTENT_DIGEST, f"the leaf has no {DIGEST_KEY}")
    try:
        actual = content_digest(record)
    except (TypeError, ValueError) as exc:
        raise ReceiptError(STEP_CONTENT_DIGEST, f"the record cannot be digested: {exc}") from exc
    if actual != claimed:
        raise ReceiptError(
            STEP_CONTENT_DIGEST,
            f"the record's digest {actual} differs from the leaf's {claimed}",
        )

    opening = receipt.get("opening")
    if opening is not None:
        if not isinstance(opening, dict):
            raise ReceiptError(STEP_FORMAT, "opening is not a JSON object")
        committed = leaf_fields.get(STEP_COMMITMENT)
        try:
            opened = hashlib.sha256(canonical_json(opening)).hexdigest()
        except (TypeError, ValueError) as exc:
            raise ReceiptError(STEP_COMMITMENT, f"the opening cannot be digested: {exc}") from exc
        if opened != committed:
            raise ReceiptError(STEP_COMMITMENT, "the opening is not what the leaf committed to")

    if tree_size != checkpoint.size:
        raise ReceiptError(
            STEP_INCLUSION,
            f"the proof is for a tree of {tree_size} leaves, the checkpoint has {checkpoint.size}",
        )
    try:
        verify_inclusion(
            leaf_index=index,
            tree_size=tree_size,
            leaf_hash=leaf_hash(leaf),
            proof=proof,
            root=checkpoint.root,
        )
    except ProofError as exc:
        raise ReceiptError(STEP_INCLUSION, str(exc)) from exc

    return VerifiedReceipt(
        record=record,
        content_digest=actual,
        leaf=leaf,
        leaf_fields=leaf_fields,
        index=index,
        tree_size=tree_size,
        root=checkpoint.root,
        checkpoint=checkpoint,
        opening=opening,
    )
