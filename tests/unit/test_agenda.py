"""Meeting preparation and the child's voice (domain.md §6.1, §7.4, §9.2 need 5 and 11)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from barnekoordinator.access.consent import ConsentPurpose, Section, section_of
from barnekoordinator.access.entries import GuardianVisibility, change_visibility, entries
from barnekoordinator.coordination.handover import propose_handover
from barnekoordinator.coordination.meetings import (
    AgendaTopic,
    call_prepared_meeting,
    prepare_meeting,
)
from barnekoordinator.coordination.plan import set_plan_period, start_plan
from barnekoordinator.coordination.stafettlogg import (
    BtiLevel,
    ObservationKind,
    add_log_measure,
    current_log,
    open_stafettlogg,
    record_decision,
    record_minutes,
    record_observation,
    register_undring,
    schedule_meeting,
)
from barnekoordinator.coordination.voice import (
    VoiceWeight,
    child_voices,
    record_child_voice,
    voice_weight,
)
from barnekoordinator.errors import (
    ConsentRequired,
    InvalidInput,
    NotResponsible,
    RuleViolation,
    StafettloggError,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    consent_all,
    expected_child,
    mother,
    new_case,
    professional,
    standard_case,
)

D = DEFAULT_AS_OF
S = ServiceKind


def _log(age: int = 9) -> CaseRun:
    run = standard_case(age=age)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE, S.HELSESTASJON, S.SKOLE])
    run.run(open_stafettlogg, by="pl", holder_ref="pl", level=BtiLevel.NIVAA_2, as_of=D)
    return run


@pytest.mark.parametrize(
    ("age", "weight"),
    [
        (0, VoiceWeight.HEARD_IF_ABLE),
        (6, VoiceWeight.HEARD_IF_ABLE),
        (7, VoiceWeight.MUST_BE_HEARD),
        (11, VoiceWeight.MUST_BE_HEARD),
        (12, VoiceWeight.GREAT_WEIGHT),
        (15, VoiceWeight.GREAT_WEIGHT),
        (16, VoiceWeight.OWN_CONSENT),
    ],
)
def test_weight_of_the_childs_voice_by_age(age: int, weight: VoiceWeight) -> None:
    """Heard from 7 at the latest, great weight from 12, own consent from 16 (pbrl § 4-4, § 4-3)."""
    assert voice_weight(age, D) is weight


def test_child_voice_is_recorded_with_age_and_weight() -> None:
    """What matters to me is kept with the child's age and the weight note; it is an entry."""
    run = _log(age=12)
    run.run(
        record_child_voice,
        voice_id="v1",
        by="kl",
        what_matters=["Å få være med på fotball", "At mamma ikke er lei seg"],
        as_of=D,
    )
    (v,) = child_voices(run.case)
    assert v.child_age == 12
    assert v.weight is VoiceWeight.GREAT_WEIGHT
    assert v.own_words
    assert "stor vekt" in v.weight_note_nb
    assert "great weight" in v.weight_note_en
    assert any(
        e.meta.id == "child-voice:v1" and e.meta.kind == "child-voice" for e in entries(run.case)
    )
    assert run.replay() == run.case


def test_child_voice_needs_consent_a_participant_and_a_born_child() -> None:
    """The voice goes into the shared log or plan, so consent must cover the recorder."""
    run = standard_case(age=9)
    with pytest.raises(ConsentRequired):
        record_child_voice(run.case, voice_id="v", by="kl", what_matters=["x"], as_of=D)
    run = _log()
    with pytest.raises(NotResponsible):
        record_child_voice(run.case, voice_id="v", by="stranger", what_matters=["x"], as_of=D)
    with pytest.raises(InvalidInput):
        record_child_voice(run.case, voice_id="v", by="kl", what_matters=[" "], as_of=D)
    unborn = new_case(
        subject=expected_child(),
        guardians=(mother(),),
        professionals=[professional("jm", S.JORDMOR)],
    )
    with pytest.raises(RuleViolation, match="not born"):
        record_child_voice(unborn.case, voice_id="v", by="jm", what_matters=["x"], as_of=D)


