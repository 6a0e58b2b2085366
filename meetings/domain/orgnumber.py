"""Swedish organisation numbers (organisationsnummer): checked with python-stdnum, stored as 10 digits."""

from __future__ import annotations

from stdnum.exceptions import ValidationError
from stdnum.se import orgnr

# Skatteverket writes organisation numbers with the century-like prefix 16 in 12-digit form.
_TWELVE_DIGIT_PREFIX = "16"


def normalise_org_number(raw: str) -> str:
    """The number as 10 digits; ValueError if it is not a valid organisation number.

    Accepts "802002-4280", "8020024280", "16802002-4280" and spaces. The third digit of an
    organisation number is always 2 or more; a lower one is a personal identity number
    (personnummer), which must never end up in a public register.
    """
    digits = orgnr.compact(raw or "")
    if len(digits) == 12 and digits.startswith(_TWELVE_DIGIT_PREFIX):
        digits = digits[len(_TWELVE_DIGIT_PREFIX):]
    try:
        digits = orgnr.validate(digits)
    except ValidationError:
        raise ValueError from None
    if int(digits[2]) < 2:
        raise ValueError
    return digits


def format_org_number(digits: str) -> str:
    """The number as it is written: six digits, a hyphen, four digits (NNNNNN-NNNN)."""
    return orgnr.format(digits)
