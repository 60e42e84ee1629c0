"""Issuer configuration lives in ``Config.plugin_options``; bad settings are reported at once."""

from __future__ import annotations

import sys

import pluggy
import pytest
from _login_helpers import AUDIENCE, PERSON, authenticator, idporten_claims

from barnekoordinator.access.login import (
    ClaimMapping,
    IssuerSettings,
    OidcAuthenticator,
    ProviderProfile,
    TokenType,
    authenticator_from_config,
    claim_path,
    settings_from_options,
)
from barnekoordinator.access.principal import AssuranceLevel, Credential
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration, MissingExtraError
from barnekoordinator.plugins import authenticators, configure
from barnekoordinator.testing.oidc import LoopbackOidcProvider
from barnekoordinator_plugins.ansattporten import ANSATTPORTEN
from barnekoordinator_plugins.bankid import BANKID
from barnekoordinator_plugins.helseid import HELSEID
from barnekoordinator_plugins.idporten import IDPORTEN

PROFILES = [IDPORTEN, ANSATTPORTEN, BANKID, HELSEID]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_each_environment_names_its_issuer(profile: ProviderProfile) -> None:
    """``environment`` picks the published issuer; test environments allow synthetic ids."""
    for environment, issuer in profile.environments.items():
        settings = settings_from_options(profile, {"audience": "c", "environment": environment})
        assert settings.issuer == issuer
        assert issuer.startswith("https://")
        assert not issuer.endswith("/")
        assert settings.synthetic_identities is (environment == "test")
    assert settings_from_options(profile, {"audience": "c"}).issuer == profile.environments["prod"]


def test_the_published_issuers() -> None:
    """The issuers of integration.md §1, exactly."""
    assert dict(IDPORTEN.environments) == {
        "prod": "https://idporten.no",
        "test": "https://test.idporten.no",
    }
    assert ANSATTPORTEN.environments["test"] == "https://test.ansattporten.no"
    assert BANKID.environments["prod"] == "https://auth.bankid.no/auth/realms/prod"
    assert HELSEID.environments["test"] == "https://helseid-sts.test.nhn.no"
    assert HELSEID.token_type is TokenType.ACCESS_TOKEN


def test_every_problem_is_listed_at_once() -> None:
    """Unknown keys, bad values and a missing audience in one InvalidConfiguration."""
    options = {
        "environment": "staging",
        "issuer": "http://idporten.no",
        "algorithms": "RS256,HS256,none",
        "clock_skew": "3600",
        "synthetic_identities": "perhaps",
        "minimum_assurance": "level4",
        "claim.hpr": "a..b",
        "colour": "blue",
    }
    with pytest.raises(InvalidConfiguration) as caught:
        settings_from_options(IDPORTEN, options)
    message = str(caught.value)
    assert message.startswith("idporten login options:")
    for expected in (
        "environment: expected one of prod, test",
        "issuer: expected https",
        "algorithms: 2 not accepted",
        "clock_skew: expected 0 to 300 seconds",
        "synthetic_identities: expected true or false",
        "minimum_assurance: expected one of low, substantial, high",
        "claim.hpr: claim path",
        "colour: unknown option",
        "audience: required",
    ):
        assert expected in message, expected


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("http_timeout", "0", "http_timeout: expected 0.1 to 30 seconds"),
        ("http_timeout", "nan", "http_timeout: expected seconds"),
        ("max_token_bytes", "10", "max_token_bytes: expected 1024 to 65536"),
        ("jwks_cache_seconds", "10", "jwks_cache_seconds: expected 60 seconds to 7 days"),
        ("jwks_refresh_seconds", "0", "jwks_refresh_seconds: expected 1 to 3600 seconds"),
        ("claim.assurance", "", "claim.assurance: required"),
        ("claim.national_id", "", "require_national_id: the claim mapping names no"),
        ("assurance_values", "x=level4", "assurance_values: expected ACR=LEVEL pairs"),
        ("audience", "unspecified", "'unspecified' is ID-porten's placeholder"),
        ("issuer", "https://user@idporten.no", "issuer: must not carry user info"),
        ("token_type", "refresh_token", "token_type: expected one of id_token, access_token"),
    ],
)
def test_each_bad_value_says_what_was_expected(key: str, value: str, expected: str) -> None:
    """Each option's message names the option and what it accepts."""
    options = {"audience": AUDIENCE, key: value}
    with pytest.raises(
        InvalidConfiguration, match=expected.replace("(", r"\(").replace(")", r"\)")
    ):
        settings_from_options(IDPORTEN, options)


def test_options_reach_the_settings() -> None:
    """Every option lands in the issuer settings."""
    settings = settings_from_options(
        BANKID,
        {
            "audience": "bk",
            "environment": "test",
            "minimum_assurance": "high",
            "algorithms": "RS256, ES256",
            "clock_skew": "10",
            "max_token_bytes": "4096",
            "jwks_cache_seconds": "3600",
            "jwks_refresh_seconds": "30",
            "http_timeout": "2.5",
            "synthetic_identities": "false",
            "require_national_id": "no",
            "claim.national_id": "nin",
            "claim.organisation": "org, orgs[].id",
            "claim.amr": "",
            "assurance_values": "urn:signicat:high=high,urn:bankid:x;LOA=3=substantial",
        },
    )
    assert settings.issuer == BANKID.environments["test"]
    assert settings.minimum_assurance is AssuranceLevel.HIGH
    assert settings.algorithms == ("RS256", "ES256")
    assert (settings.clock_skew, settings.max_token_bytes) == (10, 4096)
    assert (settings.jwks_cache_seconds, settings.jwks_refresh_seconds) == (3600, 30)
    assert settings.http_timeout == 2.5
    assert not settings.synthetic_identities
    assert not settings.require_national_id
    assert settings.claims == ClaimMapping(
        national_id="nin", assurance="acr", amr=None, organisation=("org", "orgs[].id"), name="name"
    )
    assert settings.assurance_values == {
        "urn:signicat:high": AssuranceLevel.HIGH,
        "urn:bankid:x;LOA=3": AssuranceLevel.SUBSTANTIAL,
    }
    assert settings.credential_kind == "bankid-id-token"


