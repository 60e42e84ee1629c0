"""One set of conventions across the command line (issue 17 item 2).

Every command and action lists the exit statuses in its ``--help``; a bad argument is exit 2 and
one line on standard error; ``--json`` and ``--lang`` are where the words and documents are; the
store is ``--store``, else ``$BARNEKOORDINATOR_STORE``; progress shows on standard error only at
a terminal; the CLI reference page is generated from the parsers. Every command runs on a real
SQLite file.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import select
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from _cli_helpers import run_cli

from barnekoordinator._cli._reference import cli_page, parser_actions
from barnekoordinator.cli import _SUBCOMMANDS, EXIT_STATUS, build_parser
from barnekoordinator.history.checkpoint import Ed25519Signer
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator.testing.exporters import into_casebook, rich_case
from barnekoordinator.texts import texts_under
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SRC = Path(__file__).resolve().parents[2] / "src"
DOCS = Path(__file__).resolve().parents[2] / "docs"

COMMANDS = [name for name, _module, _help in _SUBCOMMANDS]


def _command_parser(name: str) -> argparse.ArgumentParser:
    top = build_parser(name)
    (sub,) = (a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    parser: argparse.ArgumentParser = sub.choices[name]
    return parser


def _every_invocation() -> list[list[str]]:
    """Every command and every action of one (``case open`` …), as words."""
    found = []
    for name in COMMANDS:
        found.append([name])
        for action in parser_actions(_command_parser(name)):
            found.append(action.prog.split()[1:])
    return found


INVOCATIONS = _every_invocation()
PRINTS_WORDS = ["verify", "checkpoint", "agenda", "id", "whoami", "export", "import", "plugins"]
PRINTS_WORDS += ["remind", "assess"]
HAS_JSON = [*PRINTS_WORDS]


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("words", INVOCATIONS, ids=" ".join)
def test_help_lists_the_exit_statuses(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` of every command and action: exit 0, the exit-status line at its end."""
    status, out, err = run_cli(capsys, *words, "--help")
    assert status == 0, err
    assert _words(EXIT_STATUS) in _words(out)


@pytest.mark.parametrize("words", INVOCATIONS, ids=" ".join)
def test_a_bad_argument_is_one_line_and_exit_2(
    words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown option: exit 2, one line on standard error naming --help, no traceback."""
    status, out, err = run_cli(capsys, *words, "--no-such-option")
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "--help" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", HAS_JSON)
def test_json_is_documented_as_a_document_or_json_lines(name: str) -> None:
    """Every command's ``--json`` help says what it prints: one document or JSON lines."""
    parser = _command_parser(name)
    (option,) = (a for a in parser._actions if "--json" in a.option_strings)
    assert option.help is not None
    assert option.help.startswith(("print one JSON document", "print JSON lines")), option.help


@pytest.mark.parametrize("name", PRINTS_WORDS)
def test_lang_is_on_every_command_that_prints_words(name: str) -> None:
    parser = _command_parser(name)
    (option,) = (a for a in parser._actions if "--lang" in a.option_strings)
    assert option.choices == ("nb", "nn", "en") or list(option.choices or ()) == ["nb", "nn", "en"]


def test_the_cli_reference_page_is_generated_from_the_parsers() -> None:
    """docs/reference/cli.md is current, and holds every command and action with its usage."""
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    assert page == cli_page(), "run python -m barnekoordinator._cli._reference"
    for words in INVOCATIONS:
        prog = " ".join(["barnekoordinator", *words])
        assert re.search(rf"^##+ {re.escape(prog)}$", page, re.M), prog
        assert f"usage: {prog} " in page
    assert page.count(EXIT_STATUS.split(";")[0]) == len(INVOCATIONS) + 1


def test_every_cli_text_has_three_languages_with_the_same_placeholders() -> None:
    """The command line's words are in the catalogues (the catalogue check covers them all)."""
    words = texts_under("cli.")
    assert len(words) > 40
    for key, value in words.items():
        values = (value.get("nb"), value.get("nn"), value.get("en"))
        assert all(v.strip() for v in values), key
        fields = [sorted(re.findall(r"{(\w+)}", v)) for v in values]
        assert fields[0] == fields[1] == fields[2], key
    assert words["yes"].get("nn") == "ja"


# --- On a real store ---------------------------------------------------------------------------


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, Path]:
    """A SQLite store holding a rich case, named by $BARNEKOORDINATOR_STORE only; its keys in
    the environment; the koordinerende enhet's principal file."""
    run = rich_case()
    db = tmp_path / "db" / "cases.db"
    db.parent.mkdir()
    store = SQLiteCaseStore(db)
    into_casebook(store, run)
    store.close()
    monkeypatch.setenv("BARNEKOORDINATOR_STORE", f"sqlite:{db}")
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY", TEST_SEALING_KEY.to_text())
    monkeypatch.setenv("BARNEKOORDINATOR_SUBJECT_SECRET", "exporter-contract-secret-32bytes")
    principal = tmp_path / "ke.json"
    principal.write_text(
        json.dumps(
            {
                "subject": "ke",
                "display_label": "Siri, koordinerende enhet",
                "assurance": "high",
                "roles": ["koordinerende-enhet"],
                "municipality_number": "0301",
            }
        )
    )
    return f"sqlite:{db}", run.case.id, principal


