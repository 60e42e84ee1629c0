"""Eligibility cites only the law in force on ``as_of`` (decision 48).

The 2022 reform's rule set once cited barnevernsloven 2021 (in force 1 January 2023) for the
individuell plan and for barnevern's cooperation duty from 1 August 2022, and opplæringslova 1998
§ 15-8 for school, SFO and PPT after opplæringslova 2023 replaced it (1 August 2024). Each
change in the law is now its own dated rule set, and the cooperation duty a declining service is
reminded of is the one in force on the date (``Service.cooperation_duty_on``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.roles import Role, roles
from barnekoordinator.legal_basis import LegalReference, ref
from barnekoordinator.rights.eligibility import (
    RULES_VERSIONS,
    Author,
    ChildFacts,
    Condition,
    EligibilityFacts,
    EligibilityResult,
    ExistingCoordination,
    ExpectedChildFacts,
    FollowUpKind,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Outcome,
    Wish,
    Wishes,
    assess,
    rules_version,
)
from barnekoordinator.rights.wire import result_from_json, result_to_json
from barnekoordinator.services import SERVICES, ServiceKind, service
from barnekoordinator.testing.builders import standard_case

KE = Author(ref="ke-1", role="koordinerende enhet", service=ServiceKind.KOORDINERENDE_ENHET)
SCHOOL_SERVICES = (ServiceKind.SKOLE, ServiceKind.SFO, ServiceKind.PPT)


def _facts(*declining: ServiceKind, on: date) -> EligibilityFacts:
    """A child in need of barnevern and health services, every judgement made, all wanted."""
    yes = Judgement(conclusion=True, author=KE, assessed_on=on)
    return EligibilityFacts(
        child=ChildFacts(ref="barn-1", birth_date=date(2015, 3, 2)),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.BARNEVERN)),
        judgements=Judgements(serious=yes, long_term=yes, composite=yes, coordinated=yes),
        guardians=(
            GuardianFacts(
                ref="forelder-1",
                parental_responsibility=True,
                wishes=Wishes(
                    barnekoordinator=Wish.WANTS,
                    koordinator=Wish.WANTS,
                    individual_plan=Wish.WANTS,
                ),
            ),
        ),
        child_heard=True,
        services_declining_cooperation=declining,
    )


def _trace(result: EligibilityResult) -> list[tuple[str, LegalReference]]:
    """Every reference in the result, with where it stands: each right's basis and plan grounds,
    its conditions' basis and its follow-ups' basis, and the case's follow-ups' basis."""
    found: list[tuple[str, LegalReference]] = []
    for right in (
        result.barnekoordinator,
        result.koordinator,
        result.individual_plan,
        result.stafettlogg,
    ):
        name = right.right.value
        found += [(f"{name}.basis", r) for r in right.basis]
        found += [(f"{name}.grounds", r) for g in right.grounds for r in g.basis]
        for c in right.conditions:
            found += [(f"{name}.{c.condition.value}/{c.reason}", r) for r in c.basis]
        for f in right.follow_ups:
            found += [(f"{name}.follow-up.{f.kind.value}", r) for r in f.basis]
    for f in result.follow_ups:
        found += [(f"case.follow-up.{f.kind.value}", r) for r in f.basis]
    return found


def _keys(result: EligibilityResult) -> set[str]:
    return {r.key for _, r in _trace(result)}


def _escalation(result: EligibilityResult, kind: ServiceKind) -> list[str]:
    (escalation,) = (
        f
        for f in result.follow_ups
        if f.kind is FollowUpKind.ESCALATE_COOPERATION and f.service is kind
    )
    return [r.key for r in escalation.basis]


# --- barnevern: the 1992 act until 31 December 2022 ---------------------------------------


def test_in_autumn_2022_the_plan_rests_on_barnevernloven_1992_not_the_2021_act() -> None:
    """barnevernloven 1992 § 3-2 a, not barnevernsloven 2021 § 15-9 (in force 1 January 2023),
    gave the right to an individuell plan on 1 September 2022 (domain.md §3.1, §5.2); nor was
    bvl § 15-8 the cooperation duty then."""
    on = date(2022, 9, 1)
    result = assess(_facts(ServiceKind.BARNEVERN, on=on), as_of=on)
    assert result.rules_version == "2022-08-01"
    ip = result.individual_plan
    assert "bvl-1992-3-2-a" in [r.key for r in ip.basis]
    for c in ip.conditions:
        if c.condition is not Condition.WISH:
            assert "bvl-1992-3-2-a" in [r.key for r in c.basis], c.condition
    keys = _keys(result)
    assert "bvl-15-9" not in keys
    assert "bvl-15-8" not in keys
    assert _escalation(result, ServiceKind.BARNEVERN) == ["bvl-1992-3-2", "hotl-3-4"]


def test_from_2023_the_plan_rests_on_barnevernsloven_2021_section_15_9() -> None:
    """barnevernsloven 2021 § 15-9 (individuell plan) and § 15-8 (samarbeid) from 1 January
    2023 (domain.md §3.1, §5.2): on 1 June 2023 they are cited, the 1992 act's are not."""
    on = date(2023, 6, 1)
    result = assess(_facts(ServiceKind.BARNEVERN, on=on), as_of=on)
    assert result.rules_version == "2023-01-01"
    assert "bvl-15-9" in [r.key for r in result.individual_plan.basis]
    assert _escalation(result, ServiceKind.BARNEVERN) == ["bvl-15-8", "hotl-3-4"]
    keys = _keys(result)
    assert "bvl-1992-3-2-a" not in keys
    assert "bvl-1992-3-2" not in keys


