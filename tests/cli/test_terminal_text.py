"""Text written in a case reaches the reader's terminal with its control characters escaped, and
``--output -`` is refused (fuzz sweep 3, findings F8 and F12).

An observation whose text retitles the terminal (OSC ``ESC ] 0 ;``), clears it (``ESC [ 2 J``)
or holds NUL and C1 controls is printed by ``case log`` as ``\\x1b]0;…``; in ``--json`` every
control character is an escape and the text reads back the same. ``--output -`` names no file
called ``-``: without ``--output`` the page or document already goes to standard output.
Everyone is synthetic.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _cli_helpers import command_document, give_log_consent, run_cli

from barnekoordinator._cli import json_text

HOSTILE = "hi \x1b]0;pwned\x07\x1b[2J\x1b[31mRED\x00 nul\x85next\x9b2J\x7f end"
"""Retitles and clears a terminal, turns it red; NUL, NEL, CSI (C1) and DEL."""

RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
"""A control character other than the line ends a printout is made of."""


@pytest.fixture
def hostile_case(
    opened_case: str, people: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> str:
    """The scripted case with a stafettlogg and an observation written to attack a terminal."""
    case_id = opened_case
    give_log_consent(capsys, case_id, people["ke"])
    lines = tmp_path / "log.jsonl"
    lines.write_text(
        command_document(case_id, "open_stafettlogg", holder_ref="ped-leder-1", level=2)
        + "\n"
        + command_document(
            case_id,
            "record_observation",
            observation_id="o-esc",
            kind="oppmerksomhet",
            text=HOSTILE,
        )
        + "\n"
    )
    status, _, _ = run_cli(capsys, "record", str(lines), "--as", people["ped"])
    assert status == 0
    return case_id


def test_case_log_escapes_control_characters(
    hostile_case: str, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The log's line for the observation shows each control character as ``\\xNN`` (NEL is
    whitespace, which the one-line summary collapses)."""
    status, out, _ = run_cli(capsys, "case", "log", "--case", hostile_case, "--as", people["ped"])
    assert status == 0
    assert RAW.search(out) is None
    (line,) = [line for line in out.splitlines() if "o-esc" in line]
    assert line.endswith("hi \\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mRED\\x00 nul next\\x9b2J\\x7f end")


@pytest.mark.parametrize("action", ["log", "show"])
def test_json_escapes_every_control_character_and_reads_back_the_same(
    hostile_case: str, people: dict[str, str], capsys: pytest.CaptureFixture[str], action: str
) -> None:
    """``case log --json`` and ``case show --json``: C0, DEL and C1 only as ``\\uNNNN``."""
    argv = ("case", action, "--case", hostile_case, "--as", people["ped"], "--json")
    status, out, _ = run_cli(capsys, *argv)
    assert status == 0
    assert RAW.search(out) is None
    assert "\\u009b2J" in out
    documents = [json.loads(line) for line in out.splitlines()]
    entries = documents if action == "log" else documents[0]["entries"]
    texts = [e["content"]["text"] for e in entries if e["id"] == "stafettlogg:o-esc"]
    assert texts == [HOSTILE]


@pytest.mark.parametrize(
    "argv",
    [
        ("overview", "--case", "{case}", "--as", "{ke}"),
        ("export", "--case", "{case}", "--principal", "{ke}", "--format", "fhir-r4"),
        ("checkpoint", "--key", "{tmp}/checkpoint.key"),
    ],
    ids=["overview", "export", "checkpoint"],
)
def test_output_dash_is_refused_and_makes_no_file(
    opened_case: str,
    people: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
) -> None:
    """``--output -``: exit 2, «expected a file name», and no file called ``-``."""
    monkeypatch.chdir(tmp_path)
    filled = [a.format(case=opened_case, ke=people["ke"], tmp=tmp_path) for a in argv]
    status, out, err = run_cli(capsys, *filled, "--output", "-")
    assert status == 2
    assert out == ""
    assert "--output -: expected a file name" in err
    assert not (tmp_path / "-").exists()
    assert not (tmp_path / "checkpoint.key").exists()  # refused before a key is made


def test_json_text_escapes_delete_and_c1_and_reads_back() -> None:
    """Every ``--json`` output goes through ``json_text``: ``json.dumps`` escapes C0 only, so DEL
    and the C1 controls (CSI U+009B steers a terminal as ESC [ does) are escaped too."""
    document = {"detail": HOSTILE, "nested": [HOSTILE]}
    for indent in (None, 2):
        printed = json_text(document, indent=indent)
        assert not RAW.search(printed.replace("\n", ""))
        assert json.loads(printed) == document
