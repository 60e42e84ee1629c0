"""Conformance suites: prove a store honours the `CaseStore` contract.

A vendor subclasses one class and says how to make a store:

```python
from barnekoordinator.testing.conformance import CaseStoreContract

class TestAcmeStore(CaseStoreContract):
    def make_store(self):
        return AcmeStore(self.tmp_path / "acme.db", catalogue=self.catalogue)
```

Every test of [`CaseStoreContract`][barnekoordinator.testing.conformance.CaseStoreContract] then
runs against it, including a Hypothesis state machine
([`CaseStoreStateMachine`][barnekoordinator.testing.conformance.CaseStoreStateMachine]) of
interleaved appends by several writers holding stale versions. It checks that no event is ever
duplicated or lost, that versions are exact, that hash chains verify, that ``read_all`` positions
strictly increase with nothing missing, that the agenda equals
[`apply_ops()`][barnekoordinator.history.projections.apply_ops] over the same events, and that an
append's audit record (``append(…, audit=…)``) is stored exactly when its events are. A store that
keeps a notification outbox ([`OutboxStore`][barnekoordinator.history.outbox.OutboxStore]) proves
that its messages commit with the events, that a key is stored once, that concurrent dispatchers
never claim one message twice and that the outbox survives reopening (other stores skip these).

The suite exercises the agenda tables through a projector of the test-only event type
[`TEST_AGENDA_TYPE`][barnekoordinator.testing.conformance.TEST_AGENDA_TYPE], whose payload says
which operation to project (see
[`agenda_payload()`][barnekoordinator.testing.conformance.agenda_payload]). That projector is in
[`CONFORMANCE_CATALOGUE`][barnekoordinator.testing.conformance.CONFORMANCE_CATALOGUE] (the library's
catalogue and one test concept): ``make_store`` must give the store this catalogue, which the
contract offers as ``self.catalogue``. Build test records with
[`make_records()`][barnekoordinator.testing.conformance.make_records] and
[`make_audit()`][barnekoordinator.testing.conformance.make_audit].

This module needs the ``testing`` extra (pytest, Hypothesis).
"""

from __future__ import annotations

from barnekoordinator.errors import MissingExtraError

try:
    import hypothesis
    import pytest
except ImportError:
    raise MissingExtraError("testing", "The conformance suites (pytest, Hypothesis)") from None
del hypothesis, pytest

from barnekoordinator.testing.conformance._contract import CaseStoreContract  # noqa: E402
from barnekoordinator.testing.conformance._machine import CaseStoreStateMachine  # noqa: E402
from barnekoordinator.testing.conformance._records import (  # noqa: E402
    BASE_TIME,
    CONFORMANCE_CATALOGUE,
    TEST_AGENDA_TYPE,
    TEST_NOTE_TYPE,
    agenda_payload,
    make_audit,
    make_records,
    reference_agenda,
)

__all__ = [
    "BASE_TIME",
    "CONFORMANCE_CATALOGUE",
    "TEST_AGENDA_TYPE",
    "TEST_NOTE_TYPE",
    "CaseStoreContract",
    "CaseStoreStateMachine",
    "agenda_payload",
    "make_audit",
    "make_records",
    "reference_agenda",
]
