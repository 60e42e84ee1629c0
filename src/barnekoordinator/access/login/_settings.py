"""What one issuer is trusted for: its settings, its claim names and the rejection codes."""

from __future__ import annotations

import enum
import ipaddress
import re
import socket
import urllib.parse
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from barnekoordinator.access.principal import AssuranceLevel
from barnekoordinator.errors import InvalidConfiguration

SIGNING_ALGORITHMS: Final = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
"""The algorithms an issuer may be trusted with: asymmetric signatures python-jose verifies.

``none`` and the HMAC family (``HS256`` …) are never accepted: a verifier holding only
public keys cannot check a shared-secret MAC, and trusting one is the classic
algorithm-confusion hole.
"""

MAX_CLOCK_SKEW: Final = 300
"""The largest clock skew (seconds) an issuer may be given."""

MAX_TOKEN_BYTES: Final = 65_536
"""The largest token size an issuer may be given (bytes, before anything is decoded)."""


class TokenType(enum.Enum):
    """Which kind of token an issuer's authenticator accepts.

    An id_token (OIDC, for the relying party that asked for the login) and an access
    token (RFC 9068 ``at+jwt``, for a resource server) are signed with the same keys,
    so each must be told from the other by its ``typ`` or one could be swapped for
    the other.
    """

    ID_TOKEN = "id_token"  # noqa: S105 - a token type's name, not a secret
    """An OIDC id_token: header ``typ`` absent or ``JWT``, payload ``typ`` (Keycloak) ``ID``."""
    ACCESS_TOKEN = "access_token"  # noqa: S105
    """A JWT access token: header ``typ`` ``at+jwt``, or ``JWT`` with payload ``typ`` ``Bearer``."""

    @property
    def kind_suffix(self) -> str:
        """``id-token`` or ``access-token``: the end of a credential kind such as
        ``idporten-id-token``."""
        return self.value.replace("_", "-")


class RejectionCode(enum.StrEnum):
    """The stable codes of [`TokenRejected.code`][barnekoordinator.errors.TokenRejected]."""

    TOO_LARGE = "too-large"
    """The token is longer than the issuer's size limit (checked before decoding)."""
    MALFORMED = "malformed"
    """Not three base64url segments, not UTF-8, not a JSON object, or a duplicate key."""
    ENCRYPTED = "encrypted"
    """A JWE (encrypted token) where a signed JWS is expected."""
    UNSIGNED = "unsigned"
    """``alg: none`` in any spelling, or an empty signature."""
    ALG_NOT_ALLOWED = "alg-not-allowed"
    """The header's ``alg`` is not on the issuer's allowlist (e.g. ``HS256``)."""
    UNSUPPORTED_HEADER = "unsupported-header"
    """``crit``, ``b64`` or a nested token (``cty: JWT``): extensions that are not supported."""
    KID_MISSING = "kid-missing"
    """No ``kid`` in the header."""
    KID_INVALID = "kid-invalid"
    """A ``kid`` with characters no key id has (paths, quotes, spaces …)."""
    KID_UNKNOWN = "kid-unknown"
    """No key with this ``kid`` in the issuer's JWKS, even after one refresh."""
    KEY_UNUSABLE = "key-unusable"
    """The issuer's key with this ``kid`` does not fit the header's ``alg``."""
    BAD_SIGNATURE = "bad-signature"
    """The signature does not verify with the issuer's key."""
    WRONG_TYPE = "wrong-type"
    """An access token where an id_token is expected, or the reverse (``typ``)."""
    CLAIM_MISSING = "claim-missing"
    """A required claim (``iss``, ``aud``, ``sub``, ``exp``, ``iat``) is absent."""
    CLAIM_INVALID = "claim-invalid"
    """A claim has the wrong type (``"exp": null``, ``"exp": "soon"`` …) or an impossible value."""
    WRONG_ISSUER = "wrong-issuer"
    """``iss`` is not exactly the configured issuer (a trailing slash counts)."""
    WRONG_AUDIENCE = "wrong-audience"
    """``aud`` does not name this client (or ``azp`` names another)."""
    EXPIRED = "expired"
    """``exp`` has passed (beyond the allowed clock skew)."""
    NOT_YET_VALID = "not-yet-valid"
    """``nbf`` lies ahead (beyond the allowed clock skew)."""
    ISSUED_IN_FUTURE = "issued-in-future"
    """``iat`` lies ahead (beyond the allowed clock skew)."""
    NONCE_MISMATCH = "nonce-mismatch"
    """The caller gave a nonce and the token carries another one, or none."""
    NONCE_REPLAYED = "nonce-replayed"
    """A token with this nonce was accepted before."""
    REPLAY_CACHE_FULL = "replay-cache-full"
    """The nonce replay cache is full of unexpired nonces; the login fails closed."""
    SENDER_CONSTRAINED = "sender-constrained"
    """The token is bound to a key (``cnf``, DPoP/mTLS) whose proof is not checked here."""
    ASSURANCE_MISSING = "assurance-missing"
    """No ``acr`` (or ``security_level``) claim."""
    ASSURANCE_UNKNOWN = "assurance-unknown"
    """An assurance value that is not on the scale."""
    ASSURANCE_TOO_LOW = "assurance-too-low"
    """An assurance level below the issuer's minimum."""
    IDENTITY_MISSING = "identity-missing"
    """No national identity claim where one is required."""
    IDENTITY_INVALID = "identity-invalid"
    """The national identity claim is not a valid fødselsnummer or D-nummer for this issuer."""
    ATTRIBUTE_INVALID = "attribute-invalid"
    """An HPR number, organisation, name or ``amr`` claim that cannot be read, or is ambiguous."""


