"""ID-porten login (Digdir): families and citizens, at substantial or high assurance.

Verifies ID-porten id_tokens (``idporten-id-token`` credentials, or ``jwt`` from its
issuer) with the strict verifier of
[`barnekoordinator.access.login`][barnekoordinator.access.login] and makes one
[`Principal`][barnekoordinator.access.principal.Principal]: ``pid`` as the redacted national
id, ``acr`` (``idporten-loa-substantial``/``-high``) as the assurance level, ``amr`` (a list
now, a string in older tokens) as the login method.

Issuers (integration.md §1.1): ``prod`` ``https://idporten.no`` and ``test``
``https://test.idporten.no`` (its TestID users have synthetic Tenor numbers, accepted
there by default). The old ``oidc.difi.no`` issuers were switched off in 2024 and are
rejected like any other.

Configure it in ``Config.plugin_options["idporten"]`` (all text): ``audience`` (your
client id, required), ``environment`` (``prod``/``test``) and the options listed in
``docs/plugins/login.md``. Without an ``idporten`` entry the plugin provides nothing.
Needs the ``auth`` extra.
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

__all__ = ["IDPORTEN", "barnekoordinator_authenticators", "barnekoordinator_configure"]

IDPORTEN = ProviderProfile(
    name="idporten",
    display_name="ID-porten",
    environments={"prod": "https://idporten.no", "test": "https://test.idporten.no"},
    token_type=TokenType.ID_TOKEN,
    claims=ClaimMapping(national_id="pid", assurance="acr", amr="amr", name="name"),
)
"""ID-porten's issuers and claims."""


@hookimpl(trylast=True)
def barnekoordinator_configure(config: Config) -> None:
    """Check the ``idporten`` options, when there are any (every problem at once)."""
    options = config.plugin_options.get(IDPORTEN.name)
    if options is not None:
        settings_from_options(IDPORTEN, options)


@hookimpl(trylast=True)
def barnekoordinator_authenticators(config: Config, clock: Clock) -> OidcAuthenticator | None:
    """The ID-porten authenticator, or ``None`` when ``idporten`` is not configured."""
    return authenticator_from_config(IDPORTEN, config, clock=clock)
