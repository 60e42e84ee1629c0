"""One door (issue 11): nothing the Casebook returns holds more than ``decide`` allowed.

For random families (the child at any age from newborn to 20, guardians with and without
foreldreansvar), random case contents (undringer of several services, consents, visibility
decisions, a stafettlogg with tiltak, sometimes a closed case) and random calls by random
principals (the guardians, the child, professionals with and without consent, koordinerende
enhet, a leader, barnevern, strangers, a weak login) to every public Casebook method with
good and bad arguments — the properties:

* nothing returned (walked recursively: attrs fields, tuples, strings, and every repr) holds
  a national id, an entry id ``decide`` did not allow that principal on that day, a name of
  the family where the decision gave no names (a leader, a refusal), or an agenda row about
  an entry the principal may not read; no error message holds a national id or such a name;
* every call left exactly one audit record (a search: one per case it showed; a call naming
  no case that exists: none), and a call that raised stored no event.

The oracle here is ``decide`` itself, applied by the test to the case read from the store:
what the Casebook hands out must be a subset of what the policy allows.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.consent import ConsentPurpose, give_consent, required_consenters
from barnekoordinator.access.entries import Entry, GuardianVisibility, change_visibility, entries
from barnekoordinator.access.policy import AccessAction, CaseRole, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import BarnekoordinatorError, CaseNotFound, RuleViolation
from barnekoordinator.history.case import (
    Case,
    CaseClosedEvent,
    DomainEvent,
    ParticipantJoined,
    open_case,
)
from barnekoordinator.history.projections import AgendaItem
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY, back_office_load
from barnekoordinator_plugins.memory import InMemoryCaseStore

POLICY = IdentifierPolicy.testing()
SECRET = b"one-door-property-secret-0123456"
ORG = Organisasjonsnummer.parse("123456785")
OPENED = date(2026, 1, 5)
MOTHER_ID = PersonId.parse(synthetic_fodselsnummer(date(1975, 2, 3)), policy=POLICY)
FATHER_ID = PersonId.parse(synthetic_fodselsnummer(date(1974, 4, 5)), policy=POLICY)
STRANGER_ID = PersonId.parse(synthetic_fodselsnummer(date(1973, 6, 7)), policy=POLICY)
OTHER_CHILD_ID = PersonId.parse(synthetic_fodselsnummer(date(2019, 8, 9)), policy=POLICY)
FAMILY_NAMES = {"child": "Barnnavn", "mor": "Mornavn", "far": "Farnavn"}
SERVICES = {
    "pro-helse": (ServiceKind.HELSESTASJON, "Helsenavn", HprNummer(7654321)),
    "pro-skole": (ServiceKind.SKOLE, "Skolenavn", None),
    "pro-ppt": (ServiceKind.PPT, "Pptnavn", None),
    "pro-bv": (ServiceKind.BARNEVERN, "Bvnavn", None),
    "ke": (ServiceKind.KOORDINERENDE_ENHET, "Kenavn", None),
}
PROFESSIONAL_NAMES = {name for _, name, _ in SERVICES.values()}


def citizen(subject: str, label: str, person: PersonId, level: AssuranceLevel) -> Principal:
    """A citizen logged in with ID-porten."""
    return Principal(
        subject=subject,
        display_label=label,
        assurance=level,
        national_id=person,
        roles=frozenset({SystemRole.CITIZEN}),
    )


def staff(subject: str, label: str, *roles: str, municipality: str = "0301") -> Principal:
    """Someone acting for a municipality."""
    return Principal(
        subject=subject,
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        roles=frozenset(roles),
        municipality_number=municipality,
    )


def principals(child_id: PersonId) -> dict[str, Principal]:
    """Everyone who may knock on the door, by a short name."""
    return {
        "mother": citizen("idp-mor", "Mor", MOTHER_ID, AssuranceLevel.HIGH),
        "father": citizen("idp-far", "Far", FATHER_ID, AssuranceLevel.HIGH),
        "child": citizen("idp-barn", "Barnet", child_id, AssuranceLevel.HIGH),
        "weak-mother": citizen("idp-mor", "Mor", MOTHER_ID, AssuranceLevel.LOW),
        "stranger-citizen": citizen("idp-x", "Ukjent person", STRANGER_ID, AssuranceLevel.HIGH),
        "nurse": staff("pro-helse", "Kari, helsestasjon", SystemRole.CASEWORKER),
        "teacher": staff("pro-skole", "Ola, skole"),
        "ppt": staff("pro-ppt", "Per, PPT", SystemRole.CASEWORKER),
        "barnevern-worker": staff("pro-bv", "Bo, barnevern"),
        "barnevern-office": staff("bv-kontor", "Barnevernstjenesten", SystemRole.BARNEVERN),
        "ke": staff("ke", "Siri, koordinerende enhet", SystemRole.KOORDINERENDE_ENHET),
        "leader": staff("leder", "Leder", SystemRole.LEADER),
        "stranger-staff": staff("x-staff", "Ukjent ansatt", SystemRole.CASEWORKER),
        "elsewhere": staff(
            "bergen", "Bergen KE", SystemRole.KOORDINERENDE_ENHET, municipality="4601"
        ),
    }


PRINCIPAL_NAMES = sorted(principals(OTHER_CHILD_ID))


# --- building a case -----------------------------------------------------------------------------


@attrs.frozen
class Family:
    """The drawn family: the child's birth date and who has foreldreansvar."""

    born: date
    mother_responsible: bool
    father_responsible: bool

    @property
    def child_id(self) -> PersonId:
        """The child's synthetic fødselsnummer."""
        return PersonId.parse(synthetic_fodselsnummer(self.born), policy=POLICY)

    def opening(self, municipality: str = "0301") -> list[DomainEvent]:
        """The case with both guardians and every professional taking part."""
        return [
            open_case(
                municipality_number=municipality,
                subject=Child(
                    ref="child",
                    birth_date=self.born,
                    person_id=self.child_id,
                    name=FAMILY_NAMES["child"],
                ),
                guardians=(
                    Guardian(
                        ref="mor",
                        relation=GuardianRelation.MOTHER,
                        parental_responsibility=self.mother_responsible,
                        person_id=MOTHER_ID,
                        name=FAMILY_NAMES["mor"],
                    ),
                    Guardian(
                        ref="far",
                        relation=GuardianRelation.FATHER,
                        parental_responsibility=self.father_responsible,
                        person_id=FATHER_ID,
                        name=FAMILY_NAMES["far"],
                    ),
                ),
            ),
            *(
                ParticipantJoined(
                    participant=Professional(
                        ref=ref, service=service, organisation=ORG, name=name, hpr=hpr
                    )
                )
                for ref, (service, name, hpr) in SERVICES.items()
            ),
        ]


