"""Item 7 (domain.md §3.3): the next revision date falls within the plan period.

``set_plan_period`` already holds it; ``revise_plan`` holds it too, and ``check_plan`` does not
count a plan whose revision date lies outside its period as complete (a history written before
the command checked it, or by hand).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.plan import (
    PlanItem,
    PlanRevised,
    add_contribution,
    add_cooperation,
    add_plan_measure,
    add_plan_participant,
    check_plan,
    current_plan,
    reference_plan_consent,
    revise_plan,
    set_overview,
    set_plan_period,
    set_plan_responsible,
    start_plan,
)
from barnekoordinator.coordination.roles import Role
from barnekoordinator.errors import PlanError
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import DEFAULT_AS_OF, CaseRun, consent_all, standard_case

D = DEFAULT_AS_OF
S = ServiceKind
END = D + timedelta(days=180)


def _complete_plan() -> CaseRun:
    """A complete plan for a child of 8, period D – END, next revision in 90 days."""
    run = standard_case(age=8)
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, (S.KOORDINERENDE_ENHET,), consent_id="ip")
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    run.run(set_overview, by="ke", goals=["g"], resources=["r"], needs=["n"], as_of=D)
    run.run(add_plan_participant, by="ke", participant_ref="child", role=Role.CHILD, as_of=D)
    run.run(set_plan_responsible, by="ke", responsible_ref="ke", as_of=D)
    run.run(
        add_contribution, contribution_id="c1", by="ke", contributor_ref="mor", what="x", as_of=D
    )
    run.run(
        add_plan_measure,
        measure_id="m1",
        by="ke",
        description="d",
        scope="s",
        responsible_ref="ke",
        implementation="i",
        as_of=D,
    )
    run.run(
        set_plan_period, by="ke", start=D, end=END, next_revision=D + timedelta(days=90), as_of=D
    )
    run.run(reference_plan_consent, by="ke", consent_id="ip", as_of=D)
    run.run(
        add_cooperation, cooperation_id="co1", by="ke", description="d", with_service=S.PPT, as_of=D
    )
    assert check_plan(run.case, D).complete
    return run


def test_revise_plan_refuses_a_next_revision_after_the_period_ends() -> None:
    run = _complete_plan()
    before = run.case
    with pytest.raises(PlanError, match="within the plan period"):
        revise_plan(
            run.case, by="ke", summary="rev", next_revision=END + timedelta(days=1), as_of=D
        )
    assert run.case is before
    # The last day of the period is within it.
    run.run(revise_plan, by="ke", summary="rev", next_revision=END, as_of=D)
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.period is not None
    assert plan.period.next_revision == END


def test_revise_plan_refuses_a_next_revision_before_the_period_starts() -> None:
    run = _complete_plan()
    later = D + timedelta(days=30)
    run.run(set_plan_period, by="ke", start=later, end=END, next_revision=END, as_of=D)
    with pytest.raises(PlanError, match="within the plan period"):
        revise_plan(
            run.case, by="ke", summary="rev", next_revision=later - timedelta(days=1), as_of=D
        )


def test_check_plan_flags_a_revision_date_outside_the_period_as_item_7() -> None:
    """A stored revision that moved the date past the period's end leaves item 7 invalid."""
    run = _complete_plan()
    run.do(PlanRevised(summary="rev", next_revision=END + timedelta(days=400), by="ke", on=D))
    check = check_plan(run.case, D)
    assert not check.complete
    assert check.missing_items == (int(PlanItem.PERIOD),)
    (missing,) = check.missing
    assert missing.reason_en == "the revision date falls outside the plan period"
    assert missing.reason_nb == "tidspunktet for revisjon ligger utenfor planperioden"
    assert missing.reason_nn == "tidspunktet for revisjon ligg utanfor planperioden"
