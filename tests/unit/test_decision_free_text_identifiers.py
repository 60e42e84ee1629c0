"""No decision letter or record holds a fødselsnummer in any form it is written.

``make_decision`` and ``IndividualDecisionRecorded.write_problem()`` refuse every free text the
letter prints or the record stores (party names, considerations, signed_by, the municipality,
the case reference, the author's role of each judgement, the appointment's name, title,
weighing and wish notes) when the library's own redactor would find a number in it
(``barnekoordinator._redact.number_shaped``): with a hyphen, two spaces, in groups. No error
repeats the number.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

from barnekoordinator._redact import number_shaped
from barnekoordinator.errors import InvalidInput
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.people import Professional
from barnekoordinator.rights.decision_records import record_individual_decision
from barnekoordinator.rights.decisions import (
    AppointmentWish,
    Party,
    PartyRole,
    WishHolder,
    make_decision,
    notice_of_appointment,
)
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    EligibilityFacts,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import DEFAULT_AS_OF, org_number, standard_case

FNR = synthetic_fodselsnummer(date(2012, 5, 20))
FORMS = {
    "hyphen": f"{FNR[:6]}-{FNR[6:]}",
    "two-spaces": f"{FNR[:6]}  {FNR[6:]}",
    "grouped": " ".join((FNR[0:2], FNR[2:4], FNR[4:6], FNR[6:9], FNR[9:])),
    "en-dash": f"{FNR[:6]}\u2013{FNR[6:]}",
    "plain": FNR,
}
ON = DEFAULT_AS_OF
PARTIES = (
    Party(ref="mor", name="Kari", role=PartyRole.GUARDIAN),
    Party(ref="far", name="Ola", role=PartyRole.GUARDIAN),
)


def _facts(child_ref: str, birth: date, role: str = "helsesykepleier") -> EligibilityFacts:
    author = Author(ref="ke-1", role=role, service=ServiceKind.KOORDINERENDE_ENHET)

    def judged(conclusion: bool) -> Judgement:
        return Judgement(conclusion=conclusion, author=author, assessed_on=ON)

    return EligibilityFacts(
        child=ChildFacts(ref=child_ref, birth_date=birth),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.BARNEHAGE)),
        judgements=Judgements(
            serious=judged(False), long_term=judged(True), composite=judged(True)
        ),
        guardians=tuple(
            GuardianFacts(
                ref=g, parental_responsibility=True, wishes=Wishes(barnekoordinator=Wish.WANTS)
            )
            for g in ("mor", "far")
        ),
    )


def _decide(facts: EligibilityFacts, **changes: Any) -> Any:
    kw: dict[str, Any] = {
        "case_ref": "K-1",
        "decided_on": ON,
        "municipality": "Eksempel kommune",
        "parties": PARTIES,
        "signed_by": "Saksbehandler",
        "considerations": "Familiens syn er vurdert.",
        "facts": facts,
    }
    kw.update(changes)
    return make_decision(assess(facts, as_of=ON), **kw)


FIELDS = {
    "party name": lambda n: {
        "parties": (Party(ref="mor", name=f"Kari {n}", role=PartyRole.GUARDIAN),)
    },
    "considerations": lambda n: {"considerations": f"Mor ({n}) ønsker barnekoordinator."},
    "signed_by": lambda n: {"signed_by": f"Saksbehandler {n}"},
    "municipality": lambda n: {"municipality": f"Eksempel kommune {n}"},
    "case_ref": lambda n: {"case_ref": f"K {n}"},
}


@pytest.mark.parametrize("form", sorted(set(FORMS) - {"plain"}))
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_make_decision_refuses_a_national_id_in_a_printed_text(field: str, form: str) -> None:
    """Eleven digits in a row were refused before; the other forms the redactor finds too."""
    assert number_shaped(FORMS[form])
    facts = _facts("barn-1", date(2021, 1, 15))
    with pytest.raises(InvalidInput, match="national identity number") as raised:
        _decide(facts, **FIELDS[field](FORMS[form]))
    assert FNR[6:] not in str(raised.value)
    # A number that is no identifier is kept.
    kept = _decide(facts, **FIELDS[field]("2025/1234, 12 timer"))
    assert kept.kind is not None


@pytest.mark.parametrize("form", sorted(FORMS))
def test_make_decision_refuses_a_national_id_in_the_author_role_it_prints(form: str) -> None:
    """The author's role of a judgement is printed in the evidence line of the reasoning (the
    facts given to ``make_decision`` are read for it, whoever checked them before)."""
    facts = _facts("barn-1", date(2021, 1, 15))
    result = assess(facts, as_of=ON)
    # The facts may refuse such a role themselves; the decision checks what it prints anyway.
    author = facts.judgements.serious.author  # type: ignore[union-attr]
    object.__setattr__(author, "role", f"ke {FORMS[form]}")
    with pytest.raises(InvalidInput, match="author_role") as raised:
        make_decision(
            result,
            case_ref="K-1",
            decided_on=ON,
            municipality="Eksempel kommune",
            parties=PARTIES,
            signed_by="Saksbehandler",
            considerations="Familiens syn er vurdert.",
            facts=facts,
        )
    assert FNR[6:] not in str(raised.value)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_notice_of_appointment_refuses_a_national_id_in_title_or_wish_note(form: str) -> None:
    on = date(2025, 2, 1)
    facts = attrs.evolve(
        _facts("barn-1", date(2015, 1, 15)),
        judgements=Judgements(
            serious=Judgement(conclusion=True, author=Author(ref="a", role="lege"), assessed_on=on),
            long_term=Judgement(
                conclusion=True, author=Author(ref="a", role="lege"), assessed_on=on
            ),
            composite=Judgement(
                conclusion=True, author=Author(ref="a", role="lege"), assessed_on=on
            ),
        ),
    )
    result = assess(facts, as_of=on)
    nurse = Professional(
        ref="ansatt-17", service=ServiceKind.HELSESTASJON, organisation=org_number(1), name="Eva"
    )
    with pytest.raises(InvalidInput, match="title"):
        notice_of_appointment(
            result, attrs.evolve(nurse, title=f"sykepleier {FORMS[form]}"), as_of=on
        )
    wish = AppointmentWish(by=WishHolder.FAMILY, note=f"mor {FORMS[form]}")
    with pytest.raises(InvalidInput, match="note"):
        notice_of_appointment(result, nurse, as_of=on, wishes=[wish])


def _recorded() -> Any:
    run = standard_case(age=5)
    child = run.case.child
    assert child is not None
    facts = _facts(child.ref, child.birth_date)
    decision = _decide(facts)
    return record_individual_decision(
        run.case, decision=decision, decision_id="v-1", by="ke", as_of=ON
    )


RECORD_FIELDS = {
    "parties[0].name": lambda e, n: attrs.evolve(
        e, parties=(attrs.evolve(e.parties[0], name=f"Kari {n}"), *e.parties[1:])
    ),
    "considerations": lambda e, n: attrs.evolve(e, considerations=f"Far har fnr {n}."),
    "author_role": lambda e, n: attrs.evolve(
        e,
        reasoning=tuple(
            attrs.evolve(
                c, evidence=tuple(attrs.evolve(x, author_role=f"ke {n}") for x in c.evidence)
            )
            for c in e.reasoning
        ),
    ),
}


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("field", sorted(RECORD_FIELDS))
def test_a_record_holding_a_national_id_is_refused(field: str, form: str) -> None:
    """``write_problem()`` refuses what ``make_decision`` refuses: a record is printed again."""
    event = _recorded()
    assert event.write_problem() is None
    problem = RECORD_FIELDS[field](event, FORMS[form]).write_problem()
    assert problem is not None
    assert field in problem
    assert FNR[6:] not in problem
