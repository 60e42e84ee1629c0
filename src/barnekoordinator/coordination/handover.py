"""The baton rule: handing the stafettlogg's coordination responsibility over.

«Stafettholder beholder stafettpinnen til den er mottatt og akseptert av en ny
stafettholder» (domain.md §7.5). The state machine:

```text
HELD(by=A) --propose(to=B)--> PENDING(holder=A, proposed=B)
PENDING --accept(by=B)--> HELD(by=B)                 only B can accept
PENDING --decline(by=B) | withdraw(by=A or a leader)--> HELD(by=A)
PENDING --B leaves, recorded by B | by administration--> decline(by=B) | withdraw(by=recorder)
HELD --A leaves without handover--> HOLDER MISSING --assign(by a leader)--> HELD(by=C)
```

While a handover is pending, A keeps every duty and deadline and B has none. A handover to a
professional of another service needs a consent covering that service before it is proposed — and it
is checked again at acceptance (BTI-08). A pending handover that is not answered within the
municipality's
[`handover_escalation_days`][barnekoordinator.config.MunicipalSettings.handover_escalation_days] is
escalated to a leader (BTI-06).

The baton moves forward in time only: a step dated before the one it answers or follows (an
acceptance, decline or withdrawal before the proposal; a proposal, leaving or assignment before the
baton's last move) is refused with
[`HandoverError`][barnekoordinator.errors.HandoverError] naming both days.

Use [`participant_leaves()`][barnekoordinator.coordination.handover.participant_leaves] (not a bare
``ParticipantLeft``) when a professional leaves, so the stored history records a holder's leaving
and the agenda projection flags the case as missing a holder. The live state derives the same flag
from the participants either way.

The baton itself — its holder, the pending handover, its history — and every
move it can make are [Baton][barnekoordinator.coordination.baton.Baton]: this
module's commands check who may take a step and record the event, and its
evolvers move the baton only through the baton's own methods.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta

import attrs

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.baton import Baton, PendingHandover
from barnekoordinator.coordination.roles import (
    CheckContext,
    Obligation,
    ObligationStatus,
    Role,
    granted,
    is_leader,
    worded,
)
from barnekoordinator.coordination.stafettlogg import (
    Stafettlogg,
    open_log,
    require_log_consent,
    stafettholder,
    with_log,
)
from barnekoordinator.errors import (
    HandoverError,
    HistoryError,
    InvalidInput,
    NotResponsible,
    RuleViolation,
)
from barnekoordinator.history.case import (
    Case,
    DomainEvent,
    ParticipantLeft,
    RecordedEvent,
)
from barnekoordinator.history.concept import Concept
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import EventRecord
from barnekoordinator.services import ServiceKind

__all__ = [
    "HANDOVER_CONCEPT",
    "HandoverAccepted",
    "HandoverDeclined",
    "HandoverProposed",
    "HandoverWithdrawn",
    "HolderAssigned",
    "StafettholderLeft",
    "accept_handover",
    "assign_holder",
    "decline_handover",
    "holder_missing",
    "participant_leaves",
    "pending_handover",
    "propose_handover",
    "withdraw_handover",
]

_BASIS = ("bti-stafettholder",)
_ROW = "stafettholder"


# --- events --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class HandoverProposed(DomainEvent):
    """The holder proposed to hand the baton to ``to_ref``; the holder keeps it meanwhile.

    ``by`` is who proposed it: the holder, or a leader who re-decided the holder at a level change
    ([`change_level()`][barnekoordinator.coordination.transitions.change_level], BTI-16). Either
    way the holder keeps the baton, and its duties, until ``to_ref`` accepts.
    """

    TYPE = "handover.proposed"
    LEGAL_BASIS = _BASIS
    to_ref: str
    to_service: ServiceKind
    by: str
    on: date
    reason: str = ""


@attrs.frozen(kw_only=True)
class HandoverAccepted(DomainEvent):
    """The proposed person accepted: from now on they hold the baton and its duties."""

    TYPE = "handover.accepted"
    LEGAL_BASIS = _BASIS
    ACTOR = "to_ref"  # only the proposed person accepts (BTI-07)
    from_ref: str | None
    to_ref: str
    on: date


@attrs.frozen(kw_only=True)
class HandoverDeclined(DomainEvent):
    """The proposed person declined (or left the case); the holder keeps the baton."""

    TYPE = "handover.declined"
    LEGAL_BASIS = _BASIS
    to_ref: str
    by: str
    on: date
    reason: str = ""


@attrs.frozen(kw_only=True)
class HandoverWithdrawn(DomainEvent):
    """The holder (or a leader) withdrew the proposal; the holder keeps the baton.

    Also recorded when case administration (koordinerende enhet, a leader) records that the
    proposed person left the case
    ([`participant_leaves()`][barnekoordinator.coordination.handover.participant_leaves]): the
    recorder withdraws the proposal in its own name, never declines it in the leaver's.
    """

    TYPE = "handover.withdrawn"
    LEGAL_BASIS = _BASIS
    to_ref: str
    by: str
    on: date
    reason: str = ""


@attrs.frozen(kw_only=True)
class StafettholderLeft(DomainEvent):
    """The holder left the case without handing the baton over: the case misses a holder."""

    TYPE = "handover.holder-left"
    LEGAL_BASIS = _BASIS
    holder_ref: str
    on: date


@attrs.frozen(kw_only=True)
class HolderAssigned(DomainEvent):
    """A leader assigned a new holder to a log whose holder had left."""

    TYPE = "handover.holder-assigned"
    LEGAL_BASIS = _BASIS
    ADMINISTERED_BY = ("leader",)  # as assign_holder checks: a leader, never the new holder
    to_ref: str
    by: str
    on: date
    reason: str = ""


# --- evolvers ------------------------------------------------------------------------


def _moved(case: Case, move: Callable[[Baton], Baton]) -> Case:
    """``case`` with the open log's baton moved by one of its transitions."""
    log = open_log(case)
    if log is None:
        raise HistoryError(f"case {case.id}: handover event without an open stafettlogg")
    return with_log(case, attrs.evolve(log, baton=move(log.baton)))


