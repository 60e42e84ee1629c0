"""Which messages new events cause: a pure function of the records and the settings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Final

from barnekoordinator.history.outbox import OutboxKind, OutboxMessage
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.records import EventRecord
from barnekoordinator.legal_basis import deadline
from barnekoordinator_plugins.notify._settings import NotifySettings

_MAX_KEY: Final = 200

HANDOVER_ROW: Final = "stafettholder"
"""The key of a case's ``handover-pending`` agenda row (``coordination.handover`` writes it):
the guard of a ``handover-unanswered`` reminder. (The message's *item* stays ``handover``, so
its idempotency key is unchanged.)"""


def message_key(kind: OutboxKind, case_id: str, item: str, recipient: str, due: date) -> str:
    """The idempotency key: kind, case, item, recipient and due date (hashed past 200 chars)."""
    key = ":".join((kind.value, case_id, item, recipient, due.isoformat()))
    if len(key) <= _MAX_KEY:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"{kind.value}:{digest}"


def _message(
    record: EventRecord,
    kind: OutboxKind,
    item: str,
    recipient: str,
    not_before: date,
    *,
    on: date | None = None,
    guard: tuple[AgendaKind, str, date] | None = None,
) -> OutboxMessage:
    due = on or not_before
    return OutboxMessage(
        key=message_key(kind, record.case_id, item, recipient, due),
        case_id=record.case_id,
        kind=kind,
        recipient=recipient,
        not_before=not_before,
        on=on,
        guard=guard,
    )


_Maker = Callable[[EventRecord, Mapping[str, Any], NotifySettings], Iterator[OutboxMessage]]


def _day(value: object) -> date:
    return date.fromisoformat(str(value))


def _handover(
    record: EventRecord, p: Mapping[str, Any], settings: NotifySettings
) -> Iterator[OutboxMessage]:
    on = _day(p["on"])
    to_ref, holder = str(p["to_ref"]), str(p["by"])
    yield _message(record, OutboxKind.PROPOSED_AS_HOLDER, "handover", to_ref, on)
    # Still unanswered after the window: both the proposed person and the holder hear of it,
    # unless the proposal was answered (its agenda row is gone or renewed).
    later = on + timedelta(days=settings.handover_days)
    guard = (AgendaKind.HANDOVER_PENDING, HANDOVER_ROW, on)
    for who in dict.fromkeys((to_ref, holder)):
        yield _message(record, OutboxKind.HANDOVER_UNANSWERED, "handover", who, later, guard=guard)


def _evaluation(
    record: EventRecord,
    item: str,
    recipient: str,
    when: date,
    settings: NotifySettings,
) -> Iterator[OutboxMessage]:
    guard = (AgendaKind.EVALUATION_DUE, item, when)
    soon = when - timedelta(days=settings.evaluation_days)
    yield _message(record, OutboxKind.EVALUATION_DUE, item, recipient, soon, on=when, guard=guard)
    late = when + timedelta(days=1)
    yield _message(
        record, OutboxKind.EVALUATION_OVERDUE, item, recipient, late, on=when, guard=guard
    )


def _tiltak(
    record: EventRecord, p: Mapping[str, Any], settings: NotifySettings
) -> Iterator[OutboxMessage]:
    item = f"stafettlogg:{p['tiltak_id']}"
    yield from _evaluation(
        record, item, str(p["responsible_ref"]), _day(p["evaluation_date"]), settings
    )


def _tiltak_evaluated(
    record: EventRecord, p: Mapping[str, Any], settings: NotifySettings
) -> Iterator[OutboxMessage]:
    if p.get("next_evaluation_date"):
        item = f"stafettlogg:{p['tiltak_id']}"
        yield from _evaluation(
            record, item, str(p["by"]), _day(p["next_evaluation_date"]), settings
        )


def _plan_measure(
    record: EventRecord, p: Mapping[str, Any], settings: NotifySettings
) -> Iterator[OutboxMessage]:
    when = p.get("evaluation_date") or p.get("next_evaluation_date")
    who = p.get("responsible_ref") or p.get("by")
    if when and who:
        yield from _evaluation(record, f"plan:{p['measure_id']}", str(who), _day(when), settings)


def _meeting(
    record: EventRecord, p: Mapping[str, Any], settings: NotifySettings
) -> Iterator[OutboxMessage]:
    on, meeting_on = _day(p["on"]), _day(p["meeting_on"])
    item = f"meeting:{p['meeting_id']}"
    for who in dict.fromkeys(str(ref) for ref in p.get("invited", ())):
        yield _message(record, OutboxKind.MEETING_CALLED, item, who, on, on=meeting_on)


def _minutes(
    record: EventRecord, p: Mapping[str, Any], settings: NotifySettings
) -> Iterator[OutboxMessage]:
    on = _day(p["on"])
    item = f"minutes:{p['meeting_id']}"
    for who in dict.fromkeys(str(ref) for ref in p.get("attended", ())):
        yield _message(record, OutboxKind.MINUTES_READY, item, who, on)


def _decision(
    record: EventRecord, p: Mapping[str, Any], settings: NotifySettings
) -> Iterator[OutboxMessage]:
    decided = _day(p["decided_on"])
    last_day = deadline(decided, weeks=int(p["complaint_deadline_weeks"]))
    item = f"decision:{p['decision_id']}"
    warn = max(decided, last_day - timedelta(days=settings.complaint_days))
    for who in dict.fromkeys(str(party["ref"]) for party in p.get("parties", ())):
        yield _message(record, OutboxKind.DECISION_MADE, item, who, decided, on=last_day)
        yield _message(record, OutboxKind.COMPLAINT_DEADLINE, item, who, warn, on=last_day)


MAKERS: Final[Mapping[str, _Maker]] = {
    "handover.proposed": _handover,
    "stafettlogg.tiltak-added": _tiltak,
    "stafettlogg.tiltak-evaluated": _tiltak_evaluated,
    "plan.measure-added": _plan_measure,
    "plan.measure-evaluated": _plan_measure,
    "stafettlogg.meeting-scheduled": _meeting,
    "stafettlogg.minutes-recorded": _minutes,
    "individual-decision.recorded": _decision,
}
"""Event type → the messages one record of it causes."""


def messages_for(records: Sequence[EventRecord], settings: NotifySettings) -> list[OutboxMessage]:
    """The messages ``records`` cause, in record order (no key twice)."""
    found: dict[str, OutboxMessage] = {}
    for record in records:
        maker = MAKERS.get(record.type)
        if maker is None:
            continue
        payload = json.loads(record.payload)
        for message in maker(record, payload, settings):
            found.setdefault(message.key, message)
    return list(found.values())
