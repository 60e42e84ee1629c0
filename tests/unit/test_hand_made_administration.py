"""Acts of case administration made by hand are refused to a plain participant (issue 11 item 1).

The commands check who may appoint a barnekoordinator (koordinerende enhet, hotl § 7-3) or
assign a missing stafettholder (a leader), but an event made by hand and given to
``Casebook.execute`` was checked only by the access policy, and these events named no
administering role (``DomainEvent.ADMINISTERED_BY``). Found by a sweep of hand-made events,
2026-12-07: a barnehage teacher added a guardian holding a stranger's national identity number,
who could then read and export the case with the child's number in it, or took foreldreansvar
from a parent; any participant could re-key the case to another person (``ChildBorn``), appoint
itself barnekoordinator, or take the baton without a handover.
"""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.coordination.appointments import CoordinatorAppointed
from barnekoordinator.coordination.handover import HolderAssigned
from barnekoordinator.coordination.plan import PlanPeriodSet
from barnekoordinator.coordination.roles import Role, RoleGranted
from barnekoordinator.coordination.stafettlogg import (
    MeetingScheduled,
    ObservationKind,
    ObservationRecorded,
)
from barnekoordinator.coordination.voice import ChildVoiceRecorded, VoiceWeight
from barnekoordinator.errors import AccessDenied, InvalidInput
from barnekoordinator.history.case import (
    ChildBorn,
    DomainEvent,
    GuardianAdded,
    GuardianUpdated,
    event_problem,
)
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child, Guardian, GuardianRelation
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.exporters import into_casebook, rich_case, staff_principal
from barnekoordinator_plugins.memory import InMemoryCaseStore

ON = date(2026, 1, 5)
STRANGER_ID = PersonId.parse(
    synthetic_fodselsnummer(date(1985, 3, 4)), policy=IdentifierPolicy.testing()
)
PL = staff_principal("pl", "PL, barnehage")  # a participant with no administering role
HS = staff_principal("hs", "HS, helsestasjon")
KE = staff_principal("ke", "KE", SystemRole.CASEWORKER)


def _book() -> tuple[Casebook, InMemoryCaseStore]:
    store = InMemoryCaseStore()
    return into_casebook(store, rich_case()), store


def _stranger_guardian() -> GuardianAdded:
    return GuardianAdded(
        guardian=Guardian(
            ref="onkel",
            relation=GuardianRelation.MOTHER,
            parental_responsibility=True,
            person_id=STRANGER_ID,
            name="Onkel",
        )
    )


def _hand_made(book: Casebook) -> dict[str, DomainEvent]:
    case = book._load("case-1")[0]
    father = next(g for g in case.guardians if g.parental_responsibility)
    return {
        "guardian added": _stranger_guardian(),
        "guardian updated": GuardianUpdated(
            guardian=attrs.evolve(father, parental_responsibility=False)
        ),
        "child born": ChildBorn(
            child=Child(ref="other", birth_date=date(2008, 1, 2), person_id=STRANGER_ID)
        ),
        "coordinator appointed": CoordinatorAppointed(
            role=Role.BARNEKOORDINATOR,
            coordinator_ref="hs",
            service=ServiceKind.HELSESTASJON,
            also_koordinator=True,
            family_wishes="-",
            by="hs",
            on=ON,
        ),
        "holder assigned": HolderAssigned(to_ref="hs", by="hs", on=ON),
    }


@pytest.mark.parametrize(
    "what",
    [
        "guardian added",
        "guardian updated",
        "child born",
        "coordinator appointed",
        "holder assigned",
    ],
)
def test_a_participant_cannot_administer_the_case_by_a_hand_made_event(what: str) -> None:
    book, store = _book()
    event = _hand_made(book)[what]
    actor = HS if getattr(event, "by", None) == "hs" else PL
    version = store.version("case-1")
    with pytest.raises(AccessDenied, match="administers the case"):
        book.execute(actor, "case-1", lambda case: event)
    assert store.version("case-1") == version
    assert not store.read_audit("case-1")[-1].allowed


