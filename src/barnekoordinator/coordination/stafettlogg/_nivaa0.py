"""Nivå 0: an undring is registered, and decided within the municipality's deadline.

A concern starts at **nivå 0** as an *undring* that must be clarified within
[`MunicipalSettings.nivaa0_decision_days`][barnekoordinator.config.MunicipalSettings.nivaa0_decision_days].
Nivå 0 needs no consent: it is documented in the professional's own service. Severe suspicion
(violence, abuse, serious neglect) bypasses the ladder: it is decided at once as a report to
barnevernstjenesten **without involving the guardians**, and then no stafettlogg or consent flow
starts (BTI-02). The same holds for an undring decided later as such a report
(``decide_nivaa0(..., involve_guardians=False)``): its entry, which carries the decision, is
withheld from the guardians either way.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.stafettlogg._case import (
    _KEY,
    _new_id,
    _professional,
    _service,
    _settings,
    _text,
    bti,
)
from barnekoordinator.coordination.stafettlogg._values import Bti, Nivaa0Outcome, Undring
from barnekoordinator.errors import InvalidInput, StafettloggError
from barnekoordinator.history._evolve import Draft
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent

# --- events --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class UndringRegistered(DomainEvent):
    """A nivå-0 undring was registered; it must be decided by ``decision_due``."""

    TYPE = "bti.undring-registered"
    LEGAL_BASIS = ("bti-niva-0",)
    undring_id: str
    description: str
    by: str
    on: date
    decision_due: date
    suspected_abuse: bool = False


@attrs.frozen(kw_only=True)
class Nivaa0Decided(DomainEvent):
    """A nivå-0 clarification was decided (close, a level, or report to barnevern)."""

    TYPE = "bti.nivaa0-decided"
    # A report to barnevernstjenesten rests on the services' duty to inform.
    LEGAL_BASIS = ("bti-niva-0", "bvl-13-2")
    undring_id: str
    outcome: Nivaa0Outcome
    by: str
    on: date
    reason: str
    involve_guardians: bool = True


# --- evolvers ------------------------------------------------------------------------


def _undring(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, UndringRegistered)
    state = bti(case)
    u = Undring(
        id=e.undring_id,
        description=e.description,
        registered_on=e.on,
        registered_by=e.by,
        author_service=_service(case, e.by),
        decision_due=e.decision_due,
        suspected_abuse=e.suspected_abuse,
    )
    return case.with_part(
        _KEY,
        attrs.evolve(
            state, undringer=state.undringer.append(u), used_ids=state.used_ids.insert(u.id)
        ),
    )


def _nivaa0(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, Nivaa0Decided)
    draft = Draft(bti(case))
    draft.update_last(
        "undringer",
        e.undring_id,
        {
            "outcome": e.outcome,
            "decided_on": e.on,
            "decided_by": e.by,
            "decision_reason": e.reason,
            "involve_guardians": e.involve_guardians,
        },
        f"no item {e.undring_id!r} to update",
    )
    return case.with_part(_KEY, draft.result())


# --- commands: nivå 0 -------------------------------------------------------------------


def register_undring(
    case: Case,
    *,
    undring_id: str,
    by: str,
    description: str,
    as_of: date,
    suspected_abuse: bool = False,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: register a nivå-0 undring, to be decided within the municipality's deadline.

    An undring flagged as suspected violence, abuse or serious neglect is
    decided at once as *report to barnevernstjenesten without involving the
    guardians* (BTI-02): no stafettlogg and no consent flow, and the entry is
    withheld from guardians. Nivå 0 needs no consent: it is documented in the
    professional's own service.
    """
    case.require_open()
    _professional(case, by)
    _new_id(case, undring_id, "undring_id")
    _text(description, "description")
    days = _settings(settings).nivaa0_decision_days
    registered = UndringRegistered(
        undring_id=undring_id,
        description=description,
        by=by,
        on=as_of,
        decision_due=as_of + timedelta(days=days),
        suspected_abuse=suspected_abuse,
    )
    if not suspected_abuse:
        return (registered,)
    return (
        registered,
        Nivaa0Decided(
            undring_id=undring_id,
            outcome=Nivaa0Outcome.REPORT_TO_BARNEVERN,
            by=by,
            on=as_of,
            reason="suspected violence, abuse or serious neglect: report without involving "
            "the guardians",
            involve_guardians=False,
        ),
    )


def decide_nivaa0(
    case: Case,
    *,
    undring_id: str,
    outcome: Nivaa0Outcome,
    by: str,
    as_of: date,
    reason: str,
    involve_guardians: bool = True,
) -> Nivaa0Decided:
    """Command: decide a nivå-0 clarification (close, nivå 1–3, or report to barnevern).

    A report to barnevernstjenesten with ``involve_guardians=False`` is made without involving
    the guardians (BTI-02): from then on the undring's entry, description and decision alike, is
    withheld from them for weighty reasons (pbrl § 3-4), as for an undring registered with
    ``suspected_abuse``, and no stafettlogg can be opened.
    """
    case.require_open()
    _professional(case, by)
    u = bti(case).get_undring(undring_id)
    if u is None:
        raise InvalidInput(f"case {case.id}: no undring {undring_id!r}")
    if u.outcome is not None:
        raise StafettloggError(f"case {case.id}: undring {undring_id!r} is already decided")
    _text(reason, "reason")
    if not involve_guardians and outcome is not Nivaa0Outcome.REPORT_TO_BARNEVERN:
        raise StafettloggError(
            "involve_guardians=False applies only to a report to barnevernstjenesten"
        )
    return Nivaa0Decided(
        undring_id=undring_id,
        outcome=outcome,
        by=by,
        on=as_of,
        reason=reason,
        involve_guardians=involve_guardians,
    )


def _reported_without_guardians(state: Bti) -> bool:
    decided = [u for u in state.undringer if u.outcome is not None]
    if not decided:
        return False
    last = max(decided, key=lambda u: u.decided_on or date.min)
    return last.outcome is Nivaa0Outcome.REPORT_TO_BARNEVERN and not last.involve_guardians
