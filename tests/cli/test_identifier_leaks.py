"""What a person types or a document holds is not echoed when it is an identity number.

Issue 11, item 3: no national identity number in an error or a store file. Before, the unknown
key of a facts file, a case id typed after ``--case`` and a ref given to ``case open`` came
back whole in the error, and a ref that was one was stored in clear. Synthetic numbers only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli_helpers import run_cli

from barnekoordinator.config import Config
from barnekoordinator.plugins import case_store, get_plugin_manager

NUMBER = "17851550097"  # synthetic: month 85 = May + 80
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "facts"


def test_an_unknown_key_in_a_facts_file_is_not_echoed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """jsonschema names an unexpected key; the message shows it redacted."""
    facts = json.loads((EXAMPLES / "bk-01-baseline-eligible.json").read_text(encoding="utf-8"))
    facts[NUMBER] = 1
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    status, out, err = run_cli(capsys, "assess", str(path))
    assert status == 2
    assert NUMBER not in out + err
    assert "178515*****" in err


def test_a_ref_that_is_an_identity_number_is_refused_and_nothing_is_stored(
    store_url: str,
    people: dict[str, str],
    development: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Refs are stored in clear: ``--child`` or ``--guardian`` holding a number is refused."""
    for option in (["--child", NUMBER], ["--guardian", f"{NUMBER}:mother"]):
        status, out, err = run_cli(
            capsys,
            "case", "open", "--as", people["ke"], "--municipality", "0301",
            "--born", "2021-03-14", *option,
        )  # fmt: skip
        assert status == 2, err
        assert NUMBER not in out + err
        assert "never a national identity number" in err
    store = case_store(get_plugin_manager(), Config(store=store_url))
    try:
        assert store.case_ids() == []
    finally:
        store.close()


def test_a_case_id_typed_as_an_identity_number_is_not_echoed(
    opened_case: str, people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """``case show --case <number>``: no such case, and the error does not repeat the number."""
    status, out, err = run_cli(capsys, "case", "show", "--case", NUMBER, "--as", people["ke"])
    assert status != 0
    assert err.strip()
    assert NUMBER not in out + err


def test_a_value_argparse_refuses_is_not_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse repeats the value it refused ("invalid choice: '…'"); a number is hidden."""
    status, out, err = run_cli(capsys, "export", "--for", NUMBER, "--case", "x")
    assert status == 2
    assert "invalid choice: '178515*****'" in err
    assert NUMBER not in out + err
