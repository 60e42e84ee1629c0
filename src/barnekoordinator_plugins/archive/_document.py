"""What the archive document says: an [`ExportView`][barnekoordinator.exporting.ExportView] laid
out as sections, facts and tables in one language (private).

The layout is plain data (strings only) so the HTML template only places it and the PDF is the
same HTML printed: both formats say exactly the same thing (a name or other text written in the
case that shares a cell with other words is isolated, so it cannot reorder them:
[`isolate()`][barnekoordinator.templating.isolate], markup when it holds right-to-left text).
Everything shown comes from the view, so the document holds what the principal who made it
could read, no more. People appear by their case-local ref, with their name where the view has
names; the child's national id appears only when the view was made with identifiers. No other
identifier (a guardian's national id, an HPR number) is ever shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import attrs

from barnekoordinator.access.entries import Entry
from barnekoordinator.coordination.plan import (
    Contribution,
    Cooperation,
    Overview,
    PlanMeasure,
    Revision,
    SubPlanLink,
)
from barnekoordinator.coordination.stafettlogg import (
    Evaluation,
    Goal,
    LevelChange,
    LogDecision,
    LogMeasure,
    Meeting,
    Minutes,
    Observation,
    Undring,
)
from barnekoordinator.exporting import ExportView, LogFrame, PlanFrame
from barnekoordinator.people import Child, ExpectedChild
from barnekoordinator.templating import compose, isolate, join
from barnekoordinator.texts import Language
from barnekoordinator_plugins.archive._texts import enum_label, label

__all__ = ["Block", "Document", "Fact", "Section", "Table", "document", "entry_title"]


@attrs.frozen
class Fact:
    """One labelled value (a row of a definition list)."""

    label: str
    value: str


@attrs.frozen
class Table:
    """A table with a caption, column headings and rows of text."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class Block:
    """A titled part of a section (one plan, one stafettlogg); ``heading`` may be empty."""

    heading: str
    facts: tuple[Fact, ...] = ()
    tables: tuple[Table, ...] = ()


@attrs.frozen
class Section:
    """A section of the document with its anchor id, heading and blocks."""

    id: str
    heading: str
    blocks: tuple[Block, ...]


@attrs.frozen
class Document:
    """The whole archive document in one language."""

    lang: Language
    title: str
    subtitle: str
    legal: str
    case_id: str
    made_by: str
    made_at: str
    header: tuple[Fact, ...]
    sections: tuple[Section, ...]


def _d(day: date | None) -> str:
    return day.isoformat() if day is not None else "–"


def _texts(parts: Iterable[str]) -> str:
    """Texts written in the case, in one cell: each isolated, ``;`` between them."""
    return join("; ", (isolate(p) for p in parts))


def _yes(value: bool, lang: Language) -> str:
    return label("doc.yes" if value else "doc.no", lang)


def entry_title(entry: Entry, lang: Language) -> str:
    """The main text of an entry as the document shows it (its title, for a reader's search).

    Every visible entry is shown with this text somewhere in the document; the tests check it.
    """
    c = entry.content
    if isinstance(c, Undring):
        return c.description
    if isinstance(c, Observation | Goal | LogDecision | Minutes):
        return c.text
    if isinstance(c, LogMeasure | PlanMeasure):
        return c.description
    if isinstance(c, Evaluation):
        return c.note
    if isinstance(c, Meeting):
        return c.on.isoformat()
    if isinstance(c, LevelChange):
        return label(
            "log.level-change", lang, from_level=int(c.from_level), to_level=int(c.to_level)
        )
    if isinstance(c, Overview):
        return "; ".join(c.goals)
    if isinstance(c, Contribution):
        return c.what
    if isinstance(c, Cooperation):
        return c.description
    if isinstance(c, SubPlanLink):
        return c.title
    if isinstance(c, Revision):
        return c.summary
    if isinstance(c, str):
        return c
    what = getattr(c, "what_matters", None)
    if isinstance(what, tuple):
        return "; ".join(str(w) for w in what)
    for name in ("text", "description"):  # a lysglimt, a comment, a proposed tiltak
        value = getattr(c, name, None)
        if isinstance(value, str) and value:
            return value
    return entry.meta.kind


