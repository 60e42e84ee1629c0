"""Fuzzing store options, configurations and the command line (issue 11).

Only library errors escape the option parsers, the store constructors and ``Config``; nothing is
created when they refuse. The command line, run in-process, answers anything a user can type with
an exit status and at most one error line, never a traceback; for ``--days``, ``--limit`` and
``--as-of`` an oracle says which values are usage errors (exit 2).

Store URLs are confined: SQLite paths are built inside a temporary folder (the working directory
is one too), and no generated URL names a PostgreSQL server to connect to.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from _hostile import NASTY_TEXT, TEXT
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from barnekoordinator.cli import main
from barnekoordinator.config import Config
from barnekoordinator.edges import EARLIEST_DATE, LATEST_DATE
from barnekoordinator.errors import BarnekoordinatorError, InvalidConfiguration
from barnekoordinator.plugins import case_store, get_plugin_manager
from barnekoordinator_plugins import postgres, sqlite
from barnekoordinator_plugins.postgres import PostgresCaseStore
from barnekoordinator_plugins.postgres import _store as postgres_store
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

FIXTURES_OK = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

OPTION_VALUES = st.one_of(
    TEXT,
    st.sampled_from(["0", "2.5", "30", "86400", "86401", "true", "off", "FULL", "8", "bk"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
SQLITE_OPTIONS = st.dictionaries(
    st.one_of(
        st.sampled_from(["synchronous", "busy_timeout", "max_page_count", "read_only"]), TEXT
    ),
    OPTION_VALUES,
    max_size=4,
)
POSTGRES_OPTIONS = st.dictionaries(
    st.one_of(st.sampled_from(["schema", "partitions", "lock_timeout", "read_only"]), TEXT),
    OPTION_VALUES,
    max_size=4,
)
FILE_NAMES = st.one_of(TEXT, st.just("cases.db")).map(lambda name: name.replace("/", "_"))
"""A file name that stays in its folder (no separator), hostile otherwise."""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is also the working directory (relative paths land here)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "2")  # bounds any connection attempt at all
    monkeypatch.delenv("BARNEKOORDINATOR_STORE", raising=False)
    return tmp_path


def _fresh(folder: Path) -> Path:
    """A new empty subfolder for one example (the fixture's folder outlives the examples)."""
    sub = folder / f"example-{uuid.uuid4().hex}"
    sub.mkdir()
    return sub


# --- store options and constructors ------------------------------------------------------------


@FIXTURES_OK
@given(options=SQLITE_OPTIONS, name=FILE_NAMES)
def test_sqlite_options_open_a_store_or_refuse_without_creating_it(
    folder: Path, options: dict[str, Any], name: str
) -> None:
    """options_from_config → SQLiteCaseStore: a store, or a library error and no file."""
    where = _fresh(folder)
    try:
        store = SQLiteCaseStore(where / name, **sqlite.options_from_config(options))
    except InvalidConfiguration:
        assert list(where.iterdir()) == []
        return
    except BarnekoordinatorError:  # e.g. read_only on a file that does not exist
        return
    store.close()


@FIXTURES_OK
@given(
    keywords=st.fixed_dictionaries(
        {},
        optional={
            "synchronous": st.one_of(TEXT, st.integers()),
            "busy_timeout": st.one_of(st.floats(), st.integers(), TEXT, st.booleans()),
            "max_page_count": st.one_of(st.none(), st.integers(), st.floats(), st.booleans()),
        },
    )
)
def test_the_sqlite_constructor_refuses_bad_keywords_before_creating_a_file(
    folder: Path, keywords: dict[str, Any]
) -> None:
    """Hand-built stores meet the same checks as configured ones."""
    where = _fresh(folder)
    try:
        SQLiteCaseStore(where / "cases.db", **keywords).close()
    except InvalidConfiguration:
        assert list(where.iterdir()) == []


@given(options=POSTGRES_OPTIONS)
def test_postgres_options_parse_or_refuse_and_the_store_checks_them_before_connecting(
    options: dict[str, Any],
) -> None:
    """The constructor's checks come before libpq: an unparseable URL is never connected to."""
    try:
        keywords = postgres.options_from_config(options)
    except InvalidConfiguration:
        return
    with pytest.raises(InvalidConfiguration):
        PostgresCaseStore("postgresql://%zz", **keywords)


@given(
    text=st.one_of(TEXT, NASTY_TEXT),
    shape=st.sampled_from(
        [
            "{}",
            "postgresql://kari:s3cret{}@localhost/bk",
            "postgresql://localhost/bk?{}",
            "host=localhost password=s3cret {}",
        ]
    ),
)
def test_postgres_urls_parse_or_are_refused_without_showing_the_password(
    text: str, shape: str
) -> None:
    """libpq's parser (no connection): refused URLs never appear in the message."""
    dsn = shape.format(text)
    try:
        checked = postgres_store._checked_dsn(psycopg, dsn)
    except InvalidConfiguration as exc:
        message = str(exc)
    else:
        assert checked == dsn
        return
    assert "s3cret" not in message
    message.encode("utf-8")  # printable anywhere


# --- Config ------------------------------------------------------------------------------------


PLUGIN_OPTIONS = st.one_of(
    st.dictionaries(st.one_of(st.sampled_from(["sqlite", "postgres"]), TEXT), SQLITE_OPTIONS),
    st.dictionaries(TEXT, st.one_of(TEXT, st.integers(), st.none()), max_size=2),
    TEXT,
    st.none(),
)


_EXAMPLES = (
    "'memory:', 'sqlite:PATH' or 'postgresql://HOST/DB' (vendor stores may use their own scheme)"
)
"""The examples every refused store value's message gives, whatever the value."""


def _refused_store() -> InvalidConfiguration:
    try:
        Config(store="not a store")
    except InvalidConfiguration as exc:
        return exc
    raise AssertionError("'not a store' was taken as a store URL")


@given(store=st.one_of(TEXT, TEXT.map("sqlite:".__add__), st.integers(), st.none()))
def test_config_accepts_or_refuses_any_store_value(store: Any) -> None:
    """InvalidConfiguration for anything that is not a plain-text URL; never another error."""
    assert _EXAMPLES in str(_refused_store())
    try:
        Config(store=store)
    except InvalidConfiguration as exc:
        message = str(exc)
    else:
        return
    if isinstance(store, str) and len(store) >= 8:
        # The message's own examples ('postgresql://HOST/DB') are no echo of the value.
        assert store not in message.replace(_EXAMPLES, ""), "a store URL may hold a password"


@FIXTURES_OK
@given(name=FILE_NAMES, plugin_options=PLUGIN_OPTIONS)
def test_a_configured_sqlite_store_opens_or_refuses_and_creates_nothing_when_refused(
    folder: Path, name: str, plugin_options: Any
) -> None:
    """Config → case_store: a store, or a library error; refused configurations create nothing."""
    where = _fresh(folder)
    try:
        config = Config(store=f"sqlite:{where / name}", plugin_options=plugin_options)
        store = case_store(get_plugin_manager(), config)
    except InvalidConfiguration:
        assert list(where.iterdir()) == []
        return
    except BarnekoordinatorError:
        return
    store.close()


# --- the command line --------------------------------------------------------------------------


def _run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """main(argv) in-process: (status, stdout, stderr); a usage error's SystemExit is a status."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(argv)
            except SystemExit as exc:  # argparse: 2 for usage errors, 0 after --help
                status = exc.code if exc.code in (0, 2) else -1  # type: ignore[assignment]
    finally:
        sys.stdin = old_stdin
    event(f"{argv[0]} exit {status}")
    return status, out.getvalue(), err.getvalue()


def _one_error_line(err: str) -> None:
    event(f"stderr lines: {min(len(err.splitlines()), 3)}")
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("barnekoordinator")]) <= 1


def _ascii_count(text: str, low: int, high: int) -> int | None:
    if text.isascii() and text.isdigit() and len(text) < 30 and low <= int(text) <= high:
        return int(text)
    return None


def _day(text: str) -> date | None:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


NUMBERS = st.one_of(
    st.integers(min_value=-5, max_value=40_000).map(str),
    st.integers(min_value=-5, max_value=40_000).map(str),
    st.integers(min_value=0, max_value=10**25).map(str),
    TEXT,
    st.sampled_from(["0", "14", "36525", "36526", "10000000", "10000001", "1e22", "+5", " 5"]),
)
"""Mostly plausible numbers (so both answers are tested), and the hostile rest."""
SUPPORTED = st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE).map(date.isoformat)
DAYS_TEXT = st.one_of(
    SUPPORTED,
    SUPPORTED,
    TEXT,
    st.dates().map(date.isoformat),
    st.sampled_from(["2199-12-31", "1900-01-01", "9999-12-31", "2026-02-30", "20260105"]),
)


@pytest.fixture
def empty_store(folder: Path) -> str:
    """The URL of an empty SQLite store in the working folder."""
    SQLiteCaseStore(folder / "cases.db").close()
    return f"sqlite:{folder / 'cases.db'}"


@FIXTURES_OK
@given(days=st.one_of(st.none(), NUMBERS), limit=st.one_of(st.none(), NUMBERS), as_of=DAYS_TEXT)
def test_agenda_numbers_and_dates_are_usage_errors_exactly_when_out_of_range(
    empty_store: str, days: str | None, limit: str | None, as_of: str
) -> None:
    """Exit 2 iff --days, --limit or --as-of (or their sum) is out of range; else 0."""
    argv = ["agenda", "--store", empty_store, "--as-of", as_of]
    argv += [] if days is None else ["--days", days]
    argv += [] if limit is None else ["--limit", limit]
    status, _out, err = _run(argv)
    day = _day(as_of)
    span = 14 if days is None else _ascii_count(days, 0, 36_525)
    valid = (
        day is not None
        and span is not None
        and (limit is None or _ascii_count(limit, 1, 10_000_000) is not None)
        and day + timedelta(days=span) <= LATEST_DATE
    )
    assert status == (0 if valid else 2), err
    _one_error_line(err)


STORES = st.one_of(
    st.just("memory:"),
    FILE_NAMES.map(lambda name: f"sqlite:{name}"),
    TEXT.filter(lambda text: not text.lower().startswith("postgres")),
    st.sampled_from(
        [
            "postgresql://%zz",
            "postgresql://kari:s3cret%zz@localhost/bk",
            "postgresql://localhost/bk?x=1",
            "postgresql://localhost/bk\x00",
            "sqlite:",
            "nosuch:thing",
        ]
    ),
)
OPTIONS = st.lists(
    st.one_of(
        TEXT,
        st.builds(
            "{}.{}={}".format,
            st.sampled_from(["sqlite", "postgres", "acme"]),
            st.one_of(st.sampled_from(["busy_timeout", "read_only", "lock_timeout"]), TEXT),
            st.one_of(TEXT, st.sampled_from(["nan", "inf", "-1", "true", "2.5"])),
        ),
    ),
    max_size=3,
)


@FIXTURES_OK
@given(command=st.sampled_from(["verify", "agenda"]), store=STORES, options=OPTIONS)
def test_store_urls_and_options_on_the_command_line_never_crash(
    folder: Path, command: str, store: str, options: list[str]
) -> None:
    """Any --store and --option: 0, 1 (a problem found), 2 (usage) or 3 (cannot open)."""
    argv = [command, "--store", store]
    for option in options:
        argv += ["--option", option]
    status, _out, err = _run(argv)
    assert status in (0, 1, 2, 3)
    _one_error_line(err)
    assert "s3cret" not in err


ARGUMENTS = st.lists(
    st.one_of(
        TEXT.filter(lambda text: "postgres" not in text.lower()),
        st.sampled_from(
            [
                "--as-of",
                "--days",
                "--limit",
                "--store",
                "memory:",
                "--option",
                "--lang",
                "--format",
                "--settings",
                "--json",
                "--rule",
                "--allow-synthetic",
                "-",
                "--kind",
                "--block",
            ]
        ),
    ),
    max_size=6,
)


@FIXTURES_OK
@given(
    command=st.sampled_from(["id", "assess", "agenda", "verify", "plugins"]),
    arguments=ARGUMENTS,
    stdin=st.one_of(st.binary(max_size=40), st.just(b'{"child": {"ref": "\xff"}}')),
)
def test_any_arguments_end_in_an_exit_status_and_never_a_traceback(
    folder: Path, command: str, arguments: list[str], stdin: bytes
) -> None:
    """Whatever is typed after a subcommand (stdin included): a status and one error line."""
    status, _out, err = _run([command, *arguments], stdin)
    assert status in (0, 1, 2, 3)
    _one_error_line(err)
    if status == 3:
        assert command in ("agenda", "verify"), "only opening a store is a runtime error here"


@FIXTURES_OK
@given(name=st.one_of(TEXT, FILE_NAMES), settings_name=st.one_of(st.none(), TEXT))
def test_assess_answers_any_file_name_with_invalid_input(
    folder: Path, name: str, settings_name: str | None
) -> None:
    """No such file, a folder, a NUL byte, a lone surrogate: exit 1 (or 2 for '-…' options)."""
    argv = ["assess", "--", name]
    if settings_name is not None:
        argv[1:1] = ["--settings", settings_name]
    status, _out, err = _run(argv)
    assert status in (1, 2), err
    _one_error_line(err)


@given(number=st.one_of(TEXT, st.text(alphabet="0123456789 -", max_size=14)))
def test_id_answers_any_number_with_valid_or_invalid(number: str) -> None:
    """Exit 0 or 1 and a report; a malformed number is an answer, not an error."""
    status, out, err = _run(["id", "--json", "--", number])
    assert status in (0, 1), err
    assert '"valid"' in out
    assert "Traceback" not in err


@given(stdin=st.one_of(st.binary(max_size=300), st.binary(min_size=250, max_size=270)))
def test_id_reads_any_bytes_on_stdin(stdin: bytes) -> None:
    """Invalid UTF-8 is an invalid number (1); a line over 256 bytes is a usage error (2)."""
    status, _out, err = _run(["id", "-"], stdin)
    line = stdin.split(b"\n", 1)[0].removesuffix(b"\r")  # one \r is part of the line end
    assert status == 2 if len(line) > 256 else status in (0, 1)
    _one_error_line(err)
