"""Unit tests of the access policy: case roles, the age table, consent scopes, events."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest

import barnekoordinator.access.policy as access
from barnekoordinator.access.consent import (
    BARNEVERN,
    CareOrderChanged,
    Consent,
    ConsentGiven,
    ConsentPurpose,
    Section,
    change_care_order,
    give_consent,
    withdraw_consent,
)
from barnekoordinator.access.entries import (
    EntryMeta,
    GuardianVisibility,
    VisibilityChanged,
    entries,
)
from barnekoordinator.access.grants import (
    GuardianAccessGranted,
    grant_guardian_access,
    guardian_access_grants,
    withdraw_guardian_access,
)
from barnekoordinator.access.policy import (
    AccessAction,
    AccessDecision,
    CaseRole,
    authorise_events,
    case_roles,
    decide,
    is_stafettlogg_entry,
)
from barnekoordinator.access.policy._standing import _INDEXES
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.roles import Role, RoleGranted, RoleRevoked
from barnekoordinator.coordination.transitions import MunicipalityChanged
from barnekoordinator.errors import InvalidInput, RuleViolation
from barnekoordinator.history.case import (
    Case,
    DomainEvent,
    ParticipantJoined,
    ParticipantLeft,
    open_case,
)
from barnekoordinator.identifiers import (
    HprNummer,
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.legal_basis import ref
from barnekoordinator.people import (
    Child,
    ExpectedChild,
    Guardian,
    GuardianRelation,
    Professional,
    birthday,
)
from barnekoordinator.services import ServiceKind

MUNI = "0301"
CLOCK = FixedClock(datetime(2020, 1, 1, 8, tzinfo=UTC))
ORG = Organisasjonsnummer.parse("123456785")
OTHER_ORG = Organisasjonsnummer.parse("123456718")
BORN = date(2012, 5, 3)
POLICY = IdentifierPolicy.testing()


def pid(born: date) -> PersonId:
    """A synthetic (Tenor +80) person id."""
    return PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY)


CHILD_ID = pid(BORN)
MOTHER_ID = pid(date(1980, 1, 2))
FATHER_ID = pid(date(1979, 3, 4))
STRANGER_ID = pid(date(1975, 7, 8))

PARTICIPANTS = (
    Professional(
        ref="nurse", service=ServiceKind.HELSESTASJON, organisation=ORG, hpr=HprNummer(1234567)
    ),
    Professional(ref="teacher", service=ServiceKind.SKOLE, organisation=ORG),
    Professional(ref="ppt", service=ServiceKind.PPT, organisation=ORG),
    Professional(ref="bv", service=ServiceKind.BARNEVERN, organisation=ORG),
    Professional(
        ref="gp", service=ServiceKind.FASTLEGE, organisation=OTHER_ORG, hpr=HprNummer(7654321)
    ),
)


def apply(case: Case, events: DomainEvent | Sequence[DomainEvent]) -> Case:
    """Record and fold events as the koordinerende enhet would."""
    return case.apply_all(case.record(events, actor="ke-1", clock=CLOCK))


def make_case(
    *,
    born: date = BORN,
    father_responsibility: bool = True,
    expected: bool = False,
) -> Case:
    """A case with mother, father, the child and five participating professionals."""
    subject: Child | ExpectedChild = (
        ExpectedChild(ref="child", expected_date=born)
        if expected
        else Child(ref="child", birth_date=born, person_id=pid(born))
    )
    guardians = (
        Guardian(
            ref="mother",
            relation=GuardianRelation.MOTHER,
            parental_responsibility=not expected,
            person_id=MOTHER_ID,
        ),
        Guardian(
            ref="father",
            relation=GuardianRelation.FATHER,
            parental_responsibility=father_responsibility,
            person_id=FATHER_ID,
        ),
    )
    case = apply(
        CATALOGUE.new_case("case-1"),
        open_case(municipality_number=MUNI, subject=subject, guardians=guardians),
    )
    return apply(case, [ParticipantJoined(participant=p) for p in PARTICIPANTS])


def citizen(person: PersonId, label: str = "Mor") -> Principal:
    """A citizen logged in with ID-porten."""
    return Principal(
        subject=f"idporten-{label.lower()}",
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        national_id=person,
        roles=frozenset({SystemRole.CITIZEN}),
        identity_provider="idporten",
    )


def pro(subject: str, *roles: str, municipality: str | None = MUNI, **kw: object) -> Principal:
    """A professional (the subject doubles as the participant ref)."""
    return Principal(
        subject=subject,
        display_label=f"Ansatt {subject}",
        assurance=AssuranceLevel.HIGH,
        roles=frozenset(roles),
        municipality_number=municipality,
        **kw,  # type: ignore[arg-type]
    )


MOTHER = citizen(MOTHER_ID, "Mor")
FATHER = citizen(FATHER_ID, "Far")
CHILD = citizen(CHILD_ID, "Barnet")
STRANGER = citizen(STRANGER_ID, "Fremmed")
NURSE = pro("nurse")
TEACHER = pro("teacher")
PPT = pro("ppt")


def meta(
    entry_id: str = "e1",
    *,
    section: Section = Section.HEALTH,
    author: str = "nurse",
    service: ServiceKind | None = ServiceKind.HELSESTASJON,
    visibility: GuardianVisibility = GuardianVisibility.DEFAULT,
    kind: str = "log-note",
) -> EntryMeta:
    """Entry metadata for a decision."""
    return EntryMeta(
        id=entry_id,
        kind=kind,
        section=section,
        author_ref=author,
        author_service=service,
        created_on=date(2020, 1, 1),
        visibility=visibility,
    )


def at_age(years: int, days: int = 0, born: date = BORN) -> date:
    """The day the child is ``years`` old plus ``days``."""
    return birthday(born, years) + timedelta(days=days)


def share(
    case: Case,
    services: Sequence[ServiceKind],
    *,
    as_of: date,
    by: Sequence[str] = ("mother", "father"),
    sections: Sequence[Section] = tuple(Section),
    purpose: ConsentPurpose = ConsentPurpose.SHARE_INFORMATION,
    consent_id: str = "k1",
) -> Case:
    """The case after a consent to share information with ``services``."""
    return apply(
        case,
        give_consent(
            case,
            consent_id=consent_id,
            purpose=purpose,
            given_by=by,
            services=services,
            sections=sections,
            as_of=as_of,
        ),
    )


def read(principal: Principal, case: Case, entry: EntryMeta | None, as_of: date) -> AccessDecision:
    """Decide a read."""
    return decide(principal, case, AccessAction.READ, entry, as_of)


# --- basics --------------------------------------------------------------------------------------


def isort_key(name: str) -> tuple[int, str]:
    """Ruff's __all__ order (RUF022): CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted() -> None:
    """The module's __all__ is sorted (ruff's isort style) and every name exists."""
    assert access.__all__ == sorted(access.__all__, key=isort_key)
    assert all(hasattr(access, name) for name in access.__all__)


