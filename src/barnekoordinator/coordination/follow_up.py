"""The barnekoordinator's duties b–d as records, obligations and agenda rows (issue 14 item 7).

hotl § 7-2 a second ledd (domain.md §2.4) makes the barnekoordinator ensure, besides
coordination (a) and progress on the individuell plan (e):

* **b** — an overview of, and active help with, the municipality's responsibility for the
  follow-up and adaptation the family and the child need:
  [`record_follow_up_overview()`][barnekoordinator.coordination.follow_up.record_follow_up_overview]
  records it, service by service (received, applied for, needed, not needed), and when it is to
  be renewed;
* **c** — necessary information and comprehensive guidance about health and care services, and
* **d** — the same about other welfare services and relevant patient and user organisations,
  guidance in the family's contact with them, and passing on contact or a referral:
  [`give_information()`][barnekoordinator.coordination.follow_up.give_information] records what
  was given, on which topic, to whom in the family;
  [`make_referral()`][barnekoordinator.coordination.follow_up.make_referral] records a contact
  passed on or a referral, to which service or organisation, when, for whom.

Each duty is an obligation of the barnekoordinator, open until it is recorded: the first overview
and the information are due a number of days after the appointment
(``MunicipalSettings.barnekoordinator_overview_days`` / ``…_information_days``, stored with the
appointment), an overview is renewed after ``…_overview_review_days``, and a service the overview
lists as *needed* is due a contact or referral within ``…_referral_days``. The law sets no such
days: they are the municipality's practice. Every dated duty is also a ``duty-due`` agenda row,
projected from the records alone.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Collection, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

import attrs

from barnekoordinator._redact import number_shaped
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import (
    Appointment,
    AppointmentEnded,
    CoordinatorAppointed,
    active_appointments,
)
from barnekoordinator.coordination.roles import CheckContext, Obligation, Role, granted
from barnekoordinator.errors import CoordinationError, InvalidInput, NotResponsible
from barnekoordinator.history._used_ids import UsedIds
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import Concept
from barnekoordinator.history.projections import (
    AgendaItem,
    AgendaKind,
    ProjectionOp,
    Remove,
    Upsert,
)
from barnekoordinator.history.records import EventRecord
from barnekoordinator.people import check_item_id
from barnekoordinator.services import SERVICES, ServiceKind
from barnekoordinator.texts import Language, text

__all__ = [
    "FOLLOW_UP_CONCEPT",
    "FollowUpOverviewRecorded",
    "FollowUpState",
    "InformationGiven",
    "InformationTopic",
    "OverviewItem",
    "ReferralKind",
    "ReferralMade",
    "ServiceStatus",
    "follow_up_state",
    "give_information",
    "make_referral",
    "record_follow_up_overview",
]

_KEY = "follow_up"


def _no_national_id(texts: Collection[str]) -> None:
    """Free text in these records never carries an identity number (it is stored for years), in
    any form the redactor finds (``ddmmyy-nnnnn``, spaced, grouped)."""
    if any(number_shaped(t) for t in texts):
        raise InvalidInput(
            "a note or name looks like it contains a national identity number; "
            "use case references only"
        )


class ServiceStatus(enum.Enum):
    """Where the family stands with one service in the barnekoordinator's overview (duty b)."""

    RECEIVES = "receives"
    APPLIED = "applied"
    """Applied for; the service's decision is awaited."""
    NEEDED = "needed"
    """Needed, not yet in contact: a contact or referral is due (duty d)."""
    NOT_NEEDED = "not-needed"


class InformationTopic(enum.Enum):
    """What information and guidance was about (duties c and d)."""

    HEALTH_AND_CARE = "health-and-care"
    """c: the health and care services."""
    OTHER_WELFARE = "other-welfare"
    """d: other welfare services (NAV, barnehage, school, PPT …), with guidance in contact."""
    USER_ORGANISATIONS = "user-organisations"
    """d: relevant patient and user organisations."""


class ReferralKind(enum.Enum):
    """How the family was put in touch (duty d)."""

    CONTACT = "contact"
    """Contact passed on («formidles kontakt»)."""
    REFERRAL = "referral"
    """A referral («henvisning»)."""


@attrs.frozen(kw_only=True)
class OverviewItem:
    """One service in the overview: its status and for whom in the family (empty: the family)."""

    service: ServiceKind
    status: ServiceStatus
    for_refs: tuple[str, ...] = ()
    note: str = ""


