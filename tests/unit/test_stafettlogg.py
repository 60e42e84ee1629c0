"""The stafettlogg (domain.md §7.2–§7.6): nivå 0, consent, tiltak, meetings, closing, archive."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from barnekoordinator.access.consent import ConsentPurpose, Section, withdraw_consent
from barnekoordinator.access.entries import GuardianVisibility, entries
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination.appointments import appoint_barnekoordinator
from barnekoordinator.coordination.roles import obligations
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ClosingReason,
    EffectAssessment,
    LogStatus,
    MeasureNext,
    Nivaa0Decided,
    Nivaa0Outcome,
    ObservationKind,
    ProposedBy,
    StafettloggClosed,
    add_log_measure,
    archive_document,
    archive_text,
    bti,
    close_stafettlogg,
    complete_decision,
    current_log,
    decide_nivaa0,
    evaluate_log_measure,
    open_log,
    open_stafettlogg,
    record_decision,
    record_minutes,
    record_observation,
    register_undring,
    schedule_meeting,
    service_may_read,
    set_goal,
    stafettholder,
    withdraw_stafettlogg_consent,
)
from barnekoordinator.errors import (
    CaseClosed,
    ConsentRequired,
    InvalidInput,
    NotResponsible,
    StafettloggError,
)
from barnekoordinator.history.case import CaseClosedEvent, CaseMode, record_birth
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    child_aged,
    consent_all,
    expected_child,
    father,
    mother,
    new_case,
    professional,
    standard_case,
)
from barnekoordinator.testing.leaks import identifier_runs

D = DEFAULT_AS_OF
S = ServiceKind
LOG_SERVICES = (S.BARNEHAGE, S.HELSESTASJON)


def _opened(
    run: CaseRun | None = None, *, services: tuple[ServiceKind, ...] = LOG_SERVICES
) -> CaseRun:
    run = run or standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, consent_id="log-consent")
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
    return run


def _tiltak(run: CaseRun, tiltak_id: str = "t1", days: int = 30, **kw: object) -> None:
    run.run(
        add_log_measure,
        tiltak_id=tiltak_id,
        by=kw.pop("by", "pl"),
        description="Språkgruppe to ganger i uka",
        responsible_ref=kw.pop("responsible_ref", "pl"),
        evaluation_date=kw.pop("evaluation_date", D + timedelta(days=days)),
        as_of=kw.pop("as_of", D),
        **kw,
    )


# --- opening -------------------------------------------------------------------------


def test_log_cannot_be_opened_without_consent() -> None:
    """BTI-03 in unit form: no consent, no log, and no events are produced."""
    run = standard_case(age=5)
    with pytest.raises(ConsentRequired, match="stafettlogg for barnehage"):
        open_stafettlogg(run.case, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)
    assert current_log(run.case) is None


def test_opening_with_consent_sets_holder_mode_and_consent_record() -> None:
    """A consented log opens at its level with one stafettholder; the case mode follows."""
    run = _opened()
    log = open_log(run.case)
    assert log is not None
    assert log.status is LogStatus.OPEN
    assert log.level is BtiLevel.NIVAA_1
    assert stafettholder(run.case) == "pl"
    assert list(log.consent_ids) == ["log-consent"]  # a vector (decision 29)
    assert run.case.mode is CaseMode.STAFETTLOGG


def test_consent_must_cover_the_holders_service() -> None:
    """The holder's service must be covered by the consent declaration."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE])
    with pytest.raises(ConsentRequired, match="helsestasjon"):
        open_stafettlogg(run.case, by="pl", holder_ref="hs", level=BtiLevel.NIVAA_1, as_of=D)


@pytest.mark.parametrize(("from_level", "level"), [(1, BtiLevel.NIVAA_0), (2, BtiLevel.NIVAA_1)])
def test_log_is_opened_from_the_municipalitys_level(from_level: int, level: BtiLevel) -> None:
    """Nivå 0 is clarified first; some municipalities open the log only from nivå 2."""
    settings = MunicipalSettings(stafettlogg_from_level=from_level)
    run = standard_case(age=5, settings=settings)
    consent_all(run, ConsentPurpose.STAFETTLOGG, LOG_SERVICES)
    with pytest.raises(StafettloggError, match="opened from nivå"):
        open_stafettlogg(
            run.case, by="pl", holder_ref="pl", level=level, as_of=D, settings=settings
        )


