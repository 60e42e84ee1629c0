"""``remind`` at its edges (sweep 3, F6, F7, F11, F12): options refused before anything is
claimed, failures that end a run releasing what it claimed, the unanswered-handover reminder
actually sent, a bounded address book and an outbox folder that never grows a tree.

Mail goes to a real STARTTLS server on loopback (``conftest.py``); nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.cli import main
from barnekoordinator.coordination import handover
from barnekoordinator.coordination.stafettlogg import BtiLevel, open_stafettlogg
from barnekoordinator.errors import DeliveryFailed, InvalidConfiguration
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStatus
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import CaseRun, consent_all, standard_case
from barnekoordinator_plugins.notify import (
    Address,
    AddressFile,
    NotifySettings,
    SmtpSender,
    dispatch,
    messages_for,
)
from barnekoordinator_plugins.notify._addresses import MAX_ADDRESS_BOOK
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

if TYPE_CHECKING:
    from conftest import SmtpServer

DAY = date(2026, 3, 2)
NOW = datetime.combine(DAY, time(12), tzinfo=UTC)
SRC = Path(__file__).resolve().parents[2] / "src"


def _message(n: int) -> OutboxMessage:
    return OutboxMessage(
        key=f"minutes-ready:case-1:m{n}",
        case_id="case-1",
        kind=OutboxKind.MINUTES_READY,
        recipient=f"person-{n}",
        not_before=DAY,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A SQLite store whose outbox holds three messages due on DAY."""
    path = tmp_path / "cases.db"
    with SQLiteCaseStore(path) as store:
        store.add_outbox([_message(n) for n in range(3)])
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """An address book for person-0 … person-2, kl and pl."""
    path = tmp_path / "addresses.json"
    entries = {f"person-{n}": f"p{n}@example.no" for n in range(3)}
    entries |= {"kl": "kl@example.no", "pl": "pl@example.no"}
    path.write_text(json.dumps(entries), encoding="utf-8")
    return path


def _settings(server: SmtpServer, tls_files: tuple[Path, Path], book: Path) -> NotifySettings:
    return NotifySettings(
        host="localhost",
        port=server.port,
        ca_file=str(tls_files[0]),
        addresses=str(book),
        timeout=5.0,
    )


def _smtp_options(
    server: SmtpServer, tls_files: tuple[Path, Path], book: Path, **extra: str
) -> list[str]:
    options = {
        "host": "localhost",
        "port": str(server.port),
        "ca_file": str(tls_files[0]),
        "addresses": str(book),
        "timeout": "5",
        **extra,
    }
    return [arg for key, value in options.items() for arg in ("--option", f"smtp.{key}={value}")]


def _remind(db: Path, *args: str) -> list[str]:
    return ["remind", "--lang", "en", "--store", f"sqlite:{db}", "--as-of", str(DAY), *args]


def _one_line(err: str) -> None:
    assert "Traceback" not in err
    assert "unexpected" not in err
    assert len(err.strip().splitlines()) == 1, err


def _untouched(db: Path, count: int = 3) -> None:
    with SQLiteCaseStore(db, read_only=True) as store:
        pending = store.outbox(status=OutboxStatus.PENDING)
    assert len(pending) == count
    assert all(e.attempts == 0 and e.claimed_until is None for e in pending)


# --- F6: smtp.timeout and smtp.host are checked when the options are read ---------------------


