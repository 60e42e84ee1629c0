"""The BTI stafettlogg: nivå 0, the log, its tiltak, meetings, decisions and closing.

BTI (Bedre tverrfaglig innsats) is a municipal practice model, not law
(domain.md §7.1). A concern starts at **nivå 0** as an *undring* that must be
clarified within the municipality's deadline (:attr:`MunicipalSettings.nivaa0_decision_days`).
Severe suspicion (violence, abuse, serious neglect) bypasses the ladder: it is
reported to barnevernstjenesten **without involving the guardians**, and no
stafettlogg or consent flow starts (BTI-02).

From nivå 1 (or the municipality's :attr:`~MunicipalSettings.stafettlogg_from_level`)
a **stafettlogg** may be opened — only with consent (BTI-03) — and every write
to it checks, on the day of the write, that the consent ledger still covers the
writing service (so a log opened in pregnancy needs the consent of those with
foreldreansvar after the birth, and a withdrawn consent stops all writing).

The log holds observations (oppmerksomhet/undring/bekymring), goals, tiltak
(each with a responsible person and an evaluation date — BTI-10; tiltak the
child or guardians proposed are tracked beside the services' own), evaluations,
samarbeidsmøter (the log is written as the minutes) and beslutninger. It closes
when the goal is reached or the consent is withdrawn (BTI-12), and
:func:`archive_document` / :func:`archive_text` give the closing printout for
the archive (arkivlova).

The log also holds the **baton** (:attr:`Stafettlogg.holder_ref`): exactly one
stafettholder while the log is open. Handing it over is
:mod:`barnekoordinator.coordination.handover`; changing level (which re-decides the holder)
is :mod:`barnekoordinator.coordination.transitions`; the statutory coordinators who take
precedence are :mod:`barnekoordinator.coordination.appointments`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

import attrs

from barnekoordinator.access.consent import (
    ConsentPurpose,
    ConsentWithdrawn,
    ledger,
    section_of,
    withdraw_consent,
)
from barnekoordinator.access.entries import Entry, EntryMeta, GuardianVisibility
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.roles import (
    CheckContext,
    Obligation,
    ObligationStatus,
    Role,
    RoleAssignment,
    granted,
    is_leader,
    roles,
)
from barnekoordinator.errors import (
    HistoryError,
    InvalidInput,
    NotResponsible,
    StafettloggError,
)
from barnekoordinator.history._evolve import Draft, DraftSteps, copier, copy_with
from barnekoordinator.history.case import (
    Case,
    CaseClosedEvent,
    CaseMode,
    DomainEvent,
    ModeChanged,
    RecordedEvent,
)
from barnekoordinator.history.concept import Concept
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import EventRecord
from barnekoordinator.people import Professional
from barnekoordinator.services import ServiceKind

__all__ = [
    "CONCEPT",
    "BatonChange",
    "BatonChangeKind",
    "Bti",
    "BtiLevel",
    "ClosingReason",
    "DecisionCompleted",
    "DecisionRecorded",
    "EffectAssessment",
    "Evaluation",
    "Goal",
    "GoalSet",
    "HolderDecision",
    "LevelChange",
    "LevelChanged",
    "LogDecision",
    "LogMeasure",
    "LogMeasureAdded",
    "LogMeasureEvaluated",
    "LogStatus",
    "MeasureNext",
    "Meeting",
    "MeetingScheduled",
    "Minutes",
    "MinutesRecorded",
    "Nivaa0Decided",
    "Nivaa0Outcome",
    "Observation",
    "ObservationKind",
    "ObservationRecorded",
    "PendingHandover",
    "ProposedBy",
    "Stafettlogg",
    "StafettloggClosed",
    "StafettloggLinked",
    "StafettloggOpened",
    "Undring",
    "UndringRegistered",
    "add_log_measure",
    "archive_document",
    "archive_text",
    "bti",
    "close_stafettlogg",
    "closing_event",
    "complete_decision",
    "current_log",
    "decide_nivaa0",
    "evaluate_log_measure",
    "open_log",
    "open_stafettlogg",
    "record_decision",
    "record_minutes",
    "record_observation",
    "register_undring",
    "require_log_consent",
    "require_log_writer",
    "schedule_meeting",
    "service_may_read",
    "set_goal",
    "stafettholder",
    "unminuted_meetings",
    "with_log",
    "withdraw_stafettlogg_consent",
]

_KEY = "stafettlogg"
_BASIS = ("bti-stafettlogg",)


class BtiLevel(enum.IntEnum):
    """BTI levels (domain.md §7.2)."""

    NIVAA_0 = 0
    """Undring / avklaring: is there reason for concern?"""
    NIVAA_1 = 1
    """Innsats i egen tjeneste: measures within one service."""
    NIVAA_2 = 2
    """Enkelt tverrfaglig samarbeid, preferably two services."""
    NIVAA_3 = 3
    """Omfattende tverrfaglig samarbeid between several services."""


class LogStatus(enum.Enum):
    """Where a stafettlogg is in its life."""

    OPEN = "open"
    LINKED = "linked"
    """A statutory coordinator took over coordination; the tiltak are followed up there."""
    CLOSED = "closed"


class ObservationKind(enum.Enum):
    """How serious an observation is (increasing)."""

    OPPMERKSOMHET = "oppmerksomhet"
    UNDRING = "undring"
    BEKYMRING = "bekymring"


class Nivaa0Outcome(enum.Enum):
    """The decision that ends a nivå-0 clarification."""

    NO_FURTHER_FOLLOW_UP = "no-further-follow-up"
    NIVAA_1 = "nivaa-1"
    NIVAA_2 = "nivaa-2"
    NIVAA_3 = "nivaa-3"
    REPORT_TO_BARNEVERN = "report-to-barnevern"
    """Bekymringsmelding to barnevernstjenesten (and the police where seriously worried)."""


class ProposedBy(enum.Enum):
    """Who proposed a tiltak: tiltak from the family are tracked beside the services' own."""

    SERVICE = "service"
    CHILD = "child"
    GUARDIAN = "guardian"


class EffectAssessment(enum.Enum):
    """The effect of a tiltak as judged at an evaluation."""

    GOAL_REACHED = "goal-reached"
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSE = "worse"
    UNCLEAR = "unclear"


class MeasureNext(enum.Enum):
    """What happens to a tiltak after an evaluation."""

    CONTINUE = "continue"
    ADJUST = "adjust"
    END = "end"


class ClosingReason(enum.Enum):
    """Why a stafettlogg was closed (domain.md §7.3 avslutning)."""

    GOAL_REACHED = "goal-reached"
    NO_LONGER_NEEDED = "no-longer-needed"
    CONSENT_WITHDRAWN = "consent-withdrawn"
    MOVED_MUNICIPALITY = "moved-municipality"