def test_only_one_log_is_open_at_a_time() -> None:
    """A second open log is refused."""
    run = _opened()
    with pytest.raises(StafettloggError, match="already open"):
        open_stafettlogg(run.case, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_2, as_of=D)


def test_no_new_log_while_a_statutory_coordinator_coordinates() -> None:
    """With a barnekoordinator appointed the follow-up happens there, not in a new log."""
    run = standard_case(age=5)
    consent_all(run, ConsentPurpose.BARNEKOORDINATOR, [S.HELSESTASJON])
    consent_all(run, ConsentPurpose.STAFETTLOGG, LOG_SERVICES)
    run.run(
        appoint_barnekoordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=D,
        family_wishes="familien ønsket helsesykepleier",
    )
    with pytest.raises(StafettloggError, match="statutory barnekoordinator"):
        open_stafettlogg(run.case, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=D)


def test_writes_need_a_participant() -> None:
    """Only professionals taking part in the case write to the log."""
    run = _opened()
    with pytest.raises(NotResponsible):
        record_observation(
            run.case,
            observation_id="o1",
            by="stranger",
            kind=ObservationKind.UNDRING,
            text="x",
            as_of=D,
        )


def test_every_write_checks_consent_on_the_day() -> None:
    """After the consent is withdrawn (log still open), each write raises ConsentRequired."""
    run = _opened()
    _tiltak(run)
    later = D + timedelta(days=5)
    run.run(withdraw_consent, consent_id="log-consent", by="mor", as_of=later)
    with pytest.raises(ConsentRequired):
        _tiltak(run, "t2", as_of=later)
    with pytest.raises(ConsentRequired):
        record_observation(
            run.case,
            observation_id="o",
            by="pl",
            kind=ObservationKind.UNDRING,
            text="x",
            as_of=later,
        )
    with pytest.raises(ConsentRequired):
        evaluate_log_measure(
            run.case,
            tiltak_id="t1",
            by="pl",
            effect=EffectAssessment.IMPROVED,
            next_step=MeasureNext.END,
            as_of=later,
        )


def test_a_writer_whose_service_is_not_covered_is_refused() -> None:
    """A participant of a service outside the consent cannot write (taushetsplikt)."""
    run = _opened()
    with pytest.raises(ConsentRequired, match="ppt"):
        record_observation(
            run.case, observation_id="o", by="ppt", kind=ObservationKind.UNDRING, text="x", as_of=D
        )


def test_log_from_pregnancy_needs_consent_of_both_guardians_after_birth() -> None:
    """Opened with the pregnant woman's consent; after birth every write needs both guardians."""
    run = new_case(
        subject=expected_child(),
        guardians=(mother(), father()),
        professionals=[professional("jm", S.JORDMOR), professional("hs", S.HELSESTASJON)],
    )
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.JORDMOR, S.HELSESTASJON], consent_id="preg")
    run.run(open_stafettlogg, by="jm", holder_ref="jm", level=BtiLevel.NIVAA_1, as_of=D)
    born_on = D + timedelta(days=60)
    run.do(record_birth(run.case, child_aged(0, as_of=born_on, days_past_birthday=0)))
    with pytest.raises(ConsentRequired, match="guardian far"):
        record_observation(
            run.case,
            observation_id="o",
            by="jm",
            kind=ObservationKind.UNDRING,
            text="x",
            as_of=born_on,
        )
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.JORDMOR, S.HELSESTASJON], as_of=born_on)
    run.run(
        record_observation,
        observation_id="o",
        by="jm",
        kind=ObservationKind.OPPMERKSOMHET,
        text="God kontakt",
        as_of=born_on,
    )


# --- nivå 0 ------------------------------------------------------------------------------


def test_undring_gets_the_municipal_decision_deadline() -> None:
    """A nivå-0 undring is due for decision after nivaa0_decision_days; no consent is needed."""
    settings = MunicipalSettings(nivaa0_decision_days=21)
    run = standard_case(age=5, settings=settings)
    run.run(
        register_undring,
        undring_id="u1",
        by="pl",
        description="Trekker seg unna i lek",
        as_of=D,
        settings=settings,
    )
    u = bti(run.case).get_undring("u1")
    assert u is not None
    assert u.decision_due == D + timedelta(days=21)
    assert u.outcome is None


