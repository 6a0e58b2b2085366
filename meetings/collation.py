"""Swedish alphabetical order: ... X Y Z Å Ä Ö, whatever the database's own collation is.

SQLite compares code points (Ä before Å, capitals before small letters) and PostgreSQL follows the
locale the database was created with, so neither can be trusted to sort names the Swedish way. The
key below spells a text as two-digit numbers in Swedish alphabetical order; strings of digits sort
alike in every collation, so the key can be stored, indexed and used in ORDER BY on both databases,
and used for sorting in Python as well.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

SORT_KEY_LENGTH = 400  # two digits per character of a 200-character name

_SEPARATOR = "00"  # between words, so that "Röda Korset" sorts before "Rödakorset"
_UNKNOWN = "99"  # a character outside the Swedish alphabet, sorted last

_CODES: dict[str, str] = {}
for _position, _char in enumerate("0123456789abcdefghijklmnopqrstuvwxyzåäö", start=1):
    _CODES[_char] = f"{_position:02d}"
# Letters that Swedish alphabetises as another letter (as SAOL and the phone book do).
for _char, _as in {"æ": "ä", "ø": "ö", "ü": "y", "đ": "d", "ŋ": "n", "ŧ": "t", "ß": "s"}.items():
    _CODES[_char] = _CODES[_as]


def _code(char: str) -> str | None:
    """The code of one lower-case character, or None for a character that separates words."""
    if char in _CODES:
        return _CODES[char]
    if not char.isalnum():
        return None
    # é, è, á, č, š ... sort as their base letter; å, ä and ö were found above, before decomposing.
    base = unicodedata.normalize("NFD", char)[0]
    return _CODES.get(base, _UNKNOWN)


@lru_cache(maxsize=4096)  # the same names (areas, municipalities) are sorted on every page
def swedish_sort_key(text: str) -> str:
    """A key whose plain string order is Swedish alphabetical order, ignoring case and punctuation."""
    codes: list[str] = []
    for char in unicodedata.normalize("NFC", text).lower():
        code = _code(char)
        if code is not None:
            codes.append(code)
        elif codes and codes[-1] != _SEPARATOR:
            codes.append(_SEPARATOR)
    while codes and codes[-1] == _SEPARATOR:
        codes.pop()
    return "".join(codes)[:SORT_KEY_LENGTH]