families = st.builds(
    Family,
    born=st.dates(date(2005, 6, 1), date(2025, 12, 1)),
    mother_responsible=st.booleans(),
    father_responsible=st.booleans(),
)

SETUP = st.lists(
    st.tuples(
        st.sampled_from(["undring", "consent", "withhold", "necessary", "tiltak", "close"]),
        st.sampled_from(sorted(SERVICES)),
        st.integers(0, 5),
    ),
    max_size=8,
)


class Setup:
    """Runs the drawn setup steps through the Casebook as the professionals themselves."""

    def __init__(self, book: Casebook, case_id: str, staff_of: dict[str, Principal]) -> None:
        self.book = book
        self.case_id = case_id
        self.staff_of = staff_of
        self.counter = 0

    def case(self) -> Case:
        """The case as the trusted back office sees it (the test's oracle input)."""
        return back_office_load(self.book.store, self.case_id)

    def run(self, step: str, ref: str, pick: int) -> None:
        """One step; a step the rules refuse is a valid outcome and is skipped."""
        self.counter += 1
        n, today, who = self.counter, self.book.today(), self.staff_of[ref]
        command = self.command(step, ref, pick, n, today)
        if command is None:
            return
        action = AccessAction.DECIDE_VISIBILITY if step in ("withhold", "necessary") else "write"
        with contextlib.suppress(BarnekoordinatorError):
            self.book.execute(who, self.case_id, command, action=action)

    def command(
        self, step: str, ref: str, pick: int, n: int, today: date
    ) -> Callable[[Case], Any] | None:
        if step == "undring":
            return lambda c: stafettlogg.register_undring(
                c, undring_id=f"u{n}z", by=ref, description="beskrivelse", as_of=today
            )
        if step == "consent":
            purpose = (ConsentPurpose.SHARE_INFORMATION, ConsentPurpose.STAFETTLOGG)[pick % 2]
            services = [s for s, _, _ in SERVICES.values()][: 1 + pick % 5]
            return lambda c: give_consent(
                c,
                consent_id=f"k{n}z",
                purpose=purpose,
                given_by=sorted(required_consenters(c, purpose, as_of=today)),
                services=services,
                as_of=today,
            )
        if step in ("withhold", "necessary"):
            ids = sorted(e.meta.id for e in entries(self.case()))
            if not ids:
                return None
            visibility = (
                GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY
                if step == "necessary"
                else (
                    GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
                    GuardianVisibility.WITHHELD_WEIGHTY_REASONS,
                )[pick % 2]
            )
            entry_id = ids[pick % len(ids)]
            return lambda c: change_visibility(
                c,
                entry_id=entry_id,
                visibility=visibility,
                decided_by=ref,
                reason="vurdert",
                as_of=today,
            )
        if step == "tiltak":
            return lambda c: (
                stafettlogg.open_stafettlogg(
                    c, by=ref, holder_ref=ref, level=stafettlogg.BtiLevel.NIVAA_1, as_of=today
                )
                if stafettlogg.open_log(c) is None
                else stafettlogg.add_log_measure(
                    c,
                    tiltak_id=f"t{n}z",
                    by=ref,
                    description="tiltak",
                    responsible_ref=ref,
                    evaluation_date=today + timedelta(days=7 * pick),
                    as_of=today,
                )
            )
        if step == "close" and pick == 0:
            return lambda c: CaseClosedEvent(reason="mål nådd")
        return None


