"""The individual plan's contribution to the case, declared as one value.

Every event after ``PlanCreated`` folds in runs (one copy of the plan per run) through
[`_plan_events()`][barnekoordinator.coordination.plan._evolvers._plan_events], for replay speed.
"""

from __future__ import annotations

from barnekoordinator.coordination.plan._entries import _entries
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
from barnekoordinator.coordination.plan._evolvers import _STEPS, _created, _plan_events
from barnekoordinator.coordination.plan._obligations import _obligations
from barnekoordinator.coordination.plan._projectors import (
    _project_ended,
    _project_measure,
    _project_revision,
    _project_suspended,
)
from barnekoordinator.history.concept import Concept

PLAN_CONCEPT = Concept(
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
"""The individual plan's events, evolvers, agenda projectors, entries and obligations."""
