"""C3 «langvarige» and C4 «sammensatte eller koordinerte» are professional judgements
(domain.md §2.2 «Engine implication»), like C2 «alvorlig»: a negative judgement concludes only
when koordinerende enhet made it (hotl § 7-3, §2.5, BK-08). Anyone else's (a teacher's, a
nurse's) needs assessment by koordinerende enhet, never a refusal.
"""

from __future__ import annotations

from datetime import date

import pytest

from barnekoordinator.errors import RuleViolation
from barnekoordinator.rights.decisions import Party, PartyRole, make_decision
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    Condition,
    EligibilityFacts,
    EligibilityResult,
    FollowUpKind,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    NextStep,
    Outcome,
    Right,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.rights.wire import result_from_json, result_to_json
from barnekoordinator.services import ServiceKind

AS_OF = date(2025, 3, 1)
KE = Author(ref="ke-1", role="koordinerende enhet", service=ServiceKind.KOORDINERENDE_ENHET)
TEACHER = Author(ref="laerer-1", role="lærer", service=ServiceKind.SKOLE)
NURSE = Author(ref="hsp-1", role="helsesykepleier")  # no service: the role decides


def _judged(conclusion: bool, author: Author) -> Judgement:
    return Judgement(conclusion=conclusion, author=author, assessed_on=date(2025, 2, 1))


def _assess(judgements: Judgements) -> EligibilityResult:
    facts = EligibilityFacts(
        child=ChildFacts(ref="barn-1", birth_date=date(2018, 10, 1)),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.SKOLE)),
        judgements=judgements,
        guardians=(
            GuardianFacts(
                ref="mor",
                parental_responsibility=True,
                wishes=Wishes(
                    barnekoordinator=Wish.WANTS,
                    koordinator=Wish.WANTS,
                    individual_plan=Wish.WANTS,
                ),
            ),
        ),
    )
    return assess(facts, as_of=AS_OF)


def _refusal_refused(result: EligibilityResult) -> None:
    parties = [Party(ref="mor", name="Kari", role=PartyRole.GUARDIAN)]
    with pytest.raises(RuleViolation):
        make_decision(
            result,
            case_ref="K-1",
            decided_on=AS_OF,
            municipality="Eksempel kommune",
            parties=parties,
            signed_by="Saksbehandler",
            considerations="vurdering",
        )


@pytest.mark.parametrize("author", [TEACHER, NURSE])
def test_s2_2_c3_not_long_term_by_a_teacher_needs_assessment(author: Author) -> None:
    """domain.md §2.2 C3 «langvarige», «Engine implication»: a teacher's «not long-term» does
    not conclude; it needs koordinerende enhet's assessment, and no refusal can be made on it."""
    result = _assess(
        Judgements(
            serious=_judged(True, KE), long_term=_judged(False, author), composite=_judged(True, KE)
        )
    )
    bk = result.barnekoordinator
    c3 = bk.condition(Condition.LONG_TERM_NEED)
    assert (c3.outcome, c3.reason) == (Outcome.NEEDS_ASSESSMENT, "judged-not-met-not-ke")
    assert "judgements.long_term.author" in c3.facts
    assert "hotl-7-3" in {b.key for b in c3.basis}
    assert (bk.outcome, bk.action) == (Outcome.NEEDS_ASSESSMENT, NextStep.ASSESS)
    assert FollowUpKind.PROFESSIONAL_ASSESSMENT in bk.follow_up_kinds
    # The explanation is the professional's view, then the referral to koordinerende enhet.
    assert "koordinerende enhet" in c3.explanation.nb
    _refusal_refused(result)


def test_s2_2_c4_neither_composite_nor_coordinated_by_a_teacher_needs_assessment() -> None:
    """domain.md §2.2 C4 «sammensatte eller koordinerte», «Engine implication»: both judged
    absent by a teacher do not conclude; koordinerende enhet assesses, no refusal."""
    result = _assess(
        Judgements(
            serious=_judged(True, KE),
            long_term=_judged(True, KE),
            composite=_judged(False, TEACHER),
            coordinated=_judged(False, TEACHER),
        )
    )
    bk = result.barnekoordinator
    c4 = bk.condition(Condition.COMPOSITE_OR_COORDINATED)
    assert (c4.outcome, c4.reason) == (Outcome.NEEDS_ASSESSMENT, "judged-not-met-not-ke")
    assert (bk.outcome, bk.action) == (Outcome.NEEDS_ASSESSMENT, NextStep.ASSESS)
    _refusal_refused(result)
    # hotl § 7-3, domain.md §2.5: koordinerende enhet's own negative judgements conclude.
    by_ke = _assess(
        Judgements(
            serious=_judged(True, KE),
            long_term=_judged(False, KE),
            composite=_judged(False, KE),
            coordinated=_judged(False, KE),
        )
    ).barnekoordinator
    assert by_ke.condition(Condition.LONG_TERM_NEED).reason == "judged-not-met"
    assert by_ke.condition(Condition.COMPOSITE_OR_COORDINATED).reason == "judged-not-met"
    assert by_ke.outcome is Outcome.NOT_MET


def test_s2_2_c4_one_negative_by_ke_and_one_by_a_teacher_needs_assessment() -> None:
    """domain.md §2.2 C4: «eller» — koordinerende enhet found it not composite, but only a
    teacher found it not coordinated: C4 is not concluded."""
    bk = _assess(
        Judgements(
            serious=_judged(True, KE),
            long_term=_judged(True, KE),
            composite=_judged(False, KE),
            coordinated=_judged(False, TEACHER),
        )
    ).barnekoordinator
    c4 = bk.condition(Condition.COMPOSITE_OR_COORDINATED)
    assert (c4.outcome, c4.reason) == (Outcome.NEEDS_ASSESSMENT, "judged-not-met-not-ke")


def test_hotl_7_2_and_7_1_koordinator_and_plan_follow_the_same_rule() -> None:
    """hotl § 7-1, § 7-2 (pbrl § 2-5, § 2-5 b), § 7-3: «langvarige» and «koordinerte» for
    koordinator and individuell plan are the same professional judgements; a teacher's negative
    one needs assessment there too."""
    result = _assess(
        Judgements(
            serious=_judged(True, KE),
            long_term=_judged(False, TEACHER),
            coordinated=_judged(False, TEACHER),
        )
    )
    for right in (result.koordinator, result.individual_plan):
        for condition in (Condition.LONG_TERM_NEED, Condition.COORDINATED_NEED):
            found = right.condition(condition)
            assert (found.outcome, found.reason) == (
                Outcome.NEEDS_ASSESSMENT,
                "judged-not-met-not-ke",
            ), (right.right, condition)
        assert right.outcome is Outcome.NEEDS_ASSESSMENT
    assert result.koordinator.right is Right.KOORDINATOR


def test_the_new_reasons_read_back_from_the_wire() -> None:
    """A stored result with the new reasons reads back equal (eligibility-result.v1): the
    wire format looks each reason up in the rule set's tables."""
    result = _assess(
        Judgements(
            serious=_judged(True, KE),
            long_term=_judged(False, TEACHER),
            composite=_judged(False, NURSE),
            coordinated=_judged(False, NURSE),
        )
    )
    c3 = result.barnekoordinator.condition(Condition.LONG_TERM_NEED)
    assert c3.reason == "judged-not-met-not-ke"
    assert result_from_json(result_to_json(result)) == result
