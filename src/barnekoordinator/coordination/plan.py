"""Individuell plan (IP): one plan per person, its nine content items, and its revisions.

«Det skal ikke utarbeides individuell plan uten at pasienten har samtykket til
dette» (domain.md §3.4): no plan is started, and nothing is written to it,
without an ``INDIVIDUAL_PLAN`` consent from those entitled on the day (IP-01);
from 18 that is the young adult alone (IP-10). There is only **one** plan per
person: a second service *joins* the existing plan (:func:`start_plan` does
this by itself) instead of creating another.

The plan's content follows the nine items of the IP regulation (§3.3);
:func:`check_plan` says whether the plan is complete and names each missing
item (IP-02). Item 3 must name exactly one responsible person (the appointed
koordinator or barnekoordinator, when there is one), item 7 must include a
revision date, and item 8 must reference a consent record that is valid on the
day. Sector sub-plans (IOP, behandlingsplan, treningsprogram …) are linked as
parts of the plan; the revision date is projected as ``REVISION_DUE``.

A plan does not give the right to other or better measures than one would have
without it: a measure can still be refused by the competent service.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

import attrs

from barnekoordinator.access.consent import (
    ConsentPurpose,
    Section,
    ledger,
    required_consenters,
    section_of,
)
from barnekoordinator.access.entries import Entry, EntryMeta
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import (
    HolderKind,
    StatutoryOffer,
    active_appointments,
    coordination,
    coordination_holder,
)
from barnekoordinator.coordination.roles import (
    CheckContext,
    Obligation,
    ObligationStatus,
    Role,
    granted,
)
from barnekoordinator.errors import (
    ConsentRequired,
    HistoryError,
    InvalidInput,
    NotResponsible,
    PlanError,
)
from barnekoordinator.history._evolve import Draft, DraftSteps
from barnekoordinator.history.case import (
    Case,
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
from barnekoordinator.services import ServiceKind

__all__ = [
    "CONCEPT",
    "Completeness",
    "Contribution",
    "Cooperation",
    "IndividualPlan",
    "MissingItem",
    "Overview",
    "PlanCheck",
    "PlanConsentReferenced",
    "PlanContributionAdded",
    "PlanCooperationAdded",
    "PlanCreated",
    "PlanEnded",
    "PlanItem",
    "PlanMeasure",
    "PlanMeasureAdded",
    "PlanMeasureEvaluated",
    "PlanOverviewSet",
    "PlanParticipant",
    "PlanParticipantAdded",
    "PlanPeriod",
    "PlanPeriodSet",
    "PlanResponsibleSet",
    "PlanResumed",
    "PlanRevised",
    "PlanServiceJoined",
    "PlanStatus",
    "PlanSuspended",
    "Plans",
    "Revision",
    "SubPlanKind",
    "SubPlanLink",
    "SubPlanLinked",
    "add_contribution",
    "add_cooperation",
    "add_plan_measure",
    "add_plan_participant",
    "check_plan",
    "consent_covers_plan",
    "current_plan",
    "end_plan",
    "evaluate_plan_measure",
    "link_sub_plan",
    "plans",
    "reference_plan_consent",
    "resume_plan",
    "revise_plan",
    "set_overview",
    "set_plan_period",
    "set_plan_responsible",
    "start_plan",
    "suspend_plan",
]

_KEY = "plan"
_BASIS = ("ip-forskriften-innhold", "hotl-7-1", "pbrl-2-5")


class PlanItem(enum.IntEnum):
    """The nine content items of an individual plan (domain.md §3.3)."""

    OVERVIEW = 1
    """Mål, ressurser og behov."""
    PARTICIPANTS = 2
    """Hvem som deltar i arbeidet med planen."""
    RESPONSIBLE = 3
    """Hvem som har ansvaret for samordning og framdrift (koordinator)."""
    CONTRIBUTIONS = 4
    """Hva mottakeren, tjeneste- og bidragsytere og pårørende bidrar med."""
    MEASURES = 5
    """Tiltak, omfang og hvem som har ansvaret."""
    IMPLEMENTATION = 6
    """Hvordan tiltakene skal gjennomføres."""
    PERIOD = 7
    """Planperiode og tidspunkt for justeringer og revisjoner."""
    CONSENT = 8
    """Samtykke til at planen utarbeides (og til deling av taushetsbelagte opplysninger)."""
    COOPERATION = 9
    """Nødvendig eller ønskelig samarbeid med andre tjenesteytere, institusjoner, etater."""


class PlanStatus(enum.Enum):
    """Where a plan is in its life."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    """Waiting for consent (e.g. after moving municipality); nothing is written."""
    ENDED = "ended"


class SubPlanKind(enum.Enum):
    """Sector plans that are parts of the individual plan."""

    IOP = "iop"
    """Individuell opplæringsplan (school)."""
    BEHANDLINGSPLAN = "behandlingsplan"
    TRENINGSPROGRAM = "treningsprogram"
    TILTAKSPLAN = "tiltaksplan"
    """Barnevern's tiltaksplan."""
    OTHER = "other"


class Completeness(enum.Enum):
    """The outcome of :func:`check_plan`."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


@attrs.frozen(kw_only=True)
class Overview:
    """Item 1: the recipient's goals, resources and needs, and who wrote them."""

    goals: tuple[str, ...]
    resources: tuple[str, ...]
    needs: tuple[str, ...]
    written_on: date
    author_ref: str
    author_service: ServiceKind | None


@attrs.frozen(kw_only=True)
class PlanParticipant:
    """Someone taking part in the plan work (item 2)."""

    ref: str
    role: Role
    added_on: date


@attrs.frozen(kw_only=True)
class Contribution:
    """What one participant contributes (item 4)."""

    id: str
    contributor_ref: str
    what: str
    added_on: date
    author_ref: str
    author_service: ServiceKind | None


@attrs.frozen(kw_only=True)
class PlanMeasure:
    """A measure in the plan (item 5) with how it is carried out (item 6)."""

    id: str
    description: str
    scope: str
    responsible_ref: str
    service: ServiceKind | None
    implementation: str
    added_on: date
    author_ref: str
    author_service: ServiceKind | None
    evaluation_date: date | None = None
    ended_on: date | None = None


