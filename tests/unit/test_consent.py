"""The consent ledger (domain.md §6.2, §6.3, §7.6): who must consent, to what, until when."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from barnekoordinator.access.consent import (
    BARNEVERN,
    ConsentPurpose,
    Section,
    change_care_order,
    give_consent,
    ledger,
    required_consenters,
    withdraw_consent,
)
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import ConsentRequired, InvalidInput, RuleViolation
from barnekoordinator.history.case import Case
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    child_aged,
    expected_child,
    father,
    mother,
    new_case,
    standard_case,
)
from barnekoordinator.testing.leaks import identifier_runs

D = DEFAULT_AS_OF
P = ConsentPurpose
GUARDIANS = frozenset({"mor", "far"})
CHILD = frozenset({"child"})

# Age on D -> purpose -> who must consent (default municipal settings: stafettlogg from 15).
# Sharing without a section asks for everyone entitled for any section: from 16 the young person
# (health) and the guardians (the other sections, foreldreansvar lasts to 18; issue 14 item 3).
MATRIX: dict[int, dict[ConsentPurpose, frozenset[str]]] = {
    0: dict.fromkeys(P, GUARDIANS),
    7: dict.fromkeys(P, GUARDIANS),
    12: dict.fromkeys(P, GUARDIANS),
    15: {**dict.fromkeys(P, GUARDIANS), P.STAFETTLOGG: GUARDIANS | CHILD},
    16: {
        **dict.fromkeys(P, CHILD),
        P.BARNEKOORDINATOR: GUARDIANS | CHILD,
        P.SHARE_INFORMATION: GUARDIANS | CHILD,
        P.STAFETTLOGG: GUARDIANS | CHILD,
    },
    18: dict.fromkeys(P, CHILD),
}


def _case(age: int, **kw: object) -> CaseRun:
    return standard_case(age=age, **kw)  # type: ignore[arg-type]


def _give(run: CaseRun, cid: str, purpose: ConsentPurpose, by: set[str], **kw: object) -> None:
    run.run(
        give_consent,
        consent_id=cid,
        purpose=purpose,
        given_by=by,
        services=kw.pop("services", [ServiceKind.BARNEHAGE]),
        as_of=kw.pop("as_of", D),
        settings=run.settings,
        **kw,
    )


@pytest.mark.parametrize("age", sorted(MATRIX))
@pytest.mark.parametrize("purpose", list(P))
def test_required_consenters_by_age_and_purpose(age: int, purpose: ConsentPurpose) -> None:
    """The age matrix of domain.md §6.2 / §7.6: guardians, the youth from 15/16, the adult at 18."""
    run = _case(age)
    assert required_consenters(run.case, purpose, as_of=D) == MATRIX[age][purpose]


def test_sixteen_rule_municipality_keeps_guardians_at_fifteen() -> None:
    """With stafettlogg_consent_age 16, a 15-year-old's log needs the guardians (BTI-05)."""
    settings = MunicipalSettings(stafettlogg_consent_age=16)
    run = _case(15)
    assert required_consenters(run.case, P.STAFETTLOGG, as_of=D, settings=settings) == GUARDIANS


def test_both_parents_with_shared_foreldreansvar_must_consent() -> None:
    """One parent's consent is not a consent where foreldreansvar is shared (pbrl § 4-4)."""
    run = _case(5)
    _give(run, "c-mor", P.STAFETTLOGG, {"mor"})
    book = ledger(run.case)
    assert not book.covers(run.case, P.STAFETTLOGG, as_of=D)
    with pytest.raises(ConsentRequired, match=r"missing: guardian far \(father\)"):
        book.require(run.case, P.STAFETTLOGG, as_of=D)
    _give(run, "c-far", P.STAFETTLOGG, {"far"})
    assert ledger(run.case).covers(run.case, P.STAFETTLOGG, as_of=D)


def test_parent_without_foreldreansvar_cannot_consent() -> None:
    """A parent without foreldreansvar is not a consenting party (domain.md §6.3 rule 3)."""
    run = _case(5, shared_responsibility=False)
    with pytest.raises(RuleViolation, match="cannot consent"):
        _give(run, "c-far", P.STAFETTLOGG, {"far"})
    _give(run, "c-mor", P.STAFETTLOGG, {"mor"})
    assert ledger(run.case).covers(run.case, P.STAFETTLOGG, as_of=D)


