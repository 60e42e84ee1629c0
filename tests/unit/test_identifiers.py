"""Unit tests for barnekoordinator.identifiers (domain.md §8, §10.4; integration.md §7).

Only synthetic identities (Skatteetaten/Tenor, month+80) are used, except the
published rows of domain.md §10.4, which are tested exactly as given.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import re
from datetime import date, datetime

import attrs
import pytest
from stdnum.no import orgnr as stdnum_orgnr

from barnekoordinator.errors import InvalidConfiguration, InvalidIdentifier, InvalidInput
from barnekoordinator.identifiers import (
    ChecksumRule,
    HprNummer,
    IdentifierKind,
    IdentifierPolicy,
    IdentifierReport,
    Organisasjonsnummer,
    PersonId,
    _with_checks,
    inspect,
    subject_key,
    synthetic_fodselsnummer,
)

PROD = IdentifierPolicy.production()
TEST = IdentifierPolicy.testing()
W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# A synthetic (Tenor) child born 20.05.2012, and a synthetic D-nummer.
SYNTH_FNR = synthetic_fodselsnummer(date(2012, 5, 20))
SYNTH_DNR = synthetic_fodselsnummer(date(2012, 5, 20), d_nummer=True)


def _mod11(digits: str, weights: tuple[int, ...]) -> int:
    r = sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    return 0 if r == 0 else 11 - r


def with_checks(first_nine: str) -> str | None:
    """Append pre-2032 control digits, or None when one would be 10 (test helper)."""
    k1 = _mod11(first_nine, W1)
    k2 = _mod11(first_nine + str(k1), W2)
    return None if 10 in (k1, k2) else f"{first_nine}{k1}{k2}"


def first_valid(prefix6: str, individuals: range) -> str:
    """Return the first number with this date prefix whose control digits exist (test helper)."""
    for i in individuals:
        number = with_checks(f"{prefix6}{i:03d}")
        if number is not None:
            return number
    raise AssertionError("no individual number fits")  # pragma: no cover


def reason(raw: str, policy: IdentifierPolicy = PROD) -> str:
    """Return the InvalidIdentifier message for raw (test helper)."""
    with pytest.raises(InvalidIdentifier) as info:
        PersonId.parse(raw, policy=policy)
    return str(info.value)


# --- domain.md §10.4 rows ----------------------------------------------------


# ID-01's published example (domain.md §10.4, fnrinfo) is assembled from its
# nine-digit stem so that no real-looking full number is committed; it encodes
# a birth in 1899, so it cannot be a living person's.
PUBLISHED = _with_checks("311299567") or ""


def test_id01_published_example_is_valid_fodselsnummer() -> None:
    """ID-01: the published example 311299567 + K1=1, K2=5 is a valid fødselsnummer, 1899."""
    assert PUBLISHED[9:] == "15", "the published control digits"
    person = PersonId.parse(PUBLISHED)
    assert person.kind is IdentifierKind.FODSELSNUMMER
    assert not person.synthetic
    assert person.birth_date == date(1899, 12, 31)  # individual 567, year 99 → 1800s
    assert person.reveal() == PUBLISHED
    assert (_mod11("311299567", W1), _mod11("3112995671", W2)) == (1, 5)


def test_id02_tenor_synthetic_accepted_only_in_test() -> None:
    """ID-02: 20851250051 is Tenor synthetic, born 20.05.2012; rejected in prod, ok in test."""
    msg = reason("20851250051", PROD)
    assert "synthetic" in msg
    person = PersonId.parse("20851250051", policy=TEST)
    assert person.kind is IdentifierKind.FODSELSNUMMER
    assert person.synthetic
    assert person.birth_date == date(2012, 5, 20)


def test_id02_default_policy_rejects_synthetic() -> None:
    """ID-02: the default policy (no argument) rejects synthetic numbers like production."""
    with pytest.raises(InvalidIdentifier, match="synthetic"):
        PersonId.parse("20851250051")


def test_id03_wrong_k2_is_invalid() -> None:
    """ID-03: 20851250052 is invalid because K2 is wrong, under every policy and rule."""
    for rule in ChecksumRule:
        msg = reason("20851250052", IdentifierPolicy.testing(checksum_rule=rule))
        assert "K2" in msg


def test_id05_month_plus_40_is_h_nummer_by_default() -> None:
    """ID-05: 15431050061 (month 43) is a valid H-nummer by default, not synthetic."""
    for policy in (PROD, TEST):
        person = PersonId.parse("15431050061", policy=policy)
        assert person.kind is IdentifierKind.H_NUMMER
        assert not person.synthetic
        assert person.birth_date == date(2010, 3, 15)


def test_id05_month_plus_40_is_dolly_synthetic_only_under_explicit_policy() -> None:
    """ID-05: with dolly_as_synthetic 15431050061 is a Dolly synthetic fnr, allowed only in test."""
    dolly_test = IdentifierPolicy(allow_synthetic=True, dolly_as_synthetic=True)
    person = PersonId.parse("15431050061", policy=dolly_test)
    assert person.kind is IdentifierKind.FODSELSNUMMER
    assert person.synthetic
    assert person.birth_date == date(2010, 3, 15)
    msg = reason("15431050061", IdentifierPolicy(dolly_as_synthetic=True))
    assert "synthetic" in msg
    assert "Dolly" in msg


def test_id06_dolly_number_has_valid_checksums() -> None:
    """ID-06: 15507600333 (month 50 = October+40) has valid checksums; Dolly under the policy."""
    assert PersonId.parse("15507600333").kind is IdentifierKind.H_NUMMER
    person = PersonId.parse("15507600333", policy=IdentifierPolicy.testing(dolly_as_synthetic=True))
    assert person.synthetic
    assert person.birth_date == date(1976, 10, 15)


def test_id06_dolly_d_nummer_only_under_dolly_policy() -> None:
    """ID-06: Dolly D-nummer 55507608360 (day+40, month+40) parses only as Dolly synthetic."""
    msg = reason("55507608360", TEST)
    assert "H-nummer month cannot be combined with a D-nummer day" in msg
    person = PersonId.parse("55507608360", policy=IdentifierPolicy.testing(dolly_as_synthetic=True))
    assert person.kind is IdentifierKind.D_NUMMER
    assert person.synthetic
    assert person.birth_date is None
    assert person.encoded_date == date(1976, 10, 15)


def _prefix_with_k1_ten() -> str:
    for i in range(500, 1000):
        prefix = f"208512{i:03d}"
        if _mod11(prefix, W1) == 10:
            return prefix
    raise AssertionError("no prefix found")  # pragma: no cover


def test_id08_prefix_whose_k1_is_ten_cannot_be_issued() -> None:
    """ID-08: a 9-digit prefix whose K1 computes to 10 is invalid whatever the control digits."""
    prefix = _prefix_with_k1_ten()
    for tail in ("00", "05", "19", "99"):
        msg = reason(prefix + tail, TEST)
        assert "K1 would be 10" in msg


def test_id09_post_2032_number_invalid_under_pre_2032_rule() -> None:
    """ID-09: 01863250001 (K1 remainder 2) is invalid under the pre-2032 rule, with a hint."""
    msg = reason("01863250001", TEST)
    assert "K1" in msg
    assert "post-2032" in msg


@pytest.mark.parametrize("rule", [ChecksumRule.POST_2032, ChecksumRule.BOTH])
def test_id09_post_2032_number_valid_under_new_rule(rule: ChecksumRule) -> None:
    """ID-09: 01863250001 is valid under the 2032 rule; birth date is left to Folkeregisteret."""
    person = PersonId.parse("01863250001", policy=IdentifierPolicy.testing(checksum_rule=rule))
    assert person.kind is IdentifierKind.FODSELSNUMMER
    assert person.synthetic
    assert person.birth_date is None
    assert person.encoded_date == date(2032, 6, 1)


def test_id09_post_2032_number_still_needs_synthetic_permission() -> None:
    """ID-09: under the 2032 rule in production the (Tenor) number is rejected as synthetic."""
    msg = reason("01863250001", IdentifierPolicy.production(checksum_rule=ChecksumRule.POST_2032))
    assert "synthetic" in msg


def test_id10_organisasjonsnummer_valid_and_invalid() -> None:
    """ID-10: 123456785 is a valid organisasjonsnummer, 123456789 is not."""
    org = Organisasjonsnummer.parse("123456785")
    assert org.reveal() == "123456785"
    assert str(org) == "123456785"
    assert "123456785" in repr(org)
    assert org.formatted() == "123 456 785"
    with pytest.raises(InvalidIdentifier, match="check digit is wrong") as info:
        Organisasjonsnummer.parse("123456789")
    assert info.value.kind == "organisasjonsnummer"


def test_id11_hpr_leading_zeros_normalise() -> None:
    """ID-11: HPR "007125186" and "7125186" are the same number (int and 9-char padded)."""
    a, b = HprNummer.parse("007125186"), HprNummer.parse("7125186")
    assert a == b
    assert hash(a) == hash(b)
    assert a.value == 7125186
    assert a.padded == "007125186"
    assert str(a) == "7125186"


@pytest.mark.parametrize(
    ("raw", "fragment"), [("12345678901", "more than nine"), ("12A45", "only digits")]
)
def test_id11_hpr_rejects_too_long_and_non_digits(raw: str, fragment: str) -> None:
    """ID-11: HPR "12345678901" (too long) and "12A45" (letter) are rejected."""
    with pytest.raises(InvalidIdentifier, match=fragment) as info:
        HprNummer.parse(raw)
    assert info.value.kind == "hpr-nummer"


# --- fødselsnummer family: kinds and dates --------------------------------------


def test_synthetic_d_nummer_has_no_trusted_birth_date() -> None:
    """§8.2: a (synthetic) D-nummer has birth_date None and exposes the digits' date separately."""
    person = PersonId.parse(SYNTH_DNR, policy=TEST)
    assert person.kind is IdentifierKind.D_NUMMER
    assert person.synthetic
    assert person.birth_date is None
    assert person.encoded_date == date(2012, 5, 20)
    assert reason(SYNTH_DNR, PROD).startswith("synthetic")


