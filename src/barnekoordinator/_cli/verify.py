"""``barnekoordinator verify``: check that the store's history is whole and, given a signed
checkpoint kept elsewhere, that it is the same history, only longer.

Without a checkpoint it checks what the store can show about itself:

* every case's events continue its hash chain (sequence, link and content hash) and their number
  is the store's version; every audit trail likewise;
* positions of events and of audit records strictly increase (``read_all``, ``read_all_audit``);
* every event is named by exactly one allowed audit record's range of stored events, no range
  overlaps another or names events that do not exist (an append made around the Casebook, or an
  audit trail or history cut short, shows here);
* the agenda rows are exactly what the catalogue's projectors give for the events;
* each case's own reads (``read`` and ``read_audit``, what the Casebook loads a case and the
  family's "who has looked" page by) give exactly the records the walk gave for that case, so an
  index or a view that shows a case another history than the one the walk and a checkpoint
  cover is reported;
* every child's keyed hash (the events' ``subject_key``) finds, with ``find_cases`` (what the
  Casebook looks a child up by before it opens a case), exactly the cases whose events carry it:
  a stale or edited index that misses a case would let a second case be opened for the same
  child (the key itself is never printed);
* a SQLite file passes ``PRAGMA integrity_check`` (an index edited through ``writable_schema``
  shows here, whatever it indexes);
* in a store that keeps the wrapped data keys, every case whose events hold sealed identifiers
  (``{"sealed": "v1.…"}``) has its data key, or an audit record of its crypto-shred
  (``KeyRing.destroy``); a key deleted without one, and a shred recorded whose key is still
  there, are reported. No key is needed: a key that no longer opens (its ``kek_id`` edited) is
  found when the key ring opens the case.

A record or row the store cannot read (an edited type, time or date) is a problem, reported like
the others: the walk of that stream stops there, and what follows it is not verified.

With ``--checkpoint FILE`` it also proves, with RFC 6962 consistency proofs, that the trees of the
event and audit records the checkpoint signed are prefixes of the store's trees now: nothing the
checkpoint covers was edited, removed, inserted, reordered or replaced, even with every hash
chain recomputed (see docs/concepts/proof.md for what this does and does not catch).

SQLite and PostgreSQL stores are opened read-only, so verifying never writes (nor creates a
missing file). Memory stays proportional to the number of cases and agenda rows, plus 32 bytes a
record when a checkpoint is checked.

At a terminal, the records walked so far are counted on standard error.

Exit status: 0 everything verifies; 1 a problem was found (each printed, naming the case or the
stream); 2 usage error; 3 the store could not be opened or the checkpoint could not be read or is
not signed by the trusted key.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from barnekoordinator._cli import (
    add_json_option,
    add_lang_option,
    json_text,
    printable,
    terminal_progress,
)
from barnekoordinator._cli._keys import load_verifier, read_note
from barnekoordinator._cli._wiring import STORE_ENV, open_store, plugin_options, store_url
from barnekoordinator.config import Config
from barnekoordinator.errors import ChainBroken, InvalidInput, ProofFailed, StorageUnavailable
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.checkpoint import Checkpoint, TreeHead, open_checkpoint, record_leaf
from barnekoordinator.history.merkle import consistency_proof, tree_root, verify_consistency
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.history.records import GENESIS, AuditRecord, EventRecord, content_hash
from barnekoordinator.history.store import CaseStore
from barnekoordinator.texts import text as cli_text

__all__ = [
    "VerifyReport",
    "add_store_arguments",
    "register",
    "run",
    "store_options",
    "store_url",
    "verify_json",
    "verify_store",
]

_PAGE = 5000

_Tick = Callable[[int], None] | None


@attrs.frozen
class VerifyReport:
    """What [`verify_store()`][barnekoordinator._cli.verify.verify_store] checked and the problems
    it found.

    ``checkpoint`` is the checkpoint the store was checked against, if any.
    """

    cases: int
    events: int
    audit_records: int
    problems: tuple[str, ...]
    checkpoint: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


class _Stream:
    """One kind of record walked in commit order: chain heads per case, leaves, problems."""

    def __init__(self, label: str, problems: list[str], *, keep_leaves: bool) -> None:
        self.label = label
        self.problems = problems
        self.heads: dict[str, tuple[int, str]] = {}
        self.broken: set[str] = set()
        self.leaves: list[bytes] = []
        self.keep_leaves = keep_leaves
        self.count = 0
        self.after = 0
        self.marked: set[str] = set()  # cases with sealed identifiers / with a shred recorded
        self.stopped = False  # a page could not be read: what follows it was not walked

    def add(self, record: EventRecord | AuditRecord, method: str) -> None:
        self.count += 1
        if record.position is None or record.position <= self.after:
            self.problems.append(
                f"{method}: position {record.position} does not follow {self.after} "
                f"(case {record.case_id}, sequence {record.sequence})"
            )
        self.after = max(self.after, record.position or self.after)
        if self.keep_leaves:
            self.leaves.append(record_leaf(record))
        if record.case_id in self.broken:
            return
        sequence, last_hash = self.heads.get(record.case_id, (0, GENESIS))
        reason = None
        if record.sequence != sequence + 1:
            reason = "record missing or out of order"
        elif record.prev_hash != last_hash:
            reason = "link to previous record broken"
        elif content_hash(record) != record.hash:
            reason = "record content edited"
        if reason is not None:
            self.broken.add(record.case_id)
            self.problems.append(
                self.label + str(ChainBroken(record.case_id, record.sequence, reason))
            )
        self.heads[record.case_id] = (record.sequence, record.hash)


def _unreadable(what: str, exc: Exception) -> str:
    """The problem of a read that failed on what the store holds (the error's type only: its
    message may quote the edited value)."""
    return (
        f"{what} cannot be read ({type(exc).__name__}): a row was edited or damaged; what it "
        "holds is not verified"
    )


def _page(stream: _Stream, method: str, read: Callable[..., list[Any]]) -> list[Any]:
    """The next page of a walk, or none when the store cannot read it (reported: the walk ends
    there). A store that cannot be reached at all is not a finding: it is raised."""
    try:
        return read(after_position=stream.after, limit=_PAGE)
    except StorageUnavailable:
        raise
    except Exception as exc:
        stream.problems.append(
            stream.label + _unreadable(f"{method}: the records after position {stream.after}", exc)
        )
        stream.stopped = True
        return []


def _walk_events(
    store: CaseStore,
    catalogue: Catalogue,
    stream: _Stream,
    subjects: dict[str, set[str]],
    tick: _Tick = None,
) -> dict[tuple[str, AgendaKind, str], AgendaItem]:
    """Walk ``read_all``: the chains into ``stream``, the agenda the projectors give returned;
    the cases whose events hold sealed identifiers marked, and the cases whose events carry each
    subject key into ``subjects``."""
    from barnekoordinator.history.sealing import holds_sealed_identifier

    agenda: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    sealed = stream.marked
    while page := _page(stream, "read_all", store.read_all):
        before = stream.after
        for record in page:
            stream.add(record, "read_all")
            if record.subject_key is not None:
                subjects.setdefault(record.subject_key, set()).add(record.case_id)
            if record.case_id not in sealed and holds_sealed_identifier(record.payload):
                sealed.add(record.case_id)
            try:
                apply_ops(agenda, catalogue.project([record]))
            except Exception as exc:  # an edited payload may break any projector: report it
                stream.problems.append(
                    f"agenda: event {record.sequence} of case {record.case_id} cannot be "
                    f"projected ({type(exc).__name__})"
                )
        if tick is not None:
            tick(len(page))
        if stream.after == before:
            break  # positions that do not advance (reported by add()): paging on never ends
    return agenda


def _walk_audit(
    store: CaseStore, stream: _Stream, tick: _Tick = None
) -> dict[str, list[AuditRecord]]:
    """Walk ``read_all_audit``: the chains into ``stream``, the records naming events returned;
    the cases with a crypto-shred recorded marked."""
    from barnekoordinator.history.sealing import is_shred_record

    writes: dict[str, list[AuditRecord]] = {}
    while page := _page(stream, "read_all_audit", store.read_all_audit):
        before = stream.after
        for record in page:
            stream.add(record, "read_all_audit")
            if is_shred_record(record):
                stream.marked.add(record.case_id)
            if record.first_sequence is not None or record.last_sequence is not None:
                writes.setdefault(record.case_id, []).append(record)
        if tick is not None:
            tick(len(page))
        if stream.after == before:
            break
    return writes


def _check_coverage(
    case_id: str, version: int, writes: Iterable[AuditRecord], problems: list[str]
) -> None:
    """Every event 1..version named by exactly one allowed audit record, and nothing else."""
    ranges: list[tuple[int, int, int]] = []
    for record in writes:
        where = f"audit record {record.sequence} of case {case_id}"
        first, last = record.first_sequence, record.last_sequence
        if first is None or last is None or first < 1 or last < first:
            problems.append(f"{where}: names no proper range of events ({first}–{last})")
        elif not record.allowed:
            problems.append(f"{where}: a refusal, yet it names stored events {first}–{last}")
        else:
            ranges.append((first, last, record.sequence))
    expected = 1
    for first, last, sequence in sorted(ranges):
        if last > version:
            problems.append(
                f"audit record {sequence} of case {case_id}: names events {first}–{last}, but "
                f"the case has {version} event(s): events were removed"
            )
        if first < expected:
            problems.append(
                f"case {case_id}: events {first}–{min(last, expected - 1)} are named by more than "
                f"one audit record (again by audit record {sequence})"
            )
        elif first > expected and expected <= version:
            problems.append(_uncovered(case_id, expected, min(first - 1, version)))
        expected = max(expected, last + 1)
    if expected <= version:
        problems.append(_uncovered(case_id, expected, version))


def _check_case_read(
    stream: _Stream, method: str, case_id: str, read: Callable[[str], list[Any]]
) -> None:
    """The records a case's own read gives (what the Casebook loads, what the family's page
    shows) are the ones the walk gave for it: a whole chain from the start, ending at the same
    record. The chain ties every record to that last hash, so nothing else need be kept."""
    if stream.stopped or case_id in stream.broken:
        return  # reported by the walk already
    where = f"{stream.label}case {case_id}: {method}"
    try:
        records = read(case_id)
    except StorageUnavailable:
        raise
    except Exception as exc:
        stream.problems.append(_unreadable(where, exc))
        return
    sequence, last_hash = 0, GENESIS
    for record in records:
        if (
            record.case_id != case_id
            or record.sequence != sequence + 1
            or record.prev_hash != last_hash
            or content_hash(record) != record.hash
        ):
            stream.problems.append(
                f"{where} gives a record {record.sequence} that is not in the case's chain: the "
                "case is read as another history than the one read by position"
            )
            return
        sequence, last_hash = record.sequence, record.hash
    if (sequence, last_hash) != stream.heads.get(case_id, (0, GENESIS)):
        walked = stream.heads.get(case_id, (0, GENESIS))[0]
        stream.problems.append(
            f"{where} gives {sequence} record(s), not the {walked} read by position: the case "
            "is read as another history than the one a checkpoint covers"
        )


def _check_subjects(
    store: CaseStore, events: _Stream, subjects: dict[str, set[str]], problems: list[str]
) -> None:
    """Each subject key walked finds exactly the cases whose events carry it (``find_cases``,
    what the Casebook looks a child up by before opening a case). The key is never printed: it
    is the keyed hash of a child's identity number; the cases name the child instead."""
    if events.stopped:
        return  # the keys after where the walk stopped are unseen: reported already
    for key, walked in sorted(subjects.items(), key=lambda item: sorted(item[1])):
        where = f"subject index: find_cases for the child of case(s) {', '.join(sorted(walked))}"
        try:
            found = set(store.find_cases(key))
        except StorageUnavailable:
            raise
        except Exception as exc:
            problems.append(_unreadable(where, exc))
            continue
        if found == walked:
            continue
        wrong = []
        if walked - found:
            wrong.append(f"misses case(s) {', '.join(sorted(walked - found))}")
        if found - walked:
            wrong.append(f"gives case(s) {', '.join(sorted(found - walked))} not carrying it")
        problems.append(
            f"{where} {' and '.join(wrong)}: the child is looked up in another history than the "
            "one read by position (a stale or edited index or view; a second case could be "
            "opened for the same child)"
        )


