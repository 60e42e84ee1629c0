"""The case aggregate: recording, folding, and the rules of the history itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import (
    CaseClosed,
    HistoryError,
    InvalidInput,
    OutOfSequence,
    RuleViolation,
    WrongCase,
)
from barnekoordinator.history.case import (
    Case,
    CaseClosedEvent,
    CaseMode,
    CaseOpened,
    ChildBorn,
    GuardianUpdated,
    ModeChanged,
    ParticipantJoined,
    ParticipantLeft,
    open_case,
    record_birth,
)
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, ExpectedChild, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind

MOTHER = Guardian(ref="mor", relation=GuardianRelation.MOTHER, parental_responsibility=True)
FATHER = Guardian(ref="far", relation=GuardianRelation.FATHER, parental_responsibility=True)
NURSE = Professional(
    ref="hs-1",
    service=ServiceKind.HELSESTASJON,
    organisation=Organisasjonsnummer.parse("974760673"),
    title="helsesykepleier",
)


def _opened(clock: FixedClock, subject: Child | ExpectedChild | None = None) -> Case:
    subject = subject or Child(ref="child", birth_date=date(2020, 4, 1))
    event = open_case(municipality_number="0301", subject=subject, guardians=(MOTHER, FATHER))
    case = CATALOGUE.new_case("case-1")
    return case.apply_all(case.record(event, actor="ke-1", clock=clock))


def test_record_stamps_sequence_time_actor_and_legal_basis(clock: FixedClock) -> None:
    """record() numbers events from the case's version and takes the time from the clock."""
    case = _opened(clock)
    clock.advance(timedelta(hours=1))
    recorded = case.record(
        [ParticipantJoined(participant=NURSE), ModeChanged(mode=CaseMode.STAFETTLOGG)],
        actor="hs-1",
        clock=clock,
    )
    assert [r.sequence for r in recorded] == [2, 3]
    assert {r.recorded_at for r in recorded} == {datetime(2026, 1, 5, 10, 30, tzinfo=UTC)}
    assert {r.actor for r in recorded} == {"hs-1"}
    assert recorded[0].type == "case.participant-joined"
    assert case.version == 1, "record() must not apply"


def test_apply_folds_state(clock: FixedClock) -> None:
    """Applying events changes participants, mode and version."""
    case = _opened(clock)
    case = case.apply_all(
        case.record(
            [ParticipantJoined(participant=NURSE), ModeChanged(mode=CaseMode.STAFETTLOGG)],
            actor="hs-1",
            clock=clock,
        )
    )
    assert case.version == 3
    assert case.participant("hs-1") == NURSE
    assert case.mode is CaseMode.STAFETTLOGG
    case = case.apply_all(
        case.record(ParticipantLeft(participant_ref="hs-1"), actor="x", clock=clock)
    )
    assert case.participant("hs-1") is None
    assert case.former_participants == ("hs-1",)


def test_wrong_case_and_out_of_sequence_are_rejected(clock: FixedClock) -> None:
    """An event of another case, or with a skipped or repeated sequence, is refused."""
    case = _opened(clock)
    event = case.record(ModeChanged(mode=CaseMode.STAFETTLOGG), actor="x", clock=clock)[0]
    with pytest.raises(WrongCase):
        attrs.evolve(case, id="case-2").apply(event)
    with pytest.raises(OutOfSequence):
        case.apply(attrs.evolve(event, sequence=3))
    with pytest.raises(OutOfSequence):
        case.apply(attrs.evolve(event, sequence=1))


def test_first_event_must_open_the_case(clock: FixedClock) -> None:
    """A history that does not start with case.opened is inconsistent."""
    blank = CATALOGUE.new_case("case-1")
    event = blank.record(ModeChanged(mode=CaseMode.STAFETTLOGG), actor="x", clock=clock)[0]
    with pytest.raises(HistoryError, match=r"case\.opened"):
        blank.apply(event)


def test_closed_case_refuses_commands(clock: FixedClock) -> None:
    """After case.closed, commands raise CaseClosed and the reason is kept."""
    case = _opened(clock, ExpectedChild(ref="child", expected_date=date(2026, 5, 1)))
    case = case.apply_all(case.record(CaseClosedEvent(reason="flyttet"), actor="x", clock=clock))
    assert not case.is_open
    assert case.mode is CaseMode.CLOSED
    assert case.closed_reason == "flyttet"
    with pytest.raises(CaseClosed):
        record_birth(case, Child(ref="child", birth_date=date(2026, 5, 2)))


