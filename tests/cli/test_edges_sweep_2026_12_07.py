"""The edge sweep of 2026-12-07: bad input at the command line's edges ends in one typed line.

House rule (issue 11 item 4): every bad input ends in a ``BarnekoordinatorError`` naming the
place and what was expected — exit 2 for what was typed (1 a negative answer, 3 the
environment), one line on standard error, no traceback, no identity number — and nothing is
stored or written. Each test below failed before its fix. Synthetic identities only (Tenor,
month + 80).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from _cli_helpers import command_document, run_cli, stored_events

from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.leaks import identifier_runs

NUMBER = synthetic_fodselsnummer(date(2021, 3, 14))
"""A synthetic fødselsnummer (month + 80): a file name, or the child's id in a file."""

NO_CASE = "00000000-0000-4000-8000-000000000000"

OPEN = ("case", "open", "--municipality", "0301", "--born", "2021-03-14", "--allow-synthetic")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keys are found and made in a home folder of the test's own."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    return home


def _one_line(err: str) -> str:
    """Standard error is one line: no traceback, no "unexpected", no identity number."""
    assert "Traceback" not in err
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    line = err.removesuffix("\n")
    assert "unexpected" not in line, line
    assert identifier_runs(line) == [], line
    assert NUMBER not in line
    return line


def _database(store_url: str) -> Path:
    return Path(store_url.removeprefix("sqlite:"))


def _keys(home: Path) -> list[str]:
    folder = home / "config" / "barnekoordinator"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- 1: whoami reads --token as every command does ---------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("whoami", "--token", "{file}", "--option", "idporten.audience=x"),
        ("case", "show", "--case", NO_CASE, "--token", "{file}"),
    ],
)
def test_an_unreadable_token_file_is_named_redacted(
    argv: tuple[str, ...], store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``whoami --token FILE`` printed its own line with the file's name in clear (an identity
    number); it reads the file as ``case show --token`` does: one redacted line, exit 2."""
    missing = tmp_path / NUMBER
    status, out, err = run_cli(capsys, *(w.format(file=missing) for w in argv))
    line = _one_line(err)
    assert status == 2
    assert f"--token {tmp_path / NUMBER[:6]}*****: cannot read (No such file" in line
    assert out == ""
    assert not _database(store_url).exists()


def test_an_empty_token_file_name_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--token ''`` names the option and what it expects (not "cannot read ''")."""
    status, out, err = run_cli(capsys, "whoami", "--token", "", "--option", "idporten.audience=x")
    assert status == 2
    assert "--token: expected a file name" in _one_line(err)
    assert out == ""


# --- 2: a subject secret that is no text ----------------------------------------------------------


SECRET_ENV = "BARNEKOORDINATOR_SUBJECT_SECRET"


