"""Norwegian identifiers: fødselsnummer, D-, H- and FH-nummer, orgnr and HPR-nummer.

A person identifier is parsed once, at the edge, into a
[`PersonId`][barnekoordinator.identifiers.PersonId]. The object never shows the full number by
accident: ``repr()``, ``str()`` and f-strings give the redacted form ``311299*****`` (the six date
digits and five stars), and so do `attrs.asdict()` reprs. Only
[`PersonId.reveal()`][barnekoordinator.identifiers.PersonId.reveal] returns all eleven digits. Error
messages say *what* is wrong (length, a character that is not a digit, control digit K1 or K2, an
impossible or future date, a synthetic number where none is allowed) and never echo the number.

What is accepted is decided by an explicit
[`IdentifierPolicy`][barnekoordinator.identifiers.IdentifierPolicy]; the module never reads the
clock (pass ``as_of`` to reject future birth dates):

* **Fødselsnummer** — ``DDMMYY III K1 K2``; the century comes from the
  individual digits (rules of `stdnum.no.fodselsnummer`).
* **D-nummer** — 40 added to the day. The digits may encode the *registration* date, so
  `PersonId.birth_date` is ``None`` and the
  digits' date is `PersonId.encoded_date`.
* **H-nummer** — 40 added to the month; internal to the issuing organisation.
  NAV's «Dolly» test identities use the same pattern, so month+40 is read as a
  Dolly *synthetic* number only when ``IdentifierPolicy(dolly_as_synthetic=True)``.
  An H-nummer month combined with a D-nummer day is rejected unless it is read
  as a Dolly synthetic D-nummer.
* **FH-nummer** — first digit 8 or 9, no date at all. (Some older systems
  gave H-numbers a first digit of 8 or 9; such numbers are read as FH-nummer.)
* **Synthetic (Skatteetaten/Tenor)** — 80 added to the month; accepted only
  with ``IdentifierPolicy(allow_synthetic=True)``.
* **Control digits** — mod 11 with weights ``3 7 6 1 8 9 4 5 2`` (K1) and ``5 4 3 2 7 6 5 4 3 2``
  (K2). Under [`ChecksumRule.PRE_2032`][barnekoordinator.identifiers.ChecksumRule.PRE_2032] the K1
  sum (including K1) must leave remainder 0; under
  [`ChecksumRule.POST_2032`][barnekoordinator.identifiers.ChecksumRule.POST_2032] (Skatteetaten's
  «nytt fødselsnummer fra 2032») it may leave 0, 1, 2 or 3. K2 is unchanged. A number that is valid
  *only* under the 2032 rule gets ``birth_date=None``: its birth date must be read from
  Folkeregisteret.

Organisation numbers ([`Organisasjonsnummer`][barnekoordinator.identifiers.Organisasjonsnummer]) are
not personal data and show in ``repr()``. HPR numbers
([`HprNummer`][barnekoordinator.identifiers.HprNummer]) have no public check digit; a syntactic
check cannot prove that a number exists — look it up in HPR.

[`synthetic_fodselsnummer()`][barnekoordinator.identifiers.synthetic_fodselsnummer] makes
Tenor-style (+80) test numbers and [`subject_key()`][barnekoordinator.identifiers.subject_key] makes
the keyed hash that stores use to find a child's cases without storing the number in clear.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, Final

import attrs

from barnekoordinator.errors import InvalidConfiguration, InvalidIdentifier, InvalidInput

__all__ = [
    "ChecksumRule",
    "HprNummer",
    "IdentifierKind",
    "IdentifierPolicy",
    "IdentifierReport",
    "Organisasjonsnummer",
    "PersonId",
    "checksum_rule_on",
    "inspect",
    "subject_key",
    "synthetic_fodselsnummer",
]

_K1_WEIGHTS: Final = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS: Final = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORG_WEIGHTS: Final = (3, 2, 7, 6, 5, 4, 3, 2)
_ASCII_DIGITS: Final = frozenset("0123456789")
_SEPARATORS: Final = " -"
_MIN_SECRET_BYTES: Final = 16
_PERSON_KIND_LABEL: Final = "fodselsnummer"
_POST_2032_REMAINDERS: Final = frozenset({0, 1, 2, 3})


class IdentifierKind(enum.StrEnum):
    """The kind of an eleven-digit Norwegian person identifier."""

    FODSELSNUMMER = "fodselsnummer"
    """Ordinary fødselsnummer (or a synthetic one built the same way)."""

    D_NUMMER = "d-nummer"
    """D-nummer: 40 added to the day."""

    H_NUMMER = "h-nummer"
    """H-nummer (virksomhetsinternt hjelpenummer): 40 added to the month."""

    FH_NUMMER = "fh-nummer"
    """FH-nummer (felles hjelpenummer): first digit 8 or 9, no date."""


class ChecksumRule(enum.StrEnum):
    """Which control-digit rule a number must satisfy.

    The post-2032 rule accepts a K1 remainder of 0, 1, 2 or 3, which includes
    every pre-2032 number; `POST_2032` and `BOTH` therefore accept the
    same numbers. `BOTH` names the intent of Skatteetaten's advice that
    systems accept both schemes in parallel.
    """

    PRE_2032 = "pre-2032"
    """Only the current rule: the K1 remainder must be 0."""

    POST_2032 = "post-2032"
    """The rule from 1 January 2032: the K1 remainder may be 0, 1, 2 or 3."""

    BOTH = "both"
    """Accept numbers that satisfy either rule."""


_NEW_RULE_FROM: Final = date(2032, 1, 1)
"""The day Skatteetaten's new control-digit rule takes effect (domain.md §8.1)."""


