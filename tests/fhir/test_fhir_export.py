"""The FHIR R4 exporters: what the Bundles hold, for whom, and that they are valid FHIR."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from barnekoordinator.casebook import Casebook
from barnekoordinator.config import Config
from barnekoordinator.errors import AccessDenied, InvalidInput
from barnekoordinator.identifiers import PersonId
from barnekoordinator.people import Child
from barnekoordinator.plugins import exporters, get_plugin_manager
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import CaseRun
from barnekoordinator.testing.exporters import (
    ExporterContract,
    RecordingExporter,
    into_casebook,
    rich_case,
    staff_principal,
)
from barnekoordinator_plugins.fhir import DNR, ENH, FNR, HPR, FhirExporter
from barnekoordinator_plugins.memory import InMemoryCaseStore

KE = staff_principal("ke", "Siri, koordinerende enhet")

Check = Callable[[dict[str, Any]], None]
"""The ``check_bundle`` fixture's type."""


class TestLiveExporterContract(ExporterContract):
    """The live exporter passes the conformance suite vendors use."""

    def make_exporter(self) -> FhirExporter:
        return FhirExporter("fhir-r4")


class TestDocumentExporterContract(ExporterContract):
    """So does the document exporter."""

    def make_exporter(self) -> FhirExporter:
        return FhirExporter("fhir-r4-document")


@pytest.fixture
def run() -> CaseRun:
    return rich_case(rounds=2)


@pytest.fixture
def book(run: CaseRun) -> Casebook:
    return into_casebook(InMemoryCaseStore(), run)


