"""``barnekoordinator demo``: the main job, end to end, on the embedded store.

One synthetic family's story, in the order of issue 16: a nivå-0 *undring* in the barnehage
and the guardians' consent; the stafettlogg with tiltak and their evaluation dates; a meeting
prepared, with the child's own voice; PPT and helsestasjon join at nivå 3 and the baton is
proposed and accepted (refused first while consent does not cover PPT); eligibility assessed;
a barnekoordinator appointed and the individuell plan opened; the transition to school;
reminders written to a local outbox folder as ``.eml`` letters (no mail server); the FHIR
export and the archive document; Min oversikt for the child and the mother in nb, nn and en;
and finally a signed checkpoint and ``verify`` against it.

**The child's age.** Emma is born 14 March 2020: five and in her last barnehage year when the
story starts in January 2026, six when she starts school in August. The demo municipality lets
a child be heard in her own words from six (``MunicipalSettings.participation.own_voice = 6``,
more permissive than the law's latest age of 7, which a municipality may choose). So at the
January meeting Emma, five, is refused when she tries to write herself, and her mother relays
her view (a guardian may do so while the child is under 16); at the school start Emma writes
her own voice herself. Under 12 the child has no direct access to the case, so her Min oversikt
is the child version her mother opens with her.

Everyone in the story sees the case through the Casebook only: a write hands back ids and
numbers, and what is shown comes from that person's
[`CaseView`][barnekoordinator.casebook.CaseView], agenda or Min oversikt, each read audited. Only
the operator's chapters hold the store itself (a trusted back-office handle): sending the
reminders from the outbox, the checkpoint and the verification, which print counts only.

The files go to ``--output DIR`` (default ``./barnekoordinator-demo/``), and so does the SQLite
store (``demo.db``) unless ``--store`` or ``$BARNEKOORDINATOR_STORE`` names another. A second run
on the same store adds no second family: the opening is referred to the case already open, and
only the files are made again from it (no new letter, the pages overwritten, a new checkpoint).

Time is scripted with a [`FixedClock`][barnekoordinator.clock.FixedClock], so the
run is reproducible; identities are synthetic (Tenor style, month + 80).
"""

from __future__ import annotations

import argparse
import contextlib
import io
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from barnekoordinator._cli import json_text
from barnekoordinator._cli._demo_files import (
    _checkpoint_and_verify,
    _export_for_the_journal,
    _prepare_the_run,
    _send_the_reminders,
    _write_min_oversikt,
    _write_the_archive,
)
from barnekoordinator._cli._demo_stage import _another_child, _cast, _Report, _say, _Stage, _t
from barnekoordinator.access.consent import ConsentPurpose, give_consent
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import Config, MunicipalSettings, ParticipationAges
from barnekoordinator.errors import AccessDenied, CaseAlreadyOpen, ConsentRequired
from barnekoordinator.history.case import Case, ParticipantJoined, open_case
from barnekoordinator.history.store import CaseStore
from barnekoordinator.people import Child, Guardian, GuardianRelation
from barnekoordinator.services import ServiceKind

__all__ = ["register", "run"]

DEMO_SECRET = b"demo-only subject key: set BARNEKOORDINATOR_SUBJECT_SECRET"
"""Keys the child index in the demo store; real deployments set their own secret."""

DEMO_OUTPUT = Path("barnekoordinator-demo")
"""Where the demo writes its files (and its SQLite store) unless told otherwise."""

