"""The attack suite: each known way to get a forged or misused token accepted, by name.

Every test runs the real verifier (the first-party ID-porten or HelseID authenticator)
against a real loopback OpenID provider: tokens are signed by the provider's keys,
keys are fetched over HTTP on 127.0.0.1, nothing is monkeypatched. Each attack must
end in a ``TokenRejected`` with the expected ``code`` and a message that holds neither
the token nor the identity number. ``docs/plugins/login.md`` lists the same attacks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from _login_helpers import (
    AUDIENCE,
    FH_NUMMER,
    H_NUMMER,
    PERSON,
    authenticator,
    helseid_claims,
    idporten_claims,
)
from cryptography.hazmat.primitives import serialization

from barnekoordinator.access.login import OidcAuthenticator
from barnekoordinator.access.principal import Credential, Principal
from barnekoordinator.errors import TokenRejected
from barnekoordinator.testing.oidc import OMIT_CLAIM, LoopbackOidcProvider, b64url_encode
from barnekoordinator_plugins.idporten import IDPORTEN


def login(auth: OidcAuthenticator, token: str, *, nonce: str | None = None) -> Principal | None:
    """Present ``token`` as a credential of the authenticator's own kind."""
    return auth.authenticate(
        Credential(kind=auth.settings.credential_kind, token=token, nonce=nonce)
    )


def reject(
    auth: OidcAuthenticator, token: str, code: str, *, nonce: str | None = None
) -> TokenRejected:
    """Assert that ``token`` is rejected with ``code``, echoing neither it nor the person."""
    with pytest.raises(TokenRejected) as caught:
        login(auth, token, nonce=nonce)
    error = caught.value
    assert error.code == code, error.reason
    assert error.reason.startswith(code + ": ")
    text = f"{error}{error!r}"
    assert token not in text
    assert PERSON not in text
    return error


