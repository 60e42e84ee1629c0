"""A principal records only what it does itself (third adversarial sweep, finding F2).

``--by`` (``by`` in a ``command.v1`` document) names the person who acts. It was never tied to
the principal, so any participant could propose or accept the stafettlogg's baton for another
(BTI: the holder keeps the baton until the proposed person has received *and accepted* it), or
write a log note under another's name. Now an event whose actor is not a ref the case knows the
principal by is refused (exit 1), nothing is stored, and the refusal is audited.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli_helpers import command_document, give_log_consent, run_cli, stored_events


@pytest.fixture
def log_case(
    opened_case: str, people: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> str:
    """The opened case with consent for the stafettlogg and a log held by the barnehage."""
    give_log_consent(capsys, opened_case, people["ke"])
    opening = tmp_path / "open.json"
    opening.write_text(
        command_document(opened_case, "open_stafettlogg", holder_ref="ped-leder-1", level=2)
    )
    assert run_cli(capsys, "record", str(opening), "--as", people["ped"])[0] == 0
    return opened_case


def _holders(
    case_id: str, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> set[tuple[str, str]]:
    status, out, _ = run_cli(capsys, "case", "show", "--case", case_id, "--as", people["ke"],
                             "--json")  # fmt: skip
    assert status == 0
    return {(h["role"], h["ref"]) for h in json.loads(out)["role_holders"]}


def test_a_participant_cannot_propose_the_baton_for_its_holder(
    log_case: str, people: dict[str, str], store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """PPT proposing a handover 'by' the holder is refused; nothing is stored, one audit row."""
    events = stored_events(store_url, log_case)
    audit = stored_events(store_url, log_case, audit=True)
    status, _, err = run_cli(
        capsys, "handover", "propose", "--case", log_case, "--as", people["ppt"],
        "--to", "ppt-ola", "--by", "ped-leder-1",
    )  # fmt: skip
    assert status == 1
    assert "records only what it does itself" in err
    assert stored_events(store_url, log_case) == events
    assert stored_events(store_url, log_case, audit=True) == audit + 1
    assert ("stafettholder", "ped-leder-1") in _holders(log_case, people, capsys)


def test_only_the_proposed_person_accepts_the_baton_themselves(
    log_case: str, people: dict[str, str], store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """BTI-07: koordinerende enhet (or the holder) accepting 'by' PPT is refused; PPT accepting
    as itself moves the baton."""
    status, _, _ = run_cli(
        capsys, "handover", "propose", "--case", log_case, "--as", people["ped"], "--to", "ppt-ola"
    )
    assert status == 0
    for someone_else in ("ke", "ped"):
        status, _, err = run_cli(
            capsys,
            "handover",
            "accept",
            "--case",
            log_case,
            "--as",
            people[someone_else],
            "--by",
            "ppt-ola",
        )
        assert status == 1, someone_else
        assert "records only what it does itself" in err
        assert ("stafettholder", "ped-leder-1") in _holders(log_case, people, capsys)
    status, _, _ = run_cli(capsys, "handover", "accept", "--case", log_case, "--as", people["ppt"])
    assert status == 0
    assert ("stafettholder", "ppt-ola") in _holders(log_case, people, capsys)


def test_a_log_note_is_written_only_under_ones_own_name(
    log_case: str,
    people: dict[str, str],
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A note 'by' another participant is refused; the same note by oneself is recorded under
    one's own ref."""
    events = stored_events(store_url, log_case)
    forged = tmp_path / "forged.json"
    forged.write_text(
        command_document(
            log_case,
            "record_observation",
            observation_id="o-1",
            kind="oppmerksomhet",
            text="Skrevet i en annens navn.",
            by="ped-leder-1",
        )
    )
    status, _, err = run_cli(capsys, "record", str(forged), "--as", people["ppt"])
    assert status == 1
    assert "records only what it does itself" in err
    assert stored_events(store_url, log_case) == events
    own = tmp_path / "own.json"
    own.write_text(
        command_document(
            log_case,
            "record_observation",
            observation_id="o-1",
            kind="oppmerksomhet",
            text="Skrevet av PPT selv.",
            by="ppt-ola",
        )
    )
    status, out, _ = run_cli(capsys, "record", str(own), "--as", people["ppt"], "--json")
    assert status == 0
    assert json.loads(out)["types"] == ["stafettlogg.observation-recorded"]
