"""assess(): the rule engine's contract beyond the scenario tables (tests/legal)."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

import barnekoordinator.rights.eligibility as eligibility
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput, SchemaViolation
from barnekoordinator.identifiers import synthetic_fodselsnummer as _synthetic
from barnekoordinator.people import birthday
from barnekoordinator.rights.eligibility import (
    RULES_VERSIONS,
    Author,
    ChildFacts,
    Condition,
    EligibilityFacts,
    ExistingCoordination,
    ExpectedChildFacts,
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
    rules_version,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.texts import TEXTS, Language, Text

# A synthetic (Tenor, month + 80) number: messages must never echo an identifier.
SYNTHETIC = _synthetic(date(2012, 5, 20))

AS_OF = date(2025, 3, 1)
KE = Author(ref="ke-1", role="koordinerende enhet", service=ServiceKind.KOORDINERENDE_ENHET)


def judged(value: bool, on: date = AS_OF) -> Judgement:
    """A judgement by the coordinating unit."""
    return Judgement(conclusion=value, author=KE, assessed_on=on)


def eligible(**changes: Any) -> EligibilityFacts:
    """Facts that meet every barnekoordinator condition, with the family wanting one."""
    facts = EligibilityFacts(
        child=ChildFacts(ref="barn-1", birth_date=date(2020, 5, 17)),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.BARNEHAGE)),
        judgements=Judgements(
            serious=judged(True),
            long_term=judged(True),
            composite=judged(True),
            coordinated=judged(True),
        ),
        guardians=(
            GuardianFacts(
                ref="mor", parental_responsibility=True, wishes=Wishes(barnekoordinator=Wish.WANTS)
            ),
        ),
    )
    return attrs.evolve(facts, **changes)


def _isort_key(name: str) -> tuple[int, str]:
    """CONSTANTS first, then Classes, then functions (ruff RUF022)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def _private_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"{eligibility.__name__}.{info.name}")
        for info in pkgutil.iter_modules(eligibility.__path__)
    ]


def test_public_names_are_sorted_and_exported() -> None:
    """eligibility.__all__ is sorted (ruff's isort style) and lists exactly the public names.

    The package re-exports what its private modules declare public (their own
    sorted ``__all__``), each defined where it is declared; it re-exports nothing
    from elsewhere (Text and Language belong to barnekoordinator.texts).
    """
    assert eligibility.__all__ == sorted(eligibility.__all__, key=_isort_key)
    parts = _private_modules()
    assert parts
    assert all(part.__name__.rpartition(".")[2].startswith("_") for part in parts)
    declared: set[str] = set()
    for part in parts:
        assert part.__all__ == sorted(part.__all__, key=_isort_key), part.__name__
        for name in part.__all__:
            assert getattr(eligibility, name) is getattr(part, name), name
        declared |= set(part.__all__)
    assert set(eligibility.__all__) == declared
    defined = {
        name
        for part in parts
        for name, value in vars(part).items()
        if name in part.__all__ and getattr(value, "__module__", None) == part.__name__
    }
    assert set(eligibility.__all__) == defined | {"RULES_VERSIONS"}
    # (pytest's assertion rewriting may add names that are not identifiers.)
    bound = {n for n in vars(eligibility) if n.isidentifier() and not n.startswith("_")}
    assert bound == set(eligibility.__all__)


def test_baseline_is_met_and_the_municipality_shall_appoint() -> None:
    """pbrl § 2-5 c / hotl § 7-2 a: all conditions met and wanted → duty to appoint."""
    result = assess(eligible(), as_of=AS_OF)
    bk = result.barnekoordinator
    assert (bk.outcome, bk.action) == (Outcome.MET, NextStep.APPOINT)
    assert [c.condition for c in bk.conditions] == [
        Condition.HAS_OR_EXPECTS_CHILD,
        Condition.SERIOUS_CONDITION,
        Condition.LONG_TERM_NEED,
        Condition.COMPOSITE_OR_COORDINATED,
        Condition.HEALTH_AND_WELFARE_SERVICES,
        Condition.WISH,
        Condition.UNDER_AGE_LIMIT,
    ]
    assert [r.key for r in bk.basis] == ["pbrl-2-5-c", "hotl-7-2-a"]
    assert result[Right.BARNEKOORDINATOR] is bk
    assert [r.right for r in result.rights] == list(Right)


