"""A hand-made decision record is refused unless its letter can be printed again (issue 11).

An ``IndividualDecisionRecorded`` stores what the decision says in stable keys (the rule set's
version, each condition's reason code) so that ``decision_from_history`` rebuilds the letter
(forvaltningsloven § 24–§ 27: the reasons a party may read, and read again). One made by hand
with a rule set, a reason, an outcome, a follow-up or an alternative its rules do not have was
stored, and the letter then failed with a bare ``KeyError``. A party's ref, nested in
``parties``, was not held to ``id_problem()`` as the event's own id fields are, so an identity
number there was stored in clear.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import pytest

from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.case import event_problem
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.serialization import to_records
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.rights.decision_records import (
    DecidedCondition,
    DecidedFollowUp,
    IndividualDecisionRecorded,
    decision_from_history,
    record_individual_decision,
)
from barnekoordinator.rights.decisions import (
    AppointmentNotice,
    AppointmentWish,
    DecisionKind,
    Evidence,
    IndividualDecision,
    Party,
    PartyRole,
    WishHolder,
)
from barnekoordinator.rights.eligibility import (
    Condition,
    FollowUpKind,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.archive import refused_decision
from barnekoordinator.testing.builders import DEFAULT_AS_OF
from barnekoordinator.testing.exporters import into_casebook, rich_case, staff_principal
from barnekoordinator_plugins.memory import InMemoryCaseStore

DAY = DEFAULT_AS_OF
KE = staff_principal("ke", "Siri, koordinerende enhet")
NUMBER = synthetic_fodselsnummer(date(2019, 1, 1))


def _recorded() -> tuple[Any, IndividualDecisionRecorded]:
    run = rich_case()
    event = record_individual_decision(
        run.case, decision=refused_decision(DAY), decision_id="v1", by="ke", as_of=DAY
    )
    return run, event


def _first_reason(e: IndividualDecisionRecorded) -> DecidedCondition:
    return e.reasoning[0]


EDITS: dict[str, tuple[str, Callable[[IndividualDecisionRecorded], dict[str, Any]]]] = {
    "an unknown rule set": ("rules_version", lambda e: {"rules_version": "1999-01-01"}),
    "an unknown reason": (
        "reasoning[0]",
        lambda e: {
            "reasoning": (attrs.evolve(_first_reason(e), reason="made-up"), *e.reasoning[1:])
        },
    ),
    "a condition of another right": (
        "reasoning[0]",
        lambda e: {
            "reasoning": (
                attrs.evolve(_first_reason(e), condition=Condition.BTI_LEVEL),
                *e.reasoning[1:],
            )
        },
    ),
    "a follow-up its rules do not have": (
        "follow_ups[0]",
        lambda e: {"follow_ups": (DecidedFollowUp(kind=FollowUpKind.ESCALATE_COOPERATION),)},
    ),
    "an identity number as a party's ref": (
        "parties[0].ref",
        lambda e: {"parties": (Party(ref=NUMBER, name="Mor", role=PartyRole.GUARDIAN),)},
    ),
}


def test_the_commands_record_is_written_and_rebuilt() -> None:
    run, event = _recorded()
    assert event_problem([event]) is None
    run.do(event, actor="ke")
    rebuilt = decision_from_history(run.case, "v1")
    made = refused_decision(DAY)
    assert isinstance(made, IndividualDecision)
    assert rebuilt.reasoning == made.reasoning
    assert rebuilt.follow_ups == made.follow_ups
    assert rebuilt.alternatives == made.alternatives
    assert rebuilt.parties == made.parties


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_a_record_its_letter_cannot_be_rebuilt_from_is_refused_naming_the_field(edit: str) -> None:
    field, change = EDITS[edit]
    _, event = _recorded()
    edited = attrs.evolve(event, **change(event))
    problem = event_problem([edited])
    assert problem is not None
    assert problem.startswith(f"IndividualDecisionRecorded.{field}: expected ")
    assert NUMBER not in problem
    assert "made-up" not in problem
    assert "1999" not in problem


def test_a_hand_made_record_is_refused_by_the_casebook_and_nothing_is_stored() -> None:
    run, event = _recorded()
    store = InMemoryCaseStore()
    book = into_casebook(store, run)
    version, audits = store.version(run.case.id), len(store.read_audit(run.case.id))
    edited = attrs.evolve(event, rules_version="1999-01-01")
    with pytest.raises(InvalidInput, match=r"IndividualDecisionRecorded\.rules_version"):
        book.execute(KE, run.case.id, lambda case: edited)
    assert store.version(run.case.id) == version
    assert len(store.read_audit(run.case.id)) == audits + 1


def test_a_stored_record_that_cannot_be_rebuilt_is_a_typed_error_not_a_key_error() -> None:
    """A history stored before such records were refused still loads (nothing is lost); asking
    for its letter says which field, as an ``InvalidInput``."""
    run, event = _recorded()
    edited = attrs.evolve(event, reasoning=(attrs.evolve(_first_reason(event), reason="x"),))
    recorded = run.case.record(edited, actor="ke", clock=run.clock)
    records = to_records(recorded, GENESIS)  # a back-office writer checks nothing
    case = run.case.apply_all(recorded)
    assert len(records) == 1
    with pytest.raises(InvalidInput, match=r"decision 'v1' cannot be rebuilt: reasoning\[0\]"):
        decision_from_history(case, "v1")


# --- what the letter prints (found in review) ------------------------------------------------


NOTICE = AppointmentNotice(
    subject_ref="child",
    professional_ref="hs",
    name="Eva",
    title="helsesykepleier",
    service=ServiceKind.HELSESTASJON,
    organisation="123456785",
    appointed_on=DAY,
    ends_on=None,
    wishes=(AppointmentWish(by=WishHolder.FAMILY, preferred_ref="hs"),),
    wishes_followed=True,
    weighing="",
    fills_koordinator_role=True,
)

LETTER_EDITS: dict[str, tuple[str, Callable[[IndividualDecisionRecorded], dict[str, Any]]]] = {
    "an appointing decision without an appointment": (
        "appointment: expected one exactly when the decision appoints",
        lambda e: {"kind": DecisionKind.APPOINT},
    ),
    "a refusal with an appointment": (
        "appointment: expected one exactly when the decision appoints",
        lambda e: {"appointment": NOTICE},
    ),
    "evidence of a judgement with no text": (
        "$: expected a decision whose letter can be printed (KeyError)",
        lambda e: {
            "reasoning": (
                attrs.evolve(
                    _first_reason(e),
                    evidence=(
                        Evidence(
                            judgement="made-up",
                            conclusion=False,
                            author_role="ke",
                            author_service=None,
                            assessed_on=DAY,
                        ),
                    ),
                ),
                *e.reasoning[1:],
            )
        },
    ),
    "an identity number as the appointed professional's ref": (
        "appointment.professional_ref: ",
        lambda e: {
            "kind": DecisionKind.APPOINT,
            "appointment": attrs.evolve(NOTICE, professional_ref=NUMBER),
        },
    ),
    "an identity number as a wish's ref": (
        "appointment.wishes[0].preferred_ref: ",
        lambda e: {
            "kind": DecisionKind.APPOINT,
            "appointment": attrs.evolve(
                NOTICE, wishes=(AppointmentWish(by=WishHolder.FAMILY, preferred_ref=NUMBER),)
            ),
        },
    ),
}


@pytest.mark.parametrize("edit", list(LETTER_EDITS), ids=list(LETTER_EDITS))
def test_a_record_whose_letter_cannot_be_printed_is_refused(edit: str) -> None:
    expected, change = LETTER_EDITS[edit]
    _, event = _recorded()
    problem = event_problem([attrs.evolve(event, **change(event))])
    assert problem is not None
    assert problem.startswith(f"IndividualDecisionRecorded.{expected}")
    assert NUMBER not in problem


def test_an_appointing_record_with_its_notice_is_written() -> None:
    _, event = _recorded()
    appointing = attrs.evolve(event, kind=DecisionKind.APPOINT, appointment=NOTICE)
    assert event_problem([appointing]) is None
