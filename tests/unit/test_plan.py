"""Individuell plan (domain.md §3.3, §3.4): consent first, one plan, nine items, revisions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from barnekoordinator.access.consent import ConsentPurpose, withdraw_consent
from barnekoordinator.access.entries import entries
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.appointments import (
    StatutoryOffer,
    appoint_barnekoordinator,
    decline_statutory_offer,
    offer_statutory_coordination,
)
from barnekoordinator.coordination.plan import (
    Completeness,
    PlanCreated,
    PlanItem,
    PlanServiceJoined,
    PlanStatus,
    SubPlanKind,
    add_contribution,
    add_cooperation,
    add_plan_measure,
    add_plan_participant,
    check_plan,
    current_plan,
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
from barnekoordinator.coordination.roles import ObligationStatus, Role, obligations
from barnekoordinator.coordination.voice import record_child_voice
from barnekoordinator.errors import ConsentRequired, InvalidInput, NotResponsible, PlanError
from barnekoordinator.history.case import CaseMode
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    consent_all,
    professional,
    standard_case,
)

D = DEFAULT_AS_OF
S = ServiceKind
PLAN_SERVICES = (S.KOORDINERENDE_ENHET, S.HELSESTASJON, S.SKOLE, S.FYSIOTERAPI, S.BARNEHAGE)


def _started(age: int = 8) -> CaseRun:
    run = standard_case(age=age)
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, PLAN_SERVICES, consent_id="ip")
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    return run


def _complete(run: CaseRun, *, revision: bool = True, consent: bool = True) -> None:
    run.run(
        set_overview,
        by="ke",
        goals=["Delta i lek"],
        resources=["Glad i musikk"],
        needs=["Fysio"],
        as_of=D,
    )
    run.run(add_plan_participant, by="ke", participant_ref="child", role=Role.CHILD, as_of=D)
    run.run(add_plan_participant, by="ke", participant_ref="mor", role=Role.GUARDIAN, as_of=D)
    run.run(set_plan_responsible, by="ke", responsible_ref="ke", as_of=D)
    run.run(
        add_contribution,
        contribution_id="c1",
        by="ke",
        contributor_ref="fysio",
        what="Trening",
        as_of=D,
    )
    run.run(
        add_plan_measure,
        measure_id="m1",
        by="ke",
        description="Fysioterapi",
        scope="2 t/uke",
        responsible_ref="fysio",
        implementation="I barnehagen tirsdag og torsdag",
        service=S.FYSIOTERAPI,
        as_of=D,
    )
    run.run(
        set_plan_period,
        by="ke",
        start=D,
        end=D + timedelta(days=365),
        next_revision=D + timedelta(days=180) if revision else None,
        as_of=D,
    )
    if consent:
        run.run(reference_plan_consent, by="ke", consent_id="ip", as_of=D)
    run.run(
        add_cooperation,
        cooperation_id="co1",
        by="ke",
        with_service=S.SKOLE,
        description="Overgang",
        as_of=D,
    )


def test_no_plan_without_consent() -> None:
    """IP-01 in unit form: starting a plan without consent is rejected."""
    run = standard_case(age=8)
    with pytest.raises(ConsentRequired, match="individual-plan"):
        start_plan(run.case, plan_id="ip-1", by="ke", as_of=D)
    assert current_plan(run.case) is None


def test_starting_a_plan_moves_the_case_to_statutory_mode() -> None:
    """The plan starts with the starting service; the case mode follows."""
    run = standard_case(age=8)
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, PLAN_SERVICES)
    events = start_plan(run.case, plan_id="ip-1", by="ke", as_of=D)
    assert isinstance(events[0], PlanCreated)
    run.do(events, actor="ke")
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.services == {S.KOORDINERENDE_ENHET}
    assert run.case.mode is CaseMode.STATUTORY


def test_a_second_service_joins_the_existing_plan() -> None:
    """One plan per person: a second service joins instead of creating another."""
    run = _started()
    events = start_plan(run.case, plan_id="another", by="kl", as_of=D)
    assert len(events) == 1
    assert isinstance(events[0], PlanServiceJoined)
    run.do(events, actor="kl")
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.id == "ip-1"
    assert S.SKOLE in plan.services
    with pytest.raises(PlanError, match="already takes part"):
        start_plan(run.case, plan_id="x", by="kl", as_of=D)


def test_writer_service_must_be_covered() -> None:
    """A service outside the plan consent cannot write to the plan."""
    run = _started()
    with pytest.raises(ConsentRequired, match="ppt"):
        set_overview(run.case, by="ppt", goals=["x"], resources=[], needs=["y"], as_of=D)
    with pytest.raises(NotResponsible):
        set_overview(run.case, by="stranger", goals=["x"], resources=[], needs=["y"], as_of=D)


def test_complete_plan_has_all_nine_items() -> None:
    """With all nine items the plan is COMPLETE and misses nothing."""
    run = _started()
    _complete(run)
    check = check_plan(run.case, D)
    assert check.status is Completeness.COMPLETE
    assert check.complete
    assert check.missing_items == ()


def test_empty_plan_misses_every_item() -> None:
    """A new plan names each of the nine items as missing."""
    check = check_plan(_started().case, D)
    assert check.status is Completeness.INCOMPLETE
    assert check.missing_items == tuple(range(1, 10))
    assert all(m.reason_nb and m.reason_nn and m.reason_en for m in check.missing)


def test_missing_revision_date_is_item_7() -> None:
    """A plan period without a revision date leaves item 7 missing."""
    run = _started()
    _complete(run, revision=False)
    check = check_plan(run.case, D)
    assert check.missing_items == (7,)
    assert "revision" in check.missing[0].reason_en


def test_item_8_needs_a_valid_consent_record() -> None:
    """Item 8 is met only by a referenced, active plan consent from those entitled."""
    run = _started()
    _complete(run)
    run.run(withdraw_consent, consent_id="ip", by="mor", as_of=D + timedelta(days=1))
    assert check_plan(run.case, D + timedelta(days=1)).missing_items == (PlanItem.CONSENT,)


def test_item_8_rejects_other_purposes_and_inactive_consents() -> None:
    """Only a plan or sharing consent valid on the day may be referenced."""
    run = _started()
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE], consent_id="log")
    with pytest.raises(PlanError, match="item 8"):
        reference_plan_consent(run.case, by="ke", consent_id="log", as_of=D)
    with pytest.raises(PlanError, match="no consent record"):
        reference_plan_consent(run.case, by="ke", consent_id="nope", as_of=D)
    run.run(reference_plan_consent, by="ke", consent_id="ip", as_of=D)
    with pytest.raises(PlanError, match="already referenced"):
        reference_plan_consent(run.case, by="ke", consent_id="ip", as_of=D)


def test_item_3_names_exactly_one_responsible_who_takes_part() -> None:
    """Item 3: one responsible person, taking part in the case."""
    run = _started()
    with pytest.raises(PlanError, match="take part"):
        set_plan_responsible(run.case, by="ke", responsible_ref="stranger", as_of=D)
    run.run(set_plan_responsible, by="ke", responsible_ref="ke", as_of=D)
    run.run(set_plan_responsible, by="ke", responsible_ref="hs", as_of=D)
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.responsible_ref == "hs"


def test_item_3_is_the_appointed_coordinator() -> None:
    """With a barnekoordinator appointed, item 3 must name the barnekoordinator."""
    run = _started(age=6)
    _complete(run)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="ønsket helsesykepleier",
    )
    assert check_plan(run.case, D).missing_items == (3,)
    with pytest.raises(PlanError, match="appointed barnekoordinator"):
        set_plan_responsible(run.case, by="ke", responsible_ref="ke", as_of=D)
    run.run(set_plan_responsible, by="ke", responsible_ref="hs", as_of=D)
    assert check_plan(run.case, D).complete


def test_plan_period_and_revision_validation() -> None:
    """The revision date lies within the period; revising needs a period and a later date."""
    run = _started()
    with pytest.raises(PlanError, match="before it starts"):
        set_plan_period(run.case, by="ke", start=D, end=D - timedelta(days=1), as_of=D)
    with pytest.raises(PlanError, match="within the plan period"):
        set_plan_period(
            run.case,
            by="ke",
            start=D,
            end=D + timedelta(days=10),
            next_revision=D + timedelta(days=11),
            as_of=D,
        )
    with pytest.raises(PlanError, match="period"):
        revise_plan(run.case, by="ke", summary="x", next_revision=None, as_of=D)
    run.run(set_plan_period, by="ke", start=D, next_revision=D + timedelta(days=30), as_of=D)
    with pytest.raises(PlanError, match="after today"):
        revise_plan(run.case, by="ke", summary="x", next_revision=D, as_of=D)
    run.run(
        revise_plan,
        by="ke",
        summary="Justert",
        next_revision=D + timedelta(days=200),
        as_of=D + timedelta(days=30),
    )
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.period is not None
    assert plan.period.next_revision == D + timedelta(days=200)
    assert len(plan.revisions) == 1


def test_plan_measures_need_a_responsible_person() -> None:
    """Item 5: a measure without a responsible participant is rejected."""
    run = _started()
    with pytest.raises(PlanError, match="responsible"):
        add_plan_measure(
            run.case,
            measure_id="m1",
            by="ke",
            description="x",
            scope="y",
            responsible_ref=None,
            implementation="z",
            as_of=D,
        )


def test_sector_sub_plans_are_linked_as_parts_of_the_plan() -> None:
    """IOP, behandlingsplan … are linked with the writer's service and their own reference."""
    run = _started()
    run.run(
        link_sub_plan,
        sub_plan_id="iop",
        by="kl",
        kind=SubPlanKind.IOP,
        reference="IOP-2026-01",
        title="Individuell opplæringsplan",
        as_of=D,
    )
    plan = current_plan(run.case)
    assert plan is not None
    (link,) = plan.sub_plans
    assert (link.kind, link.service, link.reference) == (SubPlanKind.IOP, S.SKOLE, "IOP-2026-01")


