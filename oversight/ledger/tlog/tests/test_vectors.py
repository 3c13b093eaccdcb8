"""RFC 9162 proof vectors published by transparency-dev/merkle (read from ../shared)."""

import base64
import json

import pytest

from oversight.ledger.tlog.merkle import (
    MemoryStore,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

from .conftest import EIGHT_LEAVES, EIGHT_ROOT, VECTORS

INCLUSION = sorted((VECTORS / "inclusion").rglob("*.json"))
CONSISTENCY = sorted((VECTORS / "consistency").rglob("*.json"))
# The numbered folders hold proofs over the eight leaves; the others use made-up hashes.
NUMBERED = {"0", "1", "2", "3", "4"}


def _id(path):
    return str(path.relative_to(VECTORS))


def _load(path):
    case = json.loads(path.read_text())
    case["proof"] = [base64.b64decode(h) for h in case["proof"] or []]
    return case


def _b(text):
    return base64.b64decode(text)


def test_it_finds_the_vectors():
    assert len(INCLUSION) == 98
    assert len(CONSISTENCY) == 98


@pytest.mark.parametrize("path", INCLUSION, ids=_id)
def test_it_checks_inclusion_vector(path):
    case = _load(path)
    check = dict(
        leaf_index=case["leafIdx"],
        tree_size=case["treeSize"],
        leaf_hash=_b(case["leafHash"]),
        proof=case["proof"],
        root=_b(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(**check)
    else:
        verify_inclusion(**check)


@pytest.mark.parametrize("path", CONSISTENCY, ids=_id)
def test_it_checks_consistency_vector(path):
    case = _load(path)
    check = dict(
        size1=case["size1"],
        size2=case["size2"],
        root1=_b(case["root1"]),
        root2=_b(case["root2"]),
        proof=case["proof"],
    )
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(**check)
    else:
        verify_consistency(**check)


@pytest.fixture(scope="module")
def eight():
    return MemoryStore(leaf_hash(data) for data in EIGHT_LEAVES)


def test_it_computes_the_published_root(eight):
    assert root(eight, 8) == EIGHT_ROOT


HAPPY_INCLUSION = [p for p in INCLUSION if p.parent.name in NUMBERED and p.stem == "happy-path"]
HAPPY_CONSISTENCY = [p for p in CONSISTENCY if p.parent.name in NUMBERED and p.stem == "happy-path"]


@pytest.mark.parametrize("path", HAPPY_INCLUSION, ids=_id)
def test_it_generates_the_published_inclusion_proof(eight, path):
    case = _load(path)
    index, size = case["leafIdx"], case["treeSize"]
    assert eight.get(0, index) == _b(case["leafHash"])
    assert root(eight, size) == _b(case["root"])
    assert inclusion_proof(eight, index, size) == case["proof"]


@pytest.mark.parametrize("path", HAPPY_CONSISTENCY, ids=_id)
def test_it_generates_the_published_consistency_proof(eight, path):
    case = _load(path)
    size1, size2 = case["size1"], case["size2"]
    assert root(eight, size1) == _b(case["root1"])
    assert root(eight, size2) == _b(case["root2"])
    assert consistency_proof(eight, size1, size2) == case["proof"]


def test_it_covers_every_numbered_folder():
    assert len(HAPPY_INCLUSION) == 5
    assert len(HAPPY_CONSISTENCY) == 5
