"""Appending through the database: the stored tree agrees with an oracle written from RFC 9162,
appends share the caller's transaction, and leaves carry digests and a commitment to the rest."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.db import transaction

from oversight.ledger import services, store
from oversight.ledger.models import Leaf, LogHead, Node
from oversight.ledger.services import Event
from oversight.ledger.targets import Target, snapshot
from oversight.ledger.tlog import consistency_proof, inclusion_proof, iter_complete_nodes, root
from oversight.lib.canonical import canonical_json, digest


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class Oracle:
    """MTH, PATH and PROOF of RFC 9162 §2.1, literally, over a list of leaf bytes."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.leaves = leaves
        self.memo: dict[tuple[int, int], bytes] = {}

    @staticmethod
    def k(n: int) -> int:
        k = 1
        while k * 2 < n:
            k *= 2
        return k

    def mth(self, lo: int, hi: int) -> bytes:
        if (lo, hi) not in self.memo:
            if hi - lo == 1:
                value = sha(b"\x00" + self.leaves[lo])
            else:
                k = self.k(hi - lo)
                value = sha(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi))
            self.memo[(lo, hi)] = value
        return self.memo[(lo, hi)]

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        k = self.k(hi - lo)
        if m < k:
            return self.path(m, lo, lo + k) + [self.mth(lo + k, hi)]
        return self.path(m - k, lo + k, hi) + [self.mth(lo, lo + k)]

    def subproof(self, m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        n = hi - lo
        if m == n:
            return [] if complete else [self.mth(lo, hi)]
        k = self.k(n)
        if m <= k:
            return self.subproof(m, lo, lo + k, complete) + [self.mth(lo + k, hi)]
        return self.subproof(m - k, lo + k, hi, False) + [self.mth(lo, lo + k)]


def stored_leaves() -> list[bytes]:
    return [bytes(data) for data in Leaf.objects.order_by("index").values_list("data", flat=True)]


def stored_nodes() -> dict[tuple[int, int], bytes]:
    return {(lv, i): bytes(h) for lv, i, h in Node.objects.values_list("level", "index", "hash")}


@pytest.mark.django_db
def test_it_agrees_with_the_rfc_oracle_on_every_size_and_proof(county):
    for n in range(40):
        services.record(
            actor=county.admin, action="test.step", target=county.town1, before={"n": n}, after=None
        )
    oracle = Oracle(stored_leaves())
    for size in range(1, 41):
        assert store.run(root, size) == oracle.mth(0, size)
        for index in range(size):
            assert store.run(inclusion_proof, index, size) == oracle.path(index, 0, size)
        for first in range(1, size + 1):
            assert store.run(consistency_proof, first, size) == oracle.subproof(
                first, 0, size, True
            )


@pytest.mark.django_db
def test_it_stores_exactly_the_complete_nodes_whether_appended_alone_or_in_batches(county):
    for n in range(11):
        services.record(
            actor=None, action="test.one", target=("test.thing", n), before=None, after={}
        )
    batch = [
        Event(actor=county.clerk, action="test.many", target=("test.thing", n)) for n in range(37)
    ]
    leaves = services.record_many(batch)
    assert [leaf.index for leaf in leaves] == list(range(11, 48))
    expected = {
        (lv, i): h for lv, i, h in iter_complete_nodes(sha(b"\x00" + d) for d in stored_leaves())
    }
    assert stored_nodes() == expected
    assert LogHead.objects.get().size == 48


@pytest.mark.django_db
def test_it_commits_and_rolls_back_with_the_change_it_records(county):
    services.record(
        actor=county.admin, action="test.kept", target=county.town1, before=None, after={}
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        county.town1.name = "Renamed"
        county.town1.save()
        services.record(
            actor=county.admin, action="test.lost", target=county.town1, before=None, after={}
        )
        raise RuntimeError("the change fails after its leaf was written")
    assert list(Leaf.objects.values_list("action", flat=True)) == ["test.kept"]
    assert LogHead.objects.get().size == 1
    assert Node.objects.count() == 1
    county.town1.refresh_from_db()
    assert county.town1.name == "Town 1"


@pytest.mark.django_db
def test_it_refuses_what_has_no_canonical_form_before_writing_anything(county):
    with pytest.raises(TypeError, match=r"\$\.tags"):
        services.record(
            actor=None, action="test.bad", target=county.town1, before={"tags": {1}}, after=None
        )
    with pytest.raises(ValueError, match="action"):
        services.record(actor=None, action="", target=county.town1, before=None, after=None)
    assert not Leaf.objects.exists()
    assert services.size() == 0


@pytest.mark.django_db
def test_it_writes_the_event_as_canonical_bytes_with_digests(county):
    before = snapshot(county.town1)
    county.town1.name = "Town One"
    county.town1.save()
    after = snapshot(county.town1)
    leaf = services.record(
        actor=county.town1_officer,
        action="orgs.node.rename",
        target=county.town1,
        before=before,
        after=after,
    )
    data = bytes(leaf.data)
    fields = json.loads(data)
    assert canonical_json(fields) == data
    assert fields["index"] == 0 and fields["v"] == 2
    assert set(fields) == {"v", "index", "at", "action", "target", "before", "after", "commitment"}
    assert fields["target"] == {"type": "orgs.orgnode"}
    assert fields["at"] == leaf.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ")
    assert fields["before"] == digest(before) and fields["after"] == digest(after)
    assert bytes(leaf.hash) == sha(b"\x00" + data)
    assert leaf.actor_id == county.town1_officer.pk
    assert leaf.actor_node_id == county.town1.pk
    opening = {
        "salt": json.loads(leaf.private)["salt"],
        "at": leaf.at,
        "actor": county.town1_officer.pk,
        "actor_node": county.town1.pk,
        "target_id": str(county.town1.pk),
        "details": {},
    }
    assert fields["commitment"] == digest(opening)


@pytest.mark.django_db
def test_it_snapshots_the_concrete_fields_of_a_model(county):
    values = snapshot(county.village1a)
    assert values["name"] == "Village 1a"
    assert values["parent_id"] == county.town1.pk
    assert "supervises" not in values
    assert snapshot(county.village1a, fields=["name", "code"]) == {
        "name": "Village 1a",
        "code": "C-T1-V1",
    }
    assert "path" not in snapshot(county.village1a, exclude=["path"])
    digest(values)  # every value has a canonical form


@pytest.mark.django_db
def test_it_keeps_details_in_the_row_behind_a_salted_commitment(county, client):
    leaf = services.record(
        actor=county.clerk,
        action="test.complaint.receive",
        target=Target("test.complaint", "9"),
        before=None,
        after={"text": "..."},
        details={"reporter": "Wang Fang", "channel": "letter", "on": datetime.date(2025, 3, 1)},
    )
    assert json.loads(leaf.details) == {
        "reporter": "Wang Fang",
        "channel": "letter",
        "on": "2025-03-01",
    }
    salt = json.loads(leaf.private)["salt"]
    assert len(salt) == 32
    other = services.record(
        actor=county.clerk,
        action="test.complaint.receive",
        target=Target("test.complaint", "9"),
        before=None,
        after={"text": "..."},
        details={"reporter": "Wang Fang", "channel": "letter", "on": datetime.date(2025, 3, 1)},
    )
    assert json.loads(other.private)["salt"] != salt  # equal events give unlinkable leaves
    public = json.loads(bytes(leaf.data))
    assert public["commitment"] != json.loads(bytes(other.data))["commitment"]
    served = client.get(f"/ledger/leaf/{leaf.index}").content
    assert served == bytes(leaf.data)
    for secret in (b"Wang Fang", b"letter", b"2025-03-01", b'"9"', b"actor"):
        assert secret not in served


def test_the_leaf_encoder_writes_exactly_canonical_json():
    from oversight.ledger.leaves import encode_leaf

    at = datetime.datetime(
        2025, 3, 1, 10, 3, 4, 500, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    details = {"标题": "村务公开", "amount": 1.5, "n": [1, None, True], "z": {"b": 1, "a": "é"}}
    fields = dict(
        index=7,
        actor_id=3,
        actor_node_id=None,
        action="test.x",
        target_type="t",
        target_id="1",
        before_digest="",
        after_digest="ab" * 32,
        content_digest="cd" * 32,
    )
    data = encode_leaf(at=at, details=details, **fields)  # format 1, for leaves written before 2
    expected = {
        "v": 1,
        "index": 7,
        "at": at,
        "actor": 3,
        "actor_node": None,
        "action": "test.x",
        "target": {"type": "t", "id": "1"},
        "before": None,
        "after": "ab" * 32,
        "details": details,
        "content_digest": "cd" * 32,
    }
    assert data == canonical_json(expected)
    assert b'"at":"2025-03-01T02:03:04.000500Z"' in data
    with pytest.raises(ValueError):
        encode_leaf(at=at.replace(tzinfo=None), details=None, **fields)


def test_the_format_2_encoder_writes_the_minute_and_no_one():
    from oversight.ledger.leaves import encode_leaf_v2, version_of

    at = datetime.datetime(
        2025, 3, 1, 10, 3, 59, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    fields = dict(
        index=7,
        at=at,
        action="test.x",
        target_type="t",
        before_digest="",
        after_digest="ab" * 32,
        content_digest="",
        commitment="ef" * 32,
    )
    data = encode_leaf_v2(public_target_id=None, **fields)
    assert data == canonical_json(
        {
            "v": 2,
            "index": 7,
            "at": "2025-03-01T02:03Z",
            "action": "test.x",
            "target": {"type": "t"},
            "before": None,
            "after": "ab" * 32,
            "commitment": "ef" * 32,
        }
    )
    public = json.loads(
        encode_leaf_v2(public_target_id="12", **{**fields, "content_digest": "cd" * 32})
    )
    assert public["target"] == {"type": "t", "id": "12"} and public["content_digest"] == "cd" * 32
    assert version_of(data) == 2
    with pytest.raises(ValueError):
        encode_leaf_v2(public_target_id=None, **{**fields, "at": at.replace(tzinfo=None)})


def test_the_fast_commitment_is_the_digest_of_the_opening():
    from oversight.ledger import leaves

    at = datetime.datetime(2025, 3, 1, 2, 3, 4, 500, tzinfo=datetime.UTC)
    for details, target_id, actor in [
        ({}, "1", None),
        ({"标题": '村务"公开"', "amount": 1.5, "n": [1, None, True], "z": {"b": 1}}, "x\\y", 7),
    ]:
        row = {
            "at": at,
            "actor_id": actor,
            "actor_node_id": 3 if actor else None,
            "target_id": target_id,
            "details": leaves.text(details),
            "private": leaves.text({"salt": "ab" * 16}),
        }
        opening = leaves.row_opening(row)
        assert leaves.row_commitment(row) == digest(opening) == leaves.commitment_of(opening)
    weird = leaves.encode_leaf_v2(
        index=3,
        at=at,
        action='a"b\\c',
        target_type="类型\n",
        public_target_id='"',
        before_digest="ab" * 32,
        after_digest="",
        content_digest="cd" * 32,
        commitment="ef" * 32,
    )
    assert json.loads(weird)["target"] == {"type": "类型\n", "id": '"'}
    assert canonical_json(json.loads(weird)) == weird
