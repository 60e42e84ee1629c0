"""From a verified token to one [`Principal`][barnekoordinator.access.principal.Principal].

* **subject** — ``{name}:{sub}`` (the issuer's pairwise ``sub``, namespaced by the
  authenticator). A ``sub`` holding eleven digits in a row (which a UUID's last group
  can) would look like a national id, and a ``sub`` of more than 256 - len(name) - 1
  characters would make a subject longer than a principal's may be: such a subject becomes
  ``{name}:h:`` and the SHA-256 of the ``sub`` written with the letters ``a``–``p``: stable,
  opaque, digit-free. A ``sub`` that holds an actual identity number anywhere in its digits
  (some eleven-digit window's date and control digits fit, whatever separators or digits
  surround it) is rejected (``claim-invalid``), by the verifier already: its hash could be
  reversed by trying every number of a birth year.
* **national id** — parsed into a redacting
  [`PersonId`][barnekoordinator.identifiers.PersonId] under a policy that accepts synthetic
  (Tenor) numbers only for test issuers.
* **HPR number** and **organisation** — a string or a list; several *different*
  values are ambiguous and rejected (an unknown organisation must never widen what a
  principal may see). Organisation values may carry the ISO 6523 prefix ``0192:``.
* **display label** — the ``name`` claim, else ``given_name family_name``, else the
  issuer's display name; never a value with six digits in a row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from barnekoordinator._redact import holds_identifier, holds_person_number
from barnekoordinator.access.login._compact import rejected
from barnekoordinator.access.login._settings import IssuerSettings, RejectionCode
from barnekoordinator.access.login._subject import refuse_identity_number, shows_identity_number
from barnekoordinator.access.login._verifier import VerifiedToken, claim_values
from barnekoordinator.access.principal import Principal, subject_problem
from barnekoordinator.errors import InvalidIdentifier, InvalidInput
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierKind,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
)

_LOGIN_KINDS: Final = frozenset({IdentifierKind.FODSELSNUMMER, IdentifierKind.D_NUMMER})
_LETTERS: Final = "abcdefghijklmnop"
_ISO6523_NO: Final = "0192:"
_MAX_LABEL: Final = 120


def _opaque_subject(name: str, sub: str) -> str:
    # One rule for a sub holding an identity number, the verifier's (refused, never hashed).
    refuse_identity_number(sub)
    subject = f"{name}:{sub}"
    if subject_problem(subject) is None and not shows_identity_number(sub):
        return subject
    # Eleven digits in a row (a UUID's last group can have them), a number-shaped text that is
    # no one's number, a UUID whose groups join into someone's number, or longer than a
    # subject may be: stable, opaque, digit-free.
    digest = hashlib.sha256(sub.encode("utf-8", "surrogatepass")).digest()
    return f"{name}:h:" + "".join(_LETTERS[b >> 4] + _LETTERS[b & 15] for b in digest)


def _one(values: list[Any], what: str) -> str | None:
    """The one distinct string among ``values`` (a claim may hold a string or a list)."""
    flat: list[Any] = []
    for value in values:
        flat.extend(value if isinstance(value, list) else [value])
    if not flat:
        return None
    if not all(isinstance(v, str) for v in flat):
        raise rejected(RejectionCode.ATTRIBUTE_INVALID, f"{what} must be a string or strings")
    distinct = set(flat)
    if len(distinct) > 1:
        raise rejected(
            RejectionCode.ATTRIBUTE_INVALID,
            f"the token names {len(distinct)} different {what} values; which one is meant?",
        )
    return str(flat[0])


def _national_id(claims: Mapping[str, Any], settings: IssuerSettings) -> PersonId | None:
    path = settings.claims.national_id
    values = claim_values(claims, path) if path is not None else []
    if not values:
        if settings.require_national_id:
            raise rejected(
                RejectionCode.IDENTITY_MISSING,
                f"the token has no {path!r} claim (national identity number)",
            )
        return None
    raw = values[0]
    if len(values) != 1 or not isinstance(raw, str):
        raise rejected(RejectionCode.IDENTITY_INVALID, f"{path!r} must be one string")
    # A test issuer's month+40 numbers are NAV Dolly's synthetic people; a production
    # issuer's are H-numbers, which are refused below.
    synthetic = settings.synthetic_identities
    policy = IdentifierPolicy(allow_synthetic=synthetic, dolly_as_synthetic=synthetic)
    try:
        person = PersonId.parse(raw, policy=policy)
    except InvalidIdentifier as exc:  # its message never holds the number
        raise rejected(RejectionCode.IDENTITY_INVALID, f"{path!r}: {exc}") from None
    if person.kind not in _LOGIN_KINDS:
        # Help numbers are given by a health institution (H) or shared between them (FH) to
        # people without a number of their own; they are not unique nationally, and the
        # Folkeregister does not know them. An identity provider logs in people, by their
        # fødselsnummer or D-nummer.
        raise rejected(
            RejectionCode.IDENTITY_INVALID,
            f"{path!r}: an {person.kind.value} is a health institution's help number, not a "
            "person's identity (a fødselsnummer or D-nummer)",
        )
    return person


def _hpr(claims: Mapping[str, Any], settings: IssuerSettings) -> HprNummer | None:
    path = settings.claims.hpr
    if path is None:
        return None
    raw = _one(claim_values(claims, path), f"{path!r}")
    if raw is None:
        return None
    try:
        return HprNummer.parse(raw)
    except InvalidIdentifier as exc:
        raise rejected(RejectionCode.ATTRIBUTE_INVALID, f"{path!r}: {exc}") from None


def _organisation(
    claims: Mapping[str, Any], settings: IssuerSettings
) -> Organisasjonsnummer | None:
    for path in settings.claims.organisation:
        raw = _one(claim_values(claims, path), f"{path!r}")
        if raw is None:
            continue
        number = raw.removeprefix(_ISO6523_NO)
        try:
            return Organisasjonsnummer.parse(number)
        except InvalidIdentifier as exc:
            raise rejected(RejectionCode.ATTRIBUTE_INVALID, f"{path!r}: {exc}") from None
    return None


def _amr(claims: Mapping[str, Any], settings: IssuerSettings) -> tuple[str, ...]:
    path = settings.claims.amr
    if path is None:
        return ()
    found: list[Any] = []
    for value in claim_values(claims, path):  # a list now, a string in older tokens
        found.extend(value if isinstance(value, list) else [value])
    if not all(
        isinstance(v, str) and v.isprintable() and len(v) <= 64 and not holds_person_number(v)
        for v in found
    ):
        raise rejected(RejectionCode.ATTRIBUTE_INVALID, f"{path!r} must be method names")
    return tuple(found[:16])


def _label(claims: Mapping[str, Any], settings: IssuerSettings) -> str:
    candidates: list[str] = []
    path = settings.claims.name
    if path is not None:
        candidates.extend(v for v in claim_values(claims, path) if isinstance(v, str))
    given, family = claims.get("given_name"), claims.get("family_name")
    if isinstance(given, str) and isinstance(family, str):
        candidates.append(f"{given} {family}")
    for candidate in candidates:
        label = " ".join(candidate.split())
        if (
            label
            and len(label) <= _MAX_LABEL
            and label.isprintable()
            and not holds_identifier(label)
        ):
            return label
    return settings.display_name


def principal_from_token(token: VerifiedToken, settings: IssuerSettings) -> Principal:
    """The [`Principal`][barnekoordinator.access.principal.Principal] a verified token stands for.

    Raises:
        TokenRejected: ``identity-missing``, ``identity-invalid`` or ``attribute-invalid``.
    """
    claims = token.claims
    national_id = _national_id(claims, settings)
    hpr = _hpr(claims, settings)
    organisation = _organisation(claims, settings)
    amr = _amr(claims, settings)
    try:
        return Principal(
            subject=_opaque_subject(settings.name, token.subject),
            display_label=_label(claims, settings),
            assurance=token.assurance,
            national_id=national_id,
            hpr=hpr,
            organisation=organisation,
            identity_provider=settings.name,
            amr=amr,
        )
    except InvalidInput as exc:  # the principal's own checks; they never echo values
        raise rejected(RejectionCode.ATTRIBUTE_INVALID, str(exc)) from None
