"""The stafettlogg's commands: opening the log and writing in it.

Each command checks the rules against the case as it is and returns the event(s) to record; it
changes nothing itself. Every write checks the consent on the day of the write
([`require_log_writer()`][barnekoordinator.coordination.stafettlogg.require_log_writer]), so a
withdrawn consent stops all writing. Closing the log is in ``_closing``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from barnekoordinator.access.consent import ConsentPurpose, ledger, shares_with
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.roles import Role, is_leader, roles
from barnekoordinator.coordination.stafettlogg._case import (
    _former_holder,
    _held_before_link,
    _held_without_minutes,
    _holder_or_leader,
    _linked_coordinator,
    _new_id,
    _professional,
    _settings,
    _text,
    bti,
    require_log_consent,
    require_log_writer,
)
from barnekoordinator.coordination.stafettlogg._events import (
    DecisionCompleted,
    DecisionRecorded,
    GoalSet,
    LogMeasureAdded,
    LogMeasureEvaluated,
    MeetingScheduled,
    MinutesRecorded,
    ObservationRecorded,
    StafettloggOpened,
)
from barnekoordinator.coordination.stafettlogg._nivaa0 import _reported_without_guardians
from barnekoordinator.coordination.stafettlogg._values import (
    BtiLevel,
    EffectAssessment,
    LogStatus,
    MeasureNext,
    ObservationKind,
    ProposedBy,
    Stafettlogg,
)
from barnekoordinator.errors import (
    ConsentRequired,
    InvalidInput,
    NotResponsible,
    StafettloggError,
)
from barnekoordinator.history.case import Case, CaseMode, DomainEvent, ModeChanged


def open_stafettlogg(
    case: Case,
    *,
    by: str,
    holder_ref: str,
    level: BtiLevel,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: open a stafettlogg — only with consent covering the holder's service (BTI-03).

    Consent comes from those with foreldreansvar, the young person alone from the
    municipality's age (BTI-04/05), or the pregnant woman before birth. The log
    cannot be opened while a statutory coordinator holds coordination, nor after
    a nivå-0 report to barnevern without the guardians (BTI-02), nor while the
    earlier log, linked to a coordinator whose appointment has ended, still has
    active tiltak, open decisions or held meetings without minutes (they would
    be lost with it: evaluate, complete and write them, or close that log first).
    """
    settings = _settings(settings)
    case.require_open()
    state = bti(case)
    if state.log is not None and state.log.is_open:
        raise StafettloggError(f"case {case.id}: a stafettlogg is already open")
    if level < max(BtiLevel.NIVAA_1, settings.stafettlogg_from_level):
        raise StafettloggError(
            f"a stafettlogg is opened from nivå {max(1, settings.stafettlogg_from_level)} in "
            f"municipality {settings.municipality_number}; nivå 0 is clarified first"
        )
    if _reported_without_guardians(state):
        raise StafettloggError(
            f"case {case.id}: nivå 0 ended in a report to barnevernstjenesten without involving "
            "the guardians; no stafettlogg or consent flow applies"
        )
    statutory = [
        a for a in roles(case, as_of) if a.role in (Role.BARNEKOORDINATOR, Role.KOORDINATOR)
    ]
    if statutory:
        raise StafettloggError(
            f"case {case.id}: a statutory {statutory[0].role.value} holds coordination; "
            "follow up in the individual plan instead of a new stafettlogg"
        )
    if state.log is not None and state.log.status is LogStatus.LINKED:
        _require_linked_done(case, state.log, as_of)
    opener = _professional(case, by)
    holder = _professional(case, holder_ref)
    require_log_consent(case, opener.service, as_of, settings)
    require_log_consent(case, holder.service, as_of, settings)
    consent_ids = tuple(
        c.id
        for c in ledger(case).consents
        if c.purpose is ConsentPurpose.STAFETTLOGG and c.active_on(as_of)
    )
    events: list[DomainEvent] = [
        StafettloggOpened(
            level=level, holder_ref=holder_ref, by=by, on=as_of, consent_ids=consent_ids
        )
    ]
    if case.mode is CaseMode.UNDRING:
        events.append(ModeChanged(mode=CaseMode.STAFETTLOGG, reason="stafettlogg opened"))
    return tuple(events)


