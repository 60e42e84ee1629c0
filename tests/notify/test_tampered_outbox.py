"""An outbox edited by someone who can write the database (found by an adversarial tester).

* **One row that cannot be read stopped every reminder.** A row of an unknown kind (or guard
  kind, half a guard, a date the store did not write) made every ``remind`` run end with
  "unexpected KeyError": no reminder of any case went out. The row is now skipped, left as it
  is, and reported once per run (a warning of ``barnekoordinator.outbox``, naming its key only
  when it is plain; ``DispatchReport.unreadable``); the others are sent.
* **A row the history never asked for was sent.** A message redirected to someone else, an
  invented decision letter with a complaint deadline of the writer's choosing, a reminder whose
  guard was removed. The dispatcher already reads each due case's history once per run; a
  message it does not ask for is now settled *obsolete* ("does not match the case's history")
  and never sent.

Each runs on SQLite and PostgreSQL, with a real STARTTLS SMTP server on loopback.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination import plan as ip
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    add_log_measure,
    open_stafettlogg,
    record_minutes,
    schedule_meeting,
)
from barnekoordinator.errors import StorageError
from barnekoordinator.history.case import CaseOpened
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStatus
from barnekoordinator.history.storekit import outbox_entry, outbox_values
from barnekoordinator.legal_basis import deadline
from barnekoordinator.rights.decision_records import record_individual_decision
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.archive import refused_decision
from barnekoordinator.testing.builders import CaseRun, consent_all, standard_case
from barnekoordinator.testing.conformance import make_records
from barnekoordinator.testing.exporters import rich_case
from barnekoordinator.testing.population import synthetic_case
from barnekoordinator.testing.postgres import drop_schema
from barnekoordinator_plugins.notify import (
    AddressFile,
    DispatchReport,
    NotifySettings,
    SmtpSender,
    dispatch,
    message_id,
    message_key,
    messages_for,
    outbox_of,
)
from barnekoordinator_plugins.notify._messages import (
    CASE_OPENED,
    MAKERS,
    NOT_ASKED,
    asked_for,
    standing,
)
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

if TYPE_CHECKING:
    from barnekoordinator.history.store import CaseStore
    from conftest import SmtpServer

DAY = date(2026, 1, 5)
NOW = datetime.combine(DAY, time(7), tzinfo=UTC)
SENDER = "varsel@kommune.example.no"
PEOPLE = ("pl", "hs", "kl", "mor", "far")


def _case_a() -> CaseRun:
    """``case-a``: a log with the nurse's tiltak (evaluated in ten days), a meeting of the nurse
    and the mother (its minutes attended by the nurse), and a decision with both guardians as
    parties."""
    run = standard_case(age=6, as_of=DAY, case_id="case-a")
    services = [ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON, ServiceKind.SKOLE]
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, as_of=DAY, consent_id="k")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=DAY)
    run.run(
        add_log_measure,
        tiltak_id="t1",
        by="pl",
        description="Språkgruppe",
        responsible_ref="hs",
        evaluation_date=DAY + timedelta(days=10),
        as_of=DAY,
    )
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=DAY,
        agenda=["Status"],
        invited=["hs", "mor"],
        as_of=DAY,
    )
    run.run(record_minutes, meeting_id="m1", by="pl", text="Referat", attended=["hs"], as_of=DAY)
    run.run(
        record_individual_decision,
        decision=refused_decision(DAY, parties=("mor", "far")),
        decision_id="v1",
        by="ke",
        as_of=DAY,
    )
    return run


def _case_b() -> CaseRun:
    """``case-b``: another case, a meeting of the holder and the teacher."""
    run = standard_case(as_of=DAY, case_id="case-b")
    services = [ServiceKind.BARNEHAGE, ServiceKind.SKOLE]
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, as_of=DAY, consent_id="k")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=DAY)
    run.run(
        schedule_meeting,
        meeting_id="m9",
        by="pl",
        meeting_on=DAY + timedelta(days=3),
        agenda=["Status"],
        invited=["pl", "kl"],
        as_of=DAY,
    )
    return run


class Outbox:
    """A store holding ``case-a`` and ``case-b`` with their messages (as the Casebook stores
    them), and the raw database behind it, as a writer of the database sees it."""

    def __init__(self, store: CaseStore, raw: Callable[[str, tuple[Any, ...]], list[Any]]) -> None:
        self.store, self.raw = store, raw
        self.legit: list[OutboxMessage] = []
        for run in (_case_a(), _case_b()):
            records = run.records()
            messages = messages_for(records, SETTINGS, run.case)
            store.append(run.case.id, 0, records)
            outbox_of(store).add_outbox(messages)
            self.legit += messages

    def key(self, kind: OutboxKind, case_id: str, recipient: str) -> str:
        """The key of the one legitimate message of ``kind`` to ``recipient`` in ``case_id``."""
        (found,) = [
            m.key
            for m in self.legit
            if (m.kind, m.case_id, m.recipient) == (kind, case_id, recipient)
        ]
        return found

    def status(self, key: str) -> tuple[str, str, int, str]:
        """A stored row's kind, status, attempts and note, read raw."""
        (row,) = self.raw(
            "SELECT kind, status, attempts, note FROM case_outbox WHERE key = ?", (key,)
        )
        return tuple(row)  # type: ignore[return-value]


