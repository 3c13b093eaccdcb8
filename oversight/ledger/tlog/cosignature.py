"""Witnesses: C2SP tlog-cosignature (Ed25519, v1) and the tlog-witness add-checkpoint protocol.

A *cosignature* is a signed-note signature line by a witness over a checkpoint::

    — <witness name> base64(key id || u64 big-endian timestamp || Ed25519 signature)

The key id is SHA-256(name || 0x0A || 0x04 || public key)[:4] (0x04: the Ed25519 cosignature
type); the signature covers ``"cosignature/v1\\ntime <timestamp>\\n"`` followed by the whole
checkpoint body. A witness's verifier key is ``<name>+<hex key id>+<base64(0x04 || key)>``.
See https://c2sp.org/tlog-cosignature.

The *witness protocol* (https://c2sp.org/tlog-witness): a log POSTs to
``<witness>/add-checkpoint`` a body of ``old <size>\\n``, the consistency proof lines from that
size (base64, at most 63), a blank line and the signed checkpoint. The witness answers 200 with
its cosignature lines, or 400 (malformed, old size beyond the checkpoint), 403 (no trusted
signature), 404 (unknown origin), 409 (old size is not the witness's latest size — the body,
``text/x.tlog.size``, says which — or same size with another root), 422 (the proof fails).

Both halves are here, Django-free: ``check_submission`` is the witness's decision (the caller
keeps the state, reading and updating it atomically), ``submit`` the log's HTTP call.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .checkpoint import (
    SIGNATURE_PREFIX,
    Checkpoint,
    CheckpointError,
    Verifier,
    _b64decode,
    _check_key_name,
    parse_checkpoint,
    split_note,
    verify_note,
)
from .merkle import ProofError, verify_consistency

COSIGNATURE_TYPE = b"\x04"
COSIGNATURE_HEADER = "cosignature/v1\n"
MAX_TIMESTAMP = (1 << 63) - 1
MAX_PROOF_LINES = 63
MAX_REQUEST_BYTES = 1 << 20
SIZE_CONTENT_TYPE = "text/x.tlog.size"

_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def cosignature_key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x04 || key)[:4]: the key id of an Ed25519 cosigner."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + COSIGNATURE_TYPE + public_key).digest()[:4]


def cosigned_message(body: str, timestamp: int) -> bytes:
    """What a v1 cosignature signs: the header line, the time line, then the checkpoint body."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CheckpointError("a cosignature timestamp is between 0 and 2^63 - 1")
    return f"{COSIGNATURE_HEADER}time {timestamp}\n{body}".encode()


@dataclass(frozen=True)
class Cosignature:
    """One verified cosignature: who, when (POSIX seconds), and its note signature line."""

    name: str
    key_id: bytes
    timestamp: int
    line: str


class CosignatureVerifier:
    """A witness's public key: checks its cosignatures."""

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
        self.key_id = cosignature_key_id(name, self.public_key)
        self._key = Ed25519PublicKey.from_public_bytes(self.public_key)

    def __repr__(self) -> str:
        return f"CosignatureVerifier({self.vkey!r})"

    @property
    def vkey(self) -> str:
        """``<name>+<hex key id>+<base64(0x04 || public key)>``."""
        encoded = base64.b64encode(COSIGNATURE_TYPE + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def from_vkey(cls, text: str) -> CosignatureVerifier:
        """Parse a witness verifier key (type 0x04); its key id must match its name and key."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise CheckpointError("a verifier key has the form name+keyid+key")
        name, hex_id, encoded = parts
        if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
            raise CheckpointError("a verifier key id is 8 lowercase hex digits")
        raw = _b64decode(encoded, "the verifier key")
        if raw[:1] != COSIGNATURE_TYPE or len(raw) != 33:
            raise CheckpointError("the key is not an Ed25519 cosignature key (type 0x04)")
        verifier = cls(name, raw[1:])
        if verifier.key_id.hex() != hex_id:
            raise CheckpointError("the verifier key id does not match its name and key")
        return verifier

    def open(self, raw: bytes, body: str) -> int:
        """Check a decoded signature (key id || timestamp || signature) over ``body``; return
        its timestamp."""
        if len(raw) != 4 + 8 + 64 or raw[:4] != self.key_id:
            raise CheckpointError(f"the cosignature of {self.name} is malformed")
        (timestamp,) = struct.unpack(">Q", raw[4:12])
        if timestamp > MAX_TIMESTAMP:
            raise CheckpointError(f"the cosignature of {self.name} has an invalid time")
        try:
            self._key.verify(raw[12:], cosigned_message(body, timestamp))
        except InvalidSignature as exc:
            raise CheckpointError(f"the cosignature of {self.name} does not verify") from exc
        return timestamp


class Cosigner:
    """A witness's private key: cosigns checkpoints under the name ``name``."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.verifier = CosignatureVerifier(name, private_key.public_key())
        self.name = name
        self.key_id = self.verifier.key_id

    @classmethod
    def from_pem(cls, name: str, pem: bytes) -> Cosigner:
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as exc:
            raise CheckpointError("not an unencrypted PEM private key") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointError("the PEM private key is not Ed25519")
        return cls(name, key)

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Cosigner:
        if len(seed) != 32:
            raise CheckpointError("an Ed25519 private seed is 32 bytes")
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    def cosign(self, body: str, timestamp: int) -> str:
        """The cosignature line (with its newline) of a checkpoint body at ``timestamp``."""
        signature = self._key.sign(cosigned_message(body, timestamp))
        raw = self.key_id + struct.pack(">Q", timestamp) + signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(raw).decode('ascii')}\n"


