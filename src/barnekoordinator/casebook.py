"""The Casebook: the one door to case data, for every caller with a principal.

Every call follows the same steps — **load → authorise → decide → append →
notify** — and leaves **exactly one** audit record, allowed or denied:

1. *load*: read the case's records from the [`CaseStore`][barnekoordinator.history.store.CaseStore],
   verify their hash chain and replay them (with the catalogue's
   [`load()`][barnekoordinator.history.catalogue.Catalogue.load], upcasting old versions). Nothing
   is cached between calls, so every decision sees the latest consent, care order, participant
   list and — through the clock — the child's age today.
2. *authorise*: [`barnekoordinator.access.policy.decide()`][barnekoordinator.access.policy.decide]
   on the Norwegian calendar day of the injected clock (Europe/Oslo: a birthday starts at midnight
   in Norway). Denied → audit, then raise [`AccessDenied`][barnekoordinator.errors.AccessDenied].
3. *decide*: run the command, a pure function of the case returning events; everything it produced
   is authorised again, event by event
   ([`barnekoordinator.access.policy.authorise_events()`][barnekoordinator.access.policy.authorise_events]),
   so a command cannot smuggle in a consent on someone else's behalf.
4. *append*: stamp, seal (chained after the stored last hash) and append with optimistic
   concurrency. A command that raises stores nothing.
   The notification messages the new events cause (the ``barnekoordinator_outbox_messages``
   hook) are stored in the same transaction (``append(…, outbox=…)``, see
   [`barnekoordinator.history.outbox`][barnekoordinator.history.outbox]).
5. *notify*: after the commit, ``barnekoordinator_events_recorded`` subscribers are told (through
   [`barnekoordinator.plugins.notify_events_recorded()`][barnekoordinator.plugins.notify_events_recorded]).

**One door.** Nothing a method returns holds more than the principal's access decision covered.
A command reads the whole case *inside* the Casebook, but a write returns only
[`Recorded`][barnekoordinator.casebook.Recorded] (ids and numbers), never a
[`Case`][barnekoordinator.history.case.Case]: the write decision covers changing the case, not
reading it, so seeing the result is a [`read()`][barnekoordinator.casebook.Casebook.read], audited
as one. `read` returns a [`CaseView`][barnekoordinator.casebook.CaseView] with only the entries the
principal may read today and no identifier (a leader's view has no family names either); a
withheld entry and a missing one are refused with the same words. `execute` takes only write
actions; asking it to ``read`` is a usage error, audited as refused.

**Trusted back office.** The store ([`Casebook.store`][barnekoordinator.casebook.Casebook.store]
or any [`CaseStore`][barnekoordinator.history.store.CaseStore]), the catalogue's
[`load()`][barnekoordinator.history.catalogue.Catalogue.load] and
[`serialization.export_case()`][barnekoordinator.history.serialization.export_case] read whole
histories with no principal, decision or audit record: for code the operator trusts (verify,
backups, migrations), never for a request made on someone's behalf.

**Audit timing.** Reads are audited before the data is returned (no audit, no data). A write that
stores events hands its audit record to the store with the events
(``CaseStore.append(..., audit=record)``): both commit in one transaction. A write that stores
nothing (a refusal, a conflict, a failure, a command that returned no events) is audited on its
own once its outcome is known. Not audited: a call naming no principal or no case (it raises
[`InvalidInput`][barnekoordinator.errors.InvalidInput] before anything is read), an unknown case
id (no trail to write to; ids are random), and a store that cannot write at all (the call raises
and returns nothing).

**Concurrency.** A stale ``expected_version`` or a concurrent append raises
[`ConcurrencyConflict`][barnekoordinator.errors.ConcurrencyConflict] and nothing is stored. The
Casebook never retries: a command is often composed by a person who looked at an earlier state,
and re-running it on a newer state would record a decision nobody took.

**Login.** [`login()`][barnekoordinator.casebook.Casebook.login] turns a presented
[`Credential`][barnekoordinator.access.principal.Credential] into the
[`Principal`][barnekoordinator.access.principal.Principal] every other method takes, through the
identity plugins configured in ``Config.plugin_options`` (a
[`LoginChain`][barnekoordinator.access.login.LoginChain]): embedding code never has to build a
principal from claims nobody verified.

**One case per child.** A person has one individual plan (IP-forskriften; hotl § 7-1), so
[`open_case()`][barnekoordinator.casebook.Casebook.open_case] for a child with an open case in the
municipality (found through the store's keyed subject index) raises
[`CaseAlreadyOpen`][barnekoordinator.errors.CaseAlreadyOpen] naming that case, which the new
service joins instead. A closed case does not count; a family that moves takes its case along
([`move_municipality()`][barnekoordinator.coordination.transitions.move_municipality]).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Final

import attrs

from barnekoordinator._casebook_append import Sealed, append_sealed, seal, store_opening
from barnekoordinator._casebook_call import Call
from barnekoordinator._casebook_export import export as _export
from barnekoordinator._casebook_opening import (
    check_opening,
    check_result,
    check_written,
    family_registry,
    opening_decision,
)
from barnekoordinator._casebook_overview import overview as _overview_page
from barnekoordinator._casebook_views import (
    CaseView,
    GuardianView,
    ParticipantView,
    Recorded,
    agenda_problem,
    agenda_search,
    as_batch,
    audited_action,
    batch_problem,
    entry_id_problem,
    principal_view,
    quoted,
    require_caller,
    rows_shown,
    trail_shown,
    write_action,
)
from barnekoordinator.access.audit import (
    LANGUAGES,
    local_date,
    render_who_looked,
    verify,
)
from barnekoordinator.access.entries import Entry, EntryMeta, entries
from barnekoordinator.access.policy import (
    HEALTH_ASSURANCE,
    AccessAction,
    AccessDecision,
    authorise_events,
    decide,
    insufficient_assurance,
)
from barnekoordinator.access.principal import Credential, Principal
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import Clock
from barnekoordinator.config import Config, MunicipalSettings
from barnekoordinator.edges import EARLIEST_DATE, LATEST_DATE
from barnekoordinator.errors import (
    CaseNotFound,
    ConcurrencyConflict,
    InvalidCommand,
    InvalidConfiguration,
    InvalidInput,
)
from barnekoordinator.history.case import (
    Case,
    CaseOpened,
    ChildBorn,
    DomainEvent,
    RecordedEvent,
)
from barnekoordinator.history.catalogue import Catalogue
from barnekoordinator.history.outbox import OutboxMessage
from barnekoordinator.history.paging import AgendaCursor, paged_agenda
from barnekoordinator.history.projections import AgendaItem, AgendaKind
from barnekoordinator.history.records import EventRecord, verify_events
from barnekoordinator.history.sealing import (
    DataKeyStore,
    KeyRing,
    SealingKey,
)
from barnekoordinator.history.store import CaseStore
from barnekoordinator.history.storekit import agenda_filters
from barnekoordinator.identifiers import subject_key
from barnekoordinator.people import Child, Section

if TYPE_CHECKING:
    import pluggy

    from barnekoordinator.access.login import LoginChain
    from barnekoordinator.protocols import PersonRegistry

__all__ = [
    "CaseView",
    "Casebook",
    "Command",
    "GuardianView",
    "ParticipantView",
    "Recorded",
]

Command = Callable[[Case], DomainEvent | Sequence[DomainEvent]]
"""A pure function of the current case that returns the events to record.

