"""Whether the individual plan is complete: the nine content items on a day (IP-02).

[`check_plan()`][barnekoordinator.coordination.plan.check_plan] runs one check per item, in item
order, and names every item that is missing or invalid with the reason in Norwegian and English.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from datetime import date

import attrs

from barnekoordinator.access.consent import ConsentPurpose, ledger, required_consenters
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import HolderKind, coordination_holder
from barnekoordinator.coordination.plan._guards import _settings
from barnekoordinator.coordination.plan._model import (
    IndividualPlan,
    PlanItem,
    PlanPeriod,
    current_plan,
)
from barnekoordinator.errors import PlanError
from barnekoordinator.history.case import Case
from barnekoordinator.texts import text


class Completeness(enum.Enum):
    """The outcome of [`check_plan()`][barnekoordinator.coordination.plan.check_plan]."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


@attrs.frozen(kw_only=True)
class MissingItem:
    """One content item that is missing or invalid, and why (nb, nn, en)."""

    item: PlanItem
    reason_nb: str
    reason_en: str
    reason_nn: str
    """Nynorsk (no fallback to bokmål, decision 28)."""


@attrs.frozen(kw_only=True)
class PlanCheck:
    """Whether a plan has all nine items; ``missing`` names each that is not there."""

    status: Completeness
    missing: tuple[MissingItem, ...] = ()

    @property
    def complete(self) -> bool:
        """True when nothing is missing."""
        return self.status is Completeness.COMPLETE

    @property
    def missing_items(self) -> tuple[int, ...]:
        """Numbers (1–9) of the missing items, ascending and without repeats."""
        return tuple(sorted({int(m.item) for m in self.missing}))


def check_plan(case: Case, as_of: date, settings: MunicipalSettings | None = None) -> PlanCheck:
    """Check the nine content items on ``as_of``; name every missing or invalid one (IP-02)."""
    settings = _settings(settings)
    plan = current_plan(case)
    if plan is None:
        raise PlanError(f"case {case.id}: no individual plan")
    missing = tuple(m for item in _ITEMS for m in item(case, plan, as_of, settings))
    return PlanCheck(
        status=Completeness.INCOMPLETE if missing else Completeness.COMPLETE,
        missing=missing,
    )


def _miss(item: PlanItem, key: str) -> MissingItem:
    reason = text(key)
    return MissingItem(item=item, reason_nb=reason.nb, reason_nn=reason.nn, reason_en=reason.en)


_ItemCheck = Callable[[Case, IndividualPlan, date, MunicipalSettings], Iterator[MissingItem]]
"""Checks one content item of the plan on a day; yields what is missing or invalid."""


def _overview(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> Iterator[MissingItem]:
    """Item 1: at least one goal and one need that say something (resources may be empty)."""
    o = plan.overview
    if o is None or not any(g.strip() for g in o.goals) or not any(n.strip() for n in o.needs):
        yield _miss(
            PlanItem.OVERVIEW,
            "plan-check.overview",
        )


def _participants(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> Iterator[MissingItem]:
    if not plan.participants:
        yield _miss(
            PlanItem.PARTICIPANTS,
            "plan-check.participants",
        )


def _responsible(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> Iterator[MissingItem]:
    """Item 3: one responsible person who takes part, the appointed koordinator if any."""
    if plan.responsible_ref is None:
        yield _miss(
            PlanItem.RESPONSIBLE,
            "plan-check.responsible",
        )
        return
    holder = coordination_holder(case, as_of)
    if case.participant(plan.responsible_ref) is None:
        yield _miss(
            PlanItem.RESPONSIBLE,
            "plan-check.responsible-left",
        )
    elif (
        holder is not None
        and holder.kind in (HolderKind.BARNEKOORDINATOR, HolderKind.KOORDINATOR)
        and holder.ref != plan.responsible_ref
    ):
        yield _miss(
            PlanItem.RESPONSIBLE,
            "plan-check.responsible-coordinator",
        )


def _contributions(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> Iterator[MissingItem]:
    if not plan.contributions:
        yield _miss(PlanItem.CONTRIBUTIONS, "plan-check.contributions")


def _measures(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> Iterator[MissingItem]:
    """Items 5 and 6: open measures, each with a responsible person who still takes part in the
    case («hvem som skal ha ansvaret», as item 3 checks its own), and each saying how it is
    carried out."""
    open_measures = [m for m in plan.measures if m.ended_on is None]
    if not open_measures:
        yield _miss(
            PlanItem.MEASURES,
            "plan-check.measures",
        )
    elif any(case.participant(m.responsible_ref) is None for m in open_measures):
        yield _miss(PlanItem.MEASURES, "plan-check.responsible-left")
    if not open_measures or any(not m.implementation.strip() for m in open_measures):
        yield _miss(
            PlanItem.IMPLEMENTATION,
            "plan-check.implementation",
        )


def _period(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> Iterator[MissingItem]:
    """Item 7: a plan period with a next revision date within it."""
    if plan.period is None:
        yield _miss(
            PlanItem.PERIOD,
            "plan-check.period",
        )
    elif plan.period.next_revision is None:
        yield _miss(PlanItem.PERIOD, "plan-check.revision")
    elif not _within(plan.period):
        yield _miss(PlanItem.PERIOD, "plan-check.revision-outside-period")


def _within(period: PlanPeriod) -> bool:
    """The next revision date falls within the plan period (item 7)."""
    revision = period.next_revision
    return revision is not None and (
        period.start <= revision and (period.end is None or revision <= period.end)
    )


def _consent(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> Iterator[MissingItem]:
    if not _valid_plan_consent(case, plan, as_of, settings):
        yield _miss(
            PlanItem.CONSENT,
            "plan-check.consent",
        )


def _cooperation(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> Iterator[MissingItem]:
    if not plan.cooperation:
        yield _miss(
            PlanItem.COOPERATION,
            "plan-check.cooperation",
        )


_ITEMS: tuple[_ItemCheck, ...] = (
    _overview,
    _participants,
    _responsible,
    _contributions,
    _measures,
    _period,
    _consent,
    _cooperation,
)
"""The checks in item order (1–9; items 5 and 6 share one), so ``missing`` is in order too."""


def _valid_plan_consent(
    case: Case, plan: IndividualPlan, as_of: date, settings: MunicipalSettings
) -> bool:
    """The referenced, active plan consents together come from everyone who must consent."""
    required = required_consenters(
        case, ConsentPurpose.INDIVIDUAL_PLAN, as_of=as_of, settings=settings
    )
    given: set[str] = set()
    for consent_id in plan.consent_ids:
        c = ledger(case).get(consent_id)
        if c is not None and c.purpose is ConsentPurpose.INDIVIDUAL_PLAN and c.active_on(as_of):
            given |= c.given_by
    return bool(required) and required <= given
