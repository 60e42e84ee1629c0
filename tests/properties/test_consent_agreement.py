"""Eligibility and the case never disagree on whose consent or wish is needed (issue 14).

``assess`` (the wish condition C6 of every right) and the case's consent ledger
(``required_consenters``) both ask ``people.who_consents``. The property checks
the behaviour, not the shared call: for random families — ages 0–19 and expected
children (pregnancy or adoption), guardians with and without foreldreansvar, care
orders, and every setting that changes the answer (BK-16, care orders, the
stafettlogg age) — when exactly the people the case requires say yes and
everyone else says no, ``assess`` finds the wish settled; when any one of them
says no instead, it does not.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.access.consent import BARNEVERN, CareOrderChanged, required_consenters
from barnekoordinator.config import MunicipalSettings, YouthBarnekoordinatorConsent
from barnekoordinator.people import (
    Child,
    ConsentPurpose,
    ExpectedChild,
    Guardian,
    GuardianRelation,
    birthday,
)
from barnekoordinator.rights.eligibility import (
    ChildFacts,
    Condition,
    EligibilityFacts,
    ExpectedChildFacts,
    GuardianFacts,
    Right,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.testing.builders import new_case

AS_OF = date(2025, 3, 1)
PURPOSE = {
    Right.BARNEKOORDINATOR: ConsentPurpose.BARNEKOORDINATOR,
    Right.KOORDINATOR: ConsentPurpose.KOORDINATOR,
    Right.INDIVIDUAL_PLAN: ConsentPurpose.INDIVIDUAL_PLAN,
    Right.STAFETTLOGG: ConsentPurpose.STAFETTLOGG,
}

guardian_sets = st.lists(
    st.tuples(st.sampled_from(list(GuardianRelation)), st.booleans()), min_size=0, max_size=3
)
municipal_settings = st.builds(
    MunicipalSettings,
    barnekoordinator_consent_16_17=st.sampled_from(list(YouthBarnekoordinatorConsent)),
    care_order_consent_to_coordination=st.booleans(),
    stafettlogg_consent_age=st.sampled_from([15, 16]),
)


def _wishes(right: Right, wish: Wish) -> Wishes:
    return Wishes(**{right.wish_field: wish})


def _facts(
    subject: Child | ExpectedChild,
    guardians: tuple[Guardian, ...],
    care: bool,
    right: Right,
    says: dict[str, Wish],
) -> EligibilityFacts:
    """The family as eligibility facts; ``says`` maps a ref to its wish (absent: declines)."""

    def wish(ref: str) -> Wishes:
        return _wishes(right, says.get(ref, Wish.DECLINES))

    kw: dict[str, Any] = {}
    if isinstance(subject, Child):
        kw["child"] = ChildFacts(ref=subject.ref, birth_date=subject.birth_date)
    else:
        kw["expected_child"] = ExpectedChildFacts(
            ref=subject.ref, expected_date=subject.expected_date, adoption=subject.adoption
        )
    return EligibilityFacts(
        guardians=tuple(
            GuardianFacts(
                ref=g.ref,
                parental_responsibility=g.parental_responsibility,
                relation=g.relation,
                wishes=wish(g.ref),
            )
            for g in guardians
        ),
        child_wishes=wish(subject.ref),
        barnevern_has_care=care,
        barnevern_wishes=wish(BARNEVERN),
        **kw,
    )


@settings(max_examples=150, deadline=None)
@given(
    age=st.one_of(st.none(), st.integers(min_value=0, max_value=19)),
    adoption=st.booleans(),
    family=guardian_sets,
    care=st.booleans(),
    chosen=municipal_settings,
    days_past_birthday=st.integers(min_value=0, max_value=364),
)
def test_assess_and_the_case_agree_on_whose_consent_is_needed(
    age: int | None,
    adoption: bool,
    family: list[tuple[GuardianRelation, bool]],
    care: bool,
    chosen: MunicipalSettings,
    days_past_birthday: int,
) -> None:
    """The refs the case requires are the wishes assess needs (pbrl kap. 4; hotl § 7-2 a)."""
    subject: Child | ExpectedChild
    if age is None:
        subject = ExpectedChild(
            ref="barn", expected_date=AS_OF + timedelta(days=60), adoption=adoption
        )
    else:
        birth = birthday(AS_OF - timedelta(days=days_past_birthday), -age)
        subject = Child(ref="barn", birth_date=birth)
    guardians = tuple(
        Guardian(ref=f"g{i}", relation=relation, parental_responsibility=responsible)
        for i, (relation, responsible) in enumerate(family)
    )
    run = new_case(subject=subject, guardians=guardians, settings=chosen, as_of=AS_OF)
    if care:
        run.do(CareOrderChanged(care_taken_over=True))
    for right, purpose in PURPOSE.items():
        needed = required_consenters(run.case, purpose, as_of=AS_OF, settings=chosen)

        def verdict(says: dict[str, Wish], right: Right = right) -> str:
            facts = _facts(subject, guardians, care, right, says)
            result = assess(facts, as_of=AS_OF, settings=chosen)
            return result[right].condition(Condition.WISH).reason.partition("/")[2]

        everyone_yes = verdict(dict.fromkeys(needed, Wish.WANTS))
        if not needed:
            assert everyone_yes == "no-party", (right, everyone_yes)
            continue
        assert everyone_yes == "wants", (right, sorted(needed), everyone_yes)
        for ref in needed:
            one_no = {**dict.fromkeys(needed, Wish.WANTS), ref: Wish.DECLINES}
            assert verdict(one_no) != "wants", (right, ref, sorted(needed))
