"""Identifier systems, profiles and code systems of the FHIR R4 export, in one place.

The Norwegian identifier systems are HL7 Norway's (``kodeverk``'s identifier namespace and the
no-basis NamingSystems): fødselsnummer ``urn:oid:2.16.578.1.12.4.1.4.1``, D-nummer ``…4.2``,
felles hjelpenummer ``…4.3``, HPR-nummer ``…4.4``, organisasjonsnummer ``…4.101``. The library's
own codes (care-plan categories, roles, services, event types) live under
[`NAMESPACE`][barnekoordinator_plugins.fhir.NAMESPACE].
"""

from __future__ import annotations

from typing import Final

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.plan import PlanStatus
from barnekoordinator.coordination.stafettlogg import ClosingReason, LogStatus
from barnekoordinator.identifiers import IdentifierKind
from barnekoordinator.people import GuardianRelation

NAMESPACE: Final = "https://barnekoordinator.no/fhir"
"""The base of the library's own code systems and extensions."""

FNR: Final = "urn:oid:2.16.578.1.12.4.1.4.1"
DNR: Final = "urn:oid:2.16.578.1.12.4.1.4.2"
FHN: Final = "urn:oid:2.16.578.1.12.4.1.4.3"
HPR: Final = "urn:oid:2.16.578.1.12.4.1.4.4"
ENH: Final = "urn:oid:2.16.578.1.12.4.1.4.101"

PERSON_SYSTEMS: Final = {
    IdentifierKind.FODSELSNUMMER: FNR,
    IdentifierKind.D_NUMMER: DNR,
    IdentifierKind.FH_NUMMER: FHN,
}
"""The system of each kind of person id; an H-nummer is local (no-basis wants an assigner the
library does not know) and is left out."""

NO_BASIS: Final = "http://hl7.no/fhir/StructureDefinition/"
PARENTAL: Final = "http://hl7.no/fhir/CodeSystem/no-basis-parental-responsibility"
V3_ROLE: Final = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
V3_ACT: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_PARTICIPATION: Final = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
V3_OPERATION: Final = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
PROVENANCE_AGENT: Final = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
CONSENT_SCOPE: Final = "http://terminology.hl7.org/CodeSystem/consentscope"
AUDIT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/audit-event-type"
LOINC: Final = "http://loinc.org"

CATEGORY: Final = f"{NAMESPACE}/CodeSystem/careplan-category"
ROLE: Final = f"{NAMESPACE}/CodeSystem/role"
SERVICE: Final = f"{NAMESPACE}/CodeSystem/service"
EVENT_TYPE: Final = f"{NAMESPACE}/CodeSystem/event-type"
SECTION: Final = f"{NAMESPACE}/CodeSystem/section"
PURPOSE: Final = f"{NAMESPACE}/CodeSystem/consent-purpose"
ENTRY_KIND: Final = f"{NAMESPACE}/CodeSystem/entry-kind"
AUDIT_ACTION: Final = f"{NAMESPACE}/CodeSystem/audit-action"
DOCUMENT_TYPE: Final = f"{NAMESPACE}/CodeSystem/document-type"
DOCUMENT_SECTION: Final = f"{NAMESPACE}/CodeSystem/document-section"
EXPORT_TAG: Final = f"{NAMESPACE}/CodeSystem/export"
EXPORT_ID: Final = f"{NAMESPACE}/export"
LEGAL_BASIS: Final = f"{NAMESPACE}/legal-basis/"

RECORDED_EVENT: Final = f"{NAMESPACE}/StructureDefinition/recorded-event"
"""Provenance extension: one recorded event, whole (the lossless history)."""
MINUTES: Final = f"{NAMESPACE}/StructureDefinition/minutes"
"""Encounter extension: the minutes the stafettlogg was written as in the meeting."""
EXPECTED: Final = f"{NAMESPACE}/StructureDefinition/expected-date"
"""Patient extension: the expected date of an expected child."""

COMPLETE: Final = "complete-history"
"""The export tag of a bundle that carries the whole history (it can be imported)."""
SCOPED: Final = "scoped"
"""The export tag of a bundle narrowed to what one principal may read."""

RELATION: Final = {
    GuardianRelation.MOTHER: ("MTH", "mother", "mor"),
    GuardianRelation.FATHER: ("FTH", "father", "far"),
    GuardianRelation.CO_MOTHER: ("PRN", "parent", "medmor"),
    GuardianRelation.OTHER: ("GUARD", "guardian", "andre"),
}
"""v3 RoleCode, its display, and the no-basis parental-responsibility code of each relation."""

LOG_STATUS: Final = {LogStatus.OPEN: "active", LogStatus.LINKED: "completed"}
PLAN_STATUS: Final = {
    PlanStatus.ACTIVE: "active",
    PlanStatus.SUSPENDED: "on-hold",
    PlanStatus.ENDED: "completed",
}


def log_status(status: LogStatus, reason: ClosingReason | None) -> str:
    """CarePlan.status of a stafettlogg: closed on withdrawn consent is ``revoked``."""
    if status is LogStatus.CLOSED:
        return "revoked" if reason is ClosingReason.CONSENT_WITHDRAWN else "completed"
    return LOG_STATUS[status]


CONSENT_SCOPES: Final = {
    ConsentPurpose.SHARE_INFORMATION: "patient-privacy",
    ConsentPurpose.STAFETTLOGG: "patient-privacy",
}
"""Consent.scope: sharing is privacy; every other purpose consents to care (``treatment``)."""

AUDIT_ACTIONS: Final = {
    "read": "R",
    "read-audit": "R",
    "open": "C",
    "write": "U",
    "import": "C",
    "shred": "D",  # a crypto-shred: the identity numbers deleted (KeyRing.destroy)
}
"""AuditEvent.action per audited action (anything else is a command name: a write, ``U``)."""

CARE_PLAN_STATUSES: Final = frozenset(
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)
"""The required value set of CarePlan.status (request-status), which the JSON Schema leaves open."""
CARE_PLAN_INTENTS: Final = frozenset({"proposal", "plan", "order", "option"})
"""The required value set of CarePlan.intent (care-plan-intent), open in the JSON Schema too."""
