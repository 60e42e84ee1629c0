"""PostgreSQL: a crypto-shred through one store handle (another worker, another server) reaches a
Casebook running on another handle at its next load, and a shred of an unknown case is refused.

A real throwaway PostgreSQL server (skips without one, like the other PostgreSQL tests);
synthetic identities only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import InvalidInput, SealingError
from barnekoordinator.history.case import open_case
from barnekoordinator.history.sealing import KeyRing
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator_plugins.postgres import PostgresCaseStore

SHRED_AT = datetime(2036, 1, 2, 8, tzinfo=UTC)
KE = Principal(
    subject="ke-1",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({"koordinerende-enhet"}),
    municipality_number="0301",
)


def test_a_shred_through_another_handle_reaches_a_running_casebook(
    postgres_dsn: str, pg_schema: Callable[[], str]
) -> None:
    schema = pg_schema()
    with (
        PostgresCaseStore(postgres_dsn, schema=schema) as serving,
        PostgresCaseStore(postgres_dsn, schema=schema) as retention,
    ):
        book = Casebook(
            serving,
            clock=FixedClock(datetime(2026, 1, 5, 9, tzinfo=UTC)),
            subject_secret=b"postgres-shred-subject-secret-32",
            sealing=TEST_SEALING_KEY,
        )
        born = date(2013, 2, 1)
        child_id = PersonId.parse(synthetic_fodselsnummer(born), policy=IdentifierPolicy.testing())
        child = Child(ref="child", birth_date=born, person_id=child_id)
        case_id = book.open_case(KE, [open_case(municipality_number="0301", subject=child)])
        book.read(KE, case_id)  # the book's key ring has the case's data key unwrapped
        KeyRing(retention, TEST_SEALING_KEY).destroy(case_id, at=SHRED_AT)
        with pytest.raises(SealingError, match=case_id):
            book.read(KE, case_id)
        assert book._keys.existing(case_id) is None


def test_a_shred_of_an_unknown_case_is_refused_and_stores_nothing(
    postgres_dsn: str, pg_schema: Callable[[], str]
) -> None:
    with PostgresCaseStore(postgres_dsn, schema=pg_schema()) as store:
        with pytest.raises(InvalidInput, match="no data key, no event and no earlier shred"):
            KeyRing(store, TEST_SEALING_KEY).destroy("no-such-case", at=SHRED_AT)
        assert store.read_audit("no-such-case") == []
        assert store.case_ids() == []
