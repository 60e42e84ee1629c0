"""Legal scenarios of access and consent by age (domain.md §6, §10.1 BK-13, §10.2, §10.3 BTI-12).

The per-entry rows live in ``access_scenarios.toml`` (one row per reader and
entry, with the paragraph to review); the flows — a professional withholding an
entry, a care order, a birthday passing, a consent withdrawn — run through the
Casebook on the real in-memory store.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from barnekoordinator.access.consent import (
    BARNEVERN,
    Consent,
    ConsentGiven,
    ConsentPurpose,
    Section,
    change_care_order,
    give_consent,
    ledger,
    withdraw_consent,
)
from barnekoordinator.access.entries import EntryMeta, GuardianVisibility, change_visibility
from barnekoordinator.access.grants import grant_guardian_access
from barnekoordinator.access.policy import AccessAction, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import AccessDenied, RuleViolation
from barnekoordinator.history.case import Case, DomainEvent, ParticipantJoined, open_case
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional, birthday
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY, back_office_load
from barnekoordinator_plugins.memory import InMemoryCaseStore

ROWS: list[dict[str, Any]] = tomllib.loads(
    (Path(__file__).parent / "access_scenarios.toml").read_text(encoding="utf-8")
)["row"]
SECRET = b"legal-scenario-secret-0123456789"
POLICY = IdentifierPolicy.testing()
ORG = Organisasjonsnummer.parse("123456785")
BORN = date(2010, 9, 14)


def pid(born: date) -> PersonId:
    """A synthetic (Tenor +80) person id."""
    return PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY)


CHILD_ID, MOTHER_ID, FATHER_ID = pid(BORN), pid(date(1982, 4, 1)), pid(date(1981, 2, 3))


def citizen(person: PersonId, label: str) -> Principal:
    """A citizen logged in through ID-porten."""
    return Principal(
        subject=f"idporten-{label.lower()}",
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        national_id=person,
        roles=frozenset({SystemRole.CITIZEN}),
    )


def staff(subject: str, label: str, *roles: str, hpr: int | None = None) -> Principal:
    """A municipal employee of Oslo."""
    return Principal(
        subject=subject,
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        roles=frozenset(roles),
        municipality_number="0301",
        hpr=HprNummer(hpr) if hpr else None,
    )


MOTHER = citizen(MOTHER_ID, "Mor")
FATHER = citizen(FATHER_ID, "Far")
CHILD = citizen(CHILD_ID, "Ungdommen")
KE = staff("ke-1", "Siri, koordinerende enhet", SystemRole.KOORDINERENDE_ENHET)
NURSE = staff("nurse", "Helsesykepleier Kari", hpr=1234567)
TEACHER = staff("teacher", "Kontaktlærer Ola")
BARNEVERN_OFFICE = staff("bv-1", "Barnevernstjenesten", SystemRole.BARNEVERN)
READERS = {
    "guardian": MOTHER,
    "parent-without-responsibility": FATHER,
    "child": CHILD,
    "service": TEACHER,
}


def opening(*, father_responsibility: bool = False) -> list[DomainEvent]:
    """The family's case: mother with foreldreansvar, father per argument, nurse and teacher."""
    return [
        open_case(
            municipality_number="0301",
            subject=Child(ref="child", birth_date=BORN, person_id=CHILD_ID),
            guardians=(
                Guardian(
                    ref="mother",
                    relation=GuardianRelation.MOTHER,
                    parental_responsibility=True,
                    person_id=MOTHER_ID,
                ),
                Guardian(
                    ref="father",
                    relation=GuardianRelation.FATHER,
                    parental_responsibility=father_responsibility,
                    person_id=FATHER_ID,
                ),
            ),
        ),
        ParticipantJoined(
            participant=Professional(
                ref="nurse",
                service=ServiceKind.SKOLEHELSETJENESTE,
                organisation=ORG,
                hpr=HprNummer(1234567),
            )
        ),
        ParticipantJoined(
            participant=Professional(ref="teacher", service=ServiceKind.SKOLE, organisation=ORG)
        ),
    ]


def clock_on(day: date) -> FixedClock:
    """A clock at noon (Oslo) on ``day``."""
    return FixedClock(datetime.combine(day, time(10, 0), tzinfo=UTC))


def at_age(years: int, days: int = 0) -> date:
    """The day the child is ``years`` old plus ``days``."""
    return birthday(BORN, years) + timedelta(days=days)


def casebook(day: date) -> tuple[Casebook, FixedClock]:
    """A Casebook on a fresh in-memory store, its clock on ``day``."""
    clock = clock_on(day)
    return Casebook(
        InMemoryCaseStore(), clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET
    ), clock