def test_plan_consent_also_allows_recording_the_voice() -> None:
    """With an individual plan (and no log) the plan consent covers the recorder."""
    run = standard_case(age=10)
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, [S.KOORDINERENDE_ENHET])
    run.run(start_plan, plan_id="ip", by="ke", as_of=D)
    run.run(record_child_voice, voice_id="v", by="ke", what_matters=["Svømming"], as_of=D)
    assert len(child_voices(run.case)) == 1


def test_agenda_is_built_from_the_case() -> None:
    """Child's voice first, due evaluations, new concerns, open decisions, the handover."""
    run = _log(age=9)
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=D,
        agenda=["Oppstart"],
        invited=["pl", "hs", "mor", "far"],
        as_of=D,
    )
    run.run(
        record_observation,
        observation_id="old",
        by="hs",
        kind=ObservationKind.OPPMERKSOMHET,
        text="Sover dårlig",
        as_of=D,
    )
    run.run(
        record_minutes, meeting_id="m1", by="pl", text="Referat", attended=["pl", "hs"], as_of=D
    )
    later = D + timedelta(days=28)
    for tid, owner, days in (("t-due", "hs", 30), ("t-later", "pl", 90)):
        run.run(
            add_log_measure,
            tiltak_id=tid,
            by="pl",
            description=f"Tiltak {tid}",
            responsible_ref=owner,
            evaluation_date=D + timedelta(days=days),
            as_of=D,
        )
    run.run(
        record_observation,
        observation_id="new",
        by="hs",
        kind=ObservationKind.UNDRING,
        text="Mer fravær",
        as_of=D + timedelta(days=10),
    )
    run.run(
        record_decision,
        decision_id="d1",
        by="pl",
        text="Helsesykepleier snakker med fastlegen",
        as_of=D,
        follow_up_by="hs",
        follow_up_on=D + timedelta(days=20),
    )
    run.run(
        record_child_voice,
        voice_id="v1",
        by="pl",
        what_matters=["Å ha en venn i friminuttet"],
        as_of=D + timedelta(days=20),
    )
    run.run(propose_handover, to_ref="kl", by="pl", as_of=D + timedelta(days=21))
    agenda = prepare_meeting(run.case, later)
    topics = [p.topic for p in agenda.points]
    assert topics[0] is AgendaTopic.CHILD_VOICE
    assert "venn" in agenda.points[0].title
    refs = {p.topic: p.refs for p in agenda.points}
    assert refs[AgendaTopic.EVALUATION] == ("t-due",)
    assert refs[AgendaTopic.NEW_CONCERN] == ("new",)
    assert refs[AgendaTopic.OPEN_DECISION] == ("d1",)
    assert refs[AgendaTopic.HANDOVER] == ("kl",)
    assert agenda.chair_ref == "pl"
    assert agenda.since == D
    assert [b.about for b in agenda.brought_by("hs")] == ["t-due", "d1"]
    assert [b.about for b in agenda.brought_by("kl")] == ["handover"]
    assert "child" in agenda.participants
    assert len(agenda.lines) == len(agenda.points)
    run.run(
        schedule_meeting,
        meeting_id="m2",
        by="pl",
        meeting_on=later,
        agenda=agenda.lines,
        invited=agenda.participants,
        as_of=later,
    )
    assert prepare_meeting(run.case, later, meeting_id="m2").participants == agenda.participants


def test_missing_voice_of_a_child_over_7_must_be_collected() -> None:
    """If the child (7+) has not been heard since the last meeting, the chair must ask first."""
    run = _log(age=8)
    agenda = prepare_meeting(run.case, D)
    (item,) = agenda.brought_by("pl")
    assert item.about == "child-voice"
    assert "hva er viktig for meg" in item.what
    young = _log(age=4)
    assert not prepare_meeting(young.case, D).bring
    assert "child" not in prepare_meeting(young.case, D).participants


def test_abuse_suspicion_never_reaches_the_meeting_agenda() -> None:
    """A report made without the guardians (BTI-02) is not put before the family."""
    run = _log()
    run.run(register_undring, undring_id="u-open", by="hs", description="Trøtt", as_of=D)
    run.run(
        register_undring,
        undring_id="u-abuse",
        by="hs",
        description="Merker",
        as_of=D,
        suspected_abuse=True,
    )
    refs = [
        p.refs for p in prepare_meeting(run.case, D).points if p.topic is AgendaTopic.NEW_CONCERN
    ]
    assert refs == [("u-open",)]


