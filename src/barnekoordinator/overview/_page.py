"""Min oversikt as HTML, made from one principal's view (private).

[`render_overview()`][barnekoordinator.overview._page.render_overview] takes only what the
Casebook's read decision covered — the principal's
[`CaseView`][barnekoordinator.casebook.CaseView] (its entries are the ones ``decide`` allowed),
the individual decisions whose readers include the principal
([`records_for()`][barnekoordinator.exporting.records_for]) and, when the principal may read the
audit trail, its summary — and lays it out in the template ``min-oversikt.html.j2``. Every line
made from an entry carries the entry's id as ``data-entry-id`` (a recorded decision:
``data-decision-id``), so a test can hold the page against ``decide``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from barnekoordinator.access.audit import LookGroup, describe_look
from barnekoordinator.coordination.plan import PlanMeasure
from barnekoordinator.coordination.roles import Role
from barnekoordinator.coordination.stafettlogg import LevelChange, LogDecision, LogMeasure, Meeting
from barnekoordinator.legal_basis import deadline
from barnekoordinator.overview._texts import say
from barnekoordinator.overview._versions import OverviewVersion
from barnekoordinator.rights.decision_records import IndividualDecisionRecorded
from barnekoordinator.rights.decisions import DecisionKind
from barnekoordinator.templating import compose, isolate, join, template_environment
from barnekoordinator.texts import Language, text

if TYPE_CHECKING:
    from barnekoordinator._casebook_views import CaseView

_TEMPLATES: Final = Path(__file__).with_name("templates")
_COORDINATING: Final = (Role.BARNEKOORDINATOR, Role.KOORDINATOR, Role.STAFETTHOLDER)


@attrs.frozen(kw_only=True)
class Line:
    """One item of a section; ``entry_id`` / ``decision_id`` name what it was made from."""

    text: str
    details: tuple[str, ...] = ()
    entry_id: str = ""
    decision_id: str = ""


@attrs.frozen(kw_only=True)
class Part:
    """One section of the page: a heading, paragraphs, items, and a box under them."""

    id: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    lines: tuple[Line, ...] = ()
    empty: str = ""
    box_heading: str = ""
    box: str = ""


@attrs.frozen(kw_only=True)
class Page:
    """Everything the template shows, as text (the template only lays it out); a sentence with
    a name or other text written in the case inside it is markup, that text isolated
    ([`isolate()`][barnekoordinator.templating.isolate])."""

    lang: Language
    version: OverviewVersion
    title: str
    subtitle: str
    updated: str
    intro: str
    notes: tuple[str, ...]
    skip: str
    contents: str
    parts: tuple[Part, ...]
    footer: str


def long_date(day: date, lang: Language) -> str:
    """``5. januar 2026`` (nb, nn) or ``5 January 2026`` (en)."""
    month = text("overview.months").get(lang).split()[day.month - 1]
    return (
        f"{day.day} {month} {day.year}" if lang is Language.EN else f"{day.day}. {month} {day.year}"
    )


@attrs.frozen
class _Context:
    view: CaseView
    version: OverviewVersion
    lang: Language

    def say(self, key: str, **values: object) -> str:
        return say(key, self.version, self.lang, **values)

    def date(self, day: date) -> str:
        return long_date(day, self.lang)

    def who(self, ref: str) -> str:
        """A person in the case as the view names them (no name: a title, a service)."""
        for p in self.view.participants:
            if p.ref == ref:
                return isolate(p.name or p.title) or self.say(f"service.{p.service.value}")
        for g in self.view.guardians:
            if g.ref == ref and g.name:
                return isolate(g.name)
        return ""


def _helpers(c: _Context) -> Part:
    lines = []
    for p in c.view.participants:
        label = isolate(p.name or p.title) or c.say("helpers.someone")
        if p.name and p.title:
            label = compose("{} ({})", isolate(p.name), isolate(p.title))
        details = [
            c.say(f"role.{a.role.value}")
            for a in c.view.role_holders
            if a.ref == p.ref and a.role in _COORDINATING
        ]
        tasks = [
            isolate(e.content.description)
            for e in c.view.entries
            if isinstance(e.content, LogMeasure | PlanMeasure)
            and e.content.responsible_ref == p.ref
            and e.content.ended_on is None
        ]
        if tasks:
            details.append(c.say("helpers.helps-with", what=join("; ", tasks)))
        works_at = c.say("helpers.works-at", service=c.say(f"service.{p.service.value}"))
        lines.append(Line(text=compose("{}, {}", label, works_at), details=tuple(details)))
    return Part(
        id="who-helps",
        heading=c.say("helpers.heading"),
        lines=tuple(lines),
        empty=c.say("helpers.none"),
    )


def _measure_line(c: _Context, entry_id: str, m: LogMeasure | PlanMeasure) -> Line:
    details = []
    name = c.who(m.responsible_ref) if m.responsible_ref else ""
    if name:
        details.append(c.say("measures.who", name=name))
    if m.ended_on is not None:
        details.append(c.say("measures.ended", date=c.date(m.ended_on)))
    else:
        due = m.evaluation_date
        if isinstance(m, LogMeasure) and m.evaluations:
            due = m.evaluations[-1].next_evaluation_date or due
        if due is not None:
            details.append(c.say("measures.due", date=c.date(due)))
    return Line(text=m.description, details=tuple(details), entry_id=entry_id)


def _measures(c: _Context) -> Part:
    lines = [
        _measure_line(c, e.meta.id, e.content)
        for e in c.view.entries
        if isinstance(e.content, LogMeasure | PlanMeasure)
    ]
    return Part(
        id="measures",
        heading=c.say("measures.heading"),
        lines=tuple(lines),
        empty=c.say("measures.none"),
    )


def _meeting(c: _Context) -> Part:
    coming = sorted(
        (e for e in c.view.entries if isinstance(e.content, Meeting)),
        key=lambda e: (e.content.on, e.meta.id),  # type: ignore[attr-defined]
    )
    upcoming = [e for e in coming if e.content.on >= c.view.as_of]  # type: ignore[attr-defined]
    lines: tuple[Line, ...] = ()
    if upcoming:
        entry = upcoming[0]
        meeting = entry.content
        assert isinstance(meeting, Meeting)
        agenda = tuple(item for item in meeting.agenda if item.strip())
        details = (c.say("meeting.agenda"), *agenda) if agenda else ()
        lines = (
            Line(
                text=c.say("meeting.when", date=c.date(meeting.on)),
                details=details,
                entry_id=entry.meta.id,
            ),
        )
    return Part(
        id="next-meeting",
        heading=c.say("meeting.heading"),
        lines=lines,
        empty=c.say("meeting.none"),
        box_heading=c.say("meeting.bring-heading"),
        box=c.say("meeting.bring"),
    )


def _decision_text(c: _Context, d: IndividualDecisionRecorded) -> str:
    key = {
        DecisionKind.APPOINT: "decided.appoint",
        DecisionKind.REFUSE: "decided.refuse",
        DecisionKind.PARTIAL: "decided.partial",
    }[d.kind]
    return c.say(key, right=c.say(f"right.{d.right.value}"))


def _decided_lines(
    c: _Context, decisions: Sequence[IndividualDecisionRecorded]
) -> Iterator[tuple[date, Line]]:
    for e in c.view.entries:
        content = e.content
        if isinstance(content, LogDecision):
            on = content.decided_on
            text = content.text
        elif isinstance(content, LevelChange):
            on = content.on
            text = c.say("decided.level", old=int(content.from_level), new=int(content.to_level))
        else:
            continue
        details = (c.say("decided.on", date=c.date(on)),)
        yield on, Line(text=text, details=details, entry_id=e.meta.id)
    for d in decisions:
        details = (c.say("decided.on", date=c.date(d.decided_on)),)
        line = Line(text=_decision_text(c, d), details=details, decision_id=d.decision_id)
        yield d.decided_on, line


def _decided(c: _Context, decisions: Sequence[IndividualDecisionRecorded]) -> Part:
    ordered = sorted(_decided_lines(c, decisions), key=lambda pair: pair[0], reverse=True)
    return Part(
        id="decided",
        heading=c.say("decided.heading"),
        lines=tuple(line for _, line in ordered),
        empty=c.say("decided.none"),
    )


def _looked(c: _Context, looks: Sequence[LookGroup] | None) -> Part:
    heading = c.say("looked.heading")
    if looks is None:
        return Part(id="who-looked", heading=heading, paragraphs=(c.say("looked.not-shown"),))
    lines = tuple(
        Line(
            text=compose("{}: {}", c.date(g.day), isolate(g.label)),
            details=(describe_look(g, c.lang.value),),
        )
        for g in reversed(looks)
    )
    return Part(id="who-looked", heading=heading, lines=lines, empty=c.say("looked.none"))


def _complain(c: _Context, decisions: Sequence[IndividualDecisionRecorded]) -> Part:
    paragraphs = [c.say("complain.how"), c.say("complain.to")]
    lines = tuple(
        Line(
            text=c.say(
                "complain.by",
                decided=c.date(d.decided_on),
                deadline=c.date(deadline(d.decided_on, weeks=d.complaint_deadline_weeks)),
            ),
            details=(_decision_text(c, d),),
            decision_id=d.decision_id,
        )
        for d in decisions
        if d.kind is not DecisionKind.APPOINT
    )
    if not decisions:
        paragraphs.append(c.say("complain.no-decision"))
    return Part(
        id="complain", heading=c.say("complain.heading"), paragraphs=tuple(paragraphs), lines=lines
    )


def build_page(
    view: CaseView,
    *,
    version: OverviewVersion,
    lang: Language,
    decisions: Sequence[IndividualDecisionRecorded] = (),
    looks: Sequence[LookGroup] | None = None,
    preview: bool = False,
) -> Page:
    """The page's texts and parts, from what the principal may read."""
    c = _Context(view, version, lang)
    notes = [c.say("only-yours")]
    if preview:
        notes.append(c.say("preview"))
    if view.stronger_login_shows_more is not None:
        notes.append(c.say("stronger-login"))
    return Page(
        lang=lang,
        version=version,
        title=c.say("title"),
        subtitle=c.say("subtitle", name=isolate(view.child_name)) if view.child_name else "",
        updated=c.say("updated", date=c.date(view.as_of)),
        intro=c.say("intro"),
        notes=tuple(notes),
        skip=c.say("skip"),
        contents=c.say("contents"),
        parts=(
            _helpers(c),
            _measures(c),
            _meeting(c),
            _decided(c, decisions),
            _looked(c, looks),
            _complain(c, decisions),
        ),
        footer=c.say("footer"),
    )


def render_page(page: Page) -> str:
    """The page as one standalone HTML document (inline stylesheet, no script)."""
    environment = template_environment(_TEMPLATES, extra="overview", feature="Min oversikt")
    return environment.get_template("min-oversikt.html.j2").render(page=page)
