"""The rules for the family: guardians, a parent without foreldreansvar, and the child.

What a guardian and the child may read follows the child's age on the day of
the read (pbrl § 3-4, § 4-3); from 18 a former guardian reads only what the
young adult granted. A family member consents only where the law names them.
"""

from __future__ import annotations

from typing import Final

from barnekoordinator.access.consent import (
    BARNEVERN,
    ConsentPurpose,
    Section,
    ledger,
    required_consenters,
)
from barnekoordinator.access.entries import EntryMeta, GuardianVisibility
from barnekoordinator.access.grants import GuardianAccessGrant, guardian_access_grants
from barnekoordinator.access.policy._context import _allow, _Ctx, _deny, _thresholds
from barnekoordinator.access.policy._values import AccessAction, AccessDecision, CaseRole
from barnekoordinator.config import FamilyAct


def _expecting_parent_entry(ctx: _Ctx, entry: EntryMeta) -> AccessDecision:
    """An expected child has no age yet: the expecting parents see what is not withheld."""
    role = CaseRole.GUARDIAN
    vis = entry.visibility
    if vis is GuardianVisibility.WITHHELD_BY_CHILD_REQUEST or (
        vis is GuardianVisibility.WITHHELD_WEIGHTY_REASONS
    ):
        return _deny(ctx, role, "the entry is withheld from guardians", "pbrl-3-4")
    return _allow(ctx, role, "expecting parent: sees the case's entries", "pbrl-4-4")


def _guardian_entry(ctx: _Ctx, entry: EntryMeta) -> AccessDecision:
    """A guardian with foreldreansvar reads an entry by the child's age on the day."""
    role = CaseRole.GUARDIAN
    vis = entry.visibility
    age = ctx.age
    if age is None:
        return _expecting_parent_entry(ctx, entry)
    withhold_from, health_major, major = _thresholds(ctx.as_of)
    if age >= major:
        return _adult_grant(ctx, entry.section)
    if vis is GuardianVisibility.NECESSARY_FOR_PARENTAL_RESPONSIBILITY:
        return _allow(
            ctx,
            role,
            "necessary to fulfil foreldreansvaret: given to guardians up to 18 (§ 3-4 fourth ledd)",
            "pbrl-3-4",
        )
    if age >= health_major:
        if entry.section is Section.HEALTH:
            return _deny(
                ctx,
                role,
                "16–18: guardians get only what is necessary to fulfil foreldreansvaret "
                "(§ 3-4; the young person decides, § 4-3 b)",
                "pbrl-3-4",
                "pbrl-4-3",
            )
        if vis is not GuardianVisibility.DEFAULT:
            return _deny(ctx, role, "a decision to withhold the entry stands", "pbrl-3-4")
        return _allow(
            ctx,
            role,
            "16–18: non-health entries stay visible to guardians with foreldreansvar "
            "(design decision)",
            "vergeml-2",
        )
    if vis is GuardianVisibility.WITHHELD_WEIGHTY_REASONS:
        return _deny(
            ctx,
            role,
            "withheld from guardians for weighty reasons concerning the child (§ 3-4 third ledd)",
            "pbrl-3-4",
        )
    if vis is GuardianVisibility.WITHHELD_BY_CHILD_REQUEST:
        # Under the withholding age the flag cannot be set by the command; fail closed.
        reason = (
            "withheld at the child's request for reasons that should be respected "
            "(12–16, § 3-4 second ledd)"
            if age >= withhold_from
            else "the entry is withheld from guardians"
        )
        return _deny(ctx, role, reason, "pbrl-3-4", "pbrl-4-3")
    return _allow(
        ctx,
        role,
        "under 16: guardians with foreldreansvar are informed (§ 3-4 first ledd)",
        "pbrl-3-4",
    )


def _active_grants(ctx: _Ctx) -> tuple[GuardianAccessGrant, ...]:
    guardian = ctx.standing.guardian
    if guardian is None:
        return ()
    return tuple(
        g
        for g in guardian_access_grants(ctx.case)
        if g.guardian_ref == guardian.ref and g.active_on(ctx.as_of)
    )


