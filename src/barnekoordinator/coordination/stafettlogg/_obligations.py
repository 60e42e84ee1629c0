"""The stafettlogg's obligations: what is due, overdue or unmet in a case, duty by duty.

* a nivå-0 undring is decided by its deadline, and a leader follows up one
  that is not (``service.nivaa0``, ``leader.baton``);
* an open log is covered by consent, or the holder closes it or gets new
  consent (``stafettholder.consent``);
* each active tiltak is evaluated by its date, and an overdue one is followed
  up by the holder — or, once a statutory coordinator took over, by that
  coordinator (``service.measure`` and the follow-up duty);
* a decision's follow-up is done by its date (``stafettholder.deadlines``);
* a meeting's log (the minutes) is written (``stafettholder.log``).
"""

from __future__ import annotations

from collections.abc import Iterator

from barnekoordinator.access.consent import ConsentPurpose, ledger
from barnekoordinator.coordination.roles import (
    CheckContext,
    Obligation,
    ObligationStatus,
    Role,
    granted,
    worded,
)
from barnekoordinator.coordination.stafettlogg._case import bti, stafettholder
from barnekoordinator.coordination.stafettlogg._values import (
    LogMeasure,
    LogStatus,
    Stafettlogg,
    Undring,
)
from barnekoordinator.history.case import Case


def _obligations(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    state = bti(case)
    for u in state.undringer:
        if u.outcome is None:
            yield from _nivaa0_decision(case, ctx, u)
    log = state.log
    if log is None or log.status is LogStatus.CLOSED:
        return
    holder = stafettholder(case) if log.is_open else None
    if log.is_open:
        yield from _consent_lapsed(case, ctx, holder)
    for t in log.active_tiltak:
        yield from _evaluation(case, ctx, log, holder, t)
    yield from _decision_follow_ups(ctx, log)
    if log.is_open:
        yield from _minutes(ctx, log, holder)


def _leaders(case: Case) -> tuple[str | None, ...]:
    found = tuple(sorted(granted(case, Role.LEADER)))
    return found or (None,)


def _nivaa0_decision(case: Case, ctx: CheckContext, u: Undring) -> Iterator[Obligation]:
    """The undring is decided by its deadline; past it, every leader follows it up."""
    o = ctx.dated(
        code="bti.nivaa0-decision",
        duty_code="service.nivaa0",
        actor_ref=u.registered_by,
        subject=u.id,
        due=u.decision_due,
        **worded("obligation.undring-decide", id=u.id, date=u.decision_due.isoformat()),
    )
    if o is None:
        return
    yield o
    if o.status is not ObligationStatus.OVERDUE:
        return
    for leader in _leaders(case):
        yield ctx.make(
            code="bti.nivaa0-escalation",
            duty_code="leader.baton",
            actor_ref=leader,
            subject=u.id,
            due=u.decision_due,
            status=ObligationStatus.OVERDUE,
            **worded("obligation.undring-overdue", id=u.id),
            extra_basis=("bti-niva-0",),
        )


def _consent_lapsed(case: Case, ctx: CheckContext, holder: str | None) -> Iterator[Obligation]:
    """An open log no consent covers any more is closed, or consent is obtained again."""
    if ledger(case).covers(
        case, ConsentPurpose.STAFETTLOGG, as_of=ctx.as_of, settings=ctx.settings
    ):
        return
    yield ctx.make(
        code="stafettlogg.consent-lapsed",
        duty_code="stafettholder.consent",
        actor_ref=holder,
        subject="stafettlogg",
        due=None,
        status=ObligationStatus.UNMET,
        **worded("obligation.log-consent-lapsed"),
    )


def _evaluation(
    case: Case, ctx: CheckContext, log: Stafettlogg, holder: str | None, t: LogMeasure
) -> Iterator[Obligation]:
    """The responsible person evaluates the tiltak by its date; past it, it is followed up."""
    if case.participant(t.responsible_ref):
        role = Role.SERVICE_PROVIDER
    elif case.subject is not None and t.responsible_ref == case.subject.ref:
        role = Role.CHILD
    else:
        role = Role.GUARDIAN
    o = ctx.dated(
        code="stafettlogg.evaluation",
        duty_code="service.measure",
        actor_ref=t.responsible_ref,
        subject=t.id,
        due=t.evaluation_date,
        role=role,
        **worded("obligation.tiltak-evaluation", id=t.id, date=t.evaluation_date.isoformat()),
    )
    if o is None:
        return
    yield o
    if o.status is not ObligationStatus.OVERDUE:
        return
    follow_up_ref, follow_up_duty = _follow_up(log, holder)
    yield ctx.make(
        code="stafettlogg.evaluation-follow-up",
        duty_code=follow_up_duty,
        actor_ref=follow_up_ref,
        subject=t.id,
        due=t.evaluation_date,
        status=ObligationStatus.OVERDUE,
        **worded("obligation.tiltak-overdue", id=t.id),
    )


def _follow_up(log: Stafettlogg, holder: str | None) -> tuple[str | None, str]:
    """Who follows up overdue deadlines, under which duty: the holder, or the coordinator."""
    if log.is_open:
        return holder, "stafettholder.deadlines"
    if log.linked_to is Role.BARNEKOORDINATOR:
        return log.linked_coordinator_ref, "barnekoordinator.a"
    return log.linked_coordinator_ref, "koordinator.follow-up"


def _decision_follow_ups(ctx: CheckContext, log: Stafettlogg) -> Iterator[Obligation]:
    """Each open decision is followed up by its owner by its date."""
    for d in log.decisions:
        if not d.open or d.follow_up_on is None:
            continue
        o = ctx.dated(
            code="stafettlogg.decision-follow-up",
            duty_code="stafettholder.deadlines",
            actor_ref=d.follow_up_by,
            subject=d.id,
            due=d.follow_up_on,
            role=Role.SERVICE_PROVIDER,
            **worded("obligation.decision-follow-up", id=d.id, date=d.follow_up_on.isoformat()),
        )
        if o is not None:
            yield o


def _minutes(ctx: CheckContext, log: Stafettlogg, holder: str | None) -> Iterator[Obligation]:
    """The holder writes the log of each meeting: listed on its day and once overdue."""
    for m in log.meetings:
        if m.minutes is not None:
            continue
        o = ctx.dated(
            code="stafettlogg.minutes",
            duty_code="stafettholder.log",
            actor_ref=holder,
            subject=m.id,
            due=m.on,
            **worded("obligation.minutes", id=m.id, date=m.on.isoformat()),
        )
        if o is not None and (o.status is ObligationStatus.OVERDUE or m.on == ctx.as_of):
            yield o
