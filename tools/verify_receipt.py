#!/usr/bin/env python3
"""Verify an Oversight ledger receipt offline, with the log's public key alone.

    python tools/verify_receipt.py receipt.json --key key.pub [--witness VKEY ...]

The key file holds the log's verifier key (`<name>+<key id>+<base64 key>`, as served by
/ledger/key) or an Ed25519 public key in PEM. The receipt is checked in three steps:

1. checkpoint: the signed note carries a valid Ed25519 signature by that key (C2SP
   signed-note) and is a well-formed C2SP tlog-checkpoint;
2. content_digest: the SHA-256 of the record's canonical JSON equals the leaf's
   `content_digest`;
3. commitment (only when the receipt carries an `opening`, as a receipt handed to staff
   does): the SHA-256 of the opening's canonical JSON equals the leaf's `commitment`, so
   the opening's time, actor, org node, record id and details are what the leaf committed
   to (a leaf of format 2 publishes none of them, except a public record's id);
4. inclusion: SHA-256(0x00 || leaf) is at `index` in the checkpoint's tree (RFC 9162
   inclusion proof), and `tree_size` is the checkpoint's size.

With `--witness` (a witness's verifier key `<name>+<key id>+<base64(0x04 || key)>`, or a file
holding one; repeat it for each witness you require), step 1 also requires that witness's valid
cosignature on the checkpoint (C2SP tlog-cosignature v1): proof that the witness saw this
checkpoint and found it consistent with every earlier one it saw, so the log cannot show you a
history it did not show the witness.

It prints what it verified and exits 0, or names the failing step and exits 1.

This file needs only the Python standard library and `cryptography`, and on purpose does
NOT import the `oversight` package: it is meant to be handed to anyone, to run outside the
platform, so it duplicates the little verification code it needs. The platform's own
version lives in oversight/ledger/tlog/ (merkle.py, checkpoint.py, receipt.py); a change
to the receipt format must be made in both places (the tests run this script).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SIGNATURE_PREFIX = "\u2014 "
ED25519_TYPE = b"\x01"
COSIGNATURE_TYPE = b"\x04"
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


class Failure(Exception):
    def __init__(self, step: str, message: str) -> None:
        super().__init__(message)
        self.step = step


# ----------------------------------------------------------------------------- helpers


def b64(value: object, what: str, step: str = "format") -> bytes:
    if not isinstance(value, str):
        raise Failure(step, f"{what} is not a base64 string")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise Failure(step, f"{what} is not standard base64") from exc


def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def strict_json(data: str | bytes) -> object:
    return json.loads(data, object_pairs_hook=no_duplicates, parse_constant=reject_constant)


def canonical_json(value: object) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519_TYPE + public_key).digest()[:4]


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


# ----------------------------------------------------------------------------- the key


def load_key(text: str) -> tuple[str | None, bytes]:
    """(key name or None for a bare PEM key, 32-byte Ed25519 public key)."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except ValueError as exc:
            raise Failure("key", "the key file is not a PEM public key") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise Failure("key", "the PEM public key is not Ed25519")
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return None, raw
    parts = text.split("+", 2)  # the base64 key may contain '+'; the name may not
    if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise Failure("key", "the key file holds neither a verifier key nor a PEM public key")
    name, hex_id, encoded = parts
    raw = b64(encoded, "the verifier key", step="key")
    if len(raw) != 33 or raw[:1] != ED25519_TYPE:
        raise Failure("key", "the verifier key is not an Ed25519 key")
    if key_id(name, raw[1:]).hex() != hex_id:
        raise Failure("key", "the verifier key id does not match its name and key")
    return name, raw[1:]


# ----------------------------------------------------------------------------- step 1