def test_suspended_plan_accepts_no_writes_until_resumed_on_consent() -> None:
    """A suspended plan waits for a consent that covers it."""
    run = _started()
    run.run(suspend_plan, by="ke", reason="flytting", as_of=D)
    with pytest.raises(PlanError, match="suspended"):
        set_overview(run.case, by="ke", goals=["x"], resources=[], needs=["y"], as_of=D)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE], consent_id="log")
    with pytest.raises(ConsentRequired):
        resume_plan(run.case, by="ke", consent_id="log", as_of=D)
    run.run(resume_plan, by="ke", consent_id="ip", as_of=D)
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.status is PlanStatus.ACTIVE


def test_ended_plan_is_kept_and_a_new_one_may_start() -> None:
    """Ending a plan keeps it in history; a later plan is a new plan."""
    run = _started()
    with pytest.raises(NotResponsible):
        end_plan(run.case, by="stranger", reason="x", as_of=D)
    run.run(end_plan, by="mor", reason="ikke lenger behov", as_of=D)
    assert current_plan(run.case) is None
    with pytest.raises(PlanError, match="no individual plan"):
        set_overview(run.case, by="ke", goals=["x"], resources=[], needs=["y"], as_of=D)
    run.run(start_plan, plan_id="ip-2", by="ke", as_of=D + timedelta(days=1))
    state = plans(run.case)
    assert [p.id for p in state.earlier] == ["ip-1"]
    assert state.current is not None


