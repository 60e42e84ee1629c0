"""The commands that write the nine content items of the individual plan (IP-02).

Each checks the writer and the consent (``_writer``), then the item's own
rules, and returns the one event that records it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from barnekoordinator.access.consent import ConsentPurpose, ledger
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import HolderKind, coordination_holder
from barnekoordinator.coordination.plan._events import (
    PlanConsentReferenced,
    PlanContributionAdded,
    PlanCooperationAdded,
    PlanMeasureAdded,
    PlanMeasureEvaluated,
    PlanOverviewSet,
    PlanParticipantAdded,
    PlanPeriodSet,
    PlanResponsibleSet,
    PlanRevised,
    SubPlanLinked,
)
from barnekoordinator.coordination.plan._guards import _new_id, _non_empty, _writer
from barnekoordinator.coordination.plan._model import SubPlanKind
from barnekoordinator.coordination.roles import Role
from barnekoordinator.errors import InvalidInput, PlanError
from barnekoordinator.history.case import Case
from barnekoordinator.services import ServiceKind


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