@attrs.frozen(kw_only=True)
class FollowUpOverviewRecorded(DomainEvent):
    """Duty b: the barnekoordinator's overview of the municipality's follow-up of the family."""

    TYPE = "follow-up.overview-recorded"
    LEGAL_BASIS = ("hotl-7-2-a",)
    overview_id: str
    items: tuple[OverviewItem, ...]
    by: str
    on: date
    review_by: date
    """When the overview is to be renewed (``barnekoordinator_overview_review_days``)."""
    referral_due: date | None
    """When a contact or referral is due for the services listed as needed (``None``: none)."""


@attrs.frozen(kw_only=True)
class InformationGiven(DomainEvent):
    """Duties c and d: information and guidance given, on a topic, to members of the family."""

    TYPE = "follow-up.information-given"
    LEGAL_BASIS = ("hotl-7-2-a",)
    information_id: str
    topic: InformationTopic
    to_refs: tuple[str, ...]
    services: tuple[ServiceKind, ...]
    organisations: tuple[str, ...]
    guidance_in_contact: bool
    by: str
    on: date
    note: str = ""


@attrs.frozen(kw_only=True)
class ReferralMade(DomainEvent):
    """Duty d: contact passed on or a referral made, to a service or an organisation."""

    TYPE = "follow-up.referral-made"
    LEGAL_BASIS = ("hotl-7-2-a",)
    referral_id: str
    kind: ReferralKind
    to_service: ServiceKind | None
    to_organisation: str
    for_refs: tuple[str, ...]
    by: str
    on: date
    note: str = ""


def _record_ids(state: FollowUpState) -> UsedIds:
    return UsedIds(
        (
            *(o.overview_id for o in state.overviews),
            *(i.information_id for i in state.information),
            *(r.referral_id for r in state.referrals),
        )
    )


@attrs.frozen(kw_only=True)
class FollowUpState:
    """The barnekoordinator's records of duties b–d, in the order made."""

    overviews: tuple[FollowUpOverviewRecorded, ...] = ()
    information: tuple[InformationGiven, ...] = ()
    referrals: tuple[ReferralMade, ...] = ()
    used_ids: UsedIds = attrs.field(default=attrs.Factory(_record_ids, takes_self=True), repr=False)
    """Every id used by an overview, information or referral, as an immutable set kept
    by the evolvers (derived: a value built by hand computes it; decisions 19 and 37)."""

    def ids(self) -> UsedIds:
        """Every id used by an overview, information or referral (`used_ids`)."""
        return self.used_ids


_EMPTY = FollowUpState()


def follow_up_state(case: Case) -> FollowUpState:
    """The follow-up records of a case."""
    return case.part(_KEY, _EMPTY)


def _overview(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, FollowUpOverviewRecorded)
    s = follow_up_state(case)
    return case.with_part(
        _KEY,
        attrs.evolve(s, overviews=(*s.overviews, e), used_ids=s.used_ids.insert(e.overview_id)),
    )


def _information(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, InformationGiven)
    s = follow_up_state(case)
    return case.with_part(
        _KEY,
        attrs.evolve(
            s, information=(*s.information, e), used_ids=s.used_ids.insert(e.information_id)
        ),
    )


def _referral(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, ReferralMade)
    s = follow_up_state(case)
    return case.with_part(
        _KEY,
        attrs.evolve(s, referrals=(*s.referrals, e), used_ids=s.used_ids.insert(e.referral_id)),
    )


# --- commands -------------------------------------------------------------------------------


def _barnekoordinator(case: Case, as_of: date) -> Appointment | None:
    return next(
        (a for a in active_appointments(case, as_of) if a.role is Role.BARNEKOORDINATOR), None
    )


def _check(
    case: Case, record_id: str, what: str, by: str, as_of: date, family_refs: Collection[str]
) -> None:
    """The barnekoordinator (or koordinerende enhet) records, with a new id, for the family."""
    case.require_open()
    bk = _barnekoordinator(case, as_of)
    if bk is None:
        raise CoordinationError(
            f"case {case.id}: duties b–d are the barnekoordinator's; none is appointed (hotl § 7-2 "
            f"a)"
        )
    if by != bk.coordinator_ref and by not in granted(case, Role.KOORDINERENDE_ENHET):
        raise NotResponsible(
            f"case {case.id}: the barnekoordinator (or koordinerende enhet) records these duties"
        )
    check_item_id(record_id, what)
    if record_id in follow_up_state(case).ids():
        raise InvalidInput(f"{what}: expected a new, non-empty id in case {case.id}")
    family = {g.ref for g in case.guardians}
    if case.subject is not None:
        family.add(case.subject.ref)
    strangers = set(family_refs) - family
    if strangers:
        raise InvalidInput(f"{len(strangers)} ref(s) are not members of the family in the case")


