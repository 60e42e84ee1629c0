"""Write checks: what a whole batch leaves is checked before it is stored (decision 41).

The fold refuses an event the state before it cannot take, but some rules hold between batches
only: ``appoint_barnekoordinator`` appoints and then, later in the same batch, links the open
stafettlogg (BTI-14), so the appointment alone breaks the one-holder rule for a moment. Found
2026-12: a ``CoordinatorAppointed`` made by hand by koordinerende enhet while the log had a
stafettholder was stored, and from then on ``coordination_holder()`` raised "2 holders of
coordination", so ``obligations()``, ``check_plan()`` and ``prepare_meeting()`` failed on the case
for good; a hand-made ``ChildBorn`` on a born child's case (``record_birth`` refuses it) was
stored and made the case another person's. Each ``Concept`` now names its ``write_checks``; the
Casebook runs them on the folded result of ``execute`` and ``open_case``, and ``import_history``
on the imported history, and stores nothing when one names a problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.casebook import Casebook
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import TickingClock
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import (
    CoordinatorAppointed,
    HolderKind,
    appoint_barnekoordinator,
    coordination_claims,
    coordination_holder,
)
from barnekoordinator.coordination.handover import assign_holder, participant_leaves
from barnekoordinator.coordination.roles import Role, obligations
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ObservationKind,
    open_stafettlogg,
    record_observation,
)
from barnekoordinator.errors import BundleRejected, HistoryError, InvalidInput
from barnekoordinator.exchange import import_history
from barnekoordinator.history.case import (
    Case,
    CaseOpened,
    ChildBorn,
    ParticipantJoined,
    join_participant,
    open_case,
    record_birth,
)
from barnekoordinator.history.concept import Concept
from barnekoordinator.people import Child
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    back_office_load,
    child_aged,
    consent_all,
    expected_child,
    mother,
    new_case,
    professional,
    standard_case,
)
from barnekoordinator.testing.exporters import into_casebook, rich_case, staff_principal
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

ON = date(2026, 1, 5)  # the Casebook's day (into_casebook's clock)
KE = staff_principal("ke", "KE, koordinerende enhet")
HS = professional("hs", ServiceKind.HELSESTASJON)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteCaseStore]:
    """A real SQLite store."""
    made = SQLiteCaseStore(tmp_path / "c.db")
    yield made
    made.close()


def _lone_appointment() -> CoordinatorAppointed:
    """What ``appoint_barnekoordinator`` writes, without the ``StafettloggLinked`` after it."""
    return CoordinatorAppointed(
        role=Role.BARNEKOORDINATOR,
        coordinator_ref="hs",
        service=ServiceKind.HELSESTASJON,
        also_koordinator=True,
        family_wishes="familien ønsket helsesykepleieren",
        by="ke",
        on=ON,
    )


def _refused(store: SQLiteCaseStore, book: Casebook, event: object, match: str) -> str:
    """Execute ``event`` by hand as koordinerende enhet: refused, audited once, nothing stored."""
    version, audits = store.version("case-1"), len(store.read_audit("case-1"))
    with pytest.raises(InvalidInput, match=match) as caught:
        book.execute(KE, "case-1", lambda case: event)
    assert store.version("case-1") == version
    trail = store.read_audit("case-1")
    assert len(trail) == audits + 1
    assert "the events were refused (InvalidInput); nothing stored" in trail[-1].reason
    return str(caught.value)


def test_a_hand_made_appointment_beside_a_stafettholder_is_refused(
    store: SQLiteCaseStore,
) -> None:
    """hotl § 7-2 a / § 7-2 and BTI-14: one holder of coordination; an appointment moves it from
    the stafettholder only by linking the open log, which the command does in the same batch."""
    book = into_casebook(store, rich_case())
    message = _refused(store, book, _lone_appointment(), "coordination would have 2 holders")
    assert message.endswith("; nothing stored")
    case = back_office_load(store, "case-1")
    assert [c.kind for c in coordination_claims(case, ON)] == [HolderKind.STAFETTHOLDER]
    assert obligations(case, ON) is not None  # raised HistoryError on the stored appointment
    assert coordination_holder(case, ON) is not None


def test_the_command_appoints_and_links_the_log_in_one_write(store: SQLiteCaseStore) -> None:
    """hotl § 7-2 a, BTI-14: the same appointment through ``appoint_barnekoordinator`` is kept."""
    run = rich_case()
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [ServiceKind.HELSESTASJON], consent_id="bk")
    book = into_casebook(store, run)
    recorded = book.execute(
        KE,
        "case-1",
        lambda case: appoint_barnekoordinator(
            case, coordinator=HS, by="ke", as_of=ON, family_wishes="familien ønsket henne"
        ),
    )
    assert "coordination.appointed" in recorded.types
    assert "stafettlogg.linked" in recorded.types
    case = back_office_load(store, "case-1")
    holder = coordination_holder(case, ON)
    assert holder is not None
    assert holder.kind is HolderKind.BARNEKOORDINATOR
    assert store.version("case-1") == recorded.version


def test_a_case_stored_with_two_holders_still_loads_and_takes_other_writes(
    store: SQLiteCaseStore,
) -> None:
    """Stored histories are never checked: a case an older version stored with two holders loads,
    and a write that adds no holder is kept (only a write making it worse is refused)."""
    run = rich_case()
    run.do(_lone_appointment(), actor="ke")
    book = into_casebook(store, run)
    case = back_office_load(store, "case-1")
    assert len(coordination_claims(case, ON)) == 2
    with pytest.raises(HistoryError, match="2 holders"):
        coordination_holder(case, ON)
    recorded = book.execute(
        staff_principal("hs"),
        "case-1",
        lambda case: record_observation(
            case,
            observation_id="o-late",
            by="hs",
            kind=ObservationKind.OPPMERKSOMHET,
            text="Følges opp",
            as_of=ON,
        ),
    )
    assert recorded.version == store.version("case-1")


def test_a_hand_made_birth_on_a_born_child_is_refused(store: SQLiteCaseStore) -> None:
    """``record_birth`` re-keys an expected child only; by hand, an administrator re-keyed a born
    child's case to another person (who then read it as the child)."""
    book = into_casebook(store, rich_case())
    before = back_office_load(store, "case-1").subject
    other = Child(ref="other", birth_date=date(2019, 3, 4))
    _refused(store, book, ChildBorn(child=other), "ChildBorn: only an expected child is born")
    assert back_office_load(store, "case-1").subject == before


