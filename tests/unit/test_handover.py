"""The baton rule (domain.md §7.5): propose, accept, decline, withdraw, holder missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from barnekoordinator.access.consent import ConsentPurpose, withdraw_consent
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.baton import BatonChangeKind
from barnekoordinator.coordination.handover import (
    HandoverDeclined,
    StafettholderLeft,
    accept_handover,
    assign_holder,
    decline_handover,
    holder_missing,
    participant_leaves,
    pending_handover,
    propose_handover,
    withdraw_handover,
)
from barnekoordinator.coordination.roles import ObligationStatus, Role, obligations, roles_of
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    add_log_measure,
    open_log,
    open_stafettlogg,
    stafettholder,
)
from barnekoordinator.errors import ConsentRequired, HandoverError, InvalidInput, NotResponsible
from barnekoordinator.history.case import ParticipantLeft
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import DEFAULT_AS_OF, CaseRun, consent_all, standard_case

D = DEFAULT_AS_OF
S = ServiceKind


def _opened(services: tuple[ServiceKind, ...] = (S.BARNEHAGE, S.HELSESTASJON, S.SKOLE)) -> CaseRun:
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, consent_id="log")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_2, as_of=D)
    return run


def _proposed(to: str = "hs") -> CaseRun:
    run = _opened()
    run.run(propose_handover, to_ref=to, by="pl", as_of=D, reason="nytt behov")
    return run


def test_only_the_holder_proposes() -> None:
    """A handover is proposed by the stafettholder only."""
    run = _opened()
    with pytest.raises(NotResponsible):
        propose_handover(run.case, to_ref="hs", by="styrer", as_of=D)


def test_a_pending_handover_leaves_the_holder_in_place() -> None:
    """While pending, A holds the baton and its duties; B has none (BTI-06 rule)."""
    run = _proposed()
    assert stafettholder(run.case) == "pl"
    pending = pending_handover(run.case)
    assert pending is not None
    assert pending.to_ref == "hs"
    assert pending.to_service is S.HELSESTASJON
    assert Role.STAFETTHOLDER in roles_of(run.case, "pl", D)
    assert Role.STAFETTHOLDER not in roles_of(run.case, "hs", D)


def test_only_the_proposed_person_accepts() -> None:
    """Neither the holder nor anyone else can accept on the proposed person's behalf."""
    run = _proposed()
    for other in ("pl", "styrer", "kl"):
        with pytest.raises(NotResponsible):
            accept_handover(run.case, by=other, as_of=D)
    run.run(accept_handover, by="hs", as_of=D + timedelta(days=2))
    log = open_log(run.case)
    assert log is not None
    assert stafettholder(run.case) == "hs"
    assert log.baton.pending is None
    assert log.baton.since == D + timedelta(days=2)
    last = log.baton.history[-1]
    assert (last.kind, last.from_ref, last.to_ref) == (BatonChangeKind.ACCEPTED, "pl", "hs")


def test_decline_keeps_the_holder() -> None:
    """Only the proposed person declines; the holder keeps the baton."""
    run = _proposed()
    with pytest.raises(NotResponsible):
        decline_handover(run.case, by="pl", as_of=D)
    run.run(decline_handover, by="hs", as_of=D, reason="for stor sak")
    assert stafettholder(run.case) == "pl"
    assert pending_handover(run.case) is None


def test_holder_or_leader_withdraws() -> None:
    """The holder or a leader withdraws a pending proposal; the proposed person cannot."""
    run = _proposed()
    with pytest.raises(NotResponsible):
        withdraw_handover(run.case, by="hs", as_of=D)
    run.run(withdraw_handover, by="styrer", as_of=D)
    assert pending_handover(run.case) is None
    assert stafettholder(run.case) == "pl"
    run.run(propose_handover, to_ref="hs", by="pl", as_of=D)
    run.run(withdraw_handover, by="pl", as_of=D)
    assert pending_handover(run.case) is None