@pytest.mark.parametrize("kind", SCHOOL_SERVICES)
def test_a_school_declining_in_autumn_2024_answers_to_opplaeringslova_2023(
    kind: ServiceKind,
) -> None:
    """opplæringslova 2023 replaced the 1998 act's § 15-8 (samarbeid og samordning) from the
    2024/25 school year, 1 August 2024 (domain.md §0, §5.2; the new paragraph number is
    uncertain): a school, SFO or PPT declining on 1 September 2024 is reminded of the new act."""
    on = date(2024, 9, 1)
    result = assess(_facts(kind, on=on), as_of=on)
    assert result.rules_version == "2024-08-01"
    assert _escalation(result, kind) == ["oppl-2023-samarbeid", "hotl-3-4"]
    assert "oppl-1998-15-8" not in _keys(result)


@pytest.mark.parametrize("kind", SCHOOL_SERVICES)
def test_a_school_declining_in_june_2024_answers_to_opplaeringslova_1998(
    kind: ServiceKind,
) -> None:
    """opplæringslova 1998 § 15-8 still applied on 1 June 2024 (domain.md §5.2)."""
    on = date(2024, 6, 1)
    result = assess(_facts(kind, on=on), as_of=on)
    assert result.rules_version == "2023-01-01"
    assert _escalation(result, kind) == ["oppl-1998-15-8", "hotl-3-4"]
    assert "oppl-2023-samarbeid" not in _keys(result)


def test_the_rule_sets_follow_the_dates_the_laws_came_into_force() -> None:
    """One rule set per change in the law: the reform (1 August 2022), barnevernsloven 2021
    (1 January 2023), opplæringslova 2023 (1 August 2024)."""
    assert RULES_VERSIONS == ("2012-01-01", "2022-08-01", "2023-01-01", "2024-08-01")
    assert rules_version(date(2022, 12, 31)) == "2022-08-01"
    assert rules_version(date(2023, 1, 1)) == "2023-01-01"
    assert rules_version(date(2024, 7, 31)) == "2023-01-01"
    assert rules_version(date(2024, 8, 1)) == "2024-08-01"
    assert ref("bvl-15-9").in_force_from == date(2023, 1, 1)
    assert ref("oppl-2023-samarbeid").in_force_from == date(2024, 8, 1)


# --- the services' dated duty ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "on", "key"),
    [
        (ServiceKind.BARNEVERN, date(2022, 8, 1), "bvl-1992-3-2"),
        (ServiceKind.BARNEVERN, date(2022, 12, 31), "bvl-1992-3-2"),
        (ServiceKind.BARNEVERN, date(2023, 1, 1), "bvl-15-8"),
        (ServiceKind.SKOLE, date(2024, 7, 31), "oppl-1998-15-8"),
        (ServiceKind.SFO, date(2024, 8, 1), "oppl-2023-samarbeid"),
        (ServiceKind.PPT, date(2030, 1, 1), "oppl-2023-samarbeid"),
        (ServiceKind.BARNEHAGE, date(2024, 8, 1), "bhgl-2-b"),
        (ServiceKind.FASTLEGE, date(2022, 8, 1), "hotl-3-4"),
    ],
)
def test_the_cooperation_duty_is_the_one_in_force_on_the_date(
    kind: ServiceKind, on: date, key: str
) -> None:
    """barnevernloven 1992 § 3-2 until 2022, barnevernsloven § 15-8 from 2023; opplæringslova
    1998 § 15-8 until 31 July 2024, the 2023 act from 1 August 2024 (domain.md §5.2)."""
    assert service(kind).cooperation_duty_on(on).key == key