_INTEGRITY_ROWS = 20
"""At most this many of the rows ``PRAGMA integrity_check`` returns are reported."""


def _check_sqlite_file(store: CaseStore, problems: list[str]) -> None:
    """A SQLite store's file passes ``PRAGMA integrity_check``: an index made to miss rows
    (``writable_schema``, as anyone with the file can) is found whatever it indexes. The file is
    opened read-only on a connection of its own; its rows name pages and indexes, not values."""
    from barnekoordinator_plugins.sqlite import SQLiteCaseStore
    from barnekoordinator_plugins.sqlite._uri import file_uri

    if not isinstance(store, SQLiteCaseStore) or store.path == ":memory:":
        return
    import sqlite3

    try:
        connection = sqlite3.connect(
            file_uri(store.path, "ro"), uri=True, timeout=store.busy_timeout
        )
    except sqlite3.Error as exc:
        raise StorageUnavailable(
            f"SQLite store {store.path!r}: cannot be opened for its integrity check "
            f"({type(exc).__name__})"
        ) from None
    try:
        rows = connection.execute(f"PRAGMA integrity_check({_INTEGRITY_ROWS})").fetchall()
    except sqlite3.OperationalError as exc:  # locked, gone: not a finding
        raise StorageUnavailable(
            f"SQLite store {store.path!r}: its integrity check could not run ({exc})"
        ) from None
    except sqlite3.DatabaseError as exc:  # "database disk image is malformed"
        problems.append(f"SQLite integrity_check: the file is damaged ({exc})")
        return
    finally:
        connection.close()
    found = [str(row[0]) for row in rows if row and row[0] != "ok"]
    problems.extend(f"SQLite integrity_check: {row}" for row in found)
    if len(found) >= _INTEGRITY_ROWS:
        problems.append(f"SQLite integrity_check: only the first {_INTEGRITY_ROWS} rows are shown")


