"""Complaints under pasient- og brukerrettighetsloven kapittel 7, and the obligations they create.

A [`Complaint`][barnekoordinator.rights.complaints.Complaint] about a decision on barnekoordinator,
koordinator or individuell plan goes **to statsforvalteren via the municipality** (pbrl § 7-2): the
municipality reconsiders it first, and forwards it unless it gives full medhold. Its life is a chain
of pure transitions, each returning a new value:

``receive_complaint`` → (``correct_form``) → ``municipal_review`` →
``statsforvalter_decides`` → (``record_fulfilment``)

* **Deadline** — four weeks (parameter ``complaint_deadline_weeks``, pbrl § 7-5)
  from when the complainant got or should have got knowledge of the decision,
  counted as Norwegian deadlines are
  ([`legal_basis.deadline()`][barnekoordinator.legal_basis.deadline]): a last day on
  a Saturday, a Sunday or a public holiday moves to the next working day
  (domstolloven § 149, applied through forvaltningsloven § 30, whose text is
  flagged for verification). A late complaint is *flagged*, never rejected:
  forvaltningsloven § 31 may still admit it.
* **Review and forwarding** — the municipality reviews a valid complaint and,
  unless it gives full medhold, forwards it to statsforvalteren «så snart saken
  er tilrettelagt» (fvl § 33): no number of days in law, so the due date comes
  from the setting ``MunicipalSettings.complaint_forwarding_days`` (flagged for
  legal review), counted from receipt of the valid complaint (or its correction).
* **Form** — a complaint must be written and signed (pbrl § 7-3). An oral or
  unsigned complaint is not yet valid: it produces guidance and a deadline to
  correct it, and cannot be reviewed until corrected. One still not corrected when that
  deadline has passed may be dismissed by the municipality (avvisning, fvl § 33 second ledd),
  which closes it.
* **What** — a complaint under § 7-2 is about a right in pbrl kapittel 2 (barnekoordinator,
  koordinator, individuell plan). The stafettlogg is BTI practice, not such a right: a complaint
  about it is refused, as an undecided request for it is not a complainable breach.
* **Outcomes** — at statsforvalteren: avvisning, medhold, delvis medhold, ikke medhold or opphevet.
  Medhold (or delvis medhold) with a deadline, and opphevelse, become tracked
  [`ComplaintObligation`][barnekoordinator.rights.complaints.ComplaintObligation] values:
  [`Complaint.obligations()`][barnekoordinator.rights.complaints.Complaint.obligations] lists them,
  overdue after the deadline, until
  [`record_fulfilment()`][barnekoordinator.rights.complaints.record_fulfilment] (BK-25).
* **No decision in time** —
  [`request_obligation()`][barnekoordinator.rights.complaints.request_obligation] flags a request
  for barnekoordinator with no decision after ``MunicipalSettings.decision_sla_days`` as an overdue,
  complainable breach (BK-21).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta

import attrs

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput, RuleViolation
from barnekoordinator.legal_basis import LegalReference, deadline, parameter, ref, refs
from barnekoordinator.rights.eligibility import Right
from barnekoordinator.texts import Language, Text, language, text

__all__ = [
    "CORRECTION_DAYS",
    "Complaint",
    "ComplaintForm",
    "ComplaintObligation",
    "DecidedBy",
    "Guidance",
    "GuidanceKind",
    "ObligationKind",
    "Request",
    "Resolution",
    "Stage",
    "complaint_deadline",
    "complaint_obligations",
    "correct_form",
    "forwarding_deadline",
    "municipal_review",
    "receive_complaint",
    "record_fulfilment",
    "request_obligation",
    "statsforvalter_decides",
]

CORRECTION_DAYS = 14
"""Default days a complainant gets to correct an oral or unsigned complaint (practice)."""


class ComplaintForm(enum.Enum):
    """How the complaint was made; only written and signed is valid (pbrl § 7-3)."""

    WRITTEN_SIGNED = "written-signed"
    WRITTEN_UNSIGNED = "written-unsigned"
    ORAL = "oral"


class Stage(enum.Enum):
    """Where the complaint is."""

    MUNICIPAL_REVIEW = "municipal-review"
    """Received by the municipality, which reconsiders the decision."""
    STATSFORVALTEREN = "statsforvalteren"
    """Forwarded to statsforvalteren for a final decision."""
    CLOSED = "closed"


class Resolution(enum.Enum):
    """How a complaint was resolved."""

    AVVISNING = "avvisning"
    """Dismissed on formal grounds: by statsforvalteren, or by the municipality when the
    complaint was never put in writing and signed by its correction deadline."""
    MEDHOLD = "medhold"
    DELVIS_MEDHOLD = "delvis-medhold"
    IKKE_MEDHOLD = "ikke-medhold"
    OPPHEVET = "opphevet"
    """Quashed and sent back to the municipality for new processing (statsforvalteren)."""


class DecidedBy(enum.Enum):
    """Who resolved the complaint."""

    MUNICIPALITY = "municipality"
    STATSFORVALTEREN = "statsforvalteren"


class GuidanceKind(enum.Enum):
    """Guidance the municipality owes the complainant."""

    LATE = "late"
    ORAL = "oral"
    UNSIGNED = "unsigned"
    OMBUD = "ombud"


class ObligationKind(enum.Enum):
    """A tracked obligation arising from a complaint or a request."""

    CORRECT_FORM = "correct-form"
    REVIEW_AND_FORWARD = "review-and-forward"
    FULFIL_RIGHT = "fulfil-right"
    NEW_PROCESSING = "new-processing"
    DECIDE_REQUEST = "decide-request"


@attrs.frozen(kw_only=True)
class Guidance:
    """Guidance to give the complainant, with its legal basis."""

    kind: GuidanceKind
    basis: tuple[LegalReference, ...]
    text: Text
    due: date | None = None

    def explain(self, lang: Language | str = Language.NB) -> str:
        """The guidance in ``lang`` with the date filled in."""
        due = self.due.isoformat() if self.due is not None else ""
        return self.text.format(language(lang), date=due)


@attrs.frozen(kw_only=True)
class ComplaintObligation:
    """Something the municipality must do, by ``due`` if given; ``overdue`` as of the listing."""

    kind: ObligationKind
    subject_ref: str
    """The complaint (or request) the obligation comes from."""
    right: Right
    due: date | None
    overdue: bool
    complainable: bool
    """True when the breach itself may be complained about to statsforvalteren (BK-21)."""
    basis: tuple[LegalReference, ...]
    text: Text

    def explain(self, lang: Language | str = Language.NB) -> str:
        """The obligation in ``lang`` with the date filled in."""
        due = self.due.isoformat() if self.due is not None else ""
        return self.text.format(language(lang), date=due)


_NOT_RIGHTS = frozenset({Right.STAFETTLOGG})
"""What the library assesses that is no right under pbrl kapittel 2 (BTI practice): neither a
complaint nor an undecided request about it goes to statsforvalteren under § 7-2."""


_IN_FORCE_KEY = {Right.BARNEKOORDINATOR: "pbrl-2-5-c"}
"""The reference whose coming into force made a right a right under pbrl kapittel 2 (the
barnekoordinator, from 1 August 2022); the others were rights before the first rule set."""


def _in_force(key: str, on: date) -> bool:
    since = ref(key).in_force_from
    return since is None or since <= on


def _complainable(right: Right, on: date) -> bool:
    """True when ``right`` is a right under pbrl kapittel 2 on ``on``, so complainable under
    § 7-2: never the stafettlogg, and the barnekoordinator only once pbrl § 2-5 c is in force."""
    if right in _NOT_RIGHTS:
        return False
    key = _IN_FORCE_KEY.get(right)
    return key is None or _in_force(key, on)


def _not_complainable(right: Right, on: date) -> str:
    """Why a complaint about ``right`` decided before ``on`` does not go to statsforvalteren."""
    if right in _NOT_RIGHTS:
        return (
            f"a complaint about {right.value} does not go to statsforvalteren: it is BTI "
            "practice, not a right under pasient- og brukerrettighetsloven kapittel 2 (pbrl "
            "§ 7-2); the family may complain to the service itself, or ask for a koordinator, "
            "a barnekoordinator or an individuell plan"
        )
    since = ref(_IN_FORCE_KEY[right]).in_force_from
    assert since is not None  # only a dated reference makes a right complainable late
    return (
        f"a complaint about {right.value} known of on {on.isoformat()} is about a decision made "
        f"before the right existed: pbrl § 2-5 c came into force on {since.isoformat()}, so no "
        "decision on it could be complained of under pbrl § 7-2 before then; check the dates, "
        "or record the complaint as one about koordinator or individuell plan"
    )


_FORM_GUIDANCE = {
    ComplaintForm.ORAL: (GuidanceKind.ORAL, "complaint.oral"),
    ComplaintForm.WRITTEN_UNSIGNED: (GuidanceKind.UNSIGNED, "complaint.unsigned"),
}
_UPHELD = (Resolution.MEDHOLD, Resolution.DELVIS_MEDHOLD)


def complaint_deadline(knowledge_date: date) -> date:
    """The last day to complain: ``knowledge_date`` plus four weeks (pbrl § 7-5), moved to the
    next working day when it ends on a Saturday, Sunday or public holiday (domstolloven § 149).
    """
    weeks = parameter("complaint_deadline_weeks").at(knowledge_date)
    return deadline(knowledge_date, weeks=weeks)


def forwarding_deadline(valid_on: date, settings: MunicipalSettings | None = None) -> date:
    """When the municipality should have reviewed a complaint valid from ``valid_on`` and, unless
    it gives full medhold, forwarded it: ``complaint_forwarding_days`` later, on a working day.

    fvl § 33 says «så snart saken er tilrettelagt»; the number of days is the
    municipality's setting, flagged for legal review.
    """
    days = (settings or MunicipalSettings()).complaint_forwarding_days
    return deadline(valid_on, days=days)


@attrs.frozen(kw_only=True)
class Complaint:
    """A complaint and where it stands. Change it only through this module's functions."""

    ref: str
    decision_ref: str
    right: Right
    knowledge_date: date
    """When the complainant got, or should have got, knowledge of the decision."""
    received_on: date
    form: ComplaintForm
    correction_deadline: date | None = None
    corrected_on: date | None = None
    stage: Stage = Stage.MUNICIPAL_REVIEW
    forwarded_on: date | None = None
    resolution: Resolution | None = None
    decided_by: DecidedBy | None = None
    resolved_on: date | None = None
    fulfil_by: date | None = None
    """Statsforvalteren's deadline for fulfilling the right (or for new processing)."""
    fulfilled_on: date | None = None
    instructions: str = ""
    forward_by: date | None = None
    """When the municipality should have reviewed and forwarded the valid complaint
    (``complaint_forwarding_days``, fvl § 33); ``None`` until the complaint is valid."""

    @property
    def deadline(self) -> date:
        """The last day to complain (pbrl § 7-5)."""
        return complaint_deadline(self.knowledge_date)

    @property
    def late(self) -> bool:
        """True when received after the deadline (flagged; fvl § 31 may still admit it)."""
        return self.received_on > self.deadline

    @property
    def form_valid(self) -> bool:
        """True when the complaint is written and signed (pbrl § 7-3)."""
        return self.form is ComplaintForm.WRITTEN_SIGNED

    def guidance(self) -> tuple[Guidance, ...]:
        """What the municipality must tell the complainant now."""
        found: list[Guidance] = []
        if self.late:
            found.append(
                Guidance(
                    kind=GuidanceKind.LATE,
                    basis=refs("pbrl-7-5", "fvl-31"),
                    text=text("complaint.late"),
                    due=self.deadline,
                )
            )
        if not self.form_valid and self.stage is not Stage.CLOSED:
            kind, key = _FORM_GUIDANCE[self.form]
            found.append(
                Guidance(
                    kind=kind, basis=refs("pbrl-7-3"), text=text(key), due=self.correction_deadline
                )
            )
        found.append(
            Guidance(kind=GuidanceKind.OMBUD, basis=refs("pbrl-7-2"), text=text("complaint.ombud"))
        )
        return tuple(found)

    def obligations(self, as_of: date) -> tuple[ComplaintObligation, ...]:
        """The open obligations this complaint creates on ``as_of`` (overdue after their date)."""

        def obligation(
            kind: ObligationKind, due: date | None, key: str, *basis: str
        ) -> ComplaintObligation:
            return ComplaintObligation(
                kind=kind,
                subject_ref=self.ref,
                right=self.right,
                due=due,
                overdue=due is not None and as_of > due,
                complainable=False,
                basis=refs(*basis),
                text=text(key),
            )

        if self.stage is Stage.MUNICIPAL_REVIEW:
            if not self.form_valid:
                return (
                    obligation(
                        ObligationKind.CORRECT_FORM,
                        self.correction_deadline,
                        "obligation.correct-form",
                        "pbrl-7-3",
                    ),
                )
            key = (
                "obligation.review-and-forward-by"
                if self.forward_by
                else ("obligation.review-and-forward")
            )
            return (
                obligation(
                    ObligationKind.REVIEW_AND_FORWARD,
                    self.forward_by,
                    key,
                    "pbrl-7-2",
                    "fvl-33",
                ),
            )
        if self.stage is Stage.STATSFORVALTEREN or self.fulfilled_on is not None:
            return ()
        if self.resolution in _UPHELD:
            key = "obligation.fulfil-right-by" if self.fulfil_by else "obligation.fulfil-right"
            return (obligation(ObligationKind.FULFIL_RIGHT, self.fulfil_by, key, "pbrl-7-2"),)
        if self.resolution is Resolution.OPPHEVET:
            key = "obligation.new-processing-by" if self.fulfil_by else "obligation.new-processing"
            return (obligation(ObligationKind.NEW_PROCESSING, self.fulfil_by, key, "pbrl-7-2"),)
        return ()


