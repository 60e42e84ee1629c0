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
    assert "1 case(s), 24 event(s): all verified" in out
    assert main(["demo", "--store", store]) == 0
    assert "2 case(s), 48 event(s): all verified" in capsys.readouterr().out


def test_demo_never_prints_a_full_identifier(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only redacted ids appear in the output (eleven consecutive digits never do)."""
    import re

    assert main(["demo", "--store", f"sqlite:{tmp_path / 'd.db'}", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"\d{11}", out)
    assert "Who has looked at our case" in out or "who has looked" in out.lower()