@pytest.mark.parametrize(
    ("key", "value"), [("timeout", "0"), ("timeout", "0.0"), ("lease_seconds", "0")]
)
def test_a_timeout_or_lease_of_0_is_refused_before_anything_is_claimed(
    db: Path,
    book: Path,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    key: str,
    value: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit 2 with one line naming the option and what it expects; the outbox is untouched and
    nothing reaches the server (timeout 0 once escaped as ``unexpected ValueError``, exit 3,
    with every message leased for ten minutes)."""
    argv = _remind(db, *_smtp_options(smtp_server, tls_files, book, **{key: value}))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{key}: expected seconds above 0" in err
    _one_line(err)
    _untouched(db)
    assert smtp_server.handler.accepted == []


BAD_HOSTS = [
    "a" * 300,
    "\u202esmtp.kommune.no",
    "smtp\u200b.kommune.no",
    "a" * 64 + ".no",
    ".".join(["a" * 63] * 5),
    "a..b",
    "-smtp.kommune.no",
    "smtp kommune.no",
    "smtp\x1b.kommune.no",
    "",
]


@pytest.mark.parametrize("host", BAD_HOSTS, ids=range(len(BAD_HOSTS)))
def test_a_host_that_is_no_host_name_is_refused_before_anything_is_claimed(
    db: Path, book: Path, host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An overlong host or label, a format or control character, an empty label: exit 2 naming
    ``host`` (they once escaped as ``unexpected UnicodeError``, exit 3, the outbox leased)."""
    argv = _remind(db, "--option", f"smtp.host={host}", "--option", f"smtp.addresses={book}")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "['host']: holds a control character" in err or "host: expected a host name" in err
    _one_line(err)
    _untouched(db)
    with pytest.raises(InvalidConfiguration, match="host: expected a host name"):
        NotifySettings(host=host)


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "::1", "smtp.kommune.no", "smtp.kommune.no.", "bærum.no"]
)
def test_host_names_and_addresses_are_accepted(host: str) -> None:
    """Host names (IDNA too, a final dot too) and IP addresses pass."""
    assert NotifySettings.from_options({"host": host}).host == host


def test_settings_made_from_python_are_checked_too() -> None:
    """``NotifySettings(timeout=0)`` is refused as the option is."""
    with pytest.raises(InvalidConfiguration, match="timeout: expected seconds above 0"):
        NotifySettings(timeout=0)
    with pytest.raises(InvalidConfiguration, match="lease_seconds: expected seconds above 0"):
        NotifySettings(lease_seconds=0)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("service_name", "Varsel\r\nBcc: x@example.no"),
        ("service_name", " "),
        ("from_address", "a@b.no\r\nBcc: x@example.no"),
        ("login_url", "javascript:alert(1)"),
    ],
)
def test_header_and_link_settings_made_from_python_are_checked(field: str, value: str) -> None:
    """A service name with a line break was accepted from Python, and every letter was then
    settled undeliverable for good, as the ``email`` package refused it (sweep, 2026-12-07)."""
    with pytest.raises(InvalidConfiguration, match=f"smtp options: {field}: expected"):
        NotifySettings(**{field: value})  # type: ignore[arg-type]
    assert NotifySettings(timeout=0.5).timeout == 0.5
    # A number is checked as a number, not through the option's text form ("1e-07" has none).
    # (A lease must last 15 timeouts: the timeout is made small enough for this one.)
    assert NotifySettings(timeout=(0.1 + 0.2) / 1e8, lease_seconds=1e-7).lease_seconds == 1e-7
    for bad in (float("nan"), float("inf"), -1.0, True):
        with pytest.raises(InvalidConfiguration, match="timeout: expected"):
            NotifySettings(timeout=bad)
    with pytest.raises(InvalidConfiguration, match="host: expected a text, got int"):
        NotifySettings(host=123)  # type: ignore[arg-type]


class _TwoResentBlocks(EmailMessage):
    """A letter ``smtplib`` refuses to send with ``ValueError`` (two ``Resent-`` blocks)."""

    def __init__(self) -> None:
        super().__init__()
        self["Resent-Date"] = "Mon, 02 Mar 2026 07:00:00 +0000"
        self["Resent-Date"] = "Mon, 02 Mar 2026 08:00:00 +0000"
        self.set_content("x\n")


class _Broken(EmailMessage):
    """A letter whose headers cannot be read (a vendor's bug)."""

    def get_all(self, *args: object, **kwargs: object) -> list[str]:  # type: ignore[override]
        raise RuntimeError("broken letter")


def test_the_sender_turns_what_smtplib_raises_into_delivery_failed(
    smtp_server: SmtpServer, tls_files: tuple[Path, Path], book: Path
) -> None:
    """A letter ``smtplib`` cannot send is a permanent ``DeliveryFailed``; any other failure a
    retryable one; never a raw exception. Each ends the session; the next one opens anew."""
    sender = SmtpSender(_settings(smtp_server, tls_files, book))
    sender.open()
    try:
        with pytest.raises(DeliveryFailed, match="cannot be encoded") as unencodable:
            sender.send(_TwoResentBlocks(), "p0@example.no")
        assert unencodable.value.permanent
        assert unencodable.value.connection_lost
        sender.open()
        with pytest.raises(DeliveryFailed, match="RuntimeError while sending") as other:
            sender.send(_Broken(), "p0@example.no")
        assert not other.value.permanent
        assert other.value.connection_lost
    finally:
        sender.close()
    assert smtp_server.handler.accepted == []