SETTINGS = NotifySettings(evaluation_days=14, handover_days=7, complaint_days=7)


@pytest.fixture(params=["sqlite", "postgres"])
def outbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outbox]:
    if request.param == "sqlite":
        path = tmp_path / "cases.db"

        def raw_sqlite(sql: str, params: tuple[Any, ...]) -> list[Any]:
            connection = sqlite3.connect(path, isolation_level=None)
            try:
                return connection.execute(sql, params).fetchall()
            finally:
                connection.close()

        with SQLiteCaseStore(path) as store:
            yield Outbox(store, raw_sqlite)
        return
    import psycopg

    from barnekoordinator_plugins.postgres import PostgresCaseStore

    dsn = request.getfixturevalue("bk_postgres_dsn")
    schema = f"t_{uuid.uuid4().hex[:16]}"

    def raw_postgres(sql: str, params: tuple[Any, ...]) -> list[Any]:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"SET search_path TO {schema}")
            cursor = connection.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

    try:
        with PostgresCaseStore(dsn, schema=schema) as store:
            yield Outbox(store, raw_postgres)
    finally:
        drop_schema(dsn, schema)


def _settings(server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path) -> NotifySettings:
    book = tmp_path / "addresses.json"
    book.write_text(json.dumps({p: f"{p}@example.no" for p in PEOPLE}), encoding="utf-8")
    return NotifySettings(
        host="localhost",
        port=server.port,
        ca_file=str(tls_files[0]),
        addresses=str(book),
        from_address=SENDER,
        timeout=5.0,
        evaluation_days=14,
        handover_days=7,
        complaint_days=7,
    )


def _run(box: Outbox, settings: NotifySettings) -> DispatchReport:
    return dispatch(
        box.store,
        sender=SmtpSender(settings),
        book=AddressFile(settings.addresses),
        settings=settings,
        now=NOW,
    )


def _letters(server: SmtpServer) -> set[tuple[str, str]]:
    """What the server received: each letter's recipient and ``Message-ID``."""
    return {(str(m["To"]), str(m["Message-ID"])) for m in server.handler.accepted}


def _expected(box: Outbox, *, but: frozenset[str] | set[str] = frozenset()) -> set[tuple[str, str]]:
    """The letters of the legitimate messages due on ``DAY``, but those keyed ``but``."""
    return {
        (f"{m.recipient}@example.no", message_id(m.key, SENDER))
        for m in box.legit
        if m.not_before <= DAY and m.key not in but
    }


