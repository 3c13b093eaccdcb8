import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric

from oversight.lib import resident_id
from oversight.lib.resident_id import InvalidResidentId

# A well-known sample: Beijing, Chaoyang district, born 1949-12-31, sequence 002 (female).
SAMPLE = "11010519491231002X"

areas = st.sampled_from(["110105", "320102", "440305", "510107", "650102", "810000", "830000"])
birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


def _code_of(value: str) -> str:
    with pytest.raises(InvalidResidentId) as caught:
        resident_id.normalize(value)
    return caught.value.code


def test_it_accepts_a_valid_number():
    assert resident_id.normalize(SAMPLE) == SAMPLE
    assert resident_id.is_valid(SAMPLE)


def test_it_strips_spaces_and_uppercases_x():
    assert resident_id.normalize(" 110105 19491231 002x ") == SAMPLE
    assert resident_id.normalize("110105\u300019491231002x") == SAMPLE


def test_it_accepts_full_width_characters():
    full_width = "".join(chr(0xFF10 + int(c)) for c in SAMPLE[:17]) + "ｘ"
    assert resident_id.normalize(full_width) == SAMPLE


def test_it_converts_the_fifteen_digit_form():
    assert resident_id.normalize("110105491231002") == SAMPLE
    assert resident_id.birth_date("110105491231002") == datetime.date(1949, 12, 31)


def test_it_rejects_bad_formats():
    for value in ["", "1101051949123100", "1101051949123100XX", "11010519491231002Y",
                  "X10105194912310021", "11010519491231002X1", "1101054912310"]:  # fmt: skip
        assert _code_of(value) == "format", value
    assert not resident_id.is_valid("abc")


def test_it_rejects_non_ascii_digits():
    # "²" and Arabic-Indic digits are str.isdigit() but never part of an ID number.
    assert _code_of("²" + SAMPLE[1:]) == "format"
    assert _code_of("\u0661" + SAMPLE[1:]) == "format"


def test_it_rejects_a_wrong_check_digit():
    assert _code_of(SAMPLE[:17] + "1") == "checksum"


def test_it_rejects_an_unknown_province():
    number = resident_id.make(area="110105", born=datetime.date(1980, 1, 1), sequence=1)
    first17 = "99" + number[2:17]
    assert _code_of(first17 + resident_id.check_digit(first17)) == "area"


def test_it_rejects_impossible_birth_dates():
    for born in ["19490230", "19491301", "19490000", "18991231"]:
        first17 = "110105" + born + "002"
        assert _code_of(first17 + resident_id.check_digit(first17)) == "birth_date", born


def test_it_rejects_a_birth_date_in_the_future(monkeypatch):
    monkeypatch.setattr(resident_id, "_today", lambda: datetime.date(2020, 6, 1))
    first17 = "110105" + "20200602" + "002"
    assert _code_of(first17 + resident_id.check_digit(first17)) == "birth_date"
    first17 = "110105" + "20200601" + "002"
    assert resident_id.is_valid(first17 + resident_id.check_digit(first17))


def test_it_accepts_the_first_day_of_1900():
    first17 = "110105" + "19000101" + "001"
    assert resident_id.is_valid(first17 + resident_id.check_digit(first17))


def test_it_gives_the_error_a_code_and_a_message():
    with pytest.raises(ValueError) as caught:
        resident_id.normalize(SAMPLE[:17] + "1")
    assert caught.value.code == "checksum"
    assert "check digit" in str(caught.value)


def test_it_rejects_non_text():
    assert _code_of(110105194912310021) == "format"  # type: ignore[arg-type]
    assert not resident_id.is_valid(None)  # type: ignore[arg-type]


def test_it_reads_birth_date_and_gender():
    assert resident_id.birth_date(SAMPLE) == datetime.date(1949, 12, 31)
    assert resident_id.gender(SAMPLE) == "F"
    male = resident_id.make(area="110105", born=datetime.date(1990, 5, 17), sequence=123)
    assert resident_id.gender(male) == "M"
    with pytest.raises(InvalidResidentId):
        resident_id.gender("123")


def test_it_masks_for_display():
    assert resident_id.mask(SAMPLE) == "110105********002X"
    assert resident_id.mask("110105491231002") == "110105********002X"
    assert resident_id.mask("12345678901") == "123456*8901"
    assert resident_id.mask("1234567890") == "**********"
    assert resident_id.mask("") == ""


def test_it_refuses_bad_arguments_to_make():
    born = datetime.date(1990, 1, 1)
    with pytest.raises(InvalidResidentId) as caught:
        resident_id.make(area="990000", born=born, sequence=1)
    assert caught.value.code == "area"
    with pytest.raises(InvalidResidentId) as caught:
        resident_id.make(area="11010", born=born, sequence=1)
    assert caught.value.code == "format"
    with pytest.raises(InvalidResidentId) as caught:
        resident_id.make(area="110105", born=datetime.date(1899, 12, 31), sequence=1)
    assert caught.value.code == "birth_date"
    for sequence in (-1, 1000):
        with pytest.raises(ValueError):
            resident_id.make(area="110105", born=born, sequence=sequence)


def test_it_rejects_a_bad_prefix_for_check_digit():
    for value in ["1101051949123100", "110105194912310021", "1101051949123100A"]:
        with pytest.raises(InvalidResidentId):
            resident_id.check_digit(value)


@given(area=areas, born=birth_dates, sequence=sequences, male=st.sampled_from([None, True, False]))
def test_it_makes_valid_numbers(area, born, sequence, male):
    number = resident_id.make(area=area, born=born, sequence=sequence, male=male)
    assert resident_id.normalize(number) == number
    assert resident_id.birth_date(number) == born
    assert number[:6] == area
    if male is None:
        assert int(number[14:17]) == sequence
    else:
        assert abs(int(number[14:17]) - sequence) <= 1
        assert resident_id.gender(number) == ("M" if male else "F")


@given(first17=st.from_regex(r"[0-9]{17}", fullmatch=True))
def test_it_agrees_with_stdnum_on_the_check_digit(first17):
    assert resident_id.check_digit(first17) == stdnum_ric.calc_check_digit(first17 + "0")


@given(area=areas, born=birth_dates, sequence=sequences, data=st.data())
def test_it_detects_any_single_character_change(area, born, sequence, data):
    number = resident_id.make(area=area, born=born, sequence=sequence)
    position = data.draw(st.integers(min_value=0, max_value=17))
    alphabet = "0123456789X" if position == 17 else "0123456789"
    replacement = data.draw(st.sampled_from(alphabet).filter(lambda c: c != number[position]))
    assert not resident_id.is_valid(number[:position] + replacement + number[position + 1 :])


@given(born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(1999, 12, 31)))
def test_it_converts_any_fifteen_digit_number(born):
    number = resident_id.make(area="320102", born=born, sequence=37)
    old = number[:6] + number[8:17]
    assert resident_id.normalize(old) == number
