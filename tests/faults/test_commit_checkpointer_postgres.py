"""The CommitCheckpointer on PostgreSQL (decision 39): a signed checkpoint in every write
transaction, equal to the full computation after each commit, with positions drawn under the
append locks and other writers' records read in the locks' round trip.

Issue 11, item 5: "a checkpoint per commit". The SQLite side, and the checkpointer's own
rules (interrupts, forks, failing signers), are in ``tests/unit/test_commit_checkpointer.py``;
here is what PostgreSQL adds: sequences, pipeline mode, several sessions writing at once, and
tails longer than one page.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _commit_writes import WRITES, append, checked, in_commit_order, reads_of, run_writes
from barnekoordinator.errors import InvalidConfiguration, StoreDiverged
from barnekoordinator.history.checkpoint import (
    Checkpointer,
    Ed25519Signer,
    store_checkpoint,
)
from barnekoordinator.history.commit_checkpoint import CommitCheckpoint, CommitCheckpointer
from barnekoordinator.testing.conformance import CONFORMANCE_CATALOGUE, make_audit, make_records
from barnekoordinator.testing.postgres import drop_schema
from barnekoordinator_plugins.postgres import PostgresCaseStore, _commit

ORIGIN = "test.example/log"
SIGNER = Ed25519Signer.generate(ORIGIN)


def _store(dsn: str, schema: str, committer: CommitCheckpointer | None = None) -> PostgresCaseStore:
    return PostgresCaseStore(
        dsn, schema=schema, catalogue=CONFORMANCE_CATALOGUE, commit_checkpointer=committer
    )


_append = append


def _checked(note: CommitCheckpoint, store: PostgresCaseStore) -> None:
    checked(note, store, SIGNER.verifier(), ORIGIN)


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two records a page: every tail longer than that is read in several pages."""
    monkeypatch.setattr(_commit, "PAGE", 2)


@pytest.fixture
def schemas(postgres_dsn: str) -> Iterator[list[str]]:
    """Fresh schema names (one per Hypothesis example), all dropped after the test."""
    made: list[str] = []
    yield made
    for schema in made:
        drop_schema(postgres_dsn, schema)


def _schema(made: list[str]) -> str:
    made.append(f"c_{uuid.uuid4().hex[:16]}")
    return made[-1]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(WRITES, st.booleans(), st.booleans())
def test_each_commit_publishes_the_full_checkpoint(
    postgres_dsn: str,
    schemas: list[str],
    small_pages: None,
    ops: list[tuple[object, ...]],
    overlap: bool,
    primed: bool,
) -> None:
    """After every write through the store, its note is the full checkpoint of the store as it
    committed — with another session's writes in between (read back in pages of two), bulk
    loads, audit-only appends, appends without an audit record, and conflicts, whose drawn
    positions are left as gaps: a conflict publishes nothing and changes nothing."""
    schema = _schema(schemas)
    with _store(postgres_dsn, schema) as other:
        _append(other, "before", 3)  # a store that already holds more than a page of records
        frontiers = {}
        if primed:  # started from an outside checkpoint: the first write reads only what is new
            outside = Checkpointer(other, ORIGIN)
            outside.checkpoint()
            frontiers = dict(zip(("events", "audit"), outside.frontiers(), strict=True))
        notes: list[CommitCheckpoint] = []
        with (
            CommitCheckpointer(ORIGIN, SIGNER, notes.append, overlap=overlap, **frontiers) as cp,
            _store(postgres_dsn, schema, cp) as store,
        ):
            run_writes(ops, store, other, cp, notes, SIGNER.verifier())


def test_an_append_that_follows_reads_no_tail(postgres_dsn: str, pg_schema: str) -> None:
    """With its positions drawn, an append that follows the last records seen is signed from
    its own rows: the checkpointer asks for no tail. An events-only append and an audit-only
    one ask, and get the other tree's tail from the page read with the locks."""
    with CommitCheckpointer(ORIGIN, SIGNER) as cp:
        store = _store(postgres_dsn, pg_schema, cp)
        _append(store, "a", 2)  # the first write of an unseen store reads it
        calls = reads_of(cp)
        _append(store, "a", 3)
        assert calls == []
        _append(store, "a", 1, audit=False)
        store.append_audit(make_audit("a"))
        assert len(calls) == 2
        _checked(cp.last, store)  # type: ignore[arg-type]
        store.close()


def _tamper(dsn: str, schema: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"SET search_path = {schema}")
        connection.execute("DROP TRIGGER case_events_append_only ON case_events")
        connection.execute(sql)


def test_a_truncated_store_is_refused_and_nothing_is_written(
    postgres_dsn: str, pg_schema: str
) -> None:
    with CommitCheckpointer(ORIGIN, SIGNER) as cp:
        store = _store(postgres_dsn, pg_schema, cp)
        _append(store, "a", 3)
        before = cp.last
        _tamper(postgres_dsn, pg_schema, "DELETE FROM case_events WHERE sequence = 3")
        with _store(postgres_dsn, pg_schema) as other:
            _append(other, "other", 1)  # so the tail is read back
        with pytest.raises(StoreDiverged) as caught:
            _append(store, "b", 1)
        assert caught.value.tree == "events"
        assert store.version("b") == 0
        assert cp.last is before
        store.close()


