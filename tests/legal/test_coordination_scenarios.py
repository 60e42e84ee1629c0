"""Legal scenarios of coordination (domain.md §10.3 BTI rows, §10.2 IP-01/02/10, §10.1 BK rows).

One function per row of the domain reference, named after the row id; each
docstring names the row and the paragraph a legal reviewer should read. The
access rows (IP-04/06/07/08) live in ``test_access_scenarios.py``.
"""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest

from barnekoordinator.access.consent import (
    ConsentPurpose,
    give_consent,
    ledger,
    required_consenters,
)
from barnekoordinator.access.entries import GuardianVisibility, entries
from barnekoordinator.access.policy import AccessAction, decide
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import (
    AppointmentEndReason,
    HolderKind,
    StatutoryOffer,
    active_appointments,
    appoint_barnekoordinator,
    appoint_koordinator,
    coordination,
    coordination_claims,
    coordination_holder,
    decline_statutory_offer,
    offer_statutory_coordination,
)
from barnekoordinator.coordination.handover import accept_handover, propose_handover
from barnekoordinator.coordination.meetings import AgendaTopic, prepare_meeting
from barnekoordinator.coordination.plan import (
    Completeness,
    PlanStatus,
    check_plan,
    current_plan,
    set_overview,
    start_plan,
)
from barnekoordinator.coordination.roles import ObligationStatus, Role, obligations, roles_of
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    HolderDecision,
    LogStatus,
    Nivaa0Outcome,
    ObservationKind,
    add_log_measure,
    archive_document,
    bti,
    current_log,
    open_log,
    open_stafettlogg,
    record_observation,
    register_undring,
    service_may_read,
    stafettholder,
    withdraw_stafettlogg_consent,
)
from barnekoordinator.coordination.transitions import (
    change_level,
    continue_as_adult,
    move_municipality,
    start_school,
    transitions,
    turn_eighteen,
)
from barnekoordinator.errors import (
    ConsentRequired,
    PlanError,
    RuleViolation,
    StafettloggError,
)
from barnekoordinator.history.case import CaseMode, join_participant
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    consent_all,
    professional,
    standard_case,
)
from barnekoordinator.testing.exporters import staff_principal

D = DEFAULT_AS_OF
S = ServiceKind
ROWS = (
    "BTI-01",
    "BTI-02",
    "BTI-03",
    "BTI-04",
    "BTI-05",
    "BTI-06",
    "BTI-07",
    "BTI-08",
    "BTI-10",
    "BTI-11",
    "BTI-12",
    "BTI-13",
    "BTI-14",
    "BTI-16",
    "IP-01",
    "IP-02",
    "IP-10",
    "BK-11",
    "BK-13",
    "BK-19",
    "BK-27",
)
"""The rows of domain.md §10 this module decides (each has a ``test_<row>_…`` function)."""


def _log(
    run: CaseRun | None = None,
    *,
    services: tuple[ServiceKind, ...] = (S.BARNEHAGE, S.HELSESTASJON),
    holder: str = "pl",
    level: BtiLevel = BtiLevel.NIVAA_1,
) -> CaseRun:
    run = run or standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, consent_id="log")
    run.run(open_stafettlogg, by=holder, holder_ref=holder, level=level, as_of=D)
    return run


def _tiltak(run: CaseRun, tiltak_id: str, days: int, responsible: str = "pl") -> None:
    run.run(
        add_log_measure,
        tiltak_id=tiltak_id,
        by=stafettholder(run.case) or "pl",
        description="Språkstimulering",
        responsible_ref=responsible,
        evaluation_date=D + timedelta(days=days),
        as_of=D,
    )


def test_rows_each_have_a_scenario() -> None:
    """Every listed row id has its own test function in this module."""
    names = [n for n in vars(sys.modules[__name__]) if n.startswith("test_")]
    for row in ROWS:
        prefix = "test_" + row.lower().replace("-", "_") + "_"
        assert any(n.startswith(prefix) for n in names), row


# --- §10.3 BTI / stafettlogg / handover --------------------------------------------------


