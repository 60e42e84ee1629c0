"""A child being adopted whose birth date is known has its own say by its age (pbrl § 4-3: from
16 in health matters; BK-16 for the barnekoordinator at 16–17; pbrl § 4-4: heard from 7).

Before: for an adoption (``ExpectedChildFacts(adoption=True, birth_date=…)``) consent went to
the expecting parents whatever the child's age, so a 16-year-old's refusal was ignored and the
municipality was told to appoint; a born 16-year-old with the same wishes went to legal review.
"""

from __future__ import annotations

from datetime import date

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.people import ConsentingParty, ConsentPurpose, who_consents
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    Condition,
    EligibilityFacts,
    ExpectedChildFacts,
    FollowUpKind,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    NextStep,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.services import ServiceKind

AS_OF = date(2025, 3, 1)
KE = Author(ref="ke-1", role="koordinerende enhet", service=ServiceKind.KOORDINERENDE_ENHET)
YES = Judgement(conclusion=True, author=KE, assessed_on=date(2025, 2, 1))


def _facts(birth_date: date, *, adopted: bool, youth: Wish = Wish.DECLINES) -> EligibilityFacts:
    subject: dict[str, object] = (
        {
            "expected_child": ExpectedChildFacts(
                ref="adoptiv-1",
                expected_date=date(2025, 6, 1),
                adoption=True,
                birth_date=birth_date,
            )
        }
        if adopted
        else {"child": ChildFacts(ref="adoptiv-1", birth_date=birth_date)}
    )
    wants = Wishes(barnekoordinator=Wish.WANTS, individual_plan=Wish.WANTS)
    return EligibilityFacts(
        **subject,  # type: ignore[arg-type]
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.SKOLE)),
        judgements=Judgements(serious=YES, long_term=YES, composite=YES),
        guardians=(
            GuardianFacts(ref="mor", parental_responsibility=True, wishes=wants),
            GuardianFacts(ref="far", parental_responsibility=True, wishes=wants),
        ),
        child_wishes=Wishes(barnekoordinator=youth, individual_plan=youth),
    )


def test_bk_16_a_16_year_old_being_adopted_has_the_same_say_as_a_born_16_year_old() -> None:
    """BK-16, pbrl § 4-3: the 16–17-year-old's own refusal goes to legal review (the
    municipality's default rule), for a child being adopted as for a born child."""
    adopted = assess(_facts(date(2008, 6, 1), adopted=True), as_of=AS_OF).barnekoordinator
    born = assess(_facts(date(2008, 6, 1), adopted=False), as_of=AS_OF).barnekoordinator
    assert adopted.condition(Condition.WISH).reason == born.condition(Condition.WISH).reason
    assert adopted.condition(Condition.WISH).reason.startswith("youth-and-guardians/")
    assert adopted.action is NextStep.LEGAL_REVIEW
    assert adopted.action is not NextStep.APPOINT


def test_pbrl_4_3_a_16_year_old_being_adopted_consents_to_the_plan_alone() -> None:
    """pbrl § 4-3 (health majority 16): the young person's «no» to an individuell plan counts;
    the parents' wish does not override it; the youth-consents follow-up is given."""
    result = assess(_facts(date(2008, 6, 1), adopted=True), as_of=AS_OF)
    assert result.individual_plan.condition(Condition.WISH).reason == "youth/declines"
    assert FollowUpKind.YOUTH_CONSENTS in {f.kind for f in result.follow_ups}


def test_pbrl_4_4_a_child_being_adopted_is_heard_from_7() -> None:
    """pbrl § 4-4 (the child is heard from 7; great weight from 12): the case follow-up for a
    10-year-old being adopted, as for a born child; the expecting parents still consent."""
    result = assess(_facts(date(2014, 6, 1), adopted=True, youth=Wish.UNKNOWN), as_of=AS_OF)
    kinds = {f.kind for f in result.follow_ups}
    assert FollowUpKind.CHILD_MUST_BE_HEARD in kinds
    assert result.barnekoordinator.condition(Condition.WISH).reason == "expecting/wants"


def test_hotl_7_2_a_who_consents_by_the_adoptees_age() -> None:
    """hotl § 7-2 a, pbrl § 4-3: the rule itself. Age 16 in an adoption: the born child's rules
    (health care is the youth's); no age given (``-1``): the expecting parents."""
    guardians = (
        GuardianFacts(ref="mor", parental_responsibility=True),
        GuardianFacts(ref="far", parental_responsibility=True),
    )

    def rule(age: int) -> tuple[ConsentingParty, frozenset[str]]:
        found = who_consents(
            ConsentPurpose.HEALTH_CARE,
            subject_ref="adoptiv-1",
            born=False,
            age=age,
            guardians=guardians,
            as_of=AS_OF,
            settings=MunicipalSettings(),
            adoption=True,
        )
        return found.party, found.consenters

    assert rule(16) == (ConsentingParty.YOUTH, frozenset({"adoptiv-1"}))
    assert rule(-1) == (ConsentingParty.EXPECTING, frozenset({"mor", "far"}))
    assert rule(12)[0] is ConsentingParty.EXPECTING
