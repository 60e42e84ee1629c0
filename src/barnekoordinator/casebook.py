"""The Casebook: the application service every caller goes through with a principal.

Every call follows the same steps — **load → authorise → decide → append →
notify** — and leaves **exactly one** audit record, allowed or denied:

1. *load*: read the case's records from the [`CaseStore`][barnekoordinator.history.store.CaseStore],
   verify their hash chain, turn them into events
   (with the catalogue's [`load()`][barnekoordinator.history.catalogue.Catalogue.load],
   upcasting old versions)
   and replay them into a [`Case`][barnekoordinator.history.case.Case]. Nothing is
   cached between calls, so every decision sees the latest consent, care order,
   participant list and — through the clock — the child's age today.
2. *authorise*: [`barnekoordinator.access.policy.decide()`][barnekoordinator.access.policy.decide]
   on the Norwegian calendar day of the injected clock (Europe/Oslo: a birthday starts at midnight
   in Norway). Denied → audit, then raise [`AccessDenied`][barnekoordinator.errors.AccessDenied].
3. *decide*: run the command, a pure function of the case returning events. Everything it produced
   is authorised again, event by event
   ([`barnekoordinator.access.policy.authorise_events()`][barnekoordinator.access.policy.authorise_events]),
   so a command cannot smuggle in a consent on someone else's behalf.
4. *append*: stamp, seal (chained after the stored last hash) and append with
   optimistic concurrency. A command that raises stores nothing.
5. *notify*: after the commit, ``barnekoordinator_events_recorded`` subscribers are told (through
   [`barnekoordinator.plugins.notify_events_recorded()`][barnekoordinator.plugins.notify_events_recorded]).

**Concurrency.** A stale ``expected_version`` or a concurrent append raises
[`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict] and nothing is stored. The
Casebook never retries: a command is often composed by a person who looked at
an earlier state (chose a new stafettholder, saw a consent), and re-running it
on a newer state would record a decision nobody took. The caller reloads and
asks again.

**Audit timing.** Reads are audited before the view is returned (no audit, no
data). A write that stores events hands its audit record to the store with the
events (``CaseStore.append(..., audit=record)``): both commit in one
transaction, so no crash can leave a committed write unaudited or an audit
record of a write that was not stored. A write that stores nothing (refused by
a rule, a conflict, a failure) is audited on its own once its outcome is known
(see docs/concepts/access-and-audit.md).

**Data minimisation.** [`Casebook.read()`][barnekoordinator.casebook.Casebook.read] returns a
[`CaseView`][barnekoordinator.casebook.CaseView] with only the entries the principal may read today;
identifiers never appear in a view, and a leader sees roles and status without names. A denied entry
is reported with the same words whether it exists or not, so a guardian cannot learn that something
is withheld.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

import attrs

from barnekoordinator.access.audit import (
    LANGUAGES,
    audit_record,
    local_date,
    render_who_looked,
    verify,
)
from barnekoordinator.access.entries import Entry, entries
from barnekoordinator.access.policy import (
    MINIMUM_ASSURANCE,
    AccessAction,
    AccessDecision,
    CaseRole,
    authorise_events,
    case_roles,
    decide,
)
from barnekoordinator.access.principal import Principal
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import Clock
from barnekoordinator.config import Config, MunicipalSettings
from barnekoordinator.errors import (
    AccessDenied,
    CaseNotFound,
    ConcurrencyConflict,
    InsufficientAssurance,
    InvalidConfiguration,
    InvalidInput,
)
from barnekoordinator.history.case import (
    Case,
    CaseMode,
    CaseOpened,
    ChildBorn,
    DomainEvent,
    RecordedEvent,
)
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.records import GENESIS, AuditRecord, EventRecord, verify_events
from barnekoordinator.history.serialization import to_record
from barnekoordinator.history.store import CaseStore
from barnekoordinator.identifiers import subject_key
from barnekoordinator.people import Child, GuardianRelation
from barnekoordinator.services import ServiceKind

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "CaseView",
    "Casebook",
    "Command",
    "GuardianView",
    "ParticipantView",
]

Command = Callable[[Case], DomainEvent | Sequence[DomainEvent]]
"""A pure function of the current case that returns the events to record."""

_MIN_SECRET: Final = 16


@attrs.frozen(kw_only=True)
class GuardianView:
    """A guardian as a viewer may see them: no identifier; the name only where needed."""

    ref: str
    relation: GuardianRelation
    parental_responsibility: bool
    name: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class ParticipantView:
    """A participating professional as shown in a case view (no HPR, no organisation)."""

    ref: str
    service: ServiceKind
    title: str = ""
    name: str = attrs.field(default="", repr=False)


@attrs.frozen(kw_only=True)
class CaseView:
    """What one principal may see of one case on one day.

    ``entries`` holds only the entries the principal may read on ``as_of``;
    nothing says how many others exist. ``roles`` are the viewer's case roles.
    """

    case_id: str
    version: int
    as_of: date
    municipality_number: str
    mode: CaseMode
    is_open: bool
    roles: tuple[CaseRole, ...]
    child_ref: str | None
    child_age: int | None
    """The child's age on ``as_of`` (``None`` for an expected child)."""
    child_name: str = attrs.field(default="", repr=False)
    guardians: tuple[GuardianView, ...] = ()
    participants: tuple[ParticipantView, ...] = ()
    entries: tuple[Entry, ...] = ()

    def entry(self, entry_id: str) -> Entry | None:
        """The visible entry with this id."""
        return next((e for e in self.entries if e.meta.id == entry_id), None)


