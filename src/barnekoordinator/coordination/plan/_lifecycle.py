"""The commands of the individual plan's life: start (or join), suspend, resume, end.

There is only one plan per person: starting a plan when there is one joins the
starting service to it. A plan waits for consent (suspended) and continues on
a consent that covers it; ending it is always possible.
"""

from __future__ import annotations

from datetime import date

from barnekoordinator.access.consent import ConsentPurpose, ledger, required_consenters
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.plan._events import (
    PlanCreated,
    PlanEnded,
    PlanResumed,
    PlanServiceJoined,
    PlanSuspended,
)
from barnekoordinator.coordination.plan._guards import _non_empty, _require_consent, _settings
from barnekoordinator.coordination.plan._model import PlanStatus, current_plan, plans
from barnekoordinator.errors import ConsentRequired, InvalidInput, NotResponsible, PlanError
from barnekoordinator.history.case import Case, CaseMode, DomainEvent, ModeChanged
from barnekoordinator.people import check_item_id


def start_plan(
    case: Case,
    *,
    plan_id: str,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: start the individual plan, or join it if the person already has one.

    Rejected without an ``INDIVIDUAL_PLAN`` consent covering the starting service (IP-01,
    [`ConsentRequired`][barnekoordinator.errors.ConsentRequired]). Starting a plan moves the case to
    statutory mode; a stafettholder keeps the baton until a koordinator is appointed
    ([`barnekoordinator.coordination.appointments`][barnekoordinator.coordination.appointments]).
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
    check_item_id(plan_id, "plan_id")
    known = plans(case)
    if any(p.id == plan_id for p in (*known.earlier, *filter(None, (known.current,)))):
        # An ended plan's id: the two plans' entries would share ids (their FHIR fullUrls,
        # their visibility decisions), and an import refuses such a history.
        raise InvalidInput(f"plan_id: expected a new id in case {case.id}; an ended plan has it")
    events: list[DomainEvent] = [
        PlanCreated(plan_id=plan_id, service=starter.service, by=by, on=as_of)
    ]
    if case.mode in (CaseMode.UNDRING, CaseMode.STAFETTLOGG):
        events.append(ModeChanged(mode=CaseMode.STATUTORY, reason="individual plan started"))
    return tuple(events)


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
