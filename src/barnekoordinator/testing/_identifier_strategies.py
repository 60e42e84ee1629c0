"""Hypothesis strategies for Norwegian identifiers (test kit only).

Person identifiers are **always synthetic** (Skatteetaten/Tenor, month+80), so
tests never handle real-looking fødselsnummer. Organisation and HPR numbers are
not personal data and are drawn freely.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from hypothesis import reject
from hypothesis import strategies as st

from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierKind,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)

__all__ = [
    "hpr_numbers",
    "org_numbers",
    "synthetic_fodselsnummer_strings",
    "synthetic_person_ids",
]

_MIN_BIRTH = date(1854, 1, 1)
_MAX_BIRTH = date(2039, 12, 31)
_SYNTHETIC_KINDS = (IdentifierKind.FODSELSNUMMER, IdentifierKind.D_NUMMER)
_TESTING = IdentifierPolicy.testing()


def _individual_strategy(year: int) -> st.SearchStrategy[int]:
    if year < 1900:
        return st.integers(500, 749)
    if year < 1940:
        return st.integers(0, 499)
    if year < 2000:
        return st.integers(0, 499) | st.integers(900, 999)
    return st.integers(500, 999)


@st.composite
def _synthetic_string(draw: st.DrawFn, kinds: tuple[IdentifierKind, ...]) -> str:
    kind = draw(st.sampled_from(kinds))
    birth = draw(st.dates(min_value=_MIN_BIRTH, max_value=_MAX_BIRTH))
    individual = draw(_individual_strategy(birth.year))
    try:
        return synthetic_fodselsnummer(
            birth, individual=individual, d_nummer=kind is IdentifierKind.D_NUMMER
        )
    except InvalidInput:
        # About one draw in five gives a control digit of 10: such numbers do not exist.
        reject()


def _check_kinds(kinds: Iterable[IdentifierKind]) -> tuple[IdentifierKind, ...]:
    chosen = tuple(kinds)
    if not chosen or any(kind not in _SYNTHETIC_KINDS for kind in chosen):
        raise ValueError("synthetic kinds must be a non-empty subset of fodselsnummer, d-nummer")
    return chosen


def synthetic_fodselsnummer_strings(
    kinds: Iterable[IdentifierKind] = _SYNTHETIC_KINDS,
) -> st.SearchStrategy[str]:
    """Eleven-digit synthetic (Tenor, month+80) fødselsnummer/D-nummer strings.

    Birth dates span 1854–2039 with individual numbers from the right century
    range; every string has valid pre-2032 control digits.
    """
    return _synthetic_string(_check_kinds(kinds))


def synthetic_person_ids(
    kinds: Iterable[IdentifierKind] = _SYNTHETIC_KINDS,
) -> st.SearchStrategy[PersonId]:
    """Synthetic [`PersonId`][barnekoordinator.identifiers.PersonId] values, parsed under
    [`IdentifierPolicy.testing()`][barnekoordinator.identifiers.IdentifierPolicy.testing].
    """
    return synthetic_fodselsnummer_strings(kinds).map(
        lambda raw: PersonId.parse(raw, policy=_TESTING)
    )


@st.composite
def _org_number(draw: st.DrawFn) -> Organisasjonsnummer:
    prefix = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    remainder = sum(int(d) * w for d, w in zip(prefix, weights, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    if check == 10:
        reject()  # check digit 10: no such organisation number can be issued
    return Organisasjonsnummer(prefix + str(check))


def org_numbers() -> st.SearchStrategy[Organisasjonsnummer]:
    """Valid [`Organisasjonsnummer`][barnekoordinator.identifiers.Organisasjonsnummer] values (check
    digit computed, 10 skipped).
    """
    return _org_number()


def hpr_numbers() -> st.SearchStrategy[HprNummer]:
    """Syntactically valid [`HprNummer`][barnekoordinator.identifiers.HprNummer] values (1 to 999
    999 999).
    """
    return st.integers(min_value=1, max_value=999_999_999).map(HprNummer)
