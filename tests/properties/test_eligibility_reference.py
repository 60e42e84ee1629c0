"""The optimised ``assess()`` answers exactly as the frozen reference does (issue 15 item 3).

``_eligibility_reference`` is a verbatim copy of the evaluator as it was before it was made fast
(decision 0027). For every generated family, date and municipal setting the new ``assess()``
must return an equal result (attrs equality of the whole tree: every condition with its legal
references, facts relied on, nb/nn/en texts, follow-ups and due dates) and the same
``eligibility-result.v1`` JSON, or raise the same typed error. A golden file of seeded cases pins
the JSON itself, so a change to the shared result classes shows too.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import _eligibility_reference as reference
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_eligibility_properties import needs  # services and flags that never contradict

from barnekoordinator.config import MunicipalSettings, YouthBarnekoordinatorConsent
from barnekoordinator.errors import BarnekoordinatorError
from barnekoordinator.people import GuardianRelation, age_on
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    EligibilityFacts,
    EligibilityResult,
    ExistingCoordination,
    ExpectedChildFacts,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Wish,
    Wishes,
    _evaluator,
    assess,
)
from barnekoordinator.rights.eligibility._evaluator import params, subject
from barnekoordinator.rights.wire import facts_from_json, facts_to_json, result_to_json
from barnekoordinator.services import ServiceKind

_WISH_FIELDS = ("barnekoordinator", "koordinator", "individual_plan", "stafettlogg")
GOLDEN = Path(__file__).with_name("eligibility_reference_golden.jsonl")
JUDGEMENT_FIELDS = ("serious", "long_term", "composite", "coordinated")
# Dates where the law, or a child's age against it, turns: every regime (the reform,
# barnevernsloven 2021 in force 2023, opplæringslova 2023 in force 1 August 2024), and the days
# around them.
PIVOTS = (
    date(2012, 1, 1),
    date(2022, 7, 31),
    date(2022, 8, 1),
    date(2022, 12, 31),
    date(2023, 1, 1),
    date(2024, 7, 31),
    date(2024, 8, 1),
    date(2025, 9, 1),
)

# A small pool, so the child's ref sometimes equals a guardian's (allowed, and a corner of
# who_consents: the refs are matched, not the roles).
refs = st.sampled_from(["barn-1", "forelder-1", "forelder-2", "forelder-3", "mor-1"])
as_of_dates = st.sampled_from(PIVOTS) | st.dates(
    min_value=date(2011, 12, 1), max_value=date(2031, 12, 31)
)
authors = st.builds(
    Author,
    ref=st.sampled_from(["ansatt-1", "ansatt-2"]),
    role=st.sampled_from(["koordinerende enhet", "helsesykepleier", "lege"]),
    service=st.none() | st.sampled_from(ServiceKind),
)
wishes = st.just(Wishes()) | st.builds(
    Wishes,
    barnekoordinator=st.sampled_from(Wish),
    koordinator=st.sampled_from(Wish),
    individual_plan=st.sampled_from(Wish),
    stafettlogg=st.sampled_from(Wish),
)
municipal_settings = st.just(MunicipalSettings()) | st.builds(
    MunicipalSettings,
    stafettlogg_consent_age=st.sampled_from([15, 16]),
    stafettlogg_youth_consents_alone=st.booleans(),
    stafettlogg_from_level=st.integers(0, 3),
    offers_stafettlogg=st.booleans(),
    stafettlogg_age_limit=st.sampled_from([18, 24]),
    barnekoordinator_fills_koordinator_role=st.booleans(),
    one_barnekoordinator_per_family=st.booleans(),
    barnekoordinator_consent_16_17=st.sampled_from(YouthBarnekoordinatorConsent),
    care_order_consent_to_coordination=st.booleans(),
)


@st.composite
def judgement(draw: st.DrawFn, as_of: date) -> Judgement | None:
    """Missing, or positive or negative, made before, on or after ``as_of``."""
    if draw(st.integers(0, 3)) == 0:
        return None
    return Judgement(
        conclusion=draw(st.booleans()),
        author=draw(authors),
        assessed_on=as_of + timedelta(days=draw(st.sampled_from([-400, -1, 0, 1, 30]))),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[EligibilityFacts, date, MunicipalSettings]:
    """Valid facts (a child of any age, or an expected one), an ``as_of`` and settings.

    The birth date (a child's, or a child to be adopted's) is sometimes after ``as_of``, and
    ``as_of`` sometimes before 2012: both are errors, and the error must be the same too.
    """
    as_of = draw(as_of_dates)
    if draw(st.integers(0, 4)):
        years = draw(st.integers(0, 27))
        days = draw(st.sampled_from([-1, 0, 1, 100, 200]))
        born = as_of - timedelta(days=round(years * 365.25) + days)
        child, expected = ChildFacts(ref=draw(refs), birth_date=born), None
    else:
        child = None
        adoption = draw(st.booleans())
        adoptee = None
        if adoption and draw(st.booleans()):
            years = draw(st.integers(0, 20))
            days = draw(st.sampled_from([-1, 0, 1, 100]))
            adoptee = as_of - timedelta(days=round(years * 365.25) + days)
        expected = ExpectedChildFacts(
            ref=draw(refs),
            expected_date=as_of + timedelta(days=draw(st.integers(0, 250))),
            adoption=adoption,
            birth_date=adoptee,
        )
    guardian_refs = draw(st.lists(refs, max_size=3, unique=True))
    facts = EligibilityFacts(
        child=child,
        expected_child=expected,
        needs=draw(needs()),
        judgements=Judgements(**{f: draw(judgement(as_of)) for f in JUDGEMENT_FIELDS}),
        guardians=tuple(
            GuardianFacts(
                ref=r,
                parental_responsibility=draw(st.booleans()),
                wishes=draw(wishes),
                relation=draw(st.none() | st.sampled_from(GuardianRelation)),
            )
            for r in guardian_refs
        ),
        child_wishes=draw(wishes),
        child_heard=draw(st.booleans()),
        barnevern_has_care=draw(st.booleans()),
        barnevern_wishes=draw(wishes),
        bti_level=draw(st.none() | st.integers(0, 3)),
        parental_risk_factors=draw(st.booleans()),
        existing=draw(
            st.builds(
                ExistingCoordination,
                barnekoordinator=st.booleans(),
                koordinator=st.booleans(),
                individual_plan=st.booleans(),
                stafettlogg=st.booleans(),
                family_barnekoordinator=st.booleans(),
                previous_municipality_barnekoordinator=st.booleans(),
            )
        ),
        services_declining_cooperation=tuple(
            draw(st.lists(st.sampled_from(ServiceKind), max_size=2))
        ),
    )
    return facts, as_of, draw(municipal_settings)


def _outcome(
    run: Any, facts: EligibilityFacts, as_of: date, s: MunicipalSettings
) -> EligibilityResult | tuple[type[BaseException], str]:
    try:
        result: EligibilityResult = run(facts, as_of=as_of, settings=s)
    except BarnekoordinatorError as error:
        return type(error), str(error)
    return result


def _assert_same(facts: EligibilityFacts, as_of: date, s: MunicipalSettings) -> None:
    new = _outcome(assess, facts, as_of, s)
    old = _outcome(reference.assess, facts, as_of, s)
    assert new == old
    if isinstance(new, EligibilityResult):
        assert isinstance(old, EligibilityResult)
        assert result_to_json(new) == result_to_json(old)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
@example(
    (
        EligibilityFacts(
            child=ChildFacts(ref="barn-1", birth_date=date(2008, 2, 29)),
            guardians=(
                GuardianFacts(
                    ref="barn-1",
                    parental_responsibility=True,
                    wishes=Wishes(barnekoordinator=Wish.DECLINES),
                ),
            ),
            child_wishes=Wishes(barnekoordinator=Wish.WANTS),
        ),
        date(2025, 9, 1),
        MunicipalSettings(),
    )
)
def test_assess_equals_the_frozen_reference(
    case: tuple[EligibilityFacts, date, MunicipalSettings],
) -> None:
    """Same result, same trace, same JSON, or the same error, for every input."""
    _assert_same(*case)


@given(cases(), st.integers(2, 4))
@settings(max_examples=200, deadline=None)
def test_assess_is_the_same_when_asked_again(
    case: tuple[EligibilityFacts, date, MunicipalSettings], times: int
) -> None:
    """Whatever is shared or cached between assessments never leaks into the next one."""
    facts, as_of, s = case
    first = _outcome(assess, facts, as_of, s)
    for _ in range(times):
        assert _outcome(assess, facts, as_of, s) == first
    assert first == _outcome(reference.assess, facts, as_of, s)


# --- the golden file: seeded families, their facts and the hash of their result JSON --------


def _wish(rng: random.Random) -> Wishes:
    return Wishes(**{f: rng.choice(list(Wish)) for f in _WISH_FIELDS})


def _judged(rng: random.Random, as_of: date) -> Judgement | None:
    if rng.random() < 0.3:
        return None
    on = as_of - timedelta(days=rng.choice((-5, 0, 5, 300)))
    author = Author(ref="ansatt-1", role="lege")
    return Judgement(conclusion=rng.random() < 0.7, author=author, assessed_on=on)


def _seeded_cases(n: int, seed: int) -> list[tuple[EligibilityFacts, date, dict[str, Any]]]:
    """``n`` families drawn like the benchmark's (and wider: relations, settings, both laws)."""
    rng = random.Random(seed)
    kinds = list(ServiceKind)
    out = []
    for i in range(n):
        as_of = rng.choice(PIVOTS) if rng.random() < 0.5 else date(2012 + rng.randrange(18), 6, 1)
        if rng.random() < 0.1:
            child = None
            adoptee = as_of - timedelta(days=rng.randrange(0, 20 * 366)) if i % 6 == 0 else None
            expected = ExpectedChildFacts(
                ref=f"ventet-{i}",
                expected_date=as_of + timedelta(days=90),
                adoption=i % 3 == 0,
                birth_date=adoptee,
            )
        else:
            born = as_of - timedelta(days=rng.randrange(0, 22 * 366))
            child, expected = ChildFacts(ref=f"barn-{i}", birth_date=born), None

        services = tuple(rng.sample(kinds, rng.randrange(0, 5)))
        guardians = tuple(
            GuardianFacts(
                ref=f"forelder-{g}",
                parental_responsibility=rng.random() < 0.85,
                wishes=_wish(rng),
                relation=rng.choice([None, *GuardianRelation]),
            )
            for g in range(rng.choice((0, 1, 2, 2)))
        )
        facts = EligibilityFacts(
            child=child,
            expected_child=expected,
            needs=Needs(services=services),
            judgements=Judgements(**{f: _judged(rng, as_of) for f in JUDGEMENT_FIELDS}),
            guardians=guardians,
            child_wishes=_wish(rng),
            child_heard=rng.random() < 0.5,
            barnevern_has_care=rng.random() < 0.1,
            barnevern_wishes=_wish(rng),
            bti_level=rng.choice((None, 0, 1, 2, 3)),
            parental_risk_factors=rng.random() < 0.2,
            existing=ExistingCoordination(
                koordinator=rng.random() < 0.2,
                family_barnekoordinator=rng.random() < 0.1,
                previous_municipality_barnekoordinator=rng.random() < 0.1,
            ),
            services_declining_cooperation=tuple(rng.sample(kinds, rng.randrange(0, 2))),
        )
        chosen = {
            "stafettlogg_consent_age": rng.choice((15, 16)),
            "stafettlogg_from_level": rng.randrange(4),
            "barnekoordinator_fills_koordinator_role": rng.random() < 0.7,
            "barnekoordinator_consent_16_17": rng.choice(list(YouthBarnekoordinatorConsent)).value,
        }
        out.append((facts, as_of, chosen))
    return out


