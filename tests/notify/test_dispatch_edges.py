"""Edges of sending found in review (2027-01): leases in real time whatever ``--as-of`` says, an
outage that never uses up the retries, settings refused when read, no fødselsnummer in the
outbox. A real STARTTLS SMTP server on loopback and a real SQLite store throughout."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from barnekoordinator.cli import main
from barnekoordinator.clock import SystemClock
from barnekoordinator.errors import InvalidConfiguration, InvalidInput
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStatus
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator_plugins.notify import (
    AddressFile,
    EmlFolder,
    NotifySettings,
    SmtpSender,
    dispatch,
    outbox_of,
)
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

if TYPE_CHECKING:
    from conftest import SmtpServer

FNR = synthetic_fodselsnummer(date(1985, 3, 14))


def message(n: int, day: date, **fields: Any) -> OutboxMessage:
    """Minutes ready for ``person-n``, due ``day``."""
    values: dict[str, Any] = {
        "key": f"minutes-ready:case-1:m1:person-{n}",
        "case_id": "case-1",
        "kind": OutboxKind.MINUTES_READY,
        "recipient": f"person-{n}",
        "not_before": day,
    }
    values.update(fields)
    return OutboxMessage(**values)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Where the SQLite store lives."""
    return tmp_path / "cases.db"


@pytest.fixture
def store(db: Path) -> Iterator[SQLiteCaseStore]:
    """A real SQLite store."""
    with SQLiteCaseStore(db) as made:
        yield made


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """Addresses for person-0 … person-4."""
    path = tmp_path / "addresses.json"
    path.write_text(json.dumps({f"person-{n}": f"p{n}@example.no" for n in range(5)}))
    return path


def settings_for(port: int, tls_files: tuple[Path, Path], book: Path) -> NotifySettings:
    """Settings for the loopback server (60 s backoff, three attempts)."""
    return NotifySettings(
        host="localhost",
        port=port,
        ca_file=str(tls_files[0]),
        addresses=str(book),
        from_address="varsel@kommune.example.no",
        login_url="https://bk.kommune.example.no/",
        timeout=5.0,
        backoff_seconds=60.0,
        max_attempts=3,
    )


def test_a_run_as_of_a_later_day_takes_nothing_another_run_holds(
    store: SQLiteCaseStore,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    book: Path,
    tmp_path: Path,
) -> None:
    """Found in review: a run ``as of`` tomorrow judged the leases against tomorrow, so it took
    every message a run of today still held, and both sent them. Leases are judged in real
    time: while run A sends its first letter, run B (dated tomorrow) claims nothing."""
    today = SystemClock().now().date()
    outbox_of(store).add_outbox([message(n, today) for n in range(3)])
    settings = settings_for(smtp_server.port, tls_files, book)
    folder = tmp_path / "eml"
    second: list[Any] = []
    handler = smtp_server.handler
    accept = handler.handle_DATA

    async def data_then_second_run(server: Any, session: Any, envelope: Any) -> str:
        if not second:  # A holds all three and is sending the first: B starts now
            with SQLiteCaseStore(store.path) as other:
                second.append(
                    dispatch(
                        other,
                        sender=EmlFolder(folder),
                        book=AddressFile(book),
                        settings=settings,
                        now=datetime.combine(today + timedelta(days=1), datetime.min.time(), UTC)
                        + timedelta(hours=12),
                        clock=SystemClock(),
                    )
                )
        return await accept(server, session, envelope)

    handler.handle_DATA = data_then_second_run  # type: ignore[method-assign]
    first = dispatch(
        store,
        sender=SmtpSender(settings),
        book=AddressFile(book),
        settings=settings,
        now=SystemClock().now(),
        clock=SystemClock(),
    )
    assert second[0].outcomes == ()
    assert not folder.exists() or list(folder.iterdir()) == []
    assert first.count(OutboxStatus.SENT) == 3
    assert len(handler.accepted) == 3


