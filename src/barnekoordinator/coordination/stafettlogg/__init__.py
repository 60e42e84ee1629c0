"""The BTI stafettlogg: nivå 0, the log, its tiltak, meetings, decisions and closing.

BTI (Bedre tverrfaglig innsats) is a municipal practice model, not law
(domain.md §7.1). A concern starts at **nivå 0** as an *undring* that must be
clarified within the municipality's deadline (`MunicipalSettings.nivaa0_decision_days`).
Severe suspicion (violence, abuse, serious neglect) bypasses the ladder: it is
reported to barnevernstjenesten **without involving the guardians**, and no
stafettlogg or consent flow starts (BTI-02).

From nivå 1 (or the municipality's `stafettlogg_from_level`)
a **stafettlogg** may be opened — only with consent (BTI-03) — and every write
to it checks, on the day of the write, that the consent ledger still covers the
writing service (so a log opened in pregnancy needs the consent of those with
foreldreansvar after the birth, and a withdrawn consent stops all writing).

The log holds observations (oppmerksomhet/undring/bekymring), goals, tiltak (each with a responsible
person and an evaluation date — BTI-10; tiltak the child or guardians proposed are tracked beside
the services' own), evaluations, samarbeidsmøter (the log is written as the minutes) and
beslutninger. It closes when the goal is reached or the consent is withdrawn (BTI-12), and
[`archive_document()`][barnekoordinator.coordination.stafettlogg.archive_document] /
[`archive_text()`][barnekoordinator.coordination.stafettlogg.archive_text] give the closing printout
for the archive (arkivlova).

The log also holds the **baton**
(`Stafettlogg.baton`, a
[`Baton`][barnekoordinator.coordination.baton.Baton]): exactly one stafettholder while the log is
open. The baton's states and moves are
[`barnekoordinator.coordination.baton`][barnekoordinator.coordination.baton]; handing it over is
[`barnekoordinator.coordination.handover`][barnekoordinator.coordination.handover]; changing level
(which re-decides the holder) is
[`barnekoordinator.coordination.transitions`][barnekoordinator.coordination.transitions]; the
statutory coordinators who take precedence are
[`barnekoordinator.coordination.appointments`][barnekoordinator.coordination.appointments].

The package is split by concern, each in a private module: the state values (``_values``), the state
inside a case and who may write (``_case``), nivå 0 (``_nivaa0``), the log's events (``_events``),
how they fold (``_fold``), the commands that write and close the log (``_commands``, ``_closing``),
the archive printout (``_archive``), and what the log lists for the rest of the library
(``_entries``, ``_obligations``, ``_projectors``), gathered into
`STAFETTLOGG_CONCEPT`
(``_concept``). Import from this package, never from those.
"""

from __future__ import annotations

from barnekoordinator.coordination.stafettlogg._archive import (
    archive_document,
    archive_text,
)
from barnekoordinator.coordination.stafettlogg._case import (
    bti,
    current_log,
    open_log,
    require_log_consent,
    require_log_writer,
    service_may_read,
    stafettholder,
    with_log,
)
from barnekoordinator.coordination.stafettlogg._closing import (
    close_stafettlogg,
    closing_event,
    unminuted_meetings,
    withdraw_stafettlogg_consent,
)
from barnekoordinator.coordination.stafettlogg._commands import (
    add_log_measure,
    complete_decision,
    evaluate_log_measure,
    open_stafettlogg,
    record_decision,
    record_minutes,
    record_observation,
    schedule_meeting,
    set_goal,
)
from barnekoordinator.coordination.stafettlogg._concept import (
    STAFETTLOGG_CONCEPT,
)
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
from barnekoordinator.coordination.stafettlogg._nivaa0 import (
    Nivaa0Decided,
    UndringRegistered,
    decide_nivaa0,
    register_undring,
)
from barnekoordinator.coordination.stafettlogg._values import (
    Bti,
    BtiLevel,
    ClosingReason,
    EffectAssessment,
    Evaluation,
    Goal,
    HolderDecision,
    LevelChange,
    LogDecision,
    LogMeasure,
    LogStatus,
    MeasureNext,
    Meeting,
    Minutes,
    Nivaa0Outcome,
    Observation,
    ObservationKind,
    ProposedBy,
    Stafettlogg,
    Undring,
)

__all__ = [
    "STAFETTLOGG_CONCEPT",
    "Bti",
    "BtiLevel",
    "ClosingReason",
    "DecisionCompleted",
    "DecisionRecorded",
    "EffectAssessment",
    "Evaluation",
    "Goal",
    "GoalSet",
    "HolderDecision",
    "LevelChange",
    "LevelChanged",
    "LogDecision",
    "LogMeasure",
    "LogMeasureAdded",
    "LogMeasureEvaluated",
    "LogStatus",
    "MeasureNext",
    "Meeting",
    "MeetingScheduled",
    "Minutes",
    "MinutesRecorded",
    "Nivaa0Decided",
    "Nivaa0Outcome",
    "Observation",
    "ObservationKind",
    "ObservationRecorded",
    "ProposedBy",
    "Stafettlogg",
    "StafettloggClosed",
    "StafettloggLinked",
    "StafettloggOpened",
    "Undring",
    "UndringRegistered",
    "add_log_measure",
    "archive_document",
    "archive_text",
    "bti",
    "close_stafettlogg",
    "closing_event",
    "complete_decision",
    "current_log",
    "decide_nivaa0",
    "evaluate_log_measure",
    "open_log",
    "open_stafettlogg",
    "record_decision",
    "record_minutes",
    "record_observation",
    "register_undring",
    "require_log_consent",
    "require_log_writer",
    "schedule_meeting",
    "service_may_read",
    "set_goal",
    "stafettholder",
    "unminuted_meetings",
    "with_log",
    "withdraw_stafettlogg_consent",
]
