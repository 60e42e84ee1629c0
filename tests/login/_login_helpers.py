"""Helpers for the login tests: authenticators of the first-party profiles pointed at a
loopback provider, and the claims of a valid login (synthetic identities only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from barnekoordinator.access.login import (
    OidcAuthenticator,
    ProviderProfile,
    authenticator_from_config,
)
from barnekoordinator.config import Config
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.oidc import OMIT_CLAIM, LoopbackOidcProvider

AUDIENCE = "bk-test-client"
PERSON = synthetic_fodselsnummer(date(2012, 5, 3))
"""A synthetic (Tenor, month+80) fødselsnummer: the child of every test login."""
OTHER_PERSON = synthetic_fodselsnummer(date(1984, 11, 20))


def _with_controls(first: str) -> str:
    """``first`` (ten or nine digits) followed by the first of its completions whose two
    control digits (pre-2032 rule) both exist."""
    k1_weights, k2_weights = (3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    for last in range(1000):
        nine = f"{first}{last:03d}"[:9]
        k1 = (11 - sum(w * int(d) for w, d in zip(k1_weights, nine, strict=True)) % 11) % 11
        ten = f"{nine}{k1}"
        k2 = (11 - sum(w * int(d) for w, d in zip(k2_weights, ten, strict=True)) % 11) % 11
        if k1 < 10 and k2 < 10:
            return f"{ten}{k2}"
    raise AssertionError("no completion")  # pragma: no cover


H_NUMMER = _with_controls("034512")  # 3 May 2012 with 40 added to the month
FH_NUMMER = _with_controls("812345")  # first digit 8: a felles hjelpenummer


def authenticator(
    profile: ProviderProfile, provider: LoopbackOidcProvider, **options: str
) -> OidcAuthenticator:
    """The profile's authenticator trusting ``provider`` (synthetic identities allowed)."""
    settings = {
        "issuer": provider.issuer,
        "audience": AUDIENCE,
        "synthetic_identities": "true",
        **options,
    }
    config = Config(store="memory:", plugin_options={profile.name: settings})
    made = authenticator_from_config(profile, config, clock=provider.clock)
    assert made is not None
    return made


def idporten_claims(provider: LoopbackOidcProvider, **changes: Any) -> dict[str, Any]:
    """An ID-porten id_token's claims (docs.digdir.no example, synthetic pid)."""
    claims = provider.claims(
        audience=AUDIENCE,
        pid=PERSON,
        acr="idporten-loa-high",
        amr=["TestID"],
        locale="nb",
        auth_time=provider.now(),
    )
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not OMIT_CLAIM}


def helseid_claims(provider: LoopbackOidcProvider, **changes: Any) -> dict[str, Any]:
    """A HelseID access token's claims (integration.md §1.4, synthetic pid)."""
    claims = provider.claims(audience=AUDIENCE)
    claims.update(
        {
            "scope": ["openid", "helseid://scopes/identity/pid"],
            "client_id": "bk-ehr",
            "helseid://claims/identity/pid": OTHER_PERSON,
            "helseid://claims/identity/security_level": "4",
            "helseid://claims/hpr/hpr_number": ["181000001"],
            "helseid://claims/client/claims/orgnr_parent": "123456785",
            "name": "KVART GREVLING",
        }
    )
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not OMIT_CLAIM}
