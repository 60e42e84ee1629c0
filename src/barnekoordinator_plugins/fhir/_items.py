"""What the entries of an export view become: Goal, Task, Encounter, notes and the CarePlans.

Each stafettlogg and each individuell plan is one ``CarePlan``, told apart by its category
(``stafettlogg`` / ``individuell-plan`` in the library's code system). Its entries become:

* a goal (stafettlogg ``goal``, the goals of the plan's overview) → ``Goal``, in ``CarePlan.goal``;
* a tiltak (stafettlogg or plan ``measure``) → ``Task`` with owner and due date
  (``restriction.period.end``, as in Shared Care Planning) and ``basedOn`` the CarePlan, and a
  ``CarePlan.activity`` referring to it; its evaluations are the Task's notes;
* a meeting → ``Encounter``, its minutes in an extension (when the minutes are visible too);
* every other entry (observations, decisions, level changes, contributions, cooperation, sub-plans,
  revisions, the closing summary) → an ``Annotation`` in the CarePlan's ``note``; an entry of no
  log or plan (an undring, the child's voice) → a note of the CareTeam.

Every mapped entry gets a ``Provenance``: who recorded it, on which day, on which legal basis.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from barnekoordinator.access.entries import Entry
from barnekoordinator.coordination.participation import (
    EvaluationComment,
    InvitationReply,
    Lysglimt,
    MeasureProposal,
    OwnVoice,
)
from barnekoordinator.coordination.plan import (
    Contribution,
    Cooperation,
    Overview,
    PlanMeasure,
    PlanStatus,
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
from barnekoordinator.coordination.voice import ChildVoice
from barnekoordinator.exporting import ExportView, LogFrame, PlanFrame
from barnekoordinator.services import SERVICES
from barnekoordinator_plugins.fhir import _codes as c
from barnekoordinator_plugins.fhir._build import Resource, Resources, coding, concept, fhir_text

_BASIS: Final = {
    "stafettlogg": ("bti-stafettlogg",),
    "plan": ("hotl-7-1", "ip-forskriften"),
    "undring": ("bti-niva-0",),
    "other": ("pbrl-3-1",),
}
"""The legal basis each kind of record is kept on (the Provenance's ``policy``)."""


def _basis(entry_id: str) -> tuple[str, ...]:
    if entry_id.startswith("undring:"):
        return _BASIS["undring"]
    for prefix in ("stafettlogg", "plan"):
        if entry_id.startswith(prefix + ":"):
            return _BASIS[prefix]
    return _BASIS["other"]


def _who_text(view: ExportView, ref: str | None) -> str:
    """A person's case-local ref (never a name): the note's author is a reference besides."""
    return ref or "ukjent"


def note_text(content: object) -> str | None:
    """The text of an entry that becomes a note, or ``None`` when the content is not mapped."""
    if isinstance(content, Observation):
        return f"Observasjon ({content.kind.value}): {content.text}"
    if isinstance(content, LogDecision):
        return f"Beslutning: {content.text}"
    if isinstance(content, LevelChange):
        return f"Nivåendring: nivå {content.from_level.value} → nivå {content.to_level.value}"
    if isinstance(content, Undring):
        return f"Undring: {content.description}"
    if isinstance(content, Contribution):
        return f"Bidrag ({content.contributor_ref}): {content.what}"
    if isinstance(content, Cooperation):
        other = (
            SERVICES[content.with_service].name_nb if content.with_service else content.with_other
        )
        return f"Samarbeid med {other}: {content.description}"
    if isinstance(content, SubPlanLink):
        return f"Delplan ({content.kind.value}, {content.service.value}): {content.title}"
    if isinstance(content, Revision):
        return f"Revisjon: {content.summary}"
    if isinstance(content, str):
        return f"Avslutning: {content}"
    if isinstance(content, ChildVoice):
        return f"Barnets stemme ({content.weight.value}): {'; '.join(content.what_matters)}"
    return _family_note(content)


def _family_note(content: object) -> str | None:
    """The note of what the child or a guardian wrote as themselves (issue 16)."""
    if isinstance(content, OwnVoice):
        said = "; ".join((*content.what_matters, *content.want_to_say))
        return f"Eget innspill ({content.author.value}): {said}"
    if isinstance(content, Lysglimt):
        return f"Lysglimt: {content.text}"
    if isinstance(content, MeasureProposal):
        return f"Forslag til tiltak ({content.author.value}): {content.description}"
    if isinstance(content, EvaluationComment):
        return f"Kommentar til evaluering av tiltak {content.tiltak_id}: {content.text}"
    if isinstance(content, InvitationReply):
        lines = "; ".join(content.bring_up)
        return f"Svar på møteinnkalling {content.meeting_id}: {content.answer.value}" + (
            f"; vil ta opp: {lines}" if lines else ""
        )
    return None


class Items:
    """Maps the view's entries onto ``Resources``; call `build()` once, after the people."""

    def __init__(self, res: Resources) -> None:
        self.res = res
        self.view = res.view
        self.goals: dict[str, list[dict[str, str]]] = {}
        self.activities: dict[str, list[Resource]] = {}
        self.notes: dict[str, list[Resource]] = {}
        self.tasks: dict[str, Resource] = {}
        self.encounters: dict[str, Resource] = {}
        self.unmapped: list[str] = []
        # Item id -> its log's CarePlan key, so each entry finds its log in one or two lookups.
        self._logs = {i: f"log:{f.number}" for f in self.view.logs for i in f.item_ids}

    # --- where an entry belongs ---------------------------------------------------------

    def _owner(self, entry_id: str) -> str:
        """The key of the CarePlan an entry belongs to, or ``team`` for none."""
        if entry_id.startswith("plan:"):
            plan_id = entry_id.split(":", 2)[1]
            if any(p.id == plan_id for p in self.view.plans):
                return f"plan:{plan_id}"
        key = entry_id
        while True:  # the item itself, or the item an evaluation or minutes belong to
            found = self._logs.get(key)
            if found is not None:
                return found
            key, sep, _ = key.rpartition(":")
            if not sep:
                return "team"

    def _annotation(self, entry: Entry, text: str) -> Resource:
        note: Resource = {"text": fhir_text(text), "time": entry.meta.created_on.isoformat()}
        author = self.res.who(entry.meta.author_ref)
        if "reference" in author and "PractitionerRole" not in author["reference"]:
            note["authorReference"] = author
        else:
            note["authorString"] = fhir_text(_who_text(self.view, entry.meta.author_ref))
        return note

    # --- the entries ------------------------------------------------------------------

    def build(self) -> None:
        """Map every entry (in case order), then the care plans and the provenance."""
        by_id = {e.meta.id: e for e in self.view.entries}
        for entry in self.view.entries:
            self._entry(entry, by_id)
        for frame in self.view.logs:
            self._log_plan(frame)
        for plan in self.view.plans:
            self._ip_plan(plan)
        team_notes = self.notes.get("team")
        if team_notes:
            self.res.resource("team")["note"] = team_notes

    def _entry(self, entry: Entry, by_id: dict[str, Entry]) -> None:
        content, meta = entry.content, entry.meta
        owner = self._owner(meta.id)
        key: str | None
        if isinstance(content, Goal):
            key = self._goal(meta.id, content.text, meta.created_on, owner)
        elif isinstance(content, Overview):
            for n, text in enumerate(content.goals, start=1):
                self._goal(f"{meta.id}:{n}", text, content.written_on, owner)
            lines = [*(f"Behov: {t}" for t in content.needs)]
            lines += [f"Ressurser: {t}" for t in content.resources]
            if lines:
                self.notes.setdefault(owner, []).append(self._annotation(entry, "; ".join(lines)))
            key = f"goal:{meta.id}:1" if content.goals else owner
        elif isinstance(content, LogMeasure | PlanMeasure):
            key = self._task(entry, content, owner)
        elif isinstance(content, Evaluation):
            key = self._evaluation(entry, content)
        elif isinstance(content, Meeting):
            key = self._encounter(entry, content)
        elif isinstance(content, Minutes):
            key = self._minutes(meta.id, content)
        else:
            note = note_text(content)
            if note is None:
                key = None
            else:
                self.notes.setdefault(owner, []).append(self._annotation(entry, note))
                key = owner
        if key is None:
            self.unmapped.append(meta.kind)
            return
        self.res.provenance(key, entry, _basis(meta.id))

    def _goal(self, goal_id: str, text: str, on: date, owner: str) -> str:
        key = f"goal:{goal_id}"
        self.res.add(
            key,
            {
                "resourceType": "Goal",
                "lifecycleStatus": "active",
                "description": {"text": fhir_text(text)},
                "subject": self.res.patient(),
                "startDate": on.isoformat(),
            },
        )
        self.goals.setdefault(owner, []).append(self.res.ref(key))
        return key

    def _task(self, entry: Entry, t: LogMeasure | PlanMeasure, owner: str) -> str:
        key = f"task:{entry.meta.id}"
        created = t.created_on if isinstance(t, LogMeasure) else t.added_on
        task: Resource = {
            "resourceType": "Task",
            "status": "completed" if t.ended_on is not None else "in-progress",
            "intent": "plan",
            "code": concept(c.ENTRY_KIND, "measure", "tiltak"),
            "description": fhir_text(t.description),
            "for": self.res.patient(),
            "authoredOn": created.isoformat(),
            "requester": self.res.who(t.author_ref),
            "owner": self.res.who(t.responsible_ref),
            "executionPeriod": {
                "start": created.isoformat(),
                **({"end": t.ended_on.isoformat()} if t.ended_on else {}),
            },
        }
        if owner != "team":
            task["basedOn"] = [self.res.ref(owner)]
        if t.evaluation_date is not None:
            task["restriction"] = {"period": {"end": t.evaluation_date.isoformat()}}
        if isinstance(t, PlanMeasure) and t.service is not None:
            task["performerType"] = [
                concept(c.SERVICE, t.service.value, SERVICES[t.service].name_nb)
            ]
        self.res.add(key, task)
        self.tasks[entry.meta.id] = task
        self.activities.setdefault(owner, []).append({"reference": self.res.ref(key)})
        return key

    def _evaluation(self, entry: Entry, ev: Evaluation) -> str | None:
        task = self.tasks.get(entry.meta.id.split(":evaluation:")[0])
        if task is None:
            return None  # the tiltak itself is not in the view: nothing to attach it to
        text = f"Evaluering: {ev.effect.value}, {ev.next_step.value}. {ev.note}".strip()
        task.setdefault("note", []).append(self._annotation(entry, text))
        return f"task:{entry.meta.id.split(':evaluation:')[0]}"

    def _encounter(self, entry: Entry, m: Meeting) -> str:
        key = f"encounter:{entry.meta.id}"
        done = m.minutes is not None or m.on < self.view.as_of
        encounter: Resource = {
            "resourceType": "Encounter",
            "status": "finished" if done else "planned",
            "class": coding(c.V3_ACT, "AMB", "ambulatory"),
            "type": [concept(c.ENTRY_KIND, "meeting", "samarbeidsmøte")],
            "subject": self.res.patient(),
            "period": {"start": m.on.isoformat()},
        }
        invited = [{"individual": self.res.who(r)} for r in m.invited]
        invited = [p for p in invited if "reference" in p["individual"]]
        if invited:
            encounter["participant"] = invited
        reasons = [{"text": fhir_text(item)} for item in m.agenda if item.strip()]
        if reasons:  # a FHIR string is never empty (an agenda stored with a blank point)
            encounter["reasonCode"] = reasons
        self.res.add(key, encounter)
        self.encounters[entry.meta.id] = encounter
        return key

    def _minutes(self, entry_id: str, mm: Minutes) -> str | None:
        meeting_id = entry_id.removesuffix(":minutes")
        encounter = self.encounters.get(meeting_id)
        if encounter is None:
            return None
        encounter["extension"] = [{"url": c.MINUTES, "valueString": fhir_text(mm.text)}]
        return f"encounter:{meeting_id}"

    # --- the care plans ---------------------------------------------------------------

    def _care_plan(self, key: str, plan: Resource) -> None:
        goals = self.goals.get(key)
        if goals:
            plan["goal"] = goals
        activities = self.activities.get(key)
        if activities:
            plan["activity"] = activities
        notes = self.notes.get(key)
        if notes:
            plan["note"] = notes
        self.res.add(key, plan)

    def _log_plan(self, frame: LogFrame) -> None:
        period: dict[str, str] = {"start": frame.opened_on.isoformat()}
        if frame.closed_on is not None:
            period["end"] = frame.closed_on.isoformat()
        self._care_plan(
            f"log:{frame.number}",
            {
                "resourceType": "CarePlan",
                "status": c.log_status(frame.status, frame.closing_reason),
                "intent": "plan",
                "category": [concept(c.CATEGORY, "stafettlogg", "Stafettlogg (BTI)")],
                "title": f"Stafettlogg {frame.number}",
                "description": f"BTI-nivå {frame.level.value}",
                "subject": self.res.patient(),
                "period": period,
                "author": self.res.who(frame.opened_by),
                "careTeam": [self.res.ref("team")],
            },
        )

    def _ip_plan(self, plan: PlanFrame) -> None:
        period: dict[str, str] = {
            "start": (plan.period.start if plan.period else plan.created_on).isoformat()
        }
        end = plan.ended_on or (plan.period.end if plan.period else None)
        if end is not None:
            period["end"] = max(end, plan.created_on).isoformat()
        resource: Resource = {
            "resourceType": "CarePlan",
            "status": c.PLAN_STATUS[PlanStatus(plan.status)],
            "intent": "plan",
            "category": [concept(c.CATEGORY, "individuell-plan", "Individuell plan")],
            "title": "Individuell plan",
            "subject": self.res.patient(),
            "period": period,
            "author": self.res.who(plan.responsible_ref or plan.created_by),
            "careTeam": [self.res.ref("team")],
        }
        contributors = [self.res.who(p.ref) for p in plan.participants]
        contributors = [r for r in contributors if "reference" in r]
        if contributors:
            resource["contributor"] = contributors
        self._care_plan(f"plan:{plan.id}", resource)


def unmapped_warning(kinds: list[str]) -> tuple[str, ...]:
    """The warning naming the kinds of entries no resource holds (no content, no ids)."""
    if not kinds:
        return ()
    return (f"not mapped to FHIR: {', '.join(sorted(set(kinds)))} entries",)
