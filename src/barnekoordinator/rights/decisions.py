"""Appointing a barnekoordinator, and the written decision with complaint information.

* [`route_request()`][barnekoordinator.rights.decisions.route_request] — a request addressed to a
  service that cannot appoint (the spesialisthelsetjenesten has **no** barnekoordinator duty; state
  and county services are not the municipality) is referred to the municipality's koordinerende
  enhet (hotl § 7-2 a, § 7-3; sphl § 2-5 a).
* `appoint_barnekoordinator()` — validates an appointment against an
  assessment: only when the municipality *shall* appoint, only one of the
  municipality's own service providers, before the 18th birthday. The family's and
  the child's wishes are recorded and weighed, not binding: appointing someone
  else needs a recorded weighing.
* [`make_decision()`][barnekoordinator.rights.decisions.make_decision] /
  [`render_decision()`][barnekoordinator.rights.decisions.render_decision] — the decision document
  of domain.md §4.2 (appoint, refuse, or partial: koordinator/IP instead) with reasoning per
  condition, the views of the family and the child, what follows, the samordningsplikt on refusal,
  and complaint information (pbrl §§ 7-2, 7-3, 7-5; fvl § 31), rendered as plain text, Markdown or
  HTML in nb, nn or en.

No document ever carries a national identity number: parties are named by the
names and references the caller supplies, and every text a letter prints or a record stores
(names, considerations, the author's role of each judgement, titles, wish notes, the weighing)
is rejected when it holds an eleven-digit number in any form a fødselsnummer is written
([`number_shaped()`][barnekoordinator._redact.number_shaped]: ``ddmmyy-nnnnn``, with spaces, in
groups).

A decision rests on an assessment of its own day's law: one dated under another rule set than
the assessment's, or on or after the end of the right the assessment found (the 18th
birthday), is refused, saying to assess again. The alternatives of a partial decision cite the
assessment's own result: the koordinator the rule set's basis, the individuell plan the laws
that give it to this child (``RightResult.grounds``), as in force on the date (decision 48).
"""

from __future__ import annotations

import enum
import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

import attrs

from barnekoordinator._redact import number_shaped
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.edges import DOCUMENT_POLICY
from barnekoordinator.errors import InvalidInput, RuleViolation
from barnekoordinator.legal_basis import LegalReference, parameter, refs
from barnekoordinator.people import Professional, holds_number, may_be_barnekoordinator
from barnekoordinator.rights.eligibility import (
    ConditionResult,
    EligibilityFacts,
    EligibilityResult,
    FollowUp,
    FollowUpKind,
    Judgement,
    NextStep,
    Outcome,
    Right,
    RightResult,
    rules_version,
)
from barnekoordinator.services import SERVICES, Level, Sector, ServiceKind
from barnekoordinator.services import service as lookup_service
from barnekoordinator.texts import Language, Text, language, text

__all__ = [
    "AppointmentNotice",
    "AppointmentWish",
    "DecisionKind",
    "DocumentFormat",
    "Evidence",
    "IndividualDecision",
    "Party",
    "PartyRole",
    "Reasoning",
    "Referral",
    "WishHolder",
    "make_decision",
    "notice_of_appointment",
    "render_decision",
    "route_request",
]


def _id_problem(what: str, value: str, *, ref: bool = False) -> str | None:
    """Why ``value`` (the field ``what``) cannot be printed or stored, or ``None``: it holds an
    eleven-digit number in a form a fødselsnummer is written (``number_shaped``; for a ``ref``
    outside a UUID, ``holds_number``). Never the value itself."""
    found = holds_number(value) if ref else number_shaped(value)
    if found:
        return (
            f"{what} looks like it contains a national identity number; "
            "documents use names and case references only"
        )
    return None


def _no_national_id(what: str, value: str, *, ref: bool = False) -> None:
    problem = _id_problem(what, value, ref=ref)
    if problem is not None:
        raise InvalidInput(problem)


def _appointment_texts(a: AppointmentNotice, at: str = "appointment.") -> Iterator[tuple[str, str]]:
    yield f"{at}name", a.name
    yield f"{at}title", a.title
    yield f"{at}weighing", a.weighing
    for index, wish in enumerate(a.wishes):
        yield f"{at}wishes[{index}].note", wish.note