def cosignatures(
    note: str | bytes, witnesses: Sequence[CosignatureVerifier]
) -> dict[str, Cosignature]:
    """The valid cosignatures of ``witnesses`` on a note, by witness name.

    Lines of other keys (the log's own signature included) are ignored, as the spec asks; a
    line that claims a known witness's name and key id but does not verify is an error.
    """
    text, signatures = split_note(note)
    known = {(w.name, w.key_id): w for w in witnesses}
    found: dict[str, Cosignature] = {}
    for name, raw in signatures:
        witness = known.get((name, raw[:4]))
        if witness is None:
            continue
        timestamp = witness.open(raw, text)
        line = f"{SIGNATURE_PREFIX}{name} {base64.b64encode(raw).decode('ascii')}\n"
        if name not in found or found[name].timestamp < timestamp:
            found[name] = Cosignature(name, raw[:4], timestamp, line)
    return found


def missing_witnesses(
    note: str | bytes, witnesses: Sequence[CosignatureVerifier]
) -> list[CosignatureVerifier]:
    """The witnesses of ``witnesses`` whose valid cosignature the note lacks."""
    found = cosignatures(note, witnesses)
    return [w for w in witnesses if w.name not in found]


def add_signature_lines(note: str, lines: Sequence[str]) -> str:
    """The note with the signature lines it does not already carry appended."""
    if not note.endswith("\n"):
        raise CheckpointError("a signed note ends with a newline")
    present = set(note[note.rfind("\n\n") + 2 :].splitlines(keepends=True))
    extra = [line for line in dict.fromkeys(lines) if line not in present]
    for line in extra:
        if not line.startswith(SIGNATURE_PREFIX) or not line.endswith("\n"):
            raise CheckpointError("a signature line starts with an em dash and ends a line")
    return note + "".join(extra)


# --- the witness protocol -------------------------------------------------------------------


