"""Login sweep, 2026-12-07 (second pass): the defects it found, each pinned by a test.

A date claim beyond float range, a ``VerifiedToken`` that showed its ``sub``, a ``sub`` hiding an
identity number in a longer digit run, a nonce used up by a token refused while mapping, an
https issuer's key fetch sent to a local address, control characters in a ``jwks_uri``, and
four small ones (a non-text nonce, an overlong ``sub``, non-ASCII digits in an option, the
reason an RSA key is too short).
"""

from __future__ import annotations

import re
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _login_helpers import AUDIENCE, OTHER_PERSON, PERSON, authenticator, idporten_claims
from cryptography.hazmat.primitives.asymmetric import rsa

from barnekoordinator.access.login import (
    IssuerSettings,
    JwksCache,
    OidcAuthenticator,
    TokenType,
    VerifiedToken,
    settings_from_options,
)
from barnekoordinator.access.principal import AssuranceLevel, Credential
from barnekoordinator.cli import main
from barnekoordinator.clock import FixedClock, SystemClock
from barnekoordinator.errors import (
    InvalidConfiguration,
    InvalidInput,
    IssuerUnavailable,
    TokenRejected,
)
from barnekoordinator.testing.oidc import OMIT_CLAIM, LoopbackOidcProvider, ProviderKey
from barnekoordinator_plugins.idporten import IDPORTEN


def login(auth: OidcAuthenticator, token: str, *, nonce: str | None = None) -> str:
    """The subject of the principal ``token`` logs in as."""
    credential = Credential(kind="idporten-id-token", token=token, nonce=nonce)
    principal = auth.authenticate(credential)
    assert principal is not None
    return principal.subject


def refused(auth: OidcAuthenticator, token: str, *, nonce: str | None = None) -> TokenRejected:
    """The rejection of ``token``."""
    with pytest.raises(TokenRejected) as caught:
        auth.authenticate(Credential(kind="idporten-id-token", token=token, nonce=nonce))
    return caught.value


# -- 1. a NumericDate beyond float range ------------------------------------------------


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
def test_a_date_claim_beyond_float_range_is_claim_invalid(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, claim: str
) -> None:
    """``"exp": 10**400`` (or ``iat``, ``nbf``): JSON integers have no size limit, and the
    range check converted them to float (a raw OverflowError). Now ``claim-invalid``."""
    rejection = refused(idporten, idp.token(idporten_claims(idp, **{claim: 10**400})))
    assert rejection.code == "claim-invalid"
    assert f"'{claim}' must be a number of seconds since 1970" in str(rejection)


def test_whoami_calls_a_date_beyond_float_range_a_rejection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``whoami`` exited 3 ("unexpected OverflowError") on ``"exp": 10**400``; it is a
    rejected token: exit 1 with the code."""
    with LoopbackOidcProvider(clock=SystemClock()) as live:
        path = tmp_path / "token.jwt"
        path.write_text(live.token(idporten_claims(live, exp=10**400)) + "\n")
        options = {"issuer": live.issuer, "audience": AUDIENCE, "synthetic_identities": "true"}
        arguments = [a for k, v in options.items() for a in ("--option", f"idporten.{k}={v}")]
        status = main(["whoami", "--lang", "en", "--json", "--token", str(path), *arguments])
    captured = capsys.readouterr()
    assert status == 1, captured.err
    assert '"code": "claim-invalid"' in captured.out


# -- 2. a VerifiedToken never shows an identity number -------------------------------------


def test_verify_refuses_a_sub_that_is_an_identity_number(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """``verify()`` (not only ``authenticate()``) refuses a ``sub`` that is someone's number,
    by the mapping's rule: no ``VerifiedToken`` carries one."""
    with pytest.raises(TokenRejected) as caught:
        idporten.verify(idp.token(idporten_claims(idp, sub=PERSON)))
    assert caught.value.code == "claim-invalid"
    assert PERSON[6:] not in str(caught.value)


