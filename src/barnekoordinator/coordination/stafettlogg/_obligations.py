"""The stafettlogg's obligations: what is due, overdue or unmet in a case, duty by duty.

* a nivå-0 undring is decided by its deadline, and a leader follows up one
  that is not (``service.nivaa0``, ``leader.baton``);
* an open log is covered by consent, or the holder closes it or gets new
  consent (``stafettholder.consent``); so is the holder's own service, or the
  holder hands the baton over or gets consent covering it (BTI §7.6 [V:S48b]);
* each active tiltak is evaluated by its date, and an overdue one is followed
  up by the holder — or, once a statutory coordinator took over, by that
  coordinator while the appointment is in force (``service.measure`` and the
  follow-up duty); a tiltak whose responsible person left the case is the
  follow-up's to reassign (``UNMET``);
* a decision's follow-up is done by its date (``stafettholder.deadlines``);
* a meeting's log (the minutes) is written (``stafettholder.log``), also for a
  meeting held before the log was linked (§7.3 [V:S49][V:S52]: the log is the
  minutes).
"""

from __future__ import annotations

from collections.abc import Iterator

from barnekoordinator.access.consent import ConsentPurpose, ledger, section_of
from barnekoordinator.coordination.roles import (
    CheckContext,
    Obligation,
    ObligationStatus,
    Role,
    granted,
    worded,
)
from barnekoordinator.coordination.stafettlogg._case import (
    _former_holder,
    _held_before_link,
    _linked_coordinator,
    bti,
    stafettholder,
)
from barnekoordinator.coordination.stafettlogg._values import (
    LogMeasure,
    LogStatus,
    Stafettlogg,
    Undring,
)
from barnekoordinator.history.case import Case
from barnekoordinator.services import SERVICES

_FollowUp = tuple[str | None, str]
"""Who follows up the log's deadlines (``None``: nobody does), under which duty."""


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
        yield from _holder_uncovered(case, ctx, holder)
    follow_up = _follow_up(case, ctx, log, holder)
    for t in log.active_tiltak:
        yield from _evaluation(case, ctx, follow_up, t)
    yield from _decision_follow_ups(ctx, log)
    yield from _minutes(case, ctx, log, holder, follow_up)


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


def _holder_uncovered(case: Case, ctx: CheckContext, holder: str | None) -> Iterator[Obligation]:
    """The holder's own service is covered by the consent, or the holder hands the baton on.

    Another consent may still cover the log (so it stays open) while none covers the
    holder's service any more: the holder can then neither write nor read the log
    (§7.6 [V:S48b]: each service must be covered by the consent) yet keeps the baton.
    """
    participant = case.participant(holder) if holder is not None else None
    if participant is None:
        return
    consents = ledger(case)
    covered = consents.covers(
        case,
        ConsentPurpose.STAFETTLOGG,
        as_of=ctx.as_of,
        service=participant.service,
        section=section_of(participant.service),
        settings=ctx.settings,
    )
    if covered or not consents.covers(
        case, ConsentPurpose.STAFETTLOGG, as_of=ctx.as_of, settings=ctx.settings
    ):
        return  # covered, or no consent covers the log at all (``_consent_lapsed``)
    yield ctx.make(
        code="stafettlogg.holder-uncovered",
        duty_code="stafettholder.consent",
        actor_ref=holder,
        subject="stafettholder",
        due=None,
        status=ObligationStatus.UNMET,
        **worded("obligation.log-holder-uncovered", service=SERVICES[participant.service].name_nb),
    )


def _responsible_role(case: Case, ref: str) -> Role | None:
    """The role the tiltak's responsible person acts in, or ``None`` once they left the case."""
    if case.participant(ref):
        return Role.SERVICE_PROVIDER
    if case.subject is not None and ref == case.subject.ref:
        return Role.CHILD
    if case.guardian(ref) is not None:
        return Role.GUARDIAN
    return None


def _evaluation(
    case: Case, ctx: CheckContext, follow_up: _FollowUp, t: LogMeasure
) -> Iterator[Obligation]:
    """The responsible person evaluates the tiltak by its date; past it, it is followed up.

    A responsible professional who left the case cannot evaluate it: the tiltak is then
    the follow-up's (the holder's, or the coordinator's) to evaluate or reassign
    (``UNMET``), not a duty left with someone outside the case.
    """
    follow_up_ref, follow_up_duty = follow_up
    role = _responsible_role(case, t.responsible_ref)
    if role is None:
        yield ctx.make(
            code="stafettlogg.responsible-left",
            duty_code=follow_up_duty,
            actor_ref=follow_up_ref,
            subject=t.id,
            due=t.evaluation_date,
            status=ObligationStatus.UNMET,
            **worded("obligation.tiltak-responsible-left", id=t.id),
        )
        return
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
    yield ctx.make(
        code="stafettlogg.evaluation-follow-up",
        duty_code=follow_up_duty,
        actor_ref=follow_up_ref,
        subject=t.id,
        due=t.evaluation_date,
        status=ObligationStatus.OVERDUE,
        **worded("obligation.tiltak-overdue", id=t.id),
    )


def _follow_up(case: Case, ctx: CheckContext, log: Stafettlogg, holder: str | None) -> _FollowUp:
    """Who follows up overdue deadlines, under which duty: the holder, or the coordinator.

    A linked log is followed up by its coordinator while the appointment is in force (or by a
    statutory coordinator appointed since); once it ended, by nobody (``None``) — never by a
    coordinator whose appointment ended (koordinerende enhet is to appoint anew).
    """
    if log.is_open:
        return holder, "stafettholder.deadlines"
    ref, role = _linked_coordinator(case, log, ctx.as_of)
    if role is Role.BARNEKOORDINATOR:
        return ref, "barnekoordinator.a"
    return ref, "koordinator.follow-up"


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


def _minutes(
    case: Case, ctx: CheckContext, log: Stafettlogg, holder: str | None, follow_up: _FollowUp
) -> Iterator[Obligation]:
    """The holder writes the log of each meeting: listed on its day and once overdue.

    A meeting held before the log was linked keeps its minutes (the log *is* the minutes,
    §7.3 [V:S49][V:S52]): the former holder writes them, or, once they left the case, the
    coordinator following up the log.
    """
    actor, duty_code = holder, "stafettholder.log"
    meetings = tuple(log.meetings)
    if not log.is_open:
        actor = _former_holder(log)
        if actor is None or case.participant(actor) is None:
            actor, duty_code = follow_up
        meetings = tuple(m for m in meetings if _held_before_link(log, m.on))
    for m in meetings:
        if m.minutes is not None:
            continue
        o = ctx.dated(
            code="stafettlogg.minutes",
            duty_code=duty_code,
            actor_ref=actor,
            subject=m.id,
            due=m.on,
            **worded("obligation.minutes", id=m.id, date=m.on.isoformat()),
        )
        if o is not None and (o.status is ObligationStatus.OVERDUE or m.on == ctx.as_of):
            yield o
