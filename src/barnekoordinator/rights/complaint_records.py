"""Complaints recorded in the case, stage by stage, with their deadlines (issue 14 item 8).

The pure transitions of [`barnekoordinator.rights.complaints`][barnekoordinator.rights.complaints]
(``receive_complaint`` → ``correct_form`` → ``municipal_review`` → ``statsforvalter_decides`` →
``record_fulfilment``) decide what is allowed; the commands here turn each stage into a case
event, run through [`Casebook.execute`][barnekoordinator.casebook.Casebook.execute] so the access
policy decides who may record it, the call is audited, and the event joins the hash chain:

==============================  ====================================  ===========================
stage                           event                                 who records it
==============================  ====================================  ===========================
received (lodged)               ``complaint.received``                the complainant (a guardian
                                                                      with foreldreansvar, the
                                                                      youth from 16) or koordi-
                                                                      nerende enhet registering it
written and signed (corrected)  ``complaint.form-corrected``          the complainant or
                                                                      koordinerende enhet
the municipality's review       ``complaint.reviewed``                koordinerende enhet
(medhold closes it; otherwise
forwarded to statsforvalteren;
avvisning closes one never
written and signed by its
correction deadline)
statsforvalteren's outcome      ``complaint.statsforvalter-decided``  koordinerende enhet
the right fulfilled             ``complaint.fulfilled``               koordinerende enhet
==============================  ====================================  ===========================

Every open stage is an obligation of koordinerende enhet (duty ``ke.complaint``) and, where it has
a date, an agenda row (``obligation-due``): the correction deadline, the review-and-forward date
(``MunicipalSettings.complaint_forwarding_days``, fvl § 33), statsforvalteren's deadline. The dates
are computed when the stage is recorded and stored in the event, so the agenda projection reads
them from the record alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import attrs

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput, RuleViolation
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import Concept
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import EventRecord
from barnekoordinator.people import check_item_id
from barnekoordinator.rights.complaints import (
    Complaint,
    ComplaintForm,
    Resolution,
    _complainable,
    correct_form,
    municipal_review,
    receive_complaint,
    record_fulfilment,
    statsforvalter_decides,
)
from barnekoordinator.rights.decision_records import _entitled_parties, recorded_decisions
from barnekoordinator.rights.eligibility import Right

__all__ = [
    "COMPLAINT_RECORDS_CONCEPT",
    "ComplaintFormCorrected",
    "ComplaintFulfilled",
    "ComplaintReceived",
    "ComplaintReviewed",
    "RecordedComplaint",
    "StatsforvalterDecided",
    "correct_recorded_complaint",
    "decide_recorded_complaint",
    "fulfil_recorded_complaint",
    "lodge_complaint",
    "recorded_complaints",
    "review_recorded_complaint",
]

_KEY = "complaint_records"
_DUTY = "ke.complaint"


@attrs.frozen(kw_only=True)
class RecordedComplaint:
    """A complaint in the case and who lodged it (a case-local ref, never a national id)."""

    complaint: Complaint
    complainant_ref: str


# --- events ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ComplaintReceived(DomainEvent):
    """A complaint reached the municipality (pbrl § 7-2: sent to the body that decided)."""

    TYPE = "complaint.received"
    LEGAL_BASIS = ("pbrl-7-2", "pbrl-7-3", "pbrl-7-5")
    complaint_ref: str
    decision_ref: str
    right: Right
    complainant_ref: str
    knowledge_date: date
    received_on: date
    form: ComplaintForm
    correction_deadline: date | None
    forward_by: date | None
    by: str

    def write_problem(self) -> str | None:
        """A complaint about what is no right under pbrl kapittel 2 on its ``knowledge_date``
        (the stafettlogg; the barnekoordinator before pbrl § 2-5 c came into force) is refused,
        as [`lodge_complaint()`][barnekoordinator.rights.complaint_records.lodge_complaint]
        refuses it."""
        if not _complainable(self.right, self.knowledge_date):
            return (
                "right: expected a right under pbrl kapittel 2 on knowledge_date (not the "
                "stafettlogg; barnekoordinator only from pbrl § 2-5 c's coming into force)"
            )
        return super().write_problem()


@attrs.frozen(kw_only=True)
class ComplaintFormCorrected(DomainEvent):
    """The complaint was given in writing and signed (pbrl § 7-3); the review date runs."""

    TYPE = "complaint.form-corrected"
    LEGAL_BASIS = ("pbrl-7-3", "fvl-33")
    complaint_ref: str
    complainant_ref: str
    on: date
    forward_by: date
    by: str


@attrs.frozen(kw_only=True)
class ComplaintReviewed(DomainEvent):
    """The municipality reconsidered: medhold closes it, anything else forwards it.

    Except avvisning, which closes it too: the municipality dismisses only a complaint not
    written and signed by its correction deadline (pbrl § 7-3, fvl § 33); statsforvalteren's
    avvisning is
    [`StatsforvalterDecided`][barnekoordinator.rights.complaint_records.StatsforvalterDecided].
    """

    TYPE = "complaint.reviewed"
    LEGAL_BASIS = ("pbrl-7-2", "fvl-33")
    complaint_ref: str
    on: date
    resolution: Resolution
    by: str


@attrs.frozen(kw_only=True)
class StatsforvalterDecided(DomainEvent):
    """Statsforvalteren's outcome, recorded when its letter reaches the municipality."""

    TYPE = "complaint.statsforvalter-decided"
    LEGAL_BASIS = ("pbrl-7-2",)
    complaint_ref: str
    on: date
    resolution: Resolution
    fulfil_by: date | None
    instructions: str
    by: str


