"""Checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes (Ed25519).

A checkpoint body is three lines and optional extension lines::

    <origin>
    <tree size in decimal>
    <base64 root hash>

The signed note appends a blank line and one signature line per signer::

    — <key name> <base64(4-byte key id || 64-byte Ed25519 signature)>

The signature covers the body including its final newline. The key id is the first four
bytes of SHA-256(key name || 0x0A || 0x01 || public key), 0x01 being Ed25519's type byte;
a verifier key is shared as the text `<name>+<hex key id>+<base64(0x01 || public key)>`.
See https://c2sp.org/tlog-checkpoint and https://c2sp.org/signed-note.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

ED25519_TYPE = b"\x01"
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
MAX_SIGNATURES = 100
MAX_NOTE_BYTES = 1 << 20

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class CheckpointError(ValueError):
    """A note or checkpoint is malformed or not signed by the expected key."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = field(default=())

    def body(self) -> str:
        """The checkpoint's text, as signed."""
        return format_checkpoint(self.origin, self.size, self.root, self.extensions)


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise CheckpointError(f"{what} is not standard base64") from exc


def _check_key_name(name: str) -> None:
    if not name or any(ch.isspace() for ch in name) or "+" in name:
        raise CheckpointError(f"invalid key name {name!r}: it must be non-empty, no spaces, no '+'")


def key_id(name: str, public_key: bytes) -> bytes:
    """The signed-note key id of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_TYPE + public_key).digest()[:4]


class Verifier:
    """The public half: checks signatures made by the key named `name`."""

    def __init__(self, name: str, public_key: bytes | Ed25519PublicKey) -> None:
        _check_key_name(name)
        if isinstance(public_key, Ed25519PublicKey):
            public_key = public_key.public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        if len(public_key) != 32:
            raise CheckpointError("an Ed25519 public key is 32 bytes")
        self.name = name
        self.public_key = bytes(public_key)
        self.key_id = key_id(name, self.public_key)
        self._key = Ed25519PublicKey.from_public_bytes(self.public_key)

    @property
    def vkey(self) -> str:
        """The verifier key text `<name>+<hex key id>+<base64(0x01 || public key)>`."""
        encoded = base64.b64encode(ED25519_TYPE + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def from_vkey(cls, text: str) -> Verifier:
        """Parse a verifier key text; its key id must match its name and key."""
        # The name holds no '+', but the base64 key may: split twice only.
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise CheckpointError("a verifier key has the form name+keyid+key")
        name, hex_id, encoded = parts
        if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
            raise CheckpointError("a verifier key id is 8 lowercase hex digits")
        raw = _b64decode(encoded, "the verifier key")
        if raw[:1] != ED25519_TYPE or len(raw) != 33:
            raise CheckpointError("the verifier key is not an Ed25519 key")
        verifier = cls(name, raw[1:])
        if verifier.key_id.hex() != hex_id:
            raise CheckpointError("the verifier key id does not match its name and key")
        return verifier

    @classmethod
    def from_pem(cls, name: str, pem: bytes) -> Verifier:
        """A verifier from a PEM SubjectPublicKeyInfo Ed25519 key."""
        try:
            key = serialization.load_pem_public_key(pem)
        except ValueError as exc:
            raise CheckpointError("not a PEM public key") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise CheckpointError("the PEM public key is not Ed25519")
        return cls(name, key)

    def public_key_pem(self) -> bytes:
        return self._key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Signer:
    """The private half: signs notes under the key name `name`."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        _check_key_name(name)
        self.name = name
        self._key = private_key
        self.verifier = Verifier(name, private_key.public_key())
        self.key_id = self.verifier.key_id

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Signer:
        """A signer from the 32-byte Ed25519 private seed."""
        if len(seed) != 32:
            raise CheckpointError("an Ed25519 private seed is 32 bytes")
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_pem(cls, name: str, pem: bytes) -> Signer:
        """A signer from an unencrypted PKCS#8 PEM Ed25519 private key."""
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as exc:
            raise CheckpointError("not an unencrypted PEM private key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointError("the PEM private key is not Ed25519")
        return cls(name, key)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)