def _uncovered(case_id: str, first: int, last: int) -> str:
    return (
        f"case {case_id}: events {first}–{last} are named by no audit record (appended around "
        "the Casebook, their audit record removed, or written before audit records named events)"
    )


def _check_data_keys(
    store: CaseStore, events: _Stream, audit: _Stream, problems: list[str]
) -> None:
    """In a store that keeps the wrapped data keys: a case with sealed identifiers has its key or
    a recorded shred, and a recorded shred left no key behind (ids only: no key is read)."""
    from barnekoordinator.history.sealing import DataKeyStore

    if not isinstance(store, DataKeyStore):
        return  # keys kept elsewhere (a key-management service): nothing here to compare
    try:
        keyed = set(store.data_key_cases())
    except StorageUnavailable:
        raise
    except Exception as exc:
        problems.append(_unreadable("data keys: the cases' wrapped keys", exc))
        return
    if audit.stopped:
        return  # a shred recorded after where the walk stopped is unseen: reported already
    for case_id in sorted(events.marked - keyed - audit.marked):
        problems.append(
            f"case {case_id}: its events hold sealed identifiers, but its data key is gone and "
            "no audit record says it was shredded (removed around the library: its identifiers "
            "can no longer be opened)"
        )
    for case_id in sorted(audit.marked & keyed):
        problems.append(
            f"case {case_id}: an audit record says its data key was shredded, but the key is "
            "still in the store: the shred did not finish (run KeyRing.destroy again)"
        )


