"""``barnekoordinator remind``: what cron runs each morning."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from barnekoordinator._cli.remind import message_ref
from barnekoordinator.cli import main
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStatus
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

if TYPE_CHECKING:
    from conftest import SmtpServer

DAY = date(2026, 3, 2)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store whose outbox holds three messages due on DAY, one for nobody known."""
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as store:
        store.add_outbox(
            [
                OutboxMessage(
                    key=f"meeting-called:case-1:meeting:m1:{who}:{DAY}",
                    case_id="case-1",
                    kind=OutboxKind.MEETING_CALLED,
                    recipient=who,
                    not_before=DAY,
                    on=date(2026, 3, 10),
                )
                for who in ("hs", "mor", "ukjent")
            ]
        )
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The address book: hs and mor (who reads English)."""
    path = tmp_path / "addresses.json"
    path.write_text(
        json.dumps({"hs": "hs@example.no", "mor": {"email": "mor@example.no", "lang": "en"}}),
        encoding="utf-8",
    )
    return path


def test_outbox_dir_writes_each_message_once(
    db: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--outbox-dir`` writes .eml files (no mail server needed); a second run writes nothing
    new; the recipient without an address makes the exit status 1."""
    out = tmp_path / "eml"
    args = [
        "remind",
        "--lang",
        "en",
        "--store",
        f"sqlite:{db}",
        "--outbox-dir",
        str(out),
        "--as-of",
        str(DAY),
    ]
    args += ["--option", f"smtp.addresses={book}", "--json"]
    assert main(args) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(line["status"] for line in lines) == ["sent", "sent", "undeliverable"]
    files = sorted(out.glob("*.eml"))
    assert len(files) == 2
    mails = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    english = next(m for m in mails if m["To"] == "mor@example.no")
    assert "You are invited to a meeting on 2026-03-10." in english.get_content()
    assert main(args) == 0
    assert capsys.readouterr().out == ""
    assert sorted(out.glob("*.eml")) == files
    with SQLiteCaseStore(db, read_only=True) as store:
        assert len(store.outbox(status=OutboxStatus.SENT)) == 2


def test_dry_run_lists_and_changes_nothing(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--dry-run`` lists what is due and leaves the outbox as it was."""
    assert (
        main(
            [
                "remind",
                "--lang",
                "en",
                "--store",
                f"sqlite:{db}",
                "--dry-run",
                "--as-of",
                str(DAY),
                "--outbox-dir",
                "unused",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.count("meeting-called") == 3
    assert "3 message(s) due" in out
    with SQLiteCaseStore(db, read_only=True) as store:
        assert len(store.outbox(status=OutboxStatus.PENDING)) == 3


@pytest.mark.parametrize("dry_run", [True, False])
def test_its_output_tells_nothing_of_the_case(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: bool
) -> None:
    """``remind`` takes no principal, so, like ``agenda`` without one, it prints kinds, case ids
    and outcomes only (issue 11: a command showing case data takes a principal or shows only ids
    and kinds). It printed each message's idempotency key (the item's id, the recipient's ref,
    the due date) and its first day (door sweep, 2026-12-07); a message is now a digest of its
    key, which whoever holds the store can match."""
    with SQLiteCaseStore(db, read_only=True) as store:
        pending = store.outbox(status=OutboxStatus.PENDING)
    book = tmp_path / "addresses.json"
    book.write_text(json.dumps({"mor": "mor@example.no", "pl": "pl@example.no"}))
    args = ["remind", "--store", f"sqlite:{db}", "--as-of", str(DAY), "--json"]
    args += ["--outbox-dir", str(tmp_path / "out"), "--option", f"smtp.addresses={book}"]
    main([*args, "--dry-run"] if dry_run else args)
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines()]
    assert {line["ref"] for line in lines} == {message_ref(e.message.key) for e in pending}
    for entry in pending:
        m = entry.message
        assert m.key not in out
        assert f'"{m.recipient}"' not in out
        assert m.not_before.isoformat() not in out
        assert m.on is None or m.on.isoformat() not in out


def test_without_smtp_settings_it_is_a_usage_error(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No ``smtp`` options and no ``--outbox-dir``: exit 2, one line."""
    assert main(["remind", "--lang", "en", "--store", f"sqlite:{db}"]) == 2
    err = capsys.readouterr().err
    assert "smtp plugin is not configured" in err
    assert len(err.strip().splitlines()) == 1


def test_over_smtp_and_with_the_server_down(
    db: Path,
    book: Path,
    smtp_server: SmtpServer,
    stopped_smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With the server down the run exits 3 and keeps the messages; with it up they are sent
    over STARTTLS."""

    def remind(port: int, day: date = DAY) -> int:
        options = {
            "host": "localhost",
            "port": str(port),
            "ca_file": str(tls_files[0]),
            "addresses": str(book),
            "timeout": "5",
        }
        args = ["remind", "--lang", "en", "--store", f"sqlite:{db}", "--as-of", str(day)]
        for key, value in options.items():
            args += ["--option", f"smtp.{key}={value}"]
        return main(args)

    assert remind(stopped_smtp_server.port) == 3
    assert "cannot connect" in capsys.readouterr().err
    with SQLiteCaseStore(db, read_only=True) as store:
        assert len(store.outbox(status=OutboxStatus.PENDING)) == 2  # "ukjent" had no address
    # The retry waits for its backoff (300 s by default): the same noon nothing is due yet.
    assert remind(smtp_server.port) == 0
    assert smtp_server.handler.accepted == []
    assert remind(smtp_server.port, date(2026, 3, 3)) == 0
    assert sorted(smtp_server.handler.recipients) == ["hs@example.no", "mor@example.no"]
    assert smtp_server.handler.tls == [True, True]


def _remind(argv: list[str], stderr: int) -> tuple[bytes, int]:
    src = Path(__file__).resolve().parents[2] / "src"
    process = subprocess.Popen(
        [sys.executable, "-m", "barnekoordinator", "remind", *argv],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env={**os.environ, "PYTHONPATH": str(src)},
    )
    out, _ = process.communicate(timeout=120)
    return out, process.returncode


def test_remind_counts_its_messages_on_a_terminal_and_nothing_on_a_pipe(
    db: Path, book: Path, tmp_path: Path
) -> None:
    """Issue 17 item 2: progress on standard error only at a terminal; standard output is the
    same either way (two copies of the same outbox, one run each)."""
    twin = tmp_path / "twin.db"
    shutil.copyfile(db, twin)

    def argv(store: Path, out: str) -> list[str]:
        return [
            *("--store", f"sqlite:{store}", "--as-of", str(DAY)),
            *("--option", f"smtp.addresses={book}", "--outbox-dir", str(tmp_path / out)),
        ]

    master, slave = pty.openpty()
    seen = b""
    try:
        at_terminal, status = _remind(argv(db, "a"), slave)
        os.close(slave)
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert status == 1  # the recipient without an address
    assert b"remind" in seen
    assert b"message" in seen, seen  # the counter (tests/notify/test_dispatch.py counts it)
    read, write = os.pipe()
    try:
        on_pipe, status = _remind(argv(twin, "b"), write)
        os.close(write)
        assert os.read(read, 65536) == b""
    finally:
        os.close(read)
    assert status == 1
    assert on_pipe == at_terminal
