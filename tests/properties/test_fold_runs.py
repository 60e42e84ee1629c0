"""Folding runs of events at once (``run_evolver``) equals folding them one at a time.

:meth:`Case.apply_all` hands consecutive stafettlogg item events, and
consecutive events on an individuell plan, to one run evolver each, which
copies the state once per run. These properties check, over random histories
of every such event kind interleaved with events that end a run (a
participant joining or leaving, consent, a level change), that the result is
the one :meth:`Case.apply` gives event by event — after every prefix, not
only at the end — and that a broken history fails the same way, with the
same error, at the same event.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.plan import (
    IndividualPlan,
    PlanMeasureEvaluated,
    SubPlanKind,
    add_contribution,
    add_cooperation,
    add_plan_measure,
    add_plan_participant,
    end_plan,
    evaluate_plan_measure,
    link_sub_plan,
    plans,
    reference_plan_consent,
    resume_plan,
    revise_plan,
    set_overview,
    set_plan_period,
    set_plan_responsible,
    start_plan,
    suspend_plan,
)
from barnekoordinator.coordination.roles import Role
from barnekoordinator.coordination.stafettlogg import (
    Bti,
    BtiLevel,
    EffectAssessment,
    HolderDecision,
    LogMeasureEvaluated,
    MeasureNext,
    ObservationKind,
    add_log_measure,
    bti,
    complete_decision,
    evaluate_log_measure,
    open_stafettlogg,
    record_decision,
    record_minutes,
    record_observation,
    schedule_meeting,
    set_goal,
)
from barnekoordinator.coordination.transitions import change_level
from barnekoordinator.errors import (
    BarnekoordinatorError,
    CatalogueError,
    HistoryError,
    OutOfSequence,
    WrongCase,
)
from barnekoordinator.history import catalogue as catalogue_module
from barnekoordinator.history.case import (
    Case,
    DomainEvent,
    ParticipantJoined,
    ParticipantLeft,
    RecordedEvent,
)
from barnekoordinator.history.concept import Concept
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    consent_all,
    professional,
    standard_case,
)

COVERED = (S.BARNEHAGE, S.HELSESTASJON, S.SKOLE, S.PPT, S.KOORDINERENDE_ENHET)
WRITERS = ("pl", "hs", "styrer", "new-1")  # new-1 writes only while it takes part
ITEM_STEPS = (
    "observation",
    "goal",
    "tiltak",
    "evaluate",
    "meeting",
    "minutes",
    "decision",
    "complete",
)
RUN_ENDERS = ("join", "leave", "consent", "level")
# Mostly item events (they form the runs), with an event that ends a run now and then.
STEPS = ITEM_STEPS * 3 + RUN_ENDERS


def one_at_a_time(case_id: str, history: list[RecordedEvent]) -> list[Case]:
    """The case after each event, folded with Case.apply alone."""
    case, states = CATALOGUE.new_case(case_id), []
    for r in history:
        case = case.apply(r)
        states.append(case)
    return states


def accepted(run: CaseRun, command: Any, args: dict[str, Any]) -> bool:
    """Run a command; False if the rules refused it (a correct outcome: nothing recorded)."""
    try:
        run.run(command, **args)
    except BarnekoordinatorError:
        return False
    return True


def ended_a_run(
    run: CaseRun,
    step: str,
    purpose: ConsentPurpose,
    services: tuple[S, ...],
    today: date,
    consent_id: str,
) -> bool:
    """Do the steps that end a run (someone joins or leaves, consent is renewed); True if done."""
    if step == "join":
        run.do(ParticipantJoined(participant=professional("new-1", S.SKOLE)))
    elif step == "leave" and run.case.participant("new-1") is not None:
        run.do(ParticipantLeft(participant_ref="new-1"))
    elif step == "consent":
        consent_all(run, purpose, services, as_of=today, consent_id=consent_id)
    else:
        return False
    return True


@st.composite
def stafettlogg_histories(draw: Any, max_steps: int = 40) -> CaseRun:
    """An open stafettlogg and a random, accepted history of its item events and more."""
    run = standard_case(age=draw(st.integers(1, 11)))
    consent_all(run, ConsentPurpose.STAFETTLOGG, COVERED, consent_id="k0")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=DEFAULT_AS_OF)
    ids: dict[str, list[str]] = {"tiltak": [], "meeting": [], "decision": []}
    for n in range(draw(st.integers(0, max_steps))):
        today = DEFAULT_AS_OF + timedelta(days=n)
        step = draw(st.sampled_from(STEPS))
        # Minutes, evaluations and follow-ups are mostly written by someone allowed to.
        by = draw(st.sampled_from(("pl", *WRITERS)))
        command: Any
        args: dict[str, Any] = {"by": by, "as_of": today}
        if step == "observation":
            command = record_observation
            args |= {"observation_id": f"o{n}", "kind": ObservationKind.UNDRING, "text": f"o {n}"}
        elif step == "goal":
            command, args = set_goal, args | {"goal_id": f"g{n}", "text": f"mål {n}"}
        elif step == "tiltak":
            command = add_log_measure
            args |= {
                "tiltak_id": f"t{n}",
                "description": f"tiltak {n}",
                "responsible_ref": by,
                "evaluation_date": today + timedelta(days=30),
            }
        elif step == "evaluate" and ids["tiltak"]:
            end = draw(st.booleans())
            command = evaluate_log_measure
            args |= {
                "tiltak_id": draw(st.sampled_from(ids["tiltak"])),
                "effect": EffectAssessment.IMPROVED,
                "next_step": MeasureNext.END if end else MeasureNext.CONTINUE,
                "next_evaluation_date": None if end else today + timedelta(days=30),
            }
        elif step == "meeting":
            command = schedule_meeting
            args |= {
                "meeting_id": f"m{n}",
                "meeting_on": today,
                "agenda": ("Status",),
                "invited": ("hs",),
            }
        elif step == "minutes" and ids["meeting"]:
            command = record_minutes
            args |= {
                "meeting_id": draw(st.sampled_from(ids["meeting"])),
                "text": f"referat {n}",
                "attended": (by,),
            }
        elif step == "decision":
            command = record_decision
            args |= {"decision_id": f"d{n}", "text": f"beslutning {n}"}
            if draw(st.booleans()):
                args |= {"follow_up_by": by, "follow_up_on": today + timedelta(days=14)}
        elif step == "complete" and ids["decision"]:
            command = complete_decision
            args |= {"decision_id": draw(st.sampled_from(ids["decision"]))}
        elif ended_a_run(run, step, ConsentPurpose.STAFETTLOGG, COVERED, today, f"k-{n}"):
            continue
        elif step == "level":
            command = change_level
            args |= {
                "to_level": draw(st.sampled_from([BtiLevel.NIVAA_1, BtiLevel.NIVAA_2])),
                "decision": HolderDecision(
                    holder_ref="pl",
                    family_wishes="Familien ønsker at pl fortsetter",
                    measure_scope="Tiltak i barnehagen",
                    coordination_need="Moderat",
                    decided_with=("mor",),
                ),
            }
        else:
            continue
        if not accepted(run, command, args):
            continue
        if step in ("tiltak", "meeting", "decision"):
            ids[step].append(args[f"{step}_id"])
    return run


PLAN_SERVICES = (S.KOORDINERENDE_ENHET, S.HELSESTASJON, S.SKOLE, S.FYSIOTERAPI, S.BARNEHAGE)
PLAN_STEPS = (
    "overview",
    "participant",
    "responsible",
    "contribution",
    "measure",
    "evaluate",
    "period",
    "consent-ref",
    "cooperation",
    "sub-plan",
    "revise",
)
PLAN_RARE = ("suspend", "resume", "end", "join", "leave", "consent")


@st.composite
def plan_histories(draw: Any, max_steps: int = 60) -> CaseRun:
    """A started individuell plan and a random, accepted history of events on it and more."""
    run = standard_case(age=draw(st.integers(1, 11)))
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, PLAN_SERVICES, consent_id="ip")
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=DEFAULT_AS_OF)
    measures: list[str] = []
    for n in range(draw(st.integers(0, max_steps))):
        today = DEFAULT_AS_OF + timedelta(days=n)
        # Measures and their evaluations are most of a long plan's history.
        step = draw(st.sampled_from(PLAN_STEPS * 4 + ("measure", "evaluate") * 8 + PLAN_RARE))
        by = draw(st.sampled_from(("ke", "ke", "fysio", "hs", "new-1")))
        args: dict[str, Any] = {"by": by, "as_of": today}
        command: Any
        if step == "overview":
            command = set_overview
            args |= {"goals": [f"mål {n}"], "resources": ["musikk"], "needs": ["fysio"]}
        elif step == "participant":
            command = add_plan_participant
            args |= {"participant_ref": "mor", "role": Role.GUARDIAN}
        elif step == "responsible":
            command, args = set_plan_responsible, args | {"responsible_ref": by}
        elif step == "contribution":
            command = add_contribution
            args |= {"contribution_id": f"c{n}", "contributor_ref": "fysio", "what": f"b {n}"}
        elif step == "measure":
            command = add_plan_measure
            args |= {
                "measure_id": f"m{n}",
                "description": f"tiltak {n}",
                "scope": "1 t/uke",
                "responsible_ref": "fysio",
                "implementation": "i barnehagen",
                "evaluation_date": today + timedelta(days=30),
            }
        elif step == "evaluate" and measures:
            end = draw(st.booleans())
            command = evaluate_plan_measure
            args |= {
                "measure_id": draw(st.sampled_from(measures)),
                "note": "evaluert",
                "next_evaluation_date": None if end else today + timedelta(days=30),
                "end": end,
            }
        elif step == "period":
            command = set_plan_period
            args |= {"start": today, "next_revision": today + timedelta(days=180)}
        elif step == "consent-ref":
            command, args = reference_plan_consent, args | {"consent_id": "ip"}
        elif step == "cooperation":
            command = add_cooperation
            args |= {"cooperation_id": f"co{n}", "with_service": S.SKOLE, "description": "overgang"}
        elif step == "sub-plan":
            command = link_sub_plan
            args |= {
                "sub_plan_id": f"s{n}",
                "kind": SubPlanKind.IOP,
                "reference": f"iop-{n}",
                "title": "IOP",
            }
        elif step == "revise":
            command = revise_plan
            args |= {"summary": f"revisjon {n}", "next_revision": today + timedelta(days=180)}
        elif step == "suspend":
            command, args = suspend_plan, args | {"reason": "flytter"}
        elif step == "resume":
            command, args = resume_plan, args | {"consent_id": "ip"}
        elif step == "end" and draw(st.integers(1, 4)) == 1:
            command, args = end_plan, args | {"reason": "ikke lenger behov"}
        elif ended_a_run(run, step, ConsentPurpose.INDIVIDUAL_PLAN, PLAN_SERVICES, today, f"ip{n}"):
            continue
        else:
            continue
        if not accepted(run, command, args):
            continue
        if step == "measure":
            measures.append(args["measure_id"])
    return run


fold_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
histories = st.one_of(stafettlogg_histories(), plan_histories())


@fold_settings
@given(histories)
def test_apply_all_equals_apply_one_at_a_time_after_every_prefix(run: CaseRun) -> None:
    """Every prefix of a history folds to the same case through apply_all as through apply."""
    states = one_at_a_time(run.case.id, run.history)
    assert states[-1] == run.case  # the live case (folded command by command)
    for k in range(1, len(run.history) + 1):
        assert CATALOGUE.replay(run.case.id, run.history[:k]) == states[k - 1]
    # And from any starting point (a case part-way through, as the Casebook folds).
    for k in range(1, len(run.history)):
        assert states[k - 1].apply_all(iter(run.history[k:])) == states[-1]


@fold_settings
@given(histories, st.integers(min_value=1, max_value=12))
def test_loading_the_records_slice_by_slice_gives_the_live_case(run: CaseRun, size: int) -> None:
    """Catalogue.load decodes and folds a slice at a time (issue 15 item 2): runs split at a
    slice's end fold to the case the commands built."""
    records = run.records()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(catalogue_module, "_SLICE", size)
        assert CATALOGUE.load(run.case.id, records) == run.case


