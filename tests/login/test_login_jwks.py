"""The key set over HTTP: cached by the injected clock, rotated, rate-limited, never a hang.

Every fetch goes to a real HTTP server on 127.0.0.1 (the loopback provider); faults are
the server's behaviour, not patched functions.
"""

from __future__ import annotations

import concurrent.futures
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from _login_helpers import authenticator, idporten_claims
from cryptography.hazmat.primitives.asymmetric import rsa

from barnekoordinator.access.login import IssuerSettings, JwksCache, OidcAuthenticator
from barnekoordinator.access.principal import Credential
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import IssuerUnavailable, TokenRejected
from barnekoordinator.testing.oidc import LoopbackOidcProvider, ProviderFault, ProviderKey
from barnekoordinator_plugins.idporten import IDPORTEN


def login(auth: OidcAuthenticator, token: str) -> object:
    """Present ``token`` as an ID-porten id_token."""
    return auth.authenticate(Credential(kind="idporten-id-token", token=token))


def clock_of(provider: LoopbackOidcProvider) -> FixedClock:
    """The provider's clock, which the authenticators share."""
    assert isinstance(provider.clock, FixedClock)
    return provider.clock


def test_the_key_set_is_fetched_once_and_cached(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Fifty logins cost one discovery request and one key-set request."""
    for _ in range(50):
        assert login(idporten, idp.token(idporten_claims(idp))) is not None
    assert (idp.discovery_requests, idp.jwks_requests) == (1, 1)


def test_the_cache_expires_by_the_injected_clock(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """After 24 h (the default) discovery and keys are fetched again; not a second before."""
    assert login(idporten, idp.token(idporten_claims(idp))) is not None
    clock_of(idp).advance(timedelta(hours=24) - timedelta(seconds=1))
    assert login(idporten, idp.token(idporten_claims(idp))) is not None
    assert idp.jwks_requests == 1
    clock_of(idp).advance(timedelta(seconds=1))
    assert login(idporten, idp.token(idporten_claims(idp))) is not None
    assert (idp.discovery_requests, idp.jwks_requests) == (2, 2)


def test_the_cache_lifetime_is_a_setting(idp: LoopbackOidcProvider) -> None:
    """``jwks_cache_seconds`` sets the lifetime."""
    with authenticator(IDPORTEN, idp, jwks_cache_seconds="600") as auth:
        assert login(auth, idp.token(idporten_claims(idp))) is not None
        clock_of(idp).advance(timedelta(seconds=600))
        assert login(auth, idp.token(idporten_claims(idp))) is not None
    assert idp.jwks_requests == 2


def test_rotation_is_followed_without_a_restart(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """A new key is fetched on first sight; tokens of both keys verify meanwhile."""
    old = idp.current_key
    assert login(idporten, idp.token(idporten_claims(idp))) is not None
    new = idp.rotate()
    assert login(idporten, idp.token(idporten_claims(idp), key=new)) is not None
    assert login(idporten, idp.token(idporten_claims(idp), key=old)) is not None
    assert idp.jwks_requests == 2
    assert idporten.verifier.keys.kids == {old.kid, new.kid}


def test_a_second_rotation_waits_for_the_refresh_interval(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Unknown-kid refreshes are one per ``jwks_refresh_seconds`` (60 s by default)."""
    assert login(idporten, idp.token(idporten_claims(idp))) is not None
    assert login(idporten, idp.token(idporten_claims(idp), key=idp.rotate())) is not None
    third = idp.rotate()
    with pytest.raises(TokenRejected) as caught:
        login(idporten, idp.token(idporten_claims(idp), key=third))
    assert caught.value.code == "kid-unknown"
    clock_of(idp).advance(timedelta(seconds=60))
    assert login(idporten, idp.token(idporten_claims(idp), key=third)) is not None
    assert idp.jwks_requests == 3


def test_concurrent_logins_on_a_cold_cache_fetch_once(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Eight threads logging in at once share one fetch."""
    tokens = [idp.token(idporten_claims(idp)) for _ in range(8)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda token: login(idporten, token), tokens))
    assert all(result is not None for result in results)
    assert (idp.discovery_requests, idp.jwks_requests) == (1, 1)


# -- an issuer that cannot be used -------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_issuer_is_a_typed_error(idp: LoopbackOidcProvider) -> None:
    """Nothing listens on the issuer's port: IssuerUnavailable, at once."""
    token = idp.token(idporten_claims(idp, iss=f"http://127.0.0.1:{_closed_port()}"))
    with authenticator(IDPORTEN, idp, issuer=f"http://127.0.0.1:{_closed_port()}") as auth:
        started = time.monotonic()
        with pytest.raises(IssuerUnavailable) as caught:
            auth.verify(token)
        assert time.monotonic() - started < 5
    assert "cannot be fetched" in str(caught.value)
    assert token not in str(caught.value)


@pytest.mark.parametrize("fault", [ProviderFault.STALL, ProviderFault.TRICKLE])
def test_a_stalling_or_trickling_issuer_never_hangs(
    idp: LoopbackOidcProvider, fault: ProviderFault
) -> None:
    """A server that never answers, or answers a byte at a time, is cut off at
    ``http_timeout`` for the whole request."""
    token = idp.token(idporten_claims(idp))
    idp.fault = fault
    with authenticator(IDPORTEN, idp, http_timeout="0.5") as auth:
        started = time.monotonic()
        with pytest.raises(IssuerUnavailable) as caught:
            auth.verify(token)
        elapsed = time.monotonic() - started
    assert elapsed < 3, f"waited {elapsed:.1f} s for a 0.5 s timeout"
    assert "did not arrive within 0.5 s" in str(caught.value)


def test_a_failed_issuer_is_not_hammered_and_recovers(idp: LoopbackOidcProvider) -> None:
    """After a failure the issuer is asked again only after the refresh interval."""
    token = idp.token(idporten_claims(idp))
    idp.fault = ProviderFault.SERVER_ERROR
    with authenticator(IDPORTEN, idp) as auth:
        for _ in range(5):
            with pytest.raises(IssuerUnavailable, match="HTTP 500"):
                auth.verify(token)
        assert idp.discovery_requests == 1
        idp.fault = None
        clock_of(idp).advance(timedelta(seconds=60))
        assert auth.verify(token).issuer == idp.issuer
    assert idp.discovery_requests == 2


def test_a_login_that_read_the_clock_before_a_failed_fetch_does_not_fetch_again(
    idp: LoopbackOidcProvider,
) -> None:
    """A login reads the clock, then waits for the cache: one that waited behind a failed
    fetch holds a time just before it, and is within the interval all the same (login sweep,
    2026-12-07: it fetched again, and waited out another timeout)."""
    idp.fault = ProviderFault.SERVER_ERROR
    now = clock_of(idp).now().timestamp()
    with authenticator(IDPORTEN, idp) as auth:
        keys = auth.verifier.keys
        with pytest.raises(IssuerUnavailable, match="HTTP 500"):
            keys.key(idp.current_key.kid, "RS256", now=now)
        with pytest.raises(IssuerUnavailable, match="not retried"):
            keys.key(idp.current_key.kid, "RS256", now=now - 0.001)
        assert idp.discovery_requests == 1
        with pytest.raises(IssuerUnavailable, match="HTTP 500"):  # a clock set back an hour
            keys.key(idp.current_key.kid, "RS256", now=now - 3600)
    assert idp.discovery_requests == 2


def test_a_body_that_is_not_json(idp: LoopbackOidcProvider) -> None:
    """A discovery document that is HTML is an unusable issuer."""
    idp.fault = ProviderFault.NOT_JSON
    with authenticator(IDPORTEN, idp) as auth, pytest.raises(IssuerUnavailable, match="JSON"):
        auth.verify(idp.token(idporten_claims(idp)))


def test_discovery_naming_another_issuer_is_refused(idp: LoopbackOidcProvider) -> None:
    """Mix-up defence: the discovery document must name exactly the configured issuer."""
    idp.discovery_overrides["issuer"] = idp.issuer + "/"
    with (
        authenticator(IDPORTEN, idp) as auth,
        pytest.raises(IssuerUnavailable, match="another issuer"),
    ):
        auth.verify(idp.token(idporten_claims(idp)))


@pytest.mark.parametrize(
    "jwks_uri",
    ["http://idp.example/jwks.json", "file:///etc/passwd", "https://user:pw@idp.example/k", 7],
)
def test_a_jwks_uri_that_is_not_https_is_refused(
    idp: LoopbackOidcProvider, jwks_uri: object
) -> None:
    """Keys only over https (or loopback http for tests); never a file or plain http."""
    idp.discovery_overrides["jwks_uri"] = jwks_uri
    with authenticator(IDPORTEN, idp) as auth, pytest.raises(IssuerUnavailable, match="jwks_uri"):
        auth.verify(idp.token(idporten_claims(idp)))


class _DiscoveryOnly(JwksCache):
    """A cache whose HTTP answers are given documents: an https issuer cannot be served on
    loopback without a certificate the client trusts, and only the discovery document is
    needed to see what the cache does with its ``jwks_uri``."""

    def __init__(self, settings: IssuerSettings, documents: dict[str, dict[str, object]]):
        super().__init__(settings, clock=FixedClock(datetime(2026, 1, 5, tzinfo=UTC)))
        self.documents = documents
        self.asked: list[str] = []

    def _get_json(self, url: str, what: str) -> dict[str, object]:
        self.asked.append(url)
        return self.documents[url]


def test_an_https_issuer_may_not_send_the_key_fetch_to_plain_http_on_loopback() -> None:
    """Plain http on loopback is for the test kit's provider, whose issuer is plain http
    itself; an https issuer's discovery naming it would make the server ask a local service
    (login sweep, 2026-12-07)."""
    issuer = "https://idporten.example"
    settings = IssuerSettings(
        name="x", display_name="X", issuer=issuer, audience="a", require_national_id=False
    )
    local = "http://127.0.0.1:8080/admin"
    discovery = {"issuer": issuer, "jwks_uri": local}
    cache = _DiscoveryOnly(settings, {settings.discovery_url: discovery})
    with pytest.raises(IssuerUnavailable, match="expected https, as the issuer's own URL"):
        cache.refresh()
    assert cache.asked == [settings.discovery_url]  # the local address was never asked
    cache.close()


def test_a_key_set_without_usable_keys_is_refused(idp: LoopbackOidcProvider) -> None:
    """Private, symmetric, encryption and kid-less keys are never used."""
    public = idp.current_key.public_jwk()
    idp.jwks_document = {
        "keys": [
            {**public, "d": "private"},
            {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
            {**public, "use": "enc"},
            {**public, "key_ops": ["encrypt"]},
            {key: value for key, value in public.items() if key != "kid"},
            "not a key",
        ]
    }
    with authenticator(IDPORTEN, idp) as auth, pytest.raises(IssuerUnavailable, match="no usable"):
        auth.verify(idp.token(idporten_claims(idp)))


def test_a_kid_published_twice_is_ambiguous(idp: LoopbackOidcProvider) -> None:
    """Two keys under one ``kid``: neither is trusted, the other keys still are."""
    spare = idp.add_key(current=False, publish=False)
    twin = attrs_evolve_kid(spare, idp.current_key.kid)
    idp.jwks_document = {
        "keys": [idp.current_key.public_jwk(), twin.public_jwk(), spare.public_jwk()]
    }
    with authenticator(IDPORTEN, idp) as auth:
        with pytest.raises(TokenRejected) as caught:
            auth.verify(idp.token(idporten_claims(idp)))
        assert caught.value.code == "kid-unknown"
        assert auth.verify(idp.token(idporten_claims(idp), key=spare)).key_id == spare.kid


def attrs_evolve_kid(key: ProviderKey, kid: str) -> ProviderKey:
    """The same key material under another ``kid``."""
    return ProviderKey(kid, key.algorithm, key.private_key)


def test_a_short_rsa_key_is_not_used(idp: LoopbackOidcProvider) -> None:
    """An RSA key under 2048 bits is unusable, even when the issuer publishes it."""
    weak = ProviderKey(
        "weak",
        "RS256",
        rsa.generate_private_key(public_exponent=65537, key_size=1024),  # noqa: S505 - the point
    )
    idp.jwks_document = {"keys": [weak.public_jwk()]}
    with authenticator(IDPORTEN, idp) as auth, pytest.raises(TokenRejected) as caught:
        auth.verify(idp.token(idporten_claims(idp), key=weak))
    assert caught.value.code == "key-unusable"


def test_a_closed_cache_refuses_to_fetch(idp: LoopbackOidcProvider) -> None:
    """After ``close()`` the cache is unusable (a typed error, not a socket error)."""
    auth = authenticator(IDPORTEN, idp)
    auth.close()
    with pytest.raises(IssuerUnavailable, match="closed"):
        auth.verify(idp.token(idporten_claims(idp)))


def test_refresh_fetches_now(idp: LoopbackOidcProvider) -> None:
    """``refresh()`` ignores the cache and the rate limit."""
    with authenticator(IDPORTEN, idp) as auth:
        cache: JwksCache = auth.verifier.keys
        cache.refresh()
        cache.refresh()
        assert cache.kids == {idp.current_key.kid}
    assert idp.jwks_requests == 2


def test_an_oversized_document_is_cut_off(idp: LoopbackOidcProvider) -> None:
    """A discovery document over 512 KiB is refused, not read to the end."""
    idp.discovery_overrides["padding"] = "x" * 600_000
    with (
        authenticator(IDPORTEN, idp) as auth,
        pytest.raises(IssuerUnavailable, match="larger than"),
    ):
        auth.verify(idp.token(idporten_claims(idp)))


def test_the_key_set_is_asked_for_unencoded(idp: LoopbackOidcProvider) -> None:
    """The size cap counts the bytes that arrive, so nothing compressed is asked for."""
    with authenticator(IDPORTEN, idp) as auth:
        assert auth.verify(idp.token(idporten_claims(idp))).issuer == idp.issuer
    assert idp.accept_encoding == "identity"


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_answer_is_read_within_the_cap(
    idp: LoopbackOidcProvider, encoding: str
) -> None:
    """A server that compresses although identity was asked for is still understood..."""
    idp.content_encoding = encoding
    with authenticator(IDPORTEN, idp) as auth:
        assert auth.verify(idp.token(idporten_claims(idp))).issuer == idp.issuer


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_answer_is_never_inflated_past_the_cap(
    idp: LoopbackOidcProvider, encoding: str
) -> None:
    """...but a small compressed body that inflates past 512 KiB (here 5 MB of JSON
    whitespace in about 5 KB) is refused without being inflated in full: found by the login
    sweep of 2026-12-07, when httpx inflated a 200 KB body to 200 MB before the cap was
    counted."""
    idp.content_encoding = encoding
    idp.discovery_overrides["padding"] = " " * 5_000_000
    with (
        authenticator(IDPORTEN, idp) as auth,
        pytest.raises(IssuerUnavailable, match="larger than 524288 bytes decoded"),
    ):
        auth.verify(idp.token(idporten_claims(idp)))


def test_an_unknown_encoding_is_refused(idp: LoopbackOidcProvider) -> None:
    idp.content_encoding = "br"
    with (
        authenticator(IDPORTEN, idp) as auth,
        pytest.raises(IssuerUnavailable, match="encoding other than identity"),
    ):
        auth.verify(idp.token(idporten_claims(idp)))
