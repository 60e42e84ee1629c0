"""Access sweep 2026-12-07: a parent without foreldreansvar after 18, and raw withdrawals.

A: from 18 every parent is a «pårørende» and reads only what the young adult granted, whether
   or not the parent had foreldreansvar (barneloven § 47 concerns children only).
B: the access layer guards a raw ``ConsentWithdrawn`` as the ``withdraw_consent`` command does:
   only a giver of the consent, or one entitled to consent now, withdraws it.
"""

from __future__ import annotations

from datetime import date

import pytest

from barnekoordinator.access.consent import (
    ConsentPurpose,
    ConsentWithdrawn,
    Section,
    give_consent,
    ledger,
    withdraw_consent,
)
from barnekoordinator.access.entries import EntryMeta
from barnekoordinator.access.grants import grant_guardian_access
from barnekoordinator.access.policy import AccessAction, CaseRole, authorise_events, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.errors import RuleViolation
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child, Guardian, GuardianRelation
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import CaseRun, new_case, professional

POLICY = IdentifierPolicy.testing()
DAY = date(2025, 6, 10)
MOR_ID = PersonId.parse(synthetic_fodselsnummer(date(1980, 1, 5)), policy=POLICY)
FAR_ID = PersonId.parse(synthetic_fodselsnummer(date(1979, 3, 7)), policy=POLICY)


def _citizen(person: PersonId, label: str) -> Principal:
    return Principal(
        subject=f"idp-{label}",
        display_label=label,
        assurance=AssuranceLevel.HIGH,
        national_id=person,
        roles=frozenset({SystemRole.CITIZEN}),
    )


def _staff(ref: str) -> Principal:
    return Principal(
        subject=ref,
        display_label=ref,
        assurance=AssuranceLevel.HIGH,
        municipality_number="0301",
        roles=frozenset(),
    )


CHILD_LABEL = "child"
MOR = _citizen(MOR_ID, "mor")
FAR = _citizen(FAR_ID, "far")
KE = _staff("ke")
HS = _staff("hs")


def _family(born: date) -> tuple[CaseRun, Principal]:
    """Mor has foreldreansvar, far never had it; helsestasjon, skole and koordinerende enhet."""
    child_id = PersonId.parse(synthetic_fodselsnummer(born), policy=POLICY)
    run = new_case(
        subject=Child(ref="child", birth_date=born, person_id=child_id),
        guardians=(
            Guardian(
                ref="mor",
                relation=GuardianRelation.MOTHER,
                parental_responsibility=True,
                person_id=MOR_ID,
            ),
            Guardian(
                ref="far",
                relation=GuardianRelation.FATHER,
                parental_responsibility=False,
                person_id=FAR_ID,
            ),
        ),
        professionals=[
            professional("hs", ServiceKind.HELSESTASJON),
            professional("kl", ServiceKind.SKOLE),
            professional("ke", ServiceKind.KOORDINERENDE_ENHET),
        ],
        koordinerende_enhet=("ke",),
        as_of=DAY,
    )
    return run, _citizen(child_id, CHILD_LABEL)


def _entry(section: Section) -> EntryMeta:
    return EntryMeta(
        id=f"e-{section.value}",
        kind="plan-item",
        section=section,
        author_ref="kl",
        author_service=ServiceKind.SKOLE,
        created_on=DAY,
    )


# --- A: a parent without foreldreansvar after 18 -------------------------------------------


def test_adult_grant_lets_a_parent_who_never_had_foreldreansvar_read() -> None:
    """Vergemålsloven § 2 (domain.md §2.7, §3.4): from 18 the adult decides who reads; a grant to
    a parent who never had foreldreansvar counts as one to a former guardian (barneloven § 47
    governs only while the child is under 18)."""
    run, _ = _family(date(2006, 6, 1))  # 19 on DAY
    run.do(
        grant_guardian_access(
            run.case, grant_id="g-far", guardian_ref="far", as_of=DAY, sections=[Section.EDUCATION]
        )
    )
    overview = decide(FAR, run.case, AccessAction.READ, None, DAY)
    granted = decide(FAR, run.case, AccessAction.READ, _entry(Section.EDUCATION), DAY)
    not_granted = decide(FAR, run.case, AccessAction.READ, _entry(Section.HEALTH), DAY)
    assert overview.allowed
    assert overview.basis == ("vergeml-2",)
    assert granted.allowed
    assert granted.basis == ("vergeml-2",)
    assert granted.role is CaseRole.PARENT_WITHOUT_RESPONSIBILITY
    assert not not_granted.allowed
    assert not_granted.basis == ("vergeml-2",)
    # A grant to read is no right to act in the adult's case.
    write = decide(FAR, run.case, AccessAction.WRITE, None, DAY)
    assert not write.allowed
    assert write.basis == ("vergeml-2",)


