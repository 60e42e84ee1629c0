"""The tamper matrix: an attacker holding a copy of the database, on SQLite and PostgreSQL.

A store is built through the Casebook (the demo's story, twice: two cases, 72 events, their audit
records, agenda rows), a signed checkpoint is taken with ``barnekoordinator checkpoint``, and then
one tampering is done on the raw database with the append-only triggers dropped first, as anyone
with the file (or the database owner's password) can. For every tampering ``verify --checkpoint``
must exit 1 naming what broke; ``verify`` without a checkpoint is run too, and whether it catches
the tampering is pinned here (``alone``) — the ones it cannot catch are listed, with why, in
``docs/concepts/proof.md``.

Every test runs with ``HOME`` and ``XDG_CONFIG_HOME`` in a temporary folder.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from _sqlite_copy import sqlite_backup
from barnekoordinator._cli import demo
from barnekoordinator.casebook import Casebook
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.cli import main
from barnekoordinator.clock import FixedClock
from barnekoordinator.history.checkpoint import Ed25519Signer
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.history.records import GENESIS, AuditRecord, EventRecord, format_time
from barnekoordinator.history.sealing import DataKeyStore, KeyRing
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator.testing.postgres import drop_schema
from barnekoordinator_plugins.postgres import PostgresCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

# -- building the stores ------------------------------------------------------------------


def _tell_the_story(store: CaseStore) -> None:
    """One synthetic family's case through the Casebook (events, audit records, agenda rows)."""
    clock = FixedClock(datetime.combine(date(2026, 1, 5), time(8, 0), tzinfo=UTC))
    book = Casebook(
        store,
        clock=clock,
        sealing=TEST_SEALING_KEY,
        subject_secret=demo.DEMO_SECRET,
        settings=demo._settings_for_the_demo(),
    )
    assert demo._story(book, store, clock, "en") == 0


@attrs.define
class Raw:
    """The raw database, as the attacker has it: plain SQL, triggers dropped."""

    kind: str
    connection: Any

    def run(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        if self.kind == "postgres":
            sql = sql.replace("?", "%s")
        cursor = self.connection.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []

    def drop_triggers(self) -> None:
        if self.kind == "sqlite":
            for table in ("case_events", "case_audit"):
                for kind in ("update", "delete"):
                    self.run(f"DROP TRIGGER {table}_no_{kind}")
        else:
            for table in ("case_events", "case_audit"):
                self.run(f"DROP TRIGGER {table}_append_only ON {table}")
                self.run(f"DROP TRIGGER {table}_no_truncate ON {table}")

    def put_events(self, records: list[EventRecord]) -> None:
        """Write ``records`` at their positions, replacing what was there."""
        for record in records:
            self.run("DELETE FROM case_events WHERE position = ?", (record.position,))
        for record in records:
            sqlite = self.kind == "sqlite"
            basis: object = (
                json.dumps(list(record.legal_basis), ensure_ascii=False, separators=(",", ":"))
                if sqlite
                else list(record.legal_basis)
            )
            self.run(
                "INSERT INTO case_events (position, case_id, sequence, type, schema_version, "
                "recorded_at, actor, payload, legal_basis, subject_key, prev_hash, hash) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.position,
                    record.case_id,
                    record.sequence,
                    record.type,
                    record.schema_version,
                    format_time(record.recorded_at) if sqlite else record.recorded_at,
                    record.actor,
                    record.payload,
                    basis,
                    record.subject_key,
                    record.prev_hash,
                    record.hash,
                ),
            )

    def put_audit(self, records: list[AuditRecord], *, replacing: list[AuditRecord]) -> None:
        """Delete ``replacing`` and write ``records`` (with their positions)."""
        for record in replacing:
            self.run(
                "DELETE FROM case_audit WHERE case_id = ? AND sequence = ?",
                (record.case_id, record.sequence),
            )
        sqlite = self.kind == "sqlite"
        for record in records:
            self.run(
                "INSERT INTO case_audit (case_id, sequence, at, actor, actor_label, action, "
                "target, allowed, reason, basis, prev_hash, hash, first_sequence, last_sequence, "
                "position) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.case_id,
                    record.sequence,
                    format_time(record.at) if sqlite else record.at,
                    record.actor,
                    record.actor_label,
                    record.action,
                    record.target,
                    int(record.allowed) if sqlite else record.allowed,
                    record.reason,
                    json.dumps(list(record.basis), separators=(",", ":"))
                    if sqlite
                    else list(record.basis),
                    record.prev_hash,
                    record.hash,
                    record.first_sequence,
                    record.last_sequence,
                    record.position,
                ),
            )