def test_expected_child_is_rekeyed_at_birth_without_losing_history(clock: FixedClock) -> None:
    """domain §2.6 / BK-02: the case keyed to the expected child continues after birth."""
    case = _opened(clock, ExpectedChild(ref="child", expected_date=date(2026, 5, 1)))
    assert case.child is None
    pid = PersonId.parse(
        synthetic_fodselsnummer(date(2026, 4, 28)), policy=IdentifierPolicy.testing()
    )
    born = Child(ref="child", birth_date=date(2026, 4, 28), person_id=pid)
    recorded = case.record(record_birth(case, born), actor="jordmor", clock=clock)
    after = case.apply_all(recorded)
    assert after.child == born
    assert after.version == case.version + 1
    assert after.guardians == case.guardians
    assert after.opened_at == case.opened_at
    with pytest.raises(RuleViolation, match="already born"):
        record_birth(after, born)


def test_guardian_update_replaces_by_ref(clock: FixedClock) -> None:
    """A change of foreldreansvar is a new event that replaces the guardian by ref."""
    case = _opened(clock)
    changed = attrs.evolve(FATHER, parental_responsibility=False)
    case = case.apply_all(case.record(GuardianUpdated(guardian=changed), actor="x", clock=clock))
    assert case.guardian("far") == changed
    assert case.with_responsibility() == (MOTHER,)


def test_open_case_validates_its_input() -> None:
    """Duplicate guardian refs and opening a closed case are refused."""
    subject = Child(ref="child", birth_date=date(2020, 1, 1))
    with pytest.raises(InvalidInput, match="distinct ref"):
        open_case(municipality_number="0301", subject=subject, guardians=(MOTHER, MOTHER))
    with pytest.raises(RuleViolation):
        open_case(municipality_number="0301", subject=subject, mode=CaseMode.CLOSED)


def test_record_requires_an_actor_and_an_aware_clock(clock: FixedClock) -> None:
    """An empty actor id is refused; recorded times are UTC."""
    case = _opened(clock)
    with pytest.raises(InvalidInput, match="actor"):
        case.record(ModeChanged(mode=CaseMode.STAFETTLOGG), actor=" ", clock=clock)


def test_repr_never_shows_the_childs_number(clock: FixedClock) -> None:
    """A case's repr redacts identifiers and hides names."""
    number = synthetic_fodselsnummer(date(2019, 6, 3))
    pid = PersonId.parse(number, policy=IdentifierPolicy.testing())
    case = _opened(
        clock, Child(ref="child", birth_date=date(2019, 6, 3), person_id=pid, name="Ola")
    )
    text = repr(case)
    assert number not in text
    assert "Ola" not in text
    assert number[:6] + "*****" in text


def test_replay_equals_live_fold(clock: FixedClock) -> None:
    """Case.replay over the recorded events gives the same case as folding them live."""
    base = CATALOGUE.new_case("case-1")
    subject = Child(ref="child", birth_date=date(2020, 4, 1))
    opened = base.record(
        open_case(municipality_number="0301", subject=subject, guardians=(MOTHER, FATHER)),
        actor="ke-1",
        clock=clock,
    )
    live = base.apply_all(opened)
    more = live.record([ParticipantJoined(participant=NURSE)], actor="hs-1", clock=clock)
    live = live.apply_all(more)
    assert CATALOGUE.replay("case-1", [*opened, *more]) == live
    assert isinstance(opened[0].event, CaseOpened)
    assert ChildBorn.TYPE == "case.child-born"


def test_participant_lookup_survives_joins_on_a_hand_built_case(clock: FixedClock) -> None:
    """A case given participants directly keeps finding them after someone joins or leaves."""
    case = attrs.evolve(_opened(clock), participants=(NURSE,))
    teacher = attrs.evolve(NURSE, ref="kl-1", service=ServiceKind.SKOLE)
    case = case.apply_all(
        case.record(ParticipantJoined(participant=teacher), actor="x", clock=clock)
    )
    assert case.participant("hs-1") == NURSE
    assert case.participant("kl-1") == teacher
    case = case.apply_all(
        case.record(ParticipantLeft(participant_ref="kl-1"), actor="x", clock=clock)
    )
    assert case.participant("hs-1") == NURSE
    assert case.participant("kl-1") is None
