"""The command line at its edges: every example of issue 11, typed, on one line, no traceback.

Exit status (``barnekoordinator.cli``): 2 for what was typed (arguments, options, store URLs),
1 for a document ``assess`` cannot use, 3 for a store that cannot be opened.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from barnekoordinator.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "facts"
BASELINE = EXAMPLES / "bk-01-baseline-eligible.json"


def _exit(argv: list[str]) -> int:
    """main(argv)'s status; argparse's usage errors arrive as SystemExit."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else -1


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line of stderr that says what went wrong (argparse adds its usage first)."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("barnekoordinator")]
    assert len(lines) == 1, err
    return lines[0]


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """Standard input as the real one is: bytes under a text layer (which tolerates junk)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr(sys, "stdin", text)


# --- assess: the document ----------------------------------------------------------------------


HOSTILE_DOCUMENTS = {
    "deep": (b"[" * 100_000, "is nested deeper than 32 arrays and objects"),
    "huge integer": (b'{"bti_level": ' + b"7" * 5000 + b"}", "number longer than 32 characters"),
    "lone surrogate": (b'{"child": {"ref": "\\ud800"}}', "lone surrogate"),
    "invalid UTF-8": (
        b'{"child": {"ref": "\xff"}}',
        "is not UTF-8 text: invalid byte at offset 19",
    ),
    "duplicate key": (b'{"bti_level": 1, "bti_level": 2}', "at $.bti_level: duplicate key"),
    "NaN": (b'{"bti_level": NaN}', "at $.bti_level: NaN and Infinity are not JSON numbers"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_DOCUMENTS))
def test_assess_refuses_the_same_bytes_alike_from_a_file_and_from_stdin(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Invalid input (exit 1) with the same message, wherever the bytes come from."""
    data, expected = HOSTILE_DOCUMENTS[name]
    path = tmp_path / "facts.json"
    path.write_bytes(data)
    assert _exit(["assess", str(path), "--as-of", "2025-03-01"]) == 2
    from_file = capsys.readouterr().err
    _stdin(monkeypatch, data)
    assert _exit(["assess", "-", "--as-of", "2025-03-01"]) == 2
    from_stdin = capsys.readouterr().err
    assert expected in from_file
    assert from_stdin == from_file.replace(str(path), "standard input")
    assert "Traceback" not in from_file + from_stdin


def test_assess_refuses_dates_outside_the_supported_range_in_the_facts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A birth date in year 9999 overflowed the rules' date arithmetic; now a schema problem."""
    facts = json.loads(BASELINE.read_text(encoding="utf-8"))
    facts["child"]["birth_date"] = "9999-12-31"
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    assert _exit(["assess", str(path), "--as-of", "2025-03-01"]) == 2
    err = capsys.readouterr().err
    assert "at $.child.birth_date: is not a valid date from 1900-01-01 to 2199-12-31" in err


def test_assess_settings_are_read_strictly_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--settings goes through the same reader (a duplicate key is not silently last-wins)."""
    settings = tmp_path / "settings.json"
    settings.write_text('{"stafettlogg_consent_age": 15, "stafettlogg_consent_age": 16}')
    assert (
        _exit(["assess", str(BASELINE), "--as-of", "2025-03-01", "--settings", str(settings)]) == 2
    )
    assert "at $.stafettlogg_consent_age: duplicate key" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["a\x00b.json", "\udcff.json", ".", "missing.json"])
def test_assess_files_that_cannot_be_opened_are_invalid_input(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A NUL byte in the name raised ValueError from open(); now 'cannot read' (exit 1)."""
    monkeypatch.chdir(tmp_path)
    assert _exit(["assess", str(BASELINE), "--settings", name]) == 2
    assert "cannot read settings" in _error_line(capsys)
    assert _exit(["assess", name]) == 2
    assert "cannot read" in _error_line(capsys)


