"""The eligibility facts check their types (the Python API has no JSON schema in front of it)
and keep identity numbers out of their free texts.

Before: ``Judgement(conclusion=None)`` by koordinerende enhet gave a refusal,
``Wishes(barnekoordinator="wants")`` an offer instead of the duty to appoint,
``parental_responsibility="false"`` counted as holding foreldreansvar, and a birth date as
text, ``assessed_on=None``, a service kind as its wire string, ``assess(None)`` … raised raw
``TypeError``/``AttributeError``/``KeyError``. A fødselsnummer in ``Author.role``,
``Judgement.note``, ``description`` or ``diagnoses`` was shown by ``repr`` and written by
``facts_to_json``.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from barnekoordinator.errors import BarnekoordinatorError, InvalidInput, SchemaViolation
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.people import GuardianRelation
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    EligibilityFacts,
    ExistingCoordination,
    ExpectedChildFacts,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.services import ServiceKind

AS_OF = date(2025, 3, 1)
FNR = synthetic_fodselsnummer(date(2012, 5, 20))

# The valid facts, as the paths of their leaves (dotted; a number is a position in a tuple).
VALID: dict[str, Any] = {
    "child.ref": "barn-1",
    "child.birth_date": date(2021, 1, 15),
    "needs.services": (ServiceKind.FYSIOTERAPI, ServiceKind.BARNEHAGE),
    "needs.health_and_care": None,
    "needs.other_welfare": None,
    "guardians.0.ref": "mor",
    "guardians.0.parental_responsibility": True,
    "guardians.0.relation": GuardianRelation.MOTHER,
    "guardians.0.wishes.barnekoordinator": Wish.WANTS,
    "guardians.0.wishes.individual_plan": Wish.UNKNOWN,
    "child_wishes.koordinator": Wish.UNKNOWN,
    "barnevern_wishes.stafettlogg": Wish.UNKNOWN,
    "child_heard": False,
    "barnevern_has_care": False,
    "bti_level": 2,
    "parental_risk_factors": False,
    "existing.koordinator": False,
    "existing.family_barnekoordinator": False,
    "services_declining_cooperation": (ServiceKind.SKOLE,),
    "description": "Barnet trenger hjelp.",
    "diagnoses": ("G80",),
    **{
        f"judgements.{name}.{leaf}": value
        for name in ("serious", "long_term", "composite")
        for leaf, value in (
            ("conclusion", True),
            ("assessed_on", date(2025, 2, 1)),
            ("note", ""),
            ("author.ref", "ke-1"),
            ("author.role", "koordinerende enhet"),
            ("author.service", ServiceKind.KOORDINERENDE_ENHET),
        )
    },
}
_CLASSES: dict[str, Any] = {
    "child": ChildFacts,
    "expected_child": ExpectedChildFacts,
    "needs": Needs,
    "guardians": GuardianFacts,
    "wishes": Wishes,
    "child_wishes": Wishes,
    "barnevern_wishes": Wishes,
    "existing": ExistingCoordination,
    "judgements": Judgements,
    "serious": Judgement,
    "long_term": Judgement,
    "composite": Judgement,
    "coordinated": Judgement,
    "author": Author,
}


def _tree(leaves: dict[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path, value in leaves.items():
        node = tree
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def _build(name: str, node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if all(key.isdigit() for key in node):
        return tuple(_build(name, node[key]) for key in sorted(node, key=int))
    kwargs = {key: _build(key, value) for key, value in node.items()}
    return _CLASSES[name](**kwargs) if name in _CLASSES else kwargs


def facts(**changes: Any) -> EligibilityFacts:
    """The valid facts with the leaves ``changes`` names (``__`` for a dot) replaced."""
    leaves = {**VALID, **{path.replace("__", "."): v for path, v in changes.items()}}
    return EligibilityFacts(**_build("", _tree(leaves)))


def _problem_paths(**changes: Any) -> list[str]:
    with pytest.raises(SchemaViolation) as info:
        facts(**changes)
    assert isinstance(info.value, BarnekoordinatorError)
    return [path for path, _ in info.value.problems]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        # Silently wrong outcomes before.
        ({"judgements__serious__conclusion": None}, "$.judgements.serious.conclusion"),
        (
            {"guardians__0__wishes__barnekoordinator": "wants"},
            "$.guardians[0].wishes.barnekoordinator",
        ),
        (
            {"guardians__0__parental_responsibility": "false"},
            "$.guardians[0].parental_responsibility",
        ),
        ({"child_heard": 1}, "$.child_heard"),
        ({"existing__koordinator": "yes"}, "$.existing.koordinator"),
        ({"needs__health_and_care": "no"}, "$.needs.health_and_care"),
        # Raw Python errors before.
        ({"child__birth_date": "2020-01-01"}, "$.child.birth_date"),
        ({"child__birth_date": dt.datetime(2020, 1, 1)}, "$.child.birth_date"),
        ({"needs__services": ("fysioterapi",)}, "$.needs.services[0]"),
        ({"needs__services": [ServiceKind.SKOLE]}, "$.needs.services"),
        ({"judgements__serious__assessed_on": None}, "$.judgements.serious.assessed_on"),
        ({"bti_level": "2"}, "$.bti_level"),
        ({"bti_level": True}, "$.bti_level"),
        ({"child__ref": None}, "$.child.ref"),
        ({"judgements__serious__author__role": None}, "$.judgements.serious.author.role"),
        ({"judgements__serious__author__service": "skole"}, "$.judgements.serious.author.service"),
        ({"services_declining_cooperation": ("skole",)}, "$.services_declining_cooperation[0]"),
        ({"guardians__0__relation": "mother"}, "$.guardians[0].relation"),
        ({"diagnoses": "G80"}, "$.diagnoses"),
        ({"description": None}, "$.description"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_with_its_path(
    change: dict[str, Any], path: str
) -> None:
    assert _problem_paths(**change) == [path]


def test_the_wrong_class_of_a_part_is_refused_with_its_path() -> None:
    with pytest.raises(SchemaViolation) as info:
        EligibilityFacts(child=ChildFacts(ref="b", birth_date=date(2020, 1, 1)), needs={})  # type: ignore[arg-type]
    assert [p for p, _ in info.value.problems] == ["$.needs"]
    with pytest.raises(SchemaViolation) as info:
        EligibilityFacts(
            expected_child=ExpectedChildFacts(ref="v", expected_date="2025-06-01"),  # type: ignore[arg-type]
        )
    assert [p for p, _ in info.value.problems] == ["$.expected_child.expected_date"]


def test_assess_refuses_facts_and_settings_that_are_not_theirs() -> None:
    with pytest.raises(InvalidInput, match="facts"):
        assess(None, as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="settings"):
        assess(facts(), as_of=AS_OF, settings=None)  # type: ignore[arg-type]
    assess(facts(), as_of=AS_OF)  # the valid facts are valid


@pytest.mark.parametrize(
    "field",
    [
        "judgements__serious__author__role",
        "judgements__serious__note",
        "description",
        "diagnoses",
    ],
)
def test_a_national_id_in_a_free_text_is_refused_naming_the_field_not_the_value(
    field: str,
) -> None:
    value: Any = (f"G80 {FNR}",) if field == "diagnoses" else f"tekst {FNR}"
    with pytest.raises(SchemaViolation) as info:
        facts(**{field: value})
    path = "$." + field.replace("__", ".") + ("[0]" if field == "diagnoses" else "")
    assert [p for p, _ in info.value.problems] == [path]
    assert FNR not in str(info.value)
    assert "national identity number" in str(info.value)


_WRONG: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.dates(),
    st.datetimes(),
    st.sampled_from(list(Wish) + list(ServiceKind) + list(GuardianRelation)),
    st.sampled_from(["wants", "skole", "fysioterapi", "2", "false", FNR]),
    st.tuples(st.text(max_size=3)),
    st.lists(st.sampled_from(list(ServiceKind)), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


@settings(max_examples=300, deadline=None)
@given(
    changes=st.dictionaries(st.sampled_from(sorted(VALID)), _WRONG, min_size=1, max_size=3),
)
def test_only_library_errors_escape_from_facts_of_any_type(changes: dict[str, Any]) -> None:
    """Whatever is put in the facts, building and assessing them either works or raises a
    ``BarnekoordinatorError`` (errors.py: every exception derives from it)."""
    message = ""
    try:
        found = facts(**{path.replace(".", "__"): v for path, v in changes.items()})
        assess(found, as_of=AS_OF)
    except BarnekoordinatorError as error:
        message = str(error)
    assert FNR not in message