def test_bti_01_nivaa0_decision_overdue() -> None:
    """BTI-01 (§7.2): undecided 20 days (14-day rule) → owner and leader alerted; no log."""
    settings = MunicipalSettings(nivaa0_decision_days=14)
    run = standard_case(age=5, settings=settings)
    run.run(
        register_undring,
        undring_id="u1",
        by="pl",
        description="Trekker seg unna",
        as_of=D,
        settings=settings,
    )
    today = D + timedelta(days=20)
    found = {(o.code, o.actor_ref): o for o in obligations(run.case, today, settings)}
    owner = found[("bti.nivaa0-decision", "pl")]
    assert owner.status is ObligationStatus.OVERDUE
    assert owner.due == D + timedelta(days=14)
    assert "bti-niva-0" in [r.key for r in owner.basis]
    assert found[("bti.nivaa0-escalation", "styrer")].role is Role.LEADER
    assert current_log(run.case) is None
    assert run.case.mode is CaseMode.UNDRING
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert rows[("case-1", AgendaKind.DECISION_DUE, "nivaa0:u1")].due == D + timedelta(days=14)


def test_bti_02_abuse_suspicion() -> None:
    """BTI-02 (§7.2): suspected violence → report without guardians; no log, no consent flow."""
    run = standard_case(age=5)
    assert not ledger(run.case).consents
    run.run(
        register_undring,
        undring_id="u1",
        by="pl",
        description="Forteller om slag hjemme",
        as_of=D,
        suspected_abuse=True,
    )
    (u,) = bti(run.case).undringer
    assert u.outcome is Nivaa0Outcome.REPORT_TO_BARNEVERN
    assert u.involve_guardians is False
    assert not ledger(run.case).consents
    entry = next(e for e in entries(run.case) if e.meta.id == "undring:u1")
    assert entry.meta.visibility is GuardianVisibility.WITHHELD_WEIGHTY_REASONS
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE])
    with pytest.raises(StafettloggError, match="without involving the guardians"):
        open_stafettlogg(run.case, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
    assert not [
        p for p in prepare_meeting(run.case, D).points if p.topic is AgendaTopic.NEW_CONCERN
    ]
    assert not [o for o in obligations(run.case, D + timedelta(days=30)) if o.subject == "u1"]


def test_bti_03_log_without_consent() -> None:
    """BTI-03 (§7.6): a pedagogisk leder opening a log before the guardians consent is rejected."""
    run = standard_case(age=4)
    with pytest.raises(ConsentRequired, match="guardian"):
        open_stafettlogg(run.case, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_2, as_of=D)
    run.run(
        give_consent,
        consent_id="only-mother",
        purpose=ConsentPurpose.STAFETTLOGG,
        given_by=["mor"],
        services=[S.BARNEHAGE],
        as_of=D,
    )
    with pytest.raises(ConsentRequired, match="guardian far"):
        open_stafettlogg(run.case, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_2, as_of=D)
    assert current_log(run.case) is None


def test_bti_04_youth_15_consents_with_the_guardians_by_default() -> None:
    """BTI-04 (§7.6, rule 15, the default): «Føresette må alltid godkjenna» [V:S50] and the
    15-year-old's own consent is needed too; the youth alone opens nothing, and a guardian
    closes the log by withdrawing (pbrl § 4-4; [V:S55][V:S49])."""
    settings = MunicipalSettings(stafettlogg_consent_age=15)
    run = standard_case(age=15, settings=settings)
    assert required_consenters(
        run.case, ConsentPurpose.STAFETTLOGG, as_of=D, settings=settings
    ) == {"child", "mor", "far"}
    run.run(
        give_consent,
        consent_id="youth",
        purpose=ConsentPurpose.STAFETTLOGG,
        given_by=["child"],
        services=[S.SKOLE],
        as_of=D,
        settings=settings,
    )
    with pytest.raises(ConsentRequired, match=r"guardian far.*guardian mor"):
        open_stafettlogg(
            run.case, by="kl", holder_ref="kl", level=BtiLevel.NIVAA_1, as_of=D, settings=settings
        )
    run.run(
        give_consent,
        consent_id="parents",
        purpose=ConsentPurpose.STAFETTLOGG,
        given_by=["mor", "far"],
        services=[S.SKOLE],
        as_of=D,
        settings=settings,
    )
    run.run(
        open_stafettlogg,
        by="kl",
        holder_ref="kl",
        level=BtiLevel.NIVAA_1,
        as_of=D,
        settings=settings,
    )
    assert stafettholder(run.case) == "kl"
    run.run(
        withdraw_stafettlogg_consent, consent_id="parents", by="far", as_of=D, settings=settings
    )
    log = current_log(run.case)
    assert log is not None
    assert log.status is LogStatus.CLOSED


def test_bti_04_youth_15_consents_alone_where_the_municipality_says_so() -> None:
    """BTI-04 (§7.6, rule 15, «den unge sjølv frå 15 år» [V:S53]; flagged for legal review):
    the 15-year-old opens the log alone; its health entries still need the guardians until 16
    (pbrl § 4-4, § 4-3 b)."""
    settings = MunicipalSettings(stafettlogg_consent_age=15, stafettlogg_youth_consents_alone=True)
    run = standard_case(age=15, settings=settings)
    assert required_consenters(
        run.case, ConsentPurpose.STAFETTLOGG, as_of=D, settings=settings
    ) == {"child"}
    run.run(
        give_consent,
        consent_id="youth",
        purpose=ConsentPurpose.STAFETTLOGG,
        given_by=["child"],
        services=[S.SKOLE, S.HELSESTASJON],
        as_of=D,
        settings=settings,
    )
    run.run(
        open_stafettlogg,
        by="kl",
        holder_ref="kl",
        level=BtiLevel.NIVAA_1,
        as_of=D,
        settings=settings,
    )
    assert stafettholder(run.case) == "kl"
    assert service_may_read(run.case, S.SKOLE, D, settings)
    with pytest.raises(ConsentRequired, match=r"section health.*guardian far.*guardian mor"):
        run.run(
            record_observation,
            observation_id="o-hs",
            by="hs",
            kind=ObservationKind.OPPMERKSOMHET,
            text="Helsesamtale",
            as_of=D,
            settings=settings,
        )


def test_bti_05_youth_15_in_a_16_rule_municipality() -> None:
    """BTI-05 (§7.6, rule 16): the 15-year-old cannot consent alone; the guardians must."""
    settings = MunicipalSettings(stafettlogg_consent_age=16)
    run = standard_case(age=15, settings=settings)
    with pytest.raises(RuleViolation, match="cannot consent"):
        give_consent(
            run.case,
            consent_id="youth",
            purpose=ConsentPurpose.STAFETTLOGG,
            given_by=["child"],
            services=[S.SKOLE],
            as_of=D,
            settings=settings,
        )
    with pytest.raises(ConsentRequired, match=r"guardian far.*guardian mor"):
        open_stafettlogg(
            run.case, by="kl", holder_ref="kl", level=BtiLevel.NIVAA_1, as_of=D, settings=settings
        )


def test_bti_06_handover_never_accepted() -> None:
    """BTI-06 (§7.5): B never accepts → A keeps baton, duties, deadlines; escalated."""
    settings = MunicipalSettings(handover_escalation_days=14)
    run = _log(services=(S.BARNEHAGE, S.SKOLE))
    _tiltak(run, "t1", days=10)
    run.run(propose_handover, to_ref="kl", by="pl", as_of=D)
    today = D + timedelta(days=20)
    assert stafettholder(run.case) == "pl"
    assert Role.STAFETTHOLDER in roles_of(run.case, "pl", today)
    assert Role.STAFETTHOLDER not in roles_of(run.case, "kl", today)
    found = obligations(run.case, today, settings)
    follow = [o for o in found if o.code == "stafettlogg.evaluation-follow-up"]
    assert [o.actor_ref for o in follow] == ["pl"]
    escalation = [o for o in found if o.code == "handover.escalation"]
    assert escalation
    assert escalation[0].actor_ref == "styrer"
    assert escalation[0].status is ObligationStatus.OVERDUE
    assert not [o for o in found if o.actor_ref == "kl" and o.role is Role.STAFETTHOLDER]


def test_bti_07_handover_accepted() -> None:
    """BTI-07 (§7.5): B accepts → B holds from acceptance; A's duties end; the trail shows it."""
    run = _log(services=(S.BARNEHAGE, S.SKOLE))
    _tiltak(run, "t1", days=10)
    run.run(propose_handover, to_ref="kl", by="pl", as_of=D)
    accepted_on = D + timedelta(days=3)
    run.run(accept_handover, by="kl", as_of=accepted_on)
    log = open_log(run.case)
    assert log is not None
    assert stafettholder(run.case) == "kl"
    assert log.baton.since == accepted_on
    assert Role.STAFETTHOLDER not in roles_of(run.case, "pl", accepted_on)
    follow = [
        o
        for o in obligations(run.case, D + timedelta(days=11))
        if o.code == "stafettlogg.evaluation-follow-up"
    ]
    assert [o.actor_ref for o in follow] == ["kl"]
    trail = [(b.kind.value, b.from_ref, b.to_ref, b.on) for b in log.baton.history]
    assert trail[-1] == ("accepted", "pl", "kl", accepted_on)
    assert [r.actor for r in run.history if r.type == "handover.accepted"] == ["kl"]


def test_bti_08_handover_to_a_new_service() -> None:
    """BTI-08 (§7.5, §6.3 rule 5): handover to PPT needs consent covering PPT first."""
    run = _log(services=(S.BARNEHAGE,))
    assert not service_may_read(run.case, S.PPT, D)
    with pytest.raises(ConsentRequired, match="for ppt"):
        propose_handover(run.case, to_ref="ppt", by="pl", as_of=D)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE, S.PPT], consent_id="extended")
    assert service_may_read(run.case, S.PPT, D)
    run.run(propose_handover, to_ref="ppt", by="pl", as_of=D)
    run.run(accept_handover, by="ppt", as_of=D)
    assert stafettholder(run.case) == "ppt"


