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
from barnekoordinator.people import birthday
from barnekoordinator_plugins.notify._settings import NotifySettings

if TYPE_CHECKING:
    from barnekoordinator.history.case import Case

_MAX_KEY: Final = 200

HANDOVER_ROW: Final = "stafettholder"
"""The key of a case's ``handover-pending`` agenda row (``coordination.handover`` writes it):
the guard of a ``handover-unanswered`` reminder. (The message's *item* stays ``handover``, so
its idempotency key is unchanged.)"""

LEGACY_GUARDS: Final = {(AgendaKind.HANDOVER_PENDING, "handover"): HANDOVER_ROW}
"""Guard keys stored by older versions, and the agenda row key they meant: the notifier once
guarded ``handover-unanswered`` with the key ``handover``, which no agenda row has."""

HANDOVER_PROPOSED: Final = "handover.proposed"


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
    HANDOVER_PROPOSED: _handover,
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


_Guard = tuple[AgendaKind, str, date] | None
_Asked = dict[tuple[OutboxKind, str, date | None], set[tuple[str, _Guard]]]


@attrs.frozen(kw_only=True)
class Standing:
    """What a case's history says, when a message falls due, that its events did not know when
    they made it: who has left the case, and which complaint-deadline reminders a complaint
    has answered (their keys). And what it asks to be sent at all (``asked``): for the kind,
    recipient and date of each message its events address, the items and guards they name;
    ``None`` for a case the store holds no opening of (its messages are not checked)."""

    left: frozenset[str] = frozenset()
    complained: frozenset[str] = frozenset()
    asked: Mapping[tuple[OutboxKind, str, date | None], frozenset[tuple[str, _Guard]]] | None = None
    guardians: frozenset[str] = frozenset()
    """The refs of the child's guardians."""
    of_age_on: date | None = None
    """The born child's 18th birthday: from then on a guardian hears of the case only through a
    grant of the young adult (vergemålsloven § 2; ``access.grants``)."""
    grants: tuple[tuple[str, date, date | None], ...] = ()
    """The young adult's grants to a former guardian: its ref and the days it runs (from, to)."""
    without_responsibility: frozenset[str] = frozenset()
    """The refs of the guardians who, as the latest record of each says, have no foreldreansvar:
    before 18 such a parent has no guardian rights in the case (barneloven § 47)."""
    handover_to: frozenset[str] | None = None
    """Who a ``handover-unanswered`` reminder may still be for: the proposed person and the one
    who proposed it, of the latest proposal while it is pending; empty once it is accepted,
    declined or withdrawn (or a leader assigned a holder); ``None`` when the history holds no
    proposal."""

    def heard_by_guardian(self, ref: str, day: date) -> bool:
        """Whether ``ref``, a guardian, may still hear of the case on ``day``: before the child
        is of age, or under a grant that runs that day (whatever its sections: a reminder says
        only that something is due)."""
        if self.of_age_on is None or day < self.of_age_on:
            return True
        return any(
            who == ref and start <= day and (end is None or day < end)
            for who, start, end in self.grants
        )

    def lacks_responsibility(self, ref: str, day: date | None) -> bool:
        """Whether ``ref``, a guardian, has no foreldreansvar while the child is under 18 on
        ``day`` (from 18 the young adult's grants decide, whatever it was before)."""
        if ref not in self.without_responsibility:
            return False
        return day is None or self.of_age_on is None or day < self.of_age_on


CASE_OPENED: Final = "case.opened"
CHILD_BORN: Final = "case.child-born"
GUARDIAN_TYPES: Final = frozenset({"case.guardian-added", "case.guardian-updated"})
HANDOVER_SETTLED: Final = frozenset(
    {"handover.accepted", "handover.declined", "handover.withdrawn", "handover.holder-assigned"}
)
"""The events that end a pending handover proposal (its agenda row goes with them)."""
GRANTED: Final = "access.guardian-access-granted"
GRANT_WITHDRAWN: Final = "access.guardian-access-withdrawn"
PARTICIPANT_JOINED: Final = "case.participant-joined"
PARTICIPANT_LEFT: Final = "case.participant-left"
DECISION_RECORDED: Final = "individual-decision.recorded"
COMPLAINT_RECEIVED: Final = "complaint.received"
_STANDING_TYPES: Final = frozenset(
    {CASE_OPENED, PARTICIPANT_JOINED, PARTICIPANT_LEFT, DECISION_RECORDED, COMPLAINT_RECEIVED}
    | {CHILD_BORN, GRANTED, GRANT_WITHDRAWN}
    | GUARDIAN_TYPES
    | HANDOVER_SETTLED
    | set(MAKERS)
)