@attrs.frozen(kw_only=True)
class ComplaintFulfilled(DomainEvent):
    """The municipality fulfilled the right (or processed the case again) after the outcome."""

    TYPE = "complaint.fulfilled"
    LEGAL_BASIS = ("pbrl-7-2",)
    complaint_ref: str
    on: date
    by: str


# --- state ----------------------------------------------------------------------------------


def recorded_complaints(case: Case) -> tuple[RecordedComplaint, ...]:
    """Every complaint recorded in the case, in the order received, as it stands now."""
    found: tuple[RecordedComplaint, ...] = case.part(_KEY, ())
    return found


def _get(case: Case, complaint_ref: str) -> RecordedComplaint:
    found = next((c for c in recorded_complaints(case) if c.complaint.ref == complaint_ref), None)
    if found is None:
        raise InvalidInput(f"case {case.id} has no complaint {complaint_ref!r}")
    return found


def _replace(case: Case, complaint: Complaint) -> Case:
    updated = tuple(
        attrs.evolve(c, complaint=complaint) if c.complaint.ref == complaint.ref else c
        for c in recorded_complaints(case)
    )
    return case.with_part(_KEY, updated)


def _received(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ComplaintReceived)
    complaint = Complaint(
        ref=e.complaint_ref,
        decision_ref=e.decision_ref,
        right=e.right,
        knowledge_date=e.knowledge_date,
        received_on=e.received_on,
        form=e.form,
        correction_deadline=e.correction_deadline,
        forward_by=e.forward_by,
    )
    added = RecordedComplaint(complaint=complaint, complainant_ref=e.complainant_ref)
    return case.with_part(_KEY, (*recorded_complaints(case), added))


def _corrected(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ComplaintFormCorrected)
    c = _get(case, e.complaint_ref).complaint
    fixed = attrs.evolve(
        c, form=ComplaintForm.WRITTEN_SIGNED, corrected_on=e.on, forward_by=e.forward_by
    )
    return _replace(case, fixed)


def _reviewed(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ComplaintReviewed)
    c = _get(case, e.complaint_ref).complaint
    return _replace(case, municipal_review(c, on=e.on, resolution=e.resolution))


def _decided(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, StatsforvalterDecided)
    c = _get(case, e.complaint_ref).complaint
    decided = statsforvalter_decides(
        c, on=e.on, resolution=e.resolution, fulfil_by=e.fulfil_by, instructions=e.instructions
    )
    return _replace(case, decided)


def _fulfilled(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ComplaintFulfilled)
    c = _get(case, e.complaint_ref).complaint
    return _replace(case, record_fulfilment(c, on=e.on))


# --- commands -------------------------------------------------------------------------------


