"""Receipts, checked by the library and by the standalone tools/verify_receipt.py."""

import ast
import base64
import copy
import datetime
import functools
import importlib.util
import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.ledger.tlog.checkpoint import Checkpoint, Signer, sign_checkpoint
from oversight.ledger.tlog.merkle import MemoryStore, inclusion_proof, leaf_hash, root
from oversight.ledger.tlog.receipt import (
    ReceiptError,
    build_receipt,
    canonical_json,
    content_digest,
    load_receipt,
    verify_receipt,
)

REPO = Path(__file__).resolve().parents[4]
TOOL = REPO / "tools" / "verify_receipt.py"
ORIGIN = "oversight.example.gov.cn/ledger"
RECORD = {
    "id": 7,
    "title": "村务公开：2024年第三季度集体资产收支",
    "amount": "12500.00",
    "items": [{"name": "道路维修", "cost": "8000.00"}, {"name": "路灯", "cost": "4500.00"}],
    "published": True,
}
INDEX, SIZE = 6, 11


@pytest.fixture(scope="module")
def signer():
    return Signer.from_seed(ORIGIN, bytes(range(1, 33)))


def _leaf(n, **extra):
    return canonical_json({"action": "update", "actor": n, "target": f"matter:{n}", **extra})


@pytest.fixture(scope="module")
def receipt(signer):
    fixed = _leaf(INDEX, action="publish", content_digest=content_digest(RECORD))
    leaves = [fixed if n == INDEX else _leaf(n) for n in range(SIZE)]
    store = MemoryStore(leaf_hash(leaf) for leaf in leaves)
    note = sign_checkpoint(Checkpoint(ORIGIN, SIZE, root(store, SIZE)), signer)
    return build_receipt(
        record=RECORD,
        leaf=fixed,
        index=INDEX,
        tree_size=SIZE,
        inclusion_proof=inclusion_proof(store, INDEX, SIZE),
        checkpoint=note,
    )


def _run_tool(tmp_path, receipt, key_text, *extra):
    path = tmp_path / "receipt.json"
    if isinstance(receipt, bytes):
        path.write_bytes(receipt)
    else:
        path.write_text(json.dumps(receipt, ensure_ascii=False, indent=2), "utf-8")
    key = tmp_path / "key.pub"
    key.write_text(key_text)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, str(TOOL), str(path), "--key", str(key), *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # outside the repository: the tool stands alone
        env=env,
        timeout=60,
    )


def test_it_verifies_a_good_receipt(receipt, signer):
    verified = verify_receipt(receipt, signer.verifier)
    assert verified.index == INDEX and verified.tree_size == SIZE
    assert verified.record == RECORD
    assert verified.content_digest == content_digest(RECORD)
    assert verified.checkpoint.origin == ORIGIN
    # A receipt survives a trip through a file.
    text = json.dumps(receipt, ensure_ascii=False, indent=2)
    assert verify_receipt(load_receipt(text.encode("utf-8")), signer.verifier).index == INDEX


def test_it_digests_canonical_json():
    assert canonical_json({"b": 1, "a": "é", "c": [1, 2]}) == '{"a":"é","b":1,"c":[1,2]}'.encode()
    assert content_digest({"b": 1, "a": 2}) == content_digest({"a": 2, "b": 1})


@functools.cache
def _tool_module():
    spec = importlib.util.spec_from_file_location("standalone_verify_receipt", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(exclude_categories=["Cs"])),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_it_writes_the_same_canonical_json_as_the_standalone_checker(value):
    # The checker duplicates the encoding on purpose; the two must never drift apart.
    assert _tool_module().canonical_json(value) == canonical_json(value)
    assert json.loads(canonical_json(value)) == value


def test_it_stores_the_record_in_its_plain_json_form(signer):
    record = {
        "amount": Decimal("12.50"),
        "published_at": datetime.datetime(2024, 10, 1, 8, 0, tzinfo=datetime.UTC),
        "id": uuid.UUID(int=7),
    }
    fixed = canonical_json({"content_digest": content_digest(record)})
    store = MemoryStore([leaf_hash(fixed)])
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, root(store, 1)), signer)
    built = build_receipt(
        record=record, leaf=fixed, index=0, tree_size=1, inclusion_proof=[], checkpoint=note
    )
    assert built["record"]["amount"] == "12.50"
    assert built["record"]["published_at"] == "2024-10-01T08:00:00Z"
    text = json.dumps(built, ensure_ascii=False)
    assert verify_receipt(load_receipt(text), signer.verifier).content_digest == content_digest(
        record
    )


@pytest.mark.parametrize("key_form", ["vkey", "pem"])
def test_it_passes_the_standalone_checker(tmp_path, receipt, signer, key_form):
    key = (
        signer.verifier.vkey + "\n"
        if key_form == "vkey"
        else signer.verifier.public_key_pem().decode()
    )
    result = _run_tool(tmp_path, receipt, key)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VERIFIED" in result.stdout
    assert f"index {INDEX}" in result.stdout
    assert content_digest(RECORD) in result.stdout