def test_fh_nummer_has_no_date() -> None:
    """§8.3: a number starting with 8 or 9 and valid control digits is an FH-nummer, no date."""
    number = first_valid("912345", range(1000))
    person = PersonId.parse(number)
    assert person.kind is IdentifierKind.FH_NUMMER
    assert not person.synthetic
    assert person.birth_date is None
    assert person.encoded_date is None


def post_2032_only(prefix6: str, individuals: range) -> str:
    """Return a number valid only under the 2032 rule (K1 remainder 1-3) (test helper)."""
    for i in individuals:
        first_nine = f"{prefix6}{i:03d}"
        base = sum(int(d) * w for d, w in zip(first_nine, W1, strict=True))
        for k1 in range(10):
            if (base + k1) % 11 in (1, 2, 3):
                k2 = _mod11(first_nine + str(k1), W2)
                if k2 != 10:
                    return f"{first_nine}{k1}{k2}"
    raise AssertionError("none found")  # pragma: no cover


def test_h_nummer_valid_only_under_2032_rule_has_no_birth_date() -> None:
    """§8.1: any number valid only under the post-2032 rule gets birth_date None."""
    number = post_2032_only("154310", range(500, 1000))
    assert not inspect(number).valid
    person = PersonId.parse(number, policy=IdentifierPolicy(checksum_rule=ChecksumRule.BOTH))
    assert person.kind is IdentifierKind.H_NUMMER
    assert person.birth_date is None
    assert person.encoded_date == date(2010, 3, 15)


