"""What the stafettlogg lists for the rest of the library: its entries and the stafettholder.

Every undring and every item of every log (the current one and earlier ones)
is an [`Entry`][barnekoordinator.access.entries.Entry] that the access policy
decides on, with ids ``undring:…`` and ``stafettlogg:…``. An undring flagged as
suspected abuse, or decided as a report to barnevernstjenesten without involving
the guardians, is withheld from the guardians (BTI-02). The stafettholder of
the open log is a role holder from the day the baton came to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from barnekoordinator.access.consent import section_of
from barnekoordinator.access.entries import Entry, EntryMeta, GuardianVisibility
from barnekoordinator.coordination.roles import Role, RoleAssignment
from barnekoordinator.coordination.stafettlogg._case import (
    _service,
    bti,
    open_log,
    stafettholder,
)
from barnekoordinator.coordination.stafettlogg._values import (
    LogMeasure,
    Meeting,
    Nivaa0Outcome,
    Stafettlogg,
    Undring,
)
from barnekoordinator.history.case import Case
from barnekoordinator.services import ServiceKind


def _entry(
    entry_id: str,
    kind: str,
    author_ref: str,
    service: ServiceKind | None,
    on: date,
    content: object,
    visibility: GuardianVisibility = GuardianVisibility.DEFAULT,
) -> Entry:
    meta = EntryMeta(
        id=entry_id,
        kind=kind,
        section=section_of(service),
        author_ref=author_ref,
        author_service=service,
        created_on=on,
        visibility=visibility,
    )
    return Entry(meta=meta, content=content)


def _entries(case: Case) -> Iterator[Entry]:
    state = bti(case)
    for u in state.undringer:
        yield _undring_entry(u)
    logs = (*state.earlier_logs, *((state.log,) if state.log else ()))
    for index, log in enumerate(logs, start=1):
        yield from _log_entries(case, log, index)


def _withheld_from_guardians(u: Undring) -> bool:
    """An undring reported to barnevernstjenesten without the guardians is kept from them (BTI-02).

    That is the undring flagged as suspected abuse at registration, and one decided at nivå 0 as
    a report with ``involve_guardians=False``; the decision is part of the same entry.
    """
    return u.suspected_abuse or (
        u.outcome is Nivaa0Outcome.REPORT_TO_BARNEVERN and not u.involve_guardians
    )


def _undring_entry(u: Undring) -> Entry:
    visibility = (
        GuardianVisibility.WITHHELD_WEIGHTY_REASONS
        if _withheld_from_guardians(u)
        else GuardianVisibility.DEFAULT
    )
    return _entry(
        f"undring:{u.id}",
        "undring",
        u.registered_by,
        u.author_service,
        u.registered_on,
        u,
        visibility,
    )


def _log_entries(case: Case, log: Stafettlogg, index: int) -> Iterator[Entry]:
    """The log's items in a fixed order; ``index`` numbers the case's logs from 1."""
    for o in log.observations:
        yield _entry(
            f"stafettlogg:{o.id}", "log-note", o.author_ref, o.author_service, o.recorded_on, o
        )
    for g in log.goals:
        yield _entry(
            f"stafettlogg:{g.id}", "goal", g.author_ref, g.author_service, g.recorded_on, g
        )
    for t in log.tiltak:
        yield from _measure_entries(t)
    for m in log.meetings:
        yield from _meeting_entries(m)
    for d in log.decisions:
        yield _entry(
            f"stafettlogg:{d.id}", "decision", d.decided_by, d.author_service, d.decided_on, d
        )
    for n, change in enumerate(log.level_changes, start=1):
        yield _entry(
            f"stafettlogg:log{index}:level:{n}",
            "decision",
            change.by,
            change.author_service,
            change.on,
            change,
        )
    if log.closed_on is not None and log.closed_by is not None and log.closing_summary:
        yield _entry(
            f"stafettlogg:log{index}:closing",
            "closing-note",
            log.closed_by,
            _service(case, log.closed_by),
            log.closed_on,
            log.closing_summary,
        )


def _measure_entries(t: LogMeasure) -> Iterator[Entry]:
    """A tiltak, then each of its evaluations."""
    yield _entry(f"stafettlogg:{t.id}", "measure", t.author_ref, t.author_service, t.created_on, t)
    for n, ev in enumerate(t.evaluations, start=1):
        yield _entry(
            f"stafettlogg:{t.id}:evaluation:{n}", "evaluation", ev.by, ev.author_service, ev.on, ev
        )


def _meeting_entries(m: Meeting) -> Iterator[Entry]:
    """A meeting, then its minutes once written."""
    yield _entry(f"stafettlogg:{m.id}", "meeting", m.called_by, m.author_service, m.on, m)
    if m.minutes is not None:
        mm = m.minutes
        yield _entry(
            f"stafettlogg:{m.id}:minutes",
            "minutes",
            mm.written_by,
            mm.author_service,
            mm.recorded_on,
            mm,
        )


def _holder_role(case: Case, as_of: date) -> Iterable[RoleAssignment]:
    holder = stafettholder(case)
    log = open_log(case)
    if holder is not None and log is not None:
        yield RoleAssignment(
            role=Role.STAFETTHOLDER,
            ref=holder,
            since=log.baton.since,
            basis=("bti-stafettholder",),
        )
