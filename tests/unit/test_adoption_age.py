"""C7 for an adoption: the child to be adopted must be under 18 (hotl § 7-2 a, pbrl § 2-5 c).

An approved adoption in progress counts as «venter barn» (guidance, BK-04), but the child to be
adopted is already born and may be 17 or older. ``ExpectedChildFacts.birth_date`` lets C7 read its
age: «barn» is a child under 18 (domain.md §2.2 C7 [V:S6][V:S15]). Without a birth date C7 stays
``expected`` (met), as before.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from barnekoordinator.errors import InvalidInput, SchemaViolation
from barnekoordinator.rights.eligibility import (
    Author,
    Condition,
    EligibilityFacts,
    ExpectedChildFacts,
    FollowUpKind,
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
from barnekoordinator.rights.wire import (
    facts_from_json,
    facts_to_json,
    result_from_json,
    result_to_json,
)
from barnekoordinator.services import ServiceKind

AS_OF = date(2025, 3, 1)
KE = Author(ref="ke-1", role="koordinerende enhet", service=ServiceKind.KOORDINERENDE_ENHET)


def adoption(birth_date: date | None, *, adopting: bool = True) -> EligibilityFacts:
    """An approved adoption meeting every other barnekoordinator condition, wanted."""
    yes = Judgement(conclusion=True, author=KE, assessed_on=AS_OF)
    return EligibilityFacts(
        expected_child=ExpectedChildFacts(
            ref="adopsjon-1",
            expected_date=date(2025, 6, 1),
            adoption=adopting,
            birth_date=birth_date,
        ),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.SKOLE)),
        judgements=Judgements(serious=yes, long_term=yes, composite=yes),
        guardians=(
            GuardianFacts(
                ref="forelder-a",
                parental_responsibility=True,
                wishes=Wishes(barnekoordinator=Wish.WANTS),
            ),
        ),
    )


def test_a_child_to_be_adopted_who_is_18_is_not_a_child_for_the_barnekoordinator() -> None:
    """hotl § 7-2 a / pbrl § 2-5 c: «barn» under 18. On the 18th birthday C7 is not met, and so
    the right is not met, adoption or not (domain.md §2.2 C7)."""
    bk = assess(adoption(date(2007, 3, 1)), as_of=AS_OF).barnekoordinator
    c7 = bk.condition(Condition.UNDER_AGE_LIMIT)
    assert (c7.outcome, c7.reason) == (Outcome.NOT_MET, "adoptee-reached-limit")
    assert c7.facts == ("expected_child.birth_date", "as_of")
    assert {"pbrl-2-5-c", "hotl-7-2-a"} <= {r.key for r in c7.basis}
    assert (bk.outcome, bk.action) == (Outcome.NOT_MET, NextStep.NONE)
    assert bk.ends_on == date(2025, 3, 1)
    assert FollowUpKind.ENDS_AT_18 not in bk.follow_up_kinds
    # The born child's «transition at 18» is about a young adult leaving the right; an
    # adoption of someone 18 or over never had it.
    assert FollowUpKind.TRANSITION_AT_18 not in bk.follow_up_kinds


def test_a_child_to_be_adopted_older_than_18_is_refused_too() -> None:
    """hotl § 7-2 a: older than 18 is no more a «barn» than 18 is."""
    bk = assess(adoption(date(2005, 1, 10)), as_of=AS_OF).barnekoordinator
    assert bk.condition(Condition.UNDER_AGE_LIMIT).outcome is Outcome.NOT_MET
    assert bk.outcome is Outcome.NOT_MET


def test_a_child_to_be_adopted_at_17_years_11_months_is_under_the_limit() -> None:
    """hotl § 7-2 a: under 18 is met; the right ends on the 18th birthday, and the ``ends-at-18``
    follow-up is dated as for a born child."""
    # At 17 the young person being adopted has a say of its own (BK-16): it wants it too.
    facts = attrs.evolve(
        adoption(date(2007, 4, 1)), child_wishes=Wishes(barnekoordinator=Wish.WANTS)
    )
    bk = assess(facts, as_of=AS_OF).barnekoordinator
    c7 = bk.condition(Condition.UNDER_AGE_LIMIT)
    assert (c7.outcome, c7.reason) == (Outcome.MET, "adoptee-under-limit")
    assert (bk.outcome, bk.action) == (Outcome.MET, NextStep.APPOINT)
    assert bk.ends_on == date(2025, 4, 1)
    ends = next(f for f in bk.follow_ups if f.kind is FollowUpKind.ENDS_AT_18)
    assert ends.due == date(2025, 4, 1)
    assert "2025-04-01" in ends.explain("nb")
    assert FollowUpKind.GUIDANCE_BASED in bk.follow_up_kinds


def test_the_29_february_convention_holds_for_the_child_to_be_adopted() -> None:
    """Born 29 February 2008: 17 on 28 February 2026, 18 on 1 March 2026 (BK-15's rule)."""
    facts = adoption(date(2008, 2, 29))
    before = assess(facts, as_of=date(2026, 2, 28)).barnekoordinator
    on = assess(facts, as_of=date(2026, 3, 1)).barnekoordinator
    assert before.condition(Condition.UNDER_AGE_LIMIT).reason == "adoptee-under-limit"
    assert on.condition(Condition.UNDER_AGE_LIMIT).reason == "adoptee-reached-limit"
    assert before.ends_on == on.ends_on == date(2026, 3, 1)


def test_without_a_birth_date_an_adoption_is_assessed_as_before() -> None:
    """No birth date: C7 is ``expected`` (met) and the right has no end date (BK-04)."""
    bk = assess(adoption(None), as_of=AS_OF).barnekoordinator
    c7 = bk.condition(Condition.UNDER_AGE_LIMIT)
    assert (c7.outcome, c7.reason) == (Outcome.MET, "expected")
    assert bk.ends_on is None
    assert FollowUpKind.ENDS_AT_18 not in bk.follow_up_kinds


def test_who_consents_is_still_the_expecting_parents() -> None:
    """The birth date decides C7 only: the family's wish is still the expecting parents'."""
    bk = assess(adoption(date(2010, 6, 1)), as_of=AS_OF).barnekoordinator
    assert bk.condition(Condition.WISH).reason == "expecting/wants"


def test_a_birth_date_without_an_adoption_is_refused_naming_the_field() -> None:
    """A child not yet born has no birth date: the facts are refused, with the field's path."""
    with pytest.raises(SchemaViolation) as info:
        adoption(date(2010, 6, 1), adopting=False)
    assert isinstance(info.value, InvalidInput)
    assert [path for path, _ in info.value.problems] == ["$.expected_child.birth_date"]


def test_a_birth_date_after_as_of_is_refused() -> None:
    """The child to be adopted is born: a birth date after ``as_of`` is invalid input."""
    with pytest.raises(InvalidInput, match=r"expected_child\.birth_date is after as_of"):
        assess(adoption(date(2025, 3, 2)), as_of=AS_OF)
    assess(adoption(date(2025, 3, 1)), as_of=AS_OF)  # born on the day: fine


def test_before_the_reform_the_birth_date_changes_nothing() -> None:
    """Before 1 August 2022 there is no barnekoordinator (and no age limit for it) at all."""
    bk = assess(adoption(date(2003, 1, 1)), as_of=date(2021, 1, 1)).barnekoordinator
    assert [c.condition for c in bk.conditions] == [Condition.IN_FORCE]
    assert bk.ends_on is None


def _document(**expected: Any) -> dict[str, Any]:
    return {
        "expected_child": {"ref": "adopsjon-1", "expected_date": "2025-06-01", **expected},
        "needs": {"services": ["fysioterapi", "skole"]},
    }


def test_the_birth_date_travels_in_the_facts_json() -> None:
    """``eligibility-facts.v1`` carries ``expected_child.birth_date`` both ways."""
    facts = facts_from_json(_document(adoption=True, birth_date="2007-03-01"))
    assert facts.expected_child is not None
    assert facts.expected_child.birth_date == date(2007, 3, 1)
    out = facts_to_json(facts)
    assert out["expected_child"]["birth_date"] == "2007-03-01"
    assert facts_from_json(out) == facts
    assert facts_from_json(_document(adoption=True)).expected_child == ExpectedChildFacts(
        ref="adopsjon-1", expected_date=date(2025, 6, 1), adoption=True
    )


@pytest.mark.parametrize(
    ("expected", "path"),
    [
        ({"birth_date": "2007-03-01"}, "$.expected_child.birth_date"),
        ({"adoption": False, "birth_date": "2007-03-01"}, "$.expected_child.birth_date"),
        ({"adoption": True, "birth_date": "1. mars 2007"}, "$.expected_child.birth_date"),
    ],
)
def test_the_facts_json_refuses_a_birth_date_it_cannot_use(
    expected: dict[str, Any], path: str
) -> None:
    """Not an adoption, or not a date: refused, naming the field."""
    with pytest.raises(SchemaViolation) as info:
        facts_from_json(_document(**expected))
    assert path in [p for p, _ in info.value.problems]


def test_a_result_with_the_adoptees_age_reads_back() -> None:
    """The new C7 reasons are in the rule set's tables: the result JSON round-trips."""
    for born in (date(2007, 3, 1), date(2007, 4, 1)):
        result = assess(adoption(born), as_of=AS_OF)
        assert result_from_json(result_to_json(result)) == result
