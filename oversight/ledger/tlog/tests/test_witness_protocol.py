"""C2SP tlog-witness add-checkpoint: the request body and the witness's checks, in the spec's
order and with its status codes."""

import base64
import hashlib

import pytest

from oversight.ledger.tlog.checkpoint import Checkpoint, Signer, sign_checkpoint
from oversight.ledger.tlog.cosignature import (
    Submission,
    WitnessedHead,
    WitnessError,
    check_submission,
    format_submission,
    parse_size,
    parse_submission,
)
from oversight.ledger.tlog.merkle import MemoryStore, consistency_proof, leaf_hash, root

ORIGIN = "county.example/ledger"

# The example request body of https://c2sp.org/tlog-witness.
SPEC_REQUEST = (
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    "\n"
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/"
    "V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
)


def test_it_parses_and_formats_the_spec_request_byte_for_byte():
    submission = parse_submission(SPEC_REQUEST.encode())
    assert submission.old_size == 20852014
    assert len(submission.proof) == 4
    assert submission.note.startswith("example.com/behind-the-sofa\n20852163\n")
    again = format_submission(submission.old_size, submission.proof, submission.note)
    assert again == SPEC_REQUEST.encode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("old 01\n\nx\n", "old <size>"),
        ("new 1\n\nx\n", "old <size>"),
        ("old 1\nnot base64!\n\nx\n", "line 2"),
        ("old 1\nAAAA\n\nx\n", "32-byte"),
        ("old 1\n" + "A" * 43 + "=\n" * 1, "blank line"),
        ("old 1\n" + ("A" * 43 + "=\n") * 64 + "\nx\n", "63"),
    ],
)
def test_it_answers_400_to_a_malformed_request(body, message):
    with pytest.raises(WitnessError, match=message) as refusal:
        parse_submission(body.encode())
    assert refusal.value.status == 400


class Log:
    """A log in memory: leaves, its tree, and signed checkpoints."""

    def __init__(self, signer, prefix=b"leaf"):
        self.signer = signer
        self.store = MemoryStore()
        self.prefix = prefix

    def grow(self, n):
        for _ in range(n):
            self.store.append(leaf_hash(self.prefix + str(self.store.size).encode()))
        return self

    @property
    def size(self):
        return self.store.size

    def note(self, size=None):
        size = self.size if size is None else size
        return sign_checkpoint(Checkpoint(ORIGIN, size, root(self.store, size)), self.signer)

    def submission(self, old, size=None):
        size = self.size if size is None else size
        proof = consistency_proof(self.store, old, size) if 0 < old < size else []
        return parse_submission(format_submission(old, proof, self.note(size)))


@pytest.fixture
def signer():
    return Signer.from_seed(ORIGIN, bytes(range(32)))


@pytest.fixture
def witness(signer):
    """The witness's state for one log, and its check."""
    heads = {}

    def submit(submission):
        checkpoint = check_submission(
            submission, logs={ORIGIN: [signer.verifier]}, latest=heads.get
        )
        heads[checkpoint.origin] = WitnessedHead(checkpoint.size, checkpoint.root)
        return checkpoint

    submit.heads = heads
    return submit


def test_it_accepts_a_log_that_grows_consistently(signer, witness):
    log = Log(signer).grow(5)
    assert witness(log.submission(0)).size == 5
    log.grow(8)
    assert witness(log.submission(5)).size == 13
    assert witness(log.submission(13)).size == 13  # the same checkpoint again
    assert witness.heads[ORIGIN] == WitnessedHead(13, root(log.store, 13))


def test_it_answers_409_with_its_size_when_the_old_size_is_not_its_own(signer, witness):
    log = Log(signer).grow(5)
    witness(log.submission(0))
    log.grow(3)
    with pytest.raises(WitnessError) as refusal:
        witness(log.submission(0))
    assert (refusal.value.status, refusal.value.size) == (409, 5)
    assert parse_size(b"5\n") == 5


def test_it_refuses_a_fork(signer, witness):
    honest = Log(signer).grow(6)
    witness(honest.submission(0))
    forked = Log(signer, prefix=b"rewritten").grow(9)
    with pytest.raises(WitnessError) as refusal:
        witness(forked.submission(6))
    assert refusal.value.status == 422
    # A rewrite of the same size is a conflict of roots.
    with pytest.raises(WitnessError) as refusal:
        witness(forked.submission(6, size=6))
    assert refusal.value.status == 409 and refusal.value.size is None
    assert witness.heads[ORIGIN].root == root(honest.store, 6)  # nothing was recorded


def test_it_refuses_a_rollback(signer, witness):
    log = Log(signer).grow(10)
    witness(log.submission(0))
    with pytest.raises(WitnessError) as refusal:
        witness(log.submission(0, size=4))  # a truncated log starting over
    assert (refusal.value.status, refusal.value.size) == (409, 10)
    with pytest.raises(WitnessError) as refusal:
        witness(log.submission(10, size=4))
    assert refusal.value.status == 400  # old size beyond the checkpoint


def test_it_refuses_an_unknown_origin_and_a_bad_signature(signer, witness):
    stranger = Signer.from_seed("elsewhere.example/log", bytes(32))
    note = sign_checkpoint(Checkpoint("elsewhere.example/log", 1, bytes(32)), stranger)
    with pytest.raises(WitnessError) as refusal:
        witness(Submission(0, (), note))
    assert refusal.value.status == 404
    impostor = Signer.from_seed(ORIGIN, bytes(32))  # the right name, another key
    with pytest.raises(WitnessError) as refusal:
        witness(Submission(0, (), sign_checkpoint(Checkpoint(ORIGIN, 1, bytes(32)), impostor)))
    assert refusal.value.status == 403
    good = Log(signer).grow(2).note()
    body, signature = good.split("\n\n")
    raw = bytearray(base64.b64decode(signature.split(" ")[2]))
    raw[-1] ^= 1
    tampered = f"{body}\n\n\u2014 {ORIGIN} {base64.b64encode(bytes(raw)).decode()}\n"
    with pytest.raises(WitnessError) as refusal:
        witness(Submission(0, (), tampered))
    assert refusal.value.status == 403
    assert ORIGIN not in witness.heads


def test_a_proof_where_none_belongs_is_refused(signer, witness):
    log = Log(signer).grow(3)
    note = log.note()
    with pytest.raises(WitnessError) as refusal:
        witness(Submission(0, (hashlib.sha256(b"x").digest(),), note))
    assert refusal.value.status == 422