def segments(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """``header.payload`` as base64url JSON."""
    return (
        f"{b64url_encode(json.dumps(header).encode())}.{b64url_encode(json.dumps(claims).encode())}"
    )


# -- algorithms -----------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE", " none"])
def test_alg_none_in_any_spelling(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, alg: str
) -> None:
    """An unsigned token says ``alg: none``; no spelling of it is accepted."""
    unsigned = segments({"alg": alg, "kid": idp.current_key.kid}, idporten_claims(idp))
    reject(idporten, unsigned + ".", "unsigned")
    reject(idporten, unsigned + "." + b64url_encode(b"anything"), "unsigned")


def test_hs256_signed_with_the_public_key(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Algorithm confusion (CVE-2024-33663's class): an HMAC keyed with the public key."""
    public = idp.current_key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = segments(
        {"alg": "HS256", "kid": idp.current_key.kid, "typ": "JWT"}, idporten_claims(idp)
    )
    mac = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    error = reject(idporten, f"{signing_input}.{b64url_encode(mac)}", "alg-not-allowed")
    assert "'HS256' is not accepted" in error.reason


def test_an_algorithm_the_issuer_is_not_trusted_with(idp: LoopbackOidcProvider) -> None:
    """An ES256 token from an issuer trusted only with RS256, even with a published key."""
    with authenticator(IDPORTEN, idp) as auth:
        es = idp.add_key("ES256")
        reject(auth, idp.token(idporten_claims(idp), key=es), "alg-not-allowed")


def test_an_rsa_key_named_for_an_ec_signature(idp: LoopbackOidcProvider) -> None:
    """Header ``alg: ES256`` with the ``kid`` of an RSA key: the key does not fit."""
    with authenticator(IDPORTEN, idp, algorithms="RS256,ES256") as auth:
        es = idp.add_key("ES256", publish=False, current=False)
        forged = idp.token(idporten_claims(idp), key=es, header={"kid": idp.published_keys[0].kid})
        reject(auth, forged, "key-unusable")


# -- keys and kid -----------------------------------------------------------------------


def test_unknown_kid_is_refreshed_once_then_rejected(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """A ``kid`` not in the key set triggers one refresh (rotation), then a rejection."""
    assert login(idporten, idp.token(idporten_claims(idp))) is not None
    before = idp.jwks_requests
    stranger = idp.add_key(publish=False, current=False)
    reject(idporten, idp.token(idporten_claims(idp), key=stranger), "kid-unknown")
    assert idp.jwks_requests == before + 1


def test_unknown_kids_cannot_flood_the_issuer(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Many tokens with unknown kids cost at most one key-set fetch per interval."""
    assert login(idporten, idp.token(idporten_claims(idp))) is not None
    before = idp.jwks_requests
    for n in range(20):
        forged = idp.token(idporten_claims(idp), header={"kid": f"made-up-{n}"})
        reject(idporten, forged, "kid-unknown")
    assert idp.jwks_requests == before + 1


@pytest.mark.parametrize(
    "kid", ["../../etc/passwd", "..\\..\\keys", "/dev/null", "jwks.json/../x", "a/b"]
)
def test_kid_with_path_characters(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, kid: str
) -> None:
    """A ``kid`` that is a path is refused before any key is looked up."""
    reject(idporten, idp.token(idporten_claims(idp), header={"kid": kid}), "kid-invalid")
    assert idp.jwks_requests == 0


@pytest.mark.parametrize(
    "kid", ["x' OR '1'='1", "1; DROP TABLE keys --", 'a"b', "k\x00id", "", "k" * 300]
)
def test_kid_with_sql_or_control_characters(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, kid: str
) -> None:
    """Quotes, semicolons, NUL, empty and overlong ``kid`` values are refused."""
    reject(idporten, idp.token(idporten_claims(idp), header={"kid": kid}), "kid-invalid")


def test_kid_that_is_not_a_string(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """``"kid": 7`` is not a key id."""
    reject(idporten, idp.token(idporten_claims(idp), header={"kid": 7}), "kid-invalid")


def test_missing_kid(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """A token without ``kid`` (python-jose would try every key)."""
    token = idp.sign_segments(
        json.dumps({"alg": "RS256", "typ": "JWT"}).encode(),
        json.dumps(idporten_claims(idp)).encode(),
    )
    reject(idporten, token, "kid-missing")


@pytest.mark.parametrize("member", ["jku", "x5u"])
def test_jku_and_x5u_headers_are_ignored(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, member: str
) -> None:
    """A header pointing at the attacker's own key set is never followed."""
    with LoopbackOidcProvider() as attacker:
        claims = idporten_claims(idp)
        forged = attacker.token(claims, header={member: attacker.jwks_uri})
        reject(idporten, forged, "kid-unknown")
        same_kid = attacker.token(
            claims, header={member: attacker.jwks_uri, "kid": idp.current_key.kid}
        )
        reject(idporten, same_kid, "bad-signature")
        assert attacker.jwks_requests == 0


def test_an_embedded_jwk_header_is_ignored(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """A header carrying its own public key (``jwk``/``x5c``) does not choose the key."""
    with LoopbackOidcProvider() as attacker:
        jwk = attacker.current_key.public_jwk()
        forged = attacker.token(
            idporten_claims(idp), header={"jwk": jwk, "x5c": ["MIIB"], "kid": idp.current_key.kid}
        )
        reject(idporten, forged, "bad-signature")


def test_a_token_signed_with_another_issuers_key(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Another (real, working) issuer's key, with our ``iss`` in the payload."""
    with LoopbackOidcProvider() as other:
        reject(idporten, other.token(idporten_claims(idp)), "kid-unknown")
        reject(
            idporten,
            other.token(idporten_claims(idp), header={"kid": idp.current_key.kid}),
            "bad-signature",
        )


def test_a_retired_key_is_rejected_after_the_next_refresh(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Once the issuer stops publishing a key, tokens signed with it stop verifying."""
    old = idp.current_key
    assert login(idporten, idp.token(idporten_claims(idp))) is not None
    new = idp.rotate(retire_previous=True)
    assert login(idporten, idp.token(idporten_claims(idp), key=new)) is not None
    reject(idporten, idp.token(idporten_claims(idp), key=old), "kid-unknown")


# -- time -------------------------------------------------------------------------------


def test_expired(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """``exp`` an hour ago."""
    now = idp.now()
    reject(idporten, idp.token(idporten_claims(idp, iat=now - 7200, exp=now - 3600)), "expired")


def test_expired_is_judged_by_the_injected_clock(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """The same token is accepted, then rejected once the (injected) clock passes ``exp``."""
    from datetime import timedelta

    from barnekoordinator.clock import FixedClock

    token = idp.token(idporten_claims(idp))
    assert login(idporten, token) is not None
    clock = idp.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(seconds=120 + idporten.settings.clock_skew))
    reject(idporten, token, "expired")


def test_clock_skew_is_bounded(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """Within the skew a token is accepted; one second beyond, it is not."""
    now, skew = idp.now(), idporten.settings.clock_skew
    assert (
        login(idporten, idp.token(idporten_claims(idp, iat=now - 600, exp=now - skew + 1)))
        is not None
    )
    reject(idporten, idp.token(idporten_claims(idp, iat=now - 600, exp=now - skew)), "expired")
    assert (
        login(idporten, idp.token(idporten_claims(idp, iat=now + skew, exp=now + 600))) is not None
    )
    reject(
        idporten,
        idp.token(idporten_claims(idp, iat=now + skew + 1, exp=now + 600)),
        "issued-in-future",
    )


def test_not_yet_valid(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """``nbf`` an hour ahead."""
    now = idp.now()
    reject(
        idporten, idp.token(idporten_claims(idp, nbf=now + 3600, exp=now + 7200)), "not-yet-valid"
    )


def test_iat_in_the_future(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """``iat`` an hour ahead (python-jose only checks that it is an int)."""
    now = idp.now()
    reject(
        idporten,
        idp.token(idporten_claims(idp, iat=now + 3600, exp=now + 7200)),
        "issued-in-future",
    )


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_missing_exp_or_iat(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, claim: str
) -> None:
    """``exp`` and ``iat`` are required (python-jose accepts a token without ``exp``)."""
    reject(idporten, idp.token(idporten_claims(idp, **{claim: OMIT_CLAIM})), "claim-missing")


@pytest.mark.parametrize("value", [None, "soon", True, [1], {"t": 1}, -5, 10**12, "1767605400"])
def test_malformed_exp(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, value: object
) -> None:
    """``"exp": null`` (a raw TypeError in python-jose), ``"soon"``, booleans, lists, ∞ …"""
    reject(idporten, idp.token(idporten_claims(idp, exp=value)), "claim-invalid")


# -- issuer, audience, subject, identity ------------------------------------------------


def test_wrong_issuer(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """A token (signed by our issuer's key) naming another issuer."""
    reject(idporten, idp.token(idporten_claims(idp, iss="https://idporten.no")), "wrong-issuer")


def test_issuer_with_a_trailing_slash(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """``iss`` with a trailing slash is another issuer; the reason says so."""
    error = reject(idporten, idp.token(idporten_claims(idp, iss=idp.issuer + "/")), "wrong-issuer")
    assert "trailing slash" in error.reason


def test_wrong_audience(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """A token for another client."""
    reject(idporten, idp.token(idporten_claims(idp, aud="another-client")), "wrong-audience")


def test_audience_list_without_ours(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """An ``aud`` list that does not name us."""
    reject(idporten, idp.token(idporten_claims(idp, aud=["a", "b"])), "wrong-audience")


def test_empty_audience_list(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """``"aud": []`` names nobody."""
    reject(idporten, idp.token(idporten_claims(idp, aud=[])), "claim-invalid")


def test_missing_audience(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """No ``aud`` at all (python-jose accepts that even when given an audience)."""
    reject(idporten, idp.token(idporten_claims(idp, aud=OMIT_CLAIM)), "claim-missing")


def test_several_audiences_need_our_azp(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """With several audiences, ``azp`` must be us (OIDC Core §3.1.3.7)."""
    reject(idporten, idp.token(idporten_claims(idp, aud=[AUDIENCE, "other"])), "wrong-audience")
    reject(
        idporten,
        idp.token(idporten_claims(idp, aud=[AUDIENCE, "other"], azp="other")),
        "wrong-audience",
    )
    accepted = idp.token(idporten_claims(idp, aud=[AUDIENCE, "other"], azp=AUDIENCE))
    assert login(idporten, accepted) is not None


@pytest.mark.parametrize("azp", [None, 7, [AUDIENCE], {"client": AUDIENCE}])
def test_an_azp_that_is_not_a_string_is_refused(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, azp: object
) -> None:
    """``"azp": null`` was taken for no ``azp`` and accepted (found by the property test in CI,
    2026-12-06); present, it must be a string (OIDC Core §2), alone or with several audiences."""
    reject(idporten, idp.token(idporten_claims(idp, azp=azp)), "claim-invalid")
    reject(
        idporten, idp.token(idporten_claims(idp, aud=[AUDIENCE, "other"], azp=azp)), "claim-invalid"
    )


def test_missing_sub(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """No ``sub``."""
    reject(idporten, idp.token(idporten_claims(idp, sub=OMIT_CLAIM)), "claim-missing")


def test_missing_identity_claim(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """No ``pid`` where the issuer requires one."""
    reject(idporten, idp.token(idporten_claims(idp, pid=OMIT_CLAIM)), "identity-missing")


@pytest.mark.parametrize("pid", ["12345678901", "not-a-number", 47906701517, ""])
def test_invalid_identity_claim(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, pid: object
) -> None:
    """A ``pid`` that is not a valid fødselsnummer (checksum, letters, a number, empty)."""
    error = reject(idporten, idp.token(idporten_claims(idp, pid=pid)), "identity-invalid")
    assert "12345678901" not in error.reason


def test_synthetic_identity_from_a_production_issuer(idp: LoopbackOidcProvider) -> None:
    """A Tenor test number is refused where synthetic identities are not allowed."""
    with authenticator(IDPORTEN, idp, synthetic_identities="false") as auth:
        error = reject(auth, idp.token(idporten_claims(idp)), "identity-invalid")
        assert "synthetic" in error.reason


@pytest.mark.parametrize(
    ("pid", "kind"), [(H_NUMMER, "h-nummer"), (FH_NUMMER, "fh-nummer")], ids=["h", "fh"]
)
def test_a_help_number_is_not_a_login_identity(
    idp: LoopbackOidcProvider, pid: str, kind: str
) -> None:
    """H- and FH-numbers are a health institution's help numbers, not unique nationally; an
    identity provider logs in people by fødselsnummer or D-nummer (login sweep, 2026-12-07:
    a production issuer took both)."""
    with authenticator(IDPORTEN, idp, synthetic_identities="false") as auth:
        error = reject(auth, idp.token(idporten_claims(idp, pid=pid)), "identity-invalid")
        assert f"an {kind} is a health institution's help number" in error.reason
        assert pid not in error.reason


# -- assurance --------------------------------------------------------------------------


def test_low_acr(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """``idporten-loa-low`` is below the minimum (substantial)."""
    reject(idporten, idp.token(idporten_claims(idp, acr="idporten-loa-low")), "assurance-too-low")


def test_substantial_acr_where_high_is_required(idp: LoopbackOidcProvider) -> None:
    """A deployment that requires level 4 refuses a MinID login."""
    with authenticator(IDPORTEN, idp, minimum_assurance="high") as auth:
        reject(
            auth,
            idp.token(idporten_claims(idp, acr="idporten-loa-substantial")),
            "assurance-too-low",
        )


def test_missing_acr(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """No ``acr``: an unknown level is never good enough."""
    reject(idporten, idp.token(idporten_claims(idp, acr=OMIT_CLAIM)), "assurance-missing")


@pytest.mark.parametrize("acr", ["Level5", "idporten-loa-veryhigh", "", 4, ["idporten-loa-high"]])
def test_unknown_acr(idporten: OidcAuthenticator, idp: LoopbackOidcProvider, acr: object) -> None:
    """An ``acr`` that is not on the scale, or not a string."""
    reject(idporten, idp.token(idporten_claims(idp, acr=acr)), "assurance-unknown")


# -- integrity and shape ----------------------------------------------------------------


def test_tampered_payload(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """The payload of a valid token, re-encoded with a raised ``acr``."""
    header, _payload, signature = idp.token(
        idporten_claims(idp, acr="idporten-loa-substantial")
    ).split(".")
    payload = b64url_encode(json.dumps(idporten_claims(idp, acr="idporten-loa-high")).encode())
    reject(idporten, f"{header}.{payload}.{signature}", "bad-signature")


def test_stripped_signature(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """A valid token without its signature."""
    header, payload, _signature = idp.token(idporten_claims(idp)).split(".")
    reject(idporten, f"{header}.{payload}.", "unsigned")


def test_a_signature_that_is_not_canonical_base64url(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Unused low bits set in the signature's last character: one token, two spellings."""
    token = idp.token(idporten_claims(idp))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    reject(idporten, token[:-1] + alphabet[last | 1], "malformed")


@pytest.mark.parametrize("cut", [1, 10, 200])
def test_truncated_token(idporten: OidcAuthenticator, idp: LoopbackOidcProvider, cut: int) -> None:
    """A token cut short: a shorter signature no longer verifies (or no longer decodes)."""
    token = idp.token(idporten_claims(idp))
    with pytest.raises(TokenRejected) as caught:
        login(idporten, token[:-cut])
    assert caught.value.code in ("bad-signature", "malformed")


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "a",
        "a.b",
        "a.b.c.d",
        "....",
        "eyJ.eyJ.sig",
        "é.é.é",
        "!!!.!!!.!!!",
        "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
    ],
)
def test_garbage_tokens(idporten: OidcAuthenticator, garbage: str) -> None:
    """Text that is not a compact JWS, or whose payload is not a JSON object."""
    with pytest.raises(TokenRejected) as caught:
        login(idporten, garbage)
    assert caught.value.code in ("malformed", "encrypted")


def test_exp_infinity_is_not_json(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """``"exp": Infinity`` (what Python writes for 1e400) is not JSON at all."""
    reject(idporten, idp.token(idporten_claims(idp, exp=1e400)), "malformed")


def test_a_payload_that_is_not_an_object(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """A correctly signed token whose payload is a JSON list."""
    header = json.dumps({"alg": "RS256", "kid": idp.current_key.kid}).encode()
    reject(idporten, idp.sign_segments(header, b"[]"), "malformed")


def test_header_that_is_not_json(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """A header segment that decodes to something other than a JSON object."""
    token = idp.sign_segments(b"[1, 2]", json.dumps(idporten_claims(idp)).encode())
    reject(idporten, token, "malformed")


def test_a_null_header_typ_is_malformed_not_absent(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """``"typ": null`` in the header is refused, not read as a missing ``typ`` (fail closed)."""
    header = json.dumps({"alg": "RS256", "kid": idp.current_key.kid, "typ": None}).encode()
    token = idp.sign_segments(header, json.dumps(idporten_claims(idp)).encode())
    reject(idporten, token, "malformed")
    header = json.dumps({"alg": "RS256", "kid": idp.current_key.kid}).encode()
    assert idporten.verify(idp.sign_segments(header, json.dumps(idporten_claims(idp)).encode()))


def test_oversized_token_is_refused_before_decoding(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """A token over the size limit is refused without decoding it or fetching a key."""
    padding = "x" * 20_000
    token = idp.token(idporten_claims(idp, padding=padding))
    reject(idporten, token, "too-large")
    reject(idporten, "A" * 1_000_000, "too-large")
    assert idp.jwks_requests == 0


def test_a_jwe_where_a_jws_is_expected(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """An encrypted token (five segments, or ``enc`` in the header) is not a signed one."""
    header = b64url_encode(json.dumps({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": "k"}).encode())
    reject(idporten, f"{header}.a2V5.aXY.Y2lwaGVy.dGFn", "encrypted")
    token = idp.token(idporten_claims(idp), header={"enc": "A256GCM"})
    reject(idporten, token, "encrypted")


def test_duplicate_member_names_are_refused(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Two ``acr`` (or two ``alg``) in one object: parsers disagree on which wins."""
    claims = json.dumps(idporten_claims(idp, acr="idporten-loa-low"))
    payload = claims[:-1] + ', "acr": "idporten-loa-high"}'
    reject(
        idporten,
        idp.sign_segments(
            json.dumps({"alg": "RS256", "kid": idp.current_key.kid}).encode(), payload.encode()
        ),
        "malformed",
    )
    header = '{"alg": "none", "alg": "RS256", "kid": "' + idp.current_key.kid + '"}'
    reject(
        idporten,
        idp.sign_segments(header.encode(), json.dumps(idporten_claims(idp)).encode()),
        "malformed",
    )


def test_a_payload_that_is_not_utf8(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """A signed payload whose bytes are Latin-1, not UTF-8."""
    payload = json.dumps(idporten_claims(idp), ensure_ascii=False).replace("TestID", "TéstID")
    token = idp.sign_segments(
        json.dumps({"alg": "RS256", "kid": idp.current_key.kid}).encode(), payload.encode("latin-1")
    )
    reject(idporten, token, "malformed")


def test_a_token_that_is_not_utf8_text(idporten: OidcAuthenticator) -> None:
    """Raw bytes that are not UTF-8 are a rejection, not a UnicodeDecodeError."""
    with pytest.raises(TokenRejected) as caught:
        idporten.verify(b"\xff\xfe.\x80.\x81")
    assert caught.value.code == "malformed"


@pytest.mark.parametrize(
    "header", [{"crit": ["exp"]}, {"b64": False, "crit": ["b64"]}, {"cty": "JWT"}]
)
def test_unsupported_jws_extensions(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, header: dict[str, Any]
) -> None:
    """``crit`` and ``b64`` extensions and nested tokens are refused, not ignored."""
    reject(idporten, idp.token(idporten_claims(idp), header=header), "unsupported-header")


# -- nonce -------------------------------------------------------------------------------


def test_a_replayed_nonce(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """The same login response presented twice: the second is a replay."""
    token = idp.token(idporten_claims(idp, nonce="n-0f9a"))
    assert login(idporten, token, nonce="n-0f9a") is not None
    reject(idporten, token, "nonce-replayed", nonce="n-0f9a")


def test_a_wrong_or_missing_nonce(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """The token must carry the nonce of the request it answers."""
    reject(
        idporten, idp.token(idporten_claims(idp, nonce="n-other")), "nonce-mismatch", nonce="n-0f9a"
    )
    reject(idporten, idp.token(idporten_claims(idp)), "nonce-mismatch", nonce="n-0f9a")
    reject(idporten, idp.token(idporten_claims(idp, nonce=17)), "nonce-mismatch", nonce="17")


# -- token types -------------------------------------------------------------------------


@pytest.mark.parametrize("typ", ["at+jwt", "application/at+jwt", "AT+JWT"])
def test_an_access_token_used_as_an_id_token(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, typ: str
) -> None:
    """An RFC 9068 access token (``typ: at+jwt``) presented to a relying party."""
    reject(idporten, idp.token(idporten_claims(idp), typ=typ), "wrong-type")


def test_a_keycloak_bearer_token_used_as_an_id_token(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Keycloak (BankID) marks access tokens ``"typ": "Bearer"`` in the payload."""
    reject(idporten, idp.token(idporten_claims(idp, typ="Bearer")), "wrong-type")


@pytest.mark.parametrize("typ", ["JWT", None])
def test_an_id_token_used_as_an_access_token(
    helseid: OidcAuthenticator, idp: LoopbackOidcProvider, typ: str | None
) -> None:
    """An id_token (``typ: JWT`` or none) presented to an API expecting ``at+jwt``."""
    reject(helseid, idp.token(helseid_claims(idp), typ=typ), "wrong-type")
    reject(helseid, idp.token(helseid_claims(idp, typ="ID"), typ=typ), "wrong-type")


def test_a_sender_constrained_access_token(
    helseid: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """A DPoP-bound token (``cnf.jkt``) whose proof is not checked here is refused."""
    claims = helseid_claims(idp, cnf={"jkt": base64.urlsafe_b64encode(b"x" * 32).decode()})
    reject(helseid, idp.token(claims, typ="at+jwt"), "sender-constrained")


# -- ambiguity --------------------------------------------------------------------------


def test_two_different_hpr_numbers(helseid: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """A token naming two health personnel numbers: which person is this?"""
    claims = helseid_claims(idp, **{"helseid://claims/hpr/hpr_number": ["181000001", "181000002"]})
    reject(helseid, idp.token(claims, typ="at+jwt"), "attribute-invalid")


def test_an_invalid_organisation_number(
    helseid: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """An organisation number with a wrong check digit is not dropped silently."""
    claims = helseid_claims(idp, **{"helseid://claims/client/claims/orgnr_parent": "123456789"})
    reject(helseid, idp.token(claims, typ="at+jwt"), "attribute-invalid")