It returns one [`DomainEvent`][barnekoordinator.history.case.DomainEvent] or a list or tuple of
them (empty: nothing to store); anything else raises
[`InvalidCommand`][barnekoordinator.errors.InvalidCommand]. A command is the application's code,
not the principal's: it sees the whole case, and the Casebook cannot stop it from keeping what it
saw in its own closure. What the Casebook guarantees is that it hands nothing back itself.
"""

_MIN_SECRET: Final = 16


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
        sealing: The municipality's key-encryption key
            ([`SealingKey`][barnekoordinator.history.sealing.SealingKey], kept outside
            the database; the store then keeps the cases' wrapped data keys), or a
            [`KeyRing`][barnekoordinator.history.sealing.KeyRing] over another key store
            or with retired keys (default: ``config.sealing_key``). Required: every
            national identity number is stored sealed, never in clear.
        registry: Folkeregisteret ([`PersonRegistry`][barnekoordinator.protocols.PersonRegistry]):
            confirms a guardian's or the young adult's `open_case()`; without it they are refused.
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
        sealing: SealingKey | KeyRing | None = None,
        registry: PersonRegistry | None = None,
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
        self._keys = _key_ring(store, sealing, config)
        self._login: LoginChain | None = None
        self._registry = family_registry(registry)

    @classmethod
    def from_config(
        cls,
        config: Config,
        *,
        clock: Clock,
        plugin_manager: pluggy.PluginManager | None = None,
        catalogue: Catalogue = CATALOGUE,
    ) -> Casebook:
        """A Casebook on the store the plugins provide for ``config.store``, with the person
        registry a plugin provides (``barnekoordinator_person_registry``; none: no family member
        opens a case). The store and the Casebook share ``catalogue``; release it with `close()`.
        """
        from barnekoordinator.plugins import (
            case_store,
            configure,
            get_plugin_manager,
            person_registry,
        )

        pm = plugin_manager or get_plugin_manager()
        configure(pm, config)  # every plugin validates its options before anything opens
        found = person_registry(pm, config)
        store = case_store(pm, config, catalogue=catalogue)
        try:
            return cls(
                store,
                clock=clock,
                config=config,
                plugin_manager=pm,
                catalogue=catalogue,
                registry=found,
            )
        except BaseException:
            store.close()
            raise

    @property
    def store(self) -> CaseStore:
        """The underlying store: a **trusted back-office** handle, not a door.

        Whatever is read through it — every history, every audit trail, the agenda of
        every case — is neither authorised nor audited. Hand it only to code the operator
        trusts (verification, backups, migrations), never to a request made on someone's
        behalf; those go through the Casebook's own methods.
        """
        return self._store

    @property
    def settings(self) -> MunicipalSettings:
        """The municipality's settings used in every decision."""
        return self._settings

    def today(self) -> date:
        """The Norwegian calendar day of the clock: the ``as_of`` of every decision
        (``InvalidConfiguration`` for a clock outside the dates of ``edges``)."""
        try:
            day = local_date(self._clock.now())
        except OverflowError:  # year 10000 in Oslo
            day = date.max
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise InvalidConfiguration(f"clock: expected a day {EARLIEST_DATE} to {LATEST_DATE}")
        return day

    def close(self) -> None:
        """Close the store (after `from_config()` the Casebook is its only owner) and the login
        chain's connections."""
        if self._login is not None:
            self._login.close()
        self._store.close()

    def login(self, credential: Credential) -> Principal:
        """The principal ``credential`` stands for, verified by the configured issuers.

        The issuers are the identity plugins' sections of ``Config.plugin_options`` (e.g.
        ``{"idporten": {"audience": CLIENT_ID}}``); the chain is built on first use with the
        Casebook's plugin manager (or the installed plugins) and its clock, and kept, so key
        sets stay cached.
        Not audited in a case trail (a login names no case); rejections are logged by code.

        Raises:
            NotAuthenticated: no issuer is configured, or none answers for the credential.
            TokenRejected: the issuer's checks refused the token (``code`` says which).
            IssuerUnavailable: the issuer's keys could not be fetched.
            InvalidConfiguration: an identity plugin's options are invalid.
        """
        if self._login is None:
            from barnekoordinator.plugins import configure, get_plugin_manager, login_chain

            pm = self._pm
            if pm is None:
                pm = get_plugin_manager()
                configure(pm, self._config)
            self._login = login_chain(pm, self._config, clock=self._clock)
        return self._login.login(credential)

    # --- plumbing -------------------------------------------------------------------

    def _call(
        self, principal: Principal, case_id: str, action: str | AccessAction, target: str
    ) -> Call:
        return Call(self, principal, case_id, action, target)

    def _load(self, case_id: str) -> tuple[Case, str]:
        """The case and the hash of its last stored record."""
        records, cipher = self._keys.read_case(self._store, case_id)  # decision 51: one read
        if not records:
            # No case, no audit trail to write to; case ids are random, so this
            # reveals nothing about other people's cases.
            raise CaseNotFound(f"no case {case_id!r} in the store")
        if self._verify:
            verify_events(case_id, records)
        case = self._catalogue.load(case_id, records, cipher=cipher)
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

    def _seal(self, recorded: Sequence[RecordedEvent], prev_hash: str) -> Sealed:
        """The records to store, sealed (decision 31: a new key travels with them)."""
        return seal(self._keys, self._store, recorded, prev_hash)

    def _outbox(self, records: Sequence[EventRecord], case: Case) -> list[OutboxMessage]:
        """The notification messages the records cause in ``case`` (stored with them)."""
        if self._pm is None:
            return []
        from barnekoordinator.plugins import outbox_messages

        return outbox_messages(self._pm, case.id, records, self._config, case)

    def _notify(self, case_id: str, records: Sequence[EventRecord]) -> None:
        if self._pm is None:
            return
        from barnekoordinator.plugins import notify_events_recorded

        notify_events_recorded(self._pm, case_id, records, self._config)

    def _overview(self, principal: Principal, case: Case, as_of: date) -> AccessDecision:
        return decide(principal, case, AccessAction.READ, None, as_of, settings=self._settings)

    def _may_read(self, principal: Principal, case: Case, meta: EntryMeta, as_of: date) -> bool:
        return decide(
            principal, case, AccessAction.READ, meta, as_of, settings=self._settings
        ).allowed

    def _entry_decision(
        self, principal: Principal, case: Case, meta: EntryMeta, as_of: date
    ) -> AccessDecision:
        """The read decision on one entry. A refusal names the login level needed only when
        that login would be allowed: otherwise it would tell a weak login what exists."""
        decision = decide(principal, case, AccessAction.READ, meta, as_of, settings=self._settings)
        needed = decision.needed_assurance
        if needed is not None and not self._may_read(
            attrs.evolve(principal, assurance=needed), case, meta, as_of
        ):
            return attrs.evolve(decision, needed_assurance=None)
        return decision

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
        guardian with foreldreansvar applying, or the young adult — the last two
        only as the registry confirms (decision 46). The events
        after ``CaseOpened`` are part of opening; consent, visibility and grant
        events among them are still authorised one by one. Returns the new id.

        Raises:
            CaseAlreadyOpen: the child (matched by the keyed hash of the child's id)
                already has an open case in the municipality. One person has one
                individual plan (IP-forskriften; hotl § 7-1): the error names that
                case, the refusal is audited in its trail, and the new service joins
                it (a ``ParticipantJoined`` through `execute()`) instead.
            AccessDenied: the principal may not open this case, or no registry confirms the
                family member (audited; said before any open case of the child is looked for).
            ConcurrencyConflict: ``case_id`` names a stored case: nothing stored, audited in
                its trail as a refused ``open``; the message tells no version of it.
            InvalidInput: no ``CaseOpened`` first, a lone surrogate, a shared ref, an event
                the commands would not write or a case a write check refuses (audited).
        """
        require_caller(principal, case_id or "new")
        new_id = case_id or self._new_case_id()
        call = self._call(principal, new_id, AccessAction.OPEN, "case")
        try:
            return self._open(call, events)
        except BaseException as exc:
            call.failed(exc)
            raise

    def _open(self, call: Call, events: object) -> str:
        principal, new_id = call.principal, call.case_id
        problem = batch_problem(events)
        if problem is not None:
            raise InvalidInput(f"open_case: events {problem}; expected domain events")
        batch = as_batch(events)  # type: ignore[arg-type]
        if not batch or not isinstance(batch[0], CaseOpened):
            raise InvalidInput("open_case: the first event must be a CaseOpened (case.open_case)")
        check_opening(batch)  # text that cannot be stored, people sharing a ref (audited)
        as_of = self.today()
        blank = self._catalogue.new_case(new_id)
        key = self._subject_key(batch)
        recorded = blank.record(batch, actor=principal.subject, clock=self._clock, subject_key=key)
        prospective = check_result(blank, blank.apply_all(recorded), as_of, "open_case")
        decision = opening_decision(
            principal, prospective, batch, as_of, self._settings, self._registry
        )
        if not decision.allowed:
            raise call.refuse(decision)
        records = store_opening(self, call, decision, recorded, key, prospective)
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
    ) -> Recorded:
        """Run ``command`` on the case as ``principal`` and store what it produced.

        ``action`` is the coarse permission checked before the command runs: ``"write"``,
        ``"consent"``, ``"decide-visibility"`` or a command name, which means write (it is
        audited as given). The events are then authorised one by one. Returns what was
        recorded — ids and numbers, never the case (see
        [`Recorded`][barnekoordinator.casebook.Recorded]).

        Raises:
            AccessDenied: the principal may not make this change (audited, nothing stored).
            InvalidInput: ``action`` is not a write, ``write_problem()``, a write check (audited).
            InvalidCommand: ``command`` is not callable, or returned something that is not
                a domain event or a list or tuple of them (the message names its type).
            ConcurrencyConflict: a stale ``expected_version`` or a concurrent write.

        A command's own error (e.g. [`RuleViolation`][barnekoordinator.errors.RuleViolation])
        propagates unchanged. Every outcome is audited once, with nothing stored.
        """
        require_caller(principal, case_id)
        call = self._call(principal, case_id, audited_action(action), "case")
        try:
            return self._execute(call, command, action, expected_version)
        except BaseException as exc:
            call.failed(exc)
            raise

    def _write_action(self, call: Call, action: object) -> AccessAction:
        """The coarse write action, or a usage error audited as a refusal."""
        act, problem = write_action(action)
        if problem is not None:
            raise call.misused(act, problem)
        return act

    def _execute(
        self, call: Call, command: object, action: object, expected_version: int | None
    ) -> Recorded:
        principal, case_id = call.principal, call.case_id
        case, last_hash = self._load(case_id)
        as_of = self.today()
        act = self._write_action(call, action)
        coarse = decide(principal, case, act, None, as_of, settings=self._settings)
        if not coarse.allowed:
            raise call.refuse(coarse)
        if not callable(command):
            call.audit(coarse, "the command is not callable; nothing stored")
            raise InvalidCommand(
                f"case {case_id}: command: expected a function of the case, "
                f"got {type(command).__name__}"
            )
        if expected_version is not None and (
            isinstance(expected_version, bool) or not isinstance(expected_version, int)
        ):
            raise InvalidInput("expected_version: expected a whole number or None")
        if expected_version is not None and expected_version != case.version:
            call.audit(coarse, "stale version; nothing stored")
            raise ConcurrencyConflict(case_id, expected_version, case.version)
        try:
            produced: object = command(case)
        except Exception as exc:
            call.audit(coarse, f"the command refused ({type(exc).__name__}); nothing stored")
            raise
        problem = batch_problem(produced)
        if problem is not None:
            call.audit(coarse, f"the command {problem}; nothing stored")
            raise InvalidCommand(
                f"case {case_id}: the command {problem}; expected a domain event or a list "
                "or tuple of them; nothing stored"
            )
        batch = as_batch(produced)  # type: ignore[arg-type]
        if not batch:
            call.audit(coarse, "nothing to store")
            return Recorded(case_id=case_id, version=case.version)
        fine = authorise_events(principal, case, batch, as_of, settings=self._settings)
        if not fine.allowed:
            raise call.refuse(fine)
        # A login below HEALTH_ASSURANCE got here only through a municipality's named action;
        # it may still not touch a health entry (compared before and after the fold).
        weak = not principal.assurance.at_least(HEALTH_ASSURANCE)
        health_before = _health_entries(case) if weak else None
        try:
            check_written(batch, f"case {case_id}", case.subject)  # events made by hand
            recorded = case.record(
                batch,
                actor=principal.subject,
                clock=self._clock,
                subject_key=self._subject_key(batch),
            )
            # Fold and check before storing: what the case cannot absorb or keep is never stored.
            after = check_result(case, case.apply_all(recorded), as_of, f"case {case_id}")
        except Exception as exc:
            call.audit(fine, f"the events were refused ({type(exc).__name__}); nothing stored")
            raise
        if health_before is not None and _health_entries(after) != health_before:
            raise call.refuse(insufficient_assurance(principal, act, HEALTH_ASSURANCE))
        records = append_sealed(
            self,
            recorded,
            last_hash,
            lambda s: call.append(
                fine,
                case.version,
                s.records,
                outbox=self._outbox(s.records, after),
                data_key=s.data_key,
                sealed_with=s.sealed_with,
            ),
        ).records
        self._notify(case_id, records)
        return Recorded(
            case_id=case_id,
            version=records[-1].sequence,
            sequences=tuple(r.sequence for r in records),
            types=tuple(r.type for r in records),
        )

    # --- reads ----------------------------------------------------------------------

    def read(self, principal: Principal, case_id: str) -> CaseView:
        """The case as ``principal`` may see it today (audited as one read)."""
        require_caller(principal, case_id)
        call = self._call(principal, case_id, AccessAction.READ, "case")
        try:
            case, _ = self._load(case_id)
            overview, view = principal_view(self, call, case, self.today())
            call.audit(overview)  # no audit, no data
            return view
        except BaseException as exc:
            call.failed(exc)
            raise

    export = _export  # defined beside: this module is at its size limit
    overview = _overview_page  # Min oversikt, defined beside for the same reason

    def read_entry(self, principal: Principal, case_id: str, entry_id: str) -> Entry:
        """One entry of the case, if ``principal`` may read it today (audited).

        A missing entry and a withheld one are refused with the same message;
        the audit record keeps the real reason.
        """
        require_caller(principal, case_id)
        # The audit target is stored and hashed: an id that cannot be, or that may hold a
        # fødselsnummer, is audited as "?" (and refused).
        problem = entry_id_problem(entry_id)
        shown = entry_id if problem is None else "?"
        call = self._call(principal, case_id, AccessAction.READ, f"entry:{shown}")
        try:
            if problem is not None:
                raise InvalidInput(f"entry_id: expected an entry id; this one {problem}")
            case, _ = self._load(case_id)
            as_of = self.today()
            found = next((e for e in entries(case) if e.meta.id == entry_id), None)
            decision = (
                self._entry_decision(principal, case, found.meta, as_of)
                if found is not None
                else AccessDecision(allowed=False, action=AccessAction.READ, reason="no such entry")
            )
            if found is None or not decision.allowed:
                raise call.refuse(
                    decision, f"case {case_id}: no entry {quoted(entry_id)} that you may read"
                )
            call.audit(decision)
            return found
        except BaseException as exc:
            call.failed(exc)
            raise

    def who_looked(self, principal: Principal, case_id: str, lang: str = "nb") -> str:
        """The family's view of who has looked at the case, in ``lang`` (audited).

        The trail is verified first; a tampered trail raises
        [`ChainBroken`][barnekoordinator.errors.ChainBroken] rather than being shown.
        The view includes this look. An unknown ``lang`` is refused (and audited).
        """
        require_caller(principal, case_id)
        call = self._call(principal, case_id, AccessAction.READ_AUDIT, "audit")
        try:
            if lang not in LANGUAGES:
                raise InvalidInput(f"lang: expected one of {', '.join(LANGUAGES)}")  # not echoed
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
        except BaseException as exc:
            call.failed(exc)
            raise
        trail = self._store.read_audit(case_id)
        verify(case_id, trail)
        shown = trail_shown(trail, case, principal, decision.role, self.today())  # decision 52
        return render_who_looked(shown, lang)

    def agenda(
        self,
        principal: Principal,
        *,
        until: date,
        kinds: Collection[AgendaKind] | None = None,
        case_id: str | None = None,
        limit: int | None = None,
        after: AgendaCursor | None = None,
    ) -> tuple[AgendaItem, ...]:
        """What is due by ``until`` in the cases ``principal`` may read today.

        A row about the whole case (``turns-18``, a handover, the plan's revision) needs the
        case overview; a row about one item (key ``prefix:<item>``) also the item's entry
        (the entry whose id ends in ``:<item>``; none found, no row). So a guardian sees no
        deadline of a withheld entry, and a leader sees the case's deadlines, no entry's.

        With ``case_id``: one call, one audit record (target ``agenda``), and
        [`AccessDenied`][barnekoordinator.errors.AccessDenied] when the overview is refused.
        Without: a search of every case with rows due; each case whose rows it returns gets
        one audit record, a case it shows nothing of gets none (it was not named and nothing
        of it is shown). ``limit`` caps the rows, in agenda order (due, case, kind, key);
        ``after`` ([`AgendaCursor.of(last row)`][barnekoordinator.history.paging.AgendaCursor])
        starts after the previous page's last row: a page of ``limit`` rows may have a next.

        Raises:
            InvalidInput: ``until`` is not a date, ``kinds`` is not a collection of
                [`AgendaKind`][barnekoordinator.history.projections.AgendaKind] members (a text
                such as ``"turns-18"`` is not one), ``limit`` is not a whole number from 0 to
                2**63 - 1, or ``after`` is not an AgendaCursor; the message names the argument.
            AccessDenied: With ``case_id``, the overview of the case is refused.
        """
        require_caller(principal, "agenda" if case_id is None else case_id)
        if case_id is not None:
            return self._case_agenda(principal, case_id, until, kinds, limit, after)
        problem = agenda_problem(until, limit, after)
        if problem is not None:
            raise InvalidInput(problem)  # a search names no case to audit it in
        kinds, _ = agenda_filters(until, kinds, limit)
        return agenda_search(self, principal, until, kinds, limit, after)

    def _case_rows(
        self, principal: Principal, case: Case, rows: Sequence[AgendaItem], as_of: date
    ) -> tuple[AccessDecision, list[AgendaItem]]:
        """The overview decision and the rows of ``case`` the principal may see."""
        overview = self._overview(principal, case, as_of)
        if not overview.allowed:
            return overview, []
        return overview, rows_shown(
            rows,
            lambda: [e.meta for e in entries(case)],
            lambda meta: self._may_read(principal, case, meta, as_of),
        )

    def _case_agenda(
        self,
        principal: Principal,
        case_id: str,
        until: date,
        kinds: Collection[AgendaKind] | None,
        limit: int | None,
        after: AgendaCursor | None,
    ) -> tuple[AgendaItem, ...]:
        call = self._call(principal, case_id, AccessAction.READ, "agenda")
        try:
            problem = agenda_problem(until, limit, after)
            if problem is not None:
                raise InvalidInput(problem)
            kinds, _ = agenda_filters(until, kinds, limit)
            case, _ = self._load(case_id)
            rows = paged_agenda(self._store, until=until, kinds=kinds, case_id=case_id, after=after)
            overview, shown = self._case_rows(principal, case, rows, self.today())
            if not overview.allowed:
                raise call.refuse(overview)
            result = tuple(shown if limit is None else shown[:limit])
            call.audit(overview, f"agenda: {len(result)} row(s) due by {until.isoformat()}")
            return result
        except BaseException as exc:
            call.failed(exc)
            raise


def _key_ring(
    store: CaseStore, sealing: SealingKey | KeyRing | None, config: Config | None
) -> KeyRing:
    """The key ring identifiers are sealed with; a missing key fails closed."""
    if sealing is None and config is not None and config.sealing_key:
        sealing = SealingKey.from_text(config.sealing_key)
    if isinstance(sealing, KeyRing):
        return sealing
    if not isinstance(sealing, SealingKey):
        raise InvalidConfiguration(
            "sealing: expected the municipality's SealingKey (or a KeyRing, or a config "
            "with sealing_key): national identity numbers are never stored in clear"
        )
    if not isinstance(store, DataKeyStore):
        raise InvalidConfiguration(
            f"sealing: {type(store).__name__} keeps no data keys; give the Casebook a KeyRing "
            "over a DataKeyStore of its own"
        )
    return KeyRing(store, sealing)


def _health_entries(case: Case) -> dict[str, Entry]:
    """The case's health entries by id, content included (to see whether a write touched one)."""
    return {e.meta.id: e for e in entries(case) if e.meta.section is Section.HEALTH}