def test_answers_need_a_pending_handover() -> None:
    """Accept, decline and withdraw without a pending handover are refused."""
    run = _opened()
    for command in (accept_handover, decline_handover, withdraw_handover):
        with pytest.raises(HandoverError, match="no handover is pending"):
            command(run.case, by="pl", as_of=D)


def test_one_pending_handover_at_a_time() -> None:
    """A second proposal waits until the first is answered or withdrawn."""
    run = _proposed()
    with pytest.raises(HandoverError, match="already pending"):
        propose_handover(run.case, to_ref="kl", by="pl", as_of=D)


def test_proposal_targets_another_participant() -> None:
    """The baton goes to someone else taking part in the case."""
    run = _opened()
    with pytest.raises(HandoverError, match="own holder"):
        propose_handover(run.case, to_ref="pl", by="pl", as_of=D)
    with pytest.raises(HandoverError, match="no part"):
        propose_handover(run.case, to_ref="stranger", by="pl", as_of=D)


def test_handover_to_an_uncovered_service_needs_consent() -> None:
    """BTI-08 in unit form: PPT is not covered, so proposing to PPT raises ConsentRequired."""
    run = _opened()
    with pytest.raises(ConsentRequired, match="for ppt"):
        propose_handover(run.case, to_ref="ppt", by="pl", as_of=D)


def test_acceptance_rechecks_consent() -> None:
    """If the consent lapsed after the proposal, acceptance is refused."""
    run = _proposed()
    run.run(withdraw_consent, consent_id="log", by="mor", as_of=D + timedelta(days=1))
    with pytest.raises(ConsentRequired):
        accept_handover(run.case, by="hs", as_of=D + timedelta(days=1))


def test_no_baton_without_an_open_log() -> None:
    """Handover commands need an open stafettlogg."""
    run = standard_case()
    with pytest.raises(HandoverError, match="no open stafettlogg"):
        propose_handover(run.case, to_ref="hs", by="pl", as_of=D)


def test_holder_leaving_without_handover_flags_the_case() -> None:
    """A holder who leaves leaves the log without a holder until a leader assigns one."""
    run = _opened()
    events = participant_leaves(run.case, participant_ref="pl", as_of=D, reason="ny jobb")
    assert any(isinstance(e, StafettholderLeft) for e in events)
    run.do(events, actor="styrer")
    assert holder_missing(run.case)
    assert stafettholder(run.case) is None
    found = [o for o in obligations(run.case, D) if o.code == "handover.holder-missing"]
    assert len(found) == 1
    assert (found[0].role, found[0].actor_ref, found[0].status) == (
        Role.LEADER,
        "styrer",
        ObligationStatus.UNMET,
    )
    with pytest.raises(HandoverError, match="leader assigns"):
        propose_handover(run.case, to_ref="hs", by="hs", as_of=D)
    with pytest.raises(NotResponsible):
        assign_holder(run.case, to_ref="hs", by="hs", as_of=D)
    run.run(assign_holder, to_ref="hs", by="styrer", as_of=D + timedelta(days=1))
    assert stafettholder(run.case) == "hs"
    assert not holder_missing(run.case)
    assert not [o for o in obligations(run.case, D) if o.code == "handover.holder-missing"]


def test_assignment_only_when_the_holder_is_missing() -> None:
    """A leader cannot bypass the baton rule while the holder is there."""
    run = _opened()
    with pytest.raises(HandoverError, match="hand the baton over"):
        assign_holder(run.case, to_ref="hs", by="styrer", as_of=D)


def test_bare_participant_left_is_also_flagged() -> None:
    """Even a ParticipantLeft recorded directly leaves the live case without a holder."""
    run = _opened()
    run.do(ParticipantLeft(participant_ref="pl"))
    assert holder_missing(run.case)
    assert [o.code for o in obligations(run.case, D)].count("handover.holder-missing") == 1


