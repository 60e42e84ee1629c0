"""Exports and Min oversikt read through the one door (issue 11, decision 45).

An export and the overview page hold, for each kind of content, only what the principal's own
access decisions allow: an individual decision, a complaint and a consent only for their readers
(``exporting.records_for``), who has looked only as ``who_looked()`` shows it, and the frames of
a stafettlogg naming only items and consents the principal may read. Each scenario of the sweep
is run through the Casebook as the people who read, beside the readers who must keep what they
had. Every test failed before decision 45.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import attrs
import pytest
from _export_family import citizen, exported_view, family

from barnekoordinator.access.audit import summarise_looks
from barnekoordinator.access.consent import ConsentPurpose, Section, give_consent
from barnekoordinator.access.entries import GuardianVisibility, change_visibility
from barnekoordinator.access.principal import Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import AccessDenied
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child
from barnekoordinator.rights.complaint_records import lodge_complaint
from barnekoordinator.rights.complaints import ComplaintForm
from barnekoordinator.rights.decision_records import record_individual_decision
from barnekoordinator.rights.eligibility import Right
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.archive import refused_decision
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    consent_all,
)
from barnekoordinator.testing.exporters import into_casebook, staff_principal
from barnekoordinator_plugins.archive import HtmlArchiveExporter
from barnekoordinator_plugins.memory import InMemoryCaseStore

DAY = DEFAULT_AS_OF
POLICY = IdentifierPolicy.testing()
MOR = PersonId.parse(synthetic_fodselsnummer(date(1980, 5, 6)), policy=POLICY)
FAR = PersonId.parse(synthetic_fodselsnummer(date(1979, 3, 4)), policy=POLICY)
SECRET = "Barnet har alvorlig psykisk lidelse og er innlagt ved BUP"
NOTE = "Gjelder behandling for spiseforstyrrelse hos BUP"


def _readers(run: CaseRun) -> dict[str, Principal]:
    child = run.case.subject
    assert isinstance(child, Child)
    return {
        "mother": citizen("idp-mor", MOR),
        "father": citizen("idp-far", FAR),
        "child": citizen("idp-barn", child.person_id),
        "kl": staff_principal("kl", "Kari, skole"),
        "hs": staff_principal("hs", "Hanna, helsestasjon"),
        "ke": staff_principal("ke", "Kim, koordinerende enhet"),
        "leader": staff_principal("styrer", "Styrer", SystemRole.LEADER),
    }


def _decided(age: int, *, parties: tuple[str, ...] = ("mor",)) -> tuple[CaseRun, Casebook]:
    """Koordinerende enhet refused barnekoordinator, naming ``parties``; no consent is given."""
    run = family(age, MOR, FAR)
    decision = attrs.evolve(refused_decision(DAY, parties=parties), considerations=SECRET)
    run.run(record_individual_decision, decision=decision, decision_id="v1", by="ke", as_of=DAY)
    return run, into_casebook(InMemoryCaseStore(), run)


# --- individual decisions and complaints --------------------------------------------------


@pytest.mark.parametrize("who", ["kl", "hs"])
def test_a_service_no_consent_covers_gets_no_decision(who: str) -> None:
    """Sweep finding 1: read() gives the teacher and the nurse nothing, and neither may the
    export (archive, FHIR) nor Min oversikt give them the refusal, its considerations or its
    parties (taushetsplikt; decision 45)."""
    run, book = _decided(16)
    reader = _readers(run)[who]
    assert book.read(reader, run.case.id).entries == ()
    view = exported_view(book, reader, run.case.id)
    assert view.decisions == ()
    html = HtmlArchiveExporter(lang="nb").export(view).content.decode()
    assert SECRET not in html
    page = book.overview(reader, run.case.id, lang="en")
    assert page.decision_ids == ()
    assert SECRET not in page.html
    fhir = book.export(reader, run.case.id, "fhir-r4").content.decode()
    assert SECRET not in fhir


def test_a_decision_is_read_by_the_municipality_its_parties_and_by_age() -> None:
    """Koordinerende enhet made it (hotl § 7-3); the mother is its party (fvl § 27) and gets it
    although the child is 16 and its reasoning touches health. The father is no party, and from
    16 he reads no health entry; the child is no party and reads no social entry before 18.
    Under 16 the guardians read every section (pbrl § 3-4 first ledd): the father too."""
    run, book = _decided(16)
    readers = _readers(run)
    for who in ("ke", "mother"):
        view = exported_view(book, readers[who], run.case.id)
        assert [d.decision_id for d in view.decisions] == ["v1"], who
        assert book.overview(readers[who], run.case.id, lang="nb").decision_ids == ("v1",)
    for who in ("father", "child", "leader"):
        assert exported_view(book, readers[who], run.case.id).decisions == (), who
        assert book.overview(readers[who], run.case.id, lang="nb").decision_ids == (), who
    run, book = _decided(9)
    father_ = _readers(run)["father"]
    assert [d.decision_id for d in exported_view(book, father_, run.case.id).decisions] == ["v1"]


def test_a_complaint_goes_to_its_complainant_and_the_municipality_only() -> None:
    """The 16-year-old complains about her own refusal (pbrl § 7-2): she, koordinerende enhet
    and nobody else sees the complaint (the guardians read no health section from 16)."""
    run = family(16, MOR, FAR)
    decision = attrs.evolve(refused_decision(DAY, parties=("child",)), considerations=SECRET)
    run.run(record_individual_decision, decision=decision, decision_id="v1", by="ke", as_of=DAY)
    run.run(
        lodge_complaint,
        complaint_ref="c1",
        decision_ref="v1",
        right=Right.BARNEKOORDINATOR,
        complainant_ref="child",
        knowledge_date=DAY,
        received_on=DAY,
        form=ComplaintForm.WRITTEN_SIGNED,
        by="child",
    )
    book = into_casebook(InMemoryCaseStore(), run)
    readers = _readers(run)
    for who in ("child", "ke"):
        view = exported_view(book, readers[who], run.case.id)
        assert [r.complaint.ref for r in view.complaints] == ["c1"], who
    for who in ("mother", "kl", "hs"):
        assert exported_view(book, readers[who], run.case.id).complaints == (), who


def test_a_receiving_service_gets_a_decision_only_when_covered_for_every_section() -> None:
    """``--for SERVICE`` asked only a general-section consent: a school covered for the general
    section received the reasoning about the child's illness. Now every section must be
    covered; a consent for every section brings it back."""
    run = family(9, MOR, FAR)
    decision = attrs.evolve(refused_decision(DAY), considerations=SECRET)
    run.run(record_individual_decision, decision=decision, decision_id="v1", by="ke", as_of=DAY)
    run.run(
        give_consent,
        consent_id="k-general",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=("mor", "far"),
        services=(S.SKOLE,),
        sections=(Section.GENERAL,),
        as_of=DAY,
    )
    ke = _readers(run)["ke"]
    book = into_casebook(InMemoryCaseStore(), run)
    assert exported_view(book, ke, run.case.id, for_service=S.SKOLE).decisions == ()
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.SKOLE], consent_id="k-all")
    book = into_casebook(InMemoryCaseStore(), run)
    view = exported_view(book, ke, run.case.id, for_service=S.SKOLE)
    assert [d.decision_id for d in view.decisions] == ["v1"]


# --- consents -----------------------------------------------------------------------------


def _youth_health_consent() -> tuple[CaseRun, Casebook]:
    """Sweep finding 2: at 16 the young person consents alone to sharing health information
    with the helsestasjon and the hospital (pbrl § 4-3 b), with a note."""
    run = family(16, MOR, FAR)
    run.run(
        give_consent,
        consent_id="k-helse",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["child"],
        services=[S.HELSESTASJON, S.SYKEHUS],
        sections=[Section.HEALTH],
        as_of=DAY,
        note=NOTE,
    )
    return run, into_casebook(InMemoryCaseStore(), run)


def test_a_youths_health_consent_goes_to_her_and_the_services_it_covers_only() -> None:
    """The guardians may read no health entry from 16 and the school no entry at all: neither
    gets the consent, its services, its section or its note (archive or FHIR). She gave it (her
    own declaration), and the helsestasjon reads health entries under it: both keep it."""
    run, book = _youth_health_consent()
    readers = _readers(run)
    for who in ("mother", "kl"):
        view = exported_view(book, readers[who], run.case.id)
        assert view.consents == (), who
        assert NOTE not in repr(view)
        bundle = json.loads(book.export(readers[who], run.case.id, "fhir-r4").content)
        kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
        assert "Consent" not in kinds
        assert "k-helse" not in json.dumps(bundle)
        html = book.export(readers[who], run.case.id, "archive-html").content.decode()
        assert "k-helse" not in html
    for who in ("child", "hs"):
        assert [k.id for k in exported_view(book, readers[who], run.case.id).consents] == [
            "k-helse"
        ]
    younger = family(9, MOR, FAR)  # under 16 the guardians give the consents and read every section
    consent_all(younger, ConsentPurpose.SHARE_INFORMATION, [S.SKOLE], consent_id="k-skole")
    book = into_casebook(InMemoryCaseStore(), younger)
    for who in ("mother", "father"):
        view = exported_view(book, _readers(younger)[who], younger.case.id)
        assert [k.id for k in view.consents] == ["k-skole"], who


# --- who has looked, and the frames of a stafettlogg ---------------------------------------


def _withheld_observation() -> tuple[CaseRun, Casebook]:
    """Sweep finding 3: a 13-year-old's observation withheld at her request, read by the nurse."""
    run = family(13, MOR, FAR)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.HELSESTASJON], consent_id="k-log")
    run.run(
        stafettlogg.open_stafettlogg,
        by="hs",
        holder_ref="hs",
        level=stafettlogg.BtiLevel.NIVAA_1,
        as_of=DAY,
    )
    run.run(
        stafettlogg.record_observation,
        observation_id="o-prevensjon",
        by="hs",
        kind=stafettlogg.ObservationKind.OPPMERKSOMHET,
        text="Spør om prevensjon",
        as_of=DAY,
    )
    run.run(
        change_visibility,
        entry_id="stafettlogg:o-prevensjon",
        visibility=GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
        decided_by="hs",
        reason="barnets ønske",
        as_of=DAY,
    )
    book = into_casebook(InMemoryCaseStore(), run)
    book.read_entry(_readers(run)["hs"], run.case.id, "stafettlogg:o-prevensjon")
    return run, book


