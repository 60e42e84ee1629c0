"""Norwegian deadlines (domstolloven §§ 148–149) hold for every start date and length."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from barnekoordinator.legal_basis import deadline, is_working_day, next_working_day

starts = st.dates(min_value=date(2012, 1, 1), max_value=date(2040, 12, 31))


@given(start=starts, weeks=st.integers(0, 8), days=st.integers(0, 60))
def test_a_deadline_ends_on_the_first_working_day_from_its_calendar_end(
    start: date, weeks: int, days: int
) -> None:
    """dl § 149: the last day is a working day, and no working day lies between it and the
    day the deadline would have ended (§ 148: weeks end on the same weekday)."""
    plain = start + timedelta(weeks=weeks, days=days)
    last = deadline(start, weeks=weeks, days=days)
    assert is_working_day(last)
    assert plain <= last <= plain + timedelta(days=6)  # Easter: Thursday to Tuesday at most
    day = plain
    while day < last:
        assert not is_working_day(day)
        day += timedelta(days=1)


@given(day=starts)
def test_weekends_are_never_working_days_and_next_working_day_is_idempotent(day: date) -> None:
    """Saturdays and Sundays are not working days; a working day is its own next working day."""
    if day.weekday() >= 5:
        assert not is_working_day(day)
    following = next_working_day(day)
    assert next_working_day(following) == following
