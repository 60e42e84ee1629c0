"""A command document's identity numbers are held to the control-digit rule in force on the
Casebook's day (domain.md §8.1: the new fødselsnummer rule applies from 1 January 2032). Found
by the sweep of 2026-12-07: documents were structured as stored histories are, under both
rules, so a number that can exist only from 2032 was accepted today."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from barnekoordinator.commands import execute_command, parse_command
from barnekoordinator.errors import SchemaViolation
from barnekoordinator.identifiers import ChecksumRule, checksum_rule_on, inspect
from barnekoordinator.identifiers import IdentifierPolicy as Policy
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    expected_child,
    father,
    mother,
    new_case,
    professional,
)
from barnekoordinator.testing.exporters import into_casebook, staff_principal
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
BORN = DEFAULT_AS_OF + timedelta(days=80)
TODAY = BORN + timedelta(days=10)


def _control(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def _new_rule_only(born: date) -> str:
    """A synthetic (Tenor, month + 80) number for ``born`` whose K1 holds only under the 2032
    rule (remainder 1, 2 or 3), with a valid K2."""
    head = f"{born.day:02d}{born.month + 80:02d}{born.year % 100:02d}"
    for individual in range(500, 1000):
        nine = f"{head}{individual:03d}"
        for k1 in range(10):
            if (_control(nine, _K1) + k1) % 11 in (1, 2, 3):
                r = _control(f"{nine}{k1}", _K2)
                k2 = 0 if r == 0 else 11 - r
                if k2 < 10:
                    return f"{nine}{k1}{k2}"
    raise AssertionError("no such number")  # pragma: no cover - the search always finds one


NUMBER = _new_rule_only(BORN)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteCaseStore]:
    """A real SQLite store."""
    made = SQLiteCaseStore(tmp_path / "c.db")
    yield made
    made.close()


def _document() -> dict[str, object]:
    return {
        "command": "child_born",
        "case": "case-1",
        "arguments": {
            "child": {
                "ref": "child",
                "birth_date": BORN.isoformat(),
                "person_id": {"number": NUMBER, "synthetic": True},
            }
        },
    }


def test_the_number_is_valid_only_under_the_2032_rule() -> None:
    """The test's number: refused under today's rule, accepted under the new one."""
    assert not inspect(NUMBER, policy=Policy.testing()).valid
    assert inspect(NUMBER, policy=Policy.testing(checksum_rule=ChecksumRule.BOTH)).valid


def test_the_rule_in_force_changes_on_1_january_2032() -> None:
    """§8.1: the new rule from 1 January 2032; both are accepted from then on."""
    assert checksum_rule_on(date(2031, 12, 31)) is ChecksumRule.PRE_2032
    assert checksum_rule_on(date(2032, 1, 1)) is ChecksumRule.BOTH


@pytest.mark.parametrize(("today", "accepted"), [(TODAY, False), (date(2032, 1, 2), True)])
def test_a_number_from_2032_is_refused_before_2032(
    store: SQLiteCaseStore, today: date, accepted: bool
) -> None:
    """Before 2032 the document is refused with the number's JSON path, its reason and never
    its digits, and nothing is stored; from 2032 the same document is recorded."""
    run = new_case(
        subject=expected_child(),
        guardians=(mother(), father()),
        professionals=[professional("ke", ServiceKind.KOORDINERENDE_ENHET)],
        koordinerende_enhet=("ke",),
    )
    book = into_casebook(store, run, as_of=today)
    command = parse_command(_document(), allow_synthetic=True)
    before = len(store.read("case-1"))
    if accepted:
        assert execute_command(book, staff_principal("ke"), command).types[0] == "case.child-born"
        return
    with pytest.raises(SchemaViolation) as caught:
        execute_command(book, staff_principal("ke"), command)
    [(path, reason)] = caught.value.problems
    assert path == "$.arguments.child.person_id"
    assert "2032" in reason
    assert NUMBER not in str(caught.value)
    assert len(store.read("case-1")) == before
