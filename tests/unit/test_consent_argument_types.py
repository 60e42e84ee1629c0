"""``give_consent`` and ``withdraw_consent`` check their arguments' types where they enter.

``as_of=None`` or ``valid_to="2027-01-01"`` escaped as a raw ``TypeError`` from a date
comparison; a purpose, service or section given as its value text (``"health-care"``) was
compared by identity and silently gave the wrong answer (or an ``AttributeError`` at the
Casebook). Now each is an [`InvalidInput`][barnekoordinator.errors.InvalidInput] naming the
argument and what was expected, and nothing is recorded. Command documents are unaffected:
``parse_command`` turns their texts into the enums before the command runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from barnekoordinator.access.consent import (
    ConsentPurpose,
    Section,
    give_consent,
    withdraw_consent,
)
from barnekoordinator.errors import InvalidInput
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import CaseRun, standard_case

DAY = date(2026, 3, 2)


@pytest.fixture
def run() -> CaseRun:
    case = standard_case(age=10, as_of=DAY)
    case.run(
        give_consent,
        consent_id="k0",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["mor", "far"],
        services=[ServiceKind.SKOLE],
        as_of=DAY,
    )
    return case


def _give(run: CaseRun, **changes: Any) -> Callable[[], object]:
    arguments: dict[str, Any] = {
        "consent_id": "k1",
        "purpose": ConsentPurpose.SHARE_INFORMATION,
        "given_by": ["mor", "far"],
        "services": [ServiceKind.SKOLE],
        "as_of": DAY,
        **changes,
    }
    return lambda: give_consent(run.case, **arguments)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"as_of": None}, r"^as_of: expected a datetime\.date, got NoneType"),
        ({"as_of": "2026-03-02"}, r"^as_of: expected a datetime\.date, got str"),
        ({"as_of": datetime(2026, 3, 2, tzinfo=UTC)}, r"^as_of: expected a datetime\.date"),
        ({"as_of": date(1, 1, 1)}, r"^as_of: expected a date from"),
        ({"valid_to": "2027-01-01"}, r"^valid_to: expected a datetime\.date, got str"),
        ({"purpose": "share-information"}, r"^purpose: expected a ConsentPurpose"),
        ({"purpose": None}, r"^purpose: expected a ConsentPurpose"),
        ({"services": ["skole"]}, r"^services\[\]: expected a ServiceKind"),
        ({"services": "skole"}, r"^services: expected a collection of ServiceKind"),
        ({"sections": ["health"]}, r"^sections\[\]: expected a Section"),
        ({"sections": Section.HEALTH}, r"^sections: expected a collection of Section"),
        ({"sections": []}, r"^sections: a consent must name the sections"),
        ({"given_by": "mor"}, r"^given_by: expected a collection of case refs"),
        ({"given_by": [1]}, r"^given_by\[\]: expected a text"),
        ({"note": None}, r"^note: expected a text"),
        ({"settings": {}}, r"^settings: expected MunicipalSettings or None"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, dict) else None,
)
def test_give_consent_refuses_an_argument_of_the_wrong_type(
    run: CaseRun, changes: dict[str, Any], message: str
) -> None:
    """Each wrong type is an InvalidInput naming the argument, never a raw TypeError or a
    silently wrong answer."""
    with pytest.raises(InvalidInput, match=message):
        _give(run, **changes)()


def test_a_purpose_given_as_text_does_not_skip_the_age_rule() -> None:
    """pbrl § 4-3 b: the mother may not consent to health care for a 16-year-old. Given as the
    text ``"health-care"`` the purpose was not recognised as a health matter and fell through
    to the guardians' rule; now the text is refused before the rule is asked."""
    run = standard_case(age=16, as_of=DAY)
    with pytest.raises(InvalidInput, match=r"^purpose: expected a ConsentPurpose"):
        give_consent(
            run.case,
            consent_id="hc",
            purpose="health-care",  # type: ignore[arg-type]
            given_by=["mor"],
            services=[ServiceKind.HELSESTASJON],
            as_of=DAY,
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"as_of": None}, r"^as_of: expected a datetime\.date, got NoneType"),
        ({"as_of": "2026-03-02"}, r"^as_of: expected a datetime\.date, got str"),
        ({"by": None}, r"^by: expected a text"),
        ({"consent_id": 7}, r"^consent_id: expected a text"),
        ({"settings": "default"}, r"^settings: expected MunicipalSettings or None"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, dict) else None,
)
def test_withdraw_consent_refuses_an_argument_of_the_wrong_type(
    run: CaseRun, changes: dict[str, Any], message: str
) -> None:
    """The same at withdrawal: InvalidInput naming the argument, nothing withdrawn."""
    arguments: dict[str, Any] = {"consent_id": "k0", "by": "mor", "as_of": DAY, **changes}
    with pytest.raises(InvalidInput, match=message):
        withdraw_consent(run.case, **arguments)