@attrs.frozen(kw_only=True)
class PlanPeriod:
    """The plan period and the next revision date (item 7)."""

    start: date
    end: date | None
    next_revision: date | None


@attrs.frozen(kw_only=True)
class Cooperation:
    """Necessary or desirable cooperation with another service or body (item 9)."""

    id: str
    with_service: ServiceKind | None
    with_other: str
    description: str
    added_on: date
    author_ref: str
    author_service: ServiceKind | None


@attrs.frozen(kw_only=True)
class SubPlanLink:
    """A sector sub-plan (IOP, behandlingsplan …) that is part of the plan."""

    id: str
    kind: SubPlanKind
    service: ServiceKind
    reference: str
    """The sub-plan's id in the sector's own system."""
    title: str
    linked_on: date
    author_ref: str


@attrs.frozen(kw_only=True)
class Revision:
    """A revision of the plan."""

    on: date
    by: str
    author_service: ServiceKind | None
    summary: str
    next_revision: date | None


@attrs.frozen(kw_only=True)
class IndividualPlan:
    """One person's individual plan."""

    id: str
    created_on: date
    created_by: str
    status: PlanStatus = PlanStatus.ACTIVE
    services: frozenset[ServiceKind] = frozenset()
    overview: Overview | None = None
    participants: tuple[PlanParticipant, ...] = ()
    responsible_ref: str | None = None
    contributions: tuple[Contribution, ...] = ()
    measures: tuple[PlanMeasure, ...] = ()
    period: PlanPeriod | None = None
    consent_ids: tuple[str, ...] = ()
    cooperation: tuple[Cooperation, ...] = ()
    sub_plans: tuple[SubPlanLink, ...] = ()
    revisions: tuple[Revision, ...] = ()
    status_reason: str = ""
    ended_on: date | None = None

    def ids(self) -> frozenset[str]:
        """Every item id used in the plan."""
        groups = (self.contributions, self.measures, self.cooperation, self.sub_plans)
        return frozenset(x.id for g in groups for x in g)

    def get_measure(self, measure_id: str) -> PlanMeasure | None:
        """The measure with this id."""
        return next((m for m in self.measures if m.id == measure_id), None)


@attrs.frozen(kw_only=True)
class Plans:
    """The current plan of a case and ended earlier ones."""

    current: IndividualPlan | None = None
    earlier: tuple[IndividualPlan, ...] = ()


@attrs.frozen(kw_only=True)
class MissingItem:
    """One content item that is missing or invalid, and why (nb, en)."""

    item: PlanItem
    reason_nb: str
    reason_en: str


@attrs.frozen(kw_only=True)
class PlanCheck:
    """Whether a plan has all nine items; ``missing`` names each that is not there."""

    status: Completeness
    missing: tuple[MissingItem, ...] = ()

    @property
    def complete(self) -> bool:
        """True when nothing is missing."""
        return self.status is Completeness.COMPLETE

    @property
    def missing_items(self) -> tuple[int, ...]:
        """Numbers (1–9) of the missing items, ascending and without repeats."""
        return tuple(sorted({int(m.item) for m in self.missing}))


_EMPTY_PLANS = Plans()
"""The state of a case that has none yet (built once, shared: it is immutable)."""


def plans(case: Case) -> Plans:
    """The plan state of a case."""
    return case.part(_KEY, _EMPTY_PLANS)


def current_plan(case: Case) -> IndividualPlan | None:
    """The current (active or suspended) plan, or ``None``."""
    p = plans(case).current
    return p if p is not None and p.status is not PlanStatus.ENDED else None


# --- events --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PlanCreated(DomainEvent):
    """The individual plan was started (with consent) by a service."""

    TYPE = "plan.created"
    LEGAL_BASIS = _BASIS
    plan_id: str
    service: ServiceKind
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanServiceJoined(DomainEvent):
    """Another service joined the existing plan (one plan per person)."""

    TYPE = "plan.service-joined"
    LEGAL_BASIS = ("ip-forskriften",)
    service: ServiceKind
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanOverviewSet(DomainEvent):
    """Item 1: goals, resources and needs."""

    TYPE = "plan.overview-set"
    LEGAL_BASIS = ("ip-forskriften-innhold",)
    goals: tuple[str, ...]
    resources: tuple[str, ...]
    needs: tuple[str, ...]
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanParticipantAdded(DomainEvent):
    """Item 2: someone takes part in the plan work."""

    TYPE = "plan.participant-added"
    LEGAL_BASIS = ("ip-forskriften-innhold",)
    participant_ref: str
    role: Role
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanResponsibleSet(DomainEvent):
    """Item 3: the one person responsible for coordination and progress."""

    TYPE = "plan.responsible-set"
    LEGAL_BASIS = ("ip-forskriften-innhold", "hotl-7-2")
    responsible_ref: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanContributionAdded(DomainEvent):
    """Item 4: what a participant contributes."""

    TYPE = "plan.contribution-added"
    LEGAL_BASIS = ("ip-forskriften-innhold",)
    contribution_id: str
    contributor_ref: str
    what: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanMeasureAdded(DomainEvent):
    """Items 5 and 6: a measure, its scope, who is responsible and how it is carried out."""

    TYPE = "plan.measure-added"
    LEGAL_BASIS = ("ip-forskriften-innhold",)
    measure_id: str
    description: str
    scope: str
    responsible_ref: str
    service: ServiceKind | None
    implementation: str
    evaluation_date: date | None
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanMeasureEvaluated(DomainEvent):
    """A plan measure was evaluated; it continues to the next date or ends."""

    TYPE = "plan.measure-evaluated"
    LEGAL_BASIS = ("ip-forskriften-innhold",)
    measure_id: str
    note: str
    next_evaluation_date: date | None
    ended: bool
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanPeriodSet(DomainEvent):
    """Item 7: plan period and the next revision date."""

    TYPE = "plan.period-set"
    LEGAL_BASIS = ("ip-forskriften-innhold",)
    start: date
    end: date | None
    next_revision: date | None
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanConsentReferenced(DomainEvent):
    """Item 8: the plan references a consent record."""

    TYPE = "plan.consent-referenced"
    LEGAL_BASIS = ("ip-forskriften-innhold", "pbrl-2-5")
    consent_id: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanCooperationAdded(DomainEvent):
    """Item 9: necessary or desirable cooperation with another service or body."""

    TYPE = "plan.cooperation-added"
    LEGAL_BASIS = ("ip-forskriften-innhold",)
    cooperation_id: str
    with_service: ServiceKind | None
    with_other: str
    description: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class SubPlanLinked(DomainEvent):
    """A sector sub-plan (IOP, behandlingsplan …) was linked as part of the plan."""

    TYPE = "plan.sub-plan-linked"
    LEGAL_BASIS = ("ip-forskriften",)
    sub_plan_id: str
    kind: SubPlanKind
    service: ServiceKind
    reference: str
    title: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanRevised(DomainEvent):
    """The plan was revised; ``next_revision`` sets the next revision date."""

    TYPE = "plan.revised"
    LEGAL_BASIS = ("ip-forskriften-innhold",)
    summary: str
    next_revision: date | None
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanSuspended(DomainEvent):
    """The plan waits for consent (e.g. after moving municipality); nothing is written."""

    TYPE = "plan.suspended"
    LEGAL_BASIS = ("pbrl-2-5",)
    reason: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class PlanResumed(DomainEvent):
    """The plan continues, on the consent named."""

    TYPE = "plan.resumed"
    LEGAL_BASIS = ("pbrl-2-5",)
    consent_id: str
    by: str
    on: date
    next_revision: date | None = None


