"""The baton (domain.md §7.5): each move as a pure method, each invariant checked on every value."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.coordination.baton import (
    Baton,
    BatonChange,
    BatonChangeKind,
    PendingHandover,
)
from barnekoordinator.errors import HistoryError
from barnekoordinator.services import ServiceKind

D = date(2026, 3, 2)
K = BatonChangeKind


def _to(ref: str, on: date = D) -> PendingHandover:
    return PendingHandover(
        to_ref=ref, to_service=ServiceKind.HELSESTASJON, proposed_by="pl", proposed_on=on
    )


def _moves(baton: Baton) -> list[tuple[BatonChangeKind, str | None, str | None, date]]:
    return [(c.kind, c.from_ref, c.to_ref, c.on) for c in baton.history]


# --- each transition ----------------------------------------------------------------------


def test_started_holds_with_the_opening_in_its_history() -> None:
    """A log opens with one holder, held since the opening day."""
    baton = Baton.started("pl", D)
    assert (baton.holder_ref, baton.since, baton.left_on, baton.pending) == ("pl", D, None, None)
    assert baton.ended_on is None
    assert _moves(baton) == [(K.OPENED, None, "pl", D)]


def test_proposed_keeps_the_holder() -> None:
    """While a handover is pending the holder keeps the baton; nothing moves yet."""
    started = Baton.started("pl", D)
    baton = started.proposed(_to("hs"))
    assert baton.holder_ref == "pl"
    assert baton.pending == _to("hs")
    assert baton.history == started.history
    assert started.pending is None  # the old value is untouched


def test_accepted_moves_the_baton_to_the_proposed_person() -> None:
    """Only acceptance moves the baton, from the day of acceptance."""
    later = D + timedelta(days=3)
    baton = Baton.started("pl", D).proposed(_to("hs")).accepted("hs", later)
    assert (baton.holder_ref, baton.since, baton.pending) == ("hs", later, None)
    assert _moves(baton)[-1] == (K.ACCEPTED, "pl", "hs", later)


@pytest.mark.parametrize("answer", ["declined", "withdrawn"])
def test_declined_or_withdrawn_leaves_the_holder_in_place(answer: str) -> None:
    """An unanswered handover ends without a move: no new holder, no history entry."""
    started = Baton.started("pl", D)
    baton = getattr(started.proposed(_to("hs")), answer)("hs")
    assert (baton.holder_ref, baton.since, baton.pending) == ("pl", D, None)
    assert baton.history == started.history


def test_left_flags_the_baton_and_keeps_a_pending_handover() -> None:
    """A holder leaving without handover leaves nobody, flagged; a proposal may still be taken."""
    later = D + timedelta(days=5)
    baton = Baton.started("pl", D).proposed(_to("hs")).left("pl", later)
    assert (baton.holder_ref, baton.left_on) == (None, later)
    assert baton.pending == _to("hs")
    assert _moves(baton)[-1] == (K.LEFT, "pl", None, later)
    accepted = baton.accepted("hs", later)
    assert (accepted.holder_ref, accepted.left_on) == ("hs", None)
    assert _moves(accepted)[-1] == (K.ACCEPTED, None, "hs", later)


def test_assigned_restores_a_holder_and_settles_a_pending_handover() -> None:
    """A leader's assignment clears the flag and any pending handover."""
    later = D + timedelta(days=6)
    baton = Baton.started("pl", D).proposed(_to("hs")).left("pl", D).assigned("kl", later)
    assert (baton.holder_ref, baton.since, baton.left_on, baton.pending) == (
        "kl",
        later,
        None,
        None,
    )
    assert _moves(baton)[-1] == (K.ASSIGNED, None, "kl", later)


def test_assigned_while_the_baton_still_names_a_holder() -> None:
    """A holder who left the case without StafettholderLeft is missing in the case only."""
    baton = Baton.started("pl", D).assigned("kl", D)
    assert baton.holder_ref == "kl"
    assert _moves(baton)[-1] == (K.ASSIGNED, "pl", "kl", D)