def undring(book: Casebook, by: Principal, case_id: str, undring_id: str) -> None:
    """A professional documents a nivå-0 undring (an entry of their service's section)."""
    book.execute(
        by,
        case_id,
        lambda c: stafettlogg.register_undring(
            c, undring_id=undring_id, by=by.subject, description="...", as_of=book.today()
        ),
    )


def mark(book: Casebook, case_id: str, entry_id: str, visibility: GuardianVisibility) -> None:
    """The helsesykepleier decides an entry's visibility to guardians."""
    book.execute(
        NURSE,
        case_id,
        lambda c: change_visibility(
            c,
            entry_id=entry_id,
            visibility=visibility,
            decided_by="nurse",
            reason="assessed by the helsesykepleier",
            as_of=book.today(),
        ),
        action=AccessAction.DECIDE_VISIBILITY,
    )


def consent_of(
    book: Casebook,
    principal: Principal,
    case_id: str,
    who: str,
    purpose: ConsentPurpose,
    services: list[ServiceKind],
) -> None:
    """``principal`` records their own consent (as ``who``) through the Casebook."""
    day = book.today()

    def give(case: Case) -> DomainEvent:
        return give_consent(
            case,
            consent_id=f"{purpose.value}-{who}",
            purpose=purpose,
            given_by=[who],
            services=services,
            as_of=day,
        )

    book.execute(principal, case_id, give, action="consent")


def visible(book: Casebook, principal: Principal, case_id: str) -> set[str]:
    """The entry ids in the principal's view of the case."""
    return {e.meta.id for e in book.read(principal, case_id).entries}


# --- the TOML table ------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_table_row(row: dict[str, Any]) -> None:
    """Each row of access_scenarios.toml: reader, age and entry give the row's outcome and basis."""
    case = CATALOGUE.new_case("case-1")
    for event in opening():
        case = case.apply_all(case.record(event, actor="ke-1", clock=clock_on(date(2020, 1, 1))))
    entry = EntryMeta(
        id="entry",
        kind="plan-item",
        section=Section(row["section"]),
        author_ref="nurse",
        author_service=ServiceKind.SKOLEHELSETJENESTE,
        created_on=date(2020, 1, 1),
        visibility=GuardianVisibility(row["visibility"]),
    )
    as_of = at_age(row["age"], row.get("days", 0))
    decision = decide(READERS[row["reader"]], case, AccessAction.READ, entry, as_of)
    assert decision.allowed is row["allowed"], f"{row['id']} ({row['paragraph']})"
    assert list(decision.basis) == row["basis"], f"{row['id']} ({row['paragraph']})"


# --- flows through the Casebook ------------------------------------------------------------------


def test_ip_04_thirteen_year_old_withholds_an_entry() -> None:
    """IP-04, pbrl § 3-4 (2) and (4): hidden from guardians, necessary information still given."""
    book, _ = casebook(at_age(13))
    case_id = book.open_case(KE, opening())
    undring(book, NURSE, case_id, "contraception-counselling")
    undring(book, NURSE, case_id, "needs-glasses")
    undring(book, NURSE, case_id, "sleep")
    mark(
        book,
        case_id,
        "undring:contraception-counselling",
        GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
    )
    mark(
        book,
        case_id,
        "undring:needs-glasses",
        GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY,
    )
    assert visible(book, MOTHER, case_id) == {"undring:needs-glasses", "undring:sleep"}
    assert "undring:contraception-counselling" in visible(book, CHILD, case_id)
    with pytest.raises(AccessDenied):
        book.read_entry(MOTHER, case_id, "undring:contraception-counselling")


def test_ip_04_withholding_is_a_professionals_decision() -> None:
    """IP-04, pbrl § 3-4: guardians and non-health staff cannot decide on a health entry."""
    book, _ = casebook(at_age(13))
    case_id = book.open_case(KE, opening())
    undring(book, NURSE, case_id, "u1")

    def hide(by: str) -> Any:
        return lambda c: change_visibility(
            c,
            entry_id="undring:u1",
            visibility=GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
            decided_by=by,
            reason="asked",
            as_of=book.today(),
        )

    with pytest.raises(AccessDenied):
        book.execute(TEACHER, case_id, hide("teacher"), action=AccessAction.DECIDE_VISIBILITY)
    with pytest.raises(AccessDenied):
        book.execute(MOTHER, case_id, hide("nurse"))