def _check_agenda(
    store: CaseStore,
    expected: dict[tuple[str, AgendaKind, str], AgendaItem],
    problems: list[str],
) -> None:
    """The stored agenda rows are exactly the ones the events give (details never printed)."""
    try:
        rows = store.agenda(until=date.max)
    except StorageUnavailable:
        raise
    except Exception as exc:
        problems.append(_unreadable("agenda: the stored rows", exc))
        return
    stored = {(i.case_id, i.kind, i.key): i for i in rows}
    for key in sorted(set(stored) | set(expected), key=lambda k: (k[0], k[1].value, k[2])):
        have, want = stored.get(key), expected.get(key)
        if have == want:
            continue
        row = f"agenda row ({key[1].value}, {key[2]}) of case {key[0]}"
        if have is None:
            problems.append(f"agenda: the {row} that the events give is missing")
        elif want is None:
            problems.append(f"agenda: the {row} is given by no event")
        else:
            problems.append(f"agenda: the {row} differs from what the events give")


def _check_tree(what: str, noun: str, stream: _Stream, head: TreeHead, problems: list[str]) -> None:
    """The checkpoint's tree of ``head.size`` leaves is a prefix of the stream's tree now."""
    leaves = stream.leaves
    if len(leaves) < head.size:
        problems.append(
            f"{what}: the store holds {len(leaves)} {noun}, fewer than the {head.size} the "
            f"checkpoint covers: {noun} were removed after it was taken (a cut-off tail, a "
            "deleted case, or an older copy of the store)"
        )
        return
    try:
        proof = consistency_proof(leaves, head.size)
        verify_consistency(head.size, len(leaves), head.root, tree_root(leaves), proof)
    except ProofFailed:
        problems.append(
            f"{what}: the first {head.size} {noun} are not the ones the checkpoint covers: one "
            "was edited, removed, inserted or reordered, or the store replaced, after it was taken"
        )


