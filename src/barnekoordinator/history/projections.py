"""Projections: the cross-case queries a store keeps up to date with each append.

The agenda of a municipality (evaluations due, handovers pending, cases missing a stafettholder,
18th birthdays ahead) must not replay every case. Instead each concept may declare *projectors* for
event tags (in its [`Concept`][barnekoordinator.history.concept.Concept]): pure functions from a
stored record to [`Upsert`][barnekoordinator.history.projections.Upsert] /
[`Remove`][barnekoordinator.history.projections.Remove] /
[`ClearCase`][barnekoordinator.history.projections.ClearCase] operations on
[`AgendaItem`][barnekoordinator.history.projections.AgendaItem] rows. Stores call
[`Catalogue.project`][barnekoordinator.history.catalogue.Catalogue.project] inside the append
transaction and apply the operations to their own table, so a crash leaves the events and the agenda
consistent.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

import attrs

__all__ = [
    "AgendaItem",
    "AgendaKind",
    "ClearCase",
    "ProjectionOp",
    "Remove",
    "Upsert",
    "apply_ops",
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
    DUTY_DUE = "duty-due"
    """A barnekoordinator duty (hotl § 7-2 a b–d) awaiting its record: the overview of the
    follow-up, information and guidance, a referral."""


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
