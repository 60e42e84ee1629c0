"""Who a reminder is for, and whether it is still theirs when it falls due (found in review).

* **The next evaluation is the responsible's.** An evaluation's payload names its evaluator; the
  reminders of the next date went to whoever recorded the evaluation (the stafettholder, say)
  instead of the tiltak's responsible, who follows it up. The hook now gets the case and asks
  it.
* **Someone who has left hears nothing more.** A reminder stored for a participant who then
  left the case was still sent, telling a former participant that the case goes on.
* **A complaint answers its deadline.** The complaint-deadline reminder went to a party who had
  already complained against the decision (forvaltningsloven § 29).

Dispatch runs against a real SQLite store and a real STARTTLS SMTP server on loopback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.access.grants import grant_guardian_access
from barnekoordinator.config import Config
from barnekoordinator.coordination import handover
from barnekoordinator.coordination import plan as ip
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    EffectAssessment,
    MeasureNext,
    add_log_measure,
    evaluate_log_measure,
    open_stafettlogg,
)
from barnekoordinator.history.case import ParticipantJoined, ParticipantLeft
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStatus
from barnekoordinator.history.records import EventRecord
from barnekoordinator.rights.complaint_records import ComplaintReceived, lodge_complaint
from barnekoordinator.rights.complaints import ComplaintForm
from barnekoordinator.rights.decision_records import (
    IndividualDecisionRecorded,
    record_individual_decision,
)
from barnekoordinator.rights.eligibility import (
    Right,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.archive import refused_decision
from barnekoordinator.testing.builders import (
    STANDARD_PROFESSIONALS,
    CaseRun,
    child_aged,
    consent_all,
    father,
    mother,
    new_case,
    professional,
    standard_case,
)
from barnekoordinator.testing.conformance import make_records
from barnekoordinator.testing.exporters import rich_case
from barnekoordinator_plugins.notify import (
    AddressFile,
    NotifySettings,
    SmtpSender,
    barnekoordinator_outbox_messages,
    dispatch,
    messages_for,
    outbox_of,
)
from barnekoordinator_plugins.notify._messages import (
    COMPLAINT_RECEIVED,
    DECISION_RECORDED,
    PARTICIPANT_JOINED,
    PARTICIPANT_LEFT,
    standing,
)
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

if TYPE_CHECKING:
    from conftest import SmtpServer

DAY = date(2026, 1, 5)
NEXT = DAY + timedelta(days=90)
SETTINGS = NotifySettings(evaluation_days=14, handover_days=7, complaint_days=7)


def _log_case() -> CaseRun:
    """A log whose tiltak ``t1`` is the health nurse's (``hs``), evaluated by the holder."""
    run = standard_case(as_of=DAY)
    services = [ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON, ServiceKind.SKOLE]
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, as_of=DAY, consent_id="k")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=DAY)
    run.run(
        add_log_measure,
        tiltak_id="t1",
        by="pl",
        description="Språkgruppe",
        responsible_ref="hs",
        evaluation_date=DAY + timedelta(days=30),
        as_of=DAY,
    )
    return run


def _evaluated(run: CaseRun) -> list[EventRecord]:
    """The records of the holder's evaluation of ``t1``, with a next date."""
    before = len(run.records())
    run.run(
        evaluate_log_measure,
        tiltak_id="t1",
        by="pl",
        effect=EffectAssessment.IMPROVED,
        next_step=MeasureNext.CONTINUE,
        next_evaluation_date=NEXT,
        as_of=DAY,
    )
    return run.records()[before:]


