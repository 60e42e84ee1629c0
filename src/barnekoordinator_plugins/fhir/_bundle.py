"""The two Bundles of an export view: *live* (``collection``) and *document* (a Composition first).

Both are built as JSON-ready dicts (the fast path); the validated path parses the finished
Bundle with the ``fhir.resources.R4B`` models and writes what the models give back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Final

from barnekoordinator.errors import ExportError, MissingExtraError
from barnekoordinator.exporting import ExportView
from barnekoordinator_plugins.fhir import _codes as c
from barnekoordinator_plugins.fhir._build import (
    Resource,
    Resources,
    coding,
    concept,
    fhir_text,
    instant,
    narrative,
)
from barnekoordinator_plugins.fhir._items import Items, unmapped_warning

_SECTIONS: Final = (
    ("child", "Barnet og familien", ("Patient", "RelatedPerson")),
    ("team", "Samarbeidsteamet", ("CareTeam", "Practitioner", "PractitionerRole", "Organization")),
    ("plan", "Individuell plan og stafettlogg", ("CarePlan", "Goal", "Task")),
    ("meetings", "Møter", ("Encounter",)),
    ("consents", "Samtykker", ("Consent",)),
    ("provenance", "Hvem registrerte hva", ("Provenance",)),
    ("audit", "Logg over innsyn og endringer", ("AuditEvent",)),
)
"""The document's sections: code, title, and the resource types each lists."""


def resources(view: ExportView) -> tuple[list[tuple[str, Resource]], tuple[str, ...]]:
    """Every live resource of ``view`` with its fullUrl, and the warnings for the receiver."""
    res = Resources(view)
    res.people()
    res.consents()
    items = Items(res)
    items.build()
    res.audit(view.audit)
    res.history(view.history)
    warnings = list(unmapped_warning(items.unmapped))
    if view.decisions or view.complaints:
        warnings.append(
            "individual decisions and complaints are not mapped to FHIR (see the archive document)"
        )
    if view.stronger_login_shows_more:
        warnings.append("some entries need a stronger login and were left out")
    return res.out, tuple(warnings)


def _meta(view: ExportView) -> Resource:
    tag = c.COMPLETE if view.history else c.SCOPED
    return {"tag": [coding(c.EXPORT_TAG, tag)]}


def _identifier(view: ExportView, shape: str) -> dict[str, str]:
    """A stable id of this export: the same view exported again gets the same one."""
    name = f"{view.case_id}|{view.version}|{instant(view.exported_at)}|{shape}"
    return {"system": c.EXPORT_ID, "value": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"}


def live_bundle(view: ExportView) -> tuple[Resource, tuple[str, ...]]:
    """The live Bundle (``collection``) and its warnings."""
    out, warnings = resources(view)
    bundle: Resource = {
        "resourceType": "Bundle",
        "meta": _meta(view),
        "identifier": _identifier(view, "collection"),
        "type": "collection",
        "timestamp": instant(view.exported_at),
        "entry": [{"fullUrl": url, "resource": r} for url, r in out],
    }
    return bundle, warnings


def _title(view: ExportView) -> tuple[str, str]:
    """The document's type code and title: a plan if the case has one, else the stafettlogg."""
    if view.plans:
        return "individuell-plan", "Individuell plan"
    if view.logs:
        return "stafettlogg", "Stafettlogg"
    return "samarbeid", "Samarbeid rundt barnet"


def _section_lines(resources: Iterable[Resource]) -> list[str]:
    lines = []
    for r in resources:
        kind = r["resourceType"]
        text = r.get("title") or r.get("description") or r.get("name") or ""
        if isinstance(text, dict):
            text = text.get("text", "")
        if isinstance(text, list):
            text = ""
        lines.append(f"{kind}: {text}" if text else kind)
    return lines


def document_bundle(view: ExportView) -> tuple[Resource, tuple[str, ...]]:
    """The document Bundle (Composition first) and its warnings."""
    out, warnings = resources(view)
    code, title = _title(view)
    sections = []
    for section_code, section_title, kinds in _SECTIONS:
        members = [(u, r) for u, r in out if r["resourceType"] in kinds]
        if not members:
            continue
        sections.append(
            {
                "title": section_title,
                "code": concept(c.DOCUMENT_SECTION, section_code),
                "text": narrative(_section_lines(r for _, r in members)),
                "entry": [{"reference": u} for u, _ in members],
            }
        )
    patient = next(u for u, r in out if r["resourceType"] == "Patient")
    composition: Resource = {
        "resourceType": "Composition",
        "status": "final",
        "type": {
            "coding": [
                coding(c.LOINC, "18776-5", "Plan of care note"),
                coding(c.DOCUMENT_TYPE, code, title),
            ],
            "text": title,
        },
        "subject": {"reference": patient},
        "date": instant(view.exported_at),
        "author": [{"display": fhir_text(view.exported_by or "barnekoordinator")}],
        "title": title,
        "confidentiality": "R",
        "section": sections,
    }
    name = f"{view.case_id}|{view.version}|composition"
    composition_url = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"
    composition["id"] = composition_url[9:]
    bundle: Resource = {
        "resourceType": "Bundle",
        "meta": _meta(view),
        "identifier": _identifier(view, "document"),
        "type": "document",
        "timestamp": instant(view.exported_at),
        "entry": [
            {"fullUrl": composition_url, "resource": composition},
            *({"fullUrl": url, "resource": r} for url, r in out),
        ],
    }
    return bundle, warnings


def encode(bundle: Resource) -> bytes:
    """The Bundle as compact UTF-8 JSON (the default path: no models)."""
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode()


def through_models(bundle: Resource) -> bytes:
    """The Bundle parsed by the ``fhir.resources.R4B`` models and written by them.

    Raises:
        ExportError: the models refuse the Bundle (the message names paths and error types,
            never a value).
        MissingExtraError: fhir.resources is not installed (the ``fhir`` extra).
    """
    try:
        from fhir.resources.R4B.bundle import Bundle
        from pydantic import ValidationError
    except ImportError:
        raise MissingExtraError("fhir", "The validated FHIR path (fhir.resources)") from None
    try:
        model = Bundle.model_validate(bundle)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['type']}" for err in exc.errors()[:20]
        )
        raise ExportError(f"the FHIR models refuse the bundle: {problems}") from None
    text: str = model.model_dump_json(exclude_none=True)
    return text.encode()
