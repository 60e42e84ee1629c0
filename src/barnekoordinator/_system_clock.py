"""The real clock and the clock protocol, apart from the test clocks' attrs classes.

[`barnekoordinator.clock`][barnekoordinator.clock] publishes every name here, unchanged. They live
apart so that a command which only reads today's date (``assess``) imports neither ``attrs`` for
them nor the classes of ``FixedClock`` and ``TickingClock`` (issue 17 item 4, decision 33).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from barnekoordinator.errors import InvalidInput

__all__ = ["Clock", "SystemClock", "ensure_utc"]


@runtime_checkable
class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


def ensure_utc(value: datetime, *, what: str = "time") -> datetime:
    """Return ``value`` in UTC; raise [`InvalidInput`][barnekoordinator.errors.InvalidInput] for a
    naive datetime.
    """
    if value.tzinfo is UTC:  # the common case, on every replayed event
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{what} must be timezone-aware (UTC), got a naive datetime")
    return value.astimezone(UTC)


class SystemClock:
    """The real clock. The only wall-clock read in the library."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)
