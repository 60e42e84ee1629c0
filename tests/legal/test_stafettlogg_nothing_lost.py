"""Nothing is lost in the stafettlogg: no item drops out and no duty goes unflagged (BTI sweep).

BTI is a practice model (domain.md §7.1), whose purpose is follow-up «without oppfølgingsbrudd»
`[V:S44]`. The log holds each tiltak with its responsible person `[V:S53][V:S49]`, is written in
the meetings and replaces the minutes `[V:S49][V:S52]` (§7.3); the stafettholder writes it and
follows up deadlines and evaluations `[V:S45][V:S46][V:S48]` (§7.4); each service must be covered
by the consent `[V:S48b]` (§7.6). The concept page says: when a statutory coordinator takes over,
«Nothing is lost».
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.coordination.appointments import (
    AppointmentEndReason,
    appoint_koordinator,
    end_appointment,
)
from barnekoordinator.coordination.handover import (
    accept_handover,
    participant_leaves,
    propose_handover,
)
from barnekoordinator.coordination.roles import ObligationStatus, Role, obligations
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ClosingReason,
    EffectAssessment,
    LogStatus,
    MeasureNext,
    add_log_measure,
    close_stafettlogg,
    current_log,
    evaluate_log_measure,
    open_stafettlogg,
    record_minutes,
    schedule_meeting,
    withdraw_stafettlogg_consent,
)
from barnekoordinator.errors import InvalidInput, NotResponsible, StafettloggError
from barnekoordinator.history.projections import AgendaItem, AgendaKind, apply_ops
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    consent_all,
    professional,
    standard_case,
)

D = DEFAULT_AS_OF


def _logged(services: tuple[S, ...] = (S.BARNEHAGE, S.HELSESTASJON, S.SKOLE, S.PPT)) -> CaseRun:
    """A nivå-2 stafettlogg held by ``pl`` (barnehage), with consent covering ``services``."""
    run = standard_case()
    consent_all(run, ConsentPurpose.STAFETTLOGG, services, consent_id="log")
    run.run(
        open_stafettlogg,
        by="pl",
        holder_ref="pl",
        level=BtiLevel.NIVAA_2,
        as_of=D,
        settings=run.settings,
    )
    return run


def _linked_to_hs(run: CaseRun, on: date = D) -> None:
    """Koordinerende enhet appoints ``hs`` as koordinator: the open log is linked."""
    consent_all(run, ConsentPurpose.SHARE_INFORMATION, [S.KOORDINERENDE_ENHET, S.HELSESTASJON])
    run.run(
        appoint_koordinator,
        coordinator=professional("hs", S.HELSESTASJON),
        by="ke",
        as_of=on,
        settings=run.settings,
    )


def _about(run: CaseRun, subject: str, day: date) -> list[tuple[str, str | None]]:
    return [
        (o.code, o.actor_ref)
        for o in obligations(run.case, day, run.settings)
        if o.subject == subject
    ]


def _tiltak(run: CaseRun, responsible: str = "pl", days: int = 30) -> None:
    run.run(
        add_log_measure,
        tiltak_id="t1",
        by="pl",
        description="Språkgruppe",
        responsible_ref=responsible,
        evaluation_date=D + timedelta(days=days),
        as_of=D,
        settings=run.settings,
    )


def _meeting(run: CaseRun, meeting_id: str = "m1", days: int = 3) -> None:
    run.run(
        schedule_meeting,
        meeting_id=meeting_id,
        by="pl",
        meeting_on=D + timedelta(days=days),
        agenda=["Status"],
        invited=["mor", "hs"],
        as_of=D,
        settings=run.settings,
    )


# --- D2a: a new log does not orphan the linked log's tiltak --------------------------------


def test_a_new_log_waits_while_the_linked_log_has_an_active_tiltak_bti_7_1_s44() -> None:
    """§7.1 [V:S44] (no oppfølgingsbrudd), §7.3 [V:S53]: after the koordinator's appointment
    ended, opening a new log would have moved the linked log, with tiltak t1 still active, out
    of reach (no obligation, "no tiltak 't1'"). The open is refused, naming t1, until t1 is
    evaluated to its end in the linked log; then the new log opens."""
    run = _logged()
    _tiltak(run)
    _linked_to_hs(run)
    run.run(
        end_appointment,
        role=Role.KOORDINATOR,
        by="hs",
        as_of=D + timedelta(days=5),
        reason=AppointmentEndReason.LEFT_CASE,
    )
    day = D + timedelta(days=6)
    version = run.case.version
    with pytest.raises(StafettloggError, match="'t1'"):
        open_stafettlogg(run.case, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_1, as_of=day)
    assert run.case.version == version
    late = D + timedelta(days=40)
    assert ("stafettlogg.evaluation", "pl") in _about(run, "t1", late)
    run.run(
        evaluate_log_measure,
        tiltak_id="t1",
        by="pl",
        effect=EffectAssessment.IMPROVED,
        next_step=MeasureNext.END,
        as_of=day,
        settings=run.settings,
    )
    run.run(
        open_stafettlogg,
        by="pl",
        holder_ref="pl",
        level=BtiLevel.NIVAA_1,
        as_of=day,
        settings=run.settings,
    )
    log = current_log(run.case)
    assert log is not None
    assert log.is_open


def test_an_ended_coordinator_follows_up_no_linked_tiltak_bti_7_4_s45() -> None:
    """§7.4 [V:S45][V:S46] («Det skal alltid være tydelig hvem» coordinates): once the
    koordinator's appointment ended, the overdue tiltak of the linked log is followed up by nobody
    (koordinerende enhet is to appoint anew), not by the former koordinator, who may not evaluate
    it either."""
    run = _logged()
    _tiltak(run)
    _linked_to_hs(run)
    late = D + timedelta(days=40)
    assert ("stafettlogg.evaluation-follow-up", "hs") in _about(run, "t1", late)
    run.run(
        end_appointment,
        role=Role.KOORDINATOR,
        by="ke",
        as_of=D + timedelta(days=5),
        reason=AppointmentEndReason.NO_LONGER_NEEDED,
    )
    found = _about(run, "t1", late)
    assert ("stafettlogg.evaluation-follow-up", None) in found
    assert all(actor != "hs" for _, actor in found)
    with pytest.raises(NotResponsible):
        evaluate_log_measure(
            run.case,
            tiltak_id="t1",
            by="hs",
            effect=EffectAssessment.UNCLEAR,
            next_step=MeasureNext.END,
            as_of=late,
            settings=run.settings,
        )


# --- D2b: minutes of a held meeting survive the link and block a close by decision -----------


def test_minutes_of_a_meeting_held_before_the_link_are_still_written_bti_7_3_s49_s52() -> None:
    """§7.3 [V:S49][V:S52]: the log replaces the møtereferat. A meeting held before a koordinator
    was appointed keeps its overdue minutes duty (for the former holder), and the former holder
    or the koordinator writes them in the linked log; another participant may not."""
    run = _logged()
    _meeting(run)
    day = D + timedelta(days=4)
    _linked_to_hs(run, day)
    assert current_log(run.case).status is LogStatus.LINKED  # type: ignore[union-attr]
    assert ("stafettlogg.minutes", "pl") in _about(run, "m1", day + timedelta(days=5))
    with pytest.raises(NotResponsible):
        record_minutes(run.case, meeting_id="m1", by="kl", text="x", attended=["mor"], as_of=day)
    run.run(
        record_minutes,
        meeting_id="m1",
        by="hs",
        text="Referat",
        attended=["mor", "pl", "hs"],
        as_of=day,
        settings=run.settings,
    )
    minutes = current_log(run.case).get_meeting("m1").minutes  # type: ignore[union-attr]
    assert minutes is not None
    assert minutes.written_by == "hs"
    assert _about(run, "m1", day + timedelta(days=5)) == []


def test_a_meeting_called_for_after_the_link_was_not_held_in_the_log_bti_7_3() -> None:
    """§7.3/§7.5: once linked, the log has no stafettholder to hold a meeting called for a later
    day; it lapses with the baton (no minutes duty, minutes refused), while one held before the
    link keeps its duty."""
    run = _logged()
    _meeting(run, "m1", days=3)
    _meeting(run, "m2", days=10)
    day = D + timedelta(days=4)
    _linked_to_hs(run, day)
    later = D + timedelta(days=12)
    assert _about(run, "m2", later) == []
    assert ("stafettlogg.minutes", "pl") in _about(run, "m1", later)
    with pytest.raises(StafettloggError, match="after the stafettlogg was linked"):
        record_minutes(run.case, meeting_id="m2", by="pl", text="x", attended=["mor"], as_of=later)


def test_the_agenda_keeps_the_minutes_of_a_meeting_held_before_the_link_bti_7_3() -> None:
    """§7.3 [V:S49][V:S52]: the agenda row of a held meeting's minutes stays when the log is
    linked, as its duty does; only a meeting called for after the link lapses with the baton."""
    run = _logged()
    _meeting(run, "m1", days=3)
    _meeting(run, "m2", days=10)
    _linked_to_hs(run, D + timedelta(days=4))
    rows: dict[tuple[str, AgendaKind, str], AgendaItem] = {}
    apply_ops(rows, CATALOGUE.project(run.records()))
    keys = {(kind, key) for _, kind, key in rows}
    assert (AgendaKind.OBLIGATION_DUE, "minutes:m1") in keys
    assert (AgendaKind.OBLIGATION_DUE, "minutes:m2") not in keys


def test_a_close_by_decision_waits_for_the_minutes_of_a_held_meeting_bti_7_3_7_4() -> None:
    """§7.3 [V:S49][V:S52], §7.4 [V:S45][V:S46]: closing because the goal is reached, the day after
    a meeting with no minutes, would drop the minutes for good. It is refused, naming the meeting,
    and nothing is stored; a meeting not yet held does not stand in the way; once the minutes
    are written, the log closes. A close the family forces (consent withdrawn) is not held up."""
    run = _logged()
    _meeting(run, "m1", days=3)
    _meeting(run, "m2", days=20)
    day = D + timedelta(days=10)
    version = run.case.version
    with pytest.raises(StafettloggError, match="'m1'") as refused:
        close_stafettlogg(run.case, by="pl", reason=ClosingReason.GOAL_REACHED, as_of=day)
    assert "'m2'" not in str(refused.value)
    assert run.case.version == version
    assert current_log(run.case).is_open  # type: ignore[union-attr]
    run.run(
        record_minutes,
        meeting_id="m1",
        by="pl",
        text="Referat",
        attended=["mor", "hs"],
        as_of=day,
        settings=run.settings,
    )
    run.run(
        close_stafettlogg,
        by="pl",
        reason=ClosingReason.GOAL_REACHED,
        as_of=day,
        settings=run.settings,
    )
    assert current_log(run.case).status is LogStatus.CLOSED  # type: ignore[union-attr]

    forced = _logged()
    _meeting(forced, "m1", days=3)
    forced.run(
        withdraw_stafettlogg_consent,
        consent_id="log",
        by="mor",
        as_of=day,
        settings=forced.settings,
    )
    closed = current_log(forced.case)
    assert closed is not None
    assert closed.closing_reason is ClosingReason.CONSENT_WITHDRAWN


# --- D2c: the holder's own service uncovered -------------------------------------------------


def test_a_holder_whose_service_consent_no_longer_covers_is_flagged_bti_7_6_s48b() -> None:
    """§7.6 [V:S48b] (each service must be covered by the consent), §7.4: a second consent keeps
    the log open after the one covering barnehage is withdrawn, so the holder pl (barnehage) can
    neither write nor read it yet keeps the baton. That is an UNMET duty of the holder: hand the
    baton over, or obtain consent covering barnehage. It ends when hs accepts the baton."""
    run = _logged(services=(S.BARNEHAGE, S.HELSESTASJON))
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.HELSESTASJON], consent_id="log2")
    day = D + timedelta(days=1)
    run.run(
        withdraw_stafettlogg_consent, consent_id="log", by="mor", as_of=day, settings=run.settings
    )
    later = D + timedelta(days=5)
    found = [o for o in obligations(run.case, later, run.settings) if o.subject == "stafettholder"]
    assert [(o.code, o.actor_ref, o.status) for o in found] == [
        ("stafettlogg.holder-uncovered", "pl", ObligationStatus.UNMET)
    ]
    assert "barnehage" in found[0].text("en").lower()
    run.run(propose_handover, to_ref="hs", by="pl", as_of=later, settings=run.settings)
    run.run(accept_handover, by="hs", as_of=later, settings=run.settings)
    assert _about(run, "stafettholder", later) == []


# --- D2d: the responsible person left ----------------------------------------------------------


def test_a_tiltak_whose_responsible_left_goes_to_the_holder_bti_7_3_s53() -> None:
    """§7.3 [V:S53][V:S49] (each tiltak has a responsible person), §7.4 (the holder sees that
    measures are evaluated): when the helsesykepleier responsible for t1 leaves the case, the
    evaluation no longer stays with her labelled as a guardian's duty; it is the holder's, UNMET
    (evaluate or reassign), and ends when the holder evaluates it."""
    run = _logged()
    _tiltak(run, responsible="hs", days=10)
    run.run(participant_leaves, participant_ref="hs", as_of=D + timedelta(days=1), reason="sluttet")
    day = D + timedelta(days=5)
    found = [o for o in obligations(run.case, day, run.settings) if o.subject == "t1"]
    assert [(o.code, o.actor_ref, o.role, o.status) for o in found] == [
        ("stafettlogg.responsible-left", "pl", Role.STAFETTHOLDER, ObligationStatus.UNMET)
    ]
    run.run(
        evaluate_log_measure,
        tiltak_id="t1",
        by="pl",
        effect=EffectAssessment.UNCLEAR,
        next_step=MeasureNext.END,
        as_of=day,
        settings=run.settings,
    )
    assert _about(run, "t1", day) == []


# --- D2e: who attended ------------------------------------------------------------------------


def test_minutes_list_only_people_of_the_case_as_attending_bti_7_3_s50_s52() -> None:
    """§7.3 [V:S50][V:S52] (participants: which services and professionals take part): the
    minutes' ``attended`` is checked like a meeting's invitees — a ref outside the case is
    refused, naming its place in the list, and nothing is stored; a professional who attended
    and left the case before the minutes were written is accepted."""
    run = _logged()
    _meeting(run, days=0)
    version = run.case.version
    with pytest.raises(InvalidInput, match=r"attended\[1\]"):
        record_minutes(
            run.case,
            meeting_id="m1",
            by="pl",
            text="Referat",
            attended=["mor", "ukjent-person"],
            as_of=D,
        )
    assert run.case.version == version
    run.run(participant_leaves, participant_ref="hs", as_of=D, reason="sluttet")
    run.run(
        record_minutes,
        meeting_id="m1",
        by="pl",
        text="Referat",
        attended=["mor", "hs", "pl"],
        as_of=D,
        settings=run.settings,
    )


# --- D2f: dates in order ----------------------------------------------------------------------


def test_a_log_does_not_close_before_it_opened_bti_7_3() -> None:
    """§7.3 (avslutning; the printout is archived): a close dated 30 days before the log opened
    is refused with a typed error and nothing is stored."""
    run = _logged()
    version = run.case.version
    with pytest.raises(StafettloggError, match="before"):
        close_stafettlogg(
            run.case,
            by="pl",
            reason=ClosingReason.NO_LONGER_NEEDED,
            as_of=D - timedelta(days=30),
            settings=run.settings,
        )
    assert run.case.version == version
    assert current_log(run.case).is_open  # type: ignore[union-attr]