def test_incomplete_plan_and_revision_are_obligations_of_the_responsible() -> None:
    """The responsible person owes completion (UNMET) and the revision by its date. (The child,
    8, has been heard, so `plan.child-not-heard` is not owed either: pbrl § 4-4.)"""
    run = _started()
    _complete(run)
    run.run(record_child_voice, voice_id="v1", by="ke", what_matters=["Å leke ute"], as_of=D)
    assert not [o for o in obligations(run.case, D) if o.code.startswith("plan.")]
    due = D + timedelta(days=180)
    found = {o.code: o for o in obligations(run.case, due + timedelta(days=1))}
    assert found["plan.revision"].status is ObligationStatus.OVERDUE
    assert found["plan.revision"].actor_ref == "ke"
    run.run(withdraw_consent, consent_id="ip", by="far", as_of=D + timedelta(days=2))
    found = {o.code: o for o in obligations(run.case, D + timedelta(days=2))}
    assert found["plan.consent-lapsed"].status is ObligationStatus.UNMET
    assert "8" in found["plan.incomplete"].text_en


def test_right_to_plan_not_offered_is_flagged() -> None:
    """A barnekoordinator appointed but no IP consent asked or declined: UNMET for KE."""
    run = standard_case(age=6)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="x",
    )
    found = [o for o in obligations(run.case, D) if o.code == "plan.not-offered"]
    assert found
    assert found[0].actor_ref == "ke"
    assert found[0].status is ObligationStatus.UNMET
    run.run(
        offer_statutory_coordination,
        offer_id="o1",
        offers=[StatutoryOffer.INDIVIDUAL_PLAN],
        reason="tilbud om IP",
        by="hs",
        as_of=D,
    )
    assert "plan.not-offered" not in [o.code for o in obligations(run.case, D)]
    late = {o.code: o for o in obligations(run.case, D + timedelta(days=31))}
    assert late["plan.answer"].status is ObligationStatus.OVERDUE
    run.run(
        decline_statutory_offer,
        offer_id="o1",
        declined=[StatutoryOffer.INDIVIDUAL_PLAN],
        by="mor",
        as_of=D,
    )
    assert not [
        o for o in obligations(run.case, D + timedelta(days=31)) if o.code.startswith("plan.")
    ]