def test_plan_revision_is_on_the_agenda() -> None:
    """A plan revision due soon is a point; the responsible brings a proposal."""
    run = standard_case(age=10)
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, [S.KOORDINERENDE_ENHET])
    run.run(start_plan, plan_id="ip", by="ke", as_of=D)
    run.run(set_plan_period, by="ke", start=D, next_revision=D + timedelta(days=5), as_of=D)
    agenda = prepare_meeting(run.case, D)
    titles = [p.title for p in agenda.points if p.topic is AgendaTopic.PLAN]
    assert any("Revisjon" in t for t in titles)
    assert any("mangler punkt" in t for t in titles)


def test_agenda_input_checks() -> None:
    """Unknown meeting ids and negative horizons are refused."""
    run = _log()
    with pytest.raises(InvalidInput):
        prepare_meeting(run.case, D, meeting_id="nope")
    with pytest.raises(InvalidInput):
        prepare_meeting(run.case, D, horizon_days=-1)


def test_points_the_meeting_was_called_for_are_on_the_agenda() -> None:
    """A scheduled meeting's own agenda items appear, owned by whoever called the meeting."""
    run = _log()
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=D + timedelta(days=7),
        agenda=["Status for tiltakene", "Overgang til skole"],
        invited=["hs"],
        as_of=D,
    )
    agenda = prepare_meeting(run.case, D + timedelta(days=7), meeting_id="m1")
    scheduled = [p for p in agenda.points if p.topic is AgendaTopic.SCHEDULED]
    assert [p.title for p in scheduled] == ["Status for tiltakene", "Overgang til skole"]
    assert {p.owner_ref for p in scheduled} == {"pl"}
    other = prepare_meeting(run.case, D + timedelta(days=7))
    assert not [p for p in other.points if p.topic is AgendaTopic.SCHEDULED]


def _mixed_sections(holder: str) -> CaseRun:
    """A stafettlogg held by ``holder`` in which the helsestasjon (hs) has written a concern
    and the barnehage (pl) a tiltak that hs evaluates: entries of two sections."""
    run = standard_case(age=9)
    consent_all(run, ConsentPurpose.STAFETTLOGG, [S.BARNEHAGE, S.HELSESTASJON, S.SKOLE])
    run.run(open_stafettlogg, by=holder, holder_ref=holder, level=BtiLevel.NIVAA_2, as_of=D)
    run.run(
        record_observation,
        observation_id="o-health",
        by="hs",
        kind=ObservationKind.OPPMERKSOMHET,
        text="Helsesak: utredes for epilepsi",
        as_of=D,
    )
    run.run(
        add_log_measure,
        tiltak_id="t-bhg",
        by="pl",
        description="Fast voksen i overganger",
        responsible_ref="hs",
        evaluation_date=D + timedelta(days=5),
        as_of=D,
    )
    return run


def _stored_agenda(run: CaseRun, meeting_id: str, by: str) -> tuple[str, ...]:
    run.run(
        call_prepared_meeting,
        meeting_id=meeting_id,
        by=by,
        meeting_on=D + timedelta(days=7),
        invited=["pl", "hs"],
        as_of=D,
    )
    meeting = next(m for m in current_log(run.case).meetings if m.id == meeting_id)
    return meeting.agenda


def test_a_called_meeting_quotes_no_entry_of_another_section() -> None:
    """pbrl § 3-6 / hol § 7-2 a: the agenda is stored as an entry of the caller's section, so it
    quotes only entries of that section; a health concern is not copied where the barnehage's
    readers read it. Points of other sections keep their «Ta med» line (ids and dates only)."""
    run = _mixed_sections("pl")
    prepared = prepare_meeting(run.case, D + timedelta(days=7))
    by_ref = {p.refs[0]: p for p in prepared.points if p.refs}
    assert by_ref["o-health"].section is Section.HEALTH
    assert by_ref["t-bhg"].section is section_of(S.BARNEHAGE)
    stored = _stored_agenda(run, "m-bhg", by="pl")
    assert not any("epilepsi" in line for line in stored)
    assert any("Fast voksen i overganger" in line for line in stored)
    assert any("t-bhg" in line and "hs" in line for line in stored)  # hs brings its evaluation
    meeting_entry = next(e for e in entries(run.case) if e.meta.id == "stafettlogg:m-bhg")
    assert meeting_entry.meta.section is section_of(S.BARNEHAGE)
    # A meeting the helsestasjon calls is an entry of the health section: its concern is
    # quoted, the barnehage's tiltak is not.
    health = _stored_agenda(_mixed_sections("hs"), "m-hs", by="hs")
    assert any("epilepsi" in line for line in health)
    assert not any("Fast voksen i overganger" in line for line in health)


