"""A 16–17-year-old's health team is theirs (decision 52; pbrl § 3-4, § 4-3 b).

From the 16th birthday health information is the young person's, and guardians get only what is
necessary to fulfil foreldreansvaret (pbrl § 3-4 first and fourth ledd, § 4-3 b;
helsepersonelloven § 22). That a psychologist from BUP takes part is health information: a
guardian of a 16–17-year-old is not shown a health-service participant in ``read()``,
``overview()`` (Min oversikt), an export or "who has looked" (pbrl § 5-1) — unless that
participant holds a coordinating role the guardians need to know (stafettholder, koordinator,
barnekoordinator, responsible for the plan), or the young person granted the guardian the health
section. Before 16 nothing changes; the young person sees everyone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import attrs
import pytest

from barnekoordinator.access.consent import ConsentPurpose, Section, give_consent
from barnekoordinator.access.grants import GuardianAccessGrant, GuardianAccessGranted
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination.stafettlogg import BtiLevel, open_stafettlogg
from barnekoordinator.exporting import ExportView
from barnekoordinator.history.case import DomainEvent, ParticipantJoined, open_case
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional, birthday
from barnekoordinator.protocols import ExportResult
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator_plugins.memory import InMemoryCaseStore

pytest.importorskip("jinja2")

_POLICY = IdentifierPolicy.testing()
_ORG = Organisasjonsnummer.parse("123456785")
_BORN = date(2010, 9, 14)


def _pid(born: date) -> PersonId:
    return PersonId.parse(synthetic_fodselsnummer(born), policy=_POLICY)


_CHILD_ID, _MOTHER_ID = _pid(_BORN), _pid(date(1982, 4, 1))


def _citizen(person: PersonId, label: str) -> Principal:
    return Principal(
        subject=f"idporten-{label.lower()}",
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        national_id=person,
        roles=frozenset({SystemRole.CITIZEN}),
    )


def _staff(subject: str, label: str, *roles: SystemRole, hpr: int | None = None) -> Principal:
    return Principal(
        subject=subject,
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        roles=frozenset(roles),
        municipality_number="0301",
        hpr=HprNummer(hpr) if hpr else None,
    )


MOTHER = _citizen(_MOTHER_ID, "Mor")
YOUTH = _citizen(_CHILD_ID, "Ungdommen")
KE = _staff("ke-1", "Siri, koordinerende enhet", SystemRole.KOORDINERENDE_ENHET)
NURSE = _staff("nurse", "Helsesykepleier Kari", hpr=1234567)
PSYCHOLOGIST = _staff("bup-psykolog", "Psykolog Per, BUP")


def _day(years: int, days: int = 0) -> date:
    return birthday(_BORN, years) + timedelta(days=days)


def _book(day: date) -> tuple[Casebook, str]:
    """A case on ``day``: the school nurse, a teacher and a BUP psychologist take part."""
    clock = FixedClock(datetime.combine(day, time(10, 0), tzinfo=UTC))
    book = Casebook(
        InMemoryCaseStore(), clock=clock, sealing=TEST_SEALING_KEY, subject_secret=b"s" * 32
    )
    opening: list[DomainEvent] = [
        open_case(
            municipality_number="0301",
            subject=Child(ref="child", birth_date=_BORN, person_id=_CHILD_ID),
            guardians=(
                Guardian(
                    ref="mother",
                    relation=GuardianRelation.MOTHER,
                    parental_responsibility=True,
                    person_id=_MOTHER_ID,
                ),
            ),
        ),
        ParticipantJoined(
            participant=Professional(
                ref="nurse",
                service=ServiceKind.SKOLEHELSETJENESTE,
                organisation=_ORG,
                hpr=HprNummer(1234567),
                title="Helsesykepleier",
            )
        ),
        ParticipantJoined(
            participant=Professional(
                ref="teacher", service=ServiceKind.SKOLE, organisation=_ORG, title="Kontaktlærer"
            )
        ),
        ParticipantJoined(
            participant=Professional(
                ref="bup-psykolog", service=ServiceKind.BUP, organisation=_ORG, title="Psykolog"
            )
        ),
    ]
    case_id = book.open_case(KE, opening)
    return book, case_id


def _nurse_holds_the_baton(book: Casebook, case_id: str, day: date) -> None:
    """The young person consents to a stafettlogg; the school nurse opens it and holds it."""
    services = [ServiceKind.SKOLEHELSETJENESTE, ServiceKind.SKOLE]
    book.execute(
        KE,
        case_id,
        lambda c: give_consent(
            c,
            consent_id="stafett",
            purpose=ConsentPurpose.STAFETTLOGG,
            given_by=["child"],
            services=services,
            as_of=day,
        ),
    )
    book.execute(
        NURSE,
        case_id,
        lambda c: open_stafettlogg(
            c, by="nurse", holder_ref="nurse", level=BtiLevel.NIVAA_1, as_of=day
        ),
    )


def _team(book: Casebook, principal: Principal, case_id: str) -> set[str]:
    view = book.read(principal, case_id)
    shown = {p.ref for p in view.participants}
    # role_holders names no one the participants leave out
    assert {a.ref for a in view.role_holders} - shown <= {"mother", "child"}
    return shown


def test_pbrl_3_4_mother_of_16_year_old_is_not_shown_bup_in_read() -> None:
    """pbrl § 3-4 fourth ledd, § 4-3 b: at 16 the mother's view leaves out the BUP psychologist
    (and the school nurse, who holds no coordinating role); the teacher stays. The young
    person's own view keeps every participant."""
    book, case_id = _book(_day(16, 30))
    assert _team(book, YOUTH, case_id) == {"nurse", "teacher", "bup-psykolog"}
    view = book.read(MOTHER, case_id)
    assert {p.ref for p in view.participants} == {"teacher"}
    assert "bup-psykolog" not in {a.ref for a in view.role_holders}
    assert "nurse" not in {a.ref for a in view.role_holders}
    assert "teacher" in {a.ref for a in view.role_holders}


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_pbrl_3_4_min_oversikt_of_the_mother_of_16_year_old_leaves_out_bup(lang: str) -> None:
    """pbrl § 3-4, § 4-3 b: Min oversikt (guardian version, nb/nn/en) names no BUP psychologist;
    the young person's own page does."""
    book, case_id = _book(_day(16, 30))
    mothers = book.overview(MOTHER, case_id, lang=lang).html
    youths = book.overview(YOUTH, case_id, lang=lang).html
    assert "Psykolog" in youths
    assert "Psykolog" not in mothers
    assert "BUP" not in mothers
    assert "Helsesykepleier" not in mothers
    assert "Kontaktlærer" in mothers


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_pbrl_3_4_mother_sees_the_school_nurse_who_holds_the_baton(lang: str) -> None:
    """pbrl § 3-4: a health participant who is the stafettholder is someone the guardians need
    to know for foreldreansvaret: shown in read() and Min oversikt; BUP still is not."""
    day = _day(16, 30)
    book, case_id = _book(day)
    _nurse_holds_the_baton(book, case_id, day)
    view = book.read(MOTHER, case_id)
    assert {p.ref for p in view.participants} == {"nurse", "teacher"}
    assert view.holders("stafettholder") == ("nurse",)
    html = book.overview(MOTHER, case_id, lang=lang).html
    assert "Helsesykepleier" in html
    assert "Psykolog" not in html