class _FailingBook:
    """A vendor's address book with a bug: it raises on ``person-1``."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def address(self, ref: str) -> Address | None:
        self.asked.append(ref)
        if ref == "person-1":
            raise RuntimeError("the directory service is broken")
        return Address(f"{ref.replace('person-', 'p')}@example.no")


def test_a_run_that_ends_early_releases_its_claims_and_the_next_run_sends_each_once(
    db: Path, book: Path, smtp_server: SmtpServer, tls_files: tuple[Path, Path]
) -> None:
    """The run raises on the second message: the first is sent, the second and third are not
    left leased (they once waited out the ten-minute lease) but released for the next run,
    which sends them; the server gets each message once."""
    settings = _settings(smtp_server, tls_files, book)
    with SQLiteCaseStore(db) as store:
        with pytest.raises(RuntimeError, match="directory service"):
            dispatch(
                store,
                sender=SmtpSender(settings),
                book=_FailingBook(),
                settings=settings,
                now=NOW,
            )
        (sent,) = store.outbox(status=OutboxStatus.SENT)
        assert sent.message.key == _message(0).key
        pending = store.outbox(status=OutboxStatus.PENDING)
        assert [e.message.key for e in pending] == [_message(1).key, _message(2).key]
        assert all(e.claimed_until is None and e.next_attempt is None for e in pending)
        assert all("ended early (RuntimeError)" in e.note for e in pending)
        assert [e.attempts for e in pending] == [0, 0]  # neither was tried
        again = dispatch(
            store,
            sender=SmtpSender(settings),
            book=AddressFile(book),
            settings=settings,
            now=NOW,
        )
        assert again.count(OutboxStatus.SENT) == 2
    assert sorted(smtp_server.handler.recipients) == [f"p{n}@example.no" for n in range(3)]


class _InterruptedSender(SmtpSender):
    """Ctrl-C while the second letter is being sent."""

    sent = 0

    def send(self, mail: EmailMessage, to: str) -> None:
        self.sent += 1
        if self.sent == 2:
            raise KeyboardInterrupt
        super().send(mail, to)


def test_the_message_being_sent_when_a_run_ends_counts_an_attempt_the_others_do_not(
    db: Path, book: Path, smtp_server: SmtpServer, tls_files: tuple[Path, Path]
) -> None:
    """The message in the sender's hands may have reached the server, so its release counts an
    attempt; the one after it was never tried and keeps its count."""
    settings = _settings(smtp_server, tls_files, book)
    with SQLiteCaseStore(db) as store:
        with pytest.raises(KeyboardInterrupt):
            dispatch(
                store,
                sender=_InterruptedSender(settings),
                book=AddressFile(book),
                settings=settings,
                now=NOW,
            )
        pending = store.outbox(status=OutboxStatus.PENDING)
        assert [(e.message.key, e.attempts) for e in pending] == [
            (_message(1).key, 1),
            (_message(2).key, 0),
        ]


def test_a_configuration_error_found_mid_run_releases_the_claims(
    db: Path,
    book: Path,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The password's environment variable is found unset when the session opens (after the
    claim): exit 2, one line, and the messages are free for the next run, which sends each once."""
    monkeypatch.delenv("BK_TEST_SMTP_PASSWORD", raising=False)
    login = {"username": "bk", "password_env": "BK_TEST_SMTP_PASSWORD"}
    assert main(_remind(db, *_smtp_options(smtp_server, tls_files, book, **login))) == 2
    err = capsys.readouterr().err
    assert "BK_TEST_SMTP_PASSWORD" in err
    _one_line(err)
    with SQLiteCaseStore(db, read_only=True) as store:
        pending = store.outbox(status=OutboxStatus.PENDING)
    assert len(pending) == 3
    assert all(e.claimed_until is None and e.next_attempt is None for e in pending)
    assert main(_remind(db, *_smtp_options(smtp_server, tls_files, book))) == 0
    assert sorted(smtp_server.handler.recipients) == [f"p{n}@example.no" for n in range(3)]


