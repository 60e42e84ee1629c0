"""Hypothesis properties of barnekoordinator.identifiers (domain.md §8; synthetic numbers only)."""

from __future__ import annotations

import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.no import orgnr as stdnum_orgnr

from barnekoordinator.errors import InvalidIdentifier
from barnekoordinator.identifiers import (
    ChecksumRule,
    HprNummer,
    IdentifierKind,
    IdentifierPolicy,
    IdentifierReport,
    Organisasjonsnummer,
    PersonId,
    inspect,
)
from barnekoordinator.testing._identifier_strategies import (
    hpr_numbers,
    org_numbers,
    synthetic_fodselsnummer_strings,
    synthetic_person_ids,
)

TEST = IdentifierPolicy.testing()
PROD = IdentifierPolicy.production()
policies = st.builds(
    IdentifierPolicy,
    allow_synthetic=st.booleans(),
    dolly_as_synthetic=st.booleans(),
    checksum_rule=st.sampled_from(ChecksumRule),
    as_of=st.none() | st.dates(),
)


@given(synthetic_fodselsnummer_strings())
def test_synthetic_numbers_parse_in_test_and_round_trip(raw: str) -> None:
    """§8.4: generated synthetic numbers parse under testing(), and reveal → parse is equal."""
    person = PersonId.parse(raw, policy=TEST)
    assert person.synthetic
    assert person.reveal() == raw
    assert PersonId.parse(person.reveal(), policy=TEST) == person
    assert hash(PersonId.parse(person.reveal(), policy=TEST)) == hash(person)


@given(synthetic_fodselsnummer_strings())
def test_synthetic_numbers_rejected_in_production(raw: str) -> None:
    """§8.4: every generated synthetic number is rejected by the production policy."""
    report = inspect(raw, policy=PROD)
    assert not report.valid
    assert report.reason is not None
    assert "synthetic" in report.reason


@given(synthetic_person_ids())
def test_kinds_and_dates_of_synthetic_ids(person: PersonId) -> None:
    """§8.2/§8.4: synthetic fnr keep their birth date; D-nummer expose only encoded_date."""
    assert person.kind in (IdentifierKind.FODSELSNUMMER, IdentifierKind.D_NUMMER)
    assert person.encoded_date is not None
    if person.kind is IdentifierKind.FODSELSNUMMER:
        assert person.birth_date == person.encoded_date
    else:
        assert person.birth_date is None


@given(synthetic_person_ids(kinds=[IdentifierKind.D_NUMMER]))
def test_kinds_filter_of_strategy(person: PersonId) -> None:
    """§8.2: synthetic_person_ids(kinds=[D]) yields only D-nummer."""
    assert person.kind is IdentifierKind.D_NUMMER


@given(
    synthetic_fodselsnummer_strings(),
    st.integers(0, 10),
    st.integers(1, 9),
    st.sampled_from(ChecksumRule),
)
def test_single_digit_change_is_never_silently_accepted(
    raw: str, position: int, delta: int, rule: ChecksumRule
) -> None:
    """§8.1: changing any one digit makes the number invalid (K2 catches it), never a crash.

    The brief allows "invalid or a different valid number"; mod 11 with nonzero
    weights on every digit means K2 always catches a single substitution, so the
    stronger property is asserted.
    """
    changed = raw[:position] + str((int(raw[position]) + delta) % 10) + raw[position + 1 :]
    assert changed != raw
    with pytest.raises(InvalidIdentifier):
        PersonId.parse(changed, policy=IdentifierPolicy.testing(checksum_rule=rule))


@given(synthetic_person_ids())
def test_repr_never_shows_digits_after_position_six(person: PersonId) -> None:
    """§8 privacy: repr/str/asdict show the first six digits and stars, never the rest."""
    for text in (repr(person), str(person), f"{person}", f"{person!r}"):
        assert person.redacted() in text
        assert not re.search(r"\d", text.replace(person.redacted(), ""))
    as_dict = repr(attrs.asdict(person))
    for part in (person.redacted(), repr(person.birth_date), repr(person.encoded_date)):
        as_dict = as_dict.replace(part, "")
    assert not re.search(r"\d", as_dict)


@given(st.text())
def test_inspect_never_raises_on_arbitrary_text(raw: str) -> None:
    """§8: inspect returns a report for any text; invalid reports carry a reason."""
    report = inspect(raw)
    assert isinstance(report, IdentifierReport)
    assert report.valid == (report.reason is None)
    assert set(report.to_json()) == {"valid", "kind", "synthetic", "birth_date", "reason"}


@given(st.text(alphabet="0123456789 -", max_size=20), policies)
def test_inspect_on_digit_strings_never_raises_or_echoes(
    raw: str, policy: IdentifierPolicy
) -> None:
    """§8 privacy: for digit strings under any policy, inspect never raises or echoes 5+ digits."""
    report = inspect(raw, policy=policy)
    if report.reason is not None:
        assert not re.search(r"\d{5,}", report.reason)


@given(org_numbers())
def test_org_numbers_round_trip_and_agree_with_stdnum(org: Organisasjonsnummer) -> None:
    """§8.6: generated org numbers parse back equal and python-stdnum agrees they are valid."""
    assert Organisasjonsnummer.parse(org.reveal()) == org
    assert Organisasjonsnummer.parse(org.formatted()) == org
    assert stdnum_orgnr.is_valid(org.reveal())


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_orgnr_matches_stdnum_on_any_nine_digits(raw: str) -> None:
    """§8.6: our check digit rule accepts exactly what python-stdnum accepts."""
    try:
        Organisasjonsnummer.parse(raw)
        ours = True
    except InvalidIdentifier:
        ours = False
    assert ours == stdnum_orgnr.is_valid(raw)


@given(hpr_numbers(), st.integers(0, 8))
def test_hpr_leading_zeros_do_not_matter(hpr: HprNummer, extra_zeros: int) -> None:
    """§8.5 ID-11: padded and unpadded forms (and added leading zeros) give the same number."""
    assert HprNummer.parse(hpr.padded) == hpr
    assert HprNummer.parse(str(hpr.value)) == hpr
    unpadded = str(hpr.value)
    if len(unpadded) + extra_zeros <= 9:
        assert HprNummer.parse("0" * extra_zeros + unpadded) == hpr
    assert len(hpr.padded) == 9
