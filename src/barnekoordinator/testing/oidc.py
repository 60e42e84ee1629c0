"""A loopback OpenID provider for tests: real HTTP on 127.0.0.1, real signed tokens.

[`LoopbackOidcProvider`][barnekoordinator.testing.oidc.LoopbackOidcProvider] runs an HTTP
server on ``127.0.0.1`` (a free port, in a thread) serving
``/.well-known/openid-configuration`` and ``/jwks.json``, and mints RS256/RS384/RS512
and ES256/ES384/ES512 tokens with keys made by ``cryptography`` — signed here, never by
the library under test. Keys can be added, rotated and retired while tokens are
verified; faults (a stalled or trickling answer, a server error, a body that is not
JSON) make the unhappy paths testable without monkeypatching a single fetch. Nothing
leaves the machine.

```python
from barnekoordinator.testing.oidc import LoopbackOidcProvider

with LoopbackOidcProvider() as idp:
    token = idp.token(idp.claims(audience="my-client", pid=fnr, acr="idporten-loa-high"))
    # point the authenticator at idp.issuer and give it idp.clock
```

The pytest fixture ``bk_oidc_provider`` yields a started provider (one
RS256 key, the clock at 2026-01-05 09:30 UTC). Needs the ``testing`` extra and
``cryptography`` (the ``auth`` extra).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import json
import secrets
import threading
import zlib
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

import attrs
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from barnekoordinator.clock import Clock, FixedClock

__all__ = ["OMIT_CLAIM", "LoopbackOidcProvider", "ProviderFault", "ProviderKey", "b64url_encode"]

OMIT_CLAIM: Final = object()
"""Pass as a claim's value to
[`claims()`][barnekoordinator.testing.oidc.LoopbackOidcProvider.claims] to leave the claim out."""

_HASHES: Final[dict[str, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]]] = {
    "256": hashes.SHA256,
    "384": hashes.SHA384,
    "512": hashes.SHA512,
}
_CURVES: Final = {
    "ES256": ("P-256", ec.SECP256R1, 32),
    "ES384": ("P-384", ec.SECP384R1, 48),
    "ES512": ("P-521", ec.SECP521R1, 66),
}
_STALL_SECONDS: Final = 30.0


def b64url_encode(data: bytes) -> str:
    """base64url without padding (the JOSE encoding)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_bytes(value: int, length: int | None = None) -> bytes:
    size = length if length is not None else max(1, (value.bit_length() + 7) // 8)
    return value.to_bytes(size, "big")


class ProviderFault(enum.Enum):
    """What the provider's HTTP server does instead of answering properly."""

    STALL = "stall"
    """Accept the request and never answer (until the provider closes)."""
    TRICKLE = "trickle"
    """Answer correctly, one byte every 0.1 s."""
    SERVER_ERROR = "server-error"
    """Answer ``500 Internal Server Error``."""
    NOT_JSON = "not-json"
    """Answer ``200`` with a body that is not JSON."""


@attrs.frozen(eq=False)
class ProviderKey:
    """A signing key of the provider: its ``kid``, algorithm and private key."""

    kid: str
    algorithm: str
    private_key: Any = attrs.field(repr=False)

    @classmethod
    def generate(cls, algorithm: str = "RS256", *, kid: str | None = None) -> ProviderKey:
        """Make a new key: RSA 2048 for ``RS*``, the matching NIST curve for ``ES*``."""
        if algorithm.startswith("RS") and algorithm[2:] in _HASHES:
            private: Any = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        elif algorithm in _CURVES:
            private = ec.generate_private_key(_CURVES[algorithm][1]())
        else:
            raise ValueError(
                f"the loopback provider signs RS256/384/512 and ES256/384/512, not {algorithm}"
            )
        key = cls(kid or "", algorithm, private)
        return key if kid else attrs.evolve(key, kid=key.thumbprint())

    def _members(self) -> dict[str, str]:
        numbers = self.private_key.public_key().public_numbers()
        if self.algorithm.startswith("RS"):
            return {
                "kty": "RSA",
                "n": b64url_encode(_int_bytes(numbers.n)),
                "e": b64url_encode(_int_bytes(numbers.e)),
            }
        crv, _curve, size = _CURVES[self.algorithm]
        return {
            "kty": "EC",
            "crv": crv,
            "x": b64url_encode(_int_bytes(numbers.x, size)),
            "y": b64url_encode(_int_bytes(numbers.y, size)),
        }

    def public_jwk(self) -> dict[str, Any]:
        """The public key as a JWK (with ``kid``, ``use: sig`` and ``alg``)."""
        return {**self._members(), "kid": self.kid, "use": "sig", "alg": self.algorithm}

    def thumbprint(self) -> str:
        """The RFC 7638 thumbprint of the public key (base64url SHA-256)."""
        canonical = json.dumps(self._members(), separators=(",", ":"), sort_keys=True)
        return b64url_encode(hashlib.sha256(canonical.encode("ascii")).digest())

    def sign(self, signing_input: bytes) -> bytes:
        """The JWS signature of ``signing_input`` (ES*: raw ``r || s``)."""
        digest = _HASHES[self.algorithm[2:]]()
        if self.algorithm.startswith("RS"):
            return bytes(self.private_key.sign(signing_input, padding.PKCS1v15(), digest))
        der = self.private_key.sign(signing_input, ec.ECDSA(digest))
        r, s = decode_dss_signature(der)
        size = _CURVES[self.algorithm][2]
        return _int_bytes(r, size) + _int_bytes(s, size)


def _handler(provider: LoopbackOidcProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            provider._serve(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # tests stay quiet

    return Handler


class LoopbackOidcProvider:
    """An OpenID provider on ``127.0.0.1`` for tests (see the module docs).

    Args:
        clock: The time tokens are minted at (default: a
            [`FixedClock`][barnekoordinator.clock.FixedClock] at 2026-01-05 09:30 UTC);
            give the same clock to the verifier.
        algorithm: The algorithm of the first key.
        path: A path after the host in the issuer (``/realms/test`` looks like Keycloak).
    """

    def __init__(
        self, *, clock: Clock | None = None, algorithm: str = "RS256", path: str = ""
    ) -> None:
        self.clock: Clock = (
            clock if clock is not None else FixedClock(datetime(2026, 1, 5, 9, 30, tzinfo=UTC))
        )
        self.path = path.rstrip("/")
        self.fault: ProviderFault | None = None
        self.jwks_document: Mapping[str, Any] | None = None
        """When set, served as the JWKS instead of the published keys."""
        self.discovery_overrides: dict[str, Any] = {}
        """Members merged into the discovery document (e.g. another ``issuer``)."""
        self.requests: Counter[str] = Counter()
        """How often each path was requested."""
        self.content_encoding: str | None = None
        """When set (``"gzip"``, ``"deflate"`` or any other name), every answer is sent in that
        ``Content-Encoding`` whatever the client asked for, as a careless server or CDN would
        (an unknown name sends the body as it is, labelled so)."""
        self.accept_encoding: str | None = None
        """The ``Accept-Encoding`` of the last request (``None`` when it had none)."""
        self._lock = threading.Lock()
        self._keys: list[ProviderKey] = []
        self._current: ProviderKey | None = None
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.add_key(algorithm)

    def __repr__(self) -> str:
        return f"LoopbackOidcProvider({self.issuer if self._server else 'not started'})"

    def __enter__(self) -> LoopbackOidcProvider:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the server -------------------------------------------------------------

    def start(self) -> LoopbackOidcProvider:
        """Start serving on a free port of 127.0.0.1 (idempotent)."""
        if self._server is None:
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
            server.daemon_threads = True
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="loopback-oidc",
                daemon=True,
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; stalled answers are released."""
        self._closing.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._server is None:
            raise RuntimeError("the loopback provider is not started")
        return int(self._server.server_address[1])

    @property
    def issuer(self) -> str:
        """``http://127.0.0.1:PORT`` plus the path: the ``iss`` of every token minted here."""
        return f"http://127.0.0.1:{self.port}{self.path}"

    @property
    def jwks_uri(self) -> str:
        """Where the key set is served."""
        return f"{self.issuer}/jwks.json"

    @property
    def jwks_requests(self) -> int:
        """How often the key set was fetched."""
        return self.requests[f"{self.path}/jwks.json"]

    @property
    def discovery_requests(self) -> int:
        """How often the discovery document was fetched."""
        return self.requests[f"{self.path}/.well-known/openid-configuration"]

    def discovery(self) -> dict[str, Any]:
        """The discovery document as served now."""
        algorithms = sorted({k.algorithm for k in self.published_keys})
        return {
            "issuer": self.issuer,
            "jwks_uri": self.jwks_uri,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": algorithms,
            **self.discovery_overrides,
        }

    def jwks(self) -> dict[str, Any]:
        """The key set as served now."""
        if self.jwks_document is not None:
            return dict(self.jwks_document)
        return {"keys": [k.public_jwk() for k in self.published_keys]}

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        with self._lock:
            self.requests[path] += 1
            self.accept_encoding = request.headers.get("Accept-Encoding")
        fault = self.fault
        if fault is ProviderFault.STALL:
            self._closing.wait(_STALL_SECONDS)
            return
        if path == f"{self.path}/.well-known/openid-configuration":
            body = json.dumps(self.discovery()).encode()
        elif path == f"{self.path}/jwks.json":
            body = json.dumps(self.jwks()).encode()
        else:
            request.send_error(404)
            return
        if fault is ProviderFault.SERVER_ERROR:
            request.send_error(500)
            return
        if fault is ProviderFault.NOT_JSON:
            body = b"<html>not json</html>"
        encoding = self.content_encoding
        if encoding in ("gzip", "deflate"):
            packer = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
            body = packer.compress(body) + packer.flush()
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        if encoding is not None:
            request.send_header("Content-Encoding", encoding)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        try:
            if fault is ProviderFault.TRICKLE:
                for byte in body:
                    if self._closing.wait(0.1):
                        return
                    request.wfile.write(bytes([byte]))
                    request.wfile.flush()
            else:
                request.wfile.write(body)
        except OSError:
            pass  # the client gave up; that is what the fault tests want

    # -- keys ---------------------------------------------------------------------

    @property
    def current_key(self) -> ProviderKey:
        """The key tokens are signed with by default."""
        assert self._current is not None
        return self._current

    @property
    def published_keys(self) -> tuple[ProviderKey, ...]:
        """The keys in the served JWKS."""
        with self._lock:
            return tuple(self._keys)

    def add_key(
        self,
        algorithm: str = "RS256",
        *,
        kid: str | None = None,
        publish: bool = True,
        current: bool = True,
    ) -> ProviderKey:
        """Make a key; publish it in the JWKS and sign with it from now on, by default."""
        key = ProviderKey.generate(algorithm, kid=kid)
        with self._lock:
            if publish:
                self._keys.append(key)
            if current or self._current is None:
                self._current = key
        return key

    def rotate(self, algorithm: str | None = None, *, retire_previous: bool = False) -> ProviderKey:
        """Sign with a new key from now on; the previous one stays published unless retired."""
        previous = self._current
        key = self.add_key(algorithm or (previous.algorithm if previous else "RS256"))
        if retire_previous and previous is not None:
            self.retire(previous.kid)
        return key

    def retire(self, kid: str) -> None:
        """Stop publishing the key ``kid``."""
        with self._lock:
            self._keys = [k for k in self._keys if k.kid != kid]

    # -- tokens -------------------------------------------------------------------

    def now(self) -> int:
        """The provider's clock as a NumericDate."""
        return int(self.clock.now().timestamp())

    def claims(
        self, *, audience: str | list[str], lifetime: int = 120, **extra: Any
    ) -> dict[str, Any]:
        """The standard claims of a token minted now, plus ``extra``.

        ``iss`` (this provider), ``aud``, ``sub`` (a fresh pairwise-looking value),
        ``iat``, ``exp`` (``lifetime`` seconds later) and ``jti``; pass
        [`OMIT_CLAIM`][barnekoordinator.testing.oidc.OMIT_CLAIM] as a value to leave a claim out.
        """
        now = self.now()
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience,
            "sub": "sub-" + secrets.token_urlsafe(12),
            "iat": now,
            "exp": now + lifetime,
            "jti": secrets.token_hex(8),
        }
        claims.update(extra)
        return {k: v for k, v in claims.items() if v is not OMIT_CLAIM}

    def sign_segments(
        self, header: bytes, payload: bytes, *, key: ProviderKey | None = None
    ) -> str:
        """A compact JWS of exactly these header and payload bytes (for malformed tokens)."""
        signer = key or self.current_key
        signing_input = f"{b64url_encode(header)}.{b64url_encode(payload)}"
        return f"{signing_input}.{b64url_encode(signer.sign(signing_input.encode('ascii')))}"

    def token(
        self,
        claims: Mapping[str, Any],
        *,
        typ: str | None = "JWT",
        key: ProviderKey | None = None,
        header: Mapping[str, Any] | None = None,
    ) -> str:
        """A signed token: header ``alg`` and ``kid`` of ``key`` (default: the current key),
        ``typ`` (``None`` leaves it out), then ``header``'s members."""
        signer = key or self.current_key
        head: dict[str, Any] = {"alg": signer.algorithm, "kid": signer.kid}
        if typ is not None:
            head["typ"] = typ
        head.update(header or {})
        return self.sign_segments(
            json.dumps(head).encode(), json.dumps(dict(claims)).encode(), key=signer
        )
