"""Fixtures of the command-line tests: a real SQLite file, the keys, and the people who act.

Every command runs in process through ``barnekoordinator.cli.main`` (the same parser, the same
exit statuses as the installed command) unless a test needs a real standard input.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli_helpers import PEOPLE, run_cli

from barnekoordinator.testing.builders import TEST_SEALING_KEY


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite store named in ``$BARNEKOORDINATOR_STORE``, with its keys in the env."""
    folder = tmp_path / "db"
    folder.mkdir()
    url = f"sqlite:{folder / 'cases.db'}"
    monkeypatch.setenv("BARNEKOORDINATOR_STORE", url)
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY", TEST_SEALING_KEY.to_text())
    monkeypatch.setenv("BARNEKOORDINATOR_SUBJECT_SECRET", "cli-test-subject-secret-32-bytes")
    monkeypatch.delenv("BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS", raising=False)
    return url


@pytest.fixture
def people(tmp_path: Path) -> dict[str, str]:
    """The principal.v1 files of the koordinerende enhet, the barnehage and PPT."""
    files = {}
    for name, document in PEOPLE.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        files[name] = str(path)
    return files


@pytest.fixture
def development(monkeypatch: pytest.MonkeyPatch) -> None:
    """The configuration allows development principals (``--as FILE``)."""
    monkeypatch.setenv("BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS", "1")


@pytest.fixture
def opened_case(
    store_url: str, people: dict[str, str], development: None, capsys: pytest.CaptureFixture[str]
) -> str:
    """A case opened by koordinerende enhet with two guardians and three services."""
    status, out, _ = run_cli(
        capsys,
        "case", "open", "--as", people["ke"], "--municipality", "0301", "--born", "2021-03-14",
        "--guardian", "mor:mother", "--guardian", "far:father",
        "--participant", "ke-siri:koordinerende-enhet:123456785",
        "--participant", "ped-leder-1:barnehage:974760673",
        "--participant", "ppt-ola:ppt:123456785:rådgiver",
        "--json",
    )  # fmt: skip
    assert status == 0
    case_id: str = json.loads(out)["case_id"]
    return case_id