def test_undring_decision_and_its_rules() -> None:
    """A nivå-0 undring is decided once; only a report may bypass the guardians."""
    run = standard_case(age=5)
    run.run(register_undring, undring_id="u1", by="pl", description="Sliten", as_of=D)
    with pytest.raises(StafettloggError, match="involve_guardians"):
        decide_nivaa0(
            run.case,
            undring_id="u1",
            outcome=Nivaa0Outcome.NIVAA_1,
            by="pl",
            as_of=D,
            reason="x",
            involve_guardians=False,
        )
    run.run(
        decide_nivaa0,
        undring_id="u1",
        outcome=Nivaa0Outcome.NIVAA_1,
        by="pl",
        as_of=D,
        reason="tiltak i egen tjeneste",
    )
    with pytest.raises(StafettloggError, match="already decided"):
        decide_nivaa0(
            run.case, undring_id="u1", outcome=Nivaa0Outcome.NIVAA_2, by="pl", as_of=D, reason="x"
        )
    with pytest.raises(InvalidInput):
        decide_nivaa0(
            run.case, undring_id="nope", outcome=Nivaa0Outcome.NIVAA_2, by="pl", as_of=D, reason="x"
        )


def test_abuse_suspicion_is_reported_without_guardians_and_withheld() -> None:
    """Suspected abuse: decided at once as a report without the guardians; the entry is withheld."""
    run = standard_case(age=5)
    events = register_undring(
        run.case,
        undring_id="u1",
        by="pl",
        description="Merker på armen",
        as_of=D,
        suspected_abuse=True,
    )
    decided = [e for e in events if isinstance(e, Nivaa0Decided)]
    assert len(decided) == 1
    assert decided[0].outcome is Nivaa0Outcome.REPORT_TO_BARNEVERN
    assert decided[0].involve_guardians is False
    run.do(events, actor="pl")
    (entry,) = [e for e in entries(run.case) if e.meta.id == "undring:u1"]
    assert entry.meta.visibility is GuardianVisibility.WITHHELD_WEIGHTY_REASONS


def test_ids_are_unique_across_the_bti_part() -> None:
    """Item ids may not be reused (they name entries across the case)."""
    run = _opened()
    _tiltak(run, "x1")
    with pytest.raises(InvalidInput, match="already used"):
        run.run(set_goal, goal_id="x1", by="pl", text="Trives", as_of=D)
    with pytest.raises(InvalidInput, match="non-empty"):
        run.run(set_goal, goal_id=" ", by="pl", text="Trives", as_of=D)


def test_an_undring_id_is_kept_as_used_for_the_log_items() -> None:
    """An undring's id is taken for every later item of the case (decision 19: the id set
    the fold keeps covers nivå 0 as well as the log)."""
    run = standard_case(age=5)
    run.run(register_undring, undring_id="u1", by="pl", description="Sliten", as_of=D)
    assert "u1" in bti(run.case).used_ids
    assert "u1" in bti(run.replay()).used_ids
    with pytest.raises(InvalidInput, match="already used"):
        register_undring(run.case, undring_id="u1", by="pl", description="Igjen", as_of=D)


# --- tiltak -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("responsible", "evaluation"), [(None, D + timedelta(days=30)), ("pl", None), ("", None)]
)
def test_tiltak_needs_responsible_and_evaluation_date(
    responsible: str | None, evaluation: date | None
) -> None:
    """BTI-10 in unit form: a service tiltak without responsible or date is rejected."""
    run = _opened()
    with pytest.raises(StafettloggError, match="BTI-10"):
        add_log_measure(
            run.case,
            tiltak_id="t1",
            by="pl",
            description="x",
            responsible_ref=responsible,
            evaluation_date=evaluation,
            as_of=D,
        )


def test_tiltak_responsible_must_take_part_and_date_not_past() -> None:
    """The responsible person is in the case; the evaluation date is not in the past."""
    run = _opened()
    with pytest.raises(StafettloggError, match="no part"):
        _tiltak(run, responsible_ref="stranger")
    with pytest.raises(StafettloggError, match="past"):
        _tiltak(run, evaluation_date=D - timedelta(days=1))
    with pytest.raises(InvalidInput, match="goal_id"):
        _tiltak(run, goal_id="missing")


def test_guardian_may_be_responsible_for_a_tiltak() -> None:
    """A guardian with foreldreansvar can own a tiltak (e.g. reading at home)."""
    run = _opened()
    _tiltak(run, responsible_ref="mor")
    log = open_log(run.case)
    assert log is not None
    assert log.tiltak[0].responsible_ref == "mor"


