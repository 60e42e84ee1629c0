"""pytest fixtures for barnekoordinator and its plugins.

Registered through the ``pytest11`` entry point, so every test run in an
environment with barnekoordinator installed loads it: it therefore imports
nothing heavy at import time (no Hypothesis, no database drivers, not even the
library itself); each fixture imports what it needs.

Fixtures (all named ``bk_…``, so they cannot clash with a project's own ``plugin_manager`` or
``postgres_dsn``; before 0.3 they had no prefix):

* ``bk_fixed_clock`` — a [`FixedClock`][barnekoordinator.clock.FixedClock] at
  2026-01-05 09:30 UTC;
* ``bk_memory_store`` — a fresh
  [`InMemoryCaseStore`][barnekoordinator_plugins.memory.InMemoryCaseStore];
* ``bk_sqlite_store`` — a [`SQLiteCaseStore`][barnekoordinator_plugins.sqlite.SQLiteCaseStore]
  in a file under ``tmp_path``;
* ``bk_plugin_manager`` — a fresh plugin manager with the first-party plugins and
  *no* entry points: register the plugin under test with
  ``bk_plugin_manager.register(plugin, name="acme")``;
* ``bk_postgres_dsn`` (session) — the DSN of a throwaway PostgreSQL server started
  for the session ([`throwaway_postgres()`][barnekoordinator.testing.postgres.throwaway_postgres]).
  When it cannot start, tests using it are skipped with the reason — or fail
  when ``BARNEKOORDINATOR_REQUIRE_POSTGRES=1`` (set it in CI);
* ``bk_oidc_provider`` — a started
  [`LoopbackOidcProvider`][barnekoordinator.testing.oidc.LoopbackOidcProvider] on 127.0.0.1
  (one RS256 key, its clock at 2026-01-05 09:30 UTC), stopped after the test.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import pluggy

    from barnekoordinator.clock import FixedClock
    from barnekoordinator.testing.oidc import LoopbackOidcProvider
    from barnekoordinator_plugins.memory import InMemoryCaseStore
    from barnekoordinator_plugins.sqlite import SQLiteCaseStore

__all__ = [
    "REQUIRE_POSTGRES_ENV",
    "bk_fixed_clock",
    "bk_memory_store",
    "bk_oidc_provider",
    "bk_plugin_manager",
    "bk_postgres_dsn",
    "bk_sqlite_store",
    "session_postgres_dsn",
]

REQUIRE_POSTGRES_ENV = "BARNEKOORDINATOR_REQUIRE_POSTGRES"
"""Set to ``1`` to make PostgreSQL tests fail, not skip, when no server can start."""

_POSTGRES = pytest.StashKey[tuple[str | None, str]]()


def pytest_configure(config: pytest.Config) -> None:
    """Declare the markers the fixtures and conformance suites use."""
    config.addinivalue_line(
        "markers", "postgres: needs a throwaway PostgreSQL server (started by the tests)"
    )


@pytest.fixture
def bk_fixed_clock() -> FixedClock:
    """A clock standing still at 2026-01-05 09:30 UTC."""
    from datetime import UTC, datetime

    from barnekoordinator.clock import FixedClock

    return FixedClock(datetime(2026, 1, 5, 9, 30, tzinfo=UTC))


@pytest.fixture
def bk_memory_store() -> Iterator[InMemoryCaseStore]:
    """A fresh in-memory case store."""
    from barnekoordinator_plugins.memory import InMemoryCaseStore

    store = InMemoryCaseStore()
    yield store
    store.close()


@pytest.fixture
def bk_sqlite_store(tmp_path: os.PathLike[str]) -> Iterator[SQLiteCaseStore]:
    """A SQLite case store in a fresh file under ``tmp_path``."""
    from barnekoordinator_plugins.sqlite import SQLiteCaseStore

    store = SQLiteCaseStore(os.path.join(tmp_path, "cases.db"))
    yield store
    store.close()


@pytest.fixture
def bk_plugin_manager() -> pluggy.PluginManager:
    """A fresh plugin manager with the first-party plugins and no entry points."""
    import importlib

    from barnekoordinator.plugins import FIRST_PARTY_PLUGINS, get_plugin_manager

    return get_plugin_manager(
        load_entrypoints=False,
        plugins=[
            (name, importlib.import_module(module)) for name, module in FIRST_PARTY_PLUGINS.items()
        ],
    )


def session_postgres_dsn(config: pytest.Config) -> str:
    """The DSN of the session's throwaway PostgreSQL server, started on first use.

    The server is shared by every fixture that calls this in the session and
    removed at the end. When it cannot start, the calling test is skipped with
    the reason, or fails when ``BARNEKOORDINATOR_REQUIRE_POSTGRES=1``.
    """
    state = config.stash.get(_POSTGRES, None)
    if state is None:
        stack = contextlib.ExitStack()
        try:
            from barnekoordinator.plugins import FIRST_PARTY_PLUGINS  # noqa: F401
            from barnekoordinator.testing.postgres import throwaway_postgres
            from barnekoordinator_plugins.postgres import require_psycopg

            require_psycopg()
            server = stack.enter_context(throwaway_postgres())
        except Exception as exc:  # reported as the skip/fail reason
            stack.close()
            state = (None, f"no throwaway PostgreSQL server: {type(exc).__name__}: {exc}")
        else:
            config.add_cleanup(stack.close)
            state = (server.dsn, "")
        config.stash[_POSTGRES] = state
    dsn, reason = state
    if dsn is None:
        if os.environ.get(REQUIRE_POSTGRES_ENV, "") == "1":
            pytest.fail(f"{reason} ({REQUIRE_POSTGRES_ENV}=1)", pytrace=False)
        pytest.skip(f"{reason} (set {REQUIRE_POSTGRES_ENV}=1 to make this a failure)")
    return dsn


@pytest.fixture(scope="session")
def bk_postgres_dsn(request: pytest.FixtureRequest) -> str:
    """The DSN of a throwaway PostgreSQL server shared by the session."""
    return session_postgres_dsn(request.config)


@pytest.fixture
def bk_oidc_provider() -> Iterator[LoopbackOidcProvider]:
    """A loopback OpenID provider on 127.0.0.1 (discovery, JWKS, signed tokens)."""
    from barnekoordinator.testing.oidc import LoopbackOidcProvider

    with LoopbackOidcProvider() as provider:
        yield provider
