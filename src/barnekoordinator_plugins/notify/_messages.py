"""Which messages new events cause: a pure function of the records and the settings."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final

import attrs

from barnekoordinator.history.outbox import OutboxKind, OutboxMessage
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.records import EventRecord
from barnekoordinator.legal_basis import deadline
from barnekoordinator_plugins.notify._settings import NotifySettings

if TYPE_CHECKING:
    from barnekoordinator.history.case import Case

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
        who = p.get("responsible_ref") or p["by"]
        yield from _evaluation(record, item, str(who), _day(p["next_evaluation_date"]), settings)


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


# The case's modules are imported when a case is given (a write), not with the plugin.


def _tiltak_responsible(case: Case, p: Mapping[str, Any]) -> str | None:
    from barnekoordinator.coordination.stafettlogg import current_log

    log = current_log(case)
    tiltak = log.get_tiltak(str(p.get("tiltak_id"))) if log is not None else None
    return _taking_part(case, tiltak.responsible_ref if tiltak is not None else None)


def _measure_responsible(case: Case, p: Mapping[str, Any]) -> str | None:
    from barnekoordinator.coordination.plan import current_plan

    plan = current_plan(case)
    measure = plan.get_measure(str(p.get("measure_id"))) if plan is not None else None
    return _taking_part(case, measure.responsible_ref if measure is not None else None)


def _taking_part(case: Case, ref: str | None) -> str | None:
    """``ref`` if they are in ``case`` (a participant, a guardian, the child): a responsible
    who has left is not reminded (the evaluator is, as someone must be)."""
    if ref is None:
        return None
    child = case.subject.ref if case.subject is not None else None
    known = case.participant(ref) is not None or case.guardian(ref) is not None or ref == child
    return ref if known else None


RESPONSIBLE: Final[Mapping[str, Callable[[Case, Mapping[str, Any]], str | None]]] = {
    "stafettlogg.tiltak-evaluated": _tiltak_responsible,
    "plan.measure-evaluated": _measure_responsible,
}
"""Event type → who in the case is responsible for the item it names. An evaluation's payload
names its evaluator (``by``), not the tiltak's responsible, who is the one to remind of the next
evaluation (BTI: the responsible follows the tiltak up). A responsible who has left the case is
not named (the evaluator is reminded instead)."""


def messages_for(
    records: Sequence[EventRecord], settings: NotifySettings, case: Case | None = None
) -> list[OutboxMessage]:
    """The messages ``records`` cause, in record order (no key twice).

    With ``case`` (as the records leave it), an evaluation's next reminder goes to the item's
    responsible (``RESPONSIBLE``; added to the payload the makers read as ``responsible_ref``);
    without it, to the evaluator.
    """
    found: dict[str, OutboxMessage] = {}
    for record in records:
        maker = MAKERS.get(record.type)
        if maker is None:
            continue
        payload = json.loads(record.payload)
        responsible = RESPONSIBLE.get(record.type)
        if case is not None and responsible is not None and "responsible_ref" not in payload:
            who = responsible(case, payload)
            if who is not None:
                payload["responsible_ref"] = who
        for message in maker(record, payload, settings):
            found.setdefault(message.key, message)
    return list(found.values())


@attrs.frozen(kw_only=True)
class Standing:
    """What a case's history says, when a message falls due, that its events did not know when
    they made it: who has left the case, and which complaint-deadline reminders a complaint
    has answered (their keys)."""

    left: frozenset[str] = frozenset()
    complained: frozenset[str] = frozenset()


PARTICIPANT_JOINED: Final = "case.participant-joined"
PARTICIPANT_LEFT: Final = "case.participant-left"
DECISION_RECORDED: Final = "individual-decision.recorded"
COMPLAINT_RECEIVED: Final = "complaint.received"
_STANDING_TYPES: Final = frozenset(
    {PARTICIPANT_JOINED, PARTICIPANT_LEFT, DECISION_RECORDED, COMPLAINT_RECEIVED}
)


def standing(case_id: str, records: Sequence[EventRecord]) -> Standing:
    """The [`Standing`][barnekoordinator_plugins.notify._messages.Standing] of the case whose
    history is ``records`` (only the records of four types are parsed)."""
    joined: set[str] = set()
    left: set[str] = set()
    deadlines: dict[str, date] = {}
    complaints: list[tuple[str, str]] = []
    for record in records:
        if record.type not in _STANDING_TYPES:
            continue
        try:
            _read_standing(
                record.type, json.loads(record.payload), joined, left, deadlines, complaints
            )
        except (ValueError, LookupError, TypeError, AttributeError, OverflowError, RecursionError):
            # A record the library did not write (a vendor's, by hand): it says nothing here,
            # and one bad record must not stop the reminders of every case.
            continue
    complained = frozenset(
        message_key(OutboxKind.COMPLAINT_DEADLINE, case_id, f"decision:{d}", who, deadlines[d])
        for d, who in complaints
        if d in deadlines
    )
    return Standing(left=frozenset(left), complained=complained)


def _read_standing(
    tag: str,
    p: Any,
    joined: set[str],
    left: set[str],
    deadlines: dict[str, date],
    complaints: list[tuple[str, str]],
) -> None:
    if tag == PARTICIPANT_JOINED:
        ref = str(p["participant"]["ref"])
        joined.add(ref)
        left.discard(ref)
    elif tag == PARTICIPANT_LEFT:
        # Only someone who joined can leave: a departure of a guardian's or the child's ref
        # (made by hand; the fold ignores it) silences no one.
        ref = str(p["participant_ref"])
        if ref in joined:
            left.add(ref)
    elif tag == DECISION_RECORDED:
        decided = _day(p["decided_on"])
        deadlines[str(p["decision_id"])] = deadline(
            decided, weeks=int(p["complaint_deadline_weeks"])
        )
    elif tag == COMPLAINT_RECEIVED:
        complaints.append((str(p["decision_ref"]), str(p["complainant_ref"])))


def obsolete(message: OutboxMessage, case: Standing) -> str | None:
    """Why ``message`` is no longer true for its recipient in ``case``, or ``None``: they have
    left the case (nothing of it is theirs to hear any more), or they have complained against
    the decision whose deadline it recalls."""
    if message.recipient in case.left:
        return "the recipient has left the case"
    if message.key in case.complained:
        return "the recipient has complained against the decision"
    return None