def _proposed(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, HandoverProposed)
    pending = PendingHandover(
        to_ref=e.to_ref,
        to_service=e.to_service,
        proposed_by=e.by,
        proposed_on=e.on,
        reason=e.reason,
    )
    return _moved(case, lambda baton: baton.proposed(pending))


def _accepted(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, HandoverAccepted)
    return _moved(case, lambda baton: baton.accepted(e.to_ref, e.on))


def _declined(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, HandoverDeclined)
    return _moved(case, lambda baton: baton.declined(e.to_ref))


def _withdrawn(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, HandoverWithdrawn)
    return _moved(case, lambda baton: baton.withdrawn(e.to_ref))


def _holder_left(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, StafettholderLeft)
    return _moved(case, lambda baton: baton.left(e.holder_ref, e.on))


def _assigned(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, HolderAssigned)
    return _moved(case, lambda baton: baton.assigned(e.to_ref, e.on))


# --- queries -------------------------------------------------------------------------


def pending_handover(case: Case) -> PendingHandover | None:
    """The pending handover of the open log, if any."""
    log = open_log(case)
    return log.baton.pending if log is not None else None


def holder_missing(case: Case) -> bool:
    """True when a stafettlogg is open but its holder has left the case."""
    return open_log(case) is not None and stafettholder(case) is None


# --- commands ------------------------------------------------------------------------


def _open(case: Case) -> Stafettlogg:
    case.require_open()
    log = open_log(case)
    if log is None:
        raise HandoverError(f"case {case.id}: no open stafettlogg, so no baton to hand over")
    return log


