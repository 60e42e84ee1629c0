"""Ansattporten login (Digdir): municipal staff who are not health personnel.

Verifies Ansattporten id_tokens (``ansattporten-id-token``, or ``jwt`` from its
issuer). The token is ID-porten's with two differences (integration.md §1.2): ``acr``
is ``substantial``/``high`` without a prefix, and ``authorization_details`` lists the
Altinn representation the person chose; its ``reportees[].ID`` (``0192:<orgnr>``)
becomes the principal's organisation. Several different organisations in one token
are ambiguous and rejected.

Issuers: ``prod`` ``https://ansattporten.no``, ``test`` ``https://test.ansattporten.no``.
Configure it in ``Config.plugin_options["ansattporten"]`` (``audience`` required; see
``docs/plugins/login.md``). Needs the ``auth`` extra.
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

__all__ = ["ANSATTPORTEN", "barnekoordinator_authenticators", "barnekoordinator_configure"]

ANSATTPORTEN = ProviderProfile(
    name="ansattporten",
    display_name="Ansattporten",
    environments={"prod": "https://ansattporten.no", "test": "https://test.ansattporten.no"},
    token_type=TokenType.ID_TOKEN,
    claims=ClaimMapping(
        national_id="pid",
        assurance="acr",
        amr="amr",
        organisation=("authorization_details[].reportees[].ID",),
        name="name",
    ),
)
"""Ansattporten's issuers and claims."""


@hookimpl(trylast=True)
def barnekoordinator_configure(config: Config) -> None:
    """Check the ``ansattporten`` options, when there are any (every problem at once)."""
    options = config.plugin_options.get(ANSATTPORTEN.name)
    if options is not None:
        settings_from_options(ANSATTPORTEN, options)


@hookimpl(trylast=True)
def barnekoordinator_authenticators(config: Config, clock: Clock) -> OidcAuthenticator | None:
    """The Ansattporten authenticator, or ``None`` when ``ansattporten`` is not configured."""
    return authenticator_from_config(ANSATTPORTEN, config, clock=clock)