def test_family_proposed_tiltak_gets_the_effect_evaluation_default() -> None:
    """Tiltak proposed by the child or guardians are tracked, evaluated after a set time."""
    settings = MunicipalSettings(effect_evaluation_days=28)
    run = _opened(standard_case(age=9, settings=settings))
    run.run(
        add_log_measure,
        tiltak_id="t-child",
        by="pl",
        description="Fast plass ved vinduet",
        responsible_ref="pl",
        evaluation_date=None,
        proposed_by=ProposedBy.CHILD,
        proposer_ref="child",
        as_of=D,
        settings=settings,
    )
    run.run(
        add_log_measure,
        tiltak_id="t-mor",
        by="pl",
        description="Leser høyt hver kveld",
        responsible_ref="mor",
        evaluation_date=None,
        proposed_by=ProposedBy.GUARDIAN,
        proposer_ref="mor",
        as_of=D,
        settings=settings,
    )
    _tiltak(run, "t-service")
    log = open_log(run.case)
    assert log is not None
    by_id = {t.id: t for t in log.tiltak}
    assert by_id["t-child"].evaluation_date == D + timedelta(days=28)
    assert by_id["t-child"].proposed_by is ProposedBy.CHILD
    assert by_id["t-mor"].proposed_by is ProposedBy.GUARDIAN
    assert by_id["t-service"].proposed_by is ProposedBy.SERVICE


def test_proposer_must_match_who_proposed() -> None:
    """A family-proposed tiltak names its proposer; a service tiltak has none."""
    run = _opened()
    with pytest.raises(InvalidInput, match="proposer_ref"):
        _tiltak(run, proposed_by=ProposedBy.CHILD, proposer_ref="mor")
    with pytest.raises(InvalidInput, match="proposer_ref"):
        _tiltak(run, proposer_ref="mor")


def test_evaluation_continues_with_a_next_date_or_ends() -> None:
    """Continuing needs a next date (which becomes the due date); END ends the tiltak."""
    run = _opened()
    _tiltak(run)
    on = D + timedelta(days=30)
    with pytest.raises(StafettloggError, match="next evaluation date"):
        evaluate_log_measure(
            run.case,
            tiltak_id="t1",
            by="pl",
            effect=EffectAssessment.IMPROVED,
            next_step=MeasureNext.CONTINUE,
            as_of=on,
        )
    run.run(
        evaluate_log_measure,
        tiltak_id="t1",
        by="pl",
        effect=EffectAssessment.IMPROVED,
        next_step=MeasureNext.CONTINUE,
        as_of=on,
        next_evaluation_date=on + timedelta(days=30),
    )
    log = open_log(run.case)
    assert log is not None
    assert log.tiltak[0].evaluation_date == on + timedelta(days=30)
    run.run(
        evaluate_log_measure,
        tiltak_id="t1",
        by="pl",
        effect=EffectAssessment.GOAL_REACHED,
        next_step=MeasureNext.END,
        as_of=on + timedelta(days=30),
    )
    log = open_log(run.case)
    assert log is not None
    assert not log.tiltak[0].active
    assert len(log.tiltak[0].evaluations) == 2
    with pytest.raises(StafettloggError, match="ended"):
        evaluate_log_measure(
            run.case,
            tiltak_id="t1",
            by="pl",
            effect=EffectAssessment.UNCLEAR,
            next_step=MeasureNext.END,
            as_of=on + timedelta(days=31),
        )


def test_only_responsible_or_holder_evaluates() -> None:
    """Someone else in the case cannot evaluate a tiltak."""
    run = _opened()
    _tiltak(run, responsible_ref="hs")
    with pytest.raises(NotResponsible):
        evaluate_log_measure(
            run.case,
            tiltak_id="t1",
            by="styrer",
            effect=EffectAssessment.UNCLEAR,
            next_step=MeasureNext.END,
            as_of=D,
        )
    run.run(
        evaluate_log_measure,
        tiltak_id="t1",
        by="hs",
        effect=EffectAssessment.UNCHANGED,
        next_step=MeasureNext.END,
        as_of=D,
    )


# --- meetings and decisions -------------------------------------------------------------


