"""A withdrawal recorded as an event is held to what the ``withdraw_consent`` command allows.

Review of the partial withdrawal (2026-12-08): the access policy let a recorder store a
hand-made withdrawal of a consent already withdrawn (the fold then moved the withdrawal's day
and put the consent back in force for the days between) and of a consent the case does not
have (it lay in wait for a consent given later under that id). Both are refused now, as the
command refuses them (pbrl § 4-4). Synthetic identities only.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from barnekoordinator.access.consent import (
    ConsentPartlyWithdrawn,
    ConsentPurpose,
    ConsentWithdrawn,
    Section,
    give_consent,
    ledger,
    withdraw_consent,
)
from barnekoordinator.access.policy import authorise_events
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.errors import RuleViolation
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    CaseRun,
    child_aged,
    father,
    mother,
    new_case,
    professional,
)

DAY = date(2026, 3, 2)
KE = Principal(
    subject="ke",
    display_label="Koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({SystemRole.KOORDINERENDE_ENHET}),
    municipality_number="0301",
)


def _case() -> CaseRun:
    run = new_case(
        subject=child_aged(10, as_of=DAY),
        guardians=(mother(), father()),
        professionals=[
            professional("kl", ServiceKind.SKOLE),
            professional("ke", ServiceKind.KOORDINERENDE_ENHET),
        ],
        koordinerende_enhet=("ke",),
        as_of=DAY,
    )
    run.run(
        give_consent,
        consent_id="k",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["mor", "far"],
        services=[ServiceKind.SKOLE],
        as_of=DAY,
    )
    return run


@pytest.mark.parametrize("partly", [False, True], ids=["whole", "partly"])
def test_a_consent_already_withdrawn_is_not_withdrawn_again_pbrl_4_4(partly: bool) -> None:
    run = _case()
    run.run(withdraw_consent, consent_id="k", by="mor", as_of=DAY + timedelta(days=1))
    later = DAY + timedelta(days=9)
    with pytest.raises(RuleViolation, match="already withdrawn"):
        withdraw_consent(run.case, consent_id="k", by="far", as_of=later)
    event: ConsentWithdrawn = (
        ConsentPartlyWithdrawn(
            consent_id="k", by="far", on=later, sections=frozenset({Section.EDUCATION})
        )
        if partly
        else ConsentWithdrawn(consent_id="k", by="far", on=later)
    )
    decision = authorise_events(KE, run.case, [event], later)
    assert not decision.allowed
    assert "already withdrawn on 2026-03-03" in decision.reason
    assert ledger(run.case).get("k").withdrawn_on == DAY + timedelta(days=1)  # type: ignore[union-attr]


@pytest.mark.parametrize("partly", [False, True], ids=["whole", "partly"])
def test_a_withdrawal_of_a_consent_the_case_lacks_is_refused_pbrl_4_4(partly: bool) -> None:
    run = _case()
    event: ConsentWithdrawn = (
        ConsentPartlyWithdrawn(
            consent_id="other", by="mor", on=DAY, sections=frozenset({Section.EDUCATION})
        )
        if partly
        else ConsentWithdrawn(consent_id="other", by="mor", on=DAY)
    )
    decision = authorise_events(KE, run.case, [event], DAY)
    assert not decision.allowed
    assert "no such consent" in decision.reason