def checksum_rule_on(as_of: date) -> ChecksumRule:
    """The control-digit rule a number *given* on ``as_of`` must satisfy: ``PRE_2032`` before
    1 January 2032 (a number valid only under the new rule cannot have been issued yet),
    ``BOTH`` from then on. What the library *stored* is read under ``BOTH`` whatever the day."""
    return ChecksumRule.PRE_2032 if as_of < _NEW_RULE_FROM else ChecksumRule.BOTH


def _check_as_of(_instance: object, _attribute: object, value: date | None) -> None:
    if isinstance(value, datetime):
        raise InvalidConfiguration("IdentifierPolicy.as_of must be a date, not a datetime")
    if value is not None and not isinstance(value, date):
        raise InvalidConfiguration("IdentifierPolicy.as_of must be a date or None")


@attrs.frozen(kw_only=True)
class IdentifierPolicy:
    """What [`PersonId.parse()`][barnekoordinator.identifiers.PersonId.parse] accepts.

    The defaults are the production choice: no synthetic numbers, month+40 read
    as H-nummer, the pre-2032 checksum rule, and no future-date check (the core
    never reads the clock; pass ``as_of`` to enable it).

    Attributes:
        allow_synthetic: Accept synthetic test identities (Skatteetaten/Tenor,
            month+80; and NAV Dolly, month+40, when ``dolly_as_synthetic``).
        dolly_as_synthetic: Read month+40 as a NAV «Dolly» synthetic identity
            instead of an H-nummer. Such numbers are then accepted only when
            ``allow_synthetic`` is also true.
        checksum_rule: Which control-digit rule applies.
        as_of: When given, a number whose date lies after this day is invalid.
    """

    allow_synthetic: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    dolly_as_synthetic: bool = attrs.field(
        default=False, validator=attrs.validators.instance_of(bool)
    )
    checksum_rule: ChecksumRule = attrs.field(
        default=ChecksumRule.PRE_2032, validator=attrs.validators.instance_of(ChecksumRule)
    )
    as_of: date | None = attrs.field(default=None, validator=_check_as_of)

    @classmethod
    def production(
        cls, *, checksum_rule: ChecksumRule = ChecksumRule.PRE_2032, as_of: date | None = None
    ) -> IdentifierPolicy:
        """Return the production policy: synthetic numbers are rejected."""
        return cls(allow_synthetic=False, checksum_rule=checksum_rule, as_of=as_of)

    @classmethod
    def testing(
        cls,
        *,
        checksum_rule: ChecksumRule = ChecksumRule.PRE_2032,
        as_of: date | None = None,
        dolly_as_synthetic: bool = False,
    ) -> IdentifierPolicy:
        """Return the test policy: synthetic (Tenor, month+80) numbers are accepted."""
        return cls(
            allow_synthetic=True,
            dolly_as_synthetic=dolly_as_synthetic,
            checksum_rule=checksum_rule,
            as_of=as_of,
        )


