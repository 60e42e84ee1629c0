"""Properties of the access policy against an independent oracle of domain.md §6.2.

The oracle below is written from the age matrix and the enforcement rules
(domain.md §6.2, §6.3), not from :mod:`barnekoordinator.access.policy`: who must
consent is recomputed here from the child's age, and the guardians' column of
the matrix is spelt out. For random cases, principals, entries and days, no
read the oracle forbids may be allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import attrs
from hypothesis import assume, event, given
from hypothesis import strategies as st

from barnekoordinator.access.consent import (
    CareOrderChanged,
    Consent,
    ConsentGiven,
    ConsentPurpose,
    ConsentWithdrawn,
    Section,
    give_consent,
    ledger,
    withdraw_consent,
)
from barnekoordinator.access.entries import EntryMeta, GuardianVisibility
from barnekoordinator.access.policy import AccessAction, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook, Command
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import BarnekoordinatorError
from barnekoordinator.history.case import Case, DomainEvent, ParticipantJoined, open_case
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional, birthday
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator_plugins.memory import InMemoryCaseStore

POLICY = IdentifierPolicy.testing()
ORG = Organisasjonsnummer.parse("123456785")
CLOCK = FixedClock(datetime(2000, 1, 1, tzinfo=UTC))
SETTINGS = MunicipalSettings()
SECRET = b"property-test-secret-0123456789!"
SERVICES = (ServiceKind.HELSESTASJON, ServiceKind.SKOLE, ServiceKind.PPT, ServiceKind.BARNEVERN)
MOTHER_ID = PersonId.parse(synthetic_fodselsnummer(date(1970, 1, 2)), policy=POLICY)
FATHER_ID = PersonId.parse(synthetic_fodselsnummer(date(1969, 3, 4)), policy=POLICY)
STRANGER_ID = PersonId.parse(synthetic_fodselsnummer(date(1968, 5, 6)), policy=POLICY)
PARTICIPANTS = tuple(
    Professional(ref=f"pro-{s.value}", service=s, organisation=ORG) for s in SERVICES
)
W = GuardianVisibility


# --- the oracle (domain.md §6.2 / §6.3) ----------------------------------------------------------


def age_of(born: date, as_of: date) -> int:
    """Completed years, with the 29 Feb → 1 Mar convention (people.birthday)."""
    years = as_of.year - born.year
    return years - 1 if as_of < birthday(born, years) else years


def oracle_guardian(age: int, entry: EntryMeta) -> bool:
    """§6.2 'parents' information rights' for a guardian with foreldreansvar, no adult grant."""
    vis = entry.visibility
    if age >= 18:
        return False  # none by default (pårørende only with consent)
    if vis is W.NECESSARY_FOR_PARENTAL_RESPONSIBILITY:
        return True  # § 3-4 fourth ledd, always up to 18
    if vis in (W.WITHHELD_BY_CHILD_REQUEST, W.WITHHELD_WEIGHTY_REASONS):
        return False  # a professional withheld it
    if age >= 16:
        return entry.section is not Section.HEALTH  # only what is necessary (health)
    return True


def oracle_consenters(
    case: Case, purpose: ConsentPurpose, age: int, section: Section
) -> frozenset[str]:
    """Who must consent to sharing on the day (§6.2 'who consents', §7.6 stafettlogg age).

    Only health-related sharing moves to the young person at 16; outside the
    health section the guardians consent until 18 (§6.3 rule 6; issue 14 item 3).
    """
    if age >= 18:
        return frozenset({"child"})
    if purpose is ConsentPurpose.STAFETTLOGG:
        own_age = SETTINGS.stafettlogg_consent_age
    else:
        own_age = 16 if section is Section.HEALTH else 18
    if age >= own_age:
        return frozenset({"child"})
    return frozenset(g.ref for g in case.guardians if g.parental_responsibility)


def oracle_consent_covers(case: Case, service: ServiceKind, entry: EntryMeta, as_of: date) -> bool:
    """Some purpose that may open the entry has every required consenter's active consent."""
    assert isinstance(case.subject, Child)
    age = age_of(case.subject.birth_date, as_of)
    purposes = [ConsentPurpose.SHARE_INFORMATION]
    if entry.id.startswith("stafettlogg:"):
        purposes.append(ConsentPurpose.STAFETTLOGG)
    for purpose in purposes:
        required = oracle_consenters(case, purpose, age, entry.section)
        have: set[str] = set()
        for c in ledger(case).consents:
            active = c.valid_from <= as_of and (c.withdrawn_on is None or as_of < c.withdrawn_on)
            covering = c.purpose is purpose and service in c.services
            if active and covering and entry.section in c.sections:
                have |= c.given_by
        if required and required <= have:
            return True
    return False