class BatonChangeKind(enum.Enum):
    """How the baton moved (the audit trail of stafettholders)."""

    OPENED = "opened"
    ACCEPTED = "accepted"
    ASSIGNED = "assigned"
    CONFIRMED = "confirmed"
    """Confirmed at a level change."""
    LEFT = "left"
    """The holder left without handover; the log has no holder until one is assigned."""
    ENDED = "ended"
    """Coordination moved to a statutory coordinator, or the log closed."""


# --- values ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Undring:
    """A nivå-0 undring and, once made, its decision."""

    id: str
    description: str
    registered_on: date
    registered_by: str
    author_service: ServiceKind | None
    decision_due: date
    suspected_abuse: bool = False
    outcome: Nivaa0Outcome | None = None
    decided_on: date | None = None
    decided_by: str | None = None
    decision_reason: str = ""
    involve_guardians: bool = True


@attrs.frozen(kw_only=True)
class Observation:
    """An oppmerksomhet, undring or bekymring recorded in the log."""

    id: str
    kind: ObservationKind
    text: str
    recorded_on: date
    author_ref: str
    author_service: ServiceKind | None


@attrs.frozen(kw_only=True)
class Goal:
    """A goal (mål) of the cooperation, optionally for an area of life."""

    id: str
    text: str
    life_area: str
    recorded_on: date
    author_ref: str
    author_service: ServiceKind | None


@attrs.frozen(kw_only=True)
class Evaluation:
    """One evaluation of a tiltak."""

    on: date
    by: str
    author_service: ServiceKind | None
    effect: EffectAssessment
    next_step: MeasureNext
    note: str
    next_evaluation_date: date | None


@attrs.frozen(kw_only=True)
class LogMeasure:
    """A measure with its responsible person and next evaluation date."""

    id: str
    description: str
    responsible_ref: str
    evaluation_date: date
    """The next evaluation date (moves on at each evaluation)."""
    proposed_by: ProposedBy
    proposer_ref: str | None
    goal_id: str | None
    created_on: date
    author_ref: str
    author_service: ServiceKind | None
    evaluations: tuple[Evaluation, ...] = ()
    ended_on: date | None = None

    @property
    def active(self) -> bool:
        """True until an evaluation ends the tiltak."""
        return self.ended_on is None


@attrs.frozen(kw_only=True)
class Minutes:
    """The log written in a meeting (it replaces a separate referat)."""

    text: str
    attended: tuple[str, ...]
    written_by: str
    recorded_on: date
    author_service: ServiceKind | None


@attrs.frozen(kw_only=True)
class Meeting:
    """A samarbeidsmøte: when, agenda, who was invited, and its minutes."""

    id: str
    on: date
    agenda: tuple[str, ...]
    invited: tuple[str, ...]
    called_by: str
    author_service: ServiceKind | None
    minutes: Minutes | None = None


@attrs.frozen(kw_only=True)
class LogDecision:
    """A beslutning; open while its follow-up is not done."""

    id: str
    text: str
    decided_on: date
    decided_by: str
    author_service: ServiceKind | None
    meeting_id: str | None = None
    follow_up_by: str | None = None
    follow_up_on: date | None = None
    done_on: date | None = None

    @property
    def open(self) -> bool:
        """True while a follow-up is set and not done."""
        return self.follow_up_on is not None and self.done_on is None


@attrs.frozen(kw_only=True)
class PendingHandover:
    """A proposed handover not yet answered; the holder keeps the baton meanwhile."""

    to_ref: str
    to_service: ServiceKind
    proposed_by: str
    proposed_on: date
    reason: str = ""


@attrs.frozen(kw_only=True)
class BatonChange:
    """One move of the baton."""

    on: date
    kind: BatonChangeKind
    from_ref: str | None
    to_ref: str | None


@attrs.frozen(kw_only=True)
class HolderDecision:
    """The stafettholder decided with the family at a level change (BTI-16).

    The three considerations of domain.md §7.4 must be stated: the child's,
    youth's and family's wishes, the nature and scope of the measures, and the
    expected coordination need. ``decided_with`` names the family members
    (guardians, child) the decision was made with.
    """

    holder_ref: str
    family_wishes: str
    measure_scope: str
    coordination_need: str
    decided_with: tuple[str, ...]


@attrs.frozen(kw_only=True)
class LevelChange:
    """A change of BTI level and the holder decision that came with it."""

    on: date
    from_level: BtiLevel
    to_level: BtiLevel
    decision: HolderDecision
    by: str
    author_service: ServiceKind | None


def _check_log(instance: Stafettlogg, _attribute: object, status: LogStatus) -> None:
    if status is LogStatus.OPEN and instance.holder_ref is None and instance.holder_left_on is None:
        raise HistoryError("an open stafettlogg must have a stafettholder (or be flagged missing)")
    if status is not LogStatus.OPEN and instance.pending is not None:
        raise HistoryError("only an open stafettlogg can have a pending handover")