class _Names:
    """Who a ref is, as the document may say it: ``ref`` or ``name (ref)``."""

    def __init__(self, view: ExportView) -> None:
        self._names: dict[str, str] = {}
        people: list[object] = [*view.guardians, *view.participants]
        if view.child is not None:
            people.append(view.child)
        for p in people:
            ref, name = getattr(p, "ref", ""), getattr(p, "name", "")
            if view.names and name:
                self._names[ref] = compose("{} ({})", isolate(name), isolate(ref))

    def __call__(self, ref: str | None) -> str:
        if ref is None:
            return "–"
        return self._names.get(ref) or isolate(ref)

    def many(self, refs: Iterable[str]) -> str:
        return join(", ", (self(r) for r in refs)) or "–"


def document(view: ExportView, lang: Language) -> Document:
    """Lay out ``view`` as the archive document in ``lang``."""
    who = _Names(view)
    rest = list(view.entries)
    sections = [
        Section("people", label("section.people", lang), _people(view, who, lang)),
        Section("plans", label("section.plans", lang), _plans(view, rest, who, lang)),
        Section("logs", label("section.logs", lang), _logs(view, rest, who, lang)),
        Section("consents", label("section.consents", lang), (_consents(view, who, lang),)),
        Section("decisions", label("section.decisions", lang), (_decisions(view, who, lang),)),
        Section("complaints", label("section.complaints", lang), (_complaints(view, who, lang),)),
    ]
    undringer = _take(rest, lambda e: isinstance(e.content, Undring))
    if undringer:
        sections.insert(3, _undringer(undringer, who, lang))
    voices = _take(rest, lambda e: e.meta.kind == "child-voice")
    if voices:
        sections.insert(3, _voices(voices, who, lang))
    if rest:
        sections.append(_others(rest, who, lang))
    return Document(
        lang=lang,
        title=label("doc.title", lang),
        subtitle=label("doc.subtitle", lang),
        legal=label("doc.legal", lang),
        case_id=view.case_id,
        made_by=view.exported_by,
        made_at=view.exported_at.isoformat(timespec="seconds"),
        header=_header(view, lang),
        sections=tuple(sections),
    )


def _take(entries: list[Entry], wanted: object) -> list[Entry]:
    """Remove from ``entries`` and return those ``wanted`` accepts (order kept)."""
    assert callable(wanted)
    taken = [e for e in entries if wanted(e)]
    entries[:] = [e for e in entries if not wanted(e)]
    return taken


def _header(view: ExportView, lang: Language) -> tuple[Fact, ...]:
    facts = [
        Fact(label("doc.case", lang), view.case_id),
        Fact(label("doc.municipality", lang), view.municipality_number),
        Fact(label("doc.made", lang), view.exported_at.isoformat(timespec="seconds")),
        Fact(label("doc.made-by", lang), view.exported_by),
        Fact(label("doc.as-of", lang), view.as_of.isoformat()),
        Fact(label("doc.version", lang), str(view.version)),
        Fact(
            label("doc.case-status", lang),
            label("doc.open" if view.is_open else "doc.closed", lang),
        ),
        Fact(label("doc.mode", lang), enum_label("mode", view.mode, lang)),
    ]
    if view.for_service is not None:
        facts.append(
            Fact(label("doc.for-service", lang), enum_label("service", view.for_service, lang))
        )
    child = view.child
    if view.identifiers and isinstance(child, Child) and child.person_id is not None:
        facts.append(Fact(label("doc.child-id", lang), str(child.person_id)))
    return tuple(facts)