def verify_store(
    store: CaseStore,
    *,
    checkpoint: Checkpoint | None = None,
    catalogue: Catalogue | None = None,
    progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Verify every chain, range and agenda row in ``store``, and its consistency with
    ``checkpoint`` (an already verified one, see
    [`open_checkpoint()`][barnekoordinator.history.checkpoint.open_checkpoint]).

    ``catalogue`` holds the projectors the agenda is recomputed with (default: the library's);
    ``progress``, if given, is called with the number of records of each page walked.
    """
    if catalogue is None:
        from barnekoordinator.catalogue import CATALOGUE

        catalogue = CATALOGUE
    problems: list[str] = []
    keep = checkpoint is not None
    events = _Stream("", problems, keep_leaves=keep)
    subjects: dict[str, set[str]] = {}
    agenda = _walk_events(store, catalogue, events, subjects, progress)
    audit = _Stream("audit trail: ", problems, keep_leaves=keep)
    writes = _walk_audit(store, audit, progress)
    case_ids = set(events.heads) | set(audit.heads) | set(store.case_ids())
    for case_id in sorted(case_ids):
        version = store.version(case_id)
        seen = events.heads.get(case_id, (0, GENESIS))[0]
        if not events.stopped and case_id not in events.broken and version != seen:
            problems.append(
                f"case {case_id}: the store says version {version}, "
                f"but read_all holds {seen} record(s)"
            )
        if not audit.stopped:
            _check_coverage(case_id, version, writes.get(case_id, ()), problems)
        _check_case_read(events, "read", case_id, store.read)
        _check_case_read(audit, "read_audit", case_id, store.read_audit)
    _check_subjects(store, events, subjects, problems)
    _check_data_keys(store, events, audit, problems)
    _check_agenda(store, agenda, problems)
    _check_sqlite_file(store, problems)
    if checkpoint is not None:
        # A walk that stopped was reported; its leaves are not the store's, so no proof is made.
        if not events.stopped:
            _check_tree("events", "event(s)", events, checkpoint.events, problems)
        if checkpoint.audit is None:
            problems.append("checkpoint: it has no audit tree line, so the audit trail is unproved")
        elif not audit.stopped:
            _check_tree("audit trail", "audit record(s)", audit, checkpoint.audit, problems)
    return VerifyReport(len(case_ids), events.count, audit.count, tuple(problems), checkpoint)


def store_options(pairs: Iterable[str]) -> dict[str, dict[str, str]]:
    """Plugin options from ``--option PLUGIN.KEY=VALUE`` pairs; first-party stores read-only."""
    return plugin_options(pairs, "read")


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """``--store URL`` and ``--option PLUGIN.KEY=VALUE`` (shared with ``checkpoint``)."""
    parser.add_argument(
        "--store",
        metavar="URL",
        help=f"store URL such as sqlite:cases.db (default: ${STORE_ENV} or {Config().store})",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="PLUGIN.KEY=VALUE",
        help="a plugin option, e.g. postgres.schema=bk or sqlite.busy_timeout=2 (seconds to "
        "wait for a locked file; repeatable)",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` subcommand to the ``barnekoordinator`` parser."""
    parser = subparsers.add_parser(
        "verify",
        help="verify hash chains, audit ranges, agenda rows and a signed checkpoint",
        description=(
            "Verify the hash chain of every case and every audit trail in a store, that every "
            "event has its audit record and that the agenda is what the events give; with "
            "--checkpoint, prove the store is a consistent extension of a signed checkpoint. "
            "Exit status: 0 all verify, 1 a problem was found, 3 the store or the checkpoint "
            "could not be used. At a terminal, progress is shown on standard error."
        ),
    )
    add_store_arguments(parser)
    add_json_option(
        parser,
        '{"ok", "cases", "events", "audit_records", "problems": [...], "checkpoint": '
        '{"origin", "events", "audit_records"} or null}',
    )
    add_lang_option(parser)
    parser.add_argument(
        "--checkpoint",
        metavar="FILE",
        help="a signed checkpoint (from `barnekoordinator checkpoint`) kept outside the store",
    )
    parser.add_argument(
        "--public-key",
        metavar="FILE",
        help="the checkpoint key's public key, with --checkpoint only (default: derived from "
        "the checkpoint key that `checkpoint` would use)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Verify the store; print a summary and each problem; return the exit status."""
    url = store_url(args)
    checkpoint = None
    for option, name in (("--checkpoint", args.checkpoint), ("--public-key", args.public_key)):
        if name == "":  # Path("") is the current folder: a usage error, as for checkpoint
            raise InvalidInput(f"{option}: expected a file name, got an empty one")
    if args.public_key is not None and args.checkpoint is None:
        raise InvalidInput("--public-key: only with --checkpoint (it is the checkpoint's key)")
    if args.checkpoint is not None:
        verifier = load_verifier(args.public_key, store_url=url, environ=os.environ)
        checkpoint = open_checkpoint(read_note(Path(args.checkpoint)), verifier)
    _, _, store = open_store(args, "read")
    try:
        with terminal_progress("verify", "record") as tick:
            report = verify_store(store, checkpoint=checkpoint, progress=tick)
    finally:
        store.close()
    if args.json:
        print(json_text(verify_json(report), indent=2))
    else:
        _print_report(report, args.lang)
    return 0 if report.ok else 1


def verify_json(report: VerifyReport) -> dict[str, object]:
    """The document ``verify --json`` prints for ``report``."""
    checkpoint = report.checkpoint
    return {
        "ok": report.ok,
        "cases": report.cases,
        "events": report.events,
        "audit_records": report.audit_records,
        "problems": list(report.problems),
        "checkpoint": None
        if checkpoint is None
        else {
            "origin": checkpoint.origin,
            "events": checkpoint.events.size,
            "audit_records": checkpoint.audit.size if checkpoint.audit is not None else 0,
        },
    }


def _print_report(report: VerifyReport, lang: str) -> None:
    for problem in report.problems:
        print(cli_text("cli.verify.problem").format(lang, problem=printable(problem)))
    if report.ok:
        verdict = cli_text("cli.verify.ok").get(lang)
    else:
        verdict = cli_text("cli.verify.problems").format(lang, count=len(report.problems))
    print(
        cli_text("cli.verify.summary").format(
            lang,
            cases=report.cases,
            events=report.events,
            audit=report.audit_records,
            verdict=verdict,
        )
    )
    checkpoint = report.checkpoint
    if checkpoint is not None and report.ok:
        audit = checkpoint.audit.size if checkpoint.audit is not None else 0
        print(
            cli_text("cli.verify.consistent").format(
                lang,
                origin=printable(checkpoint.origin),
                events=checkpoint.events.size,
                audit=audit,
            )
        )
