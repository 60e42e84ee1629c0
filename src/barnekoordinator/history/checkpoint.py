"""Signed checkpoints: a store's Merkle roots in the C2SP ``tlog-checkpoint`` signed-note format.

A checkpoint fixes the whole history of a store at one moment: the number of event records and the
root of the RFC 6962 tree over their hashes in commit order, and the same for the audit records
(see [`barnekoordinator.history.merkle`][barnekoordinator.history.merkle]). Signed with a key that
is not in the database and kept elsewhere, it lets ``barnekoordinator verify --checkpoint`` prove
that the store today is the same history, only longer — or name what broke.

**Formats, exactly as specified** (so that the tools of Certificate Transparency, Sigstore's
Rekor, Go's checksum database and the transparency-log witnesses can read them):

* [c2sp.org/signed-note](https://c2sp.org/signed-note): a UTF-8 text ending in a newline, a blank
  line, then signature lines ``— <key name> <base64(key id || signature)>``; no ASCII control
  characters but the newline; key names non-empty, without spaces or ``+``. For Ed25519 (signature
  type ``0x01``) the key id is the first four bytes of
  ``SHA-256(key name || 0x0A || 0x01 || public key)`` and the signature is RFC 8032 Ed25519 over
  the text. Signatures by unknown keys are ignored; one by a trusted key that fails rejects the
  note; a note with no verified signature by a trusted key is rejected.
* [c2sp.org/tlog-checkpoint](https://c2sp.org/tlog-checkpoint): the note text is the origin (the
  log's identity), the tree size in decimal without leading zeroes, the standard base64 of the
  32-byte root, then optional non-empty extension lines. The standard lines carry the **event**
  tree; one extension line ``barnekoordinator-audit <size> <base64 root>`` carries the **audit**
  tree. (The specification does not recommend extension lines because generic log monitors cannot
  audit them; ``verify`` does, and the signature covers them like the rest of the text.)
* Keys use the text forms of Go's ``golang.org/x/mod/sumdb/note``: a signer key
  ``PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 || 32-byte seed)>``, a verifier key
  ``<name>+<key id hex>+<base64(0x01 || 32-byte public key)>``.

The [`Signer`][barnekoordinator.history.checkpoint.Signer] and
[`NoteVerifier`][barnekoordinator.history.checkpoint.NoteVerifier] protocols are all signing and
checking need, so a vendor can keep the key in an HSM or a cloud KMS;
[`Ed25519Signer`][barnekoordinator.history.checkpoint.Ed25519Signer] keeps it in process memory
(read from a key file or an environment variable by the command line). Every malformed note or key
raises [`CheckpointError`][barnekoordinator.errors.CheckpointError], naming the part and what was
expected (never a key's secret).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Final, Protocol, runtime_checkable

import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from barnekoordinator.errors import CheckpointError, StorageError, StoreDiverged
from barnekoordinator.history.merkle import EMPTY_ROOT, CompactTree, leaf_hash
from barnekoordinator.history.records import AuditRecord, EventRecord
from barnekoordinator.history.store import CaseStore
from barnekoordinator.history.storekit import MAX_INTEGER

__all__ = [
    "AUDIT_EXTENSION",
    "ED25519",
    "Checkpoint",
    "Checkpointer",
    "Ed25519Signer",
    "Ed25519Verifier",
    "Frontier",
    "NoteSignature",
    "NoteVerifier",
    "Signer",
    "TreeHead",
    "hash_leaf",
    "note_key_id",
    "open_checkpoint",
    "open_note",
    "record_leaf",
    "sign_checkpoint",
    "sign_note",
    "store_checkpoint",
]

ED25519: Final = 0x01
"""The signed-note signature type of Ed25519."""

AUDIT_EXTENSION: Final = "barnekoordinator-audit"
"""The first word of the extension line that carries the audit tree."""

_EM_DASH: Final = "\u2014"
_MAX_SIGNATURES: Final = 100  # the spec asks for at least 16; Go's note package allows 100
_MAX_NOTE: Final = 1 << 20
_SIZE = re.compile(r"0|[1-9][0-9]{0,18}")
_KEY_ID_HEX = re.compile(r"[0-9a-f]{8}")
_PAGE: Final = 5000


def _check_name(name: str, what: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name) or not name.isprintable():
        raise CheckpointError(
            f"{what}: expected a key name that is not empty and has no spaces, '+' or "
            "control characters"
        )


def note_key_id(name: str, signature_type: int, public_key: bytes) -> bytes:
    """``SHA-256(name || 0x0A || type || public key)[:4]``: the key id of signed-note keys."""
    return hashlib.sha256(
        name.encode("utf-8") + b"\n" + bytes([signature_type]) + public_key
    ).digest()[:4]


@runtime_checkable
class Signer(Protocol):
    """Signs notes under one key name (an HSM or KMS can stand behind it)."""

    @property
    def name(self) -> str:
        """The key name written in the signature line."""
        ...

    @property
    def key_id(self) -> bytes:
        """The 4-byte key id written before each signature."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The signature of ``message`` (the note text)."""
        ...


