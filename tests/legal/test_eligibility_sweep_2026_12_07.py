"""Legal sweep of 7 December 2026: eligibility defects found by the sweep, one test each.

Every test names, in its docstring, the paragraph (of the law or of domain.md) it checks.
"""

from __future__ import annotations

from datetime import date

import pytest

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
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.rights.wire import result_from_json, result_to_json
from barnekoordinator.services import ServiceKind

AS_OF = date(2025, 3, 1)
KE = Author(ref="ke-1", role="koordinerende enhet", service=ServiceKind.KOORDINERENDE_ENHET)


def _bk08(serious_by: Author) -> EligibilityResult:
    """BK-08 (mild asthma, logoped, ordinary barnehage support): «alvorlig» judged *not* met by
    ``serious_by``; long-term and composite judged met by koordinerende enhet."""

    def judged(conclusion: bool, author: Author) -> Judgement:
        return Judgement(conclusion=conclusion, author=author, assessed_on=date(2025, 2, 1))

    facts = EligibilityFacts(
        child=ChildFacts(ref="barn-8", birth_date=date(2018, 10, 1)),
        needs=Needs(services=(ServiceKind.HELSESTASJON, ServiceKind.BARNEHAGE)),
        judgements=Judgements(
            serious=judged(False, serious_by),
            long_term=judged(True, KE),
            composite=judged(True, KE),
        ),
        guardians=(
            GuardianFacts(
                ref="mor",
                parental_responsibility=True,
                wishes=Wishes(barnekoordinator=Wish.WANTS),
            ),
        ),
    )
    return assess(facts, as_of=AS_OF)


NOT_KE = {
    "teacher": Author(ref="laerer-1", role="lærer", service=ServiceKind.SKOLE),
    "helsesykepleier": Author(
        ref="hsp-1", role="helsesykepleier", service=ServiceKind.HELSESTASJON
    ),
    "role only": Author(ref="lege-1", role="lege"),
    # A service given decides: the words «koordinerende enhet» in a school's role do not make
    # the school the coordinating unit.
    "ke role in a school": Author(ref="x-1", role="koordinerende enhet", service=ServiceKind.SKOLE),
}


@pytest.mark.parametrize("who", sorted(NOT_KE))
def test_negative_severity_by_another_service_needs_assessment(who: str) -> None:
    """pbrl § 2-5 c / hotl § 7-2 a «alvorlig»; domain.md §2.2 «Never auto-deny on «alvorlig»»,
    §2.5 (koordinerende enhet, hotl § 7-3) and BK-08: a negative judgement by anyone but
    koordinerende enhet does not settle severity; the right needs assessment, not refusal."""
    bk = _bk08(NOT_KE[who]).barnekoordinator
    c2 = bk.condition(Condition.SERIOUS_CONDITION)
    assert (c2.outcome, c2.reason) == (Outcome.NEEDS_ASSESSMENT, "judged-not-met-not-ke")
    assert (bk.outcome, bk.action) == (Outcome.NEEDS_ASSESSMENT, NextStep.ASSESS)
    assert FollowUpKind.PROFESSIONAL_ASSESSMENT in bk.follow_up_kinds
    assert FollowUpKind.SAMORDNINGSPLIKT not in bk.follow_up_kinds


def test_negative_severity_by_another_service_is_traced() -> None:
    """hotl § 7-3 and domain.md §2.5, §2.2 (BK-08): the trace says why the judgement did not
    decide — who made it, that koordinerende enhet assesses — and reads back from its JSON."""
    result = _bk08(NOT_KE["teacher"])
    c2 = result.barnekoordinator.condition(Condition.SERIOUS_CONDITION)
    assert c2.facts == ("judgements.serious", "judgements.serious.author")
    assert "hotl-7-3" in {r.key for r in c2.basis}
    assert "koordinerende enhet" in c2.explanation.nb
    assert "ikke avslå" in c2.explanation.nb
    assert c2.explanation.nn
    assert "coordinating unit" in c2.explanation.en
    assert result_from_json(result_to_json(result)) == result
