"""One plan, nine items, whatever law gives the right (issue 14 item 1; IP-forskriften;
Prop. 100 L (2020–2021) kap. 8: «det skal bare utarbeides én plan»)."""

from __future__ import annotations

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.plan import PlanItem, check_plan, start_plan
from barnekoordinator.history.case import ParticipantJoined
from barnekoordinator.rights.eligibility import PlanLaw
from barnekoordinator.rights.eligibility._tables import PLAN_GROUNDS
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    consent_all,
    professional,
    standard_case,
)


def _missing_after_start(service: ServiceKind) -> set[PlanItem]:
    run = standard_case(age=9)
    starter = professional("starter", service)
    run.do(ParticipantJoined(participant=starter))
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, [service])
    run.run(start_plan, plan_id="ip-1", by="starter", as_of=DEFAULT_AS_OF)
    return {m.item for m in check_plan(run.case, DEFAULT_AS_OF).missing}


def test_the_nine_content_items_are_the_same_whichever_law_gives_the_right() -> None:
    """A plan started by the responsible service of each law is checked against the same items."""
    found = {
        law: _missing_after_start(ground.responsible)
        for law, ground in PLAN_GROUNDS.items()
        if law is not PlanLaw.BARNEVERN_1992
    }
    first = next(iter(found.values()))
    assert first  # a plan just started lacks content items
    assert first <= set(PlanItem)
    assert all(missing == first for missing in found.values()), found
    assert len(PlanItem) == 9
