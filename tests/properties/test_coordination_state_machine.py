"""Random command sequences keep the baton rule (domain.md §7.5) and the samordning rule (§5.2).

A Hypothesis state machine runs propose / accept / decline / withdraw /
holder leaves / assign / level change / add tiltak / evaluate / close / reopen /
appoint in any order, with any actor. Rejected commands raise a rule violation
and change nothing. After every step:

* while the log is open there is exactly one stafettholder — or the holder has
  left, and then the case is flagged (obligation and projection row);
* a pending handover never changes the holder;
* every tiltak has a responsible person and an evaluation date;
* never more than one holder of coordination responsibility;
* replaying the recorded history gives the live case, and the projection rows
  agree with it.
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.appointments import appoint_koordinator, coordination_claims
from barnekoordinator.coordination.handover import (
    accept_handover,
    assign_holder,
    decline_handover,
    holder_missing,
    participant_leaves,
    pending_handover,
    propose_handover,
    withdraw_handover,
)
from barnekoordinator.coordination.roles import Role, obligations, roles
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ClosingReason,
    EffectAssessment,
    HolderDecision,
    LogStatus,
    MeasureNext,
    add_log_measure,
    bti,
    close_stafettlogg,
    current_log,
    evaluate_log_measure,
    open_log,
    open_stafettlogg,
    stafettholder,
)
from barnekoordinator.coordination.transitions import change_level
from barnekoordinator.errors import InvalidInput, RuleViolation
from barnekoordinator.history.case import ParticipantJoined
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    consent_all,
    professional,
    standard_case,
)

S = ServiceKind
ACTORS = ("pl", "styrer", "hs", "kl", "ppt", "ke", "fysio", "mor", "new-1", "new-2")
COVERED = (S.BARNEHAGE, S.HELSESTASJON, S.SKOLE, S.KOORDINERENDE_ENHET)  # not PPT, not fysio
actors = st.sampled_from(ACTORS)


class BatonMachine(RuleBasedStateMachine):
    """The stafettlogg's baton under random commands."""

    run: CaseRun

    def __init__(self) -> None:
        super().__init__()
        self.day = DEFAULT_AS_OF
        self.tiltak_seq = 0
        self.joined = 0

    @initialize()
    def open_the_log(self) -> None:
        self.run = standard_case(age=6)
        consent_all(self.run, ConsentPurpose.STAFETTLOGG, COVERED, consent_id="log")
        consent_all(
            self.run, ConsentPurpose.SHARE_INFORMATION, [S.HELSESTASJON], consent_id="share"
        )
        self.run.run(
            open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=self.day
        )

    # -- helpers ------------------------------------------------------------------------

    def attempt(self, command: object, **kwargs: object) -> bool:
        """Run a command; a rule violation must leave the case as it was."""
        before = self.run.case
        try:
            self.run.run(command, **kwargs)  # type: ignore[arg-type]
        except (RuleViolation, InvalidInput):
            assert self.run.case is before
            return False
        return True

    def pick(self, data: st.DataObject, *likely: str | None) -> str:
        """Mostly someone the command expects; sometimes anyone (to exercise refusals)."""
        preferred = [x for x in likely if x]
        if preferred:
            return data.draw(st.sampled_from(preferred) | actors)
        return data.draw(actors)

    def rarely(self, data: st.DataObject, one_in: int = 4) -> bool:
        """True about once in ``one_in`` (for steps that end the interesting state)."""
        return data.draw(st.integers(min_value=1, max_value=one_in)) == 1

    # -- rules --------------------------------------------------------------------------

    @rule(days=st.integers(min_value=0, max_value=20))
    def time_passes(self, days: int) -> None:
        self.day += timedelta(days=days)

    @rule(data=st.data())
    def propose(self, data: st.DataObject) -> None:
        holder = stafettholder(self.run.case)
        by = self.pick(data, holder)
        to = self.pick(data, *(p.ref for p in self.run.case.participants))
        if self.attempt(propose_handover, to_ref=to, by=by, as_of=self.day):
            assert stafettholder(self.run.case) == holder == by
            pending = pending_handover(self.run.case)
            assert pending is not None
            assert pending.to_ref == to

    @rule(data=st.data())
    def accept(self, data: st.DataObject) -> None:
        pending = pending_handover(self.run.case)
        by = self.pick(data, pending.to_ref if pending else None)
        if self.attempt(accept_handover, by=by, as_of=self.day):
            assert pending is not None
            assert pending.to_ref == by
            assert stafettholder(self.run.case) == by

    @rule(data=st.data())
    def decline(self, data: st.DataObject) -> None:
        pending = pending_handover(self.run.case)
        by = self.pick(data, pending.to_ref if pending else None)
        holder = stafettholder(self.run.case)
        if self.attempt(decline_handover, by=by, as_of=self.day):
            assert stafettholder(self.run.case) == holder
            assert pending_handover(self.run.case) is None

    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        holder = stafettholder(self.run.case)
        by = self.pick(data, holder, "styrer")
        if self.attempt(withdraw_handover, by=by, as_of=self.day):
            assert stafettholder(self.run.case) == holder
            assert pending_handover(self.run.case) is None

    @rule(data=st.data())
    def someone_leaves(self, data: st.DataObject) -> None:
        if not self.rarely(data):
            return
        who = self.pick(data, stafettholder(self.run.case))
        self.attempt(participant_leaves, participant_ref=who, as_of=self.day)

    @rule(service=st.sampled_from([S.SKOLE, S.HELSESTASJON, S.PPT]))
    def someone_joins(self, service: ServiceKind) -> None:
        if self.joined >= 2 or not self.run.case.is_open:
            return
        self.joined += 1
        self.run.do(ParticipantJoined(participant=professional(f"new-{self.joined}", service)))

    @rule(data=st.data())
    def assign(self, data: st.DataObject) -> None:
        by = self.pick(data, "styrer")
        to = self.pick(data, *(p.ref for p in self.run.case.participants))
        if self.attempt(assign_holder, to_ref=to, by=by, as_of=self.day):
            assert stafettholder(self.run.case) == to

    @rule(data=st.data(), level=st.sampled_from(list(BtiLevel)))
    def level_change(self, data: st.DataObject, level: BtiLevel) -> None:
        holder = stafettholder(self.run.case)
        by = self.pick(data, holder)
        to = self.pick(data, holder, *(p.ref for p in self.run.case.participants))
        decision = HolderDecision(
            holder_ref=to,
            family_wishes="ønsker",
            measure_scope="omfang",
            coordination_need="behov",
            decided_with=("mor",),
        )
        if self.attempt(change_level, to_level=level, decision=decision, by=by, as_of=self.day):
            assert stafettholder(self.run.case) == holder

    @rule(
        data=st.data(),
        no_owner=st.integers(min_value=0, max_value=5),
        days=st.none() | st.integers(min_value=-3, max_value=60),
    )
    def add_a_tiltak(self, data: st.DataObject, no_owner: int, days: int | None) -> None:
        self.tiltak_seq += 1
        by = self.pick(data, stafettholder(self.run.case), "hs", "kl")
        responsible = None if no_owner == 0 else self.pick(data, "hs", "kl", "mor", "pl")
        self.attempt(
            add_log_measure,
            tiltak_id=f"t{self.tiltak_seq}",
            by=by,
            description="tiltak",
            responsible_ref=responsible,
            evaluation_date=None if days is None else self.day + timedelta(days=days),
            as_of=self.day,
        )

    @rule(
        data=st.data(),
        pick=st.integers(min_value=0, max_value=20),
        next_step=st.sampled_from(list(MeasureNext)),
        days=st.integers(min_value=1, max_value=60),
    )
    def evaluate(self, data: st.DataObject, pick: int, next_step: MeasureNext, days: int) -> None:
        log = current_log(self.run.case)
        if log is None or not log.tiltak:
            return
        tiltak = log.tiltak[pick % len(log.tiltak)]
        by = self.pick(
            data, tiltak.responsible_ref, log.baton.holder_ref, log.linked_coordinator_ref
        )
        self.attempt(
            evaluate_log_measure,
            tiltak_id=tiltak.id,
            by=by,
            effect=EffectAssessment.IMPROVED,
            next_step=next_step,
            as_of=self.day,
            next_evaluation_date=None
            if next_step is MeasureNext.END
            else self.day + timedelta(days=days),
        )

    @rule(
        data=st.data(),
        reason=st.sampled_from([ClosingReason.GOAL_REACHED, ClosingReason.NO_LONGER_NEEDED]),
    )
    def close(self, data: st.DataObject, reason: ClosingReason) -> None:
        if not self.rarely(data):
            return
        by = self.pick(data, stafettholder(self.run.case), "styrer")
        self.attempt(close_stafettlogg, by=by, reason=reason, as_of=self.day)

    @rule(data=st.data())
    def reopen(self, data: st.DataObject) -> None:
        by = self.pick(data, "pl", "hs", "kl")
        holder = self.pick(data, "pl", "hs", "kl")
        self.attempt(
            open_stafettlogg, by=by, holder_ref=holder, level=BtiLevel.NIVAA_2, as_of=self.day
        )

    @rule(data=st.data(), coordinator=st.sampled_from(["hs", "new-1"]))
    def appoint_a_koordinator(self, data: st.DataObject, coordinator: str) -> None:
        if not self.rarely(data, one_in=8):
            return
        self.attempt(
            appoint_koordinator,
            coordinator=professional(coordinator, S.HELSESTASJON),
            by="ke",
            as_of=self.day,
        )

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def one_holder_while_open_or_flagged(self) -> None:
        case = self.run.case
        holders = [a.ref for a in roles(case, self.day) if a.role is Role.STAFETTHOLDER]
        log = open_log(case)
        if log is None:
            assert holders == []
            return
        if holder_missing(case):
            assert holders == []
            codes = {o.code for o in obligations(case, self.day)}
            assert "handover.holder-missing" in codes
        else:
            assert holders == [log.baton.holder_ref]

    @invariant()
    def pending_handover_is_never_to_the_holder(self) -> None:
        pending = pending_handover(self.run.case)
        if pending is not None:
            assert pending.to_ref != stafettholder(self.run.case)

    @invariant()
    def every_tiltak_has_owner_and_date(self) -> None:
        state = bti(self.run.case)
        logs = (*state.earlier_logs, *((state.log,) if state.log else ()))
        for log in logs:
            for t in log.tiltak:
                assert t.responsible_ref
                assert t.evaluation_date is not None

    @invariant()
    def at_most_one_coordination_holder(self) -> None:
        assert len(coordination_claims(self.run.case, self.day)) <= 1

    @invariant()
    def replay_and_projection_agree_with_the_live_case(self) -> None:
        case = self.run.case
        assert self.run.replay() == case
        rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
        apply_ops(rows, CATALOGUE.project(self.run.records()))
        pending_row = (case.id, AgendaKind.HANDOVER_PENDING, "stafettholder") in rows
        assert pending_row == (pending_handover(case) is not None)
        missing_row = (case.id, AgendaKind.HOLDER_MISSING, "stafettholder") in rows
        assert missing_row == holder_missing(case)
        log = current_log(case)
        active = (
            {t.id for t in log.active_tiltak}
            if log is not None and log.status is not LogStatus.CLOSED
            else set()
        )
        projected = {
            k[2].removeprefix("stafettlogg:") for k in rows if k[1] is AgendaKind.EVALUATION_DUE
        }
        assert projected == active


BatonMachine.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBatonMachine = BatonMachine.TestCase
TestBatonMachine.__doc__ = (
    "Random baton commands keep one holder, replay exactly and project consistently."
)
