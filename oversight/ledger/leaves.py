"""The bytes of a leaf, and how they are made from (and checked against) a leaf row's columns.

A leaf is the canonical JSON (``oversight.lib.canonical``) of one object. Leaves are written in
format 2; leaves already written in format 1 keep their bytes (their index and hash never
change) and are checked as they were written. ``"v"`` sorts last in both, so the version of
stored bytes is read from their end (``version_of``).

Format 2 publishes only what a reader needs to check the log, never who acted, never free
text, never an id a reader does not need::

    {"v": 2, "index": 41, "at": "2025-03-01T02:03Z",     # UTC, to the minute
     "action": "matters.matter.assign",
     "target": {"type": "matters.matter"},              # + "id" for a public fixed record
     "before": "<sha256 hex>" | null, "after": "<sha256 hex>" | null,
     "content_digest": "<sha256 hex>",                  # only for fixed records
     "commitment": "<sha256 hex>"}

``commitment`` is the SHA-256 of the canonical JSON of the leaf's *opening*::

    {"salt": "<32 hex>", "at": "2025-03-01T02:03:04.000500Z", "actor": 7, "actor_node": 3,
     "target_id": "12", "details": {"reason": "...", "reference": "..."}}

so the exact time, the account and org node that acted, the record's id and every detail stay
in the database (the row's columns; the salt in its ``private`` column), and are bound by the
leaf: changing any of them behind the platform's back changes the bytes derived from the row,
which ``verify_ledger`` names. Staff allowed to see the entry can hand out the opening to prove
what the leaf committed to; the salt keeps anyone else from confirming a guess (a short value's
plain digest would let them).

The time is to the minute because that is all the checkpoints need: the worker signs one at
most every ``LEDGER_CHECKPOINT_MINUTES`` (one by default) and a checkpoint carries no time of
its own, so a finer time in the leaf would order nothing a checkpoint can vouch for, while it
would let a reader match a leaf with an outside event (a complaint sent at 10:03:04). The order
of events is their index. The record's id is published only for a public fixed record (a reply
on the public board): its content is public already, and a reader needs the id to find every
version fixed of that record and know which is the latest.

Format 1 (read only)::

    {"v": 1, "index": 41, "at": "2025-03-01T02:03:04.5Z",
     "actor": 7, "actor_node": 3,                       # ids, or null for the system
     "action": "matters.matter.assign",
     "target": {"type": "matters.matter", "id": "12"},
     "before": "<sha256 hex>" | null, "after": "<sha256 hex>" | null,
     "details": {"state": "closed", "reporter": {"sha256": "<hex>"}},   # only when given
     "content_digest": "<sha256 hex>"}                  # only for fixed records

whose protected details appear as ``sha256(canonical_json({"salt": <hex>, "value": <value>}))``
with the salt and value in the private column. Its bytes carry account ids and free text, so
the public endpoint withholds them (see ``published``); the hash and proofs are still served.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any

from oversight.lib.canonical import canonical_json, digest

LEAF_VERSION = 2  # the format new leaves are written in
SALT_BYTES = 16
COMMITMENT_KEY = "sha256"
_V1_END = b',"v":1}'


def version_of(data: bytes) -> int:
    """The format of stored leaf bytes: 1 when they end as format 1 does, else the current one
    (bytes that are neither then fail the comparison with their row, which names them)."""
    return 1 if bytes(data).endswith(_V1_END) else LEAF_VERSION


def published(data: bytes) -> bool:
    """Whether the public endpoint serves these bytes (format 1 bytes carry personal data)."""
    return version_of(data) != 1


# json.dumps with options builds an encoder on every call; verify_ledger calls these a million
# times, so they are built once. ``_quote`` is what that encoder writes for a str.
_ENCODER = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)
_quote = json.encoder.encode_basestring


def _dumps(value: Any) -> bytes:
    """Plain JSON as ``canonical_json`` writes it, without its walk over the values."""
    text = _ENCODER.encode(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a string contains a lone surrogate and cannot be encoded") from None


def new_salt() -> str:
    return secrets.token_hex(SALT_BYTES)


def minute_text(at: datetime.datetime) -> str:
    """An aware datetime in UTC to the minute, as format 2 writes it: ``2025-03-01T02:03Z``."""
    return _utc_text(at)[: len("YYYY-MM-DDTHH:MM")] + "Z"  # ISO 8601: cutting the text floors it


def opening(
    *,
    salt: str,
    at: datetime.datetime,
    actor_id: int | None,
    actor_node_id: int | None,
    target_id: str,
    details: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """What a format 2 leaf's commitment is the digest of (``details`` in plain JSON form)."""
    if not isinstance(salt, str) or not salt:
        raise ValueError("the leaf's private column holds no salt")
    return {
        "salt": salt,
        "at": _utc_text(at),
        "actor": actor_id,
        "actor_node": actor_node_id,
        "target_id": target_id,
        "details": dict(details or {}),
    }


