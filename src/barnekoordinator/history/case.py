"""The case: one continuous, append-only history per child and family.

A [`Case`][barnekoordinator.history.case.Case] is a fold over
[`RecordedEvent`][barnekoordinator.history.case.RecordedEvent] values. Commands (pure functions in
the concept modules) look at a case and return *unrecorded* domain events, or raise a
[`RuleViolation`][barnekoordinator.errors.RuleViolation] and return nothing.
[`Case.record()`][barnekoordinator.history.case.Case.record] stamps them with the case id, the next
sequence numbers, the actor and a UTC time from an injected clock;
[`Case.apply()`][barnekoordinator.history.case.Case.apply] folds them in. Corrections are new
events; nothing is edited.

A case changes *mode* over time (undring → stafettlogg → individuell plan /
barnekoordinator → adult koordinator → closed) without losing anything: the
expected child is re-keyed to the born child in the same history.

Event types are attrs classes deriving from
[`DomainEvent`][barnekoordinator.history.case.DomainEvent] with a stable ``TYPE`` tag (never the
class name), a ``SCHEMA_VERSION`` and the legal basis (``LEGAL_BASIS`` reference keys) that applies.
Each concept module declares its event classes and how each changes the case in one
[`Concept`][barnekoordinator.history.concept.Concept] (this module's is
[`CASE_CONCEPT`][barnekoordinator.history.case.CASE_CONCEPT]); a case folds with the
[`Catalogue`][barnekoordinator.history.catalogue.Catalogue] it carries.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar, Final, TypeVar

import attrs

from barnekoordinator.clock import Clock, ensure_utc
from barnekoordinator.config import municipality_number_problem
from barnekoordinator.edges import LATEST_DATE, number_problem
from barnekoordinator.errors import (
    CaseClosed,
    HistoryError,
    InvalidInput,
    OutOfSequence,
    RuleViolation,
    WrongCase,
)
from barnekoordinator.history._evolve import copier
from barnekoordinator.history._evolve import evolve as fast_evolve
from barnekoordinator.history.concept import Concept
from barnekoordinator.people import (
    BARNEVERN,
    Child,
    ExpectedChild,
    Guardian,
    Professional,
    id_problem,
)

if TYPE_CHECKING:
    from barnekoordinator.history.catalogue import Catalogue

__all__ = [
    "ADMINISTRATION",
    "CASE_CONCEPT",
    "Case",
    "CaseClosedEvent",
    "CaseMode",
    "CaseOpened",
    "ChildBorn",
    "DomainEvent",
    "GuardianAdded",
    "GuardianUpdated",
    "ModeChanged",
    "ParticipantJoined",
    "ParticipantLeft",
    "RecordedEvent",
    "event_problem",
    "join_participant",
    "open_case",
    "record_birth",
    "rekeying_problem",
]


ADMINISTRATION: Final = ("koordinerende-enhet", "leader")
"""The access roles that administer a case (``DomainEvent.ADMINISTERED_BY``): the municipality's
koordinerende enhet and its leaders."""


class DomainEvent:
    """Base of every case event: a past-tense fact, without envelope.

    Subclasses are ``@attrs.frozen(kw_only=True)`` classes with class attributes ``TYPE`` (stable
    wire tag such as ``"handover.accepted"``), ``SCHEMA_VERSION`` (bump it, and add an upcaster,
    whenever the payload changes) and ``LEGAL_BASIS`` (reference keys from
    [`barnekoordinator.legal_basis`][barnekoordinator.legal_basis]). ``ACTOR`` names the field
    that holds the ref of the person who acts (``"by"`` unless a subclass says otherwise): the
    access policy lets a principal record an event only under a ref the case knows it by.

    An act of case administration (who takes part, who holds a granted role, which municipality
    the case belongs to, a care order) names in ``ADMINISTERED_BY`` the access roles (values of
    [`CaseRole`][barnekoordinator.access.policy.CaseRole], e.g. ``"koordinerende-enhet"``) one
    of which the principal must hold; ``OR_SELF`` names a field that, when it is the principal's
    own ref, allows the act too (a participant leaving the case).

    An event that acts on an existing entry (evaluates a tiltak, completes a decision, writes a
    meeting's minutes) names in ``ACTS_ON`` the field holding that item's id and the entry's
    kind: the principal must be allowed to read that entry.

    ``MUNICIPALITY_FIELDS`` names the fields that hold a kommunenummer (or ``None``): what is
    written or imported must hold four digits there. ``BOUNDED_FIELDS`` gives a whole-number
    field's ``(name, lowest, highest)``. A field named ``by`` or ``ref``, ``invited`` or
    ``attended``, or ending in ``_id``, ``_ids``, ``_ref``, ``_refs`` or ``_by`` holds refs or
    item ids: each text in it must pass [`id_problem()`][barnekoordinator.people.id_problem]
    (never an identity number, which would be stored in clear). `write_problem()` says what else
    an event made by hand may not hold
    ([`event_problem()`][barnekoordinator.history.case.event_problem]).
    """

    __slots__ = ()
    TYPE: ClassVar[str] = ""
    SCHEMA_VERSION: ClassVar[int] = 1
    LEGAL_BASIS: ClassVar[tuple[str, ...]] = ()
    ACTOR: ClassVar[str] = "by"
    ADMINISTERED_BY: ClassVar[tuple[str, ...]] = ()
    OR_SELF: ClassVar[str | None] = None
    ACTS_ON: ClassVar[tuple[str, str] | None] = None
    MUNICIPALITY_FIELDS: ClassVar[tuple[str, ...]] = ()
    BOUNDED_FIELDS: ClassVar[tuple[tuple[str, int, int], ...]] = ()

    def write_problem(self) -> str | None:
        """Why this event cannot be written as it is, naming the field, never its value; or
        ``None``. The commands never make such an event; one made by hand is refused by the
        Casebook before it writes and by ``import_history`` before it stores. A stored history
        loads as it is. Subclasses that check more call this first."""
        for name in type(self).MUNICIPALITY_FIELDS:
            value = getattr(self, name, None)
            problem = None if value is None else municipality_number_problem(value)
            if problem is not None:
                return f"{name}: {problem}"
        for name, low, high in type(self).BOUNDED_FIELDS:
            value = getattr(self, name, None)
            if type(value) is not int or not low <= value <= high:
                return f"{name}: expected a whole number from {low} to {high}"
        for name in _whole_number_fields(type(self)):
            value = getattr(self, name, None)
            problem = number_problem(value) if type(value) is int else None
            if problem is not None:  # stored, exported, then refused by the import's reader
                return f"{name}: {problem}"
        for name in _id_fields(type(self)):
            value = getattr(self, name, None)
            for text in value if isinstance(value, tuple) else (value,):
                problem = id_problem(text) if isinstance(text, str) else None
                if problem is not None:
                    return f"{name}: {problem}"
        return None


T = TypeVar("T")

_ID_NAMES: Final = frozenset({"by", "ref", "invited", "attended"})
_ID_SUFFIXES: Final = ("_id", "_ids", "_ref", "_refs", "_by")
_ID_FIELDS: dict[type, tuple[str, ...]] = {}  # each event class's, found once


_NUMBER_FIELDS: dict[type, tuple[str, ...]] = {}


def _whole_number_fields(cls: type) -> tuple[str, ...]:
    """The fields of the event class ``cls`` declared as whole numbers (``int``)."""
    found = _NUMBER_FIELDS.get(cls)
    if found is None:
        names = attrs.fields(cls) if attrs.has(cls) else ()
        found = _NUMBER_FIELDS[cls] = tuple(f.name for f in names if f.type in (int, "int"))
    return found


def _id_fields(cls: type) -> tuple[str, ...]:
    """The fields of the event class ``cls`` that hold refs or item ids (by name)."""
    found = _ID_FIELDS.get(cls)
    if found is None:
        names = (f.name for f in attrs.fields(cls)) if attrs.has(cls) else ()
        found = _ID_FIELDS[cls] = tuple(
            n for n in names if n in _ID_NAMES or n.endswith(_ID_SUFFIXES)
        )
    return found


@attrs.frozen(kw_only=True)
class RecordedEvent:
    """A domain event with its envelope: case, sequence, time, actor, legal basis.

    ``actor`` is an opaque actor id (a professional's ref, ``"system"``), never a national id.
    ``subject_key`` is set on events that introduce or re-key the child (a keyed hash, see
    [`barnekoordinator.identifiers.subject_key()`][barnekoordinator.identifiers.subject_key]).
    """

    case_id: str
    sequence: int
    recorded_at: datetime = attrs.field(converter=ensure_utc)
    actor: str
    event: DomainEvent
    legal_basis: tuple[str, ...] = ()
    subject_key: str | None = None

    @property
    def type(self) -> str:
        """The event's stable type tag."""
        return type(self.event).TYPE


class CaseMode(enum.Enum):
    """Which way of working the case is in (domain.md §7.8, §2.7)."""

    UNDRING = "undring"
    """BTI nivå 0: clarifying a concern; no stafettlogg yet."""
    STAFETTLOGG = "stafettlogg"
    """BTI nivå 1–3 with a stafettlogg and a stafettholder."""
    STATUTORY = "statutory"
    """Individuell plan and/or koordinator / barnekoordinator."""
    ADULT = "adult"
    """The young adult (18+) continues with koordinator/IP by own consent."""
    CLOSED = "closed"


# --- core events -----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CaseOpened(DomainEvent):
    """A case was opened for a child (born or expected) and the child's family."""

    TYPE = "case.opened"
    MUNICIPALITY_FIELDS = ("municipality_number",)
    municipality_number: str
    subject: Child | ExpectedChild
    guardians: tuple[Guardian, ...] = ()
    mode: CaseMode = CaseMode.UNDRING


@attrs.frozen(kw_only=True)
class ChildBorn(DomainEvent):
    """The expected child was born (or arrived): the case is re-keyed to the child."""

    TYPE = "case.child-born"
    ADMINISTERED_BY = ADMINISTRATION  # re-keys the case to a person: who reads it as the child
    child: Child


@attrs.frozen(kw_only=True)
class GuardianAdded(DomainEvent):
    """A guardian (with or without foreldreansvar) became part of the case."""

    TYPE = "case.guardian-added"
    ADMINISTERED_BY = ADMINISTRATION  # who is a guardian decides who reads the case as one
    guardian: Guardian


@attrs.frozen(kw_only=True)
class GuardianUpdated(DomainEvent):
    """A guardian's foreldreansvar or daily care changed (a correction is also this)."""

    TYPE = "case.guardian-updated"
    ADMINISTERED_BY = ADMINISTRATION
    guardian: Guardian


@attrs.frozen(kw_only=True)
class ParticipantJoined(DomainEvent):
    """A professional joined the cooperation around the child."""

    TYPE = "case.participant-joined"
    ADMINISTERED_BY = ADMINISTRATION
    participant: Professional


@attrs.frozen(kw_only=True)
class ParticipantLeft(DomainEvent):
    """A professional left the cooperation (moved job, service ended)."""

    TYPE = "case.participant-left"
    ADMINISTERED_BY = ADMINISTRATION
    OR_SELF = "participant_ref"
    participant_ref: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class ModeChanged(DomainEvent):
    """The way of working changed (e.g. stafettlogg → individuell plan)."""

    TYPE = "case.mode-changed"
    mode: CaseMode
    reason: str = ""


@attrs.frozen(kw_only=True)
class CaseClosedEvent(DomainEvent):
    """The case was closed (goal reached, consent withdrawn, moved, purged …)."""

    TYPE = "case.closed"
    reason: str


# --- the aggregate -----------------------------------------------------------------


def _no_history_repr(value: object) -> str:
    return "<…>"


# Dict-backed (slots=False): the fold copies the case once per event, and a dict
# copy is far cheaper than a slot-by-slot one (see barnekoordinator.history._evolve).
@attrs.frozen(kw_only=True, slots=False)
class Case:
    """One family's case; all state is derived from its events.

    Concept modules keep their own part of the state in `parts`; their
    evolvers return an evolved case. Make a case with
    [`Catalogue.new_case`][barnekoordinator.history.catalogue.Catalogue.new_case].
    """

    id: str
    catalogue: Catalogue = attrs.field(eq=False, repr=False)
    """The catalogue this case folds with: its event types and evolvers, and the
    entry, role and obligation sources read from it (not part of equality).
    """
    version: int = 0
    municipality_number: str = ""
    subject: Child | ExpectedChild | None = None
    guardians: tuple[Guardian, ...] = ()
    participants: tuple[Professional, ...] = ()
    former_participants: tuple[str, ...] = ()
    participant_index: Mapping[str, Professional] = attrs.field(factory=dict, repr=False, eq=False)
    """Current participants by ref, kept by the evolvers that change ``participants``
    (an O(1) lookup on every folded event; derived, so not part of equality).
    """
    mode: CaseMode = CaseMode.UNDRING
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    closed_reason: str = ""
    parts: Mapping[str, object] = attrs.field(factory=dict, repr=_no_history_repr)
    """State kept by concept modules (consent ledger, stafettlogg, plan …) by module key."""

    @property
    def is_open(self) -> bool:
        """True until the case is closed."""
        return self.opened_at is not None and self.closed_at is None

    @property
    def child(self) -> Child | None:
        """The born child, or ``None`` while the child is expected."""
        return self.subject if isinstance(self.subject, Child) else None

    def guardian(self, ref: str) -> Guardian | None:
        """The guardian with this case-local ref."""
        return next((g for g in self.guardians if g.ref == ref), None)

    def participant(self, ref: str) -> Professional | None:
        """The current participant with this actor ref."""
        if self.participant_index or not self.participants:
            return self.participant_index.get(ref)
        # A case built by hand rather than folded has no index.
        return next((p for p in self.participants if p.ref == ref), None)

    def with_responsibility(self) -> tuple[Guardian, ...]:
        """Guardians with foreldreansvar (the consenting parties for a child)."""
        return tuple(g for g in self.guardians if g.parental_responsibility)

    def part(self, key: str, default: T) -> T:
        """The state a concept module keeps under ``key`` (or ``default``)."""
        # Each concept module owns its key and the type stored under it.
        return self.parts.get(key, default)  # type: ignore[return-value]

    def with_part(self, key: str, value: object) -> Case:
        """A copy with one concept module's state replaced."""
        parts = self.parts.copy() if type(self.parts) is dict else dict(self.parts)
        parts[key] = value
        return _copy_case(self, {"parts": parts})

    # -- recording and folding ------------------------------------------------------

    def record(
        self,
        events: DomainEvent | Sequence[DomainEvent],
        *,
        actor: str,
        clock: Clock,
        subject_key: str | None = None,
    ) -> tuple[RecordedEvent, ...]:
        """Stamp unrecorded events with this case's next sequence numbers.

        The events are not applied; pass the result to `apply_all()` (the
        Casebook does this after the store accepted them).
        """
        batch = (events,) if isinstance(events, DomainEvent) else tuple(events)
        if not actor or not actor.strip():
            raise InvalidInput("actor: expected a non-empty actor id")
        at = ensure_utc(clock.now(), what="clock time")
        return tuple(
            RecordedEvent(
                case_id=self.id,
                sequence=self.version + i,
                recorded_at=at,
                actor=actor,
                event=e,
                legal_basis=type(e).LEGAL_BASIS,
                subject_key=subject_key if isinstance(e, (CaseOpened, ChildBorn)) else None,
            )
            for i, e in enumerate(batch, start=1)
        )

    def apply(self, recorded: RecordedEvent) -> Case:
        """Fold one recorded event into the case."""
        return _fold(self, recorded)

    def apply_all(self, recorded: Iterable[RecordedEvent]) -> Case:
        """Fold several recorded events, in order.

        The result is the one [`apply()`][barnekoordinator.history.case.Case.apply] gives event
        by event. Runs of consecutive events that share a run evolver (a concept's
        ``run_evolvers``) are folded by it in one step, without the intermediate cases no one
        sees.
        """
        events = recorded if isinstance(recorded, (list, tuple)) else tuple(recorded)
        case, i, n = self, 0, len(events)
        runs = self.catalogue.run_evolvers
        while i < n:
            r = events[i]
            fold_run = runs.get(type(r.event))
            j = i + 1
            if fold_run is not None and case.version != 0:
                # The run: in sequence, of this case, folded by the same function.
                # Anything else ends it and goes through _fold (and its errors).
                expected = case.version + 1
                if r.sequence == expected and r.case_id == case.id:
                    while j < n:
                        nxt = events[j]
                        expected += 1
                        if (
                            runs.get(type(nxt.event)) is not fold_run
                            or nxt.sequence != expected
                            or nxt.case_id != case.id
                        ):
                            break
                        j += 1
            if fold_run is None or j - i == 1:
                case = _fold(case, r)
            else:
                run = events[i:j]
                case = _stamped(case, fold_run(case, run), run[-1].sequence)
            i = j
        return case

    def require_open(self) -> None:
        """Raise [`CaseClosed`][barnekoordinator.errors.CaseClosed] unless the case is open."""
        if not self.is_open:
            raise CaseClosed(f"case {self.id} is closed; open a new case or reopen it first")


_copy_case = copier(Case)


def _fold(case: Case, recorded: RecordedEvent) -> Case:
    """The one implementation of [`Case.apply()`][barnekoordinator.history.case.Case.apply] (a plain
    function: it runs per event).
    """
    if recorded.case_id != case.id:
        raise WrongCase(f"event for case {recorded.case_id} applied to case {case.id}")
    if recorded.sequence != case.version + 1:
        raise OutOfSequence(
            f"case {case.id}: expected sequence {case.version + 1}, got {recorded.sequence}"
        )
    if case.version == 0 and not isinstance(recorded.event, CaseOpened):
        raise HistoryError(f"case {case.id}: the first event must be {CaseOpened.TYPE!r}")
    fn = case.catalogue.evolvers.get(type(recorded.event))
    if fn is None:
        raise HistoryError(f"no evolver registered for {recorded.type!r}")
    return _stamped(case, fn(case, recorded), recorded.sequence)


def _stamped(case: Case, evolved: Case, sequence: int) -> Case:
    """``evolved`` (what an evolver made of ``case``) at version ``sequence``."""
    if evolved is case:
        return fast_evolve(case, version=sequence)
    # The evolver returned a fresh copy no one else has seen: stamping its
    # version in place saves a second copy per event (replay speed, issue 2).
    object.__setattr__(evolved, "version", sequence)
    return evolved


def _opened(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, CaseOpened)
    return attrs.evolve(
        case,
        municipality_number=e.municipality_number,
        subject=e.subject,
        guardians=e.guardians,
        mode=e.mode,
        opened_at=r.recorded_at,
    )


def _born(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ChildBorn)
    return attrs.evolve(case, subject=e.child)


def _guardian(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, (GuardianAdded, GuardianUpdated))
    others = tuple(g for g in case.guardians if g.ref != e.guardian.ref)
    return attrs.evolve(case, guardians=(*others, e.guardian))


def _with_participants(case: Case, participants: tuple[Professional, ...], **more: object) -> Case:
    # The index is rebuilt from the tuple it indexes, so the two cannot drift apart
    # (joins and leaves are rare; lookups happen on almost every folded event).
    return fast_evolve(
        case,
        participants=participants,
        participant_index={p.ref: p for p in participants},
        **more,
    )


def _joined(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ParticipantJoined)
    others = tuple(p for p in case.participants if p.ref != e.participant.ref)
    return _with_participants(case, (*others, e.participant))


def _left(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ParticipantLeft)
    return _with_participants(
        case,
        tuple(p for p in case.participants if p.ref != e.participant_ref),
        former_participants=(*case.former_participants, e.participant_ref),
    )


def _mode(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ModeChanged)
    return attrs.evolve(case, mode=e.mode)


def _closed(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, CaseClosedEvent)
    return attrs.evolve(case, mode=CaseMode.CLOSED, closed_at=r.recorded_at, closed_reason=e.reason)


# --- commands -----------------------------------------------------------------------


def open_case(
    *,
    municipality_number: str,
    subject: Child | ExpectedChild,
    guardians: Sequence[Guardian] = (),
    mode: CaseMode = CaseMode.UNDRING,
) -> CaseOpened:
    """Command: the first event of a new case.

    Each ref is a new one ([`id_problem()`][barnekoordinator.people.id_problem]), and the child
    and each guardian have distinct refs.
    """
    problem = municipality_number_problem(municipality_number)
    if problem is not None:
        raise InvalidInput(f"municipality_number: {problem}")
    _new_ref(subject, "subject")
    refs = [_new_ref(g, "guardians") for g in guardians]
    if len(set(refs)) != len(refs):
        raise InvalidInput("guardians: each guardian needs a distinct ref")
    if subject.ref in refs:
        raise InvalidInput("guardians: a guardian needs a ref of their own, not the child's")
    if mode is CaseMode.CLOSED:
        raise RuleViolation("a case cannot be opened closed")
    return CaseOpened(
        municipality_number=municipality_number,
        subject=subject,
        guardians=tuple(guardians),
        mode=mode,
    )


def event_problem(events: Iterable[DomainEvent]) -> str | None:
    """The first of ``events`` that cannot be written as it is
    ([`DomainEvent.write_problem()`][barnekoordinator.history.case.DomainEvent.write_problem]),
    naming the event class and the field, never the value; or ``None``.

    The commands check their own arguments; this is for events made by hand and for imported
    histories (the Casebook's writes and ``import_history``). Stored histories are read as
    they are: a case once written with another value still loads.
    """
    for event in events:
        problem = event.write_problem()
        if problem is not None:
            return f"{type(event).__name__}.{problem}"
    return None


def rekeying_problem(
    subject: Child | ExpectedChild | None, events: Iterable[DomainEvent]
) -> str | None:
    """Why ``events``, written in that order to a case whose child is ``subject`` (``None``: a
    case not yet opened), would change whose case it is other than the commands do; or
    ``None``. A case is opened once, by the first event of its history, and only an expected
    child is born (``record_birth``), once. A batch that opens a born child's case and then
    has it born again, or has an expected child born twice, would leave the case another
    person's, indexed under the first (the write checks see only the batch's result).
    """
    for index, event in enumerate(events):
        if isinstance(event, CaseOpened):
            if subject is not None or index != 0:
                return "CaseOpened: a case is opened once, by the first event of its history"
            subject = event.subject
        elif isinstance(event, ChildBorn):
            if not isinstance(subject, ExpectedChild):
                return "ChildBorn: only an expected child is born (record_birth), once"
            subject = event.child
    return None


def record_birth(case: Case, child: Child) -> ChildBorn:
    """Command: the expected child was born; re-key the case without losing history."""
    case.require_open()
    if not isinstance(case.subject, ExpectedChild):
        raise RuleViolation(f"case {case.id}: the child is already born")
    _new_ref(child, "child")
    if case.guardian(child.ref) is not None:
        raise InvalidInput("child: the child needs a ref of its own, not a guardian's")
    return ChildBorn(child=child)


def join_participant(case: Case, *, participant: Professional) -> ParticipantJoined:
    """Command: a professional joins the cooperation around the child.

    A ref already taking part is refused: a correction of a participant is not a second join.
    """
    case.require_open()
    ref = _new_ref(participant, "participant")
    if case.participant(ref) is not None:
        raise RuleViolation(f"case {case.id}: {ref} already takes part in the case")
    if case.guardian(ref) is not None or (case.subject is not None and case.subject.ref == ref):
        raise RuleViolation(f"case {case.id}: {ref} is the child's or a guardian's ref")
    return ParticipantJoined(participant=participant)


def _new_ref(person: object, what: str) -> str:
    """The ref of a person a command adds, if it is a good new ref; else InvalidInput."""
    ref = getattr(person, "ref", None)
    problem = id_problem(ref)
    if problem is not None:
        raise InvalidInput(f"{what}: the ref: {problem}")
    if ref == BARNEVERN:  # also a write check (_no_reserved_ref), for events made by hand
        raise InvalidInput(
            f"{what}: the ref: {BARNEVERN!r} is reserved for barnevernstjenesten as consenter "
            "(pbrl § 4-5); expected a ref of the person's own"
        )
    assert isinstance(ref, str)
    return ref


def _born_by_then(before: Case, after: Case, as_of: date) -> str | None:
    """A write check: a child the write makes the case's born child was born by the day it is
    written (a birth date ahead made a born child the page showed as expected, and agenda rows
    two centuries on). Only a write that changes the child is checked, so a case stored before
    still takes writes."""
    child = after.subject
    if child is before.subject or not isinstance(child, Child):
        return None
    if child.birth_date <= as_of or child.birth_date > LATEST_DATE:  # the latter: out of range,
        return None  # refused with the supported dates by the event's own check
    return "the child's birth date lies after the day it is written; expected a born child"


def _no_reserved_ref(before: Case, after: Case, as_of: date) -> str | None:
    """A write check: no person the write brings into the case takes the ref reserved for
    barnevernstjenesten as consenter (``people.BARNEVERN``, pbrl § 4-5). A guardian named so
    consented to health care *as* barnevernstjenesten once care was taken over from her (CLI
    sweep, 2026-12-07). Only refs new to the case are judged, so a case stored before still
    takes writes."""
    if (
        after.subject is before.subject
        and after.guardians is before.guardians
        and after.participants is before.participants
    ):
        return None

    def refs(case: Case) -> set[str]:
        found = {g.ref for g in case.guardians} | {p.ref for p in case.participants}
        return found if case.subject is None else found | {case.subject.ref}

    if BARNEVERN in refs(after) and BARNEVERN not in refs(before):
        return (
            f"a person's ref is {BARNEVERN!r}, the consenter ref reserved for "
            "barnevernstjenesten (pbrl § 4-5); expected a ref of their own"
        )
    return None


CASE_CONCEPT = Concept(
    name="case",
    events=(
        CaseOpened,
        ChildBorn,
        GuardianAdded,
        GuardianUpdated,
        ParticipantJoined,
        ParticipantLeft,
        ModeChanged,
        CaseClosedEvent,
    ),
    evolvers={
        CaseOpened: _opened,
        ChildBorn: _born,
        GuardianAdded: _guardian,
        GuardianUpdated: _guardian,
        ParticipantJoined: _joined,
        ParticipantLeft: _left,
        ModeChanged: _mode,
        CaseClosedEvent: _closed,
    },
    write_checks=(_born_by_then, _no_reserved_ref),
)
"""The case's own events: opening, birth, guardians, participants, mode, closing."""
