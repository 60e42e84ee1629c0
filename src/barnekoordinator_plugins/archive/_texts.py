"""The archive document's labels in bokmål, nynorsk and English (private).

Every label is a [`Text`][barnekoordinator.texts.Text] from the gettext catalogues, under the key
``archive.<key>`` (decision 28), in bokmål, nynorsk and English with no fallback: a missing key is a
programming error, caught by the tests, never a silently English heading. Names of Norwegian
institutions stay Norwegian (stafettlogg, tiltak, individuell plan); the English text adds a
gloss in brackets.

Enum values are looked up as ``"<group>.<value>"`` (``"service.ppt"``, ``"baton.accepted"``);
[`LABEL_GROUPS`][barnekoordinator_plugins.archive._texts.LABEL_GROUPS] says which enum each group
labels, so a test checks that every value of every enum shown in the document has its label.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.coordination.baton import BatonChangeKind
from barnekoordinator.coordination.plan import PlanStatus, SubPlanKind
from barnekoordinator.coordination.roles import Role
from barnekoordinator.coordination.stafettlogg import (
    ClosingReason,
    EffectAssessment,
    LogStatus,
    MeasureNext,
    Nivaa0Outcome,
    ObservationKind,
    ProposedBy,
)
from barnekoordinator.history.case import CaseMode
from barnekoordinator.people import GuardianRelation
from barnekoordinator.rights.complaints import ComplaintForm, Resolution, Stage
from barnekoordinator.rights.decisions import DecisionKind
from barnekoordinator.rights.eligibility import Outcome, Right
from barnekoordinator.services import ServiceKind
from barnekoordinator.texts import Language, Text, texts_under

LABELS: Final[Mapping[str, Text]] = texts_under("archive.")
"""Every label of the archive document by key."""

LABEL_GROUPS: Final[Mapping[str, type[enum.Enum]]] = MappingProxyType(
    {
        "service": ServiceKind,
        "role": Role,
        "baton": BatonChangeKind,
        "purpose": ConsentPurpose,
        "closing": ClosingReason,
        "effect": EffectAssessment,
        "next": MeasureNext,
        "observation": ObservationKind,
        "proposed": ProposedBy,
        "nivaa0": Nivaa0Outcome,
        "subplan": SubPlanKind,
        "mode": CaseMode,
        "relation": GuardianRelation,
        "right": Right,
        "decisionkind": DecisionKind,
        "outcome": Outcome,
        "form": ComplaintForm,
        "stage": Stage,
        "resolution": Resolution,
        "logstatus": LogStatus,
        "planstatus": PlanStatus,
    }
)
"""The enum each ``"<group>.<value>"`` label group names (a test checks every value is there)."""


def label(key: str, lang: Language, **values: object) -> str:
    """The label ``key`` in ``lang``, with its placeholders filled in."""
    return LABELS[key].format(lang, **values)


def enum_label(group: str, value: enum.Enum, lang: Language) -> str:
    """The label of an enum value: ``enum_label("service", ServiceKind.PPT, lang)``."""
    return LABELS[f"{group}.{value.value}"].get(lang)
