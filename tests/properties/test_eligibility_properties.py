"""Properties of assess(): independent judgements, determinism, a full trace, exact JSON."""

from __future__ import annotations

import json
from datetime import date, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import SchemaViolation
from barnekoordinator.history.documents import validate_document
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    Condition,
    EligibilityFacts,
    EligibilityResult,
    ExistingCoordination,
    ExpectedChildFacts,
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
from barnekoordinator.rights.wire import (
    _converter,
    facts_from_json,
    facts_to_json,
    result_from_json,
    result_to_json,
)
from barnekoordinator.services import SERVICES, Sector, ServiceKind

JUDGEMENT_FIELDS = ("serious", "long_term", "composite", "coordinated")
HEALTH = [k for k, s in SERVICES.items() if s.sector is Sector.HEALTH_AND_CARE]
WELFARE = [k for k, s in SERVICES.items() if s.sector is Sector.OTHER_WELFARE]

refs = st.from_regex(r"[a-z]{1,8}-[0-9]{1,3}", fullmatch=True)
dates = st.dates(min_value=date(2012, 1, 1), max_value=date(2030, 12, 31))
authors = st.builds(
    Author,
    ref=refs,
    role=st.sampled_from(["koordinerende enhet", "helsesykepleier", "lege", "jordmor", "psykolog"]),
    service=st.none() | st.sampled_from(ServiceKind),
)
judgements_ = st.builds(
    Judgement,
    conclusion=st.booleans(),
    author=authors,
    assessed_on=dates,
    note=st.text(max_size=10),
)
wishes = st.builds(
    Wishes,
    barnekoordinator=st.sampled_from(Wish),
    koordinator=st.sampled_from(Wish),
    individual_plan=st.sampled_from(Wish),
    stafettlogg=st.sampled_from(Wish),
)


@st.composite
def needs(draw: st.DrawFn) -> Needs:
    """Services plus explicit flags that never contradict them."""
    services = tuple(draw(st.lists(st.sampled_from(ServiceKind), max_size=5)))

    def flag(kinds: list[ServiceKind]) -> bool | None:
        listed = any(k in kinds for k in services)
        return draw(st.sampled_from([None, True] if listed else [None, True, False]))

    return Needs(services=services, health_and_care=flag(HEALTH), other_welfare=flag(WELFARE))