def _people(view: ExportView, who: _Names, lang: Language) -> tuple[Block, ...]:
    child = view.child
    child_rows: list[tuple[str, ...]] = []
    if isinstance(child, Child):
        born = child.birth_date.isoformat() if view.identifiers else "–"
        child_rows.append((who(child.ref), born))
        child_headers = (label("col.name", lang), label("col.birth-date", lang))
    else:
        child_headers = (label("col.name", lang), label("col.expected", lang))
        if isinstance(child, ExpectedChild):
            child_rows.append((who(child.ref), _d(child.expected_date)))
    tables = (
        Table(label("section.child", lang), child_headers, tuple(child_rows)),
        Table(
            label("section.guardians", lang),
            (
                label("col.name", lang),
                label("col.relation", lang),
                label("col.parental-responsibility", lang),
            ),
            tuple(
                (
                    who(g.ref),
                    enum_label("relation", g.relation, lang),
                    _yes(g.parental_responsibility, lang),
                )
                for g in view.guardians
            ),
        ),
        Table(
            label("section.professionals", lang),
            (label("col.name", lang), label("col.service", lang), label("col.title", lang)),
            tuple(
                (who(p.ref), enum_label("service", p.service, lang), p.title or "–")
                for p in view.participants
            ),
        ),
        Table(
            label("section.roles", lang),
            (label("col.role", lang), label("col.name", lang), label("col.since", lang)),
            tuple(
                (enum_label("role", a.role, lang), who(a.ref), _d(a.since))
                for a in view.role_holders
            ),
        ),
    )
    return (Block("", tables=tables),)


# --- individuell plan ----------------------------------------------------------------------


def _plans(view: ExportView, rest: list[Entry], who: _Names, lang: Language) -> tuple[Block, ...]:
    blocks = []
    for plan in view.plans:
        prefix = f"plan:{plan.id}:"
        items = _take(rest, lambda e, p=prefix: e.meta.id.startswith(p))
        blocks.append(_plan(plan, items, who, lang))
    return tuple(blocks)


def _plan(plan: PlanFrame, items: Sequence[Entry], who: _Names, lang: Language) -> Block:
    period = plan.period
    facts = [
        Fact(label("plan.status", lang), label(f"planstatus.{plan.status}", lang)),
        Fact(
            label("plan.created", lang),
            compose("{} ({})", _d(plan.created_on), who(plan.created_by)),
        ),
        Fact(label("plan.ended", lang), _d(plan.ended_on)),
        Fact(label("plan.responsible", lang), who(plan.responsible_ref)),
        Fact(
            label("plan.services", lang),
            ", ".join(enum_label("service", s, lang) for s in plan.services) or "–",
        ),
        Fact(label("section.consents", lang), ", ".join(plan.consent_ids) or "–"),
    ]
    if period is not None:
        facts.append(Fact(label("plan.period", lang), f"{_d(period.start)} – {_d(period.end)}"))
        facts.append(Fact(label("plan.next-revision", lang), _d(period.next_revision)))
    tables = [
        Table(
            label("plan.participants", lang),
            (label("col.name", lang), label("col.role", lang), label("col.since", lang)),
            tuple(
                (who(p.ref), enum_label("role", p.role, lang), _d(p.added_on))
                for p in plan.participants
            ),
        ),
        *_plan_items(items, who, lang),
    ]
    return Block(label("plan.heading", lang, id=plan.id), tuple(facts), tuple(tables))


