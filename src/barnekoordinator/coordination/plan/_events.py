"""The individual plan's events: one per content item, revision and change of status.

Each event's ``TYPE`` tag and fields are the stored wire format (see
``docs/reference/events.md``); they do not change when the code moves.
"""

from __future__ import annotations

from datetime import date

import attrs

from barnekoordinator.coordination.plan._model import SubPlanKind
from barnekoordinator.coordination.roles import Role
from barnekoordinator.history.case import DomainEvent
from barnekoordinator.services import ServiceKind

_BASIS = ("ip-forskriften-innhold", "hotl-7-1", "pbrl-2-5")


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

    def write_problem(self) -> str | None:
        """At least one goal and one need, and no blank text, as ``set_overview`` holds them."""
        for name in ("goals", "resources", "needs"):
            values = getattr(self, name)
            if any(not isinstance(v, str) or not v.strip() for v in values):
                return f"{name}: expected non-blank texts"
        if not self.goals or not self.needs:
            return "goals, needs: expected at least one of each"
        return super().write_problem()


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
    ACTS_ON = ("measure_id", "plan-measure")
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

    def write_problem(self) -> str | None:
        """The period's dates in order, as ``set_plan_period`` holds them."""
        if self.end is not None and self.end < self.start:
            return "end: expected on or after start"
        if self.next_revision is not None and (
            self.next_revision < self.start
            or (self.end is not None and self.next_revision > self.end)
        ):
            return "next_revision: expected within the plan period"
        return super().write_problem()


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
