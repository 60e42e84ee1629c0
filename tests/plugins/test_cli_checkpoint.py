"""``barnekoordinator checkpoint`` and ``verify --checkpoint``: keys kept away from the database.

Every test runs with ``HOME`` and ``XDG_CONFIG_HOME`` in a temporary folder, so no key is ever
written to the real home folder.
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

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
    older = tmp_path / "older.db"
    source, target = sqlite3.connect(db), sqlite3.connect(older)
    try:
        source.backup(target)  # a consistent copy, as a backup job would take
    finally:
        source.close()
        target.close()
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
