"""Proof benchmark: Merkle roots, signed checkpoints and consistency proofs at a million records.

Run from the repository root (``pip install -e '.[bench]'`` first)::

    python benchmarks/bench_proof.py              # full run (about a minute)
    python benchmarks/bench_proof.py --quick      # smoke run (seconds)

What is measured:

* **root of 1,000,000 leaves** — ``tree_root`` over one million 32-byte record hashes (what
  ``checkpoint`` and ``verify --checkpoint`` compute from a store's records, without the reads);
* **sign a checkpoint** — ``sign_checkpoint``: the note text and its Ed25519 signature;
* **consistency proof 999,000 → 1,000,000** — building it from the leaves (``verify`` recomputes
  the subtrees, so this is linear in the store) and verifying it (logarithmic: 20 hashes);
* **a checkpoint per commit** — one-event appends to a SQLite store (``synchronous=FULL``, each
  with its audit record in the same transaction, as the Casebook writes them) alone, and the
  same appends each with a checkpoint. Each way of taking one runs in a pair of its own with a
  writer that takes none, the two alternating commit by commit, so load from other processes
  hits both alike; the ratio is with ÷ without (target <= 1.10). The ways: the
  ``CommitCheckpointer`` given to the store (decision 39: the store hands over what it wrote,
  and the trees and signature are made on a worker thread during the commit's fsync; and the
  same signing after the commit, ``overlap=False``); the outside ``Checkpointer`` (decision 32:
  it reads back the new records and the last one it saw, then signs); compact trees kept by
  hand, as this benchmark did before decision 32 (started at a million leaves); and the full
  path ``store_checkpoint`` (every record read and hashed again). Writing the note to a file is
  not included: where it goes (a transparency log, another machine) decides that cost;
* **the same on PostgreSQL** — the ``CommitCheckpointer`` (during the commit and after it) and
  the outside ``Checkpointer`` beside a writer without, on a private server with its durable
  defaults (``--no-postgres`` leaves it out);
* **where a checkpoint's time goes** — each step of the incremental path timed alone (the reads,
  the leaves and roots, the note text, the Ed25519 signature, writing the note to a file);
* **a checkpoint at 1,000,000 records** — ``store_checkpoint`` over a SQLite store of a million
  event records, against the ``Checkpointer`` after 1 and after 1,000 new records.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from barnekoordinator.history.checkpoint import (
    Checkpoint,
    Checkpointer,
    Ed25519Signer,
    TreeHead,
    record_leaf,
    sign_checkpoint,
    store_checkpoint,
)
from barnekoordinator.history.commit_checkpoint import CommitCheckpointer
from barnekoordinator.history.merkle import (
    CompactTree,
    consistency_proof,
    tree_root,
    verify_consistency,
)
from barnekoordinator.history.records import GENESIS
from barnekoordinator.testing.conformance import make_audit, make_records
from barnekoordinator.testing.postgres import throwaway_postgres
from barnekoordinator_plugins.postgres import PostgresCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore


def _leaves(count: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(count)]


def _best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_tree(size: int, runs: int) -> None:
    leaves = _leaves(size)
    signer = Ed25519Signer.generate("bench.example/log")
    old = size - size // 1000
    root_s = _best(lambda: tree_root(leaves), runs)
    root = tree_root(leaves)
    checkpoint = Checkpoint("bench.example/log", TreeHead(size, root), TreeHead(size, root))
    sign_s = _best(lambda: [sign_checkpoint(checkpoint, signer) for _ in range(1000)], runs) / 1000
    proof_s = _best(lambda: consistency_proof(leaves, old), runs)
    proof = consistency_proof(leaves, old)
    old_root = tree_root(leaves[:old])
    check_s = (
        _best(
            lambda: [verify_consistency(old, size, old_root, root, proof) for _ in range(1000)],
            runs,
        )
        / 1000
    )
    print(f"root of {size:,} leaves:                 {root_s * 1000:9.1f} ms")
    print(f"sign a checkpoint (note + Ed25519):     {sign_s * 1e6:9.1f} µs")
    print(
        f"consistency proof {old:,} → {size:,}: build {proof_s * 1000:.1f} ms "
        f"({len(proof)} hashes), verify {check_s * 1e6:.1f} µs"
    )


_Opener = Callable[[str, "CommitCheckpointer | None"], "SQLiteCaseStore | PostgresCaseStore"]
"""Opens a store of its own for a writer: its mode (a name for its file or schema) and the
commit checkpointer to give it."""


class _Writer:
    """One-event appends with their audit record, optionally followed by a checkpoint.

    ``mode``: ``"none"``, ``"compact"`` (the trees kept by hand, as this benchmark measured
    before decision 32, started at a million leaves), ``"checkpointer"`` (the incremental
    ``Checkpointer``) or ``"full"`` (``store_checkpoint``: the whole store again).
    """

    def __init__(self, open_store: _Opener, mode: str, signer: Ed25519Signer) -> None:
        self.committer: CommitCheckpointer | None = None
        if mode in ("commit", "commit-inline"):
            self.committer = CommitCheckpointer(
                "bench.example/log", signer, overlap=mode == "commit"
            )
        self.store = open_store(mode, self.committer)
        self.case = f"case-{mode}"
        self.version = 0
        self.prev = GENESIS
        self.mode = mode
        self.signer = signer
        self.events = CompactTree()
        self.audit = CompactTree()
        self.event_position = 0
        self.audit_position = 0
        self.checkpointer = Checkpointer(self.store, "bench.example/log")
        self.last_checkpoint = 0.0

    def commit(self) -> float:
        """One append (and its checkpoint); the seconds it took (``last_checkpoint``: the
        checkpoint's own share)."""
        batch = make_records(self.case, 1, after_version=self.version, prev_hash=self.prev)
        audit = make_audit(self.case)
        start = time.perf_counter()
        self.store.append(self.case, self.version, batch, audit=audit)
        appended = time.perf_counter()
        if self.mode == "compact":
            # Follow the store as an outside checkpointer would: read the new records back
            # by position, add their leaves to the trees kept in memory, sign both roots.
            events = self.store.read_all(after_position=self.event_position)
            trail = self.store.read_all_audit(after_position=self.audit_position)
            self.event_position = events[-1].position or 0
            self.audit_position = trail[-1].position or 0
            self.events.extend(map(record_leaf, events))
            self.audit.extend(map(record_leaf, trail))
            head = Checkpoint(
                "bench.example/log",
                TreeHead(self.events.size, self.events.root()),
                TreeHead(self.audit.size, self.audit.root()),
            )
            sign_checkpoint(head, self.signer)
        elif self.mode == "checkpointer":
            sign_checkpoint(self.checkpointer.checkpoint(), self.signer)
        elif self.mode == "full":
            sign_checkpoint(store_checkpoint(self.store, "bench.example/log"), self.signer)
        end = time.perf_counter()
        if self.committer is not None:
            # Signed inside the append: check that this commit's note was published.
            last = self.committer.last
            if last is None or last.checkpoint.events.size != self.version + 1:
                raise SystemExit(f"{self.mode}: no checkpoint published for this commit")
        took = end - start
        self.last_checkpoint = end - appended
        self.version += 1
        self.prev = batch[0].hash
        return took

    def close(self) -> None:
        self.store.close()
        if self.committer is not None:
            self.committer.close()


def _median_us(fn: Callable[[], object], runs: int = 2000) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def _breakdown(writer: _Writer, folder: str) -> list[str]:
    """Each step of an incremental checkpoint timed alone (the store as the commits left it)."""
    store, signer = writer.store, writer.signer
    events, audit = writer.checkpointer.frontiers()
    checkpoint = writer.checkpointer.checkpoint()
    text = checkpoint.text()
    message = text.encode("utf-8")
    note = sign_checkpoint(checkpoint, signer)
    records = store.read_all(after_position=events.position - 1)
    target = Path(folder) / "checkpoint.txt"

    def write() -> None:
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_text(note, encoding="utf-8")
        os.replace(temporary, target)

    def leaves_and_roots() -> None:
        tree = CompactTree.from_frontier(events.size, events.hashes)
        tree.extend(map(record_leaf, records[1:] or records))
        tree.root()
        CompactTree.from_frontier(audit.size, audit.hashes).root()

    steps = [
        (
            "read the last event record and what follows",
            lambda: store.read_all(after_position=events.position - 1),
        ),
        (
            "read the last audit record and what follows",
            lambda: store.read_all_audit(after_position=audit.position - 1),
        ),
        ("leaf hash, frontier append, both roots", leaves_and_roots),
        ("the whole Checkpointer.checkpoint()", writer.checkpointer.checkpoint),
        ("the note text (Checkpoint.text)", checkpoint.text),
        ("Ed25519 signature (cryptography)", lambda: signer.sign(message)),
        (
            "sign_checkpoint (text + checks + signature)",
            lambda: sign_checkpoint(checkpoint, signer),
        ),
        ("write the note to a file (no fsync) and rename", write),
    ]
    lines = ["where an incremental checkpoint's time goes (median of 2,000 each):"]
    lines += [f"  {name:48} {_median_us(fn):7.1f} µs" for name, fn in steps]
    return lines


_LABELS = {
    "compact": "hand-kept compact trees at 1,000,000 leaves (before)",
    "checkpointer": "incremental Checkpointer",
    "full": "full path store_checkpoint",
    "commit": "CommitCheckpointer, signed during the commit's fsync",
    "commit-inline": "CommitCheckpointer, signed after the commit (overlap=False)",
}


def _sqlite(folder: str) -> _Opener:
    def open_store(mode: str, committer: CommitCheckpointer | None) -> SQLiteCaseStore:
        return SQLiteCaseStore(Path(folder) / f"{mode}.db", commit_checkpointer=committer)

    return open_store


def _pair(
    mode: str,
    commits: int,
    signer: Ed25519Signer,
    where: str | None,
    lines: list[str],
    opener: Callable[[str], _Opener] = _sqlite,
) -> tuple[float, ...]:
    """``commits`` rounds of a writer without checkpoints and one with ``mode``, alternating.

    Returns the median append without, the median with, the median of the per-round ratios
    and the median of the checkpoint's own time (outside checkpoints only); the outside
    checkpointer's step-by-step breakdown goes to ``lines``. ``opener`` gives each writer its
    store (SQLite files in a temporary folder, by default).
    """
    with tempfile.TemporaryDirectory(dir=where) as folder:
        open_store = opener(folder)
        writers = [_Writer(open_store, m, signer) for m in ("none", mode)]
        if mode == "compact":  # the hand-kept trees start at a million leaves
            for tree in (writers[1].events, writers[1].audit):
                tree.extend(_leaves(1_000_000))
        took: tuple[list[float], list[float]] = ([], [])
        own: list[float] = []
        try:
            # Alternate commit by commit, the order turning each round, so load from other
            # processes (and what one writer did to the disk) hits both alike; the medians
            # drop the commits that waited for someone else's disk or CPU. Each checkpointing
            # writer is paired with its own writer without checkpoints, in a run of its own:
            # run beside the full path, which reads and hashes the whole store every round,
            # every other writer's commits slowed by 10-30 % in ways that differed by writer.
            for round_ in range(commits):
                for index in (0, 1) if round_ % 2 == 0 else (1, 0):
                    took[index].append(writers[index].commit())
                own.append(writers[1].last_checkpoint)
            if mode == "checkpointer":
                lines += _breakdown(writers[1], folder)
        finally:
            for writer in writers:
                writer.close()
    without, with_ = statistics.median(took[0]), statistics.median(took[1])
    paired = statistics.median(x / y for x, y in zip(took[1], took[0], strict=True))
    return without, with_, paired, statistics.median(own)


def bench_per_commit_postgres(commits: int) -> None:
    """The same pairs on PostgreSQL (a private server with its durable defaults: ``fsync``
    and ``synchronous_commit`` on), each writer in a schema of its own."""
    signer = Ed25519Signer.generate("bench.example/log")
    with throwaway_postgres(durable=True) as server:
        made = 0

        def opener(_folder: str) -> _Opener:
            def open_store(mode: str, committer: CommitCheckpointer | None) -> PostgresCaseStore:
                nonlocal made
                made += 1
                schema = f"bench_{made}_{mode.replace('-', '_')}"
                return PostgresCaseStore(server.dsn, schema=schema, commit_checkpointer=committer)

            return open_store

        print(
            f"a checkpoint per commit on PostgreSQL (durable: fsync, synchronous_commit on; "
            f"{commits:,} rounds each, alternating)"
        )
        for mode in ("commit", "commit-inline", "checkpointer"):
            without, with_, paired, own = _pair(mode, commits, signer, None, [], opener)
            note = "inside the append" if mode.startswith("commit") else f"{own * 1e6:.1f} µs"
            print(
                f"  {_LABELS[mode]}: {with_ * 1e6:.1f} µs against {without * 1e6:.1f} µs; "
                f"ratio {with_ / without:.3f}, per pair {paired:.3f} (target <= 1.10); "
                f"the checkpoint alone {note}"
            )


def bench_per_commit(commits: int, where: str | None) -> None:
    signer = Ed25519Signer.generate("bench.example/log")
    print(
        f"a checkpoint per commit: each way beside one-event appends without (SQLite, FULL, "
        f"{commits:,} rounds each, alternating)"
    )
    alone = {}
    breakdown: list[str] = []
    for mode, label in _LABELS.items():
        rounds = min(commits, 500) if mode == "full" else commits
        without, with_, paired, own = _pair(mode, rounds, signer, where, breakdown)
        alone[mode] = (own, without)
        inside = mode in ("commit", "commit-inline")
        note = "inside the append" if inside else f"{own * 1e6:.1f} µs"
        extra = f" (store grows to {rounds:,})" if mode == "full" else ""
        print(
            f"  {label}{extra}: {with_ * 1e6:.1f} µs against {without * 1e6:.1f} µs; "
            f"ratio {with_ / without:.3f}, per pair {paired:.3f} (target <= 1.10); "
            f"the checkpoint alone {note}"
        )
    print("\n".join(breakdown))
    k, a = alone["checkpointer"]
    # What meets the target where one per commit does not: a checkpoint every n commits
    # costs k / n per commit; one a second costs k per second of appends.
    print("the outside Checkpointer taken every n commits instead:")
    for n in (1, 2, 5, 10, 100):
        print(f"  a checkpoint every {n:3} commits adds {k / (n * a):6.1%} to a one-event append")
    print(f"  a checkpoint every second adds {k:.6f} s per second of work ({k:.3%})")


def bench_scale(size: int, where: str | None) -> None:
    """A checkpoint of a store of ``size`` event records: full, and incremental after 1 and
    after 1,000 new records."""
    with tempfile.TemporaryDirectory(dir=where) as folder:
        store = SQLiteCaseStore(Path(folder) / "scale.db")
        version, prev = 0, GENESIS
        began = time.perf_counter()
        batch_size = 1000
        try:
            while version < size:
                batch = make_records(
                    "case-scale",
                    min(batch_size, size - version),
                    after_version=version,
                    prev_hash=prev,
                )
                store.append("case-scale", version, batch, audit=make_audit("case-scale"))
                version += len(batch)
                prev = batch[-1].hash
            print(f"store of {size:,} event records written in {time.perf_counter() - began:.0f} s")
            checkpointer = Checkpointer(store, "bench.example/log")
            began = time.perf_counter()
            first = checkpointer.checkpoint()
            first_s = time.perf_counter() - began
            began = time.perf_counter()
            full = store_checkpoint(store, "bench.example/log")
            full_s = time.perf_counter() - began
            assert first == full
            print(
                f"checkpoint of {size:,} records: full path (store_checkpoint) {full_s:.2f} s; "
                f"the Checkpointer's first (it reads everything once) {first_s:.2f} s"
            )
            for new in (1, 1000):
                batch = make_records("case-scale", new, after_version=version, prev_hash=prev)
                store.append("case-scale", version, batch, audit=make_audit("case-scale"))
                version += new
                prev = batch[-1].hash
                began = time.perf_counter()
                incremental = checkpointer.checkpoint()
                took = time.perf_counter() - began
                began = time.perf_counter()
                full = store_checkpoint(store, "bench.example/log")
                full_s = time.perf_counter() - began
                assert incremental == full
                print(
                    f"  after {new:,} new record(s): Checkpointer {took * 1000:.2f} ms, "
                    f"full path {full_s:.2f} s (identical checkpoints)"
                )
        finally:
            store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, one run")
    parser.add_argument(
        "--dir", help="folder for the SQLite files (default: the system's temporary folder)"
    )
    parser.add_argument(
        "--no-postgres", action="store_true", help="leave out the PostgreSQL checkpoint per commit"
    )
    args = parser.parse_args()
    size, runs, commits = (20_000, 1, 60) if args.quick else (1_000_000, 3, 2000)
    print(f"Python {sys.version.split()[0]}")
    bench_tree(size, runs)
    bench_per_commit(commits, args.dir)
    if not args.no_postgres:
        bench_per_commit_postgres(commits // 2)
    bench_scale(size, args.dir)


if __name__ == "__main__":
    main()
