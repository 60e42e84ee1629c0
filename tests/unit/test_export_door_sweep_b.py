"""Exports read through the door: the second sweep's findings (decision 45).

``exporting.records_for()`` is the one rule for who reads a consent, an individual decision or a
complaint. The sweep found four ways around it or around the identifier rule: the whole history
handed to a reader ``records_for`` refuses a decision, a young person's own health-care consent
decided only by the sections it names, an export *for* a service no consent covers carrying the
family's national identity numbers, and an exporter whose ``format`` raises escaping the audit.
Every test failed before the fix.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from _export_family import citizen, exported_view, family

from barnekoordinator.access.consent import ConsentPurpose, Section, give_consent
from barnekoordinator.errors import AccessDenied, PluginContractError
from barnekoordinator.exporting import ExportView
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child
from barnekoordinator.rights.decision_records import record_individual_decision
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.archive import refused_decision
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    consent_all,
)
from barnekoordinator.testing.exporters import into_casebook, staff_principal
from barnekoordinator_plugins.memory import InMemoryCaseStore

DAY = DEFAULT_AS_OF
POLICY = IdentifierPolicy.testing()
MOR = PersonId.parse(synthetic_fodselsnummer(date(1981, 2, 3)), policy=POLICY)
FAR = PersonId.parse(synthetic_fodselsnummer(date(1978, 8, 9)), policy=POLICY)
SECRET = "Barnet er innlagt ved BUP for spiseforstyrrelse"
NOTE = "Ønsker prevensjonsveiledning"
FNR_SYSTEM = "urn:oid:2.16.578.1.12.4.1.4.1"


def _numbers(content: bytes) -> list[str]:
    bundle = json.loads(content)
    return [
        i["value"]
        for e in bundle["entry"]
        for i in e["resource"].get("identifier", [])
        if i.get("system") == FNR_SYSTEM
    ]


# --- 1: the whole history -----------------------------------------------------------------


def _health_only_for_the_nurse() -> CaseRun:
    """Koordinerende enhet refused barnekoordinator (with considerations); the guardians let the
    helsestasjon share health information only."""
    run = family(14, MOR, FAR)
    decision = attrs.evolve(refused_decision(DAY), considerations=SECRET)
    run.run(record_individual_decision, decision=decision, decision_id="v1", by="ke", as_of=DAY)
    run.run(
        give_consent,
        consent_id="k-helse",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=("mor", "far"),
        services=(S.HELSESTASJON,),
        sections=(Section.HEALTH,),
        as_of=DAY,
    )
    return run


def test_the_history_goes_only_to_a_reader_of_every_case_record() -> None:
    """Decision 45: ``records_for`` refuses the nurse the refusal of barnekoordinator, whose
    reasoning touches every section (taushetsplikt, domain.md §6.3 rule 5; pbrl § 4-4: her
    consent covers health only). Her ordinary export leaves it out, so the whole history (which
    holds ``individual-decision.recorded`` and its considerations) is refused her too, audited
    once as that refusal. A consent covering her for every section gives her all of it."""
    run = _health_only_for_the_nurse()
    book = into_casebook(InMemoryCaseStore(), run)
    nurse = staff_principal("hs", "Hanna, helsestasjon")
    assert exported_view(book, nurse, run.case.id, include_identifiers=True).decisions == ()
    before = len(book.store.read_audit(run.case.id))
    with pytest.raises(AccessDenied, match="whole history"):
        book.export(nurse, run.case.id, "fhir-r4", include_identifiers=True, include_history=True)
    added = book.store.read_audit(run.case.id)[before:]
    assert len(added) == 1
    assert (added[0].allowed, added[0].target) == (False, "export:fhir-r4")
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.HELSESTASJON], consent_id="k-alt")
    book = into_casebook(InMemoryCaseStore(), run)
    whole = book.export(
        nurse, run.case.id, "fhir-r4", include_identifiers=True, include_history=True
    )
    assert "individual-decision.recorded" in whole.content.decode()


# --- 2: a young person's own health-care consent --------------------------------------------


def test_a_youths_own_health_care_consent_is_not_her_parents_to_read() -> None:
    """From 16 the young person consents to health care alone (pbrl § 4-3 b), and the guardians
    read her health matters only when necessary for foreldreansvaret (pbrl § 3-4 fourth ledd).
    Her consent is decided as a health entry whatever sections it names (decision 45): neither
    parent gets it (view, FHIR, archive). She reads it as her own declaration. A health-care
    consent the guardians gave when she was 15 stays theirs to read after her 16th birthday
    (pbrl § 4-4: their own declaration)."""
    run = family(16, MOR, FAR)
    run.run(
        give_consent,
        consent_id="hc1",
        purpose=ConsentPurpose.HEALTH_CARE,
        given_by=["child"],
        services=[S.HELSESTASJON],
        sections=[Section.GENERAL],
        as_of=DAY,
        note=NOTE,
    )
    book = into_casebook(InMemoryCaseStore(), run)
    for who, person in (("idp-mor", MOR), ("idp-far", FAR)):
        parent = citizen(who, person)
        assert exported_view(book, parent, run.case.id).consents == (), who
        fhir = book.export(parent, run.case.id, "fhir-r4").content.decode()
        assert "hc1" not in fhir, who
        assert NOTE not in fhir, who
        html = book.export(parent, run.case.id, "archive-html").content.decode()
        assert "hc1" not in html, who
        assert NOTE not in html, who
    child = run.case.subject
    assert isinstance(child, Child)
    youth = citizen("idp-barn", child.person_id)
    assert [k.id for k in exported_view(book, youth, run.case.id).consents] == ["hc1"]

    later = DAY + timedelta(days=365)  # she is 15 on DAY and 16 on ``later``
    run = family(16, MOR, FAR, as_of=later)
    run.run(
        give_consent,
        consent_id="hc-foreldre",
        purpose=ConsentPurpose.HEALTH_CARE,
        given_by=["far", "mor"],
        services=[S.HELSESTASJON],
        sections=[Section.GENERAL],
        as_of=DAY,
    )
    book = into_casebook(InMemoryCaseStore(), run, as_of=later)
    for who, person in (("idp-mor", MOR), ("idp-far", FAR)):
        view = exported_view(book, citizen(who, person), run.case.id)
        assert [k.id for k in view.consents] == ["hc-foreldre"], who


# --- 3: identifiers in an export for a receiving service ------------------------------------


def test_an_export_for_a_service_no_consent_covers_carries_no_identity_numbers() -> None:
    """The school's own participant takes no national identity number while no consent covers
    the school (taushetsplikt; pbrl § 4-4, decision 45), so neither may an export koordinerende
    enhet makes *for* the school: the numbers are left out and the result warns. A consent
    covering the school brings them back."""
    run = family(14, MOR, FAR)
    book = into_casebook(InMemoryCaseStore(), run)
    ke = staff_principal("ke", "Kim, koordinerende enhet")
    sent = book.export(ke, run.case.id, "fhir-r4", for_service="skole", include_identifiers=True)
    assert _numbers(sent.content) == []
    assert any("identifiers were asked for" in w and "skole" in w for w in sent.warnings)
    view = exported_view(book, ke, run.case.id, for_service=S.SKOLE, include_identifiers=True)
    assert not view.identifiers
    assert isinstance(view.child, Child)
    assert view.child.person_id is None
    assert all(g.person_id is None for g in view.guardians)
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.SKOLE], consent_id="k-skole")
    book = into_casebook(InMemoryCaseStore(), run)
    sent = book.export(ke, run.case.id, "fhir-r4", for_service="skole", include_identifiers=True)
    assert len(_numbers(sent.content)) == 3
    assert not any("identifiers" in w for w in sent.warnings)


# --- 4: an exporter whose format raises -----------------------------------------------------


class _Broken:
    """A plugin exporter whose ``format`` (or ``media_type``) raises, quoting a number."""

    def __init__(self, raising: str) -> None:
        self.raising = raising

    def _get(self, name: str) -> str:
        if name == self.raising:
            raise ValueError(f"not configured for {MOR.reveal()}")
        return "broken-json" if name == "format" else "application/json"

    @property
    def format(self) -> str:
        return self._get("format")

    @property
    def media_type(self) -> str:
        return self._get("media_type")

    def export(self, view: ExportView) -> Any:
        raise AssertionError("never run")


@pytest.mark.parametrize("raising", ["format", "media_type"])
def test_an_exporter_whose_properties_raise_is_audited_once_as_a_plugin_fault(
    raising: str,
) -> None:
    """Every call through the one door leaves exactly one audit record (decision 45; pbrl § 5-1:
    who has looked is the family's to know). An exporter whose ``format`` raised escaped as a
    raw ``ValueError`` with no record; now it is a ``PluginContractError`` naming the
    exporter's type, never the exception's text (which may quote a fødselsnummer)."""
    run = family(14, MOR, FAR)
    book = into_casebook(InMemoryCaseStore(), run)
    parent = citizen("idp-mor", MOR)
    before = len(book.store.read_audit(run.case.id))
    with pytest.raises(PluginContractError) as caught:
        book.export(parent, run.case.id, _Broken(raising))
    assert "_Broken" in str(caught.value)
    assert "not configured" not in str(caught.value)
    assert MOR.reveal() not in str(caught.value)
    assert caught.value.__cause__ is None
    added = book.store.read_audit(run.case.id)[before:]
    assert len(added) == 1
    assert not added[0].allowed
    shown = "export:?" if raising == "format" else "export:broken-json"
    assert added[0].target == shown
    assert MOR.reveal() not in repr(added[0])
