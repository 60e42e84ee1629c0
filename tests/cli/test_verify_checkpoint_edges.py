"""``checkpoint`` and ``verify`` at their edges: what is not a file, an origin that is not one
line, options that cannot be used as given, and a subject index that no longer finds a case.

House rule: bad input ends in one line naming the option (exit 2 for what was typed, 3 for a file
that cannot be used), nothing is written and no key is made. Device-like paths are made inside
``tmp_path`` only (a FIFO, symbolic links; a character device only where ``mknod`` is allowed):
no test writes to ``/dev``. Each test failed before its fix. Synthetic identities only.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from _cli_helpers import run_cli

from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.leaks import identifier_runs


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keys are found and made in a home folder of the test's own."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    return home


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.endswith("\n"), err
    assert err.count("\n") == 1, err
    line = err.removesuffix("\n")
    assert "unexpected" not in line, line
    assert identifier_runs(line) == [], line
    return line


def _keys(home: Path) -> list[str]:
    folder = home / "config" / "barnekoordinator"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link_to_a_file(path: Path) -> None:
    (path.parent / "target.txt").write_text("kept\n", encoding="utf-8")
    path.symlink_to("target.txt")


def _dangling_link(path: Path) -> None:
    path.symlink_to("nowhere.txt")


def _link_to_a_folder(path: Path) -> None:
    (path.parent / "folder").mkdir()
    path.symlink_to("folder")


def _character_device(path: Path) -> None:
    """A node with /dev/null's numbers, inside tmp_path (never opened; root only)."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"mknod is not permitted here ({exc.strerror})")


LINK = "is a symbolic link, which would be replaced, not followed"
NOT_A_FILE = "is not a regular file (a device, a FIFO or a socket)"


