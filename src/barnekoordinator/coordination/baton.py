"""The baton rule: who holds a stafettlogg's baton, and every way it moves.

«Stafettholder beholder stafettpinnen til den er mottatt og akseptert av en ny
stafettholder» (domain.md §7.5). A [Baton][barnekoordinator.coordination.baton.Baton]
is the whole of that state for one stafettlogg: who holds it and since when,
whether the holder left without handing it over, the handover waiting for an
answer, and the history of its moves. Each way it moves is one pure method
that returns a new value:

```text
Baton.started(A, on)             the log opens                  HELD(A)
HELD(A).proposed(B)              A proposes B                   PENDING(A, B)
PENDING(A, B).accepted(B, on)    only B accepts                 HELD(B)
PENDING(A, B).declined(B)        B declines                     HELD(A)
PENDING(A, B).withdrawn(B)       A or a leader withdraws        HELD(A)
HELD(A).left(A, on)              A leaves without handover      MISSING
MISSING.assigned(C, on)          a leader assigns C             HELD(C)
HELD(A).redecided(A, on)         a level change confirms A      HELD(A)
any .ended(on)                   the log is linked or closed    ENDED
```

Its invariants hold for every value, however it was made (attrs validators):
while the baton runs there is exactly one holder, or none and the flag that
the holder left; an ended baton has no holder and no pending handover; a
handover never goes to the holder; and the history ends with the move to the
current holder. A step the state cannot take (accepting with nothing pending,
accepting by someone other than the proposed person, a second proposal, a
holder leaving who does not hold the baton) raises
[HistoryError][barnekoordinator.errors.HistoryError]: the commands in
[handover][barnekoordinator.coordination.handover] refuse those steps before
anything is recorded, so only an inconsistent history gets there.

Who may take a step (the holder, the proposed person, a leader) and whether a
consent covers the receiving service depend on the case, so they are the
commands' business; the baton checks only what its own state can tell. A
leader may assign a holder while the baton still names one: a holder who left
the case without ``participant_leaves`` is missing in the case, not in the
baton. This module sits below the stafettlogg and knows nothing of it.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from barnekoordinator.errors import HistoryError
from barnekoordinator.services import ServiceKind

__all__ = [
    "Baton",
    "BatonChange",
    "BatonChangeKind",
    "PendingHandover",
]


class BatonChangeKind(enum.Enum):
    """How the baton moved (the audit trail of stafettholders)."""

    OPENED = "opened"
    ACCEPTED = "accepted"
    ASSIGNED = "assigned"
    CONFIRMED = "confirmed"
    """Confirmed at a level change."""
    LEFT = "left"
    """The holder left without handover; the log has no holder until one is assigned."""
    ENDED = "ended"
    """Coordination moved to a statutory coordinator, or the log closed."""


@attrs.frozen(kw_only=True)
class PendingHandover:
    """A proposed handover not yet answered; the holder keeps the baton meanwhile."""

    to_ref: str
    to_service: ServiceKind
    proposed_by: str
    proposed_on: date
    reason: str = ""


@attrs.frozen(kw_only=True)
class BatonChange:
    """One move of the baton."""

    on: date
    kind: BatonChangeKind
    from_ref: str | None
    to_ref: str | None


# --- invariants ------------------------------------------------------------------------


def _one_holder_or_flagged(baton: Baton, _attribute: object, left_on: date | None) -> None:
    if baton.ended_on is not None:
        if baton.holder_ref is not None:
            raise HistoryError("an ended baton has no stafettholder")
    elif baton.holder_ref is None and left_on is None:
        raise HistoryError("an open stafettlogg must have a stafettholder (or be flagged missing)")
    elif baton.holder_ref is not None and left_on is not None:
        raise HistoryError(
            f"the baton is held by {baton.holder_ref}; it cannot also be flagged as left"
        )


def _pending_to_another(baton: Baton, _attribute: object, pending: PendingHandover | None) -> None:
    if pending is None:
        return
    if baton.ended_on is not None:
        raise HistoryError("only an open stafettlogg can have a pending handover")
    if pending.to_ref == baton.holder_ref:
        raise HistoryError("the baton cannot be handed to its own holder")


def _leads_to_holder(baton: Baton, _attribute: object, history: tuple[BatonChange, ...]) -> None:
    # Every move that changes the holder is recorded, so the last one names who
    # holds it now (nobody, after the holder left or the baton ended).
    if not history or history[-1].to_ref != baton.holder_ref:
        raise HistoryError("the baton's history must end with the move to its holder")


# --- the baton --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Baton:
    """The baton of one stafettlogg: its holder, a pending handover and how it moved.

    Make one with [started][barnekoordinator.coordination.baton.Baton.started]
    and move it only with its methods; each returns a new value and checks the
    invariants. ``holder_ref`` is ``None`` only after the holder left
    (``left_on`` says when) or once the baton ended (``ended_on``).
    """

    holder_ref: str | None
    """Who holds the baton; ``None`` after the holder left or once the baton ended."""
    since: date
    """The day the baton came to its last holder (opening, acceptance or assignment)."""
    left_on: date | None = attrs.field(default=None, validator=_one_holder_or_flagged)
    """The day the holder left without handover, while no new holder is assigned."""
    pending: PendingHandover | None = attrs.field(default=None, validator=_pending_to_another)
    """The handover proposed and not yet answered; the holder keeps the baton meanwhile."""
    ended_on: date | None = None
    """The day the log was linked to a statutory coordinator or closed."""
    history: tuple[BatonChange, ...] = attrs.field(validator=_leads_to_holder)
    """Every move of the baton, oldest first (the audit trail of stafettholders)."""

    @classmethod
    def started(cls, holder_ref: str, on: date) -> Baton:
        """The baton of a log opened on ``on``, held by its first stafettholder.

        Args:
            holder_ref: The first stafettholder.
            on: The day the log opened.

        Returns:
            A held baton whose history is the opening.
        """
        opened = BatonChange(on=on, kind=BatonChangeKind.OPENED, from_ref=None, to_ref=holder_ref)
        return cls(holder_ref=holder_ref, since=on, history=(opened,))

    def proposed(self, handover: PendingHandover) -> Baton:
        """The holder proposed a handover; they keep the baton until it is answered.

        Raises:
            HistoryError: A handover is already pending, the baton has no holder
                (the holder left, or the baton ended), or it is proposed to the
                holder.
        """
        if self.pending is not None:
            raise HistoryError(
                f"a handover to {self.pending.to_ref} is already pending; it must be answered "
                "or withdrawn first"
            )
        if self.holder_ref is None:
            raise HistoryError("the baton has no holder to hand it over")
        return attrs.evolve(self, pending=handover)

    def accepted(self, to_ref: str, on: date) -> Baton:
        """The proposed person accepted: from ``on`` they hold the baton and its duties.

        Raises:
            HistoryError: No handover to ``to_ref`` is pending.
        """
        self._require_pending(to_ref)
        return self._moved(BatonChangeKind.ACCEPTED, to_ref, on)

    def declined(self, to_ref: str) -> Baton:
        """The proposed person declined (or left the case); the holder keeps the baton.

        Raises:
            HistoryError: No handover to ``to_ref`` is pending.
        """
        self._require_pending(to_ref)
        return attrs.evolve(self, pending=None)

    def withdrawn(self, to_ref: str) -> Baton:
        """The holder (or a leader) withdrew the proposal; the holder keeps the baton.

        Raises:
            HistoryError: No handover to ``to_ref`` is pending.
        """
        self._require_pending(to_ref)
        return attrs.evolve(self, pending=None)

    def left(self, holder_ref: str, on: date) -> Baton:
        """The holder left the case without handover: no holder until a leader assigns one.

        A pending handover stays pending: the proposed person may still accept.

        Raises:
            HistoryError: ``holder_ref`` does not hold the baton.
        """
        if self.holder_ref is None or holder_ref != self.holder_ref:
            raise HistoryError(f"{holder_ref} does not hold the baton, so cannot leave with it")
        change = BatonChange(on=on, kind=BatonChangeKind.LEFT, from_ref=holder_ref, to_ref=None)
        return attrs.evolve(self, holder_ref=None, left_on=on, history=(*self.history, change))

    def assigned(self, to_ref: str, on: date) -> Baton:
        """A leader assigned ``to_ref`` because the holder left; it settles a pending handover.

        Raises:
            HistoryError: The baton has ended.
        """
        return self._moved(BatonChangeKind.ASSIGNED, to_ref, on)

    def redecided(self, holder_ref: str, on: date) -> Baton:
        """The stafettholder was decided anew with the family at a level change (BTI-16).

        A decision naming the current holder confirms them (a ``CONFIRMED``
        move). One naming someone else leaves the baton where it is: the current
        holder keeps it until the new one accepts the handover proposed with the
        decision.

        Raises:
            HistoryError: The baton has ended.
        """
        self._require_running("decided at a level change")
        if holder_ref != self.holder_ref:
            return self
        change = BatonChange(
            on=on, kind=BatonChangeKind.CONFIRMED, from_ref=holder_ref, to_ref=holder_ref
        )
        return attrs.evolve(self, history=(*self.history, change))

    def ended(self, on: date) -> Baton:
        """The log was linked to a statutory coordinator or closed: the baton ends.

        A pending handover lapses with it.

        Raises:
            HistoryError: The baton has already ended.
        """
        self._require_running("ended")
        change = BatonChange(
            on=on, kind=BatonChangeKind.ENDED, from_ref=self.holder_ref, to_ref=None
        )
        return attrs.evolve(
            self, holder_ref=None, pending=None, ended_on=on, history=(*self.history, change)
        )

    def _moved(self, kind: BatonChangeKind, to_ref: str, on: date) -> Baton:
        self._require_running("handed on")
        change = BatonChange(on=on, kind=kind, from_ref=self.holder_ref, to_ref=to_ref)
        return attrs.evolve(
            self,
            holder_ref=to_ref,
            since=on,
            left_on=None,
            pending=None,
            history=(*self.history, change),
        )

    def _require_pending(self, to_ref: str) -> None:
        if self.pending is None:
            raise HistoryError("no handover is pending")
        if self.pending.to_ref != to_ref:
            raise HistoryError(f"the pending handover is to {self.pending.to_ref}, not to {to_ref}")

    def _require_running(self, what: str) -> None:
        if self.ended_on is not None:
            raise HistoryError(
                f"the baton ended on {self.ended_on.isoformat()}; it cannot be {what}"
            )
