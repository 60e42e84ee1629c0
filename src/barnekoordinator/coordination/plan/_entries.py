"""The individual plan's entries: what the access policy sees of every plan of a case.

Each written item (overview, measures, contributions, cooperation, sub-plans,
revisions) of the current plan and of earlier plans is one entry, with its author and the day it
was written. Its section says what the item *is*, not only who wrote it (IP-06; pbrl § 3-4 first
and fourth ledd, § 4-3 b; domain.md §6.3 rule 1): an item that names a service of its own — a
measure's ``service``, a contribution's contributing professional, the service a cooperation item
is with — is in that service's section, so a BUP measure written by the school is a health entry
and the guardians of a 16–17-year-old do not read it. An item whose own service or author is a
health service stays in the health section whatever the other says (what health personnel write
is health information). An item with no service of its own (the overview, a revision, a
contribution of the family) is in its author's section.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from barnekoordinator.access.consent import Section, section_of
from barnekoordinator.access.entries import Entry, EntryMeta
from barnekoordinator.coordination.plan._model import IndividualPlan, plans
from barnekoordinator.history.case import Case
from barnekoordinator.services import ServiceKind


def _section(own: ServiceKind | None, author: ServiceKind | None) -> Section:
    """The item's section: its own service's, else its author's; health if either is health."""
    if Section.HEALTH in (section_of(own), section_of(author)):
        return Section.HEALTH
    return section_of(own if own is not None else author)


def _meta(
    entry_id: str,
    kind: str,
    author: str,
    service: ServiceKind | None,
    on: date,
    own_service: ServiceKind | None = None,
) -> EntryMeta:
    return EntryMeta(
        id=entry_id,
        kind=kind,
        section=_section(own_service, service),
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
            meta=_meta(
                f"{p}:{m.id}",
                "plan-measure",
                m.author_ref,
                m.author_service,
                m.added_on,
                own_service=m.service,
            ),
            content=m,
        )
    for c in plan.contributions:
        yield Entry(
            meta=_meta(
                f"{p}:{c.id}",
                "plan-item",
                c.author_ref,
                c.author_service,
                c.added_on,
                own_service=c.contributor_service,
            ),
            content=c,
        )
    for co in plan.cooperation:
        yield Entry(
            meta=_meta(
                f"{p}:{co.id}",
                "plan-item",
                co.author_ref,
                co.author_service,
                co.added_on,
                own_service=co.with_service,
            ),
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
