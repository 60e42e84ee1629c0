"""What an export may hold: one case as one principal may read it, for one receiver.

An exporter never sees the case. [`Casebook.export()`][barnekoordinator.casebook.Casebook.export]
loads the case inside the one door, decides what the principal may read today (the overview, then
every entry with [`decide()`][barnekoordinator.access.policy.decide], exactly as
[`Casebook.read()`][barnekoordinator.casebook.Casebook.read] does), narrows that to what a
receiving service's consent covers, and hands the exporter an
[`ExportView`][barnekoordinator.exporting.ExportView] built from what is left:

* **the overview** (people by case-local ref, roles, the case's status) — what the overview
  decision covers; a leader's overview has no names and no case records (status and deadlines);
* **the entries** the principal may read, one by one, and — with ``for_service`` — only those the
  receiving service wrote or a valid consent covers for it (the rule of
  [`access.consent`][barnekoordinator.access.consent]: a ``share-information`` consent for the
  entry's section, or a ``stafettlogg`` consent for the log's entries);
* **the case records** a non-leader overview covers: consents, the frame of each stafettlogg and
  individuell plan (status, level, period, the stafettholder's history — not their items, which are
  entries), individual decisions and complaints (for a receiving service only when a consent covers
  it for the general section);
* **the audit trail**, when the principal may read it (``read-audit``: guardians and koordinerende
  enhet), so a later export shows earlier exports;
* **identifiers** (national ids, birth dates) only when asked for and the principal may read them:
  everyone with the overview except a leader;
* **the whole history** (every recorded event, for an import that gives back an equal case) only
  when asked for, by a professional or koordinerende enhet who may read every entry and every
  identifier in the case. The family roles are refused the history outright, so that a refusal
  never tells a guardian that something is withheld.

The view is plain immutable data; nothing in it can reach back into the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

import attrs

from barnekoordinator.access.consent import Consent, ConsentPurpose, ledger
from barnekoordinator.access.entries import Entry, EntryMeta
from barnekoordinator.access.policy import is_stafettlogg_entry
from barnekoordinator.coordination.baton import BatonChange
from barnekoordinator.coordination.plan import IndividualPlan, PlanParticipant, PlanPeriod, plans
from barnekoordinator.coordination.roles import Role, RoleAssignment
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ClosingReason,
    LogStatus,
    Stafettlogg,
    bti,
)
from barnekoordinator.history.case import Case, CaseMode, RecordedEvent
from barnekoordinator.history.records import AuditRecord
from barnekoordinator.people import Child, ExpectedChild, Guardian, Professional
from barnekoordinator.rights.complaint_records import RecordedComplaint
from barnekoordinator.rights.decision_records import IndividualDecisionRecorded
from barnekoordinator.services import ServiceKind

if TYPE_CHECKING:
    from barnekoordinator.config import MunicipalSettings

__all__ = ["ExportView", "LogFrame", "PlanFrame", "log_frames", "plan_frames", "receiver_covered"]


@attrs.frozen(kw_only=True)
class LogFrame:
    """The frame of one stafettlogg: its life and its baton, without its items (entries).

    ``number`` counts the case's logs from 1, as the log's entry ids do (``log1``).
    """

    number: int
    status: LogStatus
    level: BtiLevel
    opened_on: date
    opened_by: str
    closed_on: date | None
    closing_reason: ClosingReason | None
    consent_ids: tuple[str, ...]
    baton_history: tuple[BatonChange, ...]
    holder_ref: str | None
    linked_to: Role | None = None
    item_ids: tuple[str, ...] = ()
    """The entry ids of the log's own items (``stafettlogg:<item id>``, ``stafettlogg:log<n>``);
    an item's evaluations and minutes are ids under these (``…:evaluation:1``)."""

    def holds(self, entry_id: str) -> bool:
        """Is ``entry_id`` one of this log's items (or an evaluation or minutes of one)?"""
        return any(entry_id == i or entry_id.startswith(i + ":") for i in self.item_ids)


@attrs.frozen(kw_only=True)
class PlanFrame:
    """The frame of one individuell plan: who, when, which services (items are entries)."""

    id: str
    status: str
    """``active``, ``suspended`` or ``ended``."""
    created_on: date
    created_by: str
    services: tuple[ServiceKind, ...]
    participants: tuple[PlanParticipant, ...]
    responsible_ref: str | None
    period: PlanPeriod | None
    consent_ids: tuple[str, ...]
    ended_on: date | None


