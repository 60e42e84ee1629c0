"""The ``barnekoordinator plugins`` and ``barnekoordinator verify`` commands."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from barnekoordinator.cli import main
from barnekoordinator.testing.conformance import (
    CONFORMANCE_CATALOGUE,
    make_audit,
    make_records,
)
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SRC = Path(__file__).resolve().parents[2] / "src"


def test_plugins_lists_each_plugin_and_its_hooks(capsys: pytest.CaptureFixture[str]) -> None:
    """`plugins` prints every loaded plugin with the hooks it implements."""
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    for name in ("memory", "sqlite", "postgres"):
        assert f"{name}: barnekoordinator_plugins.{name}" in out
    assert "    barnekoordinator_case_store" in out


def test_plugins_json_and_block(capsys: pytest.CaptureFixture[str]) -> None:
    """`plugins --json --block NAME` prints JSON without the blocked plugin."""
    assert main(["plugins", "--lang", "en", "--json", "--block", "postgres"]) == 0
    listed = {item["name"]: item for item in json.loads(capsys.readouterr().out)}
    assert "postgres" not in listed
    assert listed["sqlite"]["hooks"] == ["barnekoordinator_case_store"]


def test_plugins_command_runs_as_a_program() -> None:
    """`python -m barnekoordinator plugins` works in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-m", "barnekoordinator", "plugins"],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    ).stdout
    assert "sqlite: barnekoordinator_plugins.sqlite" in out


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store with two cases, agenda rows and audit trails."""
    path = tmp_path / "cases.db"
    # Note events only: the command recomputes the agenda with the library's projectors, which
    # do not know the conformance suite's agenda events.
    with SQLiteCaseStore(path, catalogue=CONFORMANCE_CATALOGUE) as store:
        for case in ("case-1", "case-2"):
            records = make_records(case, 2)
            store.append(case, 0, records, audit=make_audit(case, action="write", stored=records))
            store.append_audit(make_audit(case))
        store.append_audit(make_audit("case-audit-only"))
    return path


def test_verify_passes_on_a_sound_store(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`verify --store sqlite:PATH` exits 0 and counts cases, events and audit records."""
    assert main(["verify", "--lang", "en", "--store", f"sqlite:{db}"]) == 0
    out = capsys.readouterr().out
    assert "verified 3 case(s), 4 event(s), 5 audit record(s): OK" in out


def test_verify_reads_the_store_from_the_environment(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --store, verify uses $BARNEKOORDINATOR_STORE."""
    monkeypatch.setenv("BARNEKOORDINATOR_STORE", f"sqlite:{db}")
    assert main(["verify"]) == 0
    assert ": OK" in capsys.readouterr().out


def _tamper(db: Path, sql: str, trigger: str) -> None:
    raw = sqlite3.connect(db, isolation_level=None)
    try:
        raw.execute(f"DROP TRIGGER {trigger}")
        raw.execute(sql)
    finally:
        raw.close()


def test_verify_finds_an_edited_event(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An event edited behind the store's back makes verify exit 1 naming the case."""
    _tamper(
        db,
        "UPDATE case_events SET payload = '{\"edited\":1}' "
        "WHERE case_id = 'case-2' AND sequence = 2",
        "case_events_no_update",
    )
    assert main(["verify", "--lang", "en", "--store", f"sqlite:{db}"]) == 1
    out = capsys.readouterr().out
    assert "case-2 broken at 2: record content edited" in out
    assert "1 problem(s)" in out


def test_verify_finds_a_removed_event(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An event deleted from the middle of a case makes verify exit 1."""
    _tamper(
        db,
        "DELETE FROM case_events WHERE case_id = 'case-1' AND sequence = 1",
        "case_events_no_delete",
    )
    assert main(["verify", "--lang", "en", "--store", f"sqlite:{db}"]) == 1
    assert "case-1 broken at 2" in capsys.readouterr().out


def test_verify_finds_an_edited_audit_record(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An audit record edited behind the store's back makes verify exit 1."""
    _tamper(
        db,
        "UPDATE case_audit SET allowed = 0 WHERE case_id = 'case-audit-only'",
        "case_audit_no_update",
    )
    assert main(["verify", "--lang", "en", "--store", f"sqlite:{db}"]) == 1
    assert "audit trail: hash chain of case-audit-only broken at 1" in capsys.readouterr().out


def test_verify_never_creates_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """verify on a missing file exits 3 and does not create it."""
    path = tmp_path / "missing.db"
    assert main(["verify", "--lang", "en", "--store", f"sqlite:{path}"]) == 3
    assert "store not found: " in capsys.readouterr().err
    assert not path.exists()


def test_verify_rejects_malformed_options(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--option must be PLUGIN.KEY=VALUE; anything else is a usage error (exit 2)."""
    assert main(["verify", "--lang", "en", "--store", f"sqlite:{db}", "--option", "nonsense"]) == 2
    assert "PLUGIN.KEY=VALUE" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["verify", "agenda", "checkpoint"])
def test_an_option_for_a_plugin_that_is_not_loaded_is_refused(
    command: str, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt plugin name in --option is a usage error (exit 2) that names the plugins
    that are loaded, not an option silently ignored; nothing is written."""
    before = db.read_bytes()
    extra = ["--output", str(tmp_path / "c.txt"), "--key", str(tmp_path / "k")]
    argv = [command, "--store", f"sqlite:{db}", "--option", "sqlit.busy_timeout=5"]
    assert main(argv + (extra if command == "checkpoint" else [])) == 2
    err = capsys.readouterr().err
    assert "no plugin named 'sqlit' (not loaded)" in err
    assert "sqlite" in err.partition("the loaded plugins are")[2]
    assert db.read_bytes() == before
    assert not (tmp_path / "c.txt").exists()
    assert not (tmp_path / "k").exists()


def test_an_option_for_a_blocked_plugin_says_it_is_blocked(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same for a plugin blocked with $BARNEKOORDINATOR_BLOCK_PLUGINS: the message says why."""
    monkeypatch.setenv("BARNEKOORDINATOR_BLOCK_PLUGINS", "postgres")
    argv = ["verify", "--store", f"sqlite:{db}", "--option", "postgres.schema=x"]
    assert main(argv) == 2
    assert "no plugin named 'postgres' (blocked by" in capsys.readouterr().err


@pytest.mark.postgres
def test_verify_a_postgres_store(postgres_dsn: str, pg_schema: Callable[[], str]) -> None:
    """verify works against PostgreSQL with a schema option, read-only."""
    from barnekoordinator_plugins.postgres import PostgresCaseStore

    schema = pg_schema()
    with PostgresCaseStore(postgres_dsn, schema=schema, partitions=2) as store:
        records = make_records("case-1", 3)
        store.append("case-1", 0, records, audit=make_audit("case-1", action="write"))
    assert (
        main(
            [
                "verify",
                "--lang",
                "en",
                "--store",
                postgres_dsn,
                "--option",
                f"postgres.schema={schema}",
            ]
        )
        == 0
    )