@attrs.define
class Target:
    """One copy of the built store: how to reach it through the library and raw."""

    kind: str
    url: str
    options: list[str]
    open: Callable[[], CaseStore]
    raw: Raw
    replace_with: Callable[[str], None]  # "older" or "other": that template's content
    case_a: str  # the first story's case (already in the older copy)
    case_b: str  # the second story's case

    def events(self, case_id: str | None = None) -> list[EventRecord]:
        with _closing(self.open()) as store:
            if case_id is not None:
                return store.read(case_id)
            return store.read_all(limit=10_000)

    def audit(self, case_id: str | None = None) -> list[AuditRecord]:
        with _closing(self.open()) as store:
            if case_id is not None:
                return store.read_audit(case_id)
            return store.read_all_audit(limit=10_000)


class _closing:
    def __init__(self, store: CaseStore) -> None:
        self.store = store

    def __enter__(self) -> CaseStore:
        return self.store

    def __exit__(self, *exc: object) -> None:
        self.store.close()


# -- SQLite ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """older (one story), full (two), other (two more, another store altogether)."""
    folder = tmp_path_factory.mktemp("templates")
    paths = {name: folder / f"{name}.db" for name in ("older", "full", "other")}
    with SQLiteCaseStore(paths["full"]) as store:
        _tell_the_story(store)
    sqlite_backup(paths["full"], paths["older"])
    with SQLiteCaseStore(paths["full"]) as store:
        _tell_the_story(store)
    with SQLiteCaseStore(paths["other"]) as store:
        _tell_the_story(store)
        _tell_the_story(store)
    return paths


def _sqlite_target(templates: dict[str, Path], folder: Path) -> Target:
    path = folder / "data" / "cases.db"
    path.parent.mkdir()
    sqlite_backup(templates["full"], path)
    with SQLiteCaseStore(templates["older"]) as older, SQLiteCaseStore(path) as full:
        case_a = older.case_ids()[0]
        case_b = next(c for c in full.case_ids() if c != case_a)
    raw = Raw("sqlite", sqlite3.connect(path, isolation_level=None))

    def replace_with(name: str) -> None:
        raw.connection.close()
        sqlite_backup(templates[name], path)
        raw.connection = sqlite3.connect(path, isolation_level=None)
        raw.drop_triggers()

    return Target(
        "sqlite",
        f"sqlite:{path}",
        [],
        lambda: SQLiteCaseStore(path),
        raw,
        replace_with,
        case_a,
        case_b,
    )


# -- PostgreSQL ------------------------------------------------------------------------------

_TABLES = ("case_events", "case_audit", "case_agenda", "case_keys")


def _pg_copy(dsn: str, source: str, target: str) -> None:
    """Make schema ``target`` a copy of ``source`` (the store's own DDL, then the rows)."""
    import psycopg

    PostgresCaseStore(dsn, schema=target).close()
    with psycopg.connect(dsn, autocommit=True) as connection:
        for table in _TABLES:
            connection.execute(f"INSERT INTO {target}.{table} SELECT * FROM {source}.{table}")  # noqa: S608
        for table in ("case_events", "case_audit"):
            connection.execute(
                f"SELECT setval('{target}.{table}_position', "  # noqa: S608 - test schemas
                f"(SELECT max(position) FROM {target}.{table}))"
            )


@pytest.fixture(scope="module")
def pg_templates(postgres_dsn: str) -> Iterator[dict[str, str]]:
    """Schemas: older (one story), full (two), other (two more, another store altogether)."""
    schemas = {name: f"tpl_{name}_{uuid.uuid4().hex[:8]}" for name in ("older", "full", "other")}
    with PostgresCaseStore(postgres_dsn, schema=schemas["older"]) as store:
        _tell_the_story(store)
    _pg_copy(postgres_dsn, schemas["older"], schemas["full"])
    with PostgresCaseStore(postgres_dsn, schema=schemas["full"]) as store:
        _tell_the_story(store)
    with PostgresCaseStore(postgres_dsn, schema=schemas["other"]) as store:
        _tell_the_story(store)
        _tell_the_story(store)
    yield schemas
    for schema in schemas.values():
        drop_schema(postgres_dsn, schema)