def _last_move(baton: Baton) -> tuple[date, str]:
    """The day of the baton's latest move and what it was (its history is oldest first)."""
    change = baton.history[-1]
    return change.on, f"the baton was last moved ({change.kind.value})"


def _proposed_on(pending: PendingHandover) -> tuple[date, str]:
    return pending.proposed_on, "the handover was proposed"


def _in_order(
    as_of: date,
    step: str,
    earliest: tuple[date, str],
    error: type[RuleViolation] = HandoverError,
) -> None:
    """Refuse (with ``error``) a baton step dated before the step it follows (domain.md §7.5).

    The holder keeps the baton until the new one has received *and* accepted it: an answer dated
    before the proposal, or a move dated before the baton's last one, would move the baton back in
    time and take the holder's duties for those days away afterwards.
    """
    day, what = earliest
    if as_of < day:
        raise error(
            f"as_of: {step} dated {as_of.isoformat()} is before {what} on {day.isoformat()}; "
            f"expected {day.isoformat()} or later"
        )


def propose_handover(
    case: Case,
    *,
    to_ref: str,
    by: str,
    as_of: date,
    reason: str = "",
    settings: MunicipalSettings | None = None,
) -> HandoverProposed:
    """Command: the holder proposes to hand the baton to another professional in the case.

    Raises `ConsentRequired` when no consent covers the receiving service (BTI-08),
    [`NotResponsible`][barnekoordinator.errors.NotResponsible] when ``by`` does not hold the baton,
    [`HandoverError`][barnekoordinator.errors.HandoverError] when a handover is already pending
    or the holder has left (a leader then uses
    [`assign_holder()`][barnekoordinator.coordination.handover.assign_holder]) or ``as_of`` is
    before the baton's last move (the day it came to the holder, or a level change confirming
    them).
    """
    log = _open(case)
    holder = stafettholder(case)
    if holder is None:
        raise HandoverError(
            f"case {case.id}: the stafettholder has left; a leader assigns a new one"
        )
    if by != holder:
        raise NotResponsible(f"case {case.id}: only the stafettholder proposes a handover")
    if log.baton.pending is not None:
        raise HandoverError(
            f"case {case.id}: a handover is already pending; it must be answered or withdrawn first"
        )
    if to_ref == holder:
        raise HandoverError("the baton cannot be handed to its own holder")
    _in_order(as_of, "a handover proposal", _last_move(log.baton))
    receiver = case.participant(to_ref)
    if receiver is None:
        raise HandoverError(
            f"case {case.id}: {to_ref} takes no part in the case; add the professional first"
        )
    require_log_consent(case, receiver.service, as_of, settings)
    return HandoverProposed(
        to_ref=to_ref, to_service=receiver.service, by=by, on=as_of, reason=reason
    )


def accept_handover(
    case: Case, *, by: str, as_of: date, settings: MunicipalSettings | None = None
) -> HandoverAccepted:
    """Command: the proposed person accepts; only they can (BTI-07).

    Consent covering their service is checked again: it may have been withdrawn
    since the proposal. An acceptance dated before the proposal raises
    [`HandoverError`][barnekoordinator.errors.HandoverError]: the baton cannot come to the new
    holder before it was offered (domain.md §7.5).
    """
    pending = _open(case).baton.pending
    if pending is None:
        raise HandoverError(f"case {case.id}: no handover is pending")
    if by != pending.to_ref:
        raise NotResponsible(f"case {case.id}: only the proposed stafettholder can accept")
    if case.participant(by) is None:
        raise HandoverError(f"case {case.id}: {by} no longer takes part in the case")
    _in_order(as_of, "an acceptance", _proposed_on(pending))
    require_log_consent(case, pending.to_service, as_of, settings)
    return HandoverAccepted(from_ref=stafettholder(case), to_ref=by, on=as_of)