def test_post_2032_rule_rejects_k1_remainder_four() -> None:
    """§8.1 / integration §7: a K1 remainder outside 0-3 is invalid under the post-2032 rule."""
    prefix = "208512500"
    base = sum(int(d) * w for d, w in zip(prefix, W1, strict=True))
    k1 = next(k for k in range(10) if (base + k) % 11 == 4)
    k2 = _mod11(prefix + str(k1), W2)
    policy = IdentifierPolicy.testing(checksum_rule=ChecksumRule.POST_2032)
    assert "both the pre- and post-2032" in reason(f"{prefix}{k1}{k2 % 10}", policy)


def test_spaces_and_dashes_are_ignored() -> None:
    """§8.1: spaces and dashes in the input are ignored."""
    spaced = f" {SYNTH_FNR[:6]} {SYNTH_FNR[6:]} "
    dashed = f"{SYNTH_FNR[:6]}-{SYNTH_FNR[6:]}"
    assert PersonId.parse(spaced, policy=TEST) == PersonId.parse(dashed, policy=TEST)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("2085125005", "must have 11 digits, got 10"),
        ("208512500511", "must have 11 digits, got 12"),
        ("2085125005x", "only digits"),
        ("2085125005١", "only digits"),  # Arabic-Indic one: a digit, but not ASCII
        ("1" * 150, "got more than 99"),
    ],
)
def test_shape_errors_say_what_is_wrong(raw: str, fragment: str) -> None:
    """§8.1: length and non-digit errors name the problem."""
    with pytest.raises(InvalidIdentifier, match=fragment) as info:
        PersonId.parse(raw, policy=TEST)
    assert info.value.kind == "fodselsnummer"