def record_follow_up_overview(
    case: Case,
    *,
    overview_id: str,
    items: Sequence[OverviewItem],
    by: str,
    as_of: date,
    settings: MunicipalSettings | None = None,
) -> FollowUpOverviewRecorded:
    """Command: record the overview of the municipality's follow-up of the family (duty b)."""
    settings = settings or MunicipalSettings()
    if not items:
        raise InvalidInput("items: an overview lists the services the family receives or needs")
    _check(
        case,
        overview_id,
        "overview_id",
        by,
        as_of,
        [ref for item in items for ref in item.for_refs],
    )
    _no_national_id([item.note for item in items])
    needed = any(item.status is ServiceStatus.NEEDED for item in items)
    return FollowUpOverviewRecorded(
        overview_id=overview_id,
        items=tuple(items),
        by=by,
        on=as_of,
        review_by=as_of + timedelta(days=settings.barnekoordinator_overview_review_days),
        referral_due=(
            as_of + timedelta(days=settings.barnekoordinator_referral_days) if needed else None
        ),
    )


def give_information(
    case: Case,
    *,
    information_id: str,
    topic: InformationTopic,
    to_refs: Collection[str],
    by: str,
    as_of: date,
    services: Collection[ServiceKind] = (),
    organisations: Collection[str] = (),
    guidance_in_contact: bool = False,
    note: str = "",
) -> InformationGiven:
    """Command: record information and guidance given to members of the family (duties c, d)."""
    if not to_refs:
        raise InvalidInput("to_refs: name whom in the family the information was given to")
    if topic is InformationTopic.USER_ORGANISATIONS and not organisations:
        raise InvalidInput("organisations: name the patient and user organisations")
    _check(case, information_id, "information_id", by, as_of, to_refs)
    _no_national_id([note, *organisations])
    return InformationGiven(
        information_id=information_id,
        topic=topic,
        to_refs=tuple(sorted(to_refs)),
        services=tuple(services),
        organisations=tuple(organisations),
        guidance_in_contact=guidance_in_contact,
        by=by,
        on=as_of,
        note=note,
    )


def make_referral(
    case: Case,
    *,
    referral_id: str,
    kind: ReferralKind,
    for_refs: Collection[str],
    by: str,
    as_of: date,
    to_service: ServiceKind | None = None,
    to_organisation: str = "",
    note: str = "",
) -> ReferralMade:
    """Command: record a contact passed on or a referral (duty d), to a service or organisation."""
    if (to_service is None) == (not to_organisation.strip()):
        raise InvalidInput("name exactly one of to_service and to_organisation")
    if not for_refs:
        raise InvalidInput("for_refs: name whom in the family the referral is for")
    _check(case, referral_id, "referral_id", by, as_of, for_refs)
    _no_national_id([note, to_organisation])
    return ReferralMade(
        referral_id=referral_id,
        kind=kind,
        to_service=to_service,
        to_organisation=to_organisation.strip(),
        for_refs=tuple(sorted(for_refs)),
        by=by,
        on=as_of,
        note=note,
    )


# --- obligations ----------------------------------------------------------------------------


def _texts(key: str, due: date, **values: object) -> tuple[str, str, str]:
    """The obligation's text in nb, nn and en with its date (and service) filled in."""
    t = text(key)
    nb, nn, en = (t.format(lang, date=due.isoformat(), **values) for lang in Language)
    return nb, nn, en


def _obligations(case: Case, ctx: CheckContext) -> Iterator[Obligation]:
    bk = _barnekoordinator(case, ctx.as_of)
    if bk is None:
        return
    s = follow_up_state(case)
    settings = ctx.settings
    actor = bk.coordinator_ref

    def due(code: str, duty: str, subject: str, on: date, key: str, **v: object) -> Iterator[Any]:
        nb, nn, en = _texts(key, on, **v)
        found = ctx.dated(
            code=code,
            duty_code=duty,
            actor_ref=actor,
            subject=subject,
            due=on,
            text_nb=nb,
            text_nn=nn,
            text_en=en,
        )
        if found is not None:
            yield found

    since = bk.since
    overviews = [o for o in s.overviews if o.on >= since]
    if overviews:
        last = overviews[-1]
        yield from due(
            "barnekoordinator.overview",
            "barnekoordinator.b",
            "overview",
            last.review_by,
            "obligation.follow-up-overview-renew",
        )
    else:
        first = bk.overview_due or since + timedelta(days=settings.barnekoordinator_overview_days)
        yield from due(
            "barnekoordinator.overview",
            "barnekoordinator.b",
            "overview",
            first,
            "obligation.follow-up-overview",
        )
    informed = {i.topic for i in s.information if i.on >= since}
    info_due = bk.information_due or since + timedelta(
        days=settings.barnekoordinator_information_days
    )
    for topic, duty, key in _INFORMATION_DUTIES:
        if topic not in informed:
            yield from due(f"barnekoordinator.{topic.value}", duty, topic.value, info_due, key)
    referral_due = overviews[-1].referral_due if overviews else None
    if referral_due is not None:
        last = overviews[-1]
        referred = {r.to_service for r in s.referrals if r.on >= last.on}
        for item in last.items:
            if item.status is ServiceStatus.NEEDED and item.service not in referred:
                yield from due(
                    "barnekoordinator.referral",
                    "barnekoordinator.d",
                    item.service.value,
                    referral_due,
                    "obligation.referral",
                    service=SERVICES[item.service].name_nb,
                )