def decline_handover(case: Case, *, by: str, as_of: date, reason: str = "") -> HandoverDeclined:
    """Command: the proposed person declines; the holder keeps the baton."""
    pending = _open(case).baton.pending
    if pending is None:
        raise HandoverError(f"case {case.id}: no handover is pending")
    if by != pending.to_ref:
        raise NotResponsible(f"case {case.id}: only the proposed stafettholder can decline")
    _in_order(as_of, "a decline", _proposed_on(pending))
    return HandoverDeclined(to_ref=pending.to_ref, by=by, on=as_of, reason=reason)


def withdraw_handover(case: Case, *, by: str, as_of: date, reason: str = "") -> HandoverWithdrawn:
    """Command: the holder (or a leader) withdraws a pending proposal."""
    pending = _open(case).baton.pending
    if pending is None:
        raise HandoverError(f"case {case.id}: no handover is pending")
    if by != stafettholder(case) and not is_leader(case, by):
        raise NotResponsible(
            f"case {case.id}: only the stafettholder or a leader withdraws a handover"
        )
    _in_order(as_of, "a withdrawal", _proposed_on(pending))
    return HandoverWithdrawn(to_ref=pending.to_ref, by=by, on=as_of, reason=reason)


def assign_holder(
    case: Case,
    *,
    to_ref: str,
    by: str,
    as_of: date,
    reason: str = "",
    settings: MunicipalSettings | None = None,
) -> HolderAssigned:
    """Command: a leader assigns a holder to a log whose holder left without handover."""
    log = _open(case)
    if not holder_missing(case):
        raise HandoverError(
            f"case {case.id}: the log has a stafettholder; hand the baton over instead"
        )
    if not is_leader(case, by):
        raise NotResponsible(f"case {case.id}: only a leader assigns a missing stafettholder")
    _in_order(as_of, "an assignment", _last_move(log.baton))
    receiver = case.participant(to_ref)
    if receiver is None:
        raise HandoverError(f"case {case.id}: {to_ref} takes no part in the case")
    require_log_consent(case, receiver.service, as_of, settings)
    return HolderAssigned(to_ref=to_ref, by=by, on=as_of, reason=reason)


