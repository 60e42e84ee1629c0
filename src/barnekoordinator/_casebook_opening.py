"""What [`Casebook.open_case()`][barnekoordinator.casebook.Casebook.open_case] checks in the
events that open a case, before anything is decided or stored.

Private to [`barnekoordinator.casebook`][barnekoordinator.casebook]. A bad opening is the
caller's mistake: like a batch that does not start with a ``CaseOpened``, it is refused as a
usage error, audited as the call's one record (which names no text of the batch), and no event
is stored.

* **Unicode text.** A lone surrogate (what Python makes of invalid UTF-8 on a command line) in
  any text of the batch cannot be stored, hashed or printed. The people's classes refuse it in
  their refs, names and titles; this refuses it anywhere else (the municipality number, a
  reason), naming the field, never the text.
* **One ref, one person.** The child, each guardian and each participant joining in the batch
  need distinct refs: the case keeps people by ref, so a second participant with the ref of the
  first would silently replace them, and a guardian with the child's ref would be both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from barnekoordinator.edges import has_lone_surrogate
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.case import (
    CaseOpened,
    DomainEvent,
    GuardianAdded,
    ParticipantJoined,
)

__all__ = ["check_opening"]

_MAX_DEPTH: Final = 16
"""How deep the text search looks into an event's values (an opening nests three levels)."""


def check_opening(events: object) -> None:
    """Refuse an opening batch whose texts are not Unicode or whose people share a ref.

    Anything but a domain event or a list or tuple of them is left alone: the Casebook refuses
    it (audited) as it refuses a batch that does not start with a ``CaseOpened``.

    Raises:
        InvalidInput: A text holds a lone surrogate (the message names the event and field), or
            two of the child, the guardians and the participants joining share a ref.
    """
    if isinstance(events, DomainEvent):
        batch: tuple[DomainEvent, ...] = (events,)
    elif isinstance(events, list | tuple) and all(isinstance(e, DomainEvent) for e in events):
        batch = tuple(events)
    else:
        return
    for index, event in enumerate(batch):
        where = _lone_surrogate_at(event, type(event).__name__, 0)
        if where is not None:
            raise InvalidInput(
                f"open_case: events[{index}] {where}: expected Unicode text; this holds a lone "
                "surrogate (invalid UTF-8?)"
            )
    _distinct_refs(batch)


def _distinct_refs(batch: tuple[DomainEvent, ...]) -> None:
    whose: dict[str, str] = {}

    def claim(ref: str, who: str) -> None:
        if ref in whose:
            raise InvalidInput(
                f"open_case: each person in a case needs a distinct ref; {ref!r} is given to "
                f"{whose[ref]} and to {who}"
            )
        whose[ref] = who

    for event in batch:
        if isinstance(event, CaseOpened):
            claim(event.subject.ref, "the child")
            for guardian in event.guardians:
                claim(guardian.ref, "a guardian")
        elif isinstance(event, GuardianAdded):
            claim(event.guardian.ref, "a guardian")
        elif isinstance(event, ParticipantJoined):
            claim(event.participant.ref, "a participant")


def _lone_surrogate_at(value: object, path: str, depth: int) -> str | None:
    """The path of the first text in ``value`` that holds a lone surrogate, or None."""
    if isinstance(value, str):
        return path if has_lone_surrogate(value) else None
    if depth >= _MAX_DEPTH:
        return None
    kind = type(value)
    if attrs.has(kind):
        items = ((f"{path}.{f.name}", getattr(value, f.name)) for f in attrs.fields(kind))
    elif isinstance(value, Mapping):
        items = (
            (f"{path}[{n}]", part)
            for n, (key, item) in enumerate(value.items())
            for part in (key, item)
        )
    elif isinstance(value, list | tuple | frozenset | set):
        items = ((f"{path}[{n}]", item) for n, item in enumerate(value))
    else:
        return None
    for where, item in items:
        found = _lone_surrogate_at(item, where, depth + 1)
        if found is not None:
            return found
    return None
