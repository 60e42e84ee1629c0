"""A move takes the old municipality's services out of the case; administration acts as itself.

Found in the third review sweep (2026-12), d8 and d3:

* ``move_municipality`` ended the appointments and closed the log but left every professional in
  the case. Participants are not tied to a municipality and consents are per kind of service, so
  Oslo's helsesykepleier and fysioterapeut went on reading every entry — what the new
  municipality wrote too. BK-19 (domain.md §7.7, hotl § 7-2 a): the duty is each municipality's;
  the old one's ends with the move. The move now records, in its own batch, that every
  professional of a municipal service left; specialist and other state or county services stay.
* ``participant_leaves`` declined a pending handover in the *leaver's* name, so koordinerende
  enhet or a leader recording that the proposed holder left was refused ("a principal records
  only what it does itself", decision 38). It now takes the recorder ``by``, who withdraws the
  proposal in its own name.
* ``change_level`` by a leader that re-decided the holder proposed the handover in the *holder's*
  name, and was refused the same way. The proposal is now the leader's, and the holder keeps the
  baton until the new one accepts (§7.5).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from barnekoordinator.access.consent import CareOrderChanged, ConsentPurpose
from barnekoordinator.access.entries import entries
from barnekoordinator.access.policy import AccessAction, CaseRole, case_roles, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.commands import execute_command, parse_command
from barnekoordinator.coordination.handover import (
    HandoverDeclined,
    HandoverWithdrawn,
    accept_handover,
    participant_leaves,
    pending_handover,
    propose_handover,
)
from barnekoordinator.coordination.plan import add_plan_measure, current_plan
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    HolderDecision,
    LogStatus,
    current_log,
    open_stafettlogg,
    stafettholder,
)
from barnekoordinator.coordination.transitions import change_level, move_municipality
from barnekoordinator.errors import AccessDenied
from barnekoordinator.history.case import Case, ParticipantLeft, join_participant
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.history.sealing import KeyRing
from barnekoordinator.services import SERVICES, Level, ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    TEST_SEALING_KEY,
    CaseRun,
    consent_all,
    professional,
    standard_case,
)
from barnekoordinator.testing.exporters import into_casebook, rich_case, staff_principal
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

ON = DEFAULT_AS_OF  # the Casebook's day (into_casebook's clock)
S = ServiceKind
KE = staff_principal("ke", "KE Oslo")
LEADER = staff_principal("styrer", "Styrer", "leader")
KE_BERGEN = Principal(
    subject="ke-bergen",
    display_label="KE Bergen",
    assurance=AssuranceLevel.HIGH,
    municipality_number="4601",
    roles=frozenset({SystemRole.KOORDINERENDE_ENHET}),
)
OSLO_MUNICIPAL = ("pl", "styrer", "hs", "kl", "ppt", "ke", "fysio")
"""The standard case's professionals of municipal services (``lege`` is sykehus: state)."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteCaseStore]:
    """A real SQLite store."""
    made = SQLiteCaseStore(tmp_path / "c.db")
    yield made
    made.close()


def _stored(store: SQLiteCaseStore, case_id: str = "case-1") -> Case:
    """The case as stored (folded from the sealed records)."""
    cipher = KeyRing(store, TEST_SEALING_KEY).cipher(case_id)  # type: ignore[arg-type]
    return CATALOGUE.load(case_id, store.read(case_id), cipher=cipher)


def _reads(ref: str, case: Case) -> set[str]:
    """The ids of the entries the professional ``ref`` may read in ``case`` today."""
    principal = staff_principal(ref)
    return {
        e.meta.id
        for e in entries(case)
        if decide(principal, case, AccessAction.READ, e.meta, ON).allowed
    }


def _bergen_writes(book: Casebook) -> None:
    """Bergen's koordinerende enhet joins the moved case and adds a plan measure."""
    book.execute(
        KE_BERGEN,
        "case-1",
        lambda c: join_participant(c, participant=professional("ke-bergen", S.KOORDINERENDE_ENHET)),
    )
    book.execute(
        KE_BERGEN,
        "case-1",
        lambda c: add_plan_measure(
            c,
            measure_id="pm-bergen",
            by="ke-bergen",
            description="Avlastning i Bergen",
            scope="1 helg/mnd",
            responsible_ref="ke-bergen",
            implementation="Avlastningsbolig",
            as_of=ON,
        ),
    )


# --- defect 1: the move takes the old municipality's services out -------------------------


def test_a_move_records_the_old_services_leaving_in_its_own_batch(store: SQLiteCaseStore) -> None:
    """BK-19: one ``execute`` by Oslo's koordinerende enhet records the move, the end of the log
    and the leaving of every municipal professional — Oslo's koordinerende enhet and leader too;
    sykehus stays."""
    book = into_casebook(store, rich_case())
    recorded = book.execute(
        KE,
        "case-1",
        lambda c: move_municipality(
            c, to_municipality="4601", by="ke", as_of=ON, plan_transfer_consent_id="ip"
        ),
    )
    assert recorded.types[:2] == ("transition.recorded", "transition.municipality-changed")
    assert recorded.types.count("case.participant-left") == len(OSLO_MUNICIPAL)
    assert recorded.types[-len(OSLO_MUNICIPAL) :] == ("case.participant-left",) * len(
        OSLO_MUNICIPAL
    )
    case = _stored(store)
    assert [p.ref for p in case.participants] == ["lege"]
    assert set(case.former_participants) == set(OSLO_MUNICIPAL)
    plan = current_plan(case)
    assert plan is not None
    assert plan.id == "ip-1"  # the plan continues as one plan, on the consent


