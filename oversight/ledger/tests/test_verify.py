"""manage.py verify_ledger: all clear on an honest log, and each kind of tampering named."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from oversight.ledger import keys, leaves, services
from oversight.ledger.models import Checkpoint, Leaf, Node, VerificationRun
from oversight.ledger.targets import TargetKind, model_snapshot, register, snapshot, unregister
from oversight.ledger.tlog import MemoryStore, generate_private_key_pem, leaf_hash
from oversight.orgs.models import OrgNode

FIXED_FIELDS = ("name", "code", "type")


@pytest.fixture
def fixed_nodes():
    """Org nodes stand in for a module's fixed records: the ledger can re-read them."""
    kind = register(
        TargetKind(type="orgs.orgnode", snapshot=model_snapshot(OrgNode, fields=FIXED_FIELDS))
    )
    yield kind
    unregister(kind.type)


@pytest.fixture
def log(county, fixed_nodes):
    for n in range(9):
        services.record(
            actor=county.town1_officer,
            action="test.event",
            target=county.village1a,
            before={"n": n},
            after={"n": n + 1},
            details={"n": n},
        )
        if n == 4:
            services.issue_checkpoint()
    services.fix_record(
        actor=county.admin,
        record_type="orgs.orgnode",
        record_id=county.unit_b.pk,
        content=snapshot(county.unit_b, fields=FIXED_FIELDS),
    )
    services.issue_checkpoint()
    return county


def verify() -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("verify_ledger", stdout=out)
    except CommandError as exc:
        return out.getvalue() + str(exc), False
    return out.getvalue(), True


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def q(name: str) -> str:
    return connection.ops.quote_name(name)


@pytest.mark.django_db
def test_it_verifies_an_honest_log_and_keeps_the_run(log):
    output, ok = verify()
    assert ok, output
    assert "ledger verified: 10 leaves" in output
    run = VerificationRun.objects.get()
    assert run.ok and run.size == 10 and run.checkpoints == 2 and run.mismatch_count == 0
    assert run.nodes == Node.objects.count()


@pytest.mark.django_db
def test_it_names_a_fixed_row_changed_with_raw_sql(log):
    sql(
        f"UPDATE {q('orgs_orgnode')} SET {q('name')} = %s WHERE {q('id')} = %s",
        ["Unit Z", log.unit_b.pk],
    )
    output, ok = verify()
    assert not ok
    assert f"orgs_orgnode row {log.unit_b.pk} (leaf 9): the record differs" in output
    run = VerificationRun.objects.get()
    assert not run.ok and run.mismatch_count == 1
    assert run.mismatches[0]["table"] == "orgs_orgnode" and run.mismatches[0]["leaf"] == 9


@pytest.mark.django_db
def test_it_names_a_column_of_a_leaf_changed_with_raw_sql(log):
    sql(f"UPDATE {q('ledger_leaf')} SET {q('action')} = %s WHERE {q('index')} = 3", ["test.other"])
    output, ok = verify()
    assert not ok
    assert (
        "ledger_leaf row 3 (leaf 3): the stored leaf bytes differ from its columns (differing keys: action)"
        in output
    )


@pytest.mark.django_db
def test_it_names_a_deleted_leaf(log):
    sql(f"DELETE FROM {q('ledger_leaf')} WHERE {q('index')} = 4")
    output, ok = verify()
    assert not ok
    assert "ledger_leaf row 4 (leaf 4): the leaf is missing" in output
    assert output.count("MISMATCH") == 1


@pytest.mark.django_db
def test_it_names_two_swapped_leaves(log):
    columns = [f.attname for f in Leaf._meta.concrete_fields if f.attname != "index"]
    two, five = (Leaf.objects.filter(index=i).values(*columns).get() for i in (2, 5))
    Leaf.objects.filter(index=2).update(**five)
    Leaf.objects.filter(index=5).update(**two)
    output, ok = verify()
    assert not ok
    for index in (2, 5):
        assert (
            f"ledger_leaf row {index} (leaf {index}): the stored leaf bytes differ from its columns (differing keys: index)"
            in output
        )
        assert (
            f"ledger_node row (0, {index}) (leaf {index}): the hash of leaves {index}..{index} differs"
            in output
        )


@pytest.mark.django_db
def test_it_names_a_changed_tree_node(log):
    Node.objects.filter(level=2, index=1).update(hash=bytes(32))
    output, ok = verify()
    assert not ok
    assert (
        "ledger_node row (2, 1) (leaf 4): the hash of leaves 4..7 differs from the one recomputed"
        in output
    )


@pytest.mark.django_db
def test_it_names_every_checkpoint_when_the_signing_key_is_replaced(log, signing_key):
    signing_key.write_bytes(generate_private_key_pem())
    keys._load.cache_clear()
    output, ok = verify()
    assert not ok
    sizes = [line for line in output.splitlines() if "the signature does not verify" in line]
    assert len(sizes) == 2
    assert "(size 5)" in sizes[0] and "(size 10)" in sizes[1]
    assert all(line.startswith("MISMATCH ledger_checkpoint row") for line in sizes)


@pytest.mark.django_db
def test_it_names_a_checkpoint_whose_root_no_longer_matches(log):
    # Rewrite one leaf and its whole path consistently: only the checkpoints can tell.
    forged = Leaf.objects.get(index=1)
    forged.action = "test.forged"
    forged.data = leaves.row_bytes(forged.__dict__)
    forged.hash = leaf_hash(forged.data)
    forged.save()
    hashes = [bytes(h) for h in Leaf.objects.order_by("index").values_list("hash", flat=True)]
    rebuilt = MemoryStore(hashes)
    for (level, index), value in rebuilt.nodes.items():
        Node.objects.filter(level=level, index=index).update(hash=value)
    output, ok = verify()
    assert not ok
    lines = [line for line in output.splitlines() if line.startswith("MISMATCH")]
    first, second = Checkpoint.objects.order_by("size").values_list("id", flat=True)
    assert lines == [
        f"MISMATCH ledger_checkpoint row {first} (size 5): the signed root differs from the recomputed tree",
        f"MISMATCH ledger_checkpoint row {second} (size 10): the signed root differs from the recomputed tree",
        f"MISMATCH ledger_checkpoint row {second} (size 10): the log no longer proves it consistent "
        f"with checkpoint {first} (size 5): the proof does not lead to the first root",
    ]
