"""Recording decisions and complaint stages refuses what the pure rules refuse (issue 14)."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from barnekoordinator.errors import InvalidInput, RuleViolation
from barnekoordinator.rights.complaint_records import (
    correct_recorded_complaint,
    lodge_complaint,
    recorded_complaints,
    review_recorded_complaint,
)
from barnekoordinator.rights.complaints import ComplaintForm, Resolution
from barnekoordinator.rights.decision_records import (
    decision_from_history,
    record_individual_decision,
)
from barnekoordinator.rights.decisions import Party, PartyRole, make_decision
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    EligibilityFacts,
    Judgement,
    Judgements,
    Needs,
    Right,
    assess,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import DEFAULT_AS_OF, standard_case

DAY = DEFAULT_AS_OF


def _decision(subject: str = "child") -> object:
    no = Judgement(conclusion=False, author=Author(ref="ke", role="ke"), assessed_on=DAY)
    facts = EligibilityFacts(
        child=ChildFacts(ref=subject, birth_date=date(2019, 1, 1)),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.SKOLE)),
        judgements=Judgements(serious=no),
    )
    return make_decision(
        assess(facts, as_of=DAY),
        case_ref="K-1",
        decided_on=DAY,
        municipality="Eksempel kommune",
        parties=(Party(ref="mor", name="Mor", role=PartyRole.GUARDIAN),),
        signed_by="KE",
        considerations="Hørt.",
    )


def test_a_decision_is_recorded_once_for_its_own_child_and_not_before_it_was_made() -> None:
    """Ids are unique, the child must match, and a decision cannot be recorded before its day."""
    run = standard_case(age=6)
    decision = _decision()
    run.run(record_individual_decision, decision=decision, decision_id="v1", by="ke", as_of=DAY)
    assert decision_from_history(run.case, "v1").subject_ref == "child"
    with pytest.raises(InvalidInput, match="new, non-empty id"):
        record_individual_decision(
            run.case, decision=decision, decision_id="v1", by="ke", as_of=DAY
        )  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="another child"):
        record_individual_decision(
            run.case, decision=_decision("other"), decision_id="v2", by="ke", as_of=DAY
        )  # type: ignore[arg-type]
    early = attrs.evolve(decision, decided_on=date(2026, 12, 31))  # type: ignore[misc]
    with pytest.raises(InvalidInput, match="on or after"):
        record_individual_decision(run.case, decision=early, decision_id="v3", by="ke", as_of=DAY)
    with pytest.raises(InvalidInput, match="no decision"):
        decision_from_history(run.case, "missing")


def test_complaint_stages_follow_the_pure_rules() -> None:
    """An oral complaint is corrected before review; the right must match the decision."""
    run = standard_case(age=6)
    run.run(record_individual_decision, decision=_decision(), decision_id="v1", by="ke", as_of=DAY)
    with pytest.raises(InvalidInput, match="is about barnekoordinator"):
        lodge_complaint(
            run.case,
            complaint_ref="k1",
            decision_ref="v1",
            right=Right.KOORDINATOR,
            complainant_ref="mor",
            knowledge_date=DAY,
            received_on=DAY,
            form=ComplaintForm.WRITTEN_SIGNED,
            by="mor",
        )
    run.run(
        lodge_complaint,
        complaint_ref="k1",
        decision_ref="v1",
        right=Right.BARNEKOORDINATOR,
        complainant_ref="mor",
        knowledge_date=DAY,
        received_on=DAY,
        form=ComplaintForm.ORAL,
        by="mor",
    )
    with pytest.raises(RuleViolation, match="not yet written and signed"):
        review_recorded_complaint(
            run.case, complaint_ref="k1", on=DAY, resolution=Resolution.IKKE_MEDHOLD, by="ke"
        )
    run.run(correct_recorded_complaint, complaint_ref="k1", on=date(2026, 1, 12), by="mor")
    [recorded] = recorded_complaints(run.case)
    assert recorded.complainant_ref == "mor"
    assert recorded.complaint.forward_by == date(2026, 2, 11)
    with pytest.raises(InvalidInput, match="no complaint"):
        correct_recorded_complaint(run.case, complaint_ref="k9", on=DAY, by="mor")
