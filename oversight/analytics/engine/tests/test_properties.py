"""Property-based tests: fingerprints, ID normalisation and amounts through import, pinyin keys."""

from __future__ import annotations

import datetime
from decimal import Decimal

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.analytics.engine import Workspace, fingerprint
from oversight.analytics.engine.hits import build_hit
from oversight.analytics.engine.names import pinyin_keys
from oversight.lib import resident_id

from .conftest import LIBRARY, write_csv

PROVINCES = sorted(resident_id.PROVINCE_PREFIXES)
FULL_WIDTH = {str(i): chr(0xFF10 + i) for i in range(10)}

ids = st.builds(
    lambda province, rest, born, sequence: resident_id.make(
        area=province + rest, born=born, sequence=sequence
    ),
    st.sampled_from(PROVINCES),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31)),
    st.integers(0, 999),
)


@st.composite
def written_ids(draw):
    """A valid ID as a clerk might type it: old 15-digit form, lower-case x, spaces, full width."""
    number = draw(ids)
    style = draw(st.sampled_from(["plain", "fifteen", "lower", "spaced", "full_width"]))
    if style == "fifteen" and number[6:8] == "19":
        return number, number[:6] + number[8:17]
    if style == "lower":
        return number, number.lower()
    if style == "spaced":
        return number, f" {number[:6]} {number[6:14]} {number[14:]} "
    if style == "full_width":
        return number, "".join(FULL_WIDTH.get(c, c) for c in number)
    return number, number


def import_rows(tmp_path_factory, kind, rows):
    """Stage and accept rows in a fresh workspace; return (report, stored rows)."""
    workspace = Workspace(tmp_path_factory.mktemp("ws"))
    workspace.register_source("s", kind=kind)
    report = workspace.stage("s", write_csv(workspace.root / "s.csv", rows))
    version = report.accept()
    cursor = duckdb.connect().execute(f"SELECT * FROM '{version.data_file(workspace.root)}'")
    names = [d[0] for d in cursor.description]
    return report, [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(written_ids(), min_size=1, max_size=30, unique_by=lambda x: x[0]))
def test_it_stores_every_valid_id_in_its_canonical_18_digit_form(tmp_path_factory, numbers):
    rows = [{"resident_id": typed, "death_date": "2024-01-01"} for _, typed in numbers]

    report, stored = import_rows(tmp_path_factory, "deaths", rows)

    assert report.rejected_rows == 0
    assert [r["resident_id"] for r in stored] == [canonical for canonical, _ in numbers]
    assert all(resident_id.normalize(typed) == canonical for canonical, typed in numbers)


amounts = st.decimals(min_value=0, max_value=Decimal("9999999999"), places=2, allow_nan=False)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(amounts, min_size=1, max_size=30),
    st.sampled_from(["{:f}", "{:,.2f}", "¥{:f}", "{:f}元"]),
)
def test_it_reads_amounts_written_the_way_offices_write_them(tmp_path_factory, values, style):
    rows = [
        {"payment_id": str(n), "program_code": "P", "resident_id": "11010519491231002X",
         "name": "甲", "period": "2024-01", "amount": style.format(v)}
        for n, v in enumerate(values)
    ]  # fmt: skip

    report, stored = import_rows(tmp_path_factory, "benefit_payments", rows)

    assert report.rejected_rows == 0
    assert [r["amount"] for r in stored] == values


keys_text = st.text(min_size=1, max_size=40)


@settings(deadline=None)
@given(st.sampled_from(sorted(LIBRARY)), keys_text, keys_text)
def test_it_gives_a_hit_the_same_fingerprint_whatever_else_changes(model_id, key, other):
    model = LIBRARY[model_id]
    row = {"subject_id": "s", "subject_name": "n", "unit": "u", "period": "p", "detail": None,
           "match_method": "resident_id", "fingerprint_key": key}  # fmt: skip
    first = build_hit(model, {**row, "amount": Decimal("1.5"), "evidence": [
        {"dataset": "a", "key": "1"}, {"dataset": "b", "key": "2"}]})  # fmt: skip
    later = build_hit(model, {**row, "amount": Decimal("900.25"), "evidence": [
        {"dataset": "b", "key": "2"}, {"dataset": "a", "key": "1"}, {"dataset": "a", "key": "3"}]})  # fmt: skip

    if first is not None and later is not None:
        assert first.fingerprint == later.fingerprint == fingerprint(model_id, key)
    assert (fingerprint(model_id, key) == fingerprint(model_id, other)) == (key == other)
    assert fingerprint(model_id, key) != fingerprint(model_id + "_copy", key)


chinese_names = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=4
)


@given(chinese_names)
def test_it_always_proposes_a_name_as_a_candidate_for_itself(name):
    keys = pinyin_keys(name)

    assert keys and set(keys) & set(pinyin_keys(f" {name} "))
    assert all(len(k.split()) == len(name) for k in keys)


@st.composite
def id_like(draw):
    """Valid IDs, valid IDs with one character changed, and random 18-character strings."""
    number = draw(ids)
    kind = draw(st.sampled_from(["valid", "mutated", "random"]))
    if kind == "valid":
        return number
    if kind == "mutated":
        at = draw(st.integers(0, 17))
        return number[:at] + draw(st.sampled_from("0123456789Xx ")) + number[at + 1 :]
    return draw(st.from_regex(r"[0-9]{17}[0-9X]", fullmatch=True))


@settings(deadline=None, max_examples=30)
@given(st.lists(id_like(), min_size=1, max_size=40))
def test_it_confirms_in_sql_exactly_the_ids_the_library_keeps_unchanged(values):
    from oversight.analytics.engine.importer import canonical_resident_id_sql

    con = duckdb.connect()
    table = ", ".join("('" + v.replace("'", "''") + "')" for v in values)
    rows = con.execute(
        f"SELECT v, {canonical_resident_id_sql('v')} FROM (VALUES {table}) t(v)"
    ).fetchall()

    for value, fast in rows:
        assert fast == (resident_id.is_valid(value) and resident_id.normalize(value) == value)
