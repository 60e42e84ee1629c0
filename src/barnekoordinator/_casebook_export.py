"""``Casebook.export``: an export is one audited read through the one door.

Private to [`barnekoordinator.casebook`][barnekoordinator.casebook], whose class takes
[`export()`][barnekoordinator.casebook.Casebook.export] from here (``casebook.py`` is at its size
limit). It uses the Casebook's own plumbing — ``_load``, ``_overview``, ``_entry_decision``,
``_call`` — so the entries an export holds are decided exactly as
[`read()`][barnekoordinator.casebook.Casebook.read] decides them;
[`barnekoordinator.exporting`][barnekoordinator.exporting] says what the view holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

import attrs

from barnekoordinator._casebook_views import hidden_from_guardian, require_caller, trail_shown
from barnekoordinator.access.audit import LookGroup, summarise_looks, verify
from barnekoordinator.access.consent import ConsentPurpose, Section, ledger, section_of
from barnekoordinator.access.entries import Entry, entries
from barnekoordinator.access.policy import (
    AccessAction,
    AccessDecision,
    CaseRole,
    case_professional,
    case_roles,
    decide,
)
from barnekoordinator.coordination.roles import roles
from barnekoordinator.errors import (
    BarnekoordinatorError,
    ExportError,
    PluginContractError,
)
from barnekoordinator.exporting import (
    CaseRecords,
    ExportView,
    PlanFrame,
    log_frames,
    narrowed_frames,
    plan_frames,
    receiver_covered,
    records_for,
)
from barnekoordinator.history.case import Case, RecordedEvent
from barnekoordinator.history.serialization import from_records
from barnekoordinator.people import Child, ExpectedChild, Guardian, Professional, holds_number
from barnekoordinator.protocols import Exporter, ExportResult
from barnekoordinator.rights.complaint_records import recorded_complaints
from barnekoordinator.rights.decision_records import recorded_decisions
from barnekoordinator.services import ServiceKind

if TYPE_CHECKING:
    from barnekoordinator._casebook_call import Call
    from barnekoordinator.access.principal import Principal
    from barnekoordinator.casebook import Casebook

_FORMAT: Final = re.compile(r"^[a-z0-9][a-z0-9.+-]{0,62}$")
_SHARE_BASIS: Final = ("pbrl-4-3", "pbrl-4-4")


def export(
    self: Casebook,
    principal: Principal,
    case_id: str,
    exporter: str | Exporter,
    *,
    for_service: ServiceKind | str | None = None,
    include_identifiers: bool = False,
    include_history: bool = False,
) -> ExportResult:
    """Export the case as ``principal`` may read it today: one audited read.

    The exporter gets an [`ExportView`][barnekoordinator.exporting.ExportView], never the case:
    the overview and the entries ``principal`` may read (each decided as in `read()`), the
    consents, decisions and complaints whose readers include them
    ([`records_for()`][barnekoordinator.exporting.records_for]), who has looked as
    `who_looked()` shows it when the principal may read the audit trail, and — with
    ``for_service`` — only what that receiving service wrote or a valid consent covers for it.

    Args:
        principal: Who asks (the export is audited as their read, target ``export:<format>``).
        case_id: The case.
        exporter: An [`Exporter`][barnekoordinator.protocols.Exporter], or the ``format`` name of
            one the plugins provide (``"fhir-r4"``, ``"fhir-r4-document"``, ``"archive-html"``,
            ``"archive-pdf"``).
        for_service: The receiving service (a [`ServiceKind`][barnekoordinator.services.ServiceKind]
            or its value); the export holds only what its consent covers.
        include_identifiers: Put national ids and birth dates in, where the principal may take
            them: the child, a guardian, barnevernstjenesten, koordinerende enhet, and a
            participating professional whose service a valid consent covers (sharing
            information, the stafettlogg or the individual plan); not a leader, a parent
            without foreldreansvar, or a participant no consent covers. With ``for_service``
            the receiving service must pass the same check its own participant would. Otherwise
            they are left out and the result warns.
        include_history: Put the whole recorded history in, so that an import gives back an equal
            case. Only a participating professional or koordinerende enhet who may read every entry
            and every consent, individual decision and complaint of the case gets it, with
            ``include_identifiers`` and no ``for_service`` narrowing anything away.

    Returns:
        The exporter's [`ExportResult`][barnekoordinator.protocols.ExportResult].

    Raises:
        AccessDenied: the principal may not read the case, no consent covers ``for_service``, or
            the history was asked for by someone who may not take all of it (audited).
        InvalidInput: an unknown format or a bad argument (audited as a usage error).
        ExportError: the exporter could not produce a document (audited as failed).
        PluginContractError: the exporter raised when its ``format`` or its other properties
            were read (audited as failed; target ``export:?`` when it was the ``format``).
    """
    require_caller(principal, case_id)
    name = _format_name(exporter)
    shown = name if name is not None and _FORMAT.match(name) and not holds_number(name) else "?"
    call = self._call(principal, case_id, AccessAction.READ, f"export:{shown}")
    try:
        return _export(
            self, call, (exporter, name), for_service, include_identifiers, include_history
        )
    except BaseException as exc:
        call.failed(exc)
        raise


def _service(call: Call, value: object) -> ServiceKind | None:
    if value is None or isinstance(value, ServiceKind):
        return value
    try:
        return ServiceKind(value)
    except ValueError:
        raise call.misused(
            AccessAction.READ, "for_service: expected a service kind (e.g. 'helsestasjon')"
        ) from None


def _format_name(exporter: object) -> str | None:
    """The exporter's format name, read once (``""`` when it has none); ``None`` when reading
    it raised (a plugin's fault, whose message is never shown)."""
    if isinstance(exporter, str):
        return exporter
    try:
        name = getattr(exporter, "format", "")
    except Exception:
        return None
    return name if isinstance(name, str) else ""


def _broken(exporter: object, what: str) -> PluginContractError:
    """The exporter's own code raised while the door looked at it: name its type only."""
    kind = type(exporter)
    return PluginContractError(
        kind.__module__, f"exporter of type {kind.__qualname__} raised when its {what} read"
    )


def _resolve(
    book: Casebook, call: Call, exporter: object, name: str | None
) -> tuple[Exporter, str]:
    """The exporter to run and its format name (read once, in ``export``)."""
    if name is None:  # audited as failed by export()
        raise _broken(exporter, "format was")
    if holds_number(name):  # never audited, looked up or run
        raise call.misused(
            AccessAction.READ,
            "exporter: expected a format name; this one holds an eleven-digit number (it could "
            "be a fødselsnummer)",
        )
    if not isinstance(exporter, str):
        try:  # a runtime-checkable protocol reads the properties
            if isinstance(exporter, Exporter):
                return exporter, name
        except Exception:
            raise _broken(exporter, "properties were") from None
        raise call.misused(AccessAction.READ, "exporter: expected an Exporter or a format name")
    from barnekoordinator.plugins import exporters, get_plugin_manager

    found = exporters(book._pm or get_plugin_manager(), book._config)
    chosen = next((e for e in found if e.format == exporter), None)
    if chosen is None:
        known = ", ".join(sorted(e.format for e in found)) or "none installed"
        raise call.misused(AccessAction.READ, f"exporter: no format of that name (known: {known})")
    return chosen, exporter


def _refusal(reason: str, *basis: str) -> AccessDecision:
    return AccessDecision(allowed=False, action=AccessAction.READ, reason=reason, basis=basis)


def _export(
    book: Casebook,
    call: Call,
    exporter: tuple[object, str | None],
    for_service: object,
    include_identifiers: object,
    include_history: object,
) -> ExportResult:
    if not isinstance(include_identifiers, bool) or not isinstance(include_history, bool):
        raise call.misused(
            AccessAction.READ, "include_identifiers, include_history: expected True or False"
        )
    service = _service(call, for_service)
    chosen, name = _resolve(book, call, *exporter)
    principal, case_id = call.principal, call.case_id
    case, _ = book._load(case_id)
    as_of = book.today()
    overview = book._overview(principal, case, as_of)
    if not overview.allowed:
        raise call.refuse(overview)
    settings = book.settings
    if service is not None and not _receiver_has_consent(case, service, as_of, book):
        raise call.refuse(
            _refusal(f"no valid consent covers {service.value}; nothing exported", *_SHARE_BASIS)
        )
    may_take = _may_take_identifiers(principal, case, as_of, book)
    # A receiving service takes the numbers only as its own participant would (decision 45).
    receiver_takes = service is None or _service_takes_identifiers(case, service, as_of, book)
    identifiers = include_identifiers and may_take and receiver_takes
    every = tuple(entries(case))
    visible: list[Entry] = []
    stronger = False
    for e in every:
        decision = book._entry_decision(principal, case, e.meta, as_of)
        if not decision.allowed:
            stronger = stronger or decision.needed_assurance is not None
        elif service is None or receiver_covered(case, service, e.meta, as_of, settings):
            visible.append(e)
    records = records_for(
        principal,
        case,
        as_of,
        may_read=lambda meta: book._may_read(principal, case, meta, as_of),
        settings=settings,
        receiver=service,
    )
    history: Sequence[RecordedEvent] = ()
    if include_history:
        if not (
            overview.role in (CaseRole.PARTICIPANT, CaseRole.KOORDINERENDE_ENHET)
            and identifiers
            and len(visible) == len(every)
            and _reads_every_record(case, records)
        ):
            raise call.refuse(
                _refusal(
                    "the whole history goes only to a professional or koordinerende enhet who "
                    "may read all of it, with identifiers; nothing exported"
                )
            )
        history = _history(book, case_id)
    # A guardian of a 16–17-year-old: no health participant without a coordinating role, and
    # none of their looks (decision 52; the same rule as read() and overview()).
    hidden = hidden_from_guardian(case, principal, overview.role, as_of)
    looks: tuple[LookGroup, ...] = ()
    audit = decide(principal, case, AccessAction.READ_AUDIT, None, as_of, settings=settings)
    if audit.allowed:
        trail = book._store.read_audit(case_id)
        verify(case_id, trail)
        # what who_looked() shows: no target, no reason
        looks = summarise_looks(trail_shown(trail, case, principal, audit.role, as_of))
    view = _view(
        case,
        overview,
        tuple(visible),
        looks,
        history,
        records,
        exported_at=book._clock.now(),
        exported_by=principal.display_label,
        service=service,
        identifiers=identifiers,
        as_of=as_of,
        hidden=hidden,
    )
    if stronger:
        view = attrs.evolve(view, stronger_login_shows_more=True)
    result = _run(chosen, name, view)
    if include_identifiers and not identifiers:
        why = (
            "this principal may not read them"
            if not may_take or service is None
            else f"no valid consent lets {service.value} receive them"
        )
        extra: tuple[str, ...] = (
            *result.warnings,
            f"identifiers were asked for but {why}; left out",
        )
        result = attrs.evolve(result, warnings=extra)
    call.audit(overview, _outcome(result, view))
    return result


def _outcome(result: ExportResult, view: ExportView) -> str:
    parts = [f"exported {result.format}: {len(view.entries)} entries"]
    if view.for_service is not None:
        parts.append(f"for {view.for_service.value}")
    if view.identifiers:
        parts.append("with identifiers")
    if view.history:
        parts.append("with the whole history")
    return ", ".join(parts)


def _run(exporter: Exporter, name: str, view: ExportView) -> ExportResult:
    """Run the exporter; anything but an ExportResult of this case is the plugin's fault."""
    try:
        result = exporter.export(view)
    except BarnekoordinatorError:
        raise
    except Exception as exc:
        # A plugin's own message may quote case data: name the type only.
        raise ExportError(
            f"exporter {name!r} failed ({type(exc).__name__}); nothing exported"
        ) from None
    if not isinstance(result, ExportResult) or result.case_id != view.case_id:
        raise PluginContractError(
            type(exporter).__module__,
            f"exporter {name!r} must return an ExportResult of case {view.case_id}",
        )
    return result


def _receiver_has_consent(case: Case, service: ServiceKind, as_of: date, book: Casebook) -> bool:
    """The receiving service takes part, or some valid consent lets it receive something."""
    if any(p.service is service for p in case.participants):
        return True
    return _consent_covers(case, service, as_of, book)


_TAKE_IDENTIFIERS: Final = frozenset(
    {CaseRole.CHILD, CaseRole.GUARDIAN, CaseRole.BARNEVERN, CaseRole.KOORDINERENDE_ENHET}
)


def _may_take_identifiers(principal: Principal, case: Case, as_of: date, book: Casebook) -> bool:
    """Whether an export for ``principal`` may carry the family's national identity numbers.

    The family's own, koordinerende enhet (which coordinates under hol § 7-2 a) and
    barnevernstjenesten (its own legal basis); a participating professional only while a valid
    consent covers its service, as for what it may read: a participant with no consent reads no
    entry, and the numbers that tie the case to a person are not less sensitive than the entries.
    """
    held = set(case_roles(principal, case))
    if held & _TAKE_IDENTIFIERS:
        return True
    if CaseRole.PARTICIPANT not in held:
        return False
    professional = case_professional(principal, case)
    service = professional.service if professional is not None else None
    return service is not None and _service_takes_identifiers(case, service, as_of, book)


def _service_takes_identifiers(
    case: Case, service: ServiceKind, as_of: date, book: Casebook
) -> bool:
    """Whether a participant of ``service`` may take the numbers: barnevernstjenesten on its
    own legal basis (its participant holds ``CaseRole.BARNEVERN``), any other service only while
    a valid consent covers it (sharing information, the stafettlogg or the individual plan). The
    same check decides what an export *for* ``service`` may carry."""
    return service is ServiceKind.BARNEVERN or _consent_covers(
        case, service, as_of, book, _COOPERATING
    )


def _reads_every_record(case: Case, records: CaseRecords) -> bool:
    """Whether ``records`` (what ``records_for`` gave the reader) are every consent, individual
    decision and complaint of the case: the whole history holds all of them."""
    return (
        len(records.consents) == len(ledger(case).consents)
        and len(records.decisions) == len(recorded_decisions(case))
        and len(records.complaints) == len(recorded_complaints(case))
    )


_SHARING: Final = (ConsentPurpose.SHARE_INFORMATION, ConsentPurpose.STAFETTLOGG)
_COOPERATING: Final = (*_SHARING, ConsentPurpose.INDIVIDUAL_PLAN)


def _consent_covers(
    case: Case,
    service: ServiceKind,
    as_of: date,
    book: Casebook,
    purposes: tuple[ConsentPurpose, ...] = _SHARING,
) -> bool:
    """Some valid consent of ``purposes`` lets ``service`` receive something of the case."""
    consents = ledger(case)
    return any(
        consents.covers(
            case, purpose, as_of=as_of, service=service, section=section, settings=book.settings
        )
        for purpose in purposes
        for section in Section
    )


def _history(book: Casebook, case_id: str) -> tuple[RecordedEvent, ...]:
    """The case's recorded events, decoded as the Casebook's ``_load`` decodes them."""
    records, cipher = book._keys.read_case(book._store, case_id)
    return tuple(from_records(records, book._catalogue, cipher=cipher))


def _people(
    case: Case, identifiers: bool, names: bool
) -> tuple[Child | ExpectedChild | None, tuple[Guardian, ...]]:
    child = case.subject
    if isinstance(child, Child):
        child = attrs.evolve(
            child,
            person_id=child.person_id if identifiers else None,
            name=child.name if names else "",
        )
    guardians = tuple(
        attrs.evolve(
            g, person_id=g.person_id if identifiers else None, name=g.name if names else ""
        )
        for g in case.guardians
    )
    return child, guardians


def _view(
    case: Case,
    overview: AccessDecision,
    visible: tuple[Entry, ...],
    looks: tuple[LookGroup, ...],
    history: Sequence[RecordedEvent],
    records: CaseRecords,
    *,
    exported_at: datetime,
    exported_by: str,
    service: ServiceKind | None,
    identifiers: bool,
    as_of: date,
    hidden: frozenset[str] = frozenset(),
) -> ExportView:
    """The view: the overview's people and frames, the entries decided, the records whose
    readers include the principal (and the receiver), as ``records_for`` gave them; without
    the participants in ``hidden`` (decision 52: ``hidden_from_guardian``)."""
    # A leader's overview covers status and deadlines: no names, no case records.
    names = overview.role is not CaseRole.LEADER
    consents = records.consents if names else ()
    logs, plans = narrowed_frames(log_frames(case), plan_frames(case), visible, consents)
    shown = tuple(p for p in case.participants if p.ref not in hidden)
    if hidden:
        plans = tuple(_plan_without(p, hidden, shown) for p in plans)
    child, guardians = _people(case, identifiers, names)
    return ExportView(
        case_id=case.id,
        version=case.version,
        as_of=as_of,
        exported_at=exported_at,
        exported_by=exported_by,
        municipality_number=case.municipality_number,
        mode=case.mode,
        is_open=case.is_open,
        for_service=service,
        identifiers=identifiers,
        names=names,
        child=child,
        guardians=guardians,
        participants=shown,
        role_holders=tuple(a for a in roles(case, as_of) if a.ref not in hidden),
        entries=visible,
        consents=consents,
        logs=logs,
        plans=plans,
        decisions=records.decisions if names else (),
        complaints=records.complaints if names else (),
        audit=looks,
        history=tuple(history),
    )


def _plan_without(
    plan: PlanFrame, hidden: frozenset[str], shown: Sequence[Professional]
) -> PlanFrame:
    """A plan frame without the hidden participants, and without a health service none of the
    participants shown provides (decision 52)."""
    kept = {p.service for p in shown}
    return attrs.evolve(
        plan,
        participants=tuple(p for p in plan.participants if p.ref not in hidden),
        services=tuple(
            s for s in plan.services if section_of(s) is not Section.HEALTH or s in kept
        ),
        responsible_ref=None if plan.responsible_ref in hidden else plan.responsible_ref,
    )