def test_the_audit_an_exporter_gets_is_what_who_looked_shows() -> None:
    """The guardian's exporter got raw audit records: the target naming the withheld entry and
    the real reasons. It now gets the family view's groups (day, label, what, how often)."""
    run, book = _withheld_observation()
    mother_ = _readers(run)["mother"]
    with pytest.raises(AccessDenied, match="no entry"):
        book.read_entry(mother_, run.case.id, "stafettlogg:o-prevensjon")
    trail = book.store.read_audit(run.case.id)
    view = exported_view(book, mother_, run.case.id)
    assert view.audit == summarise_looks(trail)
    assert "prevensjon" not in repr(view.audit)
    assert not any(r.reason in repr(view.audit) for r in trail)
    text = book.who_looked(mother_, run.case.id, "en")
    for group in view.audit:
        assert f"  {group.label}: " in text


def test_fhir_audit_events_carry_no_target_and_count_every_look() -> None:
    run, book = _withheld_observation()
    mother_ = _readers(run)["mother"]
    looks = summarise_looks(book.store.read_audit(run.case.id))
    bundle = json.loads(book.export(mother_, run.case.id, "fhir-r4").content)
    events = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "AuditEvent"
    ]
    assert len(events) == sum(n for g in looks for _, _, n in g.counts)
    assert "prevensjon" not in json.dumps(bundle)
    assert {e["period"]["start"] for e in events} == {DAY.isoformat()}


