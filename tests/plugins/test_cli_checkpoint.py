"""``barnekoordinator checkpoint`` and ``verify --checkpoint``: keys kept away from the database.

Every test runs with ``HOME`` and ``XDG_CONFIG_HOME`` in a temporary folder, so no key is ever
written to the real home folder.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from _sqlite_copy import sqlite_backup
from barnekoordinator._cli._keys import KEY_ENV, KEY_FILE_ENV
from barnekoordinator.cli import main
from barnekoordinator.history.checkpoint import Ed25519Signer
from barnekoordinator.testing.conformance import CONFORMANCE_CATALOGUE, make_audit, make_records
from barnekoordinator_plugins.sqlite import SQLiteCaseStore


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return home


def _append(path: Path, case: str, count: int) -> None:
    with SQLiteCaseStore(path, catalogue=CONFORMANCE_CATALOGUE) as store:
        version = store.version(case)
        prev = store.read(case)[-1].hash if version else "0" * 64
        records = make_records(case, count, after_version=version, prev_hash=prev)
        store.append(case, version, records, audit=make_audit(case, action="write"))
        store.append_audit(make_audit(case))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store in its own folder with two audited writes."""
    path = tmp_path / "data" / "cases.db"
    path.parent.mkdir()
    _append(path, "case-1", 2)
    _append(path, "case-2", 1)
    return path