class WitnessError(Exception):
    """The witness's answer to a submission it does not cosign: an HTTP status and why.

    ``size`` is set on the 409 that tells the log the size the witness last cosigned.
    """

    def __init__(self, status: int, message: str, *, size: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.size = size


@dataclass(frozen=True)
class Submission:
    """A parsed add-checkpoint request."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str


@dataclass(frozen=True)
class WitnessedHead:
    """What a witness keeps per log: the size and root of the latest checkpoint it cosigned."""

    size: int
    root: bytes


def format_submission(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """The add-checkpoint request body."""
    if old_size < 0:
        raise ValueError("the old size cannot be negative")
    if len(proof) > MAX_PROOF_LINES:
        raise ValueError(f"a consistency proof has at most {MAX_PROOF_LINES} hashes")
    lines = [f"old {old_size}\n"]
    lines += [base64.b64encode(item).decode("ascii") + "\n" for item in proof]
    return ("".join(lines) + "\n" + note).encode("utf-8")


def parse_submission(body: bytes) -> Submission:
    """Parse an add-checkpoint body; WitnessError(400) names what is malformed."""
    if len(body) > MAX_REQUEST_BYTES:
        raise WitnessError(400, "the request is too large")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WitnessError(400, "the request is not UTF-8") from exc
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise WitnessError(400, "the request has no blank line before the checkpoint")
    lines = head.split("\n")
    first = lines[0]
    if not first.startswith("old ") or not _DECIMAL.fullmatch(first[4:]):
        raise WitnessError(400, "the first line must be 'old <size>' in decimal")
    old_size = int(first[4:])
    if old_size > MAX_TIMESTAMP:
        raise WitnessError(400, "the old size is out of range")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessError(400, f"more than {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            item = _b64decode(line, f"line {number}")
        except CheckpointError as exc:
            raise WitnessError(400, str(exc)) from exc
        if len(item) != 32 or base64.b64encode(item).decode("ascii") != line:
            raise WitnessError(400, f"line {number} is not a base64 32-byte hash")
        proof.append(item)
    return Submission(old_size, tuple(proof), note)


def check_submission(
    submission: Submission,
    *,
    logs: Mapping[str, Sequence[Verifier]],
    latest: Callable[[str], WitnessedHead | None],
) -> Checkpoint:
    """The witness's checks, in the spec's order; the checkpoint to cosign, or WitnessError.

    ``logs`` maps each witnessed origin to the keys trusted to sign it; ``latest(origin)`` is the
    head last cosigned for that origin (None if never). The caller must read that head and store
    the new one in the same transaction (two racing submissions could otherwise roll back).
    """
    try:
        text, _ = split_note(submission.note)
        checkpoint = parse_checkpoint(text)
    except CheckpointError as exc:
        raise WitnessError(400, f"the checkpoint is malformed: {exc}") from exc
    trusted = logs.get(checkpoint.origin)
    if not trusted:
        raise WitnessError(404, f"unknown log origin {checkpoint.origin!r}")
    try:
        verify_note(submission.note, trusted)
    except CheckpointError as exc:
        raise WitnessError(403, f"the checkpoint is not signed by the log's key: {exc}") from exc
    if submission.old_size > checkpoint.size:
        raise WitnessError(
            400, f"old size {submission.old_size} exceeds the checkpoint size {checkpoint.size}"
        )
    head = latest(checkpoint.origin)
    known_size = head.size if head is not None else 0
    if submission.old_size != known_size:
        raise WitnessError(
            409, f"the witness has size {known_size}, not {submission.old_size}", size=known_size
        )
    if head is None or head.size == 0:
        if submission.proof:
            raise WitnessError(422, "the consistency proof from size 0 must be empty")
        return checkpoint
    if head.size == checkpoint.size:
        if head.root != checkpoint.root:
            raise WitnessError(
                409, f"the witness holds another root hash for size {checkpoint.size}: a fork"
            )
        if submission.proof:
            raise WitnessError(422, "the consistency proof between equal sizes must be empty")
        return checkpoint
    try:
        verify_consistency(
            size1=head.size,
            size2=checkpoint.size,
            root1=head.root,
            root2=checkpoint.root,
            proof=list(submission.proof),
        )
    except ProofError as exc:
        raise WitnessError(
            422, f"the checkpoint is not consistent with size {head.size}: {exc}"
        ) from exc
    return checkpoint


def parse_size(body: bytes) -> int:
    """The size in a 409 reply (``text/x.tlog.size``)."""
    text = body.decode("ascii", "replace")
    if not text.endswith("\n") or not _DECIMAL.fullmatch(text[:-1]):
        raise ValueError("the witness's size reply is not a decimal line")
    return int(text[:-1])


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


def submit(url: str, body: bytes, *, timeout: float) -> Reply:
    """POST an add-checkpoint body to ``url`` (the witness's submission prefix); the raw reply.

    Raises OSError (http.client errors included) when the witness cannot be reached.
    """
    parts = urlsplit(url.rstrip("/") + "/add-checkpoint")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"the witness URL {url!r} is not an http(s) URL")
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = cls(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(
            "POST",
            parts.path + (f"?{parts.query}" if parts.query else ""),
            body=body,
            headers={"Content-Type": "text/plain; charset=utf-8"},
        )
        response = connection.getresponse()
        data = response.read(MAX_REQUEST_BYTES + 1)
        content_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
        return Reply(response.status, content_type, data)
    except http.client.HTTPException as exc:
        raise OSError(f"bad HTTP reply: {exc}") from exc
    finally:
        connection.close()
