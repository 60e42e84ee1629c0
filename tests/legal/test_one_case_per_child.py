"""One plan per person: a child has one open case in a municipality (issue 14, item 6).

IP-forskriften (forskrift om individuell plan ved ytelse av velferdstjenester, 2022) and
Prop. 100 L (2020–2021): *one* individual plan per service recipient, with one service
provider holding the main responsibility at all times (domain.md §3.2); hotl § 7-1 second
ledd: where services come under several laws, the municipality ensures that one plan is made
and the work coordinated (domain.md §3.1). The 2022 regulation's paragraph numbers are not
verified (domain.md §3.1, §3.3), so the tests cite the regulation and hotl § 7-1.

A second service opening a second case for the same child in the same municipality is
referred to the open case; the refusal is audited in *that* case's trail, and the service
joins it. A closed case does not block a new one; a family that moves takes its case along
(``coordination.transitions.move_municipality``), so the case blocks where it now is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from barnekoordinator.access.consent import ConsentPurpose, give_consent
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination.transitions import child_born, move_municipality
from barnekoordinator.errors import AccessDenied, CaseAlreadyOpen
from barnekoordinator.history.case import (
    CaseClosedEvent,
    DomainEvent,
    ParticipantJoined,
    open_case,
)
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, ExpectedChild, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator.testing.registry import InMemoryPersonRegistry
from barnekoordinator_plugins.memory import InMemoryCaseStore

SECRET = b"one-plan-per-person-secret-bytes"
POLICY = IdentifierPolicy.testing()
ORG = Organisasjonsnummer.parse("123456785")
BORN = date(2016, 4, 20)
CHILD_ID = PersonId.parse(synthetic_fodselsnummer(BORN), policy=POLICY)
MOTHER_ID = PersonId.parse(synthetic_fodselsnummer(date(1985, 1, 9)), policy=POLICY)


def municipal(subject: str, label: str, municipality: str, *roles: str) -> Principal:
    """Someone acting for a municipality with system roles there."""
    return Principal(
        subject=subject,
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        roles=frozenset(roles),
        municipality_number=municipality,
    )


KE_OSLO = municipal("ke-oslo", "Siri, koordinerende enhet", "0301", SystemRole.KOORDINERENDE_ENHET)
PPT_OSLO = municipal("ppt-1", "Per, PPT", "0301", SystemRole.CASEWORKER)
KE_BERGEN = municipal(
    "ke-bergen", "Berit, koordinerende enhet", "4601", SystemRole.KOORDINERENDE_ENHET
)
NURSE = municipal("nurse", "Kari, helsestasjon", "0301")  # no role that opens cases
MOTHER = Principal(
    subject="idporten-mor",
    display_label="Mor",
    assurance=AssuranceLevel.HIGH,
    national_id=MOTHER_ID,
)
KE_STAFF = Professional(ref="ke-oslo", service=ServiceKind.KOORDINERENDE_ENHET, organisation=ORG)
PPT_STAFF = Professional(ref="ppt-1", service=ServiceKind.PPT, organisation=ORG)


def opening(
    municipality: str = "0301", *, subject: Child | ExpectedChild | None = None
) -> list[DomainEvent]:
    """Open the child's case with the mother (foreldreansvar) and koordinerende enhet."""
    return [
        open_case(
            municipality_number=municipality,
            subject=subject or Child(ref="child", birth_date=BORN, person_id=CHILD_ID),
            guardians=(
                Guardian(
                    ref="mor",
                    relation=GuardianRelation.MOTHER,
                    parental_responsibility=True,
                    person_id=MOTHER_ID,
                ),
            ),
        ),
        ParticipantJoined(participant=KE_STAFF),
    ]


@pytest.fixture
def store() -> InMemoryCaseStore:
    """The real in-memory store."""
    return InMemoryCaseStore()


@pytest.fixture
def book(store: InMemoryCaseStore) -> Casebook:
    """A Casebook on 5 January 2026, with Folkeregisteret knowing the child and the mother
    (a guardian's own application is confirmed there: decision 46)."""
    registry = InMemoryPersonRegistry()
    registry.register_child(
        Child(ref="child", birth_date=BORN, person_id=CHILD_ID),
        [
            Guardian(
                ref="mor",
                relation=GuardianRelation.MOTHER,
                parental_responsibility=True,
                person_id=MOTHER_ID,
            )
        ],
    )
    return Casebook(
        store,
        clock=FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC)),
        sealing=TEST_SEALING_KEY,
        subject_secret=SECRET,
        registry=registry,
    )


def test_ipf_a_second_opening_is_referred_to_the_open_case(
    book: Casebook, store: InMemoryCaseStore
) -> None:
    """IP-forskriften, one plan per person; hotl § 7-1: PPT is referred to the child's case,
    audited there, and joins it — nothing of a second case is stored."""
    first = book.open_case(KE_OSLO, opening())
    before = len(store.read_audit(first))
    with pytest.raises(CaseAlreadyOpen) as referred:
        book.open_case(PPT_OSLO, opening(), case_id="second")
    assert referred.value.case_id == first
    assert first in str(referred.value)
    assert CHILD_ID.reveal() not in str(referred.value)
    assert store.version("second") == 0
    assert store.read_audit("second") == []
    [record] = store.read_audit(first)[before:]
    assert (record.actor, record.action, record.allowed) == ("ppt-1", "open", False)
    assert set(record.basis) == {"ip-forskriften", "hotl-7-1"}
    # The new service joins the open case and its plan instead.
    book.execute(KE_OSLO, first, lambda c: ParticipantJoined(participant=PPT_STAFF))
    assert "ppt-1" in {p.ref for p in book.read(PPT_OSLO, first).participants}


