"""Who is acting: one normalised [`Principal`][barnekoordinator.access.principal.Principal] for
every identity provider.

Login plugins (ID-porten, Ansattporten, BankID, HelseID — integration.md §1.5) verify a
[`Credential`][barnekoordinator.access.principal.Credential] and produce a
[`Principal`][barnekoordinator.access.principal.Principal]; the Casebook and the access policy only
ever see the principal. Tests build principals with the plain constructor.

Two names identify a principal, for two different audiences:

* [`Principal.subject`][barnekoordinator.access.principal.Principal.subject] — a stable, opaque
  actor id. It is written as ``actor`` into events and audit records and matched against
  `ref` in a case. It is **never** a national id (a
  value that looks like one is rejected).
* [`Principal.display_label`][barnekoordinator.access.principal.Principal.display_label] — what the
  family is shown in "who has looked at our case": a name and a service («Kari Helse,
  helsestasjon»). It never holds an identifier (a run of six or more digits is rejected).

The national id ([`PersonId`][barnekoordinator.identifiers.PersonId]) is kept only
to recognise guardians and the child in a case; ``repr()`` shows it redacted.

Assurance levels follow eIDAS (low / substantial / high).
[`AssuranceLevel.from_acr()`][barnekoordinator.access.principal.AssuranceLevel.from_acr] maps the
``acr`` values of ID-porten (``idporten-loa-substantial``/``-high``, legacy ``Level3``/``Level4``),
Ansattporten (``substantial``/``high``), BankID (``…;LOA=3``/``…;LOA=4``) and HelseID's
``security_level`` (``"3"``/``"4"``).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from typing import Any, Final

import attrs

from barnekoordinator._redact import holds_identifier, holds_person_number, looks_like_national_id
from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId

__all__ = [
    "AssuranceLevel",
    "Credential",
    "Principal",
    "SystemRole",
    "subject_problem",
]


class AssuranceLevel(enum.Enum):
    """The eIDAS level of assurance of a login; ordered low < substantial < high."""

    LOW = "low"
    SUBSTANTIAL = "substantial"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """1 for low, 2 for substantial, 3 for high (for comparisons)."""
        return _RANK[self]

    def at_least(self, other: AssuranceLevel) -> bool:
        """True when this level is ``other`` or higher."""
        return _RANK[self] >= _RANK[other]

    @classmethod
    def from_acr(cls, acr: str) -> AssuranceLevel:
        """Map an ``acr`` (or HelseID ``security_level``) claim to a level.

        Accepted: ``idporten-loa-low|substantial|high``, ``eidas-loa-*``,
        legacy ``Level3``/``Level4``, Ansattporten ``low|substantial|high``,
        BankID ``urn:bankid:…;LOA=3|4`` and HelseID ``"3"``/``"4"``.

        Raises:
            InvalidInput: an ``acr`` value this library does not know; an
                unknown level must never be read as "good enough".
        """
        if not isinstance(acr, str):
            raise InvalidInput("acr: expected a string claim value")
        value = acr.strip()
        level = _ACR.get(value) or _ACR.get(value.lower())
        if level is not None:
            return level
        match = _BANKID_LOA.fullmatch(value)
        if match is not None:
            return cls.HIGH if match.group(1) == "4" else cls.SUBSTANTIAL
        known = ", ".join(sorted(_ACR))
        raise InvalidInput(f"acr: unknown assurance value {value!r}; known: {known}, LOA=3|4")


_RANK: Final = {AssuranceLevel.LOW: 1, AssuranceLevel.SUBSTANTIAL: 2, AssuranceLevel.HIGH: 3}

_ACR: Final[dict[str, AssuranceLevel]] = {
    # ID-porten (and eIDAS, which Digdir suggests accepting by suffix)
    "idporten-loa-low": AssuranceLevel.LOW,
    "idporten-loa-substantial": AssuranceLevel.SUBSTANTIAL,
    "idporten-loa-high": AssuranceLevel.HIGH,
    "eidas-loa-low": AssuranceLevel.LOW,
    "eidas-loa-substantial": AssuranceLevel.SUBSTANTIAL,
    "eidas-loa-high": AssuranceLevel.HIGH,
    # legacy ID-porten levels (old → new mapping, integration.md §1.1)
    "Level3": AssuranceLevel.SUBSTANTIAL,
    "Level4": AssuranceLevel.HIGH,
    # Ansattporten (no prefix)
    "low": AssuranceLevel.LOW,
    "substantial": AssuranceLevel.SUBSTANTIAL,
    "high": AssuranceLevel.HIGH,
    # HelseID security_level
    "3": AssuranceLevel.SUBSTANTIAL,
    "4": AssuranceLevel.HIGH,
}

_BANKID_LOA: Final = re.compile(r"urn:bankid:[a-z]+;LOA=([34])")


class SystemRole(enum.StrEnum):
    """Roles a principal holds in the system (not in a particular case).

    A principal's part *in a case* (guardian, the child, a participating
    professional) is derived from the case by the access policy; system roles
    only add what follows from a position in the municipality.
    """

    CITIZEN = "citizen"
    """A private person (a guardian, the child, a young adult)."""
    CASEWORKER = "caseworker"
    """A municipal employee who may open cases in the municipality."""
    LEADER = "leader"
    """A service leader: oversees status and deadlines of the municipality's cases."""
    KOORDINERENDE_ENHET = "koordinerende-enhet"
    """The municipality's koordinerende enhet (hotl § 7-3)."""
    BARNEVERN = "barnevern"
    """Barnevernstjenesten of the municipality (consents under pbrl § 4-5 after care order)."""