def _as_batch(produced: DomainEvent | Sequence[DomainEvent]) -> tuple[DomainEvent, ...]:
    if isinstance(produced, DomainEvent):
        return (produced,)
    batch = tuple(produced)
    if not all(isinstance(e, DomainEvent) for e in batch):
        raise InvalidInput("a command must return a domain event or a sequence of them")
    return batch


class _Call:
    """One Casebook call: it leaves exactly one audit record, whatever happens.

    The method audits its outcome with `append()` (events and audit record
    in one transaction), `audit()` or `refuse()` (the audit record on its
    own); if anything raises before that, `failed()` audits the failure instead.
    """

    __slots__ = ("action", "book", "case_id", "done", "principal", "target")

    def __init__(
        self,
        book: Casebook,
        principal: Principal,
        case_id: str,
        action: str | AccessAction,
        target: str,
    ) -> None:
        self.book = book
        self.principal = principal
        self.case_id = case_id
        self.action = action
        self.target = target
        self.done = False

    def record(self, decision: AccessDecision, outcome: str = "") -> AuditRecord:
        """This call's audit record, unsealed (the store numbers and seals it)."""
        return audit_record(
            case_id=self.case_id,
            principal=self.principal,
            action=self.action,
            target=self.target,
            decision=decision,
            at=self.book._clock.now(),
            outcome=outcome,
        )

    def audit(self, decision: AccessDecision, outcome: str = "") -> None:
        """Write this call's one audit record on its own (nothing else is written)."""
        self.done = True
        self.book._store.append_audit(self.record(decision, outcome))

    def append(
        self,
        decision: AccessDecision,
        expected_version: int,
        records: Sequence[EventRecord],
        *,
        conflict: str = "concurrency conflict; nothing stored",
    ) -> None:
        """Store ``records`` and this call's audit record in one transaction.

        A conflict stores neither; it is then audited on its own with ``conflict``.
        """
        try:
            self.book._store.append(
                self.case_id,
                expected_version,
                records,
                # The audit record names the events it stores (verify checks each is named once).
                audit=attrs.evolve(
                    self.record(decision, _stored(records)),
                    first_sequence=records[0].sequence,
                    last_sequence=records[-1].sequence,
                ),
            )
        except ConcurrencyConflict:
            self.audit(decision, conflict)
            raise
        self.done = True

    def refuse(
        self, decision: AccessDecision, message: str | None = None
    ) -> AccessDenied | InsufficientAssurance:
        """Audit a denial and return the exception to raise.

        A login below the minimum assurance gets
        [`InsufficientAssurance`][barnekoordinator.errors.InsufficientAssurance] (the application
        should ask for a stronger login); every other denial is
        [`AccessDenied`][barnekoordinator.errors.AccessDenied].
        """
        self.audit(decision)
        if not self.principal.assurance.at_least(MINIMUM_ASSURANCE):
            return InsufficientAssurance(f"case {self.case_id}: {decision.reason}")
        return AccessDenied(message or f"case {self.case_id}: {decision.reason}")

    def failed(self, exc: Exception) -> None:
        """Audit a call that raised before it was audited (not for an unknown case)."""
        if self.done or isinstance(exc, CaseNotFound):
            return
        self.audit(
            AccessDecision(
                allowed=False,
                action=AccessAction.of(self.action),
                reason=f"the request failed ({type(exc).__name__}); nothing was done",
            )
        )