def test_a_stranger_is_denied_by_default() -> None:
    """Someone with no part in the case gets nothing (deny by default)."""
    case = make_case()
    for action in AccessAction:
        decision = decide(STRANGER, case, action, None, at_age(13))
        assert not decision.allowed
        assert decision.role is None


def test_low_assurance_is_denied() -> None:
    """A login below substantial assurance may not touch a case, even a guardian's."""
    low = Principal(
        subject="x-1", display_label="Mor", assurance=AssuranceLevel.LOW, national_id=MOTHER_ID
    )
    decision = read(low, make_case(), None, at_age(5))
    assert not decision.allowed
    assert "assurance" in decision.reason


def test_an_unopened_case_is_denied() -> None:
    """A case value without a subject (never opened) gives no access."""
    assert not read(MOTHER, CATALOGUE.new_case("x"), None, date(2020, 1, 1)).allowed


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("read", AccessAction.READ),
        ("write", AccessAction.WRITE),
        ("consent", AccessAction.CONSENT),
        ("open", AccessAction.OPEN),
        ("read-audit", AccessAction.READ_AUDIT),
        ("decide-visibility", AccessAction.DECIDE_VISIBILITY),
        ("add-tiltak", AccessAction.WRITE),
        (AccessAction.READ, AccessAction.READ),
    ],
)
def test_action_names(name: str | AccessAction, action: AccessAction) -> None:
    """Known names map to their action; any other command name is a write."""
    assert AccessAction.of(name) is action


def test_empty_action_name_is_invalid() -> None:
    """An empty action name is an input error, not a silent write."""
    with pytest.raises(InvalidInput):
        AccessAction.of(" ")


# --- case roles ----------------------------------------------------------------------------------


def test_case_roles_are_derived_from_the_case() -> None:
    """Guardians and the child match on PersonId; professionals on ref; roles on municipality."""
    case = make_case(father_responsibility=False)
    assert case_roles(MOTHER, case) == (CaseRole.GUARDIAN,)
    assert case_roles(FATHER, case) == (CaseRole.PARENT_WITHOUT_RESPONSIBILITY,)
    assert case_roles(CHILD, case) == (CaseRole.CHILD,)
    assert case_roles(NURSE, case) == (CaseRole.PARTICIPANT,)
    assert case_roles(pro("bv"), case) == (CaseRole.PARTICIPANT, CaseRole.BARNEVERN)
    assert case_roles(pro("x", SystemRole.LEADER), case) == (CaseRole.LEADER,)
    assert case_roles(pro("x", SystemRole.KOORDINERENDE_ENHET), case) == (
        CaseRole.KOORDINERENDE_ENHET,
    )
    assert case_roles(pro("x", SystemRole.BARNEVERN), case) == (CaseRole.BARNEVERN,)
    assert case_roles(STRANGER, case) == ()


def test_system_roles_apply_only_in_their_municipality() -> None:
    """A leader of another municipality has no role in the case."""
    case = make_case()
    assert case_roles(pro("x", SystemRole.LEADER, municipality="4601"), case) == ()
    assert case_roles(pro("x", SystemRole.LEADER, municipality=None), case) == ()