@runtime_checkable
class NoteVerifier(Protocol):
    """Checks signatures made by one key."""

    @property
    def name(self) -> str:
        """The key name signature lines must carry."""
        ...

    @property
    def key_id(self) -> bytes:
        """The 4-byte key id signatures must start with."""
        ...

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's signature of ``message``."""
        ...


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _decode_key(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError(f"{what}: the key is not standard base64") from None
    if len(raw) != 33 or raw[0] != ED25519:
        raise CheckpointError(f"{what}: expected 0x01 (Ed25519) and a 32-byte key")
    return raw[1:]


class Ed25519Verifier:
    """A [`NoteVerifier`][barnekoordinator.history.checkpoint.NoteVerifier] of Ed25519
    signatures.
    """

    __slots__ = ("_key", "_key_id", "_name", "_raw")

    def __init__(self, name: str, public_key: Ed25519PublicKey) -> None:
        _check_name(name, "verifier key name")
        self._name = name
        self._key = public_key
        self._raw = _raw_public(public_key)
        self._key_id = note_key_id(name, ED25519, self._raw)

    @classmethod
    def from_key_text(cls, text: str) -> Ed25519Verifier:
        """Read a verifier key ``<name>+<key id hex>+<base64(0x01 || public key)>``.

        Raises:
            CheckpointError: the text is not such a key, or its key id does not match.
        """
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise CheckpointError("public key: expected <name>+<key id>+<base64 key>")
        name, key_id, encoded = parts
        _check_name(name, "public key")
        if not _KEY_ID_HEX.fullmatch(key_id):
            raise CheckpointError("public key: expected a key id of 8 lower-case hex digits")
        verifier = cls(name, Ed25519PublicKey.from_public_bytes(_decode_key(encoded, "public key")))
        if verifier.key_id.hex() != key_id:
            raise CheckpointError("public key: the key id does not match the name and key")
        return verifier

    @property
    def name(self) -> str:
        """The key name."""
        return self._name

    @property
    def key_id(self) -> bytes:
        """The 4-byte key id."""
        return self._key_id

    def key_text(self) -> str:
        """The verifier key in Go's text form (safe to publish)."""
        encoded = base64.b64encode(bytes([ED25519]) + self._raw).decode("ascii")
        return f"{self._name}+{self._key_id.hex()}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __repr__(self) -> str:
        return f"Ed25519Verifier({self.key_text()!r})"


class Ed25519Signer:
    """A [`Signer`][barnekoordinator.history.checkpoint.Signer] holding an Ed25519 key in memory.

    Its ``repr`` never shows the private key.
    """

    __slots__ = ("_key", "_verifier")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self._verifier = Ed25519Verifier(name, private_key.public_key())

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        """A new random key named ``name``."""
        _check_name(name, "key name")
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_key_text(cls, text: str) -> Ed25519Signer:
        """Read a signer key ``PRIVATE+KEY+<name>+<key id hex>+<base64(0x01 || seed)>``.

        Raises:
            CheckpointError: the text is not such a key, or its key id does not match.
        """
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise CheckpointError(
                "checkpoint key: expected PRIVATE+KEY+<name>+<key id>+<base64 key>"
            )
        _, _, name, key_id, encoded = parts
        _check_name(name, "checkpoint key")
        if not _KEY_ID_HEX.fullmatch(key_id):
            raise CheckpointError("checkpoint key: expected a key id of 8 lower-case hex digits")
        seed = _decode_key(encoded, "checkpoint key")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(seed))
        if signer.key_id.hex() != key_id:
            raise CheckpointError("checkpoint key: the key id does not match the name and key")
        return signer

    @property
    def name(self) -> str:
        """The key name."""
        return self._verifier.name

    @property
    def key_id(self) -> bytes:
        """The 4-byte key id."""
        return self._verifier.key_id

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message``."""
        return self._key.sign(message)

    def verifier(self) -> Ed25519Verifier:
        """The matching verifier (its key text is the public key to keep with the checkpoints)."""
        return self._verifier

    def key_text(self) -> str:
        """The signer key in Go's text form: a secret, for a key file or a secret store."""
        seed = self._key.private_bytes_raw()
        encoded = base64.b64encode(bytes([ED25519]) + seed).decode("ascii")
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{encoded}"

    def __repr__(self) -> str:
        return f"Ed25519Signer(name={self.name!r}, key_id={self.key_id.hex()!r})"


