"""The baton moves forward in time only (domain.md §7.5, the baton rule `[V:S46][V:S45][V:S47]`).

«Stafettholder beholder stafettpinnen til den er mottatt og akseptert av en ny stafettholder»
(BTI is a practice model, §7.1). An acceptance dated before the proposal would give the new holder
the baton before it was offered, and take the previous holder's duties for those days away
afterwards. The commands (and so the command registry, whose ``as_of`` may be any past day) refuse
every baton step dated before the step it answers or follows, with `HandoverError` (a level change:
`StafettloggError`) naming both days, and store nothing. A school start before the child's birth
(BTI-13, §7.7) is refused with `InvalidInput`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.commands import execute_command, parse_command
from barnekoordinator.coordination.handover import (
    accept_handover,
    assign_holder,
    decline_handover,
    participant_leaves,
    pending_handover,
    propose_handover,
    withdraw_handover,
)
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    HolderDecision,
    open_log,
    open_stafettlogg,
)
from barnekoordinator.coordination.transitions import change_level, start_school, transitions
from barnekoordinator.errors import HandoverError, InvalidInput, StafettloggError
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    back_office_load,
    consent_all,
    standard_case,
)
from barnekoordinator.testing.exporters import into_casebook, staff_principal
from barnekoordinator_plugins.memory import InMemoryCaseStore

D = DEFAULT_AS_OF
S = ServiceKind
PROPOSED = D + timedelta(days=10)
EARLIER = D + timedelta(days=5)


def _log() -> CaseRun:
    run = standard_case(age=5)
    consent_all(
        run, ConsentPurpose.STAFETTLOGG, (S.BARNEHAGE, S.HELSESTASJON, S.SKOLE), consent_id="log"
    )
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
    return run


def _proposed() -> CaseRun:
    run = _log()
    run.run(propose_handover, to_ref="kl", by="pl", as_of=PROPOSED)
    return run


def _refused(
    run: CaseRun, error: type[Exception], command: Any, *dates: date, **kwargs: Any
) -> None:
    """``command`` raises ``error`` naming every one of ``dates``; nothing is recorded."""
    before = len(run.history)
    with pytest.raises(error, match=r"as_of|school_start") as caught:
        run.run(command, **kwargs)
    for day in dates:
        assert day.isoformat() in str(caught.value)
    assert len(run.history) == before


def test_baton_rule_7_5_acceptance_before_the_proposal_is_refused() -> None:
    """§7.5 [V:S46]: the holder keeps the baton until the new one has received AND accepted it;
    an acceptance dated before the proposal is refused; on the proposal day it is taken."""
    run = _proposed()
    _refused(run, HandoverError, accept_handover, EARLIER, PROPOSED, by="kl", as_of=EARLIER)
    log = open_log(run.case)
    assert log is not None
    assert log.baton.holder_ref == "pl"
    assert pending_handover(run.case) is not None
    run.run(accept_handover, by="kl", as_of=PROPOSED)
    log = open_log(run.case)
    assert log is not None
    assert (log.baton.holder_ref, log.baton.since) == ("kl", PROPOSED)


def test_baton_rule_7_5_back_dated_acceptance_through_the_command_registry() -> None:
    """§7.5 [V:S46]: the Casebook (as the CLI's ``--as-of``) refuses the same back-dated
    acceptance, and the stored baton still shows the holder and the pending proposal."""
    run = _log()
    book = into_casebook(InMemoryCaseStore(), run, as_of=PROPOSED)

    def do(ref: str, command: str, args: dict[str, object]) -> object:
        cmd = parse_command(
            {"command": command, "case": "case-1", "arguments": args}, allow_synthetic=True
        )
        return execute_command(book, staff_principal(ref), cmd)

    do("pl", "propose_handover", {"to_ref": "kl"})
    with pytest.raises(HandoverError, match=EARLIER.isoformat()):
        do("kl", "accept_handover", {"as_of": EARLIER.isoformat()})
    log = open_log(back_office_load(book.store, "case-1"))
    assert log is not None
    assert log.baton.holder_ref == "pl"
    assert [c.kind.value for c in log.baton.history] == ["opened"]
    assert log.baton.pending is not None
    assert log.baton.pending.proposed_on == PROPOSED


def test_baton_rule_7_5_decline_and_withdrawal_before_the_proposal_are_refused() -> None:
    """§7.5 [V:S46]: nor can a proposal be declined or withdrawn before it was made."""
    run = _proposed()
    _refused(run, HandoverError, decline_handover, EARLIER, PROPOSED, by="kl", as_of=EARLIER)
    _refused(run, HandoverError, withdraw_handover, EARLIER, PROPOSED, by="pl", as_of=EARLIER)
    _refused(run, HandoverError, withdraw_handover, EARLIER, PROPOSED, by="styrer", as_of=EARLIER)
    _refused(
        run,
        HandoverError,
        participant_leaves,
        EARLIER,
        PROPOSED,
        participant_ref="kl",
        as_of=EARLIER,
    )
    assert pending_handover(run.case) is not None


def test_baton_rule_7_5_no_move_before_the_baton_came_to_its_holder() -> None:
    """§7.5 [V:S46]: a new holder proposes, leaves or is replaced only from the day the baton
    came to them; and a level change (BTI-16, §7.4) is not dated before the baton's last move."""
    run = _proposed()
    run.run(accept_handover, by="kl", as_of=PROPOSED)
    _refused(
        run, HandoverError, propose_handover, EARLIER, PROPOSED, to_ref="hs", by="kl", as_of=EARLIER
    )
    decision = HolderDecision(
        holder_ref="kl",
        family_wishes="skolen koordinerer",
        measure_scope="skole og helsestasjon",
        coordination_need="to tjenester",
        decided_with=("mor",),
    )
    _refused(
        run,
        StafettloggError,
        change_level,
        EARLIER,
        PROPOSED,
        to_level=BtiLevel.NIVAA_2,
        decision=decision,
        by="kl",
        as_of=EARLIER,
    )
    _refused(
        run,
        HandoverError,
        participant_leaves,
        EARLIER,
        PROPOSED,
        participant_ref="kl",
        as_of=EARLIER,
    )
    left_on = PROPOSED + timedelta(days=5)
    run.run(participant_leaves, participant_ref="kl", as_of=left_on)
    _refused(
        run,
        HandoverError,
        assign_holder,
        PROPOSED,
        left_on,
        to_ref="hs",
        by="styrer",
        as_of=PROPOSED,
    )
    log = open_log(run.case)
    assert log is not None
    assert log.baton.holder_ref is None
    assert [c.on for c in log.baton.history] == sorted(c.on for c in log.baton.history)


def test_bti_13_school_start_before_the_birth_is_refused() -> None:
    """BTI-13, §7.7: a school start dated before the child was born is refused, with both days
    named, and no transition or handover proposal is stored."""
    run = _log()
    child = run.case.child
    assert child is not None
    school_start = date(1900, 1, 1)
    _refused(
        run,
        InvalidInput,
        start_school,
        school_start,
        child.birth_date,
        receiving_ref="kl",
        school_start=school_start,
        by="pl",
        as_of=D,
    )
    assert not transitions(run.case)
    assert pending_handover(run.case) is None