def test_bti_10_tiltak_without_owner_or_date() -> None:
    """BTI-10 (§7.3): a tiltak saved without responsible person or evaluation date is rejected."""
    run = _log()
    for responsible, evaluation in ((None, D + timedelta(days=7)), ("pl", None)):
        with pytest.raises(StafettloggError, match="BTI-10"):
            add_log_measure(
                run.case,
                tiltak_id="t1",
                by="pl",
                description="Ekstra oppfølging",
                responsible_ref=responsible,
                evaluation_date=evaluation,
                as_of=D,
            )
    log = open_log(run.case)
    assert log is not None
    assert list(log.tiltak) == []  # a vector, not a tuple (decision 29)


def test_bti_11_evaluation_overdue() -> None:
    """BTI-11 (§7.4): evaluation date passed → OVERDUE; stafettholder notified."""
    run = _log()
    _tiltak(run, "t1", days=10, responsible="hs")
    found = {(o.code, o.actor_ref): o for o in obligations(run.case, D + timedelta(days=11))}
    assert found[("stafettlogg.evaluation", "hs")].status is ObligationStatus.OVERDUE
    holder = found[("stafettlogg.evaluation-follow-up", "pl")]
    assert holder.role is Role.STAFETTHOLDER
    assert holder.status is ObligationStatus.OVERDUE
    assert found[("stafettlogg.evaluation", "hs")].due == D + timedelta(days=10)