def _free_texts(d: IndividualDecision) -> Iterator[tuple[str, str]]:
    """Every free text ``d`` prints in its letter or a record of it stores, by field."""
    yield "case_ref", d.case_ref
    yield "municipality", d.municipality
    yield "signed_by", d.signed_by
    yield "considerations", d.considerations
    for index, party in enumerate(d.parties):
        yield f"parties[{index}].name", party.name
    for index, r in enumerate(d.reasoning):
        for e_index, e in enumerate(r.evidence):
            yield f"reasoning[{index}].evidence[{e_index}].author_role", e.author_role
    if d.appointment is not None:
        yield from _appointment_texts(d.appointment)


def _text_problem(d: IndividualDecision) -> str | None:
    """The first field of ``d`` that holds a national identity number in any written form
    (its refs outside a UUID, every free text), or ``None``; never the value."""
    refs_: list[tuple[str, str]] = [(f"parties[{i}].ref", p.ref) for i, p in enumerate(d.parties)]
    if d.appointment is not None:
        refs_.append(("appointment.professional_ref", d.appointment.professional_ref))
    for what, value in refs_:
        problem = _id_problem(what, value, ref=True)
        if problem is not None:
            return problem
    for what, value in _free_texts(d):
        problem = _id_problem(what, value)
        if problem is not None:
            return problem
    return None


# --- referral ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Referral:
    """Where a request for barnekoordinator must go instead of the service it reached."""

    addressed_to: ServiceKind
    refer_to: ServiceKind
    basis: tuple[LegalReference, ...]
    explanation: Text


def route_request(addressed_to: ServiceKind | str) -> Referral | None:
    """Route a request for barnekoordinator that reached ``addressed_to``.

    Returns ``None`` when a municipal service received it (the municipality handles it; its
    koordinerende enhet has overall responsibility), or a
    [`Referral`][barnekoordinator.rights.decisions.Referral] to the koordinerende enhet when a
    hospital, another state service or a county service received it.
    """
    service = lookup_service(addressed_to)
    kind = service.kind
    if service.level is Level.MUNICIPAL:
        return None
    if service.level is Level.STATE and service.sector is Sector.HEALTH_AND_CARE:
        return Referral(
            addressed_to=kind,
            refer_to=ServiceKind.KOORDINERENDE_ENHET,
            basis=refs("hotl-7-2-a", "sphl-2-5-a", "hotl-7-3"),
            explanation=text("referral.specialist"),
        )
    return Referral(
        addressed_to=kind,
        refer_to=ServiceKind.KOORDINERENDE_ENHET,
        basis=refs("hotl-7-2-a", "hotl-7-3"),
        explanation=text("referral.not-municipal"),
    )


# --- appointment ---------------------------------------------------------------------------


class WishHolder(enum.Enum):
    """Whose wish about the person to appoint is recorded."""

    FAMILY = "family"
    CHILD = "child"


@attrs.frozen(kw_only=True)
class AppointmentWish:
    """A recorded wish: who the family or the child would like (``None``: no one in particular)."""

    by: WishHolder
    preferred_ref: str | None = None
    note: str = ""


@attrs.frozen(kw_only=True)
class AppointmentNotice:
    """A validated appointment of a barnekoordinator (serialisable, no personal identifiers)."""

    subject_ref: str
    professional_ref: str
    name: str
    title: str
    service: ServiceKind
    organisation: str
    """The organisation number of the employer (public)."""
    appointed_on: date
    ends_on: date | None
    """The child's 18th birthday (``None`` for an expected child)."""
    wishes: tuple[AppointmentWish, ...]
    wishes_followed: bool
    weighing: str
    fills_koordinator_role: bool

    @property
    def basis(self) -> tuple[LegalReference, ...]:
        """The duty appointed under: hotl § 7-2 a, and koordinerende enhet's role (§ 7-3)."""
        return _APPOINTMENT_BASIS


_APPOINTMENT_BASIS = refs("hotl-7-2-a", "hotl-7-3")