def test_a_stranger_added_as_guardian_by_a_participant_never_reads_the_case() -> None:
    book, _ = _book()
    stranger = Principal(
        subject="stranger",
        display_label="Stranger",
        assurance=AssuranceLevel.HIGH,
        national_id=STRANGER_ID,
    )
    with pytest.raises(AccessDenied):
        book.execute(PL, "case-1", lambda case: _stranger_guardian())
    with pytest.raises(AccessDenied):
        book.read(stranger, "case-1")


def test_koordinerende_enhet_still_adds_a_guardian() -> None:
    """The administering roles keep the act (a guardian found after the opening)."""
    book, store = _book()
    recorded = book.execute(KE, "case-1", lambda case: _stranger_guardian())
    assert recorded.types == ("case.guardian-added",)
    assert store.version("case-1") == recorded.version


def _refused_as_input(book: Casebook, store: InMemoryCaseStore, event: DomainEvent) -> str:
    version = store.version("case-1")
    with pytest.raises(InvalidInput, match="nothing stored") as caught:
        book.execute(KE, "case-1", lambda case: event)
    assert store.version("case-1") == version
    return str(caught.value)


def test_a_role_no_command_grants_is_refused() -> None:
    """``grant_role`` grants leader or koordinerende enhet; by hand, koordinerende enhet granted
    barnekoordinator or a second stafettholder, and the case's role holders then disagreed with
    its appointments and its baton."""
    book, store = _book()
    for role in (Role.BARNEKOORDINATOR, Role.STAFETTHOLDER):
        event = RoleGranted(ref="hs", role=role, by="ke", on=ON)
        assert "RoleGranted.role: only" in _refused_as_input(book, store, event)
    assert event_problem([RoleGranted(ref="hs", role=Role.LEADER, by="ke", on=ON)]) is None


@pytest.mark.parametrize(
    ("start", "end", "revision", "field"),
    [
        (date(2026, 2, 1), date(2026, 1, 1), None, "end"),
        (date(2026, 2, 1), None, date(2026, 1, 1), "next_revision"),
        (date(2026, 2, 1), date(2026, 6, 1), date(2026, 7, 1), "next_revision"),
    ],
)
def test_a_plan_period_out_of_order_is_refused(
    start: date, end: date | None, revision: date | None, field: str
) -> None:
    """By hand a period ending before it starts was stored, and exported as a FHIR
    ``CarePlan.period`` with ``end`` before ``start``."""
    event = PlanPeriodSet(start=start, end=end, next_revision=revision, by="ke", on=ON)
    assert event_problem([event]) == f"PlanPeriodSet.{field}: " + (
        "expected on or after start" if field == "end" else "expected within the plan period"
    )
    book, store = _book()
    _refused_as_input(book, store, event)


@pytest.mark.parametrize("age", [-5, 10**40, True, 301])
def test_a_child_age_no_birth_date_gives_is_refused(age: int) -> None:
    """By hand ``child_age=10**40`` was stored; the case's full export then failed to import
    (a number longer than the reader takes)."""
    event = ChildVoiceRecorded(
        voice_id="v-hand",
        what_matters=("å leke",),
        own_words=True,
        child_age=age,
        weight=VoiceWeight.MUST_BE_HEARD,
        by="ke",
        on=ON,
    )
    assert (event_problem([event]) or "").startswith("ChildVoiceRecorded.child_age: expected")
    assert event_problem([attrs.evolve(event, child_age=17)]) is None


def test_an_identity_number_in_a_ref_or_an_item_id_is_refused() -> None:
    """The commands hold new item ids to ``id_problem()`` and refs to people in the case; by hand
    an identity number went in clear into ``observation_id``, ``responsible_ref``, ``invited``
    and ``signed_by``, and from there into exports made without identifiers."""
    book, store = _book()
    number = STRANGER_ID.reveal()
    made = [
        ObservationRecorded(
            observation_id=number, kind=ObservationKind.OPPMERKSOMHET, text="-", by="ke", on=ON
        ),
        MeetingScheduled(
            meeting_id="m-hand", meeting_on=ON, agenda="-", invited=("ke", number), by="ke", on=ON
        ),
    ]
    for event in made:
        message = _refused_as_input(book, store, event)
        assert "never a national identity number" in message
        assert number not in message
    assert all(number not in r.payload for r in store.read("case-1"))
