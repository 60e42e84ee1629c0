"""Derived entries keep their readers (decision 44): a command that copies case content into a
new entry lets no one read it there who may not read it in its source.

``call_prepared_meeting`` quotes entries in the meeting it stores, and ``adopt_proposed_measure``
copies a proposal into a tiltak. The scenarios are the three an adversarial sweep found (a plan
measure quoted where the stafettholder's service and a stafettlogg-only reader read it, a
withheld plan measure quoted in a meeting the mother reads, a 13-year-old's withheld proposal
adopted into a tiltak the mother reads), each checked through the Casebook as the person who
reads, next to the normal case that must keep working. Each test names its paragraph.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest

from barnekoordinator.access.consent import ConsentPurpose, Section
from barnekoordinator.access.entries import (
    EntryMeta,
    GuardianVisibility,
    change_visibility,
    entries,
)
from barnekoordinator.access.grants import grant_guardian_access
from barnekoordinator.access.policy import CaseRole, readers_beyond
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.coordination.meetings import call_prepared_meeting
from barnekoordinator.coordination.participation import adopt_proposed_measure, propose_measure
from barnekoordinator.coordination.plan import add_plan_measure, start_plan
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    Meeting,
    ObservationKind,
    current_log,
    open_stafettlogg,
    record_observation,
)
from barnekoordinator.coordination.voice import record_child_voice
from barnekoordinator.errors import RuleViolation
from barnekoordinator.history.case import Case, DomainEvent, ParticipantJoined
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    STANDARD_PROFESSIONALS,
    CaseRun,
    child_aged,
    consent_all,
    father,
    mother,
    new_case,
    professional,
)
from barnekoordinator.testing.exporters import into_casebook, staff_principal
from barnekoordinator_plugins.memory import InMemoryCaseStore

DAY = DEFAULT_AS_OF
S = ServiceKind
P = ConsentPurpose
MOR_ID = PersonId.parse(
    synthetic_fodselsnummer(date(1984, 5, 6)), policy=IdentifierPolicy.testing()
)
FAR_ID = PersonId.parse(
    synthetic_fodselsnummer(date(1983, 7, 8)), policy=IdentifierPolicy.testing()
)
MOTHER = Principal(
    subject="idp-mor", display_label="Mor", assurance=AssuranceLevel.HIGH, national_id=MOR_ID
)
MEASURE = "Fysioterapi etter hofteoperasjon; smertelindring med morfin"
VOICE = "Jeg vil ikke at pappa skal vite om legetimene"
CONCERN = "Sover lite og er sliten om morgenen"
PROPOSAL = "Jeg vil ha hjelp med at pappa drikker"


def family(age: int) -> CaseRun:
    """A child of ``age``, both parents with foreldreansvar and a login each, the standard
    professionals (no SFO among them)."""
    return new_case(
        subject=child_aged(age),
        guardians=(
            attrs.evolve(mother(), person_id=MOR_ID),
            attrs.evolve(father(), person_id=FAR_ID),
        ),
        professionals=[professional(r, s, title=t) for r, s, t in STANDARD_PROFESSIONALS],
        leaders=("styrer",),
        koordinerende_enhet=("ke",),
    )


def the_child(run: CaseRun) -> Principal:
    """The child's own login."""
    child = run.case.subject
    assert isinstance(child, Child)
    return Principal(
        subject="idp-child",
        display_label="Barnet",
        assurance=AssuranceLevel.HIGH,
        national_id=child.person_id,
    )


def holding(book: Casebook, who: Principal, case_id: str, words: str) -> list[str]:
    """The ids of the entries ``who`` reads today that hold ``words``, sorted."""
    return sorted(e.meta.id for e in book.read(who, case_id).entries if words in repr(e.content))


def call(book: Casebook, case_id: str, by: str, invited: tuple[str, ...]) -> None:
    """The stafettholder ``by`` calls meeting m1, prepared from the case, through the Casebook."""
    book.execute(
        staff_principal(by),
        case_id,
        lambda c: call_prepared_meeting(
            c,
            meeting_id="m1",
            by=by,
            meeting_on=DAY + timedelta(days=3),
            invited=invited,
            as_of=DAY,
        ),
    )


def no_reader_gains(case: Case, meeting_id: str, quoted: dict[str, str]) -> None:
    """Against the meeting as stored: each source whose words (``quoted``: words → entry id) the
    agenda holds is read by everyone who reads the meeting."""
    metas = {e.meta.id: e.meta for e in entries(case)}
    log = current_log(case)
    assert log is not None
    meeting = log.get_meeting(meeting_id)
    assert meeting is not None
    for words, entry_id in quoted.items():
        if any(words in line for line in meeting.agenda):
            gained = readers_beyond(case, metas[f"stafettlogg:{meeting_id}"], metas[entry_id], DAY)
            assert gained == (), (entry_id, gained)


