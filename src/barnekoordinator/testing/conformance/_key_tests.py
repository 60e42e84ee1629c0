"""The contract's tests of a store's wrapped data keys (identifiers sealed at rest)."""

from __future__ import annotations

import pytest

from barnekoordinator.history.sealing import DataKeyStore, WrappedDataKey
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance._hooks import _ContractHooks
from barnekoordinator.testing.conformance._records import make_audit, make_records

_ONE = WrappedDataKey("kek-1", b"\x01" * 60)
_TWO = WrappedDataKey("kek-2", b"\x02" * 60)


def _keys(store: CaseStore) -> DataKeyStore:
    if not isinstance(store, DataKeyStore):
        pytest.skip("the store keeps no data keys (give the Casebook a separate DataKeyStore)")
    return store


class _DataKeyTests:
    def test_data_keys_are_kept_replaced_and_listed(self, store: CaseStore) -> None:
        """A wrapped data key reads back as stored; a second put replaces it (rotation)."""
        keys = _keys(store)
        assert keys.get_data_key("case-1") is None
        assert keys.data_key_cases() == []
        keys.put_data_key("case-2", _ONE)
        keys.put_data_key("case-1", _ONE)
        assert keys.get_data_key("case-1") == _ONE
        keys.put_data_key("case-1", _TWO)
        assert keys.get_data_key("case-1") == _TWO
        assert keys.data_key_cases() == ["case-1", "case-2"]

    def test_a_destroyed_data_key_is_gone_and_the_history_stays(self, store: CaseStore) -> None:
        """Destroying a case's key (crypto-shredding) removes only the key: its events and
        audit trail are untouched, so the hash chains still verify."""
        keys = _keys(store)
        records = make_records("case-1", 3)
        audit = make_audit("case-1", action="write", stored=records)
        store.append("case-1", 0, records, audit=audit)
        keys.put_data_key("case-1", _ONE)
        keys.destroy_data_key("case-1")
        keys.destroy_data_key("case-unknown")  # nothing to destroy is not an error
        assert keys.get_data_key("case-1") is None
        assert keys.data_key_cases() == []
        assert store.read("case-1") == records
        assert len(store.read_audit("case-1")) == 1

    def test_data_keys_survive_reopening(self: _ContractHooks, store: CaseStore) -> None:
        """A persistent store keeps its wrapped keys, and a destruction, across reopening."""
        keys = _keys(store)
        keys.put_data_key("case-1", _ONE)
        keys.put_data_key("case-2", _TWO)
        keys.destroy_data_key("case-2")
        again = self.reopen_store(store)
        if again is None:
            pytest.skip("the store is not persistent")
        try:
            reopened = _keys(again)
            assert reopened.get_data_key("case-1") == _ONE
            assert reopened.get_data_key("case-2") is None
        finally:
            again.close()