def test_participant_matched_by_hpr_within_the_same_organisation() -> None:
    """A HelseID login with another subject is matched by HPR number, not across organisations."""
    case = make_case()
    same = pro("helseid-pairwise", hpr=HprNummer(7654321), organisation=OTHER_ORG)
    other_org = pro("helseid-pairwise", hpr=HprNummer(7654321), organisation=ORG)
    no_org = pro("helseid-pairwise", hpr=HprNummer(7654321))
    assert case_roles(same, case) == (CaseRole.PARTICIPANT,)
    assert case_roles(other_org, case) == ()
    assert case_roles(no_org, case) == (CaseRole.PARTICIPANT,)
    entry = meta(author="gp", service=ServiceKind.FASTLEGE)
    assert read(same, case, entry, at_age(13)).reason == "the author reads own entry"


def test_a_guardian_registered_without_id_cannot_be_recognised() -> None:
    """Guardians are recognised by their registered PersonId only."""
    case = make_case()
    nobody = citizen(pid(date(1990, 2, 3)), "Annen")
    assert case_roles(nobody, case) == ()


def test_former_participants_are_told_they_left() -> None:
    """A professional who left the case is denied with a reason saying so."""
    case = apply(make_case(), ParticipantLeft(participant_ref="teacher"))
    decision = read(TEACHER, case, None, at_age(13))
    assert not decision.allowed
    assert "left" in decision.reason


# --- guardians and the age table (pbrl § 3-4) ----------------------------------------------------

GUARDIAN_TABLE = [
    # (age, days, visibility, section, allowed)
    (5, 0, GuardianVisibility.DEFAULT, Section.HEALTH, True),
    (5, 0, GuardianVisibility.WITHHELD_WEIGHTY_REASONS, Section.HEALTH, False),
    (11, 364, GuardianVisibility.WITHHELD_BY_CHILD_REQUEST, Section.HEALTH, False),
    (12, 0, GuardianVisibility.DEFAULT, Section.HEALTH, True),
    (13, 0, GuardianVisibility.WITHHELD_BY_CHILD_REQUEST, Section.HEALTH, False),
    (13, 0, GuardianVisibility.WITHHELD_WEIGHTY_REASONS, Section.EDUCATION, False),
    (13, 0, GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY, Section.HEALTH, True),
    (15, 364, GuardianVisibility.DEFAULT, Section.HEALTH, True),
    (16, 0, GuardianVisibility.DEFAULT, Section.HEALTH, False),
    (16, 0, GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY, Section.HEALTH, True),
    (16, 0, GuardianVisibility.DEFAULT, Section.EDUCATION, True),
    (17, 0, GuardianVisibility.WITHHELD_BY_CHILD_REQUEST, Section.EDUCATION, False),
    (17, 364, GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY, Section.SOCIAL, True),
    (18, 0, GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY, Section.HEALTH, False),
    (18, 0, GuardianVisibility.DEFAULT, Section.EDUCATION, False),
    (25, 0, GuardianVisibility.DEFAULT, Section.GENERAL, False),
]


@pytest.mark.parametrize(("age", "days", "visibility", "section", "allowed"), GUARDIAN_TABLE)
def test_guardian_reads_follow_the_age_table(
    age: int, days: int, visibility: GuardianVisibility, section: Section, allowed: bool
) -> None:
    """Guardians with foreldreansvar read by the child's age on the day (domain.md §6.2)."""
    case = make_case()
    entry = meta(section=section, visibility=visibility)
    decision = read(MOTHER, case, entry, at_age(age, days))
    assert decision.allowed is allowed
    assert decision.role is CaseRole.GUARDIAN


def test_guardian_sees_the_overview_until_18() -> None:
    """The case overview is open to guardians with foreldreansvar until the 18th birthday."""
    case = make_case()
    assert read(MOTHER, case, None, at_age(18, -1)).allowed
    denied = read(MOTHER, case, None, at_age(18))
    assert not denied.allowed
    assert denied.basis == ("vergeml-2",)


def test_the_same_case_value_is_re_evaluated_across_a_birthday() -> None:
    """Nothing age-derived is cached: one case value answers differently on each side of 16."""
    case = make_case()
    entry = meta()
    assert read(MOTHER, case, entry, at_age(16, -1)).allowed
    assert not read(MOTHER, case, entry, at_age(16)).allowed
    assert read(MOTHER, case, entry, at_age(16, -1)).allowed


def test_leap_day_child_turns_18_on_1_march() -> None:
    """A child born 29 Feb turns 18 on 1 Mar in a common year (BK-15 convention)."""
    born = date(2008, 2, 29)
    case = make_case(born=born)
    assert read(MOTHER, case, None, date(2026, 2, 28)).allowed
    assert not read(MOTHER, case, None, date(2026, 3, 1)).allowed


def test_expected_child_guardians() -> None:
    """Before birth the expecting mother reads what is not withheld; others follow the flag."""
    case = make_case(expected=True)
    assert case_roles(MOTHER, case) == (CaseRole.GUARDIAN,)
    assert read(MOTHER, case, meta(), date(2020, 1, 1)).allowed
    withheld = meta(visibility=GuardianVisibility.WITHHELD_WEIGHTY_REASONS)
    assert not read(MOTHER, case, withheld, date(2020, 1, 1)).allowed
    assert read(FATHER, case, meta(), date(2020, 1, 1)).allowed
    assert not read(CHILD, case, None, date(2020, 1, 1)).allowed