@pytest.mark.parametrize(
    "as_of", ["9999-12-31", "1899-12-31", "0001-01-01", "2026-1-5", "٢٠٢٦-01-05"]
)
def test_assess_as_of_outside_the_supported_dates_is_a_usage_error(
    as_of: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, argparse's usage and one error line."""
    assert _exit(["assess", str(BASELINE), "--as-of", as_of]) == 2
    assert "argument --as-of: expected a date" in _error_line(capsys)


# --- agenda: numbers and dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--days", "99999999"], "argument --days: expected a whole number from 0 to 36525"),
        (["--days", "-1"], "argument --days: expected a whole number from 0 to 36525"),
        (["--days", "1_0"], "argument --days"),
        (["--days", "٣"], "argument --days"),
        (["--limit", "1e22"], "argument --limit: expected a whole number from 1 to 10000000"),
        (["--limit", "1" + "0" * 22], "argument --limit"),
        (["--limit", "0"], "argument --limit"),
        (["--limit", " 5"], "argument --limit"),
        (["--as-of", "9999-12-31"], "argument --as-of: expected a date from 1900-01-01"),
        (["--as-of", "2199-12-01", "--days", "31"], "the last day must be on or before 2199-12-31"),
    ],
)
def test_agenda_arguments_out_of_range_are_usage_errors(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's --days 99999999 and --limit 1e22 (OverflowError) exit 2 with one line."""
    store = f"sqlite:{tmp_path / 'cases.db'}"
    assert _exit(["agenda", "--store", store, *argv]) == 2
    assert message in _error_line(capsys)
    assert not (tmp_path / "cases.db").exists(), "nothing was opened, let alone created"


def test_agenda_takes_the_largest_values_it_allows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The edges of the ranges work (on an empty store: no rows)."""
    from barnekoordinator_plugins.sqlite import SQLiteCaseStore

    SQLiteCaseStore(tmp_path / "cases.db").close()
    store = f"sqlite:{tmp_path / 'cases.db'}"
    argv = ["agenda", "--lang", "en", "--store", store, "--as-of", "2099-12-30", "--days", "36525"]
    assert _exit([*argv, "--limit", "10000000"]) == 0
    assert "0 item(s) due by 2199-12-31" in capsys.readouterr().out


# --- verify and agenda: store URLs and options ----------------------------------------------------


@pytest.mark.parametrize(
    ("store", "option", "message"),
    [
        ("postgresql://%zz", None, "not a valid PostgreSQL connection string"),
        ("postgresql://kari:s3cret%zz@localhost/bk", None, "not a valid PostgreSQL connection"),
        ("postgresql://localhost/bk?nosuch=1", None, "libpq cannot parse it"),
        ("postgresql://kari:s3cret@localhost:0/bk", None, "port of the connection string"),
        ("postgresql://kari:s3cret@h1:5,h2:99999/bk", None, "from 1 to 65535"),
        ("postgresql:///bk?port=" + "9" * 3000, None, "expected each port"),
        ("postgresql:///bk?port=abc", None, "expected each port"),
        ("sqlite:/tmp/a\x00b.db", None, "store: holds a control character"),
        ("sqlite:/tmp/a\ud800b.db", None, "store: holds a control character"),
        (
            "sqlite:{db}",
            "sqlite.busy_timeout=nan",
            "busy_timeout: expected seconds from 0 to 86400",
        ),
        ("sqlite:{db}", "sqlite.busy_timeout=inf", "busy_timeout: expected seconds"),
        ("sqlite:{db}", "sqlite.busy_timeout=-1", "busy_timeout: expected seconds"),
        ("sqlite:{db}", "sqlite.busy_timeout=\ud800", "plugin_options['sqlite']['busy_timeout']"),
        ("sqlite:{db}", "sqlite.max_page_count=²", "max_page_count: expected a positive integer"),
        (
            "postgresql://localhost/bk",
            "postgres.lock_timeout=nan",
            "lock_timeout: expected seconds",
        ),
        ("sqlite:{db}", "nonsense", "expected PLUGIN.KEY=VALUE"),
    ],
)
@pytest.mark.parametrize("command", ["verify", "agenda"])
def test_bad_store_urls_and_options_are_usage_errors_that_never_show_a_password(
    command: str,
    store: str,
    option: str | None,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """InvalidConfiguration: exit 2, one line naming the option; no psycopg error, no secret."""
    argv = [command, "--store", store.format(db=tmp_path / "cases.db")]
    if option is not None:
        argv += ["--option", option]
    assert _exit(argv) == 2
    line = _error_line(capsys)
    assert message in line
    assert "s3cret" not in line
    assert "%zz" not in line


# --- id ----------------------------------------------------------------------------------------


def test_id_with_invalid_utf8_on_stdin_is_an_invalid_number(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 1 (invalid), as the same bytes given as an argument; not a UnicodeDecodeError."""
    _stdin(monkeypatch, b"\xff\xfe2085125005\n")
    assert _exit(["id", "-", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["valid"] is False
    assert _exit(["id", "\udcff\udcfe2085125005", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["valid"] is False


def test_id_with_a_lone_surrogate_or_a_very_long_argument_is_an_invalid_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Whatever is typed as NUMBER is a number to check: exit 1 with a reason."""
    for number in ("\ud800", "1" * 100_000, "\x00", "２０８５１２５００５１"):
        assert _exit(["id", "--lang", "en", number]) == 1
        assert "valid:      no" in capsys.readouterr().out


def test_id_refuses_a_line_longer_than_any_identifier_on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Standard input is read one bounded line at a time: exit 2."""
    _stdin(monkeypatch, b"1" * 100_000)
    assert _exit(["id", "-"]) == 2
    assert "longer than 256 bytes" in _error_line(capsys)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"1" * 256 + b"\r\n", 1),  # 256 bytes and its CRLF: fits (an invalid number: 1)
        (b"1" * 256 + b"\r" + b"2" * 10 + b"\n", 2),  # a carriage return inside is the line's
        (b"1" * 257 + b"\n", 2),
    ],
)
def test_id_measures_the_line_before_its_newline(
    monkeypatch: pytest.MonkeyPatch, data: bytes, status: int
) -> None:
    """The line is what comes before the first newline, less one carriage return (a Hypothesis
    case found a carriage return just past the limit taken for a line end)."""
    _stdin(monkeypatch, data)
    assert _exit(["id", "-"]) == status


# --- the real process --------------------------------------------------------------------------


def test_a_real_process_reads_stdin_and_a_file_alike(tmp_path: Path) -> None:
    """With the interpreter's own stdin (no monkeypatching), invalid UTF-8 is refused as in a file.

    Before, ``assess -`` read text with the locale's error handler and accepted the bytes.
    """
    data = b'{"child": {"ref": "\xff"}}'
    path = tmp_path / "facts.json"
    path.write_bytes(data)
    command = [sys.executable, "-m", "barnekoordinator", "assess", "--as-of", "2025-03-01"]
    # The lenient text layer a C locale gives standard input, made explicit.
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:surrogateescape"}
    piped = subprocess.run([*command, "-"], input=data, capture_output=True, env=env, check=False)
    filed = subprocess.run([*command, str(path)], capture_output=True, env=env, check=False)
    assert (piped.returncode, filed.returncode) == (2, 2)
    assert piped.stderr == b"barnekoordinator assess: standard input is not UTF-8 text: " + (
        b"invalid byte at offset 19\n"
    )
    assert filed.stderr == piped.stderr.replace(b"standard input", str(path).encode())