def oracle_may_read(who: str, case: Case, entry: EntryMeta, as_of: date) -> bool:
    """The outer bound of what any reader may read (the property checks allowed ⇒ oracle)."""
    assert isinstance(case.subject, Child)
    age = age_of(case.subject.birth_date, as_of)
    if who == "stranger":
        return False
    if who == "mother":
        return oracle_guardian(age, entry)
    if who == "father":
        father = case.guardian("father")
        return father is not None and father.parental_responsibility and oracle_guardian(age, entry)
    if who == "child":
        if age < 12:
            return False  # informed through guardians and professionals
        if age < 16 and entry.section is Section.HEALTH:
            return entry.visibility is W.WITHHELD_BY_CHILD_REQUEST or entry.author_ref == "child"
        return True
    professional = next(p for p in PARTICIPANTS if p.ref == who)
    if entry.author_ref == professional.ref or entry.author_service is professional.service:
        return True
    return oracle_consent_covers(case, professional.service, entry, as_of)


# --- strategies ----------------------------------------------------------------------------------


FIRST_DAY = date(2010, 3, 26)
"""The legal parameters (age of majority, vergemålsloven 2010) are encoded from this day."""


@st.composite
def days_around_birthdays(draw: st.DrawFn, born: date) -> date:
    """Days near the 12th, 15th, 16th and 18th birthdays, or anywhere up to 25."""
    if draw(st.booleans()):
        years = draw(st.sampled_from([12, 15, 16, 18]))
        day = birthday(born, years) + timedelta(days=draw(st.integers(-2, 2)))
    else:
        day = born + timedelta(days=draw(st.integers(0, 25 * 366)))
    assume(day >= FIRST_DAY)
    return day


@st.composite
def consents(draw: st.DrawFn, born: date, index: int) -> Consent:
    """A consent as stored (validity of the givers is for the ledger to judge)."""
    start = born + timedelta(days=draw(st.integers(0, 20 * 366)))
    withdrawn = draw(st.none() | st.integers(0, 3 * 366).map(lambda d: start + timedelta(days=d)))
    return Consent(
        id=f"k{index}",
        purpose=draw(
            st.sampled_from([ConsentPurpose.SHARE_INFORMATION, ConsentPurpose.STAFETTLOGG])
        ),
        given_by=draw(st.frozensets(st.sampled_from(["mother", "father", "child"]), min_size=1)),
        services=draw(st.frozensets(st.sampled_from(SERVICES), min_size=1)),
        sections=draw(st.frozensets(st.sampled_from(list(Section)), min_size=1)),
        valid_from=start,
        withdrawn_on=withdrawn,
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A child's case with two guardians, four services and random consents and care order."""
    born = draw(st.dates(date(1994, 1, 1), date(2024, 12, 31)))
    child = Child(
        ref="child",
        birth_date=born,
        person_id=PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY),
    )
    guardians = (
        Guardian(
            ref="mother",
            relation=GuardianRelation.MOTHER,
            parental_responsibility=True,
            person_id=MOTHER_ID,
        ),
        Guardian(
            ref="father",
            relation=GuardianRelation.FATHER,
            parental_responsibility=draw(st.booleans()),
            person_id=FATHER_ID,
        ),
    )
    events: list[DomainEvent] = [
        open_case(municipality_number="0301", subject=child, guardians=guardians),
        *(ParticipantJoined(participant=p) for p in PARTICIPANTS),
    ]
    n = draw(st.integers(0, 4))
    for i in range(n):
        consent = draw(consents(born, i))
        events.append(ConsentGiven(consent=attrs.evolve(consent, withdrawn_on=None)))
        if consent.withdrawn_on is not None:
            events.append(
                ConsentWithdrawn(consent_id=consent.id, by="mother", on=consent.withdrawn_on)
            )
    if draw(st.booleans()):
        events.append(CareOrderChanged(care_taken_over=True))
    case = CATALOGUE.new_case("case-p")
    return case.apply_all(case.record(events, actor="ke-1", clock=CLOCK))