def test_only_health_sharing_moves_to_the_youth_at_16() -> None:
    """From 16 the youth consents to health sharing; other sharing stays with foreldreansvar.

    pbrl § 4-3 b moves health matters to the young person; foreldreansvar lasts to
    18 (domain.md §2.7, §6.2, §6.3 rule 6). Issue 14 item 3: this test used to
    refuse the guardians' consent to sharing for every section.
    """
    run = _case(16)
    health, school = [Section.HEALTH], [Section.EDUCATION]
    with pytest.raises(RuleViolation, match="cannot consent"):
        _give(run, "c-bad", P.SHARE_INFORMATION, {"mor", "far"}, sections=health)
    with pytest.raises(RuleViolation, match="cannot consent"):
        _give(run, "c-bad", P.SHARE_INFORMATION, {"child"}, sections=school)
    _give(run, "c-health", P.SHARE_INFORMATION, {"child"}, sections=health)
    _give(run, "c-school", P.SHARE_INFORMATION, {"mor", "far"}, sections=school)
    book = ledger(run.case)
    for section, who in ((Section.HEALTH, CHILD), (Section.EDUCATION, GUARDIANS)):
        kw = {"as_of": D, "section": section}
        assert required_consenters(run.case, P.SHARE_INFORMATION, **kw) == who  # type: ignore[arg-type]
        assert book.covers(run.case, P.SHARE_INFORMATION, service=ServiceKind.BARNEHAGE, **kw)  # type: ignore[arg-type]
    assert not book.covers(run.case, P.SHARE_INFORMATION, as_of=D, section=Section.CHILD_WELFARE)


def test_pregnant_woman_consents_before_birth_and_both_guardians_after() -> None:
    """Before birth the pregnant woman consents; after birth everyone with foreldreansvar."""
    run = new_case(subject=expected_child(), guardians=(mother(), father()))
    assert required_consenters(run.case, P.STAFETTLOGG, as_of=D) == {"mor"}
    # hotl § 7-2 a «foreldrene»: both expecting parents wish a barnekoordinator (issue 14 item 2).
    assert required_consenters(run.case, P.BARNEKOORDINATOR, as_of=D) == GUARDIANS
    _give(run, "c-preg", P.STAFETTLOGG, {"mor"})
    assert ledger(run.case).covers(run.case, P.STAFETTLOGG, as_of=D)
    from barnekoordinator.history.case import record_birth

    born = child_aged(0, as_of=D + timedelta(days=30), days_past_birthday=1)
    run.do(record_birth(run.case, born))
    later = D + timedelta(days=30)
    assert required_consenters(run.case, P.STAFETTLOGG, as_of=later) == GUARDIANS
    assert not ledger(run.case).covers(run.case, P.STAFETTLOGG, as_of=later)


def test_barnevern_consents_to_health_care_when_it_has_taken_over_care() -> None:
    """Pbrl § 4-5: after omsorgsovertakelse barnevernstjenesten consents to health care."""
    run = _case(8)
    _give(run, "c-parents", P.HEALTH_CARE, {"mor", "far"}, services=[ServiceKind.HELSESTASJON])
    assert ledger(run.case).covers(run.case, P.HEALTH_CARE, as_of=D)
    run.do(change_care_order(run.case, care_taken_over=True))
    assert required_consenters(run.case, P.HEALTH_CARE, as_of=D) == {BARNEVERN}
    assert not ledger(run.case).covers(run.case, P.HEALTH_CARE, as_of=D)
    # Other purposes stay with those who have foreldreansvar.
    assert required_consenters(run.case, P.STAFETTLOGG, as_of=D) == GUARDIANS
    _give(run, "c-bv", P.HEALTH_CARE, {BARNEVERN}, services=[ServiceKind.HELSESTASJON])
    assert ledger(run.case).covers(run.case, P.HEALTH_CARE, as_of=D)


def test_care_order_cannot_be_recorded_twice() -> None:
    """Changing the care order to its current value is refused."""
    run = _case(8)
    with pytest.raises(RuleViolation):
        change_care_order(run.case, care_taken_over=False)


