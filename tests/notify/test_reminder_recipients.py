"""Which reminders still go, to whom, and what they say of a complaint deadline (notify sweep).

* **A handover reminder is the pending proposal's.** A proposal withdrawn (or declined) and a
  new one made to someone else the same day re-created the agenda row the reminder's guard
  names (it holds only the date): the first proposed person was told a week later that "a
  handover is still not answered". The history now says which proposal is pending and whose.
* **No reminder to a parent without foreldreansvar** (barneloven § 47): the Casebook refuses him
  every read, yet his stored reminders went out. One who regains it is reminded again.
* **The complaint deadline runs from knowledge of the decision** (forvaltningsloven § 29,
  pbrl § 7-5): the e-mails named ``decided_on + weeks`` as the deadline, days too early for a
  party who got the letter later. They now say the period runs from receipt, and name that
  date only as the earliest it can end.

Dispatch runs against a real SQLite store and a real STARTTLS SMTP server on loopback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination import handover
from barnekoordinator.coordination.stafettlogg import BtiLevel, add_log_measure, open_stafettlogg
from barnekoordinator.history.case import GuardianUpdated
from barnekoordinator.legal_basis import deadline
from barnekoordinator.rights.complaints import complaint_deadline
from barnekoordinator.rights.decision_records import record_individual_decision
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.archive import refused_decision
from barnekoordinator.testing.builders import CaseRun, consent_all, standard_case
from barnekoordinator_plugins.notify import (
    AddressFile,
    NotifySettings,
    SmtpSender,
    dispatch,
    messages_for,
    outbox_of,
)
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

if TYPE_CHECKING:
    from conftest import SmtpServer

DAY = date(2026, 1, 5)
PEOPLE = ("pl", "hs", "kl", "mor", "far")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteCaseStore]:
    with SQLiteCaseStore(tmp_path / "cases.db") as made:
        yield made


def _settings(
    server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path, lang: str = "nb"
) -> NotifySettings:
    book = tmp_path / "addresses.json"
    entries = {p: {"email": f"{p}@example.no", "lang": lang} for p in PEOPLE}
    book.write_text(json.dumps(entries), encoding="utf-8")
    return NotifySettings(
        host="localhost",
        port=server.port,
        ca_file=str(tls_files[0]),
        addresses=str(book),
        from_address="varsel@kommune.example.no",
        login_url="https://bk.kommune.example.no/",
        timeout=5.0,
        evaluation_days=14,
        handover_days=7,
        complaint_days=7,
    )


class _Writes:
    """Stores each write's records with the messages computed from them and the case that
    write left, one write at a time (as the Casebook does)."""

    def __init__(self, store: SQLiteCaseStore, run: CaseRun, settings: NotifySettings) -> None:
        self.store, self.run, self.settings, self.version = store, run, settings, 0
        self.flush()

    def flush(self) -> None:
        records = self.run.records()[self.version :]
        if records:
            messages = messages_for(records, self.settings, self.run.case)
            self.store.append(self.run.case.id, self.version, records, outbox=messages)
            self.version += len(records)

    def run_(self, command: Callable[..., Any], **kw: Any) -> None:
        self.run.run(command, **kw)
        self.flush()

    def do(self, event: Any) -> None:
        self.run.do(event, actor="ke")
        self.flush()


def _outcomes(store: SQLiteCaseStore, settings: NotifySettings, on: date) -> dict[str, str]:
    report = dispatch(
        store,
        sender=SmtpSender(settings),
        book=AddressFile(settings.addresses),
        settings=settings,
        now=datetime.combine(on, time(7), tzinfo=UTC),
    )
    recipient = {e.message.key: e.message.recipient for e in outbox_of(store).outbox()}
    return {f"{o.kind}>{recipient[o.key]}": f"{o.status.value}: {o.note}" for o in report.outcomes}


def _log_case() -> CaseRun:
    run = standard_case(as_of=DAY)
    services = [ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON, ServiceKind.SKOLE]
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, as_of=DAY, consent_id="k")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=DAY)
    return run


def test_the_tags_the_notifier_reads_are_the_handover_events_own() -> None:
    from barnekoordinator_plugins.notify._messages import HANDOVER_PROPOSED, HANDOVER_SETTLED

    assert HANDOVER_PROPOSED == handover.HandoverProposed.TYPE
    settled = {
        handover.HandoverAccepted,
        handover.HandoverDeclined,
        handover.HandoverWithdrawn,
        handover.HolderAssigned,
    }
    assert {e.TYPE for e in settled} == HANDOVER_SETTLED


# --- handover-unanswered: only the pending proposal's people ----------------------------------


@pytest.mark.parametrize("answer", ["withdrawn", "declined"])
def test_a_proposal_replaced_the_same_day_is_not_reminded_to_its_first_person(
    answer: str,
    store: SQLiteCaseStore,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    """BTI handover: the holder proposes the nurse (``hs``) by mistake, the proposal is withdrawn
    (or she declines), and the teacher (``kl``) is proposed the same day. A week on, the
    teacher and the holder hear that the handover is unanswered; the nurse does not."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    writes = _Writes(store, _log_case(), settings)
    writes.run_(handover.propose_handover, to_ref="hs", by="pl", as_of=DAY)
    if answer == "withdrawn":
        writes.run_(handover.withdraw_handover, by="pl", as_of=DAY, reason="feil person")
    else:
        writes.run_(handover.decline_handover, by="hs", as_of=DAY, reason="nei")
    writes.run_(handover.propose_handover, to_ref="kl", by="pl", as_of=DAY)
    _outcomes(store, settings, DAY)  # the proposed-as-holder letters
    smtp_server.handler.accepted.clear()
    outcomes = _outcomes(store, settings, DAY + timedelta(days=7))
    assert outcomes["handover-unanswered>hs"] == (
        "obsolete: the proposal it recalls was answered or withdrawn"
    )
    assert outcomes["handover-unanswered>kl"] == "sent: "
    assert outcomes["handover-unanswered>pl"] == "sent: "
    sent_to = {str(m["To"]) for m in smtp_server.handler.accepted}
    assert sent_to == {"kl@example.no", "pl@example.no"}


