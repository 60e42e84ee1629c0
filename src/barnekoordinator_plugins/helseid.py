"""HelseID login (Norsk helsenett): health personnel, by access token.

Verifies HelseID access tokens (header ``typ: at+jwt``; ``helseid-access-token``
credentials, or ``jwt`` from its issuer) for an API that is the token's audience;
set ``token_type=id_token`` for a relying party that reads id_tokens instead.
Claims (integration.md §1.4): ``helseid://claims/identity/pid`` (national id),
``helseid://claims/identity/security_level`` (``"3"``/``"4"``; HelseID has no ``acr``),
``helseid://claims/hpr/hpr_number`` (a string or a list — several different numbers
are rejected) and the client's organisation, ``…/client/claims/orgnr_parent`` (the
legal entity) before ``orgnr_child``.

Sender-constrained tokens (DPoP, ``cnf``) are rejected: this verifier does not check
the proof of possession.

Issuers: ``prod`` ``https://helseid-sts.nhn.no``, ``test``
``https://helseid-sts.test.nhn.no``. Configure it in
``Config.plugin_options["helseid"]`` (``audience`` required: your API's audience;
see ``docs/plugins/login.md``). Needs the ``auth`` extra.
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

__all__ = ["HELSEID", "barnekoordinator_authenticators", "barnekoordinator_configure"]

HELSEID = ProviderProfile(
    name="helseid",
    display_name="HelseID",
    environments={"prod": "https://helseid-sts.nhn.no", "test": "https://helseid-sts.test.nhn.no"},
    token_type=TokenType.ACCESS_TOKEN,
    claims=ClaimMapping(
        national_id="helseid://claims/identity/pid",
        assurance="helseid://claims/identity/security_level",
        amr="amr",
        hpr="helseid://claims/hpr/hpr_number",
        organisation=(
            "helseid://claims/client/claims/orgnr_parent",
            "helseid://claims/client/claims/orgnr_child",
        ),
        name="name",
    ),
)
"""HelseID's issuers and claims."""


@hookimpl(trylast=True)
def barnekoordinator_configure(config: Config) -> None:
    """Check the ``helseid`` options, when there are any (every problem at once)."""
    options = config.plugin_options.get(HELSEID.name)
    if options is not None:
        settings_from_options(HELSEID, options)


@hookimpl(trylast=True)
def barnekoordinator_authenticators(config: Config, clock: Clock) -> OidcAuthenticator | None:
    """The HelseID authenticator, or ``None`` when ``helseid`` is not configured."""
    return authenticator_from_config(HELSEID, config, clock=clock)