# --- a called meeting ----------------------------------------------------------------------


def _health_plan(*, share: bool) -> CaseRun:
    """The helsestasjon holds the log under a stafettlogg consent; fysioterapi wrote a plan
    measure; ``share`` adds a consent to share with the helsestasjon and the barnehage."""
    run = family(5)
    consent_all(run, P.STAFETTLOGG, [S.BARNEHAGE, S.HELSESTASJON], consent_id="k-log")
    consent_all(
        run,
        P.INDIVIDUAL_PLAN,
        [S.FYSIOTERAPI, S.HELSESTASJON, S.KOORDINERENDE_ENHET, S.BARNEHAGE],
        consent_id="k-ip",
    )
    if share:
        consent_all(run, P.SHARE_INFORMATION, [S.HELSESTASJON, S.BARNEHAGE], consent_id="k-del")
    run.run(open_stafettlogg, by="pl", holder_ref="hs", level=BtiLevel.NIVAA_1, as_of=DAY)
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=DAY)
    run.run(
        add_plan_measure,
        measure_id="pm1",
        by="fysio",
        description=MEASURE,
        scope="2 t/uke",
        responsible_ref="fysio",
        implementation="på helsestasjonen",
        as_of=DAY,
        evaluation_date=DAY + timedelta(days=5),
    )
    return run


def test_a_meeting_quotes_no_entry_its_author_or_a_stafettlogg_reader_may_not_read() -> None:
    """Taushetsplikt (hpl § 21, § 22; pbrl § 4-4): a service reads another service's entry only
    under a consent that covers it; a plan measure needs a consent to share. The stafettholder's
    service reads its own meeting always, and a barnehage under the stafettlogg consent alone:
    neither reads fysioterapi's measure through the meeting. With a consent to share, both do."""
    hs, pl = staff_principal("hs"), staff_principal("pl")
    run = _health_plan(share=False)
    book = into_casebook(InMemoryCaseStore(), run, as_of=DAY)
    call(book, run.case.id, "hs", ("hs", "pl"))
    assert holding(book, hs, run.case.id, MEASURE) == []
    assert holding(book, pl, run.case.id, MEASURE) == []
    meeting = next(e for e in book.read(hs, run.case.id).entries if e.meta.id == "stafettlogg:m1")
    assert isinstance(meeting.content, Meeting)
    assert any("pm1" in line and "fysio" in line for line in meeting.content.agenda)  # «Ta med»

    shared = _health_plan(share=True)
    book = into_casebook(InMemoryCaseStore(), shared, as_of=DAY)
    call(book, shared.case.id, "hs", ("hs", "pl"))
    for reader in (hs, pl):
        assert holding(book, reader, shared.case.id, MEASURE) == ["plan:ip-1:pm1", "stafettlogg:m1"]


def test_a_meeting_quotes_no_plan_measure_withheld_from_the_guardians() -> None:
    """pbrl § 3-4 third ledd: a plan measure withheld for weighty reasons is not quoted in a
    meeting the mother reads; the measure beside it, not withheld, is."""
    run = family(5)
    every = [S.BARNEHAGE, S.HELSESTASJON, S.KOORDINERENDE_ENHET, S.FYSIOTERAPI]
    for purpose in (P.STAFETTLOGG, P.SHARE_INFORMATION, P.INDIVIDUAL_PLAN):
        consent_all(run, purpose, every, consent_id=f"k-{purpose.value}")
    run.run(open_stafettlogg, by="hs", holder_ref="hs", level=BtiLevel.NIVAA_1, as_of=DAY)
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=DAY)
    for measure_id, words in (("pm1", MEASURE), ("pm2", "Tilrettelagt lek ute")):
        run.run(
            add_plan_measure,
            measure_id=measure_id,
            by="hs",
            description=words,
            scope="x",
            responsible_ref="hs",
            implementation="x",
            as_of=DAY,
            evaluation_date=DAY + timedelta(days=5),
        )
    run.run(
        change_visibility,
        entry_id="plan:ip-1:pm1",
        visibility=GuardianVisibility.WITHHELD_WEIGHTY_REASONS,
        decided_by="hs",
        reason="tungtveiende hensyn",
        as_of=DAY,
    )
    book = into_casebook(InMemoryCaseStore(), run, as_of=DAY)
    call(book, run.case.id, "hs", ("hs", "mor"))
    assert holding(book, MOTHER, run.case.id, MEASURE) == []
    assert holding(book, MOTHER, run.case.id, "Tilrettelagt lek ute") == [
        "plan:ip-1:pm2",
        "stafettlogg:m1",
    ]
    # Not quoted at all: the meeting, not withheld, is read by the guardians.
    assert holding(book, staff_principal("hs"), run.case.id, MEASURE) == ["plan:ip-1:pm1"]