@attrs.frozen
class NoteSignature:
    """One signature line of a note: the key name, the key id and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes


_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\ud800-\udfff]")
"""What a note's text may not hold: control characters but the newline, and lone surrogates
(which are not Unicode text: UTF-8 cannot encode them, so they cannot be signed)."""


def _check_text(text: str, what: str) -> None:
    """Raise CheckpointError naming ``what`` for a control character or a lone surrogate."""
    # A regular expression: notes are checked on every checkpoint, in the commit path too.
    bad = _CONTROL.search(text)
    if bad is None:
        return
    code = ord(bad.group())
    if code >= 0xD800:
        raise CheckpointError(
            f"{what}: lone surrogate U+{code:04X}, which is not Unicode text (UTF-8 only)"
        )
    raise CheckpointError(f"{what}: control character U+{code:04X} (only newlines)")


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """The signed note of ``text`` (which must end in a newline) with one line per signer.

    Raises:
        CheckpointError: the text is empty, lacks the final newline or holds control characters
            or lone surrogates.
    """
    if not text.endswith("\n"):
        raise CheckpointError("note text: expected text ending in a newline")
    _check_text(text, "note text")
    if not signers:
        raise CheckpointError("note: expected at least one signer")
    message = text.encode("utf-8")
    lines = []
    for signer in signers:
        _check_name(signer.name, "signer")
        if len(signer.key_id) != 4:
            raise CheckpointError(f"signer {signer.name}: expected a 4-byte key id")
        blob = base64.b64encode(signer.key_id + signer.sign(message)).decode("ascii")
        lines.append(f"{_EM_DASH} {signer.name} {blob}\n")
    return text + "\n" + "".join(lines)


def _parse_note(note: str) -> tuple[str, list[NoteSignature]]:
    if len(note) > _MAX_NOTE:
        raise CheckpointError(f"note: longer than {_MAX_NOTE} characters")
    _check_text(note, "note")
    split = note.rfind("\n\n")
    if split < 0:
        raise CheckpointError("note: expected the text, a blank line and signature lines")
    text, block = note[: split + 1], note[split + 2 :]
    if not block:
        raise CheckpointError("note: expected at least one signature line after the blank line")
    if not block.endswith("\n"):
        raise CheckpointError("note: expected the last signature line to end in a newline")
    signatures: list[NoteSignature] = []
    for number, line in enumerate(block[:-1].split("\n"), start=1):
        prefix = f"{_EM_DASH} "
        name, space, blob = line.removeprefix(prefix).partition(" ")
        if not line.startswith(prefix) or not space:
            raise CheckpointError(
                f"note signature line {number}: expected '— <key name> <base64 signature>'"
            )
        _check_name(name, f"note signature line {number}")
        try:
            raw = base64.b64decode(blob, validate=True)
        except (binascii.Error, ValueError):
            raise CheckpointError(
                f"note signature line {number}: the signature is not standard base64"
            ) from None
        if len(raw) < 5:
            raise CheckpointError(
                f"note signature line {number}: expected a key id and a signature"
            )
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    if len(signatures) > _MAX_SIGNATURES:
        raise CheckpointError(f"note: more than {_MAX_SIGNATURES} signatures")
    return text, signatures


def open_note(
    note: str, verifiers: Sequence[NoteVerifier]
) -> tuple[str, tuple[NoteSignature, ...]]:
    """The text of a signed note and the signatures that verified, checked as c2sp.org/signed-note
    says.

    Signatures by keys not among ``verifiers`` are ignored.

    Raises:
        CheckpointError: the note is malformed (a control character or a lone surrogate
            included), a trusted key's signature fails, or no trusted key signed it.
    """
    text, signatures = _parse_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    message = text.encode("utf-8")
    verified: list[NoteSignature] = []
    for signature in signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not verifier.verify(message, signature.signature):
            raise CheckpointError(
                f"note: the signature of {signature.name} does not verify (the text was changed "
                "or the signature forged)"
            )
        verified.append(signature)
    if not verified:
        names = ", ".join(sorted({f"{v.name}+{v.key_id.hex()}" for v in verifiers})) or "none"
        raise CheckpointError(f"note: no signature by a trusted key (trusted: {names})")
    return text, tuple(verified)


def _b64_root(text: str, what: str) -> bytes:
    try:
        root = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        root = b""
    if len(root) != 32 or base64.b64encode(root).decode("ascii") != text:
        raise CheckpointError(f"{what}: expected the standard base64 of a 32-byte root hash")
    return root


def _size(text: str, what: str) -> int:
    if not _SIZE.fullmatch(text):
        raise CheckpointError(f"{what}: expected a decimal tree size without leading zeroes")
    return int(text)


@attrs.frozen
class TreeHead:
    """The size and root of one Merkle tree."""

    size: int
    root: bytes

    def line(self) -> str:
        """``<size> <base64 root>``."""
        return f"{self.size} {base64.b64encode(self.root).decode('ascii')}"


@attrs.frozen
class Checkpoint:
    """A store's tree heads: ``events`` in the standard lines, ``audit`` in an extension line.

    ``extensions`` holds any other extension lines, kept as read.
    """

    origin: str
    events: TreeHead
    audit: TreeHead | None = None
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """The checkpoint's note text (c2sp.org/tlog-checkpoint).

        Raises:
            CheckpointError: the origin or an extension line is empty or holds control
                characters or lone surrogates.
        """
        root = base64.b64encode(self.events.root).decode("ascii")
        lines = [self.origin, str(self.events.size), root]
        if self.audit is not None:
            lines.append(f"{AUDIT_EXTENSION} {self.audit.line()}")
        lines += self.extensions
        text = "\n".join(lines) + "\n"
        if all(lines) and text.count("\n") == len(lines) and _CONTROL.search(text) is None:
            return text  # the common case, checked at once; the loop below names a bad line
        for number, line in enumerate(lines, start=1):
            if not line or "\n" in line:
                raise CheckpointError(f"checkpoint line {number}: expected a non-empty line")
            _check_text(line, f"checkpoint line {number}")
        return text

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        """Parse a checkpoint's note text.

        Raises:
            CheckpointError: naming the line that is not as the format says.
        """
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint: expected text ending in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint: expected origin, tree size and root hash lines")
        for number, line in enumerate(lines, start=1):
            if not line:
                raise CheckpointError(f"checkpoint line {number}: expected a non-empty line")
        origin, size, root, *rest = lines
        events = TreeHead(_size(size, "checkpoint line 2"), _b64_root(root, "checkpoint line 3"))
        audit: TreeHead | None = None
        others: list[str] = []
        for number, line in enumerate(rest, start=4):
            words = line.split(" ")
            if words[0] != AUDIT_EXTENSION:
                others.append(line)
                continue
            if audit is not None or len(words) != 3:
                raise CheckpointError(
                    f"checkpoint line {number}: expected one '{AUDIT_EXTENSION} <size> <root>'"
                )
            what = f"checkpoint line {number}"
            audit = TreeHead(_size(words[1], what), _b64_root(words[2], what))
        return cls(origin, events, audit, tuple(others))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The signed note of ``checkpoint``.

    Raises:
        CheckpointError: the checkpoint's text is refused, as
            [`Checkpoint.text()`][barnekoordinator.history.checkpoint.Checkpoint.text] and
            [`sign_note()`][barnekoordinator.history.checkpoint.sign_note] say (an origin with a
            control character or a lone surrogate, say).
    """
    return sign_note(checkpoint.text(), [signer])


