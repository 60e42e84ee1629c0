"""A family's case for the Min oversikt tests, opened and filled through the Casebook.

The child (any age), two guardians with or without foreldreansvar, a health nurse (``hs``), a
teacher (``kl``) and koordinerende enhet (``ke``). Content is added by the professionals
themselves through ``Casebook.execute``; a step the rules refuse is skipped (a valid outcome).
Every text written is unique per step (``Tiltak t3``), so a test can look for it in a page.
Everyone is synthetic (Tenor fødselsnummer, month + 80).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs

from barnekoordinator.access.consent import ConsentPurpose, give_consent, required_consenters
from barnekoordinator.access.entries import GuardianVisibility, change_visibility, entries
from barnekoordinator.access.policy import AccessAction
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import BarnekoordinatorError
from barnekoordinator.history.case import Case, ParticipantJoined, open_case
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Guardian, GuardianRelation
from barnekoordinator.rights.decision_records import record_individual_decision
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.archive import refused_decision as refused_barnekoordinator
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    TEST_SEALING_KEY,
    back_office_load,
    child_aged,
    professional,
)
from barnekoordinator.testing.exporters import staff_principal
from barnekoordinator_plugins.memory import InMemoryCaseStore

AS_OF = DEFAULT_AS_OF
POLICY = IdentifierPolicy.testing()
NAMES = {"child": "Ada Testbarn", "mor": "Mona Testmor", "far": "Frode Testfar"}
STAFF = {
    "hs": (ServiceKind.HELSESTASJON, "Hanna Helse", "helsesykepleier"),
    "kl": (ServiceKind.SKOLE, "Kari Lærer", "kontaktlærer"),
    "ke": (ServiceKind.KOORDINERENDE_ENHET, "Kim Koordinator", "koordinerende enhet"),
}
STEPS = ("consent", "log", "tiltak", "meeting", "decision", "withhold", "vedtak")


def person(born: date) -> PersonId:
    """A synthetic fødselsnummer for someone born on ``born``."""
    return PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY)


NURSE_HPR = HprNummer(7654321)
"""The health nurse is health personnel (visibility of health entries is theirs to decide)."""
MOTHER_ID = person(date(1984, 5, 6))
FATHER_ID = person(date(1982, 7, 8))
STRANGER_ID = person(date(1990, 9, 10))


def citizen(subject: str, who: PersonId) -> Principal:
    """Someone logged in with ID-porten on a high level."""
    return Principal(
        subject=subject,
        display_label=subject,
        assurance=AssuranceLevel.HIGH,
        national_id=who,
        roles=frozenset({SystemRole.CITIZEN}),
    )


@attrs.frozen
class Family:
    """The drawn family: the child's age on ``AS_OF`` and who has foreldreansvar."""

    age: int
    mother_responsible: bool = True
    father_responsible: bool = True

    @property
    def child(self) -> Any:
        """The child, named, with a synthetic id."""
        return attrs.evolve(child_aged(self.age, as_of=AS_OF), name=NAMES["child"])

    def principals(self) -> dict[str, Principal]:
        """Everyone who may ask for the page, by a short name."""
        return {
            "mother": citizen("idp-mor", MOTHER_ID),
            "father": citizen("idp-far", FATHER_ID),
            "child": citizen("idp-barn", self.child.person_id),
            "stranger": citizen("idp-x", STRANGER_ID),
            "hs": attrs.evolve(
                staff_principal("hs", "Hanna, helsestasjon", SystemRole.CASEWORKER), hpr=NURSE_HPR
            ),
            "kl": staff_principal("kl", "Kari, skole"),
            "ke": staff_principal("ke", "Kim, koordinerende enhet"),
            "leader": staff_principal("leder", "Leder", SystemRole.LEADER),
        }

    def open(self, book: Casebook) -> str:
        """Open the case as koordinerende enhet, with the guardians and the professionals."""
        guardians = (
            Guardian(
                ref="mor",
                relation=GuardianRelation.MOTHER,
                parental_responsibility=self.mother_responsible,
                person_id=MOTHER_ID,
                name=NAMES["mor"],
            ),
            Guardian(
                ref="far",
                relation=GuardianRelation.FATHER,
                parental_responsibility=self.father_responsible,
                person_id=FATHER_ID,
                name=NAMES["far"],
            ),
        )
        joined = [
            ParticipantJoined(
                participant=attrs.evolve(
                    professional(ref, service, title=title),
                    name=name,
                    hpr=NURSE_HPR if ref == "hs" else None,
                )
            )
            for ref, (service, name, title) in STAFF.items()
        ]
        opening = open_case(municipality_number="0301", subject=self.child, guardians=guardians)
        return book.open_case(self.principals()["ke"], [opening, *joined])