def test_bti_12_consent_withdrawn() -> None:
    """BTI-12 (§7.6, arkivlova): withdrawal closes the log; services lose access; archived."""
    run = _log()
    _tiltak(run, "t1", days=30)
    run.run(
        record_observation,
        observation_id="o1",
        by="hs",
        kind=ObservationKind.UNDRING,
        text="Sliten",
        as_of=D,
    )
    withdrawn_on = D + timedelta(days=5)
    run.run(withdraw_stafettlogg_consent, consent_id="log", by="far", as_of=withdrawn_on)
    log = current_log(run.case)
    assert log is not None
    assert log.status is LogStatus.CLOSED
    for service in (S.BARNEHAGE, S.HELSESTASJON):
        assert not service_may_read(run.case, service, withdrawn_on)
    with pytest.raises(StafettloggError):
        record_observation(
            run.case,
            observation_id="o2",
            by="hs",
            kind=ObservationKind.UNDRING,
            text="x",
            as_of=withdrawn_on,
        )
    doc = archive_document(run.case)
    assert doc["closing_reason"] == "consent-withdrawn"
    assert "arkivl" in doc["legal_basis"]
    assert run.case.mode is CaseMode.UNDRING
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    assert ("case-1", AgendaKind.EVALUATION_DUE, "stafettlogg:t1") not in rows


def test_bti_12_open_log_with_lapsed_consent_is_flagged() -> None:
    """BTI-12 (§7.6): a log still open after its consent lapsed is an unmet duty to close it."""
    from barnekoordinator.access.consent import withdraw_consent

    run = _log()
    run.run(withdraw_consent, consent_id="log", by="mor", as_of=D)
    (o,) = [o for o in obligations(run.case, D) if o.code == "stafettlogg.consent-lapsed"]
    assert o.status is ObligationStatus.UNMET
    assert o.actor_ref == "pl"