_PATH_SEGMENT: Final = re.compile(r"[^.\[\]\s]+(\[\])?")


def claim_path(path: str) -> tuple[tuple[str, bool], ...]:
    """Split a claim path into ``(name, walks_a_list)`` segments.

    A path names a claim (``pid``), a member of an object claim (``consumer.ID``), or
    each element of a list (``authorization_details[].reportees[].ID``). Claim names
    may hold any character but ``.``, ``[``, ``]`` and white space, so HelseID's
    ``helseid://claims/identity/pid`` is one segment.

    Raises:
        InvalidConfiguration: the path is empty or has an empty or malformed segment.
    """
    segments = path.split(".") if isinstance(path, str) else [""]
    parsed = []
    for segment in segments:
        if not _PATH_SEGMENT.fullmatch(segment):
            raise InvalidConfiguration(
                f"claim path {path!r}: expected names separated by '.', each optionally "
                "ending in '[]' (e.g. 'pid' or 'authorization_details[].reportees[].ID')"
            )
        walks = segment.endswith("[]")
        parsed.append((segment[:-2] if walks else segment, walks))
    return tuple(parsed)


def _optional_path(_instance: object, _attribute: object, value: str | None) -> None:
    if value is not None:
        claim_path(value)


def _paths(_instance: object, _attribute: object, value: tuple[str, ...]) -> None:
    for path in value:
        claim_path(path)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(kw_only=True)
class ClaimMapping:
    """Which claims of a verified token hold what a
    [`Principal`][barnekoordinator.access.principal.Principal] needs.

    Each value is a claim path (see
    [`claim_path()`][barnekoordinator.access.login.claim_path]); ``None`` means the issuer
    does not provide it. Brokers (Signicat, Criipto/Idura …) rename claims: map theirs
    here instead of writing code.

    Attributes:
        national_id: The fødselsnummer or D-nummer (ID-porten ``pid``, BankID
            ``nnin_altsub``, HelseID ``helseid://claims/identity/pid``).
        assurance: The level of assurance (``acr``; HelseID ``…/security_level``).
        amr: The authentication methods (a string or a list).
        hpr: The HPR number (a string or a list of them).
        organisation: Claims naming the organisation, tried in order (the first one
            present is used); values may carry the ISO 6523 prefix ``0192:``.
        name: The person's name as the family is shown it (else ``given_name`` and
            ``family_name``, else the issuer's display name).
    """

    national_id: str | None = attrs.field(default=None, validator=_optional_path)
    assurance: str = attrs.field(default="acr", validator=_optional_path)
    amr: str | None = attrs.field(default="amr", validator=_optional_path)
    hpr: str | None = attrs.field(default=None, validator=_optional_path)
    organisation: tuple[str, ...] = attrs.field(default=(), converter=_strings, validator=_paths)
    name: str | None = attrs.field(default="name", validator=_optional_path)


