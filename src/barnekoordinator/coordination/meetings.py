"""Meeting preparation: the agenda of a samarbeidsmøte, built from the case.

Families report that meetings are not prepared (domain.md §9.2 need 5).
[`prepare_meeting()`][barnekoordinator.coordination.meetings.prepare_meeting] builds the agenda from
what the case already knows — the **child's own voice** first (recorded by a professional, or
written by the child herself with
[`record_own_voice()`][barnekoordinator.coordination.participation.record_own_voice]), then what the
guardians wrote and what invitees want to bring up, then tiltak whose evaluation is due,
concerns raised since the last meeting, decisions still open, a pending handover and the plan's
revision — and lists **who must bring what** (the owner of each due tiltak brings its evaluation,
and so on). Pass the agenda's lines to
[`barnekoordinator.coordination.stafettlogg.schedule_meeting()`][barnekoordinator.coordination.stafettlogg.schedule_meeting].

The child's voice (what matters to the child, with the weight the law gives it) is recorded
in [`barnekoordinator.coordination.voice`][barnekoordinator.coordination.voice]; it comes first
on the agenda, and this module's concept folds its events. A suspicion of abuse reported
without the guardians (BTI-02) never appears on a meeting agenda.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

import attrs

from barnekoordinator.access.consent import Section, section_of, shares_with
from barnekoordinator.access.entries import EntryMeta, entries
from barnekoordinator.access.policy import readers_beyond
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import coordination_holder
from barnekoordinator.coordination.participation import Contributor, family_contributions
from barnekoordinator.coordination.plan import IndividualPlan, PlanStatus, check_plan, current_plan
from barnekoordinator.coordination.stafettlogg import (
    LogStatus,
    MeetingScheduled,
    Stafettlogg,
    bti,
    current_log,
    schedule_meeting,
)
from barnekoordinator.coordination.voice import (
    ChildVoiceRecorded,
    _voice,
    child_voices,
    voice_weight,
)
from barnekoordinator.coordination.voice import _entries as _voice_entries
from barnekoordinator.edges import LATEST_DATE
from barnekoordinator.errors import (
    InvalidInput,
    StafettloggError,
)
from barnekoordinator.history.case import Case
from barnekoordinator.history.concept import Concept
from barnekoordinator.legal_basis import parameter
from barnekoordinator.texts import Language, language, text

__all__ = [
    "MAX_HORIZON_DAYS",
    "MEETINGS_CONCEPT",
    "AgendaPoint",
    "AgendaTopic",
    "BringItem",
    "MeetingAgenda",
    "bring_line",
    "call_prepared_meeting",
    "prepare_meeting",
]

MAX_HORIZON_DAYS: Final = 36_525
"""The longest ``horizon_days`` a meeting is prepared with: a hundred years, as the CLI's
``agenda --days`` (everything a case can have due lies within a lifetime); it also keeps the
schema's integer far inside 64 bits."""


# --- the agenda -------------------------------------------------------------------------


class AgendaTopic(enum.Enum):
    """What an agenda point is about."""

    CHILD_VOICE = "child-voice"
    SCHEDULED = "scheduled"
    """A point set when the meeting was called."""
    EVALUATION = "evaluation"
    NEW_CONCERN = "new-concern"
    OPEN_DECISION = "open-decision"
    HANDOVER = "handover"
    PLAN = "plan"
    FAMILY_INPUT = "family-input"
    """What a guardian wrote, or an invitee wants to bring up (issue 16)."""


@attrs.frozen(kw_only=True)
class AgendaPoint:
    """One point of the agenda; ``refs`` are the ids of what it is about."""

    topic: AgendaTopic
    title: str
    refs: tuple[str, ...] = ()
    owner_ref: str | None = None
    section: Section | None = None
    """The section of the entry whose words ``title`` quotes (a tiltak's description, a
    concern's text, what the child or a guardian said), as the entry is classed for access; None
    when the title holds only the library's own words, ids and dates. A stored agenda keeps
    only the points all its readers may read (see `call_prepared_meeting()`)."""
    source: str | None = None
    """The id of that entry (``stafettlogg:t1``, ``plan:ip-1:pm1``, ``own-voice:v1`` …), or
    None."""


