"""The PRC resident identity number (公民身份号码, GB 11643-1999).

An 18-character number: a 6-digit area code (GB/T 2260), the birth date as YYYYMMDD, a 3-digit
sequence whose parity gives the gender (odd = male), and a check digit (ISO 7064 MOD 11-2, where
10 is written ``X``). Numbers issued before 1999 have 15 digits: no century and no check digit.

Every failure raises :class:`InvalidResidentId` whose ``code`` tells the reason, so the form layer
can show a translated message without parsing English text.

This module imports nothing from Django: the analytics engine uses it too.
"""

from __future__ import annotations

import datetime
import re
from typing import Literal

__all__ = [
    "InvalidResidentId",
    "birth_date",
    "check_digit",
    "gender",
    "is_valid",
    "make",
    "mask",
    "normalize",
]

ErrorCode = Literal["format", "checksum", "birth_date", "area"]
Gender = Literal["M", "F"]

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# First two digits of GB/T 2260 area codes: provinces, autonomous regions and municipalities,
# plus 71 (Taiwan) and 81/82/83 (residence permits of Hong Kong, Macao and Taiwan residents).
PROVINCE_PREFIXES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum modulo 11

# Chinese input methods readily produce full-width digits, a full-width X and ideographic spaces.
_FULL_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"Ｘ": "X", "ｘ": "X"})
_WHITESPACE = re.compile(r"\s+")
_EIGHTEEN = re.compile(r"[0-9]{17}[0-9X]")
_FIFTEEN = re.compile(r"[0-9]{15}")


class InvalidResidentId(ValueError):
    """A resident identity number that cannot be accepted.

    ``code`` is one of ``"format"``, ``"checksum"``, ``"birth_date"`` or ``"area"``; the message
    is plain English for logs, and user-facing layers translate by ``code``.
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message


def _today() -> datetime.date:
    # A seam for tests: birth dates are compared with the current day.
    return datetime.date.today()


def _clean(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidResidentId("format", "A resident identity number must be text.")
    return _WHITESPACE.sub("", value.translate(_FULL_WIDTH)).upper()


def check_digit(first17: str) -> str:
    """Return the check digit (``"0"``–``"9"`` or ``"X"``) for the first 17 digits.

    Raises ``InvalidResidentId`` with code ``"format"`` unless ``first17`` is exactly 17 ASCII
    digits.
    """
    if not (isinstance(first17, str) and re.fullmatch(r"[0-9]{17}", first17)):
        raise InvalidResidentId("format", "The check digit needs exactly 17 digits.")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def _check_area(area: str) -> None:
    if area[:2] not in PROVINCE_PREFIXES:
        raise InvalidResidentId(
            "area", f"The area code {area} does not start with a known province code."
        )


def _check_birth_date(digits: str) -> datetime.date:
    """Parse YYYYMMDD and check that it is a real day between 1900-01-01 and today."""
    try:
        born = datetime.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidResidentId(
            "birth_date", f"The birth date {digits} is not a calendar date."
        ) from None
    _check_birth_range(born)
    return born


def _check_birth_range(born: datetime.date) -> None:
    if born < EARLIEST_BIRTH_DATE:
        raise InvalidResidentId("birth_date", f"The birth date {born} is before 1900-01-01.")
    if born > _today():
        raise InvalidResidentId("birth_date", f"The birth date {born} is in the future.")


def normalize(value: str) -> str:
    """Return the canonical 18-character form of a resident identity number.

    Spaces (including ideographic and full-width characters) are removed and a trailing ``x``
    is upper-cased. A 15-digit number of the pre-1999 form is converted: ``19`` is inserted
    before its two-digit year and the check digit is computed.

    Raises ``InvalidResidentId`` with ``code``:

    - ``"format"``: not 18 digits (the last may be ``X``) nor 15 digits;
    - ``"area"``: the area code does not start with a known province code;
    - ``"birth_date"``: not a calendar date, before 1900-01-01, or in the future;
    - ``"checksum"``: the check digit does not match (ISO 7064 MOD 11-2).
    """
    number = _clean(value)
    if _FIFTEEN.fullmatch(number):
        first17 = number[:6] + "19" + number[6:]
        number = first17 + check_digit(first17)
    elif not _EIGHTEEN.fullmatch(number):
        raise InvalidResidentId(
            "format",
            "A resident identity number has 18 digits (the last may be X) or, "
            "in the old form, 15 digits.",
        )
    _check_area(number[:6])
    _check_birth_date(number[6:14])
    if number[17] != check_digit(number[:17]):
        raise InvalidResidentId(
            "checksum", "The check digit does not match; the number has probably been mistyped."
        )
    return number


def is_valid(value: str) -> bool:
    """Return whether ``value`` is an acceptable resident identity number (18 or 15 digits)."""
    try:
        normalize(value)
    except InvalidResidentId:
        return False
    return True


def birth_date(value: str) -> datetime.date:
    """Return the birth date encoded in a resident identity number.

    Raises ``InvalidResidentId`` when the number is not valid.
    """
    number = normalize(value)
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender(value: str) -> Gender:
    """Return ``"M"`` when the sequence code (17th digit) is odd, ``"F"`` when it is even.

    Raises ``InvalidResidentId`` when the number is not valid.
    """
    number = normalize(value)
    return "M" if int(number[16]) % 2 == 1 else "F"


def make(*, area: str, born: datetime.date, sequence: int, male: bool | None = None) -> str:
    """Build a valid 18-character resident identity number.

    ``area`` is a 6-digit area code, ``born`` the birth date (1900-01-01 to today), ``sequence``
    0–999. When ``male`` is given the sequence's last bit is flipped if needed so that its
    parity matches (odd = male); the result stays within 0–999.

    Raises ``InvalidResidentId`` (code ``"area"``, ``"format"`` or ``"birth_date"``) for a bad
    area or birth date, and ``ValueError`` for a sequence outside 0–999.
    """
    if not (isinstance(area, str) and len(area) == 6 and area.isascii() and area.isdigit()):
        raise InvalidResidentId("format", "An area code has exactly 6 digits.")
    _check_area(area)
    if isinstance(born, datetime.datetime) or not isinstance(born, datetime.date):
        raise TypeError("born must be a datetime.date")
    _check_birth_range(born)
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 0 <= sequence <= 999:
        raise ValueError("sequence must be an integer from 0 to 999")
    if male is not None and (sequence % 2 == 1) != male:
        sequence ^= 1
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def mask(value: str) -> str:
    """Return the number for display with all but the first 6 and last 4 characters hidden.

    ``"11010519491231002X"`` becomes ``"110105********002X"``. A valid number is normalized
    first (so a 15-digit number is shown in its 18-character form). An invalid value never
    raises, because display code must not fail on old data: it is masked the same way when it
    is longer than 10 characters, and hidden completely otherwise.
    """
    try:
        number = normalize(value)
    except InvalidResidentId:
        number = _clean(value) if isinstance(value, str) else ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
