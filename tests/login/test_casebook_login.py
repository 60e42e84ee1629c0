"""The login chain wired into the Casebook: a credential becomes the principal that acts.

Issue 12 item 5: embedding code never builds a ``Principal`` from unverified claims — the
Casebook turns a ``Credential`` into one through the identity plugins configured in the same
``Config`` as its store, checked against the Casebook's own clock. Real tokens, signed by the
loopback provider and verified against its JWKS over HTTP on 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from _login_helpers import AUDIENCE, authenticator, helseid_claims, idporten_claims

from barnekoordinator.access.login import NO_ISSUER, LoginChain
from barnekoordinator.access.principal import AssuranceLevel, Credential, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import Config, MunicipalSettings
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import (
    InsufficientAssurance,
    InvalidConfiguration,
    InvalidInput,
    NotAuthenticated,
    PluginContractError,
    TokenRejected,
)
from barnekoordinator.history.case import ParticipantJoined, open_case
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator.testing.oidc import LoopbackOidcProvider
from barnekoordinator_plugins.helseid import HELSEID
from barnekoordinator_plugins.idporten import IDPORTEN

SECRET = b"a-test-secret-of-enough-bytes"
CHILD = PersonId.parse(
    synthetic_fodselsnummer(date(2019, 2, 11)), policy=IdentifierPolicy.testing()
)
MOTHER_FNR = synthetic_fodselsnummer(date(1986, 4, 9))
MOTHER = PersonId.parse(MOTHER_FNR, policy=IdentifierPolicy.testing())
CASEWORKER = Principal(
    subject="cw-1",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({SystemRole.CASEWORKER}),
    municipality_number="0301",
)
NURSE = Principal(
    subject="nurse", display_label="Kari, helsestasjon", assurance=AssuranceLevel.HIGH
)


def config_for(idp: LoopbackOidcProvider, **options: str) -> Config:
    """A memory store and ID-porten pointed at the loopback provider."""
    idporten = {"issuer": idp.issuer, "audience": AUDIENCE, "synthetic_identities": "true"}
    return Config(
        store="memory:",
        subject_key_secret=SECRET,
        sealing_key=TEST_SEALING_KEY.to_text(),
        plugin_options={"idporten": {**idporten, **options}},
    )


@pytest.fixture
def book(idp: LoopbackOidcProvider) -> Iterator[Casebook]:
    """A Casebook configured like an application, its clock the provider's."""
    made = Casebook.from_config(config_for(idp), clock=idp.clock)
    yield made
    made.close()


def family_case(book: Casebook) -> str:
    """A case for the logged-in mother's child, with the nurse's undring (a health entry)."""
    case_id = book.open_case(
        CASEWORKER,
        [
            open_case(
                municipality_number="0301",
                subject=Child(ref="child", birth_date=date(2019, 2, 11), person_id=CHILD),
                guardians=(
                    Guardian(
                        ref="mother",
                        relation=GuardianRelation.MOTHER,
                        parental_responsibility=True,
                        person_id=MOTHER,
                    ),
                ),
            ),
            ParticipantJoined(
                participant=Professional(
                    ref="nurse",
                    service=ServiceKind.HELSESTASJON,
                    organisation=Organisasjonsnummer.parse("123456785"),
                )
            ),
        ],
        case_id="case-1",
    )
    book.execute(
        NURSE,
        case_id,
        lambda c: stafettlogg.register_undring(
            c, undring_id="u-1", by="nurse", description="Sover dårlig", as_of=book.today()
        ),
        action="register-undring",
    )
    return case_id


def login_token(idp: LoopbackOidcProvider, **changes: Any) -> Credential:
    """The mother's ID-porten login (level 4 unless ``changes`` say otherwise)."""
    claims = idporten_claims(idp, pid=MOTHER_FNR, **changes)
    return Credential(kind="jwt", token=idp.token(claims))


def test_a_verified_login_is_the_principal_that_reads_the_case(
    book: Casebook, idp: LoopbackOidcProvider
) -> None:
    """hotl § 7-2 a / pbrl § 3-4: the mother, logged in at level 4, reads her child's case."""
    case_id = family_case(book)
    mother = book.login(login_token(idp))
    assert mother.identity_provider == "idporten"
    assert mother.assurance is AssuranceLevel.HIGH
    assert mother.national_id == MOTHER
    view = book.read(mother, case_id)
    assert view.entry("undring:u-1") is not None
    assert view.stronger_login_shows_more is None
    last = book.store.read_audit(case_id)[-1]
    assert (last.actor, last.allowed) == (mother.subject, True)


def test_a_substantial_login_reads_no_health_entry(idp: LoopbackOidcProvider) -> None:
    """Issue 12 item 3 through the login: MinID (substantial) is refused by default; where the
    municipality allows ``read`` at substantial, it sees no health entry and is told a level-4
    login shows more."""
    strict = Casebook.from_config(config_for(idp), clock=idp.clock)
    allowing = Casebook.from_config(
        attrs.evolve(
            config_for(idp),
            municipality=MunicipalSettings(substantial_assurance_actions=frozenset({"read"})),
        ),
        clock=idp.clock,
    )
    try:
        case_id = family_case(strict)
        mother = strict.login(login_token(idp, acr="idporten-loa-substantial"))
        assert mother.assurance is AssuranceLevel.SUBSTANTIAL
        with pytest.raises(InsufficientAssurance) as refused:
            strict.read(mother, case_id)
        assert refused.value.needed == "high"
        case_id = family_case(allowing)
        view = allowing.read(
            allowing.login(login_token(idp, acr="idporten-loa-substantial")), case_id
        )
        assert view.entry("undring:u-1") is None
        assert view.stronger_login_shows_more is AssuranceLevel.HIGH
    finally:
        strict.close()
        allowing.close()


def test_the_casebooks_clock_decides_expiry(idp: LoopbackOidcProvider) -> None:
    """Time is injected: the same token is valid at the Casebook's now and expired an hour on."""
    token = login_token(idp)
    later = Casebook.from_config(
        config_for(idp), clock=FixedClock(idp.clock.now() + timedelta(hours=1))
    )
    try:
        with pytest.raises(TokenRejected) as rejected:
            later.login(token)
        assert rejected.value.code == "expired"
    finally:
        later.close()


def test_a_rejected_token_gives_no_principal(book: Casebook, idp: LoopbackOidcProvider) -> None:
    """A token for another client is refused with its reason, never the token."""
    credential = login_token(idp, aud="someone-else")
    with pytest.raises(TokenRejected) as rejected:
        book.login(credential)
    assert rejected.value.code == "wrong-audience"
    assert credential.token not in str(rejected.value)


def test_a_token_from_an_unconfigured_issuer_is_not_authenticated(
    book: Casebook, idp: LoopbackOidcProvider
) -> None:
    """No configured issuer answers for a token whose ``iss`` is someone else's."""
    with pytest.raises(NotAuthenticated, match=NO_ISSUER):
        book.login(login_token(idp, iss="https://issuer.example"))


def test_no_issuer_configured_is_not_authenticated(idp: LoopbackOidcProvider) -> None:
    """A Casebook without identity options has nobody to ask, and says how to configure one."""
    bare = Casebook.from_config(
        Config(store="memory:", subject_key_secret=SECRET, sealing_key=TEST_SEALING_KEY.to_text()),
        clock=idp.clock,
    )
    try:
        with pytest.raises(NotAuthenticated, match="plugin_options"):
            bare.login(login_token(idp))
    finally:
        bare.close()


def test_a_credential_must_be_a_credential(book: Casebook) -> None:
    """Claims handed in as a dict are not a login."""
    with pytest.raises(InvalidInput, match="expected a Credential"):
        book.login({"pid": MOTHER_FNR})  # type: ignore[arg-type]


def test_from_config_checks_the_identity_plugins_options(idp: LoopbackOidcProvider) -> None:
    """barnekoordinator_configure runs when the application is built: a bad option fails early."""
    with pytest.raises(InvalidConfiguration, match="clock_skew"):
        Casebook.from_config(config_for(idp, clock_skew="9999"), clock=idp.clock)


class _Liar:
    """An authenticator that answers with claims instead of a principal."""

    name = "liar"

    def authenticate(self, credential: Credential) -> object:
        return {"pid": MOTHER_FNR}


class _Silent:
    name = "silent"

    def authenticate(self, credential: Credential) -> None:
        return None


def test_an_authenticator_must_return_a_principal() -> None:
    """A plugin that hands back raw claims breaks its contract; nothing is accepted."""
    with pytest.raises(PluginContractError, match="liar"):
        LoginChain([_Silent(), _Liar()]).login(Credential(kind="jwt", token="x"))  # type: ignore[list-item]


def test_the_chain_asks_in_order_and_names_who_it_asked() -> None:
    chain = LoginChain([_Silent()])
    assert chain.names == ("silent",)
    assert repr(chain) == "LoginChain(silent)"
    with pytest.raises(NotAuthenticated, match=r"\(silent\)"):
        chain.login(Credential(kind="jwt", token="x"))


def test_a_jwt_credential_is_answered_by_its_issuer_whatever_the_others_limits(
    idp: LoopbackOidcProvider,
) -> None:
    """A ``jwt`` credential goes to the issuer it names: found by the login sweep of
    2026-12-07, a token within HelseID's size limit but over ID-porten's was refused by
    ID-porten, asked first, and the chain stopped there."""
    with LoopbackOidcProvider(clock=idp.clock) as helseid_idp:
        token = helseid_idp.token(helseid_claims(helseid_idp, padding="x" * 20_000), typ="at+jwt")
        assert 16_384 < len(token) < 65_536
        chain = LoginChain(
            [
                authenticator(IDPORTEN, idp),  # the default limit, 16 KiB
                authenticator(HELSEID, helseid_idp, max_token_bytes="65536"),
            ]
        )
        try:
            principal = chain.login(Credential(kind="jwt", token=token))
            assert principal.identity_provider == "helseid"
        finally:
            chain.close()


def test_no_issuer_logs_the_code_and_not_the_callers_kind(
    book: Casebook, idp: LoopbackOidcProvider, caplog: pytest.LogCaptureFixture
) -> None:
    """The kind is the caller's text: a number typed into it reached the log (login sweep,
    2026-12-07). Rejections are logged on ``barnekoordinator.login`` with the code only."""
    kind = f"id {MOTHER_FNR}"
    with (
        caplog.at_level("INFO", logger="barnekoordinator.login"),
        pytest.raises(NotAuthenticated, match=NO_ISSUER) as refused,
    ):
        book.login(Credential(kind=kind, token=idp.token(idporten_claims(idp))))
    assert MOTHER_FNR not in str(refused.value)
    assert [r.getMessage() for r in caplog.records] == [f"login rejected: {NO_ISSUER}"]
    assert MOTHER_FNR not in caplog.text