@fold_settings
@given(histories)
def test_the_used_ids_kept_by_the_fold_are_the_ids_of_the_items(run: CaseRun) -> None:
    """The id sets the evolvers keep (decision 19) equal the sets rebuilt from the items.

    Checked after every prefix, through both fold paths, against values built by hand
    (whose ``used_ids`` are computed from their items).
    """
    states = one_at_a_time(run.case.id, run.history)
    for k in range(1, len(run.history) + 1):
        for case in (states[k - 1], CATALOGUE.replay(run.case.id, run.history[:k])):
            state = bti(case)
            rebuilt = Bti(undringer=state.undringer, log=state.log, earlier_logs=state.earlier_logs)
            assert state.used_ids == rebuilt.used_ids
            assert set(state.ids()) == {
                x.id
                for log in (*state.earlier_logs, *((state.log,) if state.log else ()))
                for x in (*log.observations, *log.goals, *log.tiltak, *log.meetings, *log.decisions)
            } | {u.id for u in state.undringer}
            for plan in (plans(case).current, *plans(case).earlier):
                if plan is None:
                    continue
                items = (*plan.contributions, *plan.measures, *plan.cooperation, *plan.sub_plans)
                assert set(plan.used_ids) == {x.id for x in items}
                fields = attrs.fields(IndividualPlan)
                rebuilt_plan = IndividualPlan(
                    **{f.name: getattr(plan, f.name) for f in fields if f.name != "used_ids"}
                )
                assert plan.used_ids == rebuilt_plan.used_ids