def _voice_and_concern(*, share: bool) -> CaseRun:
    """The helsestasjon holds a log whose stafettlogg consent also names the SFO (nobody from
    it takes part yet) and records the child's voice and a concern; the meeting is called."""
    run = family(9)
    consent_all(run, P.STAFETTLOGG, [S.HELSESTASJON, S.SFO], consent_id="k-log")
    if share:
        consent_all(run, P.SHARE_INFORMATION, [S.HELSESTASJON, S.SFO], consent_id="k-del")
    run.run(open_stafettlogg, by="hs", holder_ref="hs", level=BtiLevel.NIVAA_1, as_of=DAY)
    run.run(record_child_voice, voice_id="v1", by="hs", what_matters=[VOICE], as_of=DAY)
    run.run(
        record_observation,
        observation_id="o1",
        by="hs",
        kind=ObservationKind.OPPMERKSOMHET,
        text=CONCERN,
        as_of=DAY,
    )
    run.run(
        call_prepared_meeting,
        meeting_id="m1",
        by="hs",
        meeting_on=DAY + timedelta(days=3),
        invited=("hs",),
        as_of=DAY,
    )
    no_reader_gains(run.case, "m1", {VOICE: "child-voice:v1", CONCERN: "stafettlogg:o1"})
    run.do(ParticipantJoined(participant=professional("sfo-1", S.SFO)))  # after the meeting
    return run


def test_a_meeting_quotes_nothing_a_service_named_by_the_consent_may_not_read() -> None:
    """BTI stafettlogg consent and taushetsplikt (hpl § 22): the stafettlogg consent lets the
    SFO read the log, not the child's voice the helsestasjon recorded (a consent to share does).
    Someone from the SFO who joins after the meeting was called reads the concern in it, never
    the child's words; with a consent to share with the SFO, the voice is quoted."""
    sfo = staff_principal("sfo-1")
    run = _voice_and_concern(share=False)
    book = into_casebook(InMemoryCaseStore(), run, as_of=DAY)
    assert holding(book, sfo, run.case.id, CONCERN) == ["stafettlogg:m1", "stafettlogg:o1"]
    assert holding(book, sfo, run.case.id, VOICE) == []
    assert holding(book, staff_principal("hs"), run.case.id, VOICE) == ["child-voice:v1"]

    shared = _voice_and_concern(share=True)
    book = into_casebook(InMemoryCaseStore(), shared, as_of=DAY)
    assert holding(book, sfo, shared.case.id, VOICE) == ["child-voice:v1", "stafettlogg:m1"]


# --- an adopted proposal -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "proposer", "withheld"),
    [
        (13, "child", GuardianVisibility.WITHHELD_BY_CHILD_REQUEST),
        (10, "mor", GuardianVisibility.WITHHELD_WEIGHTY_REASONS),
    ],
)
def test_an_adopted_proposal_stays_withheld_from_the_guardians(
    age: int, proposer: str, withheld: GuardianVisibility
) -> None:
    """pbrl § 3-4 second ledd (withheld at the 12–16-year-old's request) and third ledd (for
    weighty reasons): the tiltak that copies a withheld proposal is withheld the same way, in
    the adopter's name; the mother reads neither. A proposal not withheld becomes a tiltak she
    reads, as before."""
    run = family(age)
    consent_all(run, P.STAFETTLOGG, [S.SKOLE, S.HELSESTASJON], consent_id="k-log")
    run.run(open_stafettlogg, by="kl", holder_ref="kl", level=BtiLevel.NIVAA_1, as_of=DAY)
    for proposal_id, words in (("p1", PROPOSAL), ("p2", "Leksehjelp på skolen")):
        run.run(propose_measure, proposal_id=proposal_id, by=proposer, description=words, as_of=DAY)
    run.run(
        change_visibility,
        entry_id="measure-proposal:p1",
        visibility=withheld,
        decided_by="hs",
        reason="barnets ønske",
        as_of=DAY,
    )
    book = into_casebook(InMemoryCaseStore(), run, as_of=DAY)
    kl = staff_principal("kl")
    adopted = []
    for proposal_id, tiltak_id in (("p1", "t1"), ("p2", "t2")):
        recorded = book.execute(
            kl,
            run.case.id,
            lambda c, p=proposal_id, t=tiltak_id: adopt_proposed_measure(
                c,
                proposal_id=p,
                tiltak_id=t,
                by="kl",
                evaluation_date=DAY + timedelta(days=30),
                as_of=DAY,
            ),
        )
        adopted.append(recorded.types)
    assert adopted == [
        ("participation.proposal-adopted", "stafettlogg.tiltak-added", "entry.visibility-changed"),
        ("participation.proposal-adopted", "stafettlogg.tiltak-added"),
    ]
    assert holding(book, MOTHER, run.case.id, PROPOSAL) == []
    assert holding(book, MOTHER, run.case.id, "Leksehjelp") == [
        "measure-proposal:p2",
        "stafettlogg:t2",
    ]
    tiltak = {e.meta.id: e.meta for e in book.read(kl, run.case.id).entries}
    assert tiltak["stafettlogg:t1"].visibility is withheld
    assert tiltak["stafettlogg:t2"].visibility is GuardianVisibility.DEFAULT
    if withheld is GuardianVisibility.WITHHELD_BY_CHILD_REQUEST:
        # The child's own matter: she reads her words in the tiltak too (pbrl § 4-3 c).
        assert holding(book, the_child(run), run.case.id, PROPOSAL) == [
            "measure-proposal:p1",
            "stafettlogg:t1",
        ]