def test_results_share_interned_condition_results() -> None:
    """Condition results are shared immutable values, not rebuilt per call (speed)."""
    a = assess(eligible(), as_of=AS_OF)
    b = assess(eligible(child=ChildFacts(ref="barn-2", birth_date=date(2019, 1, 1))), as_of=AS_OF)
    for x, y in zip(
        a.barnekoordinator.conditions[1:6], b.barnekoordinator.conditions[1:6], strict=True
    ):
        assert x is y
    assert a.barnekoordinator.explanation is b.barnekoordinator.explanation


def test_assess_is_deterministic() -> None:
    """The same facts, date and settings always give an equal result."""
    assert assess(eligible(), as_of=AS_OF) == assess(eligible(), as_of=AS_OF)


@pytest.mark.parametrize("as_of", [datetime(2025, 3, 1, 12, 0), "2025-03-01"])
def test_as_of_must_be_a_date(as_of: object) -> None:
    """as_of is a datetime.date, never a datetime or a string."""
    with pytest.raises(InvalidInput, match=r"as_of must be a datetime\.date"):
        assess(eligible(), as_of=as_of)  # type: ignore[arg-type]


def test_dates_before_2012_are_not_encoded() -> None:
    """Before helse- og omsorgstjenesteloven (2012) the rules are not encoded: say so."""
    with pytest.raises(InvalidInput, match="before 2012-01-01"):
        assess(
            eligible(child=ChildFacts(ref="b", birth_date=date(2005, 1, 1))),
            as_of=date(2011, 12, 31),
        )


def test_a_birth_date_after_as_of_is_invalid() -> None:
    """A child born after as_of is not born yet: use expected_child."""
    with pytest.raises(InvalidInput, match="expected_child"):
        assess(eligible(), as_of=date(2020, 5, 16))


def test_rules_are_selected_by_date() -> None:
    """The dated rule set changes on 1 August 2022, 1 January 2023 and 1 August 2024
    (OpenFisca-style selection by as_of; decision 48)."""
    assert RULES_VERSIONS == ("2012-01-01", "2022-08-01", "2023-01-01", "2024-08-01")
    assert rules_version(date(2022, 7, 31)) == "2012-01-01"
    assert rules_version(date(2022, 8, 1)) == "2022-08-01"
    assert rules_version(date(2023, 1, 1)) == "2023-01-01"
    assert rules_version(date(2024, 8, 1)) == "2024-08-01"
    assert assess(eligible(), as_of=date(2022, 7, 31)).rules_version == "2012-01-01"


def test_before_the_reform_no_barnekoordinator_and_no_samordningsplikt() -> None:
    """Before 2022-08-01: no pbrl § 2-5 c, no pbrl § 2-5 b right, no samordningsplikt follow-ups."""
    facts = eligible(services_declining_cooperation=(ServiceKind.SKOLE,))
    result = assess(facts, as_of=date(2022, 7, 31))
    bk = result.barnekoordinator
    assert [c.condition for c in bk.conditions] == [Condition.IN_FORCE]
    assert bk.outcome is Outcome.NOT_MET
    assert bk.conditions[0].basis[0].in_force_from == date(2022, 8, 1)
    assert [r.key for r in result.koordinator.basis] == ["hotl-7-2"]
    assert FollowUpKind.SAMORDNINGSPLIKT not in bk.follow_up_kinds
    assert FollowUpKind.ESCALATE_COOPERATION not in result.follow_up_kinds


def test_facts_report_every_problem_with_its_path() -> None:
    """Invalid facts raise SchemaViolation listing each problem with a JSON path."""
    with pytest.raises(SchemaViolation) as info:
        EligibilityFacts(
            guardians=(
                GuardianFacts(ref=f"{SYNTHETIC[:6]} {SYNTHETIC[6:]}", parental_responsibility=True),
                GuardianFacts(ref=f"{SYNTHETIC[:6]} {SYNTHETIC[6:]}", parental_responsibility=True),
            ),
            needs=Needs(services=(ServiceKind.SKOLE,), other_welfare=False),
            judgements=Judgements(
                serious=Judgement(
                    conclusion=True, author=Author(ref="ke", role=" "), assessed_on=AS_OF
                )
            ),
            bti_level=7,
        )
    paths = [path for path, _ in info.value.problems]
    assert paths == [
        "$",
        "$.guardians[0].ref",
        "$.guardians[1].ref",
        "$.guardians[1].ref",
        "$.judgements.serious.author.role",
        "$.needs.other_welfare",
        "$.bti_level",
    ]
    assert SYNTHETIC not in str(info.value)


