"""Issuer settings from ``Config.plugin_options``: a provider's profile plus the text options."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from barnekoordinator.access.login._authenticator import OidcAuthenticator
from barnekoordinator.access.login._settings import (
    ClaimMapping,
    IssuerSettings,
    TokenType,
    claim_path,
    url_problem,
)
from barnekoordinator.access.principal import AssuranceLevel
from barnekoordinator.clock import Clock
from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration

_TRUE: Final = ("1", "true", "yes", "on")
_FALSE: Final = ("0", "false", "no", "off")
_CLAIMS: Final = ("national_id", "assurance", "amr", "hpr", "name")


def _frozen_environments(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class ProviderProfile:
    """What is fixed about an identity provider: its issuers, token type and claim names.

    A plugin declares one profile; the deployment adds the rest (its client id, the
    environment …) in ``Config.plugin_options[profile.name]``, read by
    [`settings_from_options()`][barnekoordinator.access.login.settings_from_options].

    Attributes:
        name: The plugin's and the authenticator's name (``idporten``).
        display_name: The provider's name for people (``ID-porten``).
        environments: Environment name → issuer (``prod``, ``test`` …).
        token_type: The token the provider's authenticator accepts by default.
        claims: The provider's claim names.
        synthetic_environments: Environments whose identities are synthetic (Tenor
            test numbers are accepted there by default).
    """

    name: str
    display_name: str
    environments: Mapping[str, str] = attrs.field(converter=_frozen_environments)
    token_type: TokenType = TokenType.ID_TOKEN
    claims: ClaimMapping = attrs.field(factory=ClaimMapping)
    synthetic_environments: frozenset[str] = frozenset({"test"})

    @environments.validator
    def _check_environments(self, _attribute: object, value: Mapping[str, str]) -> None:
        if "prod" not in value:
            raise InvalidConfiguration(f"{self.name}: a profile needs a 'prod' environment")


def _boolean(text: str) -> bool:
    if text.lower() not in _TRUE + _FALSE:
        raise ValueError("expected true or false")
    return text.lower() in _TRUE


def _whole(text: str) -> int:
    # ASCII only: ``str.isdigit`` also takes '²' (which int() refuses) and other scripts'
    # digits (which int() reads), so a value would mean what no one wrote.
    if not text or not text.isascii() or not text.isdigit():
        raise ValueError(f"expected a whole number in the digits 0-9, got {text!r}")
    if len(text) > 18:  # int() refuses past 4300 digits, with advice for the programmer
        raise ValueError(f"expected a whole number of at most 18 digits, got {len(text)} digits")
    return int(text)


def _seconds(text: str) -> float:
    if not text.isascii():  # float() reads other scripts' digits too
        raise ValueError(f"expected seconds in the digits 0-9, got {text!r}")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"expected seconds, got {text!r}") from None
    if value != value:  # NaN
        raise ValueError("expected seconds")
    return value


def _choice(*choices: str) -> Callable[[str], str]:
    def read(text: str) -> str:
        if text.lower() not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return text.lower()

    return read


def _issuer(text: str) -> str:
    problem = url_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


def _algorithms(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in text.split(",") if a.strip())


def _path(text: str) -> str | None:
    if not text:
        return None
    claim_path(text)
    return text


def _paths(text: str) -> tuple[str, ...]:
    paths = tuple(p.strip() for p in text.split(",") if p.strip())
    for path in paths:
        claim_path(path)
    return paths


def _assurance_values(text: str) -> dict[str, AssuranceLevel]:
    values = {}
    for item in (i.strip() for i in text.split(",")):
        if not item:
            continue
        value, sep, level = item.rpartition("=")
        if not sep or not value or level.lower() not in {a.value for a in AssuranceLevel}:
            raise ValueError(
                "expected ACR=LEVEL pairs separated by ',' (LEVEL: low, substantial, high)"
            )
        values[value] = AssuranceLevel(level.lower())
    return values


_READERS: Final[Mapping[str, Callable[[str], Any]]] = {
    "environment": str,
    "issuer": _issuer,
    "audience": str,
    "token_type": _choice(*(t.value for t in TokenType)),
    "minimum_assurance": _choice(*(a.value for a in AssuranceLevel)),
    "algorithms": _algorithms,
    "clock_skew": _whole,
    "max_token_bytes": _whole,
    "jwks_cache_seconds": _whole,
    "jwks_refresh_seconds": _whole,
    "http_timeout": _seconds,
    "synthetic_identities": _boolean,
    "require_national_id": _boolean,
    "assurance_values": _assurance_values,
    **{f"claim.{name}": _path for name in _CLAIMS},
    "claim.organisation": _paths,
}
"""Every option and how its text is read."""

OPTION_NAMES: Final = tuple(_READERS)
"""The option keys an identity plugin reads from ``Config.plugin_options[name]``."""


def _read(profile: ProviderProfile, options: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    parsed: dict[str, Any] = {}
    problems = []
    for key, value in options.items():
        reader = _READERS.get(key)
        if reader is None:
            problems.append(f"{key}: unknown option (known: {', '.join(OPTION_NAMES)})")
            continue
        try:
            parsed[key] = reader(str(value).strip())
        except (ValueError, InvalidConfiguration) as exc:
            problems.append(f"{key}: {exc}")
    environment = parsed.get("environment", "prod")
    if environment not in profile.environments:
        problems.append(f"environment: expected one of {', '.join(sorted(profile.environments))}")
    return parsed, problems


def settings_from_options(profile: ProviderProfile, options: Mapping[str, str]) -> IssuerSettings:
    """The settings of ``profile``'s issuer as ``options`` (text values) configure it.

    ``environment`` picks the issuer (default ``prod``) unless ``issuer`` names one;
    ``audience`` is required; ``claim.*`` override the profile's claim names (an empty
    value means "not provided"). The login page lists every option.

    Raises:
        InvalidConfiguration: listing every unknown option and bad value at once.
    """
    parsed, problems = _read(profile, options)
    environment = parsed.pop("environment", "prod")
    issuer = parsed.pop("issuer", None) or profile.environments.get(environment, "")
    token_type = TokenType(parsed.pop("token_type", profile.token_type.value))
    if "minimum_assurance" in parsed:
        parsed["minimum_assurance"] = AssuranceLevel(parsed["minimum_assurance"])
    claims = profile.claims
    overrides = {
        key.removeprefix("claim."): parsed.pop(key)
        for key in list(parsed)
        if key.startswith("claim.")
    }
    if overrides.get("assurance", "") is None:
        problems.append("claim.assurance: required (the claim with the level of assurance)")
        overrides.pop("assurance")
    claims = attrs.evolve(claims, **overrides)
    parsed.setdefault("synthetic_identities", environment in profile.synthetic_environments)
    settings = None
    try:
        settings = IssuerSettings(
            name=profile.name,
            display_name=profile.display_name,
            issuer=issuer,
            audience=parsed.pop("audience", ""),
            token_type=token_type,
            claims=claims,
            **parsed,
        )
    except InvalidConfiguration as exc:
        problems += [line.strip() for line in str(exc).splitlines()[1:]]
    if problems or settings is None:
        unique = list(dict.fromkeys(problems))
        raise InvalidConfiguration(f"{profile.name} login options", problems=unique)
    return settings


def authenticator_from_config(
    profile: ProviderProfile, config: Config, *, clock: Clock
) -> OidcAuthenticator | None:
    """The authenticator ``config`` sets up for ``profile``, or ``None`` when
    ``config.plugin_options`` has no entry under the profile's name.

    Raises:
        InvalidConfiguration: the options are invalid (every problem listed).
        MissingExtraError: the ``auth`` extra (python-jose, httpx) is not installed.
    """
    options = config.plugin_options.get(profile.name)
    if options is None:
        return None
    return OidcAuthenticator(settings_from_options(profile, options), clock=clock)