def _adult_grant(
    ctx: _Ctx, section: Section | None, role: CaseRole = CaseRole.GUARDIAN
) -> AccessDecision:
    """From 18 every parent, with or without foreldreansvar before, reads only what the young
    adult granted (a «pårørende»: vergemålsloven § 2; domain.md §2.7, §3.4)."""
    grants = _active_grants(ctx)
    if grants and (section is None or any(section in g.sections for g in grants)):
        return _allow(ctx, role, "the young adult has granted this guardian access", "vergeml-2")
    return _deny(
        ctx,
        role,
        "from 18 guardians have no access without the young adult's consent",
        "vergeml-2",
    )


def _consent_refusal(ctx: _Ctx, role: CaseRole, purpose: ConsentPurpose) -> AccessDecision:
    """Explain why someone in the family may not consent to ``purpose`` today."""
    age = ctx.age
    _, health_major, major = _thresholds(ctx.as_of)
    if (
        purpose is ConsentPurpose.HEALTH_CARE
        and ledger(ctx.case).care_taken_over
        and (age is None or age < health_major)
    ):
        return _deny(
            ctx,
            role,
            "barnevernstjenesten has taken over care: it, not the parents, consents to "
            "necessary health care (pbrl § 4-5)",
            "pbrl-4-5",
        )
    if age is not None and age >= major:
        return _deny(ctx, role, "from 18 the adult consents alone", "vergeml-2", "pbrl-4-3")
    if age is not None and age >= health_major:
        return _deny(ctx, role, "from 16 the young person consents alone (§ 4-3 b)", "pbrl-4-3")
    return _deny(
        ctx,
        role,
        f"not among those who must consent to {purpose.value} on this day",
        "pbrl-4-4",
    )


def _family_consent(ctx: _Ctx, role: CaseRole, own_ref: str) -> AccessDecision:
    purpose = ctx.purpose
    if purpose is None:
        return _allow(ctx, role, "may give or withdraw own consent", "pbrl-4-4")
    required = required_consenters(ctx.case, purpose, as_of=ctx.as_of, settings=ctx.settings)
    if own_ref in required:
        basis = "pbrl-4-5" if own_ref == BARNEVERN else "pbrl-4-4"
        return _allow(
            ctx, role, f"among those who must consent to {purpose.value}", basis, "pbrl-4-3"
        )
    if role is CaseRole.BARNEVERN:
        return _deny(
            ctx,
            role,
            "barnevernstjenesten consents only to necessary health care after taking "
            "over care (pbrl § 4-5)",
            "pbrl-4-5",
        )
    return _consent_refusal(ctx, role, purpose)


