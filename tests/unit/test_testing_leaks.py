"""The test kit's identifier check ignores UUIDs and digests, and finds every full number."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.testing.builders import synthetic_fodselsnummer
from barnekoordinator.testing.leaks import identifier_runs


def test_the_case_id_that_failed_ci_is_not_an_identifier() -> None:
    """A case id whose last group holds eleven digits in a row (seen in CI, 2026-12-05)."""
    assert identifier_runs("case 6585b4b1-d244-4890-915a-401504242426: child born") == []


@given(st.uuids(), st.binary())
def test_uuids_and_digests_never_count(case_id: uuid.UUID, data: bytes) -> None:
    """No UUID (any case) and no SHA-256 hex digest is taken for an identity number."""
    text = f"{case_id} {str(case_id).upper()} <{hashlib.sha256(data).hexdigest()}@bk>"
    assert identifier_runs(text) == []


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2039, 12, 31)),
    st.uuids(),
    st.sampled_from(["", " ", ":", "fnr=", "x", "-"]),
)
def test_a_full_number_is_found_wherever_it_stands(
    born: date, case_id: uuid.UUID, glue: str
) -> None:
    """A synthetic fødselsnummer next to a UUID or inside a word is still found."""
    number = synthetic_fodselsnummer(born)
    assert identifier_runs(f"{case_id}{glue}{number}{glue}{case_id}") == [number]