@attrs.frozen(kw_only=True)
class BringItem:
    """Someone who must bring something to the meeting."""

    who_ref: str | None
    what: str
    about: str


@attrs.frozen(kw_only=True)
class MeetingAgenda:
    """A prepared meeting: chair, participants, points in order, and who brings what."""

    as_of: date
    meeting_id: str | None
    chair_ref: str | None
    since: date | None
    """The last meeting with minutes; "new" concerns are those recorded after it."""
    participants: tuple[str, ...]
    points: tuple[AgendaPoint, ...]
    bring: tuple[BringItem, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        """The points' titles, e.g. for a meeting's agenda lines.

        See [`schedule_meeting()`][barnekoordinator.coordination.stafettlogg.schedule_meeting].
        """
        return tuple(p.title for p in self.points)

    def brought_by(self, ref: str) -> tuple[BringItem, ...]:
        """What ``ref`` must bring."""
        return tuple(b for b in self.bring if b.who_ref == ref)


def _last_minuted(log: Stafettlogg | None, as_of: date) -> date | None:
    if log is None:
        return None
    days = [m.on for m in log.meetings if m.minutes is not None and m.on <= as_of]
    return max(days) if days else None


def prepare_meeting(
    case: Case,
    as_of: date,
    *,
    meeting_id: str | None = None,
    horizon_days: int = 7,
    settings: MunicipalSettings | None = None,
    lang: Language | str = Language.NB,
) -> MeetingAgenda:
    """Build the agenda of a meeting held on ``as_of`` from the state of the case.

    Evaluations count as due when their date is on or before ``as_of`` plus
    ``horizon_days``. With ``meeting_id`` (a scheduled meeting in the log) the
    participants are its invitees. The titles the agenda writes are in ``lang`` (bokmål by
    default); what people wrote stays as they wrote it.

    Raises:
        InvalidInput: ``horizon_days`` is not a whole number from 0 to
            [`MAX_HORIZON_DAYS`][barnekoordinator.coordination.meetings.MAX_HORIZON_DAYS], or
            ``as_of`` plus ``horizon_days`` falls after
            [`LATEST_DATE`][barnekoordinator.edges.LATEST_DATE].
    """
    settings = settings or MunicipalSettings()
    code = language(lang)
    if (
        isinstance(horizon_days, bool)
        or not isinstance(horizon_days, int)
        or not 0 <= horizon_days <= MAX_HORIZON_DAYS
    ):
        raise InvalidInput(f"horizon_days: expected a whole number from 0 to {MAX_HORIZON_DAYS}")
    if (LATEST_DATE - as_of).days < horizon_days:
        # Checked before adding: a day past year 9999 cannot even be computed.
        raise InvalidInput(
            "horizon_days: the meeting day + horizon_days must be on or before "
            f"{LATEST_DATE.isoformat()} (the dates the library supports)"
        )
    until = as_of + timedelta(days=horizon_days)
    log = current_log(case)
    if log is not None and log.status is LogStatus.CLOSED:
        log = None
    since = _last_minuted(log, as_of)
    holder = coordination_holder(case, as_of)
    chair = holder.ref if holder is not None else None
    plan = current_plan(case)
    # The parts in agenda order; each lists its points and what must be brought for them.
    parts = (
        _child_voice_part(case, as_of, since, chair, code),
        _family_input_part(case, since, meeting_id, code),
        _scheduled_part(log, meeting_id),
        _tiltak_evaluation_part(log, until, code),
        _plan_evaluation_part(plan, until, code),
        _new_concern_part(case, log, since, code),
        _open_decision_part(log, code),
        _handover_part(log, code),
        _plan_part(case, plan, as_of, until, settings, code),
    )

    participants = _participants(case, log, meeting_id, chair, as_of, settings)
    classed = {e.meta.id: e.meta.section for e in entries(case)}  # as the policy sees them
    return MeetingAgenda(
        as_of=as_of,
        meeting_id=meeting_id,
        chair_ref=chair,
        since=since,
        participants=participants,
        points=tuple(
            attrs.evolve(p, section=classed.get(p.source)) if p.source else p
            for part in parts
            for p in part.points
        ),
        bring=tuple(item for part in parts for item in part.bring),
    )


def call_prepared_meeting(
    case: Case,
    *,
    meeting_id: str,
    by: str,
    meeting_on: date,
    invited: Sequence[str],
    as_of: date,
    agenda: Sequence[str] = (),
    horizon_days: int = 7,
    settings: MunicipalSettings | None = None,
    lang: Language = Language.NB,
) -> MeetingScheduled:
    """Command: prepare a samarbeidsmøte's agenda from the case and call the meeting.

    The agenda is ``agenda`` (the caller's own points) followed by the lines
    `prepare_meeting()` builds for a meeting on ``meeting_on`` and one «Ta med» line for each
    thing someone must bring; the meeting is then called as
    [`schedule_meeting()`][barnekoordinator.coordination.stafettlogg.schedule_meeting] calls it
    (by the stafettholder or a leader, on a day that has not passed). The lines are in ``lang``.

    **The stored agenda quotes only what all its readers may read** (decision 44). The meeting
    is a stafettlogg entry of the caller's service and section, so it keeps a point that quotes
    no one ([`AgendaPoint.source`][barnekoordinator.coordination.meetings.AgendaPoint] None), or
    an entry of its own section that nobody who may read the meeting on ``as_of`` is refused
    ([`readers_beyond()`][barnekoordinator.access.policy.readers_beyond]). Not a health tiltak
    in the teacher's meeting; not an entry the caller's service, or a service that reads the
    meeting under a stafettlogg consent alone, may not read (a plan measure needs a consent to
    share, pbrl § 4-4, taushetsplikt); not one withheld from the guardians (pbrl § 3-4). A
    point left out keeps its «Ta med» line (ids and dates only), so its owner still brings it.

    Raises:
        InvalidInput: ``horizon_days`` is out of range, as `prepare_meeting()` says.
        RuleViolation: As `schedule_meeting()` refuses to call the meeting.
    """
    if meeting_on < as_of:  # as schedule_meeting refuses it, before the agenda is built: a
        # day before the law's parameters (2018) made that a confusing InvalidInput instead
        raise StafettloggError("a meeting cannot be called for a day that has passed")
    prepared = prepare_meeting(
        case, meeting_on, horizon_days=horizon_days, settings=settings, lang=lang
    )
    caller = case.participant(by)
    service = caller.service if caller is not None else None
    # The entry the meeting becomes, as the stafettlogg lists it; the sources as the policy
    # sees them (with their visibility decisions).
    meeting = EntryMeta(
        id=f"stafettlogg:{meeting_id}",
        kind="meeting",
        section=section_of(service),
        author_ref=by,
        author_service=service,
        created_on=meeting_on,
    )
    sources = {e.meta.id: e.meta for e in entries(case)}

    def quotable(source: EntryMeta | None) -> bool:
        return (
            source is not None
            and source.section is meeting.section
            and not readers_beyond(case, meeting, source, as_of, settings=settings)
        )

    lines = tuple(
        p.title for p in prepared.points if p.source is None or quotable(sources.get(p.source))
    )
    bring = tuple(bring_line(b, lang) for b in prepared.bring)
    return schedule_meeting(
        case,
        meeting_id=meeting_id,
        by=by,
        meeting_on=meeting_on,
        agenda=(*agenda, *lines, *bring),
        invited=invited,
        as_of=as_of,
        settings=settings,
    )


def bring_line(item: BringItem, lang: Language | str = Language.NB) -> str:
    """The agenda's «Ta med» line for what ``item`` says someone must bring, in ``lang``."""
    if item.who_ref:
        return text("agenda.bring").format(lang, who=item.who_ref, what=item.what)
    return text("agenda.bring-anyone").format(lang, what=item.what)


@attrs.frozen
class _AgendaPart:
    """The points one part of the agenda adds, and what must be brought for them."""

    points: tuple[AgendaPoint, ...]
    bring: tuple[BringItem, ...] = ()


def _child_voice_part(
    case: Case, as_of: date, since: date | None, chair: str | None, lang: Language
) -> _AgendaPart:
    """1. The child's own voice comes first.

    The voices recorded since the last meeting (else the latest one). When none
    is new and the child is old enough to be heard, the chair brings its view.
    """
    points: list[AgendaPoint] = []
    bring: list[BringItem] = []
    child = case.child
    voices = child_voices(case)
    recent = [v for v in voices if since is None or v.recorded_on > since] or voices[-1:]
    for v in recent:
        points.append(
            AgendaPoint(
                topic=AgendaTopic.CHILD_VOICE,
                title=text("agenda.child-voice").format(
                    lang, age=v.child_age, text="; ".join(v.what_matters)
                ),
                refs=(v.id,),
                owner_ref=v.recorded_by,
                source=f"child-voice:{v.id}",
            )
        )
    own = [
        v
        for v in family_contributions(case).voices
        if v.author is Contributor.CHILD and (since is None or v.recorded_on > since)
    ]
    for o in own:
        said = "; ".join((*o.what_matters, *o.want_to_say))
        points.append(
            AgendaPoint(
                topic=AgendaTopic.CHILD_VOICE,
                title=text("agenda.child-own-voice").format(lang, age=o.child_age, text=said),
                refs=(o.id,),
                owner_ref=o.by,
                source=f"own-voice:{o.id}",
            )
        )
    if child is not None and as_of >= child.birth_date:
        age = child.age_on(as_of)
        fresh = [v for v in voices if since is None or v.recorded_on > since] + own
        if not fresh and age >= parameter("child_heard_from_age").at(as_of):
            bring.append(
                BringItem(
                    who_ref=chair,
                    what=text("agenda.fetch-child-view").format(
                        lang,
                        note=text(f"agenda.weight.{voice_weight(age, as_of).value}").get(lang),
                    ),
                    about="child-voice",
                )
            )
    return _AgendaPart(tuple(points), tuple(bring))


def _family_input_part(
    case: Case, since: date | None, meeting_id: str | None, lang: Language
) -> _AgendaPart:
    """1b. What the guardians wrote since the last meeting, and what invitees want to bring up."""
    state = family_contributions(case)
    points = [
        AgendaPoint(
            topic=AgendaTopic.FAMILY_INPUT,
            title=text("agenda.guardian-own-voice").format(
                lang, text="; ".join((*v.what_matters, *v.want_to_say))
            ),
            refs=(v.id,),
            owner_ref=v.by,
            source=f"own-voice:{v.id}",
        )
        for v in state.voices
        if v.author is Contributor.GUARDIAN and (since is None or v.recorded_on > since)
    ]
    if meeting_id is not None:
        points += [
            AgendaPoint(
                topic=AgendaTopic.FAMILY_INPUT,
                title=text("agenda.bring-up").format(lang, text=line),
                refs=(meeting_id,),
                owner_ref=r.by,
                source=f"invitation-answer:{meeting_id}:{r.by}",
            )
            for r in state.replies_to(meeting_id)
            for line in r.bring_up
        ]
    return _AgendaPart(tuple(points))


def _scheduled_part(log: Stafettlogg | None, meeting_id: str | None) -> _AgendaPart:
    """2. What the meeting was called for, as set when it was scheduled."""
    scheduled = next((m for m in log.meetings if m.id == meeting_id), None) if log else None
    if scheduled is None:
        return _AgendaPart(())
    points = (
        AgendaPoint(
            topic=AgendaTopic.SCHEDULED,
            title=item,
            refs=(scheduled.id,),
            owner_ref=scheduled.called_by,
            source=f"stafettlogg:{scheduled.id}",
        )
        for item in scheduled.agenda
    )
    return _AgendaPart(tuple(points))


def _tiltak_evaluation_part(log: Stafettlogg | None, until: date, lang: Language) -> _AgendaPart:
    """3. Evaluations due of the stafettlogg's tiltak; each owner brings the evaluation."""
    points: list[AgendaPoint] = []
    bring: list[BringItem] = []
    if log is not None:
        for t in log.active_tiltak:
            if t.evaluation_date <= until:
                points.append(
                    AgendaPoint(
                        topic=AgendaTopic.EVALUATION,
                        title=text("agenda.tiltak-evaluation").format(
                            lang, id=t.id, description=t.description
                        ),
                        refs=(t.id,),
                        owner_ref=t.responsible_ref,
                        source=f"stafettlogg:{t.id}",
                    )
                )
                bring.append(
                    BringItem(
                        who_ref=t.responsible_ref,
                        what=text("agenda.tiltak-evaluation-bring").format(
                            lang, id=t.id, date=t.evaluation_date.isoformat()
                        ),
                        about=t.id,
                    )
                )
    return _AgendaPart(tuple(points), tuple(bring))


def _plan_evaluation_part(plan: IndividualPlan | None, until: date, lang: Language) -> _AgendaPart:
    """3. Evaluations due of the active plan's measures; each owner brings the evaluation."""
    points: list[AgendaPoint] = []
    bring: list[BringItem] = []
    if plan is not None and plan.status is PlanStatus.ACTIVE:
        for m in plan.measures:
            if m.ended_on is None and m.evaluation_date is not None and m.evaluation_date <= until:
                points.append(
                    AgendaPoint(
                        topic=AgendaTopic.EVALUATION,
                        title=text("agenda.plan-measure-evaluation").format(
                            lang, id=m.id, description=m.description
                        ),
                        refs=(m.id,),
                        owner_ref=m.responsible_ref,
                        source=f"plan:{plan.id}:{m.id}",
                    )
                )
                bring.append(
                    BringItem(
                        who_ref=m.responsible_ref,
                        what=text("agenda.plan-measure-evaluation-bring").format(lang, id=m.id),
                        about=m.id,
                    )
                )
    return _AgendaPart(tuple(points), tuple(bring))


def _new_concern_part(
    case: Case, log: Stafettlogg | None, since: date | None, lang: Language
) -> _AgendaPart:
    """4. New concerns since the last meeting (never a report made without the guardians)."""
    points: list[AgendaPoint] = []
    if log is not None:
        for o in log.observations:
            if since is None or o.recorded_on > since:
                points.append(
                    AgendaPoint(
                        topic=AgendaTopic.NEW_CONCERN,
                        title=text("agenda.new-concern").format(
                            lang,
                            kind=text(f"archive.observation.{o.kind.value}").get(lang),
                            text=o.text,
                        ),
                        refs=(o.id,),
                        owner_ref=o.author_ref,
                        source=f"stafettlogg:{o.id}",
                    )
                )
    for u in bti(case).undringer:
        if u.suspected_abuse or not u.involve_guardians:
            continue
        if since is None or u.registered_on > since:
            points.append(
                AgendaPoint(
                    topic=AgendaTopic.NEW_CONCERN,
                    title=text("agenda.undring").format(lang, id=u.id, description=u.description),
                    refs=(u.id,),
                    owner_ref=u.registered_by,
                    source=f"undring:{u.id}",
                )
            )
    return _AgendaPart(tuple(points))


def _open_decision_part(log: Stafettlogg | None, lang: Language) -> _AgendaPart:
    """5. Open decisions; whoever follows one up brings its status."""
    points: list[AgendaPoint] = []
    bring: list[BringItem] = []
    if log is not None:
        for d in log.decisions:
            if d.open:
                points.append(
                    AgendaPoint(
                        topic=AgendaTopic.OPEN_DECISION,
                        title=text("agenda.open-decision").format(lang, id=d.id, text=d.text),
                        refs=(d.id,),
                        owner_ref=d.follow_up_by,
                        source=f"stafettlogg:{d.id}",
                    )
                )
                bring.append(
                    BringItem(
                        who_ref=d.follow_up_by,
                        what=text("agenda.open-decision-bring").format(lang, id=d.id),
                        about=d.id,
                    )
                )
    return _AgendaPart(tuple(points), tuple(bring))


def _handover_part(log: Stafettlogg | None, lang: Language) -> _AgendaPart:
    """6. A pending handover; the proposed new holder brings an answer."""
    if log is None or not log.is_open or log.baton.pending is None:
        return _AgendaPart(())
    p = log.baton.pending
    point = AgendaPoint(
        topic=AgendaTopic.HANDOVER,
        title=text("agenda.handover").format(lang, to=p.to_ref, date=p.proposed_on.isoformat()),
        refs=(p.to_ref,),
        owner_ref=log.baton.holder_ref,
    )
    bring = BringItem(
        who_ref=p.to_ref, what=text("agenda.handover-bring").get(lang), about="handover"
    )
    return _AgendaPart((point,), (bring,))


def _plan_part(
    case: Case,
    plan: IndividualPlan | None,
    as_of: date,
    until: date,
    settings: MunicipalSettings,
    lang: Language,
) -> _AgendaPart:
    """7. The individual plan: revision and missing items."""
    points: list[AgendaPoint] = []
    bring: list[BringItem] = []
    if plan is not None and plan.status is PlanStatus.ACTIVE:
        period = plan.period
        if (
            period is not None
            and period.next_revision is not None
            and period.next_revision <= until
        ):
            points.append(
                AgendaPoint(
                    topic=AgendaTopic.PLAN,
                    title=text("agenda.plan-revision").format(
                        lang, date=period.next_revision.isoformat()
                    ),
                    refs=(plan.id,),
                    owner_ref=plan.responsible_ref,
                )
            )
            bring.append(
                BringItem(
                    who_ref=plan.responsible_ref,
                    what=text("agenda.plan-revision-bring").get(lang),
                    about=plan.id,
                )
            )
        check = check_plan(case, as_of, settings)
        if not check.complete:
            points.append(
                AgendaPoint(
                    topic=AgendaTopic.PLAN,
                    title=text("agenda.plan-missing").format(
                        lang, items=", ".join(str(i) for i in check.missing_items)
                    ),
                    refs=(plan.id,),
                    owner_ref=plan.responsible_ref,
                )
            )
    return _AgendaPart(tuple(points), tuple(bring))


def _participants(
    case: Case,
    log: Stafettlogg | None,
    meeting_id: str | None,
    chair: str | None,
    as_of: date,
    settings: MunicipalSettings | None,
) -> tuple[str, ...]:
    if meeting_id is not None:
        meeting = log.get_meeting(meeting_id) if log is not None else None
        if meeting is None:
            raise InvalidInput(f"case {case.id}: no meeting {meeting_id!r} in the stafettlogg")
        return meeting.invited
    found: list[str] = [chair] if chair else []
    # Only the services the family agreed to share with are invited (as schedule_meeting
    # requires): the chair, who writes the log, is covered already.
    found += [
        p.ref
        for p in case.participants
        if shares_with(case, p.service, as_of=as_of, settings=settings)
    ]
    found += [g.ref for g in case.with_responsibility()]
    child = case.child
    heard_from = parameter("child_heard_from_age").at(as_of)
    if child is not None and as_of >= child.birth_date and child.age_on(as_of) >= heard_from:
        found.append(child.ref)
    return tuple(dict.fromkeys(found))


MEETINGS_CONCEPT = Concept(
    name="meetings",
    events=(ChildVoiceRecorded,),
    evolvers={
        ChildVoiceRecorded: _voice,
    },
    entry_sources=(_voice_entries,),
)