@pytest.mark.parametrize(
    "argv",
    [
        ("case", "show", "--case", NO_CASE, "--as", "{ke}"),
        (*OPEN, "--as", "{ke}"),
        ("record", "{doc}", "--as", "{ke}"),
        ("demo", "--output", "{out}", "--store", "{store}"),
        ("import", "{doc}", "--store", "{store}", "--operator", "Kari"),
    ],
)
def test_a_subject_secret_that_is_not_utf8_is_named(
    argv: tuple[str, ...],
    store_url: str,
    people: dict[str, str],
    development: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Bytes that are not UTF-8 in ``$BARNEKOORDINATOR_SUBJECT_SECRET`` were "unexpected
    UnicodeEncodeError", exit 3; now the variable is named, exit 2, and nothing is made."""
    monkeypatch.setenv(SECRET_ENV, "secret\udcff-32-bytes-long-enough-xxxxxxx")
    doc = tmp_path / "doc.json"
    doc.write_text(command_document(NO_CASE, "withdraw_consent", consent_id="k-1"))
    words = [
        w.format(ke=people["ke"], doc=doc, out=tmp_path / "demo", store=store_url) for w in argv
    ]
    status, out, err = run_cli(capsys, *words)
    line = _one_line(err)
    assert status == 2
    assert f"${SECRET_ENV}: expected UTF-8 text" in line
    assert "\\udcff" not in line  # the value is never echoed
    assert out == ""
    assert not _database(store_url).exists()
    assert not (tmp_path / "demo").exists()


# --- 3: checkpoint --output / --frontier --------------------------------------------------------


def _checkpoint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    return run_cli(capsys, "checkpoint", "--lang", "en", *argv)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_checkpoint_with_names_near_the_limit_is_written(
    opened_case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """250 characters is a legal name (255 is the limit); the temporary file beside it had a
    longer one (``.NAME.PID.tmp``): "unexpected OSError", exit 3. Now both files are written
    and no temporary file is left."""
    folder = tmp_path / "out"
    folder.mkdir()
    output, frontier = folder / ("c" * 250), folder / ("f" * 250)
    status, _, err = _checkpoint(capsys, "--output", str(output))
    assert status == 0, err
    assert output.read_text(encoding="utf-8").startswith("barnekoordinator.invalid/")
    output.unlink()
    status, _, err = _checkpoint(capsys, "--output", str(output), "--frontier", str(frontier))
    assert status == 0, err
    assert output.exists()
    assert json.loads(frontier.read_text(encoding="utf-8"))["format"].endswith("frontier/1")
    assert _leftovers(folder) == []


@pytest.mark.parametrize(
    ("option", "name", "status", "expected"),
    [
        ("--output", "", 2, "--output: expected a file name, got an empty one"),
        ("--frontier", "", 2, "--frontier: expected a file name, got an empty one"),
        ("--frontier", "a" * 300, 3, "cannot be used (File name too long)"),
        ("--output", "a" * 300, 3, "cannot be used (File name too long)"),
        ("--frontier", "missing/f.json", 3, "its folder does not exist"),
        ("--frontier", ".", 3, "is a folder, expected a file"),
    ],
)
def test_a_checkpoint_name_that_cannot_be_used_writes_nothing(
    option: str,
    name: str,
    status: int,
    expected: str,
    opened_case: str,
    tmp_path: Path,
    home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every name is checked before the store is read, a key made or a file written: an empty
    name is a usage error (``--frontier ''`` was taken as no frontier, ``--output ''`` was
    "unexpected ValueError"); a name too long is named (it was "unexpected OSError" after the
    checkpoint was already written to ``--output``)."""
    folder = tmp_path / "out"
    folder.mkdir()
    value = str(folder / name) if name else ""
    names = {"--output": str(folder / "cp.txt"), "--frontier": None, option: value}
    argv = [w for o, v in names.items() if v is not None for w in (o, v)]
    got, out, err = _checkpoint(capsys, *argv)
    line = _one_line(err)
    assert got == status
    assert line.startswith(f"barnekoordinator checkpoint: {option}")
    assert expected in line
    assert out == ""
    assert sorted(p.name for p in folder.iterdir()) == []
    assert "checkpoint.key" not in _keys(home)


def test_a_frontier_that_cannot_be_written_leaves_the_output_as_it_was(
    opened_case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The checkpoint went to ``--output`` before the frontier was tried; now both are written
    to temporary files first, and a frontier that cannot be written leaves the earlier
    checkpoint in place and no temporary file behind."""
    import barnekoordinator._cli.checkpoint as checkpoint

    folder = tmp_path / "out"
    folder.mkdir()
    output = folder / "cp.txt"
    status, _, err = _checkpoint(capsys, "--output", str(output))  # the key is made here
    assert status == 0, err
    output.write_text("the earlier checkpoint\n", encoding="utf-8")
    names = iter(["a" * 16, "b" * 16])  # the temporary files' names, in order
    monkeypatch.setattr(checkpoint.secrets, "token_hex", lambda _n: next(names))
    (folder / f".bk-{'b' * 16}.tmp").mkdir()  # the frontier's temporary file cannot be made
    frontier = folder / "frontier.json"
    status, out, err = _checkpoint(capsys, "--output", str(output), "--frontier", str(frontier))
    line = _one_line(err)
    assert status == 3
    assert line.startswith(f"barnekoordinator checkpoint: --frontier {frontier}: cannot be written")
    assert out == ""
    assert output.read_text(encoding="utf-8") == "the earlier checkpoint\n"
    assert not frontier.exists()
    assert sorted(p.name for p in folder.iterdir()) == [f".bk-{'b' * 16}.tmp", "cp.txt"]


def test_output_and_frontier_cannot_be_one_file(
    opened_case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The frontier would overwrite the checkpoint just written: refused before anything."""
    same = str(tmp_path / "cp.txt")
    status, _, err = _checkpoint(capsys, "--output", same, "--frontier", same)
    assert status == 2
    assert "--output and --frontier: expected two files" in _one_line(err)
    assert not Path(same).exists()


# --- 4: record: a refusal after a stored command is a negative answer ----------------------------


def test_a_command_refused_after_one_was_stored_is_exit_1_and_says_how_many(
    opened_case: str,
    people: dict[str, str],
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Line 1 recorded, line 2 refused by the command's own check: exit 2 ("nothing stored",
    says the help) while line 1 was stored. Now exit 1, one line saying how many stay."""
    participant = {
        "ref": "hs-kari",
        "service": "helsestasjon",
        "organisation": "974760673",
        "provider": "public",
    }
    lines = tmp_path / "two.jsonl"
    lines.write_text(
        command_document(opened_case, "join_participant", participant=participant)
        + "\n"
        + command_document(opened_case, "withdraw_consent", consent_id="no-such")
        + "\n",
        encoding="utf-8",
    )
    before = stored_events(store_url, opened_case)
    status, out, err = run_cli(capsys, "record", str(lines), "--as", people["ke"], "--json")
    line = _one_line(err)
    assert status == 1
    assert line.startswith("barnekoordinator record: command 2 of 2 refused: ")
    assert "no consent 'no-such'" in line
    assert line.endswith("; 1 command before it stays recorded")
    assert stored_events(store_url, opened_case) == before + 1
    assert [json.loads(o)["types"] for o in out.splitlines()] == [["case.participant-joined"]]


def test_the_first_command_refused_by_its_own_check_still_stores_nothing(
    opened_case: str,
    people: dict[str, str],
    store_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit 2 stays what it means: nothing stored (the refusal comes first)."""
    doc = tmp_path / "one.json"
    doc.write_text(command_document(opened_case, "withdraw_consent", consent_id="no-such"))
    before = stored_events(store_url, opened_case)
    status, out, err = run_cli(capsys, "record", str(doc), "--as", people["ke"])
    assert status == 2
    assert "no consent 'no-such'" in _one_line(err)
    assert out == ""
    assert stored_events(store_url, opened_case) == before


# --- 5: demo checks its store before it writes its folder ---------------------------------------


@pytest.mark.parametrize(
    ("store", "status", "expected"),
    [
        ("sqlite:", 2, "'sqlite:' needs a file path"),
        ("sqlite:a\x01", 2, "holds a control character"),
        ("sqlite:{tmp}/missing-folder/cases.db", 3, "SQLITE_CANTOPEN"),
    ],
)
def test_a_demo_whose_store_cannot_be_used_leaves_no_files(
    store: str,
    status: int,
    expected: str,
    tmp_path: Path,
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``demo`` wrote ``--output DIR/addresses.json`` before it looked at ``--store``: a refused
    run left the folder (and a new sealing key) behind. Now nothing is made."""
    for name in ("BARNEKOORDINATOR_STORE", "BARNEKOORDINATOR_SEALING_KEY", SECRET_ENV):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "deep" / "dout"
    url = store.format(tmp=tmp_path)
    got, stdout, err = run_cli(capsys, "demo", "--store", url, "--output", str(out))
    line = _one_line(err)
    assert got == status
    assert expected in line
    assert stdout == ""
    assert not (tmp_path / "deep").exists()
    assert not (tmp_path / "missing-folder").exists()
    assert _keys(home) == []


def test_a_demo_with_an_empty_output_name_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--output ''`` was taken as the default folder, silently."""
    monkeypatch.chdir(tmp_path)
    status, out, err = run_cli(capsys, "demo", "--output", "", "--store", "memory:")
    assert status == 2
    assert "--output: expected a folder name" in _one_line(err)
    assert out == ""
    assert not (tmp_path / "barnekoordinator-demo").exists()


# --- 7: --child-id-file ---------------------------------------------------------------------


def test_a_child_id_file_with_a_byte_order_mark_is_read(
    store_url: str,
    people: dict[str, str],
    development: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Notepad's UTF-8 byte-order mark was refused ("may contain only digits"), though every
    JSON file accepts one: the file is read by the shared text reader now."""
    child = tmp_path / "child-id.txt"
    child.write_bytes(b"\xef\xbb\xbf" + NUMBER.encode() + b"\r\n")
    status, out, err = run_cli(
        capsys, *OPEN, "--as", people["ke"], "--child-id-file", str(child), "--json"
    )
    assert status == 0, err
    assert json.loads(out)["case_id"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"x" + NUMBER.encode(), "may contain only digits", id="a-letter"),
        pytest.param(
            (NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)).encode(),
            "control digit",
            id="wrong-control-digit",
        ),
        pytest.param(b"\xff\xfe" + NUMBER.encode(), "not UTF-8 text", id="not-utf8"),
    ],
)
def test_a_child_id_file_problem_names_the_option_and_the_file(
    content: bytes,
    expected: str,
    store_url: str,
    people: dict[str, str],
    development: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What is wrong with the number named ``--child-id-file`` and its file (redacted: the
    file's name is an identity number here); nothing is stored, no store made."""
    child = tmp_path / NUMBER
    child.write_bytes(content)
    status, out, err = run_cli(capsys, *OPEN, "--as", people["ke"], "--child-id-file", str(child))
    line = _one_line(err)
    assert status == 2
    assert f"barnekoordinator case: --child-id-file {tmp_path / NUMBER[:6]}*****: " in line
    assert expected in line
    assert out == ""
    assert not _database(store_url).exists()


@pytest.mark.parametrize(
    "argv",
    [
        ("verify", "--store", ""),
        ("agenda", "--store", ""),
        ("checkpoint", "--store", "", "--output", "{out}"),
        ("demo", "--store", "", "--output", "{out}"),
    ],
)
def test_an_empty_store_url_is_a_usage_error(
    argv: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--store ''`` was taken as no ``--store``: the command went on with the default store
    (or ``$BARNEKOORDINATOR_STORE``), another database than the one meant, and could write to
    it. Now exit 2 and one line, and nothing is made."""
    words = [w.format(out=tmp_path / "out") for w in argv]
    status, _out, err = run_cli(capsys, *words)
    assert status == 2, err
    assert "--store: expected a store URL" in _one_line(err)
    assert not (tmp_path / "out").exists()


def test_an_output_file_with_a_long_legal_name_is_written(
    opened_case: str, people: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export --output`` wrote a temporary ``.NAME.PID.tmp`` beside NAME, which for a legal
    250-character NAME passed the file system's 255 bytes: refused after the export was made."""
    case_id = opened_case
    target = tmp_path / "out" / ("e" * 245 + ".json")
    target.parent.mkdir()
    status, _out, err = run_cli(
        capsys,
        "export",
        "--case",
        case_id,
        "--principal",
        people["ke"],
        "--format",
        "fhir-r4",
        "--output",
        str(target),
    )
    assert status == 0, err
    assert target.stat().st_size > 0
    assert [p.name for p in target.parent.iterdir()] == [target.name]