def test_verify_json_and_lang_on_the_store_named_by_the_environment(
    opened_case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """verify finds the store through $BARNEKOORDINATOR_STORE; --json is one document."""
    status, out, _ = run_cli(capsys, "verify", "--json")
    assert status == 0
    report = json.loads(out)
    assert report["ok"] is True
    assert report["problems"] == []
    assert report["checkpoint"] is None
    assert report["cases"] == 1
    assert report["events"] > 0
    assert report["audit_records"] > 0
    status, out, _ = run_cli(capsys, "verify", "--lang", "nn")
    assert status == 0
    assert out.startswith(f"kontrollerte 1 sak(er), {report['events']} hending(ar)")
    status, out, _ = run_cli(capsys, "verify", "--lang", "nb")
    assert f"{report['events']} hendelse(r)" in out


def test_a_missing_store_is_exit_3_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The environment names a store that is not there: exit 3, one line, nothing created."""
    missing = tmp_path / "nowhere.db"
    monkeypatch.setenv("BARNEKOORDINATOR_STORE", f"sqlite:{missing}")
    for words in (["verify"], ["agenda"], ["checkpoint", "--output", str(tmp_path / "cp")]):
        status, _out, err = run_cli(capsys, *words, "--json")
        assert status == 3, (words, err)
        assert len(err.strip().splitlines()) == 1
        assert not missing.exists()


def test_checkpoint_json_then_verify_against_it(
    opened_case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    signer = Ed25519Signer.generate("kommune.example/bk")
    monkeypatch.setenv("BARNEKOORDINATOR_CHECKPOINT_KEY", signer.key_text())
    cp = tmp_path / "cp.txt"
    status, out, _ = run_cli(capsys, "checkpoint", "--output", str(cp), "--json")
    assert status == 0
    written = json.loads(out)
    assert written["output"] == str(cp)
    assert written["origin"] == "kommune.example/bk"
    assert written["public_key"] == signer.verifier().key_text()
    assert cp.read_text().startswith(f"kommune.example/bk\n{written['events']}\n")
    status, out, _ = run_cli(capsys, "verify", "--checkpoint", str(cp), "--json")
    assert status == 0
    assert json.loads(out)["checkpoint"] == {
        "origin": "kommune.example/bk",
        "events": written["events"],
        "audit_records": written["audit_records"],
    }
    status, out, _ = run_cli(capsys, "checkpoint", "--output", str(cp), "--lang", "nb")
    assert "offentlig nøkkel: " + signer.verifier().key_text() in out


def test_export_json_describes_the_file_and_import_json_the_case(
    stored: tuple[str, str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """export --json: the document goes to --output, its description to standard output."""
    _url, case_id, principal = stored
    args = ["export", "--case", case_id, "--principal", str(principal), "--format", "fhir-r4"]
    status, out, err = run_cli(capsys, *args, "--history", "--json")
    assert status == 2
    assert "--output" in err
    refused = tmp_path / "refused.json"
    status, out, err = run_cli(capsys, *args, "--history", "--output", str(refused))
    assert status == 1
    assert "nothing exported" in err
    assert not refused.exists()
    target = tmp_path / "case.json"
    status, out, err = run_cli(
        capsys, *args, "--history", "--identifiers", "--json", "--output", str(target)
    )
    assert status == 0, err
    described = json.loads(out)
    assert described["case_id"] == case_id
    assert described["format"] == "fhir-r4"
    assert described["bytes"] == target.stat().st_size
    assert described["output"] == str(target)
    assert isinstance(described["version"], int)
    assert isinstance(described["warnings"], list)
    fresh = f"sqlite:{tmp_path / 'fresh.db'}"
    status, out, err = run_cli(capsys, "import", str(target), "--store", fresh, "--json")
    assert status == 0, err
    assert json.loads(out) == {"case_id": case_id, "events": described["version"]}


def test_agenda_speaks_nynorsk(opened_case: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "agenda", "--days", "36500", "--lang", "nn")
    assert status == 0
    assert re.search(r"^\d+ punkt forfell innan \d{4}-\d\d-\d\d$", out.splitlines()[-1])
    status, out, _ = run_cli(capsys, "agenda", "--days", "36500", "--json")
    assert all(json.loads(line)["count"] >= 1 for line in out.splitlines())


def test_id_and_plugins_speak_bokmal(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "id", "00000000000", "--lang", "nb")
    assert status == 1
    assert out.splitlines()[0].startswith("gyldig:")
    assert out.splitlines()[0].endswith("nei")
    status, out, _ = run_cli(capsys, "plugins", "--lang", "nb")
    assert status == 0
    assert "sqlite: barnekoordinator_plugins.sqlite" in out


# --- Progress only at a terminal ----------------------------------------------------------------


def _verify(url: str, stderr: int) -> tuple[bytes, int]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "BARNEKOORDINATOR_STORE": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "barnekoordinator", "verify"],
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=env,
    )
    out, _ = process.communicate(timeout=120)
    return out, process.returncode


def _drain(fd: int) -> bytes:
    seen = b""
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal's other end closed
            break
        if not chunk:
            break
        seen += chunk
    return seen


class _Reader(threading.Thread):
    """Reads a terminal's master side while the command runs (a full buffer would block it)."""

    def __init__(self, fd: int) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.seen = b""

    def run(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # every slave side closed
                return
            if not chunk:
                return
            self.seen += chunk


def test_verify_shows_progress_on_a_terminal_and_nothing_on_a_pipe(
    opened_case: str, store_url: str
) -> None:
    """With standard error a terminal, the records walked are counted there; with a pipe,
    standard error stays empty; standard output is the same either way."""
    url = store_url
    master, slave = pty.openpty()
    reader = _Reader(master)
    reader.start()
    try:
        at_terminal, status = _verify(url, slave)
        os.close(slave)
        reader.join(10)
        progress = reader.seen.decode("utf-8", "replace")
    finally:
        os.close(master)
    assert status == 0
    assert "verify" in progress, progress
    assert "record" in progress, progress
    read, write = os.pipe()
    try:
        on_pipe, status = _verify(url, write)
        os.close(write)
        assert _drain(read) == b""
    finally:
        os.close(read)
    assert status == 0
    assert on_pipe == at_terminal
    assert on_pipe.startswith(b"kontrollerte 1 sak(er)")  # bokmål, the default