@attrs.frozen(kw_only=True, slots=False)  # copied per event: see barnekoordinator.history._evolve
class Stafettlogg:
    """One stafettlogg and its baton. ``holder_ref`` is ``None`` only after the holder left."""

    status: LogStatus = attrs.field(validator=_check_log)
    level: BtiLevel
    opened_on: date
    opened_by: str
    consent_ids: tuple[str, ...] = ()
    holder_ref: str | None = None
    holder_since: date | None = None
    holder_left_on: date | None = None
    pending: PendingHandover | None = None
    baton_history: tuple[BatonChange, ...] = ()
    observations: tuple[Observation, ...] = ()
    goals: tuple[Goal, ...] = ()
    tiltak: tuple[LogMeasure, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    decisions: tuple[LogDecision, ...] = ()
    level_changes: tuple[LevelChange, ...] = ()
    closed_on: date | None = None
    closing_reason: ClosingReason | None = None
    closing_summary: str = ""
    closed_by: str | None = None
    linked_to: Role | None = None
    linked_coordinator_ref: str | None = None
    linked_on: date | None = None

    @property
    def is_open(self) -> bool:
        """True while the log is open (not linked, not closed)."""
        return self.status is LogStatus.OPEN

    @property
    def active_tiltak(self) -> tuple[LogMeasure, ...]:
        """Tiltak not yet ended."""
        return tuple(t for t in self.tiltak if t.active)

    def get_tiltak(self, tiltak_id: str) -> LogMeasure | None:
        """The tiltak with this id."""
        return next((t for t in reversed(self.tiltak) if t.id == tiltak_id), None)

    def get_meeting(self, meeting_id: str) -> Meeting | None:
        """The meeting with this id."""
        return next((m for m in reversed(self.meetings) if m.id == meeting_id), None)

    def get_decision(self, decision_id: str) -> LogDecision | None:
        """The decision with this id."""
        return next((d for d in reversed(self.decisions) if d.id == decision_id), None)

    def ids(self) -> frozenset[str]:
        """Every item id used in the log."""
        return frozenset(
            x.id
            for group in (self.observations, self.goals, self.tiltak, self.meetings, self.decisions)
            for x in group
        )


@attrs.frozen(kw_only=True, slots=False)  # copied per event: see barnekoordinator.history._evolve
class Bti:
    """The BTI state of a case: nivå-0 undringer, the current log, earlier logs."""

    undringer: tuple[Undring, ...] = ()
    log: Stafettlogg | None = None
    earlier_logs: tuple[Stafettlogg, ...] = ()

    def get_undring(self, undring_id: str) -> Undring | None:
        """The undring with this id."""
        return next((u for u in self.undringer if u.id == undring_id), None)

    def ids(self) -> frozenset[str]:
        """Every id used by undringer and log items in the case."""
        found = {u.id for u in self.undringer}
        for log in (*self.earlier_logs, *((self.log,) if self.log else ())):
            found |= log.ids()
        return frozenset(found)


# --- reading the state ---------------------------------------------------------------


_EMPTY_BTI = Bti()
"""The state of a case that has none yet (built once, shared: it is immutable)."""


def bti(case: Case) -> Bti:
    """The BTI state of a case."""
    return case.part(_KEY, _EMPTY_BTI)


def current_log(case: Case) -> Stafettlogg | None:
    """The latest stafettlogg (open, linked or closed), or ``None``."""
    return bti(case).log


def open_log(case: Case) -> Stafettlogg | None:
    """The stafettlogg if it is open."""
    log = bti(case).log
    return log if log is not None and log.is_open else None


def with_log(case: Case, log: Stafettlogg) -> Case:
    """A copy of ``case`` with its current log replaced (for evolvers of other modules)."""
    return case.with_part(_KEY, _copy_bti(bti(case), {"log": log}))


def stafettholder(case: Case) -> str | None:
    """The current stafettholder: ``None`` when no log is open or the holder has left."""
    log = open_log(case)
    if log is None or log.holder_ref is None:
        return None
    return log.holder_ref if case.participant(log.holder_ref) is not None else None


def _service(case: Case, ref: str) -> ServiceKind | None:
    p = case.participant(ref)
    return p.service if p is not None else None


def _settings(settings: MunicipalSettings | None) -> MunicipalSettings:
    return settings or MunicipalSettings()


def _professional(case: Case, by: str) -> Professional:
    p = case.participant(by)
    if p is None:
        raise NotResponsible(f"case {case.id}: {by} does not take part in the case")
    return p


def require_log_consent(
    case: Case, service: ServiceKind, as_of: date, settings: MunicipalSettings | None = None
) -> None:
    """Raise :class:`ConsentRequired` unless a stafettlogg consent covers ``service`` on ``as_of``.

    The consent must cover the service and the section its entries belong to.
    """
    ledger(case).require(
        case,
        ConsentPurpose.STAFETTLOGG,
        as_of=as_of,
        service=service,
        section=section_of(service),
        settings=settings,
    )


def require_log_writer(
    case: Case,
    *,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
    allow_linked: bool = False,
) -> Stafettlogg:
    """Check that ``by`` may write to the log on ``as_of``; return the log.

    The log must be open (or, with ``allow_linked``, linked to a statutory
    coordinator: its tiltak are still evaluated and its decisions followed up).
    Raises :class:`CaseClosed`, :class:`StafettloggError` (no such log),
    :class:`NotResponsible` (not a participant) or :class:`ConsentRequired`
    (no consent covers the writer's service on that day).
    """
    case.require_open()
    log = current_log(case)
    allowed = (LogStatus.OPEN, LogStatus.LINKED) if allow_linked else (LogStatus.OPEN,)
    if log is None or log.status not in allowed:
        raise StafettloggError(f"case {case.id}: no open stafettlogg")
    writer = _professional(case, by)
    require_log_consent(case, writer.service, as_of, _settings(settings))
    return log


def service_may_read(
    case: Case, service: ServiceKind, as_of: date, settings: MunicipalSettings | None = None
) -> bool:
    """Whether a service may read the stafettlogg on ``as_of``.

    Only services covered by the guardians' (or youth's) consent may read; a log
    closed because consent was withdrawn is read by no service (BTI-12).

    This answers for the shared log as a whole. The Casebook decides per entry
    with :func:`barnekoordinator.access.policy.decide`, which also lets a service read
    what it or its own service wrote after a withdrawal (nothing is disclosed to
    it by that); whether BTI-12 should close even that is an open legal question.
    """
    log = current_log(case)
    if log is None or log.closing_reason is ClosingReason.CONSENT_WITHDRAWN:
        return False
    return ledger(case).covers(
        case,
        ConsentPurpose.STAFETTLOGG,
        as_of=as_of,
        service=service,
        settings=_settings(settings),
    )


def _new_id(case: Case, item_id: str, what: str) -> None:
    if not item_id.strip():
        raise InvalidInput(f"{what}: expected a non-empty id")
    if item_id in bti(case).ids():
        raise InvalidInput(f"{what} {item_id!r} is already used in case {case.id}")


def _text(value: str, what: str) -> str:
    if not value.strip():
        raise InvalidInput(f"{what}: must not be empty")
    return value


# --- events --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class UndringRegistered(DomainEvent):
    """A nivå-0 undring was registered; it must be decided by ``decision_due``."""

    TYPE = "bti.undring-registered"
    LEGAL_BASIS = ("bti-niva-0",)
    undring_id: str
    description: str
    by: str
    on: date
    decision_due: date
    suspected_abuse: bool = False


@attrs.frozen(kw_only=True)
class Nivaa0Decided(DomainEvent):
    """A nivå-0 clarification was decided (close, a level, or report to barnevern)."""

    TYPE = "bti.nivaa0-decided"
    # A report to barnevernstjenesten rests on the services' duty to inform.
    LEGAL_BASIS = ("bti-niva-0", "bvl-13-2")
    undring_id: str
    outcome: Nivaa0Outcome
    by: str
    on: date
    reason: str
    involve_guardians: bool = True


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
    """Meetings without minutes; they lapse with the baton."""


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


# --- evolvers ------------------------------------------------------------------------


_copy_log = copier(Stafettlogg)
_copy_bti = copier(Bti)


def _evolve_log(case: Case, **changes: Any) -> Case:
    state = bti(case)
    log = state.log
    if log is None:
        raise HistoryError(f"case {case.id}: event for a stafettlogg that was never opened")
    # Three copies (log, BTI state, case), each with its validators (the log's
    # holder invariant among them).
    return case.with_part(_KEY, _copy_bti(state, {"log": _copy_log(log, changes)}))


def _undring(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, UndringRegistered)
    state = bti(case)
    u = Undring(
        id=e.undring_id,
        description=e.description,
        registered_on=e.on,
        registered_by=e.by,
        author_service=_service(case, e.by),
        decision_due=e.decision_due,
        suspected_abuse=e.suspected_abuse,
    )
    return case.with_part(_KEY, attrs.evolve(state, undringer=(*state.undringer, u)))


def _nivaa0(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, Nivaa0Decided)
    draft = Draft(bti(case))
    draft.update_last(
        "undringer",
        e.undring_id,
        {
            "outcome": e.outcome,
            "decided_on": e.on,
            "decided_by": e.by,
            "decision_reason": e.reason,
            "involve_guardians": e.involve_guardians,
        },
        f"no item {e.undring_id!r} to update",
    )
    return case.with_part(_KEY, draft.result())


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
        holder_ref=e.holder_ref,
        holder_since=e.on,
        baton_history=(
            BatonChange(on=e.on, kind=BatonChangeKind.OPENED, from_ref=None, to_ref=e.holder_ref),
        ),
    )
    return case.with_part(_KEY, attrs.evolve(state, log=log, earlier_logs=earlier))