def _why_not_appoint(result: RightResult) -> str:
    pending = [c.condition.value for c in result.conditions if c.outcome is not Outcome.MET]
    reasons = {
        NextStep.OFFER: (
            "the consenting party's wish is not settled: offer it and record the answer"
        ),
        NextStep.DECLINED: (
            "the family declined; record the decline (samordningsplikt still applies)"
        ),
        NextStep.LEGAL_REVIEW: "the consent situation needs legal review first",
        NextStep.ASSESS: "conditions need professional assessment first",
        NextStep.NONE: "the conditions are not met",
    }
    return (
        f"{reasons.get(result.action, result.action.value)} ({', '.join(pending) or 'none open'})"
    )


def notice_of_appointment(
    result: EligibilityResult,
    professional: Professional,
    *,
    as_of: date,
    wishes: Sequence[AppointmentWish] = (),
    weighing: str = "",
    settings: MunicipalSettings | None = None,
) -> AppointmentNotice:
    """Validate and return the appointment of ``professional`` as the family's barnekoordinator.

    Raises:
        RuleViolation: the assessment does not oblige the municipality to appoint
            (conditions, wish, consent conflict), the child has turned 18, or the
            professional is not one of the municipality's own service providers.
        InvalidInput: ``as_of`` is before the assessment, a wish for someone else
            was not weighed (``weighing`` is empty), or a text holds a national id.
    """
    bk = result.barnekoordinator
    if as_of < result.as_of:
        raise InvalidInput(
            "the appointment date is before the assessment it rests on; assess again"
        )
    if bk.action is not NextStep.APPOINT:
        raise RuleViolation(
            f"the municipality may not appoint a barnekoordinator: {_why_not_appoint(bk)}"
        )
    if bk.ends_on is not None and as_of >= bk.ends_on:
        raise RuleViolation(
            "the barnekoordinator right ended on the child's 18th birthday "
            f"({bk.ends_on.isoformat()}); offer koordinator and individuell plan with the "
            "young adult's consent"
        )
    why_not = may_be_barnekoordinator(professional, settings or MunicipalSettings())
    if why_not is not None:
        raise RuleViolation(
            f"a barnekoordinator must be one of the municipality's own service providers: {why_not}"
        )
    _no_national_id("the professional's reference", professional.ref, ref=True)
    for what, value in (
        ("the professional's name", professional.name),
        ("the professional's title", professional.title),
        ("weighing", weighing),
        *((f"wishes[{i}].note", w.note) for i, w in enumerate(wishes)),
    ):
        _no_national_id(what, value)
    preferred = {w.preferred_ref for w in wishes if w.preferred_ref}
    followed = not preferred or professional.ref in preferred
    if not followed and not weighing.strip():
        raise InvalidInput(
            "the family's or the child's wish names someone else; the wishes are not binding, "
            "but record how they were weighed (weighing=...)"
        )
    fills = (settings or MunicipalSettings()).barnekoordinator_fills_koordinator_role
    return AppointmentNotice(
        subject_ref=result.subject_ref,
        professional_ref=professional.ref,
        name=professional.name,
        title=professional.title,
        service=professional.service,
        organisation=str(professional.organisation),
        appointed_on=as_of,
        ends_on=bk.ends_on,
        wishes=tuple(wishes),
        wishes_followed=followed,
        weighing=weighing,
        fills_koordinator_role=fills,
    )


# --- decision ---------------------------------------------------------------------------------


class DecisionKind(enum.Enum):
    """What a decision on barnekoordinator decides."""

    APPOINT = "appoint"
    REFUSE = "refuse"
    PARTIAL = "partial"
    """Refuses barnekoordinator, but the child has koordinator and/or individuell plan."""


class PartyRole(enum.Enum):
    """A party's role in the decision."""

    GUARDIAN = "guardian"
    CHILD = "child"
    EXPECTED_CHILD = "expected-child"
    YOUNG_PERSON = "young-person"
    BARNEVERN = "barnevern"
    REPRESENTATIVE = "representative"