def test_non_string_input_is_rejected() -> None:
    """§8.1: a non-text input raises InvalidIdentifier, not an arbitrary TypeError."""
    with pytest.raises(InvalidIdentifier, match="text"):
        PersonId.parse(20851250051, policy=TEST)  # type: ignore[arg-type]


def test_impossible_calendar_date_is_invalid() -> None:
    """§8.1: 31 February (synthetic) is an impossible date."""
    number = first_valid("318212", range(500, 1000))
    assert "not a real calendar date" in reason(number, TEST)


def test_individual_number_outside_every_century_is_invalid() -> None:
    """§8.1: individual 600 with year 45 belongs to no century."""
    number = first_valid("018245", range(600, 750))
    assert "century" in reason(number, TEST)


@pytest.mark.parametrize("prefix", ["011312", "010012", "013312", "019312"])
def test_month_outside_known_ranges_is_invalid(prefix: str) -> None:
    """§8.1/§8.3/§8.4: a month that is not 1-12, 41-52 or 81-92 is invalid."""
    assert "month digits" in reason(first_valid(prefix, range(500, 1000)), TEST)


@pytest.mark.parametrize("prefix", ["008212", "328212", "728212"])
def test_day_outside_known_ranges_is_invalid(prefix: str) -> None:
    """§8.1/§8.2: a day that is not 1-31 or 41-71 is invalid."""
    assert "day digits" in reason(first_valid(prefix, range(500, 1000)), TEST)


def test_future_birth_date_is_invalid_when_as_of_given() -> None:
    """§8.1: with as_of, a number whose date lies after as_of is invalid; same day is fine."""
    number = synthetic_fodselsnummer(date(2030, 1, 2))
    assert "future" in reason(number, IdentifierPolicy.testing(as_of=date(2030, 1, 1)))
    assert PersonId.parse(number, policy=IdentifierPolicy.testing(as_of=date(2030, 1, 2)))
    assert PersonId.parse(number, policy=TEST).birth_date == date(2030, 1, 2)


def test_stdnum_agrees_on_plain_fnr_birth_date() -> None:
    """integration §7: for a plain fnr the birth date matches python-stdnum's."""
    from stdnum.no import fodselsnummer

    assert PersonId.parse(PUBLISHED).birth_date == fodselsnummer.get_birth_date(PUBLISHED)


# --- policy ---------------------------------------------------------------------


def test_policy_defaults_and_named_constructors() -> None:
    """§8.4: the default policy is production; testing() allows synthetic numbers."""
    assert IdentifierPolicy() == IdentifierPolicy.production()
    assert not PROD.allow_synthetic
    assert not PROD.dolly_as_synthetic
    assert PROD.checksum_rule is ChecksumRule.PRE_2032
    assert PROD.as_of is None
    assert TEST.allow_synthetic
    assert not TEST.dolly_as_synthetic
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        PROD.allow_synthetic = True  # type: ignore[misc]


def test_policy_rejects_datetime_as_of() -> None:
    """§8.1: as_of must be a date; a datetime is a configuration error."""
    with pytest.raises(InvalidConfiguration, match="not a datetime"):
        IdentifierPolicy(as_of=datetime(2024, 1, 1))


