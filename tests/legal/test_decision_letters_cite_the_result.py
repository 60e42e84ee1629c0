"""A decision letter cites what its assessment found, under the law in force on its date
(decision 48; domain.md §4.2), and a complaint follows the right's coming into force.

* A partial decision's alternatives cite the assessment's own result: the individuell plan the
  laws that give it to this child (pbrl § 2-5 / hotl § 7-1, bvl § 15-9, barnevernloven 1992
  § 3-2 a, NAV-loven § 15 …), the koordinator its rule set's basis (hotl § 7-2 alone before
  1 August 2022, when pbrl § 2-5 b came into force).
* A decision rests on an assessment of its own day's law and of a right that has not ended:
  pbrl § 2-5 c / hotl § 7-2 a from 1 August 2022; the barnekoordinator right ends at 18.
* Barnekoordinator is complainable under pbrl § 7-2 only from pbrl § 2-5 c's coming into force.
"""

from __future__ import annotations

from datetime import date

import pytest

from barnekoordinator.errors import InvalidInput, RuleViolation
from barnekoordinator.legal_basis import ref
from barnekoordinator.people import Professional
from barnekoordinator.rights.complaints import (
    ComplaintForm,
    Request,
    receive_complaint,
    request_obligation,
)
from barnekoordinator.rights.decisions import (
    DecisionKind,
    Party,
    PartyRole,
    make_decision,
    notice_of_appointment,
    render_decision,
)
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    EligibilityFacts,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Right,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import org_number

KE = Author(ref="ke-1", role="koordinerende enhet", service=ServiceKind.KOORDINERENDE_ENHET)
PARTIES = [Party(ref="mor", name="Kari", role=PartyRole.GUARDIAN)]
HEALTH_AND_SCHOOL = Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.BARNEHAGE))
BARNEVERN_AND_NAV = Needs(
    services=(ServiceKind.BARNEVERN, ServiceKind.NAV_STAT), health_and_care=False
)
ALL_RIGHTS = Wishes(barnekoordinator=Wish.WANTS, koordinator=Wish.WANTS, individual_plan=Wish.WANTS)


def _yes(on: date) -> Judgement:
    return Judgement(conclusion=True, author=KE, assessed_on=on)


def _facts(
    on: date,
    *,
    needs: Needs = HEALTH_AND_SCHOOL,
    birth: date = date(2015, 1, 15),
    judgements: Judgements | None = None,
    guardians: tuple[str, ...] = ("mor",),
    child_ref: str = "barn-1",
) -> EligibilityFacts:
    j = judgements or Judgements(
        serious=_yes(on), long_term=_yes(on), coordinated=_yes(on), composite=_yes(on)
    )
    return EligibilityFacts(
        child=ChildFacts(ref=child_ref, birth_date=birth),
        needs=needs,
        judgements=j,
        guardians=tuple(
            GuardianFacts(ref=g, parental_responsibility=True, wishes=ALL_RIGHTS) for g in guardians
        ),
        child_wishes=Wishes(barnekoordinator=Wish.WANTS),
    )


def _decide(on: date, facts: EligibilityFacts, decided_on: date | None = None, **kw: object):  # type: ignore[no-untyped-def]
    return make_decision(
        assess(facts, as_of=on),
        case_ref="K-1",
        decided_on=decided_on or on,
        municipality="Eksempel kommune",
        parties=kw.pop("parties", PARTIES),  # type: ignore[arg-type]
        signed_by="Saksbehandler",
        considerations="Familiens og barnets syn er vurdert.",
        **kw,  # type: ignore[arg-type]
    )


def _partial_line(letter: str) -> str:
    marks = ("delvis medhold", "delvis medhald", "partly grants")
    return next(line for line in letter.splitlines() if any(m in line for m in marks))


# --- E1a: the alternatives cite the assessment's own result ------------------------------------


def test_partial_plan_cites_its_own_grounds_bvl_15_9_navl_15_or_pbrl_2_5_hotl_7_1() -> None:
    """No health need: the individuell plan rests on barnevernsloven § 15-9 and NAV-loven § 15
    alone, so the letter cites those, never pbrl § 2-5 / hotl § 7-1. With health and care
    services only, it cites pbrl § 2-5 and hotl § 7-1 (and the koordinator pbrl § 2-5 b, hotl
    § 7-2)."""
    on = date(2025, 3, 1)
    d = _decide(on, _facts(on, needs=BARNEVERN_AND_NAV))
    assert d.kind is DecisionKind.PARTIAL
    for lang, plan in (("nb", "individuell plan"), ("nn", "individuell plan"), ("en", "plan")):
        line = _partial_line(render_decision(d, lang=lang))
        assert f"{plan} (bvl § 15-9, NAV-loven § 15)" in line, (lang, line)
        assert "pbrl § 2-5" not in line, (lang, line)
        assert "hotl § 7-1" not in line, (lang, line)
    not_serious = Judgements(
        serious=Judgement(conclusion=False, author=KE, assessed_on=on),
        long_term=_yes(on),
        coordinated=_yes(on),
        composite=_yes(on),
    )
    health = _decide(on, _facts(on, judgements=not_serious))
    assert health.kind is DecisionKind.PARTIAL
    line = _partial_line(render_decision(health))
    assert "koordinator (pbrl § 2-5 b, hotl § 7-2)" in line
    assert "individuell plan (pbrl § 2-5, hotl § 7-1)" in line