def test_withdrawal_acts_the_same_day() -> None:
    """A consent withdrawn on a day covers nothing from that day; the day before it did."""
    run = _case(5)
    _give(run, "c", P.STAFETTLOGG, {"mor", "far"})
    day = D + timedelta(days=10)
    run.run(withdraw_consent, consent_id="c", by="mor", as_of=day)
    book = ledger(run.case)
    assert book.covers(run.case, P.STAFETTLOGG, as_of=day - timedelta(days=1))
    assert not book.covers(run.case, P.STAFETTLOGG, as_of=day)
    withdrawn = book.get("c")
    assert withdrawn is not None
    assert withdrawn.withdrawn_on == day
    assert withdrawn.withdrawn_by == "mor"


def test_one_parents_withdrawal_ends_the_consent_for_both() -> None:
    """Where both must consent, one parent's withdrawal means no valid consent (pbrl § 4-4)."""
    run = _case(5)
    _give(run, "c-mor", P.STAFETTLOGG, {"mor"})
    _give(run, "c-far", P.STAFETTLOGG, {"far"})
    run.run(withdraw_consent, consent_id="c-far", by="far", as_of=D)
    assert not ledger(run.case).covers(run.case, P.STAFETTLOGG, as_of=D)


def test_withdrawal_rules() -> None:
    """Only a giver or someone who must consent withdraws, once, an existing consent."""
    run = _case(5)
    _give(run, "c", P.STAFETTLOGG, {"mor", "far"})
    with pytest.raises(RuleViolation, match="may not withdraw"):
        withdraw_consent(run.case, consent_id="c", by="pl", as_of=D)
    with pytest.raises(InvalidInput):
        withdraw_consent(run.case, consent_id="nope", by="mor", as_of=D)
    run.run(withdraw_consent, consent_id="c", by="far", as_of=D)
    with pytest.raises(RuleViolation, match="already withdrawn"):
        withdraw_consent(run.case, consent_id="c", by="mor", as_of=D)


def test_consent_covers_only_its_services_and_sections() -> None:
    """A consent covers the named receiving services and sections only (§6.3 rule 5)."""
    run = _case(5)
    _give(
        run,
        "c",
        P.STAFETTLOGG,
        {"mor", "far"},
        services=[ServiceKind.BARNEHAGE],
        sections=[Section.EDUCATION],
    )
    book = ledger(run.case)
    assert book.covers(run.case, P.STAFETTLOGG, as_of=D, service=ServiceKind.BARNEHAGE)
    assert not book.covers(run.case, P.STAFETTLOGG, as_of=D, service=ServiceKind.PPT)
    assert not book.covers(run.case, P.STAFETTLOGG, as_of=D, section=Section.HEALTH)
    with pytest.raises(ConsentRequired, match="for ppt"):
        book.require(run.case, P.STAFETTLOGG, as_of=D, service=ServiceKind.PPT)


def test_consent_to_share_is_distinct_from_consent_to_care() -> None:
    """Consent to health care does not cover sharing information, nor the reverse."""
    run = _case(16)
    _give(run, "care", P.HEALTH_CARE, {"child"}, services=[ServiceKind.HELSESTASJON])
    book = ledger(run.case)
    assert book.covers(run.case, P.HEALTH_CARE, as_of=D)
    assert not book.covers(run.case, P.SHARE_INFORMATION, as_of=D)


def test_consent_period_bounds_coverage() -> None:
    """A consent covers from its day up to and including valid_to."""
    run = _case(5)
    end = D + timedelta(days=30)
    _give(run, "c", P.STAFETTLOGG, {"mor", "far"}, valid_to=end)
    book = ledger(run.case)
    assert not book.covers(run.case, P.STAFETTLOGG, as_of=D - timedelta(days=1))
    assert book.covers(run.case, P.STAFETTLOGG, as_of=end)
    assert not book.covers(run.case, P.STAFETTLOGG, as_of=end + timedelta(days=1))


