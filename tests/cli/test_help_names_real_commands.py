"""Every command and action a help text names exists, and a group's help names all its actions.

``barnekoordinator --help``, ``case --help`` and docs/reference/cli.md said "open, show, list or
close a case" while ``case`` has ``open``, ``show``, ``log`` and ``close`` (sweep 2026-12-07).
The texts are read as a user reads them, from ``--help``; each name found is then run with
``--help`` itself.
"""

from __future__ import annotations

import re

import pytest
from _cli_helpers import run_cli

ENUMERATION = re.compile(r"^(\w[\w-]*(?:, \w[\w-]*)*),? (?:or|and) (\w[\w-]*)\b")
"""A help line that begins by listing actions: "open, show, log or close a case"."""
SYNOPSIS = re.compile(r"``barnekoordinator (\S+) ([^`]+)``")
"""A description that begins with its synopsis: "``barnekoordinator case open|show|log|close``"."""


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Help lines unwrapped (argparse wraps at the terminal's width)."""
    monkeypatch.setenv("COLUMNS", "250")


def _help(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    status, out, err = run_cli(capsys, *words, "--help")
    assert status == 0, (words, err)
    return out


def _rows(text: str) -> dict[str, str]:
    """The subcommands a help text lists under "positional arguments", with their help line."""
    rows: dict[str, str] = {}
    section = text.split("positional arguments:", 1)[-1].split("\n\n", 1)[0]
    name = ""
    for line in section.splitlines()[2:]:  # after the COMMAND/ACTION line
        if line.startswith("    ") and not line.startswith("     "):
            name, _, rest = line.strip().partition(" ")
            rows[name] = rest.strip()
        elif name:
            rows[name] = f"{rows[name]} {line.strip()}".strip()
    return rows


def _named_actions(line: str) -> list[str]:
    """The actions a help line begins by listing ("list, show or validate …"), if it does."""
    found = ENUMERATION.match(line)
    if found is None:
        return []
    return [*found.group(1).split(", "), found.group(2)]


def _description(text: str) -> str:
    """The description paragraph of a ``--help`` (after the usage)."""
    return text.split("\n\n", 2)[1]


def test_every_action_a_group_help_names_exists(capsys: pytest.CaptureFixture[str]) -> None:
    """Each command of ``barnekoordinator --help`` has a help of its own. For each command with
    actions: the actions its top-level help line and its synopsis name are exactly its actions,
    and each has a help of its own."""
    top = _rows(_help(capsys))
    assert len(top) >= 15
    assert {"case", "agenda", "schemas", "handover"} <= top.keys()
    groups = 0
    for name, line in top.items():
        text = _help(capsys, name)
        assert text.startswith(f"usage: barnekoordinator {name} ")
        actions = _rows(text) if "ACTION" in text.split("\n\n", 1)[0] else {}
        named_by = {"top-level help": _named_actions(line)}
        synopsis = SYNOPSIS.match(_description(text))
        if synopsis is not None and actions:  # a command's synopsis names its arguments
            assert synopsis.group(1) == name
            named_by["synopsis"] = [part.split()[0] for part in synopsis.group(2).split("|")]
        for where, named in named_by.items():
            if named and actions:
                assert sorted(named) == sorted(actions), (name, where, named)
            elif named:
                pytest.fail(f"{name}: its {where} names {named}, but it has no actions")
        for action in actions:
            assert _help(capsys, name, action).startswith(
                f"usage: barnekoordinator {name} {action} "
            )
        groups += bool(actions)
    assert groups >= 4  # case, consent, handover, meeting, schemas
