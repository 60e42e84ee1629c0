"""The individual plan's entries: what the access policy sees of every plan of a case.

Each written item (overview, measures, contributions, cooperation, sub-plans,
revisions) of the current plan and of earlier plans is one entry, in the
section of the service that wrote it, with its author and the day it was written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from barnekoordinator.access.consent import section_of
from barnekoordinator.access.entries import Entry, EntryMeta
from barnekoordinator.coordination.plan._model import IndividualPlan, plans
from barnekoordinator.history.case import Case
from barnekoordinator.services import ServiceKind


def _meta(
    entry_id: str, kind: str, author: str, service: ServiceKind | None, on: date
) -> EntryMeta:
    return EntryMeta(
        id=entry_id,
        kind=kind,
        section=section_of(service),
        author_ref=author,
        author_service=service,
        created_on=on,
    )


def _entries(case: Case) -> Iterator[Entry]:
    state = plans(case)
    for plan in (*state.earlier, *((state.current,) if state.current else ())):
        yield from _plan_entries(plan)


def _plan_entries(plan: IndividualPlan) -> Iterator[Entry]:
    p = f"plan:{plan.id}"
    if plan.overview is not None:
        o = plan.overview
        yield Entry(
            meta=_meta(f"{p}:overview", "plan-item", o.author_ref, o.author_service, o.written_on),
            content=o,
        )
    for m in plan.measures:
        yield Entry(
            meta=_meta(f"{p}:{m.id}", "plan-measure", m.author_ref, m.author_service, m.added_on),
            content=m,
        )
    for c in plan.contributions:
        yield Entry(
            meta=_meta(f"{p}:{c.id}", "plan-item", c.author_ref, c.author_service, c.added_on),
            content=c,
        )
    for co in plan.cooperation:
        yield Entry(
            meta=_meta(f"{p}:{co.id}", "plan-item", co.author_ref, co.author_service, co.added_on),
            content=co,
        )
    for s in plan.sub_plans:
        yield Entry(
            meta=_meta(f"{p}:{s.id}", "plan-sub-plan", s.author_ref, s.service, s.linked_on),
            content=s,
        )
    for n, rev in enumerate(plan.revisions, start=1):
        yield Entry(
            meta=_meta(f"{p}:revision:{n}", "plan-revision", rev.by, rev.author_service, rev.on),
            content=rev,
        )
