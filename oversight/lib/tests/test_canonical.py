import datetime
import decimal
import hashlib
import json
import math
import uuid
from collections import OrderedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oversight.lib.canonical import canonical_json, digest

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=30,
)


def _reordered(value, rng):
    """The same data with every dictionary rebuilt in a shuffled insertion order."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _reordered(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_reordered(item, rng) for item in value]
    return value


@given(value=json_values, rng=st.randoms(use_true_random=False))
def test_it_ignores_insertion_order(value, rng):
    assert canonical_json(_reordered(value, rng)) == canonical_json(value)
    assert digest(_reordered(value, rng)) == digest(value)


@given(value=json_values)
def test_it_round_trips_through_json_loads(value):
    encoded = canonical_json(value)
    assert json.loads(encoded) == value
    assert canonical_json(json.loads(encoded)) == encoded


def test_it_writes_the_documented_form():
    value = {"b": [1, 2.5, None, True], "a": "纪委", "c": {"z": 0, "y": -1}}
    assert canonical_json(value) == '{"a":"纪委","b":[1,2.5,null,true],"c":{"y":-1,"z":0}}'.encode()


def test_it_sorts_keys_by_code_point():
    assert (
        canonical_json({"b": 1, "B": 2, "啊": 3, "a": 4}) == '{"B":2,"a":4,"b":1,"啊":3}'.encode()
    )


def test_it_escapes_only_what_json_requires():
    assert canonical_json('他说"好"\n') == '"他说\\"好\\"\\n"'.encode()


def test_it_accepts_any_mapping_and_tuples():
    ordered = OrderedDict([("b", (1, 2)), ("a", 1)])
    assert canonical_json(ordered) == b'{"a":1,"b":[1,2]}'


def test_it_converts_dates_decimals_and_uuids():
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    value = {
        "day": datetime.date(2024, 10, 1),
        "at": datetime.datetime(2024, 10, 1, 8, 30, tzinfo=shanghai),
        "precise": datetime.datetime(2024, 10, 1, 0, 0, 0, 5, tzinfo=datetime.UTC),
        "clock": datetime.time(9, 15),
        "amount": decimal.Decimal("1234.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    }
    assert json.loads(canonical_json(value)) == {
        "day": "2024-10-01",
        "at": "2024-10-01T00:30:00Z",
        "precise": "2024-10-01T00:00:00.000005Z",
        "clock": "09:15:00",
        "amount": "1234.50",
        "id": "12345678-1234-5678-1234-567812345678",
    }


def test_it_gives_the_same_bytes_for_the_same_instant_in_any_zone():
    instant = datetime.datetime(2025, 1, 28, 16, 0, tzinfo=datetime.UTC)
    shanghai = instant.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert canonical_json(instant) == canonical_json(shanghai) == b'"2025-01-28T16:00:00Z"'


def test_it_rejects_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        canonical_json({"at": datetime.datetime(2024, 10, 1, 8, 30)})
    with pytest.raises(ValueError):
        canonical_json(datetime.time(9, 15, tzinfo=datetime.UTC))


def test_it_rejects_nan_and_infinity_anywhere():
    for bad in [math.nan, math.inf, -math.inf, decimal.Decimal("NaN"), decimal.Decimal("-Inf")]:
        with pytest.raises(ValueError):
            canonical_json(bad)
        with pytest.raises(ValueError, match=r"\$\.a\[1\]"):
            canonical_json({"a": [0, bad]})


def test_it_rejects_values_without_a_canonical_form():
    for bad in [{1, 2}, b"bytes", object(), {1: "a"}, {("a",): 1}, frozenset()]:
        with pytest.raises(TypeError):
            canonical_json(bad)


def test_it_rejects_lone_surrogates():
    with pytest.raises(ValueError):
        canonical_json("\ud800")


def test_it_digests_the_canonical_bytes():
    value = {"b": 1, "a": [datetime.date(2024, 2, 10)]}
    assert digest(value) == hashlib.sha256(b'{"a":["2024-02-10"],"b":1}').hexdigest()
    assert digest({"a": 1}) != digest({"a": "1"})
