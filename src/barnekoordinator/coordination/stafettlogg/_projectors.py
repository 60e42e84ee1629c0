"""The agenda rows the stafettlogg's stored records imply (see ``history.projections``).

Projectors read only what the stored record itself holds, never the case: an
undring's decision deadline, a tiltak's evaluation date, a meeting's minutes, a
decision's follow-up. Linking or closing the log drops the rows of what lapsed
with it, as listed in the linking or closing event.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import EventRecord


def _payload(record: EventRecord) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(record.payload)
    return loaded


def _day(value: str) -> date:
    return date.fromisoformat(value)


def _row(record: EventRecord, kind: AgendaKind, key: str, due: str, detail: str) -> Upsert:
    return Upsert(
        AgendaItem(case_id=record.case_id, kind=kind, key=key, due=_day(due), detail=detail)
    )


def _project_undring(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (
        _row(
            record,
            AgendaKind.DECISION_DUE,
            f"nivaa0:{p['undring_id']}",
            p["decision_due"],
            "nivå-0 decision",
        ),
    )


def _project_nivaa0(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (Remove(record.case_id, AgendaKind.DECISION_DUE, f"nivaa0:{p['undring_id']}"),)


def _project_tiltak(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (
        _row(
            record,
            AgendaKind.EVALUATION_DUE,
            f"stafettlogg:{p['tiltak_id']}",
            p["evaluation_date"],
            "tiltak",
        ),
    )


def _project_evaluated(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    key = f"stafettlogg:{p['tiltak_id']}"
    if p.get("next_evaluation_date"):
        return (_row(record, AgendaKind.EVALUATION_DUE, key, p["next_evaluation_date"], "tiltak"),)
    return (Remove(record.case_id, AgendaKind.EVALUATION_DUE, key),)


def _project_meeting(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (
        _row(
            record,
            AgendaKind.OBLIGATION_DUE,
            f"minutes:{p['meeting_id']}",
            p["meeting_on"],
            "meeting minutes",
        ),
    )


def _project_minutes(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (Remove(record.case_id, AgendaKind.OBLIGATION_DUE, f"minutes:{p['meeting_id']}"),)


def _project_decision(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    if not p.get("follow_up_on"):
        return ()
    return (
        _row(
            record,
            AgendaKind.OBLIGATION_DUE,
            f"decision:{p['decision_id']}",
            p["follow_up_on"],
            "decision follow-up",
        ),
    )


def _project_decision_done(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    return (Remove(record.case_id, AgendaKind.OBLIGATION_DUE, f"decision:{p['decision_id']}"),)


_BATON_ROWS = (AgendaKind.HANDOVER_PENDING, AgendaKind.HOLDER_MISSING)


def _lapsed(record: EventRecord, p: dict[str, Any]) -> list[ProjectionOp]:
    ops: list[ProjectionOp] = [
        Remove(record.case_id, kind, "stafettholder") for kind in _BATON_ROWS
    ]
    ops.extend(
        Remove(record.case_id, AgendaKind.OBLIGATION_DUE, f"minutes:{m}")
        for m in p.get("unminuted_meetings", ())
    )
    return ops


def _project_linked(record: EventRecord) -> Sequence[ProjectionOp]:
    return tuple(_lapsed(record, _payload(record)))


def _project_closed(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    ops = _lapsed(record, p)
    ops.extend(
        Remove(record.case_id, AgendaKind.EVALUATION_DUE, f"stafettlogg:{t}")
        for t in p.get("open_tiltak", ())
    )
    ops.extend(
        Remove(record.case_id, AgendaKind.OBLIGATION_DUE, f"decision:{d}")
        for d in p.get("open_decisions", ())
    )
    return tuple(ops)
