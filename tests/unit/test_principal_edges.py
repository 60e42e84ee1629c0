"""A principal's text is refused at construction if it could not be audited (issue 11).

The issue's principal with a lone surrogate in its label was built, acted, and left **no audit
record**: the store could not encode the label. A principal now cannot exist with such text, so
an audit record can always be written for any principal that does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.principal import AssuranceLevel, Credential, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import AccessDenied, InvalidInput
from barnekoordinator.testing.builders import TEST_SEALING_KEY, standard_case
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

FORGED = [
    "Kari\ud800",  # a lone surrogate: cannot be encoded for a store
    "\udc80",
    "Kari\nOla, barnevern",  # a newline would forge a line in "who has looked"
    "Kari\x00",
    "Kari\x1b[31m",  # a terminal escape
    "Kari\x7f",
]


def _principal(**changes: object) -> Principal:
    values: dict[str, object] = {
        "subject": "idp:abc-123",
        "display_label": "Kari Helse, helsestasjon",
        "assurance": AssuranceLevel.HIGH,
    }
    values.update(changes)
    return Principal(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", FORGED)
@pytest.mark.parametrize(
    "field", ["subject", "display_label", "identity_provider", "municipality_number"]
)
def test_text_fields_refuse_lone_surrogates_and_control_characters(field: str, text: str) -> None:
    """InvalidInput naming the field, never the text."""
    with pytest.raises(InvalidInput, match=rf"^{field}: holds a control character") as info:
        _principal(**{field: text})
    assert text not in str(info.value)


@pytest.mark.parametrize("text", FORGED)
def test_roles_refuse_them_too(text: str) -> None:
    """Each role name is text the audit trail may show."""
    with pytest.raises(InvalidInput, match=r"^roles: holds a control character"):
        _principal(roles={"caseworker", text})


def test_text_fields_have_a_length_limit() -> None:
    """A principal's names are short; a megabyte label would go into every audit record."""
    with pytest.raises(InvalidInput, match="display_label: longer than 256 characters"):
        _principal(display_label="Kari " * 100)
    with pytest.raises(InvalidInput, match="municipality_number: expected text, got int"):
        _principal(municipality_number=301)
    assert _principal(display_label="Kåre Ødegård-Ælvsbakken, BUP", identity_provider="helseid")


def test_credentials_check_the_kind_and_leave_the_token_to_the_verifier() -> None:
    """A token is secret and judged by the verifier (a TokenRejected with its reason, see
    tests/login): a Credential checks only that it is text, and never shows it."""
    secret = "eyJhbGciOi.\ud800.sig"
    credential = Credential(kind="idporten-id-token", token=secret)
    assert "eyJ" not in repr(credential)
    with pytest.raises(InvalidInput, match=r"^kind: holds"):
        Credential(kind="idporten\n", token="x")
    with pytest.raises(InvalidInput, match=r"^token: expected text"):
        Credential(kind="idporten-id-token", token=b"x")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Casebook]:
    """A Casebook on a real SQLite file holding one standard case."""
    path: Path = tmp_path_factory.mktemp("audit") / "cases.db"
    store = SQLiteCaseStore(path)
    store.append("case-1", 0, standard_case().records())
    clock = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    yield Casebook(
        store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=b"principal-edges-secret"
    )
    store.close()


ANY_TEXT = st.text(st.characters(codec=None, categories=None), min_size=1, max_size=30)
"""Any code points, lone surrogates and control characters included."""


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(subject=ANY_TEXT, label=ANY_TEXT)
def test_every_principal_that_exists_can_be_audited(
    book: Casebook, subject: str, label: str
) -> None:
    """A read by any principal that could be built leaves one audit record, with its label.

    Whatever the text, construction either refuses it (InvalidInput) or the store writes it.
    """
    try:
        principal = _principal(subject=subject, display_label=label)
    except InvalidInput:
        event("refused at construction")
        return
    event("built, read and audited")
    before = len(book.store.read_audit("case-1"))
    with pytest.raises(AccessDenied):
        book.read(principal, "case-1")  # a stranger: denied, and the denial audited
    trail = book.store.read_audit("case-1")
    assert len(trail) == before + 1
    assert (trail[-1].actor, trail[-1].actor_label) == (subject, label)