def _plan_items(items: Sequence[Entry], who: _Names, lang: Language) -> list[Table]:
    def of(kind: type) -> list[object]:
        return [e.content for e in items if isinstance(e.content, kind)]

    tables = []
    for o in of(Overview):
        assert isinstance(o, Overview)
        tables.append(
            Table(
                label("plan.overview", lang),
                (label("col.kind", lang), label("col.text", lang)),
                (
                    (label("plan.goals", lang), _texts(o.goals)),
                    (label("plan.resources", lang), _texts(o.resources)),
                    (label("plan.needs", lang), _texts(o.needs)),
                    (label("col.by", lang), compose("{}, {}", who(o.author_ref), _d(o.written_on))),
                ),
            )
        )
    measures = [m for m in of(PlanMeasure) if isinstance(m, PlanMeasure)]
    tables.append(
        Table(
            label("plan.measures", lang),
            tuple(
                label(k, lang)
                for k in (
                    "col.description",
                    "plan.scope",
                    "col.responsible",
                    "plan.implementation",
                    "col.evaluation-date",
                    "col.ended",
                )
            ),
            tuple(
                (
                    m.description,
                    m.scope,
                    who(m.responsible_ref),
                    m.implementation or "–",
                    _d(m.evaluation_date),
                    _d(m.ended_on),
                )
                for m in measures
            ),
        )
    )
    rows: dict[str, list[tuple[str, ...]]] = {"c": [], "co": [], "s": [], "r": []}
    for e in items:
        c = e.content
        if isinstance(c, Contribution):
            rows["c"].append((_d(c.added_on), who(c.contributor_ref), c.what))
        elif isinstance(c, Cooperation):
            other = enum_label("service", c.with_service, lang) if c.with_service else ""
            rows["co"].append((_d(c.added_on), other or c.with_other, c.description))
        elif isinstance(c, SubPlanLink):
            rows["s"].append((_d(c.linked_on), enum_label("subplan", c.kind, lang), c.title))
        elif isinstance(c, Revision):
            rows["r"].append((_d(c.on), who(c.by), c.summary))
    heads = (label("col.date", lang), label("col.with", lang), label("col.text", lang))
    for key, caption, second in (
        ("c", "plan.contributions", "col.contributor"),
        ("co", "plan.cooperation", "col.with"),
        ("s", "plan.sub-plans", "col.kind"),
        ("r", "plan.revisions", "col.by"),
    ):
        if rows[key]:
            tables.append(
                Table(
                    label(caption, lang),
                    (heads[0], label(second, lang), heads[2]),
                    tuple(rows[key]),
                )
            )
    return tables


# --- stafettlogg ---------------------------------------------------------------------------


def _log_of(entry: Entry, logs: Sequence[LogFrame], current: int) -> int:
    """The index of the log an item belongs to (entries come log by log, in order).

    Ids that name their log (``stafettlogg:log2:…``) say it; any other item belongs to the
    earliest log, not before the current one, whose period holds the day it was written.
    """
    parts = entry.meta.id.split(":")
    if len(parts) > 1 and parts[1].startswith("log") and parts[1][3:].isdigit():
        return max(current, int(parts[1][3:]) - 1)
    day = entry.meta.created_on
    for i in range(current, len(logs)):
        closed = logs[i].closed_on
        if closed is None or day <= closed:
            return i
    return len(logs) - 1


def _logs(view: ExportView, rest: list[Entry], who: _Names, lang: Language) -> tuple[Block, ...]:
    items = _take(rest, lambda e: e.meta.id.startswith("stafettlogg:"))
    if not view.logs:
        rest.extend(items)
        return ()
    per_log: list[list[Entry]] = [[] for _ in view.logs]
    # The frames name their items (LogFrame.item_ids, from the export); the period heuristic of
    # _log_of is only for a view built by hand without them.
    owner = {item: i for i, log in enumerate(view.logs) for item in log.item_ids}
    current = 0
    for e in items:
        named = owner.get(e.meta.id)
        current = named if named is not None else _log_of(e, view.logs, current)
        per_log[current].append(e)
        if e.meta.kind == "closing-note":
            current = min(current + 1, len(view.logs) - 1)
    return tuple(_log(log, per_log[i], who, lang) for i, log in enumerate(view.logs))


def _log(log: LogFrame, items: Sequence[Entry], who: _Names, lang: Language) -> Block:
    facts = [
        Fact(label("log.status", lang), enum_label("logstatus", log.status, lang)),
        Fact(label("log.level", lang), str(int(log.level))),
        Fact(label("log.period", lang), f"{_d(log.opened_on)} – {_d(log.closed_on)}"),
        Fact(label("log.opened-by", lang), who(log.opened_by)),
        Fact(label("log.holder", lang), who(log.holder_ref)),
        Fact(label("section.consents", lang), ", ".join(log.consent_ids) or "–"),
    ]
    if log.closing_reason is not None:
        facts.append(
            Fact(label("log.closing-reason", lang), enum_label("closing", log.closing_reason, lang))
        )
    if log.linked_to is not None:
        facts.append(Fact(label("log.linked-to", lang), enum_label("role", log.linked_to, lang)))
    baton = Table(
        label("log.baton-history", lang),
        (
            label("col.date", lang),
            label("col.kind", lang),
            label("col.from", lang),
            label("col.to", lang),
        ),
        tuple(
            (_d(b.on), enum_label("baton", b.kind, lang), who(b.from_ref), who(b.to_ref))
            for b in log.baton_history
        ),
    )
    return Block(
        label("log.heading", lang, number=log.number),
        tuple(facts),
        (baton, *_log_items(items, who, lang)),
    )


