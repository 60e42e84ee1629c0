"""The catalogue: one immutable registry built from the concept modules' declarations.

A [Catalogue][barnekoordinator.history.catalogue.Catalogue] is built once from
[Concept][barnekoordinator.history.concept.Concept] values, in the order given,
and never changes: event classes by tag, the evolver of each class, the
projectors of each tag, the upcasters, and the entry, role and obligation
sources and the write checks in concept order. Every case carries the catalogue it folds with
([Case.catalogue][barnekoordinator.history.case.Case.catalogue]), so what a case
knows never depends on what was imported first.

The library's own catalogue is ``barnekoordinator.catalogue.CATALOGUE``; a
vendor with concepts of its own builds a larger one with
[Catalogue.extended][barnekoordinator.history.catalogue.Catalogue.extended].
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from barnekoordinator.errors import (
    BarnekoordinatorError,
    CatalogueError,
    SchemaViolation,
    UnknownEventType,
)
from barnekoordinator.history._collector import collector_paused
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import (
    Concept,
    EntrySource,
    Evolver,
    ObligationSource,
    Projector,
    RoleSource,
    RunEvolver,
    Upcaster,
    WriteCheck,
)
from barnekoordinator.history.serialization import from_records

if TYPE_CHECKING:
    from barnekoordinator.history.projections import ProjectionOp
    from barnekoordinator.history.records import EventRecord
    from barnekoordinator.history.sealing import CaseCipher

__all__ = ["Catalogue"]

_SLICE = 4096
"""How many stored records [Catalogue.load][barnekoordinator.history.catalogue.Catalogue.load]
decodes before folding them."""

_TENURE_FROM = 10_000
"""From how many events a replay moves what it keeps to the collector's oldest generation
(decision 50): from here the scan it saves (about 0.65 µs per object kept) outweighs the young
collection it makes first (the caller's few thousand young objects)."""


def _one_of_a_run(fn: RunEvolver) -> Evolver:
    """The one-event evolver of a run evolver: a run of one."""

    def one(case: Case, recorded: RecordedEvent) -> Case:
        return fn(case, (recorded,))

    one.__name__ = one.__qualname__ = getattr(fn, "__name__", "run_evolver")
    return one


def _check_tag(cls: type[DomainEvent], concept: str) -> str:
    tag = getattr(cls, "TYPE", "")
    if not isinstance(tag, str) or not tag or tag != tag.strip() or "." not in tag:
        raise CatalogueError(
            f"concept {concept!r}: {cls.__name__}.TYPE must be a dotted tag like 'case.opened'"
        )
    return tag


@attrs.frozen(kw_only=True, repr=False)
class Catalogue:
    """Every event type and rule a case folds with, built once from concepts.

    Build it with [build][barnekoordinator.history.catalogue.Catalogue.build];
    the fields are read-only views, and the sources are in concept order.
    """

    concepts: tuple[Concept, ...]
    event_types: Mapping[str, type[DomainEvent]]
    """Every event class by its ``TYPE`` tag."""
    evolvers: Mapping[type[DomainEvent], Evolver]
    """How each event class changes a case, one event at a time."""
    run_evolvers: Mapping[type[DomainEvent], RunEvolver]
    """For classes whose events fold in runs: the function folding a run."""
    projectors: Mapping[str, tuple[Projector, ...]]
    """The agenda projectors of each event tag, in concept order."""
    upcasters: Mapping[tuple[str, int], Upcaster]
    """``(tag, from_version)`` to the function lifting a payload one version."""
    entry_sources: tuple[EntrySource, ...]
    role_sources: tuple[RoleSource, ...]
    obligation_sources: tuple[ObligationSource, ...]
    write_checks: tuple[WriteCheck, ...]
    """The rules every write must leave intact, in concept order (see
    [result_problem][barnekoordinator.history.catalogue.Catalogue.result_problem])."""

    def __repr__(self) -> str:
        names = ", ".join(c.name for c in self.concepts)
        return f"Catalogue({names}; {len(self.event_types)} event types)"

    @classmethod
    def build(cls, *concepts: Concept) -> Catalogue:
        """The catalogue of ``concepts``, checked.

        Raises:
            CatalogueError: two concepts share a name; an event tag is malformed
                or used twice; an event class has no evolver or two; an evolver
                or upcaster names a class or tag the concepts do not declare;
                an event at schema version *n* lacks an upcaster from any
                version below *n*.
        """
        names = [c.name for c in concepts]
        if len(set(names)) != len(names):
            raise CatalogueError(f"concept names must be distinct: {sorted(names)}")
        event_types: dict[str, type[DomainEvent]] = {}
        evolvers: dict[type[DomainEvent], Evolver] = {}
        run_evolvers: dict[type[DomainEvent], RunEvolver] = {}
        projectors: dict[str, tuple[Projector, ...]] = {}
        upcasters: dict[tuple[str, int], Upcaster] = {}
        for concept in concepts:
            own = set(concept.events)
            for event_cls in concept.events:
                tag = _check_tag(event_cls, concept.name)
                if tag in event_types:
                    other = event_types[tag].__name__
                    raise CatalogueError(
                        f"event tag {tag!r} is used by both {other} and {event_cls.__name__}"
                    )
                event_types[tag] = event_cls
            for event_cls, fn in concept.evolvers.items():
                _own_class(concept, own, event_cls, "evolver")
                evolvers[event_cls] = fn
            for event_cls, run in concept.run_evolvers.items():
                _own_class(concept, own, event_cls, "run evolver")
                if event_cls in concept.evolvers:
                    raise CatalogueError(
                        f"concept {concept.name!r}: {event_cls.__name__} has both an evolver "
                        "and a run evolver; a class has one evolver only"
                    )
                run_evolvers[event_cls] = run
            for event_cls in concept.events:
                if event_cls not in concept.evolvers and event_cls not in concept.run_evolvers:
                    raise CatalogueError(
                        f"concept {concept.name!r}: {event_cls.__name__} has no evolver"
                    )
            for tag, fns in concept.projectors.items():
                projectors[tag] = (*projectors.get(tag, ()), *fns)
            for key, lift in concept.upcasters.items():
                if key in upcasters:
                    raise CatalogueError(f"an upcaster for {key[0]} v{key[1]} already exists")
                upcasters[key] = lift
        # A run evolver is also its classes' one-event evolver: one implementation.
        shared: dict[RunEvolver, Evolver] = {}
        for event_cls, run in run_evolvers.items():
            evolvers[event_cls] = shared.setdefault(run, _one_of_a_run(run))
        _check_upcasters(event_types, upcasters)
        return cls(
            concepts=tuple(concepts),
            event_types=MappingProxyType(event_types),
            evolvers=MappingProxyType(evolvers),
            run_evolvers=MappingProxyType(run_evolvers),
            projectors=MappingProxyType(projectors),
            upcasters=MappingProxyType(upcasters),
            entry_sources=tuple(s for c in concepts for s in c.entry_sources),
            role_sources=tuple(s for c in concepts for s in c.role_sources),
            obligation_sources=tuple(s for c in concepts for s in c.obligation_sources),
            write_checks=tuple(w for c in concepts for w in c.write_checks),
        )

    def extended(self, *concepts: Concept) -> Catalogue:
        """A new catalogue with ``concepts`` after this one's (checked the same way)."""
        return Catalogue.build(*self.concepts, *concepts)

    def result_problem(self, before: Case, after: Case, as_of: date) -> str | None:
        """Why the write that turns ``before`` into ``after`` (its batch folded) cannot be kept
        on ``as_of``: the first problem a write check names, in concept order; or ``None``.

        The Casebook asks before it stores a write or an import (see
        [WriteCheck][barnekoordinator.history.concept.WriteCheck]); loading a stored history
        never does.
        """
        for check in self.write_checks:
            problem = check(before, after, as_of)
            if problem is not None:
                return problem
        return None

    def new_case(self, case_id: str) -> Case:
        """An empty case that folds with this catalogue (its first event opens it)."""
        return Case(id=case_id, catalogue=self)

    def replay(self, case_id: str, recorded: Iterable[RecordedEvent]) -> Case:
        """Rebuild a case from its whole history.

        The cyclic garbage collector is held off meanwhile, and turned back on after if
        it was on (the fold makes no cycles; see ``history._collector``). What a long history
        keeps is moved to the collector's oldest generation (decision 50).
        """
        if not isinstance(recorded, (list, tuple)):
            recorded = tuple(recorded)
        with collector_paused(tenure=len(recorded) >= _TENURE_FROM):
            return self.new_case(case_id).apply_all(recorded)

    def load(
        self, case_id: str, records: Sequence[EventRecord], *, cipher: CaseCipher | None = None
    ) -> Case:
        """Rebuild a case from its stored records (decoded with this catalogue; ``cipher``, the
        case's, opens its sealed identifiers).

        A **trusted back-office** API: the whole case — every entry, every national id —
        with no principal, no access decision and no audit record. The Casebook uses it
        inside its door; anything acting on someone's behalf goes through
        [`Casebook`][barnekoordinator.casebook.Casebook] instead.
        """
        # Decoding allocates as much as folding: both run with the collector held off.
        # The records are decoded and folded a slice at a time, so a slice's events are
        # folded while still in the processor's caches and are freed before the next slice
        # is decoded (its memory is reused): the peak holds the case and one slice, never
        # every decoded event of a long history. The case is the one a whole-history fold
        # gives (``apply_all`` folds runs split at a slice's end alike).
        with collector_paused(tenure=len(records) >= _TENURE_FROM):
            case = self.new_case(case_id)
            for start in range(0, len(records), _SLICE):
                recorded = from_records(records[start : start + _SLICE], self, cipher=cipher)
                failure: Exception | None = None
                try:
                    case = case.apply_all(recorded)
                except Exception as exc:  # raised below, once the rest is read
                    failure = exc
                if failure is not None:
                    # A payload that does not load is reported before an event that does not
                    # fold, wherever it is, as when every record was decoded before the fold.
                    from_records(records[start + _SLICE :], self, cipher=cipher)
                    raise failure
            return case

    def event_class(self, tag: str, version: int) -> type[DomainEvent]:
        """The class that loads a payload of ``tag`` stored at schema ``version``.

        Raises:
            UnknownEventType: the tag is not in the catalogue, or the version is
                not between 1 and the class's current ``SCHEMA_VERSION``.
        """
        cls = self.event_types.get(tag)
        if cls is None or version > cls.SCHEMA_VERSION or version < 1:
            raise UnknownEventType(tag, version)
        return cls

    def project(self, records: Iterable[EventRecord]) -> list[ProjectionOp]:
        """The agenda operations for ``records``, in order (stores apply them).

        Raises:
            SchemaViolation: a record's payload is not one its type's projectors can read (a
                record made by hand and given to a store's ``append``): the record is named,
                never its content, and the store stores nothing.
        """
        ops: list[ProjectionOp] = []
        for record in records:
            for fn in self.projectors.get(record.type, ()):
                try:
                    ops.extend(fn(record))
                except BarnekoordinatorError:
                    raise
                except (ValueError, LookupError, TypeError, AttributeError, OverflowError) as exc:
                    raise SchemaViolation(
                        f"payload of case {record.case_id!r} event {record.sequence}",
                        [("$", f"not a {record.type} payload ({type(exc).__name__})")],
                    ) from None
        return ops


def _own_class(concept: Concept, own: set[type[DomainEvent]], cls: type, what: str) -> None:
    if cls not in own:
        raise CatalogueError(
            f"concept {concept.name!r}: a {what} for {getattr(cls, '__name__', cls)!r}, "
            "which the concept does not declare in its events"
        )


def _check_upcasters(
    event_types: Mapping[str, type[DomainEvent]], upcasters: Mapping[tuple[str, int], Upcaster]
) -> None:
    for tag, version in upcasters:
        cls = event_types.get(tag)
        if cls is None:
            raise CatalogueError(f"an upcaster for {tag!r}, which no concept declares")
        if not 1 <= version < cls.SCHEMA_VERSION:
            raise CatalogueError(
                f"an upcaster for {tag} v{version}: {cls.__name__} is at "
                f"schema version {cls.SCHEMA_VERSION}"
            )
    for tag, cls in event_types.items():
        missing = [v for v in range(1, cls.SCHEMA_VERSION) if (tag, v) not in upcasters]
        if missing:
            raise CatalogueError(
                f"{cls.__name__} is at schema version {cls.SCHEMA_VERSION} but has no "
                f"upcaster from version {', '.join(map(str, missing))}"
            )