def test_meeting_minutes_are_the_log() -> None:
    """The holder calls a meeting with agenda and invitees and writes the log as its minutes."""
    run = _opened()
    on = D + timedelta(days=7)
    with pytest.raises(NotResponsible):
        schedule_meeting(
            run.case, meeting_id="m1", by="hs", meeting_on=on, agenda=["a"], invited=["hs"], as_of=D
        )
    with pytest.raises(StafettloggError, match="agenda"):
        schedule_meeting(
            run.case, meeting_id="m1", by="pl", meeting_on=on, agenda=[], invited=["hs"], as_of=D
        )
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=on,
        agenda=["Evaluering", "Veien videre"],
        invited=["pl", "hs", "mor", "far"],
        as_of=D,
    )
    with pytest.raises(StafettloggError, match="at or after"):
        record_minutes(run.case, meeting_id="m1", by="pl", text="x", attended=["pl"], as_of=D)
    run.run(
        record_minutes,
        meeting_id="m1",
        by="pl",
        text="Tiltaket fortsetter.",
        attended=["pl", "hs", "mor"],
        as_of=on,
    )
    with pytest.raises(StafettloggError, match="already has minutes"):
        record_minutes(run.case, meeting_id="m1", by="pl", text="x", attended=["pl"], as_of=on)
    log = open_log(run.case)
    assert log is not None
    minutes = log.meetings[0].minutes
    assert minutes is not None
    assert minutes.attended == ("pl", "hs", "mor")


def test_a_leader_may_call_meetings_for_the_holder() -> None:
    """A leader may act for the stafettholder in calling a meeting."""
    run = _opened()
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="styrer",
        meeting_on=D,
        agenda=["a"],
        invited=["pl"],
        as_of=D,
    )


def test_decisions_with_follow_up_stay_open_until_completed() -> None:
    """A beslutning with follow-up is open until its owner (or the holder) completes it."""
    run = _opened()
    with pytest.raises(InvalidInput, match="go together"):
        record_decision(run.case, decision_id="d1", by="pl", text="x", as_of=D, follow_up_by="hs")
    run.run(
        record_decision,
        decision_id="d1",
        by="pl",
        text="Helsesykepleier tar kontakt med fastlegen",
        as_of=D,
        follow_up_by="hs",
        follow_up_on=D + timedelta(days=14),
    )
    log = open_log(run.case)
    assert log is not None
    assert log.decisions[0].open
    with pytest.raises(NotResponsible):
        complete_decision(run.case, decision_id="d1", by="styrer", as_of=D)
    run.run(complete_decision, decision_id="d1", by="hs", as_of=D + timedelta(days=3))
    log = open_log(run.case)
    assert log is not None
    assert not log.decisions[0].open


# --- closing and the archive ------------------------------------------------------------


def test_closing_when_the_goal_is_reached() -> None:
    """The holder closes the log; open tiltak end with it; the case leaves stafettlogg mode."""
    run = _opened()
    _tiltak(run)
    with pytest.raises(NotResponsible):
        close_stafettlogg(run.case, by="hs", reason=ClosingReason.GOAL_REACHED, as_of=D)
    events = close_stafettlogg(
        run.case, by="pl", reason=ClosingReason.GOAL_REACHED, as_of=D, summary="Målet er nådd"
    )
    closed = events[0]
    assert isinstance(closed, StafettloggClosed)
    assert closed.open_tiltak == ("t1",)
    run.do(events, actor="pl")
    log = current_log(run.case)
    assert log is not None
    assert log.status is LogStatus.CLOSED
    assert all(not t.active for t in log.tiltak)
    assert run.case.mode is CaseMode.UNDRING
    assert stafettholder(run.case) is None
    notes = [e for e in entries(run.case) if e.meta.kind == "closing-note"]
    assert [(n.meta.id, n.content) for n in notes] == [
        ("stafettlogg:log1:closing", "Målet er nådd")
    ]
    with pytest.raises(StafettloggError, match="no open"):
        _tiltak(run, "t2")


def test_closing_can_close_the_case() -> None:
    """With close_case the whole case closes too."""
    run = _opened()
    events = close_stafettlogg(
        run.case, by="pl", reason=ClosingReason.NO_LONGER_NEEDED, as_of=D, close_case=True
    )
    assert any(isinstance(e, CaseClosedEvent) for e in events)
    run.do(events, actor="pl")
    with pytest.raises(CaseClosed):
        _tiltak(run)