@attrs.frozen(kw_only=True)
class Party:
    """A party named in the decision: a name and a case reference, never a national id."""

    ref: str
    name: str
    role: PartyRole


@attrs.frozen(kw_only=True)
class Evidence:
    """Who made a professional judgement the reasoning rests on, and when."""

    judgement: str
    conclusion: bool
    author_role: str
    author_service: ServiceKind | None
    assessed_on: date


@attrs.frozen(kw_only=True)
class Reasoning:
    """The reasoning on one condition: the assessed result and the judgements behind it."""

    result: ConditionResult
    evidence: tuple[Evidence, ...] = ()


@attrs.frozen(kw_only=True)
class IndividualDecision:
    """A decision on barnekoordinator, ready to render (domain.md §4.2)."""

    kind: DecisionKind
    case_ref: str
    decided_on: date
    municipality: str
    parties: tuple[Party, ...]
    assessment: RightResult
    as_of: date
    rules_version: str
    reasoning: tuple[Reasoning, ...]
    considerations: str
    """The family's and the child's views and the best interests of the child, as weighed."""
    follow_ups: tuple[FollowUp, ...]
    alternatives: tuple[RightResult, ...]
    appointment: AppointmentNotice | None
    signed_by: str
    complaint_deadline_weeks: int
    complaint_basis: tuple[LegalReference, ...]
    subject_ref: str = ""
    """The child (or expected child) the assessment was about (``""`` if not known)."""


def _evidence(
    facts: EligibilityFacts | None, result: ConditionResult, as_of: date
) -> tuple[Evidence, ...]:
    if facts is None:
        return ()
    found: list[Evidence] = []
    for name in result.condition.judgements:
        judgement: Judgement | None = getattr(facts.judgements, name)
        if judgement is not None and judgement.assessed_on <= as_of:
            found.append(
                Evidence(
                    judgement=name,
                    conclusion=judgement.conclusion,
                    author_role=judgement.author.role,
                    author_service=judgement.author.service,
                    assessed_on=judgement.assessed_on,
                )
            )
    return tuple(found)


def make_decision(
    result: EligibilityResult,
    *,
    case_ref: str,
    decided_on: date,
    municipality: str,
    parties: Iterable[Party],
    signed_by: str,
    considerations: str,
    facts: EligibilityFacts | None = None,
    appointment: AppointmentNotice | None = None,
) -> IndividualDecision:
    """Build the decision that follows from ``result`` (appoint, refuse or partial).

    ``facts`` (optional) adds who made each professional judgement and when.
    ``considerations`` must state how the family's and the child's views and the
    child's best interests were weighed.

    Raises:
        RuleViolation: the assessment does not support a decision yet (conditions
            need assessment, the wish is not settled, the family declined, or the
            consent situation needs legal review).
        InvalidInput: missing parties or considerations, an appointment that does
            not match, a date before the assessment, a stale assessment (``decided_on``
            under another rule set than the assessment's, or on or after the end of the
            right it found: assess again), or a national id in any written form in any
            text the letter prints or a record stores (party names, considerations, the
            author's role of a judgement in ``facts``, the appointment's texts).
    """
    bk = result.barnekoordinator
    parties = tuple(parties)
    _check_inputs(result, decided_on, parties, considerations)
    kind, alternatives = _kind(result, appointment)
    reasoning = tuple(
        Reasoning(result=c, evidence=_evidence(facts, c, result.as_of)) for c in bk.conditions
    )
    decision = IndividualDecision(
        kind=kind,
        case_ref=case_ref,
        decided_on=decided_on,
        municipality=municipality,
        parties=parties,
        assessment=bk,
        as_of=result.as_of,
        rules_version=result.rules_version,
        reasoning=reasoning,
        considerations=considerations,
        follow_ups=tuple(f for f in bk.follow_ups if f.kind is not FollowUpKind.DUTY_TO_APPOINT),
        alternatives=alternatives,
        appointment=appointment,
        signed_by=signed_by,
        complaint_deadline_weeks=parameter("complaint_deadline_weeks").at(decided_on),
        complaint_basis=_COMPLAINT_BASIS,
        subject_ref=result.subject_ref,
    )
    problem = _text_problem(decision)
    if problem is not None:
        raise InvalidInput(problem)
    return decision


