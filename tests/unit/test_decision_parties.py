"""A recorded decision is about the case's child and family (domain.md §4.2 item 1, BK-12).

``record_assessed_decision`` assessed whatever facts it was given and named whatever parties it
was given: facts with another birth date printed another 18th birthday as the end of the right,
facts without the father (who has foreldreansvar in the case) and parties without him, or with
the neighbour, were recorded as they were. Now the facts must be the case's (the child's ref and
birth or expected date, the guardians with foreldreansvar), and the parties are people of the
case who name everyone who may complain of the decision: the guardians with foreldreansvar
(both when they share it), the young person from 16 (pbrl § 4-3 b), the adult alone from 18.
The child under 16 may be named and need not be. The errors name the field, never a name, a
ref or a date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pytest

from barnekoordinator.errors import InvalidInput
from barnekoordinator.people import BARNEVERN
from barnekoordinator.rights.decision_records import (
    decision_from_history,
    record_assessed_decision,
    record_individual_decision,
    recorded_decisions,
)
from barnekoordinator.rights.decisions import (
    IndividualDecision,
    Party,
    PartyRole,
    make_decision,
    render_decision,
)
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    EligibilityFacts,
    ExpectedChildFacts,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    expected_child,
    mother,
    new_case,
    professional,
    standard_case,
)

DAY = DEFAULT_AS_OF
KE = Author(ref="ke", role="koordinerende enhet")
MOR = Party(ref="mor", name="Mor Eksempel", role=PartyRole.GUARDIAN)
FAR = Party(ref="far", name="Far Eksempel", role=PartyRole.GUARDIAN)
WANTS = Wishes(barnekoordinator=Wish.WANTS)


def _child(run: CaseRun, role: PartyRole = PartyRole.CHILD) -> Party:
    assert run.case.subject is not None
    return Party(ref=run.case.subject.ref, name="Barn Eksempel", role=role)


def _facts(
    run: CaseRun,
    *,
    appoint: bool = False,
    birth_date: date | None = None,
    child_ref: str | None = None,
    guardians: Sequence[GuardianFacts] | None = None,
) -> EligibilityFacts:
    """Facts about the case's own child and guardians, unless told otherwise: a refusal (the
    condition is not serious), or (``appoint``) a family that wants a barnekoordinator."""
    child = run.case.child
    assert child is not None
    if guardians is None:
        guardians = tuple(
            GuardianFacts(
                ref=g.ref, parental_responsibility=g.parental_responsibility, wishes=WANTS
            )
            for g in run.case.guardians
        )
    judged = {
        name: Judgement(conclusion=appoint or name != "serious", author=KE, assessed_on=DAY)
        for name in ("serious", "long_term", "composite", "coordinated")
    }
    return EligibilityFacts(
        child=ChildFacts(
            ref=child.ref if child_ref is None else child_ref,
            birth_date=child.birth_date if birth_date is None else birth_date,
        ),
        needs=Needs(services=(S.FYSIOTERAPI, S.ERGOTERAPI, S.AVLASTNING, S.BARNEHAGE, S.NAV_STAT)),
        judgements=Judgements(**judged),
        guardians=tuple(guardians),
        child_wishes=WANTS,
        child_heard=True,
    )


def _record(run: CaseRun, facts: EligibilityFacts, parties: Sequence[Party], **more: Any) -> None:
    run.run(
        record_assessed_decision,
        facts=facts,
        decision_id=f"v{len(recorded_decisions(run.case)) + 1}",
        case_ref="K-1",
        municipality="Oslo kommune",
        parties=parties,
        signed_by="Koordinerende enhet",
        considerations="Familien og barnet er hørt; barnets beste er vurdert.",
        by="ke",
        as_of=DAY,
        settings=run.settings,
        **more,
    )


def _refused(
    run: CaseRun, facts: EligibilityFacts, parties: Sequence[Party], field: str, **more: Any
) -> None:
    """The decision is refused naming ``field``, and nothing is recorded."""
    before = len(run.history)
    with pytest.raises(InvalidInput, match=field.replace("[", r"\[").replace("]", r"\]")) as err:
        _record(run, facts, parties, **more)
    message = str(err.value)
    for private in ("Eksempel", "Naboen", "naboen", "2008", "-06-01"):
        assert private not in message, message
    child = run.case.child
    if child is not None:
        assert child.birth_date.isoformat() not in message
    assert len(run.history) == before


# --- the facts ---------------------------------------------------------------------------------


def test_facts_with_another_birth_date_are_refused_and_the_case_s_give_the_right_end() -> None:
    """The letter printed the 18th birthday of the facts' birth date as the end of the right;
    the child's birth date is the one the case holds (Folkeregisteret)."""
    run = standard_case(age=5)
    child = run.case.child
    assert child is not None
    other = date(2008, 6, 1)
    ke = professional("ke", S.KOORDINERENDE_ENHET)
    wrong = _facts(run, appoint=True, birth_date=other)
    _refused(run, wrong, (MOR, FAR), "facts.child.birth_date", appointed=ke)
    _record(run, _facts(run, appoint=True), (MOR, FAR), appointed=ke)
    recorded = recorded_decisions(run.case)[0]
    assert recorded.appointment is not None
    assert recorded.appointment.ends_on == child.turns(18)
    letter = render_decision(decision_from_history(run.case, "v1"), lang="nb")
    assert child.turns(18).isoformat() in letter
    assert "2026-06-01" not in letter


