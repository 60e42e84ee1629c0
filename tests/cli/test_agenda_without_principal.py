"""``barnekoordinator agenda`` without ``--principal`` tells nothing of a birth date.

A ``turns-18`` row's due date is the child's 18th birthday. The principal-less agenda printed
only case ids, kinds and counts, but whether a ``turns-18`` count appeared within a horizon
moved a day at a time (``--as-of``, ``--days``) gave the date away in about 14 runs, and
``--limit`` told which case is due first (sweep 2026-12-07, issue 11 item 1). Now no output
without a principal depends on a date computed from a person: two stores whose children differ
only in their birth date print the same, whatever the horizon; with a principal who may read
the case the row is still shown.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli_helpers import command_document, run_cli

BIRTH_DATES = ("2021-03-14", "2021-09-02")
"""Two children alike but for their birth date: 18 on 2039-03-14 and on 2039-09-02."""

HORIZONS: tuple[tuple[str, str], ...] = (
    *((f"2039-03-{day:02d}", "0") for day in (12, 13, 14, 15)),
    *((f"2039-09-{day:02d}", "0") for day in (1, 2, 3)),
    ("2039-03-13", "1"),
    ("2039-03-01", "30"),
    ("2039-01-01", "200"),
    ("2039-01-01", "250"),
    ("2026-11-01", "0"),
    ("2026-11-01", "60"),
    ("2026-11-01", "5000"),
    ("2040-01-01", "0"),
)
"""(--as-of, --days) pairs on either side of each child's 18th birthday, as a bisection tries."""


@pytest.fixture
def stores(
    tmp_path: Path,
    store_url: str,  # the keys in the environment (before `development`, which it resets)
    people: dict[str, str],
    development: None,
    capsys: pytest.CaptureFixture[str],
) -> list[tuple[str, str]]:
    """One SQLite store per birth date, each with one case opened by koordinerende enhet: its
    store URL and case id."""
    made = []
    for n, born in enumerate(BIRTH_DATES):
        url = f"sqlite:{tmp_path / f'store-{n}.db'}"
        status, out, err = run_cli(
            capsys,
            "case", "open", "--store", url, "--as", people["ke"], "--municipality", "0301",
            "--born", born, "--guardian", "mor:mother", "--guardian", "far:father",
            "--participant", "ke-siri:koordinerende-enhet:123456785",
            "--participant", "ped-leder-1:barnehage:974760673",
            "--json",
        )  # fmt: skip
        assert status == 0, err
        case_id = json.loads(out)["case_id"]
        # A row that is no person's date: the barnehage's nivå-0 decision, due alike in both.
        undring = tmp_path / f"undring-{n}.json"
        undring.write_text(
            command_document(
                case_id, "register_undring", undring_id="u1", description="Uro i lek",
                as_of="2026-11-02",
            )
        )  # fmt: skip
        status, _, err = run_cli(
            capsys, "record", str(undring), "--store", url, "--as", people["ped"]
        )
        assert status == 0, err
        made.append((url, case_id))
    return made


def _agenda(capsys: pytest.CaptureFixture[str], url: str, case_id: str, *args: str) -> str:
    """The exit status and output of ``agenda`` on one store, its case id made neutral."""
    status, out, err = run_cli(capsys, "agenda", "--store", url, "--lang", "en", *args)
    return f"{status}\n{out}\n{err}".replace(case_id, "CASE")


SHAPES: tuple[tuple[str, ...], ...] = (
    (),
    ("--json",),
    ("--limit", "1"),
    ("--json", "--limit", "1"),
)
"""As text and JSON, with and without --limit (which case comes first told the date too)."""


def test_a_bisected_horizon_tells_a_birth_date_only_to_a_principal(
    stores: list[tuple[str, str]], people: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a principal, every horizon in every shape prints the same for both stores; with
    koordinerende enhet, who is in the case, each child's turns-18 row shows on its own date."""
    for shape in SHAPES:
        for as_of, days in HORIZONS:
            args = ("--as-of", as_of, "--days", days, *shape)
            first, second = (_agenda(capsys, url, case, *args) for url, case in stores)
            assert first == second, (as_of, days, shape)
            assert "turns-18" not in first.replace("(no turns-18 rows", "")
        # The other rows are still counted (and spend --limit).
        url, case_id = stores[0]
        out = _agenda(capsys, url, case_id, "--as-of", "2026-11-01", "--days", "5000", *shape)
        assert "decision-due" in out
    for (url, case_id), born in zip(stores, BIRTH_DATES, strict=True):
        status, out, err = run_cli(
            capsys, "agenda", "--store", url, "--principal", people["ke"], "--json",
            "--as-of", "2039-01-01", "--days", "300", "--kind", "turns-18",
        )  # fmt: skip
        assert status == 0, err
        rows = [json.loads(line) for line in out.splitlines()]
        assert [(r["case_id"], r["kind"], r["due"]) for r in rows] == [
            (case_id, "turns-18", f"2039-{born[5:]}")
        ]


def test_asking_for_turns_18_without_a_principal_is_a_usage_error(
    stores: list[tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--kind turns-18`` without a principal: exit 2, one line naming --principal, for both
    stores alike (no count at all)."""
    for as_of, days in HORIZONS:
        outputs = [
            _agenda(capsys, url, case, "--as-of", as_of, "--days", days, "--kind", "turns-18")
            for url, case in stores
        ]
        assert outputs[0] == outputs[1]
        status, out, err = outputs[0].split("\n", 2)
        assert status == "2"
        assert out == ""
        assert "--principal" in err
        assert len(err.strip().splitlines()) == 1


def test_the_text_says_what_is_left_out(
    stores: list[tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Above the total, the text output says turns-18 rows need --principal (en and nb)."""
    url, _ = stores[0]
    status, out, _ = run_cli(capsys, "agenda", "--store", url, "--lang", "en")
    assert status == 0
    note, total = out.splitlines()[-2:]
    assert note == "(no turns-18 rows without --principal: their date is a birth date)"
    assert " item(s) due by " in total
    status, out, _ = run_cli(capsys, "agenda", "--store", url)
    assert status == 0
    assert "«fyller 18 år»" in out.splitlines()[-2]