_DEFAULT_POLICY: Final = IdentifierPolicy()


class _Digits:
    """The eleven digits of a person id, hidden from ``repr()`` and ``str()``.

    Deliberately not an attrs class, so that `attrs.asdict()` keeps the
    wrapper (and its redacted repr) instead of unpacking the value.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return repr(_redact(self._value))

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Digits):
            return NotImplemented
        import hmac  # on the first comparison, not at import (OpenSSL's hashlib: 2 ms)

        return hmac.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(("_Digits", self._value))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Digits, (self._value,))


def _redact(digits: str) -> str:
    return digits[:6] + "*" * 5


def _digits_validator(_instance: object, _attribute: object, value: _Digits) -> None:
    if not isinstance(value, _Digits):
        raise TypeError("PersonId is built by PersonId.parse(), not by its constructor")


@attrs.frozen(kw_only=True, repr=False)
class PersonId:
    """A validated eleven-digit Norwegian person identifier.

    Build it with `parse()`. Equality and hashing use the digits only, so two
    parses of the same number are equal even under different policies.

    Attributes:
        kind: Fødselsnummer, D-, H- or FH-nummer.
        synthetic: True for a synthetic test identity (Tenor, or Dolly when the
            policy says so).
        birth_date: The birth date the number encodes, where it can be trusted:
            fødselsnummer and H-nummer. ``None`` for D-nummer (the digits may be a
            registration date), FH-nummer (no date), and for any number valid
            only under the post-2032 rule (ask Folkeregisteret).
        encoded_date: The date in the digits after removing the +40/+80
            offsets, whether or not it is the birth date; ``None`` for FH-nummer.
    """

    _digits: _Digits = attrs.field(alias="digits", validator=_digits_validator)
    kind: IdentifierKind = attrs.field(eq=False)
    synthetic: bool = attrs.field(eq=False)
    birth_date: date | None = attrs.field(eq=False)
    encoded_date: date | None = attrs.field(eq=False)

    @classmethod
    def parse(cls, raw: str, *, policy: IdentifierPolicy = _DEFAULT_POLICY) -> PersonId:
        """Parse and validate a fødselsnummer, D-, H- or FH-nummer.

        Spaces and dashes are ignored. The checks run in this order: characters
        and length, control digits (per ``policy.checksum_rule``), kind, date,
        and finally the policy (synthetic numbers, ``as_of``).

        Raises:
            InvalidIdentifier: saying what is wrong, never echoing the number.
                ``kind`` is ``"fodselsnummer"`` until the kind is known and the
                detected kind's value after that.
        """
        return _parse_person(raw, policy)

    def reveal(self) -> str:
        """Return all eleven digits. Call only where the full number is needed."""
        return self._digits._value

    def redacted(self) -> str:
        """Return the six date digits followed by five stars, e.g. ``311299*****``."""
        return _redact(self._digits._value)

    def __str__(self) -> str:
        return self.redacted()

    def __repr__(self) -> str:
        return (
            f"PersonId({self.redacted()!r}, kind={self.kind.value!r}, synthetic={self.synthetic})"
        )


# --- parsing ---------------------------------------------------------------


def _normalise(raw: str, *, length: int, label: str, kind: str) -> str:
    """Strip spaces and dashes; demand exactly ``length`` ASCII digits."""
    if not isinstance(raw, str):
        raise InvalidIdentifier(f"{label} must be given as text", kind=kind)
    compact = "".join(c for c in raw.strip() if c not in _SEPARATORS)
    if not compact:
        raise InvalidIdentifier(f"{label} is empty", kind=kind)
    if not all(c in _ASCII_DIGITS for c in compact):
        raise InvalidIdentifier(f"{label} may contain only digits, spaces and dashes", kind=kind)
    if len(compact) != length:
        got = str(len(compact)) if len(compact) < 100 else "more than 99"
        raise InvalidIdentifier(f"{label} must have {length} digits, got {got}", kind=kind)
    return compact


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


def _k1_remainder(n: str) -> int:
    return (_weighted(n[:9], _K1_WEIGHTS) + int(n[9])) % 11


def _k2_remainder(n: str) -> int:
    return (_weighted(n[:10], _K2_WEIGHTS) + int(n[10])) % 11


def _mod11_check(digits: str, weights: tuple[int, ...]) -> int:
    """Return the mod-11 check digit (10 means: no valid check digit)."""
    r = _weighted(digits, weights) % 11
    return 0 if r == 0 else 11 - r


def _check_control_digits(n: str, rule: ChecksumRule) -> bool:
    """Validate K1 and K2; return True when the number is valid only under the 2032 rule."""
    r1 = _k1_remainder(n)
    if rule is ChecksumRule.PRE_2032:
        if r1 != 0:
            if _mod11_check(n[:9], _K1_WEIGHTS) == 10:
                raise InvalidIdentifier(
                    "control digit K1 would be 10 for these first nine digits, "
                    "so no such number can be issued under the pre-2032 rule",
                    kind=_PERSON_KIND_LABEL,
                )
            hint = (
                " (it would be valid under the post-2032 rule)"
                if r1 in _POST_2032_REMAINDERS
                else ""
            )
            raise InvalidIdentifier(
                f"control digit K1 is wrong under the pre-2032 rule{hint}",
                kind=_PERSON_KIND_LABEL,
            )
    elif r1 not in _POST_2032_REMAINDERS:
        raise InvalidIdentifier(
            "control digit K1 is wrong under both the pre- and post-2032 rules",
            kind=_PERSON_KIND_LABEL,
        )
    if _k2_remainder(n) != 0:
        raise InvalidIdentifier("control digit K2 is wrong", kind=_PERSON_KIND_LABEL)
    return r1 != 0


def _encoded_date(day: int, month: int, rest: str, kind: str) -> date:
    """Return the date of plain day/month plus year and individual digits.

    Uses `stdnum.no.fodselsnummer.get_birth_date()` for the century rules. ``stdnum`` is
    imported here, on the first number checked: its package imports ``ssl`` and ``pydoc``,
    which a command that checks no number (``assess``) should not pay for.
    """
    from stdnum.exceptions import ValidationError as _StdnumValidationError
    from stdnum.no import fodselsnummer as _stdnum_fnr

    try:
        _stdnum_fnr.get_birth_date(f"0101{rest}00")
    except _StdnumValidationError:
        raise InvalidIdentifier(
            "the individual number does not belong to any century for this year of birth",
            kind=kind,
        ) from None
    try:
        return _stdnum_fnr.get_birth_date(f"{day:02d}{month:02d}{rest}00")
    except _StdnumValidationError:
        raise InvalidIdentifier(
            "the date in the number is not a real calendar date", kind=kind
        ) from None


def _parse_person(raw: str, policy: IdentifierPolicy) -> PersonId:
    n = _normalise(raw, length=11, label="fødselsnummer", kind=_PERSON_KIND_LABEL)
    post_2032_only = _check_control_digits(n, policy.checksum_rule)

    if n[0] in "89":
        return PersonId(
            digits=_Digits(n),
            kind=IdentifierKind.FH_NUMMER,
            synthetic=False,
            birth_date=None,
            encoded_date=None,
        )

    day, month = int(n[0:2]), int(n[2:4])
    synthetic = False
    synthetic_source = ""
    h_month = False
    if 81 <= month <= 92:
        synthetic, synthetic_source = True, "Skatteetaten/Tenor: month+80"
        month -= 80
    elif 41 <= month <= 52:
        if policy.dolly_as_synthetic:
            synthetic, synthetic_source = True, "NAV Dolly: month+40"
        else:
            h_month = True
        month -= 40
    elif not 1 <= month <= 12:
        raise InvalidIdentifier(
            "the month digits are not a month (01-12, +40 for H-nummer, +80 for synthetic)",
            kind=_PERSON_KIND_LABEL,
        )

    d_day = False
    if 41 <= day <= 71:
        d_day = True
        day -= 40
    elif not 1 <= day <= 31:
        raise InvalidIdentifier(
            "the day digits are not a day (01-31, +40 for D-nummer)", kind=_PERSON_KIND_LABEL
        )

    if h_month and d_day:
        raise InvalidIdentifier(
            "an H-nummer month cannot be combined with a D-nummer day", kind="h-nummer"
        )
    if h_month:
        kind = IdentifierKind.H_NUMMER
    elif d_day:
        kind = IdentifierKind.D_NUMMER
    else:
        kind = IdentifierKind.FODSELSNUMMER

    encoded = _encoded_date(day, month, n[4:9], kind.value)
    if policy.as_of is not None and encoded > policy.as_of:
        raise InvalidIdentifier(
            "the date in the number is in the future (after the policy's as_of day)",
            kind=kind.value,
        )
    if synthetic and not policy.allow_synthetic:
        raise InvalidIdentifier(
            f"synthetic test identifiers are not allowed by this policy ({synthetic_source})",
            kind=kind.value,
        )

    trusted = kind in (IdentifierKind.FODSELSNUMMER, IdentifierKind.H_NUMMER)
    return PersonId(
        digits=_Digits(n),
        kind=kind,
        synthetic=synthetic,
        birth_date=encoded if trusted and not post_2032_only else None,
        encoded_date=encoded,
    )


# --- inspection ------------------------------------------------------------


@attrs.frozen(kw_only=True)
class IdentifierReport:
    """The outcome of [`inspect()`][barnekoordinator.identifiers.inspect]: valid or not, and why.

    Attributes:
        valid: Whether the number parsed under the policy.
        kind: The kind when valid, else ``None``.
        synthetic: True for a valid synthetic test identity.
        birth_date: `PersonId.birth_date` when
            valid, else ``None``.
        reason: Why the number is invalid; ``None`` when it is valid.
    """

    valid: bool
    kind: IdentifierKind | None = None
    synthetic: bool = False
    birth_date: date | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict.

        The keys are always exactly ``valid``, ``kind`` (the enum value or
        ``None``), ``synthetic``, ``birth_date`` (ISO date or ``None``) and
        ``reason`` (``None`` when valid).
        """
        return {
            "valid": self.valid,
            "kind": None if self.kind is None else self.kind.value,
            "synthetic": self.synthetic,
            "birth_date": None if self.birth_date is None else self.birth_date.isoformat(),
            "reason": self.reason,
        }


