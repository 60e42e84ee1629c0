"""The commands that write the nine content items of the individual plan (IP-02).

Each checks the writer and the consent (``_writer``), then the item's own
rules, and returns the one event that records it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from barnekoordinator.access.consent import ConsentPurpose, ledger
from barnekoordinator.access.grants import guardian_access_grants
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
from barnekoordinator.legal_basis import parameter
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
    """Command: item 1 — the recipient's goals, resources and needs.

    At least one goal and one need; resources may be empty (a plan can start before the
    recipient's resources are mapped). Every text given must say something: a blank goal,
    resource or need is refused.
    """
    _writer(case, by, as_of, settings)
    lines = {
        "goals": _texts(goals, "goals"),
        "resources": _texts(resources, "resources"),
        "needs": _texts(needs, "needs"),
    }
    if not lines["goals"] or not lines["needs"]:
        raise PlanError("item 1 needs at least one goal and one need")
    return PlanOverviewSet(
        goals=lines["goals"],
        resources=lines["resources"],
        needs=lines["needs"],
        by=by,
        on=as_of,
    )


def _texts(values: Sequence[str], what: str) -> tuple[str, ...]:
    """``values`` as a tuple of non-blank texts, or ``InvalidInput`` naming the field."""
    if isinstance(values, str):
        raise InvalidInput(f"{what}: expected a list of texts, not one text")
    found = tuple(values)
    for n, value in enumerate(found, start=1):
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput(f"{what}: entry {n} must be non-blank text")
    return found


_PROFESSIONAL_ROLES: Final = frozenset(Role) - {Role.CHILD, Role.GUARDIAN}


def _family_roles(case: Case, as_of: date) -> dict[str, Role]:
    """The family members who may take part in the plan on ``as_of``, and their role."""
    roles: dict[str, Role] = {}
    child = case.child
    adult = child is not None and (
        as_of >= child.birth_date and child.age_on(as_of) >= parameter("age_of_majority").at(as_of)
    )
    if adult:
        chosen = {g.guardian_ref for g in guardian_access_grants(case) if g.active_on(as_of)}
        roles.update(
            dict.fromkeys((g.ref for g in case.guardians if g.ref in chosen), Role.GUARDIAN)
        )
    else:
        roles.update(dict.fromkeys((g.ref for g in case.with_responsibility()), Role.GUARDIAN))
    if case.subject is not None:
        roles[case.subject.ref] = Role.CHILD
    return roles


def add_plan_participant(
    case: Case,
    *,
    by: str,
    participant_ref: str,
    role: Role,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> PlanParticipantAdded:
    """Command: item 2 — someone takes part in the plan work, in the role they hold.

    The recipient always may, as ``CHILD``; a guardian with foreldreansvar as ``GUARDIAN``, and
    from 18 a former guardian only while the young adult's grant lets her read the case (the
    adult chooses her pårørende, vergemålsloven § 2; domain.md §3.4); a participant of the case
    in a professional role.
    """
    plan = _writer(case, by, as_of, settings)
    family = _family_roles(case, as_of)
    if participant_ref in family:
        allowed: frozenset[Role] = frozenset({family[participant_ref]})
    elif case.participant(participant_ref) is not None:
        allowed = _PROFESSIONAL_ROLES
    else:
        raise PlanError(f"case {case.id}: {participant_ref} cannot take part in the plan")
    if role not in allowed:
        raise PlanError(
            f"case {case.id}: {participant_ref} takes part as "
            f"{' or '.join(sorted(r.value for r in allowed))}, not {role.value}"
        )
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
    """Command: record a revision of the plan and set the next revision date.

    The next revision date is after today and within the plan period, as
    [`set_plan_period()`][barnekoordinator.coordination.plan.set_plan_period] holds it (item 7):
    to revise beyond the period's end, set a new period first.
    """
    plan = _writer(case, by, as_of, settings)
    if plan.period is None:
        raise PlanError("set the plan period (item 7) before revising the plan")
    if next_revision is not None and next_revision <= as_of:
        raise PlanError("the next revision date must be after today")
    period = plan.period
    if next_revision is not None and (
        next_revision < period.start or (period.end is not None and next_revision > period.end)
    ):
        raise PlanError("the revision date must fall within the plan period (item 7)")
    return PlanRevised(
        summary=_non_empty(summary, "summary"), next_revision=next_revision, by=by, on=as_of
    )
