"""Access benchmark: authorisation decisions per second (issue 5).

One case with 50 participating professionals, two guardians, a child of 13 and
1,000 entries across sections, services and visibilities, with consents to
share information for half of the services. Readers are a mix of
professionals (own entries, own service, consent checks), the guardians and
the child; every decision is a full :func:`barnekoordinator.access.policy.decide`
call with the child's age computed on the day.

Target: >= 50,000 decisions/s on one core. The floor is a bare dictionary
lookup of the reader's role per decision (what a cached, age-blind ACL would
cost); the ratio says how much the legal rules cost on top of it.

Also reported: the cost of one :meth:`Casebook.read`-like pass (decide every
entry for one reader) and the first decision on a fresh case value (which
builds the per-case index).

Run: ``PYTHONPATH=src python benchmarks/bench_access.py [--repeat R]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime

import attrs

from barnekoordinator.access.consent import ConsentPurpose, Section, give_consent
from barnekoordinator.access.entries import EntryMeta, GuardianVisibility
from barnekoordinator.access.policy import AccessAction, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.history.case import Case, ParticipantJoined, open_case
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind

AS_OF = date(2026, 1, 5)
POLICY = IdentifierPolicy.testing()


def pid(born: date) -> PersonId:
    """A synthetic (Tenor +80) person id."""
    return PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY)


def build() -> tuple[Case, list[EntryMeta], list[Principal], dict[str, str]]:
    """The case, its 1,000 entries, the readers and the floor's role table."""
    clock = FixedClock(datetime(2024, 1, 1, tzinfo=UTC))
    org = Organisasjonsnummer.parse("123456785")
    child = Child(ref="child", birth_date=date(2012, 5, 3), person_id=pid(date(2012, 5, 3)))
    mother = Guardian(
        ref="mother",
        relation=GuardianRelation.MOTHER,
        parental_responsibility=True,
        person_id=pid(date(1980, 1, 2)),
    )
    father = Guardian(
        ref="father",
        relation=GuardianRelation.FATHER,
        parental_responsibility=True,
        person_id=pid(date(1979, 3, 4)),
    )
    case = CATALOGUE.new_case("case-bench")
    case = case.apply_all(
        case.record(
            open_case(municipality_number="0301", subject=child, guardians=(mother, father)),
            actor="ke-1",
            clock=clock,
        )
    )
    services = list(ServiceKind)
    participants = [
        Professional(ref=f"pro-{i}", service=services[i % len(services)], organisation=org)
        for i in range(50)
    ]
    case = case.apply_all(
        case.record(
            [ParticipantJoined(participant=p) for p in participants], actor="ke-1", clock=clock
        )
    )
    case = case.apply_all(
        case.record(
            give_consent(
                case,
                consent_id="share",
                purpose=ConsentPurpose.SHARE_INFORMATION,
                given_by=["mother", "father"],
                services=services[::2],
                as_of=date(2024, 1, 1),
            ),
            actor="ke-1",
            clock=clock,
        )
    )
    sections = list(Section)
    visibilities = list(GuardianVisibility)
    entries = [
        EntryMeta(
            id=f"{'stafettlogg' if i % 3 == 0 else 'plan'}:{i}",
            kind="log-note",
            section=sections[i % len(sections)],
            author_ref=participants[i % 50].ref,
            author_service=participants[i % 50].service,
            created_on=date(2024, 1, 1),
            visibility=visibilities[(i // 7) % len(visibilities)],
        )
        for i in range(1000)
    ]
    readers = [
        Principal(subject=p.ref, display_label="Ansatt", assurance=AssuranceLevel.HIGH)
        for p in participants[::5]
    ]
    readers += [
        Principal(
            subject=f"citizen-{g.ref}",
            display_label="Forelder",
            assurance=AssuranceLevel.SUBSTANTIAL,
            national_id=g.person_id,
        )
        for g in (mother, father)
    ]
    readers.append(
        Principal(
            subject="citizen-child",
            display_label="Barnet",
            assurance=AssuranceLevel.SUBSTANTIAL,
            national_id=child.person_id,
        )
    )
    roles = {r.subject: "participant" for r in readers}
    return case, entries, readers, roles


def best_rate(fn: object, n: int, repeat: int) -> float:
    """The best of ``repeat`` runs, in operations per second."""
    assert callable(fn)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return n / min(timings)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    case, entries, readers, roles = build()
    n = len(entries) * len(readers)

    def decisions() -> int:
        allowed = 0
        for reader in readers:
            for entry in entries:
                if decide(reader, case, AccessAction.READ, entry, AS_OF).allowed:
                    allowed += 1
        return allowed

    def floor() -> int:
        allowed = 0
        for reader in readers:
            subject = reader.subject
            for _entry in entries:
                if roles.get(subject) is not None:
                    allowed += 1
        return allowed

    allowed = decisions()
    rate = best_rate(decisions, n, args.repeat)
    floor_rate = best_rate(floor, n, args.repeat)
    per_reader = {
        kind: best_rate(
            lambda r=r: [decide(r, case, AccessAction.READ, e, AS_OF) for e in entries],
            len(entries),
            args.repeat,
        )
        for kind, r in (
            ("professional", readers[0]),
            ("guardian", readers[-3]),
            ("child", readers[-1]),
        )
    }
    fresh: list[float] = []
    for _ in range(args.repeat * 20):
        copy = attrs.evolve(case)  # an equal, new case value: its index is built afresh
        start = time.perf_counter()
        decide(readers[0], copy, AccessAction.READ, entries[1], AS_OF)
        fresh.append(time.perf_counter() - start)

    shape = f"{len(case.participants)} participants, {len(entries)} entries"
    print(f"case: {shape}, {len(readers)} readers")
    print(f"decisions:            {n:>9,} per run ({allowed:,} allowed)")
    print(f"decide():             {rate:>12,.0f} decisions/s  (target >= 50,000)")
    print(f"floor (dict lookup):  {floor_rate:>12,.0f} lookups/s")
    print(f"ratio floor/decide:   {floor_rate / rate:>12.1f} x")
    for kind, value in per_reader.items():
        print(f"  {kind:<12}        {value:>12,.0f} decisions/s")
    print(
        f"one read pass:        {len(entries) / rate * 1000:>12.2f} ms for {len(entries)} entries"
    )
    print(
        f"first decision on a new case value (index build): {statistics.median(fresh) * 1e6:.0f} µs"
    )
    print("PASS" if rate >= 50_000 else "BELOW TARGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