def test_an_expected_child_is_still_re_keyed_at_birth(store: SQLiteCaseStore) -> None:
    """The check refuses re-keying a born child only; the birth of an expected one is kept."""
    run = new_case(
        subject=expected_child(),
        guardians=(mother(),),
        professionals=[HS, professional("ke", ServiceKind.KOORDINERENDE_ENHET)],
        koordinerende_enhet=("ke",),
    )
    book = into_casebook(store, run)
    born = child_aged(0, days_past_birthday=1)
    recorded = book.execute(KE, "case-1", lambda case: record_birth(case, born))
    assert recorded.types == ("case.child-born",)
    assert back_office_load(store, "case-1").subject == born


def _vendor_book(store: Path, seen: list[tuple[int, int, date]]) -> Casebook:
    """A Casebook whose catalogue has a vendor concept refusing any write that adds a
    participant (a vendor's own rule), recording what it was called with."""

    def no_new_participant(before: Case, after: Case, as_of: date) -> str | None:
        seen.append((before.version, after.version, as_of))
        if len(after.participants) > len(before.participants):
            return "vendor rule: participants join through the vendor's own intake"
        return None

    catalogue = CATALOGUE.extended(Concept(name="vendor", write_checks=[no_new_participant]))
    assert catalogue.write_checks[-1] is no_new_participant
    return into_casebook(
        SQLiteCaseStore(store, catalogue=catalogue), rich_case(), catalogue=catalogue
    )


