"""Who holds the statutory roles, and the duties of samordning that are due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from barnekoordinator.access.consent import ConsentPurpose, ledger
from barnekoordinator.coordination.appointments._state import (
    Offer,
    StatutoryOffer,
    active_appointments,
    barnekoordinator_ends_on,
    coordination,
)
from barnekoordinator.coordination.roles import (
    CheckContext,
    Obligation,
    ObligationStatus,
    Role,
    RoleAssignment,
    granted,
    worded,
)
from barnekoordinator.history.case import (
    Case,
)
from barnekoordinator.legal_basis import parameter
from barnekoordinator.people import Child

# --- roles and obligations ------------------------------------------------------------


def _coordinator_roles(case: Case, as_of: date) -> Iterator[RoleAssignment]:
    for a in active_appointments(case, as_of):
        yield RoleAssignment(
            role=a.role,
            ref=a.coordinator_ref,
            since=a.since,
            basis=("hotl-7-2-a",) if a.role is Role.BARNEKOORDINATOR else ("hotl-7-2",),
        )
        if a.also_koordinator:
            yield RoleAssignment(
                role=Role.KOORDINATOR, ref=a.coordinator_ref, since=a.since, basis=("hotl-7-2",)
            )


def _offer_open(case: Case, offer: Offer) -> frozenset[StatutoryOffer]:
    """The coordinator parts of an offer neither appointed nor declined."""
    since = [a for a in coordination(case).appointments if a.since >= offer.raised_on]
    answered = set(offer.declined)
    for a in since:
        answered.add(StatutoryOffer(a.role.value))
        if a.also_koordinator:
            answered.add(StatutoryOffer.KOORDINATOR)
    return frozenset(offer.offers - answered - {StatutoryOffer.INDIVIDUAL_PLAN})


def _obligations(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    state = coordination(case)
    ke = tuple(sorted(granted(case, Role.KOORDINERENDE_ENHET))) or (None,)
    for offer in state.offers:
        pending = _offer_open(case, offer)
        if not pending:
            continue
        due = offer.raised_on + timedelta(days=ctx.settings.decision_sla_days)
        what = ", ".join(sorted(p.value for p in pending))
        for unit in ke:
            o = ctx.dated(
                code="coordination.offer-answer",
                duty_code="ke.appoint",
                actor_ref=unit,
                subject=offer.id,
                due=due,
                **worded("obligation.offer-waits", what=what),
            )
            if o is not None:
                yield o
    ends = barnekoordinator_ends_on(case)
    for a in state.appointments:
        if not a.active:
            continue
        if case.participant(a.coordinator_ref) is None:
            for unit in ke:
                yield ctx.make(
                    code="coordination.coordinator-left",
                    duty_code="ke.appoint",
                    actor_ref=unit,
                    subject=a.role.value,
                    due=None,
                    status=ObligationStatus.UNMET,
                    **worded("obligation.appointee-left", role=a.role.value),
                )
        if a.role is Role.BARNEKOORDINATOR and ends is not None:
            if ctx.as_of >= ends:
                for unit in ke:
                    yield ctx.make(
                        code="coordination.barnekoordinator-ended",
                        duty_code="ke.appoint",
                        actor_ref=unit,
                        subject=a.role.value,
                        due=ends,
                        status=ObligationStatus.UNMET,
                        **worded("obligation.bk-ended"),
                        extra_basis=("vergeml-2",),
                    )
            elif (ends - ctx.as_of).days <= ctx.settings.turning_18_lead_days:
                yield ctx.make(
                    code="coordination.turns-18",
                    duty_code="barnekoordinator.e",
                    actor_ref=a.coordinator_ref,
                    subject="turns-18",
                    due=ends,
                    status=ObligationStatus.DUE,
                    **worded("obligation.turns-18", date=ends.isoformat()),
                )
    child = case.child
    adult_age = parameter("age_of_majority").at(ctx.as_of)
    if (
        isinstance(child, Child)
        and ctx.as_of >= child.birth_date
        and child.age_on(ctx.as_of) >= adult_age
    ):
        for a in active_appointments(case, ctx.as_of):
            if a.role is Role.KOORDINATOR and not ledger(case).covers(
                case,
                ConsentPurpose.SHARE_INFORMATION,
                as_of=ctx.as_of,
                service=a.service,
                settings=ctx.settings,
            ):
                yield ctx.make(
                    code="coordination.adult-consent",
                    duty_code="koordinator.follow-up",
                    actor_ref=a.coordinator_ref,
                    subject=a.role.value,
                    due=None,
                    status=ObligationStatus.UNMET,
                    **worded("obligation.koordinator-adult-consent"),
                    extra_basis=("vergeml-2",),
                )
