"""Decisions recorded in the case: access-checked, audited and hash-chained (issue 14 item 8).

[`make_decision()`][barnekoordinator.rights.decisions.make_decision] stays the pure builder of an
[`IndividualDecision`][barnekoordinator.rights.decisions.IndividualDecision];
[`record_individual_decision()`][barnekoordinator.rights.decision_records.record_individual_decision]
is the command that turns one into an
[`IndividualDecisionRecorded`][barnekoordinator.rights.decision_records.IndividualDecisionRecorded]
event, run through [`Casebook.execute`][barnekoordinator.casebook.Casebook.execute] like any other
command — so the access policy decides who may record it (koordinerende enhet), the call is audited
and the event joins the hash chain.

The event stores what the decision *says* in stable keys — the rule set's version, and per
condition its key and reason code — not the rendered sentences, so
[`decision_from_history()`][barnekoordinator.rights.decision_records.decision_from_history] rebuilds
the decision from the history against the rule set it was made under, and
[`render_decision()`][barnekoordinator.rights.decisions.render_decision] prints the letter in nb,
nn or en from that. The alternatives of a partial decision are stored as (right, outcome, next
step); they are rebuilt without their conditions, which the letter does not print.

A decision is about the case's child and family (domain.md §4.2 item 1): its parties are people
of the case (the child, a guardian, barnevernstjenesten), and name everyone who may complain of
it — the guardians with foreldreansvar (both when they share it, BK-12; before birth also the
pregnant woman), the young person from 16 (pbrl § 4-3 b), the adult alone from 18. The facts
[`record_assessed_decision()`][barnekoordinator.rights.decision_records.record_assessed_decision]
assesses are the case's: its child (ref and birth or expected date) and its guardians with
foreldreansvar.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import attrs

from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import Concept
from barnekoordinator.legal_basis import MAX_COMPLAINT_DEADLINE_WEEKS, parameter
from barnekoordinator.people import (
    BARNEVERN,
    Child,
    ExpectedChild,
    GuardianRelation,
    Professional,
    check_item_id,
    id_problem,
)
from barnekoordinator.rights.decisions import (
    _COMPLAINT_BASIS,
    AppointmentNotice,
    AppointmentWish,
    DecisionKind,
    Evidence,
    IndividualDecision,
    Party,
    PartyRole,
    Reasoning,
    _text_problem,
    make_decision,
    notice_of_appointment,
    render_decision,
)
from barnekoordinator.rights.eligibility import (
    Condition,
    EligibilityFacts,
    FollowUp,
    FollowUpKind,
    NextStep,
    Outcome,
    Right,
    RightResult,
    assess,
)
from barnekoordinator.rights.eligibility._rule_sets import PUBLISHED_TABLES, TABLES, rules_version
from barnekoordinator.rights.eligibility._tables import Tables
from barnekoordinator.services import ServiceKind

__all__ = [
    "DECISION_RECORDS_CONCEPT",
    "DecidedAlternative",
    "DecidedCondition",
    "DecidedFollowUp",
    "IndividualDecisionRecorded",
    "decision_from_history",
    "record_assessed_decision",
    "record_individual_decision",
    "recorded_decisions",
]

_KEY = "decision_records"


@attrs.frozen(kw_only=True)
class DecidedCondition:
    """One condition of the decision's reasoning: its key, reason code and the evidence."""

    condition: Condition
    reason: str
    evidence: tuple[Evidence, ...] = ()


@attrs.frozen(kw_only=True)
class DecidedFollowUp:
    """A follow-up the decision names, by kind (with its service or date)."""

    kind: FollowUpKind
    service: ServiceKind | None = None
    due: date | None = None


@attrs.frozen(kw_only=True)
class DecidedAlternative:
    """A right the family has instead (a partial decision)."""

    right: Right
    outcome: Outcome
    action: NextStep