def _digest(result: EligibilityResult) -> str:
    body = json.dumps(result_to_json(result), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _golden_rows() -> list[dict[str, Any]]:
    rows = []
    for facts, as_of, chosen in _seeded_cases(300, seed=2025):
        result = reference.assess(facts, as_of=as_of, settings=MunicipalSettings(**chosen))
        rows.append(
            {
                "as_of": as_of.isoformat(),
                "settings": chosen,
                "facts": facts_to_json(facts),
                "result_sha256": _digest(result),
            }
        )
    return rows


def test_golden_file_answers_unchanged() -> None:
    """300 seeded families: the new ``assess()`` gives the result JSON the reference gave.

    Regenerate (only with a change the law demands) with
    ``python tests/properties/test_eligibility_reference.py``.
    """
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 300
    for line in lines:
        row = json.loads(line)
        facts = facts_from_json(row["facts"])
        as_of = date.fromisoformat(row["as_of"])
        result = assess(facts, as_of=as_of, settings=MunicipalSettings(**row["settings"]))
        assert _digest(result) == row["result_sha256"], row["facts"]


@pytest.mark.parametrize("as_of", [date(2011, 12, 31), date(2000, 1, 1)])
def test_before_the_first_rule_set_both_refuse_alike(as_of: date) -> None:
    """Dates before 2012 are not encoded: the same typed error, the same words."""
    facts = EligibilityFacts(child=ChildFacts(ref="barn-1", birth_date=date(1999, 5, 1)))
    _assert_same(facts, as_of, MunicipalSettings())


if __name__ == "__main__":  # regenerate the golden file
    GOLDEN.write_text(
        "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in _golden_rows()),
        encoding="utf-8",
    )


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2031, 12, 31)),
    st.dates(min_value=date(2012, 1, 1), max_value=date(2031, 12, 31)),
)
@example(date(2008, 2, 29), date(2026, 2, 28))
@example(date(2008, 2, 29), date(2026, 3, 1))
@example(date(2008, 2, 29), date(2028, 2, 29))
def test_the_evaluators_age_is_people_age_on(birth: date, as_of: date) -> None:
    """The evaluator counts completed years inline; ``people.age_on`` is the one rule."""
    if birth > as_of:
        birth, as_of = as_of, birth
    if as_of < date(2012, 1, 1):
        return
    facts = EligibilityFacts(child=ChildFacts(ref="barn-1", birth_date=birth))
    _, born, age, _ = subject(facts, as_of, params(as_of))
    assert born
    assert age == age_on(birth, as_of)


