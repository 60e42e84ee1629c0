"""Tests of the normalised Principal, assurance levels and credentials."""

from __future__ import annotations

import pickle
from datetime import date

import attrs
import pytest

import barnekoordinator.access.principal as principal_module
from barnekoordinator.access.principal import AssuranceLevel, Credential, Principal, SystemRole
from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)

FNR = synthetic_fodselsnummer(date(1984, 6, 15))
PERSON = PersonId.parse(FNR, policy=IdentifierPolicy.testing())


def make(**changes: object) -> Principal:
    values: dict[str, object] = {
        "subject": "idp:abc-123",
        "display_label": "Kari Helse, helsestasjon",
        "assurance": AssuranceLevel.HIGH,
        "national_id": PERSON,
    }
    values.update(changes)
    return Principal(**values)  # type: ignore[arg-type]


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted and lists exactly the public names of the module."""
    exported = principal_module.__all__
    assert exported == sorted(exported)
    assert set(exported) == {
        "AssuranceLevel",
        "Credential",
        "Principal",
        "SystemRole",
        "subject_problem",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("pl-7", None),
        ("a pairwise sub", None),
        ("", "non-empty"),
        ("  ", "non-empty"),
        (7, "non-empty"),
        ("01817012345", "national id"),
        ("x 018170 12345", "national id"),
        ("hr-018170-12345", "national id"),  # the forms redact() hides: login sweep, 2026-12-07
        ("018170.12345", "national id"),
        ("018170/12345", "national id"),
        ("hr-0181-70-12345", None),  # not one of those forms
        ("line\nforged", "control character"),
        ("x" * 257, "longer than 256"),
    ],
)
def test_subject_problem_says_what_principal_subject_refuses(
    value: object, expected: str | None
) -> None:
    """The rules an event's actor is held to on import are those of ``Principal.subject``."""
    problem = principal_module.subject_problem(value)
    if expected is None:
        assert problem is None
        return
    assert problem is not None
    assert expected in problem
    if isinstance(value, str) and value.strip():
        assert value not in problem  # never the value itself


@pytest.mark.parametrize(
    ("acr", "level"),
    [
        ("idporten-loa-substantial", AssuranceLevel.SUBSTANTIAL),
        ("idporten-loa-high", AssuranceLevel.HIGH),
        ("idporten-loa-low", AssuranceLevel.LOW),
        ("Level3", AssuranceLevel.SUBSTANTIAL),
        ("Level4", AssuranceLevel.HIGH),
        ("substantial", AssuranceLevel.SUBSTANTIAL),
        ("high", AssuranceLevel.HIGH),
        ("eidas-loa-high", AssuranceLevel.HIGH),
        ("urn:bankid:bid;LOA=4", AssuranceLevel.HIGH),
        ("urn:bankid:bis;LOA=3", AssuranceLevel.SUBSTANTIAL),
        ("4", AssuranceLevel.HIGH),
        ("3", AssuranceLevel.SUBSTANTIAL),
    ],
)
def test_acr_values_map_to_levels(acr: str, level: AssuranceLevel) -> None:
    """ID-porten, legacy, Ansattporten, BankID and HelseID acr values map to eIDAS levels."""
    assert AssuranceLevel.from_acr(acr) is level


@pytest.mark.parametrize("acr", ["Level2", "idporten-loa-medium", "", "urn:bankid:bid;LOA=2"])
def test_unknown_acr_is_rejected(acr: str) -> None:
    """An unknown acr is an error, never silently read as good enough."""
    with pytest.raises(InvalidInput, match="acr"):
        AssuranceLevel.from_acr(acr)


def test_levels_are_ordered() -> None:
    """Low < substantial < high, and at_least compares by rank."""
    assert AssuranceLevel.HIGH.at_least(AssuranceLevel.SUBSTANTIAL)
    assert AssuranceLevel.SUBSTANTIAL.at_least(AssuranceLevel.SUBSTANTIAL)
    assert not AssuranceLevel.LOW.at_least(AssuranceLevel.SUBSTANTIAL)
    assert [lv.rank for lv in AssuranceLevel] == [1, 2, 3]


