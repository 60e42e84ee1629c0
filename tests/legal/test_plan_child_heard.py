"""IP-09: from 7 the child is informed and heard before the guardians consent to the plan.

pbrl § 4-4 fifth ledd (domain.md §6.1, §6.2; barnekonvensjonen art. 12, barneloven § 31): from
when the child can form views, and at the latest from 7, the parents inform the child and let it
speak before they consent; from 12 its views carry great weight. Guardians who consent to the
individual plan for a child of 7 or more with no voice of the child recorded is a procedural
error: the plan's responsible person gets an UNMET ``plan.child-not-heard`` until the child's
voice is recorded.
"""

from __future__ import annotations

from datetime import date, timedelta

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.participation import record_own_voice
from barnekoordinator.coordination.plan import set_plan_responsible, start_plan
from barnekoordinator.coordination.roles import Obligation, ObligationStatus, Role, obligations
from barnekoordinator.coordination.voice import record_child_voice
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import DEFAULT_AS_OF, CaseRun, consent_all, standard_case

D = DEFAULT_AS_OF
S = ServiceKind
P = ConsentPurpose
CODE = "plan.child-not-heard"
PLAN_SERVICES = (S.KOORDINERENDE_ENHET, S.HELSESTASJON, S.SKOLE)


def _consented(age: int, *, voice_before: bool = False) -> CaseRun:
    """A child of ``age`` whose guardians consent to the plan on D; ``ke`` starts it and is
    responsible. ``voice_before`` records the child's voice ten days before, under a
    stafettlogg consent."""
    run = standard_case(age=age)
    if voice_before:
        earlier = D - timedelta(days=10)
        consent_all(run, P.STAFETTLOGG, [S.HELSESTASJON], as_of=earlier, consent_id="log")
        run.run(
            record_child_voice,
            voice_id="v1",
            by="hs",
            what_matters=["Jeg vil ha det fint på skolen"],
            as_of=earlier,
        )
    consent_all(run, P.INDIVIDUAL_PLAN, PLAN_SERVICES, consent_id="ip")
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    run.run(set_plan_responsible, by="ke", responsible_ref="ke", as_of=D)
    return run


def _unheard(run: CaseRun, as_of: date = D) -> list[Obligation]:
    return [o for o in obligations(run.case, as_of, run.settings) if o.code == CODE]


def test_ip09_guardians_consent_for_a_7_year_old_unheard_pbrl_4_4_fifth_ledd() -> None:
    """IP-09, pbrl § 4-4 fifth ledd: the guardians consented to the plan for a child of 7 with
    no voice of the child recorded: the plan's responsible person has an UNMET obligation, on
    § 4-4, § 3-1 and barnekonvensjonen art. 12, worded in nb, nn and en with the child's age."""
    found = _unheard(_consented(7))
    assert len(found) == 1
    o = found[0]
    assert o.status is ObligationStatus.UNMET
    assert o.actor_ref == "ke"
    assert o.role is Role.KOORDINATOR
    assert o.subject == "ip-1"
    assert {"pbrl-4-4", "pbrl-3-1", "bk-art-12"} <= {r.key for r in o.basis}
    assert "7 år" in o.text_nb
    assert "7 år" in o.text_nn
    assert "was 7" in o.text_en


def test_ip09_from_7_and_until_the_young_person_consents_pbrl_4_4_and_4_3_b() -> None:
    """pbrl § 4-4 fifth ledd: at 6 the child is heard if able (no obligation), at 7 and 12 it
    must be heard; from 16 the young person consents herself (§ 4-3 b), so no guardian
    consent is there to precede."""
    flagged = {age for age in (6, 7, 12, 16) if _unheard(_consented(age))}
    assert flagged == {7, 12}


def test_ip09_voice_recorded_before_the_consent_meets_it_pbrl_4_4() -> None:
    """pbrl § 4-4 fifth ledd: a voice of the child recorded before the guardians consent is the
    hearing the law asks for; without it the obligation is there."""
    assert _unheard(_consented(7))
    assert not _unheard(_consented(7, voice_before=True))


def test_ip09_obligation_goes_away_once_the_child_is_heard_pbrl_4_4() -> None:
    """pbrl § 4-4 fifth ledd: hearing the child afterwards mends the procedural error; the
    obligation stays until the voice is recorded (and still shows on a day before it)."""
    run = _consented(12)
    assert _unheard(run)
    later = D + timedelta(days=3)
    run.run(
        record_child_voice,
        voice_id="v1",
        by="ke",
        what_matters=["Jeg vil være med og bestemme"],
        as_of=later,
    )
    assert not _unheard(run, later)
    assert _unheard(run, later - timedelta(days=1))


def test_ip09_the_child_s_own_voice_counts_a_guardian_s_relay_does_not_pbrl_4_4() -> None:
    """pbrl § 4-4 fifth ledd, bk art. 12: the child writing her own voice is heard; a guardian
    saying what the child said is the guardians' word, and the obligation stays."""
    run = _consented(12)
    run.run(
        record_own_voice,
        voice_id="g1",
        by="mor",
        what_matters=["Hun sier at hun vil ha planen"],
        on_behalf_of_child=True,
        as_of=D,
    )
    assert _unheard(run)
    run.run(record_own_voice, voice_id="c1", by="child", what_matters=["Jeg vil"], as_of=D)
    assert not _unheard(run)