def _pg_target(dsn: str, templates: dict[str, str], schema: str) -> Target:
    import psycopg

    _pg_copy(dsn, templates["full"], schema)
    with PostgresCaseStore(dsn, schema=templates["older"]) as older:
        case_a = older.case_ids()[0]
    with PostgresCaseStore(dsn, schema=schema) as full:
        case_b = next(c for c in full.case_ids() if c != case_a)
    connection = psycopg.connect(dsn, autocommit=True, options=f"-c search_path={schema}")
    raw = Raw("postgres", connection)

    def replace_with(name: str) -> None:
        for table in _TABLES:
            raw.run(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
        for table in _TABLES:
            raw.run(f"INSERT INTO {table} SELECT * FROM {templates[name]}.{table}")  # noqa: S608

    return Target(
        "postgres",
        dsn,
        ["--option", f"postgres.schema={schema}"],
        lambda: PostgresCaseStore(dsn, schema=schema),
        raw,
        replace_with,
        case_a,
        case_b,
    )


# -- the tamperings ---------------------------------------------------------------------------


def _reseal(records: list[EventRecord], prev: str = GENESIS) -> list[EventRecord]:
    """The chain recomputed over ``records`` (positions kept), as an attacker would."""
    out = []
    for record in records:
        sealed = record.sealed(prev)
        out.append(sealed)
        prev = sealed.hash
    return out


def _reseal_audit(records: list[AuditRecord]) -> list[AuditRecord]:
    out: list[AuditRecord] = []
    prev = GENESIS
    for number, record in enumerate(records, start=1):
        sealed = record.sealed(number, prev)
        out.append(sealed)
        prev = sealed.hash
    return out


MIDDLE = 5  # the event edited in case A (its 5th, in the middle of its 24)


def _edit_event(field: str, change: Callable[[EventRecord], Any], *, recompute: bool) -> Any:
    def tamper(t: Target) -> None:
        history = t.events(t.case_a)
        edited = attrs.evolve(history[MIDDLE - 1], **{field: change(history[MIDDLE - 1])})
        if recompute:
            rest = _reseal([edited, *history[MIDDLE:]], history[MIDDLE - 2].hash)
            t.raw.put_events(rest)
        else:
            t.raw.put_events([edited])

    return tamper


def _payload(record: EventRecord) -> str:
    body = json.loads(record.payload)
    body["tampered"] = True
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


FIELD_EDITS: dict[str, tuple[str, Callable[[EventRecord], Any]]] = {
    "payload": ("payload", _payload),
    "type": ("type", lambda r: "case.mode-changed"),
    "actor": ("actor", lambda r: "actor-intruder"),
    "time": ("recorded_at", lambda r: r.recorded_at - timedelta(days=3)),
    "legal-basis": ("legal_basis", lambda r: ("pbrl-2-5-c",)),
    "subject-key": ("subject_key", lambda r: "f" * 64),
    "schema-version": ("schema_version", lambda r: r.schema_version + 1),
    "sequence": ("sequence", lambda r: r.sequence + 100),
    "case": ("case_id", lambda r: "case-from-nowhere"),
}


def split_legal_basis(t: Target) -> None:
    """("a", "b") becomes ("a,b",): the same text once joined with ","."""
    history = t.events(t.case_a)
    record = next(r for r in history if len(r.legal_basis) >= 2)
    t.raw.put_events([attrs.evolve(record, legal_basis=(",".join(record.legal_basis),))])


def delete_middle_event(t: Target) -> None:
    t.raw.run("DELETE FROM case_events WHERE position = ?", (t.events(t.case_a)[MIDDLE].position,))


def delete_middle_event_recomputed(t: Target) -> None:
    history = t.events(t.case_a)
    t.raw.run("DELETE FROM case_events WHERE case_id = ?", (t.case_a,))
    kept = [
        attrs.evolve(r, sequence=i)
        for i, r in enumerate(history[:MIDDLE] + history[MIDDLE + 1 :], 1)
    ]
    t.raw.put_events(_reseal(kept))


def reorder_two_events(t: Target) -> None:
    """Swap the commit positions of two events of one case."""
    history = t.events(t.case_a)
    first, second = history[MIDDLE - 1], history[MIDDLE]
    t.raw.put_events(
        [
            attrs.evolve(first, position=second.position),
            attrs.evolve(second, position=first.position),
        ]
    )


def reorder_two_events_recomputed(t: Target) -> None:
    """Swap the content of two events of one case and recompute the chain."""
    history = t.events(t.case_a)
    first, second = history[MIDDLE - 1], history[MIDDLE]
    swapped = [
        attrs.evolve(second, sequence=first.sequence, position=first.position),
        attrs.evolve(first, sequence=second.sequence, position=second.position),
    ]
    t.raw.put_events(_reseal([*swapped, *history[MIDDLE + 1 :]], history[MIDDLE - 2].hash))


def reorder_commits_of_two_cases(t: Target) -> None:
    """Swap the positions of two events of different cases: every chain still holds."""
    a, b = t.events(t.case_a)[-1], t.events(t.case_b)[0]
    t.raw.put_events([attrs.evolve(a, position=b.position), attrs.evolve(b, position=a.position)])


def _insert_forged(t: Target, *, recompute: bool) -> None:
    """A forged event in the middle of case A, the later ones renumbered."""
    history = t.events(t.case_a)
    t.raw.run("DELETE FROM case_events WHERE case_id = ?", (t.case_a,))
    positions = [r.position for r in history]
    high = max(r.position or 0 for r in t.events()) + 1
    forged = attrs.evolve(history[MIDDLE - 1], payload=_payload(history[MIDDLE - 1]))
    rows = [*history[:MIDDLE], forged.sealed(history[MIDDLE - 1].hash), *history[MIDDLE:]]
    renumbered = [
        attrs.evolve(r, sequence=i, position=p)
        for i, (r, p) in enumerate(zip(rows, [*positions, high], strict=True), 1)
    ]
    t.raw.put_events(_reseal(renumbered) if recompute else renumbered)


def insert_forged_event(t: Target) -> None:
    _insert_forged(t, recompute=False)


def insert_forged_event_recomputed(t: Target) -> None:
    _insert_forged(t, recompute=True)


def _cut_events(t: Target, count: int) -> list[EventRecord]:
    tail = t.events()[-count:]
    for record in tail:
        t.raw.run("DELETE FROM case_events WHERE position = ?", (record.position,))
    return tail


def _cut_audit(t: Target, count: int) -> list[AuditRecord]:
    tail = t.audit()[-count:]
    t.raw.put_audit([], replacing=tail)
    return tail


def truncate_events(t: Target) -> None:
    _cut_events(t, 3)


def _last_write(trail: list[AuditRecord]) -> int:
    return max(i for i, r in enumerate(trail) if r.stored_range is not None)


def truncate_audit(t: Target) -> None:
    """The last write's audit record goes, with the reads after it."""
    trail = t.audit()
    _cut_audit(t, len(trail) - _last_write(trail))


def truncate_audit_reads(t: Target) -> None:
    """Only the reads (who looked) after the last write go."""
    trail = t.audit()
    reads = len(trail) - _last_write(trail) - 1
    assert reads >= 1, "the story ends with reads after its last write"
    _cut_audit(t, reads)


def truncate_both(t: Target) -> None:
    """The last write's events and every audit record from its own on, and the agenda rows
    those events gave: consistent again, as a careful attacker leaves it."""
    trail = t.audit()
    last_write = max(i for i, r in enumerate(trail) if r.stored_range is not None)
    first, last = trail[last_write].stored_range or (0, 0)
    case_id = trail[last_write].case_id
    _cut_audit(t, len(trail) - last_write)
    _cut_events(t, last - first + 1)
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CATALOGUE.project(t.events(case_id)))
    t.raw.run("DELETE FROM case_agenda WHERE case_id = ?", (case_id,))
    for item in rows.values():
        due: object = item.due.isoformat() if t.kind == "sqlite" else item.due
        t.raw.run(
            "INSERT INTO case_agenda (case_id, kind, key, due, detail) VALUES (?, ?, ?, ?, ?)",
            (item.case_id, item.kind.value, item.key, due, item.detail),
        )