def _rule_guardian(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    role = CaseRole.GUARDIAN
    act = ctx.act
    age = ctx.age
    _, _, major = _thresholds(ctx.as_of)
    adult = age is not None and age >= major
    if act is AccessAction.READ:
        if entry is not None:
            return _guardian_entry(ctx, entry)
        if adult:
            return _adult_grant(ctx, None)
        return _allow(ctx, role, "guardian with foreldreansvar sees the case", "pbrl-3-4")
    if adult:
        return _deny(
            ctx, role, "from 18 guardians have no rights in the case of an adult", "vergeml-2"
        )
    if act is AccessAction.CONSENT:
        guardian = ctx.standing.guardian
        assert guardian is not None
        return _family_consent(ctx, role, guardian.ref)
    if act in (AccessAction.WRITE, AccessAction.READ_AUDIT):
        return _allow(ctx, role, "guardian with foreldreansvar", "pbrl-4-4")
    return _deny(ctx, role, "visibility to guardians is a professional's decision", "pbrl-3-4")


def _rule_parent_without_responsibility(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    role = CaseRole.PARENT_WITHOUT_RESPONSIBILITY
    age = ctx.age
    _, _, major = _thresholds(ctx.as_of)
    if age is not None and age >= major:
        # Barneloven § 47 concerns children. From 18 foreldreansvar has ended for every parent:
        # each is a «pårørende» and is judged by the young adult's grants alike (vergeml. § 2).
        if ctx.act is AccessAction.READ:
            return _adult_grant(ctx, entry.section if entry is not None else None, role)
        return _deny(
            ctx, role, "from 18 guardians have no rights in the case of an adult", "vergeml-2"
        )
    return _deny(
        ctx,
        role,
        "a parent without foreldreansvar has no guardian rights in the case; the limited "
        "right to information (barneloven § 47) is served by each service",
        "barnel-47",
    )


_CHILD_OPEN_SECTIONS: Final = frozenset({Section.GENERAL, Section.EDUCATION})


def _child_entry(ctx: _Ctx, entry: EntryMeta, age: int) -> AccessDecision:
    role = CaseRole.CHILD
    _, health_major, _ = _thresholds(ctx.as_of)
    subject = ctx.case.subject
    if subject is not None and entry.author_ref == subject.ref:
        return _allow(ctx, role, "the child reads what the child wrote", "pbrl-3-1")
    if entry.visibility is GuardianVisibility.WITHHELD_BY_CHILD_REQUEST:
        return _allow(
            ctx,
            role,
            "the child's own matter, withheld from guardians at the child's request",
            "pbrl-3-4",
            "pbrl-4-3",
        )
    if entry.section in _CHILD_OPEN_SECTIONS:
        return _allow(
            ctx, role, "from 12 the child reads general and education entries", "pbrl-3-1"
        )
    if entry.section is Section.HEALTH:
        if age >= health_major:
            return _allow(
                ctx, role, "from 16 the young person reads all health entries", "pbrl-4-3"
            )
        return _deny(
            ctx,
            role,
            "under 16 health information is given to the child by health personnel, "
            "adapted to age (§ 3-4 first ledd)",
            "pbrl-3-4",
        )
    return _deny(
        ctx,
        role,
        f"{entry.section.value} entries are given to the child through the service until 18 "
        "(design decision)",
        "pbrl-3-1",
    )


def _rule_child(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    role = CaseRole.CHILD
    age = ctx.age
    assert age is not None  # an expected child cannot log in
    withhold_from, _, major = _thresholds(ctx.as_of)
    act = ctx.act
    if age >= major:
        if act is AccessAction.CONSENT:
            subject = ctx.case.subject
            assert subject is not None
            return _family_consent(ctx, role, subject.ref)
        if act is AccessAction.DECIDE_VISIBILITY:
            return _deny(ctx, role, "visibility decisions are made by professionals", "pbrl-3-4")
        return _allow(ctx, role, "the adult's own case", "vergeml-2")
    if age < withhold_from:
        if act is AccessAction.WRITE and ctx.settings.participation.allows(
            FamilyAct.OWN_VOICE, age
        ):
            return _allow(
                ctx,
                role,
                "the child acts as herself in what the participation setting allows at her age "
                "(each event is checked)",
                "pbrl-4-4",
                "bk-art-12",
            )
        return _deny(
            ctx,
            role,
            "children under 12 are informed and heard through their guardians and the "
            "professionals",
            "pbrl-3-1",
            "pbrl-4-4",
        )
    if act is AccessAction.READ:
        if entry is None:
            return _allow(ctx, role, "from 12 the child sees the case overview", "pbrl-3-1")
        return _child_entry(ctx, entry, age)
    if act is AccessAction.CONSENT:
        subject = ctx.case.subject
        assert subject is not None
        return _family_consent(ctx, role, subject.ref)
    if act in (AccessAction.WRITE, AccessAction.READ_AUDIT):
        return _allow(ctx, role, "from 12 the child takes part (medvirkning)", "pbrl-3-1")
    return _deny(ctx, role, "not an action for the child before 18", "pbrl-3-1")