def test_bti_13_barnehage_to_skole() -> None:
    """BTI-13 (§7.7; bhgl § 2 a): school consent; pedagogisk leder holds until acceptance."""
    run = _log(services=(S.BARNEHAGE,))
    school_start = D + timedelta(days=220)
    with pytest.raises(ConsentRequired, match="skole"):
        start_school(run.case, receiving_ref="kl", school_start=school_start, by="pl", as_of=D)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE, S.SKOLE], consent_id="school")
    run.run(start_school, receiving_ref="kl", school_start=school_start, by="pl", as_of=D)
    after_start = school_start + timedelta(days=10)
    assert stafettholder(run.case) == "pl"
    assert Role.STAFETTHOLDER in roles_of(run.case, "pl", after_start)
    run.run(accept_handover, by="kl", as_of=after_start)
    assert stafettholder(run.case) == "kl"
    assert transitions(run.case)[0].receiving_service is S.SKOLE


def test_bti_14_escalation_to_individual_plan() -> None:
    """BTI-14 (§7.8): offer, koordinator appointed, log linked; one coordinator."""
    run = _log(level=BtiLevel.NIVAA_3)
    _tiltak(run, "t1", days=40)
    run.run(
        offer_statutory_coordination,
        offer_id="o1",
        offers=[StatutoryOffer.INDIVIDUAL_PLAN, StatutoryOffer.KOORDINATOR],
        reason="langvarige og koordinerte helse- og omsorgstjenester",
        by="pl",
        as_of=D,
    )
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.FYSIOTERAPI], consent_id="share")
    consent_all(
        run, ConsentPurpose.INDIVIDUAL_PLAN, [S.FYSIOTERAPI, S.KOORDINERENDE_ENHET], consent_id="ip"
    )
    run.run(
        appoint_koordinator,
        coordinator=professional("fysio", S.FYSIOTERAPI),
        by="ke",
        as_of=D + timedelta(days=7),
        offer_id="o1",
    )
    run.run(start_plan, plan_id="ip-1", by="fysio", as_of=D + timedelta(days=7))
    log = current_log(run.case)
    assert log is not None
    assert log.status is LogStatus.LINKED
    assert run.case.mode is CaseMode.STATUTORY
    claims = coordination_claims(run.case, D + timedelta(days=7))
    assert [(c.kind, c.ref) for c in claims] == [(HolderKind.KOORDINATOR, "fysio")]
    assert log.tiltak[0].active
    assert log.tiltak[0].id == "t1"
    assert run.replay() == run.case
    kinds = [r.type for r in run.history]
    assert kinds.index("stafettlogg.opened") < kinds.index("coordination.appointed")


def test_bti_16_level_change() -> None:
    """BTI-16 (§7.4): nivå 1 → 3 re-decides the holder with the family: wishes, scope, need."""
    run = _log(services=(S.BARNEHAGE, S.HELSESTASJON))
    incomplete = HolderDecision(
        holder_ref="hs",
        family_wishes="",
        measure_scope="x",
        coordination_need="y",
        decided_with=("mor",),
    )
    with pytest.raises(StafettloggError, match="family wishes"):
        change_level(run.case, to_level=BtiLevel.NIVAA_3, decision=incomplete, by="pl", as_of=D)
    decision = HolderDecision(
        holder_ref="hs",
        family_wishes="Familien ønsker helsesykepleier som stafettholder",
        measure_scope="tiltak fra helse, barnehage og PPT",
        coordination_need="flere tjenester; månedlige møter",
        decided_with=("mor", "far", "child"),
    )
    run.run(change_level, to_level=BtiLevel.NIVAA_3, decision=decision, by="pl", as_of=D)
    log = open_log(run.case)
    assert log is not None
    assert log.level is BtiLevel.NIVAA_3
    assert log.level_changes[-1].decision == decision
    assert stafettholder(run.case) == "pl"  # until helsesykepleier accepts
    run.run(accept_handover, by="hs", as_of=D)
    assert stafettholder(run.case) == "hs"


# --- §10.2 individuell plan ----------------------------------------------------------------


def test_ip_01_plan_without_consent() -> None:
    """IP-01 (§3.4; pbrl § 2-5): KE drafts an IP before consent is registered → rejected."""
    run = standard_case(age=10)
    with pytest.raises(ConsentRequired):
        start_plan(run.case, plan_id="ip-1", by="ke", as_of=D)
    assert current_plan(run.case) is None


