"""The SQLite case store (``sqlite:PATH``): the embedded default, stdlib only.

This module is also the worked example for vendors writing their own store:
one table per stream kind, a uniqueness constraint as the last line of defence,
one transaction per append (holding the events, their agenda rows and, when
given, their audit record), and every driver error mapped onto the library's
error tree.

Design:

* **WAL** journal, so readers never block the single writer, and
  ``synchronous=FULL`` by default (each commit is fsynced: a record that was
  acknowledged survives a power cut); ``NORMAL`` is durable across application
  crashes only.
* **``BEGIN IMMEDIATE``** takes the write lock *before* the version is read, so
  the check and the insert form one serialised transaction across threads and
  processes. ``UNIQUE(case_id, sequence)`` backs it up.
* **STRICT** tables; **triggers** abort any ``UPDATE`` or ``DELETE`` on events
  and audit records. ``recorded_at`` has no default: times come from the
  records (the core's [`Clock`][barnekoordinator.clock.Clock]), never from SQLite.
* Positions are the row ids: SQLite gives each new row the highest position
  plus one. Rows are never deleted (the triggers), so a position is never
  handed out twice; SQLite has one writer at a time, so positions become
  visible in commit order and ``read_all`` never skips. (``AUTOINCREMENT``
  would also guard against reuse after a delete, at the price of one more page
  written per commit: 3.4 WAL pages for a one-event append instead of 2.4. The
  end-of-retention purge, the only delete there will be, must therefore keep
  the row with the highest position. Files made before this change keep
  ``AUTOINCREMENT``; both layouts work alike.)
* A batch is one multi-row ``INSERT``; reads build records straight from the
  stored (canonical) values.
* One connection per thread (and per process after a fork), all closed by
  [`SQLiteCaseStore.close()`][barnekoordinator_plugins.sqlite.SQLiteCaseStore.close].
* ``sqlite3`` errors meaning "cannot write or read" (read-only, disk or
  ``max_page_count`` full, unable to open, I/O error, locked past the busy
  timeout, not a database) become
  [`StorageUnavailable`][barnekoordinator.errors.StorageUnavailable]; the transaction is rolled
  back, so nothing is half-written.

Options (``Config.plugin_options["sqlite"]``, all strings): ``synchronous``
(``FULL``/``NORMAL``/``EXTRA``/``OFF``), ``busy_timeout`` (seconds),
``max_page_count`` (pages; caps the file size), ``read_only`` (``true`` opens
the file with ``mode=ro`` and never creates it) and ``create`` (``false`` opens it read-write
with ``mode=rw``: a missing file is
[`StoreNotFound`][barnekoordinator.errors.StoreNotFound], not a new empty store).

A lock held by another process past ``busy_timeout`` raises
[`StoreLocked`][barnekoordinator.errors.StoreLocked] naming the holders when Linux's
``/proc/locks`` shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, TypedDict, cast

from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator.history.store import CaseStore
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator_plugins import _options
from barnekoordinator_plugins.sqlite._sql import _SYNCHRONOUS, SCHEMA, SCHEMA_VERSION
from barnekoordinator_plugins.sqlite._store import SQLiteCaseStore

if TYPE_CHECKING:
    from barnekoordinator.history.catalogue import Catalogue

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "SQLiteCaseStore",
    "SQLiteOptions",
    "barnekoordinator_case_store",
    "options_from_config",
]


class SQLiteOptions(TypedDict, total=False):
    """Keyword options of [`SQLiteCaseStore`][barnekoordinator_plugins.sqlite.SQLiteCaseStore] that
    a configuration may set.
    """

    synchronous: str
    busy_timeout: float
    max_page_count: int
    read_only: bool
    create: bool


def options_from_config(options: Mapping[str, str]) -> SQLiteOptions:
    """Parse ``Config.plugin_options["sqlite"]`` into
    [`SQLiteCaseStore`][barnekoordinator_plugins.sqlite.SQLiteCaseStore] keywords.

    Raises:
        InvalidConfiguration: listing every unknown key and invalid value.
    """
    readers = {
        "synchronous": _options.one_of(*_SYNCHRONOUS),
        "busy_timeout": _options.seconds,
        "max_page_count": _options.positive_integer,
        "read_only": _options.boolean,
        "create": _options.boolean,
    }
    return cast(SQLiteOptions, _options.parse("sqlite", options, readers))


@hookimpl(trylast=True)
def barnekoordinator_case_store(config: Config, catalogue: Catalogue) -> CaseStore | None:
    """Provide a [`SQLiteCaseStore`][barnekoordinator_plugins.sqlite.SQLiteCaseStore] for
    ``store="sqlite:PATH"``.
    """
    if config.store_scheme != "sqlite":
        return None
    path = config.store.split(":", 1)[1]
    if not path:
        raise InvalidConfiguration("store: 'sqlite:' needs a file path, e.g. 'sqlite:cases.db'")
    options = options_from_config(config.plugin_options.get("sqlite", {}))
    return SQLiteCaseStore(path, **options, catalogue=catalogue)