@pytest.mark.parametrize("subject", [PERSON, "47" + PERSON, PERSON[:6] + "...." + PERSON[6:]])
def test_a_verified_token_never_shows_an_identity_number(subject: str) -> None:
    """A ``VerifiedToken`` made by hand with such a subject: ``repr``/``str`` hide it (they
    showed the raw ``sub``)."""
    token = VerifiedToken(
        "https://idporten.no",
        subject,
        TokenType.ID_TOKEN,
        "RS256",
        "k1",
        1.0,
        2.0,
        AssuranceLevel.HIGH,
        {},
    )
    for shown in (repr(token), str(token), f"{token}"):
        assert PERSON[6:] not in shown
        assert "subject=<hidden>" in shown
    ordinary = token._replace(subject="pairwise-4711")
    assert "subject='pairwise-4711'" in repr(ordinary)


# -- 3. a sub hiding an identity number ---------------------------------------------------


@pytest.mark.parametrize(
    "sub",
    [
        "47" + PERSON,  # a country code in front
        PERSON + "0",  # a sequence digit behind
        "0047" + PERSON + "99",
        PERSON[:6] + "...." + PERSON[6:],  # four separators
        PERSON[:2] + " - " + PERSON[2:6] + " -- " + PERSON[6:],
        "no:" + PERSON[:6] + "_/_/" + PERSON[6:] + ":x",
        "".join(chr(0x0660 + int(d)) for d in PERSON),  # Arabic-Indic digits
        "47" + OTHER_PERSON,
    ],
)
def test_a_sub_with_an_identity_number_inside_is_refused(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, sub: str
) -> None:
    """An identity number inside a longer run of digits, or split by any number of
    separators, was hashed (reversed in a second by trying one birth year) or kept in
    clear. Every eleven-digit window of the digits is tried: refused, ``claim-invalid``."""
    rejection = refused(idporten, idp.token(idporten_claims(idp, sub=sub)))
    assert rejection.code == "claim-invalid"
    assert not re.search(r"\d{5}", str(rejection))


def test_a_uuid_whose_groups_join_into_a_number_is_hashed_not_shown(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """A UUID is never refused (random bits: refusing one whose digits read as a number would
    lock that person out for good, about one random UUID in 7,000 by a group alone); one whose
    groups, or one group, read as someone's number is not kept in clear (it was:
    ``idporten:03851250-017a-…``) but hashed. Digits by chance whose every window fails the
    date or control digits still log in: eleven or more in a row hashed as before, a UUID
    kept."""
    for sub in (
        f"{PERSON[:8]}-{PERSON[8:]}a-4bcd-8ef0-abcdefabcdef",
        f"e2f1c0d3-4b5a-4c6d-9e8f-{PERSON}0",
    ):
        subject = login(idporten, idp.token(idporten_claims(idp, sub=sub)))
        assert re.fullmatch(r"idporten:h:[a-p]{64}", subject)
    for by_chance, hashed in [
        ("123456789012", True),
        ("e2f1c0d3-4b5a-4c6d-9e8f-012345678901", True),
        ("f81d4fae-7dec-11d0-a765-00a0c91e6bf6", False),
    ]:
        subject = login(idporten, idp.token(idporten_claims(idp, sub=by_chance)))
        if hashed:
            assert re.fullmatch(r"idporten:h:[a-p]{64}", subject)
        else:
            assert subject == f"idporten:{by_chance}"


# -- 4. a nonce is used up only by an accepted login ---------------------------------------


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ({"pid": OMIT_CLAIM}, "identity-missing"),
        ({"amr": ["TestID", OTHER_PERSON]}, "attribute-invalid"),
        ({"sub": "47" + PERSON}, "claim-invalid"),
    ],
)
def test_a_token_refused_while_mapping_leaves_the_nonce(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, bad: dict[str, object], code: str
) -> None:
    """A token refused while the principal is made (no identity, a bad attribute) used up
    the nonce, so the good token of the same request was refused as a replay. Now the good
    one logs in, and a replay of it is still refused."""
    assert (
        refused(idporten, idp.token(idporten_claims(idp, nonce="n-7", **bad)), nonce="n-7").code
        == code
    )
    good = idp.token(idporten_claims(idp, nonce="n-7"))
    assert login(idporten, good, nonce="n-7")
    assert refused(idporten, good, nonce="n-7").code == "nonce-replayed"