def test_parent_without_foreldreansvar_is_denied_everything() -> None:
    """A parent without foreldreansvar has no guardian rights (barneloven § 47)."""
    case = make_case(father_responsibility=False)
    for action in AccessAction:
        decision = decide(FATHER, case, action, None, at_age(8))
        assert not decision.allowed
        assert decision.basis == ("barnel-47",)


def test_guardian_may_not_decide_visibility() -> None:
    """Visibility to guardians is a professional's decision, never a guardian's."""
    assert not decide(
        MOTHER, make_case(), AccessAction.DECIDE_VISIBILITY, meta(), at_age(9)
    ).allowed


# --- the adult's grant ---------------------------------------------------------------------------


def test_adult_grant_restores_chosen_sections_until_withdrawn() -> None:
    """From 18 a guardian reads only sections the young adult granted, until withdrawn."""
    case = make_case()
    day = at_age(18, 10)
    with pytest.raises(RuleViolation, match="before 18"):
        grant_guardian_access(case, grant_id="g1", guardian_ref="mother", as_of=at_age(17))
    case = apply(
        case,
        grant_guardian_access(
            case, grant_id="g1", guardian_ref="mother", as_of=day, sections=[Section.EDUCATION]
        ),
    )
    assert len(guardian_access_grants(case)) == 1
    assert read(MOTHER, case, None, day).allowed
    assert read(MOTHER, case, meta(section=Section.EDUCATION), day).allowed
    assert not read(MOTHER, case, meta(section=Section.HEALTH), day).allowed
    assert not read(FATHER, case, meta(section=Section.EDUCATION), day).allowed
    case = apply(case, withdraw_guardian_access(case, grant_id="g1", as_of=day))
    assert not read(MOTHER, case, meta(section=Section.EDUCATION), day).allowed


def test_grant_commands_validate_input() -> None:
    """Grants need a known guardian, a fresh id, at least one section and a sane period."""
    case = make_case()
    day = at_age(19)
    with pytest.raises(InvalidInput, match="guardian_ref"):
        grant_guardian_access(case, grant_id="g", guardian_ref="uncle", as_of=day)
    with pytest.raises(InvalidInput, match="sections"):
        grant_guardian_access(case, grant_id="g", guardian_ref="mother", as_of=day, sections=[])
    with pytest.raises(InvalidInput, match="valid_to"):
        grant_guardian_access(
            case, grant_id="g", guardian_ref="mother", as_of=day, valid_to=day - timedelta(1)
        )
    case = apply(case, grant_guardian_access(case, grant_id="g", guardian_ref="mother", as_of=day))
    with pytest.raises(InvalidInput, match="already used"):
        grant_guardian_access(case, grant_id="g", guardian_ref="father", as_of=day)
    with pytest.raises(InvalidInput, match="no guardian access grant"):
        withdraw_guardian_access(case, grant_id="nope", as_of=day)
    case = apply(case, withdraw_guardian_access(case, grant_id="g", as_of=day))
    with pytest.raises(RuleViolation, match="already withdrawn"):
        withdraw_guardian_access(case, grant_id="g", as_of=day)


# --- the child -----------------------------------------------------------------------------------

CHILD_TABLE = [
    # (age, section, visibility, author, allowed)
    (11, Section.GENERAL, GuardianVisibility.DEFAULT, "teacher", False),
    (12, Section.GENERAL, GuardianVisibility.DEFAULT, "teacher", True),
    (13, Section.EDUCATION, GuardianVisibility.DEFAULT, "teacher", True),
    (13, Section.HEALTH, GuardianVisibility.DEFAULT, "nurse", False),
    (13, Section.HEALTH, GuardianVisibility.WITHHELD_BY_CHILD_REQUEST, "nurse", True),
    (13, Section.HEALTH, GuardianVisibility.DEFAULT, "child", True),
    (15, Section.CHILD_WELFARE, GuardianVisibility.DEFAULT, "bv", False),
    (16, Section.HEALTH, GuardianVisibility.DEFAULT, "nurse", True),
    (17, Section.SOCIAL, GuardianVisibility.DEFAULT, "bv", False),
    (18, Section.CHILD_WELFARE, GuardianVisibility.DEFAULT, "bv", True),
]


@pytest.mark.parametrize(("age", "section", "visibility", "author", "allowed"), CHILD_TABLE)
def test_child_reads_age_appropriately(
    age: int, section: Section, visibility: GuardianVisibility, author: str, allowed: bool
) -> None:
    """The child reads own entries from 12, all health entries from 16, everything from 18."""
    entry = meta(section=section, visibility=visibility, author=author)
    assert read(CHILD, make_case(), entry, at_age(age)).allowed is allowed


def test_child_overview_and_writing_from_12() -> None:
    """Under 12 the child has no direct access; from 12 overview, writing and the audit view."""
    case = make_case()
    assert not read(CHILD, case, None, at_age(12, -1)).allowed
    for action in (AccessAction.READ, AccessAction.WRITE, AccessAction.READ_AUDIT):
        assert decide(CHILD, case, action, None, at_age(12)).allowed
    assert not decide(CHILD, case, AccessAction.DECIDE_VISIBILITY, None, at_age(14)).allowed
    assert not decide(CHILD, case, AccessAction.DECIDE_VISIBILITY, None, at_age(19)).allowed