def participant_leaves(
    case: Case,
    *,
    participant_ref: str,
    as_of: date,
    reason: str = "",
    by: str | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: a professional leaves the case, with what that means for the baton.

    ``by`` records the leaving: the leaver themselves (the default), or case administration —
    koordinerende enhet or a leader, whom the access policy requires for someone else's
    ``ParticipantLeft``. A leaving holder leaves the log without a holder (flagged until a leader
    assigns one). A pending handover to the leaver ends: declined by the leaver when they record
    it themselves, withdrawn by ``by`` otherwise, so every event names its recorder as the one
    who acts (decision 38).
    """
    case.require_open()
    if case.participant(participant_ref) is None:
        raise InvalidInput(f"case {case.id}: {participant_ref} takes no part in the case")
    recorder = participant_ref if by is None else by
    events: list[DomainEvent] = []
    log = open_log(case)
    pending = log.baton.pending if log is not None else None
    if pending is not None and pending.to_ref == participant_ref:
        _in_order(as_of, "leaving while proposed as stafettholder", _proposed_on(pending))
        if recorder == participant_ref:
            events.append(
                HandoverDeclined(
                    to_ref=participant_ref, by=participant_ref, on=as_of, reason="left the case"
                )
            )
        else:
            events.append(
                HandoverWithdrawn(
                    to_ref=participant_ref,
                    by=recorder,
                    on=as_of,
                    reason="the proposed stafettholder left the case",
                )
            )
    events.append(ParticipantLeft(participant_ref=participant_ref, reason=reason))
    if log is not None and log.baton.holder_ref == participant_ref:
        _in_order(as_of, "the stafettholder's leaving", _last_move(log.baton))
        events.append(StafettholderLeft(holder_ref=participant_ref, on=as_of))
    return tuple(events)


# --- obligations and projections ------------------------------------------------------


def _obligations(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    log = open_log(case)
    if log is None:
        return
    leaders = tuple(sorted(granted(case, Role.LEADER))) or (None,)
    if holder_missing(case):
        since = log.baton.left_on or ctx.as_of
        for leader in leaders:
            yield ctx.make(
                code="handover.holder-missing",
                duty_code="leader.baton",
                actor_ref=leader,
                subject=_ROW,
                due=since,
                status=ObligationStatus.UNMET,
                **worded("obligation.handover-left"),
            )
    pending = log.baton.pending
    if pending is None:
        return
    escalate_on = pending.proposed_on + timedelta(days=ctx.settings.handover_escalation_days)
    overdue = ctx.as_of > escalate_on
    yield ctx.make(
        code="handover.answer",
        duty_code="service.handover-answer",
        actor_ref=pending.to_ref,
        subject=_ROW,
        due=escalate_on,
        status=ObligationStatus.OVERDUE if overdue else ObligationStatus.DUE,
        **worded("obligation.handover-answer"),
    )
    if overdue:
        for leader in leaders:
            yield ctx.make(
                code="handover.escalation",
                duty_code="leader.baton",
                actor_ref=leader,
                subject=_ROW,
                due=escalate_on,
                status=ObligationStatus.OVERDUE,
                **worded("obligation.handover-escalation", date=pending.proposed_on.isoformat()),
            )


def _p(record: EventRecord) -> dict[str, str]:
    loaded: dict[str, str] = json.loads(record.payload)
    return loaded


def _project_proposed(record: EventRecord) -> Sequence[ProjectionOp]:
    on = date.fromisoformat(_p(record)["on"])
    item = AgendaItem(
        case_id=record.case_id,
        kind=AgendaKind.HANDOVER_PENDING,
        key=_ROW,
        due=on,
        detail="handover",
    )
    return (Upsert(item),)


def _project_unanswered(record: EventRecord) -> Sequence[ProjectionOp]:
    return (Remove(record.case_id, AgendaKind.HANDOVER_PENDING, _ROW),)


def _project_accepted(record: EventRecord) -> Sequence[ProjectionOp]:
    return (
        Remove(record.case_id, AgendaKind.HANDOVER_PENDING, _ROW),
        Remove(record.case_id, AgendaKind.HOLDER_MISSING, _ROW),
    )


def _project_left(record: EventRecord) -> Sequence[ProjectionOp]:
    on = date.fromisoformat(_p(record)["on"])
    item = AgendaItem(
        case_id=record.case_id,
        kind=AgendaKind.HOLDER_MISSING,
        key=_ROW,
        due=on,
        detail="holder left",
    )
    return (Upsert(item),)


def _project_assigned(record: EventRecord) -> Sequence[ProjectionOp]:
    # An assignment also settles a handover proposed before the holder left.
    return (
        Remove(record.case_id, AgendaKind.HOLDER_MISSING, _ROW),
        Remove(record.case_id, AgendaKind.HANDOVER_PENDING, _ROW),
    )


HANDOVER_CONCEPT = Concept(
    name="handover",
    events=(
        HandoverProposed,
        HandoverAccepted,
        HandoverDeclined,
        HandoverWithdrawn,
        StafettholderLeft,
        HolderAssigned,
    ),
    evolvers={
        HandoverProposed: _proposed,
        HandoverAccepted: _accepted,
        HandoverDeclined: _declined,
        HandoverWithdrawn: _withdrawn,
        StafettholderLeft: _holder_left,
        HolderAssigned: _assigned,
    },
    projectors={
        HandoverProposed.TYPE: (_project_proposed,),
        HandoverDeclined.TYPE: (_project_unanswered,),
        HandoverWithdrawn.TYPE: (_project_unanswered,),
        HandoverAccepted.TYPE: (_project_accepted,),
        StafettholderLeft.TYPE: (_project_left,),
        HolderAssigned.TYPE: (_project_assigned,),
    },
    obligation_sources=(_obligations,),
)