def test_after_a_move_the_old_services_read_nothing_new(store: SQLiteCaseStore) -> None:
    """BK-19, §7.6: what Bergen writes is not read in Oslo. Before the fix the helsesykepleier
    and fysioterapeut, still participants, read Bergen's plan measure."""
    book = into_casebook(store, rich_case())
    assert book.read(staff_principal("hs"), "case-1").entries  # read before the move
    book.execute(
        KE,
        "case-1",
        lambda c: move_municipality(
            c, to_municipality="4601", by="ke", as_of=ON, plan_transfer_consent_id="ip"
        ),
    )
    _bergen_writes(book)
    case = _stored(store)
    assert "plan:ip-1:pm-bergen" in _reads("ke-bergen", case)
    for ref in OSLO_MUNICIPAL:
        assert _reads(ref, case) == set(), ref
        with pytest.raises(AccessDenied):
            book.read(staff_principal(ref, ref, "leader"), "case-1")
        assert case.participant(ref) is None
        assert case_roles(staff_principal(ref), case) == ()
    assert case_roles(KE, case) == ()  # Oslo's koordinerende enhet no longer administers it
    view = book.read(KE_BERGEN, "case-1")
    assert [p.ref for p in view.participants] == ["lege", "ke-bergen"]


def test_a_specialist_stays_and_reads_on_its_consent() -> None:
    """Sykehus is a specialist (state) service: the move is no transition for it. It stays,
    reads what its consent covered before, and what Bergen writes under the same consent."""
    run = rich_case()
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.SYKEHUS], consent_id="share-sykehus")
    before = _reads("lege", run.case)
    assert before
    run.run(move_municipality, to_municipality="4601", by="ke", as_of=ON)
    run.do(join_participant(run.case, participant=professional("ke-bergen", S.KOORDINERENDE_ENHET)))
    assert case_roles(staff_principal("lege"), run.case) == (CaseRole.PARTICIPANT,)
    assert before <= _reads("lege", run.case)


def test_only_municipal_services_leave_with_the_move() -> None:
    """Every kind of service: a participant leaves with the move exactly when its service is
    municipal (``SERVICES[kind].level``); county (tannhelse) and state services stay."""
    run = standard_case()
    for kind in ServiceKind:
        run.do(join_participant(run.case, participant=professional(f"p-{kind.value}", kind)))
    events = move_municipality(run.case, to_municipality="4601", by="ke", as_of=ON)
    left = {e.participant_ref for e in events if isinstance(e, ParticipantLeft)}
    run.do(events)
    for p in standard_case().case.participants:
        assert (p.ref in left) is (SERVICES[p.service].level is Level.MUNICIPAL)
    # (no care order here: barnevern leaves too; see the next test)
    for kind in ServiceKind:
        stays = SERVICES[kind].level is not Level.MUNICIPAL
        assert (run.case.participant(f"p-{kind.value}") is not None) is stays, kind


def test_barnevern_under_a_care_order_stays_with_the_move() -> None:
    """After a care order (pbrl § 4-5) the care is barnevernstjenesten's, and the child's move
    does not end it: barnevern stays; without a care order it leaves like any municipal
    service."""
    for care in (False, True):
        run = standard_case()
        run.do(join_participant(run.case, participant=professional("bv", S.BARNEVERN)))
        if care:
            run.do(CareOrderChanged(care_taken_over=True))
        run.run(move_municipality, to_municipality="4601", by="ke", as_of=ON)
        assert (run.case.participant("bv") is not None) is care


def _log_mid_handover() -> CaseRun:
    """A nivå 1 log held by ``pl`` (barnehage), a handover to ``hs`` (helsestasjon) pending."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, (S.BARNEHAGE, S.HELSESTASJON), consent_id="log")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=ON)
    run.run(propose_handover, to_ref="hs", by="pl", as_of=ON)
    return run


def test_a_move_mid_handover_leaves_no_baton_behind() -> None:
    """The holder and the proposed holder both leave with the move: the log closes first, so
    no holder is missing and no handover waits, in the state or on the agenda; replay agrees."""
    run = _log_mid_handover()
    run.run(move_municipality, to_municipality="4601", by="ke", as_of=ON)
    log = current_log(run.case)
    assert log is not None
    assert log.status is LogStatus.CLOSED
    assert pending_handover(run.case) is None
    assert run.case.participant("pl") is None
    assert run.case.participant("hs") is None
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    kinds = {kind for _, kind, _ in rows}
    assert not kinds & {AgendaKind.HANDOVER_PENDING, AgendaKind.HOLDER_MISSING}
    assert run.replay() == run.case


# --- defect 2: administration records in its own name ---------------------------------------


@pytest.mark.parametrize(
    ("principal", "by"), [(KE, "ke"), (LEADER, "styrer")], ids=["koordinerende-enhet", "leader"]
)
def test_administration_records_that_the_proposed_holder_left(
    store: SQLiteCaseStore, principal: Principal, by: str
) -> None:
    """§7.5: B leaves before answering. Koordinerende enhet or a leader records it and
    withdraws the proposal in its own name; the holder keeps the baton. Before the fix the
    command declined in B's name and the Casebook refused it."""
    book = into_casebook(store, _log_mid_handover())
    recorded = book.execute(
        principal,
        "case-1",
        lambda c: participant_leaves(c, participant_ref="hs", by=by, as_of=ON, reason="sluttet"),
    )
    assert recorded.types == ("handover.withdrawn", "case.participant-left")
    case = _stored(store)
    assert pending_handover(case) is None
    assert stafettholder(case) == "pl"
    assert case.participant("hs") is None