def delete_whole_case(t: Target) -> None:
    for table in ("case_events", "case_audit", "case_agenda"):
        t.raw.run(f"DELETE FROM {table} WHERE case_id = ?", (t.case_b,))  # noqa: S608


def forged_append(t: Target) -> None:
    """An append through the store's own API, chain and all, without an audit record."""
    with _closing(t.open()) as store:
        history = store.read(t.case_a)
        forged = attrs.evolve(
            history[-1], sequence=len(history) + 1, payload=_payload(history[-1])
        ).sealed(history[-1].hash)
        store.append(t.case_a, len(history), [forged])


def edit_agenda_row(t: Target) -> None:
    t.raw.run(
        "UPDATE case_agenda SET due = ? WHERE case_id = ? AND key = ?",
        (
            date(2030, 1, 1).isoformat() if t.kind == "sqlite" else date(2030, 1, 1),
            t.case_a,
            "turns-18",
        ),
    )


def delete_agenda_row(t: Target) -> None:
    t.raw.run("DELETE FROM case_agenda WHERE case_id = ? AND key = ?", (t.case_a, "turns-18"))


def insert_agenda_row(t: Target) -> None:
    t.raw.run(
        "INSERT INTO case_agenda (case_id, kind, key, due, detail) VALUES (?, ?, ?, ?, ?)",
        (t.case_a, "evaluation-due", "forged", "2026-02-01", "a forged reminder"),
    )


def _edit_audit(change: dict[str, Any], *, recompute: bool, number: int = 10) -> Any:
    def tamper(t: Target) -> None:
        trail = t.audit(t.case_a)
        if recompute:
            edited = [
                *trail[: number - 1],
                attrs.evolve(trail[number - 1], **change),
                *trail[number:],
            ]
            t.raw.put_audit(_reseal_audit(edited), replacing=trail)
        else:
            t.raw.put_audit(
                [attrs.evolve(trail[number - 1], **change)], replacing=[trail[number - 1]]
            )

    return tamper


def delete_middle_audit(t: Target) -> None:
    """Audit record 10 of case A (a read) goes."""
    t.raw.put_audit([], replacing=[t.audit(t.case_a)[9]])