def test_redecided_confirms_the_holder_or_leaves_the_baton_alone() -> None:
    """A level change naming the holder confirms them; naming another moves nothing."""
    later = D + timedelta(days=30)
    started = Baton.started("pl", D)
    confirmed = started.redecided("pl", later)
    assert (confirmed.holder_ref, confirmed.since) == ("pl", D)
    assert _moves(confirmed)[-1] == (K.CONFIRMED, "pl", "pl", later)
    assert started.redecided("hs", later) is started


@pytest.mark.parametrize("pending", [None, "hs"])
def test_ended_drops_the_holder_and_any_pending_handover(pending: str | None) -> None:
    """Linking or closing the log ends the baton; a pending handover lapses with it."""
    later = D + timedelta(days=9)
    baton = Baton.started("pl", D)
    if pending is not None:
        baton = baton.proposed(_to(pending))
    ended = baton.ended(later)
    assert (ended.holder_ref, ended.pending, ended.ended_on) == (None, None, later)
    assert _moves(ended)[-1] == (K.ENDED, "pl", None, later)


def test_ended_after_the_holder_left() -> None:
    """A baton with its holder missing ends too, from nobody."""
    ended = Baton.started("pl", D).left("pl", D).ended(D)
    assert _moves(ended)[-1] == (K.ENDED, None, None, D)


# --- refused steps ------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["accepted", "declined", "withdrawn"])
def test_answers_need_a_pending_handover(answer: str) -> None:
    """Accepting, declining or withdrawing with nothing pending is refused."""
    baton = Baton.started("pl", D)
    args: tuple[Any, ...] = ("hs", D) if answer == "accepted" else ("hs",)
    with pytest.raises(HistoryError, match="no handover is pending"):
        getattr(baton, answer)(*args)


@pytest.mark.parametrize("answer", ["accepted", "declined", "withdrawn"])
def test_answers_concern_the_proposed_person(answer: str) -> None:
    """Only the handover to the proposed person is answered: nobody else takes the baton."""
    baton = Baton.started("pl", D).proposed(_to("hs"))
    args: tuple[Any, ...] = ("kl", D) if answer == "accepted" else ("kl",)
    with pytest.raises(HistoryError, match="pending handover is to hs, not to kl"):
        getattr(baton, answer)(*args)


def test_one_pending_handover_at_a_time() -> None:
    """A second proposal waits until the first is answered."""
    baton = Baton.started("pl", D).proposed(_to("hs"))
    with pytest.raises(HistoryError, match="already pending"):
        baton.proposed(_to("kl"))


def test_no_handover_to_the_holder() -> None:
    """The baton cannot be handed to the one who holds it."""
    with pytest.raises(HistoryError, match="its own holder"):
        Baton.started("pl", D).proposed(_to("pl"))


def test_no_proposal_without_a_holder() -> None:
    """After the holder left a leader assigns; nobody proposes."""
    with pytest.raises(HistoryError, match="no holder"):
        Baton.started("pl", D).left("pl", D).proposed(_to("hs"))


def test_only_the_holder_leaves_with_the_baton() -> None:
    """Someone who does not hold the baton cannot leave with it; nor can a holder twice."""
    baton = Baton.started("pl", D)
    with pytest.raises(HistoryError, match="hs does not hold the baton"):
        baton.left("hs", D)
    with pytest.raises(HistoryError, match="pl does not hold the baton"):
        baton.left("pl", D).left("pl", D)


@pytest.mark.parametrize(
    "move",
    [
        lambda b: b.proposed(_to("hs")),
        lambda b: b.assigned("hs", D),
        lambda b: b.redecided("hs", D),
        lambda b: b.ended(D),
    ],
)
def test_an_ended_baton_does_not_move(move: Any) -> None:
    """Once linked or closed, the baton is not handed on, redecided or ended again."""
    with pytest.raises(HistoryError):
        move(Baton.started("pl", D).ended(D))


# --- invariants of every value ------------------------------------------------------------


def test_a_holder_and_the_left_flag_together_are_refused() -> None:
    """Exactly one holder or the flag: not a holder and a flag (a second, absent holder)."""
    baton = Baton.started("pl", D)
    with pytest.raises(HistoryError, match="cannot also be flagged as left"):
        attrs.evolve(baton, left_on=D)