# --- the calls -----------------------------------------------------------------------------------


class Command(enum.Enum):
    """What a command given to ``execute`` does."""

    UNDRING = "undring"
    NONE = "none"
    TEXT = "text"
    MIXED = "mixed"
    EMPTY = "empty"
    REFUSES = "refuses"
    OTHERS_CONSENT = "others-consent"


def command(kind: Command, by: str, n: int, today: date) -> Callable[[Case], Any]:
    """A command of the drawn kind (some of them break the contract on purpose)."""
    if kind is Command.UNDRING:
        return lambda c: stafettlogg.register_undring(
            c, undring_id=f"w{n}z", by=by, description="ny", as_of=today
        )
    if kind is Command.NONE:
        return lambda c: None
    if kind is Command.TEXT:
        return lambda c: c.child.name if c.child is not None else "x"
    if kind is Command.MIXED:
        return lambda c: [CaseClosedEvent(reason="x"), c.child]
    if kind is Command.EMPTY:
        return lambda c: ()

    def refuses(case: Case) -> DomainEvent:
        raise RuleViolation(f"case {case.id}: not now")

    if kind is Command.REFUSES:
        return refuses
    return lambda c: give_consent(
        c,
        consent_id=f"o{n}z",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["mor", "far"],
        services=[ServiceKind.SKOLE],
        as_of=today,
    )


CALLS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "read",
                "read_entry",
                "who_looked",
                "overview",
                "execute",
                "open_case",
                "agenda",
                "search",
            ]
        ),
        st.sampled_from(PRINCIPAL_NAMES),
        st.integers(0, 30),
        st.sampled_from(list(Command)),
        st.sampled_from(["write", "consent", "read", "read-audit", "open", "decide-visibility"]),
    ),
    min_size=1,
    max_size=10,
)


def call(
    book: Casebook,
    family: Family,
    case_id: str,
    name: str,
    who: Principal,
    pick: int,
    kind: Command,
    action: str,
) -> object:
    """Make one call through a public Casebook method; return what it returned."""
    known = sorted(e.meta.id for e in entries(back_office_load(book.store, case_id)))
    today = book.today()
    if name == "read":
        return book.read(who, case_id)
    if name == "read_entry":
        ids = [*known, "undring:nonez"]
        return book.read_entry(who, case_id, ids[pick % len(ids)])
    if name == "who_looked":
        return book.who_looked(who, case_id, ("nb", "nn", "en", "se")[pick % 4])
    if name == "overview":
        version = (None, "child", "youth", "guardian", "baby")[pick % 5]
        lang = ("nb", "nn", "en", "se")[pick % 4]
        return book.overview(who, case_id, lang=lang, version=version)
    if name == "execute":
        return book.execute(
            who,
            case_id,
            command(kind, who.subject, pick, today),
            action=action,
            expected_version=None if pick % 7 else book.store.version(case_id) - 1,
        )
    if name == "open_case":
        other = Child(ref="child", birth_date=date(2019, 8, 9), person_id=OTHER_CHILD_ID)
        batches: list[Any] = [
            family.opening(),
            family.opening("4601"),
            [open_case(municipality_number="0301", subject=other)],
            None,
        ]
        return book.open_case(who, batches[pick % 4])
    if name == "agenda":
        return book.agenda(who, case_id=case_id, until=today + timedelta(days=400 * pick))
    return book.agenda(who, until=today + timedelta(days=400 * pick))


