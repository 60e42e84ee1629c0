"""Which messages events cause, what a letter says, and the Casebook storing them with the events.

No letter may carry an identity number, a name from the case or free text from the case: a
property checked over random synthetic cases (Hypothesis).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination import handover
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    add_log_measure,
    open_stafettlogg,
    record_minutes,
    schedule_meeting,
)
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.records import EventRecord
from barnekoordinator.legal_basis import deadline
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import consent_all, standard_case
from barnekoordinator.testing.conformance import make_records
from barnekoordinator.testing.population import synthetic_case
from barnekoordinator.texts import Language
from barnekoordinator_plugins.notify import NotifySettings, letter, messages_for

SETTINGS = NotifySettings(evaluation_days=14, handover_days=7, complaint_days=7)
DAY = date(2026, 1, 5)


def by_kind(messages: list[OutboxMessage]) -> dict[OutboxKind, list[OutboxMessage]]:
    """The messages grouped by kind."""
    found: dict[OutboxKind, list[OutboxMessage]] = {}
    for message in messages:
        found.setdefault(message.kind, []).append(message)
    return found


def stafettlogg_records() -> list[EventRecord]:
    """A real case made with the library's commands: a log with a tiltak, a meeting and its
    minutes, and a proposed handover."""
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
        evaluation_date=DAY + timedelta(days=60),
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
    run.run(handover.propose_handover, to_ref="kl", by="pl", as_of=DAY)
    return run.records()


def decision_record(weeks: int = 3) -> EventRecord:
    """An ``individual-decision.recorded`` record with two parties (the fields the notifier
    reads; the rest of the payload is irrelevant to it)."""
    payload = {
        "decision_id": "v1",
        "decided_on": DAY.isoformat(),
        "complaint_deadline_weeks": weeks,
        "parties": [
            {"ref": "mor", "name": "Mona Hansen", "role": "guardian"},
            {"ref": "far", "name": "Frode Hansen", "role": "guardian"},
        ],
    }
    (record,) = make_records("case-1", [json.dumps(payload)], type="individual-decision.recorded")
    return record


def test_each_event_causes_its_messages_with_their_dates_and_guards() -> None:
    """Proposed holder, unanswered handover, evaluation due and overdue, meeting called and
    minutes ready, each to the right refs, due on the right day, guarded by the agenda row."""
    kinds = by_kind(messages_for(stafettlogg_records(), SETTINGS))
    (proposed,) = kinds[OutboxKind.PROPOSED_AS_HOLDER]
    assert (proposed.recipient, proposed.not_before) == ("kl", DAY)
    unanswered = kinds[OutboxKind.HANDOVER_UNANSWERED]
    assert {m.recipient for m in unanswered} == {"kl", "pl"}
    assert {m.not_before for m in unanswered} == {DAY + timedelta(days=7)}
    assert {m.guard for m in unanswered} == {(AgendaKind.HANDOVER_PENDING, "stafettholder", DAY)}
    evaluation = DAY + timedelta(days=60)
    (due,) = kinds[OutboxKind.EVALUATION_DUE]
    (overdue,) = kinds[OutboxKind.EVALUATION_OVERDUE]
    assert (due.recipient, due.not_before, due.on) == ("hs", evaluation - timedelta(14), evaluation)
    assert overdue.not_before == evaluation + timedelta(days=1)
    assert due.guard == overdue.guard == (AgendaKind.EVALUATION_DUE, "stafettlogg:t1", evaluation)
    called = kinds[OutboxKind.MEETING_CALLED]
    assert {(m.recipient, m.on) for m in called} == {
        ("hs", DAY),
        ("mor", DAY),
    }
    minutes = kinds[OutboxKind.MINUTES_READY]
    assert [(m.recipient, m.not_before) for m in minutes] == [("hs", DAY)]


def test_a_decision_names_its_complaint_deadline_and_warns_before_it() -> None:
    """Each party hears of the decision (with the deadline) at once, and again
    ``complaint_days`` before the deadline (fvl § 29, counted as legal_basis.deadline)."""
    kinds = by_kind(messages_for([decision_record(3)], SETTINGS))
    last = deadline(DAY, weeks=3)
    assert {(m.recipient, m.not_before, m.on) for m in kinds[OutboxKind.DECISION_MADE]} == {
        ("mor", DAY, last),
        ("far", DAY, last),
    }
    warn = last - timedelta(days=7)
    assert {(m.recipient, m.not_before) for m in kinds[OutboxKind.COMPLAINT_DEADLINE]} == {
        ("mor", warn),
        ("far", warn),
    }


def test_keys_are_deterministic_so_recomputing_stores_nothing_new() -> None:
    """The same records give the same keys (kind, case, item, recipient, date)."""
    records = stafettlogg_records()
    first = messages_for(records, SETTINGS)
    assert [m.key for m in first] == [m.key for m in messages_for(records, SETTINGS)]
    assert len({m.key for m in first}) == len(first)
    assert "meeting-called:case-1:meeting:m1:mor:" in " ".join(m.key for m in first)


_ELEVEN_DIGITS = re.compile(r"\d{11}")
_FREE_TEXT = {"name", "given_name", "family_name", "text", "description", "summary", "note"}


def free_text(value: Any) -> Iterator[str]:
    """Every name and free text in a payload (what a letter must never repeat)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in _FREE_TEXT and isinstance(inner, str) and len(inner) >= 3:
                yield inner
            yield from free_text(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from free_text(inner)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    index=st.integers(0, 500),
    lang=st.sampled_from(list(Language)),
)
def test_no_letter_carries_an_identity_number_a_name_or_case_text(
    seed: int, index: int, lang: Language
) -> None:
    """Over random synthetic cases (and a decision naming its parties), every letter is the
    template for its kind and date: no fødselsnummer or D-number, no name, no free text, no case
    id."""
    case = synthetic_case(seed, index)
    records = [*case.records, decision_record()]
    secrets = {t for r in records for t in free_text(json.loads(r.payload))}
    now = datetime(2026, 1, 5, 8, tzinfo=UTC)
    for message in messages_for(records, SETTINGS):
        mail = letter(message, to="x@example.no", lang=lang, settings=SETTINGS, now=now)
        shown = str(mail["Subject"]) + "\n" + mail.get_content()
        assert not _ELEVEN_DIGITS.search(shown)
        assert message.case_id not in mail.as_string()  # the Message-ID is a digest of the key
        assert not [s for s in secrets if s in shown]
