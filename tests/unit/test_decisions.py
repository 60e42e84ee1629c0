"""Appointing a barnekoordinator, and decision documents (domain.md §2.5, §4.2)."""

from __future__ import annotations

import html.parser
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

import barnekoordinator.rights.decisions as decisions
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.edges import DOCUMENT_POLICY
from barnekoordinator.errors import InvalidInput, RuleViolation
from barnekoordinator.history.documents import validate_document
from barnekoordinator.identifiers import Organisasjonsnummer
from barnekoordinator.identifiers import synthetic_fodselsnummer as _synthetic
from barnekoordinator.people import Professional
from barnekoordinator.rights.decisions import (
    AppointmentWish,
    DecisionKind,
    DocumentFormat,
    IndividualDecision,
    Party,
    PartyRole,
    WishHolder,
    make_decision,
    notice_of_appointment,
    render_decision,
    route_request,
)
from barnekoordinator.rights.eligibility import (
    Author,
    ChildFacts,
    EligibilityFacts,
    EligibilityResult,
    GuardianFacts,
    Judgement,
    Judgements,
    Needs,
    Wish,
    Wishes,
    assess,
)
from barnekoordinator.rights.wire import appointment_to_json, decision_to_json
from barnekoordinator.services import ServiceKind

# A synthetic (Tenor, month + 80) number: messages must never echo an identifier.
SYNTHETIC = _synthetic(date(2012, 5, 20))

AS_OF = date(2025, 3, 1)
ORG = Organisasjonsnummer("123456785")
KE = Author(ref="ke-1", role="koordinerende enhet")


def facts(*, wish: Wish = Wish.WANTS, serious: bool = True, **changes: Any) -> EligibilityFacts:
    """Facts for a 4-year-old meeting every condition except as changed."""
    j = Judgement(conclusion=True, author=KE, assessed_on=AS_OF)
    base = EligibilityFacts(
        child=ChildFacts(ref="barn-1", birth_date=date(2021, 1, 15)),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.BARNEHAGE)),
        judgements=Judgements(
            serious=attrs.evolve(j, conclusion=serious), long_term=j, composite=j
        ),
        guardians=(
            GuardianFacts(
                ref="mor", parental_responsibility=True, wishes=Wishes(barnekoordinator=wish)
            ),
        ),
    )
    return attrs.evolve(base, **changes)


def eligible(**changes: Any) -> EligibilityResult:
    """An assessment under which the municipality shall appoint."""
    return assess(facts(**changes), as_of=AS_OF)


def nurse(**changes: Any) -> Professional:
    """A helsesykepleier at the municipal helsestasjon."""
    p = Professional(
        ref="ansatt-17",
        service=ServiceKind.HELSESTASJON,
        organisation=ORG,
        title="helsesykepleier",
        name="Eva",
    )
    return attrs.evolve(p, **changes)


def decide(result: EligibilityResult, **changes: Any) -> IndividualDecision:
    """A decision with the usual parties and considerations."""
    args: dict[str, object] = {
        "case_ref": "K-1",
        "decided_on": date(2025, 3, 10),
        "municipality": "Eksempel kommune",
        "parties": (Party(ref="mor", name="Mor", role=PartyRole.GUARDIAN),),
        "signed_by": "Leder KE",
        "considerations": "Barnet og familien er hørt.",
    }
    args.update(changes)
    return make_decision(result, **args)  # type: ignore[arg-type]


def test_public_names_are_exported() -> None:
    """decisions.__all__ lists every public name defined in the module."""
    defined = {
        n
        for n, v in vars(decisions).items()
        if not n.startswith("_") and getattr(v, "__module__", "") == decisions.__name__
    }
    assert set(decisions.__all__) == defined


def test_a_request_to_a_hospital_is_referred_to_the_municipality() -> None:
    """The spesialisthelsetjenesten has no barnekoordinator duty: refer to koordinerende enhet."""
    referral = route_request("sykehus")
    assert referral is not None
    assert referral.refer_to is ServiceKind.KOORDINERENDE_ENHET
    assert {r.key for r in referral.basis} >= {"hotl-7-2-a", "sphl-2-5-a"}
    assert "sphl § 2-5 a" in referral.explanation.nb


