"""Eleven-digit numbers hidden from text that leaves the library: messages, reprs, claims.

A fødselsnummer, D-, H- or FH-nummer is eleven digits. An error message may echo something a
person typed or a document held (an unknown JSON key, a case id, a file name), and that may be
one. [`BarnekoordinatorError`][barnekoordinator.errors.BarnekoordinatorError] therefore passes
every message through [`redact()`][barnekoordinator._redact.redact], which shows such a number as
its first six digits and five stars (``178515*****``), the form ``PersonId`` prints.

A number is found in the forms people write it, in any script's decimal digits (``\\d``):

- eleven digits in a row, not part of a longer run of digits (``17851550097``);
- six and five digits with one to three separators between them: any space (a tab, a no-break,
  thin or figure space), a dot, a comma, a colon, an underscore, a slash or any dash (a hyphen,
  an en or em dash, a minus sign) (``178515 50097``, ``178515-50097``, ``178515–50097``,
  ``178515_50097``, ``178515  50097``);
- eleven digits in groups split by one or two spaces of any kind, the run standing alone
  (``17 85 15 500 97``).

Which are hidden (fail closed, without mangling hashes): every number of the second and third
form; one of the first form when it stands alone (no letter or digit touching it:
``'17851550097'``, ``--case 17851550097``, ``17851550097.json``, ``ref-17851550097``), or,
inside a word (``child17851550097``), when its two control digits fit (mod 11, as a
fødselsnummer's do), so a hexadecimal hash is left alone but for about one in a hundred of its
eleven-digit runs. A longer run of digits is another number (a size, a time in nanoseconds).
The third form can take what is no number (eleven single digits between spaces): hidden all
the same, as failing closed costs a message its list.

[`number_shaped()`][barnekoordinator._redact.number_shaped] says whether a text holds a number
of any of the three forms, hidden or not: what a ref must never hold.

This module imports nothing from the package, so the error tree can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

__all__ = [
    "holds_identifier",
    "holds_person_number",
    "looks_like_national_id",
    "number_shaped",
    "number_texts",
    "redact",
]

_SEP: Final = r"[\s.,:_/\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]"
"""One character people put between the parts of a written number: any space (tab, no-break,
thin, figure, narrow no-break …), a dot, a comma, a colon, an underscore, a slash or a dash
(hyphen, non-breaking hyphen, figure, en and em dash, minus sign, small and full-width hyphen)."""
_SPACE: Final = r"[^\S\r\n]"  # a space of any kind within a line
_IN_A_ROW: Final = re.compile(r"(?<!\d)\d{11}(?!\d)")
_ELEVEN: Final = re.compile(r"\d{11}")
_SIX: Final = re.compile(r"\d{6,}")
_SEPARATORS: Final = re.compile(_SEP)
_SPLIT: Final = re.compile(rf"(?<!\d)(\d{{6}}){_SEP}{{1,3}}(\d{{5}})(?!\d)")
_GROUPED: Final = re.compile(
    rf"(?<!\d)(?<!\d{_SPACE})(?<!\d{_SPACE}{_SPACE})\d(?:{_SPACE}{{0,2}}\d){{10}}"
    rf"(?!{_SPACE}{{0,2}}\d)"
)
_K1: Final = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2: Final = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _controls_fit(digits: str) -> bool:
    values = [int(d) for d in digits]
    k1 = sum(w * v for w, v in zip(_K1, values, strict=False)) + values[9]
    k2 = sum(w * v for w, v in zip(_K2, values, strict=False)) + values[10]
    return k1 % 11 == 0 and k2 % 11 == 0


def _alone_or_fits(match: re.Match[str]) -> bool:
    text, start, end = match.string, match.start(), match.end()
    alone = (start == 0 or not text[start - 1].isalnum()) and (
        end == len(text) or not text[end].isalnum()
    )
    return alone or _controls_fit(match.group())


def _shown(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if c.isdigit())[:6] + "*****"


def _in_a_row(match: re.Match[str]) -> str:
    return _shown(match) if _alone_or_fits(match) else match.group()


def _grouped(match: re.Match[str]) -> str:
    # Eleven digits with no space among them are the first form's, and its rule decides.
    return match.group() if match.group().isdigit() else _shown(match)


def redact(text: str) -> str:
    """``text`` with each number that may be a person's shown as ``ddmmyy*****``."""
    if len(text) < 11:
        return text
    text = _SPLIT.sub(_shown, text)
    text = _IN_A_ROW.sub(_in_a_row, text)
    return _GROUPED.sub(_grouped, text)


def _candidates(text: str) -> Iterator[re.Match[str]]:
    yield from _SPLIT.finditer(text)
    yield from _IN_A_ROW.finditer(text)
    yield from _GROUPED.finditer(text)


def holds_person_number(text: str) -> bool:
    """Whether ``text`` holds a number [`redact()`][barnekoordinator._redact.redact] would hide."""
    return redact(text) != text


def number_shaped(text: str) -> bool:
    """Whether ``text`` holds a number of any of the three forms, hidden by ``redact`` or not
    (``x12345678901``: eleven digits whose control digits do not fit)."""
    return next(_candidates(text), None) is not None


def number_texts(text: str) -> list[str]:
    """The digits of each number of the three forms in ``text`` (hidden by ``redact`` or not),
    for a caller that checks whether one is a person's (its date and control digits)."""
    return ["".join(c for c in m.group() if c.isdigit()) for m in _candidates(text)]


def looks_like_national_id(text: str) -> bool:
    """Whether ``text`` may carry a national identity number, for the values that must never
    hold one (a principal's subject, the actor of every record): eleven digits in a row
    anywhere once spaces are dropped (so also inside a longer number), or any form
    [`number_shaped()`][barnekoordinator._redact.number_shaped] finds (``ddmmyy-nnnnn``,
    ``ddmmyy.nnnnn``, ``ddmmyy/nnnnn``)."""
    return bool(_ELEVEN.search(re.sub(_SPACE, "", text))) or number_shaped(text)


def holds_identifier(text: str) -> bool:
    """Whether ``text`` holds six or more digits in a row once spaces and the separators of
    written numbers (``.``, ``-``, ``/``) are dropped: what a name shown to a family must not
    hold (``0181-20-500-75`` is an identity number written in groups)."""
    return bool(_SIX.search(_SEPARATORS.sub("", text)))