@pytest.mark.parametrize(("refused", "status"), [({1, 2, 3}, 3), ({2}, 0)])
def test_a_server_that_takes_none_of_the_letters_is_exit_3(
    db: Path,
    book: Path,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    refused: set[int],
    status: int,
) -> None:
    """A session opens but the server answers 451 to every letter: nothing went out, so
    cron must hear of it (exit 3, one line), as when no session opens; it was exit 0 (sweep,
    2026-12-07). One letter refused among others sent is an ordinary retry: exit 0."""
    smtp_server.handler.refuse_data = refused
    assert main(_remind(db, *_smtp_options(smtp_server, tls_files, book))) == status
    err = capsys.readouterr().err
    if status == 3:
        assert "the mail server took none of the letters; retried later" in err
        _one_line(err)
    else:
        assert err == ""
    with SQLiteCaseStore(db, read_only=True) as store:
        assert len(store.outbox(status=OutboxStatus.PENDING)) == len(refused)


# --- F7: the unanswered-handover reminder -------------------------------------------------------

PROPOSED = date(2026, 1, 5)
SETTINGS_DAYS = 7


def _proposed_handover() -> CaseRun:
    run = standard_case(as_of=PROPOSED)
    services = [ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON, ServiceKind.SKOLE]
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, as_of=PROPOSED, consent_id="k")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=PROPOSED)
    run.run(handover.propose_handover, to_ref="kl", by="pl", as_of=PROPOSED)
    return run


@pytest.fixture
def handover_store(tmp_path: Path) -> Iterator[tuple[SQLiteCaseStore, CaseRun]]:
    """A store holding a real case where ``pl`` (the holder) proposed ``kl`` on PROPOSED, with
    the messages the notifier computed, stored with the events."""
    run = _proposed_handover()
    records = run.records()
    settings = NotifySettings(handover_days=SETTINGS_DAYS)
    with SQLiteCaseStore(tmp_path / "handover.db") as store:
        store.append("case-1", 0, records, outbox=messages_for(records, settings))
        yield store, run


def _unanswered(report_outcomes: object) -> list[OutboxStatus]:
    return [
        o.status
        for o in report_outcomes  # type: ignore[attr-defined]
        if o.kind == OutboxKind.HANDOVER_UNANSWERED.value
    ]


def test_an_unanswered_handover_is_reminded_over_smtp(
    handover_store: tuple[SQLiteCaseStore, CaseRun],
    book: Path,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
) -> None:
    """``handover_days`` after the proposal, still pending: the proposed person and the holder
    get the reminder (it was always settled as obsolete: its guard named no agenda row)."""
    store, _ = handover_store
    settings = _settings(smtp_server, tls_files, book)
    due = datetime.combine(PROPOSED + timedelta(days=SETTINGS_DAYS), time(12), tzinfo=UTC)
    report = dispatch(
        store, sender=SmtpSender(settings), book=AddressFile(book), settings=settings, now=due
    )
    assert _unanswered(report.outcomes) == [OutboxStatus.SENT, OutboxStatus.SENT]
    reminded = sorted(
        str(m["To"]) for m in smtp_server.handler.accepted if "ennå ikke besvart" in m.get_content()
    )
    assert reminded == ["kl@example.no", "pl@example.no"]
    assert len(smtp_server.handler.accepted) == 3  # and the proposal itself, to kl


def test_an_answered_handover_makes_the_reminder_obsolete(
    handover_store: tuple[SQLiteCaseStore, CaseRun],
    book: Path,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
) -> None:
    """``kl`` accepts before the reminder is due: it is obsolete, and only the proposal itself
    reached the server."""
    store, run = handover_store
    before = len(run.history)
    run.run(handover.accept_handover, by="kl", as_of=PROPOSED + timedelta(days=2))
    records = run.records()
    store.append("case-1", before, records[before:])
    settings = _settings(smtp_server, tls_files, book)
    due = datetime.combine(PROPOSED + timedelta(days=SETTINGS_DAYS), time(12), tzinfo=UTC)
    report = dispatch(
        store, sender=SmtpSender(settings), book=AddressFile(book), settings=settings, now=due
    )
    assert _unanswered(report.outcomes) == [OutboxStatus.OBSOLETE, OutboxStatus.OBSOLETE]
    assert smtp_server.handler.recipients == ["kl@example.no"]  # proposed-as-holder only