def test_pbrl_3_4_at_15_years_364_days_the_mother_sees_all_on_the_16th_birthday_not() -> None:
    """pbrl § 3-4 first ledd: under 16 guardians are informed; from the 16th birthday (the
    health majority age, § 4-3 b) the health team is the young person's."""
    book, case_id = _book(_day(16, -1))
    assert _team(book, MOTHER, case_id) == {"nurse", "teacher", "bup-psykolog"}
    book, case_id = _book(_day(16))
    assert _team(book, MOTHER, case_id) == {"teacher"}


def test_pbrl_4_3_b_a_grant_of_the_health_section_shows_the_mother_the_team() -> None:
    """pbrl § 4-3 b, hpl § 22: the young person may let a guardian see the health section;
    then she sees the BUP psychologist as before (a grant of another section does not)."""
    day = _day(16, 30)
    book, case_id = _book(day)

    def grant(grant_id: str, section: Section) -> None:
        given = GuardianAccessGrant(
            id=grant_id, guardian_ref="mother", sections=frozenset({section}), valid_from=day
        )
        book.execute(KE, case_id, lambda c: GuardianAccessGranted(grant=given))

    grant("school", Section.EDUCATION)
    assert _team(book, MOTHER, case_id) == {"teacher"}
    grant("health", Section.HEALTH)
    assert _team(book, MOTHER, case_id) == {"nurse", "teacher", "bup-psykolog"}


def test_pbrl_5_1_who_looked_leaves_out_the_bup_psychologist_for_the_mother() -> None:
    """pbrl § 5-1, § 3-4: the mother of a 16-year-old is not told that the BUP psychologist
    looked (neither in who_looked() nor in Min oversikt); the young person is."""
    book, case_id = _book(_day(16, 30))
    book.read(PSYCHOLOGIST, case_id)
    assert "Psykolog Per" in book.who_looked(YOUTH, case_id)
    assert "Psykolog Per" not in book.who_looked(MOTHER, case_id)
    assert "Psykolog Per" in book.overview(YOUTH, case_id).html
    assert "Psykolog Per" not in book.overview(MOTHER, case_id).html
    # before 16 the mother is told
    book, case_id = _book(_day(16, -1))
    book.read(PSYCHOLOGIST, case_id)
    assert "Psykolog Per" in book.who_looked(MOTHER, case_id)


@attrs.define
class _Capture:
    """An exporter that keeps the view it is handed."""

    views: list[ExportView] = attrs.field(factory=list)
    format: str = "test-capture"
    media_type: str = "application/octet-stream"

    def export(self, view: ExportView) -> ExportResult:
        self.views.append(view)
        return ExportResult(
            format=self.format,
            media_type=self.media_type,
            case_id=view.case_id,
            version=view.version,
            content=b"",
        )


def test_pbrl_3_4_the_mothers_export_leaves_out_the_bup_psychologist() -> None:
    """pbrl § 3-4, § 5-1: an export for the mother of a 16-year-old lists the team and the looks
    as read() and who_looked() show them to her; the young person's lists everyone."""
    book, case_id = _book(_day(16, 30))
    book.read(PSYCHOLOGIST, case_id)
    mothers, youths = _Capture(), _Capture()
    book.export(MOTHER, case_id, mothers)
    book.export(YOUTH, case_id, youths)
    (mother_view,) = mothers.views
    (youth_view,) = youths.views
    assert {p.ref for p in mother_view.participants} == {"teacher"}
    assert "bup-psykolog" not in {a.ref for a in mother_view.role_holders}
    assert all("Psykolog Per" not in g.label for g in mother_view.audit)
    assert {p.ref for p in youth_view.participants} == {"nurse", "teacher", "bup-psykolog"}
    assert any("Psykolog Per" in g.label for g in youth_view.audit)
