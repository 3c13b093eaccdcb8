"""C2SP tlog-cosignature v1 (Ed25519): the key id, the signed message and the line, byte for byte
against the spec's examples and independent implementations' vectors."""

import base64
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from oversight.ledger.tlog.checkpoint import Checkpoint, CheckpointError, Signer, sign_checkpoint
from oversight.ledger.tlog.cosignature import (
    CosignatureVerifier,
    Cosigner,
    add_signature_lines,
    cosignature_key_id,
    cosignatures,
    cosigned_message,
    missing_witnesses,
)

# https://c2sp.org/tlog-cosignature: the example checkpoint, its cosignature line and the message
# a cosignature at 1679315147 signs.
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_MESSAGE = (
    "cosignature/v1\n"
    "time 1679315147\n"
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)
SPEC_LINE = (
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrD"
    "JsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
# transparency-dev/formats (note_cosigv1_test.go): a native 0x04 verifier key, and a cosignature
# whose timestamp is 1727964367.
REMORA_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
GO_COSIGNATURE = (
    "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJ"
    "XORmnFBOBA=="
)
WITNESS = "witness.example.com/w1"
SEED = bytes(range(32))


@pytest.fixture
def cosigner():
    return Cosigner.from_seed(WITNESS, SEED)


def test_it_builds_the_spec_message_byte_for_byte():
    assert cosigned_message(SPEC_BODY, 1679315147) == SPEC_MESSAGE.encode()


def test_the_spec_line_and_the_go_vector_have_the_v1_shape():
    """key id (4) || big-endian u64 timestamp (8) || Ed25519 signature (64)."""
    raw = base64.b64decode(SPEC_LINE.split(" ")[2])
    assert len(raw) == 76
    assert struct.unpack(">Q", raw[4:12]) == (1679315147,)  # the time of the spec's message
    raw = base64.b64decode(GO_COSIGNATURE)
    assert len(raw) == 76 and struct.unpack(">Q", raw[4:12]) == (1727964367,)


def test_it_reads_an_independent_verifier_key_and_checks_its_key_id():
    verifier = CosignatureVerifier.from_vkey(REMORA_VKEY)
    assert verifier.name == "remora.n621.de"
    assert verifier.key_id.hex() == "da77ade7"
    assert verifier.vkey == REMORA_VKEY
    with pytest.raises(CheckpointError, match="key id"):
        CosignatureVerifier.from_vkey(REMORA_VKEY.replace("da77ade7", "da77ade8"))
    # A log's key (type 0x01) is not a cosigner's key.
    log_vkey = Signer.from_seed("log.example", SEED).verifier.vkey
    with pytest.raises(CheckpointError, match="0x04"):
        CosignatureVerifier.from_vkey(log_vkey)


def test_it_cosigns_exactly_as_the_spec_says(cosigner):
    """An independent computation with the raw key: the key id with type 0x04, the big-endian
    time, the Ed25519 signature over the v1 message (Ed25519 is deterministic)."""
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    public = key.public_key().public_bytes_raw()
    key_id = hashlib.sha256(WITNESS.encode() + b"\n\x04" + public).digest()[:4]
    raw = key_id + (1679315147).to_bytes(8, "big") + key.sign(SPEC_MESSAGE.encode())
    expected = f"\u2014 {WITNESS} {base64.b64encode(raw).decode()}\n"
    assert cosigner.cosign(SPEC_BODY, 1679315147) == expected
    assert cosignature_key_id(WITNESS, public) == key_id == cosigner.key_id
    encoded = base64.b64encode(b"\x04" + public).decode()
    assert cosigner.verifier.vkey == f"{WITNESS}+{key_id.hex()}+{encoded}"
    assert len(expected) == len(SPEC_LINE)  # the same shape as the spec's line


def test_it_finds_verifies_and_ignores_lines_as_a_client_must(cosigner):
    log = Signer.from_seed("example.com/behind-the-sofa", bytes(32))
    note = sign_checkpoint(Checkpoint("example.com/behind-the-sofa", 5, bytes(32)), log)
    body = note.split("\n\n")[0] + "\n"
    cosigned = add_signature_lines(note, [cosigner.cosign(body, 1700000000), SPEC_LINE])
    assert cosigned.startswith(note)
    found = cosignatures(cosigned, [cosigner.verifier])
    assert list(found) == [WITNESS] and found[WITNESS].timestamp == 1700000000
    other = Cosigner.from_seed("other.example/w", bytes(range(1, 33)))
    assert missing_witnesses(cosigned, [cosigner.verifier, other.verifier]) == [other.verifier]
    # The same name and key id but another checkpoint: the line is a forgery.
    other_note = sign_checkpoint(Checkpoint("example.com/behind-the-sofa", 6, bytes(32)), log)
    forged = add_signature_lines(other_note, [cosigner.cosign(body, 1700000000)])
    with pytest.raises(CheckpointError, match="does not verify"):
        cosignatures(forged, [cosigner.verifier])
    # A line appended twice is kept once.
    assert add_signature_lines(cosigned, [SPEC_LINE]) == cosigned


def test_the_timestamp_is_part_of_what_is_signed(cosigner):
    line = cosigner.cosign(SPEC_BODY, 1679315147)
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[11] ^= 1
    with pytest.raises(CheckpointError, match="does not verify"):
        cosigner.verifier.open(bytes(raw), SPEC_BODY)
    with pytest.raises(CheckpointError):
        cosigned_message(SPEC_BODY, 1 << 63)