_MAX_TEXT: Final = 256
"""A principal's names are short; the audit trail stores them with every call."""
"""Tokens (JWTs with their claims) run to a few kilobytes."""


def _check_text(what: str, value: str, limit: int = _MAX_TEXT) -> None:
    """Refuse text that cannot be written to the audit trail or shown to a family.

    A lone surrogate cannot be encoded as UTF-8, so no store could write the audit record of a
    call by that principal; a control character (a newline, NUL, an escape sequence) would forge
    lines in "who has looked at our case". Neither value is echoed.
    """
    if len(value) > limit:
        raise InvalidInput(f"{what}: longer than {limit} characters")
    if not value.isprintable() and any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise InvalidInput(f"{what}: holds a control character or a lone surrogate")


def subject_problem(value: object) -> str | None:
    """Why ``value`` cannot be a principal's subject — the actor an event and an audit record
    name — or ``None``; never the value itself. The rules of
    [`Principal.subject`][barnekoordinator.access.principal.Principal]: a non-empty text of at
    most 256 characters, no control character or lone surrogate (it would forge lines in "who
    has looked at our case"), and no eleven-digit number (never a fødselsnummer)."""
    if not isinstance(value, str) or not value.strip():
        return "expected a non-empty opaque actor id"
    try:
        _check_text("subject", value)
    except InvalidInput as exc:
        return str(exc).removeprefix("subject: ")
    if looks_like_national_id(value):
        return (
            "looks like a national id; use an opaque actor id (e.g. the "
            "provider's pairwise 'sub' or an HR id), never a fødselsnummer"
        )
    return None


def _check_subject(_instance: object, _attribute: object, value: str) -> None:
    problem = subject_problem(value)
    if problem is not None:
        raise InvalidInput(f"subject: {problem}")


