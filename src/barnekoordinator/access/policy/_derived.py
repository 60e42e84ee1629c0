"""Derived entries: who would read a copy of an entry's words who may not read the entry.

A command that copies what one entry says into a new entry (a called meeting's agenda quoting a
tiltak's description, an adopted proposal becoming a tiltak) makes an entry with readers of its
own: its author's service always, every service a stafettlogg consent names, the guardians and
the child by its section and visibility. `readers_beyond()` asks the policy's own rules, for
every kind of reader the rules know, whether the new entry would be read where its source is
refused (decision 44).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Final

from barnekoordinator.access.entries import EntryMeta
from barnekoordinator.access.policy._context import _Ctx
from barnekoordinator.access.policy._family import _rule_child, _rule_guardian
from barnekoordinator.access.policy._services import _rule_service
from barnekoordinator.access.policy._standing import _Standing
from barnekoordinator.access.policy._values import AccessAction, AccessDecision, CaseRole
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.history.case import Case
from barnekoordinator.people import Child
from barnekoordinator.services import ServiceKind

_DEFAULT_SETTINGS: Final = MunicipalSettings()

_Rule = Callable[[_Ctx, EntryMeta], AccessDecision]


def _professional(service: ServiceKind, ref: str) -> _Rule:
    """The rule for a professional of ``service`` known in the case as ``ref``."""

    def rule(ctx: _Ctx, entry: EntryMeta) -> AccessDecision:
        return _rule_service(ctx, entry, CaseRole.PARTICIPANT, service, ref)

    return rule


def _readers(
    case: Case, derived: EntryMeta, anyone: str
) -> Iterator[tuple[ServiceKind | CaseRole, _Standing, _Rule]]:
    """Every kind of reader the rules know, with the standing and the rule it reads by.

    A professional of each service who wrote neither entry (whether or not the service takes
    part yet: a consent names services, not people), the derived entry's author (koordinerende
    enhet's rule when the author is no participant), each guardian (all of them, by the
    guardian rule, each with its own grants) and the child. Leaders and barnevernstjenesten as
    such read no entry.
    """
    nobody = _Standing((CaseRole.PARTICIPANT,), None, None)
    for service in ServiceKind:
        yield service, nobody, _professional(service, anyone)
    author = derived.author_service or ServiceKind.KOORDINERENDE_ENHET
    yield author, nobody, _professional(author, derived.author_ref)
    for guardian in case.guardians:
        yield CaseRole.GUARDIAN, _Standing((CaseRole.GUARDIAN,), guardian, None), _rule_guardian
    if isinstance(case.subject, Child):
        yield CaseRole.CHILD, _Standing((CaseRole.CHILD,), None, None), _rule_child


def readers_beyond(
    case: Case,
    derived: EntryMeta,
    source: EntryMeta,
    as_of: date,
    *,
    settings: MunicipalSettings | None = None,
) -> tuple[ServiceKind | CaseRole, ...]:
    """Who may read ``derived`` on ``as_of`` but not ``source``, whose words it copies.

    Each reader is named by kind, never by person: a `ServiceKind` for a professional of that
    service (the derived entry's author counts as one of its own service), ``CaseRole.GUARDIAN``
    and ``CaseRole.CHILD`` for the family. Empty when copying ``source`` into ``derived`` lets
    no one read what the policy refuses them in ``source`` that day. Decided by the same rules
    as [`decide()`][barnekoordinator.access.policy.decide] (consent scope per service and
    section, withholding, the child's age, an adult's grants), for every service a consent may
    name, not only those taking part; pure, like `decide()`.

    What it cannot see is what changes later: an entry's readers are decided on each day it is
    read, so a consent given or withdrawn, or a withholding decided, after the copy was made
    acts on each entry by its own metadata.
    """
    chosen = settings or _DEFAULT_SETTINGS
    # A subject that is neither author's ref: the professional "who wrote neither entry".
    anyone = "reader"
    while anyone in (derived.author_ref, source.author_ref):
        anyone += "+"
    principal = Principal(subject=anyone, display_label="Reader", assurance=AssuranceLevel.HIGH)
    found: dict[ServiceKind | CaseRole, None] = {}
    for reader, standing, rule in _readers(case, derived, anyone):
        ctx = _Ctx(principal, case, AccessAction.READ, as_of, chosen, None, standing)
        if rule(ctx, derived).allowed and not rule(ctx, source).allowed:
            found[reader] = None
    return tuple(found)
