"""Who may be barnekoordinator, row by row (issue 14 item 5; hotl § 7-2 a «tjenesteyterne i
kommunen»): the rule, the case's appointment command and the appointment notice agree."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from _bk_scenarios import load, params

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import appoint_barnekoordinator
from barnekoordinator.coordination.roles import Role, roles
from barnekoordinator.errors import CoordinationError, RuleViolation
from barnekoordinator.identifiers import Organisasjonsnummer
from barnekoordinator.people import Professional, ProviderKind, may_be_barnekoordinator
from barnekoordinator.rights.decisions import notice_of_appointment
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    EligibilityFacts,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import DEFAULT_AS_OF, consent_all, standard_case

ROWS = load("providers.toml", "row")
AS_OF = date(2025, 3, 1)


def _professional(row: dict[str, Any]) -> Professional:
    return Professional(
        ref="kandidat",
        service=ServiceKind(row["service"]),
        organisation=Organisasjonsnummer("123456785"),
        provider=ProviderKind(row["provider"]),
    )


def _eligible() -> Any:
    ke = Author(ref="ke", role="koordinerende enhet")
    yes = Judgement(conclusion=True, author=ke, assessed_on=AS_OF)
    return assess(
        EligibilityFacts(
            child=ChildFacts(ref="barn", birth_date=date(2019, 5, 5)),
            needs=Needs(services=(ServiceKind.AVLASTNING, ServiceKind.BARNEHAGE)),
            judgements=Judgements(serious=yes, long_term=yes, composite=yes),
            guardians=(
                GuardianFacts(
                    ref="mor",
                    parental_responsibility=True,
                    wishes=Wishes(barnekoordinator=Wish.WANTS),
                ),
            ),
            child_heard=True,
        ),
        as_of=AS_OF,
    )


@pytest.mark.parametrize("row", params(ROWS))
def test_provider_scenario(row: dict[str, Any]) -> None:
    """The rule, the appointment command and the notice answer the row's basis alike."""
    label = f"{row['name']} [{row['basis']}]"
    settings = MunicipalSettings.from_mapping(row.get("settings", {}))
    candidate = _professional(row)
    why_not = may_be_barnekoordinator(candidate, settings)
    assert (why_not is None) is row["allowed"], label
    if not row["allowed"]:
        assert row["reason"] in why_not, label  # type: ignore[operator]
    run = standard_case(age=5, settings=settings)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [ServiceKind.KOORDINERENDE_ENHET])
    if row["allowed"]:
        run.run(
            appoint_barnekoordinator,
            coordinator=candidate,
            by="ke",
            as_of=DEFAULT_AS_OF,
            family_wishes="Familien er hørt.",
            settings=settings,
        )
        assert notice_of_appointment(_eligible(), candidate, as_of=AS_OF, settings=settings)
        holders = {a.ref for a in roles(run.case, DEFAULT_AS_OF) if a.role is Role.BARNEKOORDINATOR}
        assert holders == {"kandidat"}, label
    else:
        with pytest.raises(CoordinationError, match=row["reason"]):
            appoint_barnekoordinator(
                run.case,
                coordinator=candidate,
                by="ke",
                as_of=DEFAULT_AS_OF,
                family_wishes="Familien er hørt.",
                settings=settings,
            )
        with pytest.raises(RuleViolation, match=row["reason"]):
            notice_of_appointment(_eligible(), candidate, as_of=AS_OF, settings=settings)


def test_a_private_consultant_takes_part_without_a_duty_to_cooperate() -> None:
    """Prop. 100 L kap. 13: a privately engaged professional is no tjenesteyter; the role of a
    service provider rests on the definition, not on a sector's cooperation duty."""
    from barnekoordinator.history.case import ParticipantJoined

    run = standard_case(age=5)
    consultant = Professional(
        ref="konsulent",
        service=ServiceKind.FYSIOTERAPI,
        organisation=Organisasjonsnummer("123456785"),
        provider=ProviderKind.PRIVATE,
    )
    run.do(ParticipantJoined(participant=consultant))
    found = [a for a in roles(run.case, DEFAULT_AS_OF) if a.ref == "konsulent"]
    assert [a.basis for a in found] == [("prop-100-l-tjenesteytere",)]
    assert CATALOGUE.replay(run.case.id, run.history) == run.case