def standing(case_id: str, records: Sequence[EventRecord]) -> Standing:
    """The [`Standing`][barnekoordinator_plugins.notify._messages.Standing] of the case whose
    history is ``records`` (only the records that open the case, cause messages or change who
    may hear them are parsed)."""
    joined: set[str] = set()
    left: set[str] = set()
    deadlines: dict[str, date] = {}
    complaints: list[tuple[str, str]] = []
    asked: _Asked = {}
    evaluations: list[tuple[str, str | None, date]] = []
    responsible: dict[str, set[str]] = {}
    family = _Family()
    handover_to: frozenset[str] | None = None
    opened = False
    for record in records:
        if record.type not in _STANDING_TYPES:
            continue
        opened = opened or record.type == CASE_OPENED
        try:
            payload = json.loads(record.payload)
            _read_standing(record.type, payload, joined, left, deadlines, complaints)
            _read_asked(record.type, payload, asked, evaluations, responsible)
            family.read(record.type, payload)
            if record.type == HANDOVER_PROPOSED:
                handover_to = frozenset((str(payload["to_ref"]), str(payload["by"])))
            elif record.type in HANDOVER_SETTLED:
                handover_to = frozenset()
        except (ValueError, LookupError, TypeError, AttributeError, OverflowError, RecursionError):
            # A record the library did not write (a vendor's, by hand): it says nothing here,
            # and one bad record must not stop the reminders of every case.
            continue
    for item, who, when in evaluations:
        # The next evaluation's reminders went to the item's responsible when the hook had the
        # case (``RESPONSIBLE``), else to whom the payload names: either may be addressed.
        for ref in responsible.get(item, set()) | ({who} if who else set()):
            _evaluation_asked(asked, item, ref, when)
    complained = frozenset(
        message_key(OutboxKind.COMPLAINT_DEADLINE, case_id, f"decision:{d}", who, deadlines[d])
        for d, who in complaints
        if d in deadlines
    )
    return Standing(
        left=frozenset(left),
        complained=complained,
        asked={k: frozenset(v) for k, v in asked.items()} if opened else None,
        guardians=frozenset(family.guardians),
        of_age_on=family.of_age_on(),
        grants=tuple(
            (ref, start, min((d for d in (end, family.withdrawn.get(g)) if d), default=None))
            for g, (ref, start, end) in family.grants.items()
        ),
        without_responsibility=frozenset(
            ref for ref, has in family.responsibility.items() if not has
        ),
        handover_to=handover_to,
    )


class _Family:
    """The child's guardians (and whether each has foreldreansvar now), birth date and the young
    adult's grants, as the records say."""

    def __init__(self) -> None:
        self.guardians: set[str] = set()
        self.responsibility: dict[str, bool] = {}
        self.born: date | None = None
        self.grants: dict[str, tuple[str, date, date | None]] = {}
        self.withdrawn: dict[str, date] = {}

    def read(self, tag: str, p: Any) -> None:
        if tag == CASE_OPENED:
            for guardian in p.get("guardians", ()):
                self.guardian(guardian)
            subject = p["subject"]
            if subject.get("kind") == "born":
                self.born = _day(subject["birth_date"])
        elif tag == CHILD_BORN:
            self.born = _day(p["child"]["birth_date"])
        elif tag in GUARDIAN_TYPES:
            self.guardian(p["guardian"])
        elif tag == GRANTED:
            grant, to = p["grant"], p["grant"].get("valid_to")
            self.grants[str(grant["id"])] = (
                str(grant["guardian_ref"]),
                _day(grant["valid_from"]),
                _day(to) + timedelta(days=1) if to else None,  # to: its last day
            )
        elif tag == GRANT_WITHDRAWN:
            self.withdrawn[str(p["grant_id"])] = _day(p["on"])  # acts the same day

    def guardian(self, g: Any) -> None:
        # The latest record of a guardian says whether they have foreldreansvar now: one who
        # regains it hears of the case again. Only an explicit ``false`` takes it away.
        ref = str(g["ref"])
        self.guardians.add(ref)
        self.responsibility[ref] = g.get("parental_responsibility", True) is not False

    def of_age_on(self) -> date | None:
        return None if self.born is None else birthday(self.born, 18)


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


