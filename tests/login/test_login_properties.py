"""Invariants of the verifier, over generated tokens (Hypothesis).

* Whatever a correctly signed token holds — any JSON for any claim, any header — the
  verifier returns a token that meets every rule, or raises ``TokenRejected``: never
  another exception, never an acceptance that breaks a rule.
* Any bytes at all are a ``TokenRejected``.
* Every valid login of a synthetic person gives that person, redacted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from _login_helpers import AUDIENCE, authenticator, idporten_claims
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.login import OidcAuthenticator
from barnekoordinator.access.principal import AssuranceLevel, Credential
from barnekoordinator.errors import TokenRejected
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.oidc import OMIT_CLAIM, LoopbackOidcProvider
from barnekoordinator_plugins.idporten import IDPORTEN

SHARED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def idp() -> Iterator[LoopbackOidcProvider]:
    """One provider for the module (a fixed clock: generated tokens are judged alike)."""
    with LoopbackOidcProvider() as provider:
        yield provider


@pytest.fixture(scope="module")
def auth(idp: LoopbackOidcProvider) -> Iterator[OidcAuthenticator]:
    """The ID-porten authenticator trusting it, its key set warm after the first token."""
    with authenticator(IDPORTEN, idp) as made:
        yield made


def _claim_values(idp: LoopbackOidcProvider) -> dict[str, st.SearchStrategy[Any]]:
    now = idp.now()
    return {
        "iss": st.sampled_from([idp.issuer, idp.issuer + "/", "https://idporten.no"]) | JSON,
        "aud": st.sampled_from([AUDIENCE, [AUDIENCE], [AUDIENCE, "x"], "x", []]) | JSON,
        "exp": st.integers(now - 100, now + 100) | JSON,
        "iat": st.integers(now - 200, now + 60) | JSON,
        "nbf": st.integers(now - 60, now + 60) | JSON,
        "sub": st.text(min_size=1, max_size=20) | JSON,
        "acr": st.sampled_from(
            ["idporten-loa-high", "idporten-loa-substantial", "idporten-loa-low", "Level4"]
        )
        | JSON,
        "pid": st.sampled_from([synthetic_fodselsnummer(date(2012, 5, 3)), "12345678901"]) | JSON,
        "amr": st.lists(st.text(max_size=8), max_size=3) | JSON,
        "azp": st.just(AUDIENCE) | JSON,
        "typ": st.sampled_from(["ID", "Bearer"]) | JSON,
        "cnf": JSON,
        "name": st.text(max_size=30) | JSON,
    }


@SHARED
@given(data=st.data())
def test_a_signed_token_is_accepted_only_when_every_rule_holds(
    auth: OidcAuthenticator, idp: LoopbackOidcProvider, data: st.DataObject
) -> None:
    """Generated claims, correctly signed: accepted only if iss, aud, azp, exp, iat, nbf,
    sub, typ, cnf and acr all meet the rules; otherwise TokenRejected."""
    choices = _claim_values(idp)
    base = idporten_claims(idp)
    for name in data.draw(st.sets(st.sampled_from(sorted(choices)), max_size=5), label="changed"):
        base[name] = data.draw(st.just(OMIT_CLAIM) | choices[name], label=name)
    claims = {k: v for k, v in base.items() if v is not OMIT_CLAIM}
    try:
        principal = auth.authenticate(Credential(kind="idporten-id-token", token=idp.token(claims)))
    except TokenRejected:
        return
    now, skew = idp.now(), auth.settings.clock_skew
    assert principal is not None
    assert claims["iss"] == idp.issuer
    assert claims["aud"] == AUDIENCE or (
        isinstance(claims["aud"], list) and AUDIENCE in claims["aud"]
    )
    assert claims.get("azp", AUDIENCE) == AUDIENCE
    assert not isinstance(claims["exp"], bool)
    assert not isinstance(claims["iat"], bool)
    assert claims["iat"] < claims["exp"]
    assert claims["iat"] <= now + skew
    assert now < claims["exp"] + skew
    assert claims.get("nbf", now) <= now + skew
    assert claims.get("typ", "ID") == "ID"
    assert "cnf" not in claims
    assert AssuranceLevel.from_acr(claims["acr"]).at_least(AssuranceLevel.SUBSTANTIAL)
    assert principal.national_id is not None
    assert principal.national_id.reveal() == claims["pid"]


HEADER_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "alg": st.sampled_from(["RS256", "none", "HS256", "ES256", "RS512", "rs256"]) | JSON,
    "kid": st.text(max_size=10) | JSON,
    "typ": st.sampled_from(["JWT", "at+jwt", "application/jwt", "jwt"]) | JSON,
    "crit": JSON,
    "enc": JSON,
    "jku": st.just("http://127.0.0.1:1/jwks.json"),
    "cty": st.sampled_from(["JWT", "json"]) | JSON,
}


@SHARED
@given(data=st.data())
def test_a_header_is_accepted_only_when_it_names_the_issuers_key_and_algorithm(
    auth: OidcAuthenticator, idp: LoopbackOidcProvider, data: st.DataObject
) -> None:
    """Generated headers over a valid payload, signed with the issuer's key."""
    header: dict[str, Any] = {"alg": "RS256", "kid": idp.current_key.kid, "typ": "JWT"}
    for name in data.draw(
        st.sets(st.sampled_from(sorted(HEADER_VALUES)), max_size=3), label="changed"
    ):
        header[name] = data.draw(st.just(OMIT_CLAIM) | HEADER_VALUES[name], label=name)
    header = {k: v for k, v in header.items() if v is not OMIT_CLAIM}
    token = idp.sign_segments(
        json.dumps(header).encode(), json.dumps(idporten_claims(idp)).encode()
    )
    try:
        verified = auth.verify(token)
    except TokenRejected:
        return
    assert header["alg"] == "RS256"
    assert header["kid"] == idp.current_key.kid
    assert header.get("typ", "JWT").lower() in ("jwt", "application/jwt")
    assert not {"crit", "enc"} & header.keys()
    assert verified.key_id == idp.current_key.kid


@SHARED
@given(raw=st.binary(max_size=600) | st.text(max_size=600).map(str.encode))
def test_any_bytes_are_rejected(auth: OidcAuthenticator, raw: bytes) -> None:
    """Arbitrary bytes are a ``TokenRejected`` with a code, never another exception."""
    with pytest.raises(TokenRejected) as caught:
        auth.verify(raw)
    assert caught.value.code
    assert caught.value.reason.startswith(caught.value.code)


@SHARED
@given(
    born=st.dates(min_value=date(1940, 1, 1), max_value=date(2025, 12, 31)),
    acr=st.sampled_from(["idporten-loa-substantial", "idporten-loa-high", "Level3", "Level4"]),
    amr=st.lists(st.sampled_from(["BankID", "MinID", "Buypass", "TestID"]), max_size=3),
)
def test_every_valid_login_gives_its_person_redacted(
    auth: OidcAuthenticator, idp: LoopbackOidcProvider, born: date, acr: str, amr: list[str]
) -> None:
    """The principal holds the token's person, level and methods; repr shows none of the
    number's last five digits."""
    pid = synthetic_fodselsnummer(born)
    token = idp.token(idporten_claims(idp, pid=pid, acr=acr, amr=amr))
    principal = auth.authenticate(Credential(kind="idporten-id-token", token=token))
    assert principal is not None
    assert principal.national_id is not None
    assert principal.national_id.reveal() == pid
    assert principal.assurance is AssuranceLevel.from_acr(acr)
    assert principal.amr == tuple(amr)
    assert pid not in repr(principal)
    assert pid[6:] not in repr(principal).replace("*", "")