def receive_complaint(
    *,
    ref: str,
    decision_ref: str,
    right: Right,
    knowledge_date: date,
    received_on: date,
    form: ComplaintForm,
    correction_days: int = CORRECTION_DAYS,
    settings: MunicipalSettings | None = None,
) -> Complaint:
    """Register a complaint received by the municipality (never rejected for lateness).

    An oral or unsigned complaint gets a deadline to correct it, ``correction_days``
    after it was received (and never before the complaint deadline itself), on a
    working day. A valid one gets its review-and-forward date from ``settings``.

    Raises:
        RuleViolation: ``right`` is no right under pbrl kapittel 2 (the stafettlogg), or was
            none yet on ``knowledge_date`` (barnekoordinator before pbrl § 2-5 c came into
            force: the decision would have been made before it existed).
        InvalidInput: the dates do not hold, or ``correction_days`` is out of range.
    """
    if not _complainable(right, knowledge_date):
        raise RuleViolation(_not_complainable(right, knowledge_date))
    if received_on < knowledge_date:
        raise InvalidInput("received_on is before knowledge_date; check the dates")
    if not 1 <= correction_days <= 90:
        raise InvalidInput("correction_days: expected 1 to 90 days")
    correction = None
    forward_by = None
    if form is not ComplaintForm.WRITTEN_SIGNED:
        correction = max(
            deadline(received_on, days=correction_days), complaint_deadline(knowledge_date)
        )
    else:
        forward_by = forwarding_deadline(received_on, settings)
    return Complaint(
        ref=ref,
        decision_ref=decision_ref,
        right=right,
        knowledge_date=knowledge_date,
        received_on=received_on,
        form=form,
        correction_deadline=correction,
        forward_by=forward_by,
    )