def test_verify_without_remembering_then_remember(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """``verify(…, remember=False)`` checks the nonce but leaves it; ``remember_nonce()``
    records it once (the authenticator's two steps)."""
    token = idp.token(idporten_claims(idp, nonce="n-8"))
    verifier = idporten.verifier
    first = verifier.verify(token, nonce="n-8", remember=False)
    again = verifier.verify(token, nonce="n-8", remember=False)
    verifier.remember_nonce(first, "n-8")
    with pytest.raises(TokenRejected) as caught:
        verifier.remember_nonce(again, "n-8")
    assert caught.value.code == "nonce-replayed"
    with pytest.raises(TokenRejected) as replay:
        idporten.verify(token, nonce="n-8")
    assert replay.value.code == "nonce-replayed"
    with pytest.raises(TokenRejected) as other:
        verifier.remember_nonce(first, "n-9")  # not the token's nonce: never recorded
    assert other.value.code == "nonce-mismatch"


# -- 5. an https issuer's keys are never fetched from a local address -----------------------


class _Documents(JwksCache):
    """A cache whose HTTP answers are given documents (an https issuer cannot be served on
    loopback without a certificate the client trusts)."""

    def __init__(self, settings: IssuerSettings, documents: dict[str, dict[str, object]]):
        super().__init__(settings, clock=FixedClock(datetime(2026, 1, 5, tzinfo=UTC)))
        self.documents = documents
        self.asked: list[str] = []

    def _get_json(self, url: str, what: str) -> dict[str, object]:
        self.asked.append(url)
        return self.documents[url]


def _settings(issuer: str) -> IssuerSettings:
    return IssuerSettings(
        name="x", display_name="X", issuer=issuer, audience="a", require_national_id=False
    )


@pytest.fixture(scope="module")
def public_jwk() -> dict[str, object]:
    """A public signing key as a key set lists it."""
    return ProviderKey.generate("RS256", kid="k1").public_jwk()


@pytest.mark.parametrize(
    "jwks_uri",
    [
        "https://127.0.0.1:8443/internal-admin",
        "https://127.1/keys",
        "https://2130706433/keys",
        "https://[::1]/keys",
        "https://[::ffff:127.0.0.1]/keys",
        "https://localhost/keys",
        "https://admin.localhost/keys",
        "https://10.0.0.5/keys",
        "https://192.168.1.1/keys",
        "https://169.254.169.254/latest/meta-data",
        "https://[fe80::1]/keys",
        "https://0.0.0.0/keys",
    ],
)
def test_an_https_issuer_may_not_send_the_key_fetch_to_a_local_host(
    jwks_uri: str, public_jwk: dict[str, object]
) -> None:
    """Only plain http was refused: a discovery document of an issuer on the internet
    naming ``https://127.0.0.1:…`` (or a private, link-local or metadata address, in any
    spelling) made this server ask a neighbour. Refused before anything is fetched. An
    issuer on that same host (the test kit, an internal Keycloak) may keep its keys there."""
    settings = _settings("https://idporten.example")
    discovery = {"issuer": settings.issuer, "jwks_uri": jwks_uri}
    cache = _Documents(settings, {settings.discovery_url: discovery})
    with pytest.raises(IssuerUnavailable, match="loopback, private or link-local"):
        cache.refresh()
    assert cache.asked == [settings.discovery_url]
    cache.close()

    parts = urllib.parse.urlsplit(jwks_uri)
    local = _settings(f"{parts.scheme}://{parts.netloc}")
    discovery = {"issuer": local.issuer, "jwks_uri": jwks_uri}
    cache = _Documents(local, {local.discovery_url: discovery, jwks_uri: {"keys": [public_jwk]}})
    cache.refresh()
    assert cache.kids == {"k1"}
    cache.close()


# -- 6. control characters in a URL ------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        "/jwks\r\n2026-01-05 09:30:00,000 INFO login accepted for admin",
        "/jwks\n",
        "/jw\tks",
        "/jwks\u202egnp.exe",
        "/jwks\x1b[2J",
        "/jw ks",
        "/jwks\u00a0",
        "/nøkler",
    ],
)
def test_a_jwks_uri_with_control_or_non_ascii_characters_is_refused(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, tail: str
) -> None:
    """``urlsplit`` drops tabs and line breaks, so such a ``jwks_uri`` passed and was echoed
    raw in ``IssuerUnavailable`` (a forged log line). Refused, and the message holds no
    control character."""
    idp.discovery_overrides["jwks_uri"] = idp.issuer + tail
    with pytest.raises(IssuerUnavailable) as caught:
        idporten.verify(idp.token(idporten_claims(idp)))
    message = str(caught.value)
    assert "printable ASCII" in message
    assert message.isascii()
    assert message.isprintable()