def test_a_called_meeting_quotes_no_entry_withheld_from_the_guardians() -> None:
    """pbrl § 3-4: an entry withheld from the guardians is not quoted in a meeting agenda they
    may read, even by its own section's author."""
    run = _mixed_sections("hs")
    run.run(
        change_visibility,
        entry_id="stafettlogg:o-health",
        visibility=GuardianVisibility.WITHHELD_WEIGHTY_REASONS,
        decided_by="hs",
        reason="Vektige hensyn til barnet",
        as_of=D,
    )
    assert not any("epilepsi" in line for line in _stored_agenda(run, "m-hs", by="hs"))


def test_a_meeting_is_called_only_with_the_family_and_the_services_consented_to() -> None:
    """BTI-08: a stafettlogg meeting is held with the family and the services a consent covers.
    CLI sweep, 2026-12-07: ``meeting prepare --invite hs-kari --invite no-such-person`` was
    stored, and the notifier told a helsestasjon outside the consent, and a ref outside the case,
    that a meeting was called. Now an invitee outside the case is ``InvalidInput`` (naming its
    place in the list, not its text), a participant whose service no consent covers is
    ``ConsentRequired``; the prepared meeting invites only those schedule_meeting takes."""
    run = _log(age=9)  # consent for barnehage, helsestasjon and skole; not ppt or sykehus
    later = D + timedelta(days=7)
    for invited, error, match in (
        (["hs", "no-such-person"], InvalidInput, r"invited\[1\]: expected the child, a guardian"),
        (["mor", "ppt"], ConsentRequired, r"invited\[1\]: no stafettlogg .* covers ppt"),
        (["lege"], ConsentRequired, "covers sykehus"),
    ):
        with pytest.raises(error, match=match) as caught:
            schedule_meeting(
                run.case,
                meeting_id="m1",
                by="pl",
                meeting_on=later,
                agenda=["Oppstart"],
                invited=invited,
                as_of=D,
            )
        assert "no-such-person" not in str(caught.value)
    prepared = prepare_meeting(run.case, later)
    assert {"ppt", "lege", "fysio"}.isdisjoint(prepared.participants)
    assert {"pl", "hs", "kl", "mor", "far", "child"} <= set(prepared.participants)
    run.run(
        schedule_meeting,
        meeting_id="m1",
        by="pl",
        meeting_on=later,
        agenda=["Oppstart"],
        invited=prepared.participants,
        as_of=D,
    )
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, [S.PPT], as_of=D)
    assert "ppt" in prepare_meeting(run.case, later).participants


def test_a_prepared_meeting_on_a_day_that_has_passed_is_refused_as_any_meeting() -> None:
    """CLI sweep, 2026-12-07: ``meeting prepare --on 2017-12-31`` said "parameter
    'child_heard_from_age' has no value before 2018-01-01" (exit 2), while 2018-01-01 got the
    refusal every past day gets (exit 1): the agenda was built before the day was checked."""
    run = _log(age=9)
    for day in (date(2017, 12, 31), D - timedelta(days=1)):
        with pytest.raises(StafettloggError, match="a day that has passed"):
            call_prepared_meeting(
                run.case, meeting_id="m1", by="pl", meeting_on=day, invited=["mor"], as_of=D
            )


def test_a_blank_agenda_point_is_refused() -> None:
    """Overview and FHIR sweep, 2026-12-07: an agenda point ``""`` was stored and exported as
    ``reasonCode: [{"text": ""}]``, which the FHIR R4 schema refuses (a string is never
    empty). The command refuses it; the exporter leaves out a blank point a stored case holds."""
    run = _log(age=9)
    for agenda in ([""], ["Oppstart", "   "]):
        with pytest.raises(InvalidInput, match="agenda: expected each point"):
            schedule_meeting(
                run.case,
                meeting_id="m1",
                by="pl",
                meeting_on=D,
                agenda=agenda,
                invited=["mor"],
                as_of=D,
            )
