"""Identifiers sealed at rest: a data key per case, wrapped by the municipality's key.

A national identity number never reaches a store in clear. When a case's
events become records, every [`PersonId`][barnekoordinator.identifiers.PersonId]
in a payload is replaced by a *sealed token*: the number encrypted with AES-GCM
under the case's own **data key**, with the case id as associated data (a token
copied into another case does not open). The data key is random, made when the
case is opened, and stored only *wrapped*: encrypted with the municipality's
**key-encryption key** ([`SealingKey`][barnekoordinator.history.sealing.SealingKey]),
which lives outside the database (a key file, an environment variable, or a
key-management service behind the same small interface).

What this gives:

- **Nothing in clear at rest.** A copy of the database file (or its WAL, or a
  dump) holds tokens and wrapped keys; without the key-encryption key they
  reveal no number.
- **Crypto-shredding.** At the end of the retention period, destroying a case's
  wrapped data key ([`KeyRing.destroy`][barnekoordinator.history.sealing.KeyRing.destroy])
  makes its identifiers unrecoverable while every record — and so the hash
  chain, which covers the tokens, and any checkpoint — stays intact and verifies.
  The shred leaves an audit record in the case's trail, so ``verify`` tells a
  recorded shred from a key that was simply removed.
- **Key rotation.** A new key-encryption key re-wraps every data key
  ([`KeyRing.rotate`][barnekoordinator.history.sealing.KeyRing.rotate]); no
  record is rewritten, so history stays append-only.

The pattern follows the eventsourcing library's AES-GCM cipher for stored
events, with per-case keys (envelope encryption) so that one case can be shredded
alone. Tokens are ``v1.`` followed by base64url of a 96-bit random nonce and the
ciphertext with its 128-bit tag (NIST SP 800-38D); data keys are 256 bits.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import os
import re
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

import attrs
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from barnekoordinator._redact import holds_identifier, looks_like_national_id, number_shaped
from barnekoordinator.clock import ensure_utc
from barnekoordinator.errors import InvalidConfiguration, InvalidInput, SealingError
from barnekoordinator.history.records import AuditRecord, EventRecord
from barnekoordinator.people import case_id_problem

if TYPE_CHECKING:
    from barnekoordinator.history.store import CaseStore

__all__ = [
    "SHRED_ACTION",
    "SHRED_ACTOR",
    "CaseCipher",
    "DataKeyStore",
    "InMemoryDataKeys",
    "KeyRing",
    "SealingKey",
    "WrappedDataKey",
    "confirm_sealed_with",
    "holds_sealed_identifier",
    "is_shred_record",
]

_TOKEN_PREFIX: Final = "v1."  # noqa: S105 - a format marker, not a secret
# How a sealed token appears in a stored payload (compact JSON; spaces allowed). A quote inside
# a JSON string is escaped, so free text that reads like this cannot match.
_SEALED_IN_PAYLOAD: Final = re.compile(r'"sealed"\s*:\s*"v1\.')
_NONCE: Final = 12
_KEY_BYTES: Final = 32


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise SealingError(f"{what}: not base64url") from None


def _aad(case_id: str, purpose: str) -> bytes:
    # Binding each ciphertext to its case (and its use) keeps tokens and wrapped
    # keys from being moved between cases or swapped with each other.
    return f"barnekoordinator/{purpose}/{case_id}".encode()


def _hidden(_value: object) -> str:
    return "<hidden>"


@attrs.frozen
class SealingKey:
    """The municipality's key-encryption key: it wraps every case's data key.

    Keep it outside the database (``key_id`` names it in each wrapped key, so a
    key ring can hold retired keys during rotation). ``repr()`` never shows it.
    """

    key_id: str
    secret: bytes = attrs.field(repr=_hidden)

    def __attrs_post_init__(self) -> None:
        if (
            not self.key_id
            or not self.key_id.isprintable()
            or any(c.isspace() for c in self.key_id)
        ):
            raise InvalidConfiguration("sealing key id: expected a short name without spaces")
        if number_shaped(self.key_id):  # it is in every wrapped key and in the repr
            raise InvalidConfiguration(
                "sealing key id: expected a name, not an eleven-digit number"
            )
        if len(self.secret) != _KEY_BYTES:
            raise InvalidConfiguration(f"sealing key {self.key_id}: expected {_KEY_BYTES} bytes")

    @classmethod
    def generate(cls, key_id: str) -> SealingKey:
        """A new random key (256 bits from the operating system's generator)."""
        return cls(key_id, os.urandom(_KEY_BYTES))

    @classmethod
    def from_text(cls, text: str) -> SealingKey:
        """Read ``KEY_ID:BASE64URL``, the form
        [`to_text()`][barnekoordinator.history.sealing.SealingKey.to_text] writes.

        Raises:
            InvalidConfiguration: the text is not of that form (the secret is never echoed).
        """
        key_id, sep, encoded = text.strip().partition(":")
        if not sep:
            raise InvalidConfiguration("sealing key: expected KEY_ID:BASE64URL")
        try:
            secret = _unb64(encoded, "sealing key")
        except SealingError:
            raise InvalidConfiguration("sealing key: the secret is not base64url") from None
        if _b64(secret) != encoded.rstrip("="):  # "+", "/" or stray bits: not its one text
            raise InvalidConfiguration("sealing key: the secret is not canonical base64url")
        return cls(key_id, secret)

    def to_text(self) -> str:
        """``KEY_ID:BASE64URL``, for a key file or an environment variable."""
        return f"{self.key_id}:{_b64(self.secret)}"


@attrs.frozen
class WrappedDataKey:
    """A case's data key encrypted under the key-encryption key ``kek_id``."""

    kek_id: str
    blob: bytes = attrs.field(repr=lambda b: f"<{len(b)} bytes>")


@runtime_checkable
class DataKeyStore(Protocol):
    """Where wrapped data keys live (the first-party stores keep them in their database).

    A wrapped key is useless without the key-encryption key, so keeping it
    beside the records is safe; destroying it is what shreds a case.
    """

    def get_data_key(self, case_id: str) -> WrappedDataKey | None:
        """The case's wrapped data key, or ``None`` if it has none (or it was destroyed)."""
        ...

    def put_data_key(self, case_id: str, key: WrappedDataKey) -> None:
        """Store (or, on rotation, replace) the case's wrapped data key."""
        ...

    def destroy_data_key(self, case_id: str) -> None:
        """Delete the case's wrapped data key for good (crypto-shredding).

        A store that also keeps the audit trail may take a keyword ``audit: AuditRecord |
        None = None`` (optional, so a store written before it still fits): the shred's audit
        record of ``case_id``, numbered, chained and stored **in the same transaction** as the
        key's deletion — both or neither.
        [`KeyRing.destroy`][barnekoordinator.history.sealing.KeyRing.destroy] passes it only
        to a store whose ``destroy_data_key`` has that parameter.
        """
        ...

    def data_key_cases(self) -> list[str]:
        """The ids of every case with a wrapped data key, sorted."""
        ...


SHRED_ACTOR: Final = "back-office"
"""The actor of a shred's audit record (there is no principal: a trusted back-office act)."""
SHRED_ACTION: Final = "shred"
"""The action of a shred's audit record: ``verify`` accepts a case's missing data key only
when an allowed audit record of the case has this action."""
_SHRED_TARGET: Final = "data-key"
_SHRED_LABEL: Final = "retention (back-office): identity numbers shredded"
_SHRED_RULE: Final = "the retention period ended"


def holds_sealed_identifier(payload: object) -> bool:
    """Whether a stored payload holds a sealed token (``{"sealed": "v1.…"}``): the case's events
    were written with a data key. Needs no key, so ``verify`` can tell without one."""
    return isinstance(payload, str) and _SEALED_IN_PAYLOAD.search(payload) is not None


def is_shred_record(record: AuditRecord) -> bool:
    """Whether ``record`` is the audit record of a crypto-shred
    ([`KeyRing.destroy`][barnekoordinator.history.sealing.KeyRing.destroy])."""
    return record.action == SHRED_ACTION and record.allowed is True


def _shred_record(
    case_id: str, at: datetime, rule: str, label: str, basis: Sequence[str]
) -> AuditRecord:
    """The unsealed audit record of shredding ``case_id`` (checked: no identifier in it)."""
    if not isinstance(rule, str) or not rule.strip() or not rule.isprintable():
        raise InvalidInput("shred: the retention rule must be a printable, non-empty text")
    if looks_like_national_id(rule):
        raise InvalidInput("shred: the retention rule holds what may be an identity number")
    if not isinstance(label, str) or not label.strip() or not label.isprintable():
        raise InvalidInput("shred: the label must be a printable, non-empty text")
    if holds_identifier(label):  # the family is shown it in "who has looked"
        raise InvalidInput("shred: the label holds an identifier (six or more digits)")
    if not isinstance(basis, tuple | list):  # a str would become its letters
        raise InvalidInput(
            f"shred: basis: expected a list of legal reference keys, got {type(basis).__name__}"
        )
    for key in basis:
        if not isinstance(key, str) or not key.strip() or not key.isprintable():
            raise InvalidInput("shred: basis: expected printable, non-empty legal reference keys")
        if holds_identifier(key):
            raise InvalidInput("shred: basis: a key holds an identifier (six or more digits)")
    return AuditRecord(
        case_id=case_id,
        sequence=0,
        at=ensure_utc(at, what="shred: at"),
        actor=SHRED_ACTOR,
        actor_label=label.strip(),
        action=SHRED_ACTION,
        target=_SHRED_TARGET,
        allowed=True,
        reason=f"crypto-shredded: the case's data key destroyed; retention rule: {rule.strip()}",
        basis=tuple(basis),
    )


def _checked_case_id(case_id: object) -> str:
    """``case_id`` if it is a case id by the Casebook's rule (``people.case_id_problem``: text
    with no control character, lone surrogate or invisible formatting character, at most
    ``MAX_CASE_ID_LENGTH`` characters, no eleven-digit number), else InvalidInput that never
    repeats it."""
    problem = case_id_problem(case_id)
    if problem is not None:
        raise InvalidInput(f"key ring: case_id: {problem}")
    assert isinstance(case_id, str)
    return case_id


def confirm_sealed_with(
    case_id: str, held: WrappedDataKey | None, expected: WrappedDataKey | None
) -> None:
    """Inside an append's transaction: refuse records sealed with a data key the store no longer
    holds for the case.

    ``expected`` is the append's ``sealed_with`` (the wrapped key the records' data key came
    from; ``None``: nothing to confirm), ``held`` the wrapped key the store holds for the case
    now. Every store that takes ``sealed_with`` calls this (decision 51).

    Raises:
        SealingError: ``held`` is not ``expected`` (the key destroyed, or re-wrapped by a
            rotation); the caller stores nothing.
    """
    if expected is not None and held != expected:
        raise SealingError(
            f"case {case_id}: the records were sealed with a data key the store no longer "
            "holds for the case (destroyed, or re-wrapped by a rotation); nothing stored"
        )


def _takes_audit(store: object) -> bool:
    """Whether ``store.destroy_data_key`` has the keyword ``audit`` (one transaction)."""
    method = getattr(type(store), "destroy_data_key", None)
    try:
        return method is not None and "audit" in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


class InMemoryDataKeys:
    """A [`DataKeyStore`][barnekoordinator.history.sealing.DataKeyStore] in process memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, WrappedDataKey] = {}

    def get_data_key(self, case_id: str) -> WrappedDataKey | None:
        """The case's wrapped data key, or ``None``."""
        with self._lock:
            return self._keys.get(case_id)

    def put_data_key(self, case_id: str, key: WrappedDataKey) -> None:
        """Store or replace the case's wrapped data key."""
        with self._lock:
            self._keys[case_id] = key

    def destroy_data_key(self, case_id: str) -> None:
        """Forget the case's wrapped data key."""
        with self._lock:
            self._keys.pop(case_id, None)

    def data_key_cases(self) -> list[str]:
        """The ids of every case with a wrapped data key, sorted."""
        with self._lock:
            return sorted(self._keys)


@attrs.frozen(repr=False)
class CaseCipher:
    """Seals and opens the identifiers of one case with its data key."""

    case_id: str
    _aead: AESGCM

    def __repr__(self) -> str:
        return f"CaseCipher({self.case_id!r})"

    def seal(self, plaintext: str) -> str:
        """The sealed token of ``plaintext`` (a fresh random nonce each time)."""
        nonce = os.urandom(_NONCE)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), _aad(self.case_id, "id"))
        return _TOKEN_PREFIX + _b64(nonce + sealed)

    def open(self, token: str) -> str:
        """The plaintext of a token sealed for this case.

        Raises:
            SealingError: not a token, or it does not open with this case's key (another
                case's token, another key, or tampered bytes).
        """
        if not isinstance(token, str) or not token.startswith(_TOKEN_PREFIX):
            raise SealingError(f"case {self.case_id}: expected a sealed token ('v1.…')")
        raw = _unb64(token[len(_TOKEN_PREFIX) :], f"case {self.case_id}: sealed token")
        if len(raw) < _NONCE + 16:
            raise SealingError(f"case {self.case_id}: sealed token too short")
        try:
            plain = self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], _aad(self.case_id, "id"))
        except InvalidTag:
            raise SealingError(
                f"case {self.case_id}: a sealed identifier does not open with the case's key "
                "(tampered, or sealed for another case or key)"
            ) from None
        return plain.decode("utf-8")


