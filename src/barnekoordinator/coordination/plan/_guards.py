"""What every command on the individual plan checks before it writes.

Nothing is written to the plan without an ``INDIVIDUAL_PLAN`` consent from
those entitled on the day (IP-01), and only by someone taking part in the case.
"""

from __future__ import annotations

from datetime import date

from barnekoordinator.access.consent import ConsentPurpose, ledger
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.plan._model import IndividualPlan, PlanStatus, current_plan
from barnekoordinator.errors import InvalidInput, NotResponsible, PlanError
from barnekoordinator.history.case import Case
from barnekoordinator.people import check_item_id
from barnekoordinator.services import ServiceKind


def _settings(settings: MunicipalSettings | None) -> MunicipalSettings:
    return settings or MunicipalSettings()


def _require_consent(
    case: Case, service: ServiceKind, as_of: date, settings: MunicipalSettings
) -> None:
    ledger(case).require(
        case,
        ConsentPurpose.INDIVIDUAL_PLAN,
        as_of=as_of,
        service=service,
        settings=settings,
    )


def _writer(case: Case, by: str, as_of: date, settings: MunicipalSettings | None) -> IndividualPlan:
    """Check ``by`` may write to the active plan on ``as_of``; return the plan."""
    case.require_open()
    plan = current_plan(case)
    if plan is None:
        raise PlanError(f"case {case.id}: no individual plan; start one with start_plan")
    if plan.status is not PlanStatus.ACTIVE:
        raise PlanError(
            f"case {case.id}: the individual plan is suspended until consent is given "
            f"({plan.status_reason})"
        )
    writer = case.participant(by)
    if writer is None:
        raise NotResponsible(f"case {case.id}: {by} takes no part in the case")
    _require_consent(case, writer.service, as_of, _settings(settings))
    return plan


def _new_id(plan: IndividualPlan, item_id: str, what: str) -> None:
    check_item_id(item_id, what)
    if item_id in plan.ids():
        raise InvalidInput(f"{what} {item_id!r} is already used in the plan")


def _non_empty(value: str, what: str) -> str:
    if not value.strip():
        raise InvalidInput(f"{what}: must not be empty")
    return value