def _log_items(items: Sequence[Entry], who: _Names, lang: Language) -> list[Table]:
    c = [e.content for e in items]

    def h(*keys: str) -> tuple[str, ...]:
        return tuple(label(k, lang) for k in keys)

    tables = [
        Table(
            label("log.observations", lang),
            h("col.date", "col.kind", "col.by", "col.text"),
            tuple(
                (
                    _d(o.recorded_on),
                    enum_label("observation", o.kind, lang),
                    who(o.author_ref),
                    o.text,
                )
                for o in c
                if isinstance(o, Observation)
            ),
        ),
        Table(
            label("log.goals", lang),
            h("col.date", "col.text", "col.life-area"),
            tuple(
                (_d(g.recorded_on), g.text, g.life_area or "–") for g in c if isinstance(g, Goal)
            ),
        ),
        Table(
            label("log.tiltak", lang),
            h(
                "col.description",
                "col.responsible",
                "col.proposed-by",
                "col.date",
                "col.evaluation-date",
                "col.ended",
            ),
            tuple(
                (
                    t.description,
                    who(t.responsible_ref),
                    enum_label("proposed", t.proposed_by, lang),
                    _d(t.created_on),
                    _d(t.evaluation_date),
                    _d(t.ended_on),
                )
                for t in c
                if isinstance(t, LogMeasure)
            ),
        ),
        Table(
            label("log.evaluations", lang),
            h("col.description", "col.date", "col.by", "col.effect", "col.next-step", "col.note"),
            tuple(
                (
                    t.description,
                    _d(ev.on),
                    who(ev.by),
                    enum_label("effect", ev.effect, lang),
                    enum_label("next", ev.next_step, lang),
                    ev.note or "–",
                )
                for t in c
                if isinstance(t, LogMeasure)
                for ev in t.evaluations
                if any(e.content is ev for e in items)
            ),
        ),
        Table(
            label("log.meetings", lang),
            h("col.date", "col.agenda", "col.invited", "col.attended", "log.minutes"),
            tuple(_meeting_row(m, items, who) for m in c if isinstance(m, Meeting)),
        ),
        Table(
            label("log.decisions", lang),
            h("col.date", "col.by", "col.text", "col.follow-up", "col.done"),
            tuple(
                (
                    _d(d.decided_on),
                    who(d.decided_by),
                    d.text,
                    compose("{} {}", who(d.follow_up_by), _d(d.follow_up_on))
                    if d.follow_up_on
                    else "–",
                    _d(d.done_on),
                )
                for d in c
                if isinstance(d, LogDecision)
            ),
        ),
    ]
    changes = tuple(
        (
            _d(x.on),
            entry_title(Entry(meta=e.meta, content=x), lang),
            who(x.decision.holder_ref),
            x.decision.coordination_need,
        )
        for e in items
        if isinstance(x := e.content, LevelChange)
    )
    if changes:
        tables.append(
            Table(
                label("log.level-changes", lang),
                h("col.date", "col.kind", "log.holder", "col.note"),
                changes,
            )
        )
    notes = tuple(
        (_d(e.meta.created_on), who(e.meta.author_ref), e.content)
        for e in items
        if e.meta.kind == "closing-note" and isinstance(e.content, str)
    )
    if notes:
        tables.append(
            Table(label("log.closing-note", lang), h("col.date", "col.by", "col.text"), notes)
        )
    return tables


