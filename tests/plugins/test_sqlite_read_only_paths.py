"""A SQLite store opened read-only (or without creating) finds the file the writer made, however
its path is spelt: ``sqlite://tmp/c.db`` names the path ``//tmp/c.db``, which a ``file:`` URI must
not read as the host ``tmp``, and ``?``, ``#`` and ``%`` in a file name are not URI syntax.

Real SQLite files; the command-line case runs ``barnekoordinator.cli.main`` in process.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from barnekoordinator.cli import main
from barnekoordinator.testing.builders import TEST_SEALING_KEY
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

PRINCIPAL = {
    "subject": "ke-siri",
    "display_label": "Siri, koordinerende enhet",
    "assurance": "high",
    "municipality_number": "0301",
    "roles": ["koordinerende-enhet"],
}


@pytest.mark.parametrize("name", ["c.db", "a?b#c%41.db", "rom med ø.db"])
def test_every_path_the_writer_opens_opens_read_only_too(tmp_path: Path, name: str) -> None:
    written = tmp_path / name
    for spelt in ("/" + str(written), str(written)):  # "//tmp/…": a POSIX path all the same
        with SQLiteCaseStore(spelt) as store:
            store.put_data_key("case-1", _key())
        for options in ({"read_only": True}, {"create": False}):
            with SQLiteCaseStore(spelt, **options) as store:  # type: ignore[arg-type]
                assert store.data_key_cases() == ["case-1"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == [name]


def _key() -> object:
    from barnekoordinator.history.sealing import WrappedDataKey

    return WrappedDataKey(TEST_SEALING_KEY.key_id, b"\x01" * 60)


def test_a_double_slash_store_url_works_for_reading_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sqlite://ABSOLUTE`` at the command line: the write made the file, the reads find it."""
    url = "sqlite:/" + str(tmp_path / "cases.db")
    monkeypatch.setenv("BARNEKOORDINATOR_STORE", url)
    monkeypatch.setenv("BARNEKOORDINATOR_SEALING_KEY", TEST_SEALING_KEY.to_text())
    monkeypatch.setenv("BARNEKOORDINATOR_SUBJECT_SECRET", "cli-test-subject-secret-32-bytes")
    monkeypatch.setenv("BARNEKOORDINATOR_ALLOW_DEVELOPMENT_PRINCIPALS", "1")
    principal = tmp_path / "ke.json"
    principal.write_text(json.dumps(PRINCIPAL), encoding="utf-8")
    opened = main(
        ["case", "open", "--as", str(principal), "--municipality", "0301", "--born",
         "2021-03-14", "--guardian", "mor:mother", "--json"]
    )  # fmt: skip
    assert opened == 0
    case_id = json.loads(capsys.readouterr().out)["case_id"]
    assert main(["agenda", "--as-of", "2026-06-01"]) == 0, capsys.readouterr().err
    assert "punkt(er) forfaller" in capsys.readouterr().out
    assert main(["case", "show", "--case", case_id, "--as", str(principal)]) == 0
    assert "invalid uri" not in capsys.readouterr().err
    # verify opens the file read-only for its integrity check as well.
    assert main(["verify"]) == 0, capsys.readouterr().err
    assert "invalid uri" not in capsys.readouterr().err
