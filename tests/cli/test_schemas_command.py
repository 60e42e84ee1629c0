"""``schemas list|show|validate``: 0 valid, 1 invalid with every problem, 2 bad usage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli_helpers import run_cli

from barnekoordinator.history.documents import schema_names


def test_list_names_every_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """Words and JSON list the same names, command.v1 among them."""
    status, out, _ = run_cli(capsys, "schemas", "list")
    assert status == 0
    assert out.split() == schema_names()
    status, out, _ = run_cli(capsys, "schemas", "list", "--json")
    assert json.loads(out) == schema_names()
    assert "command.v1" in schema_names()


def test_show_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """``show command.v1`` is the published schema; an unknown name is exit 2."""
    status, out, _ = run_cli(capsys, "schemas", "show", "command.v1")
    assert status == 0
    assert json.loads(out)["title"] == "barnekoordinator command"
    status, _, err = run_cli(capsys, "schemas", "show", "nope.v9")
    assert status == 2
    assert "no schema named 'nope.v9'" in err


def test_validate_lists_every_problem_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Valid: 0. Invalid: 1 and every problem, in nb/nn/en or JSON. Not JSON: 1. No file: 2."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"command": "accept_handover", "case": "c-1"}))
    status, out, _ = run_cli(capsys, "schemas", "validate", "command.v1", str(good), "--lang", "en")
    assert status == 0
    assert out.strip() == "command.v1: the document is valid."
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"command": "accept_handover", "case": "", "extra": 1}))
    status, out, _ = run_cli(capsys, "schemas", "validate", "command.v1", str(bad))
    assert status == 1
    assert out.splitlines()[0] == "command.v1: dokumentet er ugyldig, 2 problem(er):"
    status, out, _ = run_cli(capsys, "schemas", "validate", "command.v1", str(bad), "--json")
    paths = [p["path"] for p in json.loads(out)["problems"]]
    assert status == 1
    assert paths == ["$", "$.case"]
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"{not json")
    status, out, _ = run_cli(capsys, "schemas", "validate", "command.v1", str(junk), "--json")
    assert status == 1
    assert json.loads(out)["valid"] is False
    status, _, err = run_cli(capsys, "schemas", "validate", "command.v1", str(tmp_path / "none"))
    assert status == 2
    assert "No such file" in err
