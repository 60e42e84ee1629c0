"""``record_assessed_decision``: an individual decision (vedtak) scripted as a ``command.v1``
document (issue 17 item 1: "any Casebook command as a JSON document").

The document carries the eligibility facts (``eligibility-facts.v1``); the library assesses them,
so the recorded decision's legal references come from the rule set (pbrl § 2-5 c, hotl § 7-2 a),
never from the document. The letter rebuilt from the history equals the one the Python API makes
from the same facts.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _cli_helpers import run_cli, stored_events

from barnekoordinator.config import Config, MunicipalSettings
from barnekoordinator.history.case import Case
from barnekoordinator.identifiers import Organisasjonsnummer
from barnekoordinator.people import Professional
from barnekoordinator.plugins import case_store, get_plugin_manager
from barnekoordinator.rights.decision_records import decision_from_history
from barnekoordinator.rights.decisions import (
    Party,
    PartyRole,
    make_decision,
    notice_of_appointment,
    render_decision,
)
from barnekoordinator.rights.eligibility import assess
from barnekoordinator.rights.wire import facts_from_json
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import back_office_load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "facts"
AS_OF = date(2025, 3, 1)


def _facts(name: str, child_ref: str) -> dict[str, Any]:
    """An example facts file about the case's own child (born 2021-03-14, as opened) and its
    guardians: both parents have foreldreansvar, and both want a barnekoordinator."""
    facts: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    facts["child"] = {"ref": child_ref, "birth_date": "2021-03-14"}
    facts["guardians"] = [
        {"ref": ref, "parental_responsibility": True, "wishes": {"barnekoordinator": "wants"}}
        for ref in ("mor", "far")
    ]
    return facts


def _stored_case(url: str, case_id: str) -> Case:
    """The case as stored (back office, unsealed with the test key)."""
    store = case_store(get_plugin_manager(), Config(store=url))
    try:
        return back_office_load(store, case_id)
    finally:
        store.close()


def _child_ref(url: str, case_id: str) -> str:
    """The case's reference for its child (the facts must be about the same child)."""
    subject = _stored_case(url, case_id).subject
    assert subject is not None
    return subject.ref


def _grant_ke(capsys: pytest.CaptureFixture[str], case_id: str, ke: str, tmp_path: Path) -> None:
    path = tmp_path / "grant.json"
    path.write_text(json.dumps({"command": "grant_role", "case": case_id, "arguments": {
        "ref": "ke-siri", "role": "koordinerende-enhet"}}))  # fmt: skip
    assert run_cli(capsys, "record", str(path), "--as", ke)[0] == 0


PARTIES = [
    {"ref": "mor", "name": "Mor", "role": "guardian"},
    {"ref": "far", "name": "Far", "role": "guardian"},
]
CONSIDERATIONS = "Familiens og barnets syn er hørt og vektlagt; barnets beste er vurdert."


def _document(case_id: str, facts: dict[str, Any], **more: object) -> dict[str, Any]:
    return {
        "command": "record_assessed_decision",
        "case": case_id,
        "arguments": {
            "facts": facts,
            "decision_id": "v-1",
            "case_ref": "2025/117",
            "municipality": "Eksempel kommune",
            "parties": PARTIES,
            "signed_by": "Koordinerende enhet",
            "considerations": CONSIDERATIONS,
            "assessed_on": AS_OF.isoformat(),
            "decided_on": AS_OF.isoformat(),
            "as_of": AS_OF.isoformat(),
            **more,
        },
    }


def _record(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, document: object, ke: str
) -> tuple[int, str, str]:
    path = tmp_path / "decision.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return run_cli(capsys, "record", str(path), "--as", ke, "--json")