def test_ip_06_sixteen_year_old_blocks_parents() -> None:
    """IP-06, pbrl § 3-4 (1)+(4) and § 4-3 b: parents get only what is necessary; youth decides."""
    book, clock = casebook(at_age(15))
    case_id = book.open_case(KE, opening())
    undring(book, NURSE, case_id, "mental-health")
    undring(book, NURSE, case_id, "epilepsy-plan")
    mark(
        book,
        case_id,
        "undring:epilepsy-plan",
        GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY,
    )
    assert visible(book, MOTHER, case_id) == {"undring:mental-health", "undring:epilepsy-plan"}
    clock.set(datetime.combine(at_age(16), time(10), tzinfo=UTC))
    assert visible(book, MOTHER, case_id) == {"undring:epilepsy-plan"}
    assert visible(book, CHILD, case_id) == {"undring:mental-health", "undring:epilepsy-plan"}
    today = book.today()

    def consent(by: str, sections: tuple[Section, ...] = tuple(Section)) -> Any:
        return lambda c: give_consent(
            c,
            consent_id=f"share-{by}",
            purpose=ConsentPurpose.SHARE_INFORMATION,
            given_by=[by],
            services=[ServiceKind.SKOLE],
            sections=sections,
            as_of=today,
        )

    # Health sharing is the young person's alone from 16 (§ 4-3 b) ...
    with pytest.raises(RuleViolation):
        book.execute(MOTHER, case_id, consent("mother", (Section.HEALTH,)), action="consent")
    # ... while foreldreansvar lasts to 18: the parents still consent to sharing other sections
    # (issue 14 item 3; domain.md §2.7, §6.2, §6.3 rule 6 — this test used to refuse it).
    parent = decide(
        MOTHER,
        _case(book, case_id),
        AccessAction.CONSENT,
        None,
        today,
        purpose=ConsentPurpose.SHARE_INFORMATION,
    )
    assert parent.allowed
    assert visible(book, TEACHER, case_id) == set()
    book.execute(MOTHER, case_id, consent("mother", (Section.EDUCATION,)), action="consent")
    assert visible(book, TEACHER, case_id) == set()  # the entries are health entries
    book.execute(CHILD, case_id, consent("child"), action="consent")
    assert visible(book, TEACHER, case_id) == {"undring:mental-health", "undring:epilepsy-plan"}


def test_ip_07_parent_without_foreldreansvar() -> None:
    """IP-07, barneloven § 47: a father without foreldreansvar gets no guardian rights in the IP."""
    book, _ = casebook(at_age(9))
    case_id = book.open_case(KE, opening(father_responsibility=False))
    undring(book, NURSE, case_id, "u1")
    with pytest.raises(AccessDenied, match="barneloven § 47"):
        book.read(FATHER, case_id)
    refused = book.store.read_audit(case_id)[-1]
    assert (refused.allowed, refused.basis) == (False, ("barnel-47",))
    assert visible(book, MOTHER, case_id) == {"undring:u1"}
    with pytest.raises(AccessDenied):
        book.execute(
            FATHER,
            case_id,
            lambda c: ConsentGiven(
                consent=Consent(
                    id="k",
                    purpose=ConsentPurpose.SHARE_INFORMATION,
                    given_by=frozenset({"father"}),
                    services=frozenset({ServiceKind.SKOLE}),
                    valid_from=book.today(),
                )
            ),
            action="consent",
        )


def test_ip_08_barnevern_has_care() -> None:
    """IP-08, pbrl § 4-5: after omsorgsovertakelse barnevernstjenesten consents, not parents."""
    book, _ = casebook(at_age(9))
    case_id = book.open_case(KE, opening(father_responsibility=True))
    book.execute(KE, case_id, lambda c: change_care_order(c, care_taken_over=True))
    today = book.today()

    def health_consent(by: str) -> Any:
        return lambda c: ConsentGiven(  # a raw event: the access layer must refuse on its own
            consent=Consent(
                id=f"health-{by}",
                purpose=ConsentPurpose.HEALTH_CARE,
                given_by=frozenset({by}),
                services=frozenset({ServiceKind.SKOLEHELSETJENESTE}),
                valid_from=today,
            )
        )

    with pytest.raises(AccessDenied, match="§ 4-5"):
        book.execute(MOTHER, case_id, health_consent("mother"), action="consent")
    assert book.store.read_audit(case_id)[-1].basis == ("pbrl-4-5",)
    with pytest.raises(RuleViolation):  # the consent command refuses too
        book.execute(
            MOTHER,
            case_id,
            lambda c: give_consent(
                c,
                consent_id="h",
                purpose=ConsentPurpose.HEALTH_CARE,
                given_by=["mother"],
                services=[ServiceKind.SKOLEHELSETJENESTE],
                as_of=today,
            ),
            action="consent",
        )
    book.execute(BARNEVERN_OFFICE, case_id, health_consent(BARNEVERN), action=AccessAction.CONSENT)
    given = ledger(_case(book, case_id)).get(f"health-{BARNEVERN}")
    assert given is not None
    assert BARNEVERN in given.given_by
    stored = book.store.read_audit(case_id)[-1]
    assert stored.allowed
    assert "pbrl-4-5" in stored.basis


