"""barnekoordinator: a legally traceable core for coordinating help to children and families.

The names below are what script writers need most; every concept module
(``barnekoordinator.rights.eligibility``, ``.stafettlogg``, ``.handover`` …) is public
too, with its own ``__all__``. Re-exports load lazily, so importing the package
(as the pytest plugin does in every test run) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from barnekoordinator import errors
    from barnekoordinator.access.principal import Principal
    from barnekoordinator.casebook import Casebook
    from barnekoordinator.clock import Clock, FixedClock, SystemClock
    from barnekoordinator.config import Config, MunicipalSettings
    from barnekoordinator.coordination.roles import Role, obligations
    from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
    from barnekoordinator.hookspecs import hookimpl
    from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId
    from barnekoordinator.legal_basis import LegalReference, ref
    from barnekoordinator.rights.eligibility import (
        EligibilityFacts,
        EligibilityResult,
        Outcome,
        assess,
    )

__all__ = [
    "Case",
    "Casebook",
    "Clock",
    "Config",
    "DomainEvent",
    "EligibilityFacts",
    "EligibilityResult",
    "FixedClock",
    "HprNummer",
    "LegalReference",
    "MunicipalSettings",
    "Organisasjonsnummer",
    "Outcome",
    "PersonId",
    "Principal",
    "RecordedEvent",
    "Role",
    "SystemClock",
    "__version__",
    "assess",
    "errors",
    "hookimpl",
    "obligations",
    "ref",
]

__version__ = "0.2.0"

_SOURCES = {
    "Case": "history.case",
    "Casebook": "casebook",
    "Clock": "clock",
    "Config": "config",
    "DomainEvent": "history.case",
    "EligibilityFacts": "rights.eligibility",
    "EligibilityResult": "rights.eligibility",
    "FixedClock": "clock",
    "HprNummer": "identifiers",
    "LegalReference": "legal_basis",
    "MunicipalSettings": "config",
    "Organisasjonsnummer": "identifiers",
    "Outcome": "rights.eligibility",
    "PersonId": "identifiers",
    "Principal": "access.principal",
    "RecordedEvent": "history.case",
    "Role": "coordination.roles",
    "SystemClock": "clock",
    "assess": "rights.eligibility",
    "hookimpl": "hookspecs",
    "obligations": "coordination.roles",
    "ref": "legal_basis",
}


def __getattr__(name: str) -> Any:
    if name == "errors":
        return importlib.import_module("barnekoordinator.errors")
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'barnekoordinator' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"barnekoordinator.{source}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