@attrs.frozen(kw_only=True)
class PlanEnded(DomainEvent):
    """The plan ended (no longer wanted or needed, consent withdrawn …)."""

    TYPE = "plan.ended"
    LEGAL_BASIS = ("pbrl-2-5",)
    reason: str
    by: str
    on: date
    open_measures: tuple[str, ...] = ()


# --- evolvers ------------------------------------------------------------------------


def _service(case: Case, ref: str) -> ServiceKind | None:
    p = case.participant(ref)
    return p.service if p is not None else None


def _created(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, PlanCreated)
    state = plans(case)
    earlier = state.earlier
    if state.current is not None:
        if state.current.status is not PlanStatus.ENDED:
            raise HistoryError(f"case {case.id}: a second individual plan for the same person")
        earlier = (*earlier, state.current)
    plan = IndividualPlan(
        id=e.plan_id, created_on=e.on, created_by=e.by, services=frozenset({e.service})
    )
    return case.with_part(_KEY, Plans(current=plan, earlier=earlier))


"""How each event on the current plan changes it (see :func:`_plan_events`)."""


def _joined(case: Case, d: Draft[IndividualPlan], e: PlanServiceJoined) -> None:
    d.set("services", d.get("services") | {e.service})


def _overview(case: Case, d: Draft[IndividualPlan], e: PlanOverviewSet) -> None:
    d.set(
        "overview",
        Overview(
            goals=e.goals,
            resources=e.resources,
            needs=e.needs,
            written_on=e.on,
            author_ref=e.by,
            author_service=_service(case, e.by),
        ),
    )


def _participant(case: Case, d: Draft[IndividualPlan], e: PlanParticipantAdded) -> None:
    d.append("participants", PlanParticipant(ref=e.participant_ref, role=e.role, added_on=e.on))


def _responsible(case: Case, d: Draft[IndividualPlan], e: PlanResponsibleSet) -> None:
    d.set("responsible_ref", e.responsible_ref)


def _contribution(case: Case, d: Draft[IndividualPlan], e: PlanContributionAdded) -> None:
    d.append(
        "contributions",
        Contribution(
            id=e.contribution_id,
            contributor_ref=e.contributor_ref,
            what=e.what,
            added_on=e.on,
            author_ref=e.by,
            author_service=_service(case, e.by),
        ),
    )


def _measure(case: Case, d: Draft[IndividualPlan], e: PlanMeasureAdded) -> None:
    d.append(
        "measures",
        PlanMeasure(
            id=e.measure_id,
            description=e.description,
            scope=e.scope,
            responsible_ref=e.responsible_ref,
            service=e.service,
            implementation=e.implementation,
            added_on=e.on,
            author_ref=e.by,
            author_service=_service(case, e.by),
            evaluation_date=e.evaluation_date,
        ),
    )


def _measure_evaluated(case: Case, d: Draft[IndividualPlan], e: PlanMeasureEvaluated) -> None:
    d.update_last(
        "measures",
        e.measure_id,
        {"evaluation_date": e.next_evaluation_date, "ended_on": e.on if e.ended else None},
        f"case {case.id}: no measure {e.measure_id!r} in the plan",
    )


def _period(case: Case, d: Draft[IndividualPlan], e: PlanPeriodSet) -> None:
    d.set("period", PlanPeriod(start=e.start, end=e.end, next_revision=e.next_revision))


def _consent(case: Case, d: Draft[IndividualPlan], e: PlanConsentReferenced) -> None:
    d.append("consent_ids", e.consent_id)


def _cooperation(case: Case, d: Draft[IndividualPlan], e: PlanCooperationAdded) -> None:
    d.append(
        "cooperation",
        Cooperation(
            id=e.cooperation_id,
            with_service=e.with_service,
            with_other=e.with_other,
            description=e.description,
            added_on=e.on,
            author_ref=e.by,
            author_service=_service(case, e.by),
        ),
    )


def _sub_plan(case: Case, d: Draft[IndividualPlan], e: SubPlanLinked) -> None:
    d.append(
        "sub_plans",
        SubPlanLink(
            id=e.sub_plan_id,
            kind=e.kind,
            service=e.service,
            reference=e.reference,
            title=e.title,
            linked_on=e.on,
            author_ref=e.by,
        ),
    )