def _alter(receipt, change):
    altered = copy.deepcopy(receipt)
    change(altered)
    return altered


def _flip_proof(r):
    raw = bytearray(base64.b64decode(r["inclusion_proof"][1]))
    raw[0] ^= 0x80
    r["inclusion_proof"][1] = base64.b64encode(bytes(raw)).decode()


def _leaf_fields(r, **changes):
    fields = json.loads(base64.b64decode(r["leaf"]))
    fields.update(changes)
    r["leaf"] = base64.b64encode(canonical_json(fields)).decode()


ALTERATIONS = {
    "record-field": (lambda r: r["record"].update(amount="12500.01"), "content_digest"),
    "record-nested": (lambda r: r["record"]["items"][1].update(cost="4500.01"), "content_digest"),
    "record-extra-key": (lambda r: r["record"].update(note="x"), "content_digest"),
    "leaf-digest": (lambda r: _leaf_fields(r, content_digest="0" * 64), "content_digest"),
    "leaf-other-field": (lambda r: _leaf_fields(r, actor=99), "inclusion"),
    "leaf-not-canonical": (
        lambda r: r.update(leaf=base64.b64encode(base64.b64decode(r["leaf"]) + b" ").decode()),
        "content_digest",
    ),
    "proof-hash": (_flip_proof, "inclusion"),
    "proof-dropped": (lambda r: r["inclusion_proof"].pop(), "inclusion"),
    "index": (lambda r: r.update(index=INDEX + 1), "inclusion"),
    "tree-size": (lambda r: r.update(tree_size=SIZE + 1), "inclusion"),
    "checkpoint-size": (
        lambda r: r.update(checkpoint=r["checkpoint"].replace(f"\n{SIZE}\n", f"\n{SIZE + 1}\n")),
        "checkpoint",
    ),
    "checkpoint-signature": (
        lambda r: r.update(checkpoint=r["checkpoint"].replace("\u2014 ", "- ")),
        "checkpoint",
    ),
    "version": (lambda r: r.update(version=2), "format"),
    "leaf-not-base64": (lambda r: r.update(leaf="***"), "format"),
}


@pytest.mark.parametrize("name", list(ALTERATIONS))
def test_it_names_the_failing_step(receipt, signer, name):
    change, step = ALTERATIONS[name]
    with pytest.raises(ReceiptError) as caught:
        verify_receipt(_alter(receipt, change), signer.verifier)
    assert caught.value.step == step


@pytest.mark.parametrize(
    "name", ["record-field", "leaf-other-field", "proof-hash", "index", "checkpoint-size"]
)
def test_it_fails_the_standalone_checker_at_the_same_step(tmp_path, receipt, signer, name):
    change, step = ALTERATIONS[name]
    result = _run_tool(tmp_path, _alter(receipt, change), signer.verifier.vkey)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"FAILED at step {step}" in result.stdout


def test_it_rejects_a_receipt_checked_with_the_wrong_key(tmp_path, receipt):
    other = Signer.from_seed(ORIGIN, bytes(32))
    with pytest.raises(ReceiptError) as caught:
        verify_receipt(receipt, other.verifier)
    assert caught.value.step == "checkpoint"
    result = _run_tool(tmp_path, receipt, other.verifier.public_key_pem().decode())
    assert result.returncode == 1
    assert "FAILED at step checkpoint" in result.stdout


def test_it_catches_one_changed_byte_of_the_record_in_the_file(tmp_path, receipt, signer):
    text = json.dumps(receipt, ensure_ascii=False, indent=2).encode("utf-8")
    altered = text.replace(b'"12500.00"', b'"12500.09"')
    assert len(altered) == len(text) and altered != text
    result = _run_tool(tmp_path, altered, signer.verifier.vkey)
    assert result.returncode == 1 and "FAILED at step content_digest" in result.stdout
    with pytest.raises(ReceiptError) as caught:
        verify_receipt(load_receipt(altered), signer.verifier)
    assert caught.value.step == "content_digest"


def test_it_rejects_duplicate_keys(tmp_path, receipt, signer):
    text = json.dumps(receipt, ensure_ascii=False)
    doubled = text.replace('"record": {', '"record": {"id": 8, ', 1)
    with pytest.raises(ReceiptError) as caught:
        load_receipt(doubled)
    assert caught.value.step == "format"
    result = _run_tool(tmp_path, doubled.encode("utf-8"), signer.verifier.vkey)
    assert result.returncode == 1 and "FAILED at step format" in result.stdout


def test_it_keeps_the_standalone_checker_free_of_the_platform():
    tree = ast.parse(TOOL.read_text("utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add(node.module.split(".")[0])
    allowed = set(sys.stdlib_module_names) | {"cryptography", "__future__"}
    assert imported <= allowed, imported - allowed