def test_consent_withdrawn_reason_needs_a_lapsed_consent() -> None:
    """Closing for withdrawn consent is refused while consent still covers the log."""
    run = _opened()
    with pytest.raises(StafettloggError, match="still covers"):
        close_stafettlogg(run.case, by="pl", reason=ClosingReason.CONSENT_WITHDRAWN, as_of=D)


def test_withdrawing_consent_closes_the_log_the_same_day() -> None:
    """Withdrawal and closing come together; no service reads further (BTI-12)."""
    run = _opened()
    assert service_may_read(run.case, S.BARNEHAGE, D)
    events = withdraw_stafettlogg_consent(run.case, consent_id="log-consent", by="far", as_of=D)
    closed = [e for e in events if isinstance(e, StafettloggClosed)]
    assert closed
    assert closed[0].reason is ClosingReason.CONSENT_WITHDRAWN
    run.do(events, actor="far")
    assert not service_may_read(run.case, S.BARNEHAGE, D)
    assert not service_may_read(run.case, S.HELSESTASJON, D)


def test_withdrawing_one_of_two_covering_consents_keeps_the_log_open() -> None:
    """If another consent still covers the log, only the withdrawal is recorded."""
    run = _opened()
    consent_all(run, ConsentPurpose.STAFETTLOGG, LOG_SERVICES, consent_id="second")
    events = withdraw_stafettlogg_consent(run.case, consent_id="log-consent", by="mor", as_of=D)
    assert len(events) == 1
    run.do(events, actor="mor")
    assert open_log(run.case) is not None


def test_a_new_log_may_be_opened_after_closing_and_the_old_is_kept() -> None:
    """One continuous history: a closed log stays, a new consent opens a new log."""
    run = _opened()
    _tiltak(run, "t1")
    run.run(close_stafettlogg, by="pl", reason=ClosingReason.GOAL_REACHED, as_of=D)
    later = D + timedelta(days=200)
    consent_all(run, ConsentPurpose.STAFETTLOGG, LOG_SERVICES, consent_id="again", as_of=later)
    run.run(open_stafettlogg, by="pl", holder_ref="hs", level=BtiLevel.NIVAA_2, as_of=later)
    state = bti(run.case)
    assert len(state.earlier_logs) == 1
    assert state.earlier_logs[0].tiltak[0].id == "t1"
    assert stafettholder(run.case) == "hs"
    assert run.replay() == run.case


def test_archive_document_is_plain_data_with_refs_only() -> None:
    """The closing printout is JSON-able, complete and has no national identifiers (arkivlova)."""
    run = _opened()
    run.run(set_goal, goal_id="g1", by="pl", text="Trives i barnehagen", as_of=D)
    _tiltak(run, goal_id="g1")
    run.run(
        record_observation,
        observation_id="o1",
        by="hs",
        kind=ObservationKind.OPPMERKSOMHET,
        text="Sover dårlig",
        as_of=D,
    )
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=D,
        agenda=["a"],
        invited=["pl"],
        as_of=D,
    )
    run.run(record_minutes, meeting_id="m1", by="pl", text="Referat", attended=["pl"], as_of=D)
    run.run(record_decision, decision_id="d1", by="pl", text="Fortsett", as_of=D, meeting_id="m1")
    run.run(close_stafettlogg, by="pl", reason=ClosingReason.GOAL_REACHED, as_of=D, summary="Bra")
    doc = archive_document(run.case)
    text = json.dumps(doc, ensure_ascii=False)
    assert doc["closing_reason"] == "goal-reached"
    assert doc["legal_basis"] == [
        "bti-stafettlogg",
        "arkivl",
    ]
    assert [t["id"] for t in doc["tiltak"]] == ["t1"]
    assert doc["meetings"][0]["minutes"] == "Referat"
    assert not identifier_runs(text)
    nb, en = archive_text(run.case), archive_text(run.case, "en")
    assert "Stafettlogg — utskrift for arkiv" in nb
    assert "Tiltak" in nb
    assert "Referat" in nb
    assert "archive printout" in en
    nn = archive_text(run.case, "nn")  # issue 16 item 5: nynorsk, not bokmål
    assert "Samarbeidsmøte\n" in nn
    assert "Avgjerder" in nn
    assert "Beslutninger" not in nn
    with pytest.raises(InvalidInput):
        archive_text(run.case, "de")


