"""From a verified token to one Principal: each provider's claims, redaction, routing."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from _login_helpers import (
    AUDIENCE,
    FH_NUMMER,
    H_NUMMER,
    OTHER_PERSON,
    PERSON,
    authenticator,
    helseid_claims,
    idporten_claims,
)

from barnekoordinator.access.login import NonceCache, OidcAuthenticator
from barnekoordinator.access.principal import AssuranceLevel, Credential, Principal
from barnekoordinator.errors import InvalidConfiguration, TokenRejected
from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, synthetic_fodselsnummer
from barnekoordinator.testing.oidc import OMIT_CLAIM, LoopbackOidcProvider
from barnekoordinator_plugins.ansattporten import ANSATTPORTEN
from barnekoordinator_plugins.idporten import IDPORTEN


def at(helseid: OidcAuthenticator, idp: LoopbackOidcProvider, **changes: object) -> Principal:
    """The principal of a HelseID access token with ``changes``."""
    token = idp.token(helseid_claims(idp, **changes), typ="at+jwt")
    principal = helseid.authenticate(Credential(kind="helseid-access-token", token=token))
    assert principal is not None
    return principal


def test_an_idporten_login(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """``pid``, ``acr`` and ``amr`` of an ID-porten id_token make the principal."""
    token = idp.token(idporten_claims(idp, sub="pairwise-4711", acr="idporten-loa-substantial"))
    principal = idporten.authenticate(Credential(kind="idporten-id-token", token=token))
    assert principal == Principal(
        subject="idporten:pairwise-4711",
        display_label="ID-porten",
        assurance=AssuranceLevel.SUBSTANTIAL,
        national_id=principal.national_id if principal else None,
        identity_provider="idporten",
        amr=("TestID",),
    )
    assert principal is not None
    assert principal.national_id is not None
    assert principal.national_id.reveal() == PERSON
    assert principal.national_id.synthetic


def test_a_helseid_access_token(helseid: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """HelseID: ``security_level`` "4", the HPR number from a list, the parent organisation."""
    principal = at(helseid, idp, **{"helseid://claims/client/claims/orgnr_child": "974760673"})
    assert principal.assurance is AssuranceLevel.HIGH
    assert principal.hpr == HprNummer(181000001)
    assert principal.organisation == Organisasjonsnummer("123456785")
    assert principal.national_id is not None
    assert principal.national_id.reveal() == OTHER_PERSON
    assert principal.display_label == "KVART GREVLING"
    assert principal.identity_provider == "helseid"


@pytest.mark.parametrize("hpr", ["181000001", ["181000001"], ["181000001", "181000001"]])
def test_an_hpr_number_as_string_or_list(
    helseid: OidcAuthenticator, idp: LoopbackOidcProvider, hpr: object
) -> None:
    """HelseID sends the HPR number as a string or as a list of one (or repeated)."""
    assert at(helseid, idp, **{"helseid://claims/hpr/hpr_number": hpr}).hpr == HprNummer(181000001)


def test_the_child_organisation_when_there_is_no_parent(
    helseid: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Organisation claims are tried in order."""
    principal = at(
        helseid,
        idp,
        **{
            "helseid://claims/client/claims/orgnr_parent": OMIT_CLAIM,
            "helseid://claims/client/claims/orgnr_child": "974760673",
        },
    )
    assert principal.organisation == Organisasjonsnummer("974760673")


def test_a_security_level_below_four_where_four_is_required(idp: LoopbackOidcProvider) -> None:
    """``minimum_assurance=high`` refuses HelseID level 3."""
    from barnekoordinator_plugins.helseid import HELSEID

    with (
        authenticator(HELSEID, idp, minimum_assurance="high") as auth,
        pytest.raises(TokenRejected) as caught,
    ):
        auth.verify(
            idp.token(
                helseid_claims(idp, **{"helseid://claims/identity/security_level": "3"}),
                typ="at+jwt",
            )
        )
    assert caught.value.code == "assurance-too-low"


def _reportee(number: str) -> dict[str, object]:
    return {
        "Rights": ["Read"],
        "Authority": "iso6523-actorid-upis",
        "ID": f"0192:{number}",
        "Name": "X",
    }


@pytest.mark.parametrize(
    ("reportees", "expected"),
    [
        ([_reportee("123456785")], "123456785"),
        ([_reportee("123456785"), _reportee("123456785")], "123456785"),
        ([], None),
    ],
)
def test_the_ansattporten_organisation(
    idp: LoopbackOidcProvider, reportees: list[object], expected: str | None
) -> None:
    """The Altinn representation chosen in Ansattporten is the organisation."""
    details = [{"type": "ansattporten:altinn:service", "reportees": reportees}]
    with authenticator(ANSATTPORTEN, idp) as auth:
        token = idp.token(idporten_claims(idp, acr="substantial", authorization_details=details))
        principal = auth.authenticate(Credential(kind="ansattporten-id-token", token=token))
    assert principal is not None
    assert principal.assurance is AssuranceLevel.SUBSTANTIAL
    assert (str(principal.organisation) if principal.organisation else None) == expected


