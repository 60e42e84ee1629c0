"""Time, injected.

The core never reads the wall clock: rules take ``as_of: date`` and recorded times come from a
[`Clock`][barnekoordinator.clock.Clock]. [`SystemClock`][barnekoordinator.clock.SystemClock] is the
single place in ``src/`` that reads the real time; edges (the CLI, a vendor's web app) create one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from attrs import define, field
else:
    from barnekoordinator._classes import define, field

from barnekoordinator.errors import InvalidInput

__all__ = ["Clock", "FixedClock", "SystemClock", "TickingClock", "ensure_utc"]


@runtime_checkable
class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


def ensure_utc(value: datetime, *, what: str = "time") -> datetime:
    """Return ``value`` in UTC.

    Raises:
        InvalidInput: ``value`` is naive, or lies so close to the end of the calendar (year 1
            or 9999) that it has no UTC form; the message names ``what``, never the time.
    """
    if value.tzinfo is UTC:  # the common case, on every replayed event
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{what} must be timezone-aware (UTC), got a naive datetime")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 would be in year 0
        raise InvalidInput(f"{what} must lie within years 1 to 9999 in UTC") from None


class SystemClock:
    """The real clock. The only wall-clock read in the library."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)


@define
class FixedClock:
    """A clock that stands still until told otherwise (tests, replays, scripts)."""

    current: datetime = field(converter=ensure_utc)

    def now(self) -> datetime:
        """The fixed instant."""
        return self.current

    def set(self, value: datetime) -> None:
        """Move the clock to ``value``."""
        self.current = ensure_utc(value)

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self.current = self.current + delta


@define
class TickingClock:
    """A clock that moves forward by ``step`` on every read (distinct, ordered times)."""

    current: datetime = field(converter=ensure_utc)
    step: timedelta = timedelta(seconds=1)

    def now(self) -> datetime:
        """The current instant; the next read is ``step`` later."""
        value = self.current
        self.current = value + self.step
        return value