def _may_complain(case: Case, as_of: date) -> frozenset[str]:
    """Who may lodge a complaint for the child's right (pbrl § 7-2 with kap. 4).

    The guardians with foreldreansvar (before birth also the pregnant woman) as the
    child's representatives; from 16 the young person (pbrl § 4-3 b); from 18 the
    adult alone. The same people a decision names as its parties.
    """
    return _entitled_parties(case, as_of)


def lodge_complaint(
    case: Case,
    *,
    complaint_ref: str,
    decision_ref: str,
    right: Right,
    complainant_ref: str,
    knowledge_date: date,
    received_on: date,
    form: ComplaintForm,
    by: str,
    settings: MunicipalSettings | None = None,
) -> ComplaintReceived:
    """Command: a complaint is received (lodged by the complainant or registered by the
    municipality). Never rejected for lateness; the deadlines are computed now and stored.

    Raises:
        InvalidInput: the ref is used, the dates do not hold, or ``decision_ref``
            names a recorded decision on another right.
        RuleViolation: the complainant may not complain for this child, or ``right`` is no
            right under pbrl kapittel 2 (the stafettlogg: BTI practice).
    """
    case.require_open()
    check_item_id(complaint_ref, "complaint_ref")
    if any(c.complaint.ref == complaint_ref for c in recorded_complaints(case)):
        raise InvalidInput(f"complaint_ref: expected a new, non-empty ref in case {case.id}")
    decided = next((d for d in recorded_decisions(case) if d.decision_id == decision_ref), None)
    if decided is not None and decided.right is not right:
        raise InvalidInput(f"decision {decision_ref!r} is about {decided.right.value}, not this")
    if complainant_ref not in _may_complain(case, received_on):
        raise RuleViolation(
            f"case {case.id}: {complainant_ref} may not complain for this child; the guardians "
            "with foreldreansvar or, from 16, the young person may (pbrl § 7-2, kap. 4)"
        )
    complaint = receive_complaint(
        ref=complaint_ref,
        decision_ref=decision_ref,
        right=right,
        knowledge_date=knowledge_date,
        received_on=received_on,
        form=form,
        settings=settings,
    )
    return ComplaintReceived(
        complaint_ref=complaint_ref,
        decision_ref=decision_ref,
        right=right,
        complainant_ref=complainant_ref,
        knowledge_date=knowledge_date,
        received_on=received_on,
        form=form,
        correction_deadline=complaint.correction_deadline,
        forward_by=complaint.forward_by,
        by=by,
    )


def correct_recorded_complaint(
    case: Case,
    *,
    complaint_ref: str,
    on: date,
    by: str,
    settings: MunicipalSettings | None = None,
) -> ComplaintFormCorrected:
    """Command: the complaint was given in writing and signed on ``on``."""
    case.require_open()
    recorded = _get(case, complaint_ref)
    fixed = correct_form(recorded.complaint, on=on, settings=settings)
    assert fixed.forward_by is not None  # set by correct_form
    return ComplaintFormCorrected(
        complaint_ref=complaint_ref,
        complainant_ref=recorded.complainant_ref,
        on=on,
        forward_by=fixed.forward_by,
        by=by,
    )


def review_recorded_complaint(
    case: Case, *, complaint_ref: str, on: date, resolution: Resolution, by: str
) -> ComplaintReviewed:
    """Command: the municipality's review; medhold closes it, anything else forwards it.

    A complaint not written and signed by its correction deadline may only be dismissed
    (avvisning, fvl § 33), which closes it and its obligation.
    """
    case.require_open()
    municipal_review(_get(case, complaint_ref).complaint, on=on, resolution=resolution)
    return ComplaintReviewed(complaint_ref=complaint_ref, on=on, resolution=resolution, by=by)


def decide_recorded_complaint(
    case: Case,
    *,
    complaint_ref: str,
    on: date,
    resolution: Resolution,
    by: str,
    fulfil_by: date | None = None,
    instructions: str = "",
) -> StatsforvalterDecided:
    """Command: record statsforvalteren's outcome (and its deadline, if it set one)."""
    case.require_open()
    statsforvalter_decides(
        _get(case, complaint_ref).complaint,
        on=on,
        resolution=resolution,
        fulfil_by=fulfil_by,
        instructions=instructions,
    )
    return StatsforvalterDecided(
        complaint_ref=complaint_ref,
        on=on,
        resolution=resolution,
        fulfil_by=fulfil_by,
        instructions=instructions,
        by=by,
    )


