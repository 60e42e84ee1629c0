"""How the Casebook stores a write: sealed records, a new case's key and the child check.

Decision 31. A new case's data key travels in the append that stores its first events, so it
commits with them or not at all. An opening for a child with an identifier appends with the
cases it saw for the child ([`SubjectCases`][barnekoordinator.history.store.SubjectCases]); the
store re-checks them inside its write transaction, so of two concurrent openings for one child
only one is stored and the other is referred to it (``CaseAlreadyOpen``), as a later one is.
A store whose ``append`` lacks the keywords is still served the way it was before.

Decision 51. Where the store keeps the keys and its ``append`` takes ``sealed_with``, a write
seals with the key ring's cached data key without reading the store, and the append confirms in
its own transaction that the store still holds the wrapped key that data key came from. When it
does not (the case shredded, or its key re-wrapped by a rotation, since the key was cached), the
store refuses with nothing stored; the write then forgets the cached key and seals once more from
the store's key, never a new one: a shredded case fails (``SealingError``), a re-wrapped one is
stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final

import attrs

from barnekoordinator._casebook_call import append_takes
from barnekoordinator.access.policy import AccessAction, AccessDecision
from barnekoordinator.errors import (
    BarnekoordinatorError,
    ConcurrencyConflict,
    SealingError,
    SubjectConflict,
)
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.serialization import to_records
from barnekoordinator.history.store import SubjectCases

if TYPE_CHECKING:
    from barnekoordinator._casebook_call import Call
    from barnekoordinator.casebook import Casebook
    from barnekoordinator.history.case import Case, RecordedEvent
    from barnekoordinator.history.records import EventRecord
    from barnekoordinator.history.sealing import CaseCipher, KeyRing, WrappedDataKey
    from barnekoordinator.history.store import CaseStore

__all__ = [
    "TAKEN",
    "IdTaken",
    "Sealed",
    "append_sealed",
    "keys_stored",
    "open_case_of",
    "seal",
    "store_opening",
]

SUBJECT_ATTEMPTS: Final = 5
"""How often an opening looks again after another case for the child was stored meanwhile."""


@attrs.frozen
class Sealed:
    """Records sealed for an append, with the case's cipher, its not-yet-stored data key, and
    the stored wrapped key the append confirms (``sealed_with``, decision 51)."""

    records: list[EventRecord]
    cipher: CaseCipher
    data_key: WrappedDataKey | None
    sealed_with: WrappedDataKey | None = None


def seal(
    keys: KeyRing,
    store: CaseStore,
    recorded: Sequence[RecordedEvent],
    prev_hash: str,
    *,
    create: bool = True,
) -> Sealed:
    """The records to store, every national id sealed with the case's data key.

    A new key is made here and stored by the append (``data_key``) when the key ring keeps its
    keys in this store and the store takes the keyword; otherwise it is stored now, in a
    transaction of its own, as before decision 31. When the store's append also takes
    ``sealed_with``, a cached key is used without reading the store, for the append to confirm
    (decision 51); ``create=False`` then refuses a case whose key is gone (``SealingError``).

    A stored case (``prev_hash`` is not ``GENESIS``) gets a new key only when its history holds
    no sealed identity number (one written before identifiers were sealed): a case whose key was
    destroyed (shredded) after the Casebook loaded it is refused with ``SealingError``, nothing
    stored, whichever path found the key gone.
    """
    case_id = recorded[0].case_id
    sealed_with = None
    stored_case = prev_hash != GENESIS
    if not (keys.keeps_keys_in(store) and append_takes(store, "data_key")):
        data_key = None
        found = keys.existing(case_id) if stored_case else None  # one key read either way
        if stored_case and found is None:
            _refuse_lost_key(store, case_id)
        cipher = found if found is not None else keys.cipher(case_id, create=True)
    elif append_takes(store, "sealed_with"):
        try:
            cipher, data_key, sealed_with = keys.for_append(
                case_id, create=create and not stored_case
            )
        except SealingError:
            if not (stored_case and create) or keys.existing(case_id) is not None:
                raise
            _refuse_lost_key(store, case_id)
            cipher, data_key, sealed_with = keys.for_append(case_id)  # its first key
    else:
        cipher, data_key = keys.for_write(case_id)
        if stored_case and data_key is not None:
            _refuse_lost_key(store, case_id)
    records = to_records(tuple(recorded), prev_hash, cipher=cipher)
    return Sealed(records, cipher, data_key, sealed_with)


def _refuse_lost_key(store: CaseStore, case_id: str) -> None:
    """Raise ``SealingError`` when the stored case has no data key but its history holds a
    sealed identity number: the key was destroyed (a crypto-shred) or removed, and a new key
    would let the write store identifiers in a case whose numbers must stay unreadable."""
    from barnekoordinator.history.sealing import holds_sealed_identifier

    if any(holds_sealed_identifier(r.payload) for r in store.read(case_id)):
        raise SealingError(
            f"case {case_id}: its data key is gone (shredded, or removed) while its history "
            "holds sealed identity numbers; nothing stored, and no new key is made for it"
        )


def append_sealed(
    book: Casebook,
    recorded: Sequence[RecordedEvent],
    prev_hash: str,
    append: Callable[[Sealed], object],
    sealed: Sealed | None = None,
) -> Sealed:
    """Seal ``recorded`` (unless ``sealed`` is given) and store it with ``append``; return what
    was stored.

    Should the store refuse the cached key it was sealed with (``SealingError``: shredded or
    re-wrapped meanwhile, nothing stored), the key is forgotten and the records sealed once more
    from the store's key, with no new key made, and appended once more (decision 51). A shredded
    case then fails with ``SealingError``; the call's ``failed`` audits it.
    """
    if sealed is None:
        sealed = seal(book._keys, book._store, recorded, prev_hash)
    try:
        append(sealed)
    except SealingError:
        if sealed.sealed_with is None:
            raise
        book._keys.forget(recorded[0].case_id)
        sealed = seal(book._keys, book._store, recorded, prev_hash, create=False)
        append(sealed)
    keys_stored(book._keys, sealed)
    return sealed


def keys_stored(keys: KeyRing, sealed: Sealed) -> None:
    """After a successful append: remember the cipher whose key it stored."""
    if sealed.data_key is not None:
        keys.stored(sealed.cipher)


TAKEN: Final = AccessDecision(
    allowed=False,
    action=AccessAction.OPEN,
    reason="a case with this id exists; nothing stored",
)
"""What an opening whose ``case_id`` names a stored case is audited as, in that case's trail: a
refused ``open``, as a call naming a stored case is audited there when refused (a stranger's
read, say). Never the opening's own decision: that was about the case its batch would make, not
this one, and an allowed ``open`` would tell the family someone opened their case."""


class IdTaken(ConcurrencyConflict):
    """The [`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict] of an opening
    whose ``case_id`` names a stored case, to which the opener may have no access: its message
    does not tell the stored case's version, and ``expected`` and ``actual`` are both 0 (what the
    opening expected; there is no version to retry at)."""

    def __init__(self, case_id: str) -> None:
        BarnekoordinatorError.__init__(
            self,
            f"case {case_id}: a case with this id exists; nothing stored (leave case_id out and "
            "the Casebook makes a new one)",
        )
        self.case_id = case_id
        self.expected = 0
        self.actual = 0


def open_case_of(
    book: Casebook, key: str | None, municipality_number: str, new_id: str
) -> tuple[str | None, list[str]]:
    """The child's open case in the municipality, found by the keyed subject index, and
    every case the index named for the child (what the append then expects)."""
    if key is None:
        return None, []  # an expected child, or a child registered without an id
    seen = [other for other in book._store.find_cases(key) if other != new_id]
    for other in seen:
        case, _ = book._load(other)
        if case.is_open and case.municipality_number == municipality_number:
            return other, seen
    return None, seen


def store_opening(
    book: Casebook,
    call: Call,
    decision: AccessDecision,
    recorded: Sequence[RecordedEvent],
    key: str | None,
    prospective: Case,
) -> list[EventRecord]:
    """Refer the opening to the child's open case, or store it; return the stored records.

    The check and the append are not one step: another opening for the child may be stored in
    between. The store re-checks the child's cases inside the append's transaction; on a
    difference nothing is stored (``SubjectConflict``) and we look again, so the loser of a
    race is referred like any later opener.

    An append that finds a case with the opening's id (``case_id`` given by the caller, a stored
    case's) stores nothing; it is audited in that case's trail as ``TAKEN`` and raises
    [`IdTaken`][barnekoordinator._casebook_append.IdTaken], which tells no version.
    """
    new_id = call.case_id
    municipality = prospective.municipality_number
    existing, seen = open_case_of(book, key, municipality, new_id)
    checked = key is not None and append_takes(book._store, "subject")
    sealed: Sealed | None = None
    for attempt in range(SUBJECT_ATTEMPTS):
        if existing is not None:
            raise call.refer(existing, municipality)
        if sealed is None:
            sealed = book._seal(recorded, GENESIS)
        subject = SubjectCases(key, frozenset[str](seen)) if checked and key else None

        def append(s: Sealed, subject: SubjectCases | None = subject) -> None:
            call.append(
                decision,
                0,
                s.records,
                conflict=TAKEN,
                outbox=book._outbox(s.records, prospective),
                subject=subject,
                data_key=s.data_key,
                sealed_with=s.sealed_with,
            )

        try:
            sealed = append_sealed(book, recorded, GENESIS, append, sealed)
        except ConcurrencyConflict:  # a stored case has this id (audited there as TAKEN)
            raise IdTaken(new_id) from None
        except SubjectConflict:
            if attempt == SUBJECT_ATTEMPTS - 1:
                raise
            existing, seen = open_case_of(book, key, municipality, new_id)
        else:
            return sealed.records
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
