"""The child's voice: what matters to the child, with the weight the law gives it.

The child's voice is recorded as a [`ChildVoice`][barnekoordinator.coordination.voice.ChildVoice]
entry — what matters to me — with the child's age and the weight the law gives it: the child is
heard if able to form views, **must** be heard from 7 at the latest, its views carry **great
weight** from 12, and from 16 the young person consents in health matters (pbrl § 4-4, § 4-3;
barnekonvensjonen art. 12). It comes first on a meeting's agenda
([`prepare_meeting()`][barnekoordinator.coordination.meetings.prepare_meeting]), and the
meetings concept
([`MEETINGS_CONCEPT`][barnekoordinator.coordination.meetings.MEETINGS_CONCEPT]) folds these
events. A child who writes herself uses
[`record_own_voice()`][barnekoordinator.coordination.participation.record_own_voice].
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from datetime import date

import attrs

from barnekoordinator.access.consent import section_of, shares_with
from barnekoordinator.access.entries import Entry, EntryMeta
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.edges import OLDEST_AGE
from barnekoordinator.errors import ConsentRequired, InvalidInput, NotResponsible, RuleViolation
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.legal_basis import parameter
from barnekoordinator.people import check_item_id
from barnekoordinator.services import ServiceKind
from barnekoordinator.texts import text

__all__ = [
    "ChildVoice",
    "ChildVoiceRecorded",
    "VoiceWeight",
    "child_voices",
    "record_child_voice",
    "voice_weight",
]

_KEY = "agenda.child-voice"


class VoiceWeight(enum.Enum):
    """The weight the child's views carry at its age (pbrl § 4-4, § 4-3; bk art. 12)."""

    HEARD_IF_ABLE = "heard-if-able"
    """Under 7: heard when able to form views."""
    MUST_BE_HEARD = "must-be-heard"
    """From 7: must be informed and heard before the guardians decide."""
    GREAT_WEIGHT = "great-weight"
    """From 12: the child's views carry great weight."""
    OWN_CONSENT = "own-consent"
    """From 16: the young person consents in health matters."""


def voice_weight(age: int, as_of: date) -> VoiceWeight:
    """The weight of a child's views at ``age`` under the law in force on ``as_of``."""
    if age >= parameter("health_majority_age").at(as_of):
        return VoiceWeight.OWN_CONSENT
    if age >= parameter("child_great_weight_from_age").at(as_of):
        return VoiceWeight.GREAT_WEIGHT
    if age >= parameter("child_heard_from_age").at(as_of):
        return VoiceWeight.MUST_BE_HEARD
    return VoiceWeight.HEARD_IF_ABLE


@attrs.frozen(kw_only=True)
class ChildVoice:
    """What matters to the child, in its own words where possible, with its age and weight."""

    id: str
    what_matters: tuple[str, ...]
    own_words: bool
    child_age: int
    weight: VoiceWeight
    recorded_on: date
    recorded_by: str
    author_service: ServiceKind | None

    @property
    def weight_note_nb(self) -> str:
        """The weight note in Norwegian bokmål."""
        return text(f"agenda.weight.{self.weight.value}").nb

    @property
    def weight_note_en(self) -> str:
        """The weight note in English."""
        return text(f"agenda.weight.{self.weight.value}").en


@attrs.frozen(kw_only=True)
class ChildVoiceRecorded(DomainEvent):
    """The child's own voice was recorded (what matters to me), with age and weight."""

    TYPE = "agenda.child-voice-recorded"
    LEGAL_BASIS = ("bk-art-12", "pbrl-3-1", "pbrl-4-4")
    BOUNDED_FIELDS = (("child_age", 0, OLDEST_AGE),)  # the command computes it from the birth date
    voice_id: str
    what_matters: tuple[str, ...]
    own_words: bool
    child_age: int
    weight: VoiceWeight
    by: str
    on: date


def child_voices(case: Case) -> tuple[ChildVoice, ...]:
    """The child's recorded voices, oldest first."""
    empty: tuple[ChildVoice, ...] = ()
    return case.part(_KEY, empty)


def _voice(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ChildVoiceRecorded)
    p = case.participant(e.by)
    v = ChildVoice(
        id=e.voice_id,
        what_matters=e.what_matters,
        own_words=e.own_words,
        child_age=e.child_age,
        weight=e.weight,
        recorded_on=e.on,
        recorded_by=e.by,
        author_service=p.service if p is not None else None,
    )
    return case.with_part(_KEY, (*child_voices(case), v))


def _entries(case: Case) -> Iterator[Entry]:
    for v in child_voices(case):
        service = v.author_service
        yield Entry(
            meta=EntryMeta(
                id=f"child-voice:{v.id}",
                kind="child-voice",
                section=section_of(service),
                author_ref=v.recorded_by,
                author_service=service,
                created_on=v.recorded_on,
            ),
            content=v,
        )


def record_child_voice(
    case: Case,
    *,
    voice_id: str,
    by: str,
    what_matters: Sequence[str],
    as_of: date,
    own_words: bool = True,
    settings: MunicipalSettings | None = None,
) -> ChildVoiceRecorded:
    """Command: record what matters to the child, with its age and the weight that follows.

    Recorded by a professional in the case, into the shared stafettlogg or plan,
    so a consent covering the recorder's service must apply (stafettlogg or
    individual plan).
    """
    case.require_open()
    child = case.child
    if child is None:
        raise RuleViolation(f"case {case.id}: the child is not born")
    recorder = case.participant(by)
    if recorder is None:
        raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    if not what_matters or not all(w.strip() for w in what_matters):
        raise InvalidInput("what_matters: record at least one thing, in the child's words")
    check_item_id(voice_id, "voice_id")
    if any(v.id == voice_id for v in child_voices(case)):
        raise InvalidInput(f"voice_id: expected a new, non-empty id in case {case.id}")
    settings = settings or MunicipalSettings()
    if not shares_with(case, recorder.service, as_of=as_of, settings=settings):
        raise ConsentRequired(
            f"case {case.id}: no stafettlogg or individual-plan consent covers "
            f"{recorder.service.value} on {as_of.isoformat()}"
        )
    age = child.age_on(as_of)
    return ChildVoiceRecorded(
        voice_id=voice_id,
        what_matters=tuple(what_matters),
        own_words=own_words,
        child_age=age,
        weight=voice_weight(age, as_of),
        by=by,
        on=as_of,
    )