def _revised(case: Case, d: Draft[IndividualPlan], e: PlanRevised) -> None:
    d.append(
        "revisions",
        Revision(
            on=e.on,
            by=e.by,
            author_service=_service(case, e.by),
            summary=e.summary,
            next_revision=e.next_revision,
        ),
    )
    period = d.get("period")
    d.set("period", period and attrs.evolve(period, next_revision=e.next_revision))


def _suspended(case: Case, d: Draft[IndividualPlan], e: PlanSuspended) -> None:
    d.set("status", PlanStatus.SUSPENDED)
    d.set("status_reason", e.reason)


def _resumed(case: Case, d: Draft[IndividualPlan], e: PlanResumed) -> None:
    d.set("status", PlanStatus.ACTIVE)
    d.set("status_reason", "")
    d.append("consent_ids", e.consent_id)


def _ended(case: Case, d: Draft[IndividualPlan], e: PlanEnded) -> None:
    d.set("status", PlanStatus.ENDED)
    d.set("status_reason", e.reason)
    d.set("ended_on", e.on)


_STEPS: DraftSteps[IndividualPlan] = DraftSteps(
    {
        PlanServiceJoined: _joined,
        PlanOverviewSet: _overview,
        PlanParticipantAdded: _participant,
        PlanResponsibleSet: _responsible,
        PlanContributionAdded: _contribution,
        PlanMeasureAdded: _measure,
        PlanMeasureEvaluated: _measure_evaluated,
        PlanPeriodSet: _period,
        PlanConsentReferenced: _consent,
        PlanCooperationAdded: _cooperation,
        SubPlanLinked: _sub_plan,
        PlanRevised: _revised,
        PlanSuspended: _suspended,
        PlanResumed: _resumed,
        PlanEnded: _ended,
    }
)


def _plan_events(case: Case, run: Sequence[RecordedEvent]) -> Case:
    """A run of events on the current plan, folded with one copy of the plan and the case.

    The plan has no validators, and participants do not change inside a run
    (joining and leaving end it), so this is what one event at a time would give.
    Item ids are unique in a plan (the commands check), so an evaluation updates
    the one measure with its id.
    """
    state = plans(case)
    plan = state.current
    if plan is None:
        raise HistoryError(f"case {case.id}: plan event without a plan")
    draft = Draft(plan)
    _STEPS.fold(case, draft, run)
    return case.with_part(_KEY, attrs.evolve(state, current=draft.result()))


# --- commands ------------------------------------------------------------------------


def _settings(settings: MunicipalSettings | None) -> MunicipalSettings:
    return settings or MunicipalSettings()


def _require_consent(
    case: Case, service: ServiceKind, as_of: date, settings: MunicipalSettings
) -> None:
    ledger(case).require(
        case,
        ConsentPurpose.INDIVIDUAL_PLAN,
        as_of=as_of,
        service=service,
        settings=settings,
    )


def _writer(case: Case, by: str, as_of: date, settings: MunicipalSettings | None) -> IndividualPlan:
    """Check ``by`` may write to the active plan on ``as_of``; return the plan."""
    case.require_open()
    plan = current_plan(case)
    if plan is None:
        raise PlanError(f"case {case.id}: no individual plan; start one with start_plan")
    if plan.status is not PlanStatus.ACTIVE:
        raise PlanError(
            f"case {case.id}: the individual plan is suspended until consent is given "
            f"({plan.status_reason})"
        )
    writer = case.participant(by)
    if writer is None:
        raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    _require_consent(case, writer.service, as_of, _settings(settings))
    return plan


def _new_id(plan: IndividualPlan, item_id: str, what: str) -> None:
    if not item_id.strip():
        raise InvalidInput(f"{what}: expected a non-empty id")
    if item_id in plan.ids():
        raise InvalidInput(f"{what} {item_id!r} is already used in the plan")


def _non_empty(value: str, what: str) -> str:
    if not value.strip():
        raise InvalidInput(f"{what}: must not be empty")
    return value


