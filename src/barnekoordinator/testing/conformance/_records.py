"""Test records, the test concept and the reference the suite compares a store with.

The event types [`TEST_AGENDA_TYPE`][barnekoordinator.testing.conformance.TEST_AGENDA_TYPE] (one
agenda operation per event) and
[`TEST_NOTE_TYPE`][barnekoordinator.testing.conformance.TEST_NOTE_TYPE] (no projector), the
catalogue that projects the first, the builders of sealed records and audit records, and the
reference agenda.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.concept import Concept
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ClearCase,
    ProjectionOp,
    Remove,
    Upsert,
    apply_ops,
)
from barnekoordinator.history.records import GENESIS, AuditRecord, EventRecord
from barnekoordinator.history.store import CaseStore

TEST_AGENDA_TYPE = "test.due"
"""Event type whose payload names one agenda operation (see
[`agenda_payload()`][barnekoordinator.testing.conformance.agenda_payload]).
"""

TEST_NOTE_TYPE = "test.note"
"""Event type with no projector: an event that does not touch the agenda."""

BASE_TIME = datetime(2026, 1, 5, 9, 30, 0, 123456, tzinfo=UTC)
"""The time of the first record
[`make_records()`][barnekoordinator.testing.conformance.make_records] builds (microseconds on
purpose).
"""


def agenda_payload(
    op: str,
    *,
    kind: AgendaKind = AgendaKind.EVALUATION_DUE,
    key: str = "k1",
    due: date | None = None,
    detail: str = "",
) -> str:
    """Canonical JSON payload of a
    [`TEST_AGENDA_TYPE`][barnekoordinator.testing.conformance.TEST_AGENDA_TYPE] event.

    ``op`` is ``"upsert"`` (needs ``due``), ``"remove"`` or ``"clear"``.
    """
    body: dict[str, str] = {"op": op, "kind": kind.value, "key": key, "detail": detail}
    if due is not None:
        body["due"] = due.isoformat()
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _project_test_agenda(record: EventRecord) -> Sequence[ProjectionOp]:
    body = json.loads(record.payload)
    kind = AgendaKind(body["kind"])
    if body["op"] == "upsert":
        item = AgendaItem(
            case_id=record.case_id,
            kind=kind,
            key=body["key"],
            due=date.fromisoformat(body["due"]),
            detail=body["detail"],
        )
        return [Upsert(item)]
    if body["op"] == "remove":
        return [Remove(record.case_id, kind, body["key"])]
    return [ClearCase(record.case_id)]


CONFORMANCE_CATALOGUE: Final[Catalogue] = CATALOGUE.extended(
    Concept(name="conformance", projectors={TEST_AGENDA_TYPE: (_project_test_agenda,)})
)
"""The library's catalogue plus the projector of
[`TEST_AGENDA_TYPE`][barnekoordinator.testing.conformance.TEST_AGENDA_TYPE].
"""


def make_records(
    case_id: str,
    payloads: Sequence[str] | int = 1,
    *,
    after_version: int = 0,
    prev_hash: str = GENESIS,
    type: str | None = None,
    subject_key: str | None = None,
    actor: str = "actor-test-1",
    legal_basis: Sequence[str] = ("pbrl-2-5-c",),
    at: datetime | None = None,
) -> list[EventRecord]:
    """A sealed chain of records continuing a case at ``after_version``/``prev_hash``.

    ``payloads`` is a list of payload texts (type
    [`TEST_AGENDA_TYPE`][barnekoordinator.testing.conformance.TEST_AGENDA_TYPE] for
    [`agenda_payload()`][barnekoordinator.testing.conformance.agenda_payload] output, a JSON object
    with an ``"op"`` key, else
    [`TEST_NOTE_TYPE`][barnekoordinator.testing.conformance.TEST_NOTE_TYPE]) or a count of note
    events.
    """
    texts = (
        [json.dumps({"n": i}, separators=(",", ":")) for i in range(payloads)]
        if isinstance(payloads, int)
        else list(payloads)
    )
    start = at or BASE_TIME + timedelta(seconds=after_version)
    records: list[EventRecord] = []
    prev = prev_hash
    for offset, payload in enumerate(texts, start=1):
        record_type = type or _type_of(payload)
        record = EventRecord(
            case_id=case_id,
            sequence=after_version + offset,
            type=record_type,
            schema_version=1,
            recorded_at=start + timedelta(seconds=offset - 1),
            actor=actor,
            payload=payload,
            legal_basis=tuple(legal_basis),
            subject_key=subject_key,
        ).sealed(prev)
        records.append(record)
        prev = record.hash
    return records


def _type_of(payload: str) -> str:
    body = json.loads(payload)
    return TEST_AGENDA_TYPE if isinstance(body, dict) and "op" in body else TEST_NOTE_TYPE


def make_audit(
    case_id: str,
    *,
    action: str = "read",
    allowed: bool = True,
    at: datetime = BASE_TIME,
    actor: str = "actor-test-1",
    stored: Sequence[EventRecord] = (),
) -> AuditRecord:
    """An unsealed audit record (the store numbers and chains it).

    ``stored`` are the records of the append it audits: the record then names their range of
    sequences, as the Casebook's do (a store fills the range in when it is left out).
    """
    first, last = (stored[0].sequence, stored[-1].sequence) if stored else (None, None)
    return AuditRecord(
        case_id=case_id,
        sequence=0,
        at=at,
        actor=actor,
        actor_label="Helsesykepleier, Eksempel kommune",
        action=action,
        target="case",
        allowed=allowed,
        reason="test",
        basis=("pbrl-2-5-c",),
        first_sequence=first,
        last_sequence=last,
    )


def reference_agenda(records: Sequence[EventRecord]) -> list[AgendaItem]:
    """The agenda [`apply_ops()`][barnekoordinator.history.projections.apply_ops] derives from
    ``records``, in agenda order.
    """
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CONFORMANCE_CATALOGUE.project(records))
    return sorted(rows.values(), key=_agenda_key)


def _agenda_key(item: AgendaItem) -> tuple[date, str, str, str]:
    return (item.due, item.case_id, item.kind.value, item.key)


def _all(store: CaseStore, page: int = 1000) -> list[EventRecord]:
    out: list[EventRecord] = []
    after = 0
    while True:
        batch = store.read_all(after_position=after, limit=page)
        if not batch:
            return out
        out.extend(batch)
        last = batch[-1].position
        assert last is not None, "read_all must set positions"
        after = last


def _all_audit(store: CaseStore, page: int = 1000) -> list[AuditRecord]:
    out: list[AuditRecord] = []
    after = 0
    while True:
        batch = store.read_all_audit(after_position=after, limit=page)
        if not batch:
            return out
        out.extend(batch)
        last = batch[-1].position
        assert last is not None, "read_all_audit must set positions"
        after = last


def _snapshot(store: CaseStore, case_ids: Sequence[str]) -> Any:
    return (
        [store.read(case_id) for case_id in case_ids],
        [r.position for r in _all(store)],
        store.agenda(until=date.max),
    )