_LOOPBACK_NAMES: Final = frozenset({"localhost"})


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``."""
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_IPV4_FORMS: Final = re.compile(r"[0-9A-Fa-fXx.]+")
"""What ``inet_aton`` may read as an IPv4 address: ``127.1``, ``0x7f.1``, ``2130706433``."""


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address ``host`` names literally, in any form a resolver reads, or ``None``."""
    try:
        address = ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        if not _IPV4_FORMS.fullmatch(host):
            return None
        try:  # the short, octal, hex and decimal forms: parsing only, no lookup
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_local_host(host: str | None) -> bool:
    """True for a host that is not on the internet: ``localhost`` (and ``*.localhost``), and
    a literal address that is loopback, private, link-local, shared, reserved, unspecified or
    multicast, in any form a resolver reads (``127.1``, ``::ffff:10.0.0.1`` …).

    A name is not resolved (no lookup here): a public name that resolves to a private address
    is not caught.
    """
    if not host:
        return False
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = _address(name)
    return address is not None and (not address.is_global or address.is_multicast)


def shown_url(url: object) -> str:
    """``url`` for a message: quoted and escaped as ``repr`` does, so no control or bidi
    character of a document's URL reaches a log line raw."""
    return repr(url) if isinstance(url, str) else f"<{type(url).__name__}>"