def test_ip_02_incomplete_plan() -> None:
    """IP-02 (§3.3): no period/revision date, no consent item → INCOMPLETE, 7 and 8."""
    from barnekoordinator.coordination.plan import (
        add_contribution,
        add_cooperation,
        add_plan_measure,
        add_plan_participant,
        set_plan_responsible,
    )

    run = standard_case(age=10)
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, [S.KOORDINERENDE_ENHET, S.FYSIOTERAPI])
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    run.run(
        set_overview,
        by="ke",
        goals=["Gå til skolen selv"],
        resources=["Motivert"],
        needs=["Fysio"],
        as_of=D,
    )
    run.run(add_plan_participant, by="ke", participant_ref="child", role=Role.CHILD, as_of=D)
    run.run(set_plan_responsible, by="ke", responsible_ref="ke", as_of=D)
    run.run(
        add_contribution,
        contribution_id="c",
        by="ke",
        contributor_ref="fysio",
        what="Trening",
        as_of=D,
    )
    run.run(
        add_plan_measure,
        measure_id="m",
        by="ke",
        description="Fysioterapi",
        scope="1 t/uke",
        responsible_ref="fysio",
        implementation="På skolen",
        as_of=D,
    )
    run.run(
        add_cooperation,
        cooperation_id="co",
        by="ke",
        with_service=S.SKOLE,
        description="IOP",
        as_of=D,
    )
    check = check_plan(run.case, D)
    assert check.status is Completeness.INCOMPLETE
    assert check.missing_items == (7, 8)


def test_ip_10_young_adult() -> None:
    """IP-10 (§2.7; vergeml. § 2): at 19 only the adult consents; BK ended; IP by consent."""
    run = standard_case(age=12)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON], consent_id="bk")
    consent_all(
        run,
        ConsentPurpose.INDIVIDUAL_PLAN,
        [S.HELSESTASJON, S.KOORDINERENDE_ENHET],
        consent_id="ip",
    )
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="helsesykepleieren",
    )
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    child = run.case.child
    assert child is not None
    at_19 = child.turns(19)
    assert required_consenters(run.case, ConsentPurpose.INDIVIDUAL_PLAN, as_of=at_19) == {"child"}
    assert not active_appointments(run.case, at_19)
    with pytest.raises(ConsentRequired, match="young person"):
        set_overview(run.case, by="ke", goals=["x"], resources=[], needs=["y"], as_of=at_19)
    run.run(turn_eighteen, by="ke", as_of=at_19)
    assert run.case.mode is CaseMode.ADULT
    found = {o.code for o in obligations(run.case, at_19)}
    assert "plan.consent-lapsed" in found
    for cid, purpose in (
        ("adult-ip", ConsentPurpose.INDIVIDUAL_PLAN),
        ("adult-share", ConsentPurpose.SHARE_INFORMATION),
    ):
        run.run(
            give_consent,
            consent_id=cid,
            purpose=purpose,
            given_by=["child"],
            services=[S.HELSESTASJON, S.KOORDINERENDE_ENHET],
            as_of=at_19,
        )
    run.run(
        continue_as_adult,
        by="ke",
        as_of=at_19,
        keep_plan=True,
        koordinator=professional("hs", S.HELSESTASJON),
    )
    holder = coordination_holder(run.case, at_19)
    assert holder is not None
    assert holder.kind is HolderKind.KOORDINATOR
    run.run(
        set_overview, by="ke", goals=["Egen bolig"], resources=[], needs=["Veiledning"], as_of=at_19
    )


# --- §10.1 barnekoordinator rows on the coordination side -----------------------------------


def test_bk_11_barnekoordinator_yes_plan_no() -> None:
    """BK-11 (§2.3; hotl § 7-2 a): BK appointed, IP declined → no IP; duty (e) dormant, no flag."""
    run = standard_case(age=6)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])
    run.run(
        offer_statutory_coordination,
        offer_id="o1",
        offers=[StatutoryOffer.BARNEKOORDINATOR, StatutoryOffer.INDIVIDUAL_PLAN],
        reason="vilkårene i § 2-5 c er oppfylt",
        by="ke",
        as_of=D,
    )
    run.run(
        decline_statutory_offer,
        offer_id="o1",
        declined=[StatutoryOffer.INDIVIDUAL_PLAN],
        by="mor",
        as_of=D,
    )
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="x",
        offer_id="o1",
    )
    assert current_plan(run.case) is None
    assert coordination_holder(run.case, D) is not None
    assert not [
        o for o in obligations(run.case, D + timedelta(days=60)) if o.code.startswith("plan.")
    ]


