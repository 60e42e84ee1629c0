"""barnekoordinator: a legally traceable core for coordinating help to children and families.

The names below are what script writers need most; every concept module
(``barnekoordinator.eligibility``, ``.stafettlogg``, ``.handover`` …) is public
too, with its own ``__all__``. Re-exports load lazily, so importing the package
(as the pytest plugin does in every test run) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from barnekoordinator import errors
    from barnekoordinator.case import Case, DomainEvent, RecordedEvent
    from barnekoordinator.casebook import Casebook
    from barnekoordinator.clock import Clock, FixedClock, SystemClock
    from barnekoordinator.config import Config, MunicipalSettings
    from barnekoordinator.eligibility import (
        EligibilityFacts,
        EligibilityResult,
        Outcome,
        assess,
    )
    from barnekoordinator.hookspecs import hookimpl
    from barnekoordinator.identifiers import HprNummer, Organisasjonsnummer, PersonId
    from barnekoordinator.legal_basis import LegalReference, ref
    from barnekoordinator.principal import Principal
    from barnekoordinator.roles import Role, obligations

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

__version__ = "0.1.0"

_SOURCES = {
    "Case": "case",
    "Casebook": "casebook",
    "Clock": "clock",
    "Config": "config",
    "DomainEvent": "case",
    "EligibilityFacts": "eligibility",
    "EligibilityResult": "eligibility",
    "FixedClock": "clock",
    "HprNummer": "identifiers",
    "LegalReference": "legal_basis",
    "MunicipalSettings": "config",
    "Organisasjonsnummer": "identifiers",
    "Outcome": "eligibility",
    "PersonId": "identifiers",
    "Principal": "principal",
    "RecordedEvent": "case",
    "Role": "roles",
    "SystemClock": "clock",
    "assess": "eligibility",
    "hookimpl": "hookspecs",
    "obligations": "roles",
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
