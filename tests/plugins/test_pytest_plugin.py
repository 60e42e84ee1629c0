"""The pytest plugin shipped in barnekoordinator.testing: cheap to import, useful fixtures."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _pytest(tmp_path: Path, test_source: str, *, env: dict[str, str] | None = None) -> str:
    """Run pytest on one generated file with only our plugin loaded; return its output."""
    (tmp_path / "test_generated.py").write_text(textwrap.dedent(test_source))
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent(
            """
            import os
            from barnekoordinator.errors import StorageUnavailable
            import barnekoordinator.testing.postgres as pg

            if os.environ.get("FAKE_NO_POSTGRES"):
                def find_bindir():
                    raise StorageUnavailable("no PostgreSQL binaries (simulated)")
                pg.find_bindir = find_bindir
            """
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "barnekoordinator.testing.pytest_plugin",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rs",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={
            # CI sets BARNEKOORDINATOR_REQUIRE_POSTGRES; each test here decides it.
            **{k: v for k, v in os.environ.items() if k != "BARNEKOORDINATOR_REQUIRE_POSTGRES"},
            "PYTHONPATH": str(SRC),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            **(env or {}),
        },
    )
    return result.stdout + result.stderr


def test_plugin_imports_nothing_heavy() -> None:
    """Importing the pytest plugin loads neither Hypothesis nor database drivers nor the stores."""
    code = (
        "import sys, barnekoordinator.testing.pytest_plugin\n"
        "heavy = ['hypothesis', 'sqlite3', 'psycopg', 'barnekoordinator_plugins', "
        "'barnekoordinator.plugins', 'barnekoordinator.testing.conformance']\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    ).stdout
    assert out.strip() == ""


def test_fixtures_work_in_a_vendor_test_run(tmp_path: Path) -> None:
    """The bk_ clock, store and plugin-manager fixtures work for a plugin's tests."""
    out = _pytest(
        tmp_path,
        """
        from datetime import UTC, datetime
        from barnekoordinator.config import Config
        from barnekoordinator.plugins import case_store
        from barnekoordinator.testing.conformance import make_records

        def test_clock(bk_fixed_clock):
            assert bk_fixed_clock.now() == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)

        def test_stores(bk_memory_store, bk_sqlite_store):
            for store in (bk_memory_store, bk_sqlite_store):
                assert store.append("c", 0, make_records("c", 2)) == 2

        def test_manager(bk_plugin_manager):
            assert bk_plugin_manager.has_plugin("sqlite")
            case_store(bk_plugin_manager, Config(store="memory:")).close()
        """,
    )
    assert "3 passed" in out, out


def test_postgres_dsn_skips_without_a_server(tmp_path: Path) -> None:
    """Without PostgreSQL binaries the bk_postgres_dsn fixture skips with the reason."""
    source = """
        def test_needs_postgres(bk_postgres_dsn):
            assert bk_postgres_dsn
        """
    out = _pytest(tmp_path, source, env={"FAKE_NO_POSTGRES": "1"})
    assert "1 skipped" in out, out
    assert "no PostgreSQL binaries (simulated)" in out


def test_postgres_dsn_fails_when_required(tmp_path: Path) -> None:
    """With BARNEKOORDINATOR_REQUIRE_POSTGRES=1 a missing server is an error, not a skip."""
    source = """
        def test_needs_postgres(bk_postgres_dsn):
            assert bk_postgres_dsn
        """
    out = _pytest(
        tmp_path,
        source,
        env={"FAKE_NO_POSTGRES": "1", "BARNEKOORDINATOR_REQUIRE_POSTGRES": "1"},
    )
    assert "1 error" in out, out
    assert "skipped" not in out
    assert "BARNEKOORDINATOR_REQUIRE_POSTGRES=1" in out


def test_conformance_suite_runs_in_a_vendor_project(tmp_path: Path) -> None:
    """A vendor subclasses one class and the whole conformance suite runs against its store."""
    out = _pytest(
        tmp_path,
        """
        from barnekoordinator.testing.conformance import CaseStoreContract
        from barnekoordinator_plugins.memory import InMemoryCaseStore

        class TestVendorStore(CaseStoreContract):
            state_machine_examples = 5

            def make_store(self):
                return InMemoryCaseStore(catalogue=self.catalogue)
        """,
    )
    assert " passed" in out, out
    assert "failed" not in out, out