def test_projection_of_revision_and_measure_dates() -> None:
    """REVISION_DUE follows item 7 and revisions; plan measures project EVALUATION_DUE."""
    run = _started()
    run.run(set_plan_period, by="ke", start=D, next_revision=D + timedelta(days=90), as_of=D)
    run.run(
        add_plan_measure,
        measure_id="m1",
        by="ke",
        description="x",
        scope="y",
        responsible_ref="fysio",
        implementation="z",
        evaluation_date=D + timedelta(days=40),
        as_of=D,
    )
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert rows[("case-1", AgendaKind.REVISION_DUE, "plan")].due == D + timedelta(days=90)
    assert rows[("case-1", AgendaKind.EVALUATION_DUE, "plan:m1")].due == D + timedelta(days=40)
    run.run(
        evaluate_plan_measure,
        measure_id="m1",
        by="fysio",
        note="ok",
        end=True,
        as_of=D + timedelta(days=40),
    )
    run.run(end_plan, by="ke", reason="x", as_of=D + timedelta(days=41))
    rows = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert not [k for k in rows if k[1] in (AgendaKind.REVISION_DUE, AgendaKind.EVALUATION_DUE)]


def test_plan_items_are_entries() -> None:
    """Measures, contributions, cooperation, sub-plans and revisions are entries."""
    run = _started()
    _complete(run)
    run.run(
        revise_plan,
        by="ke",
        summary="x",
        next_revision=D + timedelta(days=100),
        as_of=D + timedelta(days=1),
    )
    ids = {e.meta.id: e.meta.kind for e in entries(run.case) if e.meta.id.startswith("plan:")}
    assert ids == {
        "plan:ip-1:overview": "plan-item",
        "plan:ip-1:m1": "plan-measure",
        "plan:ip-1:c1": "plan-item",
        "plan:ip-1:co1": "plan-item",
        "plan:ip-1:revision:1": "plan-revision",
    }


def test_plan_input_validation() -> None:
    """Ids are unique within the plan; texts are not empty."""
    run = _started()
    run.run(
        add_contribution, contribution_id="c1", by="ke", contributor_ref="mor", what="x", as_of=D
    )
    with pytest.raises(InvalidInput, match="already used"):
        add_contribution(
            run.case, contribution_id="c1", by="ke", contributor_ref="mor", what="y", as_of=D
        )
    with pytest.raises(InvalidInput):
        add_cooperation(run.case, cooperation_id="co", by="ke", description="x", as_of=D)
    with pytest.raises(PlanError, match="goal"):
        set_overview(run.case, by="ke", goals=[], resources=[], needs=["y"], as_of=D)
    with pytest.raises(PlanError, match="cannot take part"):
        add_plan_participant(
            run.case, by="ke", participant_ref="stranger", role=Role.GUARDIAN, as_of=D
        )


def test_plan_replays() -> None:
    """Replaying the history gives the same plan."""
    run = _started()
    _complete(run)
    assert run.replay() == run.case