def test_a_vendor_concepts_write_check_is_called_and_its_refusal_surfaces(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A vendor adds a rule of its own as a ``Concept`` in ``CATALOGUE.extended()``: the
    Casebook asks it on every write, with the case before and after and its day."""
    seen: list[tuple[int, int, date]] = []
    book = _vendor_book(tmp_path / "v.db", seen)
    store = book.store
    request.addfinalizer(store.close)
    version = store.version("case-1")
    newcomer = professional("ny", ServiceKind.PPT)
    with pytest.raises(InvalidInput, match="case case-1: vendor rule: participants join"):
        book.execute(KE, "case-1", lambda case: join_participant(case, participant=newcomer))
    assert store.version("case-1") == version
    assert seen == [(version, version + 1, ON)]
    # The opening path asks the same checks of the case the opening batch makes.
    opening = [
        open_case(municipality_number="0301", subject=child_aged(3, ref="barn"), guardians=()),
        ParticipantJoined(participant=professional("ke", ServiceKind.KOORDINERENDE_ENHET)),
    ]
    with pytest.raises(InvalidInput, match="open_case: vendor rule"):
        book.open_case(KE, opening, case_id="case-2")
    assert store.read("case-2") == []
    [audit] = store.read_audit("case-2")
    assert not audit.allowed
    assert seen[-1] == (0, 2, ON)


def _exported_with_two_holders(store: SQLiteCaseStore) -> bytes:
    """The full export of a case an older version stored with a lone hand-made appointment."""
    run = rich_case()
    run.do(_lone_appointment(), actor="ke")
    book = into_casebook(store, run)
    return book.export(
        KE, "case-1", "fhir-r4", include_identifiers=True, include_history=True
    ).content


def test_an_imported_history_leaving_two_holders_is_rejected(
    store: SQLiteCaseStore, tmp_path: Path
) -> None:
    """hotl § 7-2 a / § 7-2, BTI-14: the import folds the history into an empty case and asks the
    write checks on the Casebook's day (an import has no day of its own); nothing is stored."""
    exported = _exported_with_two_holders(store)
    target, other = SQLiteCaseStore(tmp_path / "target.db"), SQLiteCaseStore(tmp_path / "o.db")
    try:
        receiving = into_casebook(target)
        with pytest.raises(BundleRejected) as caught:
            import_history(receiving, exported, operator="test")
        assert "coordination would have 2 holders" in str(caught.value)
        assert target.read("case-1") == []
        # Without the hand-made appointment the same case imports.
        content = (
            into_casebook(other, rich_case())
            .export(KE, "case-1", "fhir-r4", include_identifiers=True, include_history=True)
            .content
        )
        assert import_history(receiving, content, operator="test").version == other.version(
            "case-1"
        )
    finally:
        target.close()
        other.close()


# --- found in review: one batch, a log without its holder, an import on an earlier day -------


def test_a_hand_made_appointment_beside_a_log_whose_holder_left_is_refused(
    store: SQLiteCaseStore,
) -> None:
    """BTI-14: an appointment links the open log. With its holder gone the log makes no claim,
    and a lone appointment passed the holder count; a leader's later ``assign_holder`` was then
    refused as "2 holders". Now the lone appointment is refused, and the leader may assign."""
    book = into_casebook(store, rich_case())
    book.execute(KE, "case-1", lambda c: participant_leaves(c, participant_ref="pl", as_of=ON))
    _refused(store, book, _lone_appointment(), "a stafettlogg would stay open beside")
    leader = staff_principal("styrer", "Styrer", "leader")
    recorded = book.execute(
        leader, "case-1", lambda c: assign_holder(c, to_ref="styrer", by="styrer", as_of=ON)
    )
    assert recorded.types == ("handover.holder-assigned",)


def test_one_batch_cannot_re_key_a_case(store: SQLiteCaseStore) -> None:
    """An opening of a born child followed by a ``ChildBorn`` left the case another person's,
    indexed under the first; so did two births of one expected child, and an opening written
    into a case that exists."""
    book = into_casebook(store, rich_case())
    born_twice = [
        open_case(municipality_number="0301", subject=child_aged(3, ref="barn"), guardians=()),
        ChildBorn(child=Child(ref="annen", birth_date=date(2019, 3, 4))),
    ]
    with pytest.raises(InvalidInput, match="open_case: ChildBorn: only an expected child"):
        book.open_case(KE, born_twice, case_id="case-2")
    assert store.read("case-2") == []
    reopened = open_case(municipality_number="0301", subject=child_aged(3, ref="barn"))
    _refused(store, book, reopened, "CaseOpened: a case is opened once")


def test_an_expected_child_is_born_once_per_batch(tmp_path: Path) -> None:
    run = new_case(
        subject=expected_child(),
        guardians=(mother(),),
        professionals=[HS, professional("ke", ServiceKind.KOORDINERENDE_ENHET)],
        koordinerende_enhet=("ke",),
    )
    with SQLiteCaseStore(tmp_path / "e.db") as expecting:
        book = into_casebook(expecting, run)
        twice = [
            ChildBorn(child=child_aged(0, ref="barn-a", days_past_birthday=1)),
            ChildBorn(child=child_aged(0, ref="barn-b", days_past_birthday=1)),
        ]
        version = expecting.version("case-1")
        with pytest.raises(InvalidInput, match="ChildBorn: only an expected child is born"):
            book.execute(KE, "case-1", lambda case: twice)
        assert expecting.version("case-1") == version


def test_an_import_is_checked_on_the_day_its_history_reached(tmp_path: Path) -> None:
    """A barnekoordinator appointed at 17 lapses at 18 (hotl § 7-2 a), and a stafettlogg may be
    opened after. Imported into a Casebook whose day is before the 18th birthday, that history
    looked like two holders and was refused; it is judged on the day it reached."""
    run = standard_case(age=17, as_of=ON)
    services = [ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON, ServiceKind.KOORDINERENDE_ENHET]
    for purpose in (ConsentPurpose.STAFETTLOGG, ConsentPurpose.BARNEKOORDINATOR):
        consent_all(run, purpose, services, as_of=ON, consent_id=f"k-{purpose.value}")
    # The whole history goes only to a reader of every consent (decision 45, update).
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, services, as_of=ON, consent_id="k-share")
    run.run(appoint_barnekoordinator, coordinator=HS, by="ke", as_of=ON, family_wishes="ønsket")
    later = ON + timedelta(days=400)  # the child is 18
    run.clock = TickingClock(datetime.combine(later, time(9), tzinfo=UTC))
    adult = MunicipalSettings(stafettlogg_age_limit=24)
    run.run(
        open_stafettlogg,
        by="pl",
        holder_ref="pl",
        level=BtiLevel.NIVAA_1,
        as_of=later,
        settings=adult,
    )
    with (
        SQLiteCaseStore(tmp_path / "from.db") as source,
        SQLiteCaseStore(tmp_path / "to.db") as target,
    ):
        content = (
            into_casebook(source, run, as_of=later)
            .export(KE, "case-1", "fhir-r4", include_identifiers=True, include_history=True)
            .content
        )
        imported = import_history(into_casebook(target, as_of=ON), content, operator="test")
        assert imported.version == source.version("case-1")


