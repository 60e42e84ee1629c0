"""A whole case scripted from the command line, on a real SQLite file (issue 17 item 1).

open → grant koordinerende enhet → consent → stafettlogg and an observation (JSON lines on
``record``) → handover proposed by the holder, accepted by PPT → meeting prepared → the log →
closed. Each step is a separate run of the command, as a script would make it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _cli_helpers import command_document, run_cli, stored_events

SRC = Path(__file__).resolve().parents[2] / "src"


def test_a_whole_case_scripted(
    opened_case: str,
    people: dict[str, str],
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every step records what it should and the log shows it, in order; PPT holds the baton
    only after accepting it (hotl § 7-2 a; BTI: no gap in the baton)."""
    case_id = opened_case
    grant = tmp_path / "grant.json"
    grant.write_text(
        command_document(case_id, "grant_role", ref="ke-siri", role="koordinerende-enhet")
    )
    status, out, _ = run_cli(capsys, "record", str(grant), "--as", people["ke"], "--json")
    assert status == 0
    assert json.loads(out)["types"] == ["roles.granted"]
    status, out, _ = run_cli(
        capsys,
        "consent", "give", "--case", case_id, "--as", people["ke"], "--id", "k-logg-1",
        "--purpose", "stafettlogg", "--given-by", "mor", "--given-by", "far",
        "--service", "barnehage", "--service", "ppt", "--service", "koordinerende-enhet",
        "--json",
    )  # fmt: skip
    assert status == 0
    assert json.loads(out)["types"] == ["consent.given"]
    lines = tmp_path / "log.jsonl"
    lines.write_text(
        command_document(case_id, "open_stafettlogg", holder_ref="ped-leder-1", level=2)
        + "\n"
        + command_document(
            case_id,
            "record_observation",
            observation_id="o-1",
            kind="oppmerksomhet",
            text="Foreldrene forteller om lite søvn.",
        )
        + "\n"
    )
    status, out, _ = run_cli(capsys, "record", str(lines), "--as", people["ped"], "--json")
    results = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert results[0]["types"][0] == "stafettlogg.opened"
    assert results[1]["types"] == ["stafettlogg.observation-recorded"]
    status, out, _ = run_cli(
        capsys, "handover", "propose", "--case", case_id, "--as", people["ped"], "--to", "ppt-ola"
    )
    assert status == 0
    assert "handover.proposed" in out
    status, out, _ = run_cli(capsys, "case", "show", "--case", case_id, "--as", people["ppt"],
                             "--json")  # fmt: skip
    holders = {(h["role"], h["ref"]) for h in json.loads(out)["role_holders"]}
    assert ("stafettholder", "ped-leder-1") in holders  # until PPT accepts
    status, _, err = run_cli(capsys, "handover", "accept", "--case", case_id, "--as", people["ped"])
    assert status == 1
    assert "only the proposed stafettholder can accept" in err
    status, out, _ = run_cli(
        capsys, "handover", "accept", "--case", case_id, "--as", people["ppt"], "--lang", "en"
    )
    assert status == 0
    assert out.startswith("Recorded in case")
    assert "handover.accepted" in out
    status, out, _ = run_cli(
        capsys,
        "meeting", "prepare", "--case", case_id, "--as", people["ppt"], "--id", "m-1",
        "--on", "2199-01-01", "--invite", "ped-leder-1", "--point", "Status for tiltakene",
    )  # fmt: skip
    assert status == 0
    assert "stafettlogg.meeting-scheduled" in out
    status, out, _ = run_cli(capsys, "case", "log", "--case", case_id, "--as", people["ppt"],
                             "--json")  # fmt: skip
    entries = [json.loads(line) for line in out.splitlines()]
    assert [e["id"] for e in entries] == ["stafettlogg:o-1", "stafettlogg:m-1"]
    agenda = entries[1]["content"]["agenda"]
    assert agenda[0] == "Status for tiltakene"
    assert any("lite søvn" in line for line in agenda)  # the new concern, from the case
    status, out, _ = run_cli(capsys, "case", "log", "--case", case_id, "--as", people["ppt"],
                             "--lang", "nn")  # fmt: skip
    assert status == 0
    assert out.splitlines()[-1] == "2 oppføring(ar) du kan lese i dag."
    before = stored_events(store_url, case_id)
    status, _, err = run_cli(
        capsys, "case", "close", "--case", case_id, "--as", people["ppt"],
        "--reason", "goal-reached", "--expected-version", "3",
    )  # fmt: skip
    assert status == 1
    assert "expected version 3" in err
    assert stored_events(store_url, case_id) == before
    status, out, _ = run_cli(
        capsys, "case", "close", "--case", case_id, "--as", people["ppt"],
        "--reason", "goal-reached", "--summary", "Målet er nådd.", "--json",
    )  # fmt: skip
    assert status == 0
    assert json.loads(out)["types"] == ["stafettlogg.closed", "case.closed"]
    status, out, _ = run_cli(capsys, "case", "show", "--case", case_id, "--as", people["ppt"],
                             "--lang", "en")  # fmt: skip
    assert status == 0
    assert out.splitlines()[0].endswith("closed, closed.")


def test_json_lines_on_standard_input_and_one_result_line_each(
    opened_case: str, people: dict[str, str], store_url: str
) -> None:
    """``record -`` reads JSON lines from a real standard input; each prints its own line."""
    lines = "\n".join(
        command_document(opened_case, "grant_role", ref="ke-siri", role=role)
        for role in ("koordinerende-enhet", "leader")
    )
    done = subprocess.run(
        [sys.executable, "-m", "barnekoordinator", "record", "-", "--as", people["ke"], "--json"],
        input=lines.encode(),
        capture_output=True,
        env={**_env(), "PYTHONPATH": str(SRC)},
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    versions = [json.loads(line)["version"] for line in done.stdout.decode().splitlines()]
    assert versions == [5, 6]


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_a_child_with_an_open_case_is_referred_to_it(
    store_url: str,
    people: dict[str, str],
    development: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One person, one individual plan (IP-forskriften; hotl § 7-1): a second ``case open`` for
    the same child is refused (exit 1) naming the open case; nothing new is stored."""
    from datetime import date

    from barnekoordinator.identifiers import synthetic_fodselsnummer

    child = tmp_path / "child-id"
    child.write_text(synthetic_fodselsnummer(date(2021, 3, 14)))
    argv = [
        "case", "open", "--as", people["ke"], "--municipality", "0301", "--born", "2021-03-14",
        "--child-id-file", str(child), "--allow-synthetic", "--json",
    ]  # fmt: skip
    status, out, _ = run_cli(capsys, *argv)
    first = json.loads(out)["case_id"]
    status, out, err = run_cli(capsys, *argv)
    assert status == 1
    assert first in err
    assert out == ""
    assert child.read_text() not in err
    status, _, err = run_cli(capsys, *argv[:-2], "--json")  # without --allow-synthetic
    assert status == 2
    assert "synthetic" in err
    assert child.read_text() not in err