def url_problem(url: object) -> str | None:
    """Why ``url`` cannot name an issuer or a key set, or ``None`` when it can.

    It must be ``https``, or plain ``http`` on a loopback address (the test kit's
    provider), without user info, query or fragment, in printable ASCII without white
    space (an international domain name in its ``xn--`` form).
    """
    if not isinstance(url, str) or not url:
        return "expected a URL"
    if not url.isascii() or not url.isprintable() or any(c.isspace() for c in url):
        # urlsplit drops tabs and line breaks before parsing: the URL that passed would not
        # be the one shown in messages and logs.
        return (
            "expected printable ASCII without spaces or control characters "
            "(an international domain name in its xn-- form)"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return "expected a URL such as 'https://idporten.no'"
    if not host:
        return "expected a URL with a host, such as 'https://idporten.no'"
    if parts.username is not None or parts.password is not None:
        return "must not carry user info"
    if parts.query or parts.fragment:
        return "must not have a query or fragment"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and is_loopback_host(host):
        return None
    return "expected https (plain http only on a loopback address such as 127.0.0.1)"


def _frozen_values(value: Mapping[str, AssuranceLevel]) -> Mapping[str, AssuranceLevel]:
    return MappingProxyType(dict(value))


def _settings_problems(settings: IssuerSettings) -> list[str]:
    problems = []
    if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", settings.name):
        problems.append("name: expected a short lower-case name such as 'idporten'")
    if not settings.display_name.strip():
        problems.append("display_name: expected the issuer's name, e.g. 'ID-porten'")
    issue = url_problem(settings.issuer)
    if issue is not None:
        problems.append(f"issuer: {issue}")
    if not settings.audience.strip() or settings.audience != settings.audience.strip():
        problems.append(
            "audience: required: this client's id (id_tokens) or this API's audience "
            "(access tokens), without surrounding spaces"
        )
    if settings.audience == "unspecified":
        problems.append("audience: 'unspecified' is ID-porten's placeholder, never a client id")
    if not settings.algorithms:
        problems.append("algorithms: expected at least one of " + ", ".join(SIGNING_ALGORITHMS))
    wrong = [a for a in settings.algorithms if a not in SIGNING_ALGORITHMS]
    if wrong:
        problems.append(
            f"algorithms: {len(wrong)} not accepted; choose from " + ", ".join(SIGNING_ALGORITHMS)
        )
    if not 0 <= settings.clock_skew <= MAX_CLOCK_SKEW:
        problems.append(f"clock_skew: expected 0 to {MAX_CLOCK_SKEW} seconds")
    if not 1024 <= settings.max_token_bytes <= MAX_TOKEN_BYTES:
        problems.append(f"max_token_bytes: expected 1024 to {MAX_TOKEN_BYTES}")
    if not 60 <= settings.jwks_cache_seconds <= 7 * 86_400:
        problems.append("jwks_cache_seconds: expected 60 seconds to 7 days")
    if not 1 <= settings.jwks_refresh_seconds <= 3_600:
        problems.append("jwks_refresh_seconds: expected 1 to 3600 seconds")
    if not 0.1 <= settings.http_timeout <= 30:
        problems.append("http_timeout: expected 0.1 to 30 seconds")
    if settings.require_national_id and settings.claims.national_id is None:
        problems.append("require_national_id: the claim mapping names no national_id claim")
    return problems


@attrs.frozen(kw_only=True)
class IssuerSettings:
    """Everything one authenticator trusts an issuer for; validated when made.

    Attributes:
        name: The authenticator's name (``idporten``), written on every
            [`Principal`][barnekoordinator.access.principal.Principal] it makes.
        display_name: The issuer's name for people (``ID-porten``).
        issuer: The exact ``iss`` (no trailing slash unless the issuer has one);
            discovery is read from ``{issuer}/.well-known/openid-configuration``.
        audience: This client's id (id_tokens) or this API's audience (access tokens).
        token_type: Which kind of token is accepted.
        algorithms: The signature algorithms accepted from this issuer; the token's
            header never chooses.
        minimum_assurance: Logins below this level are rejected.
        claims: Where the identity, assurance, HPR number and organisation are.
        assurance_values: Extra ``acr`` values and their levels (for brokers), tried
            before the standard scale.
        synthetic_identities: Accept synthetic (Tenor, month+80) identity numbers:
            true for test environments only.
        require_national_id: Reject a login without the national identity claim.
        clock_skew: Seconds of skew allowed on ``exp``, ``nbf`` and ``iat``.
        max_token_bytes: Longer tokens are rejected before anything is decoded.
        jwks_cache_seconds: How long discovery and JWKS are kept (Digdir: 24 h).
        jwks_refresh_seconds: At most one refresh in this time on an unknown ``kid``.
        http_timeout: Seconds for each discovery or JWKS request, all in all.

    Raises:
        InvalidConfiguration: listing every problem at once.
    """

    name: str
    display_name: str
    issuer: str
    audience: str
    token_type: TokenType = TokenType.ID_TOKEN
    algorithms: tuple[str, ...] = attrs.field(default=("RS256",), converter=_strings)
    minimum_assurance: AssuranceLevel = AssuranceLevel.SUBSTANTIAL
    claims: ClaimMapping = attrs.field(factory=ClaimMapping)
    assurance_values: Mapping[str, AssuranceLevel] = attrs.field(
        factory=dict, converter=_frozen_values
    )
    synthetic_identities: bool = False
    require_national_id: bool = True
    clock_skew: int = 30
    max_token_bytes: int = 16_384
    jwks_cache_seconds: int = 86_400
    jwks_refresh_seconds: int = 60
    http_timeout: float = 5.0

    def __attrs_post_init__(self) -> None:
        problems = _settings_problems(self)
        if problems:
            raise InvalidConfiguration(f"{self.name} login settings", problems=problems)

    @property
    def discovery_url(self) -> str:
        """Where the issuer's OpenID configuration is (OIDC Discovery §4)."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    @property
    def credential_kind(self) -> str:
        """The credential kind this issuer's authenticator claims, e.g. ``idporten-id-token``."""
        return f"{self.name}-{self.token_type.kind_suffix}"