def test_policy_rejects_non_date_as_of() -> None:
    """§8.1: as_of given as text is a configuration error."""
    with pytest.raises(InvalidConfiguration, match="date or None"):
        IdentifierPolicy(as_of="2024-01-01")  # type: ignore[arg-type]


def test_org_and_hpr_reject_non_text() -> None:
    """§8.5/§8.6: parse() of a non-string raises InvalidIdentifier with the right kind."""
    with pytest.raises(InvalidIdentifier, match="text") as org_info:
        Organisasjonsnummer.parse(123456785)  # type: ignore[arg-type]
    assert org_info.value.kind == "organisasjonsnummer"
    with pytest.raises(InvalidIdentifier, match="text") as hpr_info:
        HprNummer.parse(7125186)  # type: ignore[arg-type]
    assert hpr_info.value.kind == "hpr-nummer"


def test_policy_rejects_unknown_rule_type() -> None:
    """§8.1: checksum_rule must be a ChecksumRule."""
    with pytest.raises(TypeError):
        IdentifierPolicy(checksum_rule="pre-2032")  # type: ignore[arg-type]


def test_enum_values_are_stable() -> None:
    """§8: the wire values of the kinds and rules are fixed strings."""
    assert [k.value for k in IdentifierKind] == [
        "fodselsnummer",
        "d-nummer",
        "h-nummer",
        "fh-nummer",
    ]
    assert [r.value for r in ChecksumRule] == ["pre-2032", "post-2032", "both"]


# --- redaction, equality --------------------------------------------------------


def _assert_hidden(text: str, number: str) -> None:
    assert number not in text
    assert number[6:] not in text.replace(number[:6] + "*****", "")


@pytest.mark.parametrize("raw", [PUBLISHED, SYNTH_FNR, SYNTH_DNR])
def test_full_number_never_shown_by_repr_str_format_or_asdict(raw: str) -> None:
    """§8 privacy: repr, str, f-strings and attrs.asdict reprs show only 311299*****."""
    person = PersonId.parse(raw, policy=TEST)
    redacted = raw[:6] + "*****"
    assert str(person) == redacted
    assert person.redacted() == redacted
    assert f"{person}" == redacted
    assert redacted in repr(person)
    for text in (
        repr(person),
        str(person),
        f"{person}",
        f"{person!r}",
        repr([person]),
        repr({"child": person}),
        repr(attrs.asdict(person)),
        str(attrs.asdict(person)),
        repr(attrs.astuple(person)),
        repr(inspect(raw, policy=TEST)),
    ):
        _assert_hidden(text, raw)


def test_exception_messages_never_echo_the_number() -> None:
    """§8 privacy: InvalidIdentifier messages contain neither the number nor its date digits."""
    prefix = _prefix_with_k1_ten()
    bad = [
        "31129956716",  # K2 wrong
        "20851250052",  # ID-03
        "20851250051",  # synthetic in prod
        "01863250001",  # ID-09
        prefix + "00",
        first_valid("318212", range(500, 1000)),
        "2085125005x",
        "208512500511",
    ]
    for raw in bad:
        msg = reason(raw)
        assert raw not in msg
        assert raw[:6] not in msg
        assert not re.search(r"\d{5,}", msg)
        report = inspect(raw)
        assert report.reason == msg


def test_equality_and_hash_by_value() -> None:
    """§8: two parses of the same number are equal and hash alike, whatever the policy."""
    a = PersonId.parse(SYNTH_FNR, policy=TEST)
    b = PersonId.parse(f"{SYNTH_FNR[:6]} {SYNTH_FNR[6:]}", policy=TEST)
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a != PersonId.parse(SYNTH_DNR, policy=TEST)
    h_default = PersonId.parse("15431050061")
    h_dolly = PersonId.parse(
        "15431050061", policy=IdentifierPolicy.testing(dolly_as_synthetic=True)
    )
    assert h_default == h_dolly
    assert a != SYNTH_FNR  # type: ignore[comparison-overlap]