@attrs.frozen(kw_only=True)
class ExportView:
    """One case as one principal may read it on one day, for one receiver.

    Built only by [`Casebook.export()`][barnekoordinator.casebook.Casebook.export] (and by test
    kits): every field holds only what that principal's access decisions covered. People are
    [`Child`][barnekoordinator.people.Child], [`Guardian`][barnekoordinator.people.Guardian] and
    [`Professional`][barnekoordinator.people.Professional] values with ``person_id`` set only when
    ``identifiers`` is true and names only when ``names`` is true.
    """

    case_id: str
    version: int
    as_of: date
    """The Norwegian day every decision behind the view was made on."""
    exported_at: datetime
    """When the export was made (UTC, from the Casebook's clock)."""
    exported_by: str
    """The principal's display label (as in the audit trail; never an identifier)."""
    municipality_number: str
    mode: CaseMode
    is_open: bool
    for_service: ServiceKind | None = None
    """The receiving service the export is narrowed to, or ``None``."""
    identifiers: bool = False
    """National ids and birth dates are included."""
    names: bool = True
    """Names are included (false for a leader)."""
    child: Child | ExpectedChild | None = None
    guardians: tuple[Guardian, ...] = ()
    participants: tuple[Professional, ...] = ()
    role_holders: tuple[RoleAssignment, ...] = ()
    entries: tuple[Entry, ...] = ()
    consents: tuple[Consent, ...] = ()
    logs: tuple[LogFrame, ...] = ()
    plans: tuple[PlanFrame, ...] = ()
    decisions: tuple[IndividualDecisionRecorded, ...] = ()
    complaints: tuple[RecordedComplaint, ...] = ()
    audit: tuple[AuditRecord, ...] = ()
    history: tuple[RecordedEvent, ...] = ()
    """Every recorded event of the case, in order — only when the history was asked for."""
    stronger_login_shows_more: bool = False
    """Some entries were left out only because the principal's login is too weak for them."""

    def entries_of(self, *kinds: str) -> tuple[Entry, ...]:
        """The visible entries of these kinds (``"measure"``, ``"meeting"`` …), in case order."""
        return tuple(e for e in self.entries if e.meta.kind in kinds)

    def participant(self, ref: str) -> Professional | None:
        """The participating professional with this ref."""
        return next((p for p in self.participants if p.ref == ref), None)

    def holders(self, role: Role) -> tuple[str, ...]:
        """The refs holding ``role`` on ``as_of``."""
        return tuple(a.ref for a in self.role_holders if a.role is role)


# --- building it (inside the Casebook) -------------------------------------------------


def receiver_covered(
    case: Case,
    service: ServiceKind,
    entry: EntryMeta,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> bool:
    """May a receiving ``service`` get ``entry``: it wrote it, or a valid consent covers it.

    The consent rule is the one the access policy applies to a participating service: a
    ``share-information`` consent for the entry's section or, for a stafettlogg entry, a
    ``stafettlogg`` consent — valid on ``as_of`` (everyone who must consent that day did).
    """
    if entry.author_service is service:
        return True
    purposes = (
        (ConsentPurpose.STAFETTLOGG, ConsentPurpose.SHARE_INFORMATION)
        if is_stafettlogg_entry(entry)
        else (ConsentPurpose.SHARE_INFORMATION,)
    )
    book = ledger(case)
    return any(
        book.covers(
            case, purpose, as_of=as_of, service=service, section=entry.section, settings=settings
        )
        for purpose in purposes
    )


def log_frames(case: Case) -> tuple[LogFrame, ...]:
    """The frame of every stafettlogg of the case, earlier ones first, numbered from 1."""
    state = bti(case)
    logs: Sequence[Stafettlogg] = (*state.earlier_logs, *((state.log,) if state.log else ()))
    return tuple(
        LogFrame(
            number=n,
            status=log.status,
            level=log.level,
            opened_on=log.opened_on,
            opened_by=log.opened_by,
            closed_on=log.closed_on,
            closing_reason=log.closing_reason,
            consent_ids=tuple(log.consent_ids),
            baton_history=log.baton.history,
            holder_ref=log.baton.holder_ref,
            linked_to=log.linked_to,
            item_ids=(
                *(
                    f"stafettlogg:{item.id}"
                    for group in (log.observations, log.goals, log.tiltak, log.meetings)
                    for item in group
                ),
                *(f"stafettlogg:{d.id}" for d in log.decisions),
                f"stafettlogg:log{n}",
            ),
        )
        for n, log in enumerate(logs, start=1)
    )


def plan_frames(case: Case) -> tuple[PlanFrame, ...]:
    """The frame of every individuell plan of the case, earlier ones first."""
    state = plans(case)
    found: Sequence[IndividualPlan] = (*state.earlier, *((state.current,) if state.current else ()))
    return tuple(
        PlanFrame(
            id=plan.id,
            status=plan.status.value,
            created_on=plan.created_on,
            created_by=plan.created_by,
            services=tuple(sorted(plan.services, key=lambda s: s.value)),
            participants=tuple(plan.participants),
            responsible_ref=plan.responsible_ref,
            period=plan.period,
            consent_ids=tuple(plan.consent_ids),
            ended_on=plan.ended_on,
        )
        for plan in found
    )