_COMPLAINT_BASIS = refs("pbrl-7-2", "pbrl-7-3", "pbrl-7-5", "fvl-31")
"""The complaint information every decision carries (pbrl §§ 7-2, 7-3, 7-5; fvl § 31)."""


def _check_inputs(
    result: EligibilityResult,
    decided_on: date,
    parties: tuple[Party, ...],
    considerations: str,
) -> None:
    """The parties and considerations are given, and the assessment still holds on the date:
    the same rule set, and before the end of the right it found (the texts are checked on the
    decision built from them, ``_text_problem``)."""
    if not parties:
        raise InvalidInput("a decision names its parties (the family, the child)")
    if not considerations.strip():
        raise InvalidInput(
            "considerations: state the family's and the child's views "
            "and the child's best interests"
        )
    if decided_on < result.as_of:
        raise InvalidInput("decided_on is before the assessment it rests on")
    decided_rules = rules_version(decided_on)
    if decided_rules != result.rules_version:
        raise InvalidInput(
            f"decided_on ({decided_on.isoformat()}) falls under rule set {decided_rules}, but the "
            f"assessment of {result.as_of.isoformat()} was made under rule set "
            f"{result.rules_version}: the law changed in between; assess again on the decision date"
        )
    ends_on = result.barnekoordinator.ends_on
    if ends_on is not None and result.as_of < ends_on <= decided_on:
        raise InvalidInput(
            f"decided_on ({decided_on.isoformat()}) is on or after the end of the barnekoordinator "
            f"right ({ends_on.isoformat()}, the 18th birthday) the assessment of "
            f"{result.as_of.isoformat()} found: assess again on the decision date"
        )


def _kind(
    result: EligibilityResult, appointment: AppointmentNotice | None
) -> tuple[DecisionKind, tuple[RightResult, ...]]:
    """Appoint, refuse, or partial (with the alternatives met); or no decision yet."""
    bk = result.barnekoordinator
    if bk.action is NextStep.APPOINT:
        if appointment is None:
            raise InvalidInput(
                "an appointing decision needs the appointment (appoint_barnekoordinator)"
            )
        if appointment.subject_ref != result.subject_ref:
            raise InvalidInput("the appointment is for another child than the assessment")
        return DecisionKind.APPOINT, ()
    if bk.action is NextStep.NONE:
        if appointment is not None:
            raise InvalidInput("a refusal cannot carry an appointment")
        alternatives = tuple(
            r for r in (result.koordinator, result.individual_plan) if r.outcome is Outcome.MET
        )
        return (DecisionKind.PARTIAL if alternatives else DecisionKind.REFUSE), alternatives
    raise RuleViolation(f"no decision can be made yet: {_why_not_appoint(bk)}")


# --- rendering ---------------------------------------------------------------------------------


class DocumentFormat(enum.Enum):
    """How [`render_decision()`][barnekoordinator.rights.decisions.render_decision] lays out the
    document.
    """

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


# A document is a list of blocks; each renderer lays them out and escapes everything.
_Block = tuple[str, Any]


def _citations(basis: Iterable[LegalReference]) -> str:
    return ", ".join(r.citation for r in basis)


def _position(appointment: AppointmentNotice) -> str:
    service = SERVICES[appointment.service].name_nb
    return f"{appointment.title}, {service}" if appointment.title else service


