"""Store URLs and options are validated where they enter (issue 11).

A NUL byte in a path raised ``ValueError`` from ``sqlite3``, a lone surrogate
``UnicodeEncodeError``, ``postgresql://%zz`` a ``psycopg.ProgrammingError`` that quoted the URL,
and ``busy_timeout`` took ``nan``, ``inf`` and ``-1``. Each is now
[`InvalidConfiguration`][barnekoordinator.errors.InvalidConfiguration] naming the option, never
showing a password, and nothing is created.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator.plugins import case_store, get_plugin_manager
from barnekoordinator_plugins import postgres, sqlite
from barnekoordinator_plugins.postgres import PostgresCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

BAD_SECONDS = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "1e400",
    "1e3",
    "86401",
    "1_0",
    "²",
    "",
    " ",
    "0x10",
]


@pytest.mark.parametrize("text", BAD_SECONDS)
def test_sqlite_busy_timeout_must_be_plain_seconds_in_range(text: str) -> None:
    """The option reader names busy_timeout and the range."""
    with pytest.raises(
        InvalidConfiguration, match="busy_timeout: expected seconds from 0 to 86400"
    ):
        sqlite.options_from_config({"busy_timeout": text})


@pytest.mark.parametrize("text", BAD_SECONDS)
def test_postgres_lock_timeout_must_be_plain_seconds_in_range(text: str) -> None:
    """The same reader for PostgreSQL's lock_timeout."""
    with pytest.raises(
        InvalidConfiguration, match="lock_timeout: expected seconds from 0 to 86400"
    ):
        postgres.options_from_config({"lock_timeout": text})


def test_good_seconds_still_read() -> None:
    """Whole and decimal seconds, 0 included."""
    for text, value in (("0", 0.0), ("2.5", 2.5), ("30", 30.0), (".5", 0.5), ("86400", 86400.0)):
        assert sqlite.options_from_config({"busy_timeout": text}) == {"busy_timeout": value}


@pytest.mark.parametrize("value", ["٣", "²", "1" * 30, "-1", "+1", "1.0"])
def test_whole_numbers_are_ascii_digits(value: str) -> None:
    """str.isdigit() took superscripts and other scripts (then int() raised)."""
    with pytest.raises(InvalidConfiguration, match="max_page_count: expected a positive integer"):
        sqlite.options_from_config({"max_page_count": value})
    with pytest.raises(InvalidConfiguration, match="partitions: expected a whole number"):
        postgres.options_from_config({"partitions": value})


def test_unknown_option_names_are_shown_escaped() -> None:
    """A name with a newline or a lone surrogate cannot forge or break the message."""
    with pytest.raises(InvalidConfiguration) as info:
        sqlite.options_from_config({"a\nb": "1", "\ud800": "2"})
    assert "'a\\nb': unknown option" in str(info.value)
    assert "'\\ud800': unknown option" in str(info.value)
    str(info.value).encode("utf-8")  # printable anywhere


