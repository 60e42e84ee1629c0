"""Who takes part in an individuell plan, and who answers for its measures (domain.md §3.3
items 2 and 5, §3.4); defects found by the sweep of 2026-12-07, each failing on the old code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_plan import _complete, _started

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.access.grants import grant_guardian_access
from barnekoordinator.coordination.handover import participant_leaves
from barnekoordinator.coordination.plan import (
    Completeness,
    PlanItem,
    add_plan_measure,
    add_plan_participant,
    check_plan,
    current_plan,
    evaluate_plan_measure,
    start_plan,
)
from barnekoordinator.coordination.roles import Role
from barnekoordinator.errors import PlanError
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.builders import DEFAULT_AS_OF as D
from barnekoordinator.testing.builders import CaseRun, consent_all, standard_case


def test_a_measure_whose_responsible_left_makes_the_plan_incomplete() -> None:
    """§3.3 item 5 «hvem som skal ha ansvaret» for each measure: once the only measure's
    responsible person has left the case, nobody answers for it, as item 3 already checks for
    the plan's responsible; ending that measure and adding one with someone present mends it."""
    run = _started()
    _complete(run)
    assert check_plan(run.case, D).status is Completeness.COMPLETE
    run.run(participant_leaves, participant_ref="fysio", as_of=D, reason="sluttet")
    later = D + timedelta(days=1)
    found = check_plan(run.case, later)
    assert found.status is Completeness.INCOMPLETE
    assert found.missing_items == (PlanItem.MEASURES,)
    assert "deltar ikke lenger" in found.missing[0].reason_nb
    run.run(
        evaluate_plan_measure, measure_id="m1", by="ke", note="avsluttet", as_of=later, end=True
    )
    run.run(
        add_plan_measure,
        measure_id="m2",
        by="ke",
        description="Ergoterapi",
        scope="1 t/uke",
        responsible_ref="ke",
        implementation="Hjemme",
        service=S.KOORDINERENDE_ENHET,
        as_of=later,
    )
    assert check_plan(run.case, later).status is Completeness.COMPLETE


def _adult_plan() -> CaseRun:
    run = standard_case(age=19)
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, (S.KOORDINERENDE_ENHET,), consent_id="ip")
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    return run


def test_an_adults_former_guardian_takes_part_only_as_the_adult_chose() -> None:
    """§3.4 / IP-10: from 18 the recipient chooses her pårørende (vergemålsloven § 2): a former
    guardian takes part only while the young adult's grant lets him read the case."""
    run = _adult_plan()
    with pytest.raises(PlanError, match="cannot take part"):
        add_plan_participant(run.case, by="ke", participant_ref="far", role=Role.GUARDIAN, as_of=D)
    run.run(grant_guardian_access, grant_id="g-far", guardian_ref="far", as_of=D)
    run.run(add_plan_participant, by="ke", participant_ref="far", role=Role.GUARDIAN, as_of=D)
    assert [(p.ref, p.role) for p in current_plan(run.case).participants] == [
        ("far", Role.GUARDIAN)
    ]


@pytest.mark.parametrize(
    ("ref", "role"),
    [
        ("child", Role.GUARDIAN),
        ("mor", Role.CHILD),
        ("mor", Role.SERVICE_PROVIDER),
        ("fysio", Role.GUARDIAN),
        ("fysio", Role.CHILD),
    ],
)
def test_a_plan_participant_takes_the_role_they_hold(ref: str, role: Role) -> None:
    """§3.3 item 2: the overview of who takes part says in which capacity; the recipient is the
    child, a guardian a guardian, a professional not a family member."""
    run = _started()
    with pytest.raises(PlanError, match="takes part as"):
        add_plan_participant(run.case, by="ke", participant_ref=ref, role=role, as_of=D)