def test_other_non_municipal_services_also_refer_and_municipal_ones_handle_it() -> None:
    """State and county services refer; a municipal service handles the request itself."""
    referral = route_request(ServiceKind.NAV_STAT)
    assert referral is not None
    assert "ikke kommunal" in referral.explanation.nb
    assert route_request(ServiceKind.HELSESTASJON) is None
    with pytest.raises(InvalidInput, match="unknown service"):
        route_request("legevakt-privat")


def test_only_the_municipalitys_own_service_providers_can_be_appointed() -> None:
    """hotl § 7-2 a: a hospital employee cannot be the family's barnekoordinator."""
    with pytest.raises(
        RuleViolation, match=r"municipality's own service providers \(hotl § 7-2 a\)"
    ):
        notice_of_appointment(eligible(), nurse(service=ServiceKind.SYKEHUS), as_of=AS_OF)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"wish": Wish.DECLINES}, "family declined"),
        ({"wish": Wish.UNKNOWN}, "not settled"),
        ({"serious": False}, "conditions are not met"),
        ({"judgements": Judgements()}, "professional assessment"),
    ],
)
def test_appointment_needs_the_duty_to_appoint(changes: dict[str, object], message: str) -> None:
    """No appointment unless the conditions and the wish oblige the municipality to appoint."""
    with pytest.raises(RuleViolation, match=message):
        notice_of_appointment(eligible(**changes), nurse(), as_of=AS_OF)


def test_no_appointment_on_or_after_the_18th_birthday() -> None:
    """C7: the right ends on the 18th birthday, so an appointment then is refused."""
    # At 17 the young person's own wish counts too (barnekoordinator_consent_16_17, issue 14).
    result = eligible(
        child=ChildFacts(ref="u", birth_date=date(2007, 3, 2)),
        child_wishes=Wishes(barnekoordinator=Wish.WANTS),
    )
    appointment = notice_of_appointment(result, nurse(), as_of=date(2025, 3, 1))
    assert appointment.ends_on == date(2025, 3, 2)
    with pytest.raises(RuleViolation, match="18th birthday"):
        notice_of_appointment(result, nurse(), as_of=date(2025, 3, 2))


def test_appointment_date_cannot_precede_the_assessment() -> None:
    """An appointment rests on an assessment made on or before it."""
    with pytest.raises(InvalidInput, match="before the assessment"):
        notice_of_appointment(eligible(), nurse(), as_of=date(2025, 2, 28))


def test_wishes_are_recorded_and_weighed_not_binding() -> None:
    """The family's wish for someone else does not bind, but the weighing must be recorded."""
    wish = AppointmentWish(by=WishHolder.FAMILY, preferred_ref="ansatt-99", note="kjenner familien")
    with pytest.raises(InvalidInput, match="weighing"):
        notice_of_appointment(eligible(), nurse(), as_of=AS_OF, wishes=[wish])
    a = notice_of_appointment(
        eligible(),
        nurse(),
        as_of=AS_OF,
        wishes=[wish],
        weighing="Ønsket person har ikke kapasitet.",
    )
    assert a.wishes == (wish,)
    assert a.wishes_followed is False
    followed = notice_of_appointment(
        eligible(), nurse(), as_of=AS_OF, wishes=[attrs.evolve(wish, preferred_ref="ansatt-17")]
    )
    assert followed.wishes_followed is True


def test_appointment_records_the_role_setting_and_the_basis() -> None:
    """BK-27: whether the barnekoordinator also fills the koordinator role follows the settings."""
    a = notice_of_appointment(eligible(), nurse(), as_of=AS_OF)
    assert a.fills_koordinator_role is True
    assert [r.key for r in a.basis] == ["hotl-7-2-a", "hotl-7-3"]
    b = notice_of_appointment(
        eligible(),
        nurse(),
        as_of=AS_OF,
        settings=MunicipalSettings(barnekoordinator_fills_koordinator_role=False),
    )
    assert b.fills_koordinator_role is False