def open_checkpoint(note: str, name: str | None, public_key: bytes) -> dict[str, object]:
    """Verify the signed note and parse the checkpoint (C2SP signed-note, tlog-checkpoint)."""
    if CONTROL.search(note):
        raise Failure("checkpoint", "the note contains control characters")
    split = note.rfind("\n\n")
    if split < 0:
        raise Failure("checkpoint", "the note has no signature block")
    text, block = note[: split + 1], note[split + 2 :]
    if "\n\n" in text or not block.endswith("\n"):
        raise Failure("checkpoint", "the note is malformed")
    lines = block[:-1].split("\n")
    if len(lines) > 100:
        raise Failure("checkpoint", "the note has too many signatures")
    verifier = Ed25519PublicKey.from_public_bytes(public_key)
    message = text.encode("utf-8")
    signed_by = None
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise Failure("checkpoint", "a signature line must start with an em dash")
        line_name, sep, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not sep or not line_name or " " in encoded or "+" in line_name:
            raise Failure("checkpoint", "a signature line is malformed")
        raw = b64(encoded, "a signature", step="checkpoint")
        if len(raw) < 5:
            raise Failure("checkpoint", "a signature is too short")
        if name is not None and line_name != name:
            continue
        if raw[:4] != key_id(line_name, public_key):
            continue
        try:
            verifier.verify(raw[4:], message)
        except InvalidSignature as exc:
            raise Failure("checkpoint", f"the signature of {line_name} does not verify") from exc
        signed_by = line_name
    if signed_by is None:
        raise Failure("checkpoint", f"the note carries no signature from {name or 'this key'}")

    body = text[:-1].split("\n")
    if len(body) < 3 or not body[0]:
        raise Failure("checkpoint", "the checkpoint lacks its origin, size or root")
    origin, size_text, root_text = body[:3]
    if not re.fullmatch(r"0|[1-9][0-9]*", size_text) or int(size_text) >= 1 << 63:
        raise Failure("checkpoint", "the checkpoint size is not a decimal number")
    root = b64(root_text, "the checkpoint root", step="checkpoint")
    if len(root) != 32 or base64.b64encode(root).decode("ascii") != root_text:
        raise Failure("checkpoint", "the checkpoint root is not a 32-byte hash")
    return {"origin": origin, "size": int(size_text), "root": root, "signed_by": signed_by}


def load_witness(text: str) -> tuple[str, bytes, bytes]:
    """(name, key id, 32-byte public key) of a witness verifier key (type 0x04)."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise Failure("key", f"{text.strip()!r} is not a witness verifier key name+keyid+key")
    name, hex_id, encoded = parts
    raw = b64(encoded, "the witness key", step="key")
    if len(raw) != 33 or raw[:1] != COSIGNATURE_TYPE:
        raise Failure("key", f"the key of witness {name} is not an Ed25519 cosignature key (0x04)")
    wanted = hashlib.sha256(name.encode("utf-8") + b"\n" + COSIGNATURE_TYPE + raw[1:]).digest()
    if wanted[:4].hex() != hex_id:
        raise Failure("key", f"the key id of witness {name} does not match its name and key")
    return name, wanted[:4], raw[1:]


def check_witnesses(note: str, witnesses: list[tuple[str, bytes, bytes]]) -> list[str]:
    """Each named witness's cosignature on the checkpoint (C2SP tlog-cosignature v1)."""
    split = note.rfind("\n\n")
    text, lines = note[: split + 1], note[split + 2 :].rstrip("\n").split("\n")
    done = []
    for name, wanted_id, public_key in witnesses:
        found = None
        for line in lines:
            line_name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
            if line_name != name:
                continue
            raw = b64(encoded, "a cosignature", step="witness")
            if raw[:4] != wanted_id:
                continue
            if len(raw) != 76:
                raise Failure("witness", f"the cosignature of witness {name} is malformed")
            timestamp = int.from_bytes(raw[4:12], "big")
            message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
            try:
                Ed25519PublicKey.from_public_bytes(public_key).verify(raw[12:], message)
            except InvalidSignature as exc:
                raise Failure(
                    "witness", f"the cosignature of witness {name} does not verify"
                ) from exc
            found = timestamp
        if found is None:
            raise Failure(
                "witness",
                f"the checkpoint carries no cosignature from witness {name}: that witness has "
                "not confirmed this checkpoint is consistent with what it saw of the log",
            )
        done.append(f"witness: {name} cosigned the checkpoint at {found} (POSIX seconds)")
    return done


# ----------------------------------------------------------------------------- step 3


