"""Closing the stafettlogg (avslutning), also when the consent behind it is withdrawn.

A log closes when its goal is reached, when it is no longer needed, when the
family moves, or when no consent covers it any more (BTI-12). The closing event
lists what was still open, so that projections can drop their rows without
reading the case.
"""

from __future__ import annotations

from datetime import date

from barnekoordinator.access.consent import (
    ConsentPurpose,
    ConsentWithdrawn,
    ledger,
    withdraw_consent,
)
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.stafettlogg._case import (
    _held_without_minutes,
    _holder_or_leader,
    _professional,
    _settings,
    current_log,
    stafettholder,
)
from barnekoordinator.coordination.stafettlogg._events import StafettloggClosed
from barnekoordinator.coordination.stafettlogg._values import (
    ClosingReason,
    LogStatus,
    Stafettlogg,
)
from barnekoordinator.errors import NotResponsible, StafettloggError
from barnekoordinator.history.case import (
    Case,
    CaseClosedEvent,
    CaseMode,
    DomainEvent,
    ModeChanged,
    RecordedEvent,
)


def closing_event(
    case: Case, *, reason: ClosingReason, summary: str, by: str, as_of: date
) -> StafettloggClosed:
    """The closing event of the current log, listing what is still open (for other commands)."""
    log = current_log(case)
    if log is None or log.status is LogStatus.CLOSED:
        raise StafettloggError(f"case {case.id}: no stafettlogg to close")
    return _closing(case, log, reason, summary, by, as_of)


def _closing(
    case: Case, log: Stafettlogg, reason: ClosingReason, summary: str, by: str, on: date
) -> StafettloggClosed:
    return StafettloggClosed(
        reason=reason,
        summary=summary,
        by=by,
        on=on,
        open_tiltak=tuple(t.id for t in log.active_tiltak),
        unminuted_meetings=unminuted_meetings(log),
        open_decisions=tuple(d.id for d in log.decisions if d.open),
        pending_handover_to=log.baton.pending.to_ref if log.baton.pending else None,
        holder_was_missing=log.is_open and stafettholder(case) is None,
    )


def unminuted_meetings(log: Stafettlogg) -> tuple[str, ...]:
    """Ids of the log's meetings that have no minutes yet."""
    return tuple(m.id for m in log.meetings if m.minutes is None)


def _last_change(log: Stafettlogg) -> date:
    """The last day the log's life changed: opened, the baton moved, the level changed, linked."""
    days = [log.opened_on, *(c.on for c in log.baton.history)]
    if log.level_changes:
        days.append(log.level_changes[-1].on)
    if log.linked_on is not None:
        days.append(log.linked_on)
    return max(days)


def _check_closing(
    case: Case, log: Stafettlogg, reason: ClosingReason, as_of: date, covered: bool
) -> None:
    """A log closes on or after its last change, and not by decision over unwritten minutes.

    A close by decision (goal reached, no longer needed, moved) waits for the minutes of every
    meeting held (the log is the minutes, §7.3 [V:S49][V:S52]; the holder writes them, §7.4);
    a close the family forces by withdrawing consent does not, nor one of a log no consent
    covers any more: nothing can be written then.
    """
    last = _last_change(log)
    if as_of < last:
        raise StafettloggError(
            f"case {case.id}: the stafettlogg cannot close on {as_of.isoformat()}, before its "
            f"last change on {last.isoformat()} (it opened on {log.opened_on.isoformat()})"
        )
    if reason is ClosingReason.CONSENT_WITHDRAWN or not covered:
        return
    unwritten = _held_without_minutes(log, as_of)
    if unwritten:
        raise StafettloggError(
            f"case {case.id}: meeting(s) {', '.join(repr(m) for m in unwritten)} were held and "
            "have no minutes; write them (record_minutes) before the stafettlogg closes"
        )


def close_stafettlogg(
    case: Case,
    *,
    by: str,
    reason: ClosingReason,
    as_of: date,
    summary: str = "",
    close_case: bool = False,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: close the stafettlogg (avslutning).

    The stafettholder or a leader closes an open log (a linked log: a leader or
    any participant). Closing needs no consent — a log whose consent was
    withdrawn *must* be closed, and then by anyone in the case; the reason
    ``CONSENT_WITHDRAWN`` is accepted only when no consent covers the log any
    more. With ``close_case`` the whole case closes too.

    The log does not close before the day it opened (or its baton last moved, or
    it was linked), and a close by decision waits for the minutes of the meetings
    held ([`StafettloggError`][barnekoordinator.errors.StafettloggError]).
    """
    settings = _settings(settings)
    case.require_open()
    log = current_log(case)
    if log is None or log.status is LogStatus.CLOSED:
        raise StafettloggError(f"case {case.id}: no stafettlogg to close")
    covered = ledger(case).covers(case, ConsentPurpose.STAFETTLOGG, as_of=as_of, settings=settings)
    if reason is ClosingReason.CONSENT_WITHDRAWN:
        if covered:
            raise StafettloggError(
                f"case {case.id}: consent still covers the stafettlogg; close it for another reason"
            )
        family = {g.ref for g in case.guardians} | (
            {case.subject.ref} if case.subject is not None else set()
        )
        if case.participant(by) is None and by not in family:
            raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    elif log.is_open:
        _holder_or_leader(case, log, by, "closes the stafettlogg")
    else:
        _professional(case, by)
    _check_closing(case, log, reason, as_of, covered)
    events: list[DomainEvent] = [_closing(case, log, reason, summary, by, as_of)]
    if close_case:
        events.append(CaseClosedEvent(reason=f"stafettlogg closed: {reason.value}"))
    elif case.mode is CaseMode.STAFETTLOGG:
        events.append(
            ModeChanged(mode=CaseMode.UNDRING, reason=f"stafettlogg closed: {reason.value}")
        )
    return tuple(events)


def withdraw_stafettlogg_consent(
    case: Case,
    *,
    consent_id: str,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: withdraw a consent and, if no consent covers the log any more, close it.

    The closing takes effect the same day: from then on no service reads the log
    (`service_may_read()`) and nothing more is written (BTI-12).
    """
    settings = _settings(settings)
    withdrawn: ConsentWithdrawn = withdraw_consent(
        case, consent_id=consent_id, by=by, as_of=as_of, settings=settings
    )
    # Fold the withdrawal into a scratch copy to ask the ledger what it leaves covered.
    assert case.opened_at is not None
    after = case.apply(
        RecordedEvent(
            case_id=case.id,
            sequence=case.version + 1,
            recorded_at=case.opened_at,
            actor=by,
            event=withdrawn,
        )
    )
    log = current_log(case)
    if (
        log is None
        or log.status is LogStatus.CLOSED
        or ledger(after).covers(after, ConsentPurpose.STAFETTLOGG, as_of=as_of, settings=settings)
    ):
        return (withdrawn,)
    closing = _closing(case, log, ClosingReason.CONSENT_WITHDRAWN, "consent withdrawn", by, as_of)
    events: list[DomainEvent] = [withdrawn, closing]
    if case.mode is CaseMode.STAFETTLOGG:
        events.append(ModeChanged(mode=CaseMode.UNDRING, reason="consent to stafettlogg withdrawn"))
    return tuple(events)
