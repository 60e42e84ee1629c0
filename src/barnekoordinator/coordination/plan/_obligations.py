"""The duties the individual plan gives rise to, each listed as obligations of a case.

By duty: koordinerende enhet offers the right to an individual plan and keeps
it going while it waits for consent (``ke.individual-plan``); the koordinator
or barnekoordinator keeps the plan valid, complete and revised
(``koordinator.ip-progress``, ``barnekoordinator.e``), and sees that a child
of 7 or more whose guardians consented to the plan has been informed and heard
(``plan.child-not-heard``; IP-09, pbrl § 4-4 fifth ledd); each service evaluates
its own plan measures on time (``service.individual-plan``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from barnekoordinator.access.consent import Consent, ConsentPurpose, ledger
from barnekoordinator.coordination.appointments import (
    HolderKind,
    StatutoryOffer,
    active_appointments,
    coordination,
    coordination_holder,
)
from barnekoordinator.coordination.participation import Contributor, family_contributions
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
from barnekoordinator.coordination.voice import child_voices
from barnekoordinator.history.case import Case
from barnekoordinator.legal_basis import parameter


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
    yield from _hearing_duty(case, ctx, plan)
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


def _progress_holder(case: Case, ctx: CheckContext) -> tuple[str, Role]:
    """The duty and role that keep the plan going: barnekoordinator duty e, else koordinator."""
    holder = coordination_holder(case, ctx.as_of)
    if holder is not None and holder.kind is HolderKind.BARNEKOORDINATOR:
        return "barnekoordinator.e", Role.BARNEKOORDINATOR
    return "koordinator.ip-progress", Role.KOORDINATOR


def _progress_duty(case: Case, ctx: CheckContext, plan: IndividualPlan) -> Iterator[Obligation]:
    """The koordinator (or barnekoordinator, duty e) keeps the plan valid, complete, revised."""
    duty_code, role = _progress_holder(case, ctx)
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


def _guardian_consents_to_hear(case: Case, as_of: date) -> Iterator[tuple[Consent, int]]:
    """The guardians' plan consents in force on ``as_of`` that were given while the child had
    to be heard first (from 7 at the latest, until the young person consents at 16), each with
    the child's age on the day it was given."""
    child = case.child
    if child is None:
        return
    guardians = {g.ref for g in case.guardians}
    for c in ledger(case).consents:
        given = c.valid_from
        if (
            c.purpose is not ConsentPurpose.INDIVIDUAL_PLAN
            or not c.active_on(as_of)
            or not c.given_by & guardians
            or given < child.birth_date
        ):
            continue
        age = child.age_on(given)
        if (
            parameter("child_heard_from_age").at(given)
            <= age
            < parameter("health_majority_age").at(given)
        ):
            yield c, age


def _child_heard_by(case: Case, day: date) -> bool:
    """A voice of the child is recorded on or before ``day``: one a professional recorded
    (``ChildVoiceRecorded``) or one the child wrote herself (``OwnVoiceRecorded``; a guardian's
    relay of the child's view is the guardians' word, not the child heard)."""
    if any(v.recorded_on <= day for v in child_voices(case)):
        return True
    return any(
        v.author is Contributor.CHILD and v.recorded_on <= day
        for v in family_contributions(case).voices
    )


def _hearing_duty(case: Case, ctx: CheckContext, plan: IndividualPlan) -> Iterator[Obligation]:
    """IP-09: guardians consented to the plan for a child of 7 or more who is not recorded as
    heard (pbrl § 4-4 fifth ledd, § 3-1; barnekonvensjonen art. 12; barneloven § 31). A
    procedural error the one responsible for the plan mends by hearing the child; the
    obligation stays ``UNMET`` until a voice of the child is recorded."""
    if _child_heard_by(case, ctx.as_of):
        return
    unheard = next(_guardian_consents_to_hear(case, ctx.as_of), None)
    if unheard is None:
        return
    duty_code, role = _progress_holder(case, ctx)
    yield ctx.make(
        code="plan.child-not-heard",
        duty_code=duty_code,
        actor_ref=plan.responsible_ref,
        subject=plan.id,
        due=None,
        status=ObligationStatus.UNMET,
        role=role,
        **worded("obligation.plan-child-not-heard", age=unheard[1]),
        extra_basis=("pbrl-4-4", "pbrl-3-1", "bk-art-12"),
    )


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
