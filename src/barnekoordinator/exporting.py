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
* **the frames** of each stafettlogg and individuell plan a non-leader overview covers (status,
  level, period, the stafettholder's history — not their items, which are entries); a frame names
  only the items and consents the principal may read;
* **the case records** — consents, individual decisions, complaints — each only when its readers
  ([`records_for()`][barnekoordinator.exporting.records_for], the one place that says who they
  are; decision 45) include the principal and, with ``for_service``, the receiving service;
* **who has looked** (``read-audit``: guardians, the child from 12, koordinerende enhet): what
  [`Casebook.who_looked()`][barnekoordinator.casebook.Casebook.who_looked] shows — per
  Norwegian day and person, what they did and how often
  ([`summarise_looks()`][barnekoordinator.access.audit.summarise_looks]) — never the raw records,
  whose targets and reasons can name an entry withheld from the reader;
* **identifiers** (national ids, birth dates) only when asked for and the principal may read them
  (see [`Casebook.export()`][barnekoordinator.casebook.Casebook.export]) and, with
  ``for_service``, the receiving service's own participant could take them too;
* **the whole history** (every recorded event, for an import that gives back an equal case) only
  when asked for, by a professional or koordinerende enhet who may read every entry, every
  identifier and every consent, individual decision and complaint in the case. The family roles
  are refused the history outright, so that a refusal never tells a guardian that something is
  withheld.

The view is plain immutable data; nothing in it can reach back into the store.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

import attrs

from barnekoordinator.access.audit import LookGroup
from barnekoordinator.access.consent import BARNEVERN, Consent, ConsentPurpose, Section, ledger
from barnekoordinator.access.entries import Entry, EntryMeta
from barnekoordinator.access.policy import (
    AccessAction,
    CaseRole,
    case_roles,
    is_stafettlogg_entry,
    needed_assurance,
)
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
from barnekoordinator.people import Child, ExpectedChild, Guardian, Professional
from barnekoordinator.rights.complaint_records import RecordedComplaint, recorded_complaints
from barnekoordinator.rights.decision_records import (
    IndividualDecisionRecorded,
    recorded_decisions,
)
from barnekoordinator.services import ServiceKind

if TYPE_CHECKING:
    from barnekoordinator.access.principal import Principal
    from barnekoordinator.config import MunicipalSettings

__all__ = [
    "CaseRecords",
    "ExportView",
    "LogFrame",
    "PlanFrame",
    "log_frames",
    "narrowed_frames",
    "plan_frames",
    "receiver_covered",
    "record_metas",
    "records_for",
]


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
    audit: tuple[LookGroup, ...] = ()
    """Who has looked, as [`Casebook.who_looked()`][barnekoordinator.casebook.Casebook.who_looked]
    shows it (per Norwegian day and person: what they did, allowed or not, how often) — only for
    a principal who may read the audit trail; never an actor id, a target or a reason."""
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


# --- who reads the case records (decision 45) -------------------------------------------

_EVERY_SECTION: Final = tuple(Section)
_DECISION_KIND: Final = "individual-decision"
"""The kind of the entries an individual decision is decided as."""
_COMPLAINT_KIND: Final = "complaint"
"""The kind of the entries a complaint is decided as."""
_CONSENT_KIND: Final = "consent"
"""The kind of the entries a consent is decided as (``stafettlogg.consent`` for a stafettlogg
consent, which the policy reads as a stafettlogg entry)."""

CaseRecord = Consent | IndividualDecisionRecorded | RecordedComplaint
"""A record of the case that is not an entry: a consent, an individual decision, a complaint."""


@attrs.frozen(kw_only=True)
class CaseRecords:
    """The consents, individual decisions and complaints one principal may read, in case order."""

    consents: tuple[Consent, ...] = ()
    decisions: tuple[IndividualDecisionRecorded, ...] = ()
    complaints: tuple[RecordedComplaint, ...] = ()


def _metas(
    record_id: str,
    kind: str,
    sections: Collection[Section],
    created_on: date,
    author_ref: str = "",
    author_service: ServiceKind | None = None,
) -> tuple[EntryMeta, ...]:
    return tuple(
        EntryMeta(
            id=record_id,
            kind=kind,
            section=section,
            author_ref=author_ref,
            author_service=author_service,
            created_on=created_on,
        )
        for section in sorted(sections, key=_EVERY_SECTION.index)
    )


def record_metas(record: CaseRecord) -> tuple[EntryMeta, ...]:
    """The entries the access policy decides ``record`` as: one per section it may hold.

    * **An individual decision** — one per section, written by koordinerende enhet. The municipality
      decides it (hotl § 7-2 a, § 7-3), and its reasoning may touch every section: the child's
      illness (condition C2, health), the welfare services the family needs (C5: education,
      NAV), the judgement of any service it rests on (a barnevern judgement tells that barnevern
      is involved), and the free-text considerations.
    * **A complaint** — the same: it is about one such decision and is handled by koordinerende
      enhet for the municipality (pbrl § 7-2: sent to the body that decided).
    * **A consent** — one per section it covers (every section when it names none), written by no
      service: it tells which services get which kind of information, and its note is free text
      of those sections. A stafettlogg consent is part of the log (domain.md §7.3) and is decided
      as a stafettlogg entry, so a service its stafettlogg consent covers reads it. A consent to
      health care is health information whatever sections it names: it is always also decided
      as a health entry. So from 16, when the young person consents to it alone (pbrl § 4-3 b),
      the guardians read it only as they read her health entries (§ 3-4: not without a
      decision that it is necessary for foreldreansvaret); a guardian who gave it reads it as
      its giver (``records_for``).
    """
    if isinstance(record, IndividualDecisionRecorded):
        return _metas(
            f"{_DECISION_KIND}:{record.decision_id}",
            _DECISION_KIND,
            _EVERY_SECTION,
            record.decided_on,
            record.by,
            ServiceKind.KOORDINERENDE_ENHET,
        )
    if isinstance(record, RecordedComplaint):
        complaint = record.complaint
        return _metas(
            f"{_COMPLAINT_KIND}:{complaint.ref}",
            _COMPLAINT_KIND,
            _EVERY_SECTION,
            complaint.received_on,
            author_service=ServiceKind.KOORDINERENDE_ENHET,
        )
    kind = (
        f"stafettlogg.{_CONSENT_KIND}"
        if record.purpose is ConsentPurpose.STAFETTLOGG
        else _CONSENT_KIND
    )
    sections = set(record.sections or _EVERY_SECTION)
    if record.purpose is ConsentPurpose.HEALTH_CARE:
        sections.add(Section.HEALTH)
    return _metas(f"{_CONSENT_KIND}:{record.id}", kind, sections, record.valid_from)


def _own_refs(principal: Principal, case: Case) -> frozenset[str]:
    """The case-local refs ``principal`` speaks for: their guardian ref, the child, barnevern."""
    held = case_roles(principal, case)
    refs: set[str] = set()
    if CaseRole.GUARDIAN in held and principal.national_id is not None:
        refs.update(g.ref for g in case.guardians if g.person_id == principal.national_id)
    if CaseRole.CHILD in held and case.subject is not None:
        refs.add(case.subject.ref)
    if CaseRole.BARNEVERN in held:
        refs.add(BARNEVERN)
    return frozenset(refs)


def _own_refs_of(record: CaseRecord) -> frozenset[str]:
    """Whose record it is: a decision's parties, a complaint's complainant, a consent's givers
    (and who withdrew it)."""
    if isinstance(record, IndividualDecisionRecorded):
        return frozenset(p.ref for p in record.parties)
    if isinstance(record, RecordedComplaint):
        return frozenset({record.complainant_ref})
    withdrawn = {record.withdrawn_by} if record.withdrawn_by else set()
    return record.given_by | withdrawn


def records_for(
    principal: Principal,
    case: Case,
    as_of: date,
    *,
    may_read: Callable[[EntryMeta], bool],
    settings: MunicipalSettings,
    receiver: ServiceKind | None = None,
) -> CaseRecords:
    """The consents, individual decisions and complaints ``principal`` may read on ``as_of``.

    The one place that says who reads a case record (decision 45). ``may_read`` is the read
    decision on one entry, exactly as [`read()`][barnekoordinator.casebook.Casebook.read] makes
    it; a record is read by:

    * **whoever may read every entry it is decided as**
      ([`record_metas()`][barnekoordinator.exporting.record_metas]): koordinerende enhet its own
      decisions (hotl § 7-3), a service only when a valid consent covers it for every section
      the record may hold (taushetsplikt; domain.md §6.3 rule 5), the guardians and the child as
      the child's age lets them read those sections (pbrl § 3-4, § 4-3) — fail closed: one
      refused section hides the record;
    * **the people it belongs to** — a decision's parties (fvl § 27: the decision is made known
      to them), a complaint's complainant (pbrl § 7-2), a consent's givers and whoever withdrew it
      (pbrl § 4-4, § 4-3: their own declaration) — while they may read the case's general
      section (so not a parent after the child's 18th birthday whom the adult granted less) and
      their login is strong enough for every section the record may hold.

    With ``receiver`` (``for_service``), the receiving service must also be covered for every
    section ([`receiver_covered()`][barnekoordinator.exporting.receiver_covered]).
    """
    own = _own_refs(principal, case)

    def readable(record: CaseRecord) -> bool:
        metas = record_metas(record)
        if receiver is not None and not all(
            receiver_covered(case, receiver, m, as_of, settings) for m in metas
        ):
            return False
        if own & _own_refs_of(record):
            general = attrs.evolve(metas[0], section=Section.GENERAL)
            strong = all(
                principal.assurance.at_least(needed_assurance(AccessAction.READ, m, settings))
                for m in metas
            )
            if strong and may_read(general):
                return True
        return all(may_read(m) for m in metas)

    return CaseRecords(
        consents=tuple(k for k in ledger(case).consents if readable(k)),
        decisions=tuple(d for d in recorded_decisions(case) if readable(d)),
        complaints=tuple(r for r in recorded_complaints(case) if readable(r)),
    )


def narrowed_frames(
    logs: Sequence[LogFrame],
    plans: Sequence[PlanFrame],
    visible: Sequence[Entry],
    consents: Sequence[Consent],
) -> tuple[tuple[LogFrame, ...], tuple[PlanFrame, ...]]:
    """The frames naming only what a reader may read: a log's items with a visible entry (the
    item's own, or an evaluation or minutes under it) and the consents in ``consents``."""
    seen: set[str] = set()  # every visible entry id and each id it is under
    for e in visible:
        parts = e.meta.id.split(":")
        seen.update(":".join(parts[:n]) for n in range(1, len(parts) + 1))
    known = {k.id for k in consents}

    return (
        tuple(
            attrs.evolve(
                f,
                item_ids=tuple(i for i in f.item_ids if i in seen),
                consent_ids=tuple(k for k in f.consent_ids if k in known),
            )
            for f in logs
        ),
        tuple(
            attrs.evolve(p, consent_ids=tuple(k for k in p.consent_ids if k in known))
            for p in plans
        ),
    )