def _read_asked(
    tag: str,
    p: Any,
    asked: _Asked,
    evaluations: list[tuple[str, str | None, date]],
    responsible: dict[str, set[str]],
) -> None:
    """What a record of ``tag`` asks to be sent: the recipients, dates, items and guards of
    ``MAKERS``, read from the fields they read but without the settings (which only move a
    message's first day), so whatever the settings and the case were when it was written."""
    if tag == HANDOVER_PROPOSED:
        guard = (AgendaKind.HANDOVER_PENDING, HANDOVER_ROW, _day(p["on"]))
        to_ref = str(p["to_ref"])
        _ask(asked, OutboxKind.PROPOSED_AS_HOLDER, to_ref, None, "handover", None)
        for who in (to_ref, str(p["by"])):
            _ask(asked, OutboxKind.HANDOVER_UNANSWERED, who, None, "handover", guard)
    elif tag == "stafettlogg.tiltak-added":
        item, who = f"stafettlogg:{p['tiltak_id']}", str(p["responsible_ref"])
        responsible.setdefault(item, set()).add(who)
        evaluations.append((item, who, _day(p["evaluation_date"])))
    elif tag == "stafettlogg.tiltak-evaluated":
        if p.get("next_evaluation_date"):
            item, who = f"stafettlogg:{p['tiltak_id']}", p.get("responsible_ref") or p["by"]
            evaluations.append((item, str(who), _day(p["next_evaluation_date"])))
    elif tag in ("plan.measure-added", "plan.measure-evaluated"):
        item, when = (
            f"plan:{p['measure_id']}",
            p.get("evaluation_date") or p.get("next_evaluation_date"),
        )
        if tag == "plan.measure-added" and p.get("responsible_ref"):
            responsible.setdefault(item, set()).add(str(p["responsible_ref"]))
        if when:
            who = p.get("responsible_ref") or p.get("by")
            evaluations.append((item, str(who) if who else None, _day(when)))
    elif tag == "stafettlogg.meeting-scheduled":
        meeting_on, item = _day(p["meeting_on"]), f"meeting:{p['meeting_id']}"
        for who in p.get("invited", ()):
            _ask(asked, OutboxKind.MEETING_CALLED, str(who), meeting_on, item, None)
    elif tag == "stafettlogg.minutes-recorded":
        item = f"minutes:{p['meeting_id']}"
        for who in p.get("attended", ()):
            _ask(asked, OutboxKind.MINUTES_READY, str(who), None, item, None)
    elif tag == DECISION_RECORDED:
        last_day = deadline(_day(p["decided_on"]), weeks=int(p["complaint_deadline_weeks"]))
        item = f"decision:{p['decision_id']}"
        for party in p.get("parties", ()):
            for kind in (OutboxKind.DECISION_MADE, OutboxKind.COMPLAINT_DEADLINE):
                _ask(asked, kind, str(party["ref"]), last_day, item, None)


def _ask(
    asked: _Asked, kind: OutboxKind, who: str, on: date | None, item: str, guard: _Guard
) -> None:
    asked.setdefault((kind, who, on), set()).add((item, guard))


def _evaluation_asked(asked: _Asked, item: str, who: str, when: date) -> None:
    guard = (AgendaKind.EVALUATION_DUE, item, when)
    for kind in (OutboxKind.EVALUATION_DUE, OutboxKind.EVALUATION_OVERDUE):
        _ask(asked, kind, who, when, item, guard)


NOT_ASKED: Final = "does not match the case's history"
"""The note of a message its case's history does not ask for (``asked_for``)."""


def asked_for(message: OutboxMessage, case: Standing) -> bool:
    """Whether the case's history asks for ``message``: one of its events addresses a message of
    this kind to this recipient, naming this date, for an item whose idempotency key and guard
    the message has (an older guard key read as it meant, ``LEGACY_GUARDS``). A message edited
    or made outside the library (another recipient, an invented item or date, a key that does
    not fit, a guard removed) is not. Always true for a case whose history is not checked."""
    if case.asked is None:
        return True
    guard = message.guard
    if guard is not None:
        guard = (guard[0], LEGACY_GUARDS.get((guard[0], guard[1]), guard[1]), guard[2])
    due = message.on or message.not_before
    return any(
        wanted == guard
        and message_key(message.kind, message.case_id, item, message.recipient, due) == message.key
        for item, wanted in case.asked.get((message.kind, message.recipient, message.on), ())
    )


def obsolete(message: OutboxMessage, case: Standing, day: date | None = None) -> str | None:
    """Why ``message`` is no longer true for its recipient in ``case`` on ``day``, or ``None``:
    they have left the case (nothing of it is theirs to hear any more), they are a guardian of a
    child who is of age on ``day`` with no grant of the young adult's running then, a guardian
    without foreldreansvar of a child under 18, not party to the pending handover proposal an
    unanswered-handover reminder recalls, or they have complained against the decision whose
    deadline it recalls."""
    who = message.recipient
    if who in case.left:
        return "the recipient has left the case"
    if day is not None and who in case.guardians and not case.heard_by_guardian(who, day):
        return "the child is of age: a guardian hears of the case only by the young adult's grant"
    if who in case.guardians and case.lacks_responsibility(who, day):
        return "the recipient has no foreldreansvar: no guardian rights in the case (barnel. § 47)"
    if (
        message.kind is OutboxKind.HANDOVER_UNANSWERED
        and case.handover_to is not None
        and who not in case.handover_to
    ):
        return "the proposal it recalls was answered or withdrawn"
    if message.key in case.complained:
        return "the recipient has complained against the decision"
    return None