def test_every_services_duty_is_in_force_on_the_date_it_is_given_for() -> None:
    """From the reform on, the duty given for a date is in force on it (or undated)."""
    day = date(2022, 8, 1)
    while day <= date(2026, 1, 1):
        for s in SERVICES.values():
            since = s.cooperation_duty_on(day).in_force_from
            assert since is None or since <= day, (s.kind, day)
        day += timedelta(days=31)


def test_a_schools_role_in_a_case_rests_on_the_act_in_force() -> None:
    """A school's and PPT's role as «tjenesteyter» rests on opplæringslova 1998 § 15-8 until
    31 July 2024 and on opplæringslova 2023 from 1 August 2024 (domain.md §5.2)."""
    run = standard_case(age=8, as_of=date(2024, 6, 3))

    def basis(ref: str, on: date) -> tuple[str, ...]:
        (found,) = (
            a.basis for a in roles(run.case, on) if a.ref == ref and a.role is Role.SERVICE_PROVIDER
        )
        return found

    for ref_ in ("kl", "ppt"):
        assert basis(ref_, date(2024, 6, 3)) == ("oppl-1998-15-8",)
        assert basis(ref_, date(2024, 9, 2)) == ("oppl-2023-samarbeid",)
    assert basis("pl", date(2024, 9, 2)) == ("bhgl-2-b",)


def test_the_1992_cooperation_reference_says_what_is_verified() -> None:
    """barnevernloven 1992 § 3-2: the wording is the reform's proposal text, not verified on
    Lovdata; the note says so, and that § 15-8 of the 2021 act replaced it."""
    r = ref("bvl-1992-3-2")
    assert r.citation == "barnevernloven 1992 § 3-2"
    assert r.status.value == "law-text-unverified"
    assert "bvl § 15-8" in r.note or "§ 15-8" in r.note
    assert r.url.startswith("https://lovdata.no/lov/1992-07-17-100/")


# --- stored results read back ----------------------------------------------------------------


def test_a_result_stored_under_the_reform_rule_set_before_the_correction_reads_back() -> None:
    """A result written as ``"2022-08-01"`` on 1 June 2023, before the 2023 rule set existed,
    cites bvl § 15-9 and § 15-8 as the 2023 rule set does: it reads back as it was written."""
    on = date(2023, 6, 1)
    document = result_to_json(
        assess(_facts(ServiceKind.BARNEVERN, ServiceKind.PPT, on=on), as_of=on)
    )
    document["rules_version"] = "2022-08-01"
    back = result_from_json(document)
    assert back.rules_version == "2022-08-01"
    assert result_to_json(back) == document
    assert "bvl-15-9" in [r.key for r in back.individual_plan.basis]


def test_a_result_stored_in_autumn_2024_under_the_reform_rule_set_reads_back() -> None:
    """Written as ``"2022-08-01"`` after 1 August 2024, a school's escalation cited opplæringslova
    1998 § 15-8: that document still reads back, citations as written."""
    on = date(2023, 6, 1)
    document = result_to_json(assess(_facts(ServiceKind.SKOLE, on=on), as_of=on))
    document["rules_version"] = "2022-08-01"
    document["as_of"] = "2024-09-01"
    back = result_from_json(document)
    assert result_to_json(back) == document


def test_a_new_result_of_each_rule_set_reads_back() -> None:
    """Each rule set's results round-trip exactly."""
    for on in (date(2022, 9, 1), date(2023, 6, 1), date(2024, 9, 1)):
        result = assess(_facts(ServiceKind.BARNEVERN, ServiceKind.SKOLE, on=on), as_of=on)
        assert result_from_json(result_to_json(result)) == result


# --- the property ----------------------------------------------------------------------------


def _in_force_problems(result: EligibilityResult) -> list[str]:
    """Each reference in the trace not in force on ``as_of`` (a reference with no date is
    always in force). Before the reform the barnekoordinator is *not met* because pbrl § 2-5 c
    and hotl § 7-2 a are not yet in force: citing them to say so is the one exception."""
    not_in_force = result.barnekoordinator.conditions[0].condition is Condition.IN_FORCE
    problems = []
    for where, r in _trace(result):
        if not_in_force and where.startswith(
            ("barnekoordinator.basis", "barnekoordinator.in-force")
        ):
            continue
        since = r.in_force_from
        if since is not None and since > result.as_of:
            problems.append(f"{where}: {r.key} in force from {since}, as_of {result.as_of}")
    return problems


