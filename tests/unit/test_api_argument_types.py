"""Arguments of the wrong type at the people, access and consent-rule edges are refused with
``InvalidInput`` (a ``BarnekoordinatorError``) that names the argument, never its value.

Before: a plain-text fødselsnummer as ``person_id`` was accepted and shown in clear by
``repr``, then failed with ``AttributeError``; a principal's ``assurance`` as a string failed
later; ``decide(as_of=<str>)`` raised ``TypeError``; ``change_visibility(reason=None)``
``AttributeError``; a consent purpose as its wire string silently took the guardians' rule.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from barnekoordinator.access.consent import ConsentPurpose, Section, required_consenters
from barnekoordinator.access.entries import GuardianVisibility, change_visibility
from barnekoordinator.access.policy import AccessAction, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import BarnekoordinatorError, InvalidInput
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import (
    Child,
    ExpectedChild,
    Guardian,
    GuardianRelation,
    who_consents,
)
from barnekoordinator.testing.builders import DEFAULT_AS_OF, standard_case

FNR = synthetic_fodselsnummer(date(2012, 5, 20))
POLICY = IdentifierPolicy.testing()


def _refused(make: Any, *names: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        make()
    error = info.value
    assert isinstance(error, BarnekoordinatorError)
    assert FNR not in str(error)
    for name in names:
        assert name in str(error)
    return error


def test_a_person_id_as_plain_text_is_refused_never_echoed() -> None:
    _refused(lambda: Child(ref="barn", birth_date=date(2012, 5, 20), person_id=FNR), "person_id")
    _refused(
        lambda: Guardian(
            ref="mor",
            relation=GuardianRelation.MOTHER,
            parental_responsibility=True,
            person_id=FNR,
        ),
        "person_id",
    )
    parsed = PersonId.parse(FNR, policy=POLICY)
    child = Child(ref="barn", birth_date=date(2012, 5, 20), person_id=parsed)
    assert FNR not in repr(child)


def test_a_birth_or_due_date_of_the_wrong_type_is_refused() -> None:
    _refused(lambda: Child(ref="barn", birth_date="2012-05-20"), "birth_date")  # type: ignore[arg-type]
    _refused(lambda: ExpectedChild(ref="barn", expected_date=None), "expected_date")  # type: ignore[arg-type]


def test_principal_fields_of_the_wrong_type_are_refused() -> None:
    _refused(
        lambda: Principal(
            subject="s", display_label="Mor", assurance=AssuranceLevel.HIGH, national_id=FNR
        ),
        "national_id",
    )
    _refused(
        lambda: Principal(subject="s", display_label="Mor", assurance="high"),  # type: ignore[arg-type]
        "assurance",
    )


def test_decide_refuses_arguments_of_the_wrong_type() -> None:
    run = standard_case(age=16)
    principal = Principal(subject="ke-1", display_label="KE", assurance=AssuranceLevel.HIGH)
    case = run.case
    _refused(lambda: decide(principal, case, AccessAction.READ, None, "2026-01-01"), "as_of")  # type: ignore[arg-type]
    _refused(
        lambda: decide(
            principal,
            case,
            AccessAction.CONSENT,
            None,
            DEFAULT_AS_OF,
            purpose="health-care",  # type: ignore[arg-type]
        ),
        "purpose",
    )
    _refused(lambda: decide(principal, None, AccessAction.READ, None, DEFAULT_AS_OF), "case")  # type: ignore[arg-type]
    _refused(
        lambda: decide(
            principal,
            case,
            AccessAction.READ,
            None,
            DEFAULT_AS_OF,
            settings={},  # type: ignore[arg-type]
        ),
        "settings",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("reason", None),
        ("decided_by", None),
        ("entry_id", 7),
        ("visibility", "default"),
        ("as_of", "2026-01-01"),
    ],
)
def test_change_visibility_refuses_arguments_of_the_wrong_type(field: str, value: object) -> None:
    run = standard_case(age=13)
    kwargs: dict[str, Any] = {
        "entry_id": "x",
        "visibility": GuardianVisibility.DEFAULT,
        "decided_by": "hs",
        "reason": "begrunnelse",
        "as_of": DEFAULT_AS_OF,
    }
    kwargs[field] = value
    _refused(lambda: change_visibility(run.case, **kwargs), field)


def test_a_consent_purpose_as_its_wire_string_is_refused_not_answered_by_guardians() -> None:
    """pbrl § 4-3: for a 16-year-old, health care is the young person's own consent. The wire
    string "health-care" matched no purpose (identity) and gave the guardians' rule."""
    run = standard_case(age=16)
    assert required_consenters(run.case, ConsentPurpose.HEALTH_CARE, as_of=DEFAULT_AS_OF) == {
        "child"
    }
    _refused(
        lambda: required_consenters(run.case, "health-care", as_of=DEFAULT_AS_OF),  # type: ignore[arg-type]
        "purpose",
    )
    _refused(
        lambda: who_consents(
            "health-care",  # type: ignore[arg-type]
            subject_ref="child",
            born=True,
            age=16,
            guardians=(),
            as_of=DEFAULT_AS_OF,
            settings=MunicipalSettings(),
        ),
        "purpose",
    )
    _refused(
        lambda: required_consenters(
            run.case,
            ConsentPurpose.SHARE_INFORMATION,
            as_of=DEFAULT_AS_OF,
            section="health",  # type: ignore[arg-type]
        ),
        "section",
    )
    assert Section.HEALTH.value == "health"