def test_a_refusal_scripted_equals_the_python_decision(
    opened_case: str,
    people: dict[str, str],
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Health needs only (domain.md BK-05; pbrl § 2-5 c needs other welfare services too): the
    document records a refusal with the koordinator and plan alternatives, and the letter
    rebuilt from the stored history is the letter make_decision() gives for the same facts."""
    _grant_ke(capsys, opened_case, people["ke"], tmp_path)
    child = _child_ref(store_url, opened_case)
    facts = _facts("bk-05-health-only.json", child)
    status, out, err = _record(capsys, tmp_path, _document(opened_case, facts), people["ke"])
    assert status == 0, err
    assert json.loads(out)["types"] == ["individual-decision.recorded"]
    stored = decision_from_history(_stored_case(store_url, opened_case), "v-1")
    expected = make_decision(
        assess(facts_from_json(facts), as_of=AS_OF),
        case_ref="2025/117",
        decided_on=AS_OF,
        municipality="Eksempel kommune",
        parties=(
            Party(ref="mor", name="Mor", role=PartyRole.GUARDIAN),
            Party(ref="far", name="Far", role=PartyRole.GUARDIAN),
        ),
        signed_by="Koordinerende enhet",
        considerations=CONSIDERATIONS,
        facts=facts_from_json(facts),
    )
    assert stored.kind.value in ("refuse", "partial")
    for lang in ("nb", "nn", "en"):
        assert render_decision(stored, lang=lang) == render_decision(expected, lang=lang)


def test_an_appointing_decision_checks_the_professional(
    opened_case: str,
    people: dict[str, str],
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An appointing decision needs the appointed professional (hotl § 7-2 a: one of the
    municipality's own service providers); without one nothing is stored (exit 2), with a
    private one the law refuses (exit 1), with a municipal one it is recorded."""
    _grant_ke(capsys, opened_case, people["ke"], tmp_path)
    child = _child_ref(store_url, opened_case)
    facts = _facts("bk-01-baseline-eligible.json", child)
    before = stored_events(store_url, opened_case)
    status, _, err = _record(capsys, tmp_path, _document(opened_case, facts), people["ke"])
    assert (status, len(err.splitlines())) == (2, 1)
    assert "appointment" in err
    private = {"ref": "fysio-1", "service": "fysioterapi", "organisation": "974760673",
               "provider": "private"}  # fmt: skip
    status, _, err = _record(
        capsys, tmp_path, _document(opened_case, facts, appointed=private), people["ke"]
    )
    assert status == 1, err
    assert stored_events(store_url, opened_case) == before
    municipal = {"ref": "ke-siri", "service": "koordinerende-enhet", "organisation": "974760673",
                 "name": "Siri", "title": "Barnekoordinator"}  # fmt: skip
    status, out, err = _record(
        capsys, tmp_path, _document(opened_case, facts, appointed=municipal), people["ke"]
    )
    assert status == 0, err
    assert json.loads(out)["types"] == ["individual-decision.recorded"]
    stored = decision_from_history(_stored_case(store_url, opened_case), "v-1")
    appointment = notice_of_appointment(
        assess(facts_from_json(facts), as_of=AS_OF),
        Professional(
            ref="ke-siri",
            service=ServiceKind.KOORDINERENDE_ENHET,
            organisation=Organisasjonsnummer.parse("974760673"),
            name="Siri",
            title="Barnekoordinator",
        ),
        as_of=AS_OF,
        settings=MunicipalSettings(),
    )
    assert stored.kind.value == "appoint"
    assert stored.appointment == appointment


def test_bad_facts_are_refused_with_their_path_and_nothing_is_stored(
    opened_case: str,
    people: dict[str, str],
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The facts inside the document are checked against ``eligibility-facts.v1``: a problem
    names its JSON path under ``$.arguments.facts``; exit 2, one line, nothing stored."""
    _grant_ke(capsys, opened_case, people["ke"], tmp_path)
    before = stored_events(store_url, opened_case)
    facts = _facts("bk-05-health-only.json", "barn")
    facts["needs"]["services"] = ["no-such-service"]
    status, _, err = _record(capsys, tmp_path, _document(opened_case, facts), people["ke"])
    assert status == 2
    assert "$.arguments.facts.needs.services[0]" in err
    assert "no-such-service" not in err  # no value is repeated
    assert stored_events(store_url, opened_case) == before