@pytest.mark.parametrize(
    ("keywords", "option"),
    [
        ({"busy_timeout": float("nan")}, "sqlite busy_timeout"),
        ({"busy_timeout": float("inf")}, "sqlite busy_timeout"),
        ({"busy_timeout": -1}, "sqlite busy_timeout"),
        ({"busy_timeout": "30"}, "sqlite busy_timeout"),
        ({"busy_timeout": True}, "sqlite busy_timeout"),
        ({"max_page_count": 0}, "sqlite max_page_count"),
        ({"max_page_count": 2**64}, "sqlite max_page_count"),
        ({"synchronous": 1}, "sqlite synchronous"),
    ],
)
def test_the_sqlite_constructor_checks_what_options_would(
    keywords: dict[str, Any], option: str, tmp_path: Path
) -> None:
    """Built by hand, the store refuses the same values, before creating the file."""
    path = tmp_path / "cases.db"
    with pytest.raises(InvalidConfiguration, match=option):
        SQLiteCaseStore(path, **keywords)
    assert not path.exists()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("a\x00b.db", "sqlite path: holds a NUL byte"),
        ("a\ud800b.db", "sqlite path: holds a lone surrogate"),
        ("", "sqlite path: expected a file path"),
        (b"cases.db", "sqlite path: expected text, not bytes"),
        (42, "sqlite path: expected a str or os.PathLike, got int"),
    ],
)
def test_sqlite_paths_a_file_system_cannot_take_are_refused(
    path: Any, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ValueError and UnicodeEncodeError from sqlite3 become InvalidConfiguration."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidConfiguration, match=message):
        SQLiteCaseStore(path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "dsn",
    [
        "postgresql://%zz",
        "postgresql://kari:s3cret%zz@localhost/bk",
        "postgresql://localhost/bk?s3cret=1",
        "host=localhost password",
        "postgresql://kari:s3cret \r@localhost/bk",
    ],
)
def test_postgres_urls_libpq_cannot_parse_are_refused_without_the_url(dsn: str) -> None:
    """libpq's message quotes or repeats the unreadable part (which may be the password, even
    unquoted): none of it is shown."""
    with pytest.raises(InvalidConfiguration) as info:
        PostgresCaseStore(dsn)
    message = str(info.value)
    assert message == (
        "postgres store: not a valid PostgreSQL connection string (libpq cannot parse it); "
        "the string is not shown, it may hold a password"
    )
    assert "s3cret" not in message
    assert "%zz" not in message
    with pytest.raises(InvalidConfiguration):
        case_store(get_plugin_manager(), Config(store=dsn))


@pytest.mark.parametrize(
    ("dsn", "keywords", "message"),
    [
        ("postgresql://localhost/bk\x00", {}, "holds a NUL byte"),
        ("postgresql://localhost/bk\ud800", {}, "holds a lone surrogate"),
        (None, {}, "expected a URL string, got NoneType"),
        ("postgresql://localhost/bk", {"lock_timeout": float("nan")}, "postgres lock_timeout"),
        ("postgresql://localhost/bk", {"lock_timeout": float("inf")}, "postgres lock_timeout"),
        ("postgresql://localhost/bk", {"lock_timeout": -0.5}, "postgres lock_timeout"),
        ("postgresql://localhost/bk", {"partitions": True}, "postgres partitions"),
    ],
)
def test_the_postgres_constructor_checks_before_connecting(
    dsn: Any, keywords: dict[str, Any], message: str
) -> None:
    """No connection is tried (there is no server at localhost/bk in this test)."""
    with pytest.raises(InvalidConfiguration, match=message):
        PostgresCaseStore(dsn, **keywords)


@pytest.mark.postgres
def test_a_valid_url_with_a_lock_timeout_still_works(
    postgres_dsn: str, pg_schema: Callable[[], str]
) -> None:
    """The checks refuse nothing a real server takes: the session's own DSN, a fractional wait."""
    with PostgresCaseStore(postgres_dsn, schema=pg_schema(), lock_timeout=0.25) as store:
        assert store.lock_timeout == 0.25
        assert store.case_ids() == []


# --- Config ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "store",
    ["sqlite:a\x00b", "sqlite:a\ud800b", "postgresql://h/db\n", "sqlite:" + "x" * 5000, 42, None],
)
def test_config_refuses_store_urls_that_are_not_plain_text(store: Any) -> None:
    """Refused when the configuration is built, without echoing the URL."""
    with pytest.raises(InvalidConfiguration, match=r"^store: "):
        Config(store=store)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("sqlite.busy_timeout=1", "plugin_options: expected a mapping"),
        ({"sqlite": "busy_timeout=1"}, "plugin_options['sqlite']: expected a mapping"),
        ({1: {}}, "plugin_options: expected plugin names as plain text"),
        ({"sqlite": {"a\x00": "1"}}, "expected option names as plain text"),
        ({"sqlite": {"busy_timeout": "1\x00"}}, "holds a control character or a lone surrogate"),
        ({"sqlite": {"busy_timeout": "\udc80"}}, "holds a control character or a lone surrogate"),
        ({"sqlite": {"busy_timeout": [1]}}, "expected text, got list"),
    ],
)
def test_config_refuses_plugin_options_of_the_wrong_shape(options: Any, message: str) -> None:
    """Was AttributeError ('str' object has no attribute 'items') or a later crash."""
    with pytest.raises(InvalidConfiguration) as info:
        Config(store="memory:", plugin_options=options)
    assert message in str(info.value)


def test_config_still_takes_numbers_and_booleans_as_option_values(tmp_path: Path) -> None:
    """Hand-written configurations (TOML) may give numbers; the plugin reads them as text."""
    config = Config(
        store=f"sqlite:{tmp_path / 'cases.db'}",
        plugin_options={"sqlite": {"busy_timeout": 2.5, "read_only": False}},
    )
    store = case_store(get_plugin_manager(), config)
    try:
        assert isinstance(store, SQLiteCaseStore)
        assert store.busy_timeout == 2.5
    finally:
        store.close()


def test_config_checks_the_secret_and_the_settings() -> None:
    """A str secret or a dict of settings fail when the Config is built, not on first use."""
    with pytest.raises(InvalidConfiguration, match="subject_key_secret: expected bytes"):
        Config(subject_key_secret="not bytes")  # type: ignore[arg-type]
    with pytest.raises(InvalidConfiguration, match="municipality: expected MunicipalSettings"):
        Config(municipality={"municipality_number": "0301"})  # type: ignore[arg-type]
