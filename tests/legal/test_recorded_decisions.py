"""Decisions and complaints live in the case (issue 14 item 8; pbrl §§ 7-2, 7-3, 7-5; fvl § 33).

Through the Casebook on a real SQLite file: koordinerende enhet records a refusal, the letter is
rendered from the history and equals the one made from the pure value; the mother lodges a
complaint on her own behalf (and may not for someone else); each complaint stage is recorded by
koordinerende enhet only, is audited, joins the hash chain, and shows as an obligation and an
agenda row with its deadline until the stage is done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination.roles import Role as CaseRoleKind
from barnekoordinator.coordination.roles import grant_role, obligations
from barnekoordinator.errors import AccessDenied, InvalidInput, RuleViolation
from barnekoordinator.history.case import Case, ParticipantJoined, open_case
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.records import verify_events
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional
from barnekoordinator.rights.complaint_records import (
    ComplaintReceived,
    ComplaintReviewed,
    decide_recorded_complaint,
    fulfil_recorded_complaint,
    lodge_complaint,
    recorded_complaints,
    review_recorded_complaint,
)
from barnekoordinator.rights.complaints import ComplaintForm, Resolution, Stage
from barnekoordinator.rights.decision_records import (
    decision_from_history,
    record_individual_decision,
    recorded_decisions,
)
from barnekoordinator.rights.decisions import (
    IndividualDecision,
    Party,
    PartyRole,
    make_decision,
    render_decision,
)
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    EligibilityFacts,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Right,
    assess,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY, back_office_load
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

POLICY = IdentifierPolicy.testing()
BORN = date(2016, 4, 4)
SECRET = b"recorded-decisions-secret-012345"
DECIDED = date(2026, 3, 6)
KNOWN = date(2026, 3, 7)  # a Saturday: 4 weeks end on Saturday 4 April, Easter follows


def pid(born: date) -> PersonId:
    """A synthetic (Tenor +80) person id."""
    return PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY)


MOTHER_ID, FATHER_ID = pid(date(1984, 1, 2)), pid(date(1983, 5, 6))
MOTHER = Principal(
    subject="idporten-mor",
    display_label="Mor",
    assurance=AssuranceLevel.HIGH,
    national_id=MOTHER_ID,
    roles=frozenset({SystemRole.CITIZEN}),
)
FATHER = Principal(
    subject="idporten-far",
    display_label="Far",
    assurance=AssuranceLevel.HIGH,
    national_id=FATHER_ID,
    roles=frozenset({SystemRole.CITIZEN}),
)
KE = Principal(
    subject="ke-1",
    display_label="Koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({SystemRole.KOORDINERENDE_ENHET}),
    municipality_number="0301",
)
NURSE = Principal(
    subject="nurse",
    display_label="Helsesykepleier",
    assurance=AssuranceLevel.HIGH,
    municipality_number="0301",
)


def _book(
    tmp_path: Path, day: date, *, father_responsibility: bool = False
) -> tuple[Casebook, FixedClock, str]:
    clock = FixedClock(datetime.combine(day, time(10), tzinfo=UTC))
    store = SQLiteCaseStore(str(tmp_path / "cases.db"))
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    case_id = book.open_case(
        KE,
        [
            open_case(
                municipality_number="0301",
                subject=Child(ref="barn", birth_date=BORN, person_id=pid(BORN)),
                guardians=(
                    Guardian(
                        ref="mor",
                        relation=GuardianRelation.MOTHER,
                        parental_responsibility=True,
                        person_id=MOTHER_ID,
                    ),
                    Guardian(
                        ref="far",
                        relation=GuardianRelation.FATHER,
                        parental_responsibility=father_responsibility,
                        person_id=FATHER_ID,
                    ),
                ),
            ),
            ParticipantJoined(
                participant=Professional(
                    ref="ke-1",
                    service=ServiceKind.KOORDINERENDE_ENHET,
                    organisation=Organisasjonsnummer("123456785"),
                )
            ),
            ParticipantJoined(
                participant=Professional(
                    ref="nurse",
                    service=ServiceKind.HELSESTASJON,
                    organisation=Organisasjonsnummer("123456785"),
                )
            ),
        ],
    )
    book.execute(
        KE,
        case_id,
        lambda c: grant_role(
            c, ref="ke-1", role=CaseRoleKind.KOORDINERENDE_ENHET, by="ke-1", as_of=day
        ),
    )
    return book, clock, case_id


def _back_office(book: Casebook, case_id: str) -> Case:
    """The whole case as the municipality's trusted back office reads it (not a principal's view:
    the Casebook hands no principal a whole case)."""
    return back_office_load(book.store, case_id)


def _refusal() -> object:
    ke = Author(ref="ke-1", role="koordinerende enhet")
    facts = EligibilityFacts(
        child=ChildFacts(ref="barn", birth_date=BORN),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.SKOLE)),
        judgements=Judgements(
            serious=Judgement(conclusion=False, author=ke, assessed_on=DECIDED),
            long_term=Judgement(conclusion=True, author=ke, assessed_on=DECIDED),
            composite=Judgement(conclusion=True, author=ke, assessed_on=DECIDED),
        ),
        guardians=(GuardianFacts(ref="mor", parental_responsibility=True),),
        child_heard=True,
    )
    return make_decision(
        assess(facts, as_of=DECIDED),
        case_ref="K-2026-0042",
        decided_on=DECIDED,
        municipality="Oslo kommune",
        parties=(Party(ref="mor", name="Mor Eksempel", role=PartyRole.GUARDIAN),),
        signed_by="Siri, koordinerende enhet",
        considerations="Familien og barnet er hørt; barnets beste er vurdert.",
        facts=facts,
    )


def test_a_decision_is_recorded_by_koordinerende_enhet_and_rendered_from_the_history(
    tmp_path: Path,
) -> None:
    """hotl § 7-3, pbrl § 7-2: the decision is a case event; the letter comes from the history."""
    book, _, case_id = _book(tmp_path, DECIDED)
    decision = _refusal()

    def record(c: object) -> object:
        return record_individual_decision(
            c, decision=decision, decision_id="v1", by="ke-1", as_of=DECIDED
        )  # type: ignore[arg-type]

    for outsider in (NURSE, MOTHER):
        with pytest.raises(AccessDenied, match="only koordinerende enhet"):
            book.execute(outsider, case_id, record)  # type: ignore[arg-type]
    book.execute(KE, case_id, record)  # type: ignore[arg-type]
    case = _back_office(book, case_id)
    assert [d.decision_id for d in recorded_decisions(case)] == ["v1"]
    rebuilt = decision_from_history(case, "v1")
    for lang in ("nb", "nn", "en"):
        for fmt in ("text", "markdown", "html"):
            assert render_decision(rebuilt, lang=lang, fmt=fmt) == render_decision(
                decision,  # type: ignore[arg-type]
                lang=lang,
                fmt=fmt,
            )
    records = book.store.read(case_id)
    verify_events(case_id, records)
    replayed = back_office_load(book.store, case_id)
    assert decision_from_history(replayed, "v1") == rebuilt
    audit = book.store.read_audit(case_id)
    denied = [a for a in audit if not a.allowed]
    assert len(denied) == 2  # the nurse's and the mother's attempts, audited
    assert not any("idporten" in r.payload or "1984" in r.payload for r in records)


def test_a_complaint_moves_through_its_stages_with_deadlines_obligations_and_agenda_rows(
    tmp_path: Path,
) -> None:
    """pbrl §§ 7-2, 7-3, 7-5, dl § 149, fvl § 33: each stage is an event with its deadline."""
    book, clock, case_id = _book(tmp_path, DECIDED, father_responsibility=True)
    decision = _refusal()
    book.execute(
        KE,
        case_id,
        lambda c: record_individual_decision(
            c, decision=decision, decision_id="v1", by="ke-1", as_of=DECIDED
        ),  # type: ignore[arg-type]
    )
    received = date(2026, 4, 7)  # the deadline moved past Easter to Tuesday 7 April
    clock.set(datetime.combine(received, time(10), tzinfo=UTC))

    def lodge(complainant: str) -> object:
        return lambda c: lodge_complaint(
            c,
            complaint_ref="klage-1",
            decision_ref="v1",
            right=Right.BARNEKOORDINATOR,
            complainant_ref=complainant,
            knowledge_date=KNOWN,
            received_on=received,
            form=ComplaintForm.WRITTEN_SIGNED,
            by="idporten-mor",
        )

    with pytest.raises(AccessDenied, match="own behalf"):
        book.execute(MOTHER, case_id, lodge("far"))  # type: ignore[arg-type]
    with pytest.raises(RuleViolation, match="may not complain"):
        book.execute(KE, case_id, lodge("barn"))  # type: ignore[arg-type]  # under 16
    book.execute(MOTHER, case_id, lodge("mor"))  # type: ignore[arg-type]
    case = _back_office(book, case_id)
    complaint = recorded_complaints(case)[0].complaint
    assert not complaint.late
    assert complaint.deadline == date(2026, 4, 7)
    assert complaint.forward_by == date(2026, 5, 7)  # 30 days (complaint_forwarding_days)
    rows = book.store.agenda(until=date(2026, 12, 31), case_id=case_id)
    assert [(r.kind, r.key, r.due) for r in rows] == [
        (AgendaKind.OBLIGATION_DUE, "complaint:klage-1:review", date(2026, 5, 7))
    ]
    due = obligations(case, date(2026, 5, 8))
    review = [o for o in due if o.code == "complaint.review-and-forward"]
    assert [(o.actor_ref, o.status.value, o.due) for o in review] == [
        ("ke-1", "overdue", date(2026, 5, 7))
    ]
    assert {"pbrl-7-2", "fvl-33"} <= {r.key for r in review[0].basis}
    assert review[0].text("nn") != review[0].text("nb")

    def review_step(c: object) -> object:
        return review_recorded_complaint(
            c,  # type: ignore[arg-type]
            complaint_ref="klage-1",
            on=date(2026, 4, 20),
            resolution=Resolution.IKKE_MEDHOLD,
            by="ke-1",
        )

    with pytest.raises(AccessDenied, match="only koordinerende enhet"):
        book.execute(MOTHER, case_id, review_step)  # type: ignore[arg-type]
    book.execute(KE, case_id, review_step)  # type: ignore[arg-type]
    case = _back_office(book, case_id)
    assert recorded_complaints(case)[0].complaint.stage is Stage.STATSFORVALTEREN
    assert book.store.agenda(until=date(2026, 12, 31), case_id=case_id) == []
    book.execute(
        KE,
        case_id,
        lambda c: decide_recorded_complaint(
            c,
            complaint_ref="klage-1",
            on=date(2026, 6, 1),
            resolution=Resolution.MEDHOLD,
            fulfil_by=date(2026, 7, 1),
            by="ke-1",
        ),
    )
    case = _back_office(book, case_id)
    rows = book.store.agenda(until=date(2026, 12, 31), case_id=case_id)
    assert [(r.key, r.due) for r in rows] == [("complaint:klage-1:fulfil", date(2026, 7, 1))]
    fulfil = [o for o in obligations(case, date(2026, 7, 2)) if o.subject == "klage-1"]
    assert [(o.code, o.status.value) for o in fulfil] == [("complaint.fulfil-right", "overdue")]
    book.execute(
        KE,
        case_id,
        lambda c: fulfil_recorded_complaint(
            c, complaint_ref="klage-1", on=date(2026, 6, 20), by="ke-1"
        ),
    )
    case = _back_office(book, case_id)
    assert not [o for o in obligations(case, date(2026, 7, 2)) if o.subject == "klage-1"]
    assert book.store.agenda(until=date(2026, 12, 31), case_id=case_id) == []
    records = book.store.read(case_id)
    verify_events(case_id, records)
    assert back_office_load(book.store, case_id) == case
    tags = [r.type for r in records if r.type.startswith("complaint.")]
    assert tags == [
        "complaint.received",
        "complaint.reviewed",
        "complaint.statsforvalter-decided",
        "complaint.fulfilled",
    ]


def test_a_complaint_never_put_in_writing_is_dismissed_and_leaves_the_agenda(
    tmp_path: Path,
) -> None:
    """pbrl § 7-3, fvl § 33 second ledd: an oral complaint not written and signed by its
    correction deadline was never closed — no review, no avvisning, never forwarded — and its
    correct-form obligation and agenda row stayed overdue for koordinerende enhet. After the
    deadline koordinerende enhet may dismiss it (only that); it closes, and both go away."""
    book, clock, case_id = _book(tmp_path, DECIDED, father_responsibility=True)
    decision = _refusal()
    assert isinstance(decision, IndividualDecision)
    book.execute(
        KE,
        case_id,
        lambda c: record_individual_decision(
            c, decision=decision, decision_id="v1", by="ke-1", as_of=DECIDED
        ),
    )
    received = date(2026, 3, 10)
    clock.set(datetime.combine(received, time(10), tzinfo=UTC))
    book.execute(
        KE,
        case_id,
        lambda c: lodge_complaint(
            c,
            complaint_ref="klage-1",
            decision_ref="v1",
            right=Right.BARNEKOORDINATOR,
            complainant_ref="mor",
            knowledge_date=KNOWN,
            received_on=received,
            form=ComplaintForm.ORAL,
            by="ke-1",
        ),
    )
    case = _back_office(book, case_id)
    deadline = recorded_complaints(case)[0].complaint.correction_deadline
    assert deadline == date(2026, 4, 7)
    rows = book.store.agenda(until=date(2027, 12, 31), case_id=case_id)
    assert [(r.key, r.due) for r in rows] == [("complaint:klage-1:correct-form", deadline)]
    assert [
        o.status.value for o in obligations(case, date(2027, 1, 1)) if o.subject == "klage-1"
    ] == ["overdue"]

    def review(on: date, resolution: Resolution) -> Callable[[Case], ComplaintReviewed]:
        return lambda c: review_recorded_complaint(
            c, complaint_ref="klage-1", on=on, resolution=resolution, by="ke-1"
        )

    clock.set(datetime.combine(date(2026, 4, 20), time(10), tzinfo=UTC))
    with pytest.raises(RuleViolation, match="wait for the correction"):
        book.execute(KE, case_id, review(deadline, Resolution.AVVISNING))
    with pytest.raises(RuleViolation, match="only dismiss"):
        book.execute(KE, case_id, review(date(2026, 4, 8), Resolution.IKKE_MEDHOLD))
    with pytest.raises(AccessDenied, match="only koordinerende enhet"):
        book.execute(MOTHER, case_id, review(date(2026, 4, 8), Resolution.AVVISNING))
    book.execute(KE, case_id, review(date(2026, 4, 8), Resolution.AVVISNING))
    case = _back_office(book, case_id)
    complaint = recorded_complaints(case)[0].complaint
    assert (complaint.stage, complaint.resolution) == (Stage.CLOSED, Resolution.AVVISNING)
    assert not [o for o in obligations(case, date(2027, 1, 1)) if o.subject == "klage-1"]
    assert book.store.agenda(until=date(2027, 12, 31), case_id=case_id) == []
    records = book.store.read(case_id)
    verify_events(case_id, records)
    assert back_office_load(book.store, case_id) == case


def test_a_complaint_about_the_stafettlogg_is_not_received_for_statsforvalteren(
    tmp_path: Path,
) -> None:
    """pbrl § 7-2 is for the rights of kapittel 2; BTI and its stafettlogg are practice (an
    undecided request for one is no complainable breach either). A complaint about it was
    received and forwarded to statsforvalteren; now it is refused, and so is the event made by
    hand, and nothing is stored."""
    book, _, case_id = _book(tmp_path, DECIDED, father_responsibility=True)
    before = len(book.store.read(case_id))
    with pytest.raises(RuleViolation, match="not a right under pasient- og brukerrettighetsloven"):
        book.execute(
            MOTHER,
            case_id,
            lambda c: lodge_complaint(
                c,
                complaint_ref="klage-1",
                decision_ref="bti-nei",
                right=Right.STAFETTLOGG,
                complainant_ref="mor",
                knowledge_date=KNOWN,
                received_on=KNOWN,
                form=ComplaintForm.WRITTEN_SIGNED,
                by="idporten-mor",
            ),
        )
    hand_made = ComplaintReceived(
        complaint_ref="klage-1",
        decision_ref="bti-nei",
        right=Right.STAFETTLOGG,
        complainant_ref="mor",
        knowledge_date=KNOWN,
        received_on=KNOWN,
        form=ComplaintForm.WRITTEN_SIGNED,
        correction_deadline=None,
        forward_by=date(2026, 4, 7),
        by="ke-1",
    )
    with pytest.raises(InvalidInput, match="right: expected a right under pbrl kapittel 2"):
        book.execute(KE, case_id, lambda c: hand_made)
    assert len(book.store.read(case_id)) == before
    assert recorded_complaints(_back_office(book, case_id)) == ()
