"""The contract's tests of a key confirmed where it is used (decision 51).

``append(…, sealed_with=…)``: the records were sealed with the data key that wrapped key wraps;
the store compares it with the case's stored wrapped key in the append's transaction and, unless
they are equal, raises ``SealingError`` with nothing stored. ``read_with_data_key``: a case's
records and its wrapped key, read together. Both are optional; a store without them skips these
tests (the Casebook then reads the key before each use, as before).
"""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

import pytest

from barnekoordinator.errors import SealingError
from barnekoordinator.history.outbox import OutboxKind, OutboxMessage, OutboxStore
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.sealing import DataKeyStore, WrappedDataKey
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance._records import (
    BASE_TIME,
    agenda_payload,
    make_audit,
    make_records,
)

_KEY = WrappedDataKey("kek-1", b"\x01" * 60)
_OTHER_KEK = WrappedDataKey("kek-2", b"\x01" * 60)
_OTHER_BLOB = WrappedDataKey("kek-1", b"\x03" * 60)
_DAY = BASE_TIME.date()


def _keys(store: CaseStore) -> DataKeyStore:
    if not isinstance(store, DataKeyStore):
        pytest.skip("the store keeps no data keys")
    return store


def _sealing_store(store: CaseStore) -> DataKeyStore:
    if "sealed_with" not in inspect.signature(type(store).append).parameters:
        pytest.skip("the store's append has no 'sealed_with' (optional: decision 51)")
    return _keys(store)


def _reader(store: CaseStore) -> Any:
    reader = getattr(store, "read_with_data_key", None)
    if not callable(reader):
        pytest.skip("the store has no read_with_data_key (optional: decision 51)")
    _keys(store)
    return reader


def _message(key: str) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        case_id="case-1",
        kind=OutboxKind.MEETING_CALLED,
        recipient="ref-" + key,
        not_before=_DAY,
        on=_DAY,
        guard=(AgendaKind.EVALUATION_DUE, "k1", _DAY),
    )


def _state(store: CaseStore) -> Any:
    box = store.outbox() if isinstance(store, OutboxStore) else None
    return (
        store.version("case-1"),
        store.read("case-1"),
        store.read_audit("case-1"),
        store.agenda(until=date.max),
        box,
    )


def _first(store: CaseStore) -> None:
    """case-1 with one agenda event, its audit record and the key ``_KEY``."""
    records = make_records("case-1", [agenda_payload("upsert", key="k1", due=_DAY)])
    store.append("case-1", 0, records, audit=make_audit("case-1", action="write", stored=records))
    _keys(store).put_data_key("case-1", _KEY)


def _next(store: CaseStore, sealed_with: WrappedDataKey) -> int:
    last = store.read("case-1")[-1]
    records = make_records(
        "case-1",
        [agenda_payload("upsert", key="k2", due=_DAY)],
        after_version=last.sequence,
        prev_hash=last.hash,
    )
    extra: dict[str, object] = {"sealed_with": sealed_with}
    if isinstance(store, OutboxStore):
        extra["outbox"] = [_message("m-sealed")]
    append: Any = store.append
    audit = make_audit("case-1", action="write", stored=records)
    return int(append("case-1", last.sequence, records, audit=audit, **extra))


class _SealedWithTests:
    """append(…, sealed_with=…) and read_with_data_key (decision 51)."""

    def test_an_append_sealed_with_the_stored_key_is_stored(self, store: CaseStore) -> None:
        """The wrapped key the store holds for the case: the records are appended."""
        _sealing_store(store)
        _first(store)
        assert _next(store, _KEY) == 2
        assert store.version("case-1") == 2
        assert len(store.read_audit("case-1")) == 2

    @pytest.mark.parametrize("held", [_OTHER_KEK, _OTHER_BLOB, None], ids=["kek", "blob", "none"])
    def test_an_append_sealed_with_another_key_stores_nothing(
        self, store: CaseStore, held: WrappedDataKey | None
    ) -> None:
        """The store holds another wrapped key for the case (another key id: re-wrapped by a
        rotation; other bytes), or none (destroyed): ``SealingError``, and the version, events,
        audit trail, agenda and outbox stay as they were."""
        keys = _sealing_store(store)
        _first(store)
        if held is None:
            keys.destroy_data_key("case-1")
        else:
            keys.put_data_key("case-1", held)
        before = _state(store)
        with pytest.raises(SealingError, match="nothing stored"):
            _next(store, _KEY)
        assert _state(store) == before
        assert keys.get_data_key("case-1") == held

    def test_read_with_data_key_is_read_and_get_data_key(self, store: CaseStore) -> None:
        """``read_with_data_key`` equals ``(read(), get_data_key())``, before and after a
        destroy, and for an unknown case."""
        reader = _reader(store)
        keys = _keys(store)
        assert reader("case-1") == ([], None)
        _first(store)
        assert reader("case-1") == (store.read("case-1"), _KEY)
        assert reader("case-1", after_version=1) == ([], _KEY)
        keys.destroy_data_key("case-1")
        assert reader("case-1") == (store.read("case-1"), None)
        assert len(reader("case-1")[0]) == 1
