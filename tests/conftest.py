"""Shared test configuration: Hypothesis profiles and the core fixtures."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, settings

from barnekoordinator.clock import FixedClock

# "ci" is thorough and deterministic; "dev" is the quick default; "fast" for tight loops.
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile("fast", max_examples=15, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(autouse=True)
def _keys_stay_in_the_test(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test (and every command it runs) finds and makes its keys in a temporary folder.

    The command line keeps the checkpoint and sealing keys in the user's configuration folder;
    no test may read a developer's real keys or leave one behind.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for name in (
        "BARNEKOORDINATOR_SEALING_KEY",
        "BARNEKOORDINATOR_SEALING_KEY_FILE",
        "BARNEKOORDINATOR_CHECKPOINT_KEY",
        "BARNEKOORDINATOR_CHECKPOINT_KEY_FILE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing still at a known instant (the core never reads the wall clock)."""
    return FixedClock(datetime(2026, 1, 5, 9, 30, tzinfo=UTC))


@pytest.fixture
def today() -> date:
    """The evaluation date that matches the ``clock`` fixture."""
    return date(2026, 1, 5)
