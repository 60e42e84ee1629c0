"""The contract a vendor subclasses: its settings, hooks and fixtures, over the test groups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest

from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance._agenda_tests import _AgendaTests
from barnekoordinator.testing.conformance._audit_tests import (
    _AuditedAppendTests,
    _AuditOrderTests,
    _AuditTests,
)
from barnekoordinator.testing.conformance._history_tests import (
    _BasicTests,
    _ChainTests,
    _FindCasesTests,
    _LifecycleTests,
    _ReadAllTests,
)
from barnekoordinator.testing.conformance._key_tests import _DataKeyTests
from barnekoordinator.testing.conformance._machine import _StateMachineTests
from barnekoordinator.testing.conformance._outbox_tests import _OutboxTests
from barnekoordinator.testing.conformance._paging_tests import _AgendaPagingTests
from barnekoordinator.testing.conformance._records import CONFORMANCE_CATALOGUE
from barnekoordinator.testing.conformance._sealed_with_tests import _SealedWithTests
from barnekoordinator.testing.conformance._subject_tests import _AtomicKeyTests, _SubjectTests


# pytest runs the tests a class inherits from its last base first, so the groups are
# listed from the last to run to the first: basics first, the state machine last.
class CaseStoreContract(
    _StateMachineTests,
    _SubjectTests,
    _SealedWithTests,
    _AtomicKeyTests,
    _OutboxTests,
    _DataKeyTests,
    _LifecycleTests,
    _AuditOrderTests,
    _AuditedAppendTests,
    _AuditTests,
    _AgendaPagingTests,
    _AgendaTests,
    _FindCasesTests,
    _ReadAllTests,
    _ChainTests,
    _BasicTests,
):
    """Abstract pytest class: subclass it (name the subclass ``Test…``) and implement
    `make_store()`.

    ``self.tmp_path`` is a fresh directory for each test. Override
    `reopen_store()` for a persistent store (the data must survive), and
    `dispose_store()` when closing is not enough to clean up. Tune the
    state machine with `state_machine_examples` / `state_machine_steps`, and the agenda
    paging test with `paging_examples`.

    The store must project its agenda with `catalogue` (pass it to the
    store's constructor, or to ``plugins.case_store(..., catalogue=...)``).
    """

    catalogue: ClassVar[Catalogue] = CONFORMANCE_CATALOGUE
    """The catalogue the store must project with (it knows `TEST_AGENDA_TYPE`)."""

    state_machine_examples: ClassVar[int] = 30
    state_machine_steps: ClassVar[int] = 30
    concurrent_threads: ClassVar[int] = 6
    paging_examples: ClassVar[int] = 20
    """Hypothesis examples of the agenda paging test (each a new store and population)."""
    tmp_path: Any

    def make_store(self) -> CaseStore:
        """Return a new, empty store (called several times per test by the state machine)."""
        raise NotImplementedError("subclasses implement make_store()")

    def reopen_store(self, store: CaseStore) -> CaseStore | None:
        """Return a second store on the same data, or ``None`` for a non-persistent store."""
        return None

    def dispose_store(self, store: CaseStore) -> None:
        """Close the store and remove what it created."""
        store.close()

    @pytest.fixture(autouse=True)
    def _contract_tmp_path(self, tmp_path: Any) -> None:
        self.tmp_path = tmp_path

    @pytest.fixture
    def store(self) -> Iterator[CaseStore]:
        """A new, empty store, disposed of after the test."""
        store = self.make_store()
        try:
            yield store
        finally:
            self.dispose_store(store)
