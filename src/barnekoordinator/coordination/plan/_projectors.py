"""The individual plan on the agenda: revision and evaluation dates as agenda rows.

The plan's next revision date is projected as ``REVISION_DUE`` (key ``plan``)
and each measure's next evaluation as ``EVALUATION_DUE`` (key ``plan:<id>``);
suspending or ending the plan removes its rows. Projectors read the stored
payload, so they work on records without folding the case.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from barnekoordinator.coordination.plan._events import PlanMeasureAdded
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import EventRecord


def _p(record: EventRecord) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(record.payload)
    return loaded


def _revision_row(record: EventRecord, next_revision: str | None) -> Sequence[ProjectionOp]:
    if not next_revision:
        return (Remove(record.case_id, AgendaKind.REVISION_DUE, "plan"),)
    item = AgendaItem(
        case_id=record.case_id,
        kind=AgendaKind.REVISION_DUE,
        key="plan",
        due=date.fromisoformat(next_revision),
        detail="individual plan revision",
    )
    return (Upsert(item),)


def _project_revision(record: EventRecord) -> Sequence[ProjectionOp]:
    return _revision_row(record, _p(record).get("next_revision"))


def _project_measure(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _p(record)
    key = f"plan:{p['measure_id']}"
    due = (
        p.get("evaluation_date")
        if record.type == PlanMeasureAdded.TYPE
        else p.get("next_evaluation_date")
    )
    if not due:
        return (Remove(record.case_id, AgendaKind.EVALUATION_DUE, key),)
    item = AgendaItem(
        case_id=record.case_id,
        kind=AgendaKind.EVALUATION_DUE,
        key=key,
        due=date.fromisoformat(due),
        detail="plan measure",
    )
    return (Upsert(item),)


def _project_suspended(record: EventRecord) -> Sequence[ProjectionOp]:
    return (Remove(record.case_id, AgendaKind.REVISION_DUE, "plan"),)


def _project_ended(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _p(record)
    ops: list[ProjectionOp] = [Remove(record.case_id, AgendaKind.REVISION_DUE, "plan")]
    ops.extend(
        Remove(record.case_id, AgendaKind.EVALUATION_DUE, f"plan:{m}")
        for m in p.get("open_measures", ())
    )
    return tuple(ops)
