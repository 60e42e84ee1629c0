"""Scenario tables for assess(): domain.md §10.1 (barnekoordinator) and §10.2/§10.3 rows.

Each row names its legal basis (``basis``), shown in every assertion message.
"""

from __future__ import annotations

from typing import Any

import pytest
from _bk_scenarios import day, facts, load, params, settings

from barnekoordinator.history.documents import validate_document
from barnekoordinator.rights.eligibility import (
    EligibilityResult,
    FollowUp,
    RightResult,
    assess,
)
from barnekoordinator.rights.wire import result_to_json

ROWS = load("barnekoordinator.toml", "scenario") + load("consent_and_age.toml", "scenario")
RIGHTS = ("barnekoordinator", "koordinator", "individual_plan", "stafettlogg")


def _check_follow_ups(where: str, found: tuple[FollowUp, ...], expect: dict[str, Any]) -> None:
    kinds = {f.kind.value for f in found}
    missing = set(expect.get("follow_ups", ())) - kinds
    assert not missing, f"{where}: missing follow-ups {sorted(missing)}; got {sorted(kinds)}"
    unwanted = set(expect.get("no_follow_ups", ())) & kinds
    assert not unwanted, f"{where}: unexpected follow-ups {sorted(unwanted)}"
    for kind, keys in expect.get("follow_up_basis", {}).items():
        follow_up = next(f for f in found if f.kind.value == kind)
        got = [r.key for r in follow_up.basis]
        assert set(keys) <= set(got), f"{where}: {kind} rests on {got}, expected {keys}"


def _check_right(where: str, right: RightResult, expect: dict[str, Any]) -> None:
    if "outcome" in expect:
        assert right.outcome.value == expect["outcome"], f"{where}: outcome {right.outcome.value}"
    if "action" in expect:
        assert right.action.value == expect["action"], f"{where}: action {right.action.value}"
    if "ends_on" in expect:
        wanted = None if expect["ends_on"] == "none" else day(expect["ends_on"])
        assert right.ends_on == wanted, f"{where}: ends_on {right.ends_on}"
    by_name = {c.condition.value: c for c in right.conditions}
    for name, outcome in expect.get("conditions", {}).items():
        got = by_name[name].outcome.value
        assert got == outcome, f"{where}: {name} is {got}, expected {outcome}"
    for name, reason in expect.get("reasons", {}).items():
        got = by_name[name].reason
        assert got == reason, f"{where}: {name} reason {got}, expected {reason}"
    for name, keys in expect.get("condition_basis", {}).items():
        cited = [r.key for r in by_name[name].basis]
        assert set(keys) <= set(cited), f"{where}: {name} rests on {cited}, expected {keys}"
    _check_follow_ups(where, right.follow_ups, expect)
    _check_grounds(where, right, expect)


def _check_grounds(where: str, right: RightResult, expect: dict[str, Any]) -> None:
    """Individuell plan: the laws that give the right, each with its own reference and service."""
    if "grounds" in expect:
        got = [g.law.value for g in right.grounds]
        assert got == expect["grounds"], f"{where}: grounds {got}"
    by_law = {g.law.value: g for g in right.grounds}
    for law, keys in expect.get("ground_basis", {}).items():
        cited = [r.key for r in by_law[law].basis]
        assert cited == keys, f"{where}: ground {law} rests on {cited}, expected {keys}"
    for law, service in expect.get("ground_responsible", {}).items():
        got = by_law[law].responsible.value
        assert got == service, f"{where}: ground {law} is the responsibility of {got}"


def _run(row: dict[str, Any]) -> EligibilityResult:
    return assess(facts(row), as_of=day(row["as_of"]), settings=settings(row))


@pytest.mark.parametrize("row", params(ROWS))
def test_scenario(row: dict[str, Any]) -> None:
    """Each scenario row gives the outcome, action, conditions and follow-ups its basis requires."""
    result = _run(row)
    label = f"{row['name']} [{row['basis']}]"
    expect = row.get("expect", {})
    for name in RIGHTS:
        if name in expect:
            _check_right(f"{label} {name}", getattr(result, name), expect[name])
    if "case" in expect:
        _check_follow_ups(f"{label} case", result.follow_ups, expect["case"])
    validate_document("eligibility-result.v1", result_to_json(result))


@pytest.mark.parametrize("row", params(ROWS))
def test_scenario_trace_is_complete(row: dict[str, Any]) -> None:
    """Every condition and follow-up cites the law and explains itself in nb, nn and en."""
    result = _run(row)
    follow_ups = list(result.follow_ups)
    for right in result.rights:
        assert right.basis, f"{row['name']}: {right.right.value} has no legal basis"
        follow_ups += right.follow_ups
        for c in right.conditions:
            assert c.basis, f"{row['name']}: {c.condition.value} has no legal basis"
            assert all((c.explanation.nb, c.explanation.nn, c.explanation.en))
    for f in follow_ups:
        assert f.basis, f"{row['name']}: follow-up {f.kind.value} has no legal basis"
        assert all(f.explain(lang) for lang in ("nb", "nn", "en"))


def test_every_domain_row_of_section_10_1_is_covered() -> None:
    """Every row of domain.md §10.1 has a scenario (BK-21, BK-22, BK-25 in the other tables)."""
    ids = {
        "BK-01", "BK-02", "BK-03", "BK-04", "BK-05", "BK-06", "BK-07", "BK-08", "BK-09", "BK-10",
        "BK-11", "BK-12", "BK-13", "BK-15", "BK-16", "BK-19", "BK-20", "BK-26", "BK-27",
    }  # fmt: skip
    covered = {row["name"][:5] for row in ROWS}
    assert ids <= covered, f"missing: {sorted(ids - covered)}"