def test_equal_verdicts_share_one_result_and_settings_per_call_stay_bounded() -> None:
    """Two families with the same reason codes share the right results (decision 0027); a
    caller building new settings for every call gets the same answers, in bounded memory."""

    def family(ref: str, born: date) -> EligibilityFacts:
        return EligibilityFacts(
            child=ChildFacts(ref=ref, birth_date=born),
            guardians=(
                GuardianFacts(
                    ref=f"{ref}-mor",
                    parental_responsibility=True,
                    wishes=Wishes(barnekoordinator=Wish.WANTS),
                ),
            ),
        )

    as_of = date(2025, 9, 1)
    first = assess(family("barn-1", date(2015, 3, 2)), as_of=as_of)
    second = assess(family("barn-2", date(2015, 5, 7)), as_of=as_of)
    assert first.koordinator is second.koordinator
    assert first.individual_plan is second.individual_plan
    assert first.stafettlogg is second.stafettlogg
    # The barnekoordinator's end date is each child's own.
    assert first.barnekoordinator.ends_on == date(2033, 3, 2)
    assert second.barnekoordinator.ends_on == date(2033, 5, 7)
    assert first.barnekoordinator.conditions is second.barnekoordinator.conditions

    for i in range(150):
        s = MunicipalSettings(stafettlogg_from_level=i % 4)
        _assert_same(family(f"barn-{i}", date(2010, 1, 1)), as_of, s)
    assert len(_evaluator._SITUATIONS) <= 64
