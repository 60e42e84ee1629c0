"""The main job (`barnekoordinator demo`) runs end to end on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from barnekoordinator.cli import main


def test_demo_runs_and_verifies_every_chain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The story completes, the refused handover is shown, and all chains verify (twice)."""
    store = f"sqlite:{tmp_path / 'demo.db'}"
    assert main(["demo", "--store", store]) == 0
    out = capsys.readouterr().out
    assert "barnekoordinator   met" in out
    assert "refused: " in out
    assert "missing: guardian far (father), guardian mor (mother)" in out
    assert "holder is still ped-leder-1 until PPT accepts" in out
    assert "accepted; holder is now ppt-ola" in out
    assert "mode: statutory" in out
    assert "1 case(s), 24 event(s), 21 audit record(s): all verified" in out
    assert main(["demo", "--store", store]) == 0
    assert "2 case(s), 48 event(s), 42 audit record(s): all verified" in capsys.readouterr().out


def test_demo_never_prints_a_full_identifier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only redacted ids appear in the output (eleven consecutive digits never do)."""
    import re

    assert main(["demo", "--store", f"sqlite:{tmp_path / 'd.db'}", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"\d{11}", out)
    assert "Who has looked at our case" in out or "who has looked" in out.lower()


def test_agenda_lists_what_is_due_across_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`agenda` reads the projection: the overdue evaluation and the 18th birthday show."""
    import json

    from barnekoordinator.history.serialization import validate_document

    store = f"sqlite:{tmp_path / 'agenda.db'}"
    assert main(["demo", "--store", store]) == 0
    capsys.readouterr()
    assert main(["agenda", "--store", store, "--as-of", "2026-02-13", "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert "OVERDUE 2026-01-22 evaluation-due" in out
    # The demo appoints a barnekoordinator: duties b–d are agenda rows too (issue 14 item 7).
    assert "duty-due" in out
    assert "6 item(s) due by 2026-03-15" in out
    args = ["agenda", "--store", store, "--as-of", "2026-02-13", "--json"]
    assert main([*args, "--kind", "turns-18", "--days", "5000"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    for row in rows:
        validate_document("agenda-item.v1", row)
    assert [(r["kind"], r["due"], r["overdue"]) for r in rows] == [
        ("turns-18", "2039-03-14", False)
    ]


def test_output_piped_into_a_closed_reader_exits_quietly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`barnekoordinator plugins | head -1`: a reader that went away ends the command quietly."""
    import os
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader goes away, as `head` does
    closed_pipe = open(write_end, "w", buffering=1, encoding="utf-8")  # noqa: SIM115
    monkeypatch.setattr(sys, "stdout", closed_pipe)
    try:
        assert main(["plugins"]) == 0  # without the handler: BrokenPipeError
    finally:
        monkeypatch.undo()
        closed_pipe.close()
