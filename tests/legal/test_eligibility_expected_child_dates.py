"""A pregnancy's due date is read (domain.md §2.6 «venter barn», §2.7 the right ends at 18).

``ExpectedChildFacts.expected_date`` was never read: a child «expected» 25 years ago, or five
years ahead, was assessed as a pregnancy, met, with the municipality's duty to appoint and no
end date. A due date is at most 300 days (about ten months) after ``as_of``; one more than
28 days before it means the child is born, and the facts must record the birth. Both are
refused as facts that contradict ``as_of`` (``InvalidInput``), as a born child's birth date
after ``as_of`` is.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from barnekoordinator.errors import BarnekoordinatorError, InvalidInput
from barnekoordinator.rights.eligibility import (
    Author,
    Condition,
    EligibilityFacts,
    ExpectedChildFacts,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    NextStep,
    Outcome,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.services import ServiceKind

AS_OF = date(2025, 3, 1)
KE = Author(ref="ke-1", role="koordinerende enhet", service=ServiceKind.KOORDINERENDE_ENHET)


def _pregnancy(due: date, *, adoption: bool = False) -> EligibilityFacts:
    yes = Judgement(conclusion=True, author=KE, assessed_on=date(2025, 2, 1))
    return EligibilityFacts(
        expected_child=ExpectedChildFacts(ref="venter-1", expected_date=due, adoption=adoption),
        needs=Needs(services=(ServiceKind.JORDMOR, ServiceKind.BARNEHAGE)),
        judgements=Judgements(serious=yes, long_term=yes, composite=yes),
        guardians=(
            GuardianFacts(
                ref="mor", parental_responsibility=True, wishes=Wishes(barnekoordinator=Wish.WANTS)
            ),
        ),
    )


@pytest.mark.parametrize("due", [date(2000, 1, 1), AS_OF - timedelta(days=29)])
def test_s2_6_a_due_date_long_passed_is_not_a_pregnancy_record_the_birth(due: date) -> None:
    """domain.md §2.6, §2.7: a due date more than four weeks before ``as_of`` means the child
    is born; assessing it as «venter barn» gave APPOINT with no end date at 18. Refused, telling
    the caller to record the birth. A pregnancy up to 28 days overdue is still one."""
    with pytest.raises(InvalidInput) as info:
        assess(_pregnancy(due), as_of=AS_OF)
    assert "expected_child.expected_date" in str(info.value)
    assert "record the birth" in str(info.value)
    for still in (AS_OF - timedelta(days=28), AS_OF):
        bk = assess(_pregnancy(still), as_of=AS_OF).barnekoordinator
        assert (bk.outcome, bk.action) == (Outcome.MET, NextStep.APPOINT)
        assert bk.condition(Condition.UNDER_AGE_LIMIT).reason == "expected"


@pytest.mark.parametrize("due", [date(2030, 1, 1), AS_OF + timedelta(days=301)])
def test_s2_6_a_due_date_more_than_ten_months_ahead_is_not_a_pregnancy(due: date) -> None:
    """domain.md §2.6 «venter barn»: a pregnancy lasts 40 weeks; a due date more than 300 days
    ahead is not one, and gave the duty to appoint. Up to 300 days it is assessed as before.
    An adoption's expected date (§2.2 C1) is not bounded: it is the authorities' estimate and
    moves, and the child's age comes from its birth date."""
    with pytest.raises(InvalidInput) as info:
        assess(_pregnancy(due), as_of=AS_OF)
    assert "expected_child.expected_date" in str(info.value)
    assert isinstance(info.value, BarnekoordinatorError)
    for still in (AS_OF + timedelta(days=90), AS_OF + timedelta(days=300)):
        bk = assess(_pregnancy(still), as_of=AS_OF).barnekoordinator
        assert bk.condition(Condition.UNDER_AGE_LIMIT).reason == "expected"
    bk = assess(_pregnancy(due, adoption=True), as_of=AS_OF).barnekoordinator
    assert bk.condition(Condition.HAS_OR_EXPECTS_CHILD).reason == "adoption"