def test_the_cases_are_what_the_tests_below_rely_on(outbox: Outbox) -> None:
    """Letters to both cases, of five kinds, are due on ``DAY`` (the control)."""
    due = {(m.case_id, m.kind) for m in outbox.legit if m.not_before <= DAY}
    assert due == {
        ("case-a", OutboxKind.EVALUATION_DUE),
        ("case-a", OutboxKind.MEETING_CALLED),
        ("case-a", OutboxKind.MINUTES_READY),
        ("case-a", OutboxKind.DECISION_MADE),
        ("case-b", OutboxKind.MEETING_CALLED),
    }


# --- 1. a row that cannot be read -----------------------------------------------------------

_COPY = (
    "INSERT INTO case_outbox (key, case_id, kind, recipient, not_before, on_date, guard_kind, "
    "guard_key, guard_due) SELECT ?, case_id, {kind}, recipient, not_before, {on_date}, "
    "{guard_kind}, {guard_key}, {guard_due} FROM case_outbox WHERE key = ?"
)
"""A copy of a due row under a new key, with some of its columns replaced."""

_UNREADABLE = {
    "kind": {"kind": "'no-such-kind'"},
    "guard_kind": {"guard_kind": "'no-such-row'"},
    "guard_key": {"guard_key": "NULL"},  # half a guard
}
_UNREADABLE_TEXT = {  # SQLite keeps dates as text: one the store did not write
    "on_date": {"on_date": "'2026-02-30'"},
    "guard_due": {"guard_due": "replace(guard_due, '-', '')"},  # ISO basic form: 20260115
}


def _poison(box: Outbox, key: str, replace: dict[str, str]) -> None:
    """A row copied from case-a's evaluation reminder (due, with a guard), but unreadable."""
    columns = {c: c for c in ("kind", "on_date", "guard_kind", "guard_key", "guard_due")}
    source = box.key(OutboxKind.EVALUATION_DUE, "case-a", "hs")
    box.raw(_COPY.format(**(columns | replace)), (key, source))


