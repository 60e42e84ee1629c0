"""``barnekoordinator assess``: files and stdin, text and JSON, exit status 0/1/2."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from barnekoordinator import cli
from barnekoordinator._cli import assess as assess_cli
from barnekoordinator.history.documents import validate_document
from barnekoordinator.rights.eligibility import assess
from barnekoordinator.rights.wire import facts_from_json, result_to_json

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "facts"
BASELINE = EXAMPLES / "bk-01-baseline-eligible.json"


def run(argv: list[str]) -> int:
    """Run only the assess subcommand (independent of the other subcommands' modules)."""
    parser = argparse.ArgumentParser(prog="barnekoordinator")
    assess_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["assess", *argv])
    status: int = args.func(args)
    return status


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("nb", "Barnekoordinator: oppfylt. Kommunen skal oppnevne barnekoordinator."),
        ("nn", "Barnekoordinator: oppfylt. Kommunen skal oppnemne barnekoordinator."),
        ("en", "Child coordinator (barnekoordinator): met. The municipality shall appoint"),
    ],
)
def test_text_output_in_each_language(
    lang: str, phrase: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format text (the default) prints the assessment in nb, nn or en; exit 0."""
    assert run([str(BASELINE), "--as-of", "2025-03-01", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert phrase in out
    assert "pbrl § 2-5 c" in out


def test_json_output_is_the_schema_valid_result(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints the eligibility-result.v1 document of the assessment."""
    assert run([str(BASELINE), "--as-of", "2025-03-01", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    validate_document("eligibility-result.v1", printed)
    facts = facts_from_json(json.loads(BASELINE.read_text(encoding="utf-8")))
    assert printed == result_to_json(assess(facts, as_of=date(2025, 3, 1)))


def test_a_not_eligible_result_still_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """An assessment was made: «not met» is a result, not an error."""
    assert run([str(EXAMPLES / "bk-05-health-only.json"), "--as-of", "2025-03-01"]) == 0
    assert "ikke oppfylt" in capsys.readouterr().out


def test_dash_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """FILE '-' reads the facts from standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO(BASELINE.read_text(encoding="utf-8")))
    assert run(["-", "--as-of", "2025-03-01", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["subject_ref"] == "barn-1"


def test_an_invalid_file_lists_every_problem_with_its_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Schema problems: exit 1 and one line per problem with its JSON path."""
    assert run([str(EXAMPLES / "invalid-facts.json"), "--as-of", "2025-03-01"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    for path in (
        "$.bti_level",
        "$.child.birth_date",
        "$.guardians[0]",
        "$.needs.health_and_care",
        "$.needs.services[1]",
    ):
        assert f"at {path}:" in captured.err


def test_semantic_problems_also_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Facts that pass the schema but contradict themselves are invalid input too."""
    path = tmp_path / "f.json"
    path.write_text(
        json.dumps({"needs": {"services": ["skole"], "other_welfare": False}}), encoding="utf-8"
    )
    assert run([str(path), "--as-of", "2025-03-01"]) == 2
    err = capsys.readouterr().err
    assert "at $: give exactly one of 'child' and 'expected_child'" in err
    assert "at $.needs.other_welfare:" in err


def test_not_json_and_missing_files_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unreadable input is invalid input (exit 1) with a message saying where."""
    broken = tmp_path / "broken.json"
    broken.write_text('{"child": ', encoding="utf-8")
    assert run([str(broken)]) == 2
    assert "is not JSON: line 1 column 11" in capsys.readouterr().err
    assert run([str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_dates_the_rules_cannot_use_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    """as_of before 2012, or before the child's birth, is invalid input."""
    assert run([str(BASELINE), "--as-of", "2011-06-01"]) == 2
    assert "earlier rules are not encoded" in capsys.readouterr().err
    assert run([str(BASELINE), "--as-of", "2020-01-01"]) == 2
    assert "expected_child" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--as-of", "2025-13-01"], ["--lang", "sv"], ["--format", "xml"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed date, language or format is a usage error (argparse, exit 2)."""
    with pytest.raises(SystemExit) as info:
        run([str(BASELINE), *argv])
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_as_of_defaults_to_today_from_the_system_clock(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --as-of the edge reads today's date from SystemClock (never date.today in src),
    as the Norwegian calendar day (Europe/Oslo), as the Casebook's day is: 23:30 UTC on 1 March
    is 00:30 on 2 March in Oslo. Legal sweep, 2026-12-07: the UTC day was used, so at 00:30 on
    an 18th birthday the right to a barnekoordinator (pbrl § 2-5 c, under 18) was still met."""

    class Clock:
        def now(self) -> datetime:
            return datetime(2025, 3, 1, 23, 30, tzinfo=UTC)

    monkeypatch.setattr(assess_cli, "SystemClock", Clock)
    assert run([str(BASELINE), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2025-03-02"


def test_settings_file_is_applied(capsys: pytest.CaptureFixture[str]) -> None:
    """--settings reads MunicipalSettings (here: stafettlogg from nivå 2, consent at 16: the
    16-year-old consents with the guardians, domain.md §7.6)."""
    settings = EXAMPLES / "settings-consent-age-16.json"
    youth = EXAMPLES / "bk-16-youth-refuses.json"
    assert (
        run([str(youth), "--as-of", "2025-03-01", "--settings", str(settings), "--format", "json"])
        == 0
    )
    sl = json.loads(capsys.readouterr().out)["stafettlogg"]
    level = next(c for c in sl["conditions"] if c["condition"] == "s2-bti-level")
    assert level["reason"] == "not-decided"
    wish = next(c for c in sl["conditions"] if c["condition"] == "c6-wish")
    assert wish["reason"].startswith("guardians-and-youth/")


def test_invalid_settings_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Invalid settings list every problem and exit 1."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"stafettlogg_consent_age": 14, "nope": 1}), encoding="utf-8")
    assert run([str(BASELINE), "--as-of", "2025-03-01", "--settings", str(path)]) == 2
    err = capsys.readouterr().err
    assert "nope: unknown setting" in err
    assert "stafettlogg_consent_age" in err


def test_the_main_command_has_the_assess_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    """`barnekoordinator assess …` runs through the CLI spine."""
    assert cli.main(["assess", str(BASELINE), "--as-of", "2025-03-01", "--lang", "en"]) == 0
    assert "Legal basis: pbrl § 2-5 c, hotl § 7-2 a" in capsys.readouterr().out