class Casebook:
    """Load → authorise → decide → append → notify, with one audit record per call.

    Args:
        store: Where histories and audit trails live.
        clock: The only source of time (recorded times and the day of decisions).
        settings: The municipality's settings (default: ``config.municipality``).
        subject_secret: Key of the hash under which a child's id is indexed
            (default: ``config.subject_key_secret``); at least 16 bytes.
        plugin_manager: Told about committed events, when given.
        config: The active configuration (passed on to subscribers; without it
            they get one with these settings and the store URL ``unknown:``).
        verify_history: Verify the hash chain of every loaded history.
        new_case_id: Makes ids for `open_case()` (default: random UUIDs).
        catalogue: The event types and rules cases fold with (default: the
            library's [`CATALOGUE`][barnekoordinator.catalogue.CATALOGUE]); a vendor
            with concepts of its own passes an extended one, to its store too.
    """

    def __init__(
        self,
        store: CaseStore,
        *,
        clock: Clock,
        settings: MunicipalSettings | None = None,
        subject_secret: bytes | None = None,
        plugin_manager: pluggy.PluginManager | None = None,
        config: Config | None = None,
        verify_history: bool = True,
        new_case_id: Callable[[], str] | None = None,
        catalogue: Catalogue = CATALOGUE,
    ) -> None:
        secret = (
            subject_secret
            if subject_secret is not None
            else (config.subject_key_secret if config is not None else b"")
        )
        if not isinstance(secret, bytes) or len(secret) < _MIN_SECRET:
            raise InvalidConfiguration(
                f"subject_secret: expected at least {_MIN_SECRET} secret bytes "
                "(or a config with subject_key_secret)"
            )
        self._store = store
        self._clock = clock
        self._settings = settings or (
            config.municipality if config is not None else MunicipalSettings()
        )
        self._secret = secret
        self._pm = plugin_manager
        # Subscribers always get a Config; without one, its store URL says "unknown:"
        # rather than pretend to describe the store object we were handed.
        self._config = config or Config(
            store="unknown:", municipality=self._settings, subject_key_secret=secret
        )
        self._verify = verify_history
        self._new_case_id = new_case_id or (lambda: str(uuid.uuid4()))
        self._catalogue = catalogue

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        clock: Clock,
        plugin_manager: pluggy.PluginManager | None = None,
        catalogue: Catalogue = CATALOGUE,
    ) -> Casebook:
        """A Casebook on the store the plugins provide for ``config.store``.

        The store and the Casebook share ``catalogue``.
        """
        from barnekoordinator.plugins import case_store, get_plugin_manager

        pm = plugin_manager or get_plugin_manager()
        store = case_store(pm, config, catalogue=catalogue)
        return cls(store, clock=clock, config=config, plugin_manager=pm, catalogue=catalogue)

    @property
    def store(self) -> CaseStore:
        """The underlying store."""
        return self._store

    @property
    def settings(self) -> MunicipalSettings:
        """The municipality's settings used in every decision."""
        return self._settings

    def today(self) -> date:
        """The Norwegian calendar day of the clock: the ``as_of`` of every decision."""
        return local_date(self._clock.now())

    # --- plumbing -------------------------------------------------------------------

    def _call(
        self, principal: Principal, case_id: str, action: str | AccessAction, target: str
    ) -> _Call:
        return _Call(self, principal, case_id, action, target)

    def _load(self, case_id: str) -> tuple[Case, str]:
        """The case and the hash of its last stored record."""
        records = self._store.read(case_id)
        if not records:
            # No case, no audit trail to write to; case ids are random, so this
            # reveals nothing about other people's cases.
            raise CaseNotFound(f"no case {case_id!r} in the store")
        if self._verify:
            verify_events(case_id, records)
        case = self._catalogue.load(case_id, records)
        return case, records[-1].hash

    def _subject_key(self, batch: Sequence[DomainEvent]) -> str | None:
        for event in batch:
            child: object = None
            if isinstance(event, CaseOpened):
                child = event.subject
            elif isinstance(event, ChildBorn):
                child = event.child
            if isinstance(child, Child) and child.person_id is not None:
                return subject_key(child.person_id, self._secret)
        return None

    def _seal(self, recorded: Sequence[RecordedEvent], prev_hash: str) -> list[EventRecord]:
        out: list[EventRecord] = []
        for r in recorded:
            record = to_record(r, prev_hash)
            out.append(record)
            prev_hash = record.hash
        return out

    def _notify(self, case_id: str, records: Sequence[EventRecord]) -> None:
        if self._pm is None:
            return
        from barnekoordinator.plugins import notify_events_recorded

        notify_events_recorded(self._pm, case_id, records, self._config)

    # --- writes ---------------------------------------------------------------------

    def open_case(
        self,
        principal: Principal,
        events: DomainEvent | Sequence[DomainEvent],
        *,
        case_id: str | None = None,
    ) -> str:
        """Open a new case from a ``CaseOpened`` event (and any events that follow it).

        The opener is authorised for ``open`` on the case the batch would create:
        a caseworker, koordinerende enhet or leader of the municipality, a
        guardian with foreldreansvar applying, or the young adult. The events
        after ``CaseOpened`` are part of opening; consent, visibility and grant
        events among them are still authorised one by one. Returns the new id.
        """
        batch = _as_batch(events)
        if not batch or not isinstance(batch[0], CaseOpened):
            raise InvalidInput("open_case: the first event must be a CaseOpened (case.open_case)")
        new_id = case_id or self._new_case_id()
        call = self._call(principal, new_id, AccessAction.OPEN, "case")
        try:
            return self._open(call, batch)
        except Exception as exc:
            call.failed(exc)
            raise

    def _open(self, call: _Call, batch: tuple[DomainEvent, ...]) -> str:
        principal, new_id = call.principal, call.case_id
        as_of = self.today()
        blank = self._catalogue.new_case(new_id)
        recorded = blank.record(
            batch, actor=principal.subject, clock=self._clock, subject_key=self._subject_key(batch)
        )
        prospective = blank.apply_all(recorded)
        decision = decide(
            principal, prospective, AccessAction.OPEN, None, as_of, settings=self._settings
        )
        if decision.allowed and len(batch) > 1:
            decision = _merge(
                decision,
                authorise_events(
                    principal,
                    prospective,
                    batch[1:],
                    as_of,
                    settings=self._settings,
                    plain_writes=decision,
                ),
            )
        if not decision.allowed:
            raise call.refuse(decision)
        records = self._seal(recorded, GENESIS)
        call.append(decision, 0, records, conflict="a case with this id exists; nothing stored")
        self._notify(new_id, records)
        return new_id

    def execute(
        self,
        principal: Principal,
        case_id: str,
        command: Command,
        *,
        action: str | AccessAction = AccessAction.WRITE,
        expected_version: int | None = None,
    ) -> Case:
        """Run ``command`` on the case as ``principal`` and store what it produced.

        ``action`` is the coarse permission checked before the command runs (``"write"``,
        ``"consent"``, or a command name, which means write; it is audited as given); the events are
        then authorised one by one. Returns the case after the events. Raises
        [`AccessDenied`][barnekoordinator.errors.AccessDenied], the command's own error (e.g.
        [`RuleViolation`][barnekoordinator.errors.RuleViolation]) or
        [`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict] — each audited, with
        nothing stored.
        """
        call = self._call(principal, case_id, action, "case")
        try:
            return self._execute(call, command, expected_version)
        except Exception as exc:
            call.failed(exc)
            raise

    def _execute(self, call: _Call, command: Command, expected_version: int | None) -> Case:
        principal, case_id = call.principal, call.case_id
        case, last_hash = self._load(case_id)
        as_of = self.today()
        coarse = decide(principal, case, call.action, None, as_of, settings=self._settings)
        if not coarse.allowed:
            raise call.refuse(coarse)
        if expected_version is not None and expected_version != case.version:
            call.audit(coarse, "stale version; nothing stored")
            raise ConcurrencyConflict(case_id, expected_version, case.version)
        try:
            batch = _as_batch(command(case))
        except Exception as exc:
            call.audit(coarse, f"the command refused ({type(exc).__name__}); nothing stored")
            raise
        if not batch:
            call.audit(coarse, "nothing to store")
            return case
        fine = authorise_events(principal, case, batch, as_of, settings=self._settings)
        if not fine.allowed:
            raise call.refuse(fine)
        try:
            recorded = case.record(
                batch,
                actor=principal.subject,
                clock=self._clock,
                subject_key=self._subject_key(batch),
            )
            # Fold before storing: an event the case cannot absorb is never stored.
            updated = case.apply_all(recorded)
        except Exception as exc:
            call.audit(fine, f"the events were refused ({type(exc).__name__}); nothing stored")
            raise
        records = self._seal(recorded, last_hash)
        call.append(fine, case.version, records)
        self._notify(case_id, records)
        return updated

    # --- reads ----------------------------------------------------------------------

    def read(self, principal: Principal, case_id: str) -> CaseView:
        """The case as ``principal`` may see it today (audited as one read)."""
        call = self._call(principal, case_id, AccessAction.READ, "case")
        try:
            case, _ = self._load(case_id)
            as_of = self.today()
            overview = decide(
                principal, case, AccessAction.READ, None, as_of, settings=self._settings
            )
            if not overview.allowed:
                raise call.refuse(overview)
            visible = tuple(
                e
                for e in entries(case)
                if decide(
                    principal, case, AccessAction.READ, e.meta, as_of, settings=self._settings
                ).allowed
            )
            view = _view(case, principal, overview, visible, as_of)
            call.audit(overview)  # no audit, no data
            return view
        except Exception as exc:
            call.failed(exc)
            raise

    def read_entry(self, principal: Principal, case_id: str, entry_id: str) -> Entry:
        """One entry of the case, if ``principal`` may read it today (audited).

        A missing entry and a withheld one are refused with the same message;
        the audit record keeps the real reason.
        """
        call = self._call(principal, case_id, AccessAction.READ, f"entry:{entry_id}")
        try:
            case, _ = self._load(case_id)
            as_of = self.today()
            found = next((e for e in entries(case) if e.meta.id == entry_id), None)
            decision = (
                decide(
                    principal, case, AccessAction.READ, found.meta, as_of, settings=self._settings
                )
                if found is not None
                else AccessDecision(allowed=False, action=AccessAction.READ, reason="no such entry")
            )
            if found is None or not decision.allowed:
                raise call.refuse(
                    decision, f"case {case_id}: no entry {entry_id!r} that you may read"
                )
            call.audit(decision)
            return found
        except Exception as exc:
            call.failed(exc)
            raise

    def who_looked(self, principal: Principal, case_id: str, lang: str = "nb") -> str:
        """The family's view of who has looked at the case, in ``lang`` (audited).

        The trail is verified first; a tampered trail raises
        [`ChainBroken`][barnekoordinator.errors.ChainBroken] rather than being shown.
        The view includes this look.
        """
        if lang not in LANGUAGES:
            raise InvalidInput(f"lang: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
        call = self._call(principal, case_id, AccessAction.READ_AUDIT, "audit")
        try:
            case, _ = self._load(case_id)
            decision = decide(
                principal,
                case,
                AccessAction.READ_AUDIT,
                None,
                self.today(),
                settings=self._settings,
            )
            if not decision.allowed:
                raise call.refuse(decision)
            call.audit(decision)
        except Exception as exc:
            call.failed(exc)
            raise
        trail = self._store.read_audit(case_id)
        verify(case_id, trail)
        return render_who_looked(trail, lang)


def _merge(first: AccessDecision, second: AccessDecision) -> AccessDecision:
    if not second.allowed:
        return second
    return attrs.evolve(
        first,
        reason=f"{first.reason}; {second.reason}",
        basis=tuple(dict.fromkeys((*first.basis, *second.basis))),
    )


def _stored(records: Sequence[EventRecord]) -> str:
    types = ", ".join(dict.fromkeys(r.type for r in records))
    return f"stored sequence {records[0].sequence}–{records[-1].sequence} ({types})"


def _view(
    case: Case,
    principal: Principal,
    overview: AccessDecision,
    visible: tuple[Entry, ...],
    as_of: date,
) -> CaseView:
    # A leader oversees status and deadlines: roles, not names.
    names = overview.role is not CaseRole.LEADER
    child = case.child
    subject = case.subject
    return CaseView(
        case_id=case.id,
        version=case.version,
        as_of=as_of,
        municipality_number=case.municipality_number,
        mode=case.mode,
        is_open=case.is_open,
        roles=case_roles(principal, case),
        child_ref=subject.ref if subject is not None else None,
        child_age=(
            child.age_on(as_of) if child is not None and as_of >= child.birth_date else None
        ),
        child_name=child.name if child is not None and names else "",
        guardians=tuple(
            GuardianView(
                ref=g.ref,
                relation=g.relation,
                parental_responsibility=g.parental_responsibility,
                name=g.name if names else "",
            )
            for g in case.guardians
        ),
        participants=tuple(
            ParticipantView(ref=p.ref, service=p.service, title=p.title, name=p.name)
            for p in case.participants
        ),
        entries=visible,
    )
