"""Login: one strict verifier for OIDC tokens, and the authenticators built on it.

Identity plugins (ID-porten, Ansattporten, BankID, HelseID — `barnekoordinator_plugins`)
are thin: each declares a [`ProviderProfile`][barnekoordinator.access.login.ProviderProfile]
(issuers, token type, claim names) and builds an
[`OidcAuthenticator`][barnekoordinator.access.login.OidcAuthenticator] from
``Config.plugin_options`` with
[`authenticator_from_config()`][barnekoordinator.access.login.authenticator_from_config].
Everything that decides whether a token is believed lives here:

* [`IssuerSettings`][barnekoordinator.access.login.IssuerSettings] — what one issuer is
  trusted for: its exact ``iss``, this client's audience, the token type, an algorithm
  allowlist, the minimum assurance, the claim names
  ([`ClaimMapping`][barnekoordinator.access.login.ClaimMapping]), limits and cache times;
* [`JwksCache`][barnekoordinator.access.login.JwksCache] — the issuer's discovery document
  and key set over HTTP (httpx), cached by the injected clock, refreshed once on an
  unknown ``kid``, rate-limited, bounded in time;
* [`TokenVerifier`][barnekoordinator.access.login.TokenVerifier] — size and shape before
  decoding, strict JSON, ``alg`` from the allowlist (never from the token), the key by
  ``kid`` from this issuer only, the signature (python-jose), then ``typ``, ``iss``,
  ``aud``/``azp``, ``exp``/``iat``/``nbf`` with bounded skew, ``sub``, ``nonce`` with a
  replay cache ([`NonceCache`][barnekoordinator.access.login.NonceCache]) and the
  assurance level; result a [`VerifiedToken`][barnekoordinator.access.login.VerifiedToken];
* [`principal_from_token()`][barnekoordinator.access.login.principal_from_token] — one
  [`Principal`][barnekoordinator.access.principal.Principal] with the identity number as a
  redacting [`PersonId`][barnekoordinator.identifiers.PersonId];
* [`LoginChain`][barnekoordinator.access.login.LoginChain] — the configured authenticators
  asked in turn: the one way from a credential to a principal, behind
  [`Casebook.login()`][barnekoordinator.casebook.Casebook.login].

Every failure is a [`TokenRejected`][barnekoordinator.errors.TokenRejected] whose ``code``
is one of [`RejectionCode`][barnekoordinator.access.login.RejectionCode], or an
[`IssuerUnavailable`][barnekoordinator.errors.IssuerUnavailable]; no message holds the token
or an identity number. python-jose and httpx (the ``auth`` extra) are imported only when
an authenticator is made.
"""

from __future__ import annotations

from barnekoordinator.access.login._authenticator import GENERIC_KIND, OidcAuthenticator
from barnekoordinator.access.login._chain import NO_ISSUER, LoginChain
from barnekoordinator.access.login._jwks import MAX_DOCUMENT_BYTES, JwksCache
from barnekoordinator.access.login._mapping import principal_from_token
from barnekoordinator.access.login._options import (
    OPTION_NAMES,
    ProviderProfile,
    authenticator_from_config,
    settings_from_options,
)
from barnekoordinator.access.login._settings import (
    MAX_CLOCK_SKEW,
    MAX_TOKEN_BYTES,
    SIGNING_ALGORITHMS,
    ClaimMapping,
    IssuerSettings,
    RejectionCode,
    TokenType,
    claim_path,
)
from barnekoordinator.access.login._verifier import (
    NonceCache,
    TokenVerifier,
    VerifiedToken,
    claim_values,
)

__all__ = [
    "GENERIC_KIND",
    "MAX_CLOCK_SKEW",
    "MAX_DOCUMENT_BYTES",
    "MAX_TOKEN_BYTES",
    "NO_ISSUER",
    "OPTION_NAMES",
    "SIGNING_ALGORITHMS",
    "ClaimMapping",
    "IssuerSettings",
    "JwksCache",
    "LoginChain",
    "NonceCache",
    "OidcAuthenticator",
    "ProviderProfile",
    "RejectionCode",
    "TokenType",
    "TokenVerifier",
    "VerifiedToken",
    "authenticator_from_config",
    "claim_path",
    "claim_values",
    "principal_from_token",
    "settings_from_options",
]
