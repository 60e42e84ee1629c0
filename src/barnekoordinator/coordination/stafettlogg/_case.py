"""The BTI state inside a case: reading and replacing it, and who may read or write the log.

Every command of the stafettlogg starts here:
[`require_log_writer()`][barnekoordinator.coordination.stafettlogg.require_log_writer] checks, on
the day of the write, that the log is open and that a consent still covers the writer's service
(BTI-03). The private helpers at the end are shared by the command modules (``_nivaa0``,
``_commands``, ``_closing``).
"""

from __future__ import annotations

from datetime import date

from barnekoordinator.access.consent import ConsentPurpose, ledger, section_of
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.baton import BatonChangeKind
from barnekoordinator.coordination.roles import Role, is_leader, roles
from barnekoordinator.coordination.stafettlogg._values import (
    Bti,
    ClosingReason,
    LogStatus,
    Stafettlogg,
)
from barnekoordinator.errors import InvalidInput, NotResponsible, StafettloggError
from barnekoordinator.history._evolve import copier
from barnekoordinator.history.case import Case
from barnekoordinator.people import Professional, check_item_id
from barnekoordinator.services import ServiceKind

_KEY = "stafettlogg"
"""The case part that holds the [`Bti`][barnekoordinator.coordination.stafettlogg.Bti] state."""

_EMPTY_BTI = Bti()
"""The state of a case that has none yet (built once, shared: it is immutable)."""

_copy_bti = copier(Bti)


def bti(case: Case) -> Bti:
    """The BTI state of a case."""
    return case.part(_KEY, _EMPTY_BTI)


def current_log(case: Case) -> Stafettlogg | None:
    """The latest stafettlogg (open, linked or closed), or ``None``."""
    return bti(case).log


def open_log(case: Case) -> Stafettlogg | None:
    """The stafettlogg if it is open."""
    log = bti(case).log
    return log if log is not None and log.is_open else None


def with_log(case: Case, log: Stafettlogg) -> Case:
    """A copy of ``case`` with its current log replaced (for evolvers of other modules)."""
    return case.with_part(_KEY, _copy_bti(bti(case), {"log": log}))


def stafettholder(case: Case) -> str | None:
    """The current stafettholder: ``None`` when no log is open or the holder has left."""
    log = open_log(case)
    holder = log.baton.holder_ref if log is not None else None
    if holder is None:
        return None
    return holder if case.participant(holder) is not None else None


def _former_holder(log: Stafettlogg) -> str | None:
    """Who held the baton when a linked (or closed) log's baton ended, or ``None``."""
    if log.baton.ended_on is None:
        return None
    last = log.baton.history[-1]
    return last.from_ref if last.kind is BatonChangeKind.ENDED else None


def _held_before_link(log: Stafettlogg, on: date) -> bool:
    """Whether a meeting on ``on`` fell while the log was open (always true for an open log)."""
    return log.linked_on is None or on <= log.linked_on


def _held_without_minutes(log: Stafettlogg, as_of: date) -> tuple[str, ...]:
    """Ids of the log's meetings whose day passed before ``as_of`` (a linked log's: held by the
    link) and that have no minutes.

    Their minutes can still be written (the log is the minutes, §7.3 [V:S49][V:S52]). A meeting
    of the day itself is not counted (a log closed at its last meeting records the decision in its
    closing summary), and one called for a later day was not held: it lapses with the log.
    """
    return tuple(
        m.id
        for m in log.meetings
        if m.minutes is None and m.on < as_of and _held_before_link(log, m.on)
    )


