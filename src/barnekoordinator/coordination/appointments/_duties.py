"""Who holds the statutory roles, and the duties of samordning that are due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from barnekoordinator.access.consent import ConsentPurpose, ledger
from barnekoordinator.coordination.appointments._state import (
    AppointmentEndReason,
    Offer,
    StatutoryOffer,
    active_appointments,
    barnekoordinator_ends_on,
    coordination,
    coordination_claims,
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
from barnekoordinator.coordination.stafettlogg import LogStatus, current_log
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


# End reasons after which the need for a statutory coordinator goes on: the coordinator left or
# was to be replaced (domain.md §5.2, §7.4), or the family moved and the new municipality must
# assess (BK-19). Not: the family withdrew, the need ended (a recorded decision), the 18th
# birthday (``coordination.barnekoordinator-ended`` covers that).
_NEED_GOES_ON = frozenset(
    {
        AppointmentEndReason.LEFT_CASE,
        AppointmentEndReason.REPLACED,
        AppointmentEndReason.MOVED_MUNICIPALITY,
    }
)
_COORDINATOR_OFFERS = frozenset({StatutoryOffer.KOORDINATOR, StatutoryOffer.BARNEKOORDINATOR})


def _decided_since(case: Case, since: date, parts: frozenset[StatutoryOffer]) -> bool:
    """Something was decided on or after ``since`` that answers who coordinates: a statutory
    coordinator was appointed, the municipality recorded which service coordinates, or the family
    declined an offer of ``parts`` raised since (and no part of it waits any longer)."""
    state = coordination(case)
    if any(a.since >= since for a in state.appointments):
        return True
    if state.designation is not None and state.designation.on >= since:
        return True
    return any(
        o.raised_on >= since and o.declined & parts and not _offer_open(case, o) & parts
        for o in state.offers
    )


def _without_successor(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    """Nobody coordinates after an appointment ended for a reason that does not end the need
    (domain.md §5.2, §7.4 [V:S56][V:S48]; after a move BK-19), until a successor is appointed,
    the municipality records which service coordinates, or the family declines a new offer."""
    state = coordination(case)
    if active_appointments(case, ctx.as_of):
        return
    ended = [a for a in state.appointments if a.ended_on is not None and a.ended_on <= ctx.as_of]
    if not ended:
        return
    last = max(a.ended_on for a in ended if a.ended_on is not None)
    gaps = [a for a in ended if a.ended_on == last and a.end_reason in _NEED_GOES_ON]
    if not gaps or _decided_since(case, last, _COORDINATOR_OFFERS):
        return
    ke = tuple(sorted(granted(case, Role.KOORDINERENDE_ENHET))) or (None,)
    for a in gaps:
        moved = a.end_reason is AppointmentEndReason.MOVED_MUNICIPALITY
        for unit in ke:
            yield ctx.make(
                code="coordination.assess-after-move" if moved else "coordination.no-successor",
                duty_code="ke.appoint",
                actor_ref=unit,
                subject=a.role.value,
                due=None,
                status=ObligationStatus.UNMET,
                **worded(
                    "obligation.assess-after-move" if moved else "obligation.no-successor",
                    role=a.role.value,
                ),
                extra_basis=("hotl-7-2-a",) if moved else ("veileder-samordningsplikt",),
            )


def _log_consent(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    """The statutory coordinator who took over a linked stafettlogg needs a stafettlogg consent
    covering their own service (domain.md §7.5 [V:S51]: «Det same gjeld når ein annan teneste
    overtar ansvaret for stafettloggen»; §7.7 [V:S52b]); the appointment is not refused for it."""
    log = current_log(case)
    if log is None or log.status is not LogStatus.LINKED:
        return
    # The claims, not ``coordination_holder``: a case stored with two holders still lists its
    # obligations.
    coordinating = {c.ref for c in coordination_claims(case, ctx.as_of)}
    coordinating.add(log.linked_coordinator_ref)
    for a in active_appointments(case, ctx.as_of):
        if a.coordinator_ref not in coordinating:
            continue
        if ledger(case).covers(
            case,
            ConsentPurpose.STAFETTLOGG,
            as_of=ctx.as_of,
            service=a.service,
            settings=ctx.settings,
        ):
            continue
        yield ctx.make(
            code="coordination.log-consent-for-coordinator",
            duty_code="barnekoordinator.a"
            if a.role is Role.BARNEKOORDINATOR
            else "koordinator.follow-up",
            actor_ref=a.coordinator_ref,
            subject=a.role.value,
            due=None,
            status=ObligationStatus.UNMET,
            **worded(
                "obligation.log-consent-for-coordinator",
                role=a.role.value,
                service=a.service.value,
            ),
            extra_basis=("bti-stafettlogg",),
        )


def _adult_answered(case: Case, ends: date) -> bool:
    """After the 18th birthday (BK-13): a koordinator was appointed (``continue_as_adult`` with a
    koordinator, or ``appoint_koordinator``), or the young adult declined an offer of one raised
    on or after the birthday."""
    state = coordination(case)
    if any(a.role is Role.KOORDINATOR and a.since >= ends for a in state.appointments):
        return True
    return any(
        o.raised_on >= ends and StatutoryOffer.KOORDINATOR in o.declined for o in state.offers
    )


def _turning_18(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    """Before the 18th birthday the barnekoordinator plans the transition; from it koordinerende
    enhet offers a koordinator and continued individual plan until that is answered (BK-13
    [V:S6][V:S15]) — recording the birthday (``turn_eighteen``) does not answer it."""
    ends = barnekoordinator_ends_on(case)
    if ends is None:
        return
    ke = tuple(sorted(granted(case, Role.KOORDINERENDE_ENHET))) or (None,)
    for a in coordination(case).appointments:
        if a.role is not Role.BARNEKOORDINATOR:
            continue
        reached = a.active or (a.end_reason is AppointmentEndReason.TURNED_18 and a.since < ends)
        if not reached:
            continue
        if ctx.as_of >= ends:
            if _adult_answered(case, ends):
                continue
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
        elif a.active and (ends - ctx.as_of).days <= ctx.settings.turning_18_lead_days:
            yield ctx.make(
                code="coordination.turns-18",
                duty_code="barnekoordinator.e",
                actor_ref=a.coordinator_ref,
                subject="turns-18",
                due=ends,
                status=ObligationStatus.DUE,
                **worded("obligation.turns-18", date=ends.isoformat()),
            )


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
    for a in state.appointments:
        if a.active and case.participant(a.coordinator_ref) is None:
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
    yield from _turning_18(case, ctx)
    yield from _without_successor(case, ctx)
    yield from _log_consent(case, ctx)
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