def test_person_id_cannot_be_built_from_a_plain_string() -> None:
    """§8: PersonId is built by parse(); the constructor refuses raw digits."""
    with pytest.raises(TypeError, match="parse"):
        PersonId(
            digits=SYNTH_FNR,  # type: ignore[arg-type]
            kind=IdentifierKind.FODSELSNUMMER,
            synthetic=True,
            birth_date=None,
            encoded_date=None,
        )


def test_person_id_is_frozen_and_pickles() -> None:
    """§8: PersonId is immutable and survives pickling with its value."""
    person = PersonId.parse(SYNTH_FNR, policy=TEST)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        person.synthetic = False  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(person))  # noqa: S301 - our own data
    assert again == person
    assert again.reveal() == SYNTH_FNR


# --- inspect --------------------------------------------------------------------


def test_inspect_valid_report_and_json() -> None:
    """§10.4 ID-02: inspect reports a valid synthetic number; to_json has the five keys."""
    report = inspect("20851250051", policy=TEST)
    assert report == IdentifierReport(
        valid=True, kind=IdentifierKind.FODSELSNUMMER, synthetic=True, birth_date=date(2012, 5, 20)
    )
    assert report.to_json() == {
        "valid": True,
        "kind": "fodselsnummer",
        "synthetic": True,
        "birth_date": "2012-05-20",
        "reason": None,
    }


def test_inspect_invalid_never_raises() -> None:
    """§10.4 ID-03: inspect returns an invalid report with a reason instead of raising."""
    report = inspect("20851250052")
    assert not report.valid
    assert report.kind is None
    assert report.birth_date is None
    assert report.to_json() == {
        "valid": False,
        "kind": None,
        "synthetic": False,
        "birth_date": None,
        "reason": "control digit K2 is wrong",
    }
    assert not inspect("").valid
    assert not inspect("\x00\n").valid


# --- organisasjonsnummer ------------------------------------------------------------


def test_orgnr_spaces_ignored_and_equal() -> None:
    """§8.6: "123 456 785" parses to the same number as "123456785"."""
    assert Organisasjonsnummer.parse("123 456 785") == Organisasjonsnummer("123456785")


def test_orgnr_check_digit_ten_is_invalid() -> None:
    """§8.6: a prefix whose check digit would be 10 cannot be issued."""
    prefix = next(
        f"{i:08d}"
        for i in range(10_000_000, 10_001_000)
        if _mod11(f"{i:08d}", (3, 2, 7, 6, 5, 4, 3, 2)) == 10
    )
    for last in "0123456789":
        with pytest.raises(InvalidIdentifier, match="would be 10"):
            Organisasjonsnummer.parse(prefix + last)
        assert not stdnum_orgnr.is_valid(prefix + last)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("12345678", "9 digits, got 8"),
        ("1234567850", "9 digits, got 10"),
        ("12345678O", "only digits"),
    ],
)
def test_orgnr_shape_errors(raw: str, fragment: str) -> None:
    """§8.6: wrong length or a non-digit is rejected with kind organisasjonsnummer."""
    with pytest.raises(InvalidIdentifier, match=fragment) as info:
        Organisasjonsnummer.parse(raw)
    assert info.value.kind == "organisasjonsnummer"


def test_orgnr_constructor_validates() -> None:
    """§8.6: building Organisasjonsnummer directly still checks the value."""
    with pytest.raises(InvalidIdentifier):
        Organisasjonsnummer("123456789")
    with pytest.raises(InvalidIdentifier, match="nine digits"):
        Organisasjonsnummer("12345")


def test_orgnr_agrees_with_stdnum_example() -> None:
    """§8.6 / integration §7: 974760673 is valid, 974760672 is not, as in python-stdnum."""
    assert Organisasjonsnummer.parse("974760673").value == "974760673"
    with pytest.raises(InvalidIdentifier):
        Organisasjonsnummer.parse("974760672")


# --- HPR ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", " ", "0", "000000000", "1e5", "1.5"])
def test_hpr_rejects_empty_zero_and_other_shapes(raw: str) -> None:
    """§8.5: empty input, zero and non-digits are not HPR numbers."""
    with pytest.raises(InvalidIdentifier) as info:
        HprNummer.parse(raw)
    assert info.value.kind == "hpr-nummer"