def generate_private_key_pem() -> bytes:
    """A new Ed25519 private key as unencrypted PKCS#8 PEM, for a key file."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_signer(path_or_bytes: str | os.PathLike[str] | bytes, name: str) -> Signer:
    """A signer from a PEM key file (a path) or from PEM bytes."""
    if isinstance(path_or_bytes, bytes):
        pem = path_or_bytes
    else:
        try:
            pem = Path(path_or_bytes).read_bytes()
        except OSError as exc:
            raise CheckpointError(f"cannot read the key file {path_or_bytes}: {exc}") from exc
    return Signer.from_pem(name, pem)


def format_checkpoint(origin: str, size: int, root: bytes, extensions: Iterable[str] = ()) -> str:
    """The checkpoint body: origin, size, base64 root and extension lines, each ending in \\n."""
    extensions = tuple(extensions)
    if not origin or "\n" in origin or _CONTROL.search(origin):
        raise CheckpointError("the origin must be one non-empty line")
    if size < 0:
        raise CheckpointError("a tree size cannot be negative")
    if len(root) != 32:
        raise CheckpointError("a root hash is 32 bytes")
    for line in extensions:
        if not line or "\n" in line or _CONTROL.search(line):
            raise CheckpointError("each extension must be one non-empty line")
    lines = [origin, str(size), base64.b64encode(root).decode("ascii"), *extensions]
    return "".join(line + "\n" for line in lines)


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise CheckpointError("the note text must end with a newline")
    if "\n\n" in text:
        raise CheckpointError("the note text must not contain a blank line")
    if _CONTROL.search(text):
        raise CheckpointError("the note text contains control characters")


def sign_note(text: str, signers: Signer | Sequence[Signer]) -> str:
    """The signed note: `text`, a blank line and one signature line per signer."""
    if isinstance(signers, Signer):
        signers = [signers]
    if not signers:
        raise CheckpointError("a signed note needs at least one signer")
    _check_text(text)
    message = text.encode("utf-8")
    lines = []
    for signer in signers:
        signature = base64.b64encode(signer.key_id + signer.sign(message)).decode("ascii")
        lines.append(f"{SIGNATURE_PREFIX}{signer.name} {signature}\n")
    return text + "\n" + "".join(lines)


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """Format and sign a checkpoint in one step."""
    return sign_note(checkpoint.body(), signer)


def split_note(note: str | bytes) -> tuple[str, list[tuple[str, bytes]]]:
    """A signed note's text and its signature lines as (key name, decoded signature), checked
    for shape only (no signature is verified)."""
    if isinstance(note, bytes):
        if len(note) > MAX_NOTE_BYTES:
            raise CheckpointError("the note is too large")
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CheckpointError("the note is not UTF-8") from exc
    if len(note.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise CheckpointError("the note is too large")
    if _CONTROL.search(note):
        raise CheckpointError("the note contains control characters")
    split = note.rfind("\n\n")
    if split < 0:
        raise CheckpointError("the note has no signature block")
    text, block = note[: split + 1], note[split + 2 :]
    _check_text(text)
    if not block.endswith("\n"):
        raise CheckpointError("the signature block must end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise CheckpointError("the note has too many signatures")
    signatures = []
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise CheckpointError("a signature line must start with an em dash and a space")
        name, sep, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not sep or " " in encoded:
            raise CheckpointError("a signature line has the form '— name signature'")
        _check_key_name(name)
        raw = _b64decode(encoded, "a signature")
        if len(raw) < 5:
            raise CheckpointError("a signature is too short")
        signatures.append((name, raw))
    return text, signatures


def verify_note(note: str | bytes, verifiers: Verifier | Sequence[Verifier]) -> str:
    """Check the note's signatures and return its signed text.

    Signature lines from unknown keys are ignored; a line whose name and key id match a
    verifier must carry a valid signature, and at least one must.
    """
    if isinstance(verifiers, Verifier):
        verifiers = [verifiers]
    text, signatures = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    message = text.encode("utf-8")
    verified = False
    for name, raw in signatures:
        verifier = known.get((name, raw[:4]))
        if verifier is None:
            continue
        if not verifier.verify(message, raw[4:]):
            raise CheckpointError(f"the signature of {name} does not verify")
        verified = True
    if not verified:
        names = ", ".join(sorted({v.name for v in verifiers}))
        raise CheckpointError(f"the note carries no signature from {names}")
    return text


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body (already verified)."""
    _check_text(text)
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint has an origin, a size and a root hash")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise CheckpointError("the checkpoint origin is empty")
    if not _DECIMAL.fullmatch(size_text):
        raise CheckpointError("the checkpoint size is not a decimal number")
    if int(size_text) >= 1 << 63:
        raise CheckpointError("the checkpoint size is out of range")
    root_hash = _b64decode(root_text, "the checkpoint root")
    if len(root_hash) != 32:
        raise CheckpointError("the checkpoint root is not 32 bytes")
    if base64.b64encode(root_hash).decode("ascii") != root_text:
        raise CheckpointError("the checkpoint root is not canonical base64")
    return Checkpoint(origin, int(size_text), root_hash, tuple(extensions))


def open_note(
    note: str | bytes, verifier: Verifier | Sequence[Verifier], *, origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint and parse it; raise CheckpointError on any fault.

    When `origin` is given, the checkpoint must come from that log.
    """
    checkpoint = parse_checkpoint(verify_note(note, verifier))
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"the checkpoint is from {checkpoint.origin!r}, not {origin!r}")
    return checkpoint