# --- services and consent scopes -----------------------------------------------------------------


def test_service_reads_own_and_own_service_entries_without_consent() -> None:
    """A professional reads what they or their own service wrote, consent or not."""
    case = make_case()
    day = at_age(9)
    assert read(NURSE, case, meta(), day).allowed
    colleague = meta(author="other-nurse", service=ServiceKind.HELSESTASJON)
    assert read(NURSE, case, colleague, day).allowed
    assert not read(TEACHER, case, meta(), day).allowed


def test_service_reads_other_services_entries_only_under_consent() -> None:
    """A covering SHARE_INFORMATION consent names the reader's service and the section."""
    day = at_age(9)
    case = share(make_case(), [ServiceKind.SKOLE], as_of=day, sections=[Section.HEALTH])
    assert read(TEACHER, case, meta(), day).allowed
    assert not read(PPT, case, meta(), day).allowed
    wrong_section = meta(section=Section.CHILD_WELFARE, author="bv", service=ServiceKind.BARNEVERN)
    assert not read(TEACHER, case, wrong_section, day).allowed


def test_one_guardian_is_not_enough_for_a_valid_consent() -> None:
    """Both guardians with foreldreansvar must consent before services may read (§ 4-4)."""
    day = at_age(9)
    case = share(make_case(), [ServiceKind.SKOLE], as_of=day, by=["mother"])
    assert not read(TEACHER, case, meta(), day).allowed


def test_stafettlogg_consent_covers_only_stafettlogg_entries() -> None:
    """A STAFETTLOGG consent opens the log's entries, not other entries (§ 6.3 rule 5)."""
    day = at_age(9)
    case = share(make_case(), [ServiceKind.SKOLE], as_of=day, purpose=ConsentPurpose.STAFETTLOGG)
    log_entry = meta(entry_id="stafettlogg:o1", kind="log-note")
    assert is_stafettlogg_entry(log_entry)
    assert read(TEACHER, case, log_entry, day).allowed
    assert not read(TEACHER, case, meta(entry_id="plan:1", kind="plan-item"), day).allowed


def test_withdrawal_acts_on_the_same_day() -> None:
    """A withdrawn consent stops covering the service on the withdrawal day."""
    day = at_age(9)
    case = share(make_case(), [ServiceKind.SKOLE], as_of=day)
    later = day + timedelta(days=30)
    assert read(TEACHER, case, meta(), later).allowed
    case = apply(case, withdraw_consent(case, consent_id="k1", by="mother", as_of=later))
    assert not read(TEACHER, case, meta(), later).allowed
    assert read(TEACHER, case, meta(), later - timedelta(days=1)).allowed


def test_guardians_consent_lapses_at_16() -> None:
    """At 16 the young person consents alone; the parents' consent no longer covers services."""
    case = share(make_case(), [ServiceKind.SKOLE], as_of=at_age(14))
    assert read(TEACHER, case, meta(), at_age(16, -1)).allowed
    assert not read(TEACHER, case, meta(), at_age(16)).allowed
    case = share(case, [ServiceKind.SKOLE], as_of=at_age(16), by=["child"], consent_id="k2")
    assert read(TEACHER, case, meta(), at_age(16)).allowed


def test_koordinerende_enhet_reads_under_consent() -> None:
    """Koordinerende enhet sees the overview and reads entries as a service under consent."""
    ke = pro("ke-1", SystemRole.KOORDINERENDE_ENHET)
    day = at_age(9)
    case = make_case()
    assert read(ke, case, None, day).allowed
    assert not read(ke, case, meta(), day).allowed
    case = share(case, [ServiceKind.KOORDINERENDE_ENHET], as_of=day)
    assert read(ke, case, meta(), day).allowed
    assert decide(ke, case, AccessAction.READ_AUDIT, None, day).allowed


def test_leader_sees_status_not_content() -> None:
    """A leader sees the overview and may assign work, but reads no entry content."""
    leader = pro("boss", SystemRole.LEADER)
    case = share(make_case(), [ServiceKind.SKOLE], as_of=at_age(9))
    assert read(leader, case, None, at_age(9)).allowed
    assert not read(leader, case, meta(), at_age(9)).allowed
    assert decide(leader, case, AccessAction.WRITE, None, at_age(9)).allowed
    assert not decide(leader, case, AccessAction.CONSENT, None, at_age(9)).allowed


def test_participants_may_write_but_not_see_the_family_audit_view() -> None:
    """Participants write; the who-looked view is for the family and koordinerende enhet."""
    case = make_case()
    assert decide(TEACHER, case, "add-tiltak", None, at_age(9)).allowed
    assert not decide(TEACHER, case, AccessAction.READ_AUDIT, None, at_age(9)).allowed


def test_health_visibility_is_decided_by_health_personnel() -> None:
    """Only health personnel (HPR) decide visibility of health entries; others of their own."""
    case = make_case()
    day = at_age(13)
    assert decide(NURSE, case, AccessAction.DECIDE_VISIBILITY, meta(), day).allowed
    assert not decide(TEACHER, case, AccessAction.DECIDE_VISIBILITY, meta(), day).allowed
    school = meta(section=Section.EDUCATION, author="teacher", service=ServiceKind.SKOLE)
    assert decide(TEACHER, case, AccessAction.DECIDE_VISIBILITY, school, day).allowed
    ke = pro("ke-1", SystemRole.KOORDINERENDE_ENHET)
    assert not decide(ke, case, AccessAction.DECIDE_VISIBILITY, school, day).allowed