def _blocks(d: IndividualDecision, lang: Language) -> list[_Block]:
    """The document's blocks, section by section (domain.md §4.2)."""

    def t(key: str, **values: object) -> str:
        return text(key).format(lang, **values)

    return [
        ("title", t("doc.title")),
        (
            "fields",
            [
                (t("doc.municipality"), d.municipality),
                (t("doc.case-ref"), d.case_ref),
                (t("doc.date"), d.decided_on.isoformat()),
            ],
        ),
        ("heading", t("doc.parties")),
        ("list", [f"{p.name} ({t(f'doc.role.{p.role.value}')})" for p in d.parties]),
        ("heading", t("doc.decision")),
        *_decision_blocks(d, t),
        ("heading", t("doc.reasons")),
        ("list", [_reason(r, lang, t) for r in d.reasoning]),
        ("heading", t("doc.views")),
        *(("para", p.strip()) for p in d.considerations.split("\n\n") if p.strip()),
        *_follow_up_blocks(d, lang, t),
        ("heading", t("doc.complaint")),
        ("para", t("doc.complaint.right")),
        ("para", t("doc.complaint.via", municipality=d.municipality)),
        ("para", t("doc.complaint.form")),
        ("para", t("doc.complaint.deadline", weeks=d.complaint_deadline_weeks)),
        ("para", t("doc.complaint.documents")),
        ("para", t("doc.complaint.ombud")),
        ("para", f"{t('doc.basis')}: {_citations(d.complaint_basis)}."),
        ("signature", [t("doc.signature"), d.signed_by, d.municipality]),
    ]


def _alternative_basis(r: RightResult) -> tuple[LegalReference, ...]:
    """What a partial decision cites for an alternative: for the individuell plan the laws that
    give it to this child (its grounds, each once), for the koordinator the rule set's basis.

    A plan rebuilt from a record (``decision_from_history``) has no grounds: the record does
    not store them. It cites pbrl § 2-5 and hotl § 7-1, what every letter printed before the
    grounds were cited, so such a letter is printed again as it was sent (a plan on other
    laws alone is then printed again with the health laws: storing the grounds needs a new
    version of the ``individual-decision.recorded`` event)."""
    if r.right is not Right.INDIVIDUAL_PLAN:
        return r.basis
    if r.grounds:
        return tuple(dict.fromkeys(b for g in r.grounds for b in g.basis))
    return _PLAN_AS_SENT


_PLAN_AS_SENT = refs("pbrl-2-5", "hotl-7-1")


def _decision_blocks(d: IndividualDecision, t: Callable[..., str]) -> list[_Block]:
    """What is decided: the appointment (and how the wishes were weighed), or the refusal."""
    if d.kind is DecisionKind.PARTIAL:
        names = [
            t(f"doc.alt.{r.right.value}", basis=_citations(_alternative_basis(r)))
            for r in d.alternatives
        ]
        joined = f" {t('doc.and')} ".join(names)
        return [("para", t("doc.partial", municipality=d.municipality, alternatives=joined))]
    if d.kind is not DecisionKind.APPOINT:
        return [("para", t("doc.refuse", municipality=d.municipality))]
    a = d.appointment
    assert a is not None  # guaranteed by make_decision
    appoint = t(
        "doc.appoint",
        municipality=d.municipality,
        name=a.name or a.professional_ref,
        position=_position(a),
        start=a.appointed_on.isoformat(),
    )
    blocks: list[_Block] = [("para", appoint)]
    if a.ends_on is not None:
        blocks.append(("para", t("doc.appoint-ends", date=a.ends_on.isoformat())))
    if a.wishes_followed:
        blocks.append(("para", t("doc.wishes-followed")))
    else:
        blocks.append(("para", t("doc.wishes-weighed", weighing=a.weighing)))
    return blocks


def _reason(r: Reasoning, lang: Language, t: Callable[..., str]) -> str:
    """One condition's outcome, explanation and basis, and who judged it when."""
    c = r.result
    line = (
        f"{c.condition.label.get(lang)}: {c.outcome_label.get(lang)}. "
        f"{c.explanation.get(lang)} {t('doc.basis')}: {_citations(c.basis)}."
    )
    for e in r.evidence:
        author = e.author_role
        if e.author_service is not None:
            author += f" ({SERVICES[e.author_service].name_nb})"
        conclusion = t("doc.yes") if e.conclusion else t("doc.no")
        line += " " + t(
            "doc.evidence",
            term=t(f"doc.term.{e.judgement}"),
            date=e.assessed_on.isoformat(),
            author=author,
            conclusion=conclusion,
        )
    return line


