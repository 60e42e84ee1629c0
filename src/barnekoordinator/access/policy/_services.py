"""The rules for professionals: a participating service, koordinerende enhet, leaders, barnevern.

A service reads its own entries and another service's under a covering
consent (taushetsplikt, domain.md §6.3 rule 5).
"""

from __future__ import annotations

from typing import Final

from barnekoordinator.access.consent import BARNEVERN, ConsentPurpose, Section, ledger
from barnekoordinator.access.entries import EntryMeta
from barnekoordinator.access.policy._context import _allow, _Ctx, _deny
from barnekoordinator.access.policy._family import _family_consent
from barnekoordinator.access.policy._values import AccessAction, AccessDecision, CaseRole
from barnekoordinator.services import ServiceKind


def is_stafettlogg_entry(entry: EntryMeta) -> bool:
    """True for entries of a BTI stafettlogg.

    [`barnekoordinator.coordination.stafettlogg`][barnekoordinator.coordination.stafettlogg] gives
    its entries ids ``stafettlogg:…`` (kinds ``log-note``, ``measure``, ``minutes`` …); a kind
    ``stafettlogg`` or ``stafettlogg.*`` is also recognised.
    """
    kind = entry.kind
    return (
        entry.id.startswith("stafettlogg:")
        or kind == "stafettlogg"
        or kind.startswith(("stafettlogg.", "stafettlogg-"))
    )


_SHARE_BASIS: Final = ("pbrl-4-3", "pbrl-4-4")
_STAFETTLOGG_BASIS: Final = ("bti-stafettlogg",)


def _consent_decision(
    ctx: _Ctx, role: CaseRole, service: ServiceKind, entry: EntryMeta
) -> AccessDecision:
    """A service reads another service's entry only under a covering consent."""
    book = ledger(ctx.case)
    purposes = (
        (ConsentPurpose.STAFETTLOGG, ConsentPurpose.SHARE_INFORMATION)
        if is_stafettlogg_entry(entry)
        else (ConsentPurpose.SHARE_INFORMATION,)
    )
    for purpose in purposes:
        if book.covers(
            ctx.case,
            purpose,
            as_of=ctx.as_of,
            service=service,
            section=entry.section,
            settings=ctx.settings,
        ):
            basis = _STAFETTLOGG_BASIS if purpose is ConsentPurpose.STAFETTLOGG else _SHARE_BASIS
            return _allow(
                ctx,
                role,
                f"a valid {purpose.value} consent covers {service.value} and the "
                f"{entry.section.value} section",
                *basis,
            )
    return _deny(
        ctx,
        role,
        f"no valid consent covers {service.value} for the {entry.section.value} section "
        "(taushetsplikt); the consent is missing, lapsed or withdrawn",
        *_SHARE_BASIS,
    )


def _rule_service(
    ctx: _Ctx, entry: EntryMeta | None, role: CaseRole, service: ServiceKind, ref: str
) -> AccessDecision:
    act = ctx.act
    if act is AccessAction.READ:
        if entry is None:
            return _allow(ctx, role, "takes part in the cooperation around the child", "hotl-3-4")
        if entry.author_ref in (ref, ctx.principal.subject):
            return _allow(ctx, role, "the author reads own entry")
        if entry.author_service is service:
            return _allow(ctx, role, f"written by the reader's own service ({service.value})")
        return _consent_decision(ctx, role, service, entry)
    if act is AccessAction.WRITE:
        return _allow(ctx, role, "takes part in the cooperation around the child", "hotl-3-4")
    if act is AccessAction.CONSENT:
        return _allow(
            ctx,
            role,
            "records a consent declaration given by those entitled to give it",
            "pbrl-4-4",
        )
    if act is AccessAction.DECIDE_VISIBILITY:
        if role is not CaseRole.PARTICIPANT:
            return _deny(
                ctx, role, "only a professional taking part decides visibility", "pbrl-3-4"
            )
        professional = ctx.standing.professional
        health_personnel = ctx.principal.hpr is not None or (
            professional is not None and professional.hpr is not None
        )
        if entry is not None and entry.section is Section.HEALTH and not health_personnel:
            return _deny(
                ctx, role, "visibility of health entries is decided by health personnel", "pbrl-3-4"
            )
        return _allow(ctx, role, "a professional's decision on visibility to guardians", "pbrl-3-4")
    if act is AccessAction.READ_AUDIT and role is CaseRole.KOORDINERENDE_ENHET:
        return _allow(ctx, role, "internal control of access to the case", "hotl-7-3")
    return _deny(ctx, role, "the family's view of who has looked at the case")


def _rule_participant(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    professional = ctx.standing.professional
    assert professional is not None
    return _rule_service(ctx, entry, CaseRole.PARTICIPANT, professional.service, professional.ref)


def _rule_koordinerende_enhet(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    return _rule_service(
        ctx,
        entry,
        CaseRole.KOORDINERENDE_ENHET,
        ServiceKind.KOORDINERENDE_ENHET,
        ctx.principal.subject,
    )


def _rule_leader(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    role = CaseRole.LEADER
    act = ctx.act
    if act is AccessAction.READ:
        if entry is None:
            return _allow(
                ctx, role, "a leader sees status and deadlines of the municipality's cases"
            )
        return _deny(
            ctx,
            role,
            "leaders see status and deadlines, not entry content; take part in the case to read",
        )
    if act is AccessAction.WRITE:
        return _allow(ctx, role, "a leader may assign responsibility in the municipality's cases")
    return _deny(ctx, role, "not an action for a leader")


def _rule_barnevern(ctx: _Ctx, entry: EntryMeta | None) -> AccessDecision:
    role = CaseRole.BARNEVERN
    act = ctx.act
    care = ledger(ctx.case).care_taken_over
    if act is AccessAction.CONSENT:
        if ctx.purpose is None:
            if care:
                return _allow(ctx, role, "consents after taking over care", "pbrl-4-5")
        else:
            return _family_consent(ctx, role, BARNEVERN)
    if act is AccessAction.READ and entry is None and care:
        return _allow(ctx, role, "barnevernstjenesten has taken over care", "pbrl-4-5")
    return _deny(
        ctx,
        role,
        "barnevernstjenesten reads and writes as a participating service; it consents to "
        "necessary health care after taking over care (pbrl § 4-5)",
        "pbrl-4-5",
    )
