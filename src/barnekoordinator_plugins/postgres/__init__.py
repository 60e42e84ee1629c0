"""The PostgreSQL case store (``postgresql://…``): the path for deployments at scale.

Needs the ``postgres`` extra (psycopg 3). psycopg is imported only when a store
is built, so loading this plugin never fails; without the extra,
[`MissingExtraError`][barnekoordinator.errors.MissingExtraError] names
``pip install 'barnekoordinator[postgres]'``.

The logical schema is the SQLite store's (``case_events``, ``case_audit``,
``case_agenda``), with PostgreSQL types:

* ``case_events`` is one table by default; the ``partitions`` option (fixed when
  the schema is created) makes it **partitioned by hash of case_id** into that
  many parts, for a tenant expected to hold tens of millions of events.
  ``PRIMARY KEY (case_id, sequence)`` — which includes the partition key, as
  PostgreSQL requires — is the arbiter of optimistic concurrency. Global
  positions come from one sequence, with an index on ``position`` (in every
  partition), so ``read_all`` is an ordered index scan (a merge of them when
  partitioned). The plain table is the default because at the sizes in
  ``docs/scale-plan.md`` partitions cost ``read_all`` about a quarter of its
  throughput and buy nothing.
* **Positions never skip.** Sequence values can commit out of order (a reader
  could see position 11 before 10 commits and never come back for 10), so each
  append takes a transaction-level advisory lock before it reads the version;
  appends are serialised and positions become visible in commit order, as with
  eventsourcing's ``LOCK TABLE … IN EXCLUSIVE MODE``. Audit records have positions
  of their own (a signed checkpoint is a Merkle tree over them in this order, which
  must never change), so every audit write takes one audit lock per schema the same
  way; an append with its audit record takes both, the events lock first, and stores
  the two in one transaction. (The audit lock was per case before: audited reads of
  different cases now wait for each other for the length of one short insert.)
* Text columns that are sorted use ``COLLATE "C"``, so the agenda order is the
  same code-point order as in SQLite and in Python, whatever the database locale.
* ``payload`` is ``text``: it is hashed as stored, and ``jsonb`` would
  normalise it.
* Triggers abort ``UPDATE``, ``DELETE`` and ``TRUNCATE`` on events and audit.
* ``psycopg.OperationalError`` (server gone, disk full, lock timeout …),
  read-only transactions (a hot standby) and closed connections become
  [`StorageUnavailable`][barnekoordinator.errors.StorageUnavailable]; the transaction is rolled
  back, so nothing is half-written.

Options (``Config.plugin_options["postgres"]``, all strings): ``schema`` (created
if missing; default: the connection's search path), ``partitions``,
``lock_timeout`` (seconds, default 30) and ``read_only`` (``true`` sets
``default_transaction_read_only``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypedDict, cast

from barnekoordinator.config import Config
from barnekoordinator.history.store import CaseStore
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator_plugins import _options
from barnekoordinator_plugins.postgres._sql import _SCHEMES, SCHEMA_VERSION, require_psycopg
from barnekoordinator_plugins.postgres._store import PostgresCaseStore

if TYPE_CHECKING:
    from barnekoordinator.history.catalogue import Catalogue

__all__ = [
    "SCHEMA_VERSION",
    "PostgresCaseStore",
    "PostgresOptions",
    "barnekoordinator_case_store",
    "options_from_config",
    "require_psycopg",
]


class PostgresOptions(TypedDict, total=False):
    """Keyword options of [`PostgresCaseStore`][barnekoordinator_plugins.postgres.PostgresCaseStore]
    that a configuration may set.
    """

    schema: str
    partitions: int
    lock_timeout: float
    read_only: bool


def options_from_config(options: Mapping[str, str]) -> PostgresOptions:
    """Parse ``Config.plugin_options["postgres"]`` into
    [`PostgresCaseStore`][barnekoordinator_plugins.postgres.PostgresCaseStore] keywords.

    Raises:
        InvalidConfiguration: listing every unknown key and invalid value.
    """
    readers = {
        "schema": _options.text,
        "partitions": _options.whole_number,
        "lock_timeout": _options.seconds,
        "read_only": _options.boolean,
    }
    return cast(PostgresOptions, _options.parse("postgres", options, readers))


@hookimpl(trylast=True)
def barnekoordinator_case_store(config: Config, catalogue: Catalogue) -> CaseStore | None:
    """Provide a [`PostgresCaseStore`][barnekoordinator_plugins.postgres.PostgresCaseStore] for
    ``store="postgresql://…"``.
    """
    if config.store_scheme not in _SCHEMES:
        return None
    options = options_from_config(config.plugin_options.get("postgres", {}))
    return PostgresCaseStore(config.store, **options, catalogue=catalogue)