def test_two_ansattporten_organisations_are_ambiguous(idp: LoopbackOidcProvider) -> None:
    """Two different organisations: rejected, never left empty (which would widen access)."""
    details = [{"reportees": [_reportee("123456785"), _reportee("974760673")]}]
    token = idp.token(idporten_claims(idp, acr="high", authorization_details=details))
    with authenticator(ANSATTPORTEN, idp) as auth, pytest.raises(TokenRejected) as caught:
        auth.authenticate(Credential(kind="jwt", token=token))
    assert caught.value.code == "attribute-invalid"


def test_amr_as_a_string(idporten: OidcAuthenticator, idp: LoopbackOidcProvider) -> None:
    """Older ID-porten tokens send ``amr`` as one string."""
    token = idp.token(idporten_claims(idp, amr="BankID"))
    principal = idporten.authenticate(Credential(kind="idporten-id-token", token=token))
    assert principal is not None
    assert principal.amr == ("BankID",)


@pytest.mark.parametrize(
    "sub",
    [
        "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
        "e2f1c0d3-4b5a-4c6d-9e8f-012345678901",
        # Number-shaped, but no one's number (no such month, or the control digits do not fit).
        "12345678901",
        "038512-50018",
        "x/038512/50018",
    ],
)
def test_a_subject_never_looks_like_a_national_id(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, sub: str
) -> None:
    """A ``sub`` with eleven digits in a row (a UUID can have them) becomes an opaque,
    stable, digit-free subject; other subjects keep the issuer's ``sub``."""
    token = idp.token(idporten_claims(idp, sub=sub))
    principal = idporten.authenticate(Credential(kind="idporten-id-token", token=token))
    assert principal is not None
    if re.search(r"\d{11}", sub) or re.search(r"\d{6}[-./]\d{5}", sub):
        assert re.fullmatch(r"idporten:h:[a-p]{64}", principal.subject)
        again = idporten.authenticate(
            Credential(kind="idporten-id-token", token=idp.token(idporten_claims(idp, sub=sub)))
        )
        assert again is not None
        assert again.subject == principal.subject
    else:
        assert principal.subject == f"idporten:{sub}"


@pytest.mark.parametrize(
    "sub",
    [
        # The forms the redactor hides (login sweep, 2026-12-07: they reached the subject).
        "038512-50017",
        "038512.50017",
        "x/038512/50017",
        synthetic_fodselsnummer(date(1984, 7, 19), individual=474),
    ],
)
def test_a_subject_that_is_an_identity_number_is_refused(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, sub: str
) -> None:
    """A ``sub`` holding a real identity number is refused, not hashed: the SHA-256 of a number
    from one birth year is found by trying them all (about 100,000) in seconds, and the subject
    is written in clear as the actor of every record (door sweep, 2026-12-07). The error does
    not repeat the number."""
    token = idp.token(idporten_claims(idp, sub=sub))
    with pytest.raises(TokenRejected) as caught:
        idporten.authenticate(Credential(kind="idporten-id-token", token=token))
    assert caught.value.code == "claim-invalid"
    assert sub not in str(caught.value)
    assert not re.search(r"\d{5}", str(caught.value))


@pytest.mark.parametrize(
    ("claims", "label"),
    [
        ({"name": "Kari  Nordmann"}, "Kari Nordmann"),
        ({"given_name": "Ola", "family_name": "Nordmann"}, "Ola Nordmann"),
        ({"name": "Kari 123456"}, "ID-porten"),
        ({"name": "Kari 12-34-56"}, "ID-porten"),
        ({"name": "x" * 200}, "ID-porten"),
        ({"name": 17}, "ID-porten"),
    ],
)
def test_the_display_label(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, claims: dict[str, object], label: str
) -> None:
    """The name as the family sees it; never an identifier; else the issuer's name."""
    token = idp.token(idporten_claims(idp, **claims))
    principal = idporten.authenticate(Credential(kind="idporten-id-token", token=token))
    assert principal is not None
    assert principal.display_label == label


def test_a_login_without_a_national_id_where_none_is_required(idp: LoopbackOidcProvider) -> None:
    """eIDAS users have no ``pid``; a deployment may accept them (``require_national_id``)."""
    with authenticator(IDPORTEN, idp, require_national_id="false") as auth:
        token = idp.token(idporten_claims(idp, pid=OMIT_CLAIM, amr=["eIDAS"]))
        principal = auth.authenticate(Credential(kind="idporten-id-token", token=token))
    assert principal is not None
    assert principal.national_id is None


