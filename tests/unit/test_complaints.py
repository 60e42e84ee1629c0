"""Complaints (pbrl kapittel 7) and the obligations they create."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import barnekoordinator.rights.complaints as complaints
from barnekoordinator.errors import InvalidInput, RuleViolation, SchemaViolation
from barnekoordinator.history.documents import validate_document
from barnekoordinator.legal_basis import parameter
from barnekoordinator.rights.complaints import (
    Complaint,
    ComplaintForm,
    GuidanceKind,
    ObligationKind,
    Request,
    Resolution,
    Stage,
    complaint_deadline,
    complaint_obligations,
    correct_form,
    municipal_review,
    receive_complaint,
    record_fulfilment,
    request_obligation,
    statsforvalter_decides,
)
from barnekoordinator.rights.eligibility import Right
from barnekoordinator.rights.wire import complaint_from_json, complaint_to_json

KNOWN = date(2025, 3, 10)


def received(
    form: ComplaintForm = ComplaintForm.WRITTEN_SIGNED, on: date = date(2025, 3, 20)
) -> Complaint:
    """A complaint about decision K-1 received on ``on``."""
    return receive_complaint(
        ref="klage-1",
        decision_ref="K-1",
        right=Right.BARNEKOORDINATOR,
        knowledge_date=KNOWN,
        received_on=on,
        form=form,
    )


def forwarded() -> Complaint:
    """A complaint the municipality did not uphold, now at statsforvalteren."""
    return municipal_review(received(), on=date(2025, 4, 1), resolution=Resolution.IKKE_MEDHOLD)


def test_public_names_are_exported() -> None:
    """complaints.__all__ lists every public name defined in the module."""
    defined = {
        n
        for n, v in vars(complaints).items()
        if not n.startswith("_") and getattr(v, "__module__", "") == complaints.__name__
    }
    assert set(complaints.__all__) == defined | {"CORRECTION_DAYS"}


def test_deadline_is_four_weeks_from_knowledge() -> None:
    """pbrl § 7-5: four weeks (the legal parameter) from when the complainant got knowledge."""
    assert parameter("complaint_deadline_weeks").at(KNOWN) == 4
    assert complaint_deadline(KNOWN) == KNOWN + timedelta(weeks=4) == date(2025, 4, 7)


def test_a_late_complaint_is_flagged_and_still_processed() -> None:
    """A late complaint is never rejected automatically; fvl § 31 may admit it."""
    late = received(on=date(2025, 4, 8))
    assert late.late
    assert late.stage is Stage.MUNICIPAL_REVIEW
    guidance = {g.kind: g for g in late.guidance()}
    assert "2025-04-07" in guidance[GuidanceKind.LATE].explain("nn")
    assert {r.key for r in guidance[GuidanceKind.LATE].basis} == {"pbrl-7-5", "fvl-31"}
    assert (
        municipal_review(late, on=date(2025, 4, 9), resolution=Resolution.IKKE_MEDHOLD).stage
        is Stage.STATSFORVALTEREN
    )


@pytest.mark.parametrize("form", [ComplaintForm.ORAL, ComplaintForm.WRITTEN_UNSIGNED])
def test_an_oral_or_unsigned_complaint_gets_guidance_and_a_deadline(form: ComplaintForm) -> None:
    """pbrl § 7-3: not yet valid; the municipality guides and sets a deadline to correct it."""
    c = received(form)
    assert not c.form_valid
    assert c.correction_deadline == date(2025, 4, 7)
    kinds = [g.kind for g in c.guidance()]
    assert kinds[0] in (GuidanceKind.ORAL, GuidanceKind.UNSIGNED)
    assert GuidanceKind.OMBUD in kinds
    for lang in ("nb", "nn", "en"):
        assert "2025-04-07" in c.guidance()[0].explain(lang)
    with pytest.raises(RuleViolation, match="written and signed"):
        municipal_review(c, on=date(2025, 3, 25), resolution=Resolution.IKKE_MEDHOLD)
    fixed = correct_form(c, on=date(2025, 3, 25))
    assert fixed.form_valid
    assert fixed.corrected_on == date(2025, 3, 25)
    assert c.form is form  # values are immutable: the old complaint is unchanged


def test_correction_deadline_is_at_least_the_given_days() -> None:
    """A late oral complaint still gets correction_days to put it in writing."""
    c = receive_complaint(
        ref="k",
        decision_ref="K-1",
        right=Right.KOORDINATOR,
        knowledge_date=KNOWN,
        received_on=date(2025, 5, 1),
        form=ComplaintForm.ORAL,
        correction_days=10,
    )
    # 11 May 2025 is a Sunday: the deadline moves to Monday 12 May (domstolloven § 149; issue 14
    # item 9 — this test used to expect the Sunday).
    assert c.correction_deadline == date(2025, 5, 12)


def test_receiving_checks_its_dates_and_days() -> None:
    """received_on cannot precede knowledge; correction days stay within 1–90."""
    with pytest.raises(InvalidInput, match="before knowledge_date"):
        received(on=date(2025, 3, 1))
    with pytest.raises(InvalidInput, match="correction_days"):
        receive_complaint(
            ref="k",
            decision_ref="K",
            right=Right.BARNEKOORDINATOR,
            knowledge_date=KNOWN,
            received_on=KNOWN,
            form=ComplaintForm.ORAL,
            correction_days=0,
        )


def test_a_written_signed_complaint_cannot_be_corrected() -> None:
    """correct_form is for oral or unsigned complaints only."""
    with pytest.raises(RuleViolation, match="already written and signed"):
        correct_form(received(), on=date(2025, 3, 21))


def test_full_medhold_at_the_municipality_closes_with_an_obligation() -> None:
    """pbrl § 7-2: the municipality reconsiders first; full medhold ends the complaint there."""
    c = municipal_review(received(), on=date(2025, 3, 30), resolution=Resolution.MEDHOLD)
    assert c.stage is Stage.CLOSED
    assert c.decided_by is not None
    assert c.decided_by.value == "municipality"
    [o] = c.obligations(date(2026, 1, 1))
    assert o.kind is ObligationKind.FULFIL_RIGHT
    assert o.due is None
    assert o.overdue is False


def test_only_statsforvalteren_decides_forwarded_complaints() -> None:
    """Statsforvalteren decides after forwarding; the municipality never avviser or opphever."""
    with pytest.raises(RuleViolation, match="not been forwarded"):
        statsforvalter_decides(received(), on=date(2025, 5, 1), resolution=Resolution.MEDHOLD)
    with pytest.raises(InvalidInput, match="for statsforvalteren"):
        municipal_review(received(), on=date(2025, 4, 1), resolution=Resolution.OPPHEVET)
    with pytest.raises(RuleViolation, match="not under municipal review"):
        municipal_review(forwarded(), on=date(2025, 4, 2), resolution=Resolution.MEDHOLD)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"resolution": Resolution.IKKE_MEDHOLD, "fulfil_by": date(2025, 6, 1)},
            "deadline goes with",
        ),
        ({"resolution": Resolution.MEDHOLD, "fulfil_by": date(2025, 4, 1)}, "before the decision"),
    ],
)
def test_statsforvalteren_deadlines_are_checked(kwargs: dict[str, object], message: str) -> None:
    """A deadline goes with medhold or opphevet and cannot precede the decision."""
    with pytest.raises(InvalidInput, match=message):
        statsforvalter_decides(forwarded(), on=date(2025, 5, 1), **kwargs)  # type: ignore[arg-type]


def test_medhold_with_deadline_is_tracked_until_fulfilled() -> None:
    """BK-25: fulfil by the deadline; overdue after it; gone once fulfilled."""
    decided = statsforvalter_decides(
        forwarded(),
        on=date(2025, 5, 15),
        resolution=Resolution.MEDHOLD,
        fulfil_by=date(2025, 6, 15),
    )
    [on_time] = decided.obligations(date(2025, 6, 15))
    assert (on_time.kind, on_time.overdue) == (ObligationKind.FULFIL_RIGHT, False)
    [late] = decided.obligations(date(2025, 6, 16))
    assert late.overdue
    assert "2025-06-15" in late.explain("en")
    done = record_fulfilment(decided, on=date(2025, 6, 20))
    assert done.obligations(date(2025, 7, 1)) == ()
    with pytest.raises(RuleViolation, match="already fulfilled"):
        record_fulfilment(done, on=date(2025, 6, 21))


def test_fulfilment_needs_an_obligation() -> None:
    """Only an upheld or quashed complaint can be fulfilled, and not before its decision."""
    rejected = statsforvalter_decides(
        forwarded(), on=date(2025, 5, 15), resolution=Resolution.IKKE_MEDHOLD
    )
    with pytest.raises(RuleViolation, match="no obligation"):
        record_fulfilment(rejected, on=date(2025, 6, 1))
    upheld = statsforvalter_decides(
        forwarded(), on=date(2025, 5, 15), resolution=Resolution.MEDHOLD
    )
    with pytest.raises(InvalidInput, match="before the decision"):
        record_fulfilment(upheld, on=date(2025, 5, 1))


def test_obligations_list_requests_and_complaints_by_due_date() -> None:
    """obligations(as_of) merges complaints and undecided requests, earliest due first."""
    upheld = statsforvalter_decides(
        forwarded(),
        on=date(2025, 5, 15),
        resolution=Resolution.DELVIS_MEDHOLD,
        fulfil_by=date(2025, 6, 15),
    )
    pending = received()
    request = Request(
        ref="anmodning-1", right=Right.BARNEKOORDINATOR, requested_on=date(2025, 5, 1)
    )
    found = complaint_obligations([upheld, pending], as_of=date(2025, 6, 20), requests=[request])
    # The review-and-forward step now has a due date (complaint_forwarding_days, 30 by default,
    # fvl § 33; issue 14 item 9): 20 March + 30 days is Saturday 19 April 2025, and Easter Sunday
    # and Monday follow, so it is due Tuesday 22 April and comes first, overdue.
    assert [o.kind for o in found] == [
        ObligationKind.REVIEW_AND_FORWARD,
        ObligationKind.DECIDE_REQUEST,
        ObligationKind.FULFIL_RIGHT,
    ]
    assert found[0].due == date(2025, 4, 22)
    assert [o.overdue for o in found] == [True, True, True]
    assert found[1].complainable


def test_an_undecided_stafettlogg_request_is_not_a_complaint_matter() -> None:
    """BTI is practice: an overdue stafettlogg request is flagged, not complainable (§ 7-2)."""
    o = request_obligation(
        Request(ref="r", right=Right.STAFETTLOGG, requested_on=date(2025, 1, 1)),
        as_of=date(2025, 3, 1),
    )
    assert o is not None
    assert o.overdue
    assert o.complainable is False


def test_complaints_round_trip_as_json() -> None:
    """complaint_to_json gives a complaint.v1 document that rebuilds exactly."""
    for c in (received(ComplaintForm.ORAL), forwarded()):
        document = complaint_to_json(c)
        validate_document("complaint.v1", document)
        assert complaint_from_json(document) == c


def test_an_inconsistent_complaint_document_lists_every_problem() -> None:
    """Contradictions such as «closed without a resolution» are refused with paths."""
    document = complaint_to_json(forwarded())
    document.update(
        stage="closed", forwarded_on=None, fulfilled_on="2025-06-01", received_on="2025-03-01"
    )
    with pytest.raises(SchemaViolation) as info:
        complaint_from_json(document)
    assert [p for p, _ in info.value.problems] == [
        "$.resolution",
        "$.received_on",
        "$.fulfilled_on",
    ]


@pytest.mark.parametrize("right", list(Right))
def test_only_a_right_under_kapittel_2_is_complained_about_as_an_undecided_request_is(
    right: Right,
) -> None:
    """pbrl § 7-2 is for the rights in kapittel 2. The stafettlogg is BTI practice: a complaint
    about it is refused (it was received and forwarded to statsforvalteren), as an overdue
    request for it is no complainable breach — the same rule decides both."""
    overdue = request_obligation(
        Request(ref="r", right=right, requested_on=date(2025, 1, 1)), as_of=date(2025, 3, 1)
    )
    assert overdue is not None
    if overdue.complainable:
        assert received_about(right).stage is Stage.MUNICIPAL_REVIEW
        return
    with pytest.raises(RuleViolation, match="kapittel 2") as err:
        received_about(right)
    assert "the service itself" in str(err.value)


def received_about(right: Right) -> Complaint:
    """A written and signed complaint about ``right``."""
    return receive_complaint(
        ref="klage-1",
        decision_ref="K-1",
        right=right,
        knowledge_date=KNOWN,
        received_on=date(2025, 3, 20),
        form=ComplaintForm.WRITTEN_SIGNED,
    )


@pytest.mark.parametrize("form", [ComplaintForm.ORAL, ComplaintForm.WRITTEN_UNSIGNED])
def test_a_complaint_never_corrected_is_dismissed_after_its_deadline(form: ComplaintForm) -> None:
    """pbrl § 7-3, fvl § 33 second ledd: once the correction deadline has passed with the
    complaint still not written and signed, the municipality may dismiss it (avvisning, and
    only that), which closes it and its correct-form obligation. Before, nothing could: it
    stayed overdue for koordinerende enhet for ever."""
    c = received(form)
    assert c.correction_deadline == date(2025, 4, 7)
    with pytest.raises(RuleViolation, match="wait for the correction"):
        municipal_review(c, on=date(2025, 4, 7), resolution=Resolution.AVVISNING)
    for other in (Resolution.IKKE_MEDHOLD, Resolution.MEDHOLD, Resolution.OPPHEVET):
        with pytest.raises(RuleViolation, match="only dismiss"):
            municipal_review(c, on=date(2025, 4, 8), resolution=other)
    dismissed = municipal_review(c, on=date(2025, 4, 8), resolution=Resolution.AVVISNING)
    assert dismissed.stage is Stage.CLOSED
    assert dismissed.resolution is Resolution.AVVISNING
    assert dismissed.decided_by is not None
    assert dismissed.decided_by.value == "municipality"
    assert dismissed.resolved_on == date(2025, 4, 8)
    assert c.obligations(date(2026, 1, 1))[0].overdue  # the complaint as it was
    assert dismissed.obligations(date(2026, 1, 1)) == ()
    assert [g.kind for g in dismissed.guidance()] == [GuidanceKind.OMBUD]
    with pytest.raises(RuleViolation, match="not under municipal review"):
        correct_form(dismissed, on=date(2025, 4, 9))
    with pytest.raises(RuleViolation, match="not been forwarded"):
        statsforvalter_decides(dismissed, on=date(2025, 5, 1), resolution=Resolution.AVVISNING)
    document = complaint_to_json(dismissed)
    validate_document("complaint.v1", document)
    assert complaint_from_json(document) == dismissed


def test_the_municipality_dismisses_no_valid_complaint() -> None:
    """A written and signed complaint (also one corrected late) is reconsidered, not dismissed
    by the municipality: avvisning of it is statsforvalteren's."""
    corrected = correct_form(received(ComplaintForm.ORAL), on=date(2025, 5, 1))
    for c in (received(), corrected):
        with pytest.raises(InvalidInput, match="for statsforvalteren"):
            municipal_review(c, on=date(2025, 5, 2), resolution=Resolution.AVVISNING)