_START = date(2026, 1, 5)
_SCHOOL_START = date(2026, 8, 17)
_END = _SCHOOL_START + timedelta(days=14)
"""The last day of the story: the reminders are sent and the pages made on it."""
_COVERED = (ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON, ServiceKind.FYSIOTERAPI)
"""The services the parents' first consents cover; PPT is added before the handover."""
_ADDRESSES = {
    "mor": "mor@example.invalid",
    "far": "far@example.invalid",
    "ped-leder-1": "nora.barnehage@example.invalid",
    "hs-kari": {"email": "kari.helsestasjon@example.invalid", "lang": "nn"},
    "fysio-ali": {"email": "ali.fysio@example.invalid", "lang": "en"},
    "ppt-ola": "ola.ppt@example.invalid",
    "laerer-per": "per.skole@example.invalid",
    "ke-siri": "siri.ke@example.invalid",
}
"""The demo's synthetic address book (``.invalid`` addresses reach nobody)."""


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        "demo",
        help="run the main job on a synthetic family (SQLite by default)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument(
        "--store",
        default=None,
        help="store URL: sqlite:PATH, memory:, postgresql://… (default: $BARNEKOORDINATOR_STORE, "
        "else sqlite:DIR/demo.db in the output folder)",
    )
    parser.add_argument("--lang", choices=("nb", "nn", "en"), default="nb")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="PLUGIN.KEY=VALUE",
        help="a plugin option, e.g. sqlite.busy_timeout=2 (seconds to wait for a locked file)",
    )
    parser.add_argument(
        "--output",
        "--output-dir",
        dest="output",
        metavar="DIR",
        default=None,
        help=f"where the demo's files go (default ./{DEMO_OUTPUT}/)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON document summarising the run"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo; 0 when every step behaved as the law says and every chain verified."""
    # Every input (the folder, the options, the store, the keys) is checked before anything is
    # written: a refused run leaves no folder, no address book and no store behind.
    out, config, pm, store = _prepare_the_run(args, DEMO_OUTPUT, _ADDRESSES, DEMO_SECRET)
    report = _Report(lang=args.lang)
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet) if args.json else contextlib.nullcontext():
        clock = FixedClock(datetime.combine(_START, time(8, 0), tzinfo=UTC))
        settings = _settings_for_the_demo(config.municipality)
        # The operator holds the store (back office: the outbox, the checkpoint, verify);
        # every person in the story goes through the Casebook.
        try:
            book = Casebook(store, clock=clock, config=config, plugin_manager=pm, settings=settings)
            _story(
                book,
                store,
                clock,
                args.lang,
                out,
                config=config,
                store_url=args.store,
                report=report,
            )
        finally:
            store.close()
        _say()
        _say(_t(args.lang, "demo.files-are-in", path=out.resolve()))
    if args.json:
        document = {
            "store": args.store,
            "output": str(out.resolve()),
            "case_id": report.case_id,
            "referred_to_open_case": report.referred,
            "ok": report.ok,
            "counts": report.counts,
            "chapters": report.chapters,
            "files": report.files,
        }
        print(json_text(document, indent=2))
    return 0 if report.ok else 1


def _settings_for_the_demo(base: MunicipalSettings | None = None) -> MunicipalSettings:
    """The demo municipality's settings: a child is heard in her own words from six.

    More permissive than the law's latest age of 7 (pbrl § 4-4 fifth ledd), which a
    municipality may choose for children able to form views earlier (see the docstring).
    """
    return attrs.evolve(base or MunicipalSettings(), participation=ParticipationAges(own_voice=6))


def _story(
    book: Casebook,
    store: CaseStore,
    clock: FixedClock,
    lang: str,
    out: Path | None = None,
    *,
    config: Config | None = None,
    store_url: str = "memory:",
    report: _Report | None = None,
) -> int:
    """Tell the chapters in order; 1 as soon as a step does not behave as the law says.

    Each chapter gets what it needs from the ones before it (the case id, the day) as
    arguments and returns what the next needs. The command (``config`` given) refers a second
    run to the child's open case and only makes the files again from it; without ``config``
    (a test building a store) the story is told again for another synthetic child, and the
    files (``out``) are written without the reminders.
    """
    report = report if report is not None else _Report()
    report.lang = lang
    stage = _Stage(book=book, clock=clock, lang=lang, cast=_cast(), report=report)
    opened = _open_the_case(stage, refer=config is not None)
    if isinstance(opened, str):
        case_id = opened
        report.referred = True
    else:
        case_id, today = opened
        if not _tell_the_story(stage, case_id, today):
            return 1
    report.case_id = case_id
    stage.on(_END, 12)  # the reminders are sent and the pages made on the story's last day
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        if config is not None:
            _send_the_reminders(stage, store, config, out)
        _export_for_the_journal(stage, case_id, out)
        _write_the_archive(stage, case_id, out)
        _write_min_oversikt(stage, case_id, out)
    _checkpoint_and_verify(stage, store, store_url, out)
    return 0 if report.ok else 1


def _tell_the_story(stage: _Stage, case_id: str, today: date) -> bool:
    """The chapters that write to the case; False as soon as one misbehaves."""
    _notice_an_undring(stage, case_id, today)
    meeting_day = _open_the_stafettlogg(stage, case_id, today)
    _prepare_the_meeting(stage, case_id, meeting_day)
    due_day = _obligations_fall_due(stage, case_id)
    if due_day is None:
        return False
    accepted_on = _hand_over_the_baton(stage, case_id, due_day)
    if accepted_on is None:
        return False
    if not _assess_eligibility(stage, accepted_on):
        return False
    _appoint_a_barnekoordinator(stage, case_id, accepted_on)
    if not _start_school(stage, case_id):
        return False
    _show_the_family_view(stage, case_id)
    return True


def _open_the_case(stage: _Stage, *, refer: bool) -> tuple[str, date] | str:
    """1. Koordinerende enhet opens the case; its id and the day, or the id of the open case.

    One plan per person: when an earlier run left this child's case open, the opening is
    referred to it (and audited in its trail). With ``refer`` no second family is added;
    without, the story goes on with another synthetic child.
    """
    from barnekoordinator.coordination.roles import Role, grant_role

    book, do, on, cast = stage.book, stage.do, stage.on, stage.cast
    ke, ke_staff, ped, physio = cast.ke, cast.ke_staff, cast.ped, cast.physio
    stage.report.chapter(1)
    today = on(_START)
    guardians = (
        Guardian(
            ref="mor",
            relation=GuardianRelation.MOTHER,
            parental_responsibility=True,
            person_id=cast.mother_id,
        ),
        Guardian(
            ref="far",
            relation=GuardianRelation.FATHER,
            parental_responsibility=True,
            person_id=cast.father_id,
        ),
    )
    individual = 500  # the first individual numbers of children born 2000–2039
    while True:
        child = Child(ref="child", birth_date=cast.born, person_id=cast.child_id, name="Emma")
        try:
            case_id = book.open_case(
                ke,
                [
                    open_case(municipality_number="0301", subject=child, guardians=guardians),
                    *(ParticipantJoined(participant=p) for p in (ke_staff, ped, physio)),
                ],
            )
            break
        except CaseAlreadyOpen as referred:
            _say(stage.t("demo.referred", case=referred.case_id))
            if refer:
                _say(stage.t("demo.no-second-family"))
                return referred.case_id
            child_id, individual = _another_child(cast.born, individual)
            cast = stage.cast = attrs.evolve(
                cast, child_id=child_id, child=attrs.evolve(cast.child, national_id=child_id)
            )
    do(
        ke,
        case_id,
        lambda c: grant_role(
            c, ref=ke_staff.ref, role=Role.KOORDINERENDE_ENHET, by=ke.subject, as_of=today
        ),
    )
    _say(stage.t("demo.opened", case=case_id, born=cast.born.isoformat(), id=cast.child_id))
    _say(stage.t("demo.participants"))
    return case_id, today


def _parents_consent(
    stage: _Stage,
    case_id: str,
    today: date,
    services: tuple[ServiceKind, ...],
    *consents: tuple[ConsentPurpose, str],
    note: str = "",
) -> None:
    """Both parents consent, for each purpose and id, to ``services`` (recorded by the KE)."""
    for purpose, consent_id in consents:
        stage.do(
            stage.cast.ke,
            case_id,
            partial(
                give_consent,
                consent_id=consent_id,
                purpose=purpose,
                given_by=("mor", "far"),
                services=services,
                as_of=today,
                note=note,
            ),
        )


def _notice_an_undring(stage: _Stage, case_id: str, today: date) -> None:
    """2. Nivå 0: the barnehage registers an undring and decides it, with the guardians."""
    from barnekoordinator.coordination.stafettlogg import (
        Nivaa0Outcome,
        decide_nivaa0,
        register_undring,
    )

    book, do, ped, as_ped = stage.book, stage.do, stage.cast.ped, stage.cast.as_ped
    stage.report.chapter(2)
    do(
        as_ped,
        case_id,
        lambda c: register_undring(
            c,
            undring_id="u-1",
            by=ped.ref,
            description="Emma faller ofte og blir fort sliten i leken ute.",
            as_of=today,
            settings=book.settings,
        ),
    )
    do(
        as_ped,
        case_id,
        lambda c: decide_nivaa0(
            c,
            undring_id="u-1",
            outcome=Nivaa0Outcome.NIVAA_2,
            by=ped.ref,
            as_of=today,
            reason="Foreldrene deler uroen; fysioterapeuten er allerede inne.",
        ),
    )
    _say(stage.t("demo.undring", days=book.settings.nivaa0_decision_days))


def _open_the_stafettlogg(stage: _Stage, case_id: str, today: date) -> date:
    """3. Consent and the stafettlogg with two tiltak; returns the day of the first meeting."""
    from barnekoordinator.coordination.stafettlogg import (
        BtiLevel,
        add_log_measure,
        open_stafettlogg,
    )

    do, cast = stage.do, stage.cast
    as_ped, as_physio = cast.as_ped, cast.as_physio
    ped, physio = cast.ped, cast.physio
    stage.report.chapter(3)
    _parents_consent(
        stage,
        case_id,
        today,
        _COVERED,
        (ConsentPurpose.STAFETTLOGG, "k-logg-1"),
        (ConsentPurpose.SHARE_INFORMATION, "k-deling-1"),
    )
    do(
        as_ped,
        case_id,
        lambda c: open_stafettlogg(
            c, by=ped.ref, holder_ref=ped.ref, level=BtiLevel.NIVAA_2, as_of=today
        ),
    )
    for who, tiltak_id, by, description, days in (
        (as_ped, "t-lek", ped.ref, "Tilrettelagt lek og motorisk trening i barnehagen", 42),
        (as_physio, "t-fysio", physio.ref, "Fysioterapi to ganger i uken", 17),
    ):
        do(
            who,
            case_id,
            partial(
                add_log_measure,
                tiltak_id=tiltak_id,
                by=by,
                description=description,
                responsible_ref=by,
                evaluation_date=today + timedelta(days=days),
                as_of=today,
            ),
        )
    holder = ", ".join(stage.look(as_ped, case_id).holders("stafettholder"))
    _say(stage.t("demo.holder-and-tiltak", holder=holder))
    return today + timedelta(days=14)


def _prepare_the_meeting(stage: _Stage, case_id: str, meeting_day: date) -> None:
    """4. The meeting is called with an agenda built from the case; the child's view is heard.

    Emma, five, may not yet write herself in this municipality (from six): she is refused,
    and her mother relays her view, as a guardian may while the child is under 16.
    """
    from barnekoordinator.coordination.meetings import bring_line, prepare_meeting
    from barnekoordinator.coordination.participation import record_own_voice
    from barnekoordinator.coordination.stafettlogg import (
        Meeting,
        ObservationKind,
        record_minutes,
        record_observation,
        schedule_meeting,
    )
    from barnekoordinator.texts import text

    book, do, on, cast, lang = stage.book, stage.do, stage.on, stage.cast, stage.lang
    as_ped, ped, physio = cast.as_ped, cast.ped, cast.physio
    stage.report.chapter(4)
    today = on(meeting_day - timedelta(days=4))
    do(
        as_ped,
        case_id,
        lambda c: record_observation(
            c,
            observation_id="o-1",
            by=ped.ref,
            kind=ObservationKind.OPPMERKSOMHET,
            text="Foreldrene forteller om lite søvn og slitne kvelder.",
            as_of=today,
        ),
    )
    today = on(meeting_day - timedelta(days=1))

    def call_the_meeting(case: Case) -> Any:
        # The command reads the whole case inside the Casebook; only the agenda it
        # builds is stored, as the meeting's, and read back through a view.
        prepared = prepare_meeting(case, today, settings=book.settings, lang=lang)
        bring = tuple(bring_line(b, lang) for b in prepared.bring)
        return schedule_meeting(
            case,
            meeting_id="m-1",
            by=ped.ref,
            meeting_on=meeting_day,
            agenda=(
                text("demo.agenda-status").get(lang),
                text("demo.agenda-wishes").format(lang, name="Emma"),
                *prepared.lines,
                *bring,
            ),
            invited=(physio.ref,),
            as_of=today,
        )

    do(as_ped, case_id, call_the_meeting)
    called = stage.look(as_ped, case_id).entry("stafettlogg:m-1")  # the holder opens the case
    if called is not None and isinstance(called.content, Meeting):
        for line in called.content.agenda:
            _say(f"   • {line}")
    voice = partial(
        record_own_voice,
        voice_id="v-1",
        what_matters=("Å leke med Sara", "Å klatre i klatrestativet"),
        want_to_say=("Jeg vil ikke være inne når de andre er ute",),
        meeting_id="m-1",
        as_of=today,
    )
    try:
        do(cast.child, case_id, partial(voice, by="child"))
    except AccessDenied:
        _say(stage.t("demo.child-refused"))
    else:
        stage.report.unexpected("demo.unexpected.five-writes")
    do(cast.mother, case_id, partial(voice, by="mor", on_behalf_of_child=True))
    _say(stage.t("demo.mother-relays"))
    today = on(meeting_day)
    do(
        as_ped,
        case_id,
        lambda c: record_minutes(
            c,
            meeting_id="m-1",
            by=ped.ref,
            text="Tiltakene fortsetter. Foreldrene ønsker barnekoordinator.",
            attended=(ped.ref, physio.ref),
            as_of=today,
        ),
    )
    _say(stage.t("demo.minutes"))


def _obligations_fall_due(stage: _Stage, case_id: str) -> date | None:
    """5. What is due or overdue, as the stafettholder sees it; None unless one is overdue."""
    book, on, as_ped = stage.book, stage.on, stage.cast.as_ped
    stage.report.chapter(5)
    today = on(_START + timedelta(days=36))
    due = book.agenda(as_ped, case_id=case_id, until=today + timedelta(days=14))
    overdue, pending = stage.t("demo.status.overdue"), stage.t("demo.status.due")
    width = max(len(overdue), len(pending)) + 1
    for row in due:
        status = overdue if row.due < today else pending
        _say(
            f"   {status:<{width}} {row.due.isoformat()} {row.kind.value} {row.key} ({row.detail})"
        )
    if not any(row.due < today and row.kind.value == "evaluation-due" for row in due):
        stage.report.unexpected("demo.unexpected.not-overdue")
        return None
    return today


def _hand_over_the_baton(stage: _Stage, case_id: str, today: date) -> date | None:
    """6. PPT and helsestasjon join at nivå 3; the baton goes to PPT only on acceptance.

    The level change names PPT as the new holder and so proposes the handover; it is refused
    while the parents' consent does not cover PPT, and accepted once it does.
    """
    from barnekoordinator.coordination.handover import accept_handover
    from barnekoordinator.coordination.stafettlogg import BtiLevel, HolderDecision
    from barnekoordinator.coordination.transitions import change_level

    book, do, on, cast = stage.book, stage.do, stage.on, stage.cast
    ke, as_ped, as_ppt, ped, ppt = cast.ke, cast.as_ped, cast.as_ppt, cast.ped, cast.ppt
    stage.report.chapter(6)
    do(
        ke,
        case_id,
        lambda c: (ParticipantJoined(participant=cast.nurse), ParticipantJoined(participant=ppt)),
    )
    decision = HolderDecision(
        holder_ref=ppt.ref,
        family_wishes="Foreldrene ønsker at PPT følger Emma inn i skolen.",
        measure_scope="Fysioterapi, tilrettelegging i barnehagen og sakkyndig vurdering.",
        coordination_need="Fire tjenester og skolestart til høsten.",
        decided_with=("mor", "far"),
    )
    level_3 = partial(
        change_level,
        to_level=BtiLevel.NIVAA_3,
        decision=decision,
        by=ped.ref,
        as_of=today,
        settings=book.settings,
    )
    try:
        do(as_ped, case_id, level_3)
    except ConsentRequired:
        _say(stage.t("demo.consent-refused"))
    else:
        stage.report.unexpected("demo.unexpected.handover-allowed")
        return None
    _parents_consent(
        stage,
        case_id,
        today,
        (*_COVERED, ServiceKind.PPT),
        (ConsentPurpose.STAFETTLOGG, "k-logg-2"),
        (ConsentPurpose.SHARE_INFORMATION, "k-deling-2"),
    )
    do(as_ped, case_id, level_3)
    holder = ", ".join(stage.look(as_ped, case_id).holders("stafettholder"))
    _say(stage.t("demo.proposed", holder=holder))
    today = on(today + timedelta(days=3))
    do(as_ppt, case_id, lambda c: accept_handover(c, by=ppt.ref, as_of=today))
    holder = ", ".join(stage.look(as_ppt, case_id).holders("stafettholder"))
    _say(stage.t("demo.accepted", holder=holder))
    return today


def _assess_eligibility(stage: _Stage, today: date) -> bool:
    """2. Eligibility, condition by condition; False unless the family is eligible."""
    from barnekoordinator.rights.eligibility import (
        Author,
        ChildFacts,
        EligibilityFacts,
        GuardianFacts,
        Judgement,
        Judgements,
        Needs,
        Wish,
        Wishes,
        assess,
    )

    book, lang, ke, born = stage.book, stage.lang, stage.cast.ke, stage.cast.born
    stage.report.chapter(7)
    assessor = Author(
        ref=ke.subject, role="koordinerende enhet", service=ServiceKind.KOORDINERENDE_ENHET
    )
    yes = Judgement(conclusion=True, author=assessor, assessed_on=today)
    wants = Wishes(barnekoordinator=Wish.WANTS, individual_plan=Wish.WANTS, stafettlogg=Wish.WANTS)
    facts = EligibilityFacts(
        child=ChildFacts(ref="child", birth_date=born),
        needs=Needs(
            services=(
                ServiceKind.FYSIOTERAPI,
                ServiceKind.AVLASTNING,
                ServiceKind.BARNEHAGE,
                ServiceKind.NAV_STAT,
            )
        ),
        judgements=Judgements(serious=yes, long_term=yes, composite=yes, coordinated=yes),
        guardians=(
            GuardianFacts(ref="mor", parental_responsibility=True, wishes=wants),
            GuardianFacts(ref="far", parental_responsibility=True, wishes=wants),
        ),
        bti_level=3,
    )
    result = assess(facts, as_of=today, settings=book.settings)
    for right in (result.barnekoordinator, result.koordinator, result.individual_plan):
        basis = ", ".join(r.citation for r in right.basis)
        outcome = right.outcome.label.get(lang)
        action = stage.t(f"demo.action.{right.action.value}")
        _say(f"{right.right.value:<18} {outcome:<17} → {action:<8} ({basis})")
    for condition in result.barnekoordinator.conditions:
        _say(f"   {condition.outcome.label.get(lang):<17} {condition.explanation.get(lang)}")
    if result.barnekoordinator.outcome.value != "met":
        stage.report.unexpected("demo.unexpected.not-eligible")
        return False
    return True


def _appoint_a_barnekoordinator(stage: _Stage, case_id: str, today: date) -> None:
    """8. The nurse is appointed barnekoordinator and opens the individuell plan."""
    from barnekoordinator.coordination.appointments import appoint_barnekoordinator
    from barnekoordinator.coordination.plan import start_plan

    book, do, ke, nurse = stage.book, stage.do, stage.cast.ke, stage.cast.nurse
    stage.report.chapter(8)
    _parents_consent(
        stage,
        case_id,
        today,
        (ServiceKind.HELSESTASJON,),
        (ConsentPurpose.BARNEKOORDINATOR, "k-bk-1"),
        (ConsentPurpose.INDIVIDUAL_PLAN, "k-ip-1"),
        note="Foreldrene ønsker barnekoordinator og individuell plan.",
    )
    do(
        ke,
        case_id,
        lambda c: appoint_barnekoordinator(
            c,
            coordinator=nurse,
            by=ke.subject,
            as_of=today,
            family_wishes="Foreldrene ønsker helsesykepleieren de kjenner.",
            settings=book.settings,
        ),
    )
    do(
        stage.cast.as_nurse,
        case_id,
        lambda c: start_plan(c, plan_id="ip-1", by=nurse.ref, as_of=today, settings=book.settings),
    )
    mode = stage.look(ke, case_id).mode
    _say(stage.t("demo.plan-opened", mode=stage.t(f"demo.mode.{mode.value}")))
    _say(stage.t("demo.same-history"))


def _start_school(stage: _Stage, case_id: str) -> bool:
    """9. Barnehage → skole (BTI-13): the school joins the plan, and Emma writes herself."""
    from barnekoordinator.coordination.participation import record_own_voice
    from barnekoordinator.coordination.plan import start_plan
    from barnekoordinator.coordination.transitions import start_school

    book, do, on, cast = stage.book, stage.do, stage.on, stage.cast
    ke, teacher = cast.ke, cast.teacher
    stage.report.chapter(9)
    today = on(_SCHOOL_START - timedelta(days=60))
    do(ke, case_id, lambda c: ParticipantJoined(participant=teacher))
    # The log closed when the plan opened: the school is told through the plan, with the
    # parents' consent to share with it and to take part in the plan.
    _parents_consent(
        stage,
        case_id,
        today,
        (*_COVERED, ServiceKind.PPT, ServiceKind.SKOLE),
        (ConsentPurpose.SHARE_INFORMATION, "k-deling-3"),
        (ConsentPurpose.INDIVIDUAL_PLAN, "k-ip-2"),
    )
    do(
        cast.as_nurse,
        case_id,
        lambda c: start_school(
            c,
            receiving_ref=teacher.ref,
            school_start=_SCHOOL_START,
            by=cast.nurse.ref,
            as_of=today,
            settings=book.settings,
        ),
    )
    _say(stage.t("demo.school-starts", date=_SCHOOL_START.isoformat()))
    today = on(_SCHOOL_START)
    do(
        cast.as_teacher,
        case_id,
        lambda c: start_plan(
            c, plan_id="ip-1", by=teacher.ref, as_of=today, settings=book.settings
        ),
    )
    _say(stage.t("demo.teacher-joins"))
    try:
        do(
            cast.child,
            case_id,
            lambda c: record_own_voice(
                c,
                voice_id="v-2",
                by="child",
                what_matters=("Å få sitte ved siden av Sara", "Pauser når beina er slitne"),
                as_of=today,
            ),
        )
    except AccessDenied:
        stage.report.unexpected("demo.unexpected.six-refused")
        return False
    _say(stage.t("demo.own-voice"))
    return True


def _show_the_family_view(stage: _Stage, case_id: str) -> None:
    """10. What the mother sees of the case, and who has looked."""
    book, lang, mother = stage.book, stage.lang, stage.cast.mother
    stage.report.chapter(10)
    view = book.read(mother, case_id)
    _say(stage.t("demo.mother-sees", count=len(view.entries), age=view.child_age))
    _say(book.who_looked(mother, case_id, lang))
