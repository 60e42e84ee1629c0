"""The JSON wire format of eligibility facts and results, decisions and complaints.

Each document has a JSON Schema shipped with the package:

* ``eligibility-facts.v1``: [`facts_to_json()`][barnekoordinator.rights.wire.facts_to_json] /
  [`facts_from_json()`][barnekoordinator.rights.wire.facts_from_json];
* ``eligibility-result.v1``: [`result_to_json()`][barnekoordinator.rights.wire.result_to_json] /
  [`result_from_json()`][barnekoordinator.rights.wire.result_from_json];
* ``decision.v1``: [`decision_to_json()`][barnekoordinator.rights.wire.decision_to_json] (and
  [`appointment_to_json()`][barnekoordinator.rights.wire.appointment_to_json] for its
  ``appointment`` object);
* ``complaint.v1``: [`complaint_to_json()`][barnekoordinator.rights.wire.complaint_to_json] /
  [`complaint_from_json()`][barnekoordinator.rights.wire.complaint_from_json].

Inbound documents are validated against their schema first, so a caller sees
*every* problem with its JSON path; only then are they structured (facts and
complaints: the facts by a reader written for their schema, complaints with a private cattrs
converter, made on first use so that ``assess`` never imports ``cattrs``). Outbound documents
always contain every field, so ``to_json(from_json(doc))`` is stable and
``from_json(to_json(x)) == x``.

Result documents repeat the explanations in nb, nn and en for readers; on the
way back in, condition results and follow-ups are looked up in the rule set
named by ``rules_version`` and checked against the document. A document stored before that rule
set's citations were dated (decision 48) is checked against the rule set as first published, and
reads back as it was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from barnekoordinator._who_consents import GuardianRelation
from barnekoordinator.errors import InvalidInput, SchemaViolation
from barnekoordinator.history.documents import validate_document
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    Condition,
    ConditionResult,
    EligibilityFacts,
    EligibilityResult,
    ExistingCoordination,
    ExpectedChildFacts,
    FollowUp,
    FollowUpKind,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    NextStep,
    Outcome,
    PlanGround,
    PlanLaw,
    Right,
    RightResult,
    Wish,
    Wishes,
)
from barnekoordinator.rights.eligibility._rule_sets import (
    PUBLISHED_TABLES,
    TABLES,
    condition_result,
    follow_up,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.texts import Language, Text

if TYPE_CHECKING:
    import cattrs

    from barnekoordinator.legal_basis import LegalReference
    from barnekoordinator.rights.complaints import Complaint
    from barnekoordinator.rights.decisions import AppointmentNotice, IndividualDecision
    from barnekoordinator.rights.eligibility._tables import Tables

__all__ = [
    "COMPLAINT_SCHEMA",
    "DECISION_SCHEMA",
    "FACTS_SCHEMA",
    "RESULT_SCHEMA",
    "appointment_to_json",
    "complaint_from_json",
    "complaint_to_json",
    "decision_to_json",
    "facts_from_json",
    "facts_to_json",
    "result_from_json",
    "result_to_json",
]

FACTS_SCHEMA = "eligibility-facts.v1"
RESULT_SCHEMA = "eligibility-result.v1"
DECISION_SCHEMA = "decision.v1"
COMPLAINT_SCHEMA = "complaint.v1"


@cache
def _converter() -> cattrs.Converter:
    """The converter of facts (outbound) and complaints, made on first use (cattrs costs ~12 ms)."""
    import cattrs

    # detailed_validation=False lets the SchemaViolation raised by EligibilityFacts pass through.
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=False)
    converter.register_unstructure_hook(date, lambda d: d.isoformat())
    converter.register_structure_hook(date, lambda v, _: date.fromisoformat(v))
    return converter


def facts_to_json(facts: EligibilityFacts) -> dict[str, Any]:
    """The facts as a JSON-ready dict (``eligibility-facts.v1``; every field present)."""
    document: dict[str, Any] = _converter().unstructure(facts)
    return document


# --- facts in: a reader for a document the schema has accepted ------------------------------
# The schema has checked every type, enum and required key, and forbids other keys, so each
# reader below only turns JSON values into the attrs values; an omitted key takes the class's
# default (the classes are built with keyword arguments). A test keeps the result equal to what
# the cattrs converter makes of the same document (tests/properties/test_eligibility_properties).


def _wishes_in(doc: Mapping[str, Any] | None) -> dict[str, Any]:
    return {} if doc is None else {key: Wish(value) for key, value in doc.items()}


def _author_in(doc: Mapping[str, Any]) -> Author:
    service = doc.get("service")
    return Author(
        ref=doc["ref"],
        role=doc["role"],
        service=ServiceKind(service) if service is not None else None,
    )


def _judgement_in(doc: Mapping[str, Any] | None) -> Judgement | None:
    if doc is None:
        return None
    return Judgement(
        conclusion=doc["conclusion"],
        author=_author_in(doc["author"]),
        assessed_on=date.fromisoformat(doc["assessed_on"]),
        **({"note": doc["note"]} if "note" in doc else {}),
    )


def _guardian_in(doc: Mapping[str, Any]) -> GuardianFacts:
    fields: dict[str, Any] = {
        "ref": doc["ref"],
        "parental_responsibility": doc["parental_responsibility"],
    }
    if "wishes" in doc:
        fields["wishes"] = Wishes(**_wishes_in(doc["wishes"]))
    if doc.get("relation") is not None:
        fields["relation"] = GuardianRelation(doc["relation"])
    return GuardianFacts(**fields)


def _facts_in(doc: Mapping[str, Any]) -> EligibilityFacts:
    """Structure a valid ``eligibility-facts.v1`` document (no cattrs: see above)."""
    fields: dict[str, Any] = {}
    if (child := doc.get("child")) is not None:
        fields["child"] = ChildFacts(
            ref=child["ref"], birth_date=date.fromisoformat(child["birth_date"])
        )
    if (expected := doc.get("expected_child")) is not None:
        adoptee = expected.get("birth_date")
        fields["expected_child"] = ExpectedChildFacts(
            ref=expected["ref"],
            expected_date=date.fromisoformat(expected["expected_date"]),
            adoption=expected.get("adoption", False),
            birth_date=date.fromisoformat(adoptee) if adoptee is not None else None,
        )
    if "needs" in doc:
        needs = doc["needs"]
        fields["needs"] = Needs(
            services=tuple(ServiceKind(k) for k in needs.get("services", ())),
            health_and_care=needs.get("health_and_care"),
            other_welfare=needs.get("other_welfare"),
        )
    if "judgements" in doc:
        fields["judgements"] = Judgements(
            **{key: _judgement_in(value) for key, value in doc["judgements"].items()}
        )
    if "guardians" in doc:
        fields["guardians"] = tuple(_guardian_in(g) for g in doc["guardians"])
    for key in ("child_wishes", "barnevern_wishes"):
        if key in doc:
            fields[key] = Wishes(**_wishes_in(doc[key]))
    for key in ("child_heard", "barnevern_has_care", "parental_risk_factors", "description"):
        if key in doc:
            fields[key] = doc[key]
    if doc.get("bti_level") is not None:
        fields["bti_level"] = int(doc["bti_level"])  # 2.0 is an integer to the schema
    if "existing" in doc:
        fields["existing"] = ExistingCoordination(**doc["existing"])
    if "services_declining_cooperation" in doc:
        fields["services_declining_cooperation"] = tuple(
            ServiceKind(k) for k in doc["services_declining_cooperation"]
        )
    if "diagnoses" in doc:
        fields["diagnoses"] = tuple(doc["diagnoses"])
    return EligibilityFacts(**fields)


def facts_from_json(document: object) -> EligibilityFacts:
    """Validate and structure an ``eligibility-facts.v1`` document.

    Raises:
        SchemaViolation: Listing every problem with its JSON path.
    """
    validate_document(FACTS_SCHEMA, document)
    assert isinstance(document, Mapping)  # the schema's "type": "object"
    return _facts_in(document)


# --- results ------------------------------------------------------------------------------


def _texts(text: Text) -> dict[str, str]:
    return {"nb": text.nb, "nn": text.nn, "en": text.en}


def _basis(basis: tuple[LegalReference, ...]) -> list[dict[str, str]]:
    return [{"key": r.key, "citation": r.citation} for r in basis]


def _condition_json(c: ConditionResult) -> dict[str, Any]:
    return {
        "condition": c.condition.value,
        "outcome": c.outcome.value,
        "reason": c.reason,
        "conditions_duty": c.conditions_duty,
        "basis": _basis(c.basis),
        "facts": list(c.facts),
        "explanation": _texts(c.explanation),
    }


def _follow_up_json(f: FollowUp) -> dict[str, Any]:
    return {
        "kind": f.kind.value,
        "basis": _basis(f.basis),
        "service": f.service.value if f.service is not None else None,
        "due": f.due.isoformat() if f.due is not None else None,
        "explanation": {lang.value: f.explain(lang) for lang in Language},
    }


def _right_json(r: RightResult) -> dict[str, Any]:
    return {
        "right": r.right.value,
        "outcome": r.outcome.value,
        "action": r.action.value,
        "basis": _basis(r.basis),
        "ends_on": r.ends_on.isoformat() if r.ends_on is not None else None,
        "explanation": _texts(r.explanation),
        "conditions": [_condition_json(c) for c in r.conditions],
        "follow_ups": [_follow_up_json(f) for f in r.follow_ups],
        "grounds": [_ground_json(g) for g in r.grounds],
    }


def _ground_json(g: PlanGround) -> dict[str, Any]:
    return {
        "law": g.law.value,
        "responsible": g.responsible.value,
        "basis": _basis(g.basis),
        "explanation": _texts(g.explanation),
    }


def result_to_json(result: EligibilityResult) -> dict[str, Any]:
    """The result as a JSON-ready dict, valid against ``eligibility-result.v1``."""
    return {
        "as_of": result.as_of.isoformat(),
        "rules_version": result.rules_version,
        "subject_ref": result.subject_ref,
        "barnekoordinator": _right_json(result.barnekoordinator),
        "koordinator": _right_json(result.koordinator),
        "individual_plan": _right_json(result.individual_plan),
        "stafettlogg": _right_json(result.stafettlogg),
        "follow_ups": [_follow_up_json(f) for f in result.follow_ups],
    }


def _keys(basis: object) -> list[str]:
    assert isinstance(basis, list)
    return [item["key"] for item in basis]


class _Reader:
    """Rebuilds a result from a validated document, collecting every mismatch.

    ``published`` reads against the rule set as first published (``PUBLISHED_TABLES``).
    """

    def __init__(self, version: str, *, published: bool = False) -> None:
        self.version = version
        self.table: Tables = (PUBLISHED_TABLES if published else TABLES)[version]
        self.problems: list[tuple[str, str]] = []

    def check_basis(self, path: str, expected: tuple[LegalReference, ...], given: object) -> None:
        if [r.key for r in expected] != _keys(given):
            self.problems.append((f"{path}.basis", "does not match the rule set's legal basis"))

    def condition(self, path: str, right: Right, doc: Mapping[str, Any]) -> ConditionResult | None:
        try:
            c = condition_result(
                self.version, right, Condition(doc["condition"]), doc["reason"], self.table
            )
        except InvalidInput as exc:
            self.problems.append((f"{path}.reason", str(exc)))
            return None
        if c.outcome.value != doc["outcome"]:
            self.problems.append(
                (f"{path}.outcome", f"expected {c.outcome.value!r} for this reason")
            )
        self.check_basis(path, c.basis, doc["basis"])
        return c

    def follow_up(self, path: str, scope: Right | None, doc: Mapping[str, Any]) -> FollowUp | None:
        kind = FollowUpKind(doc["kind"])
        service = ServiceKind(doc["service"]) if doc["service"] is not None else None
        due = date.fromisoformat(doc["due"]) if doc["due"] is not None else None
        try:
            base = follow_up(self.version, scope, kind, self.table)
        except InvalidInput as exc:
            self.problems.append((f"{path}.kind", str(exc)))
            return None
        if service is not None:
            result = self.table.escalations[service]
        elif due is not None:
            result = FollowUp(kind=kind, basis=base.basis, text=base.text, due=due)
        else:
            result = base
        self.check_basis(path, result.basis, doc["basis"])
        return result

    def right(self, path: str, right: Right, doc: Mapping[str, Any]) -> RightResult | None:
        if doc["right"] != right.value:
            self.problems.append((f"{path}.right", f"expected {right.value!r}"))
        table = self.table
        outcome, action = Outcome(doc["outcome"]), NextStep(doc["action"])
        self.check_basis(path, table.basis[right], doc["basis"])
        conditions = [
            self.condition(f"{path}.conditions[{i}]", right, c)
            for i, c in enumerate(doc["conditions"])
        ]
        follow_ups = [
            self.follow_up(f"{path}.follow_ups[{i}]", right, f)
            for i, f in enumerate(doc["follow_ups"])
        ]
        grounds = [
            self.ground(f"{path}.grounds[{i}]", g) for i, g in enumerate(doc.get("grounds", ()))
        ]
        if any(c is None for c in conditions) or any(f is None for f in follow_ups):
            return None
        ends_on = date.fromisoformat(doc["ends_on"]) if doc["ends_on"] is not None else None
        return RightResult(
            right=right,
            outcome=outcome,
            action=action,
            basis=table.basis[right],
            conditions=tuple(c for c in conditions if c is not None),
            follow_ups=tuple(f for f in follow_ups if f is not None),
            explanation=table.explanations[(right, outcome, action)],
            ends_on=ends_on,
            grounds=tuple(grounds),
        )

    def ground(self, path: str, doc: Mapping[str, Any]) -> PlanGround:
        ground = self.table.plan_grounds[PlanLaw(doc["law"])]
        if doc["responsible"] != ground.responsible.value:
            self.problems.append((f"{path}.responsible", f"expected {ground.responsible.value!r}"))
        self.check_basis(path, ground.basis, doc["basis"])
        return ground


def result_from_json(document: object) -> EligibilityResult:
    """Validate and rebuild an ``eligibility-result.v1`` document.

    Raises:
        SchemaViolation: Listing every problem with its JSON path: against the
            schema, or a mismatch with the rule set named by ``rules_version``.
    """
    validate_document(RESULT_SCHEMA, document)
    assert isinstance(document, Mapping)
    version = document["rules_version"]
    result, problems = _read_result(_Reader(version), document)
    if problems and version in PUBLISHED_TABLES:
        # Stored before the rule set's citations were dated (decision 48): as first published.
        published, _ = _read_result(_Reader(version, published=True), document)
        if published is not None:
            return published
    if result is None:
        raise SchemaViolation(RESULT_SCHEMA, problems)
    return result


def _read_result(
    reader: _Reader, document: Mapping[str, Any]
) -> tuple[EligibilityResult | None, list[tuple[str, str]]]:
    """The result ``reader`` rebuilds from ``document``, or ``None`` and every mismatch."""
    rights = {
        right: reader.right(f"$.{field}", right, document[field])
        for right, field in (
            (Right.BARNEKOORDINATOR, "barnekoordinator"),
            (Right.KOORDINATOR, "koordinator"),
            (Right.INDIVIDUAL_PLAN, "individual_plan"),
            (Right.STAFETTLOGG, "stafettlogg"),
        )
    }
    case = [
        reader.follow_up(f"$.follow_ups[{i}]", None, f)
        for i, f in enumerate(document["follow_ups"])
    ]
    if reader.problems:
        return None, reader.problems
    bk, ko, ip, sl = (rights[r] for r in Right)
    assert bk is not None
    assert ko is not None
    assert ip is not None
    assert sl is not None
    result = EligibilityResult(
        as_of=date.fromisoformat(document["as_of"]),
        rules_version=document["rules_version"],
        subject_ref=document["subject_ref"],
        barnekoordinator=bk,
        koordinator=ko,
        individual_plan=ip,
        stafettlogg=sl,
        follow_ups=tuple(f for f in case if f is not None),
    )
    return result, []


# --- decisions and complaints ----------------------------------------------------------------


def appointment_to_json(a: AppointmentNotice) -> dict[str, Any]:
    """The appointment as a JSON-ready dict (the ``appointment`` object of ``decision.v1``).

    Its schema is ``decision.v1#/$defs/appointment``.
    """
    return {
        "subject_ref": a.subject_ref,
        "professional_ref": a.professional_ref,
        "name": a.name,
        "title": a.title,
        "service": a.service.value,
        "organisation": a.organisation,
        "appointed_on": a.appointed_on.isoformat(),
        "ends_on": a.ends_on.isoformat() if a.ends_on is not None else None,
        "wishes": [
            {"by": w.by.value, "preferred_ref": w.preferred_ref, "note": w.note} for w in a.wishes
        ],
        "wishes_followed": a.wishes_followed,
        "weighing": a.weighing,
        "fills_koordinator_role": a.fills_koordinator_role,
        "basis": _basis(a.basis),
    }


def decision_to_json(decision: IndividualDecision) -> dict[str, Any]:
    """The decision as a JSON-ready dict, valid against ``decision.v1``."""
    d = decision
    return {
        "kind": d.kind.value,
        "right": d.assessment.right.value,
        "case_ref": d.case_ref,
        "decided_on": d.decided_on.isoformat(),
        "municipality": d.municipality,
        "parties": [{"ref": p.ref, "name": p.name, "role": p.role.value} for p in d.parties],
        "as_of": d.as_of.isoformat(),
        "rules_version": d.rules_version,
        "outcome": d.assessment.outcome.value,
        "action": d.assessment.action.value,
        "reasoning": [
            {
                **_condition_json(r.result),
                "evidence": [
                    {
                        "judgement": e.judgement,
                        "conclusion": e.conclusion,
                        "author_role": e.author_role,
                        "author_service": e.author_service.value if e.author_service else None,
                        "assessed_on": e.assessed_on.isoformat(),
                    }
                    for e in r.evidence
                ],
            }
            for r in d.reasoning
        ],
        "considerations": d.considerations,
        "follow_ups": [_follow_up_json(f) for f in d.follow_ups],
        "alternatives": [
            {"right": r.right.value, "outcome": r.outcome.value, "action": r.action.value}
            for r in d.alternatives
        ],
        "appointment": appointment_to_json(d.appointment) if d.appointment is not None else None,
        "signed_by": d.signed_by,
        "complaint": {
            "to": "statsforvalteren",
            "via": "municipality",
            "written_and_signed": True,
            "deadline_weeks": d.complaint_deadline_weeks,
            "basis": _basis(d.complaint_basis),
        },
    }


def complaint_to_json(complaint: Complaint) -> dict[str, Any]:
    """The complaint as a JSON-ready dict (every field present), valid against ``complaint.v1``."""
    document: dict[str, Any] = _converter().unstructure(complaint)
    return document


def _complaint_problems(c: Complaint) -> list[tuple[str, str]]:
    """What a ``complaint.v1`` document holds that the pure transitions of
    [`rights.complaints`][barnekoordinator.rights.complaints] never produce, each with its path."""
    from barnekoordinator.legal_basis import parameter
    from barnekoordinator.rights.complaints import (
        ComplaintForm,
        DecidedBy,
        Resolution,
        Stage,
        _complainable,
    )

    problems: list[tuple[str, str]] = []
    if not parameter("complaint_deadline_weeks").in_force(c.knowledge_date):
        problems.append(("$.knowledge_date", "is before the complaint deadline has a value"))
    elif not _complainable(c.right, c.knowledge_date):
        problems.append(
            (
                "$.right",
                "expected a right under pbrl kapittel 2 on knowledge_date (not the stafettlogg; "
                "barnekoordinator only from pbrl § 2-5 c's coming into force)",
            )
        )
    form_valid = c.form is ComplaintForm.WRITTEN_SIGNED
    dismissed_by_municipality = (
        c.resolution is Resolution.AVVISNING and c.decided_by is DecidedBy.MUNICIPALITY
    )
    if not form_valid and not (c.stage is Stage.MUNICIPAL_REVIEW or dismissed_by_municipality):
        problems.append(
            (
                "$.form",
                "a complaint not written and signed stays at the municipality until corrected "
                "(pbrl § 7-3); only the municipality's avvisning closes it",
            )
        )
    if form_valid and dismissed_by_municipality:
        problems.append(
            ("$.form", "the municipality dismisses only a complaint not written and signed")
        )
    if c.forwarded_on is not None:
        if c.forwarded_on < c.received_on:
            problems.append(("$.forwarded_on", "is before received_on"))
        elif c.corrected_on is not None and c.forwarded_on < c.corrected_on:
            problems.append(("$.forwarded_on", "is before corrected_on"))
        if c.resolved_on is not None and c.resolved_on < c.forwarded_on:
            problems.append(("$.resolved_on", "is before forwarded_on"))
    if c.fulfil_by is not None:
        if c.resolution not in (Resolution.MEDHOLD, Resolution.DELVIS_MEDHOLD, Resolution.OPPHEVET):
            problems.append(
                ("$.fulfil_by", "a deadline goes with medhold, delvis medhold or opphevet")
            )
        elif c.decided_by is not DecidedBy.STATSFORVALTEREN:
            problems.append(("$.fulfil_by", "only statsforvalteren sets a deadline"))
        elif c.resolved_on is not None and c.fulfil_by < c.resolved_on:
            problems.append(("$.fulfil_by", "is before resolved_on"))
    closed = c.stage is Stage.CLOSED
    if closed != (c.resolution is not None):
        problems.append(("$.resolution", "a resolution is given exactly when the stage is closed"))
    if (c.resolution is None) != (c.resolved_on is None) or (c.resolution is None) != (
        c.decided_by is None
    ):
        problems.append(("$.resolved_on", "resolution, decided_by and resolved_on go together"))
    if c.stage is Stage.STATSFORVALTEREN and c.forwarded_on is None:
        problems.append(("$.forwarded_on", "a forwarded complaint has a forwarded_on date"))
    if c.received_on < c.knowledge_date:
        problems.append(("$.received_on", "is before knowledge_date"))
    if c.fulfilled_on is not None and c.resolution not in (
        Resolution.MEDHOLD,
        Resolution.DELVIS_MEDHOLD,
        Resolution.OPPHEVET,
    ):
        problems.append(
            ("$.fulfilled_on", "only a complaint that was upheld or quashed is fulfilled")
        )
    return problems


def complaint_from_json(document: object) -> Complaint:
    """Validate and structure a ``complaint.v1`` document.

    Raises:
        SchemaViolation: Listing every problem with its JSON path, including
            fields that contradict each other (a resolution without a date …).
    """
    from barnekoordinator.rights.complaints import Complaint

    validate_document(COMPLAINT_SCHEMA, document)
    complaint = _converter().structure(document, Complaint)
    problems = _complaint_problems(complaint)
    if problems:
        raise SchemaViolation(COMPLAINT_SCHEMA, problems)
    return complaint
