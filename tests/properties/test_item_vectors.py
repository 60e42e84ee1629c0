"""The item fields are persistent vectors (decision 29): same items, same documents.

Over random histories written through the item-creating commands (and the events that
end a fold's run), the state built command by command — each fold appending to vectors —
holds, field by field as plain lists, the same items as the state rebuilt by replaying
the stored records; both hold vectors, never tuples; and the records and exports they
serialise to are identical.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given
from pyrsistent import pvector
from test_fold_runs import fold_settings, histories

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.plan import IndividualPlan, plans
from barnekoordinator.coordination.stafettlogg import Bti, Stafettlogg, bti
from barnekoordinator.exporting import log_frames, plan_frames
from barnekoordinator.history.case import Case
from barnekoordinator.history.serialization import from_records, to_records
from barnekoordinator.testing.builders import CaseRun

_VECTOR = type(pvector())
ITEM_FIELDS = {
    Bti: ("undringer",),
    Stafettlogg: (
        "consent_ids",
        "observations",
        "goals",
        "tiltak",
        "meetings",
        "decisions",
        "level_changes",
    ),
    IndividualPlan: (
        "participants",
        "contributions",
        "measures",
        "consent_ids",
        "cooperation",
        "sub_plans",
        "revisions",
    ),
}


def _values(case: Case) -> list[Any]:
    state, found = bti(case), []
    found.append(state)
    found.extend((*state.earlier_logs, *((state.log,) if state.log else ())))
    p = plans(case)
    found.extend((*p.earlier, *((p.current,) if p.current else ())))
    return found


def _as_lists(value: Any) -> dict[str, list[Any]]:
    fields = ITEM_FIELDS[type(value)]
    for name in fields:
        assert type(getattr(value, name)) is _VECTOR, name
    return {name: list(getattr(value, name)) for name in fields}


@fold_settings
@given(histories)
def test_built_through_commands_equals_replayed_as_lists(run: CaseRun) -> None:
    """Command by command and replayed from the stored records: the same items, in order."""
    records = run.records()
    replayed = CATALOGUE.replay(run.case.id, from_records(records, CATALOGUE))
    built, again = _values(run.case), _values(replayed)
    assert [type(v) for v in built] == [type(v) for v in again]
    assert [_as_lists(v) for v in built] == [_as_lists(v) for v in again]
    assert replayed == run.case
    # Every other field alike too (the vectors compared as lists above).
    for a, b in zip(built, again, strict=True):
        assert attrs.asdict(a, recurse=False) == attrs.asdict(b, recurse=False)


@fold_settings
@given(histories)
def test_serialises_identically(run: CaseRun) -> None:
    """The records re-serialised from a replay, and the export frames, are the same."""
    records = run.records()
    recorded = tuple(from_records(records, CATALOGUE))
    assert [r.hash for r in to_records(recorded, records[0].prev_hash)] == [r.hash for r in records]
    replayed = CATALOGUE.replay(run.case.id, recorded)
    assert log_frames(replayed) == log_frames(run.case)
    assert plan_frames(replayed) == plan_frames(run.case)
    for frame in (*log_frames(run.case), *plan_frames(run.case)):
        # The export frames keep their tuples: documents do not change (decision 29).
        assert all(type(v) is not _VECTOR for v in attrs.astuple(frame, recurse=False))