@st.composite
def entry_metas(draw: st.DrawFn) -> EntryMeta:
    """An entry by any service (or the child), in any section, with any visibility."""
    author = draw(st.sampled_from([*(p.ref for p in PARTICIPANTS), "child", "other-nurse"]))
    service = next((p.service for p in PARTICIPANTS if p.ref == author), None)
    if author == "other-nurse":
        service = draw(st.sampled_from([ServiceKind.HELSESTASJON, ServiceKind.FASTLEGE]))
    prefix = draw(st.sampled_from(["stafettlogg:", "plan:", "undring:"]))
    return EntryMeta(
        id=f"{prefix}e",
        kind="log-note",
        section=draw(st.sampled_from(list(Section))),
        author_ref=author,
        author_service=service,
        created_on=date(2000, 1, 1),
        visibility=draw(st.sampled_from(list(W))),
    )


PRINCIPALS = {
    "mother": Principal(
        subject="c-mother",
        display_label="Mor",
        assurance=AssuranceLevel.HIGH,
        national_id=MOTHER_ID,
    ),
    "father": Principal(
        subject="c-father",
        display_label="Far",
        assurance=AssuranceLevel.HIGH,
        national_id=FATHER_ID,
    ),
    "stranger": Principal(
        subject="c-x",
        display_label="Fremmed",
        assurance=AssuranceLevel.HIGH,
        national_id=STRANGER_ID,
    ),
    **{
        p.ref: Principal(
            subject=p.ref, display_label=f"Ansatt {p.service.value}", assurance=AssuranceLevel.HIGH
        )
        for p in PARTICIPANTS
    },
}


def child_principal(case: Case) -> Principal:
    """The child as a principal."""
    assert isinstance(case.subject, Child)
    return Principal(
        subject="c-child",
        display_label="Barnet",
        assurance=AssuranceLevel.HIGH,
        national_id=case.subject.person_id,
    )


# --- properties ----------------------------------------------------------------------------------


@given(case=cases(), data=st.data(), entry=entry_metas())
def test_no_read_is_allowed_that_the_table_forbids(
    case: Case, data: st.DataObject, entry: EntryMeta
) -> None:
    """For random cases, readers, entries and days, every allowed read is allowed by the oracle."""
    assert isinstance(case.subject, Child)
    as_of = data.draw(days_around_birthdays(case.subject.birth_date))
    who = data.draw(st.sampled_from([*PRINCIPALS, "child"]))
    principal = child_principal(case) if who == "child" else PRINCIPALS[who]
    decision = decide(principal, case, AccessAction.READ, entry, as_of, settings=SETTINGS)
    event(
        f"{who if who in ('mother', 'father', 'child') else 'service'} allowed={decision.allowed}"
    )
    if decision.allowed:
        assert oracle_may_read(who, case, entry, as_of), decision.reason


@given(case=cases(), data=st.data(), entry=entry_metas())
def test_guardians_read_exactly_what_the_matrix_gives(
    case: Case, data: st.DataObject, entry: EntryMeta
) -> None:
    """A guardian with foreldreansvar reads exactly the §6.2 guardians' column (no grants)."""
    assert isinstance(case.subject, Child)
    as_of = data.draw(days_around_birthdays(case.subject.birth_date))
    decision = decide(PRINCIPALS["mother"], case, AccessAction.READ, entry, as_of)
    assert decision.allowed is oracle_guardian(age_of(case.subject.birth_date, as_of), entry)


@given(case=cases(), data=st.data(), entries=st.lists(entry_metas(), min_size=1, max_size=8))
def test_every_guardian_read_is_denied_from_the_18th_birthday(
    case: Case, data: st.DataObject, entries: Sequence[EntryMeta]
) -> None:
    """From the 18th birthday on, every guardian read — overview or entry — is denied."""
    assert isinstance(case.subject, Child)
    as_of = birthday(case.subject.birth_date, 18) + timedelta(days=data.draw(st.integers(0, 3000)))
    for who in ("mother", "father"):
        assert not decide(PRINCIPALS[who], case, AccessAction.READ, None, as_of).allowed
        for entry in entries:
            assert not decide(PRINCIPALS[who], case, AccessAction.READ, entry, as_of).allowed


