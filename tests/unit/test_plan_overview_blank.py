"""Item 1 (domain.md §3.3): the overview holds goals and needs that say something.

``set_overview`` refuses a blank goal, resource or need (``InvalidInput`` naming the field) and
stores nothing; at least one goal and one need are required, resources may be empty.
``check_plan`` does not count an overview without a non-blank goal and need as item 1, and an
event made by hand with blank texts is refused before it is written (``write_problem``).
"""

from __future__ import annotations

from typing import Any

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.plan import (
    PlanItem,
    PlanOverviewSet,
    check_plan,
    current_plan,
    set_overview,
    start_plan,
)
from barnekoordinator.errors import InvalidInput, PlanError
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import DEFAULT_AS_OF, CaseRun, consent_all, standard_case

D = DEFAULT_AS_OF


def _started() -> CaseRun:
    run = standard_case(age=9)
    consent_all(
        run, ConsentPurpose.INDIVIDUAL_PLAN, (ServiceKind.KOORDINERENDE_ENHET,), consent_id="ip"
    )
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    return run


@pytest.mark.parametrize(
    ("field", "lists"),
    [
        ("goals", {"goals": ["   "], "resources": [], "needs": ["n"]}),
        ("needs", {"goals": ["g"], "resources": [], "needs": [""]}),
        ("needs", {"goals": ["g"], "resources": [], "needs": ["n", "\t"]}),
        ("resources", {"goals": ["g"], "resources": [" "], "needs": ["n"]}),
        ("goals", {"goals": "Delta i lek", "resources": [], "needs": ["n"]}),
    ],
)
def test_set_overview_refuses_blank_texts(field: str, lists: dict[str, Any]) -> None:
    run = _started()
    with pytest.raises(InvalidInput, match=f"^{field}: "):
        set_overview(run.case, by="ke", as_of=D, **lists)
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.overview is None


def test_set_overview_needs_a_goal_and_a_need_but_resources_may_be_empty() -> None:
    run = _started()
    with pytest.raises(PlanError):
        set_overview(run.case, by="ke", goals=["g"], resources=[], needs=[], as_of=D)
    with pytest.raises(InvalidInput):
        set_overview(run.case, by="ke", goals=[" "], resources=[], needs=["n"], as_of=D)
    run.run(set_overview, by="ke", goals=["Delta i lek"], resources=[], needs=["Fysio"], as_of=D)
    assert PlanItem.OVERVIEW not in check_plan(run.case, D).missing_items


def test_check_plan_does_not_count_a_blank_overview_as_item_1() -> None:
    """A stored overview with blank goals and needs (written before the command refused them)."""
    run = _started()
    run.do(PlanOverviewSet(goals=("   ",), resources=(), needs=("",), by="ke", on=D))
    assert int(PlanItem.OVERVIEW) in check_plan(run.case, D).missing_items


def test_a_hand_made_blank_overview_is_refused_before_it_is_written() -> None:
    blank = PlanOverviewSet(goals=("  ",), resources=(), needs=("n",), by="ke", on=D)
    assert blank.write_problem() == "goals: expected non-blank texts"
    empty = PlanOverviewSet(goals=("g",), resources=(), needs=(), by="ke", on=D)
    assert empty.write_problem() is not None
    fine = PlanOverviewSet(goals=("g",), resources=(), needs=("n",), by="ke", on=D)
    assert fine.write_problem() is None