@pytest.mark.parametrize("column", [*_UNREADABLE, *_UNREADABLE_TEXT])
def test_a_row_that_cannot_be_read_stops_no_other_reminder(
    outbox: Outbox,
    column: str,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    """Every letter of both cases goes out; the row stays as it was (pending, never tried) and
    is reported once in the run, by its key and the column that cannot be read."""
    replace = _UNREADABLE.get(column) or _UNREADABLE_TEXT[column]
    if column in _UNREADABLE_TEXT and request.node.callspec.params["outbox"] == "postgres":
        pytest.skip("a PostgreSQL date column holds only dates")
    _poison(outbox, "poison-1", replace)
    before = outbox.status("poison-1")
    caplog.set_level(logging.WARNING, logger="barnekoordinator.outbox")
    report = _run(outbox, _settings(smtp_server, tls_files, tmp_path))
    assert _letters(smtp_server) == _expected(outbox)
    assert report.count(OutboxStatus.SENT) == len(_expected(outbox))
    assert report.unreadable == 1
    assert "poison-1" not in {o.key for o in report.outcomes}
    assert outbox.status("poison-1") == before == (before[0], "pending", 0, "")
    warnings = [r.getMessage() for r in caplog.records if r.name == "barnekoordinator.outbox"]
    assert warnings == [
        "outbox: 1 stored message(s) cannot be read and were skipped, left as they are (edited "
        f"or damaged outside the store): poison-1 ({column})"
    ]
    # Not claimed either: the next run finds it as it was, and reports it again.
    (row,) = outbox.raw(
        "SELECT claimed_until, claim_token FROM case_outbox WHERE key = ?", ("poison-1",)
    )
    assert tuple(row) == (None, None)
    assert _run(outbox, _settings(smtp_server, tls_files, tmp_path)).unreadable == 1


def test_a_key_that_is_not_plain_is_never_shown(
    outbox: Outbox,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A row whose key holds an address (or any other content) is counted, not named."""
    _poison(outbox, "mor@example.no: Emma", _UNREADABLE["kind"])
    _poison(outbox, "poison-2", _UNREADABLE["kind"])
    caplog.set_level(logging.WARNING, logger="barnekoordinator.outbox")
    report = _run(outbox, _settings(smtp_server, tls_files, tmp_path))
    assert report.unreadable == 2
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "barnekoordinator.outbox"]
    assert warning.endswith("poison-2 (kind); 1 not shown")
    assert "example.no" not in warning
    assert "Emma" not in warning
    assert _letters(smtp_server) == _expected(outbox)


def test_the_stores_outbox_skips_a_row_that_cannot_be_read(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    """``outbox()`` (``remind --dry-run``, a back office) lists the others: a status no version
    wrote, or an unknown kind, no longer raises ``KeyError``."""
    _poison(outbox, "poison-3", _UNREADABLE["kind"])
    outbox.raw("UPDATE case_outbox SET status = 'lost' WHERE key = ?", (outbox.legit[0].key,))
    caplog.set_level(logging.WARNING, logger="barnekoordinator.outbox")
    listed = {e.message.key for e in outbox_of(outbox.store).outbox()}
    assert listed == {m.key for m in outbox.legit[1:]}
    (warning,) = [r.getMessage() for r in caplog.records if r.name == "barnekoordinator.outbox"]
    assert "2 stored message(s) cannot be read" in warning
    assert "poison-3 (kind)" in warning
    assert f"{outbox.legit[0].key} (status)" in warning


def test_reading_one_row_raises_a_storage_error_naming_the_column() -> None:
    """``storekit.outbox_entry()``, which a vendor's store may use, raises the library's error,
    naming the column and never the value it holds."""
    message = OutboxMessage(
        key="k", case_id="c", kind=OutboxKind.MINUTES_READY, recipient="hs", not_before=DAY
    )
    row = [*outbox_values(message), "pending", 0, None, None, ""]
    assert outbox_entry(row).message == message
    for index, value, column in [
        (2, "mor@example.no", "kind"),
        (9, "mor@example.no", "status"),
        (4, "2026-01-05", "not_before"),  # text where a date is expected
        (11, datetime(2026, 1, 5), "next_attempt"),  # a time without an offset
    ]:
        bad = list(row)
        bad[index] = value
        with pytest.raises(StorageError, match=f"its {column}") as caught:
            outbox_entry(bad)
        assert "mor@example.no" not in str(caught.value)
    with pytest.raises(StorageError, match="its columns"):
        outbox_entry(row[:-1])


# --- 2. a row the history does not ask for --------------------------------------------------


def test_a_message_the_history_did_not_ask_for_is_never_sent(
    outbox: Outbox,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """In case-a, a writer of the database

    * redirects the mother's meeting letter to the father (a guardian, and a party of the
      decision, but not invited to the meeting);
    * invents a decision letter to the mother, naming a decision the case never recorded;
    * gives the mother's real decision letter a complaint deadline of his choosing (the key
      rebuilt to fit);
    * removes the guard of the nurse's evaluation reminder.

    None is sent: each is settled *obsolete*, "does not match the case's history"; every other
    letter of case-a and case-b goes out.
    """
    box = outbox
    meeting = box.key(OutboxKind.MEETING_CALLED, "case-a", "mor")
    decision = box.key(OutboxKind.DECISION_MADE, "case-a", "mor")
    evaluation = box.key(OutboxKind.EVALUATION_DUE, "case-a", "hs")
    box.raw("UPDATE case_outbox SET recipient = 'far' WHERE key = ?", (meeting,))
    box.raw(
        "UPDATE case_outbox SET guard_kind = NULL, guard_key = NULL, guard_due = NULL "
        "WHERE key = ?",
        (evaluation,),
    )
    box.raw("DELETE FROM case_outbox WHERE key = ?", (decision,))
    wrong_day = date(2026, 12, 24)
    forged = [
        OutboxMessage(
            key=message_key(OutboxKind.DECISION_MADE, "case-a", "decision:v0", "mor", wrong_day),
            case_id="case-a",
            kind=OutboxKind.DECISION_MADE,
            recipient="mor",
            not_before=DAY,
            on=wrong_day,
        ),
        OutboxMessage(
            key=message_key(OutboxKind.DECISION_MADE, "case-a", "decision:v1", "mor", wrong_day),
            case_id="case-a",
            kind=OutboxKind.DECISION_MADE,
            recipient="mor",
            not_before=DAY,
            on=wrong_day,
        ),
    ]
    outbox_of(box.store).add_outbox(forged)
    caplog.set_level(logging.WARNING, logger="barnekoordinator.outbox")
    report = _run(box, _settings(smtp_server, tls_files, tmp_path))
    tampered = {meeting, evaluation, *(m.key for m in forged)}
    assert _letters(smtp_server) == _expected(box, but={meeting, evaluation, decision})
    settled = {o.key: (o.status, o.note) for o in report.outcomes if o.key in tampered}
    assert settled == dict.fromkeys(tampered, (OutboxStatus.OBSOLETE, NOT_ASKED))
    for key in tampered:
        assert box.status(key)[1:] == ("obsolete", 0, NOT_ASKED)
    assert ("far@example.no", message_id(meeting, SENDER)) not in _letters(smtp_server)
    assert box.status(box.key(OutboxKind.MEETING_CALLED, "case-b", "kl"))[1] == "sent"
    assert box.status(box.key(OutboxKind.DECISION_MADE, "case-a", "far"))[1] == "sent"
    assert [r.getMessage() for r in caplog.records if r.name == "barnekoordinator.outbox"] == [
        "remind: 4 message(s) do not match their case's history and were not sent (settled "
        "obsolete): the outbox was edited or written outside the library"
    ]


def test_a_key_that_does_not_fit_its_row_is_not_asked_for(
    outbox: Outbox, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """The meeting's day changed in the row but not in its key (or the other way round): the
    letter would name a day the history never set."""
    box = outbox
    meeting = box.key(OutboxKind.MEETING_CALLED, "case-a", "hs")
    (original,) = [m for m in box.legit if m.key == meeting]
    box.raw("DELETE FROM case_outbox WHERE key = ?", (meeting,))
    moved = OutboxMessage(
        key=meeting,
        case_id="case-a",
        kind=OutboxKind.MEETING_CALLED,
        recipient="hs",
        not_before=DAY,
        on=DAY + timedelta(days=1),
    )
    assert moved.on != original.on
    outbox_of(box.store).add_outbox([moved])
    report = _run(box, _settings(smtp_server, tls_files, tmp_path))
    assert _letters(smtp_server) == _expected(box, but={meeting})
    assert [(o.status, o.note) for o in report.outcomes if o.key == meeting] == [
        (OutboxStatus.OBSOLETE, NOT_ASKED)
    ]


def test_a_message_of_a_case_the_store_did_not_open_is_sent_as_before(
    outbox: Outbox, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """A message stored through ``add_outbox`` for a case the store holds no opening of (a
    vendor's) has no history to be checked against: it is sent, as it always was. (So a writer
    of the database can still invent one under a case id of his own: see the notifier's
    documentation.)"""
    vendor = OutboxMessage(
        key="acme:x1",
        case_id="acme-x",
        kind=OutboxKind.MINUTES_READY,
        recipient="kl",
        not_before=DAY,
    )
    outbox_of(outbox.store).add_outbox([vendor])
    report = _run(outbox, _settings(smtp_server, tls_files, tmp_path))
    assert [o.status for o in report.outcomes if o.key == "acme:x1"] == [OutboxStatus.SENT]
    assert ("kl@example.no", message_id("acme:x1", SENDER)) in _letters(smtp_server)


# --- the check is sound: every message the notifier makes is asked for ----------------------


def test_the_tag_that_opens_a_case_is_the_events_own() -> None:
    assert CASE_OPENED == CaseOpened.TYPE


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), index=st.integers(0, 500), weeks=st.integers(0, 8))
def test_every_message_the_notifier_makes_is_asked_for(seed: int, index: int, weeks: int) -> None:
    """Over random synthetic cases (with a decision), whatever the reminder windows: each message
    ``messages_for`` makes is one its history asks for."""
    records = list(synthetic_case(seed, index).records)
    case_id = records[0].case_id
    payload = {
        "decision_id": "v1",
        "decided_on": DAY.isoformat(),
        "complaint_deadline_weeks": weeks,
        "parties": [{"ref": "mor"}, {"ref": "far"}],
    }
    records += make_records(case_id, [json.dumps(payload)], type="individual-decision.recorded")
    found = standing(case_id, records)
    windows = NotifySettings(evaluation_days=weeks, handover_days=weeks + 1, complaint_days=weeks)
    made = messages_for(records, windows)
    assert any(m.kind is OutboxKind.DECISION_MADE for m in made)
    assert [m for m in made if not asked_for(m, found)] == []


def test_the_responsibles_reminders_are_asked_for() -> None:
    """An evaluation's next reminders go to the tiltak's or measure's responsible (from the case,
    decision 43), or to the evaluator without it: both are asked for."""
    from barnekoordinator.coordination.stafettlogg import (
        EffectAssessment,
        MeasureNext,
        evaluate_log_measure,
    )

    run = _case_a()
    before = len(run.records())
    run.run(
        evaluate_log_measure,
        tiltak_id="t1",
        by="pl",
        effect=EffectAssessment.IMPROVED,
        next_step=MeasureNext.CONTINUE,
        next_evaluation_date=DAY + timedelta(days=90),
        as_of=DAY,
    )
    records = run.records()
    made = messages_for(records[before:], SETTINGS, run.case) + messages_for(records, SETTINGS)
    assert {"hs", "pl"} <= {m.recipient for m in made if m.kind is OutboxKind.EVALUATION_DUE}
    found = standing("case-a", records)
    assert [m for m in made if not asked_for(m, found)] == []

    plan = rich_case(as_of=DAY)
    before = len(plan.records())
    plan.run(
        ip.evaluate_plan_measure,
        measure_id="pm1",
        by="ke",
        note="Bra",
        next_evaluation_date=DAY + timedelta(days=90),
        as_of=DAY,
    )
    records = plan.records()
    made = messages_for(records[before:], SETTINGS, plan.case) + messages_for(records, SETTINGS)
    assert {"fysio", "ke"} <= {m.recipient for m in made}
    found = standing(plan.case.id, records)
    assert [m for m in made if not asked_for(m, found)] == []


def test_the_deadline_a_decision_letter_names_is_the_decisions() -> None:
    """The complaint deadline is read from the decision (its day and weeks), as the notifier
    computed it: a letter naming any other day is not asked for."""
    records = _case_a().records()
    found = standing("case-a", records)
    (letter,) = [
        m
        for m in messages_for(records, SETTINGS)
        if m.kind is OutboxKind.DECISION_MADE and m.recipient == "mor"
    ]
    assert letter.on == deadline(DAY, weeks=4)
    assert asked_for(letter, found)
    for day in (letter.on - timedelta(days=1), letter.on + timedelta(days=7)):
        moved = OutboxMessage(
            key=message_key(letter.kind, "case-a", "decision:v1", "mor", day),
            case_id="case-a",
            kind=letter.kind,
            recipient="mor",
            not_before=letter.not_before,
            on=day,
        )
        assert not asked_for(moved, found)


def test_a_new_message_maker_is_read_by_the_history_check_too() -> None:
    """``asked_for`` reads what each maker's event type asks for by hand (``_read_asked``): a
    maker added without its reading there would have every message it makes settled obsolete,
    never sent. These are the types ``_read_asked`` reads; a new maker must be added to both."""
    assert set(MAKERS) == {
        "handover.proposed",
        "stafettlogg.tiltak-added",
        "stafettlogg.tiltak-evaluated",
        "plan.measure-added",
        "plan.measure-evaluated",
        "stafettlogg.meeting-scheduled",
        "stafettlogg.minutes-recorded",
        "individual-decision.recorded",
    }
