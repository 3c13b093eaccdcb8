"""Field encryption, keyed hashes and human-friendly random tokens.

Field values (resident identity numbers, telephone numbers, a reporter's name) are encrypted with
AES-256-GCM. A token is URL-safe base64 without padding of::

    version (1 byte, 0x01) | key id length (1 byte) | key id (ASCII) | nonce (12 bytes) | ciphertext+tag

The header and a caller-chosen ``context`` (for instance ``"public.Complaint.phone"``) are bound as
associated data, so a token copied into another column, or relabelled with another key id, does
not decrypt. Keys rotate by adding a new key, making it current, and re-encrypting at leisure:
old tokens name the key that decrypts them.

Error messages never include key material or plaintext.

This module imports nothing from Django: the analytics engine uses it too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "DecryptionError",
    "FieldCipher",
    "KEY_BYTES",
    "keyed_hash",
    "new_key_text",
    "normalize_token",
    "parse_key",
    "random_token",
]

KEY_BYTES = 32
TOKEN_VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16

_KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")
_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Crockford's decoding rules: read I and L as 1, O as 0; case does not matter.
_CROCKFORD_READ = str.maketrans({"I": "1", "L": "1", "O": "0"})
_CROCKFORD_TOKEN = re.compile(f"[{_CROCKFORD}]+")


class DecryptionError(ValueError):
    """A token that cannot be decrypted: malformed, tampered with, for another context, or
    encrypted with a key this cipher does not hold."""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode_strict(text: str) -> bytes:
    """Decode unpadded URL-safe base64, accepting only the one canonical spelling."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("The token is not valid base64.") from None
    # The decoder skips stray characters and ignores the spare low bits of the last character;
    # insisting on the canonical spelling means any change to the text is detected.
    if _b64encode(raw) != text:
        raise DecryptionError("The token is not valid base64.")
    return raw


def _check_key(key: object, label: str) -> bytes:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise ValueError(f"{label} must be {KEY_BYTES} bytes (see parse_key).")
    return bytes(key)


class FieldCipher:
    """Encrypts and decrypts field values with AES-256-GCM and a set of rotating keys.

    ``keys`` maps a key id (1–32 characters of ``A-Z a-z 0-9 _ . -``) to a 32-byte key;
    ``current`` names the key used to encrypt. All keys can decrypt.
    """

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if not keys:
            raise ValueError("FieldCipher needs at least one key.")
        self._aeads: dict[str, AESGCM] = {}
        for key_id, key in keys.items():
            if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
                raise ValueError(
                    "A key id has 1 to 32 characters among letters, digits, '_', '.' and '-'."
                )
            self._aeads[key_id] = AESGCM(_check_key(key, f"The key {key_id!r}"))
        if current not in self._aeads:
            raise ValueError(f"The current key id {current!r} is not among the keys.")
        self._current = current

    def __repr__(self) -> str:
        return f"<FieldCipher current={self._current!r} keys={sorted(self._aeads)!r}>"

    @property
    def current(self) -> str:
        """The id of the key that ``encrypt`` uses."""
        return self._current

    @property
    def key_ids(self) -> tuple[str, ...]:
        """The ids of every key that can decrypt."""
        return tuple(self._aeads)

    @staticmethod
    def _header(key_id: str) -> bytes:
        encoded = key_id.encode("ascii")
        return bytes([TOKEN_VERSION, len(encoded)]) + encoded

    @staticmethod
    def _associated_data(header: bytes, context: str) -> bytes:
        if not isinstance(context, str) or not context:
            raise ValueError("context must be a non-empty string, e.g. 'app.Model.field'.")
        # The header is self-delimiting (it carries its own length), so header + context is
        # unambiguous.
        return header + context.encode("utf-8")

    def encrypt(self, plaintext: str, *, context: str) -> str:
        """Encrypt ``plaintext`` with the current key and a fresh random nonce.

        ``context`` names where the value lives (e.g. ``"public.Complaint.phone"``); the same
        context is needed to decrypt. Encrypting the same value twice gives different tokens.
        """
        if not isinstance(plaintext, str):
            raise TypeError("plaintext must be a str")
        header = self._header(self._current)
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aeads[self._current].encrypt(
            nonce, plaintext.encode("utf-8"), self._associated_data(header, context)
        )
        return _b64encode(header + nonce + sealed)

    def _split(self, token: str) -> tuple[str, bytes, bytes, bytes]:
        """Return (key id, header, nonce, sealed ciphertext) of a token, or raise."""
        if not isinstance(token, str) or not token.isascii():
            raise DecryptionError("The token is not valid base64.")
        raw = _b64decode_strict(token)
        if len(raw) < 2 or raw[0] != TOKEN_VERSION:
            raise DecryptionError("The token has an unknown format version.")
        header_end = 2 + raw[1]
        if len(raw) < header_end + NONCE_BYTES + TAG_BYTES:
            raise DecryptionError("The token is truncated.")
        try:
            key_id = raw[2:header_end].decode("ascii")
        except UnicodeDecodeError:
            raise DecryptionError("The token's key id is malformed.") from None
        nonce_end = header_end + NONCE_BYTES
        return key_id, raw[:header_end], raw[header_end:nonce_end], raw[nonce_end:]

    def key_id_of(self, token: str) -> str:
        """Return the id of the key a token was encrypted with, without decrypting it.

        Useful to find the rows that still need re-encrypting after a rotation. Raises
        ``DecryptionError`` for a malformed token.
        """
        return self._split(token)[0]

    def decrypt(self, token: str, *, context: str) -> str:
        """Decrypt a token made by ``encrypt`` with the same ``context``.

        Raises ``DecryptionError`` when the token is malformed, was changed in any way, belongs
        to another context, or names a key this cipher does not hold.
        """
        key_id, header, nonce, sealed = self._split(token)
        aead = self._aeads.get(key_id)
        if aead is None:
            raise DecryptionError(f"The token was encrypted with an unknown key {key_id!r}.")
        try:
            plaintext = aead.decrypt(nonce, sealed, self._associated_data(header, context))
        except InvalidTag:
            raise DecryptionError(
                "The token does not decrypt: it was altered or belongs to another context."
            ) from None
        return plaintext.decode("utf-8")

    def rotate(self, token: str, *, context: str) -> str:
        """Return the token re-encrypted with the current key (unchanged if it already is)."""
        if self.key_id_of(token) == self._current:
            self.decrypt(token, context=context)  # still verify it
            return token
        return self.encrypt(self.decrypt(token, context=context), context=context)


