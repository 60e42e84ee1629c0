"""Transitions: level change, barnehage → skole, moving, turning 18, birth — each with its consent.

«Loggen føl barnet» (domain.md §7.7): at every transition the receiving service
needs a consent that covers it, and the baton passes only by explicit
acceptance. Each transition is an event in the same history:

* **Level change** (BTI-16) — the stafettholder is re-decided *with the family*, weighing the
  family's wishes, the scope of the measures and the expected coordination need; a new holder still
  has to accept ([`change_level()`][barnekoordinator.coordination.transitions.change_level]).
* **Barnehage → skole** (BTI-13) — consent for the school, then a handover to the kontaktlærer; the
  pedagogisk leder keeps the baton until it is accepted, even after school has started
  ([`start_school()`][barnekoordinator.coordination.transitions.start_school]).
* **Moving municipality** (BK-19) — koordinator/barnekoordinator appointments end (the duty lies
  with each municipality); the stafettlogg closes; the old municipality's professionals leave the
  case (specialist and county services stay); the individual plan continues as one plan only on
  a consent that covers it, and is suspended otherwise
  ([`move_municipality()`][barnekoordinator.coordination.transitions.move_municipality]).
* **Turning 18** (BK-13, IP-10) — the barnekoordinator ends on the 18th birthday; koordinator and
  plan continue only with the young adult's own consent
  ([`turn_eighteen()`][barnekoordinator.coordination.transitions.turn_eighteen],
  [`continue_as_adult()`][barnekoordinator.coordination.transitions.continue_as_adult]).
* **Birth** — continuing a log or plan begun in pregnancy needs the consent of those with
  foreldreansvar ([`child_born()`][barnekoordinator.coordination.transitions.child_born]);
  `TransitionRecorded.reconsent`
  lists the purposes whose consent lapsed.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import attrs

from barnekoordinator.access.consent import ConsentPurpose, ledger, required_consenters
from barnekoordinator.config import MunicipalSettings, municipality_number_problem
from barnekoordinator.coordination.appointments import (
    AppointmentEnded,
    AppointmentEndReason,
    appoint_koordinator,
    barnekoordinator_ends_on,
    coordination,
)
from barnekoordinator.coordination.handover import (
    _in_order,
    _last_move,
    _proposed_on,
    propose_handover,
)
from barnekoordinator.coordination.plan import (
    IndividualPlan,
    PlanConsentReferenced,
    PlanEnded,
    PlanStatus,
    PlanSuspended,
    consent_covers_plan,
    current_plan,
)
from barnekoordinator.coordination.roles import Role, is_leader
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ClosingReason,
    HolderDecision,
    LevelChanged,
    LogStatus,
    Stafettlogg,
    closing_event,
    current_log,
    open_log,
    require_log_writer,
    stafettholder,
)
from barnekoordinator.errors import (
    HandoverError,
    InvalidInput,
    NotResponsible,
    RuleViolation,
    StafettloggError,
)
from barnekoordinator.history.case import (
    ADMINISTRATION,
    Case,
    CaseClosedEvent,
    CaseMode,
    CaseOpened,
    ChildBorn,
    DomainEvent,
    ModeChanged,
    ParticipantLeft,
    RecordedEvent,
    record_birth,
)
from barnekoordinator.history.concept import Concept
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ClearCase,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import EventRecord
from barnekoordinator.people import Child, Professional, birthday
from barnekoordinator.services import SERVICES, Level, ServiceKind

__all__ = [
    "TRANSITIONS_CONCEPT",
    "MunicipalityChanged",
    "Transition",
    "TransitionKind",
    "TransitionRecorded",
    "change_level",
    "child_born",
    "continue_as_adult",
    "lapsing_consents",
    "move_municipality",
    "start_school",
    "transitions",
    "turn_eighteen",
]

_KEY = "transitions"
_SCHOOL_SERVICES = frozenset({ServiceKind.SKOLE, ServiceKind.SFO, ServiceKind.FRISKOLE})


class TransitionKind(enum.Enum):
    """The transitions the library records."""

    BARNEHAGE_TO_SKOLE = "barnehage-to-skole"
    MOVING_MUNICIPALITY = "moving-municipality"
    TURNING_18 = "turning-18"
    BIRTH = "birth"


@attrs.frozen(kw_only=True)
class Transition:
    """A recorded transition."""

    kind: TransitionKind
    on: date
    effective_on: date
    by: str
    receiving_service: ServiceKind | None = None
    to_municipality: str | None = None
    reconsent: frozenset[ConsentPurpose] = frozenset()
    note: str = ""


@attrs.frozen(kw_only=True)
class TransitionRecorded(DomainEvent):
    """A transition took place (or was prepared) on ``effective_on``.

    ``reconsent`` lists the purposes whose consent no longer covers the case
    after the transition and must be given again (birth, 18th birthday).
    """

    TYPE = "transition.recorded"
    LEGAL_BASIS = ("bti-stafettlogg", "bhgl-2-a", "oppl-1998-13-5", "vergeml-2")
    MUNICIPALITY_FIELDS = ("to_municipality",)
    kind: TransitionKind
    effective_on: date
    by: str
    on: date
    receiving_service: ServiceKind | None = None
    to_municipality: str | None = None
    reconsent: frozenset[ConsentPurpose] = frozenset()
    note: str = ""


@attrs.frozen(kw_only=True)
class MunicipalityChanged(DomainEvent):
    """The family moved: the case now belongs to another municipality."""

    TYPE = "transition.municipality-changed"
    LEGAL_BASIS = ("hotl-7-2-a",)
    ADMINISTERED_BY = ADMINISTRATION
    MUNICIPALITY_FIELDS = ("from_municipality", "to_municipality")
    from_municipality: str
    to_municipality: str
    by: str
    on: date


def transitions(case: Case) -> tuple[Transition, ...]:
    """The transitions recorded in the case, oldest first."""
    empty: tuple[Transition, ...] = ()
    return case.part(_KEY, empty)


def _recorded(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, TransitionRecorded)
    t = Transition(
        kind=e.kind,
        on=e.on,
        effective_on=e.effective_on,
        by=e.by,
        receiving_service=e.receiving_service,
        to_municipality=e.to_municipality,
        reconsent=e.reconsent,
        note=e.note,
    )
    return case.with_part(_KEY, (*transitions(case), t))


def _moved(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, MunicipalityChanged)
    return attrs.evolve(case, municipality_number=e.to_municipality)


# --- helpers ---------------------------------------------------------------------------


def _settings(settings: MunicipalSettings | None) -> MunicipalSettings:
    return settings or MunicipalSettings()


def _family(case: Case) -> frozenset[str]:
    refs = {g.ref for g in case.with_responsibility()}
    if case.subject is not None:
        refs.add(case.subject.ref)
    return frozenset(refs)


def lapsing_consents(
    before: Case,
    after: Case,
    *,
    before_on: date,
    after_on: date,
    settings: MunicipalSettings | None = None,
) -> frozenset[ConsentPurpose]:
    """Purposes covered in ``before`` on ``before_on`` but not in ``after`` on ``after_on``.

    Used to say which consents must be given again when the consenting parties
    change (a birth, the 18th birthday).
    """
    settings = _settings(settings)
    purposes = {c.purpose for c in ledger(before).consents}
    return frozenset(
        p
        for p in purposes
        if ledger(before).covers(before, p, as_of=before_on, settings=settings)
        and not ledger(after).covers(after, p, as_of=after_on, settings=settings)
    )


# --- level change (BTI-16) ---------------------------------------------------------------


def _latest_step(log: Stafettlogg) -> tuple[date, str]:
    """The latest of the baton's last move, a pending proposal and the last level change."""
    steps = [_last_move(log.baton)]
    if log.baton.pending is not None:
        steps.append(_proposed_on(log.baton.pending))
    if log.level_changes:
        steps.append((log.level_changes[-1].on, "the last level change"))
    return max(steps, key=lambda step: step[0])