@pytest.mark.parametrize(
    ("path", "parsed"),
    [
        ("pid", (("pid", False),)),
        ("consumer.ID", (("consumer", False), ("ID", False))),
        ("a[].b[].ID", (("a", True), ("b", True), ("ID", False))),
        ("helseid://claims/hpr/hpr_number", (("helseid://claims/hpr/hpr_number", False),)),
    ],
)
def test_claim_paths(path: str, parsed: tuple[tuple[str, bool], ...]) -> None:
    """Claim paths: names separated by '.', '[]' walks a list."""
    assert claim_path(path) == parsed


@pytest.mark.parametrize("path", ["", ".", "a..b", "a[]]", "a b", "[]", "a.[]"])
def test_bad_claim_paths(path: str) -> None:
    """A malformed path is a configuration error."""
    with pytest.raises(InvalidConfiguration, match="claim path"):
        claim_path(path)


def test_issuer_settings_validate_themselves() -> None:
    """Settings made in code are checked as strictly as settings from options."""
    with pytest.raises(InvalidConfiguration) as caught:
        IssuerSettings(
            name="Bad Name",
            display_name=" ",
            issuer="ftp://idp",
            audience="",
            algorithms=(),
            clock_skew=-1,
        )
    message = str(caught.value)
    for expected in (
        "name:",
        "display_name:",
        "issuer:",
        "audience:",
        "algorithms:",
        "clock_skew:",
    ):
        assert expected in message


# -- through the plugin manager ----------------------------------------------------------


def test_unconfigured_plugins_provide_nothing(bk_plugin_manager: pluggy.PluginManager) -> None:
    """Without options there are no authenticators (and nothing is fetched)."""
    assert authenticators(bk_plugin_manager, Config(store="memory:")) == []


def test_configured_plugins_provide_their_authenticators(
    bk_plugin_manager: pluggy.PluginManager,
) -> None:
    """Each configured identity plugin contributes one authenticator to the chain."""
    config = Config(
        store="memory:",
        plugin_options={
            "idporten": {"audience": "a", "environment": "test"},
            "helseid": {"audience": "nhn:bk-api"},
        },
    )
    configure(bk_plugin_manager, config)
    chain = authenticators(bk_plugin_manager, config)
    try:
        assert sorted(a.name for a in chain) == ["helseid", "idporten"]
        assert all(isinstance(a, OidcAuthenticator) for a in chain)
        issuers = {a.name: a.settings.issuer for a in chain if isinstance(a, OidcAuthenticator)}
        assert issuers == {
            "idporten": "https://test.idporten.no",
            "helseid": "https://helseid-sts.nhn.no",
        }
    finally:
        for made in chain:
            if isinstance(made, OidcAuthenticator):
                made.close()


def test_invalid_options_fail_at_configure_time(bk_plugin_manager: pluggy.PluginManager) -> None:
    """``barnekoordinator_configure`` checks every identity plugin's options."""
    config = Config(store="memory:", plugin_options={"ansattporten": {"environment": "prod"}})
    with pytest.raises(InvalidConfiguration, match="ansattporten login options:"):
        configure(bk_plugin_manager, config)


@pytest.mark.parametrize("module", ["jose", "httpx"])
def test_a_missing_extra_names_the_pip_command(
    monkeypatch: pytest.MonkeyPatch, idp: LoopbackOidcProvider, module: str
) -> None:
    """Without python-jose or httpx, making an authenticator says what to install."""
    monkeypatch.setitem(sys.modules, module, None)
    config = Config(store="memory:", plugin_options={"idporten": {"audience": "a"}})
    with pytest.raises(MissingExtraError) as caught:
        authenticator_from_config(IDPORTEN, config, clock=FixedClock(idp.clock.now()))
    assert "pip install 'barnekoordinator[auth]'" in str(caught.value)
    assert caught.value.extra == "auth"


def test_broker_claims_are_a_setting(idp: LoopbackOidcProvider) -> None:
    """A Signicat-style claim set through the BankID plugin: ``nin`` and a broker acr."""
    with authenticator(
        BANKID,
        idp,
        **{"claim.national_id": "nin", "assurance_values": "urn:signicat:nbid:high=high"},
    ) as auth:
        claims = idporten_claims(idp, pid=None, nin=PERSON, acr="urn:signicat:nbid:high")
        principal = auth.authenticate(Credential(kind="jwt", token=idp.token(claims)))
    assert principal is not None
    assert principal.national_id is not None
    assert principal.national_id.reveal() == PERSON
    assert principal.assurance is AssuranceLevel.HIGH
    assert principal.identity_provider == "bankid"