def fulfil_recorded_complaint(
    case: Case, *, complaint_ref: str, on: date, by: str
) -> ComplaintFulfilled:
    """Command: the municipality fulfilled the right after the outcome (BK-25)."""
    case.require_open()
    record_fulfilment(_get(case, complaint_ref).complaint, on=on)
    return ComplaintFulfilled(complaint_ref=complaint_ref, on=on, by=by)


# --- obligations and agenda rows ------------------------------------------------------------


def _obligations(case: Case, ctx: Any) -> Iterator[Any]:
    """Every open stage of every complaint, as koordinerende enhet's obligation (``ke.complaint``).

    ``ctx`` is the check context of ``coordination.roles`` (this wing does not import it):
    ``dated`` for a stage with a date, ``undated`` for one without, ``actors`` for who acts.
    """
    for recorded in recorded_complaints(case):
        c = recorded.complaint
        for o in c.obligations(ctx.as_of):
            extra = tuple(r.key for r in o.basis)
            texts = {f"text_{lang}": o.explain(lang) for lang in ("nb", "nn", "en")}
            for actor in ctx.actors(case, _DUTY):
                common = {
                    "code": f"complaint.{o.kind.value}",
                    "duty_code": _DUTY,
                    "actor_ref": actor,
                    "subject": c.ref,
                    "extra_basis": extra,
                    **texts,
                }
                found = ctx.dated(due=o.due, **common) if o.due else ctx.undated(**common)
                if found is not None:
                    yield found


def _payload(record: EventRecord) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(record.payload)
    return loaded


def _row(record: EventRecord, key: str, due: str, detail: str) -> Upsert:
    item = AgendaItem(
        case_id=record.case_id,
        kind=AgendaKind.OBLIGATION_DUE,
        key=key,
        due=date.fromisoformat(due),
        detail=detail,
    )
    return Upsert(item)


def _remove(record: EventRecord, key: str) -> Remove:
    return Remove(record.case_id, AgendaKind.OBLIGATION_DUE, key)


def _project_received(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    ref = p["complaint_ref"]
    if p.get("correction_deadline"):
        return (_row(record, f"complaint:{ref}:correct-form", p["correction_deadline"], "klage"),)
    if p.get("forward_by"):
        return (_row(record, f"complaint:{ref}:review", p["forward_by"], "klage"),)
    return ()


def _project_corrected(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    ref = p["complaint_ref"]
    return (
        _remove(record, f"complaint:{ref}:correct-form"),
        _row(record, f"complaint:{ref}:review", p["forward_by"], "klage"),
    )


def _project_reviewed(record: EventRecord) -> Sequence[ProjectionOp]:
    ref = _payload(record)["complaint_ref"]
    # An avvisning of a complaint never corrected closes its correct-form row too.
    return (
        _remove(record, f"complaint:{ref}:review"),
        _remove(record, f"complaint:{ref}:correct-form"),
    )


def _project_decided(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    if not p.get("fulfil_by"):
        return ()
    return (_row(record, f"complaint:{p['complaint_ref']}:fulfil", p["fulfil_by"], "klage"),)


def _project_fulfilled(record: EventRecord) -> Sequence[ProjectionOp]:
    return (_remove(record, f"complaint:{_payload(record)['complaint_ref']}:fulfil"),)


COMPLAINT_RECORDS_CONCEPT = Concept(
    name="complaint-records",
    events=(
        ComplaintReceived,
        ComplaintFormCorrected,
        ComplaintReviewed,
        StatsforvalterDecided,
        ComplaintFulfilled,
    ),
    evolvers={
        ComplaintReceived: _received,
        ComplaintFormCorrected: _corrected,
        ComplaintReviewed: _reviewed,
        StatsforvalterDecided: _decided,
        ComplaintFulfilled: _fulfilled,
    },
    projectors={
        ComplaintReceived.TYPE: (_project_received,),
        ComplaintFormCorrected.TYPE: (_project_corrected,),
        ComplaintReviewed.TYPE: (_project_reviewed,),
        StatsforvalterDecided.TYPE: (_project_decided,),
        ComplaintFulfilled.TYPE: (_project_fulfilled,),
    },
    obligation_sources=(_obligations,),
)
