"""The one strict verifier: a compact JWS from one issuer becomes a
[`VerifiedToken`][barnekoordinator.access.login.VerifiedToken], or a
[`TokenRejected`][barnekoordinator.errors.TokenRejected] saying which check failed.

The order of the checks is part of the design: nothing from the payload is believed
before the signature verified, and the signature is checked with a key chosen by
``kid`` from this issuer's key set alone, for an algorithm from this issuer's
allowlist alone.

1. size (before decoding), shape (three base64url segments; a JWE is refused);
2. the header: strict JSON; ``alg`` on the allowlist (``none`` in any spelling and
   ``HS256`` never are); no ``crit``, ``b64`` or nested token; a plain ``kid``;
   ``jku``, ``x5u``, ``jwk`` and ``x5c`` are ignored — keys come from the issuer's JWKS;
3. the signature, with the issuer's key for that ``kid`` (refreshing the key set once
   on an unknown ``kid``);
4. the payload: strict JSON; ``typ`` fits the expected token type; ``iss`` exactly;
   ``aud`` (and ``azp``); ``exp``, ``iat`` (required, numbers, ``iat`` not ahead) and
   ``nbf`` within the clock skew; ``sub`` (never holding a national identity number);
   the ``nonce`` when the caller gives one; no sender-constrained token; the assurance
   level mapped and at least the minimum;
5. the nonce is remembered until the token expires, so it is accepted only once (an
   authenticator remembers it only once the principal is made, so a token refused while
   mapping does not use up the nonce of the login request).
"""

from __future__ import annotations

import hmac
import math
import re
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final, NamedTuple

import attrs

from barnekoordinator._redact import redact
from barnekoordinator.access.login._compact import b64url, json_object, rejected, split
from barnekoordinator.access.login._jose import signature_matches
from barnekoordinator.access.login._jwks import JwksCache
from barnekoordinator.access.login._settings import (
    MAX_TOKEN_BYTES,
    SIGNING_ALGORITHMS,
    IssuerSettings,
    RejectionCode,
    TokenType,
    claim_path,
)
from barnekoordinator.access.login._subject import refuse_identity_number, shows_identity_number
from barnekoordinator.access.principal import AssuranceLevel
from barnekoordinator.clock import Clock
from barnekoordinator.errors import InvalidConfiguration, InvalidInput

_KID: Final = re.compile(r"[A-Za-z0-9_.:+=~-]{1,256}")
_ID_TYPES: Final = frozenset({"jwt", "application/jwt"})
_AT_TYPES: Final = frozenset({"at+jwt", "application/at+jwt"})
_KNOWN_ALGS: Final = frozenset({*SIGNING_ALGORITHMS, "HS256", "HS384", "HS512", "PS256", "PS384"})
_MAX_NUMERIC_DATE: Final = 10**11  # year 5138; anything later is not a date
_HEADER_CACHE: Final = 64
_LEVEL_CACHE: Final = 32


@attrs.frozen
class _Header:
    algorithm: str
    kid: str
    typ: str | None


