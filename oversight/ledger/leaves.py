"""The bytes of a leaf, and how they are made from (and checked against) a leaf row's columns.

A leaf is the canonical JSON (``oversight.lib.canonical``) of one object::

    {"v": 1, "index": 41, "at": "2025-03-01T02:03:04.5Z",
     "actor": 7, "actor_node": 3,                       # ids, or null for the system
     "action": "matters.matter.assign",
     "target": {"type": "matters.matter", "id": "12"},
     "before": "<sha256 hex>" | null, "after": "<sha256 hex>" | null,
     "details": {"state": "closed", "reporter": {"sha256": "<hex>"}},   # only when given
     "content_digest": "<sha256 hex>"}                  # only for fixed records

The index is inside the leaf, so a leaf cannot be moved to another position unnoticed. Details
are public facts about the event; a protected key (a reporter's name, say) appears only as a
salted digest, ``sha256(canonical_json({"salt": <hex>, "value": <value>}))``: publishing the
plain digest of a short value would let anyone confirm a guess. The salt and the value stay in
the row's private column, so someone allowed to see them can prove what the leaf committed to.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from oversight.lib.canonical import canonical_json, digest

LEAF_VERSION = 1
SALT_BYTES = 16
COMMITMENT_KEY = "sha256"


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
    """The canonical bytes of one leaf; empty digests are written as null.

    ``details`` must already be plain JSON (as read back from its column). Everything in the
    leaf then is, so it is dumped directly with the settings of ``canonical_json`` (sorted
    keys, no spaces, UTF-8): the same bytes, without a second walk over the values, which
    verify_ledger would otherwise pay a million times.
    """
    leaf: dict[str, Any] = {
        "v": LEAF_VERSION,
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
    text = json.dumps(
        leaf, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a string contains a lone surrogate and cannot be encoded") from None


def _utc_text(at: datetime.datetime) -> str:
    """An aware datetime as canonical JSON writes it: ISO 8601 in UTC with a Z."""
    if at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()} has no time zone")
    return at.astimezone(datetime.UTC).replace(tzinfo=None).isoformat() + "Z"


def commitment(salt: str, value: Any) -> dict[str, str]:
    """The public stand-in of a protected value."""
    return {COMMITMENT_KEY: digest({"salt": salt, "value": value})}


def split_details(
    details: Mapping[str, Any] | None, protected: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(public details, private part) for the keys of ``details``; protected keys get a salt."""
    if not details:
        return {}, {}
    protected = set(protected)
    public: dict[str, Any] = {}
    private: dict[str, Any] = {}
    for key, value in details.items():
        if key in protected:
            salt = secrets.token_hex(SALT_BYTES)
            # Keep the value in its plain JSON form: that is what the digest covers.
            plain = json.loads(canonical_json(value))
            private[key] = {"salt": salt, "value": plain}
            public[key] = commitment(salt, plain)
        else:
            public[key] = value
    return public, private


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
)


def row_bytes(row: Mapping[str, Any]) -> bytes:
    """The leaf bytes that a row's columns describe (to compare with its stored bytes)."""
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
