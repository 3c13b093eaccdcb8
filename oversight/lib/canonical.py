"""Canonical JSON: one byte string per value, for hashing and signing.

The same data always gives the same bytes, whatever the insertion order of its dictionaries:

- object keys are sorted (by Unicode code point) and must be strings;
- no whitespace: separators are ``,`` and ``:``;
- UTF-8, with non-ASCII characters written as themselves (no ``\\uXXXX`` escapes);
- floats must be finite (NaN and infinities raise ``ValueError``) and are written as Python's
  shortest round-tripping ``repr``;
- ``date`` becomes ``"YYYY-MM-DD"``; ``datetime`` must be aware and becomes ISO 8601 in UTC
  with a ``Z`` suffix (microseconds only when non-zero); a naive ``time`` becomes ISO 8601;
  ``Decimal`` becomes its string (so ``Decimal("1.10")`` and ``Decimal("1.1")`` differ, as the
  stored values do); ``UUID`` becomes its lower-case hyphenated string;
- tuples are written as arrays; anything else (sets, bytes, arbitrary objects) is a
  ``TypeError``, because there is no single obvious way to write it.

Strings are not Unicode-normalized: normalize before hashing where spellings may vary.
This is not RFC 8785 (JCS), whose key order and number format differ for some inputs.

This module imports nothing from Django: the analytics engine uses it too.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from typing import Any

__all__ = ["canonical_json", "digest"]


def _plain(value: Any, path: str) -> Any:
    """Return ``value`` made of JSON-native types only, or raise naming where it failed."""
    # bool before int, and datetime before date: each is a subclass of the other.
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}: {value!r} is not allowed in canonical JSON")
        return value
    if isinstance(value, Mapping):
        plain = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: object keys must be strings, not {type(key).__name__}")
            plain[key] = _plain(item, f"{path}.{key}")
        return plain
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, datetime.datetime):
        if value.utcoffset() is None:
            raise ValueError(f"{path}: naive datetime {value.isoformat()} has no time zone")
        utc = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return utc.isoformat() + "Z"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        if value.utcoffset() is not None:
            raise ValueError(f"{path}: a time with a time zone is ambiguous; use a datetime")
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"{path}: Decimal {value} is not allowed in canonical JSON")
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{path}: {type(value).__name__} has no canonical JSON form")


def canonical_json(obj: Any) -> bytes:
    """Return the canonical JSON encoding of ``obj`` as UTF-8 bytes.

    See the module documentation for the rules. Raises ``ValueError`` for NaN, infinities and
    naive datetimes, ``TypeError`` for values without a canonical form (including non-string
    keys), both naming the path of the offending value (e.g. ``$.items[2].amount``).
    """
    text = json.dumps(
        _plain(obj, "$"),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates cannot be written in UTF-8.
        raise ValueError("a string contains a lone surrogate and cannot be encoded") from None


def digest(obj: Any) -> str:
    """Return the SHA-256 of ``canonical_json(obj)`` as 64 lower-case hex digits."""
    return hashlib.sha256(canonical_json(obj)).hexdigest()