# --- opening -------------------------------------------------------------------------------------


def test_who_may_open_a_case() -> None:
    """Municipal staff open cases in their municipality; guardians apply; others may not."""
    case = make_case(father_responsibility=False)
    day = at_age(5)
    assert decide(pro("cw", SystemRole.CASEWORKER), case, AccessAction.OPEN, None, day).allowed
    other = pro("cw", SystemRole.CASEWORKER, municipality="4601")
    assert not decide(other, case, AccessAction.OPEN, None, day).allowed
    assert decide(MOTHER, case, AccessAction.OPEN, None, day).allowed
    assert decide(FATHER, case, AccessAction.OPEN, None, day).basis == ("barnel-47",)
    assert not decide(NURSE, case, AccessAction.OPEN, None, day).allowed
    assert decide(CHILD, case, AccessAction.OPEN, None, at_age(18)).allowed
    assert not decide(MOTHER, case, AccessAction.OPEN, None, at_age(18)).allowed


# --- consent as an action ------------------------------------------------------------------------


def test_consent_rights_follow_the_consent_table() -> None:
    """Guardians consent under 16; from 16 the young person for health, the guardians for the
    rest until 18 (issue 14 item 3; domain.md §6.3 rule 6); from 18 the adult alone."""
    case = make_case()
    share_p = ConsentPurpose.SHARE_INFORMATION

    def may(principal: Principal, day: date) -> AccessDecision:
        return decide(principal, case, AccessAction.CONSENT, None, day, purpose=share_p)

    assert may(MOTHER, at_age(15)).allowed
    assert not may(CHILD, at_age(15)).allowed
    assert may(MOTHER, at_age(16)).allowed  # sharing outside the health section
    assert may(CHILD, at_age(16)).allowed
    health = ConsentGiven(
        consent=Consent(
            id="raw-health",
            purpose=share_p,
            given_by=frozenset({"mother"}),
            services=frozenset({ServiceKind.SKOLE}),
            sections=frozenset({Section.HEALTH}),
            valid_from=at_age(16),
        )
    )
    refused = authorise_events(MOTHER, case, [health], at_age(16))
    assert not refused.allowed
    assert "pbrl-4-3" in refused.basis
    assert may(MOTHER, at_age(18)).basis[0] == "vergeml-2"


def test_stafettlogg_consent_age_is_the_municipality_setting() -> None:
    """A 15-year-old consents alone to a stafettlogg where the rule is 15, not where it is 16."""
    case = make_case()
    day = at_age(15)
    fifteen = MunicipalSettings(stafettlogg_consent_age=15)
    sixteen = MunicipalSettings(stafettlogg_consent_age=16)
    purpose = ConsentPurpose.STAFETTLOGG
    assert decide(
        CHILD, case, AccessAction.CONSENT, None, day, settings=fifteen, purpose=purpose
    ).allowed
    assert not decide(
        CHILD, case, AccessAction.CONSENT, None, day, settings=sixteen, purpose=purpose
    ).allowed


def test_care_order_moves_health_consent_to_barnevern() -> None:
    """After a care order, barnevernstjenesten consents to health care, not the parents (§ 4-5)."""
    case = apply(make_case(), change_care_order(make_case(), care_taken_over=True))
    day = at_age(9)
    health = ConsentPurpose.HEALTH_CARE
    guardian = decide(MOTHER, case, AccessAction.CONSENT, None, day, purpose=health)
    assert not guardian.allowed
    assert guardian.basis == ("pbrl-4-5",)
    bv_office = pro("bv-office", SystemRole.BARNEVERN)
    assert decide(bv_office, case, AccessAction.CONSENT, None, day, purpose=health).allowed
    assert decide(bv_office, case, AccessAction.CONSENT, None, day).allowed
    assert read(bv_office, case, None, day).allowed
    assert not read(bv_office, case, meta(), day).allowed
    sharing = decide(
        bv_office, case, AccessAction.CONSENT, None, day, purpose=ConsentPurpose.SHARE_INFORMATION
    )
    assert not sharing.allowed
    assert decide(MOTHER, case, AccessAction.CONSENT, None, day, purpose=ConsentPurpose.STAFETTLOGG)


def test_barnevern_without_care_order_has_no_consent_or_overview() -> None:
    """Without a care order barnevernstjenesten acts only as a participating service."""
    bv_office = pro("bv-office", SystemRole.BARNEVERN)
    case = make_case()
    assert not decide(bv_office, case, AccessAction.CONSENT, None, at_age(9)).allowed
    assert not read(bv_office, case, None, at_age(9)).allowed


# --- authorising what a command produced ---------------------------------------------------------


def consent_event(given_by: Sequence[str], purpose: ConsentPurpose, day: date) -> ConsentGiven:
    """A raw consent event, as a command that skipped validation might produce."""
    return ConsentGiven(
        consent=Consent(
            id="raw",
            purpose=purpose,
            given_by=frozenset(given_by),
            services=frozenset({ServiceKind.SKOLE}),
            valid_from=day,
        )
    )


