"""Injected time: clocks are UTC-aware and only SystemClock reads the real time."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from barnekoordinator.clock import Clock, FixedClock, SystemClock, TickingClock
from barnekoordinator.errors import InvalidInput

SRC = Path(__file__).resolve().parents[2] / "src"


def test_fixed_and_ticking_clocks() -> None:
    """FixedClock stands still until moved; TickingClock advances by its step per read."""
    fixed = FixedClock(datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=1))))
    assert fixed.now() == datetime(2026, 1, 1, 11, tzinfo=UTC)
    assert fixed.now().tzinfo is UTC
    fixed.advance(timedelta(days=1))
    assert fixed.now() == datetime(2026, 1, 2, 11, tzinfo=UTC)
    ticking = TickingClock(datetime(2026, 1, 1, tzinfo=UTC), step=timedelta(seconds=2))
    assert [ticking.now().second for _ in range(3)] == [0, 2, 4]
    assert isinstance(SystemClock(), Clock)
    assert SystemClock().now().tzinfo is UTC


def test_naive_times_are_refused() -> None:
    """A naive datetime is ambiguous and is refused with a clear error."""
    with pytest.raises(InvalidInput, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1))


def test_no_wall_clock_reads_in_src() -> None:
    """Time is injected: no module in src/ calls now()/today()/utcnow() except clock.py."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "clock.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"now", "today", "utcnow"}
                and not (isinstance(node.func.value, ast.Call))
                and not (
                    isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"clock", "self"}
                )
            ):
                target = ast.unparse(node.func.value)
                if target in {"datetime", "date", "time", "datetime.datetime", "datetime.date"}:
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []
