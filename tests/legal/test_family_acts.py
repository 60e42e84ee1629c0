"""Issue 16 item 1: the child and the guardians act through the Casebook as themselves.

Every family principal here comes from a real ID-porten login: a token signed by the loopback
provider and verified against its JWKS over HTTP on 127.0.0.1, through ``Casebook.login``.
Professionals are plain principals (their login is tested elsewhere). Each act is tried by the
child just below and at its age in the municipality's participation setting, by a guardian with
and without foreldreansvar, and by an unrelated citizen; the paragraph each test checks is named.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.consent import (
    ConsentPurpose,
    give_consent,
    ledger,
    required_consenters,
    withdraw_consent,
)
from barnekoordinator.access.policy import AccessAction, authorise_events, decide
from barnekoordinator.access.principal import AssuranceLevel, Credential, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.config import Config, FamilyAct, MunicipalSettings, ParticipationAges
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.coordination.meetings import AgendaTopic, prepare_meeting
from barnekoordinator.coordination.participation import (
    Contributor,
    EvaluationCommented,
    InvitationAnswer,
    InvitationAnswered,
    LysglimtRecorded,
    MeasureProposed,
    OwnVoiceRecorded,
    ProposedMeasureAdopted,
    adopt_proposed_measure,
    answer_meeting_invitation,
    comment_on_evaluation,
    family_contributions,
    propose_measure,
    record_lysglimt,
    record_own_voice,
)
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    EffectAssessment,
    LogMeasureAdded,
    MeasureNext,
    ProposedBy,
    current_log,
)
from barnekoordinator.errors import AccessDenied, BarnekoordinatorError, RuleViolation
from barnekoordinator.history.case import Case, DomainEvent, ParticipantJoined, open_case
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child, Guardian, GuardianRelation
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    TEST_SEALING_KEY,
    back_office_load,
    child_aged,
    new_case,
    professional,
)
from barnekoordinator.testing.oidc import LoopbackOidcProvider

AUDIENCE = "bk-family-client"
SECRET = b"family-acts-test-secret"
TESTING = IdentifierPolicy.testing()
MOTHER_FNR = synthetic_fodselsnummer(date(1986, 4, 9))
FATHER_FNR = synthetic_fodselsnummer(date(1984, 11, 20))
STRANGER_FNR = synthetic_fodselsnummer(date(1990, 3, 3))
KL = Principal(subject="kl", display_label="Kari, skole", assurance=AssuranceLevel.HIGH)
CASEWORKER = Principal(
    subject="cw-1",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({SystemRole.CASEWORKER}),
    municipality_number="0301",
)
DENIED = (AccessDenied, RuleViolation)
"""A refusal: AccessDenied from the policy, or NotResponsible (a RuleViolation) from a command."""
_IDS = itertools.count(500)
_FRESH = itertools.count()


@pytest.fixture(scope="module")
def idp() -> Iterator[LoopbackOidcProvider]:
    """One loopback ID-porten for the module (its clock: 2026-01-05 09:30 UTC)."""
    with LoopbackOidcProvider() as provider:
        yield provider


def make_book(idp: LoopbackOidcProvider, settings: MunicipalSettings | None = None) -> Casebook:
    """A Casebook configured like an application, with ID-porten at the loopback provider."""
    config = Config(
        store="memory:",
        municipality=settings or MunicipalSettings(),
        subject_key_secret=SECRET,
        sealing_key=TEST_SEALING_KEY.to_text(),
        plugin_options={
            "idporten": {
                "issuer": idp.issuer,
                "audience": AUDIENCE,
                "synthetic_identities": "true",
            }
        },
    )
    return Casebook.from_config(config, clock=idp.clock)


@pytest.fixture(scope="module")
def book(idp: LoopbackOidcProvider) -> Iterator[Casebook]:
    made = make_book(idp)
    yield made
    made.close()


def login(book: Casebook, idp: LoopbackOidcProvider, fnr: str) -> Principal:
    """The person's ID-porten login at level high, verified by the Casebook's chain."""
    claims = idp.claims(
        audience=AUDIENCE,
        pid=fnr,
        acr="idporten-loa-high",
        amr=["TestID"],
        locale="nb",
        auth_time=idp.now(),
    )
    return book.login(Credential(kind="jwt", token=idp.token(claims)))


class Family:
    """A case for a child of ``age`` with a stafettlogg, an evaluated tiltak and a meeting."""

    def __init__(self, book: Casebook, idp: LoopbackOidcProvider, age: int, *, log: bool = True):
        self.book, self.idp = book, idp
        today = book.today()
        self.today = today
        birth = _years_before(today - timedelta(days=30), age)
        self.child_fnr = _fresh_fnr(birth)
        child = Child(
            ref="child", birth_date=birth, person_id=PersonId.parse(self.child_fnr, policy=TESTING)
        )
        guardians = (
            Guardian(
                ref="mor",
                relation=GuardianRelation.MOTHER,
                parental_responsibility=True,
                person_id=PersonId.parse(MOTHER_FNR, policy=TESTING),
            ),
            Guardian(
                ref="far",
                relation=GuardianRelation.FATHER,
                parental_responsibility=False,
                person_id=PersonId.parse(FATHER_FNR, policy=TESTING),
            ),
        )
        self.case_id = book.open_case(
            CASEWORKER,
            [
                open_case(municipality_number="0301", subject=child, guardians=guardians),
                ParticipantJoined(participant=professional("kl", ServiceKind.SKOLE)),
                ParticipantJoined(participant=professional("hs", ServiceKind.HELSESTASJON)),
            ],
            case_id=f"family-{next(_FRESH)}",
        )
        if log:
            self._open_log()

    def _open_log(self) -> None:
        today, s = self.today, self.book.settings
        self.pro(
            lambda c: give_consent(
                c,
                consent_id="c1",
                purpose=ConsentPurpose.STAFETTLOGG,
                given_by=sorted(
                    required_consenters(c, ConsentPurpose.STAFETTLOGG, as_of=today, settings=s)
                ),
                services=[ServiceKind.SKOLE, ServiceKind.HELSESTASJON],
                as_of=today,
                settings=s,
            )
        )
        self.pro(
            lambda c: stafettlogg.open_stafettlogg(
                c, by="kl", holder_ref="kl", level=BtiLevel.NIVAA_1, as_of=today, settings=s
            )
        )
        self.pro(
            lambda c: stafettlogg.add_log_measure(
                c,
                tiltak_id="t1",
                by="kl",
                description="Leksehjelp to dager i uka",
                responsible_ref="kl",
                evaluation_date=today + timedelta(days=14),
                as_of=today,
                settings=s,
            )
        )
        self.pro(
            lambda c: stafettlogg.evaluate_log_measure(
                c,
                tiltak_id="t1",
                by="kl",
                effect=EffectAssessment.IMPROVED,
                next_step=MeasureNext.CONTINUE,
                next_evaluation_date=today + timedelta(days=60),
                as_of=today,
                settings=s,
            )
        )
        self.pro(
            lambda c: stafettlogg.schedule_meeting(
                c,
                meeting_id="m1",
                by="kl",
                meeting_on=today + timedelta(days=7),
                agenda=["Status"],
                invited=["kl", "child", "mor", "far"],
                as_of=today,
                settings=s,
            )
        )

    def pro(self, command: Callable[[Case], Any], who: Principal = KL) -> None:
        self.book.execute(who, self.case_id, command)

    def child(self) -> Principal:
        return login(self.book, self.idp, self.child_fnr)

    def mother(self) -> Principal:
        return login(self.book, self.idp, MOTHER_FNR)

    def father(self) -> Principal:
        return login(self.book, self.idp, FATHER_FNR)

    def stranger(self) -> Principal:
        return login(self.book, self.idp, STRANGER_FNR)

    def case(self) -> Case:
        return back_office_load(self.book.store, self.case_id)

    def audits(self) -> int:
        return len(self.book.store.read_audit(self.case_id))

    def act(self, act: FamilyAct, who: Principal, ref: str) -> None:
        """``who`` does ``act`` as ``ref``; raises the refusal, if any."""
        self.book.execute(who, self.case_id, command_for(act, ref, self.today, self.book.settings))


def _fresh_fnr(birth: date) -> str:
    """A synthetic fødselsnummer not used before in this module (one case per child)."""
    while True:
        try:
            return synthetic_fodselsnummer(birth, individual=next(_IDS))
        except BarnekoordinatorError:
            continue  # this individual number gives a control digit of 10


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


def command_for(
    act: FamilyAct, ref: str, today: date, s: MunicipalSettings
) -> Callable[[Case], Any]:
    """The command that does ``act`` as ``ref`` (a new id each time)."""
    n = next(_FRESH)
    commands: dict[FamilyAct, Callable[[Case], Any]] = {
        FamilyAct.OWN_VOICE: lambda c: record_own_voice(
            c,
            voice_id=f"v{n}",
            by=ref,
            what_matters=["At noen hører på meg"],
            want_to_say=["Jeg vil ha leksehjelp på onsdager"],
            meeting_id="m1" if current_log(c) is not None else None,
            as_of=today,
        ),
        FamilyAct.LYSGLIMT: lambda c: record_lysglimt(
            c,
            lysglimt_id=f"l{n}",
            by=ref,
            text="Fikk en venn i friminuttet",
            as_of=today,
            settings=s,
        ),
        FamilyAct.PROPOSE_MEASURE: lambda c: propose_measure(
            c, proposal_id=f"p{n}", by=ref, description="Fast plass i klasserommet", as_of=today
        ),
        FamilyAct.COMMENT_ON_EVALUATION: lambda c: comment_on_evaluation(
            c,
            comment_id=f"k{n}",
            tiltak_id="t1",
            by=ref,
            text="Det hjelper, men onsdag passer bedre",
            as_of=today,
            settings=s,
        ),
        FamilyAct.ANSWER_INVITATION: lambda c: answer_meeting_invitation(
            c,
            meeting_id="m1",
            by=ref,
            answer=InvitationAnswer.ACCEPT,
            bring_up=["Friminuttene"],
            as_of=today,
        ),
    }
    return commands[act]


WRITING = (
    FamilyAct.OWN_VOICE,
    FamilyAct.LYSGLIMT,
    FamilyAct.PROPOSE_MEASURE,
    FamilyAct.COMMENT_ON_EVALUATION,
    FamilyAct.ANSWER_INVITATION,
)
_NUMBER = re.compile(r"\d{6,}")


def no_identifier(exc: BaseException) -> None:
    text = str(exc) + repr(exc)
    for fnr in (MOTHER_FNR, FATHER_FNR, STRANGER_FNR):
        assert fnr not in text
    assert not _NUMBER.search(text), text


# --- the age table: just below and at each threshold ------------------------------------


@pytest.mark.parametrize(
    ("act", "age"),
    [(act, ParticipationAges().from_age(act)) for act in WRITING],
    ids=[a.value for a in WRITING],
)
def test_the_child_acts_as_herself_from_the_age_and_not_a_day_before(
    book: Casebook, idp: LoopbackOidcProvider, act: FamilyAct, age: int
) -> None:
    """pbrl § 4-4 fifth ledd (heard at the latest from 7), § 3-1 and barnekonvensjonen art. 12
    (the other acts from 12): at the threshold the child's act is stored, authored by her;
    a year below it is refused, audited, and nothing is stored."""
    below = Family(book, idp, age - 1)
    before = below.case().version
    with pytest.raises(DENIED) as refused:
        below.act(act, below.child(), "child")
    no_identifier(refused.value)
    assert below.case().version == before
    last = book.store.read_audit(below.case_id)[-1]
    assert last.allowed is False

    at = Family(book, idp, age)
    at.act(act, at.child(), "child")
    state = family_contributions(at.case())
    authored = [
        *state.voices,
        *state.lysglimt,
        *state.proposals,
        *state.comments,
        *state.replies,
    ]
    assert [(x.by, x.author) for x in authored] == [("child", Contributor.CHILD)]
    assert book.store.read_audit(at.case_id)[-1].allowed is True


@pytest.mark.parametrize("act", WRITING, ids=[a.value for a in WRITING])
def test_a_guardian_with_foreldreansvar_acts_as_herself(
    book: Casebook, idp: LoopbackOidcProvider, act: FamilyAct
) -> None:
    """pbrl § 4-4 and § 3-1: the mother with foreldreansvar acts in her own name."""
    family = Family(book, idp, 9)
    family.act(act, family.mother(), "mor")
    entries = [
        e for e in book.read(family.mother(), family.case_id).entries if e.meta.author_ref == "mor"
    ]
    assert len(entries) == 1


@pytest.mark.parametrize("act", WRITING, ids=[a.value for a in WRITING])
def test_a_parent_without_foreldreansvar_is_refused(
    book: Casebook, idp: LoopbackOidcProvider, act: FamilyAct
) -> None:
    """barneloven § 47: a parent without foreldreansvar has no guardian rights in the case."""
    family = Family(book, idp, 13)
    before, version = family.audits(), family.case().version
    with pytest.raises(AccessDenied) as refused:
        family.act(act, family.father(), "far")
    no_identifier(refused.value)
    assert family.audits() == before + 1
    assert family.case().version == version


@pytest.mark.parametrize("act", WRITING, ids=[a.value for a in WRITING])
def test_an_unrelated_citizen_is_refused_whoever_she_claims_to_be(
    book: Casebook, idp: LoopbackOidcProvider, act: FamilyAct
) -> None:
    """pbrl § 3-1 gives the child and the guardians a say, nobody else: a stranger's login is
    refused even when the command names the mother."""
    family = Family(book, idp, 13)
    for ref in ("mor", "child"):
        with pytest.raises(AccessDenied) as refused:
            family.act(act, family.stranger(), ref)
        no_identifier(refused.value)


def test_nobody_writes_in_someone_elses_name(book: Casebook, idp: LoopbackOidcProvider) -> None:
    """pbrl § 3-1: the mother cannot record the child's own voice as the child, the child not as
    the mother, and a professional not as either (her record of the child's voice is another
    command, record_child_voice)."""
    family = Family(book, idp, 13)
    for who, ref in (
        (family.mother(), "child"),
        (family.child(), "mor"),
        (KL, "child"),
        (KL, "mor"),
    ):
        with pytest.raises(AccessDenied):
            family.act(FamilyAct.OWN_VOICE, who, ref)
    assert family_contributions(family.case()).voices == ()


def test_a_professional_may_write_a_lysglimt_but_not_the_family_s_own_voice(
    book: Casebook, idp: LoopbackOidcProvider
) -> None:
    """pbrl § 3-1: the own voice and the proposal are the family's; a lysglimt from school is
    the teacher's, under the stafettlogg consent."""
    family = Family(book, idp, 10)
    family.act(FamilyAct.LYSGLIMT, KL, "kl")
    family.act(FamilyAct.COMMENT_ON_EVALUATION, KL, "kl")
    with pytest.raises(DENIED):
        family.act(FamilyAct.OWN_VOICE, KL, "kl")
    with pytest.raises(DENIED):
        family.act(FamilyAct.PROPOSE_MEASURE, KL, "kl")
    state = family_contributions(family.case())
    assert [g.author for g in state.lysglimt] == [Contributor.PROFESSIONAL]


# --- a proposal is not a tiltak --------------------------------------------------------


def test_a_proposal_becomes_a_tiltak_only_when_a_professional_adopts_it(
    book: Casebook, idp: LoopbackOidcProvider
) -> None:
    """BTI-10 (every tiltak has an owner and an evaluation date) and pbrl § 3-1: the child's
    proposal is recorded as hers; the teacher adopts it, owns it and sets the date."""
    family = Family(book, idp, 13)
    today = family.today
    book.execute(
        family.child(),
        family.case_id,
        lambda c: propose_measure(
            c, proposal_id="p1", by="child", description="Fast plass", as_of=today
        ),
    )
    log = current_log(family.case())
    assert log is not None
    assert [t.id for t in log.tiltak] == ["t1"]
    # The mother cannot adopt it, neither as herself nor by forging the teacher's events.
    with pytest.raises(DENIED):
        book.execute(
            family.mother(),
            family.case_id,
            lambda c: adopt_proposed_measure(
                c,
                proposal_id="p1",
                tiltak_id="t2",
                by="mor",
                evaluation_date=today + timedelta(days=30),
                as_of=today,
            ),
        )
    with pytest.raises(AccessDenied):
        book.execute(
            family.mother(),
            family.case_id,
            lambda c: adopt_proposed_measure(
                c,
                proposal_id="p1",
                tiltak_id="t2",
                by="kl",
                evaluation_date=today + timedelta(days=30),
                as_of=today,
                settings=book.settings,
            ),
        )
    book.execute(
        KL,
        family.case_id,
        lambda c: adopt_proposed_measure(
            c,
            proposal_id="p1",
            tiltak_id="t2",
            by="kl",
            evaluation_date=today + timedelta(days=30),
            as_of=today,
            settings=book.settings,
        ),
    )
    case = family.case()
    log = current_log(case)
    assert log is not None
    t2 = log.get_tiltak("t2")
    assert t2 is not None
    assert (t2.responsible_ref, t2.evaluation_date) == ("kl", today + timedelta(days=30))
    assert (t2.proposed_by, t2.proposer_ref) == (ProposedBy.CHILD, "child")
    proposal = family_contributions(case).proposal("p1")
    assert proposal is not None
    assert (proposal.tiltak_id, proposal.adopted_by) == ("t2", "kl")


def test_the_meeting_agenda_starts_with_what_the_family_wrote(
    book: Casebook, idp: LoopbackOidcProvider
) -> None:
    """pbrl § 3-1 and barnekonvensjonen art. 12 (domain.md §9.2 need 5): the child's own input
    comes first on the agenda, then what the mother wants to bring up in her answer."""
    family = Family(book, idp, 13)
    family.act(FamilyAct.OWN_VOICE, family.child(), "child")
    family.act(FamilyAct.ANSWER_INVITATION, family.mother(), "mor")
    agenda = prepare_meeting(family.case(), family.today, meeting_id="m1")
    first, second = agenda.points[0], agenda.points[1]
    assert (first.topic, first.owner_ref) == (AgendaTopic.CHILD_VOICE, "child")
    assert first.title.startswith("Barnets eget innspill (13 år): At noen hører på meg")
    assert (second.topic, second.title) == (
        AgendaTopic.FAMILY_INPUT,
        "Ønsker å ta opp: Friminuttene",
    )
    assert not [b for b in agenda.bring if b.about == "child-voice"]


def test_what_the_family_wrote_is_in_the_exports(book: Casebook, idp: LoopbackOidcProvider) -> None:
    """pbrl § 3-1: the family's own words travel with the case — as FHIR notes and in the
    archive document — for a reader who may see them (here the mother herself)."""
    family = Family(book, idp, 13)
    for act in WRITING:
        family.act(act, family.child(), "child")
    mother = family.mother()
    fhir = book.export(mother, family.case_id, "fhir-r4").content
    shown = fhir.decode() if isinstance(fhir, bytes) else str(fhir)
    for line in (
        "Eget innspill (child): At noen hører på meg",
        "Lysglimt: Fikk en venn i friminuttet",
        "Forslag til tiltak (child): Fast plass i klasserommet",
        "Kommentar til evaluering av tiltak t1",
        "Svar på møteinnkalling m1: accept; vil ta opp: Friminuttene",
    ):
        assert line in shown, line
    html = book.export(mother, family.case_id, "archive-html").content
    page = html.decode() if isinstance(html, bytes) else str(html)
    assert "Fikk en venn i friminuttet" in page
    assert family.child_fnr not in shown + page


# --- the guardian's standing at 16 and 18 ----------------------------------------------


@pytest.mark.parametrize(("age", "allowed"), [(15, True), (16, False)])
def test_a_guardian_relays_the_child_s_view_only_under_16(
    book: Casebook, idp: LoopbackOidcProvider, age: int, allowed: bool
) -> None:
    """pbrl § 4-3 b and § 3-4: from 16 the young person speaks for herself; the mother may
    still write her own view."""
    family = Family(book, idp, age)
    today = family.today

    def relay(c: Case) -> Any:
        return record_own_voice(
            c,
            voice_id="relay",
            by="mor",
            what_matters=["Hun vil slutte på fotball"],
            as_of=today,
            on_behalf_of_child=True,
        )

    if allowed:
        book.execute(family.mother(), family.case_id, relay)
    else:
        with pytest.raises(AccessDenied, match="from 16 the young person speaks for herself"):
            book.execute(family.mother(), family.case_id, relay)
    family.act(FamilyAct.OWN_VOICE, family.mother(), "mor")


def test_from_18_the_guardians_act_no_more_and_the_adult_does(
    book: Casebook, idp: LoopbackOidcProvider
) -> None:
    """vergemålsloven § 2: at 18 the case is the adult's own."""
    family = Family(book, idp, 18, log=False)
    with pytest.raises(AccessDenied):
        family.act(FamilyAct.OWN_VOICE, family.mother(), "mor")
    family.act(FamilyAct.OWN_VOICE, family.child(), "child")
    family.act(FamilyAct.PROPOSE_MEASURE, family.child(), "child")


# --- consent as oneself ----------------------------------------------------------------


def test_the_mother_consents_and_withdraws_for_herself_only(
    book: Casebook, idp: LoopbackOidcProvider
) -> None:
    """pbrl § 4-4: the guardian with foreldreansvar consents on her own behalf; she cannot
    name the father (no foreldreansvar, barneloven § 47) or the child; she withdraws her own."""
    family = Family(book, idp, 9, log=False)
    today, s = family.today, book.settings

    def consent(given_by: list[str], cid: str) -> Callable[[Case], Any]:
        return lambda c: give_consent(
            c,
            consent_id=cid,
            purpose=ConsentPurpose.INDIVIDUAL_PLAN,
            given_by=given_by,
            services=[ServiceKind.SKOLE],
            as_of=today,
            settings=s,
        )

    for givers in (["far"], ["mor", "far"]):
        with pytest.raises(DENIED) as refused:
            book.execute(family.mother(), family.case_id, consent(givers, "x"), action="consent")
        no_identifier(refused.value)
    with pytest.raises(AccessDenied):
        book.execute(family.father(), family.case_id, consent(["far"], "x"), action="consent")
    book.execute(family.mother(), family.case_id, consent(["mor"], "ip-1"), action="consent")
    assert ledger(family.case()).covers(
        family.case(),
        ConsentPurpose.INDIVIDUAL_PLAN,
        as_of=today,
        service=ServiceKind.SKOLE,
        settings=s,
    )
    book.execute(
        family.mother(),
        family.case_id,
        lambda c: withdraw_consent(c, consent_id="ip-1", by="mor", as_of=today, settings=s),
        action="consent",
    )
    assert not ledger(family.case()).covers(
        family.case(),
        ConsentPurpose.INDIVIDUAL_PLAN,
        as_of=today,
        service=ServiceKind.SKOLE,
        settings=s,
    )


@pytest.mark.parametrize(("age", "allowed"), [(15, False), (16, True)])
def test_the_young_person_consents_to_health_care_from_16(
    book: Casebook, idp: LoopbackOidcProvider, age: int, allowed: bool
) -> None:
    """pbrl § 4-3 b: helserettslig myndighetsalder is 16; below it the guardians consent."""
    family = Family(book, idp, age, log=False)
    today, s = family.today, book.settings

    def consent(c: Case) -> Any:
        return give_consent(
            c,
            consent_id="h1",
            purpose=ConsentPurpose.HEALTH_CARE,
            given_by=["child"],
            services=[ServiceKind.HELSESTASJON],
            as_of=today,
            settings=s,
        )

    if allowed:
        book.execute(family.child(), family.case_id, consent, action="consent")
        assert ledger(family.case()).get("h1") is not None
    else:
        with pytest.raises(DENIED) as refused:
            book.execute(family.child(), family.case_id, consent, action="consent")
        no_identifier(refused.value)
        assert ledger(family.case()).get("h1") is None


def test_a_professional_cannot_consent_for_someone_not_entitled(
    book: Casebook, idp: LoopbackOidcProvider
) -> None:
    """pbrl § 4-4 / barneloven § 47: a professional records only the declarations of people
    entitled to consent, never a consent on behalf of someone else."""
    family = Family(book, idp, 9, log=False)
    today, s = family.today, book.settings
    with pytest.raises(DENIED):
        book.execute(
            KL,
            family.case_id,
            lambda c: give_consent(
                c,
                consent_id="x",
                purpose=ConsentPurpose.STAFETTLOGG,
                given_by=["far"],
                services=[ServiceKind.SKOLE],
                as_of=today,
                settings=s,
            ),
            action="consent",
        )


# --- see who has looked ----------------------------------------------------------------


@pytest.mark.parametrize(("age", "allowed"), [(11, False), (12, True)])
def test_the_child_sees_who_has_looked_from_12(
    book: Casebook, idp: LoopbackOidcProvider, age: int, allowed: bool
) -> None:
    """pbrl § 5-1 (who has had access) within pbrl § 3-4: the child sees who has looked from
    the age she reads the case; the mother always (under 18)."""
    family = Family(book, idp, age, log=False)
    book.read(KL, family.case_id)
    shown = book.who_looked(family.mother(), family.case_id)
    assert "Kari, skole" in shown
    if allowed:
        assert "Kari, skole" in book.who_looked(family.child(), family.case_id, "en")
    else:
        with pytest.raises(AccessDenied) as refused:
            book.who_looked(family.child(), family.case_id)
        no_identifier(refused.value)
    with pytest.raises(AccessDenied):
        book.who_looked(family.father(), family.case_id)


