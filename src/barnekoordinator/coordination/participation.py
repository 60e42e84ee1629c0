"""The child and the guardians act in the case as themselves (issue 16; decision 0024).

A 13-year-old can read her school entries; here she also *writes*, as herself, with the
principal her own login gives her — and so do the guardians with foreldreansvar:

* [`record_own_voice()`][barnekoordinator.coordination.participation.record_own_voice] — an
  *eget innspill*: what matters to me, what I want to say at the meeting. It is kept apart from
  a professional's record of the child's voice
  ([`record_child_voice()`][barnekoordinator.coordination.voice.record_child_voice]) and says
  who wrote it (the child, or a guardian, who may relay the child's view only while the child is
  under 16);
* [`record_lysglimt()`][barnekoordinator.coordination.participation.record_lysglimt] — something
  that went well (the log otherwise holds only concerns); professionals may write one too;
* [`propose_measure()`][barnekoordinator.coordination.participation.propose_measure] — a proposal
  is **not** a tiltak: a professional
  [`adopt_proposed_measure()`][barnekoordinator.coordination.participation.adopt_proposed_measure],
  takes ownership and sets the evaluation date (BTI-10), and only then is there a tiltak;
* [`comment_on_evaluation()`][barnekoordinator.coordination.participation.comment_on_evaluation]
  — a comment on the latest evaluation of a tiltak;
* answering a meeting invitation,
  [`answer_meeting_invitation()`][barnekoordinator.coordination.participation.answer_meeting_invitation]
  — I come / I do not come, and what I want to bring up (the agenda lists it).

Giving and withdrawing consent are [`give_consent()`][barnekoordinator.access.consent.give_consent]
and [`withdraw_consent()`][barnekoordinator.access.consent.withdraw_consent]; seeing who has looked
is [`Casebook.who_looked()`][barnekoordinator.casebook.Casebook.who_looked].

The commands are pure and check the case: that the author is the child or a guardian with
foreldreansvar (or, where allowed, a professional in the case). *Whether* the person logged in
may act — the child's age against the municipality's
[`ParticipationAges`][barnekoordinator.config.ParticipationAges], the guardian's standing, and
that everyone writes only as themselves — is the access policy's decision in the Casebook.
A family member's own words need no consent to be written (it is the family's own information,
given freely); who may *read* them follows the entry rules like any other entry.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Final

import attrs

from barnekoordinator.access.consent import ConsentPurpose, ledger, section_of
from barnekoordinator.access.entries import (
    Entry,
    EntryMeta,
    GuardianVisibility,
    VisibilityChanged,
    entries,
)
from barnekoordinator.access.policy import CaseRole, readers_beyond
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.stafettlogg import (
    LogMeasureAdded,
    ProposedBy,
    add_log_measure,
    current_log,
)
from barnekoordinator.edges import OLDEST_AGE
from barnekoordinator.errors import (
    ConsentRequired,
    InvalidInput,
    NotResponsible,
    RuleViolation,
    StafettloggError,
)
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import Concept
from barnekoordinator.people import check_item_id
from barnekoordinator.services import ServiceKind

__all__ = [
    "PARTICIPATION_CONCEPT",
    "Contributor",
    "EvaluationComment",
    "EvaluationCommented",
    "FamilyContributions",
    "InvitationAnswer",
    "InvitationAnswered",
    "InvitationReply",
    "Lysglimt",
    "LysglimtRecorded",
    "MeasureProposal",
    "MeasureProposed",
    "OwnVoice",
    "OwnVoiceRecorded",
    "ProposedMeasureAdopted",
    "adopt_proposed_measure",
    "answer_meeting_invitation",
    "comment_on_evaluation",
    "family_contributions",
    "propose_measure",
    "record_lysglimt",
    "record_own_voice",
]

_KEY = "participation.contributions"


class Contributor(enum.Enum):
    """Who wrote a contribution: the child, a guardian, or a professional."""

    CHILD = "child"
    GUARDIAN = "guardian"
    PROFESSIONAL = "professional"


class InvitationAnswer(enum.Enum):
    """The answer to a meeting invitation."""

    ACCEPT = "accept"
    """I come."""
    DECLINE = "decline"
    """I do not come (what I want to bring up may still be given)."""


# --- events -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class OwnVoiceRecorded(DomainEvent):
    """The child or a guardian wrote their own voice (eget innspill) into the case."""

    TYPE = "participation.own-voice-recorded"
    LEGAL_BASIS = ("bk-art-12", "pbrl-3-1", "pbrl-4-4")
    BOUNDED_FIELDS = (("child_age", 0, OLDEST_AGE),)  # the command computes it from the birth date
    voice_id: str
    by: str
    author: Contributor
    what_matters: tuple[str, ...]
    want_to_say: tuple[str, ...]
    meeting_id: str | None
    on_behalf_of_child: bool
    """A guardian relaying what the child said (allowed only while the child is under 16)."""
    child_age: int
    on: date


@attrs.frozen(kw_only=True)
class LysglimtRecorded(DomainEvent):
    """A lysglimt — something that went well — was written into the case."""

    TYPE = "participation.lysglimt-recorded"
    LEGAL_BASIS = ("pbrl-3-1", "bk-art-12")
    lysglimt_id: str
    by: str
    author: Contributor
    text: str
    on: date


@attrs.frozen(kw_only=True)
class MeasureProposed(DomainEvent):
    """The child or a guardian proposed a tiltak (not yet a tiltak: nobody owns it)."""

    TYPE = "participation.measure-proposed"
    LEGAL_BASIS = ("pbrl-3-1", "pbrl-4-4", "bk-art-12")
    proposal_id: str
    by: str
    author: Contributor
    description: str
    on: date


@attrs.frozen(kw_only=True)
class ProposedMeasureAdopted(DomainEvent):
    """A professional adopted a proposal as a tiltak, owning it with an evaluation date."""

    TYPE = "participation.proposal-adopted"
    LEGAL_BASIS = ("bti-stafettlogg", "pbrl-3-1")
    proposal_id: str
    tiltak_id: str
    by: str
    on: date


@attrs.frozen(kw_only=True)
class EvaluationCommented(DomainEvent):
    """Someone in the case commented on the latest evaluation of a tiltak."""

    TYPE = "participation.evaluation-commented"
    LEGAL_BASIS = ("pbrl-3-1", "bk-art-12")
    ACTS_ON = ("tiltak_id", "measure")
    comment_id: str
    tiltak_id: str
    evaluated_on: date
    by: str
    author: Contributor
    text: str
    on: date


@attrs.frozen(kw_only=True)
class InvitationAnswered(DomainEvent):
    """An invitee answered a meeting invitation (the latest answer counts)."""

    TYPE = "participation.invitation-answered"
    LEGAL_BASIS = ("pbrl-3-1", "bk-art-12")
    meeting_id: str
    by: str
    author: Contributor
    answer: InvitationAnswer
    bring_up: tuple[str, ...]
    on: date


# --- state ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class OwnVoice:
    """An eget innspill, with who wrote it and the child's age on the day."""

    id: str
    by: str
    author: Contributor
    what_matters: tuple[str, ...]
    want_to_say: tuple[str, ...]
    meeting_id: str | None
    on_behalf_of_child: bool
    child_age: int
    recorded_on: date