def _failure(fold: Any) -> tuple[type[BaseException], str] | None:
    try:
        fold()
    except (HistoryError, WrongCase, OutOfSequence) as exc:
        return type(exc), str(exc)
    return None


def _unknown_item(event: object) -> object:
    """An event of the same module that names an item no history has."""
    if type(event).__module__.endswith(".plan"):
        return PlanMeasureEvaluated(
            measure_id="no-such-measure",
            note="",
            next_evaluation_date=None,
            ended=True,
            by="ke",
            on=DEFAULT_AS_OF,
        )
    return LogMeasureEvaluated(
        tiltak_id="no-such-tiltak",
        effect=EffectAssessment.UNCHANGED,
        next_step=MeasureNext.END,
        note="",
        next_evaluation_date=None,
        by="pl",
        on=DEFAULT_AS_OF,
    )


@fold_settings
@given(histories, st.data())
def test_a_broken_history_fails_alike(run: CaseRun, data: st.DataObject) -> None:
    """An update of an unknown item, a gap or another case's event: the same error."""
    history = list(run.history)
    index = data.draw(st.integers(1, len(history) - 1))
    breakage = data.draw(st.sampled_from(["unknown-item", "gap", "other-case"]))
    bad = history[index]
    if breakage == "unknown-item":
        history[index] = attrs.evolve(bad, event=_unknown_item(history[-1].event))
    elif breakage == "gap":
        history[index] = attrs.evolve(bad, sequence=bad.sequence + 1)
    else:
        history[index] = attrs.evolve(bad, case_id="case-other")

    def apply_each() -> None:
        case = CATALOGUE.new_case(run.case.id)
        for r in history:
            case = case.apply(r)

    expected = _failure(apply_each)
    assert expected is not None
    assert _failure(lambda: CATALOGUE.replay(run.case.id, history)) == expected