def change_level(
    case: Case,
    *,
    to_level: BtiLevel,
    decision: HolderDecision,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: move the stafettlogg to another BTI level, re-deciding the holder with the family.

    The decision must state the family's wishes, the nature and scope of the
    measures and the expected coordination need, and name the family members it
    was made with. If it names a new holder, a handover is proposed — the
    current holder keeps the baton until the new one accepts. A leader's re-decision is the
    leader's act: the proposal is recorded in the leader's name (``HandoverProposed.by``), with
    the checks the holder's own proposal passes.

    Like every write to the log it needs a stafettlogg consent covering ``by``'s service on the
    day (`ConsentRequired` otherwise), and it may not be dated before the baton's last move, a
    pending proposal or the previous level change
    ([`StafettloggError`][barnekoordinator.errors.StafettloggError]).
    """
    settings = _settings(settings)
    case.require_open()
    log = open_log(case)
    if log is None:
        raise StafettloggError(f"case {case.id}: no open stafettlogg")
    holder = stafettholder(case)
    if holder is None:
        raise HandoverError(f"case {case.id}: the stafettholder left; a leader assigns one first")
    if by != holder and not is_leader(case, by):
        raise NotResponsible(f"case {case.id}: the stafettholder (or a leader) changes the level")
    # A level change is written to the log: like every write, it needs a consent that covers the
    # writer's service on the day (BTI-03).
    require_log_writer(case, by=by, as_of=as_of, settings=settings)
    _in_order(as_of, "a level change", _latest_step(log), StafettloggError)
    if to_level == log.level or to_level < BtiLevel.NIVAA_1:
        raise StafettloggError(
            "a level change moves the log between nivå 1, 2 and 3; close the log to end it"
        )
    for name in ("family_wishes", "measure_scope", "coordination_need"):
        if not getattr(decision, name).strip():
            raise StafettloggError(
                f"the stafettholder decision must state {name.replace('_', ' ')} (BTI-16)"
            )
    if not decision.decided_with or not set(decision.decided_with) <= _family(case):
        raise StafettloggError(
            "the stafettholder is decided with the family: name the guardians or the child "
            "it was decided with (BTI-16)"
        )
    events: list[DomainEvent] = [
        LevelChanged(from_level=log.level, to_level=to_level, decision=decision, by=by, on=as_of)
    ]
    if decision.holder_ref != holder:
        if log.baton.pending is not None:
            raise HandoverError(f"case {case.id}: a handover is already pending")
        proposal = propose_handover(
            case,
            to_ref=decision.holder_ref,
            by=holder,
            as_of=as_of,
            reason=f"level change to nivå {int(to_level)}",
            settings=settings,
        )
        # Checked as the holder's proposal, recorded as what ``by`` did (decision 38): the baton
        # stays with the holder until the new one accepts, whoever re-decided it.
        events.append(attrs.evolve(proposal, by=by))
    return tuple(events)


# --- barnehage → skole (BTI-13) ------------------------------------------------------------


def start_school(
    case: Case,
    *,
    receiving_ref: str,
    school_start: date,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: prepare the transition from barnehage to school (BTI-13).

    Needs a consent covering the receiving school service; with an open log the
    holder proposes a handover to the kontaktlærer (``receiving_ref``) and keeps
    the baton until it is accepted — also after ``school_start``. A ``school_start`` before the
    child's birth raises [`InvalidInput`][barnekoordinator.errors.InvalidInput].
    """
    case.require_open()
    receiver = case.participant(receiving_ref)
    if receiver is None or receiver.service not in _SCHOOL_SERVICES:
        raise InvalidInput("receiving_ref: expected a school professional taking part in the case")
    child = case.child
    if child is not None and school_start < child.birth_date:
        raise InvalidInput(
            f"school_start: {school_start.isoformat()} is before the child was born on "
            f"{child.birth_date.isoformat()}; expected the birth date or later"
        )
    if case.participant(by) is None:
        raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    events: list[DomainEvent] = [
        TransitionRecorded(
            kind=TransitionKind.BARNEHAGE_TO_SKOLE,
            effective_on=school_start,
            by=by,
            on=as_of,
            receiving_service=receiver.service,
        )
    ]
    if open_log(case) is not None:
        events.append(
            propose_handover(
                case,
                to_ref=receiving_ref,
                by=by,
                as_of=as_of,
                reason="barnehage → skole",
                settings=settings,
            )
        )
    else:
        ledger(case).require(
            case,
            ConsentPurpose.SHARE_INFORMATION,
            as_of=as_of,
            service=receiver.service,
            settings=_settings(settings),
        )
    return tuple(events)


# --- moving municipality (BK-19) -----------------------------------------------------------


def move_municipality(
    case: Case,
    *,
    to_municipality: str,
    by: str,
    as_of: date,
    plan_transfer_consent_id: str | None = None,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: the family moved to another municipality (BK-19).

    Koordinator and barnekoordinator appointments end; an open or linked stafettlogg closes; every
    professional of a municipal service leaves the case (``ParticipantLeft``), so the old
    municipality's services, its koordinerende enhet and leaders included, read nothing the new
    municipality writes: its own services join on their own consent (BK-19). Specialist health
    services, other state and county services, and barnevernstjenesten under a care order stay.
    The individual plan continues as the
    same plan only if ``plan_transfer_consent_id`` names a consent that covers it on the day;
    otherwise it is suspended until
    [`barnekoordinator.coordination.plan.resume_plan()`][barnekoordinator.coordination.plan.resume_plan].
    """
    settings = _settings(settings)
    case.require_open()
    if case.participant(by) is None:
        raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    problem = municipality_number_problem(to_municipality)
    if problem is not None:
        raise InvalidInput(f"to_municipality: {problem}")
    if to_municipality == case.municipality_number:
        raise InvalidInput("to_municipality: the case already belongs to that municipality")
    plan = current_plan(case)
    plan_continues = (
        plan is not None
        and plan.status is PlanStatus.ACTIVE
        and plan_transfer_consent_id is not None
        and consent_covers_plan(case, plan_transfer_consent_id, as_of, settings)
    )
    if plan_transfer_consent_id is not None and not plan_continues:
        raise RuleViolation(
            f"case {case.id}: consent {plan_transfer_consent_id!r} does not cover continuing "
            "the individual plan"
        )
    events: list[DomainEvent] = [
        TransitionRecorded(
            kind=TransitionKind.MOVING_MUNICIPALITY,
            effective_on=as_of,
            by=by,
            on=as_of,
            to_municipality=to_municipality,
            note="individual plan continues on consent" if plan_continues else "",
        ),
        MunicipalityChanged(
            from_municipality=case.municipality_number,
            to_municipality=to_municipality,
            by=by,
            on=as_of,
        ),
    ]
    events.extend(_ended_by_the_move(case, to_municipality, by, as_of))
    if plan is not None and plan.status is PlanStatus.ACTIVE:
        continues_on = plan_transfer_consent_id if plan_continues else None
        events.extend(_plan_after_the_move(plan, continues_on, by, as_of))
    events.extend(_left_by_the_move(case, to_municipality))
    return tuple(events)


def _ended_by_the_move(case: Case, to_municipality: str, by: str, as_of: date) -> list[DomainEvent]:
    """Active coordinator appointments end, and an open or linked stafettlogg closes."""
    events: list[DomainEvent] = [
        AppointmentEnded(
            role=a.role,
            coordinator_ref=a.coordinator_ref,
            reason=AppointmentEndReason.MOVED_MUNICIPALITY,
            by=by,
            on=as_of,
        )
        for a in coordination(case).appointments
        if a.active
    ]
    log = current_log(case)
    if log is not None and log.status is not LogStatus.CLOSED:
        events.append(
            closing_event(
                case,
                reason=ClosingReason.MOVED_MUNICIPALITY,
                summary=f"moved to municipality {to_municipality}",
                by=by,
                as_of=as_of,
            )
        )
    return events


def _left_by_the_move(case: Case, to_municipality: str) -> list[DomainEvent]:
    """The old municipality's professionals leave: every participant of a municipal service,
    except barnevernstjenesten once it has taken over care.

    Last in the batch, after the events they may still be named in. The move has closed the
    stafettlogg by then (``_ended_by_the_move`` closes any log not closed), so a leaving holder
    or proposed holder leaves no baton behind: what
    [`participant_leaves()`][barnekoordinator.coordination.handover.participant_leaves] records
    for them on an open log has nothing to act on.
    """
    care_kept = ledger(case).care_taken_over
    return [
        ParticipantLeft(
            participant_ref=p.ref, reason=f"the family moved to municipality {to_municipality}"
        )
        for p in case.participants
        if SERVICES[p.service].level is Level.MUNICIPAL
        # Barnevernstjenesten that has taken over care keeps following the child after a move:
        # the care order is its municipality's (which barnevernsloven paragraph says so is to be
        # verified; kept, as the safer reading, until a lawyer has looked).
        and not (care_kept and p.service is ServiceKind.BARNEVERN)
    ]


def _plan_after_the_move(
    plan: IndividualPlan, continues_on: str | None, by: str, as_of: date
) -> list[DomainEvent]:
    """An active plan continues on the consent ``continues_on`` covers, or is suspended."""
    if continues_on is None:
        return [
            PlanSuspended(
                reason="moved municipality; the plan continues only with consent",
                by=by,
                on=as_of,
            )
        ]
    if continues_on in plan.consent_ids:
        return []
    return [PlanConsentReferenced(consent_id=continues_on, by=by, on=as_of)]


# --- turning 18 (BK-13, IP-10) ------------------------------------------------------------


def turn_eighteen(
    case: Case, *, by: str, as_of: date, settings: MunicipalSettings | None = None
) -> tuple[DomainEvent, ...]:
    """Command: record the 18th birthday (on or after it).

    The barnekoordinator ends on the birthday (and with it the koordinator role
    it held); guardians' consents no longer cover anything. Koordinator and
    plan continue only with the young adult's own consent
    ([`continue_as_adult()`][barnekoordinator.coordination.transitions.continue_as_adult]).
    """
    case.require_open()
    child = case.child
    ends = barnekoordinator_ends_on(case)
    if child is None or ends is None:
        raise RuleViolation(f"case {case.id}: the child is not born")
    if as_of < ends:
        raise RuleViolation(f"case {case.id}: the child turns 18 on {ends.isoformat()}, not before")
    if any(t.kind is TransitionKind.TURNING_18 for t in transitions(case)):
        raise RuleViolation(f"case {case.id}: the 18th birthday is already recorded")
    reconsent = lapsing_consents(
        case, case, before_on=ends - timedelta(days=1), after_on=ends, settings=settings
    )
    events: list[DomainEvent] = [
        TransitionRecorded(
            kind=TransitionKind.TURNING_18,
            effective_on=ends,
            by=by,
            on=as_of,
            reconsent=reconsent,
        )
    ]
    events.extend(
        AppointmentEnded(
            role=a.role,
            coordinator_ref=a.coordinator_ref,
            reason=AppointmentEndReason.TURNED_18,
            by=by,
            on=ends,
        )
        for a in coordination(case).appointments
        if a.active and a.role is Role.BARNEKOORDINATOR
    )
    if case.mode is not CaseMode.ADULT:
        events.append(ModeChanged(mode=CaseMode.ADULT, reason="turned 18"))
    return tuple(events)


def continue_as_adult(
    case: Case,
    *,
    by: str,
    as_of: date,
    keep_plan: bool,
    koordinator: Professional | None = None,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: the young adult decides whether the plan and a koordinator continue (IP-10).

    Keeping the plan needs the adult's own ``INDIVIDUAL_PLAN`` consent (it is
    referenced as item 8); a koordinator needs the adult's consent to share
    information with the koordinator's service, and is appointed by
    koordinerende enhet (``by``). Not keeping the plan ends it.
    """
    settings = _settings(settings)
    case.require_open()
    child = case.child
    ends = barnekoordinator_ends_on(case)
    if not isinstance(child, Child) or ends is None or as_of < ends:
        raise RuleViolation(f"case {case.id}: the young person is not yet 18")
    events: list[DomainEvent] = []
    plan = current_plan(case)
    if plan is not None:
        if keep_plan:
            events.extend(_adult_consents(case, plan, by, as_of, settings))
        else:
            events.append(
                PlanEnded(reason="the young adult did not want to continue", by=by, on=as_of)
            )
    elif keep_plan:
        raise RuleViolation(f"case {case.id}: there is no individual plan to continue")
    if koordinator is not None:
        events.extend(
            appoint_koordinator(
                case,
                coordinator=koordinator,
                by=by,
                as_of=as_of,
                family_wishes="the young adult's own wish",
                settings=settings,
            )
        )
    if not events:
        raise InvalidInput("nothing to continue: keep_plan is False and no koordinator is named")
    return tuple(events)


def _adult_consents(
    case: Case, plan: IndividualPlan, by: str, as_of: date, settings: MunicipalSettings
) -> list[DomainEvent]:
    """The adult's own plan consents, referenced in the plan (item 8) if not yet there.

    Raises:
        ConsentRequired: No consent of the adult's covers the plan.
    """
    ledger(case).require(case, ConsentPurpose.INDIVIDUAL_PLAN, as_of=as_of, settings=settings)
    required = required_consenters(
        case, ConsentPurpose.INDIVIDUAL_PLAN, as_of=as_of, settings=settings
    )
    covering = [
        c.id
        for c in ledger(case).consents
        if c.purpose is ConsentPurpose.INDIVIDUAL_PLAN
        and c.active_on(as_of)
        and c.given_by & required
    ]
    return [
        PlanConsentReferenced(consent_id=c, by=by, on=as_of)
        for c in covering
        if c not in plan.consent_ids
    ]


# --- birth --------------------------------------------------------------------------------


def child_born(
    case: Case,
    *,
    child: Child,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: the expected child was born; say which consents must be given again.

    Before birth the pregnant woman consents; after it, everyone with
    foreldreansvar. A log or plan begun in pregnancy accepts no further writes
    until they have consented (every write checks the ledger).
    """
    born: ChildBorn = record_birth(case, child)
    after = attrs.evolve(case, subject=child)
    reconsent = lapsing_consents(case, after, before_on=as_of, after_on=as_of, settings=settings)
    return (
        born,
        TransitionRecorded(
            kind=TransitionKind.BIRTH,
            effective_on=child.birth_date,
            by=by,
            on=as_of,
            reconsent=reconsent,
        ),
    )


# --- projections ------------------------------------------------------------------------


_TURNS_18 = "turns-18"


def _birth_date(value: Any) -> str | None:
    """Find a ``birth_date`` in a child payload (tolerates a wrapping tag object)."""
    if isinstance(value, dict):
        if isinstance(value.get("birth_date"), str):
            return str(value["birth_date"])
        for inner in value.values():
            if isinstance(inner, dict) and isinstance(inner.get("birth_date"), str):
                return str(inner["birth_date"])
    return None


def _turns_18_row(record: EventRecord, child: Any) -> Sequence[ProjectionOp]:
    born = _birth_date(child)
    if born is None:
        return ()
    due = birthday(date.fromisoformat(born), 18)
    item = AgendaItem(
        case_id=record.case_id, kind=AgendaKind.TURNS_18, key=_TURNS_18, due=due, detail="turns 18"
    )
    return (Upsert(item),)


def _project_opened(record: EventRecord) -> Sequence[ProjectionOp]:
    return _turns_18_row(record, json.loads(record.payload).get("subject"))


def _project_born(record: EventRecord) -> Sequence[ProjectionOp]:
    return _turns_18_row(record, json.loads(record.payload).get("child"))


def _project_transition(record: EventRecord) -> Sequence[ProjectionOp]:
    if json.loads(record.payload).get("kind") == TransitionKind.TURNING_18.value:
        return (Remove(record.case_id, AgendaKind.TURNS_18, _TURNS_18),)
    return ()


def _project_case_closed(record: EventRecord) -> Sequence[ProjectionOp]:
    # A closed case has nothing due; ClearCase is idempotent if another module adds it too.
    return (ClearCase(record.case_id),)


TRANSITIONS_CONCEPT = Concept(
    name="transitions",
    events=(
        TransitionRecorded,
        MunicipalityChanged,
    ),
    evolvers={
        TransitionRecorded: _recorded,
        MunicipalityChanged: _moved,
    },
    projectors={
        CaseOpened.TYPE: (_project_opened,),
        ChildBorn.TYPE: (_project_born,),
        TransitionRecorded.TYPE: (_project_transition,),
        CaseClosedEvent.TYPE: (_project_case_closed,),
    },
)