def _bundle(content: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(content)
    return data


def _types(bundle: dict[str, Any]) -> Counter[str]:
    return Counter(e["resource"]["resourceType"] for e in bundle["entry"])


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_plugin_is_registered_by_entry_point() -> None:
    """``plugins.exporters()`` finds both formats through the installed entry point."""
    found = {e.format for e in exporters(get_plugin_manager(), Config())}
    assert {"fhir-r4", "fhir-r4-document"} <= found


def test_the_live_bundle_has_every_resource_kind(book: Casebook, run: CaseRun) -> None:
    bundle = _bundle(book.export(KE, run.case.id, "fhir-r4").content)
    assert bundle["type"] == "collection"
    kinds = _types(bundle)
    for kind in (
        "Patient",
        "RelatedPerson",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "CareTeam",
        "CarePlan",
        "Goal",
        "Task",
        "Encounter",
        "Consent",
        "Provenance",
    ):
        assert kinds[kind] >= 1, kind
    categories = {p["category"][0]["coding"][0]["code"] for p in _of(bundle, "CarePlan")}
    assert categories == {"stafettlogg", "individuell-plan"}
    orgs = _of(bundle, "Organization")
    assert all(o["identifier"][0]["system"] == ENH for o in orgs)
    assert ENH == "urn:oid:2.16.578.1.12.4.1.4.101"  # integration.md §4.1, not …4.101.2.1


def test_tiltak_are_tasks_with_owner_and_due_date_and_plan_activities(
    book: Casebook, run: CaseRun
) -> None:
    """Shared Care Planning: a tiltak is a Task basedOn the CarePlan, and an activity of it."""
    bundle = _bundle(book.export(KE, run.case.id, "fhir-r4").content)
    urls = {e["resource"].get("id"): e["fullUrl"] for e in bundle["entry"]}
    tasks = _of(bundle, "Task")
    assert len(tasks) == 4  # two stafettlogg tiltak, two plan measures
    for task in tasks:
        assert "reference" in task["owner"]
        assert task["restriction"]["period"]["end"]
        plan_url = task["basedOn"][0]["reference"]
        plan = next(p for p in _of(bundle, "CarePlan") if urls[p["id"]] == plan_url)
        assert {"reference": {"reference": urls[task["id"]]}} in plan["activity"]
    evaluated = [t for t in tasks if t.get("note")]
    assert evaluated
    assert "Evaluering" in evaluated[0]["note"][0]["text"]


def test_guardians_carry_the_no_basis_parental_responsibility_code(
    book: Casebook, run: CaseRun
) -> None:
    bundle = _bundle(book.export(KE, run.case.id, "fhir-r4").content)
    codes = {
        (c["system"], c["code"])
        for person in _of(bundle, "RelatedPerson")
        for c in person["relationship"][0]["coding"]
    }
    assert ("http://hl7.no/fhir/CodeSystem/no-basis-parental-responsibility", "felles") in codes


def test_identity_numbers_only_when_asked_and_allowed(book: Casebook, run: CaseRun) -> None:
    """Issue 11 item 3: numbers appear only with include_identifiers, for one who may read them."""
    child = run.case.subject
    assert isinstance(child, Child)
    assert isinstance(child.person_id, PersonId)
    number = child.person_id.reveal()
    plain = book.export(KE, run.case.id, "fhir-r4").content
    assert number.encode() not in plain
    assert "identifier" not in _of(_bundle(plain), "Patient")[0]
    asked = _bundle(book.export(KE, run.case.id, "fhir-r4", include_identifiers=True).content)
    patient = _of(asked, "Patient")[0]
    assert patient["identifier"] == [{"system": FNR, "value": number}]
    assert FNR == "urn:oid:2.16.578.1.12.4.1.4.1"
    assert DNR == "urn:oid:2.16.578.1.12.4.1.4.2"
    assert HPR == "urn:oid:2.16.578.1.12.4.1.4.4"


def test_an_export_for_a_service_holds_only_what_its_consent_covers() -> None:
    """Without a share consent, the school (not in the log consent) gets no stafettlogg entry;
    helsestasjon (in it) does (pbrl § 4-3 / BTI stafettlogg consent)."""
    run = rich_case(share=False)
    book = into_casebook(InMemoryCaseStore(), run)
    barnehage = staff_principal("pl", "Pedagogisk leder")
    recorder = RecordingExporter(FhirExporter())
    book.export(barnehage, run.case.id, recorder, for_service=ServiceKind.SKOLE)
    view = recorder.views[0]
    assert view.for_service is ServiceKind.SKOLE
    assert not any(e.meta.id.startswith("stafettlogg:") for e in view.entries)
    recorder = RecordingExporter(FhirExporter())
    book.export(barnehage, run.case.id, recorder, for_service=ServiceKind.HELSESTASJON)
    assert any(e.meta.id.startswith("stafettlogg:") for e in recorder.views[0].entries)


def test_an_export_for_a_service_without_any_consent_is_refused_and_audited(
    book: Casebook, run: CaseRun
) -> None:
    with pytest.raises(AccessDenied, match="no valid consent"):
        book.export(KE, run.case.id, "fhir-r4", for_service=ServiceKind.NAV_KOMMUNE)
    assert not book.store.read_audit(run.case.id)[-1].allowed


def test_an_unknown_format_is_a_usage_error_and_audited(book: Casebook, run: CaseRun) -> None:
    with pytest.raises(InvalidInput, match=r"known: .*fhir-r4"):
        book.export(KE, run.case.id, "hl7-v2")
    assert book.store.read_audit(run.case.id)[-1].target == "export:hl7-v2"


def test_a_later_export_shows_the_earlier_one_as_an_audit_event(
    book: Casebook, run: CaseRun
) -> None:
    """Koordinerende enhet may read the audit trail, so the second export lists the first."""
    book.export(KE, run.case.id, "fhir-r4")
    second = _bundle(book.export(KE, run.case.id, "fhir-r4").content)
    events = _of(second, "AuditEvent")
    assert [e["subtype"][0]["code"] for e in events] == ["read"]
    assert events[0]["agent"][0]["who"]["display"] == KE.display_label


def test_the_whole_history_goes_only_to_one_who_may_read_all_of_it() -> None:
    run = rich_case(share=False)
    book = into_casebook(InMemoryCaseStore(), run)
    with pytest.raises(AccessDenied, match="whole history"):
        book.export(KE, run.case.id, "fhir-r4", include_identifiers=True, include_history=True)


@pytest.mark.parametrize("fmt", ["fhir-r4", "fhir-r4-document"])
@pytest.mark.parametrize("validate", [False, True])
@pytest.mark.parametrize("identifiers", [False, True])
def test_every_bundle_is_valid_fhir_r4_both_ways(
    book: Casebook, run: CaseRun, check_bundle: Check, fmt: str, validate: bool, identifiers: bool
) -> None:
    """The JSON Schema and the R4B models both accept it, whichever path wrote it."""
    book.export(KE, run.case.id, fmt)  # an earlier export: the next one has an AuditEvent
    result = book.export(
        KE,
        run.case.id,
        FhirExporter(fmt, validate=validate),
        include_identifiers=identifiers,
        include_history=identifiers,
    )
    bundle = _bundle(result.content)
    check_bundle(bundle)
    assert _types(bundle)["AuditEvent"] >= 1


def test_the_document_bundle_starts_with_an_individuell_plan_composition(
    book: Casebook, run: CaseRun
) -> None:
    bundle = _bundle(book.export(KE, run.case.id, "fhir-r4-document").content)
    assert bundle["type"] == "document"
    assert bundle["identifier"]["value"]
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert {"individuell-plan", "18776-5"} <= {c["code"] for c in composition["type"]["coding"]}
    urls = {e["fullUrl"] for e in bundle["entry"]}
    refs = [r["reference"] for s in composition["section"] for r in s["entry"]]
    assert set(refs) <= urls
    assert len(refs) == len(bundle["entry"]) - 1


def test_the_validated_path_writes_the_same_bundle(book: Casebook, run: CaseRun) -> None:
    """The models change nothing the fast path wrote (same resources, same values)."""
    recorder = RecordingExporter(FhirExporter())
    fast = _bundle(book.export(KE, run.case.id, recorder).content)
    slow = _bundle(FhirExporter(validate=True).export(recorder.views[0]).content)
    assert [e["fullUrl"] for e in slow["entry"]] == [e["fullUrl"] for e in fast["entry"]]
    assert Bundle.model_validate(slow) == Bundle.model_validate(fast)


def test_a_leader_exports_status_and_deadlines_but_no_content_and_no_names(
    book: Casebook, run: CaseRun
) -> None:
    """A service leader oversees the municipality's cases (status, deadlines), never their content:
    the export holds no entry, no family name and no identifier, even when asked for, and is
    audited as the leader's read."""
    from barnekoordinator.access.principal import SystemRole

    leader = staff_principal("boss", "Leder", SystemRole.LEADER)
    recorder = RecordingExporter(FhirExporter())
    book.export(leader, run.case.id, recorder, include_identifiers=True)
    view = recorder.views[0]
    assert view.entries == ()
    assert not view.identifiers
    child = run.case.subject
    assert isinstance(child, Child)
    assert isinstance(child.person_id, PersonId)
    bundle = _bundle(book.export(leader, run.case.id, "fhir-r4", include_identifiers=True).content)
    assert child.person_id.reveal() not in json.dumps(bundle)
    # Who takes part and the plan's and the log's status — nothing anyone wrote in them.
    assert set(_types(bundle)) <= {
        "Patient",
        "RelatedPerson",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "CareTeam",
        "CarePlan",
    }
    for family in (*_of(bundle, "Patient"), *_of(bundle, "RelatedPerson")):
        assert not {"identifier", "name", "birthDate"} & set(family)
    for plan in _of(bundle, "CarePlan"):
        assert not {"activity", "goal"} & set(plan)
    trail = book.store.read_audit(run.case.id)
    assert [(r.actor, r.target, r.allowed) for r in trail[-2:]] == [
        ("boss", "export:fhir-r4", True),
        ("boss", "export:fhir-r4", True),
    ]


def test_identity_numbers_go_to_a_participant_only_while_a_consent_covers_its_service(
    run: CaseRun, book: Casebook
) -> None:
    """pbrl § 3-6 / hol § 7-2 a (third sweep, F4): PPT takes part but no consent covers it, so it
    reads no entry, and an export it asks identifiers for holds none (and says so); the
    helsestasjon, which the consents cover, gets them."""
    child = run.case.subject
    assert isinstance(child, Child)
    assert isinstance(child.person_id, PersonId)
    number = child.person_id.reveal()
    ppt = staff_principal("ppt", "Ola, PPT")
    result = book.export(ppt, run.case.id, "fhir-r4", include_identifiers=True)
    assert number.encode() not in result.content
    assert any("may not read them" in w for w in result.warnings)
    nurse = staff_principal("hs", "Kari, helsestasjon")
    assert (
        number.encode()
        in book.export(nurse, run.case.id, "fhir-r4", include_identifiers=True).content
    )
