"""Bad paths and bad files given to the command line: a typed error in one line, nothing stored.

Every file a command reads is read with a cap (``/dev/zero`` is not read to the end); an output
file is made before the store is read and audited, and a folder that is missing, a file that is
there, or a place that cannot be written is refused with the command's exit status; a file name
holding a NUL byte is named, never a ``ValueError``; file names are echoed with their control
characters escaped. Synthetic identities only.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from _cli_helpers import PEOPLE, run_cli, stored_events

from barnekoordinator._cli import printable
from barnekoordinator.history.checkpoint import Ed25519Signer
from barnekoordinator.identifiers import synthetic_fodselsnummer

NO_CASE = "00000000-0000-4000-8000-000000000000"
"""A case id no store holds (the commands below fail before they would look)."""

EXPORT = ("export", "--case", NO_CASE, "--format", "fhir-r4")

BASELINE = "bk-01-baseline-eligible.json"
"""An eligibility-facts.v1 example that assesses."""

OPEN = ("case", "open", "--municipality", "0301", "--born", "2021-03-14", "--allow-synthetic")


def _one_error_line(err: str) -> str:
    """Standard error is exactly one line, with no traceback and no raw control character."""
    assert "Traceback" not in err
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    line = err.removesuffix("\n")
    assert all(c >= " " and not "\x7f" <= c <= "\x9f" for c in line), line
    return line


def _database(store_url: str) -> Path:
    return Path(store_url.removeprefix("sqlite:"))


def _sparse(path: Path, size: int) -> str:
    """A file of ``size`` zero bytes that takes no room on disk."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return str(path)