"""How each item event changes the open log (see :func:`_items`)."""


def _observation(case: Case, d: Draft[Stafettlogg], e: ObservationRecorded) -> None:
    d.append(
        "observations",
        Observation(
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
        Goal(
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
        LogMeasure(
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
    ev = Evaluation(
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
        return copy_with(t, {"evaluations": (*t.evaluations, ev), **changes})

    # The last tiltak with the id is what log.get_tiltak() finds.
    d.replace_last("tiltak", e.tiltak_id, evaluated, f"case {case.id}: no tiltak {e.tiltak_id!r}")


def _meeting(case: Case, d: Draft[Stafettlogg], e: MeetingScheduled) -> None:
    d.append(
        "meetings",
        Meeting(
            id=e.meeting_id,
            on=e.meeting_on,
            agenda=e.agenda,
            invited=e.invited,
            called_by=e.by,
            author_service=_service(case, e.by),
        ),
    )


def _minutes(case: Case, d: Draft[Stafettlogg], e: MinutesRecorded) -> None:
    minutes = Minutes(
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
        LogDecision(
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


def _items(case: Case, run: Sequence[RecordedEvent]) -> Case:
    """A run of item events, folded with one copy of the log, the BTI state and the case.

    Item events only add to or update the log's item tuples; they never touch
    its status, holder or pending handover, which its validator checks, so
    checking it once on the result checks what checking it per event would.
    Participants do not change inside a run (joining and leaving end it), so an
    author's service is what one event at a time would see.
    """
    log = bti(case).log
    if log is None:
        raise HistoryError(f"case {case.id}: event for a stafettlogg that was never opened")
    draft = Draft(log)
    _ITEM_STEPS.fold(case, draft, run)
    return with_log(case, draft.result())


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
    history = log.baton_history
    if e.decision.holder_ref == log.holder_ref:
        history = (
            *history,
            BatonChange(
                on=e.on,
                kind=BatonChangeKind.CONFIRMED,
                from_ref=log.holder_ref,
                to_ref=log.holder_ref,
            ),
        )
    return _evolve_log(
        case,
        level=e.to_level,
        level_changes=(*log.level_changes, change),
        baton_history=history,
    )


def _ended_baton(log: Stafettlogg, on: date) -> tuple[BatonChange, ...]:
    return (
        *log.baton_history,
        BatonChange(on=on, kind=BatonChangeKind.ENDED, from_ref=log.holder_ref, to_ref=None),
    )


def _linked(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, StafettloggLinked)
    log = bti(case).log
    assert log is not None
    return _evolve_log(
        case,
        status=LogStatus.LINKED,
        pending=None,
        baton_history=_ended_baton(log, e.on),
        holder_ref=None,
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
    history = log.baton_history if log.status is LogStatus.LINKED else _ended_baton(log, e.on)
    return _evolve_log(
        case,
        status=LogStatus.CLOSED,
        pending=None,
        baton_history=history,
        holder_ref=None,
        tiltak=tiltak,
        closed_on=e.on,
        closing_reason=e.reason,
        closing_summary=e.summary,
        closed_by=e.by,
    )


# --- commands: nivå 0 -------------------------------------------------------------------


def register_undring(
    case: Case,
    *,
    undring_id: str,
    by: str,
    description: str,
    as_of: date,
    suspected_abuse: bool = False,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: register a nivå-0 undring, to be decided within the municipality's deadline.

    An undring flagged as suspected violence, abuse or serious neglect is
    decided at once as *report to barnevernstjenesten without involving the
    guardians* (BTI-02): no stafettlogg and no consent flow, and the entry is
    withheld from guardians. Nivå 0 needs no consent: it is documented in the
    professional's own service.
    """
    case.require_open()
    _professional(case, by)
    _new_id(case, undring_id, "undring_id")
    _text(description, "description")
    days = _settings(settings).nivaa0_decision_days
    registered = UndringRegistered(
        undring_id=undring_id,
        description=description,
        by=by,
        on=as_of,
        decision_due=as_of + timedelta(days=days),
        suspected_abuse=suspected_abuse,
    )
    if not suspected_abuse:
        return (registered,)
    return (
        registered,
        Nivaa0Decided(
            undring_id=undring_id,
            outcome=Nivaa0Outcome.REPORT_TO_BARNEVERN,
            by=by,
            on=as_of,
            reason="suspected violence, abuse or serious neglect: report without involving "
            "the guardians",
            involve_guardians=False,
        ),
    )


def decide_nivaa0(
    case: Case,
    *,
    undring_id: str,
    outcome: Nivaa0Outcome,
    by: str,
    as_of: date,
    reason: str,
    involve_guardians: bool = True,
) -> Nivaa0Decided:
    """Command: decide a nivå-0 clarification (close, nivå 1–3, or report to barnevern)."""
    case.require_open()
    _professional(case, by)
    u = bti(case).get_undring(undring_id)
    if u is None:
        raise InvalidInput(f"case {case.id}: no undring {undring_id!r}")
    if u.outcome is not None:
        raise StafettloggError(f"case {case.id}: undring {undring_id!r} is already decided")
    _text(reason, "reason")
    if not involve_guardians and outcome is not Nivaa0Outcome.REPORT_TO_BARNEVERN:
        raise StafettloggError(
            "involve_guardians=False applies only to a report to barnevernstjenesten"
        )
    return Nivaa0Decided(
        undring_id=undring_id,
        outcome=outcome,
        by=by,
        on=as_of,
        reason=reason,
        involve_guardians=involve_guardians,
    )


def _reported_without_guardians(state: Bti) -> bool:
    decided = [u for u in state.undringer if u.outcome is not None]
    if not decided:
        return False
    last = max(decided, key=lambda u: u.decided_on or date.min)
    return last.outcome is Nivaa0Outcome.REPORT_TO_BARNEVERN and not last.involve_guardians


# --- commands: the log ---------------------------------------------------------------


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
    a nivå-0 report to barnevern without the guardians (BTI-02).
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

    The responsible person is a professional in the case or a guardian with
    foreldreansvar (or the young person). A tiltak proposed by the child or the
    guardians may leave out the date: its effect is then evaluated after the
    municipality's :attr:`~MunicipalSettings.effect_evaluation_days`.
    """
    settings = _settings(settings)
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings)
    _new_id(case, tiltak_id, "tiltak_id")
    _text(description, "description")
    if responsible_ref is None or not responsible_ref.strip():
        raise StafettloggError("a tiltak must name the person responsible for it (BTI-10)")
    family = {g.ref for g in case.with_responsibility()}
    if case.subject is not None:
        family.add(case.subject.ref)
    if case.participant(responsible_ref) is None and responsible_ref not in family:
        raise StafettloggError(
            f"case {case.id}: the responsible person {responsible_ref} takes no part in the case"
        )
    if proposed_by is ProposedBy.SERVICE:
        if proposer_ref is not None:
            raise InvalidInput("proposer_ref: only for tiltak proposed by the child or guardians")
    else:
        expected = (
            {case.subject.ref}
            if proposed_by is ProposedBy.CHILD and case.subject is not None
            else {g.ref for g in case.guardians}
        )
        if proposer_ref not in expected:
            raise InvalidInput(
                f"proposer_ref: expected the {proposed_by.value} who proposed the tiltak"
            )
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
    after a statutory coordinator took over (a linked log), the coordinator does.
    """
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings, allow_linked=True)
    t = log.get_tiltak(tiltak_id)
    if t is None:
        raise InvalidInput(f"case {case.id}: no tiltak {tiltak_id!r}")
    if not t.active:
        raise StafettloggError(f"case {case.id}: tiltak {tiltak_id!r} has ended")
    if by not in (t.responsible_ref, log.holder_ref, log.linked_coordinator_ref):
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


def _holder_or_leader(case: Case, log: Stafettlogg, by: str, what: str) -> None:
    if by != log.holder_ref and not is_leader(case, by):
        raise NotResponsible(f"case {case.id}: only the stafettholder (or a leader) {what}")


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

    Use :func:`barnekoordinator.coordination.meetings.prepare_meeting` to build the agenda.
    """
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings)
    _holder_or_leader(case, log, by, "calls meetings")
    _new_id(case, meeting_id, "meeting_id")
    if meeting_on < as_of:
        raise StafettloggError("a meeting cannot be called for a day that has passed")
    if not agenda:
        raise StafettloggError("a samarbeidsmøte needs an agenda")
    if not invited:
        raise StafettloggError("a samarbeidsmøte needs invitees")
    return MeetingScheduled(
        meeting_id=meeting_id,
        meeting_on=meeting_on,
        agenda=tuple(agenda),
        invited=tuple(dict.fromkeys(invited)),
        by=by,
        on=as_of,
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
    """Command: write the log of a meeting that has taken place (it is the minutes)."""
    log = require_log_writer(case, by=by, as_of=as_of, settings=settings)
    _holder_or_leader(case, log, by, "writes the log of a meeting")
    meeting = log.get_meeting(meeting_id)
    if meeting is None:
        raise InvalidInput(f"case {case.id}: no meeting {meeting_id!r}")
    if meeting.minutes is not None:
        raise StafettloggError(f"case {case.id}: meeting {meeting_id!r} already has minutes")
    if as_of < meeting.on:
        raise StafettloggError("minutes are written at or after the meeting")
    if not attended:
        raise InvalidInput("attended: list who took part in the meeting")
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
    if by not in (d.follow_up_by, log.holder_ref, log.linked_coordinator_ref):
        raise NotResponsible(
            f"case {case.id}: the follow-up is completed by its owner or the stafettholder"
        )
    return DecisionCompleted(decision_id=decision_id, note=note, by=by, on=as_of)


def closing_event(
    case: Case, *, reason: ClosingReason, summary: str, by: str, as_of: date
) -> StafettloggClosed:
    """The closing event of the current log, listing what is still open (for other commands)."""
    log = current_log(case)
    if log is None or log.status is LogStatus.CLOSED:
        raise StafettloggError(f"case {case.id}: no stafettlogg to close")
    return _closing(case, log, reason, summary, by, as_of)


def _closing(
    case: Case, log: Stafettlogg, reason: ClosingReason, summary: str, by: str, on: date
) -> StafettloggClosed:
    return StafettloggClosed(
        reason=reason,
        summary=summary,
        by=by,
        on=on,
        open_tiltak=tuple(t.id for t in log.active_tiltak),
        unminuted_meetings=unminuted_meetings(log) if log.is_open else (),
        open_decisions=tuple(d.id for d in log.decisions if d.open),
        pending_handover_to=log.pending.to_ref if log.pending else None,
        holder_was_missing=log.is_open and stafettholder(case) is None,
    )


def unminuted_meetings(log: Stafettlogg) -> tuple[str, ...]:
    """Ids of the log's meetings that have no minutes yet."""
    return tuple(m.id for m in log.meetings if m.minutes is None)


def close_stafettlogg(
    case: Case,
    *,
    by: str,
    reason: ClosingReason,
    as_of: date,
    summary: str = "",
    close_case: bool = False,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: close the stafettlogg (avslutning).

    The stafettholder or a leader closes an open log (a linked log: a leader or
    any participant). Closing needs no consent — a log whose consent was
    withdrawn *must* be closed, and then by anyone in the case; the reason
    ``CONSENT_WITHDRAWN`` is accepted only when no consent covers the log any
    more. With ``close_case`` the whole case closes too.
    """
    settings = _settings(settings)
    case.require_open()
    log = current_log(case)
    if log is None or log.status is LogStatus.CLOSED:
        raise StafettloggError(f"case {case.id}: no stafettlogg to close")
    covered = ledger(case).covers(case, ConsentPurpose.STAFETTLOGG, as_of=as_of, settings=settings)
    if reason is ClosingReason.CONSENT_WITHDRAWN:
        if covered:
            raise StafettloggError(
                f"case {case.id}: consent still covers the stafettlogg; close it for another reason"
            )
        family = {g.ref for g in case.guardians} | (
            {case.subject.ref} if case.subject is not None else set()
        )
        if case.participant(by) is None and by not in family:
            raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    elif log.is_open:
        _holder_or_leader(case, log, by, "closes the stafettlogg")
    else:
        _professional(case, by)
    events: list[DomainEvent] = [_closing(case, log, reason, summary, by, as_of)]
    if close_case:
        events.append(CaseClosedEvent(reason=f"stafettlogg closed: {reason.value}"))
    elif case.mode is CaseMode.STAFETTLOGG:
        events.append(
            ModeChanged(mode=CaseMode.UNDRING, reason=f"stafettlogg closed: {reason.value}")
        )
    return tuple(events)


def withdraw_stafettlogg_consent(
    case: Case,
    *,
    consent_id: str,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: withdraw a consent and, if no consent covers the log any more, close it.

    The closing takes effect the same day: from then on no service reads the log
    (:func:`service_may_read`) and nothing more is written (BTI-12).
    """
    settings = _settings(settings)
    withdrawn: ConsentWithdrawn = withdraw_consent(
        case, consent_id=consent_id, by=by, as_of=as_of, settings=settings
    )
    # Fold the withdrawal into a scratch copy to ask the ledger what it leaves covered.
    assert case.opened_at is not None
    after = case.apply(
        RecordedEvent(
            case_id=case.id,
            sequence=case.version + 1,
            recorded_at=case.opened_at,
            actor=by,
            event=withdrawn,
        )
    )
    log = current_log(case)
    if (
        log is None
        or log.status is LogStatus.CLOSED
        or ledger(after).covers(after, ConsentPurpose.STAFETTLOGG, as_of=as_of, settings=settings)
    ):
        return (withdrawn,)
    closing = _closing(case, log, ClosingReason.CONSENT_WITHDRAWN, "consent withdrawn", by, as_of)
    events: list[DomainEvent] = [withdrawn, closing]
    if case.mode is CaseMode.STAFETTLOGG:
        events.append(ModeChanged(mode=CaseMode.UNDRING, reason="consent to stafettlogg withdrawn"))
    return tuple(events)


# --- archive export -------------------------------------------------------------------


def archive_document(case: Case) -> dict[str, Any]:
    """The closing printout of the current stafettlogg as plain, JSON-able data (arkivlova).

    People appear by case-local ref only; no national identifiers or names.
    """
    log = current_log(case)
    if log is None:
        raise StafettloggError(f"case {case.id}: no stafettlogg to export")

    def iso(d: date | None) -> str | None:
        return d.isoformat() if d is not None else None

    return {
        "document": "stafettlogg-archive",
        "version": 1,
        "case_id": case.id,
        "municipality_number": case.municipality_number,
        "status": log.status.value,
        "level": int(log.level),
        "opened_on": iso(log.opened_on),
        "opened_by": log.opened_by,
        "closed_on": iso(log.closed_on),
        "closing_reason": log.closing_reason.value if log.closing_reason else None,
        "closing_summary": log.closing_summary,
        "linked_to": log.linked_to.value if log.linked_to else None,
        "consent_ids": list(log.consent_ids),
        "stafettholder_history": [
            {"on": iso(b.on), "kind": b.kind.value, "from": b.from_ref, "to": b.to_ref}
            for b in log.baton_history
        ],
        "level_changes": [
            {
                "on": iso(c.on),
                "from": int(c.from_level),
                "to": int(c.to_level),
                "holder": c.decision.holder_ref,
                "family_wishes": c.decision.family_wishes,
                "measure_scope": c.decision.measure_scope,
                "coordination_need": c.decision.coordination_need,
                "decided_with": list(c.decision.decided_with),
            }
            for c in log.level_changes
        ],
        "goals": [
            {"id": g.id, "on": iso(g.recorded_on), "text": g.text, "life_area": g.life_area}
            for g in log.goals
        ],
        "observations": [
            {
                "id": o.id,
                "on": iso(o.recorded_on),
                "kind": o.kind.value,
                "by": o.author_ref,
                "text": o.text,
            }
            for o in log.observations
        ],
        "tiltak": [
            {
                "id": t.id,
                "description": t.description,
                "responsible": t.responsible_ref,
                "proposed_by": t.proposed_by.value,
                "created_on": iso(t.created_on),
                "evaluation_date": iso(t.evaluation_date),
                "ended_on": iso(t.ended_on),
                "evaluations": [
                    {
                        "on": iso(ev.on),
                        "by": ev.by,
                        "effect": ev.effect.value,
                        "next_step": ev.next_step.value,
                        "note": ev.note,
                    }
                    for ev in t.evaluations
                ],
            }
            for t in log.tiltak
        ],
        "meetings": [
            {
                "id": m.id,
                "on": iso(m.on),
                "agenda": list(m.agenda),
                "invited": list(m.invited),
                "attended": list(m.minutes.attended) if m.minutes else None,
                "minutes": m.minutes.text if m.minutes else None,
            }
            for m in log.meetings
        ],
        "decisions": [
            {
                "id": d.id,
                "on": iso(d.decided_on),
                "text": d.text,
                "meeting_id": d.meeting_id,
                "follow_up_by": d.follow_up_by,
                "follow_up_on": iso(d.follow_up_on),
                "done_on": iso(d.done_on),
            }
            for d in log.decisions
        ],
        "legal_basis": ["bti-stafettlogg", "arkivl"],
    }


_LABELS = {
    "nb": {
        "title": "Stafettlogg — utskrift for arkiv",
        "case": "Sak",
        "status": "Status",
        "level": "Nivå",
        "opened": "Opprettet",
        "closed": "Avsluttet",
        "reason": "Årsak",
        "holders": "Stafettholdere",
        "goals": "Mål",
        "observations": "Observasjoner",
        "tiltak": "Tiltak",
        "responsible": "ansvarlig",
        "evaluate": "evaluering",
        "meetings": "Samarbeidsmøter",
        "decisions": "Beslutninger",
        "none": "(ingen)",
    },
    "en": {
        "title": "Stafettlogg — archive printout",
        "case": "Case",
        "status": "Status",
        "level": "Level",
        "opened": "Opened",
        "closed": "Closed",
        "reason": "Reason",
        "holders": "Stafettholders",
        "goals": "Goals",
        "observations": "Observations",
        "tiltak": "Measures",
        "responsible": "responsible",
        "evaluate": "evaluation",
        "meetings": "Meetings",
        "decisions": "Decisions",
        "none": "(none)",
    },
}


def archive_text(case: Case, lang: str = "nb") -> str:
    """A plain-text rendering of :func:`archive_document` (``lang`` ``"nb"`` or ``"en"``)."""
    if lang not in _LABELS:
        raise InvalidInput(f"lang: expected 'nb' or 'en', got {lang!r}")
    doc = archive_document(case)
    t = _LABELS[lang]
    lines = [
        t["title"],
        "=" * len(t["title"]),
        f"{t['case']}: {doc['case_id']} ({doc['municipality_number']})",
        f"{t['status']}: {doc['status']}    {t['level']}: {doc['level']}",
        f"{t['opened']}: {doc['opened_on']}    {t['closed']}: {doc['closed_on'] or '-'}",
    ]
    if doc["closing_reason"]:
        lines.append(f"{t['reason']}: {doc['closing_reason']} {doc['closing_summary']}".rstrip())

    def section(title: str, rows: list[str]) -> None:
        lines.extend(["", title, "-" * len(title)])
        lines.extend(rows or [t["none"]])

    section(
        t["holders"],
        [
            f"{h['on']} {h['kind']}: {h['from'] or '-'} -> {h['to'] or '-'}"
            for h in doc["stafettholder_history"]
        ],
    )
    section(t["goals"], [f"{g['on']} {g['text']}" for g in doc["goals"]])
    section(
        t["observations"],
        [f"{o['on']} [{o['kind']}] {o['by']}: {o['text']}" for o in doc["observations"]],
    )
    rows: list[str] = []
    for x in doc["tiltak"]:
        rows.append(
            f"{x['id']}: {x['description']} ({t['responsible']} {x['responsible']}, "
            f"{t['evaluate']} {x['evaluation_date']})"
        )
        rows.extend(
            f"    {ev['on']} {ev['effect']} -> {ev['next_step']} {ev['note']}".rstrip()
            for ev in x["evaluations"]
        )
    section(t["tiltak"], rows)
    rows = []
    for m in doc["meetings"]:
        rows.append(f"{m['on']} {m['id']}: {'; '.join(m['agenda'])}")
        if m["minutes"]:
            rows.append(f"    {m['minutes']}")
    section(t["meetings"], rows)
    section(t["decisions"], [f"{d['on']} {d['text']}" for d in doc["decisions"]])
    return "\n".join(lines) + "\n"


# --- entries, roles, obligations, projections ------------------------------------------


def _meta(
    case: Case,
    entry_id: str,
    kind: str,
    author_ref: str,
    service: ServiceKind | None,
    on: date,
    visibility: GuardianVisibility = GuardianVisibility.DEFAULT,
) -> EntryMeta:
    from barnekoordinator.access.consent import Section

    return EntryMeta(
        id=entry_id,
        kind=kind,
        section=section_of(service) if service is not None else Section.GENERAL,
        author_ref=author_ref,
        author_service=service,
        created_on=on,
        visibility=visibility,
    )


def _log_entries(case: Case, log: Stafettlogg, index: int) -> Iterator[Entry]:
    for o in log.observations:
        yield Entry(
            meta=_meta(
                case,
                f"stafettlogg:{o.id}",
                "log-note",
                o.author_ref,
                o.author_service,
                o.recorded_on,
            ),
            content=o,
        )
    for g in log.goals:
        yield Entry(
            meta=_meta(
                case, f"stafettlogg:{g.id}", "goal", g.author_ref, g.author_service, g.recorded_on
            ),
            content=g,
        )
    for t in log.tiltak:
        yield Entry(
            meta=_meta(
                case, f"stafettlogg:{t.id}", "measure", t.author_ref, t.author_service, t.created_on
            ),
            content=t,
        )
        for n, ev in enumerate(t.evaluations, start=1):
            yield Entry(
                meta=_meta(
                    case,
                    f"stafettlogg:{t.id}:evaluation:{n}",
                    "evaluation",
                    ev.by,
                    ev.author_service,
                    ev.on,
                ),
                content=ev,
            )
    for m in log.meetings:
        yield Entry(
            meta=_meta(case, f"stafettlogg:{m.id}", "meeting", m.called_by, m.author_service, m.on),
            content=m,
        )
        if m.minutes is not None:
            mm = m.minutes
            yield Entry(
                meta=_meta(
                    case,
                    f"stafettlogg:{m.id}:minutes",
                    "minutes",
                    mm.written_by,
                    mm.author_service,
                    mm.recorded_on,
                ),
                content=mm,
            )
    for d in log.decisions:
        yield Entry(
            meta=_meta(
                case,
                f"stafettlogg:{d.id}",
                "decision",
                d.decided_by,
                d.author_service,
                d.decided_on,
            ),
            content=d,
        )
    for n, change in enumerate(log.level_changes, start=1):
        yield Entry(
            meta=_meta(
                case,
                f"stafettlogg:log{index}:level:{n}",
                "decision",
                change.by,
                change.author_service,
                change.on,
            ),
            content=change,
        )
    if log.closed_on is not None and log.closed_by is not None and log.closing_summary:
        yield Entry(
            meta=_meta(
                case,
                f"stafettlogg:log{index}:closing",
                "closing-note",
                log.closed_by,
                _service(case, log.closed_by),
                log.closed_on,
            ),
            content=log.closing_summary,
        )


def _entries(case: Case) -> Iterator[Entry]:
    state = bti(case)
    for u in state.undringer:
        visibility = (
            GuardianVisibility.WITHHELD_WEIGHTY_REASONS
            if u.suspected_abuse
            else GuardianVisibility.DEFAULT
        )
        yield Entry(
            meta=_meta(
                case,
                f"undring:{u.id}",
                "undring",
                u.registered_by,
                u.author_service,
                u.registered_on,
                visibility,
            ),
            content=u,
        )
    logs = (*state.earlier_logs, *((state.log,) if state.log else ()))
    for index, log in enumerate(logs, start=1):
        yield from _log_entries(case, log, index)


def _holder_role(case: Case, as_of: date) -> Iterable[RoleAssignment]:
    holder = stafettholder(case)
    log = open_log(case)
    if holder is not None and log is not None:
        yield RoleAssignment(
            role=Role.STAFETTHOLDER,
            ref=holder,
            since=log.holder_since,
            basis=("bti-stafettholder",),
        )


def _leaders(case: Case) -> tuple[str | None, ...]:
    found = tuple(sorted(granted(case, Role.LEADER)))
    return found or (None,)


def _obligations(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    state = bti(case)
    for u in state.undringer:
        if u.outcome is not None:
            continue
        o = ctx.dated(
            code="bti.nivaa0-decision",
            duty_code="service.nivaa0",
            actor_ref=u.registered_by,
            subject=u.id,
            due=u.decision_due,
            text_nb=f"Avklar undringen {u.id} (nivå 0) innen {u.decision_due.isoformat()}.",
            text_en=f"Decide undring {u.id} (nivå 0) by {u.decision_due.isoformat()}.",
        )
        if o is None:
            continue
        yield o
        if o.status is ObligationStatus.OVERDUE:
            for leader in _leaders(case):
                yield ctx.make(
                    code="bti.nivaa0-escalation",
                    duty_code="leader.baton",
                    actor_ref=leader,
                    subject=u.id,
                    due=u.decision_due,
                    status=ObligationStatus.OVERDUE,
                    text_nb=f"Undringen {u.id} er ikke avklart innen fristen; følg opp.",
                    text_en=f"Undring {u.id} was not decided in time; follow up.",
                    extra_basis=("bti-niva-0",),
                )
    log = state.log
    if log is None or log.status is LogStatus.CLOSED:
        return
    holder = stafettholder(case) if log.is_open else None
    if log.is_open:
        follow_up_ref, follow_up_duty = holder, "stafettholder.deadlines"
    elif log.linked_to is Role.BARNEKOORDINATOR:
        follow_up_ref, follow_up_duty = log.linked_coordinator_ref, "barnekoordinator.a"
    else:
        follow_up_ref, follow_up_duty = log.linked_coordinator_ref, "koordinator.follow-up"
    if log.is_open and not ledger(case).covers(
        case, ConsentPurpose.STAFETTLOGG, as_of=ctx.as_of, settings=ctx.settings
    ):
        yield ctx.make(
            code="stafettlogg.consent-lapsed",
            duty_code="stafettholder.consent",
            actor_ref=holder,
            subject="stafettlogg",
            due=None,
            status=ObligationStatus.UNMET,
            text_nb="Samtykket til stafettloggen gjelder ikke lenger: avslutt loggen eller "
            "innhent nytt samtykke.",
            text_en="The consent to the stafettlogg no longer applies: close the log or obtain "
            "new consent.",
        )
    for t in log.active_tiltak:
        role = (
            Role.SERVICE_PROVIDER
            if case.participant(t.responsible_ref)
            else (
                Role.CHILD
                if case.subject is not None and t.responsible_ref == case.subject.ref
                else Role.GUARDIAN
            )
        )
        o = ctx.dated(
            code="stafettlogg.evaluation",
            duty_code="service.measure",
            actor_ref=t.responsible_ref,
            subject=t.id,
            due=t.evaluation_date,
            role=role,
            text_nb=f"Evaluer tiltaket {t.id} innen {t.evaluation_date.isoformat()}.",
            text_en=f"Evaluate measure {t.id} by {t.evaluation_date.isoformat()}.",
        )
        if o is None:
            continue
        yield o
        if o.status is ObligationStatus.OVERDUE:
            yield ctx.make(
                code="stafettlogg.evaluation-follow-up",
                duty_code=follow_up_duty,
                actor_ref=follow_up_ref,
                subject=t.id,
                due=t.evaluation_date,
                status=ObligationStatus.OVERDUE,
                text_nb=f"Evalueringen av tiltaket {t.id} er forsinket; følg opp fristen.",
                text_en=f"The evaluation of measure {t.id} is overdue; follow up the deadline.",
            )
    for d in log.decisions:
        if not d.open or d.follow_up_on is None:
            continue
        o = ctx.dated(
            code="stafettlogg.decision-follow-up",
            duty_code="stafettholder.deadlines",
            actor_ref=d.follow_up_by,
            subject=d.id,
            due=d.follow_up_on,
            role=Role.SERVICE_PROVIDER,
            text_nb=f"Følg opp beslutningen {d.id} innen {d.follow_up_on.isoformat()}.",
            text_en=f"Follow up decision {d.id} by {d.follow_up_on.isoformat()}.",
        )
        if o is not None:
            yield o
    if not log.is_open:
        return
    for m in log.meetings:
        if m.minutes is not None:
            continue
        o = ctx.dated(
            code="stafettlogg.minutes",
            duty_code="stafettholder.log",
            actor_ref=holder,
            subject=m.id,
            due=m.on,
            text_nb=f"Skriv loggen (referatet) fra møtet {m.id} den {m.on.isoformat()}.",
            text_en=f"Write the log (minutes) of meeting {m.id} on {m.on.isoformat()}.",
        )
        if o is not None and (o.status is ObligationStatus.OVERDUE or m.on == ctx.as_of):
            yield o


def _payload(record: EventRecord) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(record.payload)
    return loaded


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _row(record: EventRecord, kind: AgendaKind, key: str, due: str, detail: str) -> Upsert:
    return Upsert(
        AgendaItem(case_id=record.case_id, kind=kind, key=key, due=_day(due), detail=detail)
    )


def _project_undring(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (
        _row(
            record,
            AgendaKind.DECISION_DUE,
            f"nivaa0:{p['undring_id']}",
            p["decision_due"],
            "nivå-0 decision",
        ),
    )


def _project_nivaa0(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (Remove(record.case_id, AgendaKind.DECISION_DUE, f"nivaa0:{p['undring_id']}"),)


def _project_tiltak(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (
        _row(
            record,
            AgendaKind.EVALUATION_DUE,
            f"stafettlogg:{p['tiltak_id']}",
            p["evaluation_date"],
            "tiltak",
        ),
    )


def _project_evaluated(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    key = f"stafettlogg:{p['tiltak_id']}"
    if p.get("next_evaluation_date"):
        return (_row(record, AgendaKind.EVALUATION_DUE, key, p["next_evaluation_date"], "tiltak"),)
    return (Remove(record.case_id, AgendaKind.EVALUATION_DUE, key),)


def _project_meeting(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (
        _row(
            record,
            AgendaKind.OBLIGATION_DUE,
            f"minutes:{p['meeting_id']}",
            p["meeting_on"],
            "meeting minutes",
        ),
    )


def _project_minutes(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (Remove(record.case_id, AgendaKind.OBLIGATION_DUE, f"minutes:{p['meeting_id']}"),)


def _project_decision(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    if not p.get("follow_up_on"):
        return ()
    return (
        _row(
            record,
            AgendaKind.OBLIGATION_DUE,
            f"decision:{p['decision_id']}",
            p["follow_up_on"],
            "decision follow-up",
        ),
    )


def _project_decision_done(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (Remove(record.case_id, AgendaKind.OBLIGATION_DUE, f"decision:{p['decision_id']}"),)


_BATON_ROWS = (AgendaKind.HANDOVER_PENDING, AgendaKind.HOLDER_MISSING)


def _lapsed(record: EventRecord, p: dict[str, Any]) -> list[ProjectionOp]:
    ops: list[ProjectionOp] = [
        Remove(record.case_id, kind, "stafettholder") for kind in _BATON_ROWS
    ]
    ops.extend(
        Remove(record.case_id, AgendaKind.OBLIGATION_DUE, f"minutes:{m}")
        for m in p.get("unminuted_meetings", ())
    )
    return ops


def _project_linked(record: EventRecord) -> Sequence[ProjectionOp]:
    return tuple(_lapsed(record, _payload(record)))


def _project_closed(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    ops = _lapsed(record, p)
    ops.extend(
        Remove(record.case_id, AgendaKind.EVALUATION_DUE, f"stafettlogg:{t}")
        for t in p.get("open_tiltak", ())
    )
    ops.extend(
        Remove(record.case_id, AgendaKind.OBLIGATION_DUE, f"decision:{d}")
        for d in p.get("open_decisions", ())
    )
    return tuple(ops)


CONCEPT = Concept(
    name="stafettlogg",
    events=(
        UndringRegistered,
        Nivaa0Decided,
        StafettloggOpened,
        ObservationRecorded,
        GoalSet,
        LogMeasureAdded,
        LogMeasureEvaluated,
        MeetingScheduled,
        MinutesRecorded,
        DecisionRecorded,
        DecisionCompleted,
        LevelChanged,
        StafettloggLinked,
        StafettloggClosed,
    ),
    evolvers={
        UndringRegistered: _undring,
        Nivaa0Decided: _nivaa0,
        StafettloggOpened: _opened,
        LevelChanged: _level,
        StafettloggLinked: _linked,
        StafettloggClosed: _closed,
    },
    run_evolvers=dict.fromkeys(_ITEM_STEPS.classes, _items),
    projectors={
        UndringRegistered.TYPE: (_project_undring,),
        Nivaa0Decided.TYPE: (_project_nivaa0,),
        LogMeasureAdded.TYPE: (_project_tiltak,),
        LogMeasureEvaluated.TYPE: (_project_evaluated,),
        MeetingScheduled.TYPE: (_project_meeting,),
        MinutesRecorded.TYPE: (_project_minutes,),
        DecisionRecorded.TYPE: (_project_decision,),
        DecisionCompleted.TYPE: (_project_decision_done,),
        StafettloggLinked.TYPE: (_project_linked,),
        StafettloggClosed.TYPE: (_project_closed,),
    },
    entry_sources=(_entries,),
    role_sources=(_holder_role,),
    obligation_sources=(_obligations,),
)