def test_a_born_child_whose_birth_date_lies_ahead_is_refused(store: SQLiteCaseStore) -> None:
    """A born child is born by the day the case is written: a birth date ahead (edge sweep,
    2026-12-07: ``case open --born 2199-12-31``) was stored as a born child that the page showed
    as expected, with a "turns 18" row in 2217. Opening and ``record_birth`` are both refused,
    nothing stored; a birth date on the day is kept."""
    book = into_casebook(store, as_of=ON)
    ahead = Child(ref="barn", birth_date=ON + timedelta(days=1))
    with pytest.raises(InvalidInput, match="birth date lies after the day it is written"):
        book.open_case(KE, open_case(municipality_number="0301", subject=ahead))
    assert store.read_all() == []  # its refusal is audited, nothing else stored
    case_id = book.open_case(
        KE, open_case(municipality_number="0301", subject=expected_child(due=ON))
    )
    version = store.version(case_id)
    with pytest.raises(InvalidInput, match="birth date lies after the day it is written"):
        book.execute(KE, case_id, lambda case: record_birth(case, ahead))
    assert store.version(case_id) == version
    book.execute(KE, case_id, lambda case: record_birth(case, Child(ref="barn", birth_date=ON)))
    assert store.version(case_id) == version + 1


def test_a_consent_withdrawal_dated_ahead_is_refused_and_today_s_is_kept(
    store: SQLiteCaseStore,
) -> None:
    """A withdrawal takes effect by the day it is written (BTI-12, domain.md §7.6: guardians may
    withdraw consent at any time). CLI sweep, 2026-12-07: ``consent withdraw --as-of 2199-01-01``
    was stored, the consent kept covering the stafettlogg until 2199, and the family's real
    withdrawal that day was refused as "already withdrawn". Refused by hand through
    ``execute`` (the consent concept's write check: one audit record, nothing stored) and as a
    ``command.v1`` document (``$.arguments.as_of``, before the Casebook is called); the
    withdrawal of the day is then kept and ends the consent."""
    from barnekoordinator.access.consent import ConsentWithdrawn, ledger, withdraw_consent
    from barnekoordinator.commands import execute_command, parse_command
    from barnekoordinator.errors import SchemaViolation

    run = standard_case(as_of=ON)
    consent_id = consent_all(run, ConsentPurpose.STAFETTLOGG, [ServiceKind.PPT], as_of=ON)
    book = into_casebook(store, run, as_of=ON)
    ahead = ConsentWithdrawn(consent_id=consent_id, by="mor", on=ON + timedelta(days=1))
    message = _refused(store, book, ahead, "withdrawal is dated after the day it is written")
    assert consent_id not in message  # the problem names the rule, not the case's text

    version, audits = store.version("case-1"), len(store.read_audit("case-1"))
    document = {
        "command": "withdraw_consent",
        "case": "case-1",
        "arguments": {"consent_id": consent_id, "by": "ke", "as_of": "2199-01-01"},
    }
    with pytest.raises(SchemaViolation) as caught:
        execute_command(book, KE, parse_command(document))
    assert [path for path, _ in caught.value.problems] == ["$.arguments.as_of"]
    assert (store.version("case-1"), len(store.read_audit("case-1"))) == (version, audits)

    book.execute(
        KE, "case-1", lambda case: withdraw_consent(case, consent_id=consent_id, by="mor", as_of=ON)
    )
    consent = ledger(back_office_load(store, "case-1")).get(consent_id)
    assert consent is not None
    assert consent.withdrawn_on == ON
    assert not consent.active_on(ON)


