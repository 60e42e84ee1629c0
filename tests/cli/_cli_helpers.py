"""Helpers of the command-line tests (synthetic people only)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from barnekoordinator.cli import main
from barnekoordinator.config import Config
from barnekoordinator.plugins import case_store, get_plugin_manager

PEOPLE: dict[str, dict[str, Any]] = {
    "ke": {
        "subject": "ke-siri",
        "display_label": "Siri, koordinerende enhet",
        "assurance": "high",
        "municipality_number": "0301",
        "roles": ["koordinerende-enhet"],
    },
    "ped": {
        "subject": "ped-leder-1",
        "display_label": "Nora, barnehage",
        "assurance": "high",
        "municipality_number": "0301",
        "roles": ["caseworker"],
    },
    "ppt": {
        "subject": "ppt-ola",
        "display_label": "Ola, PPT",
        "assurance": "high",
        "municipality_number": "0301",
        "roles": ["caseworker"],
    },
}
"""Who acts in the scripted case: principal.v1 documents (no national id)."""


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``main(argv)``: exit status, standard output, standard error (argparse's exits too)."""
    capsys.readouterr()
    try:
        status = main(list(argv))
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else -1
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def stored_events(url: str, case_id: str, *, audit: bool = False) -> int:
    """How many events (``audit``: audit records) the store holds for the case (back office:
    no principal)."""
    store = case_store(get_plugin_manager(), Config(store=url))
    try:
        return len(store.read_audit(case_id) if audit else store.read(case_id))
    finally:
        store.close()


def command_document(case_id: str, command: str, **arguments: object) -> str:
    """A ``command.v1`` document as JSON text."""
    return json.dumps({"command": command, "case": case_id, "arguments": arguments})


def give_log_consent(capsys: pytest.CaptureFixture[str], case_id: str, ke: str) -> None:
    """The parents' consent to the stafettlogg for the barnehage, PPT and koordinerende enhet,
    recorded by koordinerende enhet (principal file ``ke``)."""
    status, _, err = run_cli(
        capsys,
        "consent", "give", "--case", case_id, "--as", ke, "--id", "k-logg-1",
        "--purpose", "stafettlogg", "--given-by", "mor", "--given-by", "far",
        "--service", "barnehage", "--service", "ppt", "--service", "koordinerende-enhet",
    )  # fmt: skip
    assert status == 0, err
