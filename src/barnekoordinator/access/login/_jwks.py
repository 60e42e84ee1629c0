"""An issuer's discovery document and key set, fetched over HTTP and cached.

* **Fetched with httpx** (the ``auth`` extra): no redirects, explicit timeouts, bodies
  capped at 512 KiB, and each request bounded as a whole by the issuer's
  ``http_timeout`` (a server that stalls or trickles its answer cannot hold a login):
  the request runs on a worker thread and the caller stops waiting at the deadline.
  Proxy settings from the environment are honoured, except for a loopback issuer.
* **Checked**: the discovery document must name exactly the configured issuer (a
  mix-up defence) and a ``jwks_uri`` that is ``https`` (or loopback ``http``), in printable
  ASCII, and not on a loopback, private or link-local address unless the issuer's own host
  is one (the test kit, an internal Keycloak); keys need
  a ``kid``, must be public signing keys (no ``d``, no symmetric ``oct``, ``use`` ``sig``
  when given), and a ``kid`` published twice is dropped.
* **Cached** for ``jwks_cache_seconds`` by the injected
  [`Clock`][barnekoordinator.clock.Clock] (Digdir suggests 24 h). A ``kid`` that is not in
  the cache triggers one refresh (key rotation), at most once per
  ``jwks_refresh_seconds``; a failed fetch is not retried sooner either, so a
  stream of bad tokens or a dead issuer costs at most one request per interval.
* **Failures** are [`IssuerUnavailable`][barnekoordinator.errors.IssuerUnavailable], naming
  the URL (quoted and escaped as ``repr`` does) and what went wrong (URLs of issuers are
  not personal data).
"""

from __future__ import annotations

import concurrent.futures
import threading
import urllib.parse
import zlib
from collections.abc import Mapping
from typing import Any, Final

import attrs

from barnekoordinator.access.login._compact import json_object, rejected
from barnekoordinator.access.login._jose import build_key, require_jose
from barnekoordinator.access.login._settings import (
    IssuerSettings,
    RejectionCode,
    is_local_host,
    is_loopback_host,
    shown_url,
    url_problem,
)
from barnekoordinator.clock import Clock
from barnekoordinator.errors import IssuerUnavailable, MissingExtraError, TokenRejected

MAX_DOCUMENT_BYTES: Final = 512 * 1024

_WINDOW_BITS: Final = {"gzip": 31, "x-gzip": 31, "deflate": 15}
"""zlib's window bits for the encodings a server may send although identity was asked for."""


def _decoded(body: bytes, encoding: str, where: str) -> bytes:
    """``body`` decoded from its ``Content-Encoding``, never to more than the cap."""
    if encoding in ("", "identity"):
        return body
    bits = _WINDOW_BITS.get(encoding)
    if bits is None:
        raise IssuerUnavailable(f"{where} came in an encoding other than identity, gzip or deflate")
    inflate = zlib.decompressobj(bits)
    try:
        decoded = inflate.decompress(body, MAX_DOCUMENT_BYTES + 1)
    except zlib.error:
        raise IssuerUnavailable(f"{where} is not valid {encoding}") from None
    if len(decoded) > MAX_DOCUMENT_BYTES or inflate.unconsumed_tail:
        raise IssuerUnavailable(f"{where} is larger than {MAX_DOCUMENT_BYTES} bytes decoded")
    return decoded


"""The largest discovery document or JWKS read from an issuer."""

_MAX_KEYS: Final = 100
_PRIVATE_MEMBERS: Final = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def require_httpx() -> Any:
    """Import httpx, or raise [`MissingExtraError`][barnekoordinator.errors.MissingExtraError]
    naming the ``auth`` extra."""
    try:
        import httpx
    except ImportError as exc:
        raise MissingExtraError("auth", "Login (fetching an issuer's keys)") from exc
    return httpx


@attrs.define
class _KeySet:
    fetched_at: float
    jwks: Mapping[str, Mapping[str, Any]]
    keys: dict[tuple[str, str], Any] = attrs.field(factory=dict)


