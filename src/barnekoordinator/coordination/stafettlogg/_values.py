"""The BTI state of a case: nivå-0 undringer, the stafettlogg and its items, as values.

Everything here is an immutable attrs value with no behaviour beyond looking
itself up; the events that build these values are folded in
``_nivaa0`` and ``_fold``, and the commands that check a write against them
are in ``_commands`` and ``_closing``.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs
from pyrsistent.typing import PVector

from barnekoordinator.coordination.baton import Baton
from barnekoordinator.coordination.roles import Role
from barnekoordinator.errors import HistoryError
from barnekoordinator.history._evolve import EMPTY, vector
from barnekoordinator.history._used_ids import UsedIds
from barnekoordinator.services import ServiceKind


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
    # The baton checks its own invariants (one holder or the flag; no pending
    # handover once ended); the log adds that it runs exactly while the log is open.
    if (status is LogStatus.OPEN) != (instance.baton.ended_on is None):
        raise HistoryError(
            "the baton runs exactly while the stafettlogg is open: it ends when the log is "
            "linked or closed"
        )


@attrs.frozen(kw_only=True, slots=False)  # copied per event: see barnekoordinator.history._evolve
class Stafettlogg:
    """One stafettlogg and its baton (who holds it, a pending handover, how it moved)."""

    status: LogStatus = attrs.field(validator=_check_log)
    level: BtiLevel
    opened_on: date
    opened_by: str
    baton: Baton
    consent_ids: PVector[str] = attrs.field(default=EMPTY, converter=vector)
    observations: PVector[Observation] = attrs.field(default=EMPTY, converter=vector)
    goals: PVector[Goal] = attrs.field(default=EMPTY, converter=vector)
    tiltak: PVector[LogMeasure] = attrs.field(default=EMPTY, converter=vector)
    meetings: PVector[Meeting] = attrs.field(default=EMPTY, converter=vector)
    decisions: PVector[LogDecision] = attrs.field(default=EMPTY, converter=vector)
    level_changes: PVector[LevelChange] = attrs.field(default=EMPTY, converter=vector)
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


def _item_ids(state: Bti) -> UsedIds:
    found: UsedIds = UsedIds(u.id for u in state.undringer)
    for log in (*state.earlier_logs, *((state.log,) if state.log else ())):
        found = found.update(log.ids())
    return found


@attrs.frozen(kw_only=True, slots=False)  # copied per event: see barnekoordinator.history._evolve
class Bti:
    """The BTI state of a case: nivå-0 undringer, the current log, earlier logs."""

    undringer: PVector[Undring] = attrs.field(default=EMPTY, converter=vector)
    log: Stafettlogg | None = None
    earlier_logs: tuple[Stafettlogg, ...] = ()
    used_ids: UsedIds = attrs.field(default=attrs.Factory(_item_ids, takes_self=True), repr=False)
    """Every id used by undringer and log items in the case, as an immutable set.

    Derived: a value built by hand computes it from the items; the evolvers add the
    ids of each new item (amortised O(1), the rest shared with the state before), so
    that a command checks a new id in constant time however long the case
    (decisions 19 and 37).
    """

    def get_undring(self, undring_id: str) -> Undring | None:
        """The undring with this id."""
        return next((u for u in self.undringer if u.id == undring_id), None)

    def ids(self) -> UsedIds:
        """Every id used by undringer and log items in the case (`used_ids`)."""
        return self.used_ids