def _require_linked_done(case: Case, log: Stafettlogg, as_of: date) -> None:
    """A new log replaces a linked one only once nothing of it is left open (nothing is lost).

    The linked log's active tiltak, open decisions and minutes of meetings held
    before the link would leave the case's obligations with it: they are still
    followed up in it (``allow_linked``), so finish them there, or close it.
    """
    left = [
        *(f"tiltak {t.id!r}" for t in log.active_tiltak),
        *(f"decision {d.id!r}" for d in log.decisions if d.open),
        *(f"minutes of meeting {m!r}" for m in _held_without_minutes(log, as_of)),
    ]
    if left:
        raise StafettloggError(
            f"case {case.id}: the stafettlogg linked to the "
            f"{(log.linked_to or Role.KOORDINATOR).value} still has open work: "
            f"{', '.join(left)}; evaluate or end the tiltak, complete the decisions and write "
            "the minutes in it, or close it, before a new stafettlogg is opened"
        )


def _coordinator_now(case: Case, log: Stafettlogg, as_of: date) -> str | None:
    """The statutory coordinator following up a linked log on ``as_of`` (``None`` if open)."""
    if log.status is not LogStatus.LINKED:
        return None
    return _linked_coordinator(case, log, as_of)[0]


def record_observation(
    case: Case,
    *,
    observation_id: str,
    by: str,
    kind: ObservationKind,
    text: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> ObservationRecorded:
    """Command: write an oppmerksomhet, undring or bekymring in the log."""
    require_log_writer(case, by=by, as_of=as_of, settings=settings)
    _new_id(case, observation_id, "observation_id")
    return ObservationRecorded(
        observation_id=observation_id, kind=kind, text=_text(text, "text"), by=by, on=as_of
    )


def set_goal(
    case: Case,
    *,
    goal_id: str,
    by: str,
    text: str,
    as_of: date,
    life_area: str = "",
    settings: MunicipalSettings | None = None,
) -> GoalSet:
    """Command: write a goal of the cooperation in the log."""
    require_log_writer(case, by=by, as_of=as_of, settings=settings)
    _new_id(case, goal_id, "goal_id")
    return GoalSet(goal_id=goal_id, text=_text(text, "text"), life_area=life_area, by=by, on=as_of)


def add_log_measure(
    case: Case,
    *,
    tiltak_id: str,
    by: str,
    description: str,
    responsible_ref: str | None,
    evaluation_date: date | None,
    as_of: date,
    proposed_by: ProposedBy = ProposedBy.SERVICE,
    proposer_ref: str | None = None,
    goal_id: str | None = None,
    settings: MunicipalSettings | None = None,
) -> LogMeasureAdded:
    """Command: add a tiltak — rejected without a responsible person and an evaluation date.

    The responsible person is a professional in the case or a guardian with foreldreansvar (or the
    young person). A tiltak proposed by the child or the guardians may leave out the date: its
    effect is then evaluated after the municipality's
    [`effect_evaluation_days`][barnekoordinator.config.MunicipalSettings.effect_evaluation_days].
    """
    settings = _settings(settings)
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings)
    _new_id(case, tiltak_id, "tiltak_id")
    _text(description, "description")
    responsible_ref = _responsible(case, responsible_ref)
    _check_proposer(case, proposed_by, proposer_ref)
    if evaluation_date is None:
        if proposed_by is ProposedBy.SERVICE:
            raise StafettloggError("a tiltak must have an evaluation date (BTI-10)")
        evaluation_date = as_of + timedelta(days=settings.effect_evaluation_days)
    if evaluation_date < as_of:
        raise StafettloggError("the evaluation date must not be in the past")
    if goal_id is not None and all(g.id != goal_id for g in log.goals):
        raise InvalidInput(f"goal_id: no goal {goal_id!r} in the log")
    return LogMeasureAdded(
        tiltak_id=tiltak_id,
        description=description,
        responsible_ref=responsible_ref,
        evaluation_date=evaluation_date,
        proposed_by=proposed_by,
        proposer_ref=proposer_ref,
        goal_id=goal_id,
        by=by,
        on=as_of,
    )


def _responsible(case: Case, responsible_ref: str | None) -> str:
    """The tiltak's responsible person: a professional in the case, or the family (BTI-10)."""
    if responsible_ref is None or not responsible_ref.strip():
        raise StafettloggError("a tiltak must name the person responsible for it (BTI-10)")
    family = {g.ref for g in case.with_responsibility()}
    if case.subject is not None:
        family.add(case.subject.ref)
    if case.participant(responsible_ref) is None and responsible_ref not in family:
        raise StafettloggError(
            f"case {case.id}: the responsible person {responsible_ref} takes no part in the case"
        )
    return responsible_ref


def _check_proposer(case: Case, proposed_by: ProposedBy, proposer_ref: str | None) -> None:
    """A tiltak from the family names who proposed it; one from a service names nobody."""
    if proposed_by is ProposedBy.SERVICE:
        if proposer_ref is not None:
            raise InvalidInput("proposer_ref: only for tiltak proposed by the child or guardians")
        return
    expected = (
        {case.subject.ref}
        if proposed_by is ProposedBy.CHILD and case.subject is not None
        else {g.ref for g in case.guardians}
    )
    if proposer_ref not in expected:
        raise InvalidInput(
            f"proposer_ref: expected the {proposed_by.value} who proposed the tiltak"
        )