def _follow_up_blocks(d: IndividualDecision, lang: Language, t: Callable[..., str]) -> list[_Block]:
    """What follows, and on refusal or partial the municipality's samordningsplikt."""
    blocks: list[_Block] = []
    samordning = [f for f in d.follow_ups if f.kind is FollowUpKind.SAMORDNINGSPLIKT]
    others = [f for f in d.follow_ups if f.kind is not FollowUpKind.SAMORDNINGSPLIKT]
    if others:
        blocks.append(("heading", t("doc.follow-ups")))
        blocks.append(("list", [f"{f.explain(lang)} ({_citations(f.basis)})" for f in others]))
    if d.kind is not DecisionKind.APPOINT:
        basis = samordning[0].basis if samordning else refs("hotl-3-4", "veileder-samordningsplikt")
        blocks.append(("heading", t("doc.samordningsplikt")))
        blocks.append(
            ("para", f"{text('follow-up.samordningsplikt').get(lang)} ({_citations(basis)})")
        )
    return blocks


def _render_text(blocks: list[_Block]) -> str:
    out: list[str] = []
    for kind, value in blocks:
        if kind == "title":
            out += [value, "=" * len(value), ""]
        elif kind == "heading":
            out += [value, "-" * len(value)]
        elif kind == "fields":
            out += [f"{k}: {v}" for k, v in value] + [""]
        elif kind == "list":
            out += [f"- {item}" for item in value] + [""]
        elif kind == "para":
            out += [value, ""]
        elif kind == "signature":
            out += list(value)
    return "\n".join(out).rstrip() + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def _md(value: str) -> str:
    """Escape Markdown syntax (and a leading list/heading marker) in one line of text."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(value.split()))
    return re.sub(r"^(\d+)\.", r"\1\\.", escaped).replace("\n", " ")


def _render_markdown(blocks: list[_Block]) -> str:
    out: list[str] = []
    for kind, value in blocks:
        if kind == "title":
            out += [f"# {_md(value)}", ""]
        elif kind == "heading":
            out += [f"## {_md(value)}", ""]
        elif kind == "fields":
            out += [f"**{_md(k)}:** {_md(v)}  " for k, v in value] + [""]
        elif kind == "list":
            out += [f"- {_md(item)}" for item in value] + [""]
        elif kind == "para":
            out += [_md(value), ""]
        elif kind == "signature":
            out += [f"{_md(line)}  " for line in value]
    return "\n".join(out).rstrip() + "\n"


def _h(value: str) -> str:
    return html.escape(value, quote=True)


def _render_html(blocks: list[_Block], lang: Language, title: str) -> str:
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang.value}">',
        f'<head><meta charset="utf-8"/><meta http-equiv="Content-Security-Policy" '
        f'content="{_h(DOCUMENT_POLICY)}"/><title>{_h(title)}</title></head>',
        "<body>",
    ]
    for kind, value in blocks:
        if kind == "title":
            out.append(f"<h1>{_h(value)}</h1>")
        elif kind == "heading":
            out.append(f"<h2>{_h(value)}</h2>")
        elif kind == "fields":
            out.append("<dl>")
            out += [f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in value]
            out.append("</dl>")
        elif kind == "list":
            out.append("<ul>")
            out += [f"<li>{_h(item)}</li>" for item in value]
            out.append("</ul>")
        elif kind == "para":
            out.append(f"<p>{_h(value)}</p>")
        elif kind == "signature":
            out.append('<p class="signature">' + "<br/>".join(_h(line) for line in value) + "</p>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_decision(
    decision: IndividualDecision,
    *,
    lang: Language | str = Language.NB,
    fmt: DocumentFormat | str = DocumentFormat.TEXT,
) -> str:
    """The decision as plain text, Markdown or HTML (well-formed; everything escaped)."""
    lang = language(lang)
    try:
        fmt = DocumentFormat(fmt)
    except ValueError:
        raise InvalidInput(
            f"unknown format {fmt!r}; expected 'text', 'markdown' or 'html'"
        ) from None
    blocks = _blocks(decision, lang)
    if fmt is DocumentFormat.MARKDOWN:
        return _render_markdown(blocks)
    if fmt is DocumentFormat.HTML:
        return _render_html(blocks, lang, text("doc.title").get(lang))
    return _render_text(blocks)