@pytest.mark.parametrize(
    ("option", "make", "expected"),
    [
        ("--output", _fifo, NOT_A_FILE),
        ("--output", _character_device, NOT_A_FILE),
        ("--output", _link_to_a_file, LINK),
        ("--output", _dangling_link, LINK),
        ("--output", _link_to_a_folder, LINK),
        ("--frontier", _link_to_a_file, LINK),
        ("--frontier", _dangling_link, LINK),
        ("--frontier", _character_device, NOT_A_FILE),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_checkpoint_refuses_what_is_not_a_regular_file(
    option: str,
    make: Callable[[Path], None],
    expected: str,
    opened_case: str,
    tmp_path: Path,
    home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A FIFO, a device or a symbolic link was replaced by a regular file (the checkpoint was
    renamed over it), exit 0. Now it is refused (exit 3) before a key is made, and stays as it
    was; a link's target is not touched."""
    folder = tmp_path / "out"
    folder.mkdir()
    odd = folder / "odd"
    make(odd)
    before = os.lstat(odd)
    names = {"--output": str(folder / "cp.txt"), option: str(odd)}
    argv = [w for o, v in names.items() for w in (o, v)]
    status, out, err = run_cli(capsys, "checkpoint", "--lang", "en", *argv)
    line = _one_line(err)
    assert status == 3
    assert line == f"barnekoordinator checkpoint: {option} {odd}: {expected}" + (
        "; name the file it points to" if expected == LINK else ""
    )
    assert out == ""
    after = os.lstat(odd)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (
        stat.S_IFMT(before.st_mode),
        before.st_ino,
    )
    assert not (folder / "cp.txt").exists()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    if (folder / "target.txt").exists():
        assert (folder / "target.txt").read_text(encoding="utf-8") == "kept\n"
    assert _keys(home) == []


@pytest.mark.parametrize(
    ("origin", "got"),
    [
        ("kommune.example/log\nforged line", "a line break"),
        ("kommune.example/log\r", "a control character or a lone surrogate"),
        ("kommune\texample", "a control character or a lone surrogate"),
        ("kommune\x1b[31m", "a control character or a lone surrogate"),
        ("kommune\udcff", "a control character or a lone surrogate"),
        ("", "an empty one"),
    ],
)
def test_an_origin_that_is_not_one_line_is_a_usage_error_and_makes_no_key(
    origin: str,
    got: str,
    opened_case: str,
    tmp_path: Path,
    home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """It exited 3 with "checkpoint line 1: expected a non-empty line" after the key had been
    made (``""`` was taken as no origin). Now it is checked first: exit 2, one line naming
    --origin (not echoing it), no key, no file. One line with spaces and letters beyond ASCII
    is still the checkpoint's first line."""
    output = tmp_path / "cp.txt"
    status, out, err = run_cli(capsys, "checkpoint", "--output", str(output), "--origin", origin)
    line = _one_line(err)
    assert status == 2
    assert line == f"barnekoordinator checkpoint: --origin: expected one line of text, got {got}"
    assert out == ""
    assert not output.exists()
    assert _keys(home) == []
    status, _, err = run_cli(
        capsys, "checkpoint", "--output", str(output), "--origin", "Oslo kommune/bk ø"
    )
    assert status == 0, err
    assert output.read_text(encoding="utf-8").startswith("Oslo kommune/bk ø\n")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("--checkpoint", ""), "--checkpoint: expected a file name, got an empty one"),
        (("--checkpoint", "{cp}", "--public-key", ""), "--public-key: expected a file name"),
        (("--public-key", "{pub}"), "--public-key: only with --checkpoint"),
    ],
)
def test_verify_refuses_options_it_cannot_use_as_given(
    argv: tuple[str, ...],
    expected: str,
    opened_case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--checkpoint ""`` was the current folder ("cannot be read (Is a directory)", exit 3),
    and ``--public-key`` without ``--checkpoint`` was ignored (exit 0): both exit 2, one line."""
    cp, pub = tmp_path / "cp.txt", tmp_path / "cp.pub"
    status, _, err = run_cli(capsys, "checkpoint", "--output", str(cp))
    assert status == 0, err
    pub.write_text("not read\n", encoding="utf-8")
    words = [w.format(cp=cp, pub=pub) for w in argv]
    status, out, err = run_cli(capsys, "verify", *words)
    line = _one_line(err)
    assert status == 2
    assert line.startswith(f"barnekoordinator verify: {expected}"), line
    assert out == ""


def test_verify_finds_a_subject_index_that_misses_a_case(
    store_url: str,
    people: dict[str, str],
    development: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The SQLite index the store looks a child up by, made stale with ``writable_schema``:
    every row and chain as it was, yet ``find_cases`` missed the case and verify said OK. Now
    the lookup and ``PRAGMA integrity_check`` are reported (exit 1); the child's subject key is
    not printed."""
    child = tmp_path / "child-id.txt"
    child.write_text(synthetic_fodselsnummer(date(2021, 3, 14)) + "\n", encoding="utf-8")
    status, out, err = run_cli(
        capsys, "case", "open", "--as", people["ke"], "--municipality", "0301",
        "--born", "2021-03-14", "--child-id-file", str(child), "--allow-synthetic", "--json",
    )  # fmt: skip
    assert status == 0, err
    opened_case = json.loads(out)["case_id"]
    path = store_url.removeprefix("sqlite:")
    raw = sqlite3.connect(path, isolation_level=None)
    (key,) = raw.execute(
        "SELECT DISTINCT subject_key FROM case_events WHERE subject_key IS NOT NULL"
    ).fetchone()
    rows = raw.execute("SELECT * FROM case_events ORDER BY position").fetchall()
    raw.execute("DROP TRIGGER case_events_no_delete")
    raw.execute("DELETE FROM case_events")
    entry = raw.execute(
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master "
        "WHERE name = 'case_events_subject'"
    ).fetchone()
    raw.execute("PRAGMA writable_schema = ON")
    raw.execute("DELETE FROM sqlite_master WHERE name = 'case_events_subject'")
    raw.execute("PRAGMA writable_schema = OFF")
    raw.close()
    raw = sqlite3.connect(path, isolation_level=None)
    marks = ", ".join("?" * len(rows[0]))
    raw.executemany(f"INSERT INTO case_events VALUES ({marks})", rows)  # noqa: S608 - marks
    raw.execute("PRAGMA writable_schema = ON")
    raw.execute("INSERT INTO sqlite_master VALUES (?, ?, ?, ?, ?)", entry)
    raw.execute("PRAGMA writable_schema = OFF")
    raw.close()
    status, out, _ = run_cli(capsys, "verify", "--lang", "en")
    assert status == 1, out
    assert (
        f"subject index: find_cases for the child of case(s) {opened_case} misses case(s) "
        f"{opened_case}"
    ) in out
    assert "SQLite integrity_check: " in out
    assert key not in out