def commitment_of(value: Mapping[str, Any]) -> str:
    """The SHA-256 hex of an opening's canonical JSON."""
    return hashlib.sha256(_dumps(value)).hexdigest()


def encode_leaf_v2(
    *,
    index: int,
    at: datetime.datetime,
    action: str,
    target_type: str,
    public_target_id: str | None,
    before_digest: str,
    after_digest: str,
    content_digest: str,
    commitment: str,
) -> bytes:
    """The canonical bytes of one format 2 leaf; empty digests are written as null.

    Written key by key in sorted order (each value by ``json.dumps``), which gives the bytes
    ``canonical_json`` gives for the same object (a test holds the two together) at half the
    cost: verify_ledger pays it a million times.
    """
    target = '{"id":' + _str(public_target_id) + "," if public_target_id is not None else "{"
    parts = [
        '{"action":',
        _str(action),
        ',"after":',
        _str(after_digest) if after_digest else "null",
        ',"at":"',
        minute_text(at),
        '","before":',
        _str(before_digest) if before_digest else "null",
        ',"commitment":',
        _str(commitment),
    ]
    if content_digest:
        parts += (',"content_digest":', _str(content_digest))
    parts += (',"index":', str(int(index)), ',"target":', target, '"type":')
    parts += (_str(target_type), '},"v":2}')
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a string contains a lone surrogate and cannot be encoded") from None


