"""C2SP tlog-checkpoint bodies in C2SP signed notes, with Ed25519."""

import base64
import hashlib

import pytest

from oversight.ledger.tlog.checkpoint import (
    Checkpoint,
    CheckpointError,
    Signer,
    Verifier,
    format_checkpoint,
    generate_private_key_pem,
    key_id,
    load_signer,
    open_note,
    sign_checkpoint,
    sign_note,
    verify_note,
)

ORIGIN = "oversight.example.gov.cn/ledger"
ROOT = hashlib.sha256(b"a root").digest()

# The example of golang.org/x/mod/sumdb/note: an independent implementation's output.
GO_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


@pytest.fixture
def signer():
    return Signer.from_seed(ORIGIN, bytes(range(32)))


@pytest.fixture
def note(signer):
    return sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), signer)


def test_it_formats_the_body():
    assert format_checkpoint(ORIGIN, 42, ROOT) == (
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n"
    )


def test_it_round_trips(signer, note):
    body, signature = note.split("\n\n")
    assert body.split("\n")[1] == "42"
    assert signature.startswith(f"\u2014 {ORIGIN} ")
    assert signature.endswith("\n")
    assert open_note(note, signer.verifier) == Checkpoint(ORIGIN, 42, ROOT)
    assert open_note(note.encode("utf-8"), signer.verifier, origin=ORIGIN).size == 42


def test_it_round_trips_extension_lines(signer):
    cp = Checkpoint(ORIGIN, 7, ROOT, ("Timestamp: 1700000000",))
    assert open_note(sign_checkpoint(cp, signer), signer.verifier) == cp


def test_it_computes_the_key_id_of_signed_note(signer):
    public = signer.verifier.public_key
    expected = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + public).digest()[:4]
    assert signer.key_id == expected == key_id(ORIGIN, public)
    line = open_signature_line(sign_note("text\n", signer))
    assert base64.b64decode(line.split(" ")[2])[:4] == expected


def open_signature_line(note):
    return note.split("\n\n")[1].rstrip("\n")


def test_it_reproduces_the_go_reference_note():
    signer = Signer.from_seed("PeterNeumann", GO_SEED)
    assert signer.verifier.vkey == GO_VKEY
    assert sign_note(GO_TEXT, signer) == GO_NOTE
    assert verify_note(GO_NOTE, Verifier.from_vkey(GO_VKEY)) == GO_TEXT


def test_it_round_trips_the_verifier_key(signer):
    vkey = signer.verifier.vkey
    name, hex_id, encoded = vkey.split("+", 2)
    assert "+" in encoded  # this key's base64 happens to contain a '+'
    assert name == ORIGIN and hex_id == signer.key_id.hex()
    assert base64.b64decode(encoded) == b"\x01" + signer.verifier.public_key
    parsed = Verifier.from_vkey(vkey)
    assert (parsed.name, parsed.public_key) == (ORIGIN, signer.verifier.public_key)


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "name+1234",
        GO_VKEY.replace("c74f20a3", "c74f20a4"),  # id does not match
        GO_VKEY.replace("PeterNeumann", "PeterNeuman"),  # name does not match the id
        GO_VKEY.replace("+ARpc", "+AhpC"),  # not type 0x01
        GO_VKEY + "A",  # key too long / bad base64
    ],
)
def test_it_rejects_a_bad_verifier_key(vkey):
    with pytest.raises(CheckpointError):
        Verifier.from_vkey(vkey)


def test_it_rejects_a_tampered_body(signer, note):
    tampered = note.replace("\n42\n", "\n43\n")
    with pytest.raises(CheckpointError, match="does not verify"):
        open_note(tampered, signer.verifier)


def test_it_rejects_a_tampered_signature(signer, note):
    body, line = note.split("\n\n")
    prefix, encoded = line.rstrip("\n").rsplit(" ", 1)
    raw = bytearray(base64.b64decode(encoded))
    raw[10] ^= 1
    tampered = f"{body}\n\n{prefix} {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(CheckpointError, match="does not verify"):
        open_note(tampered, signer.verifier)


