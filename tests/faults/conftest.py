"""Fixtures for the fault tests: writer processes and the shared PostgreSQL server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from barnekoordinator.testing.postgres import drop_schema
from barnekoordinator.testing.pytest_plugin import session_postgres_dsn

WRITER = Path(__file__).with_name("_writer.py")
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="session")
def postgres_dsn(request: pytest.FixtureRequest) -> str:
    """The DSN of the session's throwaway PostgreSQL server (shared with tests/plugins)."""
    return session_postgres_dsn(request.config)


@pytest.fixture
def pg_schema(postgres_dsn: str) -> Iterator[str]:
    """A fresh schema name, dropped after the test."""
    schema = f"f_{uuid.uuid4().hex[:16]}"
    yield schema
    drop_schema(postgres_dsn, schema)


def writer_env() -> dict[str, str]:
    """The environment for writer processes: this checkout's src first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def start_writer() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start writer processes (``_writer.py MODE SPEC``); any left running are killed."""
    started: list[subprocess.Popen[str]] = []

    def start(mode: str, spec: dict[str, object]) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, str(WRITER), mode, json.dumps(spec)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=writer_env(),
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()