def test_after_18_without_a_grant_the_refusal_rests_on_vergemalsloven_not_barneloven() -> None:
    """Vergemålsloven § 2 / barneloven § 47: before 18 a parent without foreldreansvar is refused
    under barneloven § 47; from 18 the refusal is the adult's (no grant), as for the mother."""
    run17, _ = _family(date(2008, 6, 1))  # 17 on DAY
    child = decide(FAR, run17.case, AccessAction.READ, _entry(Section.EDUCATION), DAY)
    assert not child.allowed
    assert child.basis == ("barnel-47",)

    run19, _ = _family(date(2006, 6, 1))  # 19 on DAY
    for who in (MOR, FAR):
        adult = decide(who, run19.case, AccessAction.READ, _entry(Section.EDUCATION), DAY)
        assert not adult.allowed
        assert adult.basis == ("vergeml-2",)


# --- B: a recorded withdrawal by one not entitled to withdraw ------------------------------


@pytest.mark.parametrize("recorder", [KE, HS], ids=["koordinerende-enhet", "participant"])
def test_recorder_may_not_record_a_withdrawal_by_a_parent_without_foreldreansvar(
    recorder: Principal,
) -> None:
    """Pasient- og brukerrettighetsloven § 4-4 (barneloven § 47; domain.md §6.2–6.3, §7.6): a
    parent without foreldreansvar neither gives nor withdraws the child's consent; a recorder
    registers only a withdrawal the ``withdraw_consent`` command would accept."""
    run, _ = _family(date(2015, 1, 1))
    run.run(
        give_consent,
        consent_id="s",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["mor"],
        services=[ServiceKind.SKOLE],
        as_of=DAY,
    )
    with pytest.raises(RuleViolation):
        withdraw_consent(run.case, consent_id="s", by="far", as_of=DAY)
    by_far = ConsentWithdrawn(consent_id="s", by="far", on=DAY)
    refused = authorise_events(recorder, run.case, [by_far], DAY)
    assert not refused.allowed
    assert "barnel-47" in refused.basis
    # The giver's own withdrawal is recorded as before.
    by_mor = ConsentWithdrawn(consent_id="s", by="mor", on=DAY)
    assert authorise_events(recorder, run.case, [by_mor], DAY).allowed
    assert ledger(run.case).get("s") is not None


def test_recorded_withdrawal_of_an_unknown_consent_is_refused() -> None:
    """Pasient- og brukerrettighetsloven § 4-4: the entitlement is judged against the consent;
    an id the case does not know is refused (the fold does not refuse it: it used to be left
    there and lay in wait for a consent given later under that id, review of 2026-12-08). The
    same check refuses a withdrawal the command refuses, for a recorded id."""
    run, _ = _family(date(2015, 1, 1))
    run.run(
        give_consent,
        consent_id="s",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["mor"],
        services=[ServiceKind.SKOLE],
        as_of=DAY,
    )
    unknown = ConsentWithdrawn(consent_id="nope", by="far", on=DAY)
    refused = authorise_events(KE, run.case, [unknown], DAY)
    assert not refused.allowed
    assert "no such consent" in refused.reason
    known = ConsentWithdrawn(consent_id="s", by="far", on=DAY)
    assert not authorise_events(KE, run.case, [known], DAY).allowed


def test_guardian_may_not_withdraw_the_youths_own_health_sharing_consent() -> None:
    """Pasient- og brukerrettighetsloven § 4-3 (domain.md §6.3, §7.6): from 16 the young person
    consents to sharing health information alone; a guardian who did not give that consent may
    not end it by a raw event any more than by the ``withdraw_consent`` command."""
    run, youth = _family(date(2008, 6, 1))  # 17 on DAY
    run.run(
        give_consent,
        consent_id="h",
        purpose=ConsentPurpose.SHARE_INFORMATION,
        given_by=["child"],
        services=[ServiceKind.SKOLE],
        sections=[Section.HEALTH],
        as_of=DAY,
    )
    with pytest.raises(RuleViolation):
        withdraw_consent(run.case, consent_id="h", by="mor", as_of=DAY)
    by_mor = ConsentWithdrawn(consent_id="h", by="mor", on=DAY)
    assert not authorise_events(MOR, run.case, [by_mor], DAY).allowed
    assert not authorise_events(KE, run.case, [by_mor], DAY).allowed
    by_youth = ConsentWithdrawn(consent_id="h", by="child", on=DAY)
    assert authorise_events(youth, run.case, [by_youth], DAY).allowed