_INFORMATION_DUTIES = (
    (InformationTopic.HEALTH_AND_CARE, "barnekoordinator.c", "obligation.information-health"),
    (InformationTopic.OTHER_WELFARE, "barnekoordinator.d", "obligation.information-welfare"),
    (
        InformationTopic.USER_ORGANISATIONS,
        "barnekoordinator.d",
        "obligation.user-organisations",
    ),
)


# --- agenda rows ----------------------------------------------------------------------------

_OVERVIEW_KEY = "barnekoordinator:b:overview"


def _info_key(topic: str) -> str:
    return f"barnekoordinator:information:{topic}"


def _referral_key(service: str) -> str:
    return f"barnekoordinator:referral:{service}"


def _payload(record: EventRecord) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(record.payload)
    return loaded


def _row(record: EventRecord, key: str, due: str, detail: str) -> Upsert:
    return Upsert(
        AgendaItem(
            case_id=record.case_id,
            kind=AgendaKind.DUTY_DUE,
            key=key,
            due=date.fromisoformat(due),
            detail=detail,
        )
    )


def _project_appointed(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    if p.get("role") != Role.BARNEKOORDINATOR.value or not p.get("overview_due"):
        return ()
    ops: list[ProjectionOp] = [_row(record, _OVERVIEW_KEY, p["overview_due"], "duty b")]
    if p.get("information_due"):
        ops.extend(
            _row(record, _info_key(t.value), p["information_due"], "duty c/d")
            for t in InformationTopic
        )
    return tuple(ops)


def _project_overview(record: EventRecord) -> Sequence[ProjectionOp]:
    p = _payload(record)
    ops: list[ProjectionOp] = [_row(record, _OVERVIEW_KEY, p["review_by"], "duty b")]
    if p.get("referral_due"):
        ops.extend(
            _row(record, _referral_key(item["service"]), p["referral_due"], "duty d")
            for item in p["items"]
            if item["status"] == ServiceStatus.NEEDED.value
        )
    return tuple(ops)


def _project_information(record: EventRecord) -> Sequence[ProjectionOp]:
    topic = _payload(record)["topic"]
    return (Remove(record.case_id, AgendaKind.DUTY_DUE, _info_key(topic)),)


def _project_referral(record: EventRecord) -> Sequence[ProjectionOp]:
    service = _payload(record).get("to_service")
    if not service:
        return ()
    return (Remove(record.case_id, AgendaKind.DUTY_DUE, _referral_key(service)),)


def _project_ended(record: EventRecord) -> Sequence[ProjectionOp]:
    if _payload(record).get("role") != Role.BARNEKOORDINATOR.value:
        return ()
    keys = (
        _OVERVIEW_KEY,
        *(_info_key(t.value) for t in InformationTopic),
        *(_referral_key(k.value) for k in ServiceKind),
    )
    return tuple(Remove(record.case_id, AgendaKind.DUTY_DUE, key) for key in keys)


FOLLOW_UP_CONCEPT = Concept(
    name="follow-up",
    events=(FollowUpOverviewRecorded, InformationGiven, ReferralMade),
    evolvers={
        FollowUpOverviewRecorded: _overview,
        InformationGiven: _information,
        ReferralMade: _referral,
    },
    projectors={
        CoordinatorAppointed.TYPE: (_project_appointed,),
        FollowUpOverviewRecorded.TYPE: (_project_overview,),
        InformationGiven.TYPE: (_project_information,),
        ReferralMade.TYPE: (_project_referral,),
        AppointmentEnded.TYPE: (_project_ended,),
    },
    obligation_sources=(_obligations,),
)