def _check_label(_instance: object, _attribute: object, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("display_label: expected a name and service, e.g. 'Kari, helsestasjon'")
    _check_text("display_label", value)
    if holds_identifier(value):
        raise InvalidInput(
            "display_label: must not contain an identifier (six or more digits); "
            "families are shown names and services only"
        )


def _roles(value: object) -> frozenset[str]:
    if isinstance(value, str):
        raise InvalidInput("roles: expected a collection of role names, not one string")
    if not isinstance(value, frozenset | set | tuple | list):
        raise InvalidInput("roles: expected a collection of role names")
    roles = frozenset(str(r) for r in value)
    for role in roles:
        _check_text("roles", role)
    return roles


def _optional_text(_instance: object, attribute: Any, value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidInput(f"{attribute.name}: expected text, got {type(value).__name__}")
    _check_text(attribute.name, value)


def _amr(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise InvalidInput("amr: expected a sequence of method names, e.g. ('BankID',)")
    methods = tuple(str(v) for v in value)
    if any(holds_person_number(method) for method in methods):
        # A method name never holds one; the repr would show it.
        raise InvalidInput("amr: expected method names, not a number that may be a person's")
    return methods


def _instance_of(kind: type, label: str, optional: bool = True) -> Any:
    """A validator: the value is a ``kind`` (or ``None`` when ``optional``). The message names
    the field and the type given, never the value (it may be an identity number)."""

    def check(_instance: object, attribute: Any, value: Any) -> None:
        if (value is None and optional) or isinstance(value, kind):
            return
        raise InvalidInput(
            f"{attribute.name}: expected {label}{' or None' if optional else ''}, "
            f"got {type(value).__name__}"
        )

    return check


def _redacted_id(value: PersonId | None) -> str:
    return "None" if value is None else repr(value)


@attrs.frozen(kw_only=True)
class Principal:
    """An authenticated person (or system) acting through the Casebook.

    ``national_id`` is the person's fødselsnummer or D-nummer as a redacting
    [`PersonId`][barnekoordinator.identifiers.PersonId] (``None`` when the login did not provide
    one, e.g. some eIDAS users and machine clients). ``municipality_number`` is the municipality a
    professional acts for; system roles such as
    [`SystemRole.LEADER`][barnekoordinator.access.principal.SystemRole.LEADER] apply only to cases
    of that municipality.
    """

    subject: str = attrs.field(validator=_check_subject)
    """Stable opaque actor id; written as ``actor`` in events and audit records."""
    display_label: str = attrs.field(validator=_check_label)
    """Name and service as the family is shown them; never an identifier."""
    assurance: AssuranceLevel = attrs.field(
        validator=_instance_of(AssuranceLevel, "an AssuranceLevel", optional=False)
    )
    national_id: PersonId | None = attrs.field(
        default=None,
        repr=_redacted_id,
        validator=_instance_of(PersonId, "a PersonId (PersonId.parse)"),
    )
    hpr: HprNummer | None = attrs.field(
        default=None, validator=_instance_of(HprNummer, "an HprNummer (HprNummer.parse)")
    )
    organisation: Organisasjonsnummer | None = attrs.field(
        default=None,
        validator=_instance_of(Organisasjonsnummer, "an Organisasjonsnummer (parse)"),
    )
    municipality_number: str | None = attrs.field(default=None, validator=_optional_text)
    identity_provider: str = attrs.field(default="", validator=_optional_text)
    """The authenticator's name (``"idporten"``, ``"helseid"`` …)."""
    roles: frozenset[str] = attrs.field(default=frozenset(), converter=_roles)
    amr: tuple[str, ...] = attrs.field(default=(), converter=_amr)
    """How the person logged in (the token's ``amr``, e.g. ``("BankID",)``); informative only."""

    @subject.validator
    def _not_the_national_id(self, _attribute: object, value: str) -> None:
        # The subject must be opaque; equal to the digits would defeat the redaction.
        national_id = self.national_id  # its own validator refuses anything but a PersonId
        if isinstance(national_id, PersonId) and value.strip() == national_id.reveal():
            raise InvalidInput("subject: must not be the principal's national id")

    def has_role(self, role: str) -> bool:
        """True when the principal holds the system role ``role``."""
        return role in self.roles

    def acts_for(self, municipality_number: str) -> bool:
        """True when the principal acts for the municipality with this number."""
        return self.municipality_number is not None and (
            self.municipality_number == municipality_number
        )


def _hidden(_value: str) -> str:
    return "<hidden>"


@attrs.frozen(kw_only=True)
class Credential:
    """Something presented at login: a kind (``"idporten-id-token"``) and a secret token.

    ``repr()`` never shows the token (nor the nonce).
    """

    kind: str = attrs.field()
    token: str = attrs.field(repr=_hidden)
    nonce: str | None = attrs.field(default=None, repr=_hidden)
    """The ``nonce`` the relying party sent in its authorization request, when it has one."""

    @kind.validator
    def _check_kind(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput("kind: expected a credential kind such as 'idporten-id-token'")
        _check_text("kind", value)

    @token.validator
    def _check_token(self, _attribute: object, value: str) -> None:
        # Only the type: the token is never audited or shown, and what is wrong with its
        # content (size, characters, structure) is the verifier's to say, as a TokenRejected
        # with a reason, so that a failed login is always an AuthenticationError.
        if not isinstance(value, str):
            raise InvalidInput("token: expected text")  # never the token itself

    @nonce.validator
    def _check_nonce(self, _attribute: object, value: str | None) -> None:
        # The type only, as for the token: the verifier compares it with the token's.
        if value is not None and not isinstance(value, str):
            raise InvalidInput("nonce: expected text or None")  # never the nonce itself
