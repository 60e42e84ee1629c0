"""Projections: the cross-case queries a store keeps up to date with each append.

The agenda of a municipality (evaluations due, handovers pending, cases missing
a stafettholder, 18th birthdays ahead) must not replay every case. Instead each
event type may register a *projector*: a pure function from a stored record to
:class:`Upsert` / :class:`Remove` / :class:`ClearCase` operations on
:class:`AgendaItem` rows. Stores call :func:`project` inside the append
transaction and apply the operations to their own table, so a crash leaves the
events and the agenda consistent.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from datetime import date

import attrs

from barnekoordinator.history.records import EventRecord

__all__ = [
    "AgendaItem",
    "AgendaKind",
    "ClearCase",
    "ProjectionOp",
    "Remove",
    "Upsert",
    "apply_ops",
    "project",
    "projector",
]


class AgendaKind(enum.Enum):
    """What an agenda row is about."""

    EVALUATION_DUE = "evaluation-due"
    """A tiltak's evaluation date (stafettlogg or plan)."""
    HANDOVER_PENDING = "handover-pending"
    """A proposed handover not yet accepted; ``due`` is the day it was proposed."""
    HOLDER_MISSING = "holder-missing"
    """A stafettlogg whose holder left without handover; ``due`` is the day it happened."""
    TURNS_18 = "turns-18"
    """The child's 18th birthday (barnekoordinator ends)."""
    DECISION_DUE = "decision-due"
    """A nivå-0 clarification or a request for barnekoordinator awaiting decision."""
    REVISION_DUE = "revision-due"
    """An individuell plan's revision date."""
    OBLIGATION_DUE = "obligation-due"
    """A deadline set by statsforvalteren or another tracked obligation."""


@attrs.frozen(kw_only=True)
class AgendaItem:
    """One row of the agenda projection. ``key`` is unique within (case, kind)."""

    case_id: str
    kind: AgendaKind
    key: str
    due: date
    detail: str = ""


@attrs.frozen
class Upsert:
    """Insert or replace the row with the same (case, kind, key)."""

    item: AgendaItem


@attrs.frozen
class Remove:
    """Delete the row (case, kind, key) if present."""

    case_id: str
    kind: AgendaKind
    key: str


@attrs.frozen
class ClearCase:
    """Delete every row of the case (it was closed or purged)."""

    case_id: str


ProjectionOp = Upsert | Remove | ClearCase
Projector = Callable[[EventRecord], Sequence[ProjectionOp]]

_PROJECTORS: dict[str, list[Projector]] = {}


def projector(*event_types: str) -> Callable[[Projector], Projector]:
    """Register a function as the projector of the given event type tags."""

    def register(fn: Projector) -> Projector:
        for tag in event_types:
            _PROJECTORS.setdefault(tag, []).append(fn)
        return fn

    return register


def project(records: Iterable[EventRecord]) -> list[ProjectionOp]:
    """The projection operations for ``records``, in order.

    Importing :mod:`barnekoordinator.events` registers every first-party projector.
    """
    import barnekoordinator.events  # noqa: F401  (registers the projectors)

    ops: list[ProjectionOp] = []
    for record in records:
        for fn in _PROJECTORS.get(record.type, ()):
            ops.extend(fn(record))
    return ops


def apply_ops(
    rows: dict[tuple[str, AgendaKind, str], AgendaItem], ops: Iterable[ProjectionOp]
) -> None:
    """Apply operations to an in-memory table (the reference semantics for stores)."""
    for op in ops:
        if isinstance(op, Upsert):
            rows[(op.item.case_id, op.item.kind, op.item.key)] = op.item
        elif isinstance(op, Remove):
            rows.pop((op.case_id, op.kind, op.key), None)
        else:
            for k in [k for k in rows if k[0] == op.case_id]:
                del rows[k]
