"""Export views for tests: a whole [`Case`][barnekoordinator.history.case.Case] as an
[`ExportView`][barnekoordinator.exporting.ExportView].

[`Casebook.export()`][barnekoordinator.casebook.Casebook.export] builds a view from what one
principal may read; an exporter's own tests need views without a Casebook.
[`export_view_of()`][barnekoordinator.testing.archive.export_view_of] fills one with everything
the case holds — what an all-seeing principal would read — so a test can check that an exporter
shows every part of a case. Never a path for a person: no access decision, no audit record.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import attrs

from barnekoordinator.access.consent import ledger
from barnekoordinator.access.entries import Entry, entries
from barnekoordinator.coordination.roles import roles
from barnekoordinator.exporting import ExportView, log_frames, plan_frames
from barnekoordinator.history.case import Case
from barnekoordinator.people import Child
from barnekoordinator.rights.complaint_records import recorded_complaints
from barnekoordinator.rights.decision_records import recorded_decisions
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import DEFAULT_AS_OF, CaseRun, consent_all, standard_case

__all__ = [
    "STORY",
    "export_view_of",
    "log_frames",
    "plan_frames",
    "realistic_case",
    "refused_decision",
]


def export_view_of(
    case: Case,
    as_of: date,
    exported_at: datetime | None = None,
    *,
    exported_by: str = "Testarkivar",
    identifiers: bool = False,
    names: bool = True,
    visible: Sequence[Entry] | None = None,
    for_service: ServiceKind | None = None,
) -> ExportView:
    """Everything ``case`` holds as an export view made on ``as_of``.

    Args:
        case: The case.
        as_of: The day of the view.
        exported_at: When it was made (default: noon UTC on ``as_of``).
        exported_by: The maker's display label.
        identifiers: Keep national ids and birth dates (otherwise they are taken out, as
            `Casebook.export()` takes them out).
        names: Keep names.
        visible: The entries to show (default: every entry of the case).
        for_service: The receiving service the view is said to be for.
    """
    child = case.subject
    if isinstance(child, Child):
        child = attrs.evolve(
            child,
            person_id=child.person_id if identifiers else None,
            name=child.name if names else "",
        )
    guardians = tuple(
        attrs.evolve(
            g, person_id=g.person_id if identifiers else None, name=g.name if names else ""
        )
        for g in case.guardians
    )
    participants = tuple(
        attrs.evolve(p, hpr=p.hpr if identifiers else None, name=p.name if names else "")
        for p in case.participants
    )
    return ExportView(
        case_id=case.id,
        version=case.version,
        as_of=as_of,
        exported_at=exported_at or datetime.combine(as_of, time(12, 0), tzinfo=UTC),
        exported_by=exported_by,
        municipality_number=case.municipality_number,
        mode=case.mode,
        is_open=case.is_open,
        for_service=for_service,
        identifiers=identifiers,
        names=names,
        child=child,
        guardians=guardians,
        participants=participants,
        role_holders=roles(case, as_of),
        entries=tuple(entries(case)) if visible is None else tuple(visible),
        consents=ledger(case).consents,
        logs=log_frames(case),
        plans=plan_frames(case),
        decisions=recorded_decisions(case),
        complaints=recorded_complaints(case),
    )


STORY: dict[str, str] = {
    "goal": "Emma deltar i lek med andre barn",
    "observation": "Foreldrene forteller om lite søvn og slitne kvelder.",
    "tiltak_lek": "Tilrettelagt lek og motorisk trening i barnehagen",
    "tiltak_fysio": "Fysioterapi to ganger i uken",
    "evaluation": "God framgang i grovmotorikk",
    "agenda": "Status for tiltakene",
    "minutes": "Tiltakene fortsetter. Foreldrene ønsker barnekoordinator.",
    "log_decision": "PPT utreder behov for spesialpedagogisk hjelp",
    "plan_goal": "Trygg overgang til skolen",
    "plan_measure": "Assistent i klassen fra skolestart",
    "closing": "Målene er nådd; videre oppfølging i individuell plan.",
    "considerations": "Foreldrene er hørt.",
}
"""The texts of [`realistic_case()`][barnekoordinator.testing.archive.realistic_case], by what
they are, so tests can look for them in a rendered document."""


def realistic_case(*, case_id: str = "case-arkiv", close: bool = True) -> tuple[CaseRun, date]:
    """A case with everything the archive document shows; returns it and its last day.

    A five-year-old with two guardians and the standard professionals: consents; a stafettlogg
    at nivå 2 held by the pedagogical leader (``pl``), with a goal, an observation, two tiltak
    (one evaluated), a meeting with minutes and a decision; the baton handed to PPT and
    accepted; an individuell plan with its overview, a measure and a period; an individual
    decision and a complaint on it; and (``close``) the stafettlogg closed with a note.
    """
    from barnekoordinator.access.consent import ConsentPurpose
    from barnekoordinator.coordination import stafettlogg

    day = DEFAULT_AS_OF
    run = standard_case(age=5, case_id=case_id)
    services = (
        ServiceKind.BARNEHAGE,
        ServiceKind.HELSESTASJON,
        ServiceKind.FYSIOTERAPI,
        ServiceKind.PPT,
        ServiceKind.KOORDINERENDE_ENHET,
        ServiceKind.SKOLE,
    )
    for purpose in (
        ConsentPurpose.STAFETTLOGG,
        ConsentPurpose.SHARE_INFORMATION,
        ConsentPurpose.INDIVIDUAL_PLAN,
    ):
        consent_all(run, purpose, services, as_of=day, consent_id=f"k-{purpose.value}")
    _log_story(run, day)
    complaint_day = _plan_story(run, day + timedelta(days=30))
    last = complaint_day
    if close:
        last = complaint_day + timedelta(days=5)
        run.run(
            stafettlogg.close_stafettlogg,
            by="ppt",
            reason=stafettlogg.ClosingReason.GOAL_REACHED,
            summary=STORY["closing"],
            as_of=last,
        )
    return run, last


def _right() -> object:
    from barnekoordinator.rights.eligibility import Right

    return Right.BARNEKOORDINATOR


def refused_decision(day: date, *, parties: Sequence[str] = ("mor",)) -> object:
    """A refused barnekoordinator decision made on ``day`` (the conditions are not met) for the
    standard child (ref ``child``, aged five), with the guardians of ``parties`` (refs; the
    mother by default) as parties: what a test records with ``record_individual_decision``."""
    from barnekoordinator.rights.decisions import Party, PartyRole, make_decision
    from barnekoordinator.rights.eligibility import (
        Author,
        ChildFacts,
        EligibilityFacts,
        Judgement,
        Judgements,
        Needs,
        assess,
    )

    no = Judgement(conclusion=False, author=Author(ref="ke", role="ke"), assessed_on=day)
    facts = EligibilityFacts(
        child=ChildFacts(ref="child", birth_date=date(day.year - 5, 1, 1)),
        needs=Needs(services=(ServiceKind.FYSIOTERAPI, ServiceKind.SKOLE)),
        judgements=Judgements(serious=no),
    )
    return make_decision(
        assess(facts, as_of=day),
        case_ref="K-1",
        decided_on=day,
        municipality="Eksempel kommune",
        parties=tuple(
            Party(ref=ref, name=ref.capitalize(), role=PartyRole.GUARDIAN) for ref in parties
        ),
        signed_by="Koordinerende enhet",
        considerations=STORY["considerations"],
    )


def _log_story(run: CaseRun, day: date) -> None:
    """The stafettlogg of the realistic case: goal, observation, tiltak, meeting, handover."""
    from barnekoordinator.coordination import handover, stafettlogg

    run.run(
        stafettlogg.open_stafettlogg,
        by="pl",
        holder_ref="pl",
        level=stafettlogg.BtiLevel.NIVAA_2,
        as_of=day,
    )
    run.run(stafettlogg.set_goal, goal_id="g1", by="pl", text=STORY["goal"], as_of=day)
    run.run(
        stafettlogg.record_observation,
        observation_id="o1",
        by="hs",
        kind=stafettlogg.ObservationKind.OPPMERKSOMHET,
        text=STORY["observation"],
        as_of=day,
    )
    for tid, by, text in (("t-lek", "pl", "tiltak_lek"), ("t-fysio", "fysio", "tiltak_fysio")):
        run.run(
            stafettlogg.add_log_measure,
            tiltak_id=tid,
            by=by,
            description=STORY[text],
            responsible_ref=by,
            evaluation_date=day + timedelta(days=28),
            as_of=day,
            goal_id="g1",
        )
    meeting_day = day + timedelta(days=14)
    run.run(
        stafettlogg.schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=meeting_day,
        agenda=(STORY["agenda"], "Barnets egne ønsker"),
        invited=("hs", "fysio", "ppt"),
        as_of=day + timedelta(days=7),
    )
    run.run(
        stafettlogg.record_minutes,
        meeting_id="m1",
        by="pl",
        text=STORY["minutes"],
        attended=("pl", "hs", "fysio"),
        as_of=meeting_day,
    )
    run.run(
        stafettlogg.record_decision,
        decision_id="b1",
        by="pl",
        text=STORY["log_decision"],
        as_of=meeting_day,
        meeting_id="m1",
    )
    run.run(
        stafettlogg.evaluate_log_measure,
        tiltak_id="t-fysio",
        by="fysio",
        effect=stafettlogg.EffectAssessment.IMPROVED,
        next_step=stafettlogg.MeasureNext.CONTINUE,
        note=STORY["evaluation"],
        next_evaluation_date=meeting_day + timedelta(days=42),
        as_of=meeting_day,
    )
    hand_day = day + timedelta(days=21)
    run.run(handover.propose_handover, to_ref="ppt", by="pl", as_of=hand_day)
    run.run(handover.accept_handover, by="ppt", as_of=hand_day + timedelta(days=2))


def _plan_story(run: CaseRun, day: date) -> date:
    """The plan, a decision and a complaint on it; returns the day the complaint came."""
    from barnekoordinator.coordination import plan
    from barnekoordinator.rights.complaint_records import lodge_complaint
    from barnekoordinator.rights.complaints import ComplaintForm
    from barnekoordinator.rights.decision_records import record_individual_decision

    plan_day = day
    run.run(plan.start_plan, plan_id="ip-1", by="ke", as_of=plan_day)
    run.run(
        plan.set_overview,
        by="ke",
        goals=(STORY["plan_goal"],),
        resources=("Nær familie",),
        needs=("Tilrettelegging på skolen",),
        as_of=plan_day,
    )
    run.run(
        plan.add_plan_measure,
        measure_id="pm1",
        by="ke",
        description=STORY["plan_measure"],
        scope="20 timer i uken",
        responsible_ref="kl",
        implementation="Skolen ansetter assistent",
        as_of=plan_day,
        service=ServiceKind.SKOLE,
    )
    run.run(
        plan.set_plan_period,
        by="ke",
        start=plan_day,
        end=plan_day + timedelta(days=365),
        next_revision=plan_day + timedelta(days=180),
        as_of=plan_day,
    )
    run.run(
        record_individual_decision,
        decision=refused_decision(plan_day),
        decision_id="v1",
        by="ke",
        as_of=plan_day,
    )
    complaint_day = plan_day + timedelta(days=10)
    run.run(
        lodge_complaint,
        complaint_ref="kl1",
        decision_ref="v1",
        right=_right(),
        complainant_ref="mor",
        knowledge_date=plan_day + timedelta(days=2),
        received_on=complaint_day,
        form=ComplaintForm.WRITTEN_SIGNED,
        by="mor",
    )
    return complaint_day
