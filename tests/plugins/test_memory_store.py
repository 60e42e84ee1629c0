"""The in-memory store passes the CaseStore conformance suite."""

from __future__ import annotations

from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance import CaseStoreContract
from barnekoordinator_plugins.memory import InMemoryCaseStore


class TestInMemoryCaseStore(CaseStoreContract):
    """Conformance of InMemoryCaseStore."""

    def make_store(self) -> CaseStore:
        return InMemoryCaseStore(catalogue=self.catalogue)
