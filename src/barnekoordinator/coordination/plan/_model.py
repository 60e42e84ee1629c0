"""The individual plan's state: the plan, its items and the plans of a case.

A case holds at most one current plan (active or suspended) and the plans that
ended before it; each plan holds the nine content items of the IP regulation
(domain.md §3.3) as they were written, with who wrote them.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs
from pyrsistent.typing import PVector

from barnekoordinator.coordination.roles import Role
from barnekoordinator.history._evolve import EMPTY, vector
from barnekoordinator.history._used_ids import UsedIds
from barnekoordinator.history.case import Case
from barnekoordinator.services import ServiceKind

# The case part the plans live under; every module of the plan reads it through plans().
_KEY = "plan"


class PlanItem(enum.IntEnum):
    """The nine content items of an individual plan (domain.md §3.3)."""

    OVERVIEW = 1
    """Mål, ressurser og behov."""
    PARTICIPANTS = 2
    """Hvem som deltar i arbeidet med planen."""
    RESPONSIBLE = 3
    """Hvem som har ansvaret for samordning og framdrift (koordinator)."""
    CONTRIBUTIONS = 4
    """Hva mottakeren, tjeneste- og bidragsytere og pårørende bidrar med."""
    MEASURES = 5
    """Tiltak, omfang og hvem som har ansvaret."""
    IMPLEMENTATION = 6
    """Hvordan tiltakene skal gjennomføres."""
    PERIOD = 7
    """Planperiode og tidspunkt for justeringer og revisjoner."""
    CONSENT = 8
    """Samtykke til at planen utarbeides (og til deling av taushetsbelagte opplysninger)."""
    COOPERATION = 9
    """Nødvendig eller ønskelig samarbeid med andre tjenesteytere, institusjoner, etater."""


class PlanStatus(enum.Enum):
    """Where a plan is in its life."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    """Waiting for consent (e.g. after moving municipality); nothing is written."""
    ENDED = "ended"


class SubPlanKind(enum.Enum):
    """Sector plans that are parts of the individual plan."""

    IOP = "iop"
    """Individuell opplæringsplan (school)."""
    BEHANDLINGSPLAN = "behandlingsplan"
    TRENINGSPROGRAM = "treningsprogram"
    TILTAKSPLAN = "tiltaksplan"
    """Barnevern's tiltaksplan."""
    OTHER = "other"


@attrs.frozen(kw_only=True)
class Overview:
    """Item 1: the recipient's goals, resources and needs, and who wrote them."""

    goals: tuple[str, ...]
    resources: tuple[str, ...]
    needs: tuple[str, ...]
    written_on: date
    author_ref: str
    author_service: ServiceKind | None


@attrs.frozen(kw_only=True)
class PlanParticipant:
    """Someone taking part in the plan work (item 2)."""

    ref: str
    role: Role
    added_on: date


@attrs.frozen(kw_only=True)
class Contribution:
    """What one participant contributes (item 4)."""

    id: str
    contributor_ref: str
    what: str
    added_on: date
    author_ref: str
    author_service: ServiceKind | None
    contributor_service: ServiceKind | None = None
    """The contributor's service when a professional of the case contributes (on the day it was
    written); ``None`` for the child, a guardian or a relative. The entry's section follows it."""


@attrs.frozen(kw_only=True)
class PlanMeasure:
    """A measure in the plan (item 5) with how it is carried out (item 6)."""

    id: str
    description: str
    scope: str
    responsible_ref: str
    service: ServiceKind | None
    implementation: str
    added_on: date
    author_ref: str
    author_service: ServiceKind | None
    evaluation_date: date | None = None
    ended_on: date | None = None


@attrs.frozen(kw_only=True)
class PlanPeriod:
    """The plan period and the next revision date (item 7)."""

    start: date
    end: date | None
    next_revision: date | None


@attrs.frozen(kw_only=True)
class Cooperation:
    """Necessary or desirable cooperation with another service or body (item 9)."""

    id: str
    with_service: ServiceKind | None
    with_other: str
    description: str
    added_on: date
    author_ref: str
    author_service: ServiceKind | None


@attrs.frozen(kw_only=True)
class SubPlanLink:
    """A sector sub-plan (IOP, behandlingsplan …) that is part of the plan."""

    id: str
    kind: SubPlanKind
    service: ServiceKind
    reference: str
    """The sub-plan's id in the sector's own system."""
    title: str
    linked_on: date
    author_ref: str


@attrs.frozen(kw_only=True)
class Revision:
    """A revision of the plan."""

    on: date
    by: str
    author_service: ServiceKind | None
    summary: str
    next_revision: date | None


def _item_ids(plan: IndividualPlan) -> UsedIds:
    groups = (plan.contributions, plan.measures, plan.cooperation, plan.sub_plans)
    return UsedIds(x.id for g in groups for x in g)


@attrs.frozen(kw_only=True)
class IndividualPlan:
    """One person's individual plan."""

    id: str
    created_on: date
    created_by: str
    status: PlanStatus = PlanStatus.ACTIVE
    services: frozenset[ServiceKind] = frozenset()
    overview: Overview | None = None
    participants: PVector[PlanParticipant] = attrs.field(default=EMPTY, converter=vector)
    responsible_ref: str | None = None
    contributions: PVector[Contribution] = attrs.field(default=EMPTY, converter=vector)
    measures: PVector[PlanMeasure] = attrs.field(default=EMPTY, converter=vector)
    period: PlanPeriod | None = None
    consent_ids: PVector[str] = attrs.field(default=EMPTY, converter=vector)
    cooperation: PVector[Cooperation] = attrs.field(default=EMPTY, converter=vector)
    sub_plans: PVector[SubPlanLink] = attrs.field(default=EMPTY, converter=vector)
    revisions: PVector[Revision] = attrs.field(default=EMPTY, converter=vector)
    status_reason: str = ""
    ended_on: date | None = None
    used_ids: UsedIds = attrs.field(default=attrs.Factory(_item_ids, takes_self=True), repr=False)
    """Every item id used in the plan, as an immutable set.

    Derived: a value built by hand computes it from the items; the evolvers add the
    id of each new item (amortised O(1), the rest shared with the plan before), so that
    a command checks a new id in constant time however long the plan (decisions 19, 37).
    """

    def ids(self) -> UsedIds:
        """Every item id used in the plan (`used_ids`)."""
        return self.used_ids

    def get_measure(self, measure_id: str) -> PlanMeasure | None:
        """The measure with this id."""
        # Ids are unique in a plan; the measures worked on are the recent ones, so
        # search from the end (a long plan must not make every evaluation O(history)).
        return next((m for m in reversed(self.measures) if m.id == measure_id), None)


@attrs.frozen(kw_only=True)
class Plans:
    """The current plan of a case and ended earlier ones."""

    current: IndividualPlan | None = None
    earlier: tuple[IndividualPlan, ...] = ()


_EMPTY_PLANS = Plans()
"""The state of a case that has none yet (built once, shared: it is immutable)."""


def plans(case: Case) -> Plans:
    """The plan state of a case."""
    return case.part(_KEY, _EMPTY_PLANS)


def current_plan(case: Case) -> IndividualPlan | None:
    """The current (active or suspended) plan, or ``None``."""
    p = plans(case).current
    return p if p is not None and p.status is not PlanStatus.ENDED else None