@pytest.mark.parametrize("strategy", [stafettlogg_histories, plan_histories])
def test_histories_exercise_long_runs(strategy: Any) -> None:
    """Each strategy's histories contain runs that one run evolver folds at once."""
    found = 0

    @settings(max_examples=20, deadline=None, database=None)
    @given(strategy())
    def count(run: CaseRun) -> None:
        nonlocal found
        longest = current = 0
        previous = None
        for r in run.history:
            fold_run = CATALOGUE.run_evolvers.get(type(r.event))
            current = current + 1 if fold_run is not None and fold_run is previous else 1
            previous = fold_run
            if fold_run is not None:
                longest = max(longest, current)
        found = max(found, longest)

    count()
    assert found >= 5


@attrs.frozen(kw_only=True)
class _Twice(DomainEvent):
    TYPE = "test.twice"


def test_a_class_has_one_evolver_only() -> None:
    """A catalogue in which a class has both an evolver and a run evolver is refused."""

    def _again(case: Case, run: Any) -> Case:  # pragma: no cover - never called
        return case

    def _one(case: Case, r: RecordedEvent) -> Case:  # pragma: no cover - never called
        return case

    twice = Concept(
        name="twice",
        events=(_Twice,),
        evolvers={_Twice: _one},
        run_evolvers={_Twice: _again},
    )
    with pytest.raises(CatalogueError, match="one evolver only"):
        CATALOGUE.extended(twice)
    # A class another concept declares cannot be declared again.
    again = Concept(
        name="again", events=(LogMeasureEvaluated,), evolvers={LogMeasureEvaluated: _one}
    )
    with pytest.raises(CatalogueError, match="is used by both"):
        CATALOGUE.extended(again)