def test_a_reminder_stored_with_the_old_guard_key_is_still_sent(
    handover_store: tuple[SQLiteCaseStore, CaseRun],
    book: Path,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
) -> None:
    """Outboxes written before the fix hold the guard key ``handover``: it means the
    ``stafettholder`` row, so such a reminder is sent while the handover is pending."""
    store, _ = handover_store
    later = PROPOSED + timedelta(days=1)
    store.add_outbox(
        [
            OutboxMessage(
                key=f"handover-unanswered:case-1:handover:pl:{later}",
                case_id="case-1",
                kind=OutboxKind.HANDOVER_UNANSWERED,
                recipient="pl",
                not_before=later,
                guard=(AgendaKind.HANDOVER_PENDING, "handover", PROPOSED),
            )
        ]
    )
    settings = _settings(smtp_server, tls_files, book)
    report = dispatch(
        store,
        sender=SmtpSender(settings),
        book=AddressFile(book),
        settings=settings,
        now=datetime.combine(later, time(12), tzinfo=UTC),
    )
    assert _unanswered(report.outcomes) == [OutboxStatus.SENT]


# --- F11: the address book is read with a bound -------------------------------------------------


def _remind_process(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "barnekoordinator", *argv],
        capture_output=True,
        text=True,
        timeout=60,  # the old reader never returned on /dev/zero
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=False,
    )


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_an_address_book_that_is_no_regular_file_is_refused(
    db: Path, tmp_path: Path, kind: str
) -> None:
    """``/dev/zero`` (endless), a FIFO (blocks) and a folder: exit 2 at once, one line naming
    ``smtp addresses``, nothing claimed."""
    if kind == "device":
        path = Path("/dev/zero")
    elif kind == "fifo":
        path = tmp_path / "addresses.fifo"
        os.mkfifo(path)
    else:
        path = tmp_path
    done = _remind_process(
        _remind(db, "--option", "smtp.host=127.0.0.1", "--option", f"smtp.addresses={path}")
    )
    assert done.returncode == 2, done.stderr
    assert "smtp addresses" in done.stderr
    assert "expected a regular file" in done.stderr
    _one_line(done.stderr)
    _untouched(db)


def test_an_address_book_over_the_cap_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A (sparse) file one byte over ``MAX_ADDRESS_BOOK``: exit 2 saying so; nothing claimed."""
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_ADDRESS_BOOK + 1)
    with pytest.raises(InvalidConfiguration, match=f"longer than {MAX_ADDRESS_BOOK} bytes"):
        AddressFile(big)
    out = tmp_path / "eml"
    assert main(_remind(db, "--outbox-dir", str(out), "--option", f"smtp.addresses={big}")) == 2
    err = capsys.readouterr().err
    assert "smtp addresses" in err
    assert "longer than" in err
    _one_line(err)
    _untouched(db)


def test_an_address_book_nested_too_deep_is_refused(tmp_path: Path) -> None:
    """Deep nesting is refused as a typed error, never a ``RecursionError``."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(InvalidConfiguration, match=r"smtp addresses .* nested deeper"):
        AddressFile(deep)


# --- F12: --outbox-dir creates at most its last folder -----------------------------------------


def test_outbox_dir_with_a_missing_parent_is_refused_and_creates_nothing(
    db: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped path (``missing/dir/x``): exit 2, one line, no folder made, nothing claimed."""
    out = tmp_path / "missing" / "dir" / "x"
    assert main(_remind(db, "--outbox-dir", str(out), "--option", f"smtp.addresses={book}")) == 2
    err = capsys.readouterr().err
    assert "--outbox-dir" in err
    assert "is no folder" in err
    _one_line(err)
    assert not (tmp_path / "missing").exists()
    _untouched(db)


def test_outbox_dir_that_is_a_file_is_refused(
    db: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file where the folder should be: exit 2 before anything is claimed."""
    out = tmp_path / "eml"
    out.write_text("", encoding="utf-8")
    assert main(_remind(db, "--outbox-dir", str(out), "--option", f"smtp.addresses={book}")) == 2
    err = capsys.readouterr().err
    assert "expected a folder" in err
    _one_line(err)
    _untouched(db)


def test_outbox_dir_creates_its_last_folder(
    db: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing folder in an existing one is created and receives the letters."""
    out = tmp_path / "eml"
    assert main(_remind(db, "--outbox-dir", str(out), "--option", f"smtp.addresses={book}")) == 0
    capsys.readouterr()
    assert len(list(out.glob("*.eml"))) == 3
