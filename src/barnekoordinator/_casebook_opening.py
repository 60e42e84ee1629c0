"""What [`Casebook.open_case()`][barnekoordinator.casebook.Casebook.open_case] checks in the
events that open a case, before anything is decided or stored, and what every write checks in the
case its batch leaves ([`check_result()`][barnekoordinator._casebook_opening.check_result]).

Private to [`barnekoordinator.casebook`][barnekoordinator.casebook]. A bad opening is the
caller's mistake: like a batch that does not start with a ``CaseOpened``, it is refused as a
usage error, audited as the call's one record (which names no text of the batch), and no event
is stored.

* **Unicode text.** A lone surrogate (what Python makes of invalid UTF-8 on a command line) in
  any text of the batch cannot be stored, hashed or printed. The people's classes refuse it in
  their refs, names and titles; this refuses it anywhere else (the municipality number, a
  reason), naming the field, never the text.
* **What the commands would never write** (``DomainEvent.write_problem()``): a kommunenummer
  that is not four digits (an identity number in clear, say), a role no one is granted, a
  period that ends before it starts.
* **One ref, one person.** The child, each guardian and each participant joining in the batch
  need distinct refs: the case keeps people by ref, so a second participant with the ref of the
  first would silently replace them, and a guardian with the child's ref would be both.
* **What the write leaves** (the catalogue's write checks, ``Concept.write_checks``): rules that
  hold between batches, not event by event, such as one holder of coordination. Checked on the
  folded result of ``execute`` and ``open_case`` alike.
"""

from __future__ import annotations

from datetime import date

from barnekoordinator.edges import lone_surrogate_path
from barnekoordinator.errors import InvalidInput
from barnekoordinator.history.case import (
    Case,
    CaseOpened,
    DomainEvent,
    GuardianAdded,
    ParticipantJoined,
    event_problem,
    rekeying_problem,
)
from barnekoordinator.history.serialization import unstructure
from barnekoordinator.people import Child, ExpectedChild

__all__ = ["check_opening", "check_result", "check_written"]


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
        try:
            data = unstructure(event)
        except InvalidInput:  # a date the library cannot store: refused, in its words, later
            continue
        where = lone_surrogate_path(data)
        if where is not None:
            raise InvalidInput(
                f"open_case: events[{index}] {type(event).__name__} {where}: expected Unicode "
                "text; this holds a lone surrogate (invalid UTF-8?)"
            )
    check_written(batch, "open_case", None)
    _distinct_refs(batch)


def check_written(
    batch: tuple[DomainEvent, ...], where: str, subject: Child | ExpectedChild | None
) -> None:
    """Raise ``InvalidInput`` (``where``, the event class and field, never the value) when an
    event of ``batch`` cannot be written as it is (``DomainEvent.write_problem()``), or when
    the batch would make the case, whose child is ``subject``, another person's
    (``rekeying_problem()``)."""
    problem = event_problem(batch) or rekeying_problem(subject, batch)
    if problem is not None:
        raise InvalidInput(f"{where}: {problem}; nothing stored")


def check_result(before: Case, after: Case, as_of: date, where: str) -> Case:
    """``after``, the case a write's batch leaves when folded into ``before`` on ``as_of``, if
    the catalogue's write checks keep it (``Catalogue.result_problem()``).

    Raises:
        InvalidInput: ``where``, the first check's problem (which names no identifier or text of
            the case) and "nothing stored".
    """
    problem = after.catalogue.result_problem(before, after, as_of)
    if problem is not None:
        raise InvalidInput(f"{where}: {problem}; nothing stored")
    return after


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
