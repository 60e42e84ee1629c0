"""The generators' shared write-or-check: CI's ``--check`` fails on drift and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from barnekoordinator._generating import write_or_check


def test_check_names_stale_files_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing or different file is out of date: exit 1, named, with the command to run."""
    same, stale, missing = tmp_path / "same.txt", tmp_path / "stale.txt", tmp_path / "new/x.txt"
    same.write_text("a", encoding="utf-8")
    stale.write_text("old", encoding="utf-8")
    files = {same: "a", stale: "new", missing: "x"}
    assert write_or_check(files, check=True, command="pkg.gen") == 1
    out = capsys.readouterr().out
    assert "run python -m pkg.gen" in out
    assert str(stale) in out
    assert str(missing) in out
    assert str(same) not in out
    assert stale.read_text(encoding="utf-8") == "old"
    assert not missing.exists()


def test_write_renews_only_what_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without check the stale files are written (folders made); then a check passes."""
    same, missing = tmp_path / "same.txt", tmp_path / "new" / "x.txt"
    same.write_text("a", encoding="utf-8")
    files = {same: "a", missing: "x"}
    assert write_or_check(files, check=False, command="pkg.gen") == 0
    assert capsys.readouterr().out == f"wrote {missing}\n"
    assert missing.read_text(encoding="utf-8") == "x"
    assert write_or_check(files, check=True, command="pkg.gen") == 0