def inclusion_root(index: int, size: int, leaf_hash: bytes, proof: list[bytes]) -> bytes:
    """The root implied by an RFC 9162 inclusion proof (section 2.1.3.2)."""
    if not 0 <= index < size:
        raise Failure("inclusion", f"index {index} is outside a tree of {size} leaves")
    if any(len(item) != 32 for item in proof):
        raise Failure("inclusion", "a proof hash is not 32 bytes")
    fn, sn, result = index, size - 1, leaf_hash
    for item in proof:
        if sn == 0:
            raise Failure("inclusion", "the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            result = node_hash(item, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, item)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Failure("inclusion", "the proof is shorter than the tree is deep")
    return result


# ----------------------------------------------------------------------------- all of it


def verify(
    receipt: object,
    name: str | None,
    public_key: bytes,
    witnesses: list[tuple[str, bytes, bytes]] = (),
) -> list[str]:
    if not isinstance(receipt, dict) or receipt.get("version") != 1:
        raise Failure("format", "not a version 1 receipt")
    record = receipt.get("record")
    if not isinstance(record, dict):
        raise Failure("format", "record is not a JSON object")
    leaf = b64(receipt.get("leaf"), "leaf")
    numbers = {}
    for key in ("index", "tree_size"):
        value = receipt.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise Failure("format", f"{key} is not a non-negative integer")
        numbers[key] = value
    items = receipt.get("inclusion_proof")
    if not isinstance(items, list):
        raise Failure("format", "inclusion_proof is not a list")
    proof = [b64(item, f"inclusion_proof[{n}]") for n, item in enumerate(items)]
    note = receipt.get("checkpoint")
    if not isinstance(note, str):
        raise Failure("format", "checkpoint is not a string")

    checkpoint = open_checkpoint(note, name, public_key)
    done = [
        f"checkpoint: signed by {checkpoint['signed_by']}; origin {checkpoint['origin']}, "
        f"{checkpoint['size']} leaves, root {checkpoint['root'].hex()}"
    ]
    done += check_witnesses(note, list(witnesses))

    try:
        fields = strict_json(leaf)
        canonical = isinstance(fields, dict) and canonical_json(fields) == leaf
    except ValueError as exc:
        raise Failure("content_digest", f"the leaf is not JSON: {exc}") from exc
    if not canonical:
        raise Failure("content_digest", "the leaf is not a canonical JSON object")
    claimed = fields.get("content_digest")
    if not isinstance(claimed, str) or not HEX_DIGEST.fullmatch(claimed):
        raise Failure("content_digest", "the leaf has no content_digest")
    try:
        actual = hashlib.sha256(canonical_json(record)).hexdigest()
    except ValueError as exc:
        raise Failure("content_digest", f"the record cannot be digested: {exc}") from exc
    if actual != claimed:
        raise Failure(
            "content_digest", f"the record's digest {actual} differs from the leaf's {claimed}"
        )
    done.append(f"content_digest: the record's SHA-256 {actual} is the leaf's")
    target = fields.get("target")
    if isinstance(target, dict) and isinstance(target.get("id"), str):
        done.append(f"record: the leaf names {target.get('type')} {target['id']}")

    opening = receipt.get("opening")
    if opening is not None:
        if not isinstance(opening, dict):
            raise Failure("format", "opening is not a JSON object")
        try:
            opened = hashlib.sha256(canonical_json(opening)).hexdigest()
        except ValueError as exc:
            raise Failure("commitment", f"the opening cannot be digested: {exc}") from exc
        if opened != fields.get("commitment"):
            raise Failure("commitment", "the opening is not what the leaf committed to")
        done.append(
            f"commitment: the leaf commits to record {opening.get('target_id')}, fixed at "
            f"{opening.get('at')} by account {opening.get('actor')} "
            f"(org node {opening.get('actor_node')})"
        )

    index, size = numbers["index"], numbers["tree_size"]
    if size != checkpoint["size"]:
        raise Failure(
            "inclusion",
            f"the proof is for {size} leaves, the checkpoint has {checkpoint['size']}",
        )
    leaf_hash = hashlib.sha256(b"\x00" + leaf).digest()
    if inclusion_root(index, size, leaf_hash, proof) != checkpoint["root"]:
        raise Failure("inclusion", "the inclusion proof leads to a different root")
    done.append(f"inclusion: the leaf is at index {index} of the checkpoint's tree")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("receipt", type=Path, help="the receipt JSON file")
    parser.add_argument("--key", type=Path, required=True, help="verifier key or PEM public key")
    parser.add_argument("--name", help="the key name to require (with a PEM key)")
    parser.add_argument(
        "--witness",
        action="append",
        default=[],
        metavar="VKEY",
        help="require this witness's cosignature (its verifier key, or a file holding it)",
    )
    args = parser.parse_args(argv)
    try:
        try:
            key_text = args.key.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise Failure("key", f"cannot read {args.key}: {exc}") from exc
        name, public_key = load_key(key_text)
        if args.name is not None:
            if name is not None and name != args.name:
                raise Failure("key", f"the key is named {name}, not {args.name}")
            name = args.name
        try:
            receipt = strict_json(args.receipt.read_bytes())
        except OSError as exc:
            raise Failure("format", f"cannot read {args.receipt}: {exc}") from exc
        except ValueError as exc:
            raise Failure("format", f"the receipt is not valid JSON: {exc}") from exc
        witnesses = []
        for given in args.witness:
            path = Path(given)
            try:
                text = path.read_text("utf-8") if "+" not in given and path.exists() else given
            except (OSError, UnicodeDecodeError) as exc:
                raise Failure("key", f"cannot read {given}: {exc}") from exc
            witnesses.append(load_witness(text))
        done = verify(receipt, name, public_key, witnesses)
    except Failure as failure:
        print(f"FAILED at step {failure.step}: {failure}")
        return 1
    for line in done:
        print(f"OK {line}")
    print("VERIFIED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