def test_an_adult_s_proposal_is_not_adopted_where_a_former_guardian_would_read_it() -> None:
    """Vergemålsloven § 2 (from 18 the young adult decides what a former guardian sees): the
    mother was granted the health section only; a helsestasjon tiltak copying the adult's
    proposal (a general entry she may not read) would show it to her, so the adoption is
    refused and nothing is stored. With the general section granted too, it is adopted."""
    for sections, refused in (
        ((Section.HEALTH,), True),
        ((Section.HEALTH, Section.GENERAL), False),
    ):
        run = family(18)
        consent_all(run, P.STAFETTLOGG, [S.HELSESTASJON], consent_id="k-log")
        run.run(open_stafettlogg, by="hs", holder_ref="hs", level=BtiLevel.NIVAA_1, as_of=DAY)
        run.run(propose_measure, proposal_id="p1", by="child", description=PROPOSAL, as_of=DAY)
        run.run(
            grant_guardian_access, grant_id="g1", guardian_ref="mor", as_of=DAY, sections=sections
        )
        book = into_casebook(InMemoryCaseStore(), run, as_of=DAY)

        def adopt(c: Case) -> tuple[DomainEvent, ...]:
            return adopt_proposed_measure(
                c,
                proposal_id="p1",
                tiltak_id="t1",
                by="hs",
                evaluation_date=DAY + timedelta(days=30),
                as_of=DAY,
            )

        if refused:
            with pytest.raises(RuleViolation, match="the guardian read its words"):
                book.execute(staff_principal("hs"), run.case.id, adopt)
            assert holding(book, MOTHER, run.case.id, PROPOSAL) == []
        else:
            book.execute(staff_principal("hs"), run.case.id, adopt)
            assert holding(book, MOTHER, run.case.id, PROPOSAL) == [
                "measure-proposal:p1",
                "stafettlogg:t1",
            ]


def test_readers_beyond_names_kinds_of_reader_never_people() -> None:
    """pbrl § 3-4 and taushetsplikt, in the policy's words: who reads a copy but not its source
    is named by service or by role, and withholding is read from the source's metadata."""
    run = family(13)
    consent_all(run, P.STAFETTLOGG, [S.BARNEHAGE, S.HELSESTASJON], consent_id="k-log")
    source = EntryMeta(
        id="plan:ip-1:pm1",
        kind="plan-measure",
        section=Section.HEALTH,
        author_ref="fysio",
        author_service=S.FYSIOTERAPI,
        created_on=DAY,
        visibility=GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
    )
    derived = EntryMeta(
        id="stafettlogg:m1",
        kind="meeting",
        section=Section.HEALTH,
        author_ref="hs",
        author_service=S.HELSESTASJON,
        created_on=DAY,
    )
    assert readers_beyond(run.case, derived, source, DAY) == (
        S.HELSESTASJON,
        S.BARNEHAGE,
        CaseRole.GUARDIAN,
    )
    same = attrs.evolve(derived, visibility=source.visibility, author_service=S.FYSIOTERAPI)
    assert readers_beyond(run.case, same, attrs.evolve(source, id="stafettlogg:pm1"), DAY) == ()