def correct_form(
    complaint: Complaint, *, on: date, settings: MunicipalSettings | None = None
) -> Complaint:
    """Record that the complaint has been given in writing and signed on ``on``; the
    review-and-forward date runs from then."""
    if complaint.stage is not Stage.MUNICIPAL_REVIEW:
        raise RuleViolation(f"complaint {complaint.ref} is not under municipal review")
    if complaint.form_valid:
        raise RuleViolation(f"complaint {complaint.ref} is already written and signed")
    if on < complaint.received_on:
        raise InvalidInput("the correction date is before the complaint was received")
    return attrs.evolve(
        complaint,
        form=ComplaintForm.WRITTEN_SIGNED,
        corrected_on=on,
        forward_by=forwarding_deadline(on, settings),
    )


def municipal_review(complaint: Complaint, *, on: date, resolution: Resolution) -> Complaint:
    """The municipality's reconsideration: full medhold closes it, anything else goes on.

    A complaint still not written and signed after its correction deadline may only be
    dismissed (``AVVISNING``, fvl § 33 second ledd with pbrl § 7-3), which closes it. The
    dismissal is itself an individual decision (fvl § 2 third ledd): a complaint about it is
    received as a new complaint.

    Raises:
        RuleViolation: the complaint is not at the municipality, or is not yet
            written and signed (give guidance and a deadline first; after the
            deadline, only avvisning).
        InvalidInput: a resolution only statsforvalteren can give.
    """
    if complaint.stage is not Stage.MUNICIPAL_REVIEW:
        raise RuleViolation(f"complaint {complaint.ref} is not under municipal review")
    if on < complaint.received_on:
        raise InvalidInput("the review date is before the complaint was received")
    if not complaint.form_valid:
        return _dismissed(complaint, on=on, resolution=resolution)
    if resolution is Resolution.MEDHOLD:
        return attrs.evolve(
            complaint,
            stage=Stage.CLOSED,
            resolution=resolution,
            decided_by=DecidedBy.MUNICIPALITY,
            resolved_on=on,
        )
    if resolution in (Resolution.DELVIS_MEDHOLD, Resolution.IKKE_MEDHOLD):
        return attrs.evolve(complaint, stage=Stage.STATSFORVALTEREN, forwarded_on=on)
    raise InvalidInput(
        f"the municipality reconsiders with medhold, delvis medhold or ikke medhold; "
        f"{resolution.value} is for statsforvalteren (the municipality dismisses only a "
        "complaint not written and signed by its correction deadline)"
    )