def _complaint_weeks(_instance: object, _attribute: object, value: Any) -> None:
    """The event is refused when made as when read (``history._converter``): 0 to
    ``MAX_COMPLAINT_DEADLINE_WEEKS`` whole weeks, so the deadline's date can be computed."""
    if type(value) is not int or not 0 <= value <= MAX_COMPLAINT_DEADLINE_WEEKS:
        raise InvalidInput(
            "complaint_deadline_weeks: expected a whole number from 0 to "
            f"{MAX_COMPLAINT_DEADLINE_WEEKS}"
        )


@attrs.frozen(kw_only=True)
class IndividualDecisionRecorded(DomainEvent):
    """The municipality made a decision on a right; the letter is rendered from this record."""

    TYPE = "individual-decision.recorded"
    LEGAL_BASIS = ("hotl-7-2-a", "hotl-7-3", "pbrl-7-2")
    decision_id: str
    case_ref: str
    """The municipality's own reference for the case (as printed on the letter)."""
    kind: DecisionKind
    right: Right
    subject_ref: str
    decided_on: date
    municipality: str
    parties: tuple[Party, ...]
    as_of: date
    rules_version: str
    outcome: Outcome
    action: NextStep
    reasoning: tuple[DecidedCondition, ...]
    considerations: str
    follow_ups: tuple[DecidedFollowUp, ...]
    alternatives: tuple[DecidedAlternative, ...]
    appointment: AppointmentNotice | None
    signed_by: str
    complaint_deadline_weeks: int = attrs.field(validator=_complaint_weeks)
    by: str

    def write_problem(self) -> str | None:
        """A decision is recorded to be printed again: one whose letter could not be rebuilt
        (a rule set, a result, a follow-up or an explanation its rules do not have) or printed
        (an appointment on a refusal or none on an appointing decision, a judgement with no
        text) is refused, as is a ref nested in ``parties`` or ``appointment`` that
        [`id_problem()`][barnekoordinator.people.id_problem] refuses (the id fields' rule: the
        letter prints them), and a free text the letter prints (a party's name, the
        considerations, an author's role, the appointment's name, title, weighing and wish
        notes …) that holds a national identity number in any written form
        ([`number_shaped()`][barnekoordinator._redact.number_shaped]), as
        [`make_decision()`][barnekoordinator.rights.decisions.make_decision] refuses it."""
        for field, ref in self._nested_refs():
            problem = id_problem(ref)
            if problem is not None:
                return f"{field}: {problem}"
        if (self.kind is DecisionKind.APPOINT) != (self.appointment is not None):
            return "appointment: expected one exactly when the decision appoints"
        try:
            rebuilt = _rebuilt(self)
            render_decision(rebuilt)
        except InvalidInput as exc:
            return str(exc)
        except (LookupError, ValueError, TypeError, AttributeError) as exc:
            return f"$: expected a decision whose letter can be printed ({type(exc).__name__})"
        problem = _text_problem(rebuilt)
        if problem is not None:
            return problem
        return super().write_problem()

    def _nested_refs(self) -> Iterator[tuple[str, object]]:
        for index, party in enumerate(self.parties):
            yield f"parties[{index}].ref", party.ref
        a = self.appointment
        if a is not None:
            yield "appointment.subject_ref", a.subject_ref
            yield "appointment.professional_ref", a.professional_ref
            for index, wish in enumerate(a.wishes):
                if wish.preferred_ref is not None:
                    yield f"appointment.wishes[{index}].preferred_ref", wish.preferred_ref


def recorded_decisions(case: Case) -> tuple[IndividualDecisionRecorded, ...]:
    """Every decision recorded in the case, oldest first."""
    found: tuple[IndividualDecisionRecorded, ...] = case.part(_KEY, ())
    return found


def _recorded(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, IndividualDecisionRecorded)
    return case.with_part(_KEY, (*recorded_decisions(case), e))