def test_no_national_id_enters_an_appointment_or_a_decision() -> None:
    """Texts that look like a fødselsnummer are refused; documents use names and references."""
    with pytest.raises(InvalidInput, match="national identity number"):
        notice_of_appointment(eligible(), nurse(name=f"Eva {SYNTHETIC}"), as_of=AS_OF)
    refusal = eligible(serious=False)
    with pytest.raises(InvalidInput, match="parties"):
        decide(
            refusal,
            parties=(
                Party(ref=f"{SYNTHETIC[:6]} {SYNTHETIC[6:]}", name="Mor", role=PartyRole.GUARDIAN),
            ),
        )
    with pytest.raises(InvalidInput, match="considerations"):
        decide(refusal, considerations=f"Se {SYNTHETIC}.")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"parties": ()}, "parties"),
        ({"considerations": "  "}, "considerations"),
        ({"decided_on": date(2025, 2, 1)}, "before the assessment"),
    ],
)
def test_a_decision_needs_parties_considerations_and_a_sound_date(
    changes: dict[str, object], message: str
) -> None:
    """§4.2: parties and the weighing of views are required; the date follows the assessment."""
    with pytest.raises(InvalidInput, match=message):
        decide(eligible(serious=False), **changes)


def test_appointing_decision_needs_the_matching_appointment() -> None:
    """An appointing decision carries the appointment for the same child; a refusal carries none."""
    result = eligible()
    with pytest.raises(InvalidInput, match="needs the appointment"):
        decide(result)
    other = eligible(child=ChildFacts(ref="barn-2", birth_date=date(2020, 1, 1)))
    with pytest.raises(InvalidInput, match="another child"):
        decide(result, appointment=notice_of_appointment(other, nurse(), as_of=AS_OF))
    with pytest.raises(InvalidInput, match="refusal cannot carry"):
        decide(
            eligible(serious=False),
            appointment=notice_of_appointment(result, nurse(), as_of=AS_OF),
        )


def test_decision_kinds_follow_the_assessment() -> None:
    """Appoint when the duty applies; partial when koordinator/IP are met instead; else refuse."""
    appoint = decide(
        eligible(), appointment=notice_of_appointment(eligible(), nurse(), as_of=AS_OF)
    )
    assert appoint.kind is DecisionKind.APPOINT
    refuse = decide(eligible(serious=False))
    assert refuse.kind is DecisionKind.REFUSE
    assert refuse.alternatives == ()
    j = Judgement(conclusion=True, author=KE, assessed_on=AS_OF)
    health_only = eligible(
        needs=Needs(services=(ServiceKind.FYSIOTERAPI,), other_welfare=False),
        judgements=Judgements(serious=j, long_term=j, coordinated=j),
    )
    partial = decide(health_only)
    assert partial.kind is DecisionKind.PARTIAL
    assert [r.right.value for r in partial.alternatives] == ["koordinator", "individuell-plan"]


HOSTILE = "<script>alert('x')</script> & *Ola* [lenke](http://x) # _m_"


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
@pytest.mark.parametrize("kind", ["appoint", "refuse"])
def test_html_is_well_formed_and_escapes_everything(lang: str, kind: str) -> None:
    """HTML parses as XML and with html.parser; names and free text are escaped."""
    result = eligible() if kind == "appoint" else eligible(serious=False)
    appointment = (
        notice_of_appointment(result, nurse(name=HOSTILE), as_of=AS_OF)
        if kind == "appoint"
        else None
    )
    d = decide(
        result,
        appointment=appointment,
        parties=(Party(ref="mor", name=HOSTILE, role=PartyRole.GUARDIAN),),
        considerations=HOSTILE,
        facts=facts(),
    )
    page = render_decision(d, lang=lang, fmt=DocumentFormat.HTML)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    # Our own generated page, not untrusted input: well-formed XML is the check.
    root = ET.fromstring(page.removeprefix("<!DOCTYPE html>\n"))  # noqa: S314
    assert root.tag == "html"
    assert root.get("lang") == lang
    # The letter carries the library's Content-Security-Policy: nothing in it runs or loads.
    policy = root.find("head/meta[@http-equiv='Content-Security-Policy']")
    assert policy is not None
    assert policy.get("content") == DOCUMENT_POLICY
    parser = html.parser.HTMLParser()
    parser.feed(page)
    parser.close()