def test_hpr_accepts_one_to_nine_digits() -> None:
    """§8.5: one to nine digits are syntactically valid; spaces are ignored."""
    assert HprNummer.parse("1").padded == "000000001"
    assert HprNummer.parse("999 999 999").value == 999_999_999
    assert HprNummer(42) == HprNummer.parse("000000042")


@pytest.mark.parametrize("value", [0, 1_000_000_000, -5, True])
def test_hpr_constructor_validates(value: int) -> None:
    """§8.5: building HprNummer directly rejects zero, negatives, bools and 10+ digits."""
    with pytest.raises(InvalidIdentifier):
        HprNummer(value)


# --- synthetic generator ----------------------------------------------------------


def test_generator_reproduces_id02() -> None:
    """ID-02: synthetic_fodselsnummer(20.05.2012) is 20851250051 (first free individual 500)."""
    assert synthetic_fodselsnummer(date(2012, 5, 20)) == "20851250051"
    assert synthetic_fodselsnummer(date(2012, 5, 20), individual=500) == "20851250051"


@pytest.mark.parametrize(
    "born",
    [date(1854, 1, 1), date(1899, 12, 31), date(1930, 2, 28), date(1975, 7, 4), date(2039, 12, 31)],
)
def test_generator_output_is_synthetic_and_valid(born: date) -> None:
    """§8.4: generated numbers have month+80, parse only under the test policy, keep the date."""
    for d_nummer in (False, True):
        number = synthetic_fodselsnummer(born, d_nummer=d_nummer)
        assert 81 <= int(number[2:4]) <= 92
        assert not inspect(number, policy=PROD).valid
        person = PersonId.parse(number, policy=TEST)
        assert person.synthetic
        assert person.encoded_date == born
        assert person.kind is (
            IdentifierKind.D_NUMMER if d_nummer else IdentifierKind.FODSELSNUMMER
        )


def test_generator_uses_high_series_for_1940s_when_asked() -> None:
    """§8.1: 1940-1999 may also use individual numbers 900-999."""
    number = first_valid("158275", range(900, 1000))
    individual = int(number[6:9])
    assert synthetic_fodselsnummer(date(1975, 2, 15), individual=individual) == number


def test_generator_rejects_bad_arguments() -> None:
    """§8.1: a year outside 1854-2039, a wrong-century individual, or check digit 10 is refused."""
    with pytest.raises(InvalidInput, match="1854 and 2039"):
        synthetic_fodselsnummer(date(1853, 12, 31))
    with pytest.raises(InvalidInput, match="century"):
        synthetic_fodselsnummer(date(2012, 5, 20), individual=100)
    bad = int(_prefix_with_k1_ten()[6:9])
    with pytest.raises(InvalidInput, match="10"):
        synthetic_fodselsnummer(date(2012, 5, 20), individual=bad)
    with pytest.raises(InvalidInput, match="must be a date"):
        synthetic_fodselsnummer(datetime(2012, 5, 20))


# --- subject key --------------------------------------------------------------------


def test_subject_key_is_hmac_sha256_of_digits() -> None:
    """§8 privacy: subject_key is the HMAC-SHA256 hex of the digits, stable per secret."""
    person = PersonId.parse(SYNTH_FNR, policy=TEST)
    secret = b"0123456789abcdef"
    key = subject_key(person, secret)
    assert key == hmac.new(secret, SYNTH_FNR.encode(), hashlib.sha256).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key == subject_key(PersonId.parse(SYNTH_FNR, policy=TEST), secret)
    assert key != subject_key(person, secret + b"!")
    assert SYNTH_FNR not in key


@pytest.mark.parametrize("secret", [b"", b"short", b"x" * 15, "a-str-secret-of-20"])
def test_subject_key_refuses_weak_secret(secret: bytes) -> None:
    """§8 privacy: a secret shorter than 16 bytes (or not bytes) is a configuration error."""
    person = PersonId.parse(SYNTH_FNR, policy=TEST)
    with pytest.raises(InvalidConfiguration):
        subject_key(person, secret)
