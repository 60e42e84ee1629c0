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

And who a family member opening a case is
([`confirm_family()`][barnekoordinator._casebook_opening.confirm_family], decision 46): the policy
decides on the case the batch describes, which the opener wrote; a guardian or the young adult
is allowed only when the [`PersonRegistry`][barnekoordinator.protocols.PersonRegistry]
(Folkeregisteret) says the same. That is a refusal (``AccessDenied``), audited as the call's one
record and decided before the child's open case is looked for, so the refused learn nothing of it.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from barnekoordinator._casebook_views import merge_decisions
from barnekoordinator.access.policy import (
    AccessAction,
    AccessDecision,
    CaseRole,
    authorise_events,
    decide,
)
from barnekoordinator.access.principal import Principal
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.edges import lone_surrogate_path
from barnekoordinator.errors import InvalidConfiguration, InvalidInput
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
from barnekoordinator.people import Child, ExpectedChild, Guardian
from barnekoordinator.protocols import PersonRegistry

__all__ = [
    "check_opening",
    "check_result",
    "check_written",
    "confirm_family",
    "family_registry",
    "opening_decision",
]

_FAMILY_BASIS: Final = ("pbrl-2-5-c", "hotl-7-2-a", "pbrl-4-4")
"""The family's right (pbrl § 2-5 c) is asked for by the parents or whoever consents on the
child's behalf (hotl § 7-2 a first ledd): those with foreldreansvar (pbrl § 4-4)."""

NO_REGISTRY: Final = (
    "a family member's opening is confirmed in the person registry (Folkeregisteret), and "
    "none is configured; koordinerende enhet opens the case"
)
NOT_REGISTERED: Final = (
    "the person registry (Folkeregisteret) does not register the opener as a guardian with "
    "foreldreansvar of a child born on the day given; koordinerende enhet opens the case"
)
NOT_ADULT: Final = (
    "the person registry (Folkeregisteret) does not register the opener as born on the day "
    "given; koordinerende enhet opens the case"
)
NO_CHILD_ID: Final = (
    "a guardian's opening names the child's national identity number, to be confirmed in the "
    "person registry (Folkeregisteret); koordinerende enhet opens the case"
)
OTHER_GUARDIAN: Final = (
    "a guardian named with foreldreansvar is not registered with it in the person registry "
    "(Folkeregisteret); name only the registered guardians, or koordinerende enhet opens the case"
)


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


def family_registry(registry: object) -> PersonRegistry | None:
    """``registry`` when it is a ``PersonRegistry`` or ``None``.

    Raises:
        InvalidConfiguration: it is something else (the message names its type).
    """
    if registry is None or isinstance(registry, PersonRegistry):
        return registry
    raise InvalidConfiguration(
        f"registry: expected a barnekoordinator.protocols.PersonRegistry, "
        f"got {type(registry).__name__}"
    )


def opening_decision(
    principal: Principal,
    prospective: Case,
    batch: tuple[DomainEvent, ...],
    as_of: date,
    settings: MunicipalSettings,
    registry: PersonRegistry | None,
) -> AccessDecision:
    """May ``principal`` open ``prospective``, the case ``batch`` leaves, on ``as_of``?

    ``open`` on the case, a family member confirmed in ``registry``
    ([`confirm_family()`][barnekoordinator._casebook_opening.confirm_family]), then the events
    after the ``CaseOpened`` one by one, with the ``open`` decision covering plain writes.
    """
    decision = decide(principal, prospective, AccessAction.OPEN, None, as_of, settings=settings)
    decision = confirm_family(registry, principal, prospective, decision)
    if decision.allowed and len(batch) > 1:
        decision = merge_decisions(
            decision,
            authorise_events(
                principal, prospective, batch[1:], as_of, settings=settings, plain_writes=decision
            ),
        )
    return decision


def confirm_family(
    registry: PersonRegistry | None,
    principal: Principal,
    case: Case,
    decision: AccessDecision,
) -> AccessDecision:
    """``decision`` (to open ``case``, the case an opening's batch leaves), or a refusal when
    it allowed a family member the registry does not confirm.

    Staff are allowed on their municipal role (``decision.role`` is ``None``) and left alone. A
    guardian of a born child must be registered with foreldreansvar of the child named by its
    national id, the child registered as born on the batch's day, and every other guardian the
    case names with foreldreansvar and an id registered with it too. The young adult must be
    registered as born on the batch's day (her age is the registry's). Before birth there is
    no child to look up: an expecting parent needs a registry configured and nothing more. No
    registry: every family member's opening is refused. The refusal names no identifier and
    is the same whether or not the child is registered or has a case.
    """
    if not decision.allowed or decision.role is None:
        return decision
    if registry is None:
        return _refused(decision, NO_REGISTRY)
    subject, person = case.subject, principal.national_id
    if person is None or subject is None:  # the policy allowed no family role without them
        return _refused(decision, NOT_REGISTERED)
    if decision.role is CaseRole.CHILD:
        born = isinstance(subject, Child) and registry.birth_date(person) == subject.birth_date
        return decision if born else _refused(decision, NOT_ADULT)
    if isinstance(subject, ExpectedChild):
        return decision
    if subject.person_id is None:
        return _refused(decision, NO_CHILD_ID)
    if registry.birth_date(subject.person_id) != subject.birth_date:
        return _refused(decision, NOT_REGISTERED)
    responsible = {
        g.person_id
        for g in registry.guardians(subject.person_id)
        if isinstance(g, Guardian) and g.parental_responsibility and g.person_id is not None
    }
    if person not in responsible:
        return _refused(decision, NOT_REGISTERED)
    named = [g.person_id for g in case.guardians if g.parental_responsibility]
    if any(pid is not None and pid not in responsible for pid in named):
        return _refused(decision, OTHER_GUARDIAN)
    return decision


def _refused(decision: AccessDecision, reason: str) -> AccessDecision:
    return AccessDecision(allowed=False, action=decision.action, reason=reason, basis=_FAMILY_BASIS)


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