def test_markdown_escapes_free_text() -> None:
    """Markdown output cannot be hijacked by names or considerations."""
    d = decide(eligible(serious=False), considerations=HOSTILE)
    text = render_decision(d, fmt="markdown")
    assert "\\<script\\>" in text
    assert "\\*Ola\\*" in text
    assert "\\[lenke\\]\\(http://x\\)" in text
    assert "\\# \\_m\\_" in text


def test_plain_text_keeps_free_text_verbatim() -> None:
    """Plain text shows what the caseworker wrote, as written."""
    d = decide(eligible(serious=False), considerations=HOSTILE)
    assert HOSTILE in render_decision(d, fmt="text")


def test_samordningsplikt_is_in_refusals_not_in_appointments() -> None:
    """§4.2 point 5: a refusal reminds of the municipality's duty to coordinate."""
    refuse = render_decision(decide(eligible(serious=False)), lang="en")
    assert "The municipality's duty to coordinate" in refuse
    result = eligible()
    appoint = decide(result, appointment=notice_of_appointment(result, nurse(), as_of=AS_OF))
    assert "duty to coordinate" not in render_decision(appoint, lang="en")


def test_reasoning_shows_who_judged_and_when() -> None:
    """The reasoning names the author's role and the date of each judgement relied on."""
    d = decide(eligible(serious=False), facts=facts(serious=False))
    assert d.reasoning[1].evidence[0].author_role == "koordinerende enhet"
    text = render_decision(d, lang="nb")
    assert "Faglig vurdering av «alvorlig» 2025-03-01 av koordinerende enhet: nei." in text


def test_complaint_deadline_comes_from_the_legal_parameter() -> None:
    """The complaint information uses complaint_deadline_weeks (pbrl § 7-5) on the decision date."""
    d = decide(eligible(serious=False))
    assert d.complaint_deadline_weeks == 4
    assert [r.key for r in d.complaint_basis] == ["pbrl-7-2", "pbrl-7-3", "pbrl-7-5", "fvl-31"]


def test_decision_json_is_schema_valid() -> None:
    """decision_to_json gives a decision.v1 document for every kind."""
    result = eligible()
    appoint = decide(
        result, appointment=notice_of_appointment(result, nurse(), as_of=AS_OF), facts=facts()
    )
    for d in (appoint, decide(eligible(serious=False))):
        document = decision_to_json(d)
        validate_document("decision.v1", document)
        assert document["complaint"]["deadline_weeks"] == 4


def test_unknown_format_or_language_is_rejected() -> None:
    """Only text, markdown and html; only nb, nn and en."""
    d = decide(eligible(serious=False))
    with pytest.raises(InvalidInput, match="unknown format"):
        render_decision(d, fmt="pdf")
    with pytest.raises(InvalidInput, match="unknown language"):
        render_decision(d, lang="sv")


DOCS = Path(__file__).resolve().parents[2] / "docs" / "concepts"


def test_the_concept_page_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    """Every Python block on docs/concepts/decisions-and-complaints.md runs; its asserts hold."""
    page = (DOCS / "decisions-and-complaints.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "decisions-and-complaints.md", "exec"), {})  # noqa: S102 - our own documentation
    assert capsys.readouterr().out


def test_an_appointment_is_plain_data_ready_for_a_case_event() -> None:
    """Appointments hold only plain values (the basis is a constant property) and serialise."""
    a = notice_of_appointment(eligible(), nurse(), as_of=AS_OF)
    field_types = {f.name: f.type for f in attrs.fields(type(a))}
    assert "basis" not in field_types
    document = appointment_to_json(a)
    assert document["organisation"] == "123456785"
    assert [b["key"] for b in document["basis"]] == ["hotl-7-2-a", "hotl-7-3"]
    assert document["ends_on"] == "2039-01-15"
