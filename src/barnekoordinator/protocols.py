"""The Protocols that plugin objects implement (besides the case store).

Hooks in [`barnekoordinator.hookspecs`][barnekoordinator.hookspecs] return objects; the core calls
those objects and checks them against these ``runtime_checkable`` Protocols
(a mismatch names the plugin in a
[`PluginContractError`][barnekoordinator.errors.PluginContractError]).

* [`Authenticator`][barnekoordinator.protocols.Authenticator] turns a credential into a `Principal`.
* [`Exporter`][barnekoordinator.protocols.Exporter] turns what one principal may read of a case (an
  [`ExportView`][barnekoordinator.exporting.ExportView]) into a document
  ([`ExportResult`][barnekoordinator.protocols.ExportResult]).
* [`PersonRegistry`][barnekoordinator.protocols.PersonRegistry] answers Folkeregisteret questions:
  registered birth date and guardians.

The case store has its own module,
[`barnekoordinator.history.store`][barnekoordinator.history.store].
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    from barnekoordinator.access.principal import Credential, Principal
    from barnekoordinator.exporting import ExportView
    from barnekoordinator.identifiers import PersonId
    from barnekoordinator.people import Guardian

__all__ = ["Authenticator", "ExportResult", "Exporter", "PersonRegistry"]


@runtime_checkable
class Authenticator(Protocol):
    """Verifies one kind of credential (an ID-porten id_token, a HelseID token …)."""

    @property
    def name(self) -> str:
        """A short, stable name such as ``"idporten"`` (shown in audit trails)."""
        ...

    def authenticate(self, credential: Credential) -> Principal | None:
        """Return the verified principal, or ``None`` when the credential is not this
        authenticator's kind. Raise [`TokenRejected`][barnekoordinator.errors.TokenRejected]
        when it is, but fails verification.
        """
        ...


@attrs.frozen(kw_only=True)
class ExportResult:
    """A document produced by an [`Exporter`][barnekoordinator.protocols.Exporter].

    ``version`` is the case version the document reflects, so a receiver can
    tell whether it is current. ``content`` holds the encoded document.
    """

    format: str
    """The exporter's format name, e.g. ``"fhir-r4-bundle"``."""
    media_type: str
    """The IANA media type, e.g. ``"application/fhir+json"``."""
    case_id: str
    version: int
    content: bytes = attrs.field(repr=lambda content: f"<{len(content)} bytes>")
    warnings: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """Things the receiver should know (e.g. fields that have no mapping); no personal data."""


@runtime_checkable
class Exporter(Protocol):
    """Turns what one principal may read of one case into a document for another system.

    An exporter is handed an [`ExportView`][barnekoordinator.exporting.ExportView] by
    [`Casebook.export()`][barnekoordinator.casebook.Casebook.export], never the case or its
    records: the one door decides and audits, the exporter only encodes. Prove an exporter with
    [`ExporterContract`][barnekoordinator.testing.exporters.ExporterContract].
    """

    @property
    def format(self) -> str:
        """A short, stable format name such as ``"fhir-r4-bundle"``."""
        ...

    @property
    def media_type(self) -> str:
        """The media type of the documents this exporter produces."""
        ...

    def export(self, view: ExportView) -> ExportResult:
        """Encode ``view`` (and nothing else) as one document of this format.

        The result's ``case_id`` and ``version`` are the view's. Raise
        [`ExportError`][barnekoordinator.errors.ExportError] when no valid document can be
        produced; never put personal data in a message or a warning.
        """
        ...


@runtime_checkable
class PersonRegistry(Protocol):
    """Folkeregisteret lookups: the only source of a child's age and guardians."""

    def birth_date(self, person: PersonId) -> date | None:
        """The registered birth date, or ``None`` when the person is unknown."""
        ...

    def guardians(self, child: PersonId) -> Sequence[Guardian]:
        """The child's registered guardians with their foreldreansvar (may be empty)."""
        ...