def _entitled_parties(case: Case, on: date) -> frozenset[str]:
    """The refs of who speaks for the child's right on ``on`` (pbrl § 7-2 with kap. 4): the
    parties a decision must name, and who may complain of it.

    The guardians with foreldreansvar (before birth also the pregnant woman) as the child's
    representatives; from 16 also the young person (pbrl § 4-3 b); from 18 the adult alone.
    """
    subject = case.subject
    refs = {g.ref for g in case.with_responsibility()}
    if isinstance(subject, ExpectedChild):
        refs |= {g.ref for g in case.guardians if g.relation is GuardianRelation.MOTHER}
        return frozenset(refs)
    if not isinstance(subject, Child):
        return frozenset()
    age = _age(case, on)
    if age >= parameter("age_of_majority").at(on):
        return frozenset({subject.ref})
    if age >= parameter("health_majority_age").at(on):
        refs.add(subject.ref)
    return frozenset(refs)


def _age(case: Case, on: date) -> int:
    """The born child's completed years on ``on`` (0 before birth, or for an expected child)."""
    child = case.child
    return child.age_on(on) if child is not None and on >= child.birth_date else 0


_CHILD_ROLES = (PartyRole.CHILD, PartyRole.EXPECTED_CHILD, PartyRole.YOUNG_PERSON)


def _check_party_refs(case: Case, parties: Sequence[Party]) -> None:
    """Each party is a person of the case, once: its child, a guardian, or barnevernstjenesten
    (``BARNEVERN``, who consents when it has taken over care). Errors name the field, never a
    ref or a name."""
    subject = case.subject
    assert subject is not None  # checked by the caller
    known = {g.ref for g in case.guardians} | {subject.ref, BARNEVERN}
    seen: set[str] = set()
    for index, party in enumerate(parties):
        if party.ref not in known:
            raise InvalidInput(
                f"parties[{index}].ref: expected the child or a guardian of case {case.id}, or "
                f"barnevernstjenesten ({BARNEVERN!r})"
            )
        if party.ref in seen:
            raise InvalidInput(f"parties[{index}].ref: expected each party once")
        seen.add(party.ref)


def _check_parties(case: Case, parties: Sequence[Party], on: date) -> None:
    """The parties are people of the case in their own role, and name everyone entitled on
    ``on`` (domain.md §4.2 item 1). Errors name the field, never a ref or a name."""
    _check_party_refs(case, parties)
    subject = case.subject
    assert subject is not None  # checked by the caller
    entitled = _entitled_parties(case, on)
    for index, party in enumerate(parties):
        if party.ref == subject.ref:
            allowed: tuple[PartyRole, ...] = _CHILD_ROLES
        elif party.ref == BARNEVERN:
            allowed = (PartyRole.BARNEVERN,)
        elif party.ref in entitled:
            allowed = (PartyRole.GUARDIAN, PartyRole.REPRESENTATIVE)
        else:  # no foreldreansvar, or the child is 18: not «forelder med foreldreansvar»
            allowed = (PartyRole.REPRESENTATIVE,)
        if party.role not in allowed:
            raise InvalidInput(
                f"parties[{index}].role: expected {' or '.join(r.value for r in allowed)} for "
                f"this person of case {case.id} (guardian: a parent with foreldreansvar for a "
                "child under 18)"
            )
    missing = entitled - {p.ref for p in parties}
    if missing:
        raise InvalidInput(
            f"parties: {len(missing)} of the people who may complain of the decision in case "
            f"{case.id} are not named: the guardians with foreldreansvar (both when they share "
            "it), the young person from 16, the adult alone from 18 (domain.md §4.2)"
        )


