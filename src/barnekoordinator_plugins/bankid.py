"""BankID OIDC login (BankID Norge, direct): families at level 4.

Verifies id_tokens of BankID's OIDC provider (``bankid-id-token``, or ``jwt`` from its
issuer; Keycloak, so the payload's ``typ`` is ``ID`` and an access token — ``Bearer``
— is refused). The fødselsnummer is ``nnin_altsub``, which BankID sends only to
eligible clients that ask for the ``nnin_altsub`` scope (integration.md §1.3); ``acr``
``urn:bankid:bid;LOA=4`` is high and ``urn:bankid:bis;LOA=3`` substantial; ``amr`` is
a list (a string in older API versions).

Issuers: ``prod`` ``https://auth.bankid.no/auth/realms/prod`` and ``test`` (preprod)
``https://auth.current.bankid.no/auth/realms/current``.

**Brokers** (Signicat, Criipto/Idura …) issue BankID logins under their own issuer
with their own claim names: that is configuration, not code. Set ``issuer`` to the
broker's and map its claims, e.g. for Criipto
``claim.national_id=socialno`` and
``assurance_values=urn:grn:authn:no:bankid:high=high,urn:grn:authn:no:bankid:substantial=substantial``
(``docs/plugins/login.md``). Configure it in ``Config.plugin_options["bankid"]``
(``audience`` required). Needs the ``auth`` extra.
"""

from __future__ import annotations

from barnekoordinator.access.login import (
    ClaimMapping,
    OidcAuthenticator,
    ProviderProfile,
    TokenType,
    authenticator_from_config,
    settings_from_options,
)
from barnekoordinator.clock import Clock
from barnekoordinator.config import Config
from barnekoordinator.hookspecs import hookimpl

__all__ = ["BANKID", "barnekoordinator_authenticators", "barnekoordinator_configure"]

BANKID = ProviderProfile(
    name="bankid",
    display_name="BankID",
    environments={
        "prod": "https://auth.bankid.no/auth/realms/prod",
        "test": "https://auth.current.bankid.no/auth/realms/current",
    },
    token_type=TokenType.ID_TOKEN,
    claims=ClaimMapping(national_id="nnin_altsub", assurance="acr", amr="amr", name="name"),
)
"""BankID OIDC's issuers and claims."""


@hookimpl(trylast=True)
def barnekoordinator_configure(config: Config) -> None:
    """Check the ``bankid`` options, when there are any (every problem at once)."""
    options = config.plugin_options.get(BANKID.name)
    if options is not None:
        settings_from_options(BANKID, options)


@hookimpl(trylast=True)
def barnekoordinator_authenticators(config: Config, clock: Clock) -> OidcAuthenticator | None:
    """The BankID authenticator, or ``None`` when ``bankid`` is not configured."""
    return authenticator_from_config(BANKID, config, clock=clock)