def new_book() -> tuple[Casebook, FixedClock]:
    """An empty Casebook on a memory store, its clock at 09:00 on ``AS_OF``."""
    clock = FixedClock(datetime.combine(AS_OF, time(9), tzinfo=UTC))
    book = Casebook(
        InMemoryCaseStore(),
        clock=clock,
        sealing=TEST_SEALING_KEY,
        subject_secret=b"overview-test-secret-0123456789",
    )
    return book, clock


class Filler:
    """Runs content steps through the Casebook as the professionals; refusals are skipped."""

    def __init__(self, book: Casebook, case_id: str, family: Family) -> None:
        self.book = book
        self.case_id = case_id
        self.staff = family.principals()
        self.n = 0

    def run(self, step: str, ref: str, pick: int = 0) -> None:
        """One step by the professional ``ref``."""
        self.n += 1
        command = self.command(step, ref, pick, f"{step[0]}{self.n}")
        action = AccessAction.DECIDE_VISIBILITY if step == "withhold" else AccessAction.WRITE
        with contextlib.suppress(BarnekoordinatorError):
            self.book.execute(self.staff[ref], self.case_id, command, action=action)

    def command(self, step: str, ref: str, pick: int, key: str) -> Callable[[Case], Any]:
        today = self.book.today()
        if step == "consent":
            purpose = (ConsentPurpose.STAFETTLOGG, ConsentPurpose.SHARE_INFORMATION)[pick % 2]
            services = [s for s, _, _ in STAFF.values()][: 1 + pick % 3]
            return lambda c: give_consent(
                c,
                consent_id=key,
                purpose=purpose,
                given_by=sorted(required_consenters(c, purpose, as_of=today)),
                services=services,
                as_of=today,
            )
        if step == "log":
            return lambda c: stafettlogg.open_stafettlogg(
                c, by=ref, holder_ref=ref, level=stafettlogg.BtiLevel.NIVAA_1, as_of=today
            )
        if step == "tiltak":
            return lambda c: stafettlogg.add_log_measure(
                c,
                tiltak_id=key,
                by=ref,
                description=f"Tiltak {key}",
                responsible_ref=ref,
                evaluation_date=today + timedelta(days=7 * (1 + pick % 5)),
                as_of=today,
            )
        if step == "meeting":
            return lambda c: stafettlogg.schedule_meeting(
                c,
                meeting_id=key,
                by=ref,
                meeting_on=today + timedelta(days=3 + pick % 20),
                agenda=(f"Agenda {key}",),
                invited=("mor", ref),
                as_of=today,
            )
        if step == "decision":
            return lambda c: stafettlogg.record_decision(
                c, decision_id=key, by=ref, text=f"Beslutning {key}", as_of=today
            )
        if step == "withhold":
            return lambda c: self._withhold(c, ref, pick, today)
        return lambda c: record_individual_decision(
            c, decision=refused_barnekoordinator(AS_OF), decision_id=key, by=ref, as_of=today
        )

    def _withhold(self, case: Case, ref: str, pick: int, today: date) -> Any:
        ids = sorted(e.meta.id for e in entries(case))
        if not ids:
            return ()
        visibility = (
            GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
            GuardianVisibility.WITHHELD_WEIGHTY_REASONS,
            GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY,
        )[pick % 3]
        return change_visibility(
            case,
            entry_id=ids[pick % len(ids)],
            visibility=visibility,
            decided_by=ref,
            reason="vurdert",
            as_of=today,
        )

    def case(self) -> Case:
        """The case as the trusted back office sees it (the tests' oracle input)."""
        return back_office_load(self.book.store, self.case_id)


RICH: Sequence[tuple[str, str, int]] = (
    ("consent", "ke", 2),
    ("consent", "ke", 5),
    ("log", "kl", 0),
    ("tiltak", "kl", 1),
    ("tiltak", "hs", 2),
    ("meeting", "kl", 4),
    ("decision", "kl", 0),
    ("vedtak", "ke", 0),
)
"""A case with something in every section: two tiltak (school, health), a meeting, a decision
in the log and a refusal of barnekoordinator (so the complaint section has a last day)."""