def test_repr_redacts_the_national_id() -> None:
    """The national id never appears in clear in repr() or str() of a principal."""
    principal = make()
    assert FNR not in repr(principal)
    assert FNR not in str(principal)
    assert FNR[:6] + "*****" in repr(principal)


def test_subject_must_not_look_like_a_national_id() -> None:
    """An eleven-digit subject is refused: the actor id written to events must be opaque."""
    with pytest.raises(InvalidInput, match="national id") as info:
        make(subject=FNR)
    assert FNR not in str(info.value)


def test_subject_must_not_be_empty() -> None:
    """A principal needs a stable, non-empty actor id."""
    with pytest.raises(InvalidInput, match="subject"):
        make(subject="  ")


@pytest.mark.parametrize(
    "label",
    [
        "Kari 974760673",
        FNR,
        "HPR 1234567",
        "",
        # Written in groups: the archive printed this as "made by" (archive sweep, 2026-12-07).
        f"Kari {FNR[:4]}-{FNR[4:6]}-{FNR[6:9]}-{FNR[9:]}",
        f"Kari {FNR[:6]}.{FNR[6:]}",
        "Kari 974/760/673",
    ],
)
def test_display_label_holds_no_identifier(label: str) -> None:
    """The label the family sees may not hold six or more digits in a row, with spaces and
    the separators of written numbers dropped (or be empty)."""
    with pytest.raises(InvalidInput, match="display_label"):
        make(display_label=label)


def test_roles_are_a_frozenset_of_strings() -> None:
    """Roles are converted to a frozenset; system role members compare as plain strings."""
    principal = make(roles=[SystemRole.LEADER, "caseworker"])
    assert principal.roles == frozenset({"leader", "caseworker"})
    assert principal.has_role(SystemRole.CASEWORKER)
    with pytest.raises(InvalidInput, match="roles"):
        make(roles="leader")


def test_acts_for_compares_municipality_numbers() -> None:
    """System roles apply only in the municipality the principal acts for."""
    assert make(municipality_number="0301").acts_for("0301")
    assert not make(municipality_number="0301").acts_for("4601")
    assert not make().acts_for("0301")


def test_principal_is_frozen_and_carries_professional_ids() -> None:
    """A principal is immutable and carries HPR number and organisation as given."""
    principal = make(
        hpr=HprNummer.parse("1234567"),
        organisation=Organisasjonsnummer.parse("123456785"),
        identity_provider="helseid",
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        principal.subject = "other"  # type: ignore[misc]
    assert principal.hpr == HprNummer(1234567)
    assert principal.identity_provider == "helseid"


def test_credential_repr_hides_the_token() -> None:
    """A credential's repr shows its kind but never its token."""
    credential = Credential(kind="idporten-id-token", token="eyJhbGciOi.secret.sig")
    assert "secret" not in repr(credential)
    assert "idporten-id-token" in repr(credential)
    with pytest.raises(InvalidInput, match="kind"):
        Credential(kind="", token="x")


def test_principal_pickles_without_losing_equality() -> None:
    """A principal survives pickling (e.g. into a worker process) unchanged."""
    principal = make(roles={"citizen"})
    assert pickle.loads(pickle.dumps(principal)) == principal  # noqa: S301 - our own bytes


@pytest.mark.parametrize("nonce", [b"n-1", 4711, ["n-1"]])
def test_a_credentials_nonce_must_be_text(nonce: object) -> None:
    """A nonce of another type reached the verifier and escaped login as an AttributeError
    (login sweep, 2026-12-07); it is refused as the token is, without being shown."""
    with pytest.raises(InvalidInput, match="nonce: expected text or None") as refused:
        Credential(kind="jwt", token="t", nonce=nonce)  # type: ignore[arg-type]
    assert "4711" not in str(refused.value)
