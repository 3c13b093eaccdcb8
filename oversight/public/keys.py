"""The public channel's keys: AES-GCM keys for reporters' identities and the key of the keyed
hashes of tracking codes and partner keys.

From the settings ``PUBLIC_IDENTITY_KEYS`` ("id:key,id:key"; the first encrypts) and
``PUBLIC_LOOKUP_KEY`` (or their ``*_FILE``), else from ``var/public_keys`` with lines::

    lookup:<key>
    identity.<id>:<key>        (the first identity line encrypts)

which ``manage.py public_keys --ensure`` creates. Keys are 32 bytes in hex or base64.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from oversight.lib.crypto import FieldCipher, keyed_hash, new_key_text, normalize_token, parse_key


class PublicKeyError(ImproperlyConfigured):
    """The public channel's keys are missing or malformed; the message says what to do."""


def key_path() -> Path:
    return Path(settings.PUBLIC_KEY_FILE)


def _parse_identity(text: str) -> tuple[dict[str, bytes], str]:
    keys: dict[str, bytes] = {}
    current = ""
    for part in text.replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, value = part.partition(":")
        if not sep:
            raise PublicKeyError("PUBLIC_IDENTITY_KEYS holds entries of the form id:key")
        try:
            keys[key_id.strip()] = parse_key(value)
        except ValueError as exc:
            raise PublicKeyError(f"PUBLIC_IDENTITY_KEYS entry {key_id.strip()!r}: {exc}") from None
        current = current or key_id.strip()
    if not keys:
        raise PublicKeyError("PUBLIC_IDENTITY_KEYS is empty")
    return keys, current


def ensure_file() -> tuple[Path, bool]:
    """Create ``var/public_keys`` when it is missing; return (path, created)."""
    path = key_path()
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(f"lookup:{new_key_text()}\nidentity.k1:{new_key_text()}\n")
    return path, True


def add_identity_key() -> str:
    """Put a new identity key first in ``var/public_keys`` (it encrypts from now on; the older
    keys still decrypt) and return its id. Refused when the keys come from the environment:
    there, put a new ``id:key`` first in ``PUBLIC_IDENTITY_KEYS``."""
    if settings.PUBLIC_IDENTITY_KEYS:
        raise PublicKeyError(
            "the identity keys come from PUBLIC_IDENTITY_KEYS: put a new id:key first there"
        )
    path, _created = ensure_file()
    lines = path.read_text(encoding="ascii").splitlines()
    taken = [line.split(":", 1)[0].removeprefix("identity.") for line in lines]
    number = 1 + max(
        (int(key_id[1:]) for key_id in taken if key_id[:1] == "k" and key_id[1:].isdigit()),
        default=0,
    )
    key_id = f"k{number}"
    first = next((i for i, line in enumerate(lines) if line.startswith("identity.")), len(lines))
    lines.insert(first, f"identity.{key_id}:{new_key_text()}")
    staged = path.with_name(path.name + ".new")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(staged, path)
    _load.cache_clear()
    return key_id


def _read_file() -> tuple[str, str]:
    path = key_path()
    if not path.exists():
        if settings.PUBLIC_CREATE_KEYS:
            ensure_file()
        else:
            raise PublicKeyError(
                f"the public channel's keys are not configured and {path} does not exist: run "
                "`manage.py public_keys --ensure` (make run does) or set PUBLIC_IDENTITY_KEYS and "
                "PUBLIC_LOOKUP_KEY"
            )
    lookup, identity = "", []
    for line in path.read_text(encoding="ascii").splitlines():
        name, _sep, value = line.strip().partition(":")
        if name == "lookup":
            lookup = value
        elif name.startswith("identity."):
            identity.append(f"{name.removeprefix('identity.')}:{value}")
    return lookup, ",".join(identity)


@lru_cache(maxsize=4)
def _load(
    identity_text: str | None, lookup_text: str | None, file_marker: str
) -> tuple[FieldCipher, bytes]:
    if not identity_text or not lookup_text:
        file_lookup, file_identity = _read_file()
        identity_text = identity_text or file_identity
        lookup_text = lookup_text or file_lookup
    keys, current = _parse_identity(identity_text)
    try:
        lookup = parse_key(lookup_text)
    except ValueError as exc:
        raise PublicKeyError(f"PUBLIC_LOOKUP_KEY: {exc}") from None
    return FieldCipher(keys, current), lookup


def _material() -> tuple[FieldCipher, bytes]:
    return _load(
        settings.PUBLIC_IDENTITY_KEYS, settings.PUBLIC_LOOKUP_KEY, settings.PUBLIC_KEY_FILE
    )


def cipher() -> FieldCipher:
    """The cipher of reporters' identities."""
    return _material()[0]


def encrypt(value: str, *, context: str) -> str:
    """An AES-GCM token of ``value`` bound to ``context``; empty stays empty."""
    return cipher().encrypt(value, context=context) if value else ""


def decrypt(token: str, *, context: str) -> str:
    return cipher().decrypt(token, context=context) if token else ""


def code_hash(code: str) -> str:
    """The keyed hash under which a tracking code is stored; raises ValueError for a code that
    cannot be one."""
    return keyed_hash(normalize_token(code), key=_material()[1], purpose="public.tracking_code")


def secret_hash(value: str, *, purpose: str) -> str:
    """A keyed hash of another secret (a partner's API key, a form's submission nonce)."""
    return keyed_hash(value, key=_material()[1], purpose=purpose)