def _dismissed(complaint: Complaint, *, on: date, resolution: Resolution) -> Complaint:
    """The municipality dismisses a complaint never corrected by its deadline (avvisning)."""
    deadline_passed = (
        complaint.correction_deadline is not None and on > complaint.correction_deadline
    )
    if not deadline_passed:
        raise RuleViolation(
            f"complaint {complaint.ref} is not yet written and signed (pbrl § 7-3); "
            "guide the complainant and wait for the correction until its deadline"
        )
    if resolution is not Resolution.AVVISNING:
        raise RuleViolation(
            f"complaint {complaint.ref} was not written and signed by its correction deadline "
            "(pbrl § 7-3): the municipality may only dismiss it (avvisning, fvl § 33)"
        )
    return attrs.evolve(
        complaint,
        stage=Stage.CLOSED,
        resolution=resolution,
        decided_by=DecidedBy.MUNICIPALITY,
        resolved_on=on,
    )


def statsforvalter_decides(
    complaint: Complaint,
    *,
    on: date,
    resolution: Resolution,
    fulfil_by: date | None = None,
    instructions: str = "",
) -> Complaint:
    """Statsforvalteren's final decision; ``fulfil_by`` is the deadline it may set.

    A deadline is allowed with medhold, delvis medhold (fulfil the right) and
    opphevet (process the case again).
    """
    if complaint.stage is not Stage.STATSFORVALTEREN:
        raise RuleViolation(f"complaint {complaint.ref} has not been forwarded to statsforvalteren")
    assert complaint.forwarded_on is not None  # set by municipal_review
    if on < complaint.forwarded_on:
        raise InvalidInput("statsforvalteren's decision is dated before the case was forwarded")
    if fulfil_by is not None:
        if resolution not in (*_UPHELD, Resolution.OPPHEVET):
            raise InvalidInput(f"a deadline goes with medhold or opphevet, not {resolution.value}")
        if fulfil_by < on:
            raise InvalidInput("fulfil_by is before the decision")
    return attrs.evolve(
        complaint,
        stage=Stage.CLOSED,
        resolution=resolution,
        decided_by=DecidedBy.STATSFORVALTEREN,
        resolved_on=on,
        fulfil_by=fulfil_by,
        instructions=instructions,
    )


