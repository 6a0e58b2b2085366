"""Payment details of an organisation: bankgiro, plusgiro or IBAN, with their check digits.

Bankgiro and plusgiro numbers end in a Luhn (mod 10) check digit, checked with python-stdnum's
``stdnum.luhn``; an IBAN with schwifty (country format, length and its mod-97 check digits).
"""

from __future__ import annotations

import re

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import luhn
from stdnum.exceptions import ValidationError

BANKGIRO, PLUSGIRO, IBAN_METHOD = "bankgiro", "plusgiro", "iban"
METHODS = (BANKGIRO, PLUSGIRO, IBAN_METHOD)


class PaymentError(ValueError):
    """The number cannot be used: ``str(error)`` is a key (``format``, ``check_digit``)."""


def normalise(method: str, number: str) -> str:
    """The number as stored (digits only; an IBAN in capitals without spaces), checked."""
    if method == IBAN_METHOD:
        compact = re.sub(r"\s+", "", number or "").upper()
        if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{8,30}", compact):
            raise PaymentError("format")
        try:
            return str(IBAN(compact).compact)
        except SchwiftyException:
            raise PaymentError("check_digit") from None
    if method not in (BANKGIRO, PLUSGIRO):
        raise PaymentError("format")
    if re.search(r"[^0-9 \-]", number or ""):
        raise PaymentError("format")
    digits = re.sub(r"[ \-]", "", number or "")
    lengths = range(7, 9) if method == BANKGIRO else range(2, 9)
    if len(digits) not in lengths:
        raise PaymentError("format")
    try:
        luhn.validate(digits)
    except ValidationError:
        raise PaymentError("check_digit") from None
    return digits


def formatted(method: str, number: str) -> str:
    """As written on paper: bankgiro "5050-1055", plusgiro "4 10 54-9", IBAN in groups of four."""
    if method == BANKGIRO:
        return f"{number[:-4]}-{number[-4:]}"
    if method == PLUSGIRO:
        head, check = number[:-1], number[-1]
        pairs = []
        while len(head) > 2:
            pairs.insert(0, head[-2:])
            head = head[:-2]
        return " ".join([head, *pairs]).strip() + f"-{check}"
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def masked(method: str, number: str) -> str:
    """Only the last four characters shown: "••••1055"."""
    return "\u2022\u2022\u2022\u2022" + number[-4:]