def _meeting_row(m: Meeting, items: Sequence[Entry], who: _Names) -> tuple[str, ...]:
    # Minutes are their own entry: show them only if that entry is visible.
    minutes = m.minutes if any(e.content is m.minutes for e in items) else None
    return (
        _d(m.on),
        join("\n", (isolate(item) for item in m.agenda)) or "–",
        who.many(m.invited),
        who.many(minutes.attended) if minutes else "–",
        minutes.text if minutes else "–",
    )


# --- the other sections --------------------------------------------------------------------


def _undringer(items: Sequence[Entry], who: _Names, lang: Language) -> Section:
    rows = tuple(
        (
            _d(u.registered_on),
            who(u.registered_by),
            u.description,
            enum_label("nivaa0", u.outcome, lang) if u.outcome else "–",
            _d(u.decided_on),
        )
        for e in items
        if isinstance(u := e.content, Undring)
    )
    heads = ("col.date", "col.by", "col.text", "col.outcome-nivaa0", "col.resolved-on")
    table = Table("", tuple(label(k, lang) for k in heads), rows)
    return Section("undringer", label("section.undringer", lang), (Block("", tables=(table,)),))


def _voices(items: Sequence[Entry], who: _Names, lang: Language) -> Section:
    rows = tuple(
        (_d(e.meta.created_on), who(e.meta.author_ref), entry_title(e, lang)) for e in items
    )
    heads = ("col.date", "col.by", "col.what-matters")
    table = Table("", tuple(label(k, lang) for k in heads), rows)
    return Section("voices", label("section.voices", lang), (Block("", tables=(table,)),))


def _others(items: Sequence[Entry], who: _Names, lang: Language) -> Section:
    rows = tuple(
        (_d(e.meta.created_on), who(e.meta.author_ref), e.meta.kind, entry_title(e, lang))
        for e in items
    )
    heads = ("col.date", "col.by", "col.kind", "col.text")
    table = Table("", tuple(label(k, lang) for k in heads), rows)
    return Section("other", label("doc.contents", lang), (Block("", tables=(table,)),))


def _consents(view: ExportView, who: _Names, lang: Language) -> Block:
    heads = ("col.ref", "col.purpose", "col.given-by", "col.services", "col.valid", "col.withdrawn")
    rows = tuple(
        (
            k.id,
            enum_label("purpose", k.purpose, lang),
            who.many(sorted(k.given_by)),
            ", ".join(enum_label("service", s, lang) for s in sorted(k.services, key=str)) or "–",
            f"{_d(k.valid_from)} – {_d(k.valid_to)}",
            compose("{} ({})", _d(k.withdrawn_on), who(k.withdrawn_by)) if k.withdrawn_on else "–",
        )
        for k in view.consents
    )
    return Block("", tables=(Table("", tuple(label(k, lang) for k in heads), rows),))


def _decisions(view: ExportView, who: _Names, lang: Language) -> Block:
    heads = (
        "col.ref",
        "col.right",
        "col.decision",
        "col.outcome",
        "col.decided-on",
        "col.signed-by",
        "col.considerations",
    )
    rows = tuple(
        (
            d.decision_id,
            enum_label("right", d.right, lang),
            enum_label("decisionkind", d.kind, lang),
            enum_label("outcome", d.outcome, lang),
            _d(d.decided_on),
            d.signed_by,
            d.considerations or "–",
        )
        for d in view.decisions
    )
    return Block("", tables=(Table("", tuple(label(k, lang) for k in heads), rows),))


def _complaints(view: ExportView, who: _Names, lang: Language) -> Block:
    heads = (
        "col.ref",
        "col.decision",
        "col.right",
        "col.complainant",
        "col.received-on",
        "col.form",
        "col.stage",
        "col.resolution",
        "col.resolved-on",
    )
    rows = tuple(
        (
            c.ref,
            c.decision_ref,
            enum_label("right", c.right, lang),
            who(r.complainant_ref),
            _d(c.received_on),
            enum_label("form", c.form, lang),
            enum_label("stage", c.stage, lang),
            enum_label("resolution", c.resolution, lang) if c.resolution else "–",
            _d(c.resolved_on),
        )
        for r in view.complaints
        for c in (r.complaint,)
    )
    return Block("", tables=(Table("", tuple(label(k, lang) for k in heads), rows),))