def _check_facts(case: Case, facts: EligibilityFacts, on: date) -> None:
    """The facts are about the case's child (ref, and birth or expected date) and name its
    guardians with foreldreansvar as the case does on ``on`` (after 18 they no longer have it).
    Errors name the field, never a value."""
    subject = case.subject
    if isinstance(subject, Child):
        child = facts.child
        if child is None:
            raise InvalidInput(
                f"facts.child: expected the born child of case {case.id}, not an expected child"
            )
        if child.ref != subject.ref:
            raise InvalidInput(f"facts.child.ref: expected the child of case {case.id}")
        if child.birth_date != subject.birth_date:
            raise InvalidInput(
                f"facts.child.birth_date: expected the child's birth date in case {case.id}"
            )
    elif isinstance(subject, ExpectedChild):
        expected = facts.expected_child
        if expected is None:
            raise InvalidInput(
                f"facts.expected_child: expected the expected child of case {case.id}; "
                "record the birth first (child_born)"
            )
        if expected.ref != subject.ref:
            raise InvalidInput(f"facts.expected_child.ref: expected the child of case {case.id}")
        if expected.expected_date != subject.expected_date:
            raise InvalidInput(
                f"facts.expected_child.expected_date: expected the date in case {case.id}"
            )
        if expected.adoption is not subject.adoption:
            raise InvalidInput(
                f"facts.expected_child.adoption: expected what case {case.id} records"
            )
    for index, g in enumerate(facts.guardians):
        known = case.guardian(g.ref)
        if known is None:
            raise InvalidInput(
                f"facts.guardians[{index}].ref: expected a guardian of case {case.id}"
            )
        if g.relation is not None and g.relation is not known.relation:
            raise InvalidInput(
                f"facts.guardians[{index}].relation: expected the relation in case {case.id}"
            )
    if _age(case, on) < parameter("age_of_majority").at(on):
        responsible = {g.ref for g in case.with_responsibility()}
        if {g.ref for g in facts.guardians if g.parental_responsibility} != responsible:
            raise InvalidInput(
                "facts.guardians: expected the guardians with foreldreansvar in case "
                f"{case.id}, each with parental_responsibility true (both when they share it)"
            )


def record_individual_decision(
    case: Case, *, decision: IndividualDecision, decision_id: str, by: str, as_of: date
) -> IndividualDecisionRecorded:
    """Command: record ``decision`` in the case (koordinerende enhet; the policy checks who).

    Raises:
        InvalidInput: the id is empty or used, the decision is about another child,
            it is dated after the day it is recorded, or a party is no person of the case
            (its child, a guardian, barnevernstjenesten) or is named twice.
    """
    case.require_open()
    subject = case.subject
    if subject is None:
        raise InvalidInput(f"case {case.id} has not been opened")
    check_item_id(decision_id, "decision_id")
    if any(d.decision_id == decision_id for d in recorded_decisions(case)):
        raise InvalidInput(f"decision_id: expected a new, non-empty id in case {case.id}")
    if decision.subject_ref and decision.subject_ref != subject.ref:
        raise InvalidInput(f"the decision is about another child than case {case.id}")
    if decision.decided_on > as_of:
        raise InvalidInput("a decision is recorded on or after the day it was made")
    _check_party_refs(case, decision.parties)
    a = decision.assessment
    return IndividualDecisionRecorded(
        decision_id=decision_id,
        case_ref=decision.case_ref,
        kind=decision.kind,
        right=a.right,
        subject_ref=subject.ref,
        decided_on=decision.decided_on,
        municipality=decision.municipality,
        parties=decision.parties,
        as_of=decision.as_of,
        rules_version=decision.rules_version,
        outcome=a.outcome,
        action=a.action,
        reasoning=tuple(
            DecidedCondition(
                condition=r.result.condition, reason=r.result.reason, evidence=r.evidence
            )
            for r in decision.reasoning
        ),
        considerations=decision.considerations,
        follow_ups=tuple(
            DecidedFollowUp(kind=f.kind, service=f.service, due=f.due) for f in decision.follow_ups
        ),
        alternatives=tuple(
            DecidedAlternative(right=r.right, outcome=r.outcome, action=r.action)
            for r in decision.alternatives
        ),
        appointment=decision.appointment,
        signed_by=decision.signed_by,
        complaint_deadline_weeks=decision.complaint_deadline_weeks,
        by=by,
    )