def test_a_log_frame_names_only_the_items_and_consents_the_reader_may_read() -> None:
    """The frame's item ids named the withheld observation to the mother's exporter; and a
    participant no consent covers got the log's consent ids. The nurse, and koordinerende enhet
    once a consent covers it for every section, keep every item and consent."""
    run, book = _withheld_observation()
    readers = _readers(run)
    (mine,) = exported_view(book, readers["mother"], run.case.id).logs
    assert "stafettlogg:o-prevensjon" not in mine.item_ids
    assert mine.consent_ids == ("k-log",)  # the guardians gave it
    (nurse,) = exported_view(book, readers["hs"], run.case.id).logs
    assert "stafettlogg:o-prevensjon" in nurse.item_ids
    (teacher,) = exported_view(book, readers["kl"], run.case.id).logs
    assert (teacher.item_ids, teacher.consent_ids) == ((), ())
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.KOORDINERENDE_ENHET], consent_id="k-ke")
    run.run(
        stafettlogg.add_log_measure,
        tiltak_id="t1",
        by="hs",
        description="Samtaler",
        responsible_ref="hs",
        evaluation_date=DAY + timedelta(days=14),
        as_of=DAY,
    )
    book = into_casebook(InMemoryCaseStore(), run)
    view = exported_view(book, readers["ke"], run.case.id)
    assert [k.id for k in view.consents] == ["k-log", "k-ke"]
    (log,) = view.logs
    assert {"stafettlogg:o-prevensjon", "stafettlogg:t1"} <= set(log.item_ids)
    assert log.consent_ids == ("k-log",)
