"""JSON wire format of eligibility facts and results: schemas, round trips, every problem listed."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from barnekoordinator.errors import SchemaViolation
from barnekoordinator.history.documents import schema, schema_names, validate_document
from barnekoordinator.identifiers import synthetic_fodselsnummer as _synthetic
from barnekoordinator.rights.complaints import ComplaintForm, DecidedBy, Resolution, Stage
from barnekoordinator.rights.decisions import DecisionKind, PartyRole, WishHolder
from barnekoordinator.rights.eligibility import (
    RULES_VERSIONS,
    Condition,
    FollowUpKind,
    NextStep,
    Outcome,
    Right,
    Wish,
    assess,
)
from barnekoordinator.rights.wire import (
    facts_from_json,
    facts_to_json,
    result_from_json,
    result_to_json,
)
from barnekoordinator.services import ServiceKind

# A synthetic (Tenor, month + 80) number: messages must never echo an identifier.
SYNTHETIC = _synthetic(date(2012, 5, 20))

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "facts"
FACT_FILES = sorted(p for p in EXAMPLES.glob("bk-*.json"))
AS_OF = date(2025, 3, 1)
OURS = ("eligibility-facts.v1", "eligibility-result.v1", "decision.v1", "complaint.v1")


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_our_schemas_are_shipped_and_valid_draft_2020_12() -> None:
    """The four schemas are in the package and are themselves valid draft 2020-12."""
    import jsonschema

    for name in OURS:
        assert name in schema_names()
        document = schema(name)
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(document)


def _enums(node: Any, found: dict[str, list[Any]], path: str = "") -> None:
    if isinstance(node, dict):
        if "enum" in node:
            found[path] = node["enum"]
        for key, value in node.items():
            _enums(value, found, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _enums(value, found, f"{path}/{i}")


@pytest.mark.parametrize(
    ("name", "pointer", "values"),
    [
        ("eligibility-facts.v1", "/$defs/service", [k.value for k in ServiceKind]),
        ("eligibility-facts.v1", "/$defs/wish", [w.value for w in Wish]),
        (
            "eligibility-result.v1",
            "/$defs/condition/properties/condition",
            [c.value for c in Condition],
        ),
        ("eligibility-result.v1", "/$defs/right/properties/right", [r.value for r in Right]),
        ("eligibility-result.v1", "/$defs/right/properties/outcome", [o.value for o in Outcome]),
        ("eligibility-result.v1", "/$defs/right/properties/action", [a.value for a in NextStep]),
        (
            "eligibility-result.v1",
            "/$defs/follow_up/properties/kind",
            [k.value for k in FollowUpKind],
        ),
        ("eligibility-result.v1", "/properties/rules_version", list(RULES_VERSIONS)),
        ("decision.v1", "/properties/kind", [k.value for k in DecisionKind]),
        ("decision.v1", "/properties/parties/items/properties/role", [r.value for r in PartyRole]),
        ("complaint.v1", "/properties/form", [f.value for f in ComplaintForm]),
        ("complaint.v1", "/properties/stage", [s.value for s in Stage]),
    ],
)
def test_schema_enums_match_the_code(name: str, pointer: str, values: list[Any]) -> None:
    """Each enum in the schemas lists exactly the values of the matching Python enum."""
    node: Any = schema(name)
    for part in pointer.strip("/").split("/"):
        node = node[part]
    assert node["enum"] == [getattr(v, "value", v) for v in values]


def test_nullable_enums_match_the_code() -> None:
    """Complaint resolution and decided_by, and appointment wishes, match their enums."""
    found: dict[str, list[Any]] = {}
    _enums(schema("complaint.v1"), found)
    assert found["/properties/resolution/anyOf/0"] == [r.value for r in Resolution]
    assert found["/properties/decided_by/anyOf/0"] == [d.value for d in DecidedBy]
    found.clear()
    _enums(schema("decision.v1"), found)
    by = found["/$defs/appointment/properties/wishes/items/properties/by"]
    assert by == [w.value for w in WishHolder]


@pytest.mark.parametrize("path", FACT_FILES, ids=lambda p: p.name)
def test_example_facts_are_valid_and_round_trip(path: Path) -> None:
    """Every example file validates, and facts → JSON → facts is exact and stable."""
    document = _load(path)
    facts = facts_from_json(document)
    full = facts_to_json(facts)
    validate_document("eligibility-facts.v1", full)
    assert facts_from_json(json.loads(json.dumps(full))) == facts
    assert facts_to_json(facts_from_json(full)) == full


@pytest.mark.parametrize("path", FACT_FILES, ids=lambda p: p.name)
def test_results_are_schema_valid_and_round_trip(path: Path) -> None:
    """A result serializes to eligibility-result.v1 JSON and rebuilds exactly (both rule sets)."""
    facts = facts_from_json(_load(path))
    # A pregnancy is assessed only within its months (domain.md §2.6): not years before it.
    pregnancy = facts.expected_child is not None and not facts.expected_child.adoption
    for as_of in (AS_OF,) if pregnancy else (date(2022, 7, 31), AS_OF):
        result = assess(facts, as_of=as_of)
        document = json.loads(json.dumps(result_to_json(result)))
        validate_document("eligibility-result.v1", document)
        assert result_from_json(document) == result


def test_an_invalid_document_reports_every_problem_with_its_path() -> None:
    """Schema problems are all reported at once, each with a JSON path, without the values."""
    with pytest.raises(SchemaViolation) as info:
        facts_from_json(_load(EXAMPLES / "invalid-facts.json"))
    paths = [p for p, _ in info.value.problems]
    assert paths == [
        "$.bti_level",
        "$.child.birth_date",
        "$.guardians[0]",
        "$.needs.health_and_care",
        "$.needs.services[1]",
    ]
    assert "2020-02-30" not in str(info.value)


def test_semantic_problems_come_with_paths_too() -> None:
    """After the schema, the facts' own checks (national ids, contradictions) give paths."""
    document = {
        "child": {"ref": f"{SYNTHETIC[:6]} {SYNTHETIC[6:]}", "birth_date": "2020-01-01"},
        "expected_child": {"ref": "v", "expected_date": "2025-09-01"},
        "needs": {"services": ["skole"], "other_welfare": False},
    }
    with pytest.raises(SchemaViolation) as info:
        facts_from_json(document)
    assert [p for p, _ in info.value.problems] == ["$", "$.child.ref", "$.needs.other_welfare"]
    assert "56715" not in str(info.value)