def test_neither_holder_nor_flag_is_refused() -> None:
    """A running baton without a holder must be flagged as left."""
    baton = Baton.started("pl", D)
    opened_by_nobody = (BatonChange(on=D, kind=K.OPENED, from_ref=None, to_ref=None),)
    with pytest.raises(HistoryError, match="must have a stafettholder"):
        attrs.evolve(baton, holder_ref=None, history=opened_by_nobody)


def test_an_ended_baton_has_no_holder_and_no_pending_handover() -> None:
    """Ended means nobody holds it and nothing is pending."""
    ended = Baton.started("pl", D).ended(D)
    with pytest.raises(HistoryError, match="ended baton has no stafettholder"):
        attrs.evolve(ended, holder_ref="pl")
    with pytest.raises(HistoryError, match="pending handover"):
        attrs.evolve(ended, pending=_to("hs"))


def test_the_history_ends_with_the_move_to_the_holder() -> None:
    """A holder the history does not lead to (a second holder, unrecorded) is refused."""
    baton = Baton.started("pl", D)
    with pytest.raises(HistoryError, match="history must end"):
        attrs.evolve(baton, holder_ref="hs")
    with pytest.raises(HistoryError, match="history must end"):
        attrs.evolve(baton, history=())


# --- any sequence of moves ----------------------------------------------------------------

MOVES: dict[str, Any] = {
    "proposed": lambda b, ref, on: b.proposed(_to(ref, on)),
    "accepted": lambda b, ref, on: b.accepted(ref, on),
    "declined": lambda b, ref, on: b.declined(ref),
    "withdrawn": lambda b, ref, on: b.withdrawn(ref),
    "left": lambda b, ref, on: b.left(ref, on),
    "assigned": lambda b, ref, on: b.assigned(ref, on),
    "redecided": lambda b, ref, on: b.redecided(ref, on),
    "ended": lambda b, ref, on: b.ended(on),
}
"""Every move of the baton, called as ``move(baton, ref, on)``."""

ANSWERS = ("accepted", "declined", "withdrawn")
# Ending is final, so it is drawn less often than the other moves.
ANY_MOVE = (*[m for m in sorted(MOVES) if m != "ended"] * 3, "ended")


def _next_move(data: st.DataObject, baton: Baton) -> tuple[str, str]:
    """Any move by anyone; while a handover is pending, often an answer by the proposed person.

    Left to chance alone, answers would nearly always find nothing pending and
    be refused, so accepting, declining and withdrawing would hardly be taken.
    """
    if baton.pending is not None and data.draw(st.booleans()):
        return data.draw(st.sampled_from(ANSWERS)), baton.pending.to_ref
    move = data.draw(st.sampled_from(ANY_MOVE))
    return move, data.draw(st.sampled_from(("pl", "hs", "kl", baton.holder_ref or "pl")))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_sequence_keeps_one_holder_or_the_flag(data: st.DataObject) -> None:
    """Whatever is tried, each value has one holder or the left flag until it ends.

    A refused move raises HistoryError, and the sequence goes on from the value
    before it. A move adds at most one entry to the history, and the history
    always ends with the move to the current holder; a pending handover is
    never to the holder, and an ended baton has neither.
    """
    baton = Baton.started("pl", D)
    for n in range(1, data.draw(st.integers(0, 30)) + 1):
        move, ref = _next_move(data, baton)
        before = baton
        try:
            baton = MOVES[move](baton, ref, D + timedelta(days=n))
        except HistoryError:
            continue
        assert len(before.history) <= len(baton.history) <= len(before.history) + 1
        assert baton.history[: len(before.history)] == before.history
        if baton.ended_on is None:
            assert (baton.holder_ref is None) != (baton.left_on is None)
        else:
            assert baton.holder_ref is None
            assert baton.pending is None
        if baton.pending is not None:
            assert baton.pending.to_ref != baton.holder_ref
        assert baton.history[-1].to_ref == baton.holder_ref