def test_a_judgement_author_is_never_a_national_id() -> None:
    """A judgement's author is an actor reference; an 11-digit number is rejected."""
    author = Author(ref=SYNTHETIC, role="lege")
    with pytest.raises(SchemaViolation, match="never a national identity number"):
        eligible(
            judgements=Judgements(
                serious=Judgement(conclusion=True, author=author, assessed_on=AS_OF)
            )
        )


def test_child_and_expected_child_are_exclusive() -> None:
    """Facts are about one child: born or expected, not both."""
    with pytest.raises(SchemaViolation, match="exactly one"):
        eligible(expected_child=ExpectedChildFacts(ref="v", expected_date=date(2025, 9, 1)))


def test_the_wish_conditions_the_duty_not_the_right() -> None:
    """C6 conditions the duty: a declined offer leaves the right met and records the decline."""
    declined = eligible(
        guardians=(
            GuardianFacts(
                ref="mor",
                parental_responsibility=True,
                wishes=Wishes(barnekoordinator=Wish.DECLINES),
            ),
        )
    )
    bk = assess(declined, as_of=AS_OF).barnekoordinator
    assert bk.outcome is Outcome.MET
    assert bk.action is NextStep.DECLINED
    assert bk.condition(Condition.WISH).conditions_duty
    assert [c.conditions_duty for c in bk.conditions].count(True) == 1


def test_condition_lookup_on_a_right() -> None:
    """RightResult.condition returns the result, or says the right has no such condition."""
    ko = assess(eligible(), as_of=AS_OF).koordinator
    assert ko.condition(Condition.COORDINATED_NEED).outcome is Outcome.MET
    with pytest.raises(InvalidInput, match="koordinator has no condition"):
        ko.condition(Condition.SERIOUS_CONDITION)


def test_conditions_declare_the_judgements_they_read() -> None:
    """Only judgement-based conditions read judgements; C4 («eller») reads two."""
    assert Condition.SERIOUS_CONDITION.judgements == ("serious",)
    assert Condition.COMPOSITE_OR_COORDINATED.judgements == ("composite", "coordinated")
    assert Condition.COORDINATED_NEED.judgements == ("coordinated",)
    assert Condition.UNDER_AGE_LIMIT.judgements == ()


def test_only_health_is_not_enough_but_koordinator_uses_coordinated_only() -> None:
    """C5 needs both sectors; koordinator/IP need «koordinerte» services, not «sammensatte»."""
    facts = eligible(
        needs=Needs(services=(ServiceKind.FYSIOTERAPI,), other_welfare=False),
        judgements=Judgements(
            serious=judged(True),
            long_term=judged(True),
            composite=judged(True),
            coordinated=judged(False),
        ),
    )
    result = assess(facts, as_of=AS_OF)
    assert (
        result.barnekoordinator.condition(Condition.HEALTH_AND_WELFARE_SERVICES).reason
        == "no-welfare"
    )
    assert result.koordinator.outcome is Outcome.NOT_MET
    assert FollowUpKind.ALTERNATIVES not in result.barnekoordinator.follow_up_kinds


def test_the_18th_birthday_uses_the_people_birthday_convention() -> None:
    """BK-15: ends_on is people.birthday(birth, 18), so 29 February ends on 1 March."""
    born = date(2008, 2, 29)
    result = assess(eligible(child=ChildFacts(ref="s", birth_date=born)), as_of=date(2026, 2, 28))
    assert result.barnekoordinator.ends_on == birthday(born, 18) == date(2026, 3, 1)


def test_follow_ups_fill_in_dates_and_services_in_every_language() -> None:
    """Follow-up texts carry their date (18th birthday) and service name in nb, nn and en."""
    result = assess(eligible(services_declining_cooperation=(ServiceKind.SKOLE,)), as_of=AS_OF)
    ends = next(f for f in result.barnekoordinator.follow_ups if f.kind is FollowUpKind.ENDS_AT_18)
    escalate = next(f for f in result.follow_ups if f.kind is FollowUpKind.ESCALATE_COOPERATION)
    for lang in Language:
        assert "2038-05-17" in ends.explain(lang)
        assert escalate.explain(lang).startswith("Skole ")
        assert "{" not in ends.explain(lang) + escalate.explain(lang)
    assert escalate.service is ServiceKind.SKOLE
    # On 1 March 2025 school answers to opplæringslova 2023 (decision 48).
    assert escalate.basis[0].key == "oppl-2023-samarbeid"