@attrs.frozen(kw_only=True)
class Lysglimt:
    """Something that went well."""

    id: str
    by: str
    author: Contributor
    author_service: ServiceKind | None
    text: str
    recorded_on: date


@attrs.frozen(kw_only=True)
class MeasureProposal:
    """A proposed tiltak; ``tiltak_id`` is set once a professional adopted it."""

    id: str
    by: str
    author: Contributor
    description: str
    proposed_on: date
    tiltak_id: str | None = None
    adopted_by: str | None = None
    adopted_on: date | None = None


@attrs.frozen(kw_only=True)
class EvaluationComment:
    """A comment on one evaluation of a tiltak."""

    id: str
    tiltak_id: str
    evaluated_on: date
    by: str
    author: Contributor
    author_service: ServiceKind | None
    text: str
    recorded_on: date


@attrs.frozen(kw_only=True)
class InvitationReply:
    """An invitee's latest answer to a meeting invitation."""

    meeting_id: str
    by: str
    author: Contributor
    answer: InvitationAnswer
    bring_up: tuple[str, ...]
    answered_on: date


@attrs.frozen(kw_only=True)
class FamilyContributions:
    """What the family (and professionals, for lysglimt, comments and answers) contributed."""

    voices: tuple[OwnVoice, ...] = ()
    lysglimt: tuple[Lysglimt, ...] = ()
    proposals: tuple[MeasureProposal, ...] = ()
    comments: tuple[EvaluationComment, ...] = ()
    replies: tuple[InvitationReply, ...] = ()

    def proposal(self, proposal_id: str) -> MeasureProposal | None:
        """The proposal with this id."""
        return next((p for p in self.proposals if p.id == proposal_id), None)

    def replies_to(self, meeting_id: str) -> tuple[InvitationReply, ...]:
        """The latest answer of each invitee to ``meeting_id``."""
        return tuple(r for r in self.replies if r.meeting_id == meeting_id)

    def ids(self) -> frozenset[str]:
        """Every contribution id in use (voices, lysglimt, proposals, comments)."""
        return frozenset(
            x.id
            for group in (self.voices, self.lysglimt, self.proposals, self.comments)
            for x in group
        )


