"""The one rule for a token's ``sub``: it must not hold a national identity number.

The rule is applied by the verifier (a
[`VerifiedToken`][barnekoordinator.access.login.VerifiedToken] never carries such a ``sub``)
and again by the mapping (for a ``VerifiedToken`` made by hand); both call
[`refuse_identity_number()`][barnekoordinator.access.login._subject.refuse_identity_number].

Why refuse rather than hash: a subject is written in clear as the actor of every record, and
the SHA-256 of a number from so small a space is no seal (every number of one birth year is
hashed in seconds, with any fixed prefix or suffix the issuer adds). An issuer whose subjects
are identity numbers must give pairwise ones; the number has its own claim.

How a number is found: the ``sub`` without its non-alphanumeric characters (so no count of
dots, dashes or spaces between the digits hides one), split into runs of decimal digits (of
any script, read as ASCII); every eleven-digit window of every run is tried as a fødselsnummer,
D-, H- or FH-nummer, real or synthetic, under either control-digit rule. ``47`` + number,
number + ``0`` and ``038512....50017`` are all caught. A canonical UUID is never refused (see
``holds_identity_number`` for why); one whose digits read as a number is not shown in clear
([`shows_identity_number()`][barnekoordinator.access.login._subject.shows_identity_number]).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from barnekoordinator.access.login._compact import rejected
from barnekoordinator.access.login._settings import RejectionCode
from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import ChecksumRule, IdentifierPolicy, PersonId

__all__ = [
    "holds_identity_number",
    "is_a_persons_number",
    "refuse_identity_number",
    "shows_identity_number",
]

_ANY_NUMBER: Final = tuple(
    IdentifierPolicy.testing(checksum_rule=rule, dolly_as_synthetic=dolly)
    for rule in ChecksumRule
    for dolly in (False, True)
)
"""Every reading of eleven digits as someone's number: real or synthetic, either control-digit
rule, month+40 as an H-nummer or as a Dolly identity."""

_UUID: Final = re.compile(r"[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}")


def is_a_persons_number(digits: str) -> bool:
    """Whether the eleven ASCII ``digits`` are a fødselsnummer, D-, H- or FH-nummer (date and
    control digits), under any policy."""
    for policy in _ANY_NUMBER:
        try:
            PersonId.parse(digits, policy=policy)
        except InvalidInput:
            continue
        return True
    return False


def _digit_runs(sub: str) -> list[str]:
    """The runs of eleven or more decimal digits (as ASCII) in ``sub`` once its
    non-alphanumeric characters are dropped."""
    runs: list[str] = []
    run: list[str] = []
    for char in sub:
        if char.isdecimal():
            run.append(str(unicodedata.decimal(char)))
        elif char.isalnum():
            if len(run) >= 11:
                runs.append("".join(run))
            run = []
    if len(run) >= 11:
        runs.append("".join(run))
    return runs


def _any_window(runs: list[str]) -> bool:
    return any(
        is_a_persons_number(run[start : start + 11])
        for run in runs
        for start in range(len(run) - 10)
    )


def shows_identity_number(sub: str) -> bool:
    """Whether ``sub`` shows someone's number to a reader: some eleven-digit window of its
    digits, all separators dropped (a UUID's dashes too), is one. Such a ``sub`` that
    [`holds_identity_number()`][barnekoordinator.access.login._subject.holds_identity_number]
    does not refuse (a random UUID) is never shown in clear."""
    return _any_window(_digit_runs(sub))


def holds_identity_number(sub: str) -> bool:
    """Whether some eleven-digit window of ``sub``'s digit runs is someone's number: the
    refusal rule. A canonical UUID is never refused.

    Fail closed, at a known cost: about one in 80 windows of random digits is a valid number
    (control digits and date), so a ``sub`` that is a long run of digits by chance (a 21-digit
    numeric id: about one in seven) is refused for good, although its hash could not be
    reversed. The issuers this library trusts send base64url (ID-porten, HelseID), where runs of
    eleven digits practically never occur, or UUIDs (BankID). A refused ``sub`` fails every login
    of that person through that issuer (``claim-invalid``) until the issuer gives another; a
    number written in the audit trail cannot be taken back.
    """
    # A UUID is 122 random bits, not a written number: about one random UUID in 7,000 has a
    # group, and one in 500 its joined groups, that read as someone's number, and refusing it
    # would lock that person out for good (the sub is stable). Such a UUID is hashed instead
    # (shows_identity_number): its other random bits keep the hash from being reversed.
    if _UUID.fullmatch(sub):
        return False
    return _any_window(_digit_runs(sub))


def refuse_identity_number(sub: str) -> None:
    """Raise ``claim-invalid`` when ``sub`` holds a national identity number (never echoed).

    Raises:
        TokenRejected: ``claim-invalid``.
    """
    if holds_identity_number(sub):
        raise rejected(
            RejectionCode.CLAIM_INVALID,
            "sub holds a national identity number, which would be written in clear as the actor "
            "of every record; the issuer must give pairwise subjects (the number has its claim)",
        )
