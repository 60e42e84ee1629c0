"""Eleven-digit numbers hidden from text that leaves the library: messages, reprs, claims.

A fødselsnummer, D-, H- or FH-nummer is eleven digits. An error message may echo something a
person typed or a document held (an unknown JSON key, a case id, a file name), and that may be
one. [`BarnekoordinatorError`][barnekoordinator.errors.BarnekoordinatorError] therefore passes
every message through [`redact()`][barnekoordinator._redact.redact], which shows such a number as
its first six digits and five stars (``178515*****``), the form ``PersonId`` prints.

Which runs are hidden (fail closed, without mangling hashes):

- every run of exactly eleven digits that stands alone: not touching a letter or another digit
  (``'17851550097'``, ``--case 17851550097``, ``17851550097.json``, ``ref-17851550097``);
- a run of eleven digits inside a word (``child17851550097``) when its two control digits fit
  (mod 11, as a fødselsnummer's do), so a hexadecimal hash is left alone but for about one in a
  hundred of its eleven-digit runs.

A run of six digits and five more after one space (``178515 50097``) counts as eleven. A longer
run of digits is another number (a size, a time in nanoseconds) and is left as it is.

This module imports nothing from the package, so the error tree can use it.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["NUMBER_SHAPED", "holds_person_number", "redact"]

_RUN: Final = re.compile(r"(?<!\d)(\d{6}) ?(\d{5})(?!\d)")

NUMBER_SHAPED: Final = re.compile(r"(?<!\d)\d{6}[ .]?\d{5}(?!\d)")
"""Any run of eleven digits (six, then five after an optional space or dot), wherever it stands:
what a ref or other opaque name must never hold, checksum or not."""
_K1: Final = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2: Final = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _controls_fit(digits: str) -> bool:
    values = [int(d) for d in digits]
    k1 = sum(w * v for w, v in zip(_K1, values, strict=False)) + values[9]
    k2 = sum(w * v for w, v in zip(_K2, values, strict=False)) + values[10]
    return k1 % 11 == 0 and k2 % 11 == 0


def _hidden(match: re.Match[str]) -> bool:
    text, start, end = match.string, match.start(), match.end()
    alone = (start == 0 or not text[start - 1].isalnum()) and (
        end == len(text) or not text[end].isalnum()
    )
    return alone or _controls_fit(match.group(1) + match.group(2))


def _replace(match: re.Match[str]) -> str:
    return match.group(1) + "*****" if _hidden(match) else match.group()


def redact(text: str) -> str:
    """``text`` with each eleven-digit number that may be a person's shown as ``ddmmyy*****``."""
    if len(text) < 11:
        return text
    return _RUN.sub(_replace, text)


def holds_person_number(text: str) -> bool:
    """Whether ``text`` holds a number [`redact()`][barnekoordinator._redact.redact] would hide."""
    return any(_hidden(match) for match in _RUN.finditer(text))