def record_assessed_decision(
    case: Case,
    *,
    facts: EligibilityFacts,
    decision_id: str,
    case_ref: str,
    municipality: str,
    parties: Sequence[Party],
    signed_by: str,
    considerations: str,
    appointed: Professional | None = None,
    wishes: Sequence[AppointmentWish] = (),
    weighing: str = "",
    assessed_on: date | None = None,
    decided_on: date | None = None,
    by: str,
    as_of: date,
    settings: MunicipalSettings,
) -> IndividualDecisionRecorded:
    """Command: assess ``facts``, make the decision that follows and record it (koordinerende
    enhet; pbrl § 2-5 c, hotl § 7-2 a).

    The form of
    [`record_individual_decision()`][barnekoordinator.rights.decision_records.record_individual_decision]
    a ``command.v1`` document can carry: the library assesses the facts itself (on
    ``assessed_on``, default ``as_of``, under the municipality's settings), so the legal
    references in the record are the rule set's, never the document's.
    [`make_decision()`][barnekoordinator.rights.decisions.make_decision] builds the decision
    (dated ``decided_on``, default ``as_of``); an appointing decision names the ``appointed``
    professional, checked by
    [`notice_of_appointment()`][barnekoordinator.rights.decisions.notice_of_appointment] with
    the recorded ``wishes`` and their ``weighing``.

    The facts must be the case's (domain.md §4.2 item 1): its child (ref, and birth date or
    expected date) and its guardians with foreldreansvar (while the child is under 18). The
    ``parties`` are people of the case in their own role and name everyone who may complain of
    the decision: the guardians with foreldreansvar (both when they share it), from 16 also the
    young person, from 18 the adult alone. The child under 16 may be named, and need not be.

    Raises:
        RuleViolation: the assessment does not support a decision yet, or the professional
            may not be appointed.
        InvalidInput: what ``make_decision`` and ``record_individual_decision`` refuse, facts
            about another child or other guardians than the case's, parties who are not the
            case's or leave someone out, an appointment on a refusal, or a missing one on an
            appointing decision.
    """
    assessed = as_of if assessed_on is None else assessed_on
    case.require_open()
    if case.subject is None:
        raise InvalidInput(f"case {case.id} has not been opened")
    decided = as_of if decided_on is None else decided_on
    _check_facts(case, facts, assessed)
    _check_parties(case, parties, decided)
    result = assess(facts, as_of=assessed, settings=settings)
    appointment = None
    if appointed is not None:
        appointment = notice_of_appointment(
            result,
            appointed,
            as_of=decided,
            wishes=wishes,
            weighing=weighing,
            settings=settings,
        )
    decision = make_decision(
        result,
        case_ref=case_ref,
        decided_on=decided,
        municipality=municipality,
        parties=parties,
        signed_by=signed_by,
        considerations=considerations,
        facts=facts,
        appointment=appointment,
    )
    return record_individual_decision(
        case, decision=decision, decision_id=decision_id, by=by, as_of=as_of
    )


def _follow_up(table: Tables, right: Right, f: DecidedFollowUp) -> FollowUp:
    if f.service is not None:
        return table.escalations[f.service]
    base = table.follow_ups[(right, f.kind)]
    if f.due is not None:
        return FollowUp(kind=f.kind, basis=base.basis, text=base.text, due=f.due)
    return base


def decision_from_history(case: Case, decision_id: str) -> IndividualDecision:
    """The decision ``decision_id`` rebuilt from the case's history, ready to render.

    Raises:
        InvalidInput: no such decision in the case, or one recorded with what its rule set does
            not have (only a hand-made record stored before such records were refused).
    """
    e = next((d for d in recorded_decisions(case) if d.decision_id == decision_id), None)
    if e is None:
        raise InvalidInput(f"case {case.id} has no decision {decision_id!r}")
    try:
        return _rebuilt(e)
    except InvalidInput as exc:
        raise InvalidInput(
            f"case {case.id}: decision {decision_id!r} cannot be rebuilt: {exc}"
        ) from None