@given(case=cases(), data=st.data(), entry=entry_metas())
def test_a_withdrawal_takes_effect_on_the_very_next_read(
    case: Case, data: st.DataObject, entry: EntryMeta
) -> None:
    """Withdrawing every consent stops, the same day, every read that rested on consent."""
    assert isinstance(case.subject, Child)
    as_of = data.draw(days_around_birthdays(case.subject.birth_date))
    reader = data.draw(st.sampled_from(PARTICIPANTS))
    principal = PRINCIPALS[reader.ref]
    assume(entry.author_ref != reader.ref and entry.author_service is not reader.service)
    withdrawals = [
        ConsentWithdrawn(consent_id=c.id, by="mother", on=as_of)
        for c in ledger(case).consents
        if c.withdrawn_on is None or c.withdrawn_on > as_of
    ]
    after = (
        case.apply_all(case.record(withdrawals, actor="ke-1", clock=CLOCK)) if withdrawals else case
    )
    assert not decide(principal, after, AccessAction.READ, entry, as_of).allowed


# --- through the Casebook ------------------------------------------------------------------------

OPERATIONS = ("read", "read_entry", "who_looked", "write", "consent", "withdraw")


def command(operation: str, subject: str, n: int, day: date) -> Command:
    """A write, consent or withdrawal command (as the principal ``subject`` on ``day``)."""

    def write(case: Case) -> Sequence[DomainEvent]:
        return stafettlogg.register_undring(
            case, undring_id=f"u{n}", by=subject, description="x", as_of=day
        )

    def consent(case: Case) -> DomainEvent:
        return give_consent(
            case,
            consent_id=f"k{n}",
            purpose=ConsentPurpose.SHARE_INFORMATION,
            given_by=["mother"],
            services=[ServiceKind.SKOLE],
            as_of=day,
        )

    def withdraw(case: Case) -> DomainEvent:
        return withdraw_consent(case, consent_id="k0", by="mother", as_of=day)

    commands: dict[str, Command] = {"write": write, "consent": consent, "withdraw": withdraw}
    return commands[operation]


@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(OPERATIONS),
            st.sampled_from(
                ["mother", "father", "child", "stranger", *(p.ref for p in PARTICIPANTS)]
            ),
            st.integers(0, 30 * 366),
        ),
        min_size=1,
        max_size=10,
    ),
    born=st.dates(date(2010, 4, 1), date(2020, 12, 31)),
)
def test_every_casebook_decision_leaves_exactly_one_audit_record(
    steps: Sequence[tuple[str, str, int]], born: date
) -> None:
    """Every read and write through the Casebook, allowed, denied or failing, is audited once."""
    clock = FixedClock(datetime.combine(born, time(12), tzinfo=UTC))
    store = InMemoryCaseStore()
    book = Casebook(store, clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET)
    child = Child(
        ref="child",
        birth_date=born,
        person_id=PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY),
    )
    opener = Principal(
        subject="ke-1",
        display_label="Koordinerende enhet",
        assurance=AssuranceLevel.HIGH,
        roles=frozenset({SystemRole.KOORDINERENDE_ENHET}),
        municipality_number="0301",
    )
    case_id = book.open_case(
        opener,
        [
            open_case(
                municipality_number="0301",
                subject=child,
                guardians=(
                    Guardian(
                        ref="mother",
                        relation=GuardianRelation.MOTHER,
                        parental_responsibility=True,
                        person_id=MOTHER_ID,
                    ),
                ),
            ),
            *(ParticipantJoined(participant=p) for p in PARTICIPANTS),
        ],
    )
    principals = {
        **PRINCIPALS,
        "child": child_principal(attrs.evolve(CATALOGUE.new_case("x"), subject=child)),
    }
    for counter, (operation, who, offset) in enumerate(sorted(steps, key=lambda s: s[2])):
        clock.set(datetime.combine(born + timedelta(days=offset), time(12), tzinfo=UTC))
        principal = principals[who]
        today = book.today()
        before = len(store.read_audit(case_id))
        try:
            if operation == "read":
                book.read(principal, case_id)
            elif operation == "read_entry":
                book.read_entry(principal, case_id, "undring:u1")
            elif operation == "who_looked":
                book.who_looked(principal, case_id, "nn")
            else:
                book.execute(
                    principal,
                    case_id,
                    command(operation, principal.subject, counter, today),
                    action="write" if operation == "write" else "consent",
                )
        except BarnekoordinatorError:
            pass
        assert len(store.read_audit(case_id)) == before + 1
    assert len(store.read_audit(case_id)) == len(steps) + 1  # + the opening