def test_ip_10_young_adult() -> None:
    """IP-10, vergemålsloven § 2: at 19 parents lose access; new consent comes from the adult."""
    book, clock = casebook(at_age(15))
    case_id = book.open_case(KE, opening(father_responsibility=True))
    undring(book, NURSE, case_id, "u1")
    for who, principal in (("mother", MOTHER), ("father", FATHER)):
        consent_of(
            book, principal, case_id, who, ConsentPurpose.SHARE_INFORMATION, [ServiceKind.SKOLE]
        )
    clock.set(datetime.combine(at_age(19), time(10), tzinfo=UTC))
    with pytest.raises(AccessDenied, match="18"):
        book.read(MOTHER, case_id)
    assert visible(book, CHILD, case_id) == {"undring:u1"}
    # The guardians' consent lapsed: the adult consents alone (§ 4-3 a).
    assert visible(book, TEACHER, case_id) == set()
    day = book.today()
    book.execute(
        CHILD,
        case_id,
        lambda c: grant_guardian_access(
            c, grant_id="g", guardian_ref="mother", as_of=day, sections=[Section.HEALTH]
        ),
        action="consent",
    )
    assert visible(book, MOTHER, case_id) == {"undring:u1"}
    with pytest.raises(AccessDenied):
        book.read(FATHER, case_id)


def test_bk_13_guardian_access_revoked_on_the_18th_birthday() -> None:
    """BK-13, hotl § 7-2 a and vergemålsloven § 2: guardian access ends on the 18th birthday."""
    book, clock = casebook(at_age(16, 60))
    case_id = book.open_case(KE, opening(father_responsibility=True))
    undring(book, TEACHER, case_id, "school")
    clock.set(datetime.combine(at_age(18, -1), time(21, 0), tzinfo=UTC))  # 22:00/23:00 in Oslo
    assert visible(book, MOTHER, case_id) == {"undring:school"}
    assert visible(book, FATHER, case_id) == {"undring:school"}
    clock.set(datetime.combine(at_age(18), time(0, 30), tzinfo=UTC))  # the birthday in Oslo
    for guardian in (MOTHER, FATHER):
        with pytest.raises(AccessDenied, match="18"):
            book.read(guardian, case_id)
        with pytest.raises(AccessDenied):
            book.who_looked(guardian, case_id)
    assert visible(book, CHILD, case_id) == {"undring:school"}
    assert "Mor" in book.who_looked(CHILD, case_id)


def test_bti_12_consent_withdrawn_revokes_services_read_access() -> None:
    """BTI-12 (domain.md §7.6): once guardians withdraw consent, services no longer read the log."""
    book, _ = casebook(at_age(8))
    case_id = book.open_case(KE, opening(father_responsibility=True))
    today = book.today()
    for who, principal in (("mother", MOTHER), ("father", FATHER)):
        consent_of(
            book,
            principal,
            case_id,
            who,
            ConsentPurpose.STAFETTLOGG,
            [ServiceKind.SKOLE, ServiceKind.SKOLEHELSETJENESTE],
        )
    book.execute(
        TEACHER,
        case_id,
        lambda c: stafettlogg.open_stafettlogg(
            c, by="teacher", holder_ref="teacher", level=stafettlogg.BtiLevel.NIVAA_2, as_of=today
        ),
    )
    book.execute(
        NURSE,
        case_id,
        lambda c: stafettlogg.record_observation(
            c,
            observation_id="o1",
            by="nurse",
            kind=stafettlogg.ObservationKind.UNDRING,
            text="Tired at school",
            as_of=today,
        ),
    )
    assert book.read_entry(TEACHER, case_id, "stafettlogg:o1")
    book.execute(
        FATHER,
        case_id,
        lambda c: withdraw_consent(c, consent_id="stafettlogg-father", by="father", as_of=today),
        action="consent",
    )
    with pytest.raises(AccessDenied):
        book.read_entry(TEACHER, case_id, "stafettlogg:o1")
    assert "stafettlogg:o1" not in visible(book, TEACHER, case_id)
    # The guardians still see their child's log; the author keeps their own note.
    assert "stafettlogg:o1" in visible(book, MOTHER, case_id)
    assert "stafettlogg:o1" in visible(book, NURSE, case_id)


def _case(book: Casebook, case_id: str) -> Case:

    return back_office_load(book.store, case_id)
