"""Hypothesis strategies for every public value (synthetic identities only).

Vendors use these in their own suites:

```python
from hypothesis import given
from barnekoordinator.testing import strategies as bst

@given(bst.events())
def test_my_store_keeps_events(event): ...
```

[`values_of()`][barnekoordinator.testing.strategies.values_of] builds any attrs value of the library
from its type hints; [`events()`][barnekoordinator.testing.strategies.events] draws any registered
event; [`case_histories()`][barnekoordinator.testing.strategies.case_histories] draws whole *valid*
histories produced by running random commands, so every drawn history is one the library itself
could have written.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from barnekoordinator.access.consent import (
    ConsentPurpose,
    give_consent,
    ledger,
    required_consenters,
    withdraw_consent,
)
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import TickingClock
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.errors import BarnekoordinatorError
from barnekoordinator.history.case import (
    Case,
    CaseClosedEvent,
    CaseMode,
    DomainEvent,
    GuardianAdded,
    ModeChanged,
    ParticipantJoined,
    ParticipantLeft,
    RecordedEvent,
    open_case,
    record_birth,
)
from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId
from barnekoordinator.legal_basis import MAX_COMPLAINT_DEADLINE_WEEKS
from barnekoordinator.people import Child, ExpectedChild, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing._identifier_strategies import (
    hpr_numbers,
    org_numbers,
    synthetic_fodselsnummer_strings,
    synthetic_person_ids,
)

__all__ = [
    "actor_refs",
    "case_histories",
    "children",
    "dates",
    "events",
    "expected_children",
    "guardians",
    "hpr_numbers",
    "municipal_settings",
    "org_numbers",
    "professionals",
    "synthetic_fodselsnummer_strings",
    "synthetic_person_ids",
    "texts",
    "utc_datetimes",
    "values_of",
]


def dates(min_value: date = date(1990, 1, 1), max_value: date = date(2045, 12, 31)) -> Any:
    """Calendar dates in a range that covers every case the library handles."""
    return st.dates(min_value=min_value, max_value=max_value)


def utc_datetimes() -> Any:
    """Aware UTC datetimes with microsecond precision (the stored precision)."""
    return st.datetimes(
        # hypothesis takes naive bounds and attaches the timezone itself.
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001
        max_value=datetime(2060, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    )


def texts(max_size: int = 40) -> Any:
    """Free text as users type it: any Unicode except lone surrogates."""
    return st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=max_size)


def actor_refs() -> Any:
    """Case-local refs (opaque, never national ids)."""
    return st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)


_SPECIAL: dict[Any, Callable[[], Any]] = {
    PersonId: synthetic_person_ids,
    Organisasjonsnummer: org_numbers,
    HprNummer: hpr_numbers,
    date: dates,
    datetime: utc_datetimes,
    str: texts,
    bool: st.booleans,
    int: lambda: st.integers(min_value=0, max_value=10_000),
}


_BY_NAME: dict[str, Callable[[], Any]] = {
    # A person's ref is a case-local name, never free text (people.py refuses an empty one, or
    # one holding an identity number).
    "ref": actor_refs,
    "complaint_deadline_weeks": lambda: st.integers(0, MAX_COMPLAINT_DEADLINE_WEEKS),
}
"""Fields whose values are narrower than their type, by name (the classes refuse the rest)."""


def values_of(tp: Any) -> Any:
    """A strategy for any type used in the library's attrs values and events."""
    if tp in _SPECIAL:
        return _SPECIAL[tp]()
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is type(None):
        return st.none()
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(values_of(a) for a in args))
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(values_of(args[0]), max_size=3).map(tuple)
    if origin is frozenset:
        return st.frozensets(values_of(args[0]), max_size=3)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if isinstance(tp, type) and attrs.has(tp):
        hints = typing.get_type_hints(tp)
        fields = {
            (f.alias or f.name): _BY_NAME[f.name]()
            if f.name in _BY_NAME
            else _deferred(hints[f.name])
            for f in attrs.fields(tp)
        }
        return st.builds(tp, **fields)
    raise TypeError(f"no strategy for {tp!r}")


def _deferred(tp: Any) -> Any:
    return st.deferred(lambda: values_of(tp))


def events(tags: typing.Iterable[str] | None = None) -> Any:
    """Any domain event of the catalogue (optionally only the given type tags)."""
    event_types = CATALOGUE.event_types
    chosen = sorted(event_types) if tags is None else sorted(tags)
    return st.one_of(*(values_of(event_types[t]) for t in chosen))


def children(*, min_birth: date = date(2005, 1, 1), max_birth: date = date(2030, 12, 31)) -> Any:
    """Born children with a registered birth date and a synthetic fødselsnummer."""
    return st.builds(
        lambda ref, born, pid: Child(ref=ref, birth_date=born, person_id=pid),
        st.just("child"),
        dates(min_birth, max_birth),
        st.one_of(st.none(), synthetic_person_ids()),
    )


