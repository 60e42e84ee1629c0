"""Time, injected.

The core never reads the wall clock: rules take ``as_of: date`` and recorded times come from a
[`Clock`][barnekoordinator.clock.Clock]. [`SystemClock`][barnekoordinator.clock.SystemClock] is the
single place in ``src/`` that reads the real time (it lives in the private
``_system_clock``, published here); edges (the CLI, a vendor's web app) create one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs

# The protocol, ensure_utc and the real clock live apart, without attrs (decision 33): `assess`
# reads today's date and builds no test clock. Every name is published here, unchanged.
from barnekoordinator._system_clock import Clock, SystemClock, ensure_utc

__all__ = ["Clock", "FixedClock", "SystemClock", "TickingClock", "ensure_utc"]


@attrs.define
class FixedClock:
    """A clock that stands still until told otherwise (tests, replays, scripts)."""

    current: datetime = attrs.field(converter=ensure_utc)

    def now(self) -> datetime:
        """The fixed instant."""
        return self.current

    def set(self, value: datetime) -> None:
        """Move the clock to ``value``."""
        self.current = ensure_utc(value)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self.current = self.current + delta


@attrs.define
class TickingClock:
    """A clock that moves forward by ``step`` on every read (distinct, ordered times)."""

    current: datetime = attrs.field(converter=ensure_utc)
    step: timedelta = timedelta(seconds=1)

    def now(self) -> datetime:
        """The current instant; the next read is ``step`` later."""
        value = self.current
        self.current = value + self.step
        return value
