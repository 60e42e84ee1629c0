"""The stafettlogg's one [`Concept`][barnekoordinator.history.concept.Concept] value.

It gathers what the private modules of the package declare — events, evolvers, the item run evolver,
projectors, entries, the stafettholder role and the obligations — for
[`barnekoordinator.catalogue`][barnekoordinator.catalogue], which imports it as
``stafettlogg.STAFETTLOGG_CONCEPT``.
"""

from __future__ import annotations

from barnekoordinator.coordination.stafettlogg._entries import _entries, _holder_role
from barnekoordinator.coordination.stafettlogg._events import (
    DecisionCompleted,
    DecisionRecorded,
    GoalSet,
    LevelChanged,
    LogMeasureAdded,
    LogMeasureEvaluated,
    MeetingScheduled,
    MinutesRecorded,
    ObservationRecorded,
    StafettloggClosed,
    StafettloggLinked,
    StafettloggOpened,
)
from barnekoordinator.coordination.stafettlogg._fold import (
    _ITEM_STEPS,
    _closed,
    _items,
    _level,
    _linked,
    _opened,
)
from barnekoordinator.coordination.stafettlogg._nivaa0 import (
    Nivaa0Decided,
    UndringRegistered,
    _nivaa0,
    _undring,
)
from barnekoordinator.coordination.stafettlogg._obligations import _obligations
from barnekoordinator.coordination.stafettlogg._projectors import (
    _project_closed,
    _project_decision,
    _project_decision_done,
    _project_evaluated,
    _project_linked,
    _project_meeting,
    _project_minutes,
    _project_nivaa0,
    _project_tiltak,
    _project_undring,
)
from barnekoordinator.history.concept import Concept

STAFETTLOGG_CONCEPT = Concept(
    name="stafettlogg",
    events=(
        UndringRegistered,
        Nivaa0Decided,
        StafettloggOpened,
        ObservationRecorded,
        GoalSet,
        LogMeasureAdded,
        LogMeasureEvaluated,
        MeetingScheduled,
        MinutesRecorded,
        DecisionRecorded,
        DecisionCompleted,
        LevelChanged,
        StafettloggLinked,
        StafettloggClosed,
    ),
    evolvers={
        UndringRegistered: _undring,
        Nivaa0Decided: _nivaa0,
        StafettloggOpened: _opened,
        LevelChanged: _level,
        StafettloggLinked: _linked,
        StafettloggClosed: _closed,
    },
    run_evolvers=dict.fromkeys(_ITEM_STEPS.classes, _items),
    projectors={
        UndringRegistered.TYPE: (_project_undring,),
        Nivaa0Decided.TYPE: (_project_nivaa0,),
        LogMeasureAdded.TYPE: (_project_tiltak,),
        LogMeasureEvaluated.TYPE: (_project_evaluated,),
        MeetingScheduled.TYPE: (_project_meeting,),
        MinutesRecorded.TYPE: (_project_minutes,),
        DecisionRecorded.TYPE: (_project_decision,),
        DecisionCompleted.TYPE: (_project_decision_done,),
        StafettloggLinked.TYPE: (_project_linked,),
        StafettloggClosed.TYPE: (_project_closed,),
    },
    entry_sources=(_entries,),
    role_sources=(_holder_role,),
    obligation_sources=(_obligations,),
)
