"""How the individual plan's events change a case.

``PlanCreated`` starts a plan with its own evolver; every later event on the current plan is one
step of [`_STEPS`][barnekoordinator.history._evolve._STEPS], folded in runs by
[`_plan_events()`][barnekoordinator.coordination.plan._evolvers._plan_events] (one copy of the plan
and the case per run, for replay speed).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from barnekoordinator.coordination.plan._events import (
    PlanConsentReferenced,
    PlanContributionAdded,
    PlanCooperationAdded,
    PlanCreated,
    PlanEnded,
    PlanMeasureAdded,
    PlanMeasureEvaluated,
    PlanOverviewSet,
    PlanParticipantAdded,
    PlanPeriodSet,
    PlanResponsibleSet,
    PlanResumed,
    PlanRevised,
    PlanServiceJoined,
    PlanSuspended,
    SubPlanLinked,
)
from barnekoordinator.coordination.plan._model import (
    _KEY,
    Contribution,
    Cooperation,
    IndividualPlan,
    Overview,
    PlanMeasure,
    PlanParticipant,
    PlanPeriod,
    Plans,
    PlanStatus,
    Revision,
    SubPlanLink,
    plans,
)
from barnekoordinator.errors import HistoryError
from barnekoordinator.history._evolve import Draft, DraftSteps, maker
from barnekoordinator.history.case import Case, RecordedEvent
from barnekoordinator.services import ServiceKind

# The items a long plan gains once per event, made as their classes' __init__ makes them.
_contribution_of = maker(Contribution)
_measure_of = maker(PlanMeasure)
_cooperation_of = maker(Cooperation)
_sub_plan_of = maker(SubPlanLink)
_revision_of = maker(Revision)


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


# How each event on the current plan changes it (the steps of _plan_events, below).


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
        _contribution_of(
            id=e.contribution_id,
            contributor_ref=e.contributor_ref,
            what=e.what,
            added_on=e.on,
            author_ref=e.by,
            author_service=_service(case, e.by),
            contributor_service=_service(case, e.contributor_ref),
        ),
    )


def _measure(case: Case, d: Draft[IndividualPlan], e: PlanMeasureAdded) -> None:
    d.append(
        "measures",
        _measure_of(
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
        _cooperation_of(
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
        _sub_plan_of(
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
        _revision_of(
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


_NEW_ID: dict[type, Callable[[Any], str]] = {
    PlanContributionAdded: operator.attrgetter("contribution_id"),
    PlanMeasureAdded: operator.attrgetter("measure_id"),
    PlanCooperationAdded: operator.attrgetter("cooperation_id"),
    SubPlanLinked: operator.attrgetter("sub_plan_id"),
}
"""The id each item-adding event gives its new item (what ``IndividualPlan.used_ids`` gains)."""


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
    # One update for the run: it costs a third of one insert per id.
    new_ids = [get(r.event) for r in run if (get := _NEW_ID.get(type(r.event))) is not None]
    used = plan.used_ids.update(new_ids) if new_ids else plan.used_ids
    if used is not plan.used_ids:
        draft.set("used_ids", used)
    return case.with_part(_KEY, attrs.evolve(state, current=draft.result()))