def test_the_next_evaluation_is_reminded_to_the_tiltaks_responsible() -> None:
    run = _log_case()
    records = _evaluated(run)
    with_case = messages_for(records, SETTINGS, run.case)
    assert {(m.kind, m.recipient, m.on) for m in with_case} == {
        (OutboxKind.EVALUATION_DUE, "hs", NEXT),
        (OutboxKind.EVALUATION_OVERDUE, "hs", NEXT),
    }
    # Without the case (a caller of the pure function that has none), the evaluator, as before.
    assert {m.recipient for m in messages_for(records, SETTINGS)} == {"pl"}
    # The hook the Casebook calls gets the case.
    config = Config(plugin_options={"smtp": {"host": "localhost"}})
    hooked = barnekoordinator_outbox_messages(records=records, config=config, case=run.case)
    assert hooked is not None
    assert {m.recipient for m in hooked} == {"hs"}


def test_the_next_evaluation_of_a_plan_measure_is_reminded_to_its_responsible() -> None:
    """The plan's measure ``pm1`` is the physiotherapist's; koordinerende enhet evaluates it."""
    run = rich_case(as_of=DAY)
    before = len(run.records())
    run.run(
        ip.evaluate_plan_measure,
        measure_id="pm1",
        by="ke",
        note="Bra",
        next_evaluation_date=NEXT,
        as_of=DAY,
    )
    records = run.records()[before:]
    assert {m.recipient for m in messages_for(records, SETTINGS, run.case)} == {"fysio"}
    assert {m.recipient for m in messages_for(records, SETTINGS)} == {"ke"}


def test_the_tags_the_notifier_reads_are_the_events_own() -> None:
    assert PARTICIPANT_JOINED == ParticipantJoined.TYPE
    assert PARTICIPANT_LEFT == ParticipantLeft.TYPE
    assert DECISION_RECORDED == IndividualDecisionRecorded.TYPE
    assert COMPLAINT_RECEIVED == ComplaintReceived.TYPE


# --- at sending time -------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteCaseStore]:
    with SQLiteCaseStore(tmp_path / "cases.db") as made:
        yield made


def _settings(server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path) -> NotifySettings:
    book = tmp_path / "addresses.json"
    people = ("pl", "hs", "kl", "mor", "far")
    book.write_text(json.dumps({p: f"{p}@example.no" for p in people}), encoding="utf-8")
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


def _stored(store: SQLiteCaseStore, run: CaseRun, settings: NotifySettings) -> None:
    """The run's records in the store, with the messages they cause (as the Casebook stores
    them: each write's messages computed with the case that write left)."""
    records = run.records()
    store.append(run.case.id, 0, records)
    outbox_of(store).add_outbox(messages_for(records, settings))


def _outcomes(store: SQLiteCaseStore, settings: NotifySettings, on: date) -> dict[str, str]:
    report = dispatch(
        store,
        sender=SmtpSender(settings),
        book=AddressFile(settings.addresses),
        settings=settings,
        now=datetime.combine(on, time(7), tzinfo=UTC),
    )
    return {
        f"{o.kind}>{_recipient(store, o.key)}": f"{o.status.value}: {o.note}"
        for o in report.outcomes
    }


def _recipient(store: SQLiteCaseStore, key: str) -> str:
    return next(e.message.recipient for e in outbox_of(store).outbox() if e.message.key == key)