# --- the oracle: what decide allowed -------------------------------------------------------------


@attrs.frozen
class Allowed:
    """What ``decide`` lets one principal see of one case on one day."""

    overview: bool
    names: bool
    entries: frozenset[str]
    hidden: frozenset[str]
    metas: tuple[str, ...]


def allowed(book: Casebook, who: Principal, case_id: str) -> Allowed:
    """Ask the policy, on the case as stored, what ``who`` may see today."""
    case = back_office_load(book.store, case_id)
    as_of = book.today()
    overview = decide(who, case, AccessAction.READ, None, as_of, settings=book.settings)
    ids = tuple(e.meta.id for e in entries(case))
    readable = frozenset(
        e.meta.id
        for e in entries(case)
        if decide(who, case, AccessAction.READ, e.meta, as_of, settings=book.settings).allowed
    )
    return Allowed(
        overview=overview.allowed,
        names=overview.allowed and overview.role is not CaseRole.LEADER,
        entries=readable,
        hidden=frozenset(ids) - readable,
        metas=ids,
    )


def walk(value: object) -> Iterator[object]:
    """Every value inside ``value``: attrs fields, sequences, mappings, recursively."""
    yield value
    if isinstance(value, str | bytes | int | float | date | enum.Enum) or value is None:
        return
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from walk(getattr(value, field.name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from walk(k)
            yield from walk(v)
    elif isinstance(value, tuple | list | set | frozenset):
        for item in value:
            yield from walk(item)


NUMBERS_OF: Callable[[Family], tuple[str, ...]] = lambda family: (  # noqa: E731
    family.child_id.reveal(),
    MOTHER_ID.reveal(),
    FATHER_ID.reveal(),
    STRANGER_ID.reveal(),
    OTHER_CHILD_ID.reveal(),
)


def check_returned(
    book: Casebook, family: Family, who: Principal, returned: object, case_ids: list[str]
) -> None:
    """Nothing returned holds what decide did not allow (case by case)."""
    seen = {c: allowed(book, who, c) for c in case_ids}
    main = seen[case_ids[0]]
    texts = [repr(returned)] + [v for v in walk(returned) if isinstance(v, str)]
    for value in walk(returned):
        assert not isinstance(value, PersonId), "a PersonId was handed out"
        assert not isinstance(value, Case), "a Case was handed out"
        if isinstance(value, Entry):
            assert value.meta.id in main.entries, f"entry {value.meta.id} was not allowed"
        if isinstance(value, AgendaItem):
            shown_for = seen[value.case_id]
            assert shown_for.overview, "an agenda row of a case the principal may not read"
            _, colon, item = value.key.partition(":")
            if colon:
                about = [m for m in shown_for.metas if m.endswith(f":{item}")]
                assert about, "an agenda row about no entry"
                assert set(about) <= shown_for.entries, f"the row {value.key} was not allowed"
    for text in texts:
        for number in NUMBERS_OF(family):
            assert number not in text, "a national id was handed out"
        for hidden in main.hidden:
            assert text != hidden, f"the entry id {hidden} was handed out"
            assert repr(hidden) not in text, f"the entry id {hidden} was handed out"
        if not main.names:
            for name in FAMILY_NAMES.values():
                assert name not in text, "a family name was handed out"
        if not main.overview:
            for name in PROFESSIONAL_NAMES:
                assert name not in text, "a professional's name was handed out"


def check_error(family: Family, who: Principal, exc: BaseException, shown: Allowed) -> None:
    """An error message holds no national id and no name the decision withheld."""
    message = str(exc)
    for number in NUMBERS_OF(family):
        assert number not in message
    if not shown.names:
        for name in FAMILY_NAMES.values():
            assert name not in message


def audit_total(book: Casebook) -> int:
    """Audit records across every case in the store."""
    return sum(len(book.store.read_audit(c)) for c in book.store.case_ids())


def event_total(book: Casebook) -> int:
    """Events across every case in the store."""
    return sum(book.store.version(c) for c in book.store.case_ids())


FAMILY = Family(born=date(2013, 3, 1), mother_responsible=True, father_responsible=False)
SOME_CONTENT = [
    ("undring", "pro-helse", 0),
    ("undring", "pro-skole", 0),
    ("withhold", "pro-helse", 0),
    ("consent", "ke", 1),
    ("tiltak", "pro-helse", 1),
    ("tiltak", "pro-helse", 2),
]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(family=families, setup=SETUP, later=st.integers(0, 3000), calls=CALLS)
@example(  # the calls: a guardian, a teacher and PPT write; the guardian reads
    family=FAMILY,
    setup=SOME_CONTENT,
    later=0,
    calls=[
        ("execute", "mother", 1, Command.OTHERS_CONSENT, "consent"),
        ("execute", "teacher", 1, Command.UNDRING, "write"),
        ("execute", "ppt", 2, Command.UNDRING, "read"),
        ("read", "mother", 0, Command.EMPTY, "write"),
        ("read_entry", "mother", 0, Command.EMPTY, "write"),
        ("read_entry", "child", 1, Command.EMPTY, "write"),
        ("agenda", "mother", 30, Command.EMPTY, "write"),
        ("search", "teacher", 30, Command.EMPTY, "write"),
    ],
)
@example(  # contract breakers, a referral, a leader and a search across two cases
    family=FAMILY,
    setup=SOME_CONTENT,
    later=400,
    calls=[
        ("execute", "nurse", 1, Command.NONE, "write"),
        ("execute", "nurse", 1, Command.MIXED, "write"),
        ("execute", "nurse", 1, Command.TEXT, "consent"),
        ("open_case", "ppt", 0, Command.EMPTY, "write"),
        ("open_case", "ke", 2, Command.EMPTY, "write"),
        ("read", "leader", 0, Command.EMPTY, "write"),
        ("overview", "leader", 0, Command.EMPTY, "write"),
        ("overview", "mother", 2, Command.EMPTY, "write"),
        ("agenda", "leader", 30, Command.EMPTY, "write"),
        ("search", "ke", 30, Command.EMPTY, "write"),
        ("who_looked", "ke", 3, Command.EMPTY, "write"),
    ],
)
def test_nothing_returned_exceeds_the_decision_and_every_call_is_audited_once(
    family: Family,
    setup: list[tuple[str, str, int]],
    later: int,
    calls: list[tuple[str, str, int, Command, str]],
) -> None:
    """The one door: for every public method, what comes back is covered by ``decide``."""
    clock = FixedClock(datetime.combine(OPENED, time(9), tzinfo=UTC))
    book = Casebook(
        InMemoryCaseStore(), clock=clock, sealing=TEST_SEALING_KEY, subject_secret=SECRET
    )
    people = principals(family.child_id)
    case_id = book.open_case(people["ke"], family.opening())
    builder = Setup(
        book, case_id, {ref: staff(ref, f"{ref} label") for ref in SERVICES} | {"ke": people["ke"]}
    )
    for step in setup:
        builder.run(*step)
    clock.set(datetime.combine(OPENED + timedelta(days=later), time(9), tzinfo=UTC))
    for name, who_name, pick, kind, action in calls:
        who = people[who_name]
        audits, events = audit_total(book), event_total(book)
        before_cases = book.store.case_ids()
        shown = allowed(book, who, case_id)
        try:
            returned = call(book, family, case_id, name, who, pick, kind, action)
        except BarnekoordinatorError as exc:
            event(f"{name}: {type(exc).__name__}")
            check_error(family, who, exc, shown)
            assert event_total(book) == events, "a failed call stored events"
            expected = 0 if isinstance(exc, CaseNotFound) else 1
            if name == "search":
                expected = 0
            assert audit_total(book) == audits + expected
            continue
        event(f"{name}: returned")
        cases = [case_id, *sorted(set(book.store.case_ids()) - {case_id})]
        check_returned(book, family, who, returned, cases)
        if name == "search":
            assert isinstance(returned, tuple)
            assert audit_total(book) == audits + len({r.case_id for r in returned})
        else:
            assert audit_total(book) == audits + 1
        if name != "open_case":
            assert book.store.case_ids() == before_cases
