"""Builders for synthetic cases: a child of a given age, guardians, professionals, history.

For tests, examples and vendors' own test suites. Every person is synthetic:
children get a Tenor (month + 80) fødselsnummer, refs are case-local, and
organisation numbers are built with a valid check digit from a fixed stem.

[`CaseRun`][barnekoordinator.testing.builders.CaseRun] keeps a case together with its clock and
recorded history, so a test can run commands one after another and check that replaying the history
gives the same case:

```python
run = standard_case(age=5)
open_log(run, services=[ServiceKind.BARNEHAGE])
run.run(stafettlogg.add_log_measure, tiltak_id="t1", by="pl", ...)
assert run.replay() == run.case
```
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs

from barnekoordinator.access.consent import ConsentPurpose, give_consent, required_consenters
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import Clock, TickingClock
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.roles import Role, grant_role
from barnekoordinator.history.case import (
    Case,
    CaseMode,
    DomainEvent,
    ParticipantJoined,
    RecordedEvent,
    open_case,
)
from barnekoordinator.history.records import EventRecord
from barnekoordinator.history.sealing import KeyRing, SealingKey
from barnekoordinator.history.store import CaseStore
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, ExpectedChild, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind

__all__ = [
    "DEFAULT_AS_OF",
    "STANDARD_PROFESSIONALS",
    "TEST_SEALING_KEY",
    "CaseRun",
    "back_office_load",
    "child_aged",
    "consent_all",
    "expected_child",
    "father",
    "mother",
    "new_case",
    "org_number",
    "professional",
    "standard_case",
]

DEFAULT_AS_OF = date(2026, 1, 5)
"""The evaluation date builders use unless told otherwise (matches the test clock fixture)."""

TEST_SEALING_KEY = SealingKey("test-only", bytes(range(32)))
"""A fixed sealing key for tests and examples: anyone can read it, so never seal real data.