def open_checkpoint(note: str, verifier: NoteVerifier) -> Checkpoint:
    """Verify a signed checkpoint with ``verifier`` and parse it.

    Raises:
        CheckpointError: the note or the checkpoint is malformed, or ``verifier``'s key did not
            sign it.
    """
    text, _ = open_note(note, [verifier])
    return Checkpoint.from_text(text)


def record_leaf(record: EventRecord | AuditRecord) -> bytes:
    """The Merkle leaf of a stored record: the leaf hash of its 32-byte record hash.

    A hash that is not 64 hex digits (only a damaged or edited store has one) is hashed as text,
    so it still gives a leaf, and never the leaf of a well-formed hash.
    """
    return hash_leaf(record.hash)


def hash_leaf(record_hash: str) -> bytes:
    """The Merkle leaf of a stored record's ``hash`` text (what
    [`record_leaf()`][barnekoordinator.history.checkpoint.record_leaf] hashes)."""
    try:
        raw = bytes.fromhex(record_hash)
    except ValueError:
        raw = b""
    return leaf_hash(raw if len(raw) == 32 else b"text:" + record_hash.encode("utf-8"))


def _next_position(record: EventRecord | AuditRecord, after: int, method: str) -> int:
    if record.position is None or record.position <= after:
        raise StorageError(
            f"{method}: the store returned position {record.position} after {after}; "
            "positions must increase"
        )
    return record.position


