"""What the contract's test groups use of `CaseStoreContract`: its settings and hooks."""

from __future__ import annotations

from typing import ClassVar, Protocol

from barnekoordinator.history.store import CaseStore


class _ContractHooks(Protocol):
    """The self type of the tests that use the contract's settings or its store hooks.

    [`CaseStoreContract`][barnekoordinator.testing.conformance.CaseStoreContract] defines and
    documents these; a vendor's subclass overrides them.
    """

    state_machine_examples: ClassVar[int]
    state_machine_steps: ClassVar[int]
    concurrent_threads: ClassVar[int]
    paging_examples: ClassVar[int]

    def make_store(self) -> CaseStore:
        """Return a new, empty store."""
        ...

    def reopen_store(self, store: CaseStore) -> CaseStore | None:
        """Return a second store on the same data, or ``None`` for a non-persistent store."""
        ...

    def dispose_store(self, store: CaseStore) -> None:
        """Close the store and remove what it created."""
        ...
