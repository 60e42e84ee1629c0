"""Individuell plan (IP): one plan per person, its nine content items, and its revisions.

«Det skal ikke utarbeides individuell plan uten at pasienten har samtykket til dette» (domain.md
§3.4): no plan is started, and nothing is written to it, without an ``INDIVIDUAL_PLAN`` consent from
those entitled on the day (IP-01); from 18 that is the young adult alone (IP-10). There is only
**one** plan per person: a second service *joins* the existing plan
([`start_plan()`][barnekoordinator.coordination.plan.start_plan] does this by itself) instead of
creating another.

The plan's content follows the nine items of the IP regulation (§3.3);
[`check_plan()`][barnekoordinator.coordination.plan.check_plan] says whether the plan is complete
and names each missing item (IP-02). Item 3 must name exactly one responsible person (the appointed
koordinator or barnekoordinator, when there is one), item 7 must include a revision date, and item 8
must reference a consent record that is valid on the day. Sector sub-plans (IOP, behandlingsplan,
treningsprogram …) are linked as parts of the plan; the revision date is projected as
``REVISION_DUE``.

A plan does not give the right to other or better measures than one would have
without it: a measure can still be refused by the competent service.
"""

from __future__ import annotations

from barnekoordinator.coordination.plan._check import (
    Completeness,
    MissingItem,
    PlanCheck,
    check_plan,
)
from barnekoordinator.coordination.plan._concept import PLAN_CONCEPT
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
from barnekoordinator.coordination.plan._items import (
    add_contribution,
    add_cooperation,
    add_plan_measure,
    add_plan_participant,
    evaluate_plan_measure,
    link_sub_plan,
    reference_plan_consent,
    revise_plan,
    set_overview,
    set_plan_period,
    set_plan_responsible,
)
from barnekoordinator.coordination.plan._lifecycle import (
    consent_covers_plan,
    end_plan,
    resume_plan,
    start_plan,
    suspend_plan,
)
from barnekoordinator.coordination.plan._model import (
    Contribution,
    Cooperation,
    IndividualPlan,
    Overview,
    PlanItem,
    PlanMeasure,
    PlanParticipant,
    PlanPeriod,
    Plans,
    PlanStatus,
    Revision,
    SubPlanKind,
    SubPlanLink,
    current_plan,
    plans,
)

__all__ = [
    "PLAN_CONCEPT",
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