def evaluate_log_measure(
    case: Case,
    *,
    tiltak_id: str,
    by: str,
    effect: EffectAssessment,
    next_step: MeasureNext,
    as_of: date,
    note: str = "",
    next_evaluation_date: date | None = None,
    settings: MunicipalSettings | None = None,
) -> LogMeasureEvaluated:
    """Command: evaluate a tiltak; continuing or adjusting it needs the next evaluation date.

    The person responsible for the tiltak, or the stafettholder, evaluates it;
    after a statutory coordinator took over (a linked log), the coordinator does
    while the appointment is in force.
    """
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings, allow_linked=True)
    t = log.get_tiltak(tiltak_id)
    if t is None:
        raise InvalidInput(f"case {case.id}: no tiltak {tiltak_id!r}")
    if not t.active:
        raise StafettloggError(f"case {case.id}: tiltak {tiltak_id!r} has ended")
    if by not in (t.responsible_ref, log.baton.holder_ref, _coordinator_now(case, log, as_of)):
        raise NotResponsible(
            f"case {case.id}: tiltak {tiltak_id!r} is evaluated by its responsible person "
            "or the stafettholder"
        )
    if next_step is MeasureNext.END:
        if next_evaluation_date is not None:
            raise InvalidInput("next_evaluation_date: an ended tiltak has no next evaluation")
    elif next_evaluation_date is None or next_evaluation_date <= as_of:
        raise StafettloggError(
            "a tiltak that continues needs a next evaluation date after today (BTI-10)"
        )
    return LogMeasureEvaluated(
        tiltak_id=tiltak_id,
        effect=effect,
        next_step=next_step,
        note=note,
        next_evaluation_date=next_evaluation_date,
        by=by,
        on=as_of,
    )


def schedule_meeting(
    case: Case,
    *,
    meeting_id: str,
    by: str,
    meeting_on: date,
    agenda: Sequence[str],
    invited: Sequence[str],
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> MeetingScheduled:
    """Command: the stafettholder calls a samarbeidsmøte with an agenda and invitees.

    Each invitee is the child, a guardian (``InvalidInput`` otherwise), or a participant whose
    service a stafettlogg or individual-plan consent covers (``ConsentRequired`` otherwise,
    BTI-08).

    Use
    [`barnekoordinator.coordination.meetings.prepare_meeting()`][barnekoordinator.coordination.meetings.prepare_meeting]
    to build the agenda.
    """
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings)
    _holder_or_leader(case, log, by, "calls meetings")
    _new_id(case, meeting_id, "meeting_id")
    if meeting_on < as_of:
        raise StafettloggError("a meeting cannot be called for a day that has passed")
    if not agenda:
        raise StafettloggError("a samarbeidsmøte needs an agenda")
    if not all(isinstance(point, str) and point.strip() for point in agenda):
        raise InvalidInput("agenda: expected each point to be a non-empty text")
    if not invited:
        raise StafettloggError("a samarbeidsmøte needs invitees")
    _check_people(case, invited, "invited", as_of, _settings(settings))
    return MeetingScheduled(
        meeting_id=meeting_id,
        meeting_on=meeting_on,
        agenda=tuple(agenda),
        invited=tuple(dict.fromkeys(invited)),
        by=by,
        on=as_of,
    )


def _check_people(
    case: Case,
    refs: Sequence[str],
    field: str,
    as_of: date,
    settings: MunicipalSettings,
    *,
    former_ok: bool = False,
) -> None:
    """Each of ``refs`` is the child, a guardian, or a participant whose service a stafettlogg or
    individual-plan consent covers on ``as_of`` (``consent.shares_with``): a meeting is called
    with the family and the services the family agreed to share with (BTI-08), and its minutes
    list who of them attended. An invitee outside the case, or a service no consent covers, was
    sent a "meeting called" message (CLI sweep, 2026-12-07); minutes listed an attendee outside
    the case (BTI sweep). With ``former_ok`` a professional who has left the case since (one
    who attended, then left before the minutes were written) is accepted too. The message names
    the ref's place in the list, never its text."""
    child = case.subject.ref if case.subject is not None else None
    for index, ref in enumerate(refs):
        if ref == child or case.guardian(ref) is not None:
            continue
        participant = case.participant(ref)
        if participant is None:
            if former_ok and ref in case.former_participants:
                continue
            raise InvalidInput(
                f"{field}[{index}]: expected the child, a guardian or a participant of the case"
            )
        if not shares_with(case, participant.service, as_of=as_of, settings=settings):
            raise ConsentRequired(
                f"case {case.id}: {field}[{index}]: no stafettlogg or individual-plan consent "
                f"covers {participant.service.value} on {as_of.isoformat()}"
            )