@pytest.mark.parametrize(
    ("principal", "first"),
    [(KE, "handover.withdrawn"), (staff_principal("hs"), "handover.declined")],
    ids=["koordinerende-enhet", "the-leaver"],
)
def test_a_leaving_document_names_its_recorder(
    store: SQLiteCaseStore, principal: Principal, first: str
) -> None:
    """A ``command.v1`` document leaves ``by`` to the Casebook (the principal): koordinerende
    enhet's document withdraws the proposal, the leaver's own declines it. Before the fix
    koordinerende enhet's document was refused as acting in the leaver's name."""
    book = into_casebook(store, _log_mid_handover())
    document = {
        "command": "participant_leaves",
        "case": "case-1",
        "arguments": {"participant_ref": "hs", "reason": "sluttet"},
    }
    recorded = execute_command(book, principal, parse_command(document))
    assert recorded.types == (first, "case.participant-left")
    assert stafettholder(_stored(store)) == "pl"


def test_the_proposed_holder_leaving_themselves_declines() -> None:
    """Recorded by the leaver (or with no recorder named, as before), leaving declines."""
    run = _log_mid_handover()
    for by in ("hs", None):
        events = participant_leaves(run.case, participant_ref="hs", by=by, as_of=ON)
        assert isinstance(events[0], HandoverDeclined)
        assert events[0].by == "hs"
    events = participant_leaves(run.case, participant_ref="hs", by="ke", as_of=ON)
    assert isinstance(events[0], HandoverWithdrawn)
    assert events[0].by == "ke"


def test_a_participant_cannot_withdraw_by_recording_another_leaving(
    store: SQLiteCaseStore,
) -> None:
    """The withdrawal rides on the leaving, which only administration (or the leaver) records:
    a fellow participant naming itself as recorder is refused and nothing is stored."""
    book = into_casebook(store, _log_mid_handover())
    version = _stored(store).version
    with pytest.raises(AccessDenied, match="administers the case"):
        book.execute(
            staff_principal("fysio"),
            "case-1",
            lambda c: participant_leaves(c, participant_ref="hs", by="fysio", as_of=ON),
        )
    assert _stored(store).version == version


def _decision(holder: str) -> HolderDecision:
    return HolderDecision(
        holder_ref=holder,
        family_wishes="ønsker helsesykepleier",
        measure_scope="flere tjenester",
        coordination_need="stort",
        decided_with=("mor",),
    )


def test_a_leader_re_deciding_the_holder_proposes_in_own_name(store: SQLiteCaseStore) -> None:
    """BTI-16 by a leader (as ``change_level``'s docstring allows): the level changes and the
    handover is proposed in the leader's name; the holder keeps the baton until the new one
    accepts (§7.5). Before the fix the proposal named the holder and the Casebook refused it."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, (S.BARNEHAGE, S.HELSESTASJON), consent_id="log")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=ON)
    book = into_casebook(store, run)
    recorded = book.execute(
        LEADER,
        "case-1",
        lambda c: change_level(
            c, to_level=BtiLevel.NIVAA_3, decision=_decision("hs"), by="styrer", as_of=ON
        ),
    )
    assert recorded.types == ("stafettlogg.level-changed", "handover.proposed")
    case = _stored(store)
    pending = pending_handover(case)
    assert pending is not None
    assert (pending.to_ref, pending.proposed_by) == ("hs", "styrer")
    assert stafettholder(case) == "pl"  # the baton stays until accepted
    book.execute(staff_principal("hs"), "case-1", lambda c: accept_handover(c, by="hs", as_of=ON))
    assert stafettholder(_stored(store)) == "hs"


def test_the_holder_re_deciding_still_proposes_as_the_holder() -> None:
    """The holder's own level change proposes in the holder's name, as before."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, (S.BARNEHAGE, S.HELSESTASJON), consent_id="log")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=ON)
    events = change_level(
        run.case, to_level=BtiLevel.NIVAA_2, decision=_decision("hs"), by="pl", as_of=ON
    )
    assert [getattr(e, "by", None) for e in events] == ["pl", "pl"]
    run.do(events)
    assert stafettholder(run.case) == "pl"