def delete_middle_audit_recomputed(t: Target) -> None:
    """A read in the middle of a trail goes and the chain is recomputed: a valid chain."""
    trail = t.audit(t.case_a)
    i = next(i for i in range(len(trail) // 2, len(trail)) if trail[i].stored_range is None)
    kept = trail[:i] + trail[i + 1 :]
    t.raw.put_audit(_reseal_audit(kept), replacing=trail)


def reorder_audit_commits(t: Target) -> None:
    """Swap the positions of two audit records of different cases: every chain still holds."""
    a, b = t.audit(t.case_a)[-1], t.audit(t.case_b)[0]
    t.raw.put_audit(
        [attrs.evolve(a, position=b.position), attrs.evolve(b, position=a.position)],
        replacing=[a, b],
    )


def audit_without_position(t: Target) -> None:
    """A forged "who has looked" record, chained after case A's trail, inserted with no position:
    the walk by position never meets it, the family's page (``read_audit``) shows it."""
    last = t.audit(t.case_a)[-1]
    forged = attrs.evolve(
        last,
        actor="actor-intruder",
        position=None,
        first_sequence=None,
        last_sequence=None,
        action="read",
    ).sealed(last.sequence + 1, last.hash)
    t.raw.put_audit([forged], replacing=[])


def agenda_row_of_an_unknown_kind(t: Target) -> None:
    t.raw.run(
        "UPDATE case_agenda SET kind = ? WHERE case_id = ? AND key = ?",
        ("no-such-kind", t.case_a, "turns-18"),
    )


def legal_basis_unreadable(t: Target) -> None:
    """An event's legal basis made a list of lists, which no record holds (JSON in SQLite's text
    column, a two-dimensional array in PostgreSQL's ``text[]``): it cannot be hashed."""
    record = t.events(t.case_a)[MIDDLE - 1]
    value = '[["a","b"]]' if t.kind == "sqlite" else "{{a,b}}"
    t.raw.run("UPDATE case_events SET legal_basis = ? WHERE position = ?", (value, record.position))


def delete_data_key(t: Target) -> None:
    """Case A's wrapped data key deleted, as a crypto-shred would, with no audit record of it:
    its identifiers can never be opened again, and nothing in the history changed."""
    t.raw.run("DELETE FROM case_keys WHERE case_id = ?", (t.case_a,))


def replace_store(t: Target) -> None:
    t.replace_with("other")


def roll_back(t: Target) -> None:
    t.replace_with("older")


# name: (tampering, caught by verify alone, what verify --checkpoint names)
TAMPERINGS: dict[str, tuple[Callable[[Target], None], bool, str]] = {}
for _name, (_field, _change) in FIELD_EDITS.items():
    TAMPERINGS[f"event-{_name}-edited"] = (
        _edit_event(_field, _change, recompute=False),
        True,
        # The tree's leaves are the stored hashes; the chain ties each hash to its content.
        "hash chain of",
    )
    TAMPERINGS[f"event-{_name}-edited-chain-recomputed"] = (
        _edit_event(_field, _change, recompute=True),
        # Renumbering or moving an event breaks the case's sequence, so the chain shows it even
        # recomputed; the other fields only a checkpoint can vouch for.
        _name in ("sequence", "case"),
        "events:",
    )
TAMPERINGS.update(
    {
        "legal-basis-a-b-joined-to-a,b": (split_legal_basis, True, "record content edited"),
        "event-deleted-from-the-middle": (delete_middle_event, True, "events:"),
        "event-deleted-chain-recomputed": (delete_middle_event_recomputed, True, "events:"),
        "two-events-reordered": (reorder_two_events, True, "events:"),
        "two-events-reordered-chain-recomputed": (reorder_two_events_recomputed, False, "events:"),
        "commits-of-two-cases-reordered": (reorder_commits_of_two_cases, False, "events:"),
        "forged-event-inserted": (insert_forged_event, True, "hash chain of"),
        "forged-event-inserted-chain-recomputed": (
            insert_forged_event_recomputed,
            True,
            "events:",
        ),
        "events-tail-truncated": (truncate_events, True, "events:"),
        "audit-tail-truncated": (truncate_audit, True, "audit trail:"),
        "audit-tail-of-reads-truncated": (truncate_audit_reads, False, "audit trail:"),
        "events-and-audit-tails-truncated": (truncate_both, False, "events:"),
        "whole-case-deleted": (delete_whole_case, False, "events:"),
        "forged-append-through-the-store": (forged_append, True, "named by no audit record"),
        "agenda-row-edited": (edit_agenda_row, True, "agenda:"),
        "agenda-row-deleted": (delete_agenda_row, True, "agenda:"),
        "agenda-row-inserted": (insert_agenda_row, True, "agenda:"),
        "audit-allowed-edited": (_edit_audit({"allowed": False}, recompute=False), True, "audit"),
        "audit-actor-edited": (_edit_audit({"actor": "someone"}, recompute=False), True, "audit"),
        "audit-reason-edited-chain-recomputed": (
            _edit_audit({"reason": "nothing to see"}, recompute=True),
            False,
            "audit trail:",
        ),
        "audit-actor-edited-chain-recomputed": (
            _edit_audit({"actor_label": "Someone else"}, recompute=True),
            False,
            "audit trail:",
        ),
        "audit-range-edited-chain-recomputed": (
            _edit_audit({"last_sequence": 5}, recompute=True, number=5),
            True,
            "audit trail:",
        ),
        "audit-record-deleted-from-the-middle": (delete_middle_audit, True, "audit trail:"),
        "audit-record-deleted-chain-recomputed": (
            delete_middle_audit_recomputed,
            False,
            "audit trail:",
        ),
        "audit-commits-of-two-cases-reordered": (reorder_audit_commits, False, "audit trail:"),
        "audit-record-inserted-without-position": (
            audit_without_position,
            True,
            "audit trail: case",
        ),
        "agenda-row-of-an-unknown-kind": (agenda_row_of_an_unknown_kind, True, "agenda:"),
        "event-legal-basis-unreadable": (legal_basis_unreadable, True, "record content edited"),
        "data-key-deleted": (
            delete_data_key,
            True,
            "its data key is gone and no audit record says it was shredded",
        ),
        "store-replaced-by-another-valid-one": (replace_store, False, "events:"),
        "store-rolled-back-to-an-older-copy": (roll_back, False, "events:"),
    }
)


# -- the matrix -------------------------------------------------------------------------------


@pytest.fixture
def key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A checkpoint key and its public key, outside the database's folder; no real home."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    signer = Ed25519Signer.generate("kommune.example/barnekoordinator")
    private, public = tmp_path / "checkpoint.key", tmp_path / "checkpoint.pub"
    private.write_text(signer.key_text())
    public.write_text(signer.verifier().key_text())
    return private, public


def _run_matrix(
    target: Target,
    name: str,
    key: tuple[Path, Path],
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    matrix: dict[str, tuple[Callable[[Target], None], bool, str]] = TAMPERINGS,
) -> None:
    tamper, alone, named = matrix[name]
    store = ["--store", target.url, *target.options]
    checkpoint = folder / "checkpoint.txt"
    assert main(["verify", *store]) == 0, capsys.readouterr().out
    assert main(["checkpoint", *store, "--key", str(key[0]), "--output", str(checkpoint)]) == 0
    capsys.readouterr()
    target.raw.drop_triggers()
    tamper(target)
    proof = ["--checkpoint", str(checkpoint), "--public-key", str(key[1])]
    assert main(["verify", *store, *proof]) == 1
    out = capsys.readouterr().out
    assert f"problem: {named}" in out or named in out, out
    caught = main(["verify", *store]) == 1
    out = capsys.readouterr().out
    assert caught == alone, f"verify without a checkpoint: expected caught={alone}\n{out}"


@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_tampering_is_caught_in_sqlite(
    name: str,
    sqlite_templates: dict[str, Path],
    key: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The tampering on a SQLite file is caught by verify given a checkpoint taken before it."""
    target = _sqlite_target(sqlite_templates, tmp_path)
    try:
        _run_matrix(target, name, key, tmp_path, capsys)
    finally:
        target.raw.connection.close()


def legal_basis_not_a_list(t: Target) -> None:
    """SQLite keeps the legal basis as JSON text: ``null`` there is no list, so the record cannot
    be read back at all. ``verify`` reports the walk stopping there (not an environment error)."""
    record = t.events(t.case_a)[MIDDLE - 1]
    t.raw.run("UPDATE case_events SET legal_basis = 'null' WHERE position = ?", (record.position,))


def agenda_due_in_another_form(t: Target) -> None:
    """``20260216`` for ``2026-02-16``: Python reads it as the same day, but the store's queries
    compare the text, so the row would drop out of every agenda query."""
    t.raw.run(
        "UPDATE case_agenda SET due = replace(due, '-', '') WHERE case_id = ? AND key = ?",
        (t.case_a, "turns-18"),
    )


def index_points_at_a_forged_history(t: Target) -> None:
    """The index the store reads one case by is made to point at a forged, re-chained copy of the
    case's last events, kept at negative positions the walk by position never reaches, while the
    original rows stay where they were (``writable_schema``, as anyone with the file can)."""
    history = t.events(t.case_a)
    body = json.loads(history[MIDDLE - 1].payload)
    body["text"] = "a forged observation"
    edited = attrs.evolve(
        history[MIDDLE - 1],
        payload=json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
    )
    forged = [
        attrs.evolve(r, position=-r.sequence)
        for r in _reseal([edited, *history[MIDDLE:]], history[MIDDLE - 2].hash)
    ]
    originals = history[MIDDLE - 1 :]
    raw = t.raw
    table = raw.run("SELECT sql FROM sqlite_master WHERE name = 'case_events'")[0][0]
    assert ",\n    UNIQUE (case_id, sequence)" in table  # its index cannot be edited: dropped
    unique = ",\n    UNIQUE (case_id, sequence)"
    raw.run(
        table.replace("CREATE TABLE case_events", "CREATE TABLE events_copy").replace(unique, "")
    )
    raw.run("INSERT INTO events_copy SELECT * FROM case_events")
    raw.run("DROP TABLE case_events")
    raw.run("ALTER TABLE events_copy RENAME TO case_events")
    for r in originals:
        raw.run("DELETE FROM case_events WHERE position = ?", (r.position,))
    raw.put_events(forged)
    raw.run("CREATE INDEX case_events_by_case ON case_events (case_id, sequence)")
    entry = raw.run(
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master "
        "WHERE name = 'case_events_by_case'"
    )[0]
    raw.run("PRAGMA writable_schema = ON")
    raw.run("DELETE FROM sqlite_master WHERE name = 'case_events_by_case'")
    raw.run("PRAGMA writable_schema = OFF")
    raw.connection.close()
    raw.connection = sqlite3.connect(t.url.removeprefix("sqlite:"), isolation_level=None)
    raw.put_events(originals)  # the hidden index does not learn of them
    raw.run("PRAGMA writable_schema = ON")
    raw.run("INSERT INTO sqlite_master VALUES (?, ?, ?, ?, ?)", tuple(entry))
    raw.run("PRAGMA writable_schema = OFF")
    raw.connection.close()
    raw.connection = sqlite3.connect(t.url.removeprefix("sqlite:"), isolation_level=None)
    with _closing(t.open()) as store:  # the Casebook's read now gives the forged history
        assert json.loads(store.read(t.case_a)[MIDDLE - 1].payload)["text"] == body["text"]


def subject_index_misses_a_case(t: Target) -> None:
    """The index the store looks a child up by (``case_events_subject``) made stale with
    ``writable_schema``: hidden from SQLite while case A's rows are taken out and put back as they
    were. Every row, chain and checkpoint stays the same, but ``find_cases`` no longer finds case
    A, so a second case could be opened for the same child."""
    history = t.events(t.case_a)
    key = next(r.subject_key for r in history if r.subject_key is not None)
    raw, path = t.raw, t.url.removeprefix("sqlite:")
    raw.run("DELETE FROM case_events WHERE case_id = ?", (t.case_a,))
    entry = raw.run(
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master "
        "WHERE name = 'case_events_subject'"
    )[0]
    raw.run("PRAGMA writable_schema = ON")
    raw.run("DELETE FROM sqlite_master WHERE name = 'case_events_subject'")
    raw.run("PRAGMA writable_schema = OFF")
    raw.connection.close()
    raw.connection = sqlite3.connect(path, isolation_level=None)
    raw.put_events(history)  # the same rows at the same positions; the hidden index misses them
    raw.run("PRAGMA writable_schema = ON")
    raw.run("INSERT INTO sqlite_master VALUES (?, ?, ?, ?, ?)", tuple(entry))
    raw.run("PRAGMA writable_schema = OFF")
    raw.connection.close()
    raw.connection = sqlite3.connect(path, isolation_level=None)
    assert t.events(t.case_a) == history
    with _closing(t.open()) as store:
        assert t.case_a not in store.find_cases(key)


SQLITE_TAMPERINGS: dict[str, tuple[Callable[[Target], None], bool, str]] = {
    "event-legal-basis-not-a-list": (legal_basis_not_a_list, True, "read_all: the records after"),
    "agenda-due-in-another-form": (agenda_due_in_another_form, True, "agenda: the stored rows"),
    "index-points-at-a-forged-history": (
        index_points_at_a_forged_history,
        True,
        "is read as another history",
    ),
    "subject-index-misses-a-case": (
        subject_index_misses_a_case,
        True,
        "subject index: find_cases for the child of case(s)",
    ),
}
"""Tamperings only SQLite's file allows (text columns hold any text; the schema is editable)."""


@pytest.mark.parametrize("name", list(SQLITE_TAMPERINGS))
def test_sqlite_only_tampering_is_caught(
    name: str,
    sqlite_templates: dict[str, Path],
    key: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Edits a SQLite file allows and PostgreSQL's types do not: reported (exit 1), not raised."""
    target = _sqlite_target(sqlite_templates, tmp_path)
    try:
        _run_matrix(target, name, key, tmp_path, capsys, SQLITE_TAMPERINGS)
    finally:
        target.raw.connection.close()


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(TAMPERINGS))
def test_tampering_is_caught_in_postgres(
    name: str,
    postgres_dsn: str,
    pg_templates: dict[str, str],
    pg_schema: str,
    key: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The tampering on a PostgreSQL schema is caught by verify given a checkpoint taken before."""
    target = _pg_target(postgres_dsn, pg_templates, pg_schema)
    try:
        _run_matrix(target, name, key, tmp_path, capsys)
    finally:
        target.raw.connection.close()


def subject_lookup_hides_a_case(t: Target) -> None:
    """PostgreSQL's catalogue is not the owner's to edit, but its tables are: ``case_events``
    renamed and a view put in its place that hides case A's rows from a lookup by subject key,
    and from nothing else. Every row, chain and checkpoint stays the same, but ``find_cases`` no
    longer finds case A, so a second case could be opened for the same child."""
    history = t.events(t.case_a)
    key = next(r.subject_key for r in history if r.subject_key is not None)
    assert "'" not in t.case_a
    t.raw.run("ALTER TABLE case_events RENAME TO case_events_rows")
    t.raw.run(
        "CREATE VIEW case_events AS SELECT * FROM case_events_rows "  # noqa: S608 - a case id
        f"WHERE case_id <> '{t.case_a}' OR strpos(current_query(), 'subject_key = ') = 0"
    )
    assert t.events(t.case_a) == history
    with _closing(t.open()) as store:
        assert t.case_a not in store.find_cases(key)


POSTGRES_TAMPERINGS: dict[str, tuple[Callable[[Target], None], bool, str]] = {
    "subject-lookup-hides-a-case": (
        subject_lookup_hides_a_case,
        True,
        "subject index: find_cases for the child of case(s)",
    ),
}
"""Tamperings of PostgreSQL's schema (a view in a table's place) that SQLite has its own for."""


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(POSTGRES_TAMPERINGS))
def test_postgres_only_tampering_is_caught(
    name: str,
    postgres_dsn: str,
    pg_templates: dict[str, str],
    pg_schema: str,
    key: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A view answering one query differently on PostgreSQL: reported (exit 1), not raised."""
    target = _pg_target(postgres_dsn, pg_templates, pg_schema)
    try:
        _run_matrix(target, name, key, tmp_path, capsys, POSTGRES_TAMPERINGS)
    finally:
        target.raw.connection.close()


def _shred_then_verify(
    target: Target, key: tuple[Path, Path], folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A proper crypto-shred after a checkpoint: its audit record is in the case's trail, the key
    is gone, and verify passes with and without the checkpoint (the store only grew)."""
    store = ["--store", target.url, *target.options]
    checkpoint = folder / "checkpoint.txt"
    assert main(["checkpoint", *store, "--key", str(key[0]), "--output", str(checkpoint)]) == 0
    with _closing(target.open()) as opened:
        assert isinstance(opened, DataKeyStore)
        before = opened.read_audit(target.case_a)
        KeyRing(opened, TEST_SEALING_KEY).destroy(
            target.case_a, at=datetime(2026, 2, 1, 8, tzinfo=UTC)
        )
        after = opened.read_audit(target.case_a)
        assert opened.get_data_key(target.case_a) is None
    assert after[: len(before)] == before
    assert [(r.actor, r.action) for r in after[len(before) :]] == [("back-office", "shred")]
    capsys.readouterr()
    proof = ["--checkpoint", str(checkpoint), "--public-key", str(key[1])]
    assert main(["verify", *store, *proof]) == 0, capsys.readouterr().out
    assert main(["verify", *store]) == 0, capsys.readouterr().out


def test_a_recorded_shred_verifies_in_sqlite(
    sqlite_templates: dict[str, Path],
    key: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``data-key-deleted`` without a record is caught; through ``KeyRing.destroy`` it is not."""
    target = _sqlite_target(sqlite_templates, tmp_path)
    try:
        _shred_then_verify(target, key, tmp_path, capsys)
    finally:
        target.raw.connection.close()


@pytest.mark.postgres
def test_a_recorded_shred_verifies_in_postgres(
    postgres_dsn: str,
    pg_templates: dict[str, str],
    pg_schema: str,
    key: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same on PostgreSQL, where the record and the key's deletion are one transaction."""
    target = _pg_target(postgres_dsn, pg_templates, pg_schema)
    try:
        _shred_then_verify(target, key, tmp_path, capsys)
    finally:
        target.raw.connection.close()


def test_the_matrix_covers_the_issue() -> None:
    """At least the 26 tamperings of issue 11 are in the matrix."""
    assert len(TAMPERINGS) >= 26
    undetected_alone = sorted(name for name, (_, alone, _) in TAMPERINGS.items() if not alone)
    documented = (Path(__file__).resolve().parents[2] / "docs" / "concepts" / "proof.md").read_text(
        encoding="utf-8"
    )
    for name in undetected_alone:
        assert f"`{name}`" in documented, f"{name} is caught only with a checkpoint: document it"