def _str(value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{type(value).__name__} where the leaf needs a string")
    return _quote(value)


def encode_leaf(
    *,
    index: int,
    at: datetime.datetime,
    actor_id: int | None,
    actor_node_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    before_digest: str,
    after_digest: str,
    details: Mapping[str, Any] | None,
    content_digest: str,
) -> bytes:
    """The canonical bytes of one format 1 leaf (to check leaves written before format 2).

    ``details`` must already be plain JSON (as read back from its column). Everything in the
    leaf then is, so it is dumped directly with the settings of ``canonical_json`` (sorted
    keys, no spaces, UTF-8): the same bytes, without a second walk over the values, which
    verify_ledger would otherwise pay a million times.
    """
    leaf: dict[str, Any] = {
        "v": 1,
        "index": index,
        "at": _utc_text(at),
        "actor": actor_id,
        "actor_node": actor_node_id,
        "action": action,
        "target": {"type": target_type, "id": target_id},
        "before": before_digest or None,
        "after": after_digest or None,
    }
    if details:
        leaf["details"] = details
    if content_digest:
        leaf["content_digest"] = content_digest
    return _dumps(leaf)


def _utc_text(at: datetime.datetime) -> str:
    """An aware datetime as canonical JSON writes it: ISO 8601 in UTC with a Z."""
    offset = at.utcoffset()
    if offset is None:
        raise ValueError(f"naive datetime {at.isoformat()} has no time zone")
    if offset:
        return at.astimezone(datetime.UTC).replace(tzinfo=None).isoformat() + "Z"
    return at.isoformat()[:-6] + "Z"  # "+00:00" off: the database reads times back in UTC


def commitment(salt: str, value: Any) -> dict[str, str]:
    """The public stand-in of a format 1 leaf's protected value."""
    return {COMMITMENT_KEY: digest({"salt": salt, "value": value})}


def plain(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """A dict in its plain JSON form (dates, decimals as canonical JSON writes them); raises
    TypeError or ValueError, naming the path, for values with no canonical form."""
    return json.loads(canonical_json(value)) if value else {}


def text(value: Mapping[str, Any]) -> str:
    """A dict as the canonical JSON text stored in a column; empty for an empty dict."""
    return canonical_json(value).decode("utf-8") if value else ""


def loads(text_value: str | None) -> dict[str, Any]:
    return json.loads(text_value) if text_value else {}


# Columns of a Leaf row, in the order `row_bytes` expects (a values_list tuple).
COLUMNS = (
    "index",
    "data",
    "hash",
    "at",
    "actor_id",
    "actor_node_id",
    "action",
    "target_type",
    "target_id",
    "before_digest",
    "after_digest",
    "details",
    "private",
    "content_digest",
    "fixed_content",
    "content_public",
)


def row_opening(row: Mapping[str, Any]) -> dict[str, Any]:
    """The opening of a format 2 row's commitment, from its columns (salt from ``private``)."""
    secret = loads(row["private"])
    return opening(
        salt=secret.get("salt") if isinstance(secret, dict) else None,
        at=row["at"],
        actor_id=row["actor_id"],
        actor_node_id=row["actor_node_id"],
        target_id=row["target_id"],
        details=loads(row["details"]),
    )


def row_commitment(row: Mapping[str, Any]) -> str:
    """``commitment_of(row_opening(row))``, without parsing the details: the column holds
    them as canonical JSON, which the opening's canonical JSON embeds unchanged (keys in
    sorted order: actor, actor_node, at, details, salt, target_id). verify_ledger pays this
    once per leaf."""
    secret = loads(row["private"])
    salt = secret.get("salt") if isinstance(secret, dict) else None
    if not isinstance(salt, str) or not salt:
        raise ValueError("the leaf's private column holds no salt")
    actor, node = row["actor_id"], row["actor_node_id"]
    text = "".join(
        (
            '{"actor":',
            "null" if actor is None else str(int(actor)),
            ',"actor_node":',
            "null" if node is None else str(int(node)),
            ',"at":"',
            _utc_text(row["at"]),
            '","details":',
            row["details"] or "{}",
            ',"salt":',
            _str(salt),
            ',"target_id":',
            _str(row["target_id"]),
            "}",
        )
    )
    try:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    except UnicodeEncodeError:
        raise ValueError("a string contains a lone surrogate and cannot be encoded") from None


def row_bytes(row: Mapping[str, Any], *, version: int = LEAF_VERSION) -> bytes:
    """The leaf bytes that a row's columns describe (to compare with its stored bytes).

    In format 2 the record's id is public exactly when the row says its fixed record is; so
    making a closed file "public" behind the platform's back changes the bytes too.
    """
    if version == 1:
        return encode_leaf(
            index=row["index"],
            at=row["at"],
            actor_id=row["actor_id"],
            actor_node_id=row["actor_node_id"],
            action=row["action"],
            target_type=row["target_type"],
            target_id=row["target_id"],
            before_digest=row["before_digest"],
            after_digest=row["after_digest"],
            details=loads(row["details"]),
            content_digest=row["content_digest"],
        )
    return encode_leaf_v2(
        index=row["index"],
        at=row["at"],
        action=row["action"],
        target_type=row["target_type"],
        public_target_id=row["target_id"] if row["content_public"] else None,
        before_digest=row["before_digest"],
        after_digest=row["after_digest"],
        content_digest=row["content_digest"],
        commitment=row_commitment(row),
    )


def describe_difference(stored: bytes, derived: bytes) -> str:
    """Which top-level keys of two leaves differ, for a readable mismatch."""
    try:
        left, right = json.loads(stored), json.loads(derived)
    except ValueError:
        return "the stored bytes are not JSON"
    if not isinstance(left, dict):
        return "the stored bytes are not a JSON object"
    keys = sorted(k for k in set(left) | set(right) if left.get(k) != right.get(k))
    return "differing keys: " + ", ".join(keys) if keys else "differing encoding"
