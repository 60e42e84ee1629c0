"""An [`Authenticator`][barnekoordinator.protocols.Authenticator] for one OIDC issuer."""

from __future__ import annotations

import logging

from barnekoordinator.access.login._jwks import JwksCache
from barnekoordinator.access.login._mapping import principal_from_token
from barnekoordinator.access.login._settings import IssuerSettings
from barnekoordinator.access.login._verifier import NonceCache, TokenVerifier, VerifiedToken
from barnekoordinator.access.principal import Credential, Principal
from barnekoordinator.clock import Clock
from barnekoordinator.errors import TokenRejected

GENERIC_KIND = "jwt"
"""The credential kind of a token whose issuer is not known beforehand.

Every authenticator looks at the ``iss`` such a token claims and answers only for its
own issuer (the signature is then checked with that issuer's keys, so claiming
another issuer gains nothing).
"""

logger = logging.getLogger("barnekoordinator.login")


class OidcAuthenticator:
    """Turns an id_token or access token of one issuer into a
    [`Principal`][barnekoordinator.access.principal.Principal] through the strict
    [`TokenVerifier`][barnekoordinator.access.login.TokenVerifier].

    It answers for credentials of kind ``{name}-id-token`` (or ``{name}-access-token``)
    and, for tokens from its issuer, [`GENERIC_KIND`][barnekoordinator.access.login.GENERIC_KIND]
    (``"jwt"``). A credential's ``nonce``, when given, must be in the token, once: it is
    recorded when the principal is made, so a token refused for any reason leaves the nonce
    to the good token of the same login request.

    Make one per issuer and keep it: it holds the issuer's cached key set. Rejections
    are logged on the ``barnekoordinator.login`` logger with the issuer and the code
    only.

    Args:
        settings: What the issuer is trusted for.
        clock: Where "now" comes from.
        nonces: A replay cache to share between issuers (default: its own).
    """

    def __init__(
        self, settings: IssuerSettings, *, clock: Clock, nonces: NonceCache | None = None
    ) -> None:
        self.settings = settings
        self.verifier = TokenVerifier(
            settings, clock=clock, keys=JwksCache(settings, clock=clock), nonces=nonces
        )

    def __repr__(self) -> str:
        return f"OidcAuthenticator({self.settings.name!r}, {self.settings.issuer!r})"

    def __enter__(self) -> OidcAuthenticator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        """The authenticator's name, e.g. ``"idporten"``."""
        return self.settings.name

    @property
    def kinds(self) -> frozenset[str]:
        """The credential kinds this authenticator answers for."""
        return frozenset({self.settings.credential_kind, GENERIC_KIND})

    def authenticate(self, credential: Credential) -> Principal | None:
        """The verified principal, or ``None`` when the credential is not for this issuer.

        Raises:
            TokenRejected: the credential is for this issuer but fails a check.
            IssuerUnavailable: the issuer's keys could not be fetched.
        """
        if credential.kind not in self.kinds:
            return None
        try:
            if credential.kind == GENERIC_KIND:
                claimed = self.verifier.unverified_issuer(credential.token)
                if claimed != self.settings.issuer:
                    return None
            nonce = credential.nonce
            verified = self.verifier.verify(credential.token, nonce=nonce, remember=False)
            principal = principal_from_token(verified, self.settings)
            # The nonce is used up only by an accepted login: a token refused while mapping
            # (no identity, a bad attribute) leaves it for the good token of the same request.
            # Recording is atomic, so of two copies of one token only the first gets here.
            if nonce is not None:
                self.verifier.remember_nonce(verified, nonce)
            return principal
        except TokenRejected as exc:
            logger.info("login rejected by %s: %s", self.settings.name, exc.code)
            raise

    def verify(self, token: str | bytes, *, nonce: str | None = None) -> VerifiedToken:
        """Verify ``token`` without making a principal (see
        [`TokenVerifier.verify()`][barnekoordinator.access.login.TokenVerifier.verify]); a
        given ``nonce`` is recorded as used.

        Raises:
            TokenRejected: the token fails a check.
            IssuerUnavailable: the issuer's keys could not be fetched.
            InvalidInput: ``nonce`` is not text.
        """
        return self.verifier.verify(token, nonce=nonce)

    def close(self) -> None:
        """Release the key set's HTTP connection."""
        self.verifier.close()
