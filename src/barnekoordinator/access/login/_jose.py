"""The only place python-jose is touched: building keys from JWKs and checking signatures.

python-jose (the ``auth`` extra) is imported on first use, so the library and its
plugins load without it. Its ``jwt.decode`` is deliberately not used: it lets the
token's header pick the algorithm when no allowlist is given, tries every key of a
JWKS regardless of ``kid``, leaves ``typ``, ``nonce`` and future ``iat`` unchecked, and
raises a bare ``TypeError`` on ``"exp": null`` (integration.md §2). The verifier does
all of that itself and asks python-jose only for what it does well: turning a JWK into
a key of the cryptography backend for one fixed algorithm, and verifying a signature
with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from barnekoordinator.errors import MissingExtraError

_FEATURE: Final = "Login (token verification)"
_CURVES: Final = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}
_MIN_RSA_BITS: Final = 2048


def require_jose() -> Any:
    """Import ``jose.jwk`` on its cryptography backend, or raise
    [`MissingExtraError`][barnekoordinator.errors.MissingExtraError] naming the ``auth`` extra.
    """
    try:
        from jose import jwk
        from jose.backends import ECKey, RSAKey
    except ImportError as exc:
        raise MissingExtraError("auth", _FEATURE) from exc
    # Without the cryptography package python-jose falls back to pure-Python
    # backends (python-ecdsa: CVE-2024-23342); refuse to run on them.
    if not (
        RSAKey.__name__.startswith("Cryptography") and ECKey.__name__.startswith("Cryptography")
    ):
        raise MissingExtraError("auth", _FEATURE + " on the cryptography backend")
    return jwk


def key_problem(jwk: Mapping[str, Any], algorithm: str) -> str | None:
    """Why the JWK ``jwk`` cannot verify ``algorithm`` signatures, or ``None``."""
    kty = jwk.get("kty")
    if algorithm.startswith("RS") and kty != "RSA":
        return f"the key is not an RSA key ({algorithm} needs one)"
    if algorithm.startswith("ES") and (kty != "EC" or jwk.get("crv") != _CURVES[algorithm]):
        return f"the key is not an EC key on {_CURVES[algorithm]} ({algorithm} needs one)"
    if "alg" in jwk and jwk["alg"] != algorithm:
        return f"the key is published for another algorithm than {algorithm}"
    return None


def build_key(jwk: Mapping[str, Any], algorithm: str) -> tuple[Any | None, str | None]:
    """``(key, None)``: a python-jose key that verifies ``algorithm`` signatures; or
    ``(None, why)`` when the JWK cannot be one (wrong type, curve or size, or not a valid
    key at all)."""
    problem = key_problem(jwk, algorithm)
    if problem is not None:
        return None, problem
    module = require_jose()
    try:
        key = module.construct(dict(jwk), algorithm)
    except Exception:  # python-jose raises JWKError, ValueError, TypeError …
        return None, f"the key is not a valid {jwk.get('kty')} key for {algorithm}"
    prepared = getattr(key, "prepared_key", None)
    if algorithm.startswith("RS"):
        bits = getattr(prepared, "key_size", 0)
        if not isinstance(bits, int) or bits < _MIN_RSA_BITS:
            return None, (
                f"the key is an RSA key of {bits} bits; expected at least {_MIN_RSA_BITS} "
                f"bits for {algorithm}"
            )
    return key, None


def signature_matches(key: Any, signing_input: bytes, signature: bytes) -> bool:
    """True when ``signature`` over ``signing_input`` verifies with ``key``."""
    try:
        return bool(key.verify(signing_input, signature))
    except Exception:  # a malformed signature is simply a wrong one
        return False