Real deployments make their own with
[`SealingKey.generate`][barnekoordinator.history.sealing.SealingKey.generate] and keep it outside
the database.
"""

_TESTING = IdentifierPolicy.testing()


def back_office_load(
    store: CaseStore, case_id: str, key: SealingKey | KeyRing = TEST_SEALING_KEY
) -> Case:
    """The whole case as a trusted back-office reader sees it: the store's records, unsealed.

    Tests use it to check what a Casebook wrote (the store must keep data keys). No access
    decision and no audit record: never a path for a person.
    """
    ring = key if isinstance(key, KeyRing) else KeyRing(store, key)  # type: ignore[arg-type]
    records, cipher = ring.read_case(store, case_id)
    return CATALOGUE.load(case_id, records, cipher=cipher)


def org_number(n: int) -> Organisasjonsnummer:
    """A valid, made-up organisation number built from ``n`` (0–999)."""
    for stem in range(900_000 + n * 10, 900_000 + n * 10 + 10):
        digits = f"99{stem:06d}"
        weights = (3, 2, 7, 6, 5, 4, 3, 2)
        r = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        check = 0 if r == 0 else 11 - r
        if check < 10:
            return Organisasjonsnummer.parse(f"{digits}{check}")
    raise AssertionError(
        "unreachable: one of ten stems has a valid check digit"
    )  # pragma: no cover


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 2, 28)


def child_aged(
    age: int,
    *,
    as_of: date = DEFAULT_AS_OF,
    ref: str = "child",
    days_past_birthday: int = 30,
    with_person_id: bool = True,
) -> Child:
    """A child who is ``age`` on ``as_of`` (its birthday ``days_past_birthday`` days before)."""
    birth = _years_before(as_of - timedelta(days=days_past_birthday), age)
    pid = (
        PersonId.parse(synthetic_fodselsnummer(birth), policy=_TESTING) if with_person_id else None
    )
    return Child(ref=ref, birth_date=birth, person_id=pid)


def expected_child(
    *, due: date = DEFAULT_AS_OF + timedelta(days=90), ref: str = "child"
) -> ExpectedChild:
    """An expected child due on ``due``."""
    return ExpectedChild(ref=ref, expected_date=due)


def mother(ref: str = "mor", *, parental_responsibility: bool = True) -> Guardian:
    """A mother (with foreldreansvar by default)."""
    return Guardian(
        ref=ref, relation=GuardianRelation.MOTHER, parental_responsibility=parental_responsibility
    )


def father(ref: str = "far", *, parental_responsibility: bool = True) -> Guardian:
    """A father (with foreldreansvar by default)."""
    return Guardian(
        ref=ref, relation=GuardianRelation.FATHER, parental_responsibility=parental_responsibility
    )


_ORG_BY_SERVICE = {kind: i for i, kind in enumerate(ServiceKind)}


def professional(ref: str, service: ServiceKind, *, title: str = "") -> Professional:
    """A professional of ``service`` with a made-up organisation number."""
    return Professional(
        ref=ref, service=service, organisation=org_number(_ORG_BY_SERVICE[service]), title=title
    )


@attrs.define
class CaseRun:
    """A case under test with its clock and recorded history (mutable, for tests)."""

    case: Case
    clock: Clock
    history: list[RecordedEvent] = attrs.field(factory=list)
    settings: MunicipalSettings = attrs.field(factory=MunicipalSettings)

    def do(self, events: DomainEvent | Sequence[DomainEvent], *, actor: str = "system") -> Case:
        """Record and apply unrecorded events; return the new case."""
        recorded = self.case.record(events, actor=actor, clock=self.clock)
        self.case = self.case.apply_all(recorded)
        self.history.extend(recorded)
        return self.case

    def run(self, command: Callable[..., Any], /, **kwargs: Any) -> Case:
        """Run a command on the current case and fold its events (actor: ``by`` if given)."""
        result = command(self.case, **kwargs)
        events: Sequence[DomainEvent] = (result,) if isinstance(result, DomainEvent) else result
        return self.do(events, actor=str(kwargs.get("by", "system")))

    def replay(self) -> Case:
        """The case rebuilt from its recorded history."""
        return self.case.catalogue.replay(self.case.id, self.history)

    def records(self) -> list[EventRecord]:
        """The history as sealed stored records (the lead's wire format)."""
        from barnekoordinator.history.records import GENESIS
        from barnekoordinator.history.serialization import to_records

        return to_records(tuple(self.history), GENESIS)


def new_case(
    *,
    subject: Child | ExpectedChild,
    guardians: Sequence[Guardian] = (),
    professionals: Iterable[Professional] = (),
    leaders: Collection[str] = (),
    koordinerende_enhet: Collection[str] = (),
    case_id: str = "case-1",
    municipality_number: str = "0301",
    as_of: date = DEFAULT_AS_OF,
    settings: MunicipalSettings | None = None,
) -> CaseRun:
    """Open a case with the given people; grant leader / koordinerende-enhet roles."""
    start = datetime.combine(as_of, time(9, 0), tzinfo=UTC)
    run = CaseRun(
        case=CATALOGUE.new_case(case_id),
        clock=TickingClock(start),
        settings=settings or MunicipalSettings(municipality_number=municipality_number),
    )
    run.do(
        open_case(
            municipality_number=municipality_number,
            subject=subject,
            guardians=guardians,
            mode=CaseMode.UNDRING,
        )
    )
    joined = [ParticipantJoined(participant=p) for p in professionals]
    if joined:
        run.do(joined)
    for ref in leaders:
        run.run(grant_role, ref=ref, role=Role.LEADER, by="system", as_of=as_of)
    for ref in koordinerende_enhet:
        run.run(grant_role, ref=ref, role=Role.KOORDINERENDE_ENHET, by="system", as_of=as_of)
    return run


STANDARD_PROFESSIONALS: tuple[tuple[str, ServiceKind, str], ...] = (
    ("pl", ServiceKind.BARNEHAGE, "pedagogisk leder"),
    ("styrer", ServiceKind.BARNEHAGE, "styrer"),
    ("hs", ServiceKind.HELSESTASJON, "helsesykepleier"),
    ("kl", ServiceKind.SKOLE, "kontaktlærer"),
    ("ppt", ServiceKind.PPT, "PP-rådgiver"),
    ("ke", ServiceKind.KOORDINERENDE_ENHET, "koordinerende enhet"),
    ("fysio", ServiceKind.FYSIOTERAPI, "fysioterapeut"),
    ("lege", ServiceKind.SYKEHUS, "barnelege"),
)
"""Refs, services and titles of the professionals in
[`standard_case()`][barnekoordinator.testing.builders.standard_case].
"""


def standard_case(
    *,
    age: int = 5,
    as_of: date = DEFAULT_AS_OF,
    shared_responsibility: bool = True,
    settings: MunicipalSettings | None = None,
    case_id: str = "case-1",
) -> CaseRun:
    """A case for a child of ``age`` with two guardians and the standard professionals.

    ``styrer`` is a leader and ``ke`` is koordinerende enhet. The mother
    (``mor``) always has foreldreansvar; the father (``far``) too unless
    ``shared_responsibility`` is False.
    """
    return new_case(
        subject=child_aged(age, as_of=as_of),
        guardians=(mother(), father(parental_responsibility=shared_responsibility)),
        professionals=[professional(r, s, title=t) for r, s, t in STANDARD_PROFESSIONALS],
        leaders=("styrer",),
        koordinerende_enhet=("ke",),
        as_of=as_of,
        settings=settings,
        case_id=case_id,
    )


def consent_all(
    run: CaseRun,
    purpose: ConsentPurpose,
    services: Collection[ServiceKind],
    *,
    as_of: date = DEFAULT_AS_OF,
    consent_id: str | None = None,
    valid_to: date | None = None,
) -> str:
    """Record a ``purpose`` consent from everyone who must consent on ``as_of``; return its id."""
    givers = required_consenters(run.case, purpose, as_of=as_of, settings=run.settings)
    cid = consent_id or f"{purpose.value}-{len(run.history)}"
    run.run(
        give_consent,
        consent_id=cid,
        purpose=purpose,
        given_by=sorted(givers),
        services=services,
        as_of=as_of,
        valid_to=valid_to,
        settings=run.settings,
    )
    return cid