def test_the_verified_token_keeps_its_claims_out_of_repr(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """``VerifiedToken`` holds every claim, read-only, and never shows them."""
    verified = idporten.verify(idp.token(idporten_claims(idp)))
    assert verified.claims["pid"] == PERSON
    assert PERSON not in repr(verified)
    with pytest.raises(TypeError):
        verified.claims["pid"] = "x"  # type: ignore[index]
    assert verified.assurance is AssuranceLevel.HIGH
    assert verified.expires_at > verified.issued_at


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"])
def test_each_allowed_algorithm_verifies(algorithm: str) -> None:
    """Every algorithm of the allowlist verifies with its own kind of key."""
    with (
        LoopbackOidcProvider(algorithm=algorithm) as idp,
        authenticator(IDPORTEN, idp, algorithms=algorithm) as auth,
    ):
        assert auth.verify(idp.token(idporten_claims(idp))).algorithm == algorithm


def test_a_generic_credential_goes_to_its_issuer(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """``jwt`` credentials are answered only by the authenticator of their issuer."""
    with LoopbackOidcProvider() as other, authenticator(IDPORTEN, other) as elsewhere:
        token = idp.token(idporten_claims(idp))
        assert elsewhere.authenticate(Credential(kind="jwt", token=token)) is None
        assert idporten.authenticate(Credential(kind="jwt", token=token)) is not None
        assert other.jwks_requests == 0


def test_rejections_are_logged_without_the_token_or_the_person(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """The log names the issuer and the code, nothing from the token."""
    token = idp.token(idporten_claims(idp, aud="someone-else"))
    with caplog.at_level(logging.DEBUG), pytest.raises(TokenRejected):
        idporten.authenticate(Credential(kind="idporten-id-token", token=token))
    assert "login rejected by idporten: wrong-audience" in caplog.text
    assert PERSON not in caplog.text
    assert token not in caplog.text
    assert AUDIENCE not in caplog.text or "someone-else" not in caplog.text


def test_the_nonce_cache_is_bounded_and_fails_closed() -> None:
    """A full cache drops expired nonces first and refuses when none has expired."""
    cache = NonceCache(capacity=2)
    cache.remember("iss", "a", until=100, now=0)
    cache.remember("iss", "b", until=200, now=0)
    with pytest.raises(TokenRejected) as caught:
        cache.remember("iss", "c", until=300, now=50)
    assert caught.value.code == "replay-cache-full"
    cache.remember("iss", "c", until=300, now=150)  # "a" expired and is dropped
    with pytest.raises(TokenRejected) as replay:
        cache.remember("iss", "b", until=300, now=150)
    assert replay.value.code == "nonce-replayed"
    roomy = NonceCache()
    roomy.remember("iss", "b", until=300, now=150)
    roomy.remember("other-iss", "b", until=300, now=150)  # nonces are per issuer
    assert len(roomy) == 2
    with pytest.raises(InvalidConfiguration):
        NonceCache(capacity=0)


def test_a_rejected_login_does_not_use_up_the_nonce(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Only an accepted token records its nonce: a refused one can be followed by the
    real login of the same request."""
    low = idp.token(idporten_claims(idp, nonce="n-1", acr="idporten-loa-low"))
    with pytest.raises(TokenRejected) as caught:
        idporten.authenticate(Credential(kind="idporten-id-token", token=low, nonce="n-1"))
    assert caught.value.code == "assurance-too-low"
    good = idp.token(idporten_claims(idp, nonce="n-1"))
    credential = Credential(kind="idporten-id-token", token=good, nonce="n-1")
    assert idporten.authenticate(credential) is not None


def test_an_amr_holding_an_identity_number_is_refused(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """``amr`` is copied into the principal, whose repr shows it: a number there is refused,
    and neither the rejection nor its log holds the number."""
    token = idp.token(idporten_claims(idp, amr=["TestID", OTHER_PERSON]))
    with pytest.raises(TokenRejected) as caught:
        idporten.authenticate(Credential(kind="idporten-id-token", token=token))
    assert caught.value.code == "attribute-invalid"
    assert OTHER_PERSON not in str(caught.value)


def test_a_test_issuers_month_plus_40_is_a_synthetic_dolly_person(
    idporten: OidcAuthenticator, idp: LoopbackOidcProvider
) -> None:
    """Where synthetic people are allowed, month+40 is NAV Dolly's, not an H-nummer."""
    token = idp.token(idporten_claims(idp, pid=H_NUMMER))
    principal = idporten.authenticate(Credential(kind="idporten-id-token", token=token))
    assert principal is not None
    assert principal.national_id is not None
    assert principal.national_id.synthetic
    assert principal.national_id.kind.value == "fodselsnummer"
    fh = Credential(kind="idporten-id-token", token=idp.token(idporten_claims(idp, pid=FH_NUMMER)))
    with pytest.raises(TokenRejected, match="identity-invalid"):
        idporten.authenticate(fh)