# --- the setting -----------------------------------------------------------------------


def test_a_municipality_may_hear_younger_children_but_never_later(
    idp: LoopbackOidcProvider,
) -> None:
    """pbrl § 4-4 fifth ledd: «at the latest» 7 — a municipality may let a 5-year-old write her
    own voice (decision 0024), but may not set 8."""
    lowered = MunicipalSettings(participation=ParticipationAges(own_voice=5, lysglimt=5))
    own = make_book(idp, lowered)
    try:
        family = Family(own, idp, 5, log=False)
        family.act(FamilyAct.OWN_VOICE, family.child(), "child")
        family.act(FamilyAct.LYSGLIMT, family.child(), "child")
        with pytest.raises(DENIED):
            family.act(FamilyAct.PROPOSE_MEASURE, family.child(), "child")
    finally:
        own.close()
    with pytest.raises(BarnekoordinatorError, match="own_voice"):
        MunicipalSettings(participation=ParticipationAges(own_voice=8))
    with pytest.raises(BarnekoordinatorError, match="lysglimt"):
        MunicipalSettings.from_mapping({"participation": {"lysglimt": 13}})


def test_every_threshold_names_its_legal_basis() -> None:
    """Each row of the age table carries legal references that exist."""
    from barnekoordinator.legal_basis import ref

    for rule in ParticipationAges().table():
        assert rule.legal_basis
        for key in rule.legal_basis:
            assert ref(key).key == key
    assert ParticipationAges().rule(FamilyAct.OWN_VOICE).from_age == 7


# --- properties ------------------------------------------------------------------------

_PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_PROPERTY
@given(age=st.integers(min_value=0, max_value=17), act=st.sampled_from(WRITING))
def test_the_child_is_allowed_exactly_when_the_setting_says_so(
    book: Casebook, idp: LoopbackOidcProvider, age: int, act: FamilyAct
) -> None:
    """For any age under 18 and any act: allowed ⇔ ``ParticipationAges().allows(act, age)``;
    every call leaves exactly one audit record; no refusal holds an identifier."""
    family = Family(book, idp, age)
    before = family.audits()
    try:
        family.act(act, family.child(), "child")
        allowed = True
    except DENIED as exc:
        no_identifier(exc)
        allowed = False
    assert allowed == book.settings.participation.allows(act, age)
    assert family.audits() == before + 1


def _event(act: FamilyAct, by: str, author: Contributor, today: date) -> DomainEvent:
    """The event of ``act`` written by ``by`` (only what the policy reads matters)."""
    if act is FamilyAct.OWN_VOICE:
        return OwnVoiceRecorded(
            voice_id="v",
            by=by,
            author=author,
            what_matters=("x",),
            want_to_say=(),
            meeting_id=None,
            on_behalf_of_child=False,
            child_age=0,
            on=today,
        )
    if act is FamilyAct.LYSGLIMT:
        return LysglimtRecorded(lysglimt_id="l", by=by, author=author, text="x", on=today)
    if act is FamilyAct.PROPOSE_MEASURE:
        return MeasureProposed(proposal_id="p", by=by, author=author, description="x", on=today)
    if act is FamilyAct.COMMENT_ON_EVALUATION:
        return EvaluationCommented(
            comment_id="k",
            tiltak_id="t1",
            evaluated_on=today,
            by=by,
            author=author,
            text="x",
            on=today,
        )
    return InvitationAnswered(
        meeting_id="m1",
        by=by,
        author=author,
        answer=InvitationAnswer.DECLINE,
        bring_up=(),
        on=today,
    )


_LOWERED = ("lysglimt", "propose_measure", "comment_on_evaluation", "answer_invitation")