# --- item 8: every file is read with a cap --------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "place", "limit"),
    [
        (("agenda", "--principal", "{big}"), "--principal {big}", 1 << 20),
        (("case", "show", "--case", NO_CASE, "--as", "{big}"), "--as {big}", 1 << 20),
        ((*EXPORT, "--principal", "{big}"), "--principal {big}", 1 << 20),
        (("import", "{big}"), "{big}", 64 << 20),
        (("assess", "{big}"), "cannot read {big}", 16 << 20),
        (("assess", "{facts}", "--settings", "{big}"), "cannot read settings {big}", 16 << 20),
    ],
)
def test_a_file_longer_than_its_cap_is_refused_unread(
    argv: tuple[str, ...],
    place: str,
    limit: int,
    store_url: str,
    development: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One byte over the cap: exit 2, one line naming the option and the file; the store is
    not made. (Read whole before, a ``/dev/zero`` principal ran out of memory.)"""
    big = _sparse(tmp_path / "big.json", limit + 1)
    facts = Path(__file__).resolve().parents[2] / "examples" / "facts" / BASELINE
    words = [w.format(big=big, facts=facts) for w in argv]
    status, out, err = run_cli(capsys, *words)
    line = _one_error_line(err)
    assert status == 2
    assert f"{place.format(big=big)}: longer than {limit} bytes" in line
    assert out == ""
    assert not _database(store_url).exists()


def test_a_child_id_file_longer_than_a_line_is_refused(
    store_url: str,
    people: dict[str, str],
    development: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A valid number followed by padding was read whole and accepted; now the file is read
    only as far as one line may go (256 bytes): exit 2, one line, no case and no store."""
    child = tmp_path / "child-id"
    child.write_text(synthetic_fodselsnummer(date(2021, 3, 14)) + " " * 300, encoding="utf-8")
    status, out, err = run_cli(capsys, *OPEN, "--as", people["ke"], "--child-id-file", str(child))
    line = _one_error_line(err)
    assert status == 2
    assert f"--child-id-file {child}: longer than 256 bytes" in line
    assert out == ""
    assert not _database(store_url).exists()


# --- item 9: output paths ---------------------------------------------------------------------


@pytest.mark.parametrize("command", ["export", "overview"])
@pytest.mark.parametrize("where", ["missing folder", "under a file", "existing file"])
def test_an_output_that_cannot_be_made_is_refused_before_the_read(
    command: str,
    where: str,
    opened_case: str,
    store_url: str,
    people: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Exit 2 and one line naming --output; nothing is read, so nothing is audited; an existing
    file is left as it was and no file is left behind. (A missing folder was a FileNotFoundError
    after the audited read, exit 3.)"""
    existing = tmp_path / "existing.txt"
    existing.write_text("kept", encoding="utf-8")
    target = {
        "missing folder": tmp_path / "nowhere" / "out.html",
        "under a file": existing / "out.html",
        "existing file": existing,
    }[where]
    reader = (
        ["--principal", people["ke"], "--format", "fhir-r4"]
        if command == "export"
        else ["--as", people["ke"]]
    )
    audited = stored_events(store_url, opened_case, audit=True)
    before = sorted(tmp_path.iterdir())
    status, out, err = run_cli(
        capsys, command, "--case", opened_case, *reader, "--output", str(target)
    )
    line = _one_error_line(err)
    assert status == 2
    assert f"--output {target}: " in line
    assert out == ""
    assert stored_events(store_url, opened_case, audit=True) == audited
    assert sorted(tmp_path.iterdir()) == before
    assert existing.read_text(encoding="utf-8") == "kept"
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("command", ["export", "overview"])
def test_an_output_is_written_whole_with_nothing_left_beside_it(
    command: str,
    opened_case: str,
    store_url: str,
    people: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The good path still writes the file (made first, filled by a rename) and nothing else;
    a refused read removes the file it had made."""
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "case.out"
    reader = (
        ["--principal", people["ke"], "--format", "fhir-r4"]
        if command == "export"
        else ["--as", people["ke"]]
    )
    status, _out, err = run_cli(
        capsys, command, "--case", opened_case, *reader, "--output", str(target)
    )
    assert status == 0, err
    assert target.stat().st_size > 0
    assert [p.name for p in folder.iterdir()] == ["case.out"]
    status, _out, err = run_cli(
        capsys, command, "--case", NO_CASE, *reader, "--output", str(folder / "refused.out")
    )
    assert status == 1
    _one_error_line(err)
    assert [p.name for p in folder.iterdir()] == ["case.out"]


def test_demo_output_that_cannot_be_a_folder_is_refused_before_a_store_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``demo --output FILE`` where a file is: exit 2 and one line naming --output; no store, no
    key, the file unchanged. (It was a FileExistsError, exit 3.)"""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))
    for name in ("BARNEKOORDINATOR_STORE", "BARNEKOORDINATOR_SEALING_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("BARNEKOORDINATOR_SEALING_KEY_FILE", raising=False)
    existing = tmp_path / "existing.txt"
    existing.write_text("kept", encoding="utf-8")
    for target in (existing, existing / "demo"):
        status, out, err = run_cli(capsys, "demo", "--output", str(target))
        line = _one_error_line(err)
        assert status == 2
        assert f"--output {target}: " in line
        assert out == ""
        assert [p.name for p in tmp_path.iterdir()] == ["existing.txt"]
        assert existing.read_text(encoding="utf-8") == "kept"


# --- a NUL byte in a path -------------------------------------------------------------------


NUL_SITES = [
    (("agenda", "--principal", "{nul}"), 2, "--principal"),
    (("case", "show", "--case", NO_CASE, "--as", "{nul}"), 2, "--as"),
    (("case", "show", "--case", NO_CASE, "--token", "{nul}"), 2, "--token"),
    (("whoami", "--token", "{nul}"), 2, "--token"),
    (("case", "open", "--as", "{ke}", *OPEN[2:], "--child-id-file", "{nul}"), 2, "--child-id-file"),
    (
        ("export", "--case", NO_CASE, "--format", "fhir-r4", "--principal", "{nul}"),
        2,
        "--principal",
    ),
    ((*EXPORT, "--principal", "{ke}", "--output", "{nul}"), 2, "--output"),
    (("overview", "--case", NO_CASE, "--as", "{ke}", "--output", "{nul}"), 2, "--output"),
    (("demo", "--output", "{nul}"), 2, "--output"),
    (("import", "{nul}"), 2, ""),
    (("record", "{nul}", "--as", "{ke}"), 2, ""),
    (("schemas", "validate", "command.v1", "{nul}"), 2, ""),
    (("verify", "--checkpoint", "{nul}", "--public-key", "{pub}"), 3, "checkpoint"),
    (("verify", "--checkpoint", "{ke}", "--public-key", "{nul}"), 3, "public key"),
]


@pytest.mark.parametrize(("argv", "status", "place"), NUL_SITES)
def test_a_nul_byte_in_a_path_is_named_not_a_value_error(
    argv: tuple[str, ...],
    status: int,
    place: str,
    store_url: str,
    development: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A name the file system cannot take (reachable through ``main(argv)``): one line naming
    the option and the file, its NUL escaped; exit 2 (3 for a checkpoint or key ``verify`` cannot
    read, as it says); no store made. (It was "unexpected ValueError", exit 3.)"""
    ke = tmp_path / "ke.json"
    ke.write_text(json.dumps(PEOPLE["ke"]), encoding="utf-8")
    pub = tmp_path / "key.pub"
    pub.write_text(Ed25519Signer.generate("kommune.example/bk").verifier().key_text() + "\n")
    nul = str(tmp_path / "x\x00y")
    words = [w.format(nul=nul, ke=ke, pub=pub) for w in argv]
    got, out, err = run_cli(capsys, *words)
    line = _one_error_line(err)
    assert got == status
    shown = printable(nul)
    assert shown.endswith("x\\x00y")
    assert f"{place} {shown}: not a file name".lstrip() in line
    assert out == ""
    assert not _database(store_url).exists()


# --- one line, and the place named ------------------------------------------------------------


def test_an_invalid_principal_file_is_one_line_naming_the_option(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """agenda --principal: every schema problem on one line (it printed one a line)."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"subject": "x", "assurance": "medium"}), encoding="utf-8")
    status, out, err = run_cli(capsys, "agenda", "--principal", str(bad))
    line = _one_error_line(err)
    assert status == 2
    assert line.startswith(f"barnekoordinator agenda: --principal {bad}: ")
    assert "$.assurance" in line
    assert "display_label" in line
    assert out == ""
    assert not _database(store_url).exists()


def test_assess_problems_are_one_line_and_settings_name_the_settings_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """assess printed a document's problems one a line, and blamed the facts file for a bad
    setting; now one line, naming the file the problem is in."""
    baseline = Path(__file__).resolve().parents[2] / "examples" / "facts" / BASELINE
    bad_facts = tmp_path / "facts.json"
    bad_facts.write_text(json.dumps({"needs": {"other_welfare": 1}}), encoding="utf-8")
    status, out, err = run_cli(capsys, "assess", str(bad_facts), "--as-of", "2025-03-01")
    line = _one_error_line(err)
    assert status == 2
    assert line.startswith(f"barnekoordinator assess: {bad_facts}: ")
    assert "at $.needs.other_welfare:" in line
    assert out == ""
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"no_such_setting": 1}), encoding="utf-8")
    status, out, err = run_cli(
        capsys, "assess", str(baseline), "--as-of", "2025-03-01", "--settings", str(settings)
    )
    line = _one_error_line(err)
    assert status == 2
    assert line.startswith(f"barnekoordinator assess: settings {settings}: ")
    assert str(baseline) not in line
    assert out == ""


def test_control_characters_in_a_file_name_are_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file name cannot write an escape sequence or a second line to the terminal; lone
    surrogates are escaped as before."""
    monkeypatch.chdir(tmp_path)
    name = "x\x1b[2J\n\x9b31m\udcff.json"
    status, _out, err = run_cli(capsys, "assess", name)
    line = _one_error_line(err)
    assert status == 2
    assert "cannot read x\\x1b[2J" in line  # the new line is joined, as a message's lines are
    assert "\\x9b31m\\udcff.json: No such file or directory" in line
    assert printable("a\udcffb") == "a\\udcffb"
    assert printable("Tromsø — ok") == "Tromsø — ok"


# --- --option names a loaded plugin -----------------------------------------------------------


def test_a_session_command_refuses_an_option_for_no_plugin(
    opened_case: str, people: dict[str, str], store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``case show`` with ``--option sqlit.busy_timeout=5`` (a typo): exit 2 in one line that
    names the plugins loaded; no audit record is written for the refused call."""
    audit = stored_events(store_url, opened_case, audit=True)
    status, _, err = run_cli(
        capsys,
        "case", "show", "--case", opened_case, "--as", people["ke"],
        "--option", "sqlit.busy_timeout=5",
    )  # fmt: skip
    assert status == 2
    assert "no plugin named 'sqlit' (not loaded)" in _one_error_line(err)
    assert stored_events(store_url, opened_case, audit=True) == audit