_PIVOTS = (
    date(2012, 1, 1),
    date(2022, 7, 31),
    date(2022, 8, 1),
    date(2022, 12, 31),
    date(2023, 1, 1),
    date(2024, 7, 31),
    date(2024, 8, 1),
)
_judgement = st.none() | st.builds(
    Judgement,
    conclusion=st.booleans(),
    author=st.just(KE) | st.just(Author(ref="lege-1", role="lege")),
    assessed_on=st.dates(min_value=date(2012, 1, 1), max_value=date(2031, 12, 31)),
)
_wishes = st.builds(
    Wishes,
    barnekoordinator=st.sampled_from(Wish),
    koordinator=st.sampled_from(Wish),
    individual_plan=st.sampled_from(Wish),
    stafettlogg=st.sampled_from(Wish),
)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[EligibilityFacts, date, MunicipalSettings]:
    as_of = draw(
        st.sampled_from(_PIVOTS)
        | st.dates(min_value=date(2012, 1, 1), max_value=date(2031, 12, 31))
    )
    if draw(st.integers(0, 4)):
        born = as_of - timedelta(days=draw(st.integers(0, 25 * 366)))
        child, expected = ChildFacts(ref="barn-1", birth_date=born), None
    else:
        adoption = draw(st.booleans())
        birth = None
        if adoption and draw(st.booleans()):
            birth = as_of - timedelta(days=draw(st.integers(0, 20 * 366)))
        child = None
        expected = ExpectedChildFacts(
            ref="ventet-1",
            expected_date=as_of + timedelta(days=draw(st.integers(0, 250))),
            adoption=adoption,
            **({"birth_date": birth} if birth is not None else {}),
        )
    services = tuple(draw(st.lists(st.sampled_from(ServiceKind), max_size=5)))
    facts = EligibilityFacts(
        child=child,
        expected_child=expected,
        needs=Needs(services=services),
        judgements=Judgements(
            serious=draw(_judgement),
            long_term=draw(_judgement),
            composite=draw(_judgement),
            coordinated=draw(_judgement),
        ),
        guardians=tuple(
            GuardianFacts(
                ref=f"forelder-{i}",
                parental_responsibility=draw(st.booleans()),
                wishes=draw(_wishes),
            )
            for i in range(draw(st.integers(0, 2)))
        ),
        child_wishes=draw(_wishes),
        child_heard=draw(st.booleans()),
        barnevern_has_care=draw(st.booleans()),
        bti_level=draw(st.none() | st.integers(0, 3)),
        parental_risk_factors=draw(st.booleans()),
        existing=draw(
            st.builds(
                ExistingCoordination,
                barnekoordinator=st.booleans(),
                koordinator=st.booleans(),
                family_barnekoordinator=st.booleans(),
                previous_municipality_barnekoordinator=st.booleans(),
            )
        ),
        services_declining_cooperation=tuple(
            draw(st.lists(st.sampled_from(ServiceKind), max_size=3))
        ),
    )
    s = draw(
        st.just(MunicipalSettings())
        | st.builds(
            MunicipalSettings,
            barnekoordinator_fills_koordinator_role=st.booleans(),
            one_barnekoordinator_per_family=st.booleans(),
        )
    )
    return facts, as_of, s


@settings(max_examples=400, deadline=None)
@given(_cases())
def test_every_reference_in_a_result_is_in_force_on_as_of(
    case: tuple[EligibilityFacts, date, MunicipalSettings],
) -> None:
    """For any facts and date, every legal reference a result cites — each right's basis and
    plan grounds, its conditions', its follow-ups' and the case's follow-ups' — has come into
    force on ``as_of`` (``LegalReference.in_force_from``; no date: always in force), save the
    pre-reform barnekoordinator's ``in-force`` condition, which cites pbrl § 2-5 c and hotl
    § 7-2 a to say they are not yet in force."""
    facts, as_of, s = case
    result = assess(facts, as_of=as_of, settings=s)
    assert _in_force_problems(result) == []


def test_the_pre_reform_exception_is_only_the_not_in_force_barnekoordinator() -> None:
    """Before the reform the barnekoordinator's one condition cites the laws not yet in force;
    nothing else in the result does."""
    on = date(2020, 1, 1)
    facts = EligibilityFacts(
        child=ChildFacts(ref="barn-1", birth_date=date(2015, 3, 2)),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.BARNEVERN)),
        existing=ExistingCoordination(koordinator=True, barnekoordinator=True),
        services_declining_cooperation=(ServiceKind.SKOLE, ServiceKind.BARNEVERN),
    )
    result = assess(facts, as_of=on)
    (c,) = result.barnekoordinator.conditions
    assert (c.condition, c.outcome) == (Condition.IN_FORCE, Outcome.NOT_MET)
    assert all(r.in_force_from == date(2022, 8, 1) for r in c.basis)
    assert _in_force_problems(result) == []