def test_wish_outcome_labels_say_consent_not_professional_assessment() -> None:
    """The wish condition reads «samtykke foreligger» / «ikke avklart», not a judgement."""
    ko = assess(eligible(), as_of=AS_OF).koordinator
    wish = ko.condition(Condition.WISH)
    assert wish.outcome is Outcome.NEEDS_ASSESSMENT
    assert wish.outcome_label.nb == "ikke avklart"
    assert ko.condition(Condition.LONG_TERM_NEED).outcome_label.nb == "oppfylt"


def test_right_explanations_combine_right_outcome_and_action() -> None:
    """A right's explanation names the right, its outcome and what the municipality does."""
    bk = assess(eligible(), as_of=AS_OF).barnekoordinator
    assert (
        bk.explanation.nb == "Barnekoordinator: oppfylt. Kommunen skal oppnevne barnekoordinator."
    )
    assert bk.explanation.en.startswith("Child coordinator (barnekoordinator): met.")


@attrs.frozen(kw_only=True)
class _Settings(MunicipalSettings):
    """Settings with the stafettlogg options requested from the lead (read with getattr)."""

    offers_stafettlogg: bool = True
    stafettlogg_age_limit: int = 18


def test_a_municipality_may_not_use_the_stafettlogg() -> None:
    """BTI is practice: a municipality without stafettlogg never offers one."""
    facts = eligible(bti_level=2)
    result = assess(facts, as_of=AS_OF, settings=_Settings(offers_stafettlogg=False))
    assert result.stafettlogg.condition(Condition.MUNICIPAL_PRACTICE).outcome is Outcome.NOT_MET
    assert result.stafettlogg.outcome is Outcome.NOT_MET


def test_the_bti_age_limit_is_configurable() -> None:
    """Tromsø-style BTI up to 23: a 19-year-old is within the target group."""
    facts = eligible(child=ChildFacts(ref="ung", birth_date=date(2006, 1, 1)), bti_level=1)
    default = assess(facts, as_of=AS_OF)
    wider = assess(facts, as_of=AS_OF, settings=_Settings(stafettlogg_age_limit=24))
    assert default.stafettlogg.condition(Condition.TARGET_GROUP).reason == "above"
    assert wider.stafettlogg.condition(Condition.TARGET_GROUP).reason == "within"


def test_existing_statutory_coordinator_takes_precedence_over_the_log() -> None:
    """domain.md §7.8: with a koordinator already appointed, no parallel stafettlogg."""
    facts = eligible(existing=ExistingCoordination(koordinator=True), bti_level=2)
    sl = assess(facts, as_of=AS_OF).stafettlogg
    assert sl.condition(Condition.NO_STATUTORY_COORDINATOR).outcome is Outcome.NOT_MET
    assert FollowUpKind.STATUTORY_TAKES_PRECEDENCE in sl.follow_up_kinds


_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def test_every_text_exists_in_three_languages_with_the_same_placeholders() -> None:
    """The catalogue has nb, nn and en for every key, each with the same {placeholders}."""
    for key, text in TEXTS.items():
        assert text.nb, key
        assert text.nn, key
        assert text.en, key
        holes = [set(_PLACEHOLDER.findall(text.get(lang))) for lang in Language]
        assert holes[0] == holes[1] == holes[2], key
        for lang in Language:
            assert all(
                c in string.printable or c.isalpha() or c in "«»§–—’éåøæÅØÆ→"
                for c in text.get(lang)
            ), key


def test_unknown_language_is_rejected() -> None:
    """Only nb, nn and en exist."""
    with pytest.raises(InvalidInput, match="unknown language"):
        Text(nb="a", nn="b", en="c").get("de")


def test_adoption_is_guidance_based_and_flagged() -> None:
    """BK-04: an approved adoption counts as «venter barn», flagged as resting on guidance."""
    facts = eligible(
        child=None,
        expected_child=ExpectedChildFacts(ref="a", expected_date=date(2025, 6, 1), adoption=True),
    )
    bk = assess(facts, as_of=AS_OF).barnekoordinator
    assert bk.condition(Condition.HAS_OR_EXPECTS_CHILD).reason == "adoption"
    assert FollowUpKind.GUIDANCE_BASED in bk.follow_up_kinds
    assert bk.ends_on is None


DOCS = Path(__file__).resolve().parents[2] / "docs" / "concepts"


def test_the_concept_page_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    """Every Python block on docs/concepts/eligibility.md runs and its assertions hold."""
    page = (DOCS / "eligibility.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "eligibility.md", "exec"), {})  # noqa: S102 - our own documentation
    assert capsys.readouterr().out