@pytest.mark.parametrize(
    ("age_before", "birthday_years", "purpose"),
    [(14, 15, P.STAFETTLOGG), (15, 16, P.SHARE_INFORMATION), (15, 16, P.BARNEKOORDINATOR)],
)
def test_consent_lapses_when_the_consenting_party_changes(
    age_before: int, birthday_years: int, purpose: ConsentPurpose
) -> None:
    """Age-triggered re-consent: the guardians' consent lapses at 15 (log) and 16 (health, BK)."""
    run = standard_case(age=age_before)
    _give(run, "c", purpose, set(required_consenters(run.case, purpose, as_of=D)))
    child = run.case.child
    assert child is not None
    birthday = child.turns(birthday_years)
    book = ledger(run.case)
    assert book.covers(run.case, purpose, as_of=birthday - timedelta(days=1))
    assert not book.covers(run.case, purpose, as_of=birthday)


def test_missing_consent_is_named_by_role_without_identifiers() -> None:
    """ConsentRequired names who is missing by role and case-local ref, never a national id."""
    run = _case(5)
    with pytest.raises(ConsentRequired) as excinfo:
        ledger(run.case).require(run.case, P.INDIVIDUAL_PLAN, as_of=D)
    message = str(excinfo.value)
    assert "guardian far (father)" in message
    assert "guardian mor (mother)" in message
    assert not identifier_runs(message)


def test_give_consent_validates_its_input() -> None:
    """Unknown givers, no services, a reused id or an end before the start are refused."""
    run = _case(5)
    with pytest.raises(InvalidInput, match="not people"):
        _give(run, "c", P.STAFETTLOGG, {"stranger"})
    with pytest.raises(InvalidInput, match="services"):
        _give(run, "c", P.STAFETTLOGG, {"mor"}, services=[])
    with pytest.raises(InvalidInput, match="valid_to"):
        _give(run, "c", P.STAFETTLOGG, {"mor"}, valid_to=D - timedelta(days=1))
    with pytest.raises(InvalidInput, match="at least one"):
        _give(run, "c", P.STAFETTLOGG, set())
    _give(run, "c", P.STAFETTLOGG, {"mor"})
    with pytest.raises(InvalidInput, match="already used"):
        _give(run, "c", P.STAFETTLOGG, {"far"})


def test_no_consenting_party_means_no_valid_consent() -> None:
    """Without any guardian with foreldreansvar nobody can consent, and nothing is covered."""
    run = new_case(subject=child_aged(5), guardians=(mother(parental_responsibility=False),))
    assert required_consenters(run.case, P.STAFETTLOGG, as_of=D) == frozenset()
    assert not ledger(run.case).covers(run.case, P.STAFETTLOGG, as_of=D)
    with pytest.raises(ConsentRequired, match="nobody"):
        ledger(run.case).require(run.case, P.STAFETTLOGG, as_of=D)


def test_ledger_survives_replay() -> None:
    """Replaying the history gives the same ledger, withdrawals included."""
    run = _case(5)
    _give(run, "c1", P.STAFETTLOGG, {"mor", "far"})
    _give(run, "c2", P.INDIVIDUAL_PLAN, {"mor", "far"})
    run.run(withdraw_consent, consent_id="c1", by="mor", as_of=date(2026, 2, 1))
    replayed: Case = run.replay()
    assert ledger(replayed) == ledger(run.case)
    assert replayed == run.case


def test_a_guardian_does_not_withdraw_a_sixteen_year_olds_own_health_sharing() -> None:
    """pbrl § 4-3 first paragraph b: from 16 the young person consents in health matters, so
    her own consent to share health information is hers to withdraw (domain.md §6.3 rule 6).
    Access sweep, 2026-12-07: the mother, who may not give it, could withdraw it, and the school
    lost what the youth had shared. A consent naming sections the guardians still consent for
    (education) stays theirs to withdraw too."""
    run = standard_case(age=16)
    run.run(
        give_consent,
        consent_id="h",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["child"],
        services=[ServiceKind.SKOLE],
        sections=[Section.HEALTH],
        as_of=D,
    )
    with pytest.raises(RuleViolation, match="may not withdraw consent 'h'"):
        withdraw_consent(run.case, consent_id="h", by="mor", as_of=D)
    assert withdraw_consent(run.case, consent_id="h", by="child", as_of=D).by == "child"
    run.run(
        give_consent,
        consent_id="both",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["child", "mor", "far"],
        services=[ServiceKind.SKOLE],
        sections=[Section.HEALTH, Section.EDUCATION],
        as_of=D,
    )
    assert withdraw_consent(run.case, consent_id="both", by="mor", as_of=D).by == "mor"