def store_checkpoint(store: CaseStore, origin: str) -> Checkpoint:
    """The checkpoint of everything ``store`` holds now (unsigned).

    Streams both kinds of record in commit order (``read_all`` and ``read_all_audit``), so memory
    stays small however long the history is.
    """
    events = CompactTree()
    after = 0
    while page := store.read_all(after_position=after, limit=_PAGE):
        events.extend(map(record_leaf, page))
        after = _next_position(page[-1], after, "read_all")
    audit = CompactTree()
    after = 0
    while trail := store.read_all_audit(after_position=after, limit=_PAGE):
        audit.extend(map(record_leaf, trail))
        after = _next_position(trail[-1], after, "read_all_audit")
    return Checkpoint(
        origin, TreeHead(events.size, events.root()), TreeHead(audit.size, audit.root())
    )


@attrs.frozen
class Frontier:
    """What a [`Checkpointer`][barnekoordinator.history.checkpoint.Checkpointer] keeps of one
    tree: enough to grow it and to check that the store still holds what it saw.

    ``size`` records, ``hashes`` the roots of the tree's perfect subtrees (largest first, one per
    set bit of ``size``: at most 64), ``position`` the store position of the last record and
    ``last_leaf`` its leaf hash (``0`` and ``b""`` for an empty tree). Save it with
    [`to_dict()`][barnekoordinator.history.checkpoint.Frontier.to_dict] beside the signed
    checkpoint to resume without reading the whole store again.
    """

    size: int
    hashes: tuple[bytes, ...]
    position: int
    last_leaf: bytes

    def root(self) -> bytes:
        """The root of the tree this frontier describes."""
        return CompactTree.from_frontier(self.size, self.hashes).root()

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form: sizes as numbers, hashes in standard base64."""
        return {
            "size": self.size,
            "position": self.position,
            "last_leaf": base64.b64encode(self.last_leaf).decode("ascii"),
            "hashes": [base64.b64encode(node).decode("ascii") for node in self.hashes],
        }

    @classmethod
    def from_dict(cls, document: object) -> Frontier:
        """Read what [`to_dict()`][barnekoordinator.history.checkpoint.Frontier.to_dict] wrote.

        Raises:
            CheckpointError: naming the field that is missing or malformed.
        """
        if not isinstance(document, dict):
            raise CheckpointError("frontier: expected an object")
        size, position = document.get("size"), document.get("position")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_INTEGER:
            raise CheckpointError("frontier size: expected a whole number from 0 to 2**63 - 1")
        if (
            not isinstance(position, int)
            or isinstance(position, bool)
            or not 0 <= position <= MAX_INTEGER
        ):
            raise CheckpointError("frontier position: expected a whole number from 0 to 2**63 - 1")
        hashes = document.get("hashes")
        if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
            raise CheckpointError("frontier hashes: expected a list of base64 strings")
        nodes = tuple(_b64_root(h, "frontier hashes") for h in hashes)
        if len(nodes) != size.bit_count():
            raise CheckpointError(
                f"frontier hashes: a tree of {size} records has {size.bit_count()}, "
                f"not {len(nodes)}"
            )
        last = document.get("last_leaf")
        if not isinstance(last, str):
            raise CheckpointError("frontier last_leaf: expected a base64 string")
        if size == 0:
            if last or position:
                raise CheckpointError("frontier: an empty tree has no last record")
            return cls(0, (), 0, b"")
        if position == 0:
            raise CheckpointError("frontier position: expected the last record's position (> 0)")
        return cls(size, nodes, position, _b64_root(last, "frontier last_leaf"))


_Read = Callable[..., Sequence[EventRecord | AuditRecord]]


def _grown(
    name: str,
    frontier: Frontier,
    rows: Iterable[tuple[int | None, str]],
    *,
    seen: bool,
    source: str,
) -> Frontier:
    """``frontier`` grown by ``(position, hash)`` rows (itself when none come); with ``seen``,
    the first row must be its last record, else ``StoreDiverged``. For both checkpointers."""
    size, position, leaf = frontier.size, frontier.position, frontier.last_leaf
    records = iter(rows)
    if seen and size:
        first = next(records, None)
        if first is None or first[0] != position:
            raise StoreDiverged(
                name,
                size,
                f"its last record (position {position}) is no longer in the store: "
                "records were removed or moved",
            )
        if hash_leaf(first[1]) != leaf:
            raise StoreDiverged(name, size, f"its last record (position {position}) was rewritten")
    tree: CompactTree | None = None
    for at, record_hash in records:
        if at is None or at <= position:
            raise StorageError(
                f"{source}: the store returned position {at} after {position}; "
                "positions must increase"
            )
        if tree is None:
            tree = CompactTree.from_frontier(size, frontier.hashes)
        leaf = hash_leaf(record_hash)
        tree.append(leaf)
        position = at
    if tree is None:
        return frontier
    return Frontier(tree.size, tree.frontier, position, leaf)


class _Follower:
    """One tree that follows the store: reads only the records after the last one it saw."""

    __slots__ = ("_frontier", "_head", "_method", "_name", "_read")

    def __init__(self, name: str, method: str, read: _Read, frontier: Frontier | None) -> None:
        self._name = name
        self._method = method
        self._read = read
        self._frontier = frontier if frontier is not None else Frontier(0, (), 0, b"")
        self._head: TreeHead | None = None  # the last head, kept while the tree does not grow

    def frontier(self) -> Frontier:
        return self._frontier

    def _rows(self, after: int) -> Iterator[tuple[int | None, str]]:
        """``(position, hash)`` of the records after ``after``, page by page."""
        while True:
            page = self._read(after_position=after, limit=_PAGE)
            yield from ((record.position, record.hash) for record in page)
            if len(page) < _PAGE:
                return
            after = page[-1].position or 0  # a missing position stops _grown first

    def advance(self) -> TreeHead:
        before = self._frontier
        # Read from the last record seen: it must still be there, at the same position, with
        # the same hash; everything after it is new.
        rows = self._rows(before.position - 1 if before.size else 0)
        after = _grown(self._name, before, rows, seen=True, source=self._method)
        self._frontier = after
        if self._head is None or after is not before:
            # A tree that did not grow keeps its root: a read that adds only an audit record
            # hashes nothing for the events.
            self._head = TreeHead(after.size, after.root())
        return self._head


class Checkpointer:
    """Takes checkpoints of a store as it grows, reading only the records added since the last.

    It keeps each tree's frontier ([`Frontier`][barnekoordinator.history.checkpoint.Frontier]:
    the O(log n) roots of its perfect subtrees, the last record's position and leaf), so a
    checkpoint after *k* new records costs *k* leaf hashes, O(log n) inner hashes and a read of
    those records, however long the history is. The first checkpoint of a checkpointer made
    without frontiers reads the whole store, once. The checkpoints are byte for byte those of
    [`store_checkpoint()`][barnekoordinator.history.checkpoint.store_checkpoint].

    Before it extends a tree it reads back the last record it saw: if that record is gone, moved
    or rewritten (the store was truncated, edited or restored from an older copy), it raises
    [`StoreDiverged`][barnekoordinator.errors.StoreDiverged] and signs nothing. It cannot see an
    edit *before* that record (the tree's inner hashes are all it keeps); ``barnekoordinator
    verify --checkpoint`` against the last signed checkpoint does.

    Not thread-safe: one checkpointer per store handle, called from one thread.
    """

    __slots__ = ("_audit", "_events", "_origin")

    def __init__(
        self,
        store: CaseStore,
        origin: str,
        *,
        events: Frontier | None = None,
        audit: Frontier | None = None,
    ) -> None:
        Checkpoint(origin, TreeHead(0, EMPTY_ROOT)).text()  # the origin is checked here, once
        self._origin = origin
        self._events = _Follower("events", "read_all", store.read_all, events)
        self._audit = _Follower("audit", "read_all_audit", store.read_all_audit, audit)

    @classmethod
    def resume(
        cls, store: CaseStore, checkpoint: Checkpoint, events: Frontier, audit: Frontier
    ) -> Checkpointer:
        """A checkpointer that continues from ``checkpoint`` and the frontiers saved with it.

        Raises:
            StoreDiverged: a frontier does not give the checkpoint's size and root (they were
                not saved together, or one was changed).
        """
        heads = (("events", checkpoint.events, events), ("audit", checkpoint.audit, audit))
        for name, head, frontier in heads:
            size = head.size if head is not None else 0
            root = head.root if head is not None else EMPTY_ROOT
            if frontier.size != size or frontier.root() != root:
                raise StoreDiverged(
                    name,
                    size,
                    f"the saved frontier ({frontier.size} records) does not give the "
                    "checkpoint's size and root",
                )
        return cls(store, checkpoint.origin, events=events, audit=audit)

    @property
    def origin(self) -> str:
        """The log's name on each checkpoint's first line."""
        return self._origin

    def frontiers(self) -> tuple[Frontier, Frontier]:
        """The events' and the audit trail's frontiers as of the last checkpoint."""
        return self._events.frontier(), self._audit.frontier()

    def checkpoint(self) -> Checkpoint:
        """The checkpoint of everything the store holds now (unsigned).

        Raises:
            StoreDiverged: the store no longer holds the last record the checkpointer saw of a
                tree, or holds another one there.
            StorageError: the store returned positions that do not increase.
        """
        return Checkpoint(self._origin, self._events.advance(), self._audit.advance())