def start_plan(
    case: Case,
    *,
    plan_id: str,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: start the individual plan, or join it if the person already has one.

    Rejected without an ``INDIVIDUAL_PLAN`` consent covering the starting
    service (IP-01, :class:`ConsentRequired`). Starting a plan moves the case to
    statutory mode; a stafettholder keeps the baton until a koordinator is
    appointed (:mod:`barnekoordinator.coordination.appointments`).
    """
    settings = _settings(settings)
    case.require_open()
    starter = case.participant(by)
    if starter is None:
        raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    _require_consent(case, starter.service, as_of, settings)
    existing = current_plan(case)
    if existing is not None:
        if starter.service in existing.services:
            raise PlanError(
                f"case {case.id}: {starter.service.value} already takes part in the plan"
            )
        return (PlanServiceJoined(service=starter.service, by=by, on=as_of),)
    if not plan_id.strip():
        raise InvalidInput("plan_id: expected a non-empty id")
    events: list[DomainEvent] = [
        PlanCreated(plan_id=plan_id, service=starter.service, by=by, on=as_of)
    ]
    if case.mode in (CaseMode.UNDRING, CaseMode.STAFETTLOGG):
        events.append(ModeChanged(mode=CaseMode.STATUTORY, reason="individual plan started"))
    return tuple(events)


def set_overview(
    case: Case,
    *,
    by: str,
    goals: Sequence[str],
    resources: Sequence[str],
    needs: Sequence[str],
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> PlanOverviewSet:
    """Command: item 1 — the recipient's goals, resources and needs."""
    _writer(case, by, as_of, settings)
    if not goals or not needs:
        raise PlanError("item 1 needs at least one goal and one need")
    return PlanOverviewSet(
        goals=tuple(goals), resources=tuple(resources), needs=tuple(needs), by=by, on=as_of
    )


def add_plan_participant(
    case: Case,
    *,
    by: str,
    participant_ref: str,
    role: Role,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> PlanParticipantAdded:
    """Command: item 2 — someone takes part in the plan work.

    Guardians take part only with foreldreansvar; the recipient always may.
    """
    plan = _writer(case, by, as_of, settings)
    known = {g.ref for g in case.with_responsibility()} | {p.ref for p in case.participants}
    if case.subject is not None:
        known.add(case.subject.ref)
    if participant_ref not in known:
        raise PlanError(f"case {case.id}: {participant_ref} cannot take part in the plan")
    if any(p.ref == participant_ref for p in plan.participants):
        raise PlanError(f"case {case.id}: {participant_ref} already takes part in the plan")
    return PlanParticipantAdded(participant_ref=participant_ref, role=role, by=by, on=as_of)


def set_plan_responsible(
    case: Case,
    *,
    by: str,
    responsible_ref: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> PlanResponsibleSet:
    """Command: item 3 — exactly one person responsible for coordination and progress.

    When a koordinator or barnekoordinator is appointed, that is the person.
    """
    _writer(case, by, as_of, settings)
    if case.participant(responsible_ref) is None:
        raise PlanError(f"case {case.id}: the responsible person must take part in the case")
    holder = coordination_holder(case, as_of)
    if (
        holder is not None
        and holder.kind in (HolderKind.BARNEKOORDINATOR, HolderKind.KOORDINATOR)
        and holder.ref != responsible_ref
    ):
        raise PlanError(
            f"case {case.id}: the appointed {holder.kind.value} is the one responsible (item 3)"
        )
    return PlanResponsibleSet(responsible_ref=responsible_ref, by=by, on=as_of)


def add_contribution(
    case: Case,
    *,
    contribution_id: str,
    by: str,
    contributor_ref: str,
    what: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> PlanContributionAdded:
    """Command: item 4 — what the recipient, a service or a relative contributes."""
    plan = _writer(case, by, as_of, settings)
    _new_id(plan, contribution_id, "contribution_id")
    return PlanContributionAdded(
        contribution_id=contribution_id,
        contributor_ref=_non_empty(contributor_ref, "contributor_ref"),
        what=_non_empty(what, "what"),
        by=by,
        on=as_of,
    )


def add_plan_measure(
    case: Case,
    *,
    measure_id: str,
    by: str,
    description: str,
    scope: str,
    responsible_ref: str | None,
    implementation: str,
    as_of: date,
    service: ServiceKind | None = None,
    evaluation_date: date | None = None,
    settings: MunicipalSettings | None = None,
) -> PlanMeasureAdded:
    """Command: items 5–6 — a measure, its scope, who is responsible and how it is done."""
    plan = _writer(case, by, as_of, settings)
    _new_id(plan, measure_id, "measure_id")
    if not responsible_ref or case.participant(responsible_ref) is None:
        raise PlanError("a plan measure must name who is responsible for it (item 5)")
    if evaluation_date is not None and evaluation_date < as_of:
        raise PlanError("the evaluation date must not be in the past")
    return PlanMeasureAdded(
        measure_id=measure_id,
        description=_non_empty(description, "description"),
        scope=_non_empty(scope, "scope"),
        responsible_ref=responsible_ref,
        service=service,
        implementation=implementation,
        evaluation_date=evaluation_date,
        by=by,
        on=as_of,
    )


def evaluate_plan_measure(
    case: Case,
    *,
    measure_id: str,
    by: str,
    note: str,
    as_of: date,
    next_evaluation_date: date | None = None,
    end: bool = False,
    settings: MunicipalSettings | None = None,
) -> PlanMeasureEvaluated:
    """Command: evaluate a plan measure; a continuing measure may get a next date."""
    plan = _writer(case, by, as_of, settings)
    m = plan.get_measure(measure_id)
    if m is None or m.ended_on is not None:
        raise PlanError(f"case {case.id}: no open plan measure {measure_id!r}")
    if end and next_evaluation_date is not None:
        raise InvalidInput("next_evaluation_date: an ended measure has no next evaluation")
    if next_evaluation_date is not None and next_evaluation_date <= as_of:
        raise PlanError("the next evaluation date must be after today")
    return PlanMeasureEvaluated(
        measure_id=measure_id,
        note=note,
        next_evaluation_date=next_evaluation_date,
        ended=end,
        by=by,
        on=as_of,
    )


def set_plan_period(
    case: Case,
    *,
    by: str,
    start: date,
    as_of: date,
    end: date | None = None,
    next_revision: date | None = None,
    settings: MunicipalSettings | None = None,
) -> PlanPeriodSet:
    """Command: item 7 — the plan period and the next revision date."""
    _writer(case, by, as_of, settings)
    if end is not None and end < start:
        raise PlanError("the plan period ends before it starts")
    if next_revision is not None and (
        next_revision < start or (end is not None and next_revision > end)
    ):
        raise PlanError("the revision date must fall within the plan period")
    return PlanPeriodSet(start=start, end=end, next_revision=next_revision, by=by, on=as_of)


def reference_plan_consent(
    case: Case,
    *,
    by: str,
    consent_id: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> PlanConsentReferenced:
    """Command: item 8 — reference the consent record to the plan (or to sharing)."""
    plan = _writer(case, by, as_of, settings)
    consent = ledger(case).get(consent_id)
    if consent is None:
        raise PlanError(f"case {case.id}: no consent record {consent_id!r}")
    if consent.purpose not in (ConsentPurpose.INDIVIDUAL_PLAN, ConsentPurpose.SHARE_INFORMATION):
        raise PlanError("item 8 references a consent to the plan or to sharing information")
    if not consent.active_on(as_of):
        raise PlanError(f"consent {consent_id!r} is not valid on {as_of.isoformat()}")
    if consent_id in plan.consent_ids:
        raise PlanError(f"consent {consent_id!r} is already referenced")
    return PlanConsentReferenced(consent_id=consent_id, by=by, on=as_of)


def add_cooperation(
    case: Case,
    *,
    cooperation_id: str,
    by: str,
    description: str,
    as_of: date,
    with_service: ServiceKind | None = None,
    with_other: str = "",
    settings: MunicipalSettings | None = None,
) -> PlanCooperationAdded:
    """Command: item 9 — necessary or desirable cooperation with a service or another body."""
    plan = _writer(case, by, as_of, settings)
    _new_id(plan, cooperation_id, "cooperation_id")
    if with_service is None and not with_other.strip():
        raise InvalidInput("name the service (with_service) or the body (with_other)")
    return PlanCooperationAdded(
        cooperation_id=cooperation_id,
        with_service=with_service,
        with_other=with_other,
        description=_non_empty(description, "description"),
        by=by,
        on=as_of,
    )


def link_sub_plan(
    case: Case,
    *,
    sub_plan_id: str,
    by: str,
    kind: SubPlanKind,
    reference: str,
    title: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> SubPlanLinked:
    """Command: link a sector sub-plan of the writer's service (IOP, behandlingsplan …)."""
    plan = _writer(case, by, as_of, settings)
    _new_id(plan, sub_plan_id, "sub_plan_id")
    writer = case.participant(by)
    assert writer is not None
    return SubPlanLinked(
        sub_plan_id=sub_plan_id,
        kind=kind,
        service=writer.service,
        reference=_non_empty(reference, "reference"),
        title=title,
        by=by,
        on=as_of,
    )


def revise_plan(
    case: Case,
    *,
    by: str,
    summary: str,
    next_revision: date | None,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> PlanRevised:
    """Command: record a revision of the plan and set the next revision date."""
    plan = _writer(case, by, as_of, settings)
    if plan.period is None:
        raise PlanError("set the plan period (item 7) before revising the plan")
    if next_revision is not None and next_revision <= as_of:
        raise PlanError("the next revision date must be after today")
    return PlanRevised(
        summary=_non_empty(summary, "summary"), next_revision=next_revision, by=by, on=as_of
    )


def suspend_plan(case: Case, *, by: str, reason: str, as_of: date) -> PlanSuspended:
    """Command: suspend the plan until consent is given (used at moving municipality)."""
    case.require_open()
    plan = current_plan(case)
    if plan is None or plan.status is not PlanStatus.ACTIVE:
        raise PlanError(f"case {case.id}: no active individual plan")
    return PlanSuspended(reason=_non_empty(reason, "reason"), by=by, on=as_of)


def resume_plan(
    case: Case,
    *,
    by: str,
    consent_id: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> PlanResumed:
    """Command: continue a suspended plan on a consent that covers it on ``as_of``."""
    case.require_open()
    plan = current_plan(case)
    if plan is None or plan.status is not PlanStatus.SUSPENDED:
        raise PlanError(f"case {case.id}: no suspended individual plan")
    _check_covering_consent(case, consent_id, as_of, _settings(settings))
    return PlanResumed(
        consent_id=consent_id,
        by=by,
        on=as_of,
        next_revision=plan.period.next_revision if plan.period else None,
    )


def consent_covers_plan(
    case: Case, consent_id: str, as_of: date, settings: MunicipalSettings | None = None
) -> bool:
    """True when consent record ``consent_id`` alone covers the individual plan on ``as_of``."""
    consent = ledger(case).get(consent_id)
    required = required_consenters(
        case, ConsentPurpose.INDIVIDUAL_PLAN, as_of=as_of, settings=_settings(settings)
    )
    return (
        consent is not None
        and consent.purpose is ConsentPurpose.INDIVIDUAL_PLAN
        and consent.active_on(as_of)
        and bool(required)
        and required <= consent.given_by
    )


def _check_covering_consent(
    case: Case, consent_id: str, as_of: date, settings: MunicipalSettings
) -> None:
    if not consent_covers_plan(case, consent_id, as_of, settings):
        raise ConsentRequired(
            f"case {case.id}: consent {consent_id!r} does not cover the individual plan on "
            f"{as_of.isoformat()}"
        )


def end_plan(case: Case, *, by: str, reason: str, as_of: date) -> PlanEnded:
    """Command: end the plan (no consent needed: ending is always possible)."""
    case.require_open()
    plan = current_plan(case)
    if plan is None:
        raise PlanError(f"case {case.id}: no individual plan")
    family = {g.ref for g in case.with_responsibility()}
    if case.subject is not None:
        family.add(case.subject.ref)
    if case.participant(by) is None and by not in family:
        raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    return PlanEnded(
        reason=_non_empty(reason, "reason"),
        by=by,
        on=as_of,
        open_measures=tuple(
            m.id for m in plan.measures if m.ended_on is None and m.evaluation_date is not None
        ),
    )


# --- completeness -----------------------------------------------------------------------


def _miss(item: PlanItem, nb: str, en: str) -> MissingItem:
    return MissingItem(item=item, reason_nb=nb, reason_en=en)


def check_plan(case: Case, as_of: date, settings: MunicipalSettings | None = None) -> PlanCheck:
    """Check the nine content items on ``as_of``; name every missing or invalid one (IP-02)."""
    settings = _settings(settings)
    plan = current_plan(case)
    if plan is None:
        raise PlanError(f"case {case.id}: no individual plan")
    missing: list[MissingItem] = []
    if plan.overview is None:
        missing.append(
            _miss(
                PlanItem.OVERVIEW,
                "mål, ressurser og behov mangler",
                "goals, resources and needs are missing",
            )
        )
    if not plan.participants:
        missing.append(
            _miss(
                PlanItem.PARTICIPANTS,
                "deltakere i planarbeidet mangler",
                "participants are missing",
            )
        )
    if plan.responsible_ref is None:
        missing.append(
            _miss(
                PlanItem.RESPONSIBLE,
                "ansvarlig for samordning og framdrift mangler",
                "nobody is responsible for coordination and progress",
            )
        )
    else:
        holder = coordination_holder(case, as_of)
        if case.participant(plan.responsible_ref) is None:
            missing.append(
                _miss(
                    PlanItem.RESPONSIBLE,
                    "den ansvarlige deltar ikke lenger",
                    "the responsible person no longer takes part",
                )
            )
        elif (
            holder is not None
            and holder.kind in (HolderKind.BARNEKOORDINATOR, HolderKind.KOORDINATOR)
            and holder.ref != plan.responsible_ref
        ):
            missing.append(
                _miss(
                    PlanItem.RESPONSIBLE,
                    "planen må angi den oppnevnte koordinatoren som ansvarlig",
                    "the plan must name the appointed coordinator as responsible",
                )
            )
    if not plan.contributions:
        missing.append(
            _miss(
                PlanItem.CONTRIBUTIONS, "oversikt over bidrag mangler", "contributions are missing"
            )
        )
    open_measures = [m for m in plan.measures if m.ended_on is None]
    if not open_measures:
        missing.append(
            _miss(
                PlanItem.MEASURES,
                "tiltak med omfang og ansvarlig mangler",
                "measures with scope and responsible person are missing",
            )
        )
    if not open_measures or any(not m.implementation.strip() for m in open_measures):
        missing.append(
            _miss(
                PlanItem.IMPLEMENTATION,
                "beskrivelse av gjennomføring mangler",
                "how the measures are carried out is missing",
            )
        )
    if plan.period is None:
        missing.append(
            _miss(
                PlanItem.PERIOD,
                "planperiode og revisjonstidspunkt mangler",
                "plan period and revision date are missing",
            )
        )
    elif plan.period.next_revision is None:
        missing.append(
            _miss(PlanItem.PERIOD, "tidspunkt for revisjon mangler", "the revision date is missing")
        )
    if not _valid_plan_consent(case, plan, as_of, settings):
        missing.append(
            _miss(
                PlanItem.CONSENT,
                "planen viser ikke til et gyldig samtykke",
                "the plan references no valid consent",
            )
        )
    if not plan.cooperation:
        missing.append(
            _miss(
                PlanItem.COOPERATION,
                "oversikt over nødvendig samarbeid mangler",
                "necessary cooperation is missing",
            )
        )
    return PlanCheck(
        status=Completeness.INCOMPLETE if missing else Completeness.COMPLETE,
        missing=tuple(missing),
    )


def _valid_plan_consent(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> bool:
    """The referenced, active plan consents together come from everyone who must consent."""
    required = required_consenters(
        case, ConsentPurpose.INDIVIDUAL_PLAN, as_of=as_of, settings=settings
    )
    given: set[str] = set()
    for consent_id in plan.consent_ids:
        c = ledger(case).get(consent_id)
        if c is not None and c.purpose is ConsentPurpose.INDIVIDUAL_PLAN and c.active_on(as_of):
            given |= c.given_by
    return bool(required) and required <= given


# --- entries, obligations, projections -------------------------------------------------


def _meta(
    entry_id: str, kind: str, author: str, service: ServiceKind | None, on: date
) -> EntryMeta:
    return EntryMeta(
        id=entry_id,
        kind=kind,
        section=section_of(service) if service is not None else Section.GENERAL,
        author_ref=author,
        author_service=service,
        created_on=on,
    )


def _entries(case: Case) -> Iterator[Entry]:
    state = plans(case)
    for plan in (*state.earlier, *((state.current,) if state.current else ())):
        p = f"plan:{plan.id}"
        if plan.overview is not None:
            o = plan.overview
            yield Entry(
                meta=_meta(
                    f"{p}:overview", "plan-item", o.author_ref, o.author_service, o.written_on
                ),
                content=o,
            )
        for m in plan.measures:
            yield Entry(
                meta=_meta(
                    f"{p}:{m.id}", "plan-measure", m.author_ref, m.author_service, m.added_on
                ),
                content=m,
            )
        for c in plan.contributions:
            yield Entry(
                meta=_meta(f"{p}:{c.id}", "plan-item", c.author_ref, c.author_service, c.added_on),
                content=c,
            )
        for co in plan.cooperation:
            yield Entry(
                meta=_meta(
                    f"{p}:{co.id}", "plan-item", co.author_ref, co.author_service, co.added_on
                ),
                content=co,
            )
        for s in plan.sub_plans:
            yield Entry(
                meta=_meta(f"{p}:{s.id}", "plan-sub-plan", s.author_ref, s.service, s.linked_on),
                content=s,
            )
        for n, rev in enumerate(plan.revisions, start=1):
            yield Entry(
                meta=_meta(
                    f"{p}:revision:{n}", "plan-revision", rev.by, rev.author_service, rev.on
                ),
                content=rev,
            )


def _ip_answered(case: Case) -> bool:
    if plans(case).current is not None:
        return True
    if any(c.purpose is ConsentPurpose.INDIVIDUAL_PLAN for c in ledger(case).consents):
        return True
    return any(StatutoryOffer.INDIVIDUAL_PLAN in o.declined for o in coordination(case).offers)


def _obligations(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    state = coordination(case)
    ke = tuple(sorted(granted(case, Role.KOORDINERENDE_ENHET))) or (None,)
    triggered = bool(state.offers) or bool(active_appointments(case, ctx.as_of))
    ip_offers = [o for o in state.offers if StatutoryOffer.INDIVIDUAL_PLAN in o.offers]
    if triggered and not _ip_answered(case):
        if not ip_offers:
            for unit in ke:
                yield ctx.make(
                    code="plan.not-offered",
                    duty_code="ke.individual-plan",
                    actor_ref=unit,
                    subject="individual-plan",
                    due=None,
                    status=ObligationStatus.UNMET,
                    text_nb="Retten til individuell plan er ikke tilbudt (samtykke er verken "
                    "innhentet eller avslått).",
                    text_en="The right to an individual plan has not been offered (consent "
                    "neither asked nor declined).",
                )
        else:
            due = ip_offers[0].raised_on + timedelta(days=ctx.settings.decision_sla_days)
            for unit in ke:
                o = ctx.dated(
                    code="plan.answer",
                    duty_code="ke.individual-plan",
                    actor_ref=unit,
                    subject="individual-plan",
                    due=due,
                    text_nb="Tilbudet om individuell plan venter på familiens svar (samtykke "
                    "eller avslag).",
                    text_en="The offer of an individual plan awaits the family's answer "
                    "(consent or decline).",
                )
                if o is not None:
                    yield o
    plan = current_plan(case)
    if plan is None:
        return
    if plan.status is PlanStatus.SUSPENDED:
        for unit in ke:
            yield ctx.make(
                code="plan.suspended",
                duty_code="ke.individual-plan",
                actor_ref=unit,
                subject=plan.id,
                due=None,
                status=ObligationStatus.UNMET,
                text_nb="Den individuelle planen venter på samtykke for å fortsette.",
                text_en="The individual plan waits for consent to continue.",
            )
        return
    holder = coordination_holder(case, ctx.as_of)
    duty_code = (
        "barnekoordinator.e"
        if holder is not None and holder.kind is HolderKind.BARNEKOORDINATOR
        else "koordinator.ip-progress"
    )
    role = Role.BARNEKOORDINATOR if duty_code == "barnekoordinator.e" else Role.KOORDINATOR
    responsible = plan.responsible_ref
    if not ledger(case).covers(
        case, ConsentPurpose.INDIVIDUAL_PLAN, as_of=ctx.as_of, settings=ctx.settings
    ):
        yield ctx.make(
            code="plan.consent-lapsed",
            duty_code=duty_code,
            actor_ref=responsible,
            subject=plan.id,
            due=None,
            status=ObligationStatus.UNMET,
            role=role,
            text_nb="Samtykket til den individuelle planen gjelder ikke lenger (f.eks. ved 18 år): "
            "innhent nytt samtykke eller avslutt planen.",
            text_en="The consent to the individual plan no longer applies (e.g. at 18): obtain "
            "new consent or end the plan.",
            extra_basis=("pbrl-2-5",),
        )
    check = check_plan(case, ctx.as_of, ctx.settings)
    if not check.complete:
        items = ", ".join(str(i) for i in check.missing_items)
        yield ctx.make(
            code="plan.incomplete",
            duty_code=duty_code,
            actor_ref=responsible,
            subject=plan.id,
            due=None,
            status=ObligationStatus.UNMET,
            role=role,
            text_nb=f"Den individuelle planen er ufullstendig: punkt {items} mangler.",
            text_en=f"The individual plan is incomplete: item(s) {items} missing.",
            extra_basis=("ip-forskriften-innhold",),
        )
    if plan.period is not None and plan.period.next_revision is not None:
        o = ctx.dated(
            code="plan.revision",
            duty_code=duty_code,
            actor_ref=responsible,
            subject=plan.id,
            due=plan.period.next_revision,
            role=role,
            text_nb="Revider den individuelle planen innen "
            f"{plan.period.next_revision.isoformat()}.",
            text_en=f"Revise the individual plan by {plan.period.next_revision.isoformat()}.",
            extra_basis=("ip-forskriften-innhold",),
        )
        if o is not None:
            yield o
    for m in plan.measures:
        if m.ended_on is not None or m.evaluation_date is None:
            continue
        o = ctx.dated(
            code="plan.measure-evaluation",
            duty_code="service.individual-plan",
            actor_ref=m.responsible_ref,
            subject=m.id,
            due=m.evaluation_date,
            text_nb=f"Evaluer tiltaket {m.id} i planen innen {m.evaluation_date.isoformat()}.",
            text_en=f"Evaluate plan measure {m.id} by {m.evaluation_date.isoformat()}.",
        )
        if o is not None:
            yield o


def _p(record: EventRecord) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(record.payload)
    return loaded


def _revision_row(record: EventRecord, next_revision: str | None) -> Sequence[ProjectionOp]:
    if not next_revision:
        return (Remove(record.case_id, AgendaKind.REVISION_DUE, "plan"),)
    item = AgendaItem(
        case_id=record.case_id,
        kind=AgendaKind.REVISION_DUE,
        key="plan",
        due=date.fromisoformat(next_revision),
        detail="individual plan revision",
    )
    return (Upsert(item),)


def _project_revision(record: EventRecord) -> Sequence[ProjectionOp]:
    return _revision_row(record, _p(record).get("next_revision"))


def _project_measure(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _p(record)
    key = f"plan:{p['measure_id']}"
    due = (
        p.get("evaluation_date")
        if record.type == PlanMeasureAdded.TYPE
        else p.get("next_evaluation_date")
    )
    if not due:
        return (Remove(record.case_id, AgendaKind.EVALUATION_DUE, key),)
    item = AgendaItem(
        case_id=record.case_id,
        kind=AgendaKind.EVALUATION_DUE,
        key=key,
        due=date.fromisoformat(due),
        detail="plan measure",
    )
    return (Upsert(item),)


def _project_suspended(record: EventRecord) -> Sequence[ProjectionOp]:
    return (Remove(record.case_id, AgendaKind.REVISION_DUE, "plan"),)


def _project_ended(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _p(record)
    ops: list[ProjectionOp] = [Remove(record.case_id, AgendaKind.REVISION_DUE, "plan")]
    ops.extend(
        Remove(record.case_id, AgendaKind.EVALUATION_DUE, f"plan:{m}")
        for m in p.get("open_measures", ())
    )
    return tuple(ops)


CONCEPT = Concept(
    name="plan",
    events=(
        PlanCreated,
        PlanServiceJoined,
        PlanOverviewSet,
        PlanParticipantAdded,
        PlanResponsibleSet,
        PlanContributionAdded,
        PlanMeasureAdded,
        PlanMeasureEvaluated,
        PlanPeriodSet,
        PlanConsentReferenced,
        PlanCooperationAdded,
        SubPlanLinked,
        PlanRevised,
        PlanSuspended,
        PlanResumed,
        PlanEnded,
    ),
    evolvers={
        PlanCreated: _created,
    },
    run_evolvers=dict.fromkeys(_STEPS.classes, _plan_events),
    projectors={
        PlanPeriodSet.TYPE: (_project_revision,),
        PlanRevised.TYPE: (_project_revision,),
        PlanResumed.TYPE: (_project_revision,),
        PlanMeasureAdded.TYPE: (_project_measure,),
        PlanMeasureEvaluated.TYPE: (_project_measure,),
        PlanSuspended.TYPE: (_project_suspended,),
        PlanEnded.TYPE: (_project_ended,),
    },
    entry_sources=(_entries,),
    obligation_sources=(_obligations,),
)
