"""A withdrawal ends a consent only for the sections its withdrawer decides on (sweep 2026-12-08).

Pasient- og brukerrettighetsloven § 4-3 b and § 3-4 (domain.md §6.2, §6.3 rule 6): from 16 the
young person alone consents to sharing health information; outside health the guardians with
foreldreansvar keep that say until 18 (§ 4-4). Anyone entitled for *any* section a consent named
could withdraw the *whole* consent: a mother ended her 16-year-old's health sharing, and the
16-year-old ended the guardians' education sharing. Now a withdrawal ends the consent for the
sections its withdrawer decides on that day (``consent.partly-withdrawn``); the rest stays in
force. Whoever decides on every section it names, or its last giver, still ends it whole
(decision 47: the guardians close the stafettlogg before 16; the table's 15-year-old rows).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from barnekoordinator.access.consent import (
    ConsentPartlyWithdrawn,
    ConsentPurpose,
    ConsentWithdrawn,
    Section,
    give_consent,
    ledger,
    required_consenters,
    withdraw_consent,
)
from barnekoordinator.access.policy import authorise_events
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import RuleViolation
from barnekoordinator.history.case import ParticipantJoined, open_case
from barnekoordinator.history.serialization import event_from_json, event_to_json
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional, birthday
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    TEST_SEALING_KEY,
    CaseRun,
    back_office_load,
    child_aged,
    father,
    mother,
    new_case,
    professional,
)
from barnekoordinator_plugins.memory import InMemoryCaseStore

POLICY = IdentifierPolicy.testing()
ORG = Organisasjonsnummer.parse("123456785")
BORN = date(2010, 9, 14)
SIXTEEN = date(2026, 9, 24)  # ten days after the 16th birthday
CHILD_ID = PersonId.parse(synthetic_fodselsnummer(BORN), policy=POLICY)
MOTHER_ID = PersonId.parse(synthetic_fodselsnummer(date(1982, 4, 1)), policy=POLICY)
FATHER_ID = PersonId.parse(synthetic_fodselsnummer(date(1981, 2, 3)), policy=POLICY)


def _citizen(person: PersonId, label: str) -> Principal:
    return Principal(
        subject=f"idporten-{label}",
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        national_id=person,
        roles=frozenset({SystemRole.CITIZEN}),
    )


def _staff(subject: str, *roles: SystemRole, hpr: int | None = None) -> Principal:
    return Principal(
        subject=subject,
        display_label=subject,
        assurance=AssuranceLevel.HIGH,
        roles=frozenset(roles),
        municipality_number="0301",
        hpr=HprNummer(hpr) if hpr else None,
    )


MOTHER = _citizen(MOTHER_ID, "mor")
FATHER = _citizen(FATHER_ID, "far")
YOUTH = _citizen(CHILD_ID, "ungdommen")
KE = _staff("ke-1", SystemRole.KOORDINERENDE_ENHET)
NURSE = _staff("nurse", hpr=1234567)
TEACHER = _staff("teacher")


def _book() -> tuple[Casebook, str]:
    """A 16-year-old with two guardians, a school nurse and a teacher, opened on ``SIXTEEN``."""
    assert birthday(BORN, 16) < SIXTEEN
    clock = FixedClock(datetime.combine(SIXTEEN, time(10), tzinfo=UTC))
    book = Casebook(
        InMemoryCaseStore(),
        clock=clock,
        sealing=TEST_SEALING_KEY,
        subject_secret=b"legal-scenario-secret-0123456789",
    )
    case_id = book.open_case(
        KE,
        [
            open_case(
                municipality_number="0301",
                subject=Child(ref="child", birth_date=BORN, person_id=CHILD_ID),
                guardians=(
                    Guardian(
                        ref="mother",
                        relation=GuardianRelation.MOTHER,
                        parental_responsibility=True,
                        person_id=MOTHER_ID,
                    ),
                    Guardian(
                        ref="father",
                        relation=GuardianRelation.FATHER,
                        parental_responsibility=True,
                        person_id=FATHER_ID,
                    ),
                ),
            ),
            ParticipantJoined(
                participant=Professional(
                    ref="nurse",
                    service=ServiceKind.SKOLEHELSETJENESTE,
                    organisation=ORG,
                    hpr=HprNummer(1234567),
                )
            ),
            ParticipantJoined(
                participant=Professional(ref="teacher", service=ServiceKind.SKOLE, organisation=ORG)
            ),
        ],
    )
    return book, case_id


def _undring(book: Casebook, by: Principal, case_id: str, uid: str) -> None:
    book.execute(
        by,
        case_id,
        lambda c: stafettlogg.register_undring(
            c, undring_id=uid, by=by.subject, description="...", as_of=book.today()
        ),
    )


def _visible(book: Casebook, principal: Principal, case_id: str) -> set[str]:
    return {e.meta.id for e in book.read(principal, case_id).entries}


def _share(
    book: Casebook, principal: Principal, case_id: str, consent_id: str, giver: str, to: ServiceKind
) -> None:
    book.execute(
        principal,
        case_id,
        lambda c: give_consent(
            c,
            consent_id=consent_id,
            purpose=ConsentPurpose.SHARE_INFORMATION,
            given_by=[giver],
            services=[to],
            as_of=book.today(),
        ),
        action="consent",
    )


def _withdraw(book: Casebook, principal: Principal, case_id: str, consent_id: str, by: str) -> None:
    book.execute(
        principal,
        case_id,
        lambda c: withdraw_consent(c, consent_id=consent_id, by=by, as_of=book.today()),
        action="consent",
    )


def test_pbrl_4_3_b_a_guardian_does_not_end_the_16_year_olds_health_sharing() -> None:
    """pbrl § 4-3 b, § 3-4: the young person (16) shares health information with the school;
    the mother withdraws that consent. She decides on sharing outside health until 18, so the
    consent ends for those sections only: the teacher still reads the school nurse's entry,
    until the young person withdraws it."""
    book, case_id = _book()
    _undring(book, NURSE, case_id, "mental-health")  # a health-section entry
    _share(book, YOUTH, case_id, "share-child", "child", ServiceKind.SKOLE)
    assert "undring:mental-health" in _visible(book, TEACHER, case_id)

    _withdraw(book, MOTHER, case_id, "share-child", "mother")

    case = back_office_load(book.store, case_id)
    consent = ledger(case).get("share-child")
    assert consent is not None
    assert consent.withdrawn_on is None
    assert consent.sections == {Section.HEALTH}
    assert consent.given_by == {"child"}
    assert "undring:mental-health" in _visible(book, TEACHER, case_id)
    # The young person still ends it, and with it the health sharing.
    _withdraw(book, YOUTH, case_id, "share-child", "child")
    assert "undring:mental-health" not in _visible(book, TEACHER, case_id)
    withdrawn = ledger(back_office_load(book.store, case_id)).get("share-child")
    assert withdrawn is not None
    assert (withdrawn.withdrawn_on, withdrawn.withdrawn_by) == (SIXTEEN, "child")


def test_pbrl_4_3_b_the_16_year_old_does_not_end_the_guardians_education_sharing() -> None:
    """pbrl § 4-3 b, § 4-4 (foreldreansvar to 18): both guardians share the school's entries with
    the school nurse; the 16-year-old withdraws the mother's consent. The young person decides
    on the health section only, so the education sharing stays: the nurse still reads it, until
    a guardian withdraws."""
    book, case_id = _book()
    _undring(book, TEACHER, case_id, "school-note")  # an education-section entry
    _share(book, MOTHER, case_id, "share-mother", "mother", ServiceKind.SKOLEHELSETJENESTE)
    _share(book, FATHER, case_id, "share-father", "father", ServiceKind.SKOLEHELSETJENESTE)
    assert "undring:school-note" in _visible(book, NURSE, case_id)

    _withdraw(book, YOUTH, case_id, "share-mother", "child")

    consent = ledger(back_office_load(book.store, case_id)).get("share-mother")
    assert consent is not None
    assert consent.withdrawn_on is None
    assert consent.sections == frozenset(Section) - {Section.HEALTH}
    assert "undring:school-note" in _visible(book, NURSE, case_id)
    # A guardian still ends the guardians' education sharing.
    _withdraw(book, FATHER, case_id, "share-father", "father")
    assert "undring:school-note" not in _visible(book, NURSE, case_id)


# --- every age: a withdrawal never ends a section its withdrawer does not decide on -------------

DAY = date(2026, 3, 2)
PURPOSES = (ConsentPurpose.SHARE_INFORMATION, ConsentPurpose.STAFETTLOGG)
SERVICE = ServiceKind.SKOLE


def _family(age: int) -> CaseRun:
    return new_case(
        subject=child_aged(age, as_of=DAY),
        guardians=(mother(), father()),
        professionals=[
            professional("kl", SERVICE),
            professional("ke", ServiceKind.KOORDINERENDE_ENHET),
        ],
        koordinerende_enhet=("ke",),
        as_of=DAY,
    )


def _covered(run: CaseRun, purpose: ConsentPurpose) -> dict[Section, bool]:
    book = ledger(run.case)
    return {
        s: book.covers(run.case, purpose, as_of=DAY, service=SERVICE, section=s) for s in Section
    }


@pytest.mark.parametrize("by", ["mor", "child"])
@pytest.mark.parametrize("givers", ["everyone", "child", "guardians"])
@pytest.mark.parametrize("purpose", PURPOSES, ids=lambda p: p.value)
@pytest.mark.parametrize("age", [15, 16, 17, 18])
def test_pbrl_4_3_b_and_3_4_a_withdrawal_never_ends_a_section_its_withdrawer_does_not_decide(
    age: int, purpose: ConsentPurpose, givers: str, by: str
) -> None:
    """pbrl § 4-3 b, § 3-4, § 4-4 (domain.md §6.2, §6.3 rule 6, §7.6), ages 15, 16, 17 and 18:
    after ``by`` withdraws an all-sections consent, every section ``by`` is not entitled to
    consent to that day is covered exactly as before, and every section ``by`` is entitled to is
    no longer covered by it. The command and the access policy (a recorder registering it)
    agree; one who neither gave it nor decides on any of its sections is refused by both."""
    run = _family(age)
    entitled = {s: required_consenters(run.case, purpose, as_of=DAY, section=s) for s in Section}
    everyone = frozenset().union(*entitled.values())
    chosen = {
        "everyone": everyone,
        "child": everyone & {"child"},
        "guardians": everyone & {"mor", "far"},
    }[givers]
    if not chosen:
        # Nobody of that side may give it at this age: the command says so, and that is all.
        with pytest.raises(RuleViolation):
            give_consent(
                run.case,
                consent_id="k",
                purpose=purpose,
                given_by=["child"] if givers == "child" else ["mor", "far"],
                services=[SERVICE],
                as_of=DAY,
            )
        return
    run.run(
        give_consent,
        consent_id="k",
        purpose=purpose,
        given_by=sorted(chosen),
        services=[SERVICE],
        as_of=DAY,
    )
    before = _covered(run, purpose)
    decides = {s for s in Section if by in entitled[s]}
    if not decides and by not in chosen:
        with pytest.raises(RuleViolation):
            withdraw_consent(run.case, consent_id="k", by=by, as_of=DAY)
        raw = ConsentWithdrawn(consent_id="k", by=by, on=DAY)
        assert not authorise_events(_staff("ke"), run.case, [raw], DAY).allowed
        return
    event = withdraw_consent(run.case, consent_id="k", by=by, as_of=DAY)
    assert authorise_events(_staff("ke"), run.case, [event], DAY).allowed
    run.do(event, actor=by)
    after = _covered(run, purpose)
    for section in Section:
        if section in decides:
            assert not after[section], section
        else:
            assert after[section] == before[section], section
    whole = decides == set(Section) or chosen <= {by}
    assert isinstance(event, ConsentPartlyWithdrawn) is not whole
    assert (ledger(run.case).get("k").withdrawn_on is not None) is whole  # type: ignore[union-attr]
    # The history replays to the same ledger, through the wire format.
    wire = event_from_json(type(event).TYPE, 1, event_to_json(event), run.case.catalogue)
    assert wire == event
    assert ledger(run.replay()) == ledger(run.case)


def test_pbrl_4_3_b_a_recorder_may_not_register_a_guardians_whole_withdrawal_at_16() -> None:
    """pbrl § 4-3 b, § 3-4: a hand-made whole withdrawal of the young person's sharing consent by
    a guardian is refused by the access layer, as the command would not make it; the partial
    one the command makes is allowed, and one reaching into the health section is not."""
    run = _family(16)
    run.run(
        give_consent,
        consent_id="k",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["child"],
        services=[SERVICE],
        as_of=DAY,
    )
    ke = _staff("ke")
    whole = ConsentWithdrawn(consent_id="k", by="mor", on=DAY)
    refused = authorise_events(ke, run.case, [whole], DAY)
    assert not refused.allowed
    assert "pbrl-4-3" in refused.basis
    allowed = withdraw_consent(run.case, consent_id="k", by="mor", as_of=DAY)
    assert isinstance(allowed, ConsentPartlyWithdrawn)
    assert allowed.sections == frozenset(Section) - {Section.HEALTH}
    assert authorise_events(ke, run.case, [allowed], DAY).allowed
    reaching = ConsentPartlyWithdrawn(
        consent_id="k", by="mor", on=DAY, sections=frozenset({Section.HEALTH})
    )
    assert not authorise_events(ke, run.case, [reaching], DAY).allowed