def test_first_checkpoint_creates_a_key_in_the_configuration_folder(
    db: Path, tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no key configured, one is made (0600) in $XDG_CONFIG_HOME and the command says where."""
    out_file = tmp_path / "cp1.txt"
    assert (
        main(["checkpoint", "--lang", "en", "--store", f"sqlite:{db}", "--output", str(out_file)])
        == 0
    )
    out = capsys.readouterr().out
    key = home / "config" / "barnekoordinator" / "checkpoint.key"
    assert f"a new key created in {key}" in out
    assert "checkpoint of 3 event(s) and 4 audit record(s)" in out
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    public = key.with_suffix(".pub").read_text().strip()
    assert f"public key: {public}" in out
    assert not list(db.parent.glob("*.key")), "never beside the database"
    # The second checkpoint reuses the key, and verify finds its public key on its own.
    _append(db, "case-1", 1)
    assert (
        main(
            [
                "checkpoint",
                "--lang",
                "en",
                "--store",
                f"sqlite:{db}",
                "--output",
                str(tmp_path / "c2"),
            ]
        )
        == 0
    )
    assert f"signed with key file {key}" in capsys.readouterr().out
    assert (
        main(["verify", "--lang", "en", "--store", f"sqlite:{db}", "--checkpoint", str(out_file)])
        == 0
    )
    assert "consistent with the checkpoint" in capsys.readouterr().out


def test_key_from_the_environment_and_an_explicit_public_key(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """$BARNEKOORDINATOR_CHECKPOINT_KEY holds the key itself; nothing is written to disk."""
    signer = Ed25519Signer.generate("kommune.example/bk")
    monkeypatch.setenv(KEY_ENV, signer.key_text())
    cp = tmp_path / "cp.txt"
    assert main(["checkpoint", "--lang", "en", "--store", f"sqlite:{db}", "--output", str(cp)]) == 0
    assert f"signed with ${KEY_ENV}" in capsys.readouterr().out
    assert cp.read_text().startswith("kommune.example/bk\n3\n")
    assert not (tmp_path / "home" / "config").exists()
    public = tmp_path / "bk.pub"
    public.write_text(signer.verifier().key_text() + "\n")
    monkeypatch.delenv(KEY_ENV)
    args = ["verify", "--lang", "en", "--store", f"sqlite:{db}", "--checkpoint", str(cp)]
    assert main([*args, "--public-key", str(public)]) == 0
    # Another key's public key does not open the checkpoint: exit 3, nothing proved.
    other = tmp_path / "other.pub"
    other.write_text(Ed25519Signer.generate("kommune.example/bk").verifier().key_text())
    assert main([*args, "--public-key", str(other)]) == 3
    assert "no signature by a trusted key" in capsys.readouterr().err


def test_a_key_beside_the_database_is_refused(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A key file in the database's folder is neither made nor used."""
    beside = db.parent / "checkpoint.key"
    monkeypatch.setenv(KEY_FILE_ENV, str(beside))
    args = [
        "checkpoint",
        "--lang",
        "en",
        "--store",
        f"sqlite:{db}",
        "--output",
        str(tmp_path / "cp"),
    ]
    assert main(args) == 3
    assert "in the folder of the database" in capsys.readouterr().err
    assert not beside.exists()
    monkeypatch.delenv(KEY_FILE_ENV)
    beside.write_text(Ed25519Signer.generate("x.example/k").key_text())
    assert main([*args, "--key", str(beside)]) == 3
    assert not (tmp_path / "cp").exists()


def test_key_file_variable_names_where_the_key_is_made(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """$BARNEKOORDINATOR_CHECKPOINT_KEY_FILE moves the key; a missing --key is an error."""
    elsewhere = tmp_path / "vault" / "bk.key"
    monkeypatch.setenv(KEY_FILE_ENV, str(elsewhere))
    assert (
        main(
            [
                "checkpoint",
                "--lang",
                "en",
                "--store",
                f"sqlite:{db}",
                "--output",
                str(tmp_path / "a"),
            ]
        )
        == 0
    )
    assert f"a new key created in {elsewhere}" in capsys.readouterr().out
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o600
    missing = ["--key", str(tmp_path / "missing.key")]
    args = [
        "checkpoint",
        "--lang",
        "en",
        "--store",
        f"sqlite:{db}",
        "--output",
        str(tmp_path / "b"),
        *missing,
    ]
    assert main(args) == 3
    assert "cannot be read" in capsys.readouterr().err


def test_verify_reports_a_checkpoint_the_store_no_longer_extends(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store rolled back to before the checkpoint exits 1 naming the events and audit trail."""
    older = sqlite_backup(db, tmp_path / "older.db")
    _append(db, "case-2", 2)
    cp = tmp_path / "cp.txt"
    assert main(["checkpoint", "--lang", "en", "--store", f"sqlite:{db}", "--output", str(cp)]) == 0
    capsys.readouterr()
    assert (
        main(["verify", "--lang", "en", "--store", f"sqlite:{older}", "--checkpoint", str(cp)]) == 1
    )
    out = capsys.readouterr().out
    assert "problem: events: the store holds 3 event(s), fewer than the 5" in out
    assert "problem: audit trail: the store holds 4 audit record(s), fewer than the 6" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe not text", "not UTF-8"),
        (b"origin\n1\n\n", "at least one signature line"),
        (b"", "a blank line and signature lines"),
    ],
)
def test_verify_refuses_an_unusable_checkpoint_file(
    db: Path,
    tmp_path: Path,
    content: bytes,
    expected: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A checkpoint file that is not a signed note exits 3 with a typed message, no traceback."""
    cp = tmp_path / "cp.txt"
    cp.write_bytes(content)
    public = tmp_path / "k.pub"
    public.write_text(Ed25519Signer.generate("x.example/k").verifier().key_text())
    args = ["verify", "--lang", "en", "--store", f"sqlite:{db}", "--checkpoint", str(cp)]
    assert main([*args, "--public-key", str(public)]) == 3
    assert expected in capsys.readouterr().err


# -- --frontier: a scheduled checkpoint reads only what is new (decision 32) -----------------


def _checkpoint(db: Path, output: Path, *extra: str) -> int:
    return main(
        ["checkpoint", "--lang", "en", "--store", f"sqlite:{db}", "--output", str(output), *extra]
    )


def test_a_frontier_run_reads_only_the_new_records_and_signs_what_a_full_run_signs(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second run with ``--frontier`` starts its reads at the last record it saw (not at the
    beginning), reports the new records, and writes the very note a full run writes."""
    frontier = tmp_path / "ops" / "frontier.json"
    frontier.parent.mkdir()
    assert _checkpoint(db, tmp_path / "cp1", "--frontier", str(frontier)) == 0
    out = capsys.readouterr().out
    assert f"frontier saved in {frontier}" in out
    saved = json.loads(frontier.read_text())
    assert saved["format"] == "barnekoordinator.frontier/1"
    assert saved["events"]["size"] == 3
    assert saved["audit"]["size"] == 4
    assert saved["checkpoint"] == (tmp_path / "cp1").read_text()

    _append(db, "case-1", 2)
    starts: list[tuple[str, int]] = []

    def spy(method: str) -> Callable[..., Any]:
        real = getattr(SQLiteCaseStore, method)

        def read(self: SQLiteCaseStore, *args: Any, **kwargs: Any) -> Any:
            starts.append((method, kwargs["after_position"]))
            return real(self, *args, **kwargs)

        return read

    with pytest.MonkeyPatch.context() as patch:  # the real reads, watched
        for method in ("read_all", "read_all_audit"):
            patch.setattr(SQLiteCaseStore, method, spy(method))
        assert _checkpoint(db, tmp_path / "cp2", "--frontier", str(frontier), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["resumed"] is True
    assert (report["events"], report["new_events"]) == (5, 2)
    assert (report["audit_records"], report["new_audit_records"]) == (6, 2)
    # Each tree's first read starts at the last record it had seen, not at position 0.
    first = dict(reversed(starts))
    assert first == {
        "read_all": saved["events"]["position"] - 1,
        "read_all_audit": saved["audit"]["position"] - 1,
    }
    assert _checkpoint(db, tmp_path / "full") == 0
    assert (tmp_path / "cp2").read_text() == (tmp_path / "full").read_text()
    assert json.loads(frontier.read_text())["checkpoint"] == (tmp_path / "cp2").read_text()
    capsys.readouterr()
    args = ["verify", "--store", f"sqlite:{db}", "--checkpoint", str(tmp_path / "cp1")]
    assert main(args) == 0


def test_a_store_rolled_back_behind_the_frontier_exits_1_and_signs_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store restored from an older copy no longer holds the last record the frontier saw:
    exit 1, one line naming the tree, and neither the output nor the frontier is touched."""
    older = sqlite_backup(db, tmp_path / "older.db")
    _append(db, "case-2", 2)
    frontier, output = tmp_path / "frontier.json", tmp_path / "cp"
    assert _checkpoint(db, output, "--frontier", str(frontier)) == 0
    kept = (output.read_text(), frontier.read_text())
    capsys.readouterr()
    assert _checkpoint(older, output, "--frontier", str(frontier)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is not an extension of the checkpoint" in err
    assert "events tree of 5 records" in err
    assert "nothing signed" in err
    assert (output.read_text(), frontier.read_text()) == kept


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.update(checkpoint=d["checkpoint"].replace("\n5\n", "\n6\n")), "verify"),
        (lambda d: d["events"].update(size=4), "frontier hashes"),
        (lambda d: d["audit"].update(hashes=d["events"]["hashes"]), "does not give"),
        (lambda d: d.update(format="other/1"), "format"),
        (lambda d: d.pop("checkpoint"), "signed note"),
    ],
    ids=["note-edited", "size-edited", "hashes-swapped", "format", "no-note"],
)
def test_an_edited_frontier_file_is_refused(
    db: Path,
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], object],
    expected: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A frontier file that was changed is not trusted: exit 3, one line naming the file and
    how to start over; nothing is written."""
    _append(db, "case-2", 2)
    frontier, output = tmp_path / "frontier.json", tmp_path / "cp"
    assert _checkpoint(db, output, "--frontier", str(frontier)) == 0
    document = json.loads(frontier.read_text())
    edit(document)
    frontier.write_text(json.dumps(document))
    kept = output.read_text()
    capsys.readouterr()
    assert _checkpoint(db, output, "--frontier", str(frontier)) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"frontier {frontier}:" in err
    assert expected in err
    assert "remove the file to start over with a full read" in err
    assert output.read_text() == kept


def test_a_frontier_signed_with_another_key_or_origin_is_refused(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The saved checkpoint must verify with the signer's own key, and name the same origin."""
    frontier = tmp_path / "frontier.json"
    first = Ed25519Signer.generate("first.example/k")
    monkeypatch.setenv(KEY_ENV, first.key_text())
    assert _checkpoint(db, tmp_path / "cp", "--frontier", str(frontier)) == 0
    capsys.readouterr()
    assert _checkpoint(db, tmp_path / "cp", "--frontier", str(frontier), "--origin", "x") == 3
    assert "saved for the origin 'first.example/k', not 'x'" in capsys.readouterr().err
    monkeypatch.setenv(KEY_ENV, Ed25519Signer.generate("second.example/k").key_text())
    assert _checkpoint(db, tmp_path / "cp", "--frontier", str(frontier)) == 3
    assert "no signature by a trusted key" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--output", "--frontier"])
def test_a_file_name_holding_a_nul_byte_is_refused_before_a_key_is_made(
    db: Path, tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    """Exit 3 and one line naming the file, not "unexpected ValueError"; no key is created."""
    argv = ["checkpoint", "--store", f"sqlite:{db}", "--output", str(tmp_path / "cp.txt")]
    argv += [option, str(tmp_path / "bad\x00name")]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "not a file name" in err
    assert "unexpected" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (home / "config" / "barnekoordinator" / "checkpoint.key").exists()
    assert not (tmp_path / "cp.txt").exists()


def _unusable_key_locations(tmp_path: Path) -> list[tuple[dict[str, str], list[str]]]:
    loop = tmp_path / "loop1"
    loop.symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(loop)
    return [
        ({KEY_FILE_ENV: "/dev/null/x.key"}, []),
        ({"XDG_CONFIG_HOME": "/dev/null"}, []),
        ({}, ["--key", str(loop)]),
        ({KEY_FILE_ENV: str(tmp_path / ("k" * 300))}, []),
    ]


@pytest.mark.parametrize("case", range(4))
def test_a_key_location_that_cannot_be_used_is_exit_3_and_one_line(
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: int,
) -> None:
    """A folder that is a file, a symlink loop or a name too long: exit 3, one line naming the
    key file and the system's reason, not "unexpected OSError"."""
    environ, extra = _unusable_key_locations(tmp_path)[case]
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    argv = ["checkpoint", "--store", f"sqlite:{db}", "--output", str(tmp_path / "cp.txt")]
    assert main([*argv, *extra]) == 3
    err = capsys.readouterr().err
    assert "checkpoint key" in err
    assert "unexpected" not in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "cp.txt").exists()


@pytest.mark.parametrize("case", range(4))
@pytest.mark.parametrize("create", [True, False])
def test_a_sealing_key_location_that_cannot_be_used_is_a_typed_error(
    tmp_path: Path, case: int, create: bool
) -> None:
    """The same locations for the sealing key: InvalidConfiguration naming the key file."""
    from barnekoordinator._cli._keys import SEALING_KEY_FILE_ENV, load_sealing_key
    from barnekoordinator.errors import InvalidConfiguration

    environ, extra = _unusable_key_locations(tmp_path)[case]
    if extra:
        environ = {SEALING_KEY_FILE_ENV: extra[1]}
    elif KEY_FILE_ENV in environ:
        environ = {SEALING_KEY_FILE_ENV: environ[KEY_FILE_ENV]}
    with pytest.raises(InvalidConfiguration, match="sealing key"):
        load_sealing_key(store_url=f"sqlite:{tmp_path}/db/cases.db", environ=environ, create=create)
