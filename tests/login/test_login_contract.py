"""Each first-party identity plugin passes the authenticator conformance suite.

The suite is the one vendors run (``barnekoordinator.testing.login``); here every
plugin is configured the way a deployment configures it (``Config.plugin_options``)
and pointed at the loopback provider with ``issuer``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from _login_helpers import authenticator

from barnekoordinator.access.login import OidcAuthenticator, ProviderProfile
from barnekoordinator.testing.login import AuthenticatorContract
from barnekoordinator.testing.oidc import LoopbackOidcProvider
from barnekoordinator_plugins.ansattporten import ANSATTPORTEN
from barnekoordinator_plugins.bankid import BANKID
from barnekoordinator_plugins.helseid import HELSEID
from barnekoordinator_plugins.idporten import IDPORTEN


class _PluginContract(AuthenticatorContract):
    profile: ClassVar[ProviderProfile]
    options: ClassVar[dict[str, str]] = {}

    def make_authenticator(self, provider: LoopbackOidcProvider) -> OidcAuthenticator:
        return authenticator(self.profile, provider, audience=self.audience, **self.options)


class TestIdportenContract(_PluginContract):
    """ID-porten id_tokens, RS256 (what Digdir publishes)."""

    profile = IDPORTEN
    credential_kind = "idporten-id-token"


class TestIdportenContractES256(TestIdportenContract):
    """ID-porten with an ES256 key: the allowlist is a setting, not a constant."""

    algorithm = "ES256"
    options: ClassVar[dict[str, str]] = {"algorithms": "ES256"}


class TestAnsattportenContract(_PluginContract):
    """Ansattporten: unprefixed ``acr`` and the Altinn representation as organisation."""

    profile = ANSATTPORTEN
    credential_kind = "ansattporten-id-token"
    high_assurance = "high"
    low_assurance = "low"

    def valid_claims(self, provider: LoopbackOidcProvider, person: str) -> dict[str, Any]:
        claims = super().valid_claims(provider, person)
        claims["authorization_details"] = [
            {
                "type": "ansattporten:altinn:service",
                "resource": "urn:altinn:resource:2480:40",
                "reportees": [
                    {
                        "Rights": ["Read"],
                        "Authority": "iso6523-actorid-upis",
                        "ID": "0192:123456785",
                        "Name": "EKSEMPEL KOMMUNE",
                    }
                ],
            }
        ]
        return claims


class TestBankidContract(_PluginContract):
    """BankID OIDC (Keycloak): ``nnin_altsub``, ``…;LOA=4``, payload ``typ: ID``; this
    deployment requires level 4, so BankID with biometrics (LOA=3) is too low."""

    profile = BANKID
    credential_kind = "bankid-id-token"
    identity_claim = "nnin_altsub"
    high_assurance = "urn:bankid:bid;LOA=4"
    low_assurance = "urn:bankid:bis;LOA=3"
    options: ClassVar[dict[str, str]] = {"minimum_assurance": "high"}

    def valid_claims(self, provider: LoopbackOidcProvider, person: str) -> dict[str, Any]:
        claims = super().valid_claims(provider, person)
        claims.update({"typ": "ID", "amr": ["bid", "bid-app"], "azp": self.audience})
        return claims


class TestBankidViaCriiptoContract(_PluginContract):
    """A broker's claim set is a claim-mapping setting: Criipto's ``socialno`` and acr."""

    profile = BANKID
    credential_kind = "bankid-id-token"
    identity_claim = "socialno"
    high_assurance = "urn:grn:authn:no:bankid:high"
    low_assurance = "urn:grn:authn:no:bankid:low"
    options: ClassVar[dict[str, str]] = {
        "claim.national_id": "socialno",
        "assurance_values": "urn:grn:authn:no:bankid:high=high,"
        "urn:grn:authn:no:bankid:substantial=substantial,urn:grn:authn:no:bankid:low=low",
    }


class TestHelseidContract(_PluginContract):
    """HelseID access tokens (``at+jwt``): ``security_level``, HPR number as a list."""

    profile = HELSEID
    credential_kind = "helseid-access-token"
    header_typ = "at+jwt"
    identity_claim = "helseid://claims/identity/pid"
    assurance_claim = "helseid://claims/identity/security_level"
    high_assurance = "4"
    low_assurance = "3"
    options: ClassVar[dict[str, str]] = {"minimum_assurance": "high"}

    def valid_claims(self, provider: LoopbackOidcProvider, person: str) -> dict[str, Any]:
        claims = super().valid_claims(provider, person)
        claims.update(
            {
                "helseid://claims/hpr/hpr_number": ["181000001"],
                "helseid://claims/client/claims/orgnr_parent": "123456785",
                "client_id": "bk-ehr",
                "scope": ["openid"],
            }
        )
        return claims


class TestHelseidIdTokenContract(TestHelseidContract):
    """HelseID for a relying party: ``token_type=id_token`` takes id_tokens instead."""

    credential_kind = "helseid-id-token"
    header_typ = "JWT"
    options: ClassVar[dict[str, str]] = {"minimum_assurance": "high", "token_type": "id_token"}