@pytest.mark.parametrize(
    "issuer", ["https://idpørten.no", "https://idporten.no/\r\nx", "https://idporten.no/ x"]
)
def test_an_issuer_option_with_such_characters_is_refused(issuer: str) -> None:
    """The same rule for the configured issuer: an international name in its ``xn--``
    form, no white space or control characters."""
    with pytest.raises(InvalidConfiguration, match="printable ASCII"):
        settings_from_options(IDPORTEN, {"audience": "x", "issuer": issuer})


def test_urls_in_key_fetch_errors_are_quoted(idp: LoopbackOidcProvider) -> None:
    """A URL in an ``IssuerUnavailable`` is quoted and escaped as ``repr`` does."""
    idp.jwks_document = {"keys": []}
    with authenticator(IDPORTEN, idp) as auth, pytest.raises(IssuerUnavailable) as caught:
        auth.verify(idp.token(idporten_claims(idp)))
    assert f"the key set at {idp.jwks_uri!r} cannot be used" in str(caught.value)


# -- 7. small ones -----------------------------------------------------------------------


@pytest.mark.parametrize("nonce", [b"n", 7])
def test_a_nonce_that_is_not_text_is_invalid_input(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, nonce: object
) -> None:
    """``verify(token, nonce=b"n")`` raised a raw AttributeError; now ``InvalidInput`` naming
    ``nonce`` and what was expected."""
    with pytest.raises(InvalidInput, match=r"^nonce: expected text"):
        idporten.verify(idp.token(idporten_claims(idp, nonce="n")), nonce=nonce)  # type: ignore[arg-type]


def test_a_long_sub_is_hashed_into_the_opaque_form(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """A ``sub`` the verifier takes (up to 255 characters) made ``idporten:{sub}`` longer than
    a subject may be (256): ``attribute-invalid``. It is hashed instead, stable; one that fits
    is kept."""
    for length in (248, 250, 255):
        sub = "s" * length
        first = login(idporten, idp.token(idporten_claims(idp, sub=sub)))
        assert re.fullmatch(r"idporten:h:[a-p]{64}", first)
        assert login(idporten, idp.token(idporten_claims(idp, sub=sub))) == first
    fits = "s" * (256 - len("idporten:"))
    assert login(idporten, idp.token(idporten_claims(idp, sub=fits))) == f"idporten:{fits}"


@pytest.mark.parametrize("value", ["²", "٣٠", "３０", "1" * 5000])
def test_a_whole_number_option_takes_ascii_digits_only(value: str) -> None:
    """``clock_skew='²'`` said "invalid literal for int()" and Arabic-Indic or full-width
    digits were read as 30: the option takes 0-9 only, and says so."""
    with pytest.raises(
        InvalidConfiguration, match=r"clock_skew: expected a whole number"
    ) as caught:
        settings_from_options(IDPORTEN, {"audience": "x", "clock_skew": value})
    assert "int()" not in str(caught.value)


def test_http_timeout_takes_ascii_digits_only() -> None:
    """``float()`` reads other scripts' digits too: ``http_timeout`` takes ASCII only."""
    with pytest.raises(InvalidConfiguration, match=r"http_timeout: expected seconds in the digits"):
        settings_from_options(IDPORTEN, {"audience": "x", "http_timeout": "٣"})


def test_a_short_rsa_key_says_why(idp: LoopbackOidcProvider) -> None:
    """``key-unusable`` for a 1024-bit RSA key said only "cannot verify RS256"; it now says
    how long the key is and what is expected."""
    short = ProviderKey(
        "short",
        "RS256",
        rsa.generate_private_key(public_exponent=65537, key_size=1024),  # noqa: S505 - the point
    )
    idp.jwks_document = {"keys": [short.public_jwk()]}
    with authenticator(IDPORTEN, idp) as auth, pytest.raises(TokenRejected) as caught:
        auth.verify(idp.token(idporten_claims(idp), key=short))
    assert caught.value.code == "key-unusable"
    assert "RSA key of 1024 bits; expected at least 2048" in str(caught.value)