def record_fulfilment(complaint: Complaint, *, on: date) -> Complaint:
    """Record that the municipality fulfilled the right (or processed the case again)."""
    if complaint.stage is not Stage.CLOSED or complaint.resolution not in (
        *_UPHELD,
        Resolution.OPPHEVET,
    ):
        raise RuleViolation(f"complaint {complaint.ref} created no obligation to fulfil")
    if complaint.fulfilled_on is not None:
        raise RuleViolation(f"complaint {complaint.ref} is already fulfilled")
    assert complaint.resolved_on is not None  # set with the resolution
    if on < complaint.resolved_on:
        raise InvalidInput("the fulfilment date is before the decision on the complaint")
    return attrs.evolve(complaint, fulfilled_on=on)


# --- requests not decided in time (BK-21) ---------------------------------------------------


@attrs.frozen(kw_only=True)
class Request:
    """A family's request for a right, and when (if) it was decided."""

    ref: str
    right: Right
    requested_on: date
    decided_on: date | None = None


_RIGHT_BASIS = {
    Right.BARNEKOORDINATOR: ("hotl-7-2-a",),
    Right.KOORDINATOR: ("hotl-7-2",),
    Right.INDIVIDUAL_PLAN: ("hotl-7-1",),
    Right.STAFETTLOGG: ("bti-stafettlogg",),
}


