"""FHIR R4 exporters: a live Bundle (``fhir-r4``) and a document Bundle (``fhir-r4-document``).

Both encode an [`ExportView`][barnekoordinator.exporting.ExportView] — what one principal may read
of one case, narrowed to a receiving service — and nothing else: the Casebook decides and audits
([`Casebook.export()`][barnekoordinator.casebook.Casebook.export]), this plugin only encodes.

* ``fhir-r4``: a ``collection`` Bundle of Patient, RelatedPerson, Organization, Practitioner,
  PractitionerRole, CareTeam, CarePlan (individuell plan / stafettlogg by category), Goal, Task,
  Encounter, Consent, Provenance and AuditEvent, following HL7 Norway's no-basis profiles where
  one exists (``docs/plugins/fhir.md`` says which).
* ``fhir-r4-document``: the same resources in a ``document`` Bundle, a Composition first, typed
  as an individuell plan document, with one section per part of the case.

The default path builds JSON-ready dicts directly; ``FhirExporter(format, validate=True)`` sends
every Bundle through the ``fhir.resources.R4B`` models first (about ten times slower). A Bundle
exported with the whole history (``include_history=True``) can be read back with
[`read_history()`][barnekoordinator_plugins.fhir.FhirExporter.read_history]; see
[`import_history()`][barnekoordinator.exchange.import_history].
"""

from __future__ import annotations

from typing import Final

from barnekoordinator.config import Config
from barnekoordinator.exporting import ExportView
from barnekoordinator.history.case import RecordedEvent
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator.protocols import ExportResult
from barnekoordinator_plugins.fhir import _bundle, _import
from barnekoordinator_plugins.fhir._codes import (
    CARE_PLAN_INTENTS,
    CARE_PLAN_STATUSES,
    DNR,
    ENH,
    FNR,
    HPR,
    NAMESPACE,
)

__all__ = [
    "CARE_PLAN_INTENTS",
    "CARE_PLAN_STATUSES",
    "DNR",
    "DOCUMENT",
    "ENH",
    "FNR",
    "HPR",
    "LIVE",
    "MEDIA_TYPE",
    "NAMESPACE",
    "FhirExporter",
    "barnekoordinator_exporters",
]

LIVE: Final = "fhir-r4"
"""The format name of the live Bundle."""
DOCUMENT: Final = "fhir-r4-document"
"""The format name of the document Bundle."""
MEDIA_TYPE: Final = "application/fhir+json"
"""The media type of both (FHIR R4 JSON)."""


class FhirExporter:
    """An [`Exporter`][barnekoordinator.protocols.Exporter] (and
    [`Importer`][barnekoordinator.protocols.Importer]) of FHIR R4 Bundles.

    Args:
        format: ``"fhir-r4"`` (live ``collection`` Bundle) or ``"fhir-r4-document"``.
        validate: Send every Bundle through the ``fhir.resources.R4B`` models (needs the
            ``fhir`` extra); otherwise the JSON-ready dicts are written as they are.
    """

    def __init__(self, format: str = LIVE, *, validate: bool = False) -> None:
        if format not in (LIVE, DOCUMENT):
            raise ValueError(f"format: expected {LIVE!r} or {DOCUMENT!r}")
        self._format = format
        self._validate = validate

    @property
    def format(self) -> str:
        """``"fhir-r4"`` or ``"fhir-r4-document"``."""
        return self._format

    @property
    def media_type(self) -> str:
        """``application/fhir+json``."""
        return MEDIA_TYPE

    def bundle(self, view: ExportView) -> tuple[dict[str, object], tuple[str, ...]]:
        """The Bundle of ``view`` as JSON-ready data, and the warnings for the receiver."""
        if self._format == DOCUMENT:
            return _bundle.document_bundle(view)
        return _bundle.live_bundle(view)

    def export(self, view: ExportView) -> ExportResult:
        """Encode ``view`` as one Bundle (see the module docs for what goes where)."""
        bundle, warnings = self.bundle(view)
        content = _bundle.through_models(bundle) if self._validate else _bundle.encode(bundle)
        return ExportResult(
            format=self._format,
            media_type=MEDIA_TYPE,
            case_id=view.case_id,
            version=view.version,
            content=content,
            warnings=warnings,
        )

    def read_history(
        self, content: bytes, catalogue: Catalogue
    ) -> tuple[str, tuple[RecordedEvent, ...]]:
        """The case id and recorded events of a Bundle exported with the whole history.

        Raises:
            BundleRejected: every problem, each with its JSON path (a Bundle without the
                history, a foreign or damaged one).
            MalformedJson: ``content`` is not UTF-8 JSON.
        """
        return _import.read_history(content, catalogue)


@hookimpl
def barnekoordinator_exporters(config: Config) -> list[FhirExporter]:
    """The two FHIR exporters (fast path; validation belongs in tests and on demand)."""
    return [FhirExporter(LIVE), FhirExporter(DOCUMENT)]