def test_partial_plan_in_autumn_2022_cites_barnevernloven_1992_3_2_a() -> None:
    """From 1 August to 31 December 2022 the barnevern plan rests on barnevernloven 1992
    § 3-2 a (barnevernsloven 2021 § 15-9 came into force on 1 January 2023)."""
    on = date(2022, 9, 1)
    line = _partial_line(render_decision(_decide(on, _facts(on, needs=BARNEVERN_AND_NAV))))
    assert "individuell plan (barnevernloven 1992 § 3-2 a, NAV-loven § 15)" in line
    assert "bvl § 15-9" not in line


def test_partial_decision_under_the_2012_rules_cites_hotl_7_2_not_pbrl_2_5_b() -> None:
    """Before 1 August 2022 the right to a koordinator rests on hotl § 7-2 alone: pbrl § 2-5 b
    (in force from 2022-08-01) is not cited by a decision of 31 July 2022."""
    on = date(2022, 7, 31)
    assert ref("pbrl-2-5-b").in_force_from == date(2022, 8, 1)
    d = _decide(on, _facts(on))
    assert d.kind is DecisionKind.PARTIAL
    assert d.rules_version == "2012-01-01"
    for lang in ("nb", "nn", "en"):
        line = _partial_line(render_decision(d, lang=lang))
        assert "koordinator (hotl § 7-2)" in line, (lang, line)
        assert "2-5 b" not in line, (lang, line)


# --- E1b: a decision rests on an assessment that still holds on its date -----------------------


def test_assessment_before_pbrl_2_5_c_cannot_found_a_decision_after_it_came_into_force() -> None:
    """pbrl § 2-5 c / hotl § 7-2 a came into force on 1 August 2022: an assessment of 31 July
    ("not in force") cannot be the refusal of 15 August; assess again."""
    on = date(2022, 7, 31)
    with pytest.raises(InvalidInput, match="assess again") as raised:
        _decide(on, _facts(on), decided_on=date(2022, 8, 15))
    assert "2012-01-01" in str(raised.value)
    assert "2022-08-01" in str(raised.value)


def test_decision_after_the_18th_birthday_on_an_assessment_at_17_is_refused_hotl_7_2_a() -> None:
    """The barnekoordinator right lasts until the 18th birthday (pbrl § 2-5 c, hotl § 7-2 a):
    an appointing decision dated after it, on an assessment made at 17, is refused."""
    on = date(2025, 2, 1)
    facts = _facts(on, birth=date(2007, 3, 1))
    result = assess(facts, as_of=on)
    assert result.barnekoordinator.ends_on == date(2025, 3, 1)
    nurse = Professional(
        ref="ansatt-17", service=ServiceKind.HELSESTASJON, organisation=org_number(1), name="Eva"
    )
    appointment = notice_of_appointment(result, nurse, as_of=date(2025, 2, 10))
    for decided_on in (date(2025, 3, 1), date(2025, 6, 1)):
        with pytest.raises(InvalidInput, match="assess again"):
            _decide(on, facts, decided_on=decided_on, appointment=appointment)
    d = _decide(on, facts, decided_on=date(2025, 2, 28), appointment=appointment)
    assert d.kind is DecisionKind.APPOINT
    # An assessment made after the birthday (over the age limit) still founds its refusal:
    # the right ended before the assessment, not between it and the decision.
    adult = date(2025, 6, 1)
    refusal = _decide(adult, _facts(adult, birth=date(2007, 3, 1)), decided_on=date(2025, 6, 2))
    assert refusal.kind in (DecisionKind.REFUSE, DecisionKind.PARTIAL)


# --- E1d: barnekoordinator is complainable only from pbrl § 2-5 c's coming into force ----------


def test_request_for_barnekoordinator_before_pbrl_2_5_c_is_no_complainable_breach_pbrl_7_2() -> (
    None
):
    """A request of 2021 undecided in March 2022 is overdue, but not a breach of a right under
    pbrl § 7-2 (pbrl § 2-5 c, hotl § 7-2 a in force from 1 August 2022), and cites no hotl
    § 7-2 a; from that date the same request is a complainable breach."""
    request = Request(ref="req-1", right=Right.BARNEKOORDINATOR, requested_on=date(2021, 9, 1))
    before = request_obligation(request, as_of=date(2022, 3, 1))
    assert before is not None
    assert before.overdue
    assert not before.complainable
    assert "hotl § 7-2 a" not in [b.citation for b in before.basis]
    after = request_obligation(request, as_of=date(2022, 8, 1))
    assert after is not None
    assert after.complainable
    assert "hotl § 7-2 a" in [b.citation for b in after.basis]


def test_complaint_about_barnekoordinator_known_before_pbrl_2_5_c_is_refused_pbrl_7_2() -> None:
    """No barnekoordinator decision could be known of before 1 August 2022 (pbrl § 2-5 c), so a
    complaint about one is refused; a koordinator complaint then (hotl § 7-2) is received."""
    since = ref("pbrl-2-5-c").in_force_from
    assert since == date(2022, 8, 1)
    kw = {"ref": "k-1", "decision_ref": "V-1", "form": ComplaintForm.WRITTEN_SIGNED}
    with pytest.raises(RuleViolation, match="2022-08-01"):
        receive_complaint(
            right=Right.BARNEKOORDINATOR,
            knowledge_date=date(2021, 10, 1),
            received_on=date(2021, 10, 5),
            **kw,  # type: ignore[arg-type]
        )
    received = receive_complaint(
        right=Right.BARNEKOORDINATOR,
        knowledge_date=since,
        received_on=since,
        **kw,  # type: ignore[arg-type]
    )
    assert received.right is Right.BARNEKOORDINATOR
    koordinator = receive_complaint(
        right=Right.KOORDINATOR,
        knowledge_date=date(2021, 10, 1),
        received_on=date(2021, 10, 5),
        **kw,  # type: ignore[arg-type]
    )
    assert koordinator.right is Right.KOORDINATOR
