"""How the stafettlogg's events change the BTI state of a case (its evolvers).

Item events (observations, goals, tiltak, meetings, decisions) come in long runs in a long case;
they fold in runs ([`_items()`][barnekoordinator.coordination.stafettlogg._fold._items], a concept
run evolver) so that replaying a case copies the log once per run, not once per event.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from barnekoordinator.coordination.baton import Baton
from barnekoordinator.coordination.stafettlogg._case import (
    _KEY,
    _copy_bti,
    _service,
    bti,
)
from barnekoordinator.coordination.stafettlogg._events import (
    DecisionCompleted,
    DecisionRecorded,
    GoalSet,
    LevelChanged,
    LogMeasureAdded,
    LogMeasureEvaluated,
    MeetingScheduled,
    MinutesRecorded,
    ObservationRecorded,
    StafettloggClosed,
    StafettloggLinked,
    StafettloggOpened,
)
from barnekoordinator.coordination.stafettlogg._values import (
    Evaluation,
    Goal,
    LevelChange,
    LogDecision,
    LogMeasure,
    LogStatus,
    MeasureNext,
    Meeting,
    Minutes,
    Observation,
    Stafettlogg,
)
from barnekoordinator.errors import HistoryError
from barnekoordinator.history._evolve import Draft, DraftSteps, copier, maker
from barnekoordinator.history.case import Case, RecordedEvent

_copy_log = copier(Stafettlogg)
# The items a long log gains once per event, made as their classes' __init__ makes them.
_observation_of = maker(Observation)
_goal_of = maker(Goal)
_tiltak_of = maker(LogMeasure)
_evaluation_of = maker(Evaluation)
_meeting_of = maker(Meeting)
_minutes_of = maker(Minutes)
_decision_of = maker(LogDecision)
_copy_tiltak = copier(LogMeasure)


def _evolve_log(case: Case, **changes: Any) -> Case:
    state = bti(case)
    log = state.log
    if log is None:
        raise HistoryError(f"case {case.id}: event for a stafettlogg that was never opened")
    # Three copies (log, BTI state, case), each with its validators (among them
    # the log's: its baton runs exactly while it is open).
    return case.with_part(_KEY, _copy_bti(state, {"log": _copy_log(log, changes)}))


def _opened(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, StafettloggOpened)
    state = bti(case)
    earlier = state.earlier_logs
    if state.log is not None:
        if state.log.is_open:
            raise HistoryError(f"case {case.id}: a stafettlogg is already open")
        earlier = (*earlier, state.log)
    log = Stafettlogg(
        status=LogStatus.OPEN,
        level=e.level,
        opened_on=e.on,
        opened_by=e.by,
        consent_ids=e.consent_ids,
        baton=Baton.started(e.holder_ref, e.on),
    )
    return case.with_part(_KEY, attrs.evolve(state, log=log, earlier_logs=earlier))


# How each item event changes a draft of the open log (folded by _items below).


def _observation(case: Case, d: Draft[Stafettlogg], e: ObservationRecorded) -> None:
    d.append(
        "observations",
        _observation_of(
            id=e.observation_id,
            kind=e.kind,
            text=e.text,
            recorded_on=e.on,
            author_ref=e.by,
            author_service=_service(case, e.by),
        ),
    )


def _goal(case: Case, d: Draft[Stafettlogg], e: GoalSet) -> None:
    d.append(
        "goals",
        _goal_of(
            id=e.goal_id,
            text=e.text,
            life_area=e.life_area,
            recorded_on=e.on,
            author_ref=e.by,
            author_service=_service(case, e.by),
        ),
    )


def _tiltak(case: Case, d: Draft[Stafettlogg], e: LogMeasureAdded) -> None:
    d.append(
        "tiltak",
        _tiltak_of(
            id=e.tiltak_id,
            description=e.description,
            responsible_ref=e.responsible_ref,
            evaluation_date=e.evaluation_date,
            proposed_by=e.proposed_by,
            proposer_ref=e.proposer_ref,
            goal_id=e.goal_id,
            created_on=e.on,
            author_ref=e.by,
            author_service=_service(case, e.by),
        ),
    )


def _evaluated(case: Case, d: Draft[Stafettlogg], e: LogMeasureEvaluated) -> None:
    ev = _evaluation_of(
        on=e.on,
        by=e.by,
        author_service=_service(case, e.by),
        effect=e.effect,
        next_step=e.next_step,
        note=e.note,
        next_evaluation_date=e.next_evaluation_date,
    )
    changes: dict[str, Any] = {}
    if e.next_step is MeasureNext.END:
        changes["ended_on"] = e.on
    elif e.next_evaluation_date is not None:
        changes["evaluation_date"] = e.next_evaluation_date

    def evaluated(t: LogMeasure) -> LogMeasure:
        return _copy_tiltak(t, {"evaluations": (*t.evaluations, ev), **changes})

    # The last tiltak with the id is what log.get_tiltak() finds.
    d.replace_last("tiltak", e.tiltak_id, evaluated, f"case {case.id}: no tiltak {e.tiltak_id!r}")


def _meeting(case: Case, d: Draft[Stafettlogg], e: MeetingScheduled) -> None:
    d.append(
        "meetings",
        _meeting_of(
            id=e.meeting_id,
            on=e.meeting_on,
            agenda=e.agenda,
            invited=e.invited,
            called_by=e.by,
            author_service=_service(case, e.by),
        ),
    )


def _minutes(case: Case, d: Draft[Stafettlogg], e: MinutesRecorded) -> None:
    minutes = _minutes_of(
        text=e.text,
        attended=e.attended,
        written_by=e.by,
        recorded_on=e.on,
        author_service=_service(case, e.by),
    )
    d.update_last(
        "meetings", e.meeting_id, {"minutes": minutes}, f"no item {e.meeting_id!r} to update"
    )


def _decision(case: Case, d: Draft[Stafettlogg], e: DecisionRecorded) -> None:
    d.append(
        "decisions",
        _decision_of(
            id=e.decision_id,
            text=e.text,
            decided_on=e.on,
            decided_by=e.by,
            author_service=_service(case, e.by),
            meeting_id=e.meeting_id,
            follow_up_by=e.follow_up_by,
            follow_up_on=e.follow_up_on,
        ),
    )


def _decision_done(case: Case, d: Draft[Stafettlogg], e: DecisionCompleted) -> None:
    d.update_last(
        "decisions", e.decision_id, {"done_on": e.on}, f"no item {e.decision_id!r} to update"
    )


_ITEM_STEPS: DraftSteps[Stafettlogg] = DraftSteps(
    {
        ObservationRecorded: _observation,
        GoalSet: _goal,
        LogMeasureAdded: _tiltak,
        LogMeasureEvaluated: _evaluated,
        MeetingScheduled: _meeting,
        MinutesRecorded: _minutes,
        DecisionRecorded: _decision,
        DecisionCompleted: _decision_done,
    }
)


_NEW_ID: dict[type, Callable[[Any], str]] = {
    ObservationRecorded: operator.attrgetter("observation_id"),
    GoalSet: operator.attrgetter("goal_id"),
    LogMeasureAdded: operator.attrgetter("tiltak_id"),
    MeetingScheduled: operator.attrgetter("meeting_id"),
    DecisionRecorded: operator.attrgetter("decision_id"),
}
"""The id each item-adding event gives its new item (what ``Bti.used_ids`` gains)."""


def _items(case: Case, run: Sequence[RecordedEvent]) -> Case:
    """A run of item events, folded with one copy of the log, the BTI state and the case.

    Item events only add to or update the log's item tuples; they never touch
    its status or its baton, which its validator checks, so checking it once on
    the result checks what checking it per event would.
    Participants do not change inside a run (joining and leaving end it), so an
    author's service is what one event at a time would see.
    """
    log = bti(case).log
    if log is None:
        raise HistoryError(f"case {case.id}: event for a stafettlogg that was never opened")
    draft = Draft(log)
    _ITEM_STEPS.fold(case, draft, run)
    state = bti(case)
    # One update for the run: it costs a third of one insert per id.
    new_ids = [get(r.event) for r in run if (get := _NEW_ID.get(type(r.event))) is not None]
    used = state.used_ids.update(new_ids) if new_ids else state.used_ids
    return case.with_part(_KEY, _copy_bti(state, {"log": draft.result(), "used_ids": used}))


def _level(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, LevelChanged)
    log = bti(case).log
    assert log is not None
    change = LevelChange(
        on=e.on,
        from_level=e.from_level,
        to_level=e.to_level,
        decision=e.decision,
        by=e.by,
        author_service=_service(case, e.by),
    )
    return _evolve_log(
        case,
        level=e.to_level,
        level_changes=log.level_changes.append(change),
        baton=log.baton.redecided(e.decision.holder_ref, e.on),
    )


def _linked(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, StafettloggLinked)
    log = bti(case).log
    assert log is not None
    return _evolve_log(
        case,
        status=LogStatus.LINKED,
        baton=log.baton.ended(e.on),
        linked_to=e.coordinator_role,
        linked_coordinator_ref=e.coordinator_ref,
        linked_on=e.on,
    )


def _closed(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, StafettloggClosed)
    log = bti(case).log
    assert log is not None
    tiltak = tuple(attrs.evolve(t, ended_on=e.on) if t.active else t for t in log.tiltak)
    # A linked log's baton ended when the statutory coordinator took over.
    baton = log.baton if log.status is LogStatus.LINKED else log.baton.ended(e.on)
    return _evolve_log(
        case,
        status=LogStatus.CLOSED,
        baton=baton,
        tiltak=tiltak,
        closed_on=e.on,
        closing_reason=e.reason,
        closing_summary=e.summary,
        closed_by=e.by,
    )