def test_bk_13_turns_18_during_barnekoordinator() -> None:
    """BK-13 (§2.7, C7): BK ends on the 18th birthday; koordinator by the adult's consent."""
    run = standard_case(age=17)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="x",
    )
    child = run.case.child
    assert child is not None
    birthday = child.turns(18)
    assert active_appointments(run.case, birthday - timedelta(days=1))
    assert not active_appointments(run.case, birthday)
    run.run(turn_eighteen, by="ke", as_of=birthday)
    (ended,) = coordination(run.case).appointments
    assert ended.end_reason is AppointmentEndReason.TURNED_18
    assert ended.ended_on == birthday
    assert Role.KOORDINATOR not in roles_of(run.case, "hs", birthday)
    with pytest.raises(ConsentRequired, match="young person"):
        continue_as_adult(
            run.case,
            by="ke",
            as_of=birthday,
            keep_plan=False,
            koordinator=professional("hs", S.HELSESTASJON),
        )


def test_bk_19_family_moves_municipality() -> None:
    """BK-19 (§2.5, hotl § 7-2 a): the appointment in A ends; the IP continues only with consent."""
    run = standard_case(age=7)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, [S.KOORDINERENDE_ENHET], consent_id="ip")
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="x",
    )
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    run.run(move_municipality, to_municipality="4601", by="ke", as_of=D + timedelta(days=30))
    assert run.case.municipality_number == "4601"
    assert not active_appointments(run.case, D + timedelta(days=30))
    plan = current_plan(run.case)
    assert plan is not None
    assert plan.status is PlanStatus.SUSPENDED
    assert plan.id == "ip-1"
    with pytest.raises(PlanError, match="suspended"):
        set_overview(
            run.case, by="ke", goals=["x"], resources=[], needs=["y"], as_of=D + timedelta(days=30)
        )


def test_bk_19_the_old_municipality_leaves_the_case() -> None:
    """BK-19 (§2.5, §7.7, hotl § 7-2 a): the duty is each municipality's, so the move takes the
    old municipality's professionals out of the case — its barnekoordinator, koordinerende enhet
    and leader too — and none of them reads what the new municipality writes. Sykehus
    (specialist health care, a state service) stays a participant."""
    run = standard_case(age=7)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, [S.KOORDINERENDE_ENHET], consent_id="ip")
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="x",
    )
    run.run(start_plan, plan_id="ip-1", by="ke", as_of=D)
    moved = D + timedelta(days=30)
    run.run(
        move_municipality,
        to_municipality="4601",
        by="ke",
        as_of=moved,
        plan_transfer_consent_id="ip",
    )
    assert [p.ref for p in run.case.participants] == ["lege"]
    assert {"hs", "ke", "styrer"} <= set(run.case.former_participants)
    run.do(join_participant(run.case, participant=professional("ke-b", S.KOORDINERENDE_ENHET)))
    run.run(
        set_overview, by="ke-b", goals=["Trives"], resources=[], needs=["Avlastning"], as_of=moved
    )

    def reads(ref: str) -> set[str]:
        who = staff_principal(ref)
        allowed = (
            e
            for e in entries(run.case)
            if decide(who, run.case, AccessAction.READ, e.meta, moved).allowed
        )
        return {e.meta.id for e in allowed}

    assert reads("ke-b")
    for ref in ("hs", "ke", "styrer", "fysio"):
        assert reads(ref) == set(), ref


def test_bk_27_koordinator_already_exists() -> None:
    """BK-27 (§2.3): with a koordinator in place, the new BK also holds the koordinator role."""
    run = standard_case(age=8)
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.FYSIOTERAPI])
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])
    run.run(appoint_koordinator, coordinator=professional("fysio", S.FYSIOTERAPI), by="ke", as_of=D)
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="ønsket én koordinator",
    )
    active = active_appointments(run.case, D)
    assert [(a.role, a.also_koordinator) for a in active] == [(Role.BARNEKOORDINATOR, True)]
    assert {Role.BARNEKOORDINATOR, Role.KOORDINATOR} <= roles_of(run.case, "hs", D)
    assert len(coordination_claims(run.case, D)) == 1