def _linked_coordinator(case: Case, log: Stafettlogg, as_of: date) -> tuple[str | None, Role]:
    """Who follows up a linked log on ``as_of``, in which statutory role.

    The coordinator it was linked to while that appointment is in force; once it
    ended, a statutory coordinator appointed since (a barnekoordinator first); else
    nobody (``None``): a coordinator whose appointment ended follows up nothing.
    """
    linked_to = log.linked_to or Role.KOORDINATOR
    statutory = [
        (a.role, a.ref)
        for a in roles(case, as_of)
        if a.role in (Role.BARNEKOORDINATOR, Role.KOORDINATOR)
    ]
    if (linked_to, log.linked_coordinator_ref) in statutory:
        return log.linked_coordinator_ref, linked_to
    for role in (Role.BARNEKOORDINATOR, Role.KOORDINATOR):
        for held, ref in statutory:
            if held is role:
                return ref, role
    return None, linked_to


def _service(case: Case, ref: str) -> ServiceKind | None:
    p = case.participant(ref)
    return p.service if p is not None else None


def _settings(settings: MunicipalSettings | None) -> MunicipalSettings:
    return settings or MunicipalSettings()


def _professional(case: Case, by: str) -> Professional:
    p = case.participant(by)
    if p is None:
        raise NotResponsible(f"case {case.id}: {by} does not take part in the case")
    return p


def require_log_consent(
    case: Case, service: ServiceKind, as_of: date, settings: MunicipalSettings | None = None
) -> None:
    """Raise `ConsentRequired` unless a stafettlogg consent covers ``service`` on ``as_of``.

    The consent must cover the service and the section its entries belong to.
    """
    ledger(case).require(
        case,
        ConsentPurpose.STAFETTLOGG,
        as_of=as_of,
        service=service,
        section=section_of(service),
        settings=settings,
    )


def require_log_writer(
    case: Case,
    *,
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
    allow_linked: bool = False,
) -> Stafettlogg:
    """Check that ``by`` may write to the log on ``as_of``; return the log.

    The log must be open (or, with ``allow_linked``, linked to a statutory coordinator: its tiltak
    are still evaluated and its decisions followed up). Raises `CaseClosed`,
    [`StafettloggError`][barnekoordinator.errors.StafettloggError] (no such log),
    [`NotResponsible`][barnekoordinator.errors.NotResponsible] (not a participant) or
    `ConsentRequired` (no consent covers the writer's service on that day).
    """
    case.require_open()
    log = current_log(case)
    allowed = (LogStatus.OPEN, LogStatus.LINKED) if allow_linked else (LogStatus.OPEN,)
    if log is None or log.status not in allowed:
        raise StafettloggError(f"case {case.id}: no open stafettlogg")
    writer = _professional(case, by)
    require_log_consent(case, writer.service, as_of, _settings(settings))
    return log


def service_may_read(
    case: Case, service: ServiceKind, as_of: date, settings: MunicipalSettings | None = None
) -> bool:
    """Whether a service may read the stafettlogg on ``as_of``.

    Only services covered by the guardians' (or youth's) consent may read; a log
    closed because consent was withdrawn is read by no service (BTI-12).

    This answers for the shared log as a whole. The Casebook decides per entry with
    [`barnekoordinator.access.policy.decide()`][barnekoordinator.access.policy.decide], which also
    lets a service read what it or its own service wrote after a withdrawal (nothing is disclosed to
    it by that); whether BTI-12 should close even that is an open legal question.
    """
    log = current_log(case)
    if log is None or log.closing_reason is ClosingReason.CONSENT_WITHDRAWN:
        return False
    return ledger(case).covers(
        case,
        ConsentPurpose.STAFETTLOGG,
        as_of=as_of,
        service=service,
        settings=_settings(settings),
    )


def _new_id(case: Case, item_id: str, what: str) -> None:
    check_item_id(item_id, what)
    if item_id in bti(case).ids():
        raise InvalidInput(f"{what} {item_id!r} is already used in case {case.id}")


def _text(value: str, what: str) -> str:
    if not value.strip():
        raise InvalidInput(f"{what}: must not be empty")
    return value


def _holder_or_leader(case: Case, log: Stafettlogg, by: str, what: str) -> None:
    if by != log.baton.holder_ref and not is_leader(case, by):
        raise NotResponsible(f"case {case.id}: only the stafettholder (or a leader) {what}")