class KeyRing:
    """The municipality's key-encryption keys and the cases' wrapped data keys.

    ``current`` wraps new data keys; ``retired`` keys still unwrap keys made
    before a rotation. Unwrapped data keys are cached per key ring, and a cached key is
    used only while the store still holds the very wrapped key it came from, so a shred
    by any key ring, in this process or another, takes effect at the next use
    (decision 51). Where that is checked depends on the store:

    - A **write** to a store that keeps the keys and whose ``append`` takes ``sealed_with``
      seals with the cached key without asking the store
      ([`for_append`][barnekoordinator.history.sealing.KeyRing.for_append]); the append
      compares ``sealed_with`` with the stored wrapped key in its own transaction and stores
      nothing when they differ
      ([`confirm_sealed_with`][barnekoordinator.history.sealing.confirm_sealed_with]).
    - A **read** from a store with ``read_with_data_key`` gets the records and the wrapped key
      together ([`read_case`][barnekoordinator.history.sealing.KeyRing.read_case]).
    - Every other use (``cipher``, ``for_write``, ``existing``, and any store without those
      methods) first reads the case's wrapped key from the store (one row).
    """

    def __init__(
        self, store: DataKeyStore, current: SealingKey, retired: Sequence[SealingKey] = ()
    ) -> None:
        ids = [current.key_id, *(k.key_id for k in retired)]
        if len(set(ids)) != len(ids):
            raise InvalidConfiguration("sealing keys: every key needs its own key id")
        self._store = store
        self._current = current
        self._keks = {k.key_id: AESGCM(k.secret) for k in (current, *retired)}
        self._lock = threading.Lock()
        # case id -> (the wrapped key as stored, its cipher); a cipher is used only while the
        # store still holds that very wrapped key.
        self._ciphers: dict[str, tuple[WrappedDataKey, CaseCipher]] = {}
        self._new: dict[str, tuple[WrappedDataKey, CaseCipher]] = {}  # for_write, not stored

    def __repr__(self) -> str:
        return f"KeyRing(current={self._current.key_id!r}, keys={sorted(self._keks)!r})"

    @property
    def current_key_id(self) -> str:
        """The id of the key that wraps new data keys."""
        return self._current.key_id

    def _wrap(self, case_id: str, data_key: bytes) -> WrappedDataKey:
        nonce = os.urandom(_NONCE)
        aead = self._keks[self._current.key_id]
        return WrappedDataKey(
            self._current.key_id, nonce + aead.encrypt(nonce, data_key, _aad(case_id, "dek"))
        )

    def _unwrap(self, case_id: str, wrapped: WrappedDataKey) -> bytes:
        aead = self._keks.get(wrapped.kek_id)
        if aead is None:
            raise SealingError(
                f"case {case_id}: its data key is wrapped by key {wrapped.kek_id!r}, "
                "which this key ring does not hold"
            )
        blob = wrapped.blob
        try:
            return aead.decrypt(blob[:_NONCE], blob[_NONCE:], _aad(case_id, "dek"))
        except (InvalidTag, ValueError):
            raise SealingError(f"case {case_id}: its wrapped data key does not open") from None

    def _stored_cipher(self, case_id: str) -> CaseCipher | None:
        """The cipher of the wrapped key the store holds for the case now, or ``None`` (and
        nothing cached kept) when it holds none: destroyed by any key ring, or never made."""
        return self._cipher_of(case_id, self._store.get_data_key(case_id))

    def _cipher_of(self, case_id: str, wrapped: WrappedDataKey | None) -> CaseCipher | None:
        """The cipher of ``wrapped``, the wrapped key the store holds for the case now (the
        cached one while it is that very key), or ``None`` and nothing cached kept."""
        with self._lock:
            if wrapped is None:
                self._ciphers.pop(case_id, None)
                return None
            cached = self._ciphers.get(case_id)
        if cached is not None and cached[0] == wrapped:
            return cached[1]
        cipher = CaseCipher(case_id, AESGCM(self._unwrap(case_id, wrapped)))
        with self._lock:
            self._ciphers[case_id] = (wrapped, cipher)
        return cipher

    def cipher(self, case_id: str, *, create: bool = False) -> CaseCipher:
        """The case's cipher; with ``create``, make and store a data key if it has none.

        Raises:
            InvalidInput: ``case_id`` is not a case id (not text, a control character or lone
                surrogate, an eleven-digit number); nothing is stored.
            SealingError: the case has no data key (never made, shredded, or removed: the
                key ring cannot tell; ``barnekoordinator verify`` can) and ``create`` is
                false, or its wrapped key does not open.
        """
        case_id = _checked_case_id(case_id)
        found = self._stored_cipher(case_id)
        if found is not None:
            return found
        if not create:
            raise SealingError(
                f"case {case_id}: no data key (never made, or destroyed: shredded, or "
                "removed; `barnekoordinator verify` tells which); its identifiers cannot "
                "be opened"
            )
        data_key = AESGCM.generate_key(bit_length=_KEY_BYTES * 8)
        wrapped = self._wrap(case_id, data_key)
        self._store.put_data_key(case_id, wrapped)
        cipher = CaseCipher(case_id, AESGCM(data_key))
        with self._lock:
            self._ciphers[case_id] = (wrapped, cipher)
        return cipher

    def keeps_keys_in(self, store: object) -> bool:
        """Whether the wrapped data keys live in ``store`` (so an append can store a new one)."""
        return self._store is store

    def for_write(self, case_id: str) -> tuple[CaseCipher, WrappedDataKey | None]:
        """The case's cipher for a write, and its wrapped data key when it is new and not stored.

        Unlike ``cipher(create=True)`` nothing is written here: a new case's key comes back
        wrapped, for the caller to store in the same transaction as the case's first events
        (``append(…, data_key=…)``, decision 31), so a failed first write leaves no key behind
        and a new case costs one transaction, not two. The new cipher is remembered only once
        the caller reports the key stored (``stored``).

        Raises:
            InvalidInput: ``case_id`` is not a case id; nothing is made.
        """
        case_id = _checked_case_id(case_id)
        found = self._stored_cipher(case_id)
        if found is not None:
            return found, None
        return self._made(case_id)

    def _made(self, case_id: str) -> tuple[CaseCipher, WrappedDataKey]:
        """A new data key's cipher and wrapped key, remembered once ``stored``."""
        data_key = AESGCM.generate_key(bit_length=_KEY_BYTES * 8)
        cipher, wrapped = CaseCipher(case_id, AESGCM(data_key)), self._wrap(case_id, data_key)
        with self._lock:
            self._new[case_id] = (wrapped, cipher)
        return cipher, wrapped

    def for_append(
        self, case_id: str, *, create: bool = True
    ) -> tuple[CaseCipher, WrappedDataKey | None, WrappedDataKey | None]:
        """The case's cipher for an append that confirms its key (``sealed_with``), the new
        wrapped data key to store with it (or ``None``), and the wrapped key the cipher came from
        (``None`` when new).

        A cached cipher is returned **without reading the store**: the append passes the third
        value as ``sealed_with`` and the store compares it with the case's stored wrapped key in
        the append's own transaction, storing nothing when they differ (decision 51). Should it
        refuse, [`forget`][barnekoordinator.history.sealing.KeyRing.forget] the case and ask
        again with ``create=False``. Without a cached cipher the store is read, as ``for_write``
        does; a case with no stored key gets a new one (returned second, for the append to store:
        decision 31), unless ``create`` is false.

        Raises:
            InvalidInput: ``case_id`` is not a case id; nothing is made.
            SealingError: ``create`` is false and the store holds no key for the case (destroyed
                meanwhile: never a new key for an existing case), or its wrapped key does not
                open.
        """
        case_id = _checked_case_id(case_id)
        with self._lock:
            cached = self._ciphers.get(case_id)
        if cached is not None:
            return cached[1], None, cached[0]
        wrapped = self._store.get_data_key(case_id)
        found = self._cipher_of(case_id, wrapped)
        if found is not None:
            return found, None, wrapped
        if not create:
            raise SealingError(
                f"case {case_id}: no data key (destroyed meanwhile: shredded, or removed); "
                "nothing stored"
            )
        cipher, new = self._made(case_id)
        return cipher, new, None

    def forget(self, case_id: str) -> None:
        """Drop the case's cached cipher (the store refused it): the next use reads the store."""
        with self._lock:
            self._ciphers.pop(case_id, None)
            self._new.pop(case_id, None)

    def read_case(
        self, store: CaseStore, case_id: str
    ) -> tuple[list[EventRecord], CaseCipher | None]:
        """The case's records in ``store`` and the cipher to open them (``None`` when the case has
        no data key, or no records).

        One store call when the key ring keeps its keys in ``store`` and it has
        ``read_with_data_key`` (the records and the wrapped key read together, in one round
        trip); the cached cipher is used while the returned wrapped key is the one it came from.
        Otherwise ``store.read`` and then ``existing``, as before decision 51.

        Raises:
            InvalidInput: the case has records and ``case_id`` is not a case id.
            SealingError: the case's wrapped key does not open with these keys.
        """
        reader = getattr(store, "read_with_data_key", None)
        if self.keeps_keys_in(store) and callable(reader):
            records, wrapped = reader(case_id)
            records = list(records)
            if not records:
                return records, None
            return records, self._cipher_of(_checked_case_id(case_id), wrapped)
        records = store.read(case_id)
        return records, (self.existing(case_id) if records else None)

    def stored(self, cipher: CaseCipher) -> None:
        """Remember a cipher from ``for_write`` whose key is now stored."""
        with self._lock:
            new = self._new.pop(cipher.case_id, None)
            if new is not None and new[1] is cipher:
                self._ciphers[cipher.case_id] = new

    def existing(self, case_id: str) -> CaseCipher | None:
        """The case's cipher, or ``None`` when the case has no data key (a history written
        before identifiers were sealed, or one whose key was destroyed — by any key ring, in
        any process: the store is asked every time).

        Raises:
            InvalidInput: ``case_id`` is not a case id.
            SealingError: the case's wrapped key does not open with these keys.
        """
        return self._stored_cipher(_checked_case_id(case_id))

    def _no_such_case(self, case_id: str, trail: Any) -> bool:
        """Whether ``case_id`` names nothing to shred: no data key, no event and no earlier
        shred in ``trail`` (a typo in a retention job). Without a trail to ask, a case with no
        key is nothing to shred either."""
        if self._store.get_data_key(case_id) is not None:
            return False
        if trail is None or not callable(getattr(trail, "version", None)):
            return True
        return trail.version(case_id) == 0 and not any(
            is_shred_record(r) for r in trail.read_audit(case_id)
        )

    def destroy(
        self,
        case_id: str,
        *,
        at: datetime,
        rule: str = _SHRED_RULE,
        basis: Sequence[str] = (),
        label: str = _SHRED_LABEL,
        trail: CaseStore | None = None,
    ) -> None:
        """Crypto-shred a case: destroy its data key, so its identifiers can never be opened,
        and leave an audit record saying so in the case's audit trail.

        The record (actor ``back-office``, action ``shred``, target ``data-key``) names the
        retention ``rule`` (text, e.g. the archive rule and its period) and ``basis`` (legal
        reference keys); ``label`` is what the family's "who has looked" shows; ``at`` is when (the
        caller's clock: the core reads none). None of them may hold an identifier. It goes to
        ``trail``, by default the key store itself when it keeps the audit trail too (the SQLite,
        PostgreSQL and in-memory stores do): then the record and the key's deletion are **one
        transaction**. A store whose ``destroy_data_key`` takes no ``audit`` gets the record first,
        through ``append_audit``, and the key destroyed after: should the second step fail, the
        trail says "shredded" while the key is still there — nothing lost; ``verify`` reports it
        where the store keeps the keys, and running ``destroy`` again finishes it — whereas the
        other order could leave a key gone with no record, which ``verify`` must treat as tampering.
        With no audit trail at all (a key store that is not a case store, and no ``trail``) the key
        is destroyed unrecorded, as before.

        Every key ring sees the shred at its next use of the case (it asks the store for the
        wrapped key each time). Run again on a case already shredded, ``destroy`` records the
        shred again and asks the store once more to delete the key, which finishes a wipe the
        store could not complete the first time (SQLite, while another connection was reading).

        Raises:
            InvalidInput: ``case_id`` is not a case id, or names no case (no data key, no event
                and no earlier shred); ``rule``, ``label`` or a ``basis`` key is not plain text
                or holds an identifier, ``basis`` is not a list of texts, or ``at`` is naive;
                nothing is destroyed or written.
        """
        case_id = _checked_case_id(case_id)
        record = _shred_record(case_id, at, rule, label, basis)
        keys: Any = self._store  # a DataKeyStore, maybe a CaseStore and more besides
        if trail is None and callable(getattr(keys, "append_audit", None)):
            trail = keys
        if self._no_such_case(case_id, trail):
            raise InvalidInput(
                f"shred: case {case_id}: no data key, no event and no earlier shred (no such "
                "case?); nothing destroyed or written"
            )
        with self._lock:
            self._ciphers.pop(case_id, None)
            self._new.pop(case_id, None)
        if trail is None:  # a key store apart from any audit trail, and none given
            keys.destroy_data_key(case_id)
        elif trail is keys and _takes_audit(keys):
            self._store.destroy_data_key(case_id, audit=record)  # type: ignore[call-arg]
        else:
            trail.append_audit(record)  # first: a failure after it loses nothing
            self._store.destroy_data_key(case_id)

    def rotate(self, cases: Iterable[str] | None = None) -> int:
        """Re-wrap data keys under the current key; return how many were re-wrapped.

        Every case's key (or those of ``cases``) wrapped by a retired key is
        unwrapped and wrapped again; records are not touched. Afterwards the
        retired keys can be dropped from the configuration.
        """
        done = 0
        for case_id in self._store.data_key_cases() if cases is None else cases:
            wrapped = self._store.get_data_key(case_id)
            if wrapped is None or wrapped.kek_id == self._current.key_id:
                continue
            self._store.put_data_key(case_id, self._wrap(case_id, self._unwrap(case_id, wrapped)))
            done += 1
        return done
