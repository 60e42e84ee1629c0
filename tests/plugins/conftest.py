"""Fixtures for the plugin tests: a session-wide throwaway PostgreSQL server.

The server is started on first use and shared with ``tests/faults`` through
:func:`barnekoordinator.testing.pytest_plugin.session_postgres_dsn`. Without a
server the PostgreSQL tests skip, or fail under ``BARNEKOORDINATOR_REQUIRE_POSTGRES=1``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from barnekoordinator.testing.postgres import drop_schema
from barnekoordinator.testing.pytest_plugin import session_postgres_dsn


@pytest.fixture(scope="session")
def postgres_dsn(request: pytest.FixtureRequest) -> str:
    """The DSN of the session's throwaway PostgreSQL server."""
    return session_postgres_dsn(request.config)


@pytest.fixture
def pg_schema(postgres_dsn: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh schema names, all dropped after the test."""
    made: list[str] = []

    def new() -> str:
        made.append(f"t_{uuid.uuid4().hex[:16]}")
        return made[-1]

    yield new
    for schema in made:
        drop_schema(postgres_dsn, schema)