def expected_children() -> Any:
    """Expected children (no identifier), including adoptions in progress."""
    return st.builds(
        ExpectedChild, ref=st.just("child"), expected_date=dates(), adoption=st.booleans()
    )


def guardians(ref: str) -> Any:
    """A guardian with the given ref, with or without foreldreansvar."""
    return st.builds(
        Guardian,
        ref=st.just(ref),
        relation=st.sampled_from(list(GuardianRelation)),
        parental_responsibility=st.booleans(),
        daily_care=st.booleans(),
        person_id=st.one_of(st.none(), synthetic_person_ids()),
    )


def professionals(ref: str) -> Any:
    """A professional with the given actor ref in any service."""
    return st.builds(
        Professional,
        ref=st.just(ref),
        service=st.sampled_from(list(ServiceKind)),
        organisation=org_numbers(),
        title=st.sampled_from(["kontaktlærer", "helsesykepleier", "pedagogisk leder", ""]),
        hpr=st.one_of(st.none(), hpr_numbers()),
    )


def municipal_settings() -> Any:
    """Valid municipal settings across the range the law allows."""
    return st.builds(
        MunicipalSettings,
        stafettlogg_consent_age=st.sampled_from([15, 16]),
        stafettlogg_youth_consents_alone=st.booleans(),
        stafettlogg_from_level=st.integers(0, 3),
        nivaa0_decision_days=st.integers(1, 60),
        handover_escalation_days=st.integers(1, 60),
        turning_18_lead_days=st.integers(0, 365),
    )


@st.composite
def case_histories(draw: Any, *, max_commands: int = 12) -> tuple[Case, tuple[RecordedEvent, ...]]:
    """A valid case and its full history, built by running random core commands.

    Commands that the rules refuse are skipped (that is a correct outcome, not a
    failure), so every history is one the library accepts.
    """
    clock = TickingClock(draw(utc_datetimes()), step=timedelta(hours=draw(st.integers(1, 200))))
    subject = draw(st.one_of(children(), expected_children()))
    first = [draw(guardians("g1")), draw(guardians("g2"))]
    case = CATALOGUE.new_case(draw(st.from_regex(r"case-[0-9a-f]{8}", fullmatch=True)))
    history: list[RecordedEvent] = []

    def run(command: Callable[..., DomainEvent], *args: Any, **kwargs: Any) -> None:
        """Run a command on the current case; a refusal is a valid outcome."""
        nonlocal case
        try:
            produced = command(case, *args, **kwargs)
        except BarnekoordinatorError:
            return
        recorded = case.record(produced, actor=draw(actor_refs()), clock=clock)
        case = case.apply_all(recorded)
        history.extend(recorded)

    def emit(_case: Case, event: DomainEvent) -> DomainEvent:
        _case.require_open()
        return event

    def consent(
        c: Case,
        purpose: ConsentPurpose,
        services: frozenset[ServiceKind],
        consent_id: str,
        as_of: date,
    ) -> DomainEvent:
        givers = required_consenters(c, purpose, as_of=as_of)
        return give_consent(
            c,
            consent_id=consent_id,
            purpose=purpose,
            given_by=givers,
            services=services,
            as_of=as_of,
        )

    run(lambda c: open_case(municipality_number="0301", subject=subject, guardians=first))
    for counter in range(1, draw(st.integers(0, max_commands)) + 1):
        today = clock.current.date()
        action = draw(
            st.sampled_from(
                ["guardian", "join", "leave", "consent", "withdraw", "birth", "mode", "close"]
            )
        )
        if action == "guardian":
            run(emit, GuardianAdded(guardian=draw(guardians(f"g{counter + 2}"))))
        elif action == "join":
            run(emit, ParticipantJoined(participant=draw(professionals(f"p{counter}"))))
        elif action == "leave" and case.participants:
            ref = draw(st.sampled_from([p.ref for p in case.participants]))
            run(emit, ParticipantLeft(participant_ref=ref, reason="sluttet"))
        elif action == "consent":
            purpose = draw(st.sampled_from(list(ConsentPurpose)))
            services = draw(
                st.frozensets(st.sampled_from(list(ServiceKind)), min_size=1, max_size=4)
            )
            run(consent, purpose, services, f"k{counter}", today)
        elif action == "withdraw":
            active = [k for k in ledger(case).consents if k.withdrawn_on is None]
            if active:
                k = draw(st.sampled_from(active))
                by = draw(st.sampled_from(sorted(k.given_by)))
                run(withdraw_consent, consent_id=k.id, by=by, as_of=today)
        elif action == "birth" and isinstance(case.subject, ExpectedChild):
            run(record_birth, Child(ref="child", birth_date=today))
        elif action == "mode":
            mode = draw(st.sampled_from([m for m in CaseMode if m is not CaseMode.CLOSED]))
            run(emit, ModeChanged(mode=mode, reason="vurdert"))
        elif action == "close" and case.is_open:
            run(emit, CaseClosedEvent(reason="mål nådd"))
            break
    return case, tuple(history)
