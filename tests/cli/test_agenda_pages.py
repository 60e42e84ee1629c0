"""``barnekoordinator agenda --principal FILE --limit N --after CURSOR``: keyset pages.

The pages a principal walks with the printed cursor are the unpaged answer (text and
``--json``); the ``agenda-page.v1`` line is valid; a bad cursor, or one without
``--principal``, is a usage error that does not repeat the cursor.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import barnekoordinator._cli.agenda as agenda_cli
from barnekoordinator.cli import main
from barnekoordinator.clock import FixedClock
from barnekoordinator.history.documents import validate_document

SYNTHETIC_FNR = "41057100261"


@pytest.fixture
def demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    """The demo's case in a SQLite store, and the agenda arguments of a professional in it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        agenda_cli, "SystemClock", lambda: FixedClock(datetime(2026, 2, 13, 10, tzinfo=UTC))
    )
    store = f"sqlite:{tmp_path / 'agenda.db'}"
    assert main(["demo", "--store", store]) == 0
    capsys.readouterr()
    principal = tmp_path / "ped.json"
    fields = {
        "subject": "ped-leder-1",
        "display_label": "Nora, barnehage",
        "assurance": "high",
        "municipality_number": "0301",
        "roles": ["caseworker"],
    }
    principal.write_text(json.dumps(fields), encoding="utf-8")
    return ["agenda", "--store", store, "--as-of", "2026-02-13", "--days", "5000",
            "--principal", str(principal)]  # fmt: skip


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main([*args, "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_json_pages_add_up_to_the_agenda(
    demo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Pages of one and of two rows, walked with ``next_after``, are the unpaged rows."""
    whole = _json(demo, capsys)
    assert len(whole) >= 3
    assert all("next_after" not in row for row in whole)
    for size in (1, 2):
        rows: list[dict[str, object]] = []
        after: list[str] = []
        while True:
            page = _json([*demo, "--limit", str(size), *after], capsys)
            if page and "next_after" in page[-1]:
                validate_document("agenda-page.v1", page[-1])
                after = ["--after", str(page[-1]["next_after"])]
                page = page[:-1]
                assert len(page) == size
            else:
                after = []
            for row in page:
                validate_document("agenda-item.v1", row)
            rows += page
            if not after:
                break
        assert rows == whole


@pytest.mark.parametrize(("lang", "words"), [("en", "next page"), ("nn", "neste side")])
def test_text_prints_the_next_cursor_in_the_language(
    demo: list[str], capsys: pytest.CaptureFixture[str], lang: str, words: str
) -> None:
    """As text the last line says how to get the next page; that cursor works."""
    assert main([*demo, "--lang", lang, "--limit", "1"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith(f"{words}: --after ac1.")
    cursor = last.split("--after ", 1)[1]
    assert main([*demo, "--lang", lang, "--limit", "1", "--after", cursor]) == 0
    second = capsys.readouterr().out
    assert cursor not in second
    assert _json([*demo, "--limit", "2"], capsys)[1]["case_id"] in second


def test_a_bad_cursor_is_a_usage_error_that_repeats_nothing(
    demo: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, the option named, the text not echoed; no --after without --principal."""
    for bad in (SYNTHETIC_FNR, "ac1." + SYNTHETIC_FNR, "ac1.e30"):
        with pytest.raises(SystemExit) as exited:
            main([*demo, "--after", bad])
        assert exited.value.code == 2
        err = capsys.readouterr().err
        assert "--after" in err
        assert SYNTHETIC_FNR not in err
    good = _json([*demo, "--limit", "1"], capsys)[-1]["next_after"]
    assert main([*demo[:-2], "--after", str(good)]) == 2
    err = capsys.readouterr().err
    assert "--principal" in err
    assert str(good) not in err


def _token(raw: bytes) -> str:
    import base64

    return "ac1." + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 2000,  # RecursionError escaped argparse as a traceback, exit 1
        json.dumps(["2026-01-01", "\ud800", "evaluation-due", "k"]).encode(),  # exit 3 later
        json.dumps(["2026-01-01", "case\x00", "evaluation-due", "k"]).encode(),
        json.dumps(["2026-01-01", "case-1", "evaluation-due", ""]).encode(),
    ],
    ids=["nested-deep", "surrogate-case", "nul-case", "empty-key"],
)
def test_a_crafted_cursor_is_a_usage_error(
    demo: list[str], capsys: pytest.CaptureFixture[str], raw: bytes
) -> None:
    """A cursor token is decoded before the command runs: what it holds is checked there."""
    with pytest.raises(SystemExit) as exited:
        main([*demo, "--after", _token(raw)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "--after" in err