def test_remind_as_of_a_later_day_is_refused_unless_a_dry_run(
    db: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sending as of a later day would send letters before they are due: a usage error (exit
    2), nothing claimed or written; ``--dry-run`` may still look ahead."""
    today = SystemClock().now().date()
    tomorrow = (today + timedelta(days=1)).isoformat()
    with SQLiteCaseStore(db) as store:
        store.add_outbox([message(1, today)])
    folder = tmp_path / "eml"
    argv = ["remind", "--store", f"sqlite:{db}", "--option", f"smtp.addresses={book}"]
    assert main([*argv, "--outbox-dir", str(folder), "--as-of", tomorrow]) == 2
    assert "--as-of after today" in capsys.readouterr().err
    assert not folder.exists()
    with SQLiteCaseStore(db, read_only=True) as store:
        (entry,) = store.outbox()
    assert (entry.status, entry.attempts, entry.claimed_until) == (OutboxStatus.PENDING, 0, None)
    assert main([*argv, "--dry-run", "--as-of", tomorrow]) == 0


def test_an_outage_longer_than_the_retry_schedule_gives_nothing_up(
    store: SQLiteCaseStore,
    stopped_smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    book: Path,
) -> None:
    """Found in review: with no session to be had, every claimed message counted a failed
    attempt, so a server down for the length of the retry schedule gave every message up for
    good, though none was tried. Runs every five minutes for six hours (the schedule is three
    minutes here) count nothing; when the server is back each message goes out once."""
    start = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    box = outbox_of(store)
    box.add_outbox([message(n, start.date()) for n in range(3)])
    settings = settings_for(stopped_smtp_server.port, tls_files, book)
    at = start
    while at < start + timedelta(hours=6):
        report = dispatch(
            store, sender=SmtpSender(settings), book=AddressFile(book), settings=settings, now=at
        )
        assert "cannot connect" in report.unavailable or report.outcomes == ()
        at += timedelta(minutes=5)
    entries = box.outbox()
    assert [(e.status, e.attempts) for e in entries] == [(OutboxStatus.PENDING, 0)] * 3
    with stopped_smtp_server as server:
        back = dispatch(
            store, sender=SmtpSender(settings), book=AddressFile(book), settings=settings, now=at
        )
        again = dispatch(
            store,
            sender=SmtpSender(settings),
            book=AddressFile(book),
            settings=settings,
            now=at + timedelta(days=1),
        )
    assert back.count(OutboxStatus.SENT) == 3
    assert again.outcomes == ()
    assert sorted(server.handler.recipients) == [f"p{n}@example.no" for n in range(3)]


@pytest.mark.parametrize("ca", ["missing", "folder", "unreadable"])
def test_a_ca_file_that_cannot_be_read_is_refused_when_the_options_are_read(
    db: Path,
    smtp_server: SmtpServer,
    book: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    ca: str,
) -> None:
    """Found in review: a missing ``smtp.ca_file`` was reported as "STARTTLS failed … retried
    later" (exit 3) run after run, and burnt every message's attempts. It is a usage error
    (exit 2) before anything is claimed."""
    path = tmp_path / "ca.pem"
    if ca == "folder":
        path.mkdir()
    elif ca == "unreadable":
        path.write_text("-----BEGIN CERTIFICATE-----\n")
        path.chmod(0)
        try:
            path.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("this user reads a file of mode 000 (root)")
    with SQLiteCaseStore(db) as store:
        store.add_outbox([message(1, date(2026, 3, 2))])
    options = ["host=localhost", f"port={smtp_server.port}", f"ca_file={path}"]
    argv = ["remind", "--store", f"sqlite:{db}", "--as-of", "2026-03-02"]
    for option in [*options, f"addresses={book}"]:
        argv += ["--option", f"smtp.{option}"]
    assert main(argv) == 2
    assert "ca_file: expected a readable PEM file" in capsys.readouterr().err
    with SQLiteCaseStore(db, read_only=True) as store:
        (entry,) = store.outbox()
    assert (entry.status, entry.attempts, entry.note) == (OutboxStatus.PENDING, 0, "")
    assert smtp_server.handler.accepted == []


def test_a_ca_file_gone_after_the_options_were_read_is_a_configuration_error(
    smtp_server: SmtpServer, tls_files: tuple[Path, Path], book: Path, tmp_path: Path
) -> None:
    """The certificates file removed (or made from Python without the check) when the session
    opens: the settings are wrong, never the mail server unavailable."""
    copy = tmp_path / "ca.pem"
    copy.write_bytes(tls_files[0].read_bytes())
    settings = settings_for(smtp_server.port, (copy, tls_files[1]), book)
    copy.unlink()
    with pytest.raises(InvalidConfiguration, match="ca_file"):
        SmtpSender(settings).open()


def test_a_login_without_starttls_is_refused() -> None:
    """Found in review: ``starttls=false`` with a username sent the password in clear."""
    options = {"starttls": "false", "username": "bk-varsel", "password_env": "SMTP_PASSWORD"}
    with pytest.raises(InvalidConfiguration, match=r"username.*starttls"):
        NotifySettings.from_options(options)
    with pytest.raises(InvalidConfiguration, match=r"username.*starttls"):
        NotifySettings(starttls=False, username="bk-varsel", password_env="SMTP_PASSWORD")
    assert NotifySettings.from_options({"starttls": "false"}).username == ""


def test_a_lease_shorter_than_a_send_is_refused() -> None:
    """Found in review: a lease of 2 s with a timeout of 30 s let a second run send a letter
    still being sent. A lease must last 15 timeouts (a session opened and a letter sent)."""
    with pytest.raises(InvalidConfiguration, match="lease_seconds"):
        NotifySettings.from_options({"lease_seconds": "2", "timeout": "30"})
    with pytest.raises(InvalidConfiguration, match="lease_seconds"):
        NotifySettings(lease_seconds=449, timeout=30)
    assert NotifySettings(lease_seconds=450, timeout=30).lease_seconds == 450


@pytest.mark.parametrize("where", ["recipient", "key", "case_id"])
def test_a_national_id_in_an_outbox_message_is_refused_and_never_stored(
    store: SQLiteCaseStore, db: Path, where: str
) -> None:
    """Found in review: ``add_outbox`` stored a fødselsnummer given as the recipient (and in the
    key) in clear in the SQLite file. It is refused, naming the field and never the number."""
    fields = {
        "recipient": {"recipient": FNR},
        "key": {"key": f"minutes-ready:case-1:m1:{FNR}"},
        "case_id": {"case_id": f"case-{FNR}"},
    }[where]
    with pytest.raises(InvalidInput, match=where) as raised:
        store.add_outbox([message(1, date(2026, 3, 2)), message(2, date(2026, 3, 2), **fields)])
    assert FNR not in str(raised.value)
    assert store.outbox() == []
    store.close()
    assert FNR.encode() not in db.read_bytes()


def test_a_skipped_row_whose_key_holds_a_national_id_is_counted_not_shown(
    store: SQLiteCaseStore, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A row written outside the library, with a fødselsnummer in its key and a damaged
    status: the warning counts it and never prints the key."""
    store.add_outbox([message(1, date(2026, 3, 2))])
    with sqlite3.connect(db) as raw:
        raw.execute(
            "UPDATE case_outbox SET key = ?, status = '???'", (f"minutes-ready:case-1:{FNR}",)
        )
    raw.close()
    with caplog.at_level(logging.WARNING, logger="barnekoordinator.outbox"):
        assert store.outbox() == []
    (record,) = [r for r in caplog.records if r.name == "barnekoordinator.outbox"]
    assert "1 not shown" in record.getMessage()
    assert FNR not in record.getMessage()