class NonceCache:
    """Nonces of accepted tokens, each kept until its token expires.

    Bounded: when ``capacity`` unexpired nonces are held, expired ones are dropped; if
    none has expired the login fails closed (``replay-cache-full``) rather than forget
    a nonce that could be replayed. Thread-safe. One cache may serve several issuers.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        if capacity < 1:
            raise InvalidConfiguration("NonceCache capacity: expected at least 1")
        self.capacity = capacity
        self._lock = threading.Lock()
        self._until: dict[tuple[str, str], float] = {}

    def __len__(self) -> int:
        return len(self._until)

    def remember(self, issuer: str, nonce: str, *, until: float, now: float) -> None:
        """Record ``nonce`` from ``issuer`` as used until ``until`` (POSIX seconds).

        Raises:
            TokenRejected: ``nonce-replayed`` when it is already recorded and
                unexpired; ``replay-cache-full`` when there is no room.
        """
        key = (issuer, nonce)
        with self._lock:
            held = self._until.get(key)
            if held is not None and held > now:
                raise rejected(
                    RejectionCode.NONCE_REPLAYED, "a token with this nonce was already accepted"
                )
            if held is None and len(self._until) >= self.capacity:
                for old in [k for k, t in self._until.items() if t <= now]:
                    del self._until[old]
                if len(self._until) >= self.capacity:
                    raise rejected(
                        RejectionCode.REPLAY_CACHE_FULL,
                        "the nonce replay cache is full; try again later",
                    )
            self._until[key] = until


class VerifiedToken(NamedTuple):
    """A token whose signature and standard claims verified (an immutable record).

    ``claims`` holds every claim as sent, read-only; it may hold personal data, so
    ``repr()`` leaves it out. ``repr()`` never shows an identity number in ``subject``
    either (the verifier refuses such a ``sub``; one made by hand is hidden).
    """

    issuer: str
    subject: str
    token_type: TokenType
    algorithm: str
    key_id: str
    issued: float
    """``iat`` in seconds since 1970 (UTC)."""
    expires: float
    """``exp`` in seconds since 1970 (UTC)."""
    assurance: AssuranceLevel
    claims: Mapping[str, Any]
    """Every claim of the token, read-only."""

    def __repr__(self) -> str:
        subject = self.subject
        shown = (
            "<hidden>"
            if not isinstance(subject, str) or shows_identity_number(subject)
            else repr(redact(subject))
        )
        return (
            f"VerifiedToken(issuer={self.issuer!r}, subject={shown}, "
            f"token_type={self.token_type}, algorithm={self.algorithm!r}, "
            f"key_id={self.key_id!r}, issued={self.issued}, expires={self.expires}, "
            f"assurance={self.assurance}, claims=<{len(self.claims)} claims>)"
        )

    @property
    def issued_at(self) -> datetime:
        """When the token was issued (``iat``), in UTC."""
        return datetime.fromtimestamp(self.issued, UTC)

    @property
    def expires_at(self) -> datetime:
        """When the token expires (``exp``), in UTC."""
        return datetime.fromtimestamp(self.expires, UTC)


def _numeric_date(claims: Mapping[str, Any], name: str, *, required: bool) -> float | None:
    if name not in claims:
        if required:
            raise rejected(RejectionCode.CLAIM_MISSING, f"the token has no {name!r} claim")
        return None
    value = claims[name]
    if type(value) is int and 0 <= value < _MAX_NUMERIC_DATE:  # the common case
        return float(value)
    # The range before ``isfinite``: JSON has integers of any size (``10**400``), and
    # ``math.isfinite`` converts them to float (an OverflowError past 1.8e308).
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 <= value < _MAX_NUMERIC_DATE
        or not math.isfinite(value)
    ):
        raise rejected(
            RejectionCode.CLAIM_INVALID,
            f"{name!r} must be a number of seconds since 1970 (a NumericDate)",
        )
    return float(value)


def _text_claim(claims: Mapping[str, Any], name: str, *, limit: int = 1024) -> str:
    if name not in claims:
        raise rejected(RejectionCode.CLAIM_MISSING, f"the token has no {name!r} claim")
    value = claims[name]
    if not isinstance(value, str) or not value or len(value) > limit or not value.isprintable():
        raise rejected(
            RejectionCode.CLAIM_INVALID, f"{name!r} must be a non-empty printable string"
        )
    return value


def _walk(value: Any, path: tuple[tuple[str, bool], ...]) -> list[Any]:
    """Every value at ``path`` under ``value`` (empty when absent)."""
    found = [value]
    for name, walks in path:
        step = []
        for item in found:
            if isinstance(item, dict | MappingProxyType) and name in item:
                child = item[name]
                if walks:
                    if not isinstance(child, list):
                        raise rejected(
                            RejectionCode.ATTRIBUTE_INVALID, f"claim {name!r} must be a list"
                        )
                    step.extend(child)
                else:
                    step.append(child)
        found = step
    return found


def claim_values(claims: Mapping[str, Any], path: str) -> list[Any]:
    """The values at a claim path (see
    [`claim_path()`][barnekoordinator.access.login.claim_path]); empty when absent."""
    return _walk(claims, claim_path(path))


class TokenVerifier:
    """Verifies tokens of one issuer against its settings and its key set.

    Args:
        settings: What the issuer is trusted for.
        clock: Where "now" comes from (``exp``, ``nbf``, ``iat`` and the key cache).
        keys: The issuer's key set (default: a new
            [`JwksCache`][barnekoordinator.access.login.JwksCache]).
        nonces: The replay cache for nonces (default: a new
            [`NonceCache`][barnekoordinator.access.login.NonceCache]).
    """

    def __init__(
        self,
        settings: IssuerSettings,
        *,
        clock: Clock,
        keys: JwksCache | None = None,
        nonces: NonceCache | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.keys = keys if keys is not None else JwksCache(settings, clock=clock)
        self.nonces = nonces if nonces is not None else NonceCache()
        self._headers: dict[bytes, _Header] = {}
        self._levels: dict[str, AssuranceLevel] = {}
        self._assurance_path = claim_path(settings.claims.assurance)

    def __repr__(self) -> str:
        return f"TokenVerifier({self.settings.issuer!r})"

    def close(self) -> None:
        """Close the key set's HTTP connection."""
        self.keys.close()

    def unverified_issuer(self, token: str | bytes) -> str | None:
        """The ``iss`` a well-formed token *claims*, before anything is verified.

        For routing a token to the authenticator of its issuer, never for trusting it. The
        size limit here is the largest any issuer may set, not this one's: a token too long for
        this issuer may be another's to answer (``verify`` applies this issuer's limit).

        Raises:
            TokenRejected: the token is not a well-formed JWS, or longer than any issuer takes.
        """
        _signed_part, _head, segment, _signature = split(token, MAX_TOKEN_BYTES)
        payload = json_object(b64url(segment, "payload"), "payload")
        issuer = payload.get("iss")
        return issuer if isinstance(issuer, str) else None

    def verify(
        self, token: str | bytes, *, nonce: str | None = None, remember: bool = True
    ) -> VerifiedToken:
        """Verify ``token``; when ``nonce`` is given the token must carry it, once.

        With ``remember=False`` the nonce is checked against the token but not recorded:
        the caller records it with
        [`remember_nonce()`][barnekoordinator.access.login.TokenVerifier.remember_nonce]
        once it accepts the token (an authenticator does, after making the principal).

        Raises:
            TokenRejected: with the ``code`` and reason of the first check that failed.
            IssuerUnavailable: the issuer's key set could not be fetched.
            InvalidInput: ``nonce`` is not text.
        """
        settings = self.settings
        if nonce is not None and not isinstance(nonce, str):
            raise InvalidInput(
                "nonce: expected text (the nonce of the login request) or None, "
                f"got {type(nonce).__name__}"
            )
        signing_input, head, payload, signed = split(token, settings.max_token_bytes)
        header = self._header(head)
        now = self.clock.now().timestamp()
        key = self.keys.key(header.kid, header.algorithm, now=now)
        if not signature_matches(key, signing_input, b64url(signed, "signature")):
            raise rejected(
                RejectionCode.BAD_SIGNATURE,
                f"the signature does not verify with {settings.issuer}'s key",
            )
        claims = json_object(b64url(payload, "payload"), "payload")
        self._check_type(header, claims)
        issued, expires = self._check_claims(claims, now)
        if nonce is not None:
            self._check_nonce(claims, nonce)
        if "cnf" in claims:
            raise rejected(
                RejectionCode.SENDER_CONSTRAINED,
                "the token is bound to a key (cnf: DPoP or mTLS); proof of possession is "
                "not checked here, so it cannot be accepted",
            )
        assurance = self._assurance(claims)
        if nonce is not None and remember:
            self.nonces.remember(
                settings.issuer, nonce, until=expires + settings.clock_skew, now=now
            )
        return VerifiedToken(  # positional: this runs on every login
            settings.issuer,
            claims["sub"],
            settings.token_type,
            header.algorithm,
            header.kid,
            issued,
            expires,
            assurance,
            MappingProxyType(claims),
        )

    def remember_nonce(self, verified: VerifiedToken, nonce: str) -> None:
        """Record ``nonce`` as used by ``verified`` (from ``verify(…, remember=False)``)
        until the token expires, so the token is accepted only once.

        Raises:
            TokenRejected: ``nonce-mismatch`` when ``verified`` does not carry ``nonce``;
                ``nonce-replayed`` when a token with this nonce was accepted before;
                ``replay-cache-full`` when there is no room.
            InvalidInput: ``nonce`` is not text.
        """
        if not isinstance(nonce, str):
            raise InvalidInput(
                f"nonce: expected text (the nonce of the login request), got {type(nonce).__name__}"
            )
        self._check_nonce(verified.claims, nonce)  # never record a nonce the token lacks
        self.nonces.remember(
            self.settings.issuer,
            nonce,
            until=verified.expires + self.settings.clock_skew,
            now=self.clock.now().timestamp(),
        )

    # -- the header ---------------------------------------------------------------

    def _header(self, segment: bytes) -> _Header:
        cached = self._headers.get(segment)
        if cached is not None:
            return cached
        header = self._read_header(json_object(b64url(segment, "header"), "header"))
        if len(self._headers) >= _HEADER_CACHE:
            self._headers.clear()
        self._headers[segment] = header
        return header

    def _read_header(self, header: Mapping[str, Any]) -> _Header:
        settings = self.settings
        alg = header.get("alg")
        if not isinstance(alg, str):
            raise rejected(RejectionCode.MALFORMED, "the header has no 'alg' string")
        if alg.strip().lower() == "none":
            raise rejected(
                RejectionCode.UNSIGNED, "'alg: none' (an unsigned token) is never accepted"
            )
        if alg not in settings.algorithms:
            named = repr(alg) if alg in _KNOWN_ALGS else "an unknown algorithm"
            raise rejected(
                RejectionCode.ALG_NOT_ALLOWED,
                f"{named} is not accepted from {settings.issuer} "
                f"(accepted: {', '.join(settings.algorithms)})",
            )
        if "enc" in header:
            raise rejected(
                RejectionCode.ENCRYPTED, "an encrypted token (JWE) where a signed JWS is expected"
            )
        if "crit" in header or "b64" in header:
            raise rejected(
                RejectionCode.UNSUPPORTED_HEADER,
                "the header asks for JWS extensions ('crit'/'b64') that are not supported",
            )
        cty = header.get("cty")
        if isinstance(cty, str) and cty.lower() in _ID_TYPES:
            raise rejected(RejectionCode.UNSUPPORTED_HEADER, "nested tokens are not accepted")
        kid = header.get("kid")
        if kid is None:
            raise rejected(RejectionCode.KID_MISSING, "the header has no 'kid'")
        if not isinstance(kid, str) or not _KID.fullmatch(kid) or ".." in kid:
            raise rejected(
                RejectionCode.KID_INVALID,
                "the 'kid' is not a plain key id (letters, digits and - _ . : + = ~ only)",
            )
        typ = header.get("typ")
        # ``"typ": null`` is malformed, not absent (fail closed, as for the payload's typ).
        if "typ" in header and not isinstance(typ, str):
            raise rejected(RejectionCode.MALFORMED, "the header's 'typ' is not a string")
        return _Header(alg, kid, typ.lower() if typ is not None else None)

    # -- the claims ---------------------------------------------------------------

    def _check_type(self, header: _Header, claims: Mapping[str, Any]) -> None:
        """An id_token must not pass for an access token, nor the reverse (typ)."""
        typ = header.typ
        # Keycloak (BankID) says "ID" or "Bearer" in the payload. A claim that is present must
        # say one of them: ``"typ": null`` is malformed, not absent (fail closed).
        present = "typ" in claims
        inner = claims.get("typ")
        if present and inner not in ("ID", "Bearer"):
            raise rejected(RejectionCode.WRONG_TYPE, "the payload's 'typ' is neither ID nor Bearer")
        if self.settings.token_type is TokenType.ID_TOKEN:
            ok = (typ is None or typ in _ID_TYPES) and inner in (None, "ID")
            expected, found = "an id_token", "an access token"
        else:
            ok = typ in _AT_TYPES or ((typ is None or typ in _ID_TYPES) and inner == "Bearer")
            expected, found = "an access token (typ at+jwt)", "another kind of token"
        if not ok:
            raise rejected(RejectionCode.WRONG_TYPE, f"{found} where {expected} is expected")

    def _check_claims(self, claims: Mapping[str, Any], now: float) -> tuple[float, float]:
        settings = self.settings
        skew = settings.clock_skew
        issuer = _text_claim(claims, "iss")
        if issuer != settings.issuer:
            hint = (
                " (it differs only by a trailing slash)"
                if issuer.rstrip("/") == settings.issuer.rstrip("/")
                else ""
            )
            raise rejected(
                RejectionCode.WRONG_ISSUER, f"the token is not from {settings.issuer}{hint}"
            )
        self._check_audience(claims)
        expires = _numeric_date(claims, "exp", required=True)
        issued = _numeric_date(claims, "iat", required=True)
        not_before = _numeric_date(claims, "nbf", required=False)
        assert expires is not None  # required=True
        assert issued is not None
        if expires <= issued:
            raise rejected(RejectionCode.CLAIM_INVALID, "'exp' is not after 'iat'")
        if now >= expires + skew:
            raise rejected(RejectionCode.EXPIRED, "the token has expired")
        if issued > now + skew:
            raise rejected(
                RejectionCode.ISSUED_IN_FUTURE,
                f"'iat' lies more than {skew} s ahead of this clock",
            )
        if not_before is not None and not_before > now + skew:
            raise rejected(RejectionCode.NOT_YET_VALID, "the token is not valid yet ('nbf')")
        refuse_identity_number(_text_claim(claims, "sub", limit=255))
        return issued, expires

    def _check_audience(self, claims: Mapping[str, Any]) -> None:
        settings = self.settings
        if "aud" not in claims:
            raise rejected(RejectionCode.CLAIM_MISSING, "the token has no 'aud' claim")
        audience = claims["aud"]
        if audience == settings.audience and "azp" not in claims:  # the common case
            return
        if isinstance(audience, str):
            audiences = [audience]
        elif isinstance(audience, list) and audience and all(isinstance(a, str) for a in audience):
            audiences = audience
        else:
            raise rejected(
                RejectionCode.CLAIM_INVALID, "'aud' must be a string or a non-empty list of strings"
            )
        if settings.audience not in audiences:
            raise rejected(
                RejectionCode.WRONG_AUDIENCE, f"the token is not meant for {settings.audience!r}"
            )
        if settings.token_type is TokenType.ID_TOKEN:
            # Present means a string (OIDC Core §2): ``"azp": null`` is not "absent".
            azp = claims.get("azp")
            if "azp" in claims and not isinstance(azp, str):
                raise rejected(RejectionCode.CLAIM_INVALID, "'azp' must be a string")
            if (len(audiences) > 1 or azp is not None) and azp != settings.audience:
                raise rejected(
                    RejectionCode.WRONG_AUDIENCE,
                    f"the token was issued to another client ('azp' is not {settings.audience!r})",
                )

    def _check_nonce(self, claims: Mapping[str, Any], nonce: str) -> None:
        carried = claims.get("nonce")
        if not isinstance(carried, str) or not hmac.compare_digest(
            carried.encode("utf-8", "surrogatepass"), nonce.encode("utf-8", "surrogatepass")
        ):
            raise rejected(
                RejectionCode.NONCE_MISMATCH,
                "the token does not carry the nonce of this login request",
            )

    def _assurance(self, claims: Mapping[str, Any]) -> AssuranceLevel:
        settings = self.settings
        path = self._assurance_path
        if len(path) == 1:
            seen = claims.get(path[0][0])
            if type(seen) is str and seen in self._levels:  # accepted before; there are few
                return self._levels[seen]
        if len(path) == 1 and not path[0][1]:  # one plain claim: the common case
            values = [claims[path[0][0]]] if path[0][0] in claims else []
        else:
            values = _walk(claims, path)
        if not values:
            raise rejected(
                RejectionCode.ASSURANCE_MISSING,
                f"the token has no {settings.claims.assurance!r} claim (level of assurance)",
            )
        value = values[0]
        if len(values) != 1 or not isinstance(value, str):
            raise rejected(
                RejectionCode.ASSURANCE_UNKNOWN,
                f"{settings.claims.assurance!r} must be one string",
            )
        level = settings.assurance_values.get(value)
        if level is None:
            try:
                level = AssuranceLevel.from_acr(value)
            except InvalidInput:
                raise rejected(
                    RejectionCode.ASSURANCE_UNKNOWN,
                    f"the {settings.claims.assurance!r} value is not a known level of assurance",
                ) from None
        if not level.at_least(settings.minimum_assurance):
            raise rejected(
                RejectionCode.ASSURANCE_TOO_LOW,
                f"the login's assurance {level.value} is below the minimum "
                f"{settings.minimum_assurance.value} for {settings.display_name}",
            )
        if len(self._levels) < _LEVEL_CACHE:
            self._levels[value] = level
        return level
