"""Sending the outbox through a real STARTTLS SMTP server on loopback: once, and retried."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from barnekoordinator.clock import FixedClock
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStatus
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.store import CaseStore
from barnekoordinator.texts import Language
from barnekoordinator_plugins.notify import (
    AddressFile,
    NotifySettings,
    SmtpSender,
    backoff,
    dispatch,
    letter,
    message_id,
    outbox_of,
)
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

if TYPE_CHECKING:
    from conftest import SmtpServer

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
TODAY = NOW.date()


def msg(n: int, *, recipient: str | None = None, **fields: object) -> OutboxMessage:
    """Message ``n`` to ``person-n`` (or ``recipient``), due today."""
    values: dict[str, object] = {
        "key": f"minutes-ready:case-1:m{n}",
        "case_id": "case-1",
        "kind": OutboxKind.MINUTES_READY,
        "recipient": recipient or f"person-{n}",
        "not_before": TODAY,
    }
    values.update(fields)
    return OutboxMessage(**values)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseStore]:
    """A real SQLite store."""
    with SQLiteCaseStore(tmp_path / "cases.db") as made:
        yield made


@pytest.fixture
def book_file(tmp_path: Path) -> Path:
    """An address book for person-0 … person-9 (person-2 reads nynorsk)."""
    path = tmp_path / "addresses.json"
    book: dict[str, object] = {f"person-{n}": f"p{n}@example.no" for n in range(10)}
    book["person-2"] = {"email": "p2@example.no", "lang": "nn"}
    path.write_text(json.dumps(book), encoding="utf-8")
    return path


def settings_for(port: int, tls_files: tuple[Path, Path], book_file: Path) -> NotifySettings:
    """Settings for the loopback server, trusting its self-signed certificate."""
    return NotifySettings(
        host="localhost",
        port=port,
        ca_file=str(tls_files[0]),
        addresses=str(book_file),
        from_address="varsel@kommune.example.no",
        login_url="https://bk.kommune.example.no/",
        timeout=5.0,
        backoff_seconds=60.0,
        max_attempts=3,
    )


def run(store: CaseStore, settings: NotifySettings, now: datetime = NOW):  # type: ignore[no-untyped-def]
    """One dispatch run over SMTP."""
    return dispatch(
        store,
        sender=SmtpSender(settings),
        book=AddressFile(settings.addresses),
        settings=settings,
        now=now,
    )


def ids(server: SmtpServer) -> list[str]:
    """The Message-IDs the server accepted, in order."""
    return [str(m["Message-ID"]) for m in server.handler.accepted]


def test_due_messages_are_sent_once_over_starttls(
    store: CaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], book_file: Path
) -> None:
    """Each due message goes out once, over TLS, with the Message-ID of its key; a message due
    tomorrow waits; a second run sends nothing."""
    box = outbox_of(store)
    box.add_outbox([msg(1), msg(2), msg(3, not_before=TODAY + timedelta(days=1))])
    settings = settings_for(smtp_server.port, tls_files, book_file)
    report = run(store, settings)
    assert report.count(OutboxStatus.SENT) == 2
    assert smtp_server.handler.tls == [True, True]
    assert ids(smtp_server) == [message_id(msg(n).key, settings.from_address) for n in (1, 2)]
    assert smtp_server.handler.recipients == ["p1@example.no", "p2@example.no"]
    assert run(store, settings).outcomes == ()
    assert len(smtp_server.handler.accepted) == 2
    tomorrow = run(store, settings, NOW + timedelta(days=1))
    assert [o.key for o in tomorrow.outcomes] == [msg(3).key]
    assert len(smtp_server.handler.accepted) == 3


def test_a_server_that_is_down_keeps_every_message_for_the_next_run(
    store: CaseStore,
    stopped_smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    book_file: Path,
) -> None:
    """Nothing is sent while the server is down; each message waits for the run's backoff,
    counting no attempt (none was tried), and is sent once when the server is back."""
    box = outbox_of(store)
    box.add_outbox([msg(1), msg(2)])
    down = stopped_smtp_server
    settings = settings_for(down.port, tls_files, book_file)
    report = run(store, settings)
    assert "cannot connect" in report.unavailable
    pending = box.outbox(status=OutboxStatus.PENDING)
    assert [(e.attempts, e.next_attempt) for e in pending] == [(0, NOW + backoff(settings, 1))] * 2
    assert run(store, settings, NOW + timedelta(seconds=30)).outcomes == ()  # backing off
    with down as server:
        later = run(store, settings, NOW + backoff(settings, 1))
        assert later.count(OutboxStatus.SENT) == 2
        assert run(store, settings, NOW + timedelta(hours=1)).outcomes == ()
        assert len(server.handler.accepted) == 2


def test_a_server_failing_mid_batch_gets_the_rest_later_and_nothing_twice(
    store: CaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], book_file: Path
) -> None:
    """The server refuses the third DATA: the others are marked sent, the third is retried
    after its backoff, and no message reaches the server twice."""
    box = outbox_of(store)
    box.add_outbox([msg(n) for n in range(1, 6)])
    smtp_server.handler.refuse_data = {3}
    settings = settings_for(smtp_server.port, tls_files, book_file)
    first = run(store, settings)
    assert first.count(OutboxStatus.SENT) == 4
    (retry,) = box.outbox(status=OutboxStatus.PENDING)
    assert (retry.message.key, retry.attempts) == (msg(3).key, 1)
    assert "451" in retry.note
    run(store, settings, NOW + backoff(settings, 1))
    assert sorted(ids(smtp_server)) == sorted(
        message_id(msg(n).key, settings.from_address) for n in range(1, 6)
    )
    assert len(set(ids(smtp_server))) == 5


def test_refused_recipients_and_unknown_people_are_undeliverable(
    store: CaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], book_file: Path
) -> None:
    """A 5xx for the recipient gives up at once; a recipient without an address is recorded as
    undeliverable; neither stops the others."""
    box = outbox_of(store)
    box.add_outbox([msg(1), msg(2, recipient="nobody-known"), msg(4)])
    smtp_server.handler.refuse_rcpt = {"p1@example.no"}
    report = run(store, settings_for(smtp_server.port, tls_files, book_file))
    status = {o.key: (o.status, o.note) for o in report.outcomes}
    assert status[msg(1).key][0] is OutboxStatus.UNDELIVERABLE
    assert "550" in status[msg(1).key][1]
    assert status[msg(2).key] == (OutboxStatus.UNDELIVERABLE, "no address for the recipient")
    assert status[msg(4).key][0] is OutboxStatus.SENT
    assert smtp_server.handler.recipients == ["p4@example.no"]


def test_retries_give_up_after_max_attempts(
    store: CaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], book_file: Path
) -> None:
    """Each refusal of the message (a 451 to its DATA) doubles the wait; after
    ``max_attempts`` refusals the message is given up, and its ``attempts`` agree with the note.
    (A server that cannot be reached at all counts no attempt: see test_dispatch_edges.)"""
    box = outbox_of(store)
    box.add_outbox([msg(1)])
    smtp_server.handler.refuse_data = {1, 2, 3}
    settings = settings_for(smtp_server.port, tls_files, book_file)
    at = NOW
    for attempt in (1, 2):
        run(store, settings, at)
        (entry,) = box.outbox(status=OutboxStatus.PENDING)
        assert entry.attempts == attempt
        assert entry.next_attempt == at + timedelta(seconds=60 * 2 ** (attempt - 1))
        at = entry.next_attempt
    final = run(store, settings, at)
    assert final.count(OutboxStatus.UNDELIVERABLE) == 1
    (entry,) = box.outbox()
    assert "gave up after 3 attempts" in entry.note
    assert entry.attempts == 3
    assert smtp_server.handler.data_count == 3
    assert smtp_server.handler.accepted == []


def test_a_crash_between_send_and_mark_resends_with_the_same_message_id(
    store: CaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], book_file: Path
) -> None:
    """A dispatcher that sent but died before recording it holds the claim until its lease ends;
    then the message is sent again with the same Message-ID (at least once; receivers dedupe)."""
    box = outbox_of(store)
    box.add_outbox([msg(1)])
    settings = settings_for(smtp_server.port, tls_files, book_file)
    lease_end = NOW + timedelta(seconds=settings.lease_seconds)
    (claimed,) = box.claim_outbox(now=NOW, until=lease_end, claimant="crashes")
    sender = SmtpSender(settings)
    sender.open()
    sender.send(
        letter(claimed.message, to="p1@example.no", lang=Language.NB, settings=settings, now=NOW),
        "p1@example.no",
    )
    sender.close()  # ... and the process dies here, before settle_outbox
    assert run(store, settings, NOW + timedelta(seconds=1)).outcomes == ()
    assert run(store, settings, lease_end).count(OutboxStatus.SENT) == 1
    assert len(ids(smtp_server)) == 2
    assert len(set(ids(smtp_server))) == 1


def test_a_reminder_whose_agenda_row_is_gone_is_obsolete(
    store: CaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], book_file: Path
) -> None:
    """A handover reminder is not sent when the handover was answered (no agenda row)."""
    box = outbox_of(store)
    guard = (AgendaKind.HANDOVER_PENDING, "handover", date(2026, 2, 20))
    box.add_outbox([msg(1, kind=OutboxKind.HANDOVER_UNANSWERED, guard=guard)])
    report = run(store, settings_for(smtp_server.port, tls_files, book_file))
    assert [o.status for o in report.outcomes] == [OutboxStatus.OBSOLETE]
    assert smtp_server.handler.accepted == []


def test_the_letter_is_in_the_recipients_language_and_says_only_where_to_log_in(
    store: CaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], book_file: Path
) -> None:
    """person-2 reads nynorsk; the letter names the login address and no case id."""
    box = outbox_of(store)
    box.add_outbox([msg(2)])
    run(store, settings_for(smtp_server.port, tls_files, book_file))
    (mail,) = smtp_server.handler.accepted
    body = mail.get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert mail["Subject"] == "Noko ventar på deg i barnekoordinator"
    assert "Referatet frå eit møte du var med på, er klart." in body
    assert "https://bk.kommune.example.no/" in body
    assert "case-1" not in body
    assert "case-1" not in str(mail)


def test_progress_is_told_once_per_message_handled(
    store: CaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], book_file: Path
) -> None:
    """The ``progress`` callback (the command line's counter) hears of each message handled:
    sent or not, once; a message not yet due is not counted."""
    box = outbox_of(store)
    box.add_outbox([msg(1), msg(2), msg(3, not_before=TODAY + timedelta(days=1))])
    settings = settings_for(smtp_server.port, tls_files, book_file)
    told: list[int] = []
    report = dispatch(
        store,
        sender=SmtpSender(settings),
        book=AddressFile(settings.addresses),
        settings=settings,
        now=NOW,
        progress=told.append,
    )
    assert told == [1] * len(report.outcomes) == [1, 1]


class _Recorder:
    """A mail sender that keeps each letter's Message-ID; every letter takes ``seconds`` of the
    injected clock, and after its ``at``-th one ``meanwhile()`` runs (a second run starting)."""

    def __init__(
        self,
        clock: FixedClock,
        seconds: float,
        at: int = 0,
        meanwhile: Callable[[], object] | None = None,
    ) -> None:
        self.clock, self.seconds, self.at, self.meanwhile = clock, seconds, at, meanwhile
        self.ids: list[str] = []

    def open(self) -> None:
        pass

    def send(self, mail: EmailMessage, to: str) -> None:
        self.ids.append(str(mail["Message-ID"]))
        self.clock.advance(timedelta(seconds=self.seconds))
        if len(self.ids) == self.at and self.meanwhile is not None:
            self.meanwhile()

    def close(self) -> None:
        pass


def _overlapping_runs(
    store: CaseStore, book_file: Path, first_now: datetime
) -> tuple[_Recorder, _Recorder]:
    """A run dated ``first_now`` whose letters take a second each, with a ten-second lease;
    after its 30th letter a second run, dated by the clock, starts and runs to the end."""
    box = outbox_of(store)
    due = first_now.date()
    box.add_outbox([msg(n, recipient=f"person-{n % 10}", not_before=due) for n in range(60)])
    settings = NotifySettings(addresses=str(book_file), lease_seconds=10, timeout=0.5)
    clock = FixedClock(NOW)
    second = _Recorder(clock, 0)

    def start_second() -> None:
        dispatch(
            store,
            sender=second,
            book=AddressFile(settings.addresses),
            settings=settings,
            now=clock.now(),
            clock=clock,
        )

    first = _Recorder(clock, 1.0, at=30, meanwhile=start_second)
    dispatch(
        store,
        sender=first,
        book=AddressFile(settings.addresses),
        settings=settings,
        now=first_now,
        clock=clock,
    )
    return first, second


@pytest.mark.parametrize("dated", ["now", "the day before"])
def test_a_run_longer_than_its_lease_or_dated_back_shares_nothing_with_a_second_run(
    store: CaseStore, book_file: Path, dated: str
) -> None:
    """Found in review (2026-12-07): the lease counted from the run's date, once, so a second
    run took what a run longer than the lease, or one ``--as-of`` yesterday, still held, and
    both sent it. Each batch is now leased from the time it is claimed, and what is left of it
    at half the lease goes back to be claimed anew: each letter goes out once."""
    first_now = NOW if dated == "now" else NOW - timedelta(days=1)
    first, second = _overlapping_runs(store, book_file, first_now)
    sent = first.ids + second.ids
    assert len(sent) == 60
    assert len(set(sent)) == 60  # none twice
    assert len(outbox_of(store).outbox(status=OutboxStatus.SENT)) == 60
