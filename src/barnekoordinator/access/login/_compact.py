"""Taking a compact JWS apart before any cryptography sees it.

Everything here runs on untrusted input and raises only
[`TokenRejected`][barnekoordinator.errors.TokenRejected]: sizes first, then the shape
(three base64url segments; five means an encrypted JWE), then strict UTF-8 and
strict JSON (no duplicate keys, no ``NaN``, bounded nesting) for the header and the
payload. No message quotes the token or any value from it.

The segments stay ``bytes`` from the size check to the JSON parser: every step is one
C-level call (a translate, a base64 decode), which keeps the verifier close to the
cost of the signature check itself (``benchmarks/bench_login.py``).
"""

from __future__ import annotations

import binascii
import json
from typing import Any, Final

from barnekoordinator.access.login._settings import RejectionCode
from barnekoordinator.errors import TokenRejected

_ALPHABET: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_TO_STANDARD: Final = bytes.maketrans(b"-_", b"+/")
_PADDING: Final = (b"", b"", b"==", b"=")
# For a segment of length 4n+2 (4n+3) the last character carries 4 (2) unused low
# bits; canonical base64url has them zero. Indexed by the character's byte value.
_UNUSED: Final = (
    {c: _ALPHABET.index(c) & 0b1111 for c in _ALPHABET},
    {c: _ALPHABET.index(c) & 0b11 for c in _ALPHABET},
)


class _Duplicate(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Duplicate
    return value


def _no_constant(_name: str) -> None:
    raise ValueError("NaN and Infinity are not JSON")


_DECODER: Final = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_no_constant)


def rejected(code: RejectionCode, reason: str) -> TokenRejected:
    """A [`TokenRejected`][barnekoordinator.errors.TokenRejected] with its code."""
    return TokenRejected(f"{code.value}: {reason}", code=code.value)


def b64url(segment: bytes, what: str) -> bytes:
    """Decode one canonical base64url segment (no padding), or reject the token.

    The segment's alphabet was checked by ``split()``. Canonical: the unused low bits
    of the last character are zero, so one byte string has one encoding and a token
    cannot be altered without changing what it says.
    """
    rest = len(segment) & 3
    if rest == 1 or (rest and _UNUSED[rest - 2][segment[-1]]):
        raise rejected(RejectionCode.MALFORMED, f"the {what} is not valid base64url")
    try:
        return binascii.a2b_base64(segment.translate(_TO_STANDARD) + _PADDING[rest])
    except (binascii.Error, ValueError):  # pragma: no cover - the alphabet was checked
        raise rejected(RejectionCode.MALFORMED, f"the {what} is not valid base64url") from None


def json_object(raw: bytes, what: str) -> dict[str, Any]:
    """Parse strict UTF-8 JSON that must be one object, or reject the token."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise rejected(RejectionCode.MALFORMED, f"the {what} is not UTF-8") from None
    try:
        value, end = _DECODER.raw_decode(text)
    except _Duplicate:
        raise rejected(RejectionCode.MALFORMED, f"the {what} has a duplicate member name") from None
    except (ValueError, RecursionError):
        raise rejected(RejectionCode.MALFORMED, f"the {what} is not JSON") from None
    if end != len(text) and text[end:].strip(" \t\n\r"):
        raise rejected(RejectionCode.MALFORMED, f"the {what} is not JSON (extra data)")
    if not isinstance(value, dict):
        raise rejected(RejectionCode.MALFORMED, f"the {what} is not a JSON object")
    return value


CompactToken = tuple[bytes, bytes, bytes, bytes]
"""A compact JWS taken apart, shape-checked but not decoded: the signing input
(``header.payload``, the bytes the signature covers), the header, the payload and the
signature segments. (A plain tuple: this runs on every login.)"""


def split(token: object, max_bytes: int) -> CompactToken:
    """Check the size, encoding and shape of a compact JWS and return its segments."""
    if isinstance(token, str):
        if len(token) > max_bytes:
            raise rejected(RejectionCode.TOO_LARGE, f"the token is longer than {max_bytes} bytes")
        if not token.isascii():
            raise rejected(RejectionCode.MALFORMED, "a segment holds characters outside base64url")
        raw = token.encode("ascii")
    elif isinstance(token, bytes | bytearray):
        if len(token) > max_bytes:
            raise rejected(RejectionCode.TOO_LARGE, f"the token is longer than {max_bytes} bytes")
        try:
            bytes(token).decode("utf-8")
        except UnicodeDecodeError:
            raise rejected(RejectionCode.MALFORMED, "the token is not UTF-8 text") from None
        raw = bytes(token)
    else:
        raise rejected(RejectionCode.MALFORMED, "expected the token as text")
    dots = raw.translate(None, _ALPHABET)  # everything that is not base64url
    if dots != b"..":
        if dots.count(b".") == 4:
            raise rejected(
                RejectionCode.ENCRYPTED, "an encrypted token (JWE) where a signed JWS is expected"
            )
        if dots.strip(b".") or not raw.isascii():
            raise rejected(RejectionCode.MALFORMED, "a segment holds characters outside base64url")
        raise rejected(
            RejectionCode.MALFORMED, "expected three base64url segments separated by '.'"
        )
    signing_input, _, signature = raw.rpartition(b".")
    header, _, payload = signing_input.partition(b".")
    if not header or not payload:
        raise rejected(RejectionCode.MALFORMED, "the header or the payload segment is empty")
    if not signature:
        raise rejected(RejectionCode.UNSIGNED, "the token has no signature")
    return signing_input, header, payload, signature
