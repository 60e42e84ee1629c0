"""Tests for ``barnekoordinator id`` (domain.md §10.4 rows through the command line)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import barnekoordinator._cli.id as id_cli
from barnekoordinator.cli import main
from barnekoordinator.clock import FixedClock
from barnekoordinator.identifiers import _with_checks, synthetic_fodselsnummer

SRC = Path(__file__).resolve().parents[2] / "src"
JSON_KEYS = {"valid", "kind", "synthetic", "birth_date", "reason"}

# The published control-digit example (domain.md §10.4 ID-01), assembled from its
# stem so that no real-looking full number is committed (it encodes 1899).
PUBLISHED = _with_checks("311299567") or ""


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    """Run the id command with --json and return (status, parsed output) (test helper)."""
    status = main(["id", "--lang", "en", *args, "--json"])
    out = capsys.readouterr().out
    return status, json.loads(out)


def test_id01_text_output_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    """ID-01: the published example prints valid fødselsnummer, redacted 311299*****; exit 0."""
    status = main(["id", "--lang", "en", PUBLISHED])
    out = capsys.readouterr().out
    assert status == 0
    assert "311299*****" in out
    assert PUBLISHED not in out
    assert PUBLISHED[6:] not in out
    assert "valid:      yes" in out
    assert "kind:       fodselsnummer" in out
    assert "synthetic:  no" in out
    assert "birth date: 1899-12-31" in out


def test_id02_synthetic_rejected_without_flag(capsys: pytest.CaptureFixture[str]) -> None:
    """ID-02: 20851250051 is invalid without --allow-synthetic (exit 1), valid with it (exit 0)."""
    status, data = run_json(capsys, "20851250051")
    assert status == 1
    assert set(data) == JSON_KEYS
    assert data["valid"] is False
    assert "synthetic" in str(data["reason"])

    status, data = run_json(capsys, "20851250051", "--allow-synthetic")
    assert status == 0
    assert data == {
        "valid": True,
        "kind": "fodselsnummer",
        "synthetic": True,
        "birth_date": "2012-05-20",
        "reason": None,
    }


def test_id03_invalid_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    """ID-03: 20851250052 prints 'valid: no' with the K2 reason and exits 1, number not shown."""
    status = main(["id", "--lang", "en", "20851250052", "--allow-synthetic"])
    out = capsys.readouterr().out
    assert status == 1
    assert "valid:      no" in out
    assert "K2" in out
    assert "208512" not in out


def test_id05_h_nummer_and_dolly_flags(capsys: pytest.CaptureFixture[str]) -> None:
    """ID-05: 15431050061 is h-nummer by default; --dolly needs --allow-synthetic to pass."""
    status, data = run_json(capsys, "15431050061")
    assert (status, data["kind"], data["synthetic"]) == (0, "h-nummer", False)
    status, data = run_json(capsys, "15431050061", "--dolly")
    assert (status, data["valid"]) == (1, False)
    status, data = run_json(capsys, "15431050061", "--dolly", "--allow-synthetic")
    assert (status, data["kind"], data["synthetic"]) == (0, "fodselsnummer", True)


def test_id09_rule_option(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ID-09: 01863250001 is invalid by default and valid with --rule post-2032 (no birth date)."""
    # The number encodes 1 June 2032, so run the command "after" that day.
    monkeypatch.setattr(id_cli, "SystemClock", lambda: FixedClock(datetime(2033, 1, 1, tzinfo=UTC)))
    status, data = run_json(capsys, "01863250001", "--allow-synthetic")
    assert status == 1
    for rule in ("post-2032", "both"):
        status, data = run_json(capsys, "01863250001", "--allow-synthetic", "--rule", rule)
        assert status == 0
        assert data["birth_date"] is None
    status = main(["id", "--lang", "en", "01863250001", "--allow-synthetic", "--rule", "both"])
    assert "birth date: (not given by the number)" in capsys.readouterr().out


def test_synthetic_d_nummer_text(capsys: pytest.CaptureFixture[str]) -> None:
    """§8.2: a synthetic D-nummer prints kind d-nummer and no birth date."""
    number = synthetic_fodselsnummer(date(2012, 5, 20), d_nummer=True)
    status = main(["id", "--lang", "en", number, "--allow-synthetic"])
    out = capsys.readouterr().out
    assert status == 0
    assert "kind:       d-nummer" in out
    assert "synthetic:  yes" in out
    assert number not in out


def test_future_birth_date_uses_system_clock(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """§8.1: the CLI rejects a number whose date is after today's date from SystemClock."""
    number = synthetic_fodselsnummer(date(2030, 6, 1))
    monkeypatch.setattr(
        id_cli, "SystemClock", lambda: FixedClock(datetime(2030, 5, 31, 23, 0, tzinfo=UTC))
    )
    status, data = run_json(capsys, number, "--allow-synthetic")
    assert status == 1
    assert "future" in str(data["reason"])
    monkeypatch.setattr(id_cli, "SystemClock", lambda: FixedClock(datetime(2030, 6, 1, tzinfo=UTC)))
    status, data = run_json(capsys, number, "--allow-synthetic")
    assert status == 0


def test_number_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """§8 privacy: NUMBER '-' reads the number from standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("20851250051\n"))
    status, data = run_json(capsys, "-", "--allow-synthetic")
    assert status == 0
    assert data["kind"] == "fodselsnummer"


@pytest.mark.parametrize(
    "argv",
    [[], ["--rule", "2033"], ["--bogus"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """§10.4 CLI: a missing number or an unknown option is a usage error (exit 2)."""
    args = ["id", "--lang", "en", *([PUBLISHED] if argv else []), *argv]
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    assert PUBLISHED not in capsys.readouterr().out


def test_real_subprocess(tmp_path: Path) -> None:
    """ID-01/ID-03: python -m barnekoordinator id works as a real process with exit 0 and 1."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "barnekoordinator",
            "id",
            "--lang",
            "en",
            f"{PUBLISHED[:6]}-{PUBLISHED[6:]}",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {
        "valid": True,
        "kind": "fodselsnummer",
        "synthetic": False,
        "birth_date": "1899-12-31",
        "reason": None,
    }
    bad = subprocess.run(
        [sys.executable, "-m", "barnekoordinator", "id", "--lang", "en", "20851250052"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "20851250052" not in bad.stdout + bad.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "barnekoordinator", "id"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert usage.returncode == 2