def keyed_hash(value: str, *, key: bytes, purpose: str) -> str:
    """Return HMAC-SHA256 of ``value`` as 64 hex digits, separated by ``purpose``.

    The same value hashed for two purposes (say ``"public.tracking_code"`` and
    ``"integrity.resident_id"``) gives unrelated results, so a hash column cannot be joined with
    another. Normalize ``value`` first (e.g. with ``normalize_token``) where spellings vary.
    """
    if not isinstance(value, str):
        raise TypeError("value must be a str")
    if not isinstance(purpose, str) or not purpose:
        raise ValueError("purpose must be a non-empty string.")
    if not isinstance(key, bytes | bytearray) or len(key) < 16:
        raise ValueError("A keyed hash needs a key of at least 16 bytes.")
    purpose_key = hmac.digest(bytes(key), b"oversight.keyed_hash\x00" + purpose.encode(), "sha256")
    return hmac.new(purpose_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _group(characters: str) -> str:
    return "-".join(characters[i : i + 4] for i in range(0, len(characters), 4))


def random_token(bits: int = 80) -> str:
    """Return a random token of at least ``bits`` bits for people to read out or type.

    Crockford base32 (no I, L, O or U), grouped by four with dashes: 80 bits give
    ``"7K3M-9QXF-2D4B-HT0R"``. ``bits`` is rounded up to a multiple of 5.
    """
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 1:
        raise ValueError("bits must be a positive integer.")
    length = -(-bits // 5)
    return _group("".join(secrets.choice(_CROCKFORD) for _ in range(length)))


def normalize_token(text: str) -> str:
    """Return a token as typed by a person in the canonical form of ``random_token``.

    Case, spaces and dashes do not matter, and I, L and O are read as 1, 1 and 0. Raises
    ``ValueError`` when other characters remain.
    """
    compact = re.sub(r"[\s-]+", "", text).upper().translate(_CROCKFORD_READ)
    if not _CROCKFORD_TOKEN.fullmatch(compact):
        raise ValueError("A token has only digits and the letters A-Z except U.")
    return _group(compact)


def parse_key(text: str) -> bytes:
    """Return the 32-byte key written in ``text`` as 64 hex digits or as base64.

    Standard and URL-safe base64, with or without padding, are accepted; surrounding
    whitespace is ignored. Raises ``ValueError`` (never quoting the text) for anything else.
    """
    if not isinstance(text, str):
        raise TypeError("A key must be given as text.")
    text = text.strip()
    if _HEX_KEY.fullmatch(text):
        return bytes.fromhex(text)
    if re.fullmatch(r"[A-Za-z0-9+/_-]+={0,2}", text):
        unpadded = text.rstrip("=")
        try:
            raw = base64.b64decode(
                unpadded.replace("-", "+").replace("_", "/") + "=" * (-len(unpadded) % 4),
                validate=True,
            )
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) == KEY_BYTES:
            return raw
    raise ValueError(
        f"A key must be {KEY_BYTES} bytes written as 64 hexadecimal digits or as base64 "
        f"(44 characters with padding); the text given has {len(text)} characters."
    )


def new_key_text() -> str:
    """Return a fresh random 32-byte key as base64, ready for a setting or a key file."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