def test_no_person_takes_the_ref_reserved_for_barnevernstjenesten(store: SQLiteCaseStore) -> None:
    """pbrl § 4-5: once barnevernstjenesten has taken over care, it consents to health care in
    the parents' place, under the reserved consenter ref ``people.BARNEVERN``. CLI sweep,
    2026-12-07: a guardian opened as ``barnevernstjenesten`` then consented to health care *as*
    barnevernstjenesten after care was taken from her. The commands refuse the ref for the child,
    a guardian and a participant; events made by hand (an opening, a joining participant, a
    guardian added) are refused by the case concept's write check, audited, nothing stored."""
    from barnekoordinator.history.case import GuardianAdded
    from barnekoordinator.people import BARNEVERN

    reserved_mother = mother(BARNEVERN)
    with pytest.raises(InvalidInput, match="reserved for barnevernstjenesten"):
        open_case(municipality_number="0301", subject=child_aged(5), guardians=[reserved_mother])
    with pytest.raises(InvalidInput, match="reserved for barnevernstjenesten"):
        open_case(municipality_number="0301", subject=Child(ref=BARNEVERN, birth_date=ON))
    run = standard_case(as_of=ON)
    with pytest.raises(InvalidInput, match="reserved for barnevernstjenesten"):
        join_participant(run.case, participant=professional(BARNEVERN, ServiceKind.BARNEVERN))

    book = into_casebook(store, run, as_of=ON)
    opening = CaseOpened(
        municipality_number="0301", subject=child_aged(5, as_of=ON), guardians=(reserved_mother,)
    )
    with pytest.raises(InvalidInput, match="reserved for barnevernstjenesten"):
        book.open_case(KE, [opening])
    for event in (
        ParticipantJoined(participant=professional(BARNEVERN, ServiceKind.BARNEVERN)),
        GuardianAdded(guardian=reserved_mother),
    ):
        _refused(store, book, event, "reserved for barnevernstjenesten")
    book.execute(KE, "case-1", lambda case: GuardianAdded(guardian=mother("mor2")))