@settings(max_examples=300, deadline=None)
@given(
    own=st.integers(min_value=0, max_value=7),
    others=st.lists(st.integers(min_value=0, max_value=12), min_size=4, max_size=4),
    age=st.integers(min_value=0, max_value=17),
    act=st.sampled_from(WRITING),
)
def test_the_policy_follows_any_lawful_setting(
    own: int, others: list[int], age: int, act: FamilyAct
) -> None:
    """For any setting a municipality may choose (decision 24), any age and any act: the
    child's act passes the Casebook's two checks exactly when the setting allows it; the
    mother's always does under 18; the father's (no foreldreansvar, barneloven § 47) never."""
    ages = ParticipationAges(
        own_voice=own, **{name: max(own, v) for name, v in zip(_LOWERED, others, strict=True)}
    )
    chosen = MunicipalSettings(participation=ages)
    today = DEFAULT_AS_OF
    child = child_aged(age, as_of=today)
    mor = Guardian(
        ref="mor",
        relation=GuardianRelation.MOTHER,
        parental_responsibility=True,
        person_id=PersonId.parse(MOTHER_FNR, policy=TESTING),
    )
    far = Guardian(
        ref="far",
        relation=GuardianRelation.FATHER,
        parental_responsibility=False,
        person_id=PersonId.parse(FATHER_FNR, policy=TESTING),
    )
    case = new_case(subject=child, guardians=(mor, far), settings=chosen).case

    def passes(national_id: PersonId | None, by: str, author: Contributor) -> bool:
        who = Principal(
            subject=f"login-{by}",
            display_label="Familie",
            assurance=AssuranceLevel.HIGH,
            national_id=national_id,
        )
        coarse = decide(who, case, AccessAction.WRITE, None, today, settings=chosen)
        fine = authorise_events(who, case, [_event(act, by, author, today)], today, settings=chosen)
        return coarse.allowed and fine.allowed

    assert passes(child.person_id, "child", Contributor.CHILD) == ages.allows(act, age)
    assert passes(mor.person_id, "mor", Contributor.GUARDIAN)
    assert not passes(far.person_id, "far", Contributor.GUARDIAN)
    # Nobody passes as someone else, or claiming to be what they are not.
    assert not passes(mor.person_id, "child", Contributor.CHILD)
    assert not passes(child.person_id, "child", Contributor.GUARDIAN)


def _attempt(kind: str, i: int, ref: str, today: date) -> Callable[[Case], Any]:
    """A family member's try at making a tiltak without a professional."""
    if kind == "adopt-as-self":
        return lambda c: adopt_proposed_measure(
            c,
            proposal_id="p0",
            tiltak_id=f"x{i}",
            by=ref,
            evaluation_date=today + timedelta(days=9),
            as_of=today,
        )
    if kind == "forge-tiltak":
        return lambda c: LogMeasureAdded(
            tiltak_id=f"x{i}",
            description="x",
            responsible_ref="kl",
            evaluation_date=today + timedelta(days=9),
            proposed_by=ProposedBy.GUARDIAN,
            proposer_ref="mor",
            goal_id=None,
            by="kl",
            on=today,
        )
    if kind == "forge-adoption":
        return lambda c: ProposedMeasureAdopted(
            proposal_id="p0", tiltak_id=f"x{i}", by="kl", on=today
        )
    return lambda c: MeasureProposed(
        proposal_id=f"q{i}", by=ref, author=Contributor.GUARDIAN, description="y", on=today
    )


_FORGERIES = st.sampled_from(["adopt-as-self", "forge-tiltak", "forge-adoption", "propose"])


@_PROPERTY
@given(age=st.integers(min_value=0, max_value=17), attempts=st.lists(_FORGERIES, max_size=4))
def test_a_proposal_never_becomes_a_tiltak_without_a_professional(
    book: Casebook, idp: LoopbackOidcProvider, age: int, attempts: list[str]
) -> None:
    """BTI-10: whatever the child and the mother try, the log's tiltak stay the professional's."""
    family = Family(book, idp, age)
    today = family.today
    book.execute(
        family.mother(),
        family.case_id,
        lambda c: propose_measure(
            c, proposal_id="p0", by="mor", description="Mer fysisk aktivitet", as_of=today
        ),
    )
    for i, attempt in enumerate(attempts):
        who, ref = (family.child(), "child") if i % 2 else (family.mother(), "mor")
        command = _attempt(attempt, i, ref, today)
        before = family.audits()
        try:
            book.execute(who, family.case_id, command)
        except (*DENIED, BarnekoordinatorError) as exc:
            no_identifier(exc)
        assert family.audits() == before + 1
    case = family.case()
    log = current_log(case)
    assert log is not None
    assert [t.id for t in log.tiltak] == ["t1"]
    assert all(p.tiltak_id is None for p in family_contributions(case).proposals)
