"""Scenario tables for decisions (domain.md §4.2, BK-22) and complaints (pbrl kap. 7, BK-21, BK-25).

Each row names its legal basis (``basis``), shown in every assertion message.
"""

from __future__ import annotations

import html.parser
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from _bk_scenarios import day, facts, load, params

from barnekoordinator import errors
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.history.documents import validate_document
from barnekoordinator.identifiers import Organisasjonsnummer
from barnekoordinator.people import Professional
from barnekoordinator.rights import complaints as c
from barnekoordinator.rights.decisions import (
    AppointmentWish,
    Party,
    PartyRole,
    WishHolder,
    make_decision,
    notice_of_appointment,
    render_decision,
)
from barnekoordinator.rights.eligibility import Right, assess
from barnekoordinator.rights.wire import complaint_from_json, complaint_to_json, decision_to_json
from barnekoordinator.services import ServiceKind

DECISIONS = load("decisions.toml", "decision")
COMPLAINTS = load("complaints.toml", "complaint")
REQUESTS = load("complaints.toml", "request")
PARTIES = (
    Party(ref="mor", name="Mor Eksempel", role=PartyRole.GUARDIAN),
    Party(ref="barn", name="Barn Eksempel", role=PartyRole.CHILD),
)


def _decide(row: dict[str, Any]) -> Any:
    f = facts(row)
    result = assess(f, as_of=day(row["as_of"]))
    appointment = None
    if "appointment" in row:
        a = row["appointment"]
        professional = Professional(
            ref=a["ref"],
            service=ServiceKind(a["service"]),
            organisation=Organisasjonsnummer(a["organisation"]),
            title=a["title"],
            name=a["name"],
        )
        appointment = notice_of_appointment(
            result,
            professional,
            as_of=day(row["decided_on"]),
            wishes=[
                AppointmentWish(by=WishHolder(w["by"]), preferred_ref=w.get("preferred_ref"))
                for w in a.get("wishes", ())
            ],
        )
    return make_decision(
        result,
        case_ref="K-2025-0001",
        decided_on=day(row["decided_on"]),
        municipality="Eksempel kommune",
        parties=PARTIES,
        signed_by="Kari Leder, koordinerende enhet",
        considerations="Familien og barnet er hørt; barnets beste er vurdert.",
        facts=f,
        appointment=appointment,
    )


@pytest.mark.parametrize("row", params(DECISIONS))
def test_decision_scenario(row: dict[str, Any]) -> None:
    """The decision has the expected kind and, in nb, nn and en, the content §4.2 requires."""
    label = f"{row['name']} [{row['basis']}]"
    if "error" in row:
        with pytest.raises(getattr(errors, row["error"])):
            _decide(row)
        return
    decision = _decide(row)
    assert decision.kind.value == row["kind"], label
    validate_document("decision.v1", decision_to_json(decision))
    for lang, phrases in row.get("contains", {}).items():
        document = render_decision(decision, lang=lang)
        for phrase in phrases:
            assert phrase in document, f"{label}: {lang} text lacks {phrase!r}"
        page = render_decision(decision, lang=lang, fmt="html")
        # Our own generated page, not untrusted input: well-formed XML is the check.
        ET.fromstring(page.removeprefix("<!DOCTYPE html>\n"))  # noqa: S314
        html.parser.HTMLParser().feed(page)
        assert render_decision(decision, lang=lang, fmt="markdown").startswith("# ")


_STEPS = {
    "municipal-review": lambda x, s: c.municipal_review(
        x, on=day(s["on"]), resolution=c.Resolution(s["resolution"])
    ),
    "correct-form": lambda x, s: c.correct_form(x, on=day(s["on"])),
    "statsforvalter": lambda x, s: c.statsforvalter_decides(
        x,
        on=day(s["on"]),
        resolution=c.Resolution(s["resolution"]),
        fulfil_by=day(s["fulfil_by"]) if "fulfil_by" in s else None,
    ),
    "fulfil": lambda x, s: c.record_fulfilment(x, on=day(s["on"])),
}


@pytest.mark.parametrize("row", params(COMPLAINTS))
def test_complaint_scenario(row: dict[str, Any]) -> None:
    """A complaint follows pbrl kapittel 7: deadline, form, stages, outcomes and obligations."""
    label = f"{row['name']} [{row['basis']}]"

    def receive() -> c.Complaint:
        return c.receive_complaint(
            ref="klage-1",
            decision_ref="K-2025-0001",
            right=Right(row.get("right", "barnekoordinator")),
            knowledge_date=day(row["knowledge_date"]),
            received_on=day(row["received_on"]),
            form=c.ComplaintForm(row["form"]),
        )

    if "error" in row:
        with pytest.raises(getattr(errors, row["error"]), match=row.get("match")):
            receive()
        return
    complaint = receive()
    for step in row.get("steps", ()):
        if "error" in step:
            with pytest.raises(getattr(errors, step["error"])):
                _STEPS[step["step"]](complaint, step)
        else:
            complaint = _STEPS[step["step"]](complaint, step)
    expect = row.get("expect", {})
    guidance = {g.kind.value: g for g in complaint.guidance()}
    for key, wanted in expect.items():
        if key == "guidance":
            assert set(wanted) <= set(guidance), f"{label}: guidance {sorted(guidance)}"
        elif key == "no_guidance":
            assert not set(wanted) & set(guidance), f"{label}: guidance {sorted(guidance)}"
        elif key in ("deadline", "correction_deadline"):
            assert getattr(complaint, key) == day(wanted), f"{label}: {key}"
        elif key in ("late", "form_valid"):
            assert getattr(complaint, key) is wanted, f"{label}: {key}"
        else:
            value = getattr(complaint, key)
            assert value is not None, f"{label}: {key} is not set"
            assert value.value == wanted, f"{label}: {key} is {value.value}"
    for kind, keys in row.get("guidance_basis", {}).items():
        assert set(keys) <= {r.key for r in guidance[kind].basis}, f"{label}: {kind} basis"
    for check in row.get("check", ()):
        found = complaint.obligations(day(check["as_of"]))
        assert [o.kind.value for o in found] == check["obligations"], f"{label} on {check['as_of']}"
        assert [o.overdue for o in found] == check["overdue"], f"{label} on {check['as_of']}"
    assert complaint_from_json(complaint_to_json(complaint)) == complaint


@pytest.mark.parametrize("row", params(REQUESTS))
def test_request_scenario(row: dict[str, Any]) -> None:
    """A request undecided past the municipality's deadline is a complainable breach (BK-21)."""
    label = f"{row['name']} [{row['basis']}]"
    request = c.Request(
        ref="anmodning-1",
        right=Right(row["right"]),
        requested_on=day(row["requested_on"]),
        decided_on=day(row["decided_on"]) if "decided_on" in row else None,
    )
    settings = MunicipalSettings.from_mapping(row.get("settings", {}))
    found = c.request_obligation(request, as_of=day(row["as_of"]), settings=settings)
    expect = row["expect"]
    if expect.get("none"):
        assert found is None, label
        return
    assert found is not None, label
    assert found.due == day(expect["due"]), label
    assert found.overdue is expect["overdue"], label
    assert found.complainable is expect["complainable"], label
    assert "pbrl-7-2" in {r.key for r in found.basis}, label
