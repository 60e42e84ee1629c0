"""Conformance suite for authenticators: prove yours honours the `Authenticator` contract.

A vendor subclasses one class and says how to point its authenticator at the
loopback provider, the same way
[`CaseStoreContract`][barnekoordinator.testing.conformance.CaseStoreContract] works:

```python
from barnekoordinator.testing.login import AuthenticatorContract

class TestAcmeLogin(AuthenticatorContract):
    credential_kind = "acme-id-token"

    def make_authenticator(self, provider):
        return AcmeAuthenticator(issuer=provider.issuer, client_id=self.audience,
                                 clock=provider.clock)
```

Every test of [`AuthenticatorContract`][barnekoordinator.testing.login.AuthenticatorContract]
then runs against it with real tokens, signed by a
[`LoopbackOidcProvider`][barnekoordinator.testing.oidc.LoopbackOidcProvider] and fetched
over HTTP on 127.0.0.1: a valid login gives exactly one principal with the identity
number redacted; a credential of another kind is not claimed; and each of the common
attacks (``alg: none``, HS256 signed with the public key, a key the issuer never
published, a tampered payload, a stripped signature, expiry, a future ``iat``, the
wrong issuer or audience, a missing identity or ``sub``, a low assurance, a swapped
token type, garbage) is a [`TokenRejected`][barnekoordinator.errors.TokenRejected]
whose message holds neither the token nor the identity number. Key rotation must be
followed without a restart.

Override [`valid_claims()`][barnekoordinator.testing.login.AuthenticatorContract.valid_claims]
and the class attributes when your provider's claims differ from ID-porten's. This
module needs the ``testing`` and ``auth`` extras.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar

try:
    import pytest
except ImportError:  # the testing extra
    from barnekoordinator.errors import MissingExtraError

    raise MissingExtraError("testing", "The test helpers (pytest)") from None
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.principal import AssuranceLevel, Credential, Principal
from barnekoordinator.errors import TokenRejected
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.oidc import OMIT_CLAIM, LoopbackOidcProvider, b64url_encode

__all__ = ["AuthenticatorContract"]

_PERSON = synthetic_fodselsnummer(date(2012, 5, 3))
_GARBAGE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class AuthenticatorContract:
    """Abstract pytest class: subclass it (name the subclass ``Test…``), set
    `credential_kind` and implement `make_authenticator()`.

    The authenticator must trust ``provider.issuer``, accept `audience`, take
    its time from ``provider.clock``, accept synthetic identity numbers, and require
    at least *substantial* assurance. If it has ``close()``, it is called after each test.
    """

    credential_kind: ClassVar[str] = ""
    """The credential kind your authenticator claims (e.g. ``"idporten-id-token"``)."""
    audience: ClassVar[str] = "contract-client"
    """The client id (or API audience) the authenticator is configured with."""
    algorithm: ClassVar[str] = "RS256"
    """The algorithm the provider signs with (RS256/384/512, ES256/384/512)."""
    header_typ: ClassVar[str | None] = "JWT"
    """The header ``typ`` of a valid token: ``"JWT"`` for id_tokens, ``"at+jwt"`` for
    access tokens."""
    identity_claim: ClassVar[str] = "pid"
    """The claim holding the fødselsnummer."""
    assurance_claim: ClassVar[str] = "acr"
    """The claim holding the level of assurance."""
    high_assurance: ClassVar[str] = "idporten-loa-high"
    """A value of `assurance_claim` that means *high*."""
    low_assurance: ClassVar[str] = "idporten-loa-low"
    """A value of `assurance_claim` below the minimum."""

    def make_authenticator(self, provider: LoopbackOidcProvider) -> Any:
        """Return your authenticator, trusting ``provider`` (see the class docs)."""
        raise NotImplementedError("subclasses implement make_authenticator()")

    def valid_claims(self, provider: LoopbackOidcProvider, person: str) -> dict[str, Any]:
        """The claims of a valid login of ``person`` (a synthetic fødselsnummer)."""
        claims = provider.claims(audience=self.audience)
        claims.update({self.identity_claim: person, self.assurance_claim: self.high_assurance})
        return claims

    # -- fixtures and helpers -------------------------------------------------------

    @pytest.fixture
    def provider(self) -> Iterator[LoopbackOidcProvider]:
        """A started loopback provider signing with `algorithm`."""
        with LoopbackOidcProvider(algorithm=self.algorithm) as provider:
            yield provider

    @pytest.fixture
    def authenticator(self, provider: LoopbackOidcProvider) -> Iterator[Any]:
        """Your authenticator, closed after the test."""
        made = self.make_authenticator(provider)
        try:
            yield made
        finally:
            close = getattr(made, "close", None)
            if callable(close):
                close()

    def mint(self, provider: LoopbackOidcProvider, **changes: Any) -> str:
        """A token of a valid login with ``changes`` to its claims (``OMIT_CLAIM`` drops one)."""
        claims = {**self.valid_claims(provider, _PERSON), **changes}
        return provider.token(
            {k: v for k, v in claims.items() if v is not OMIT_CLAIM}, typ=self.header_typ
        )

    def login(self, authenticator: Any, token: str) -> Principal | None:
        """Present ``token`` as a credential of `credential_kind`."""
        result: Principal | None = authenticator.authenticate(
            Credential(kind=self.credential_kind, token=token)
        )
        return result

    def rejects(self, authenticator: Any, token: str) -> TokenRejected:
        """Assert that ``token`` is rejected without echoing it or the person."""
        with pytest.raises(TokenRejected) as caught:
            self.login(authenticator, token)
        error = caught.value
        text = f"{error} {error.reason} {error!r}"
        assert error.reason.strip(), "a rejection must say why"
        assert token not in text, "a rejection must never echo the token"
        assert _PERSON not in text, "a rejection must never show the identity number"
        for segment in token.split("."):
            assert len(segment) < 16 or segment not in text
        return error

    # -- the happy path ---------------------------------------------------------------

    def test_a_valid_login_gives_one_principal(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """A valid token gives a principal with the person's number, the level and the name."""
        principal = self.login(authenticator, self.mint(provider))
        assert isinstance(principal, Principal)
        assert principal.national_id is not None
        assert principal.national_id.reveal() == _PERSON
        assert principal.assurance is AssuranceLevel.HIGH
        assert principal.identity_provider == authenticator.name
        assert _PERSON not in principal.subject

    def test_the_principal_never_shows_the_identity_number(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """``repr()`` and ``str()`` of the principal show the number redacted."""
        principal = self.login(authenticator, self.mint(provider))
        assert _PERSON not in repr(principal)
        assert _PERSON not in str(principal)
        assert _PERSON[:6] + "*****" in repr(principal)

    def test_a_credential_of_another_kind_is_not_claimed(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """Another kind of credential is answered with ``None`` (the chain asks the next)."""
        credential = Credential(kind="contract-unknown-kind", token=self.mint(provider))
        assert authenticator.authenticate(credential) is None

    def test_key_rotation_is_followed(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """After the issuer rotates its key, tokens signed with the new key verify."""
        assert self.login(authenticator, self.mint(provider)) is not None
        provider.rotate(retire_previous=True)
        assert self.login(authenticator, self.mint(provider)) is not None

    # -- attacks ------------------------------------------------------------------------

    def test_alg_none_is_rejected(self, authenticator: Any, provider: LoopbackOidcProvider) -> None:
        """An unsigned token (``alg: none``) is rejected."""
        header = b64url_encode(json.dumps({"alg": "none", "typ": self.header_typ}).encode())
        payload = b64url_encode(json.dumps(self.valid_claims(provider, _PERSON)).encode())
        self.rejects(authenticator, f"{header}.{payload}.")
        self.rejects(authenticator, f"{header}.{payload}.c2ln")

    def test_hs256_signed_with_the_public_key_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """Algorithm confusion: an HMAC made with the issuer's public key as the secret."""
        public = provider.current_key.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        head = {"alg": "HS256", "kid": provider.current_key.kid, "typ": self.header_typ}
        signing_input = (
            b64url_encode(json.dumps(head).encode())
            + "."
            + b64url_encode(json.dumps(self.valid_claims(provider, _PERSON)).encode())
        )
        mac = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
        self.rejects(authenticator, f"{signing_input}.{b64url_encode(mac)}")

    def test_a_key_the_issuer_never_published_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """A token signed with an unpublished key is rejected, whatever its ``kid``."""
        stranger = provider.add_key(self.algorithm, publish=False, current=False)
        claims = self.valid_claims(provider, _PERSON)
        self.rejects(authenticator, provider.token(claims, typ=self.header_typ, key=stranger))
        forged = provider.token(
            claims, typ=self.header_typ, key=stranger, header={"kid": provider.current_key.kid}
        )
        self.rejects(authenticator, forged)

    def test_a_tampered_payload_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """Changing one claim after signing breaks the signature."""
        header, _payload, signature = self.mint(provider).split(".")
        other = self.valid_claims(provider, synthetic_fodselsnummer(date(2013, 6, 4)))
        payload = b64url_encode(json.dumps(other).encode())
        self.rejects(authenticator, f"{header}.{payload}.{signature}")

    def test_a_stripped_signature_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """A token without its signature is rejected."""
        header, payload, _signature = self.mint(provider).split(".")
        self.rejects(authenticator, f"{header}.{payload}.")
        self.rejects(authenticator, f"{header}.{payload}")

    def test_an_expired_token_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """A token whose ``exp`` passed an hour ago is rejected."""
        now = provider.now()
        self.rejects(authenticator, self.mint(provider, iat=now - 7200, exp=now - 3600))

    def test_a_token_issued_in_the_future_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """``iat`` an hour ahead is rejected (python-jose alone would accept it)."""
        now = provider.now()
        self.rejects(authenticator, self.mint(provider, iat=now + 3600, exp=now + 7200))

    def test_the_wrong_issuer_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """``iss`` must be exactly the issuer: a trailing slash is another issuer."""
        self.rejects(authenticator, self.mint(provider, iss=provider.issuer + "/"))
        self.rejects(authenticator, self.mint(provider, iss="https://idp.example.invalid"))

    def test_the_wrong_audience_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """A token for another client, or for nobody, is rejected."""
        self.rejects(authenticator, self.mint(provider, aud="another-client"))
        self.rejects(authenticator, self.mint(provider, aud=[]))
        self.rejects(authenticator, self.mint(provider, aud=OMIT_CLAIM))

    def test_a_token_without_subject_or_identity_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """Missing ``sub`` or identity claim: no principal can be made."""
        self.rejects(authenticator, self.mint(provider, sub=OMIT_CLAIM))
        self.rejects(authenticator, self.mint(provider, **{self.identity_claim: OMIT_CLAIM}))

    def test_a_low_or_missing_assurance_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """A level below the minimum, or none at all, is rejected."""
        self.rejects(
            authenticator, self.mint(provider, **{self.assurance_claim: self.low_assurance})
        )
        self.rejects(authenticator, self.mint(provider, **{self.assurance_claim: OMIT_CLAIM}))

    def test_the_other_header_type_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """An access token where an id_token is expected, or the reverse (``typ``)."""
        claims = self.valid_claims(provider, _PERSON)
        other = "JWT" if self.header_typ == "at+jwt" else "at+jwt"
        self.rejects(authenticator, provider.token(claims, typ=other))

    def test_malformed_claims_are_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """``"exp": null`` and ``"exp": "soon"`` are rejections, never raw errors."""
        self.rejects(authenticator, self.mint(provider, exp=None))
        self.rejects(authenticator, self.mint(provider, exp="soon"))

    def test_garbage_is_rejected(self, authenticator: Any) -> None:
        """Any text as a token is a ``TokenRejected``, never another exception."""

        @_GARBAGE
        @given(garbage=st.text(max_size=400))
        def check(garbage: str) -> None:
            with pytest.raises(TokenRejected):
                self.login(authenticator, garbage)

        check()

    def test_any_changed_character_is_rejected(
        self, authenticator: Any, provider: LoopbackOidcProvider
    ) -> None:
        """Changing any one character of a valid token makes it a rejection."""
        token = self.mint(provider)
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!"

        @_GARBAGE
        @given(index=st.integers(0, len(token) - 1), char=st.sampled_from(alphabet))
        def check(index: int, char: str) -> None:
            assume(char != token[index])
            changed = token[:index] + char + token[index + 1 :]
            with pytest.raises(TokenRejected):
                self.login(authenticator, changed)

        check()
