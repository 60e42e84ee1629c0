"""What one concept module contributes to a case, declared as one value.

Each concept module (the case itself, consent, the stafettlogg, the individuell plan …) ends with
one [`Concept`][barnekoordinator.history.concept.Concept] naming everything it adds: its event
types, how each changes a case (evolvers), the entries, roles and obligations it lists, the agenda
rows it projects, the upcasters of its old payloads and the rules every write must leave intact
(write checks). Nothing is registered as a side effect of
importing a module: [`barnekoordinator.catalogue`][barnekoordinator.catalogue] lists the concept
modules once, in a fixed order, and builds the one immutable
[Catalogue][barnekoordinator.history.catalogue.Catalogue] from their values.

This module knows no concept: the callables it holds are typed loosely where
their argument or result types belong to a wing above the history (an entry,
an obligation's check context), and each wing reads back its own kind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
    from barnekoordinator.history.projections import ProjectionOp
    from barnekoordinator.history.records import EventRecord

__all__ = [
    "Concept",
    "EntrySource",
    "Evolver",
    "ObligationSource",
    "Projector",
    "RoleSource",
    "RunEvolver",
    "Upcaster",
    "WriteCheck",
]

Evolver = Callable[["Case", "RecordedEvent"], "Case"]
"""How one recorded event changes a case."""

RunEvolver = Callable[["Case", Sequence["RecordedEvent"]], "Case"]
"""How a run of consecutive recorded events changes a case, folded at once.

It must give the state that folding the events one at a time would give,
validators included: only classes whose events leave every validated field of
the state alone belong in one run. The catalogue derives each class's one-event
evolver from it (a run of one), so there is one implementation.
"""

Projector = Callable[["EventRecord"], Sequence["ProjectionOp"]]
"""The agenda operations a stored record implies (see ``history.projections``)."""

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns a payload stored at one schema version into the next version's payload."""

EntrySource = Callable[["Case"], Iterable[Any]]
"""Lists a concept's entries of a case (``access.entries.Entry`` values)."""

RoleSource = Callable[["Case", date], Iterable[Any]]
"""Lists who holds a concept's roles on a day (``coordination.roles.RoleAssignment``)."""

ObligationSource = Callable[["Case", Any], Iterable[Any]]
"""Lists a concept's obligations for a case (``coordination.roles.Obligation`` values),
given a ``coordination.roles.CheckContext``.
"""

WriteCheck = Callable[["Case", "Case", date], str | None]
"""Why a write cannot be kept, or ``None``: given the case before the write, the case after its
whole batch is folded, and the day of the write (``as_of``).

An evolver sees one event and the state before it, so it cannot hold a rule that one event of a
command's batch breaks and a later one restores (an appointment, then the link of the open
stafettlogg). A write check sees what the batch leaves. The Casebook runs the catalogue's checks
on every write (``execute``, ``open_case``) and on an import, after folding and before anything
is stored, and refuses the first problem: ``InvalidInput`` for a write (audited as the call's
record), ``BundleRejected`` for an import. The text is audited and shown to the caller, so it
names the rule and never an identity number or a text of the case. Stored histories are never
checked: a case written before a check existed still loads, and a check should refuse only what
the write makes worse, so that such a case can still be written to and put right.
"""


def _frozen_mapping(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value))


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Concept:
    """Everything one concept module adds to the case.

    ``events`` are the module's event classes, each with a stable dotted
    ``TYPE`` tag. Every one of them has exactly one evolver: in ``evolvers``, or
    in ``run_evolvers`` when its events come in long runs that fold at once.
    ``projectors`` map an event tag (of this concept or another) to the
    functions that project its records onto the agenda; ``upcasters`` map
    ``(tag, from_version)`` to the function lifting a stored payload one
    version. The sources list entries, role holders and obligations of a case.
    ``write_checks`` are the rules every write must leave intact (see
    [WriteCheck][barnekoordinator.history.concept.WriteCheck]): the commands keep them, and the
    checks refuse an event made by hand or imported that would break them.

    The catalogue checks all of this when it is built (see
    [Catalogue.build][barnekoordinator.history.catalogue.Catalogue.build]).
    """

    name: str
    events: tuple[type[DomainEvent], ...] = attrs.field(default=(), converter=_tuple)
    evolvers: Mapping[type[DomainEvent], Evolver] = attrs.field(
        factory=dict, converter=_frozen_mapping
    )
    run_evolvers: Mapping[type[DomainEvent], RunEvolver] = attrs.field(
        factory=dict, converter=_frozen_mapping
    )
    projectors: Mapping[str, tuple[Projector, ...]] = attrs.field(
        factory=dict, converter=_frozen_mapping
    )
    upcasters: Mapping[tuple[str, int], Upcaster] = attrs.field(
        factory=dict, converter=_frozen_mapping
    )
    entry_sources: tuple[EntrySource, ...] = attrs.field(default=(), converter=_tuple)
    role_sources: tuple[RoleSource, ...] = attrs.field(default=(), converter=_tuple)
    obligation_sources: tuple[ObligationSource, ...] = attrs.field(default=(), converter=_tuple)
    write_checks: tuple[WriteCheck, ...] = attrs.field(default=(), converter=_tuple)

    def __attrs_post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise TypeError("Concept.name: expected the concept module's short name")