def test_a_family_member_consents_only_for_themselves() -> None:
    """A guardian cannot record the other guardian's consent; their own is fine."""
    case = make_case()
    day = at_age(9)
    share_p = ConsentPurpose.SHARE_INFORMATION
    own = authorise_events(MOTHER, case, [consent_event(["mother"], share_p, day)], day)
    assert own.allowed
    both = authorise_events(MOTHER, case, [consent_event(["mother", "father"], share_p, day)], day)
    assert not both.allowed
    assert "own behalf" in both.reason


def test_a_professional_records_declarations_only_of_entitled_people() -> None:
    """A professional may record a signed consent, but not one from a parent without the right."""
    day = at_age(9)
    share_p = ConsentPurpose.SHARE_INFORMATION
    case = make_case()
    assert authorise_events(NURSE, case, [consent_event(["mother", "father"], share_p, day)], day)
    case = make_case(father_responsibility=False)
    refused = authorise_events(NURSE, case, [consent_event(["father"], share_p, day)], day)
    assert not refused.allowed
    assert "barnel-47" in refused.basis


def test_raw_health_consent_by_guardian_after_care_order_is_refused() -> None:
    """Even a command that skips validation cannot record a parent's § 4-5 health consent."""
    case = apply(make_case(), change_care_order(make_case(), care_taken_over=True))
    day = at_age(9)
    event = consent_event(["mother"], ConsentPurpose.HEALTH_CARE, day)
    refused = authorise_events(NURSE, case, [event], day)
    assert not refused.allowed
    assert refused.basis == ("pbrl-4-5",)
    assert not authorise_events(MOTHER, case, [event], day).allowed
    bv_office = pro("bv-office", SystemRole.BARNEVERN)
    by_bv = consent_event([BARNEVERN], ConsentPurpose.HEALTH_CARE, day)
    assert authorise_events(bv_office, case, [by_bv], day).allowed


def test_withdrawal_on_someone_elses_behalf_is_refused() -> None:
    """A guardian withdraws only their own consent; a professional may record any withdrawal."""
    day = at_age(9)
    case = share(make_case(), [ServiceKind.SKOLE], as_of=day)
    by_father = withdraw_consent(case, consent_id="k1", by="father", as_of=day)
    assert not authorise_events(MOTHER, case, [by_father], day).allowed
    assert authorise_events(FATHER, case, [by_father], day).allowed
    assert authorise_events(NURSE, case, [by_father], day).allowed


def test_visibility_decisions_are_the_deciding_professionals_own() -> None:
    """A professional records only their own visibility decision; guardians none."""
    case = make_case()
    day = at_age(13)
    own = VisibilityChanged(
        entry_id="e1",
        visibility=GuardianVisibility.WITHHELD_BY_CHILD_REQUEST,
        decided_by="nurse",
        reason="the child's request",
    )
    assert authorise_events(NURSE, case, [own], day).allowed
    assert not authorise_events(PPT, case, [own], day).allowed
    assert not authorise_events(MOTHER, case, [own], day).allowed


def test_only_the_young_adult_grants_guardian_access() -> None:
    """The adult (or a professional recording the adult's form) grants; a parent cannot."""
    case = make_case()
    day = at_age(19)
    event = grant_guardian_access(case, grant_id="g", guardian_ref="mother", as_of=day)
    assert isinstance(event, GuardianAccessGranted)
    assert authorise_events(CHILD, case, [event], day).allowed
    assert authorise_events(NURSE, case, [event], day).allowed
    refused = authorise_events(MOTHER, case, [event], day)
    assert not refused.allowed
    assert refused.basis == ("vergeml-2",)


def test_other_events_need_write_permission() -> None:
    """Everything else a command produces is a write; combined decisions merge the basis."""
    case = make_case()
    day = at_age(9)
    event = ParticipantLeft(participant_ref="nurse")  # the nurse leaves: her own act
    assert not authorise_events(STRANGER, case, [event], day).allowed
    combined = authorise_events(NURSE, case, [event, event], day)
    assert combined.allowed
    assert combined.action is AccessAction.WRITE
    assert authorise_events(NURSE, case, [], day).reason == "nothing to record"


def test_acts_of_case_administration_need_an_administering_role() -> None:
    """hotl § 7-3 / § 7-2 a (fourth sweep, G1–G3): any participant may write to the case, but
    who takes part, a granted role, the municipality and a care order are decided by
    koordinerende enhet or a leader (a care order also by barnevernstjenesten). A participant
    may still leave itself."""
    case = make_case()
    day = at_age(9)
    administrative: list[DomainEvent] = [
        ParticipantLeft(participant_ref="ppt"),
        ParticipantJoined(
            participant=Professional(ref="hs-2", service=ServiceKind.HELSESTASJON, organisation=ORG)
        ),
        CareOrderChanged(care_taken_over=True),
        RoleGranted(ref="nurse", role=Role.LEADER, by="nurse", on=day),
        RoleRevoked(ref="teacher", role=Role.LEADER, by="nurse", on=day),
        MunicipalityChanged(from_municipality=MUNI, to_municipality="4601", by="nurse", on=day),
    ]
    ke = pro("nurse", SystemRole.KOORDINERENDE_ENHET)  # the same person, with the role
    for event in administrative:
        refused = authorise_events(NURSE, case, [event], day)
        assert not refused.allowed, event
        assert "administers the case" in refused.reason
        assert authorise_events(ke, case, [event], day).allowed, event
    leader = pro("nurse", SystemRole.LEADER)
    assert authorise_events(leader, case, administrative[:2], day).allowed
    assert authorise_events(
        pro("bv", SystemRole.BARNEVERN), case, [CareOrderChanged(care_taken_over=True)], day
    ).allowed