def test_a_baton_handed_on_the_same_day_is_reminded_to_the_new_holder_not_the_old(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """The nurse accepts the baton and proposes the teacher the same day: the first holder
    (``pl``) is no longer party to the pending proposal; the nurse, its proposer, is."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    writes = _Writes(store, _log_case(), settings)
    writes.run_(handover.propose_handover, to_ref="hs", by="pl", as_of=DAY)
    writes.run_(handover.accept_handover, by="hs", as_of=DAY)
    writes.run_(handover.propose_handover, to_ref="kl", by="hs", as_of=DAY)
    outcomes = _outcomes(store, settings, DAY + timedelta(days=7))
    assert outcomes["handover-unanswered>pl"].startswith("obsolete: the proposal it recalls")
    assert outcomes["handover-unanswered>hs"] == "sent: "
    assert outcomes["handover-unanswered>kl"] == "sent: "


# --- a parent without foreldreansvar (barneloven § 47) ------------------------------------


def _father_responsible_and_party(store: SQLiteCaseStore, settings: NotifySettings) -> _Writes:
    """The father answers for a tiltak evaluated ``DAY + 40`` and is a party, with the mother,
    to a decision of ``DAY``."""
    run = standard_case(age=6, as_of=DAY)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [ServiceKind.BARNEHAGE], as_of=DAY)
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=DAY)
    writes = _Writes(store, run, settings)
    writes.run_(
        add_log_measure,
        tiltak_id="t1",
        by="pl",
        description="Samtaler",
        responsible_ref="far",
        evaluation_date=DAY + timedelta(days=40),
        as_of=DAY,
    )
    writes.run_(
        record_individual_decision,
        decision=refused_decision(DAY, parties=("mor", "far")),
        decision_id="v1",
        by="ke",
        as_of=DAY,
    )
    return writes


def _set_responsibility(writes: _Writes, has: bool) -> None:
    far = writes.run.case.guardian("far")
    assert far is not None
    writes.do(GuardianUpdated(guardian=attrs.evolve(far, parental_responsibility=has)))


def test_a_parent_who_lost_foreldreansvar_is_not_reminded(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """barneloven § 47: a parent without foreldreansvar has no guardian rights in the case (the
    access policy refuses him every read); his limited right to information is each service's.
    The father loses foreldreansvar after his reminders were stored: they are obsolete; the
    mother's complaint-deadline reminder still goes."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    writes = _father_responsible_and_party(store, settings)
    _outcomes(store, settings, DAY)  # the decision-made letters, while he had foreldreansvar
    smtp_server.handler.accepted.clear()
    _set_responsibility(writes, False)
    outcomes = _outcomes(store, settings, DAY + timedelta(days=27))
    note = "obsolete: the recipient has no foreldreansvar: no guardian rights in the case"
    assert outcomes["evaluation-due>far"] == f"{note} (barnel. § 47)"
    assert outcomes["complaint-deadline>far"] == f"{note} (barnel. § 47)"
    assert outcomes["complaint-deadline>mor"] == "sent: "
    assert {str(m["To"]) for m in smtp_server.handler.accepted} == {"mor@example.no"}


def test_a_parent_without_foreldreansvar_from_the_opening_is_not_reminded(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """barneloven § 47, read from the case's opening: the father never had foreldreansvar in
    the case, so not even the decision-made letter goes to him."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    writes = _Writes(store, standard_case(age=6, as_of=DAY, shared_responsibility=False), settings)
    decision = refused_decision(DAY, parties=("mor", "far"))
    writes.run_(record_individual_decision, decision=decision, decision_id="v1", by="ke", as_of=DAY)
    outcomes = _outcomes(store, settings, DAY)
    assert outcomes["decision-made>far"].startswith("obsolete: the recipient has no foreldreansvar")
    assert outcomes["decision-made>mor"] == "sent: "


def test_a_parent_who_regains_foreldreansvar_is_reminded_again(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """barneloven § 47 no longer applies once foreldreansvar is restored (a correction, or a
    new agreement): the latest record of the guardian decides, as a participant who rejoins
    is reminded again."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    writes = _father_responsible_and_party(store, settings)
    _set_responsibility(writes, False)
    lost = _outcomes(store, settings, DAY)
    assert lost["decision-made>far"].startswith("obsolete: the recipient has no foreldreansvar")
    _set_responsibility(writes, True)
    outcomes = _outcomes(store, settings, DAY + timedelta(days=27))
    assert outcomes["evaluation-due>far"] == "sent: "
    assert outcomes["complaint-deadline>far"] == "sent: "


# --- the complaint deadline runs from knowledge of the decision ---------------------------

_FROM_RECEIPT = {
    "nb": ("regnes fra du fikk vedtaket", "tidligst ut {day:%d.%m.%Y}"),
    "nn": ("blir rekna frå du fekk vedtaket", "tidlegast ut {day:%d.%m.%Y}"),
    "en": ("runs from when you received the decision", "no earlier than {day:%Y-%m-%d}"),
}


@pytest.mark.parametrize("lang", sorted(_FROM_RECEIPT))
def test_the_complaint_deadline_is_told_as_running_from_receipt(
    lang: str,
    store: SQLiteCaseStore,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    """forvaltningsloven § 29 and pbrl § 7-5: the deadline runs from when the party got (or
    should have got) knowledge of the decision, as the decision letter and
    ``complaint_deadline()`` count it. ``decided_on + weeks`` is only the earliest it can end:
    the letter that reached the mother four days later gives her until four days after. Both
    e-mails say the period runs from receipt, and name that date only as the earliest."""
    settings = _settings(smtp_server, tls_files, tmp_path, lang)
    run = standard_case(age=6, as_of=DAY)
    writes = _Writes(store, run, settings)
    decision = refused_decision(DAY, parties=("mor",))
    writes.run_(record_individual_decision, decision=decision, decision_id="v1", by="ke", as_of=DAY)
    earliest = deadline(DAY, weeks=decision.complaint_deadline_weeks)  # type: ignore[attr-defined]
    assert earliest <= complaint_deadline(DAY + timedelta(days=4))
    _outcomes(store, settings, DAY)
    _outcomes(store, settings, earliest)
    mails = smtp_server.handler.accepted
    assert len(mails) == 2  # decision-made, then complaint-deadline
    from_receipt, lower_bound = _FROM_RECEIPT[lang]
    for mail in mails:
        body = " ".join(mail.get_content().split())
        assert from_receipt in body
        assert lower_bound.format(day=earliest) in body