def test_proposed_person_leaving_declines_the_handover() -> None:
    """If B leaves before accepting, the pending handover is declined."""
    run = _proposed()
    events = participant_leaves(run.case, participant_ref="hs", as_of=D)
    assert isinstance(events[0], HandoverDeclined)
    run.do(events)
    assert pending_handover(run.case) is None
    assert stafettholder(run.case) == "pl"


def test_accept_after_the_holder_left_restores_a_holder() -> None:
    """A proposal made before the holder left can still be accepted by B."""
    run = _proposed()
    run.do(participant_leaves(run.case, participant_ref="pl", as_of=D))
    assert holder_missing(run.case)
    run.run(accept_handover, by="hs", as_of=D)
    assert stafettholder(run.case) == "hs"
    assert not holder_missing(run.case)


def test_leaving_needs_a_participant() -> None:
    """Only a participant can leave."""
    with pytest.raises(InvalidInput):
        participant_leaves(standard_case().case, participant_ref="stranger", as_of=D)


def test_pending_handover_escalates_after_the_municipal_limit() -> None:
    """Before the limit the proposed person owes an answer; after it a leader must follow up."""
    settings = MunicipalSettings(handover_escalation_days=7)
    run = _proposed()
    before = obligations(run.case, D + timedelta(days=7), settings)
    answer = [o for o in before if o.code == "handover.answer"]
    assert answer
    assert answer[0].actor_ref == "hs"
    assert answer[0].status is ObligationStatus.DUE
    assert not [o for o in before if o.code == "handover.escalation"]
    after = obligations(run.case, D + timedelta(days=8), settings)
    escalation = [o for o in after if o.code == "handover.escalation"]
    assert escalation
    assert escalation[0].actor_ref == "styrer"
    assert escalation[0].status is ObligationStatus.OVERDUE


def test_deadlines_stay_with_the_holder_during_a_pending_handover() -> None:
    """Overdue follow-up of tiltak is the current holder's duty, not the proposed person's."""
    run = _opened()
    run.run(
        add_log_measure,
        tiltak_id="t1",
        by="pl",
        description="x",
        responsible_ref="kl",
        evaluation_date=D + timedelta(days=5),
        as_of=D,
    )
    run.run(propose_handover, to_ref="hs", by="pl", as_of=D)
    later = D + timedelta(days=10)
    follow = [
        o for o in obligations(run.case, later) if o.code == "stafettlogg.evaluation-follow-up"
    ]
    assert [o.actor_ref for o in follow] == ["pl"]
    run.run(accept_handover, by="hs", as_of=later)
    follow = [
        o for o in obligations(run.case, later) if o.code == "stafettlogg.evaluation-follow-up"
    ]
    assert [o.actor_ref for o in follow] == ["hs"]


def test_projection_rows_for_pending_and_missing_holders() -> None:
    """HANDOVER_PENDING on proposal (due = proposal day), HOLDER_MISSING when the holder left."""
    run = _proposed()
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert rows[("case-1", AgendaKind.HANDOVER_PENDING, "stafettholder")].due == D
    run.run(accept_handover, by="hs", as_of=D)
    run.do(participant_leaves(run.case, participant_ref="hs", as_of=D + timedelta(days=3)))
    rows = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert ("case-1", AgendaKind.HANDOVER_PENDING, "stafettholder") not in rows
    assert rows[("case-1", AgendaKind.HOLDER_MISSING, "stafettholder")].due == D + timedelta(days=3)
    run.run(assign_holder, to_ref="pl", by="styrer", as_of=D + timedelta(days=4))
    rows = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert ("case-1", AgendaKind.HOLDER_MISSING, "stafettholder") not in rows


def test_handover_history_replays() -> None:
    """Replaying the history gives the same baton state."""
    run = _proposed()
    run.run(accept_handover, by="hs", as_of=D)
    run.run(propose_handover, to_ref="pl", by="hs", as_of=D)
    run.run(decline_handover, by="pl", as_of=D)
    assert run.replay() == run.case