def family_contributions(case: Case) -> FamilyContributions:
    """The contributions recorded in the case."""
    return case.part(_KEY, FamilyContributions())


def _service(case: Case, ref: str) -> ServiceKind | None:
    p = case.participant(ref)
    return p.service if p is not None else None


def _fold(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    state = family_contributions(case)
    if isinstance(e, OwnVoiceRecorded):
        voice = OwnVoice(
            id=e.voice_id,
            by=e.by,
            author=e.author,
            what_matters=e.what_matters,
            want_to_say=e.want_to_say,
            meeting_id=e.meeting_id,
            on_behalf_of_child=e.on_behalf_of_child,
            child_age=e.child_age,
            recorded_on=e.on,
        )
        state = attrs.evolve(state, voices=(*state.voices, voice))
    elif isinstance(e, LysglimtRecorded):
        glimt = Lysglimt(
            id=e.lysglimt_id,
            by=e.by,
            author=e.author,
            author_service=_service(case, e.by),
            text=e.text,
            recorded_on=e.on,
        )
        state = attrs.evolve(state, lysglimt=(*state.lysglimt, glimt))
    elif isinstance(e, MeasureProposed):
        proposal = MeasureProposal(
            id=e.proposal_id, by=e.by, author=e.author, description=e.description, proposed_on=e.on
        )
        state = attrs.evolve(state, proposals=(*state.proposals, proposal))
    elif isinstance(e, ProposedMeasureAdopted):
        state = attrs.evolve(
            state,
            proposals=tuple(
                attrs.evolve(p, tiltak_id=e.tiltak_id, adopted_by=e.by, adopted_on=e.on)
                if p.id == e.proposal_id
                else p
                for p in state.proposals
            ),
        )
    elif isinstance(e, EvaluationCommented):
        comment = EvaluationComment(
            id=e.comment_id,
            tiltak_id=e.tiltak_id,
            evaluated_on=e.evaluated_on,
            by=e.by,
            author=e.author,
            author_service=_service(case, e.by),
            text=e.text,
            recorded_on=e.on,
        )
        state = attrs.evolve(state, comments=(*state.comments, comment))
    elif isinstance(e, InvitationAnswered):
        reply = InvitationReply(
            meeting_id=e.meeting_id,
            by=e.by,
            author=e.author,
            answer=e.answer,
            bring_up=e.bring_up,
            answered_on=e.on,
        )
        kept = tuple(x for x in state.replies if (x.meeting_id, x.by) != (e.meeting_id, e.by))
        state = attrs.evolve(state, replies=(*kept, reply))
    return case.with_part(_KEY, state)


def _meta(entry_id: str, kind: str, by: str, service: ServiceKind | None, on: date) -> EntryMeta:
    return EntryMeta(
        id=entry_id,
        kind=kind,
        section=section_of(service),
        author_ref=by,
        author_service=service,
        created_on=on,
    )


def _entries(case: Case) -> Iterator[Entry]:
    state = family_contributions(case)
    for v in state.voices:
        yield Entry(
            meta=_meta(f"own-voice:{v.id}", "own-voice", v.by, None, v.recorded_on), content=v
        )
    for g in state.lysglimt:
        meta = _meta(f"lysglimt:{g.id}", "lysglimt", g.by, g.author_service, g.recorded_on)
        yield Entry(meta=meta, content=g)
    for p in state.proposals:
        meta = _meta(f"measure-proposal:{p.id}", "measure-proposal", p.by, None, p.proposed_on)
        yield Entry(meta=meta, content=p)
    for c in state.comments:
        meta = _meta(
            f"evaluation-comment:{c.id}",
            "evaluation-comment",
            c.by,
            c.author_service,
            c.recorded_on,
        )
        yield Entry(meta=meta, content=c)
    for r in state.replies:
        meta = _meta(
            f"invitation-answer:{r.meeting_id}:{r.by}",
            "invitation-answer",
            r.by,
            _service(case, r.by),
            r.answered_on,
        )
        yield Entry(meta=meta, content=r)


# --- commands ---------------------------------------------------------------------------


def _author(case: Case, by: str, *, professionals: bool, what: str) -> Contributor:
    """Who ``by`` is in the case, or ``NotResponsible`` for anyone who may not do ``what``."""
    subject = case.subject
    if subject is not None and by == subject.ref:
        return Contributor.CHILD
    if any(g.ref == by for g in case.with_responsibility()):
        return Contributor.GUARDIAN
    if professionals and case.participant(by) is not None:
        return Contributor.PROFESSIONAL
    who = (
        "the child, a guardian with foreldreansvar or a professional in the case"
        if (professionals)
        else "the child or a guardian with foreldreansvar"
    )
    raise NotResponsible(f"case {case.id}: {what} is for {who}")


def _lines(values: Sequence[str], what: str, *, required: bool) -> tuple[str, ...]:
    if isinstance(values, str):
        raise InvalidInput(f"{what}: expected a list of lines, not one string")
    lines = tuple(values)
    if (required and not lines) or not all(isinstance(x, str) and x.strip() for x in lines):
        raise InvalidInput(
            f"{what}: expected {'at least one' if required else 'only'} non-empty line(s)"
        )
    return lines


def _text(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what}: expected some text")
    return value


def _new_id(case: Case, value: str, what: str) -> str:
    check_item_id(value, what)
    if value in family_contributions(case).ids():
        raise InvalidInput(f"{what}: expected a new, non-empty id in case {case.id}")
    return value


def _professional_consent(
    case: Case, by: str, as_of: date, settings: MunicipalSettings | None
) -> None:
    """A professional writes into the shared case only under a consent covering the service."""
    p = case.participant(by)
    assert p is not None
    chosen = settings or MunicipalSettings()
    if not any(
        ledger(case).covers(case, purpose, as_of=as_of, service=p.service, settings=chosen)
        for purpose in (ConsentPurpose.STAFETTLOGG, ConsentPurpose.INDIVIDUAL_PLAN)
    ):
        raise ConsentRequired(
            f"case {case.id}: no stafettlogg or individual-plan consent covers "
            f"{p.service.value} on {as_of.isoformat()}"
        )


def record_own_voice(
    case: Case,
    *,
    voice_id: str,
    by: str,
    what_matters: Sequence[str],
    as_of: date,
    want_to_say: Sequence[str] = (),
    meeting_id: str | None = None,
    on_behalf_of_child: bool = False,
) -> OwnVoiceRecorded:
    """Command: the child or a guardian writes their own voice — what matters to me.

    ``want_to_say`` is what the author wants to say at a meeting (``meeting_id``, a meeting in
    the stafettlogg). A guardian may say it relays the child's view (``on_behalf_of_child``);
    the access policy refuses that from the child's 16th birthday (pbrl § 4-3 b, § 3-4).
    """
    case.require_open()
    child = case.child
    if child is None:
        raise RuleViolation(f"case {case.id}: the child is not born")
    author = _author(case, by, professionals=False, what="an eget innspill")
    _new_id(case, voice_id, "voice_id")
    if on_behalf_of_child and author is not Contributor.GUARDIAN:
        raise InvalidInput("on_behalf_of_child: only a guardian relays the child's view")
    if meeting_id is not None:
        log = current_log(case)
        if log is None or log.get_meeting(meeting_id) is None:
            raise InvalidInput(f"case {case.id}: no meeting {meeting_id!r} in the stafettlogg")
    return OwnVoiceRecorded(
        voice_id=voice_id,
        by=by,
        author=author,
        what_matters=_lines(what_matters, "what_matters", required=True),
        want_to_say=_lines(want_to_say, "want_to_say", required=False),
        meeting_id=meeting_id,
        on_behalf_of_child=on_behalf_of_child,
        child_age=child.age_on(as_of) if as_of >= child.birth_date else 0,
        on=as_of,
    )


def record_lysglimt(
    case: Case,
    *,
    lysglimt_id: str,
    by: str,
    text: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> LysglimtRecorded:
    """Command: write a lysglimt — something that went well.

    The child, a guardian or a professional in the case; a professional writes into the shared
    case only under a stafettlogg or individual-plan consent covering the service.
    """
    case.require_open()
    author = _author(case, by, professionals=True, what="a lysglimt")
    _new_id(case, lysglimt_id, "lysglimt_id")
    if author is Contributor.PROFESSIONAL:
        _professional_consent(case, by, as_of, settings)
    return LysglimtRecorded(
        lysglimt_id=lysglimt_id, by=by, author=author, text=_text(text, "text"), on=as_of
    )


def propose_measure(
    case: Case, *, proposal_id: str, by: str, description: str, as_of: date
) -> MeasureProposed:
    """Command: the child or a guardian proposes a tiltak.

    The proposal is not a tiltak: nobody owns it and it has no evaluation date until a
    professional adopts it
    ([`adopt_proposed_measure()`][barnekoordinator.coordination.participation.adopt_proposed_measure]).
    """
    case.require_open()
    author = _author(case, by, professionals=False, what="proposing a tiltak as the family")
    _new_id(case, proposal_id, "proposal_id")
    return MeasureProposed(
        proposal_id=proposal_id,
        by=by,
        author=author,
        description=_text(description, "description"),
        on=as_of,
    )


def adopt_proposed_measure(
    case: Case,
    *,
    proposal_id: str,
    tiltak_id: str,
    by: str,
    evaluation_date: date,
    as_of: date,
    responsible_ref: str | None = None,
    goal_id: str | None = None,
    settings: MunicipalSettings | None = None,
) -> tuple[DomainEvent, ...]:
    """Command: a professional adopts a proposal as a tiltak in the stafettlogg.

    The professional takes ownership (``responsible_ref``, by default the professional) and
    sets the evaluation date (BTI-10); the tiltak records who proposed it. A proposal is
    adopted once. Returns the adoption and the tiltak (`ProposedMeasureAdopted`,
    `LogMeasureAdded`), and a `VisibilityChanged` when the proposal is withheld.

    **The tiltak keeps the proposal's readers in the family** (decision 44). It copies the
    proposal's words into an entry of the adopter's section, so a proposal withheld from the
    guardians (at the child's request or for weighty reasons, pbrl § 3-4) stays withheld: the
    adoption records the same withholding for the tiltak, in the adopter's name, citing the
    proposal. When a guardian or the child could still read the tiltak but not the proposal on
    ``as_of`` ([`readers_beyond()`][barnekoordinator.access.policy.readers_beyond]; a former
    guardian's grant of the tiltak's section only), it raises `RuleViolation`. Professionals
    are not counted: the family writes a proposal for them to take up (decision 38), and the
    tiltak is read under the stafettlogg consent like any other.
    """
    adopter = case.participant(by)
    if adopter is None:
        raise NotResponsible(f"case {case.id}: a professional in the case adopts a proposal")
    proposal = family_contributions(case).proposal(proposal_id)
    if proposal is None:
        raise InvalidInput(f"case {case.id}: no proposal {proposal_id!r}")
    if proposal.tiltak_id is not None:
        raise StafettloggError(f"case {case.id}: proposal {proposal_id!r} is already adopted")
    if not isinstance(evaluation_date, date):
        raise StafettloggError("a tiltak must have an evaluation date (BTI-10)")
    added = add_log_measure(
        case,
        tiltak_id=tiltak_id,
        by=by,
        description=proposal.description,
        responsible_ref=responsible_ref or by,
        evaluation_date=evaluation_date,
        as_of=as_of,
        proposed_by=(
            ProposedBy.CHILD if proposal.author is Contributor.CHILD else ProposedBy.GUARDIAN
        ),
        proposer_ref=proposal.by,
        goal_id=goal_id,
        settings=settings,
    )
    adopted = ProposedMeasureAdopted(proposal_id=proposal_id, tiltak_id=tiltak_id, by=by, on=as_of)
    carried = _carried_withholding(case, proposal, added, adopter.service, as_of, settings)
    return (adopted, added, *carried)


_WITHHELD: Final = frozenset(
    {GuardianVisibility.WITHHELD_BY_CHILD_REQUEST, GuardianVisibility.WITHHELD_WEIGHTY_REASONS}
)


def _carried_withholding(
    case: Case,
    proposal: MeasureProposal,
    added: LogMeasureAdded,
    service: ServiceKind,
    as_of: date,
    settings: MunicipalSettings | None,
) -> tuple[VisibilityChanged, ...]:
    """The proposal's withholding for the tiltak that copies it, or ``RuleViolation`` when a
    guardian or the child would read the tiltak but not the proposal (decision 44)."""
    source_id = f"measure-proposal:{proposal.id}"
    source = next(e.meta for e in entries(case) if e.meta.id == source_id)
    withheld = source.visibility if source.visibility in _WITHHELD else None
    tiltak = EntryMeta(
        id=f"stafettlogg:{added.tiltak_id}",
        kind="measure",
        section=section_of(service),
        author_ref=added.by,
        author_service=service,
        created_on=added.on,
        visibility=withheld or GuardianVisibility.DEFAULT,
    )
    gained = [
        r.value
        for r in readers_beyond(case, tiltak, source, as_of, settings=settings)
        if isinstance(r, CaseRole)
    ]
    if gained:
        raise RuleViolation(
            f"case {case.id}: adopting proposal {proposal.id!r} would let the "
            f"{' and the '.join(gained)} read its words in the tiltak, which they may not read "
            "in the proposal (pbrl § 3-4, vergemålsloven § 2); nothing adopted"
        )
    if withheld is None:
        return ()
    reason = f"kept as {source_id} is withheld: the tiltak copies its words (pbrl § 3-4)"
    return (
        VisibilityChanged(
            entry_id=tiltak.id, visibility=withheld, decided_by=added.by, reason=reason
        ),
    )


def comment_on_evaluation(
    case: Case,
    *,
    comment_id: str,
    tiltak_id: str,
    by: str,
    text: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> EvaluationCommented:
    """Command: comment on the latest evaluation of a tiltak in the stafettlogg."""
    case.require_open()
    author = _author(case, by, professionals=True, what="commenting on an evaluation")
    _new_id(case, comment_id, "comment_id")
    log = current_log(case)
    tiltak = log.get_tiltak(tiltak_id) if log is not None else None
    if tiltak is None:
        raise InvalidInput(f"case {case.id}: no tiltak {tiltak_id!r}")
    if not tiltak.evaluations:
        raise StafettloggError(f"case {case.id}: tiltak {tiltak_id!r} has not been evaluated yet")
    if author is Contributor.PROFESSIONAL:
        _professional_consent(case, by, as_of, settings)
    return EvaluationCommented(
        comment_id=comment_id,
        tiltak_id=tiltak_id,
        evaluated_on=tiltak.evaluations[-1].on,
        by=by,
        author=author,
        text=_text(text, "text"),
        on=as_of,
    )


def answer_meeting_invitation(
    case: Case,
    *,
    meeting_id: str,
    by: str,
    answer: InvitationAnswer,
    as_of: date,
    bring_up: Sequence[str] = (),
) -> InvitationAnswered:
    """Command: an invitee answers a samarbeidsmøte invitation, before the meeting.

    ``bring_up`` lists what the invitee wants to bring up (given also when declining). A new
    answer replaces the invitee's earlier one.
    """
    case.require_open()
    author = _author(case, by, professionals=True, what="answering an invitation")
    log = current_log(case)
    meeting = log.get_meeting(meeting_id) if log is not None else None
    if meeting is None:
        raise InvalidInput(f"case {case.id}: no meeting {meeting_id!r} in the stafettlogg")
    if by not in meeting.invited:
        raise NotResponsible(f"case {case.id}: only an invitee answers meeting {meeting_id!r}")
    if meeting.minutes is not None or as_of > meeting.on:
        raise StafettloggError(f"case {case.id}: meeting {meeting_id!r} has taken place")
    if not isinstance(answer, InvitationAnswer):
        raise InvalidInput("answer: expected an InvitationAnswer (accept or decline)")
    return InvitationAnswered(
        meeting_id=meeting_id,
        by=by,
        author=author,
        answer=answer,
        bring_up=_lines(bring_up, "bring_up", required=False),
        on=as_of,
    )


PARTICIPATION_CONCEPT = Concept(
    name="participation",
    events=(
        OwnVoiceRecorded,
        LysglimtRecorded,
        MeasureProposed,
        ProposedMeasureAdopted,
        EvaluationCommented,
        InvitationAnswered,
    ),
    evolvers={
        OwnVoiceRecorded: _fold,
        LysglimtRecorded: _fold,
        MeasureProposed: _fold,
        ProposedMeasureAdopted: _fold,
        EvaluationCommented: _fold,
        InvitationAnswered: _fold,
    },
    entry_sources=(_entries,),
)