def test_it_rejects_the_wrong_key(note):
    other = Signer.from_seed(ORIGIN, bytes(32))
    with pytest.raises(CheckpointError, match="no signature"):
        open_note(note, other.verifier)


def test_it_rejects_the_wrong_key_name(signer, note):
    renamed = Verifier("another.example/log", signer.verifier.public_key)
    with pytest.raises(CheckpointError, match="no signature"):
        open_note(note, renamed)
    # Renaming the signature line does not help: the key id binds the name.
    with pytest.raises(CheckpointError, match="no signature"):
        open_note(note.replace(f"\u2014 {ORIGIN} ", "\u2014 another.example/log "), renamed)


def test_it_rejects_a_wrong_origin(signer, note):
    with pytest.raises(CheckpointError, match="not 'elsewhere'"):
        open_note(note, signer.verifier, origin="elsewhere")


def test_it_ignores_unknown_signers_but_needs_a_known_one(signer):
    other = Signer.from_seed("witness.example", bytes(32))
    note = sign_note(format_checkpoint(ORIGIN, 1, ROOT), [other, signer])
    assert open_note(note, signer.verifier).size == 1
    assert open_note(note, [signer.verifier, other.verifier]).size == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda n: n.replace("\n\n", "\n"),  # no blank line
        lambda n: n.rstrip("\n"),  # no final newline
        lambda n: n.replace("\u2014 ", "-- "),  # not an em dash
        lambda n: n.replace("\u2014 ", "\u2014"),  # no space after it
        lambda n: n.replace("\n42\n", "\n\n42\n"),  # blank line in the text
        lambda n: n.replace("\n42\n", "\n4\t2\n"),  # control character
        lambda n: n + "\u2014 trailing\n",  # malformed extra line
        lambda n: n.replace("=\n", "=x\n"),  # bad base64 signature
        lambda n: n.replace("\n\n", "\r\n\n"),  # carriage return
    ],
)
def test_it_rejects_malformed_notes(signer, note, mangle):
    with pytest.raises(CheckpointError):
        open_note(mangle(note), signer.verifier)


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n42\n",  # no root
        f"\n42\n{base64.b64encode(ROOT).decode()}\n",  # empty origin
        f"{ORIGIN}\n042\n{base64.b64encode(ROOT).decode()}\n",  # leading zero
        f"{ORIGIN}\n-1\n{base64.b64encode(ROOT).decode()}\n",  # negative
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT[:31]).decode()}\n",  # short root
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode().rstrip('=')}\n",  # unpadded
    ],
)
def test_it_rejects_malformed_checkpoints_even_when_signed(signer, body):
    with pytest.raises(CheckpointError):
        open_note(sign_note(body, signer), signer.verifier)


def test_it_refuses_to_sign_what_it_cannot_open(signer):
    for text in ["no newline", "blank\n\nline\n", "tab\there\n"]:
        with pytest.raises(CheckpointError):
            sign_note(text, signer)
    with pytest.raises(CheckpointError):
        format_checkpoint("two\nlines", 1, ROOT)
    with pytest.raises(CheckpointError):
        Signer.from_seed("has space", bytes(32))
    with pytest.raises(CheckpointError):
        Signer.from_seed("has+plus", bytes(32))


def test_it_loads_keys_from_pem(tmp_path):
    pem = generate_private_key_pem()
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    path = tmp_path / "ledger.key"
    path.write_bytes(pem)
    from_file = load_signer(path, ORIGIN)
    from_bytes = load_signer(pem, ORIGIN)
    assert from_file.key_id == from_bytes.key_id
    note = sign_note(format_checkpoint(ORIGIN, 3, ROOT), from_file)
    public = Verifier.from_pem(ORIGIN, from_file.verifier.public_key_pem())
    assert open_note(note, public).size == 3
    with pytest.raises(CheckpointError):
        load_signer(tmp_path / "missing.key", ORIGIN)
    with pytest.raises(CheckpointError):
        load_signer(b"not a key", ORIGIN)