def test_archive_needs_a_log() -> None:
    """There is nothing to export before a log exists."""
    with pytest.raises(StafettloggError):
        archive_document(standard_case().case)


# --- entries, obligations, projections, replay -------------------------------------------


def test_every_log_item_is_an_entry_in_the_writers_section() -> None:
    """Notes, goals, tiltak, evaluations, meetings, minutes and decisions are all entries."""
    run = _opened()
    run.run(set_goal, goal_id="g1", by="pl", text="Mål", as_of=D)
    _tiltak(run)
    run.run(
        evaluate_log_measure,
        tiltak_id="t1",
        by="pl",
        effect=EffectAssessment.IMPROVED,
        next_step=MeasureNext.END,
        as_of=D,
    )
    run.run(
        record_observation,
        observation_id="o1",
        by="hs",
        kind=ObservationKind.UNDRING,
        text="x",
        as_of=D,
    )
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=D,
        agenda=["a"],
        invited=["pl"],
        as_of=D,
    )
    run.run(record_minutes, meeting_id="m1", by="pl", text="r", attended=["pl"], as_of=D)
    run.run(record_decision, decision_id="d1", by="pl", text="d", as_of=D)
    found = {e.meta.id: e.meta for e in entries(run.case) if e.meta.id.startswith("stafettlogg:")}
    assert set(found) == {
        "stafettlogg:g1",
        "stafettlogg:t1",
        "stafettlogg:t1:evaluation:1",
        "stafettlogg:o1",
        "stafettlogg:m1",
        "stafettlogg:m1:minutes",
        "stafettlogg:d1",
    }
    assert found["stafettlogg:o1"].section is Section.HEALTH
    assert found["stafettlogg:t1"].section is Section.EDUCATION
    assert found["stafettlogg:t1"].kind == "measure"


def test_minutes_missing_after_the_meeting_is_overdue() -> None:
    """A meeting day passed without minutes is an overdue duty of the stafettholder."""
    run = _opened()
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=D,
        agenda=["a"],
        invited=["pl"],
        as_of=D,
    )
    found = [
        o for o in obligations(run.case, D + timedelta(days=1)) if o.code == "stafettlogg.minutes"
    ]
    assert len(found) == 1
    assert found[0].actor_ref == "pl"
    assert found[0].status.value == "overdue"


def test_projection_rows_follow_the_log() -> None:
    """Tiltak, undring, minutes and follow-ups project agenda rows; closing removes them."""
    run = _opened()
    run.run(register_undring, undring_id="u1", by="hs", description="x", as_of=D)
    _tiltak(run, "t1", days=30)
    _tiltak(run, "t2", days=60)
    run.run(
        evaluate_log_measure,
        tiltak_id="t2",
        by="pl",
        effect=EffectAssessment.IMPROVED,
        next_step=MeasureNext.CONTINUE,
        as_of=D,
        next_evaluation_date=D + timedelta(days=90),
    )
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=D,
        agenda=["a"],
        invited=["pl"],
        as_of=D,
    )
    run.run(
        record_decision,
        decision_id="d1",
        by="pl",
        text="x",
        as_of=D,
        follow_up_by="hs",
        follow_up_on=D + timedelta(days=10),
    )
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    keys = {(k[1], k[2]): v.due for k, v in rows.items()}
    assert keys[(AgendaKind.EVALUATION_DUE, "stafettlogg:t1")] == D + timedelta(days=30)
    assert keys[(AgendaKind.EVALUATION_DUE, "stafettlogg:t2")] == D + timedelta(days=90)
    assert keys[(AgendaKind.DECISION_DUE, "nivaa0:u1")] == D + timedelta(days=14)
    assert (AgendaKind.OBLIGATION_DUE, "minutes:m1") in keys
    assert (AgendaKind.OBLIGATION_DUE, "decision:d1") in keys
    run.run(close_stafettlogg, by="pl", reason=ClosingReason.GOAL_REACHED, as_of=D)
    rows = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    left = {(k[1], k[2]) for k in rows}
    assert left == {(AgendaKind.DECISION_DUE, "nivaa0:u1"), (AgendaKind.TURNS_18, "turns-18")}


def test_replay_gives_the_same_case() -> None:
    """Folding the recorded history again gives the live case."""
    run = _opened()
    _tiltak(run)
    run.run(set_goal, goal_id="g", by="pl", text="x", as_of=D)
    assert run.replay() == run.case