def _tables_of(e: IndividualDecisionRecorded) -> Tables | None:
    """The tables ``e`` was decided with: its rule set's, or the rule set as first published
    (``PUBLISHED_TABLES``) when ``e`` names a rule set that no longer applies on its day. Such
    a decision was made before decision 48 dated the citations (a "2022-08-01" decision of
    2023 or later), and its letter is printed again as it was sent. One made before then on a day
    its rule set still covers cannot be told apart and is printed with the corrected citations.
    """
    if e.rules_version in PUBLISHED_TABLES:
        try:
            current = rules_version(e.as_of)
        except InvalidInput:  # a day before the first rule set: not the library's decision
            return None
        if current != e.rules_version:
            return PUBLISHED_TABLES[e.rules_version]
    return TABLES.get(e.rules_version)


def _rebuilt(e: IndividualDecisionRecorded) -> IndividualDecision:
    """The decision ``e`` records, rebuilt against the rule set it was made under.

    Raises:
        InvalidInput: the field that names what the rule set does not have (never its value).
    """
    table = _tables_of(e)
    if table is None:
        raise _missing("rules_version", f"one of the library's rule sets ({', '.join(TABLES)})")
    try:
        basis = table.basis[e.right]
    except KeyError:
        raise _missing("right", "a right its rule set decides") from None
    explanation = table.explanations.get((e.right, e.outcome, e.action))
    if explanation is None:
        raise _missing("outcome", "an outcome and next step its rule set gives for the right")
    reasoning = []
    for index, c in enumerate(e.reasoning):
        result = table.conditions.get((e.right, c.condition, c.reason))
        if result is None:
            raise _missing(f"reasoning[{index}]", "a condition and reason of its rule set")
        reasoning.append(Reasoning(result=result, evidence=c.evidence))
    follow_ups = []
    for index, f in enumerate(e.follow_ups):
        try:
            follow_ups.append(_follow_up(table, e.right, f))
        except KeyError:
            raise _missing(f"follow_ups[{index}]", "a follow-up of its rule set") from None
    alternatives = []
    for index, a in enumerate(e.alternatives):
        if a.right not in table.basis or (a.right, a.outcome, a.action) not in table.explanations:
            raise _missing(f"alternatives[{index}]", "a right and outcome of its rule set")
        alternatives.append(
            RightResult(
                right=a.right,
                outcome=a.outcome,
                action=a.action,
                basis=table.basis[a.right],
                conditions=(),
                follow_ups=(),
                explanation=table.explanations[(a.right, a.outcome, a.action)],
            )
        )
    assessment = RightResult(
        right=e.right,
        outcome=e.outcome,
        action=e.action,
        basis=basis,
        conditions=tuple(r.result for r in reasoning),
        follow_ups=tuple(follow_ups),
        explanation=explanation,
        ends_on=e.appointment.ends_on if e.appointment is not None else None,
    )
    return IndividualDecision(
        kind=e.kind,
        case_ref=e.case_ref,
        decided_on=e.decided_on,
        municipality=e.municipality,
        parties=e.parties,
        assessment=assessment,
        as_of=e.as_of,
        rules_version=e.rules_version,
        reasoning=tuple(reasoning),
        considerations=e.considerations,
        follow_ups=tuple(follow_ups),
        alternatives=tuple(alternatives),
        appointment=e.appointment,
        signed_by=e.signed_by,
        complaint_deadline_weeks=e.complaint_deadline_weeks,
        complaint_basis=_COMPLAINT_BASIS,
        subject_ref=e.subject_ref,
    )


def _missing(field: str, expected: str) -> InvalidInput:
    return InvalidInput(f"{field}: expected {expected}")


DECISION_RECORDS_CONCEPT = Concept(
    name="decision-records",
    events=(IndividualDecisionRecorded,),
    evolvers={IndividualDecisionRecorded: _recorded},
)