# --- hygiene -------------------------------------------------------------------------------------

ALL_DECISIONS = [
    (principal, action, entry, age)
    for principal in (MOTHER, FATHER, CHILD, NURSE, TEACHER, pro("b", SystemRole.BARNEVERN))
    for action in AccessAction
    for entry in (None, meta(), meta(visibility=GuardianVisibility.WITHHELD_BY_CHILD_REQUEST))
    for age in (5, 13, 16, 19)
]


def test_every_basis_resolves_and_no_reason_holds_personal_data() -> None:
    """Every legal basis key resolves; no reason contains an id, a name or a ref."""
    case = make_case(father_responsibility=False)
    for principal, action, entry, age in ALL_DECISIONS:
        decision = decide(principal, case, action, entry, at_age(age))
        for key in decision.basis:
            ref(key)
        for secret in (MOTHER_ID, FATHER_ID, CHILD_ID):
            assert secret.reveal() not in decision.reason
            assert secret.redacted()[:6] not in decision.reason
        assert "mother" not in decision.reason
        assert "Mor" not in decision.reason


def test_index_follows_the_case_value_and_is_released() -> None:
    """The per-case index is keyed by the case value and dropped when the case is."""
    case = make_case()
    assert read(TEACHER, case, None, at_age(9)).allowed
    left = apply(case, ParticipantLeft(participant_ref="teacher"))
    assert not read(TEACHER, left, None, at_age(9)).allowed
    assert read(TEACHER, case, None, at_age(9)).allowed
    key = id(left)
    assert key in _INDEXES
    del left
    gc.collect()
    assert key not in _INDEXES


def test_only_one_who_may_read_an_entry_acts_on_it() -> None:
    """pbrl § 3-6 / hol § 7-2 a (fourth sweep, G4): the stafettholder (barnehage), whose consent
    covers education and general only, could end the helsestasjon's health tiltak it cannot
    read. Evaluating it (``TiltakEvaluated.ACTS_ON``) now needs a read of it; its author may."""
    from barnekoordinator.access.consent import required_consenters
    from barnekoordinator.coordination import stafettlogg as log
    from barnekoordinator.testing.builders import DEFAULT_AS_OF, standard_case

    day = DEFAULT_AS_OF
    run = standard_case(age=9)
    givers = sorted(required_consenters(run.case, ConsentPurpose.STAFETTLOGG, as_of=day))
    for consent_id, service, sections in (
        ("k-bhg", ServiceKind.BARNEHAGE, [Section.EDUCATION, Section.GENERAL]),
        ("k-hs", ServiceKind.HELSESTASJON, list(Section)),
    ):
        run.run(
            give_consent,
            consent_id=consent_id,
            purpose=ConsentPurpose.STAFETTLOGG,
            given_by=givers,
            services=[service],
            sections=sections,
            as_of=day,
        )
    run.run(log.open_stafettlogg, by="pl", holder_ref="pl", level=log.BtiLevel.NIVAA_2, as_of=day)
    run.run(
        log.add_log_measure,
        tiltak_id="t-h",
        by="hs",
        description="Medisinsk oppfølging",
        responsible_ref="hs",
        evaluation_date=day + timedelta(days=10),
        as_of=day,
    )
    holder, nurse = pro("pl"), pro("hs")
    meta = next(e.meta for e in entries(run.case) if e.meta.id == "stafettlogg:t-h")
    assert meta.section is Section.HEALTH
    assert not decide(holder, run.case, AccessAction.READ, meta, day).allowed

    def ended(by: str) -> DomainEvent:
        return log.evaluate_log_measure(
            run.case,
            tiltak_id="t-h",
            by=by,
            effect=log.EffectAssessment.GOAL_REACHED,
            next_step=log.MeasureNext.END,
            as_of=day,
            settings=run.settings,
        )

    refused = authorise_events(holder, run.case, [ended("pl")], day)
    assert not refused.allowed
    assert "acts only on entries it may read (tiltak_id)" in refused.reason
    assert authorise_events(nurse, run.case, [ended("hs")], day).allowed
    # G5: deciding its visibility is refused in words that do not name its section.
    hide = VisibilityChanged(
        entry_id="stafettlogg:t-h",
        visibility=GuardianVisibility.WITHHELD_WEIGHTY_REASONS,
        decided_by="pl",
        reason="Vektige hensyn",
    )
    refused = authorise_events(holder, run.case, [hide], day)
    assert not refused.allowed
    assert refused.reason == "a professional decides the visibility only of entries it may read"