@st.composite
def cases(draw: st.DrawFn) -> tuple[EligibilityFacts, date]:
    """Valid facts and an assessment date on or after the child's birth."""
    as_of = draw(dates)
    if draw(st.booleans()):
        born = draw(st.dates(min_value=date(1990, 1, 1), max_value=as_of))
        child, expected = ChildFacts(ref=draw(refs), birth_date=born), None
    else:
        # A pregnancy's due date is at most 300 days ahead (domain.md §2.6).
        expected_date = draw(st.dates(min_value=as_of, max_value=as_of + timedelta(days=300)))
        child = None
        expected = ExpectedChildFacts(
            ref=draw(refs), expected_date=expected_date, adoption=draw(st.booleans())
        )
    guardian_refs = draw(st.lists(refs, max_size=3, unique=True))
    facts = EligibilityFacts(
        child=child,
        expected_child=expected,
        needs=draw(needs()),
        judgements=Judgements(**{f: draw(st.none() | judgements_) for f in JUDGEMENT_FIELDS}),
        guardians=tuple(
            GuardianFacts(ref=r, parental_responsibility=draw(st.booleans()), wishes=draw(wishes))
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
        description=draw(st.text(max_size=20)),
        diagnoses=tuple(draw(st.lists(st.text(max_size=10), max_size=2))),
    )
    return facts, as_of


settings_ = st.builds(
    MunicipalSettings,
    stafettlogg_consent_age=st.sampled_from([15, 16]),
    stafettlogg_from_level=st.integers(0, 3),
    barnekoordinator_fills_koordinator_role=st.booleans(),
    one_barnekoordinator_per_family=st.booleans(),
)


def _conditions(result: EligibilityResult) -> dict[tuple[str, Condition], object]:
    return {(r.right.value, c.condition): c for r in result.rights for c in r.conditions}


@given(cases(), st.sampled_from(JUDGEMENT_FIELDS), judgements_, settings_)
def test_supplying_a_missing_judgement_changes_no_other_condition(
    case: tuple[EligibilityFacts, date],
    field: str,
    judgement: Judgement,
    settings: MunicipalSettings,
) -> None:
    """A professional judgement only ever moves the conditions that read it."""
    facts, as_of = case
    without = attrs.evolve(facts, judgements=attrs.evolve(facts.judgements, **{field: None}))
    with_ = attrs.evolve(facts, judgements=attrs.evolve(facts.judgements, **{field: judgement}))
    before = _conditions(assess(without, as_of=as_of, settings=settings))
    after = _conditions(assess(with_, as_of=as_of, settings=settings))
    assert before.keys() == after.keys()
    for key, result in before.items():
        if field not in key[1].judgements:
            assert after[key] == result, key


@given(cases(), settings_)
def test_results_are_deterministic(
    case: tuple[EligibilityFacts, date], settings: MunicipalSettings
) -> None:
    """The same facts, date and settings give equal results and identical JSON."""
    facts, as_of = case
    a, b = (
        assess(facts, as_of=as_of, settings=settings),
        assess(facts, as_of=as_of, settings=settings),
    )
    assert a == b
    assert json.dumps(result_to_json(a)) == json.dumps(result_to_json(b))


@given(cases())
def test_every_condition_and_follow_up_is_traced_in_three_languages(
    case: tuple[EligibilityFacts, date],
) -> None:
    """Every condition result and follow-up has a legal reference and nb, nn and en texts."""
    facts, as_of = case
    result = assess(facts, as_of=as_of)
    follow_ups = list(result.follow_ups)
    for right in result.rights:
        assert right.basis
        assert all(right.explanation.get(lang) for lang in ("nb", "nn", "en"))
        follow_ups += right.follow_ups
        for c in right.conditions:
            assert c.basis
            assert c.explanation.nb
            assert c.explanation.nn
            assert c.explanation.en
    for f in follow_ups:
        assert f.basis
        assert all(f.explain(lang) and "{" not in f.explain(lang) for lang in ("nb", "nn", "en"))


@given(cases())
def test_outcome_is_the_three_valued_conjunction_of_the_right_conditions(
    case: tuple[EligibilityFacts, date],
) -> None:
    """Not met if a right condition is not met; else needs assessment if any does; else met."""
    facts, as_of = case
    for right in assess(facts, as_of=as_of).rights:
        outcomes = {c.outcome for c in right.conditions if not c.conditions_duty}
        expected = (
            Outcome.NOT_MET
            if Outcome.NOT_MET in outcomes
            else Outcome.NEEDS_ASSESSMENT
            if Outcome.NEEDS_ASSESSMENT in outcomes
            else Outcome.MET
        )
        assert right.outcome is expected
        wish = [c for c in right.conditions if c.conditions_duty]  # none before the 2022 reform
        wanted = bool(wish) and wish[0].outcome is Outcome.MET
        assert (right.action is NextStep.APPOINT) == (expected is Outcome.MET and wanted)


@given(cases())
def test_never_refused_on_a_missing_severity_judgement(case: tuple[EligibilityFacts, date]) -> None:
    """Without a judgement of «alvorlig», barnekoordinator is refused only on another condition."""
    facts, as_of = case
    facts = attrs.evolve(facts, judgements=attrs.evolve(facts.judgements, serious=None))
    bk = assess(facts, as_of=as_of).barnekoordinator
    if bk.outcome is Outcome.NOT_MET:
        assert any(
            c.outcome is Outcome.NOT_MET and c.condition is not Condition.SERIOUS_CONDITION
            for c in bk.conditions
        )


@given(cases(), st.text(max_size=30), st.lists(st.text(max_size=20), max_size=3))
def test_description_and_diagnoses_are_ignored(
    case: tuple[EligibilityFacts, date], description: str, diagnoses: list[str]
) -> None:
    """Free text and diagnoses never change the assessment (no inference from diagnosis)."""
    facts, as_of = case
    other = attrs.evolve(facts, description=description, diagnoses=tuple(diagnoses))
    assert assess(other, as_of=as_of) == assess(facts, as_of=as_of)


@given(cases())
def test_facts_serialize_to_schema_valid_json_and_round_trip(
    case: tuple[EligibilityFacts, date],
) -> None:
    """Generated facts give eligibility-facts.v1 JSON that rebuilds exactly."""
    facts, _ = case
    document = json.loads(json.dumps(facts_to_json(facts)))
    validate_document("eligibility-facts.v1", document)
    assert facts_from_json(document) == facts


def _omit(document: object, draw: st.DrawFn) -> object:
    """``document`` with some optional keys left out, at every depth."""
    if isinstance(document, list):
        return [_omit(item, draw) for item in document]
    if not isinstance(document, dict):
        return document
    required = {"ref", "birth_date", "expected_date", "conclusion", "author", "assessed_on"}
    required |= {"role", "parental_responsibility"}
    return {
        key: _omit(value, draw)
        for key, value in document.items()
        if key in required or draw(st.booleans())
    }


@given(cases(), st.data())
def test_the_facts_reader_builds_what_the_cattrs_converter_builds(
    case: tuple[EligibilityFacts, date], data: st.DataObject
) -> None:
    """The facts reader ``assess`` uses (no cattrs) equals the converter it replaced, on whole
    documents and on documents with optional keys left out (which take their defaults)."""
    facts, _ = case
    document = _omit(json.loads(json.dumps(facts_to_json(facts))), data.draw)
    try:
        validate_document("eligibility-facts.v1", document)
        expected: object = _converter().structure(document, EligibilityFacts)
    except SchemaViolation as exc:  # leaving a key out may break a rule between fields
        expected = exc.problems
    try:
        actual: object = facts_from_json(document)
    except SchemaViolation as exc:
        actual = exc.problems
    assert actual == expected


@given(cases(), settings_)
def test_results_serialize_to_schema_valid_json_and_round_trip(
    case: tuple[EligibilityFacts, date], settings: MunicipalSettings
) -> None:
    """Results give eligibility-result.v1 JSON that rebuilds exactly."""
    facts, as_of = case
    result = assess(facts, as_of=as_of, settings=settings)
    document = json.loads(json.dumps(result_to_json(result)))
    validate_document("eligibility-result.v1", document)
    assert result_from_json(document) == result