def inspect(raw: str, *, policy: IdentifierPolicy = _DEFAULT_POLICY) -> IdentifierReport:
    """Check a person identifier without raising for invalid input.

    Returns an [`IdentifierReport`][barnekoordinator.identifiers.IdentifierReport]; its ``reason``
    is the message [`PersonId.parse()`][barnekoordinator.identifiers.PersonId.parse] would have
    raised (it never contains the number).
    """
    try:
        person = PersonId.parse(raw, policy=policy)
    except InvalidIdentifier as exc:
        return IdentifierReport(valid=False, reason=str(exc))
    return IdentifierReport(
        valid=True,
        kind=person.kind,
        synthetic=person.synthetic,
        birth_date=person.birth_date,
    )


# --- organisation and HPR numbers -------------------------------------------


def _org_value_validator(_instance: object, _attribute: object, value: str) -> None:
    Organisasjonsnummer._check(value)


@attrs.frozen
class Organisasjonsnummer:
    """A Norwegian organisation number (Enhetsregisteret), nine digits.

    The ninth digit is a mod-11 check digit over digits 1–8 with weights
    ``3 2 7 6 5 4 3 2``; a check digit of 10 cannot be issued. Organisation
    numbers are public, so ``repr()`` and ``str()`` show them. A valid check
    digit does not prove that the organisation exists: ask Enhetsregisteret.
    """

    value: str = attrs.field(validator=_org_value_validator)

    @classmethod
    def parse(cls, raw: str) -> Organisasjonsnummer:
        """Parse an organisation number; spaces and dashes are ignored.

        Raises:
            InvalidIdentifier: with ``kind="organisasjonsnummer"``.
        """
        return cls(
            _normalise(raw, length=9, label="organisasjonsnummer", kind="organisasjonsnummer")
        )

    @staticmethod
    def _check(value: str) -> None:
        if not (
            isinstance(value, str) and len(value) == 9 and all(c in _ASCII_DIGITS for c in value)
        ):
            raise InvalidIdentifier(
                "organisasjonsnummer must be nine digits", kind="organisasjonsnummer"
            )
        check = _mod11_check(value[:8], _ORG_WEIGHTS)
        if check == 10:
            raise InvalidIdentifier(
                "organisasjonsnummer cannot be issued: its check digit would be 10",
                kind="organisasjonsnummer",
            )
        if int(value[8]) != check:
            raise InvalidIdentifier(
                "organisasjonsnummer check digit is wrong", kind="organisasjonsnummer"
            )

    def reveal(self) -> str:
        """Return the nine digits (the same as ``str()``)."""
        return self.value

    def formatted(self) -> str:
        """Return the number in groups of three, e.g. ``123 456 785``."""
        return f"{self.value[:3]} {self.value[3:6]} {self.value[6:]}"

    def __str__(self) -> str:
        return self.value