def request_obligation(
    request: Request, *, as_of: date, settings: MunicipalSettings | None = None
) -> ComplaintObligation | None:
    """The municipality's obligation to decide ``request`` (``None`` once decided).

    Due ``decision_sla_days`` after the request; once overdue it is flagged as a
    complainable breach: the right is unfulfilled (pbrl § 7-2). Only a right under pbrl
    kapittel 2 on ``as_of`` is: never the stafettlogg, and the barnekoordinator only from
    1 August 2022 (pbrl § 2-5 c in force); before then the obligation cites no hotl § 7-2 a.
    """
    if request.decided_on is not None and request.decided_on <= as_of:
        return None
    days = (settings or MunicipalSettings()).decision_sla_days
    due = request.requested_on + timedelta(days=days)
    overdue = as_of > due
    statutory = _complainable(request.right, as_of)
    basis = tuple(k for k in _RIGHT_BASIS[request.right] if _in_force(k, as_of))
    complainable = overdue and statutory
    return ComplaintObligation(
        kind=ObligationKind.DECIDE_REQUEST,
        subject_ref=request.ref,
        right=request.right,
        due=due,
        overdue=overdue,
        complainable=complainable,
        basis=refs("pbrl-7-2", *basis),
        text=text(
            "obligation.decide-request-overdue" if complainable else "obligation.decide-request"
        ),
    )


def complaint_obligations(
    complaints: Iterable[Complaint] = (),
    *,
    as_of: date,
    requests: Iterable[Request] = (),
    settings: MunicipalSettings | None = None,
) -> tuple[ComplaintObligation, ...]:
    """Every open obligation on ``as_of``, earliest due first (undated last)."""
    found = [o for c in complaints for o in c.obligations(as_of)]
    for request in requests:
        o = request_obligation(request, as_of=as_of, settings=settings)
        if o is not None:
            found.append(o)
    return tuple(sorted(found, key=lambda o: (o.due is None, o.due or as_of, o.subject_ref)))