def test_missing_optional_fields_take_their_defaults() -> None:
    """A minimal document (only the child) is valid; outbound JSON then lists every field."""
    facts = facts_from_json({"child": {"ref": "b", "birth_date": "2020-01-01"}})
    full = facts_to_json(facts)
    assert full["judgements"] == {
        "serious": None,
        "long_term": None,
        "composite": None,
        "coordinated": None,
    }
    assert full["guardians"] == []
    assert full["existing"]["koordinator"] is False


def _result_document() -> dict[str, Any]:
    facts = facts_from_json(_load(FACT_FILES[0]))
    return result_to_json(assess(facts, as_of=AS_OF))


def test_a_tampered_result_is_rejected_with_paths() -> None:
    """A result whose reasons, outcomes or bases do not match the rule set is refused."""
    document = copy.deepcopy(_result_document())
    document["barnekoordinator"]["conditions"][1]["reason"] = "made-up"
    document["koordinator"]["conditions"][0]["outcome"] = "not-met"
    document["individual_plan"]["basis"] = [{"key": "pbrl-2-5-c", "citation": "pbrl § 2-5 c"}]
    with pytest.raises(SchemaViolation) as info:
        result_from_json(document)
    assert [p for p, _ in info.value.problems] == [
        "$.barnekoordinator.conditions[1].reason",
        "$.koordinator.conditions[0].outcome",
        "$.individual_plan.basis",
    ]


def test_a_result_with_an_unknown_rules_version_fails_the_schema() -> None:
    """rules_version must name a rule set the library has."""
    document = copy.deepcopy(_result_document())
    document["rules_version"] = "2030-01-01"
    with pytest.raises(SchemaViolation) as info:
        result_from_json(document)
    assert info.value.problems[0][0] == "$.rules_version"