_HPR_MAX: Final = 999_999_999


def _hpr_value_validator(_instance: object, _attribute: object, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _HPR_MAX:
        raise InvalidIdentifier(
            "HPR-nummer must be a whole number from 1 to nine digits", kind="hpr-nummer"
        )


@attrs.frozen
class HprNummer:
    """A Helsepersonellregisteret (HPR) number.

    HPR numbers have no public check digit. This class accepts one to nine
    digits (``^\\d{1,9}$`` after removing spaces and dashes) and normalises
    leading zeros, so ``"007125186"`` and ``"7125186"`` are the same number.
    Zero is rejected. A syntactically valid number may still not exist or may
    belong to someone without authorisation: verify it **by lookup in HPR**.

    HPR numbers are public in the register, so ``repr()`` shows them.

    Attributes:
        value: The number as an int.
    """

    value: int = attrs.field(validator=_hpr_value_validator)

    @classmethod
    def parse(cls, raw: str) -> HprNummer:
        """Parse an HPR number from text.

        Raises:
            InvalidIdentifier: with ``kind="hpr-nummer"`` for empty input, a
                character that is not a digit, more than nine digits, or zero.
        """
        if not isinstance(raw, str):
            raise InvalidIdentifier("HPR-nummer must be given as text", kind="hpr-nummer")
        compact = "".join(c for c in raw.strip() if c not in _SEPARATORS)
        if not compact:
            raise InvalidIdentifier("HPR-nummer is empty", kind="hpr-nummer")
        if not all(c in _ASCII_DIGITS for c in compact):
            raise InvalidIdentifier(
                "HPR-nummer may contain only digits, spaces and dashes", kind="hpr-nummer"
            )
        if len(compact) > 9:
            raise InvalidIdentifier("HPR-nummer has more than nine digits", kind="hpr-nummer")
        return cls(int(compact))

    @property
    def padded(self) -> str:
        """The number as nine characters with leading zeros, e.g. ``007125186``."""
        return f"{self.value:09d}"

    def __str__(self) -> str:
        return str(self.value)


# --- test data and keyed hashing --------------------------------------------


def _individual_ranges(year: int) -> tuple[range, ...]:
    """Return the individual-number ranges for a birth year (fødselsnummer century rules)."""
    if 1854 <= year <= 1899:
        return (range(500, 750),)
    if 1900 <= year <= 1939:
        return (range(0, 500),)
    if 1940 <= year <= 1999:
        return (range(0, 500), range(900, 1000))
    if 2000 <= year <= 2039:
        return (range(500, 1000),)
    raise InvalidInput("birth year must be between 1854 and 2039 for a fødselsnummer")


def _with_checks(first_nine: str) -> str | None:
    k1 = _mod11_check(first_nine, _K1_WEIGHTS)
    if k1 == 10:
        return None
    k2 = _mod11_check(first_nine + str(k1), _K2_WEIGHTS)
    if k2 == 10:
        return None
    return f"{first_nine}{k1}{k2}"


def synthetic_fodselsnummer(
    birth_date: date, *, individual: int | None = None, d_nummer: bool = False
) -> str:
    """Return a synthetic (Skatteetaten/Tenor, month+80) fødselsnummer for tests.

    The number has valid pre-2032 control digits and an individual number from
    the birth year's century range; with ``d_nummer=True`` 40 is also added to
    the day. It is always synthetic: it parses only under a policy with
    ``allow_synthetic=True``. Real-looking numbers are never produced.

    Args:
        birth_date: The date to encode (years 1854–2039).
        individual: The three individual digits (0–999). By default the first
            number of the century's range whose control digits are not 10.
        d_nummer: Make a synthetic D-nummer.

    Raises:
        InvalidInput: the year is outside 1854–2039, ``individual`` is outside the
            century's range, or it gives a control digit of 10.
    """
    if isinstance(birth_date, datetime) or not isinstance(birth_date, date):
        raise InvalidInput("birth_date must be a date")
    ranges = _individual_ranges(birth_date.year)
    day = birth_date.day + (40 if d_nummer else 0)
    prefix = f"{day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}"
    if individual is not None:
        if not any(individual in r for r in ranges):
            raise InvalidInput("individual number does not belong to the birth year's century")
        number = _with_checks(f"{prefix}{individual:03d}")
        if number is None:
            raise InvalidInput(
                "this individual number gives a control digit of 10; choose another or pass None"
            )
        return number
    for r in ranges:
        for candidate in r:
            number = _with_checks(f"{prefix}{candidate:03d}")
            if number is not None:
                return number
    raise InvalidInput("no individual number gives valid control digits")  # pragma: no cover


def subject_key(person: PersonId, secret: bytes) -> str:
    """Return the keyed hash (HMAC-SHA256, hex) of a person's eleven digits.

    Stores index cases by this key so that they can find a child's cases
    without storing the number in clear. Keep ``secret`` out of the store; the
    same secret must be used for every lookup.

    Raises:
        InvalidConfiguration: ``secret`` is not bytes or is shorter than 16 bytes.
    """
    if not isinstance(secret, bytes | bytearray):
        raise InvalidConfiguration("subject_key secret must be bytes")
    if len(secret) < _MIN_SECRET_BYTES:
        raise InvalidConfiguration(f"subject_key secret must be at least {_MIN_SECRET_BYTES} bytes")
    import hashlib
    import hmac

    return hmac.new(bytes(secret), person.reveal().encode("ascii"), hashlib.sha256).hexdigest()
