"""``barnekoordinator verify``: check every case's hash chain and audit trail.

Streams the whole history through ``read_all`` (memory stays proportional to
the number of cases, not events), checks that positions strictly increase, that
every case's records continue its chain (sequence, link and content hash) and
that the count matches the store's version, then verifies each case's audit
trail. SQLite and PostgreSQL stores are opened read-only, so verifying never
writes (nor creates a missing file).

Exit status: 0 every chain verifies; 1 a problem was found (each printed with
its case id); 2 usage error; 3 the store could not be opened.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable

import attrs

from barnekoordinator.config import Config
from barnekoordinator.errors import ChainBroken, InvalidConfiguration
from barnekoordinator.history.records import GENESIS, verify_audit
from barnekoordinator.history.store import CaseStore
from barnekoordinator.plugins import case_store, get_plugin_manager

__all__ = ["VerifyReport", "register", "run", "verify_store"]

STORE_ENV = "BARNEKOORDINATOR_STORE"
_PAGE = 5000


@attrs.frozen
class VerifyReport:
    """What [`verify_store()`][barnekoordinator._cli.verify.verify_store] checked and the problems
    it found.
    """

    cases: int
    events: int
    audit_records: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def verify_store(store: CaseStore) -> VerifyReport:
    """Verify every event chain and audit trail in ``store``."""
    problems: list[str] = []
    heads: dict[str, tuple[int, str]] = {}
    broken: set[str] = set()
    events = 0
    after = 0
    while True:
        page = store.read_all(after_position=after, limit=_PAGE)
        if not page:
            break
        for record in page:
            events += 1
            if record.position is None or record.position <= after:
                problems.append(
                    f"read_all: position {record.position} does not follow {after} "
                    f"(case {record.case_id}, sequence {record.sequence})"
                )
            after = max(after, record.position or after)
            if record.case_id in broken:
                continue
            sequence, last_hash = heads.get(record.case_id, (0, GENESIS))
            reason = None
            if record.sequence != sequence + 1:
                reason = "record missing or out of order"
            elif record.prev_hash != last_hash:
                reason = "link to previous record broken"
            elif record.hash != record.expected_hash():
                reason = "record content edited"
            if reason is not None:
                broken.add(record.case_id)
                problems.append(str(ChainBroken(record.case_id, record.sequence, reason)))
            heads[record.case_id] = (record.sequence, record.hash)
    case_ids = set(heads)
    listed = getattr(store, "case_ids", None)
    if callable(listed):
        case_ids |= set(listed())
    audit_records = 0
    for case_id in sorted(case_ids):
        version = store.version(case_id)
        seen = heads.get(case_id, (0, GENESIS))[0]
        if case_id not in broken and version != seen:
            problems.append(
                f"case {case_id}: the store says version {version}, "
                f"but read_all holds {seen} record(s)"
            )
        trail = store.read_audit(case_id)
        audit_records += len(trail)
        try:
            verify_audit(case_id, trail)
        except ChainBroken as exc:
            problems.append(f"audit trail: {exc}")
    return VerifyReport(len(case_ids), events, audit_records, tuple(problems))


def _options(pairs: Iterable[str]) -> dict[str, dict[str, str]]:
    options: dict[str, dict[str, str]] = {
        "sqlite": {"read_only": "true"},
        "postgres": {"read_only": "true"},
    }
    for pair in pairs:
        name, sep, value = pair.partition("=")
        plugin, dot, key = name.partition(".")
        if not (sep and dot and plugin and key):
            raise InvalidConfiguration(f"--option: expected PLUGIN.KEY=VALUE, got {pair!r}")
        options.setdefault(plugin, {})[key] = value
    return options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` subcommand to the ``barnekoordinator`` parser."""
    parser = subparsers.add_parser(
        "verify",
        help="verify every case's hash chain and audit trail",
        description=(
            "Verify the hash chain of every case and every audit trail in a store. "
            "Exit status: 0 all verify, 1 a problem was found, 3 the store could not be opened."
        ),
    )
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
        help="a store plugin option, e.g. postgres.schema=bk (repeatable)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Verify the store; print a summary and each problem; return the exit status."""
    url = args.store or os.environ.get(STORE_ENV) or Config().store
    config = Config(store=url, plugin_options=_options(args.option))
    store = case_store(get_plugin_manager(), config)
    try:
        report = verify_store(store)
    finally:
        store.close()
    for problem in report.problems:
        print(f"problem: {problem}")
    verdict = "OK" if report.ok else f"{len(report.problems)} problem(s)"
    print(
        f"verified {report.cases} case(s), {report.events} event(s), "
        f"{report.audit_records} audit record(s): {verdict}"
    )
    return 0 if report.ok else 1