def test_a_participant_who_has_left_hears_nothing_more(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """A handover proposed to the teacher (``kl``) and a tiltak the nurse (``hs``) answers for;
    the nurse leaves the case. When the messages fall due, the nurse's are obsolete and not
    sent; the teacher's (and the holder's) go out."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    run = _log_case()
    run.run(handover.propose_handover, to_ref="kl", by="pl", as_of=DAY)
    run.run(handover.participant_leaves, participant_ref="hs", as_of=DAY, reason="ny jobb")
    _stored(store, run, settings)
    outcomes = _outcomes(store, settings, DAY + timedelta(days=20))
    assert outcomes["evaluation-due>hs"] == "obsolete: the recipient has left the case"
    assert outcomes["proposed-as-holder>kl"] == "sent: "
    sent_to = {str(m["To"]) for m in smtp_server.handler.accepted}
    assert "kl@example.no" in sent_to
    assert "hs@example.no" not in sent_to


def test_someone_who_left_and_came_back_hears_again(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    settings = _settings(smtp_server, tls_files, tmp_path)
    run = _log_case()
    nurse = run.case.participant("hs")
    assert nurse is not None
    run.run(handover.participant_leaves, participant_ref="hs", as_of=DAY)
    run.do(ParticipantJoined(participant=nurse), actor="ke")
    _stored(store, run, settings)
    outcomes = _outcomes(store, settings, DAY + timedelta(days=20))
    assert outcomes["evaluation-due>hs"] == "sent: "


def test_a_party_who_has_complained_is_not_reminded_of_the_deadline(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """fvl § 29: the deadline is each party's. The mother complains; her reminder is obsolete,
    the father's still goes out."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    run = standard_case(age=6, as_of=DAY)
    run.run(
        record_individual_decision,
        decision=refused_decision(DAY, parties=("mor", "far")),
        decision_id="v1",
        by="ke",
        as_of=DAY,
    )
    run.run(
        lodge_complaint,
        complaint_ref="k1",
        decision_ref="v1",
        right=Right.BARNEKOORDINATOR,
        complainant_ref="mor",
        knowledge_date=DAY,
        received_on=DAY + timedelta(days=2),
        form=ComplaintForm.WRITTEN_SIGNED,
        by="mor",
    )
    _stored(store, run, settings)
    outcomes = _outcomes(store, settings, DAY + timedelta(days=30))
    assert outcomes["complaint-deadline>mor"] == (
        "obsolete: the recipient has complained against the decision"
    )
    assert outcomes["complaint-deadline>far"] == "sent: "
    assert outcomes["decision-made>mor"] == "sent: "


MINUTES_TO_PL = OutboxMessage(
    key="minutes-ready:case-x:m1",
    case_id="case-x",
    kind=OutboxKind.MINUTES_READY,
    recipient="pl",
    not_before=DAY,
)
"""A message stored by hand for ``case-x``, due on ``DAY``."""


def test_messages_of_another_kind_keep_their_recipients(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """A message stored by hand for a case with no history (a vendor's) is sent as before."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    outbox_of(store).add_outbox([MINUTES_TO_PL])
    assert _outcomes(store, settings, DAY) == {"minutes-ready>pl": "sent: "}
    assert OutboxStatus.SENT.value == "sent"


@pytest.mark.parametrize(
    ("tag", "payload"),
    [
        (PARTICIPANT_LEFT, "not json"),
        (PARTICIPANT_LEFT, "{}"),
        (PARTICIPANT_JOINED, '{"participant": "pl"}'),
        (DECISION_RECORDED, '{"decision_id": "v1", "decided_on": "2026-13-01"}'),
        (
            DECISION_RECORDED,
            '{"decision_id": "v1", "decided_on": "2026-01-05", "complaint_deadline_weeks": -1}',
        ),
        (COMPLAINT_RECEIVED, '{"complaint_ref": "k1"}'),
        (PARTICIPANT_LEFT, "[" * 100_000 + "]" * 100_000),  # RecursionError in json
    ],
    ids=["not-json", "empty", "not-an-object", "bad-date", "negative-weeks", "partial", "deep"],
)
def test_a_record_the_library_did_not_write_stops_no_reminder(
    store: SQLiteCaseStore,
    smtp_server: SmtpServer,
    tls_files: tuple[Path, Path],
    tmp_path: Path,
    tag: str,
    payload: str,
) -> None:
    """``remind`` reads every due case's history: one record written by hand (a vendor's
    back-office import, say) must neither crash the run for every case nor silence anyone."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    (odd,) = make_records("case-x", [payload], type=tag)
    store.append("case-x", 0, [odd])
    outbox_of(store).add_outbox([MINUTES_TO_PL])
    assert _outcomes(store, settings, DAY) == {"minutes-ready>pl": "sent: "}


def test_a_responsible_who_has_left_is_not_the_one_reminded() -> None:
    """Found in review: with the nurse gone, her reminder would be obsolete when due and no one
    would hear of the next evaluation; the evaluator is reminded instead."""
    run = _log_case()
    run.run(handover.participant_leaves, participant_ref="hs", as_of=DAY)
    records = _evaluated(run)
    assert {m.recipient for m in messages_for(records, SETTINGS, run.case)} == {"pl"}


def test_a_departure_of_someone_who_never_joined_silences_no_one(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """Found in review: a hand-made ``ParticipantLeft`` naming the mother (the fold ignores it,
    she is a guardian) made her decision reminders obsolete."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    run = standard_case(age=6, as_of=DAY)
    run.run(
        record_individual_decision,
        decision=refused_decision(DAY, parties=("mor",)),
        decision_id="v1",
        by="ke",
        as_of=DAY,
    )
    run.do(ParticipantLeft(participant_ref="mor"), actor="ke")
    _stored(store, run, settings)
    outcomes = _outcomes(store, settings, DAY + timedelta(days=30))
    assert outcomes["decision-made>mor"] == "sent: "
    assert outcomes["complaint-deadline>mor"] == "sent: "


def test_a_departure_is_never_read_as_a_complaint() -> None:
    """A ``participant-left`` record of someone who never joined, holding the keys of a
    complaint (made by hand), answered a complaint-deadline reminder it has nothing to do with."""
    (decided,) = make_records(
        "case-x",
        ['{"decision_id": "v1", "decided_on": "2026-01-05", "complaint_deadline_weeks": 3}'],
        type=DECISION_RECORDED,
    )
    (odd,) = make_records(
        "case-x",
        ['{"participant_ref": "mor", "decision_ref": "v1", "complainant_ref": "mor"}'],
        type=PARTICIPANT_LEFT,
    )
    found = standing("case-x", [decided, odd])
    assert found.complained == frozenset()
    assert found.left == frozenset()


def test_a_guardian_hears_of_the_case_after_the_child_is_18_only_by_a_grant(
    store: SQLiteCaseStore, smtp_server: SmtpServer, tls_files: tuple[Path, Path], tmp_path: Path
) -> None:
    """vergemålsloven § 2 and pbrl § 3-4: foreldreansvar ends at 18; from then a guardian reads
    the case only by the young adult's grant (``access.grants``). A guardian named responsible
    for a tiltak was still reminded "to be evaluated by <date>" after the 18th birthday, when
    the Casebook refused her every read (door sweep, 2026-12-07). The mother, given a grant on
    the birthday, is reminded; the father, given none, is not."""
    settings = _settings(smtp_server, tls_files, tmp_path)
    child = child_aged(17, as_of=DAY, days_past_birthday=350)  # 18 about two weeks on
    run = new_case(
        subject=child,
        guardians=(mother(), father()),
        professionals=[professional(r, s, title=t) for r, s, t in STANDARD_PROFESSIONALS],
        koordinerende_enhet=("ke",),
        as_of=DAY,
    )
    consent_all(run, ConsentPurpose.STAFETTLOGG, [ServiceKind.BARNEHAGE], as_of=DAY)
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=DAY)
    eighteen = child.birth_date.replace(year=child.birth_date.year + 18)
    due = eighteen + timedelta(days=30)
    for tiltak, who in (("t1", "mor"), ("t2", "far")):
        run.run(
            add_log_measure,
            tiltak_id=tiltak,
            by="pl",
            description="Samtaler",
            responsible_ref=who,
            evaluation_date=due,
            as_of=DAY,
        )
    run.run(grant_guardian_access, grant_id="g1", guardian_ref="mor", as_of=eighteen)
    _stored(store, run, settings)
    outcomes = _outcomes(store, settings, due - timedelta(days=10))
    assert outcomes["evaluation-due>mor"] == "sent: "
    assert outcomes["evaluation-due>far"].startswith("obsolete: the child is of age")
    sent_to = {str(m["To"]) for m in smtp_server.handler.accepted}
    assert "mor@example.no" in sent_to
    assert "far@example.no" not in sent_to
