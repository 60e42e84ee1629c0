"""A level change is a write to the stafettlogg: it needs a valid consent on the day (BTI-03).

docs/concepts/stafettlogg.md, "Consent on every write": every write command checks the consent
ledger again on the day, for the writing professional's service and its section (domain.md §7.6:
the log exists only on the guardians' consent, and each service must be covered by it). The BTI
level change (BTI-16, domain.md §7.4) records the family's own words in the log, so it is no
exception.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.handover import pending_handover
from barnekoordinator.coordination.roles import Role, grant_role, obligations
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    HolderDecision,
    open_log,
    open_stafettlogg,
)
from barnekoordinator.coordination.transitions import change_level
from barnekoordinator.errors import ConsentRequired
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import DEFAULT_AS_OF, CaseRun, consent_all, standard_case

D = DEFAULT_AS_OF
S = ServiceKind


def _log(valid_to_days: int | None = None) -> CaseRun:
    run = standard_case(age=5)
    consent_all(
        run,
        ConsentPurpose.STAFETTLOGG,
        (S.BARNEHAGE, S.HELSESTASJON, S.SKOLE),
        consent_id="log",
        valid_to=None if valid_to_days is None else D + timedelta(days=valid_to_days),
    )
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
    return run


def _decision(holder: str) -> HolderDecision:
    return HolderDecision(
        holder_ref=holder,
        family_wishes="foreldrene ønsker mer hjelp fra flere tjenester",
        measure_scope="flere tjenester",
        coordination_need="stor",
        decided_with=("mor",),
    )


def test_bti_03_change_level_refused_once_the_log_consent_lapsed() -> None:
    """BTI-03, domain.md §7.6: after the stafettlogg consent ran out, a level change that keeps
    the holder is refused like any other write, and nothing is recorded.

    (One naming a new holder was already refused: its handover proposal checks the consent for
    the receiving service.)
    """
    run = _log(valid_to_days=30)
    day = D + timedelta(days=45)
    assert "stafettlogg.consent-lapsed" in {o.code for o in obligations(run.case, day)}
    before = len(run.history)
    with pytest.raises(ConsentRequired, match="no valid consent"):
        run.run(
            change_level, to_level=BtiLevel.NIVAA_3, decision=_decision("pl"), by="pl", as_of=day
        )
    assert len(run.history) == before
    log = open_log(run.case)
    assert log is not None
    assert log.level is BtiLevel.NIVAA_1
    assert not log.level_changes
    assert pending_handover(run.case) is None


def test_bti_03_leader_of_an_uncovered_service_cannot_change_the_level() -> None:
    """BTI-03, domain.md §7.6 ("each service must be covered by the consent"): a leader whose own
    service the consent does not cover writes nothing to the log, a level change included."""
    run = _log()
    run.run(grant_role, ref="ppt", role=Role.LEADER, by="system", as_of=D)
    with pytest.raises(ConsentRequired, match="ppt"):
        change_level(
            run.case, to_level=BtiLevel.NIVAA_2, decision=_decision("pl"), by="ppt", as_of=D
        )