def _usable_keys(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise ValueError("it has no 'keys' list")
    if len(keys) > _MAX_KEYS:
        raise ValueError(f"it has more than {_MAX_KEYS} keys")
    found: dict[str, Mapping[str, Any]] = {}
    repeated: set[str] = set()
    for key in keys:
        if not isinstance(key, dict):
            continue
        kid = key.get("kid")
        if not isinstance(kid, str) or not kid:
            continue
        if _PRIVATE_MEMBERS & key.keys() or key.get("kty") not in ("RSA", "EC"):
            continue  # never a private or symmetric key, even if an issuer publishes one
        if key.get("use", "sig") != "sig":
            continue
        ops = key.get("key_ops")
        if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
            continue
        if kid in found:
            repeated.add(kid)
        found[kid] = key
    for kid in repeated:  # ambiguous: which one did the issuer mean?
        del found[kid]
    if not found:
        raise ValueError("it holds no usable public signing key with a 'kid'")
    return found


def _jwks_uri_problem(published: object, issuer: str) -> str | None:
    """Why the discovery document's ``jwks_uri`` must not be fetched, or ``None``."""
    problem = url_problem(published)
    if problem is not None:
        return problem
    url = str(published)
    if issuer.startswith("https:") and not url.startswith("https:"):
        # Plain http on loopback is for the test kit's provider, whose issuer is plain http
        # itself: an https issuer's discovery must not send the key fetch to a local service.
        return "expected https, as the issuer's own URL"
    host = urllib.parse.urlsplit(url).hostname
    if is_local_host(host) and not is_local_host(urllib.parse.urlsplit(issuer).hostname):
        # Nor over https: an issuer on the internet has its keys on the internet, and a
        # tampered or mistaken document must not make this server ask one of its neighbours
        # (a cloud metadata service, an admin port). An issuer on a local host (the test kit,
        # an internal Keycloak) may keep its keys on one.
        return (
            f"expected a host on the internet, as the issuer's own: {host!r} is a loopback, "
            "private or link-local address"
        )
    return None


def _within(last: float | None, now: float, seconds: float) -> bool:
    # Either side of ``last``: a login reads the clock before it waits for the cache's lock,
    # so one that waited behind a failed fetch may hold a time just before that fetch's.
    return last is not None and abs(now - last) < seconds


class JwksCache:
    """The signing keys of one issuer: discovery and JWKS over HTTP, cached, rotated.

    Thread-safe: concurrent logins share one cache and at most one fetch runs at a
    time. Close it (or the authenticator that owns it) to release the connection.

    Raises:
        MissingExtraError: httpx or python-jose is not installed (the ``auth`` extra).
    """

    def __init__(self, settings: IssuerSettings, *, clock: Clock) -> None:
        self._httpx = require_httpx()
        require_jose()
        self.settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._snapshot: _KeySet | None = None
        self._jwks_uri: str | None = None
        self._last_attempt: float | None = None
        self._last_kid_refresh: float | None = None
        self._last_failure: IssuerUnavailable | None = None
        self._client: Any = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"JwksCache({self.settings.issuer!r})"

    def __enter__(self) -> JwksCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connection and the worker thread; the cache is then unusable."""
        with self._lock:
            self._closed = True
            self._drop_client()
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None

    # -- the keys ---------------------------------------------------------------

    def key(self, kid: str, algorithm: str, *, now: float | None = None) -> Any:
        """The key with ``kid`` for verifying ``algorithm`` signatures.

        Refreshes an expired cache; on an unknown ``kid`` refreshes once (rate-limited)
        before giving up. ``now`` (POSIX seconds) saves a clock read when the caller
        has one.

        Raises:
            TokenRejected: ``kid-unknown`` or ``key-unusable``.
            IssuerUnavailable: the keys could not be fetched.
        """
        if now is None:
            now = self._now()
        snapshot = self._snapshot
        if snapshot is None or not self._fresh(snapshot, now):
            snapshot = self._refresh(now, seen=snapshot, expired=True)
        jwk = snapshot.jwks.get(kid)
        if jwk is None:
            snapshot = self._refresh(now, seen=snapshot, expired=False)
            jwk = snapshot.jwks.get(kid)
        if jwk is None:
            raise rejected(
                RejectionCode.KID_UNKNOWN,
                f"no key with this kid in the key set of {self.settings.issuer}",
            )
        built = snapshot.keys.get((kid, algorithm))
        if built is None:
            built, problem = build_key(jwk, algorithm)
            if built is None:
                raise rejected(
                    RejectionCode.KEY_UNUSABLE,
                    f"the issuer's key with this kid cannot verify {algorithm}: "
                    f"{problem or 'python-jose cannot build it'}",
                )
            snapshot.keys[(kid, algorithm)] = built
        return built

    def refresh(self) -> None:
        """Fetch discovery and the key set now, ignoring the cache and the rate limit.

        Raises:
            IssuerUnavailable: the keys could not be fetched.
        """
        self._refresh(self._now(), seen=None, expired=True, force=True)

    @property
    def kids(self) -> frozenset[str]:
        """The key ids in the cache now (empty before the first fetch)."""
        snapshot = self._snapshot
        return frozenset(snapshot.jwks) if snapshot is not None else frozenset()

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _fresh(self, snapshot: _KeySet, now: float) -> bool:
        return 0 <= now - snapshot.fetched_at < self.settings.jwks_cache_seconds

    def _refresh(
        self, now: float, *, seen: _KeySet | None, expired: bool, force: bool = False
    ) -> _KeySet:
        """Fetch the key set unless another thread did since the caller looked at ``seen``,
        or the rate limit says not yet (``expired``: the cache's lifetime ended, which
        also re-reads discovery; otherwise: an unknown ``kid``)."""
        with self._lock:
            if self._closed:
                raise IssuerUnavailable(f"the key cache of {self.settings.issuer} is closed")
            current = self._snapshot
            if not force and current is not None and current is not seen:
                return current  # refreshed by another thread meanwhile
            interval = self.settings.jwks_refresh_seconds
            failed = self._last_failure
            if not force and failed is not None and _within(self._last_attempt, now, interval):
                # A dead issuer is not hammered: one try per interval.
                raise IssuerUnavailable(f"{failed} (not retried within {interval} s)")
            if not (force or expired) and current is not None:
                if _within(self._last_kid_refresh, now, interval):
                    return current  # at most one refresh per interval for unknown kids
                self._last_kid_refresh = now
            self._last_attempt = now
            try:
                jwks = self._fetch_key_set(with_discovery=expired)
            except IssuerUnavailable as exc:
                self._last_failure = exc
                raise
            self._last_failure = None
            self._snapshot = _KeySet(fetched_at=now, jwks=jwks)
            return self._snapshot

    # -- HTTP -------------------------------------------------------------------

    def _fetch_key_set(self, *, with_discovery: bool) -> dict[str, Mapping[str, Any]]:
        settings = self.settings
        jwks_uri = self._jwks_uri
        if with_discovery or jwks_uri is None:
            discovery = self._get_json(settings.discovery_url, "the discovery document")
            if discovery.get("issuer") != settings.issuer:
                raise IssuerUnavailable(
                    f"the discovery document at {shown_url(settings.discovery_url)} names another "
                    f"issuer than {settings.issuer}"
                )
            published = discovery.get("jwks_uri")
            problem = _jwks_uri_problem(published, settings.issuer)
            if problem is not None:
                raise IssuerUnavailable(
                    f"the discovery document at {shown_url(settings.discovery_url)} has no "
                    f"usable jwks_uri: {problem}"
                )
            jwks_uri = self._jwks_uri = str(published)
        document = self._get_json(jwks_uri, "the key set")
        try:
            return _usable_keys(document)
        except ValueError as exc:
            raise IssuerUnavailable(
                f"the key set at {shown_url(jwks_uri)} cannot be used: {exc}"
            ) from None

    def _get_json(self, url: str, what: str) -> dict[str, Any]:
        timeout = self.settings.http_timeout
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"barnekoordinator-jwks-{self.settings.name}"
            )
        if self._client is None:
            httpx = self._httpx
            self._client = httpx.Client(
                timeout=httpx.Timeout(timeout),
                follow_redirects=False,
                # Proxies from the environment, but never for a loopback issuer.
                trust_env=not is_loopback_host(
                    urllib.parse.urlsplit(self.settings.issuer).hostname
                ),
                # Identity: the size cap counts the bytes that arrive.
                headers={
                    "Accept": "application/json",
                    "Accept-Encoding": "identity",
                    "User-Agent": "barnekoordinator",
                },
            )
        future = self._executor.submit(self._download, self._client, url, what)
        try:
            body = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            # Stop waiting now; closing the client closes the connection under the worker.
            self._drop_client()
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
            raise IssuerUnavailable(
                f"{what} at {shown_url(url)} did not arrive within {timeout:g} s"
            ) from None
        except IssuerUnavailable:
            raise
        except Exception as exc:  # whatever the HTTP stack raised: still a typed error
            raise IssuerUnavailable(
                f"{what} at {shown_url(url)} cannot be fetched ({type(exc).__name__})"
            ) from None
        try:
            return json_object(body, what)
        except TokenRejected:
            raise IssuerUnavailable(
                f"{what} at {shown_url(url)} is not a JSON object "
                "(strict UTF-8, no duplicate names)"
            ) from None

    def _download(self, client: Any, url: str, what: str) -> bytes:
        """GET ``url`` with ``client`` (on the worker thread); the body, capped in size."""
        httpx = self._httpx
        try:
            with client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise IssuerUnavailable(
                        f"{what} at {shown_url(url)} answered HTTP {response.status_code}"
                    )
                # The bytes as they arrive, not as httpx would decode them: a small gzip body
                # can inflate to far more than the cap before a decoded length is counted.
                body = bytearray()
                for chunk in response.iter_raw():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise IssuerUnavailable(
                            f"{what} at {shown_url(url)} is larger than {MAX_DOCUMENT_BYTES} bytes"
                        )
                encoding = response.headers.get("content-encoding", "").strip().lower()
                return _decoded(bytes(body), encoding, f"{what} at {shown_url(url)}")
        except httpx.TimeoutException:
            raise IssuerUnavailable(
                f"{what} at {shown_url(url)} did not arrive within {self.settings.http_timeout:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise IssuerUnavailable(
                f"{what} at {shown_url(url)} cannot be fetched ({type(exc).__name__})"
            ) from None

    def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
