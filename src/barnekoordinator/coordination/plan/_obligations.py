"""The duties the individual plan gives rise to, each listed as obligations of a case.

By duty: koordinerende enhet offers the right to an individual plan and keeps
it going while it waits for consent (``ke.individual-plan``); the koordinator
or barnekoordinator keeps the plan valid, complete and revised
(``koordinator.ip-progress``, ``barnekoordinator.e``); each service evaluates
its own plan measures on time (``service.individual-plan``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from barnekoordinator.access.consent import ConsentPurpose, ledger
from barnekoordinator.coordination.appointments import (
    HolderKind,
    StatutoryOffer,
    active_appointments,
    coordination,
    coordination_holder,
)
from barnekoordinator.coordination.plan._check import check_plan
from barnekoordinator.coordination.plan._model import (
    IndividualPlan,
    PlanStatus,
    current_plan,
    plans,
)
from barnekoordinator.coordination.roles import (
    CheckContext,
    Obligation,
    ObligationStatus,
    Role,
    granted,
    worded,
)
from barnekoordinator.history.case import Case


def _obligations(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    """Every obligation of the plan on ``ctx.as_of``, duty by duty."""
    ke = tuple(sorted(granted(case, Role.KOORDINERENDE_ENHET))) or (None,)
    yield from _offer_duty(case, ctx, ke)
    plan = current_plan(case)
    if plan is None:
        return
    if plan.status is PlanStatus.SUSPENDED:
        yield from _suspended_duty(ctx, plan, ke)
        return
    yield from _progress_duty(case, ctx, plan)
    yield from _evaluation_duty(ctx, plan)


def _ip_answered(case: Case) -> bool:
    if plans(case).current is not None:
        return True
    if any(c.purpose is ConsentPurpose.INDIVIDUAL_PLAN for c in ledger(case).consents):
        return True
    return any(StatutoryOffer.INDIVIDUAL_PLAN in o.declined for o in coordination(case).offers)


def _offer_duty(case: Case, ctx: CheckContext, ke: tuple[str | None, ...]) -> Iterator[Obligation]:
    """Koordinerende enhet offers the plan once coordination starts; the family answers."""
    state = coordination(case)
    triggered = bool(state.offers) or bool(active_appointments(case, ctx.as_of))
    if not triggered or _ip_answered(case):
        return
    ip_offers = [o for o in state.offers if StatutoryOffer.INDIVIDUAL_PLAN in o.offers]
    if not ip_offers:
        for unit in ke:
            yield ctx.make(
                code="plan.not-offered",
                duty_code="ke.individual-plan",
                actor_ref=unit,
                subject="individual-plan",
                due=None,
                status=ObligationStatus.UNMET,
                **worded("obligation.plan-not-offered"),
            )
        return
    due = ip_offers[0].raised_on + timedelta(days=ctx.settings.decision_sla_days)
    for unit in ke:
        o = ctx.dated(
            code="plan.answer",
            duty_code="ke.individual-plan",
            actor_ref=unit,
            subject="individual-plan",
            due=due,
            **worded("obligation.plan-offer-waits"),
        )
        if o is not None:
            yield o


def _suspended_duty(
    ctx: CheckContext, plan: IndividualPlan, ke: tuple[str | None, ...]
) -> Iterator[Obligation]:
    """A suspended plan is koordinerende enhet's until consent lets it continue."""
    for unit in ke:
        yield ctx.make(
            code="plan.suspended",
            duty_code="ke.individual-plan",
            actor_ref=unit,
            subject=plan.id,
            due=None,
            status=ObligationStatus.UNMET,
            **worded("obligation.plan-waits-consent"),
        )


def _progress_duty(case: Case, ctx: CheckContext, plan: IndividualPlan) -> Iterator[Obligation]:
    """The koordinator (or barnekoordinator, duty e) keeps the plan valid, complete, revised."""
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
            **worded("obligation.plan-consent-lapsed"),
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
            **worded("obligation.plan-incomplete", items=items),
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
            **worded("obligation.plan-revision", date=plan.period.next_revision.isoformat()),
            extra_basis=("ip-forskriften-innhold",),
        )
        if o is not None:
            yield o


def _evaluation_duty(ctx: CheckContext, plan: IndividualPlan) -> Iterator[Obligation]:
    """The one responsible for each open plan measure evaluates it by its date."""
    for m in plan.measures:
        if m.ended_on is not None or m.evaluation_date is None:
            continue
        o = ctx.dated(
            code="plan.measure-evaluation",
            duty_code="service.individual-plan",
            actor_ref=m.responsible_ref,
            subject=m.id,
            due=m.evaluation_date,
            **worded(
                "obligation.plan-measure-evaluation", id=m.id, date=m.evaluation_date.isoformat()
            ),
        )
        if o is not None:
            yield o