def test_facts_about_another_child_are_refused() -> None:
    """The facts' child is the case's child (by ref), and born: not an expected child."""
    run = standard_case(age=5)
    _refused(run, _facts(run, child_ref="bror"), (MOR, FAR), "facts.child.ref")
    child = run.case.child
    assert child is not None
    expected = EligibilityFacts(
        expected_child=ExpectedChildFacts(ref=child.ref, expected_date=DAY + timedelta(days=30)),
        guardians=(GuardianFacts(ref="mor", parental_responsibility=True),),
    )
    _refused(run, expected, (MOR, FAR), "facts.child")


def test_facts_without_a_guardian_with_foreldreansvar_are_refused() -> None:
    """BK-12: both parents share foreldreansvar in the case; facts that leave out the father (or
    say he has none) would settle the family's wish without him."""
    run = standard_case(age=5)
    mor_only = (GuardianFacts(ref="mor", parental_responsibility=True, wishes=WANTS),)
    _refused(run, _facts(run, guardians=mor_only), (MOR, FAR), "facts.guardians")
    far_none = (*mor_only, GuardianFacts(ref="far", parental_responsibility=False))
    _refused(run, _facts(run, guardians=far_none), (MOR, FAR), "facts.guardians")
    stranger = (*mor_only, GuardianFacts(ref="naboen", parental_responsibility=True))
    _refused(run, _facts(run, guardians=stranger), (MOR, FAR), "facts.guardians[1].ref")


def test_a_guardian_without_foreldreansvar_in_the_case_has_none_in_the_facts() -> None:
    """The father without foreldreansvar may be in the facts, without it; not with it."""
    run = standard_case(age=5, shared_responsibility=False)
    with_it = (
        GuardianFacts(ref="mor", parental_responsibility=True),
        GuardianFacts(ref="far", parental_responsibility=True),
    )
    _refused(run, _facts(run, guardians=with_it), (MOR,), "facts.guardians")
    _record(run, _facts(run), (MOR,))
    _record(run, _facts(run, guardians=with_it[:1]), (MOR,))
    assert len(recorded_decisions(run.case)) == 2


def test_an_expected_child_s_facts_are_the_case_s_and_the_mother_is_a_party() -> None:
    """§2.6: before birth the case's expected child (its expected date) and the expecting
    mother; the expected child may be named, and need not be."""
    due = DAY + timedelta(days=60)
    run = new_case(
        subject=expected_child(due=due),
        guardians=(mother(),),
        professionals=[professional("ke", S.KOORDINERENDE_ENHET)],
        koordinerende_enhet=("ke",),
    )

    def facts(expected_date: date) -> EligibilityFacts:
        return EligibilityFacts(
            expected_child=ExpectedChildFacts(ref="child", expected_date=expected_date),
            guardians=(GuardianFacts(ref="mor", parental_responsibility=True),),
            judgements=Judgements(serious=Judgement(conclusion=False, author=KE, assessed_on=DAY)),
        )

    unborn = Party(ref="child", name="Barnet", role=PartyRole.EXPECTED_CHILD)
    _refused(run, facts(due + timedelta(days=7)), (MOR,), "facts.expected_child.expected_date")
    _refused(run, facts(due), (unborn,), "parties")
    born = _facts_born_child(due)
    _refused(run, born, (MOR,), "facts.expected_child")
    _record(run, facts(due), (MOR,))
    _record(run, facts(due), (MOR, unborn))
    assert len(recorded_decisions(run.case)) == 2


def _facts_born_child(born: date) -> EligibilityFacts:
    return EligibilityFacts(
        child=ChildFacts(ref="child", birth_date=born),
        guardians=(GuardianFacts(ref="mor", parental_responsibility=True),),
    )


# --- the parties -------------------------------------------------------------------------------


