"""Identifiers sealed at rest: per-case data keys wrapped by the municipality's key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.errors import InvalidConfiguration, SealingError
from barnekoordinator.history.sealing import (
    InMemoryDataKeys,
    KeyRing,
    SealingKey,
    WrappedDataKey,
)

KEK = SealingKey("kommune-2026", bytes(range(32)))
NEXT = SealingKey("kommune-2027", bytes(range(32, 64)))


def _ring(store: InMemoryDataKeys | None = None, *, current: SealingKey = KEK) -> KeyRing:
    return KeyRing(store or InMemoryDataKeys(), current)


@given(st.text(max_size=200))
def test_any_text_round_trips_and_leaves_no_trace_of_itself(text: str) -> None:
    """A sealed token opens to what was sealed, and does not contain it."""
    cipher = _ring().cipher("case-1", create=True)
    token = cipher.seal(text)
    assert cipher.open(token) == text
    assert token.startswith("v1.")
    if len(text) >= 4:
        assert text not in token


def test_every_seal_is_fresh() -> None:
    """Sealing the same number twice gives two tokens (random nonces): no equality leak."""
    cipher = _ring().cipher("case-1", create=True)
    assert cipher.seal("01234567890") != cipher.seal("01234567890")


def test_a_token_does_not_open_in_another_case() -> None:
    """The case id is bound into each token: copied into another case, it does not open."""
    ring = _ring()
    token = ring.cipher("case-1", create=True).seal("secret")
    other = ring.cipher("case-2", create=True)
    with pytest.raises(SealingError, match="case-2"):
        other.open(token)


@pytest.mark.parametrize(
    "token", ["", "plain", "v1.", "v1.!!!", "v1.AAAA", "v2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]
)
def test_malformed_tokens_are_refused_with_a_typed_error(token: str) -> None:
    """Anything that is not a whole token of this case raises SealingError, nothing raw."""
    with pytest.raises(SealingError):
        _ring().cipher("case-1", create=True).open(token)


def test_a_flipped_bit_is_detected() -> None:
    """AES-GCM's tag catches any change to a token."""
    cipher = _ring().cipher("case-1", create=True)
    token = cipher.seal("12345")
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(SealingError, match="does not open"):
        cipher.open(tampered)


def test_data_keys_are_stored_only_wrapped() -> None:
    """The store holds the data key encrypted under the municipality's key, never in clear."""
    store = InMemoryDataKeys()
    ring = _ring(store)
    cipher = ring.cipher("case-1", create=True)
    wrapped = store.get_data_key("case-1")
    assert isinstance(wrapped, WrappedDataKey)
    assert wrapped.kek_id == "kommune-2026"
    # A second key ring over the same store (another process) opens the same tokens.
    token = cipher.seal("99999999999")
    assert _ring(store).cipher("case-1").open(token) == "99999999999"
    # The wrapped key does not open with another key-encryption key.
    with pytest.raises(SealingError, match="does not hold"):
        KeyRing(store, NEXT).cipher("case-1")


def test_no_key_is_made_unless_asked() -> None:
    """Reading a case that has no data key fails closed; only opening a case makes one."""
    ring = _ring()
    with pytest.raises(SealingError, match="no data key"):
        ring.cipher("case-unknown")


def test_destroying_the_data_key_shreds_the_case() -> None:
    """After destroy, no key ring (not even one that had the key cached) opens the case."""
    store = InMemoryDataKeys()
    ring = _ring(store)
    token = ring.cipher("case-1", create=True).seal("11111111111")
    ring.destroy("case-1", at=datetime(2036, 1, 2, 8, tzinfo=UTC))
    assert store.get_data_key("case-1") is None
    for anyone in (ring, _ring(store)):
        with pytest.raises(SealingError, match="destroyed"):
            anyone.cipher("case-1").open(token)


def test_rotation_rewraps_every_key_and_retires_the_old_one() -> None:
    """Rotation re-wraps data keys under the new key; afterwards the old key can go."""
    store = InMemoryDataKeys()
    tokens = {
        case: _ring(store).cipher(case, create=True).seal(case.upper()) for case in ("a", "b", "c")
    }
    rotating = KeyRing(store, NEXT, retired=[KEK])
    assert rotating.rotate() == 3
    assert rotating.rotate() == 0  # idempotent
    assert {store.get_data_key(c).kek_id for c in tokens} == {"kommune-2027"}  # type: ignore[union-attr]
    after = KeyRing(store, NEXT)  # the old key is gone from the configuration
    for case, token in tokens.items():
        assert after.cipher(case).open(token) == case.upper()


def test_keys_never_show_in_reprs() -> None:
    """A key's secret and a wrapped key's bytes stay out of every repr."""
    store = InMemoryDataKeys()
    ring = _ring(store)
    cipher = ring.cipher("case-1", create=True)
    wrapped = store.get_data_key("case-1")
    text = " ".join(map(repr, (KEK, ring, cipher, wrapped)))
    assert KEK.to_text().split(":")[1] not in text
    assert "<hidden>" in repr(KEK)
    assert "bytes>" in repr(wrapped)


def test_key_text_round_trips_and_bad_keys_are_configuration_errors() -> None:
    """A key is written as KEY_ID:BASE64URL; a malformed one is an InvalidConfiguration."""
    assert SealingKey.from_text(KEK.to_text()) == KEK
    assert SealingKey.generate("k1") != SealingKey.generate("k1")
    for bad in ("", "no-colon", "k:!!!", "k:" + "A" * 10, " :AAAA"):
        with pytest.raises(InvalidConfiguration):
            SealingKey.from_text(bad)
    with pytest.raises(InvalidConfiguration, match="own key id"):
        KeyRing(InMemoryDataKeys(), KEK, retired=[KEK])


def test_a_sealing_key_text_is_its_one_canonical_base64url() -> None:
    """Standard base64's '+' and '/', and stray bits in the last character, were read as the
    same key (second sweep); padding is still taken."""
    key = SealingKey("kommune-0301", b"\xfb" * 32)
    text = key.to_text()
    assert "-" in text
    assert "_" in text
    assert SealingKey.from_text(text) == key
    assert SealingKey.from_text(text + "=") == key
    encoded = text.split(":", 1)[1]
    for bad in (encoded.replace("-", "+").replace("_", "/"), encoded[:-1] + "z"):
        with pytest.raises(InvalidConfiguration, match="not canonical base64url"):
            SealingKey.from_text(f"kommune-0301:{bad}")


def test_a_sealing_key_id_is_never_an_identity_number() -> None:
    """The id is written in every wrapped key and shown by repr()."""
    with pytest.raises(InvalidConfiguration, match="not an eleven-digit number"):
        SealingKey("17851550097", b"\x00" * 32)
