"""The contract's tests of the notification outbox (``history.outbox``)."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from barnekoordinator.errors import ConcurrencyConflict, InvalidInput
from barnekoordinator.history.outbox import (
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    OutboxStore,
    Settlement,
)
from barnekoordinator.history.projections import AgendaKind
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance._hooks import _ContractHooks
from barnekoordinator.testing.conformance._records import BASE_TIME, make_audit, make_records

_TODAY = BASE_TIME.date()


def _outbox(store: CaseStore) -> OutboxStore:
    if not isinstance(store, OutboxStore):
        pytest.skip("the store keeps no notification outbox")
    return store


def _message(key: str, *, case_id: str = "case-1", not_before: date = _TODAY) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        case_id=case_id,
        kind=OutboxKind.MEETING_CALLED,
        recipient="ref-" + key,
        not_before=not_before,
        on=not_before + timedelta(days=3),
        guard=(AgendaKind.EVALUATION_DUE, "stafettlogg:t1", not_before),
    )


class _OutboxTests:
    """Outbox: stored with the events, once per key, claimed by one dispatcher at a time."""

    def test_outbox_messages_commit_with_the_events(self, store: CaseStore) -> None:
        """An append stores its messages with its events; a conflicting one stores neither."""
        box = _outbox(store)
        records = make_records("case-1", 2)
        box.append(
            "case-1",
            0,
            records,
            audit=make_audit("case-1", action="write"),
            outbox=[
                _message("m1"),
                _message("m2"),
            ],
        )
        with pytest.raises(ConcurrencyConflict):
            box.append("case-1", 0, make_records("case-1", 1), outbox=[_message("m3")])
        assert [e.message for e in box.outbox()] == [_message("m1"), _message("m2")]
        assert {e.status for e in box.outbox()} == {OutboxStatus.PENDING}
        assert store.version("case-1") == 2

    def test_a_key_is_stored_once(self, store: CaseStore) -> None:
        """The same idempotency key, through append or add_outbox, is kept once (the first)."""
        box = _outbox(store)
        box.append("case-1", 0, make_records("case-1", 1), outbox=[_message("m1")])
        later = _message("m1", case_id="case-2")
        assert box.add_outbox([later, _message("m2"), _message("m2")]) == 1
        assert box.add_outbox([_message("m2")]) == 0
        assert [e.message for e in box.outbox()] == [_message("m1"), _message("m2")]

    def test_a_bad_message_stores_nothing(self, store: CaseStore) -> None:
        """A message with an empty key is refused and nothing of the batch is stored."""
        box = _outbox(store)
        with pytest.raises(InvalidInput):
            box.add_outbox([_message("m1"), _message("")])
        with pytest.raises(InvalidInput):
            box.append("case-1", 0, make_records("case-1", 1), outbox=[_message("")])
        assert box.outbox() == []
        assert store.version("case-1") == 0

    def test_only_due_messages_are_claimed_and_settled_once(self, store: CaseStore) -> None:
        """A claim takes due, pending, unleased messages; settling records the outcome."""
        box = _outbox(store)
        box.add_outbox([_message("now"), _message("later", not_before=_TODAY + timedelta(1))])
        now, lease = BASE_TIME, BASE_TIME + timedelta(minutes=5)
        claimed = box.claim_outbox(now=now, until=lease, claimant="a")
        assert [e.message.key for e in claimed] == ["now"]
        assert claimed[0].claimed_until == lease
        assert box.claim_outbox(now=now, until=lease, claimant="b") == []  # leased to "a"
        assert not box.settle_outbox("now", "b", Settlement(status=OutboxStatus.SENT))
        retry = now + timedelta(minutes=10)
        assert box.settle_outbox(
            "now", "a", Settlement(status=OutboxStatus.PENDING, next_attempt=retry, note="451")
        )
        (entry,) = box.outbox(status=OutboxStatus.PENDING)[:1]
        assert (entry.attempts, entry.next_attempt, entry.note) == (1, retry, "451")
        assert entry.claimed_until is None
        assert box.claim_outbox(now=now + timedelta(minutes=6), until=retry, claimant="c") == []
        again = box.claim_outbox(now=retry, until=retry + timedelta(minutes=5), claimant="d")
        assert [e.message.key for e in again] == ["now"]
        assert box.settle_outbox("now", "d", Settlement(status=OutboxStatus.SENT))
        assert not box.settle_outbox("now", "d", Settlement(status=OutboxStatus.SENT))
        assert [e.message.key for e in box.outbox(status=OutboxStatus.SENT)] == ["now"]
        tomorrow = BASE_TIME + timedelta(days=1)
        late = box.claim_outbox(now=tomorrow, until=tomorrow + timedelta(minutes=5), claimant="e")
        assert [e.message.key for e in late] == ["later"]  # a sent message is never claimed

    def test_a_release_without_an_attempt_keeps_the_count(self, store: CaseStore) -> None:
        """A run that ended before trying a message releases it without counting an attempt;
        a failed attempt counts one."""
        box = _outbox(store)
        box.add_outbox([_message("m1")])
        lease = BASE_TIME + timedelta(minutes=5)
        box.claim_outbox(now=BASE_TIME, until=lease, claimant="a")
        tried = Settlement(status=OutboxStatus.PENDING, note="451")
        assert box.settle_outbox("m1", "a", tried)
        box.claim_outbox(now=BASE_TIME, until=lease, claimant="b")
        released = Settlement(status=OutboxStatus.PENDING, note="released", attempted=False)
        assert box.settle_outbox("m1", "b", released)
        (entry,) = box.outbox(status=OutboxStatus.PENDING)
        assert (entry.attempts, entry.claimed_until, entry.note) == (1, None, "released")
        assert len(box.claim_outbox(now=BASE_TIME, until=lease, claimant="c")) == 1

    def test_an_expired_lease_can_be_claimed_again(self, store: CaseStore) -> None:
        """A dispatcher that crashed after claiming loses the message when its lease ends."""
        box = _outbox(store)
        box.add_outbox([_message("m1")])
        lease = BASE_TIME + timedelta(minutes=5)
        assert len(box.claim_outbox(now=BASE_TIME, until=lease, claimant="crashed")) == 1
        assert (
            len(box.claim_outbox(now=lease, until=lease + timedelta(minutes=5), claimant="b")) == 1
        )
        assert not box.settle_outbox("m1", "crashed", Settlement(status=OutboxStatus.SENT))
        assert box.settle_outbox("m1", "b", Settlement(status=OutboxStatus.SENT))

    def test_a_lease_is_judged_by_lease_now_not_by_the_run_date(self, store: CaseStore) -> None:
        """``lease_now`` (the real time) decides whether a lease has run out; ``now`` (the run's
        date, maybe days ahead) only which messages are due. Without ``lease_now``, ``now``."""
        box = _outbox(store)
        box.add_outbox([_message("m1")])
        real, lease = BASE_TIME, BASE_TIME + timedelta(minutes=5)
        assert len(box.claim_outbox(now=real, until=lease, claimant="a", lease_now=real)) == 1
        ahead = BASE_TIME + timedelta(days=1)  # a run dated tomorrow, at the same real time
        taken = box.claim_outbox(
            now=ahead, until=real + timedelta(minutes=5), claimant="b", lease_now=real
        )
        assert taken == []  # "a" still holds it, whatever day "b" acts as of
        later = box.claim_outbox(
            now=ahead, until=lease + timedelta(minutes=5), claimant="c", lease_now=lease
        )
        assert [e.message.key for e in later] == ["m1"]  # the lease ran out in real time
        assert not box.settle_outbox("m1", "a", Settlement(status=OutboxStatus.SENT))
        assert box.settle_outbox("m1", "c", Settlement(status=OutboxStatus.SENT))

    def test_concurrent_dispatchers_never_claim_one_message_twice(
        self: _ContractHooks, store: CaseStore
    ) -> None:
        """Threads claiming at once split the messages between them: none is claimed twice."""
        box = _outbox(store)
        box.add_outbox([_message(f"m{i:03d}") for i in range(60)])
        claimed: list[list[str]] = [[] for _ in range(self.concurrent_threads)]

        def claim(slot: int) -> None:
            while True:
                got = box.claim_outbox(
                    now=BASE_TIME,
                    until=BASE_TIME + timedelta(hours=1),
                    claimant=f"t{slot}",
                    limit=3,
                )
                if not got:
                    return
                claimed[slot].extend(e.message.key for e in got)

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(claimed))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        every = [key for keys in claimed for key in keys]
        assert sorted(every) == [f"m{i:03d}" for i in range(60)]

    def test_the_outbox_survives_reopening(self: _ContractHooks, store: CaseStore) -> None:
        """A persistent store keeps messages and their delivery state across reopening."""
        box = _outbox(store)
        box.add_outbox([_message("m1"), _message("m2")])
        box.claim_outbox(now=BASE_TIME, until=BASE_TIME + timedelta(minutes=5), claimant="a")
        box.settle_outbox("m1", "a", Settlement(status=OutboxStatus.UNDELIVERABLE, note="none"))
        before = box.outbox()
        again = self.reopen_store(store)
        if again is None:
            pytest.skip("the store is not persistent")
        try:
            assert _outbox(again).outbox() == before
            assert _outbox(again).outbox(status=OutboxStatus.UNDELIVERABLE)[0].note == "none"
        finally:
            again.close()