def test_ipf_a_guardian_applying_again_is_referred_too(book: Casebook) -> None:
    """IP-forskriften: the family's own second application leads to the same case."""
    first = book.open_case(KE_OSLO, opening())
    with pytest.raises(CaseAlreadyOpen) as referred:
        book.open_case(MOTHER, opening()[:1])
    assert referred.value.case_id == first


def test_ipf_someone_who_may_not_open_learns_nothing(
    book: Casebook, store: InMemoryCaseStore
) -> None:
    """pbrl § 3-4 / taushetsplikt: the referral tells an opener that a case exists, so only
    someone who may open a case gets it; anyone else is refused as before."""
    first = book.open_case(KE_OSLO, opening())
    before = len(store.read_audit(first))
    with pytest.raises(AccessDenied) as refused:
        book.open_case(NURSE, opening(), case_id="nurse-try")
    assert first not in str(refused.value)
    assert len(store.read_audit(first)) == before
    assert len(store.read_audit("nurse-try")) == 1  # audited where it was aimed


def test_ipf_a_closed_case_does_not_block_a_new_one(book: Casebook) -> None:
    """IP-forskriften: the rule is one *open* plan; a closed case is history."""
    first = book.open_case(KE_OSLO, opening())
    book.execute(KE_OSLO, first, lambda c: CaseClosedEvent(reason="mål nådd"))
    second = book.open_case(PPT_OSLO, opening())
    assert second != first
    assert not book.read(KE_OSLO, first).is_open
    assert book.read(KE_OSLO, second).is_open


def test_ipf_the_rule_is_per_municipality(book: Casebook) -> None:
    """hotl § 7-1: the duty to make the plan is each municipality's."""
    book.open_case(KE_OSLO, opening("0301"))
    bergen = book.open_case(KE_BERGEN, opening("4601"))
    assert book.read(KE_BERGEN, bergen).municipality_number == "4601"


def test_bk_19_a_move_takes_the_case_along(book: Casebook) -> None:
    """BK-19 (domain.md §10.1), hotl § 7-1: the family moves from Oslo to Bergen. The case
    moves with it (no second case); in Bergen it now blocks a new one, in Oslo it no longer does.
    """
    first = book.open_case(KE_OSLO, opening("0301"))
    today = book.today()
    book.execute(
        KE_OSLO,
        first,
        lambda c: move_municipality(c, to_municipality="4601", by="ke-oslo", as_of=today),
    )
    assert book.read(KE_BERGEN, first).municipality_number == "4601"
    with pytest.raises(CaseAlreadyOpen) as referred:
        book.open_case(KE_BERGEN, opening("4601"))
    assert referred.value.case_id == first
    assert referred.value.municipality_number == "4601"
    book.open_case(KE_OSLO, opening("0301"))  # the case left Oslo with the family


def test_ipf_an_expected_child_is_matched_once_born(book: Casebook) -> None:
    """domain.md §2.6: before birth there is no id to match (no block); once the birth is
    recorded with the child's id, a second opening for the born child is referred."""
    expected = ExpectedChild(ref="child", expected_date=date(2026, 3, 1))
    first = book.open_case(KE_OSLO, opening(subject=expected))
    book.open_case(KE_OSLO, opening(subject=expected))  # nothing to match an unborn child by
    born = Child(ref="child", birth_date=date(2026, 1, 2), person_id=_newborn_id())
    today = book.today()
    book.execute(KE_OSLO, first, lambda c: child_born(c, child=born, by="ke-oslo", as_of=today))
    with pytest.raises(CaseAlreadyOpen) as referred:
        book.open_case(PPT_OSLO, opening(subject=born))
    assert referred.value.case_id == first


def test_ipf_a_referred_opening_stores_nothing_anywhere(
    book: Casebook, store: InMemoryCaseStore
) -> None:
    """IP-forskriften: consent to the plan is given in the one case. A referred opening that
    carried a consent stores none of its events — neither as a new case nor in the open one."""
    first = book.open_case(KE_OSLO, opening())
    version = store.version(first)
    events = opening()
    blank = CATALOGUE.new_case("prospective")
    prospective = blank.apply_all(blank.record(events, actor="ke-oslo", clock=book_clock()))
    consent = give_consent(
        prospective,
        consent_id="k-ip",
        purpose=ConsentPurpose.INDIVIDUAL_PLAN,
        given_by=["mor"],
        services=[ServiceKind.PPT],
        as_of=book.today(),
    )
    with pytest.raises(CaseAlreadyOpen):
        book.open_case(KE_OSLO, [*events, consent], case_id="with-consent")
    assert store.version("with-consent") == 0
    assert store.version(first) == version
    assert store.case_ids() == [first]


def _newborn_id() -> PersonId:
    return PersonId.parse(synthetic_fodselsnummer(date(2026, 1, 2)), policy=POLICY)


def book_clock() -> FixedClock:
    """The fixture's clock, for building events outside the Casebook."""
    return FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC))