def record_minutes(
    case: Case,
    *,
    meeting_id: str,
    by: str,
    text: str,
    attended: Sequence[str],
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> MinutesRecorded:
    """Command: write the log of a meeting that has taken place (it is the minutes).

    The stafettholder (or a leader) writes it. A meeting held before the log was linked to a
    statutory coordinator keeps its minutes (the log replaces the møtereferat, §7.3
    [V:S49][V:S52]): the former stafettholder, the coordinator following up the log, or a leader
    writes them then. Each attendee is the child, a guardian, or a participant whose service a
    stafettlogg or individual-plan consent covered on the meeting day (``InvalidInput`` /
    ``ConsentRequired`` otherwise, as for the invitees), or a professional who has left the
    case since.
    """
    settings = _settings(settings)
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings, allow_linked=True)
    if log.is_open:
        _holder_or_leader(case, log, by, "writes the log of a meeting")
    elif by not in (_former_holder(log), _coordinator_now(case, log, as_of)) and not is_leader(
        case, by
    ):
        raise NotResponsible(
            f"case {case.id}: the log of a meeting held before the stafettlogg was linked is "
            "written by the former stafettholder, the coordinator or a leader"
        )
    meeting = log.get_meeting(meeting_id)
    if meeting is None:
        raise InvalidInput(f"case {case.id}: no meeting {meeting_id!r}")
    if meeting.minutes is not None:
        raise StafettloggError(f"case {case.id}: meeting {meeting_id!r} already has minutes")
    if not _held_before_link(log, meeting.on):
        raise StafettloggError(
            f"case {case.id}: meeting {meeting_id!r} was called for "
            f"{meeting.on.isoformat()}, after the stafettlogg was linked; it was not held in it"
        )
    if as_of < meeting.on:
        raise StafettloggError("minutes are written at or after the meeting")
    if not attended:
        raise InvalidInput("attended: list who took part in the meeting")
    _check_people(case, attended, "attended", meeting.on, settings, former_ok=True)
    return MinutesRecorded(
        meeting_id=meeting_id,
        text=_text(text, "text"),
        attended=tuple(dict.fromkeys(attended)),
        by=by,
        on=as_of,
    )


def record_decision(
    case: Case,
    *,
    decision_id: str,
    by: str,
    text: str,
    as_of: date,
    meeting_id: str | None = None,
    follow_up_by: str | None = None,
    follow_up_on: date | None = None,
    settings: MunicipalSettings | None = None,
) -> DecisionRecorded:
    """Command: write a beslutning on the way forward; a follow-up names who and when."""
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings)
    _holder_or_leader(case, log, by, "records decisions")
    _new_id(case, decision_id, "decision_id")
    if meeting_id is not None and log.get_meeting(meeting_id) is None:
        raise InvalidInput(f"case {case.id}: no meeting {meeting_id!r}")
    if (follow_up_by is None) != (follow_up_on is None):
        raise InvalidInput("follow_up_by and follow_up_on go together")
    if follow_up_by is not None and case.participant(follow_up_by) is None:
        raise StafettloggError(f"case {case.id}: {follow_up_by} takes no part in the case")
    if follow_up_on is not None and follow_up_on < as_of:
        raise StafettloggError("a follow-up date must not be in the past")
    return DecisionRecorded(
        decision_id=decision_id,
        text=_text(text, "text"),
        meeting_id=meeting_id,
        follow_up_by=follow_up_by,
        follow_up_on=follow_up_on,
        by=by,
        on=as_of,
    )


def complete_decision(
    case: Case,
    *,
    decision_id: str,
    by: str,
    as_of: date,
    note: str = "",
    settings: MunicipalSettings | None = None,
) -> DecisionCompleted:
    """Command: the follow-up of a decision is done."""
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings, allow_linked=True)
    d = log.get_decision(decision_id)
    if d is None:
        raise InvalidInput(f"case {case.id}: no decision {decision_id!r}")
    if not d.open:
        raise StafettloggError(f"case {case.id}: decision {decision_id!r} has no open follow-up")
    if by not in (d.follow_up_by, log.baton.holder_ref, _coordinator_now(case, log, as_of)):
        raise NotResponsible(
            f"case {case.id}: the follow-up is completed by its owner or the stafettholder"
        )
    return DecisionCompleted(decision_id=decision_id, note=note, by=by, on=as_of)