def test_a_party_the_case_does_not_know_is_refused() -> None:
    """«naboen» is nobody of the case: the parties are the child, a guardian or
    barnevernstjenesten."""
    run = standard_case(age=5)
    naboen = Party(ref="naboen", name="Naboen", role=PartyRole.REPRESENTATIVE)
    _refused(run, _facts(run), (MOR, FAR, naboen), "parties[2].ref")
    _refused(run, _facts(run), (naboen,), "parties[0].ref")
    _refused(run, _facts(run), (MOR, FAR, MOR), "parties[2].ref")
    barnevern = Party(ref=BARNEVERN, name="Barnevernstjenesten", role=PartyRole.BARNEVERN)
    _record(run, _facts(run), (MOR, FAR, barnevern))
    assert [p.ref for p in recorded_decisions(run.case)[0].parties] == ["mor", "far", BARNEVERN]


def test_the_parties_name_both_guardians_with_shared_foreldreansvar() -> None:
    """BK-12, §4.2 item 1: the father who shares foreldreansvar is a party; the five-year-old
    may be named too, and need not be."""
    run = standard_case(age=5)
    _refused(run, _facts(run), (MOR,), "parties")
    _refused(run, _facts(run), (FAR, _child(run)), "parties")
    _record(run, _facts(run), (MOR, FAR))
    _record(run, _facts(run), (MOR, FAR, _child(run)))
    assert [len(d.parties) for d in recorded_decisions(run.case)] == [2, 3]


def test_each_party_has_its_own_role() -> None:
    """The letter says «forelder med foreldreansvar» for a guardian party: not for a parent
    without it (he may be named as representative), and the child is not a guardian."""
    run = standard_case(age=5, shared_responsibility=False)
    _refused(run, _facts(run), (MOR, FAR), "parties[1].role")
    _refused(run, _facts(run), (MOR, _child(run, PartyRole.GUARDIAN)), "parties[1].role")
    _refused(run, _facts(run), (Party(ref="mor", name="M", role=PartyRole.CHILD),), "parties")
    far = Party(ref="far", name="Far Eksempel", role=PartyRole.REPRESENTATIVE)
    _record(run, _facts(run), (MOR, far))
    assert recorded_decisions(run.case)[0].parties == (MOR, far)


def test_from_16_the_young_person_is_a_party_too() -> None:
    """pbrl § 4-3 b: from 16 the young person may complain of the decision herself, so the
    decision names her with the guardians who still have foreldreansvar."""
    run = standard_case(age=16)
    young = _child(run, PartyRole.YOUNG_PERSON)
    _refused(run, _facts(run), (MOR, FAR), "parties")
    _record(run, _facts(run), (MOR, FAR, young))
    assert len(recorded_decisions(run.case)) == 1


def test_from_18_the_adult_alone_is_the_party() -> None:
    """§2.7: foreldreansvar ends at 18. The adult is the party; a parent is no guardian party any
    more (a representative, at most), and the facts need not name the parents."""
    run = standard_case(age=18)
    adult = _child(run, PartyRole.YOUNG_PERSON)
    _refused(run, _facts(run), (MOR, FAR), "parties")
    _refused(run, _facts(run), (MOR, adult), "parties[0].role")
    _record(run, _facts(run), (adult,))
    _record(run, _facts(run, guardians=()), (adult,))
    mor = Party(ref="mor", name="Mor Eksempel", role=PartyRole.REPRESENTATIVE)
    _record(run, _facts(run, guardians=()), (adult, mor))
    assert len(recorded_decisions(run.case)) == 3


def test_a_decision_made_by_hand_names_only_people_of_the_case() -> None:
    """``record_individual_decision`` refuses a party the case does not know, or one named
    twice (the field is named, not the person)."""
    run = standard_case(age=5)
    result = assess(_facts(run), as_of=DAY)

    def decision(*parties: Party) -> IndividualDecision:
        return make_decision(
            result,
            case_ref="K-1",
            decided_on=DAY,
            municipality="Oslo kommune",
            parties=parties,
            signed_by="Koordinerende enhet",
            considerations="Hørt.",
        )

    naboen = Party(ref="naboen", name="Naboen", role=PartyRole.REPRESENTATIVE)
    for parties, field in (((MOR, naboen), r"parties\[1\]\.ref"), ((MOR, MOR), r"parties\[1\]")):
        with pytest.raises(InvalidInput, match=field) as err:
            record_individual_decision(
                run.case, decision=decision(*parties), decision_id="v1", by="ke", as_of=DAY
            )
        assert "aboen" not in str(err.value)
    run.run(
        record_individual_decision,
        decision=decision(MOR, FAR),
        decision_id="v1",
        by="ke",
        as_of=DAY,
    )
    assert len(recorded_decisions(run.case)) == 1