def test_threads_sharing_one_checkpointer_sign_committed_prefixes(
    postgres_dsn: str, pg_schema: str, small_pages: None
) -> None:
    """Threads of one process (a connection each) share a store and its checkpointer. Event-only
    appends and audit-only appends hold different locks, so one may commit between another's
    locks and its commit: its tail page is then stale and read again. Every note is a committed
    prefix, published in commit order, and the last is the store's full checkpoint."""
    notes: list[CommitCheckpoint] = []
    errors: list[BaseException] = []
    with CommitCheckpointer(ORIGIN, SIGNER, notes.append) as cp:
        store = _store(postgres_dsn, pg_schema, cp)

        def work(index: int) -> None:
            try:
                for round_ in range(15):
                    if index % 2:
                        store.append_audit(make_audit(f"case-{index}"))
                    else:
                        _append(store, f"case-{index}", 1 + round_ % 3, audit=round_ % 3 == 0)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        assert len(notes) == 60
        in_commit_order(notes, store, SIGNER.verifier())
        _checked(notes[-1], store)
        store.close()


def test_sessions_with_checkpointers_of_their_own_each_sign_committed_prefixes(
    postgres_dsn: str, pg_schema: str, small_pages: None
) -> None:
    """Four writers, each with a store handle and a checkpointer of its own (as four processes
    would be), write to one schema at once. Each keeps whole trees: every note it publishes is
    a prefix of the store as it ends, its notes never go back, and none is lost."""
    errors: list[BaseException] = []
    published: list[list[CommitCheckpoint]] = [[] for _ in range(4)]

    def work(index: int) -> None:
        try:
            with CommitCheckpointer(ORIGIN, SIGNER, published[index].append) as cp:
                store = _store(postgres_dsn, pg_schema, cp)
                for round_ in range(12):
                    if round_ % 4 == 3:
                        store.append_audit(make_audit(f"case-{index}"))
                    else:
                        _append(store, f"case-{index}", 1 + round_ % 2, audit=round_ % 2 == 0)
                store.close()
        except BaseException as exc:
            errors.append(exc)

    _store(postgres_dsn, pg_schema).close()  # the schema, made once
    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    final = _store(postgres_dsn, pg_schema)
    for notes in published:
        assert len(notes) == 12
        in_commit_order(notes, final, SIGNER.verifier())
    final.close()


def test_a_read_only_store_or_another_object_is_refused(postgres_dsn: str, pg_schema: str) -> None:
    _store(postgres_dsn, pg_schema).close()
    with (
        CommitCheckpointer(ORIGIN, SIGNER) as cp,
        pytest.raises(InvalidConfiguration, match="postgres commit_checkpointer"),
    ):
        PostgresCaseStore(postgres_dsn, schema=pg_schema, read_only=True, commit_checkpointer=cp)
    with pytest.raises(InvalidConfiguration, match="postgres commit_checkpointer"):
        PostgresCaseStore(
            postgres_dsn,
            schema=pg_schema,
            commit_checkpointer=object(),  # type: ignore[arg-type]
        )


@pytest.mark.parametrize("audit", [True, False])
def test_a_long_tail_sent_early_does_not_stand_in_for_the_version_read(
    postgres_dsn: str, pg_schema: str, monkeypatch: pytest.MonkeyPatch, audit: bool
) -> None:
    """Found while building this: in pipeline mode the server sends results before the sync
    when its buffer fills (a page of a long tail fills it). A result that arrives while a
    later statement of the same cursor is sent becomes that cursor's result, so when the append
    took its locks on the cursor that then read the case's version, it read the lock's empty
    row (``IndexError`` or ``ValueError``). The draw here waits after sending, as a thread
    that lost the processor would, so the early results are always there."""
    with _store(postgres_dsn, pg_schema) as plain:
        for index in range(12):  # 1,200 events and 12 audit records: a full page of tail
            case = f"big-{index}"
            plain.append(case, 0, make_records(case, 100), audit=make_audit(case))
    draw = _commit.Transaction.draw

    def slow(self: _commit.Transaction, *args: object, **kwargs: bool) -> None:
        draw(self, *args, **kwargs)  # type: ignore[arg-type]
        time.sleep(0.05)

    monkeypatch.setattr(_commit.Transaction, "draw", slow)
    with CommitCheckpointer(ORIGIN, SIGNER) as cp, _store(postgres_dsn, pg_schema, cp) as store:
        assert _append(store, "a", 1, audit=audit) == 1
        assert _append(store, "a", 2, audit=audit) == 3
        assert cp.last is not None
        assert cp.last.checkpoint == store_checkpoint(store, ORIGIN)
