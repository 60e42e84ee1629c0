"""The stafettlogg's events: opening, its items, a level change, linking and closing.

Each event is stored as written; its ``TYPE`` tag and payload fields are the
wire format, so they never change here (see ``docs/reference/events.md``). How
each one changes the state is in ``_fold``.
"""

from __future__ import annotations

from datetime import date

import attrs

from barnekoordinator.coordination.roles import Role
from barnekoordinator.coordination.stafettlogg._values import (
    BtiLevel,
    ClosingReason,
    EffectAssessment,
    HolderDecision,
    MeasureNext,
    ObservationKind,
    ProposedBy,
)
from barnekoordinator.history.case import DomainEvent

_BASIS = ("bti-stafettlogg",)


@attrs.frozen(kw_only=True)
class StafettloggOpened(DomainEvent):
    """A stafettlogg was opened with consent, at a level, with a first stafettholder."""

    TYPE = "stafettlogg.opened"
    LEGAL_BASIS = ("bti-stafettlogg", "bti-stafettholder")
    level: BtiLevel
    holder_ref: str
    by: str
    on: date
    consent_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ObservationRecorded(DomainEvent):
    """An oppmerksomhet, undring or bekymring was written in the log."""

    TYPE = "stafettlogg.observation-recorded"
    LEGAL_BASIS = _BASIS
    observation_id: str
    kind: ObservationKind
    text: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class GoalSet(DomainEvent):
    """A goal of the cooperation was written in the log."""

    TYPE = "stafettlogg.goal-set"
    LEGAL_BASIS = _BASIS
    goal_id: str
    text: str
    life_area: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class LogMeasureAdded(DomainEvent):
    """A tiltak was added with its responsible person and evaluation date."""

    TYPE = "stafettlogg.tiltak-added"
    LEGAL_BASIS = _BASIS
    tiltak_id: str
    description: str
    responsible_ref: str
    evaluation_date: date
    proposed_by: ProposedBy
    proposer_ref: str | None
    goal_id: str | None
    by: str
    on: date


@attrs.frozen(kw_only=True)
class LogMeasureEvaluated(DomainEvent):
    """A tiltak was evaluated; it continues to the next date or ends."""

    TYPE = "stafettlogg.tiltak-evaluated"
    LEGAL_BASIS = _BASIS
    ACTS_ON = ("tiltak_id", "measure")
    tiltak_id: str
    effect: EffectAssessment
    next_step: MeasureNext
    note: str
    next_evaluation_date: date | None
    by: str
    on: date


@attrs.frozen(kw_only=True)
class MeetingScheduled(DomainEvent):
    """The stafettholder called a samarbeidsmøte with an agenda."""

    TYPE = "stafettlogg.meeting-scheduled"
    LEGAL_BASIS = ("bti-stafettholder",)
    meeting_id: str
    meeting_on: date
    agenda: tuple[str, ...]
    invited: tuple[str, ...]
    by: str
    on: date


@attrs.frozen(kw_only=True)
class MinutesRecorded(DomainEvent):
    """The log of a meeting was written (it is the minutes)."""

    TYPE = "stafettlogg.minutes-recorded"
    LEGAL_BASIS = _BASIS
    ACTS_ON = ("meeting_id", "meeting")
    meeting_id: str
    text: str
    attended: tuple[str, ...]
    by: str
    on: date


@attrs.frozen(kw_only=True)
class DecisionRecorded(DomainEvent):
    """A beslutning on the way forward, optionally with a follow-up."""

    TYPE = "stafettlogg.decision-recorded"
    LEGAL_BASIS = _BASIS
    decision_id: str
    text: str
    meeting_id: str | None
    follow_up_by: str | None
    follow_up_on: date | None
    by: str
    on: date


@attrs.frozen(kw_only=True)
class DecisionCompleted(DomainEvent):
    """The follow-up of a decision was done."""

    TYPE = "stafettlogg.decision-completed"
    LEGAL_BASIS = _BASIS
    ACTS_ON = ("decision_id", "decision")
    decision_id: str
    note: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class LevelChanged(DomainEvent):
    """The BTI level changed; the stafettholder was re-decided with the family (BTI-16)."""

    TYPE = "stafettlogg.level-changed"
    LEGAL_BASIS = ("bti-stafettholder",)
    from_level: BtiLevel
    to_level: BtiLevel
    decision: HolderDecision
    by: str
    on: date


@attrs.frozen(kw_only=True)
class StafettloggLinked(DomainEvent):
    """A statutory coordinator took over coordination; the baton ended, the tiltak go on."""

    TYPE = "stafettlogg.linked"
    LEGAL_BASIS = ("veileder-samordningsplikt", "bti-stafettholder")
    coordinator_role: Role
    coordinator_ref: str
    by: str
    on: date
    pending_handover_to: str | None = None
    holder_was_missing: bool = False
    unminuted_meetings: tuple[str, ...] = ()
    """Meetings called for after the link, without minutes; they lapse with the baton. (Before
    2026-12-08 every meeting without minutes was listed; the minutes of one held by the link
    are still owed.)"""


@attrs.frozen(kw_only=True)
class StafettloggClosed(DomainEvent):
    """The stafettlogg was closed (goal reached, consent withdrawn …).

    The tuples list what was still open at closing (it ends with the log), so
    that projections can drop their rows without reading the case.
    """

    TYPE = "stafettlogg.closed"
    LEGAL_BASIS = ("bti-stafettlogg", "arkivl")
    reason: ClosingReason
    summary: str
    by: str
    on: date
    open_tiltak: tuple[str, ...] = ()
    unminuted_meetings: tuple[str, ...] = ()
    open_decisions: tuple[str, ...] = ()
    pending_handover_to: str | None = None
    holder_was_missing: bool = False
