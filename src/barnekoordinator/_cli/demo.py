"""``barnekoordinator demo``: the main job, end to end, on the configured store.

One synthetic family's case is taken through what the library is for: the
eligibility assessment with its legal basis, consent, a stafettlogg with
tiltak and a prepared meeting, the baton handed over only on acceptance (and
refused while consent does not cover the new service), deadlines that fall
due, the appointment of a barnekoordinator, what the family may see and who
looked — and finally the hash chains of every case in the store are verified.

Everyone in the story sees the case through the Casebook only: a write hands
back ids and numbers, and what is shown comes from that person's
[`CaseView`][barnekoordinator.casebook.CaseView] or agenda, each read audited.
Only the last chapter, the operator's verification, holds the store itself (a
trusted back-office handle) and prints counts.

Time is scripted with a [`FixedClock`][barnekoordinator.clock.FixedClock], so the
run is reproducible; identities are synthetic (Tenor style, month + 80).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import attrs

from barnekoordinator.access.consent import ConsentPurpose, give_consent
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook, CaseView, Recorded
from barnekoordinator.clock import FixedClock
from barnekoordinator.errors import CaseAlreadyOpen, ConsentRequired, InvalidInput
from barnekoordinator.history.case import Case, ParticipantJoined, open_case
from barnekoordinator.history.sealing import SealingKey
from barnekoordinator.history.store import CaseStore
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    Organisasjonsnummer,
    PersonId,
    synthetic_fodselsnummer,
)
from barnekoordinator.people import Child, Guardian, GuardianRelation, Professional
from barnekoordinator.services import ServiceKind

__all__ = ["register", "run"]

DEMO_SECRET = b"demo-only subject key: set BARNEKOORDINATOR_SUBJECT_SECRET"
"""Keys the child index in the demo store; real deployments set their own secret."""

_START = date(2026, 1, 5)
_ORG = {
    "barnehage": "974760673",
    "kommune": "123456785",
}
_COVERED = (ServiceKind.BARNEHAGE, ServiceKind.HELSESTASJON, ServiceKind.FYSIOTERAPI)
"""The services the parents' first consents cover; PPT is added before the handover."""


def register(subparsers: Any) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        "demo",
        help="run the main job on a synthetic family (SQLite by default)",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument(
        "--store",
        default="sqlite:barnekoordinator.db",
        help="store URL: sqlite:PATH (default sqlite:barnekoordinator.db), memory:, postgresql://…",
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
        "--output-dir",
        metavar="DIR",
        help="where the exported documents go (default: the SQLite database's folder; "
        "other stores write none unless given)",
    )
    parser.set_defaults(func=run)


def _say(text: str = "") -> None:
    print(text)


def _heading(text: str) -> None:
    _say()
    _say(f"== {text}")


def run(args: argparse.Namespace) -> int:
    """Run the demo; 0 when every step behaved as the law says and every chain verified."""
    from barnekoordinator._cli._keys import load_sealing_key
    from barnekoordinator._cli._wiring import configured, plugin_options
    from barnekoordinator.plugins import case_store

    plugin_options(args.option)  # a malformed --option fails before a key file is made
    secret = os.environ.get("BARNEKOORDINATOR_SUBJECT_SECRET", "").encode() or DEMO_SECRET
    if args.store == "memory:":
        # Nothing outlives the run, so neither does its key.
        sealing = SealingKey.generate("demo-memory")
    else:
        sealing, where = load_sealing_key(store_url=args.store, environ=os.environ, create=True)
        if where.startswith("a new"):
            print(f"barnekoordinator demo: {where}", file=sys.stderr)
    config, pm = configured(args, "write", subject_key_secret=secret, sealing_key=sealing.to_text())
    clock = FixedClock(datetime.combine(_START, time(8, 0), tzinfo=UTC))
    # The operator holds the store (back office: chapter 9 verifies it); every
    # person in the story goes through the Casebook.
    store = case_store(pm, config)
    book = Casebook(store, clock=clock, config=config, plugin_manager=pm)
    try:
        return _story(book, store, clock, args.lang, _output_dir(args))
    finally:
        store.close()


def _output_dir(args: argparse.Namespace) -> Path | None:
    if args.output_dir:
        return Path(args.output_dir)
    if args.store.startswith("sqlite:"):
        return Path(args.store.removeprefix("sqlite:")).resolve().parent
    return None


def _story(
    book: Casebook, store: CaseStore, clock: FixedClock, lang: str, out: Path | None = None
) -> int:
    """Tell the nine chapters in order; 1 as soon as a step does not behave as the law says.

    Each chapter gets what it needs from the ones before it (the case id, the day)
    as arguments and returns what the next needs.
    """
    stage = _Stage(book=book, clock=clock, lang=lang, cast=_cast())
    case_id, today = _open_the_case(stage)
    if not _assess_eligibility(stage, today):
        return 1
    meeting_day = _open_the_stafettlogg(stage, case_id, today)
    _prepare_the_meeting(stage, case_id, meeting_day)
    due_day = _obligations_fall_due(stage, case_id)
    if due_day is None:
        return 1
    accepted_on = _hand_over_the_baton(stage, case_id, due_day)
    if accepted_on is None:
        return 1
    _appoint_a_barnekoordinator(stage, case_id, accepted_on)
    _show_the_family_view(stage, case_id)
    if out is not None:
        _export_for_the_journal(stage, case_id, out)
    verified = _verify_store(store, accepted_on)
    if out is not None:  # the command always has a folder; a test telling the story may not
        _write_the_archive(stage, case_id, out)
    return verified


@attrs.frozen(kw_only=True)
class _Cast:
    """The synthetic family, the professionals, and the principals they act as."""

    born: date
    child_id: PersonId
    mother_id: PersonId
    father_id: PersonId
    ke_staff: Professional
    ped: Professional
    nurse: Professional
    physio: Professional
    ppt: Professional
    ke: Principal
    as_ped: Principal
    as_physio: Principal
    as_nurse: Principal
    as_ppt: Principal
    mother: Principal


def _cast() -> _Cast:
    """Synthetic identities (Tenor style), the staff and who signs in as whom."""
    policy = IdentifierPolicy.testing()
    born = date(2021, 3, 14)
    child_id = PersonId.parse(synthetic_fodselsnummer(born), policy=policy)
    mother_id = PersonId.parse(synthetic_fodselsnummer(date(1990, 6, 2)), policy=policy)
    father_id = PersonId.parse(synthetic_fodselsnummer(date(1988, 11, 23)), policy=policy)
    org = Organisasjonsnummer.parse(_ORG["kommune"])

    def staff(ref: str, service: ServiceKind, title: str, name: str) -> Professional:
        return Professional(ref=ref, service=service, organisation=org, title=title, name=name)

    ped = staff("ped-leder-1", ServiceKind.BARNEHAGE, "pedagogisk leder", "Nora")
    nurse = staff("hs-kari", ServiceKind.HELSESTASJON, "helsesykepleier", "Kari")
    physio = staff("fysio-ali", ServiceKind.FYSIOTERAPI, "fysioterapeut", "Ali")
    ppt = staff("ppt-ola", ServiceKind.PPT, "rådgiver", "Ola")
    ke_staff = staff("ke-siri", ServiceKind.KOORDINERENDE_ENHET, "koordinator", "Siri")

    def principal(ref: str, label: str, **extra: Any) -> Principal:
        return Principal(
            subject=ref,
            display_label=label,
            assurance=AssuranceLevel.HIGH,
            municipality_number="0301",
            **extra,
        )

    ke = principal("ke-siri", "Siri, koordinerende enhet", roles={"koordinerende-enhet"})
    as_ped = principal(ped.ref, "Nora, barnehage", roles={"caseworker"})
    as_physio = principal(physio.ref, "Ali, fysioterapi", roles={"caseworker"})
    as_nurse = principal(nurse.ref, "Kari, helsestasjon", roles={"caseworker"})
    as_ppt = principal(ppt.ref, "Ola, PPT", roles={"caseworker"})
    mother = Principal(
        subject="idporten-mor",
        display_label="Mor",
        assurance=AssuranceLevel.HIGH,
        national_id=mother_id,
    )
    return _Cast(
        born=born,
        child_id=child_id,
        mother_id=mother_id,
        father_id=father_id,
        ke_staff=ke_staff,
        ped=ped,
        nurse=nurse,
        physio=physio,
        ppt=ppt,
        ke=ke,
        as_ped=as_ped,
        as_physio=as_physio,
        as_nurse=as_nurse,
        as_ppt=as_ppt,
        mother=mother,
    )


@attrs.frozen
class _Stage:
    """What every chapter plays on: the casebook, its scripted clock, the language, the cast."""

    book: Casebook
    clock: FixedClock
    lang: str
    cast: _Cast

    def on(self, day: date, hour: int = 9) -> date:
        """Set the scripted clock to ``hour`` o'clock on ``day``; return the casebook's today."""
        self.clock.set(datetime.combine(day, time(hour, 0), tzinfo=UTC))
        return self.book.today()

    def do(self, who: Principal, case_id: str, command: Callable[[Case], Any]) -> Recorded:
        """Run ``command`` on the case as ``who`` through the casebook (ids come back)."""
        return self.book.execute(who, case_id, command)

    def look(self, who: Principal, case_id: str) -> CaseView:
        """The case as ``who`` may see it today (an audited read)."""
        return self.book.read(who, case_id)


def _open_the_case(stage: _Stage) -> tuple[str, date]:
    """1. Koordinerende enhet opens the case; returns its id and the day it opened."""
    from barnekoordinator.coordination.roles import Role, grant_role

    book, do, on, cast = stage.book, stage.do, stage.on, stage.cast
    born, child_id, mother_id, father_id = cast.born, cast.child_id, cast.mother_id, cast.father_id
    ke, ke_staff, ped, nurse, physio = cast.ke, cast.ke_staff, cast.ped, cast.nurse, cast.physio
    _heading("1. Koordinerende enhet opens a case for a synthetic family")
    today = on(_START)
    guardians = (
        Guardian(
            ref="mor",
            relation=GuardianRelation.MOTHER,
            parental_responsibility=True,
            person_id=mother_id,
        ),
        Guardian(
            ref="far",
            relation=GuardianRelation.FATHER,
            parental_responsibility=True,
            person_id=father_id,
        ),
    )
    joining = [ParticipantJoined(participant=p) for p in (ke_staff, ped, nurse, physio)]
    individual = 500  # the first individual numbers of children born 2000–2039
    while True:
        child = Child(ref="child", birth_date=born, person_id=child_id, name="Emma")
        try:
            case_id = book.open_case(
                ke,
                [
                    open_case(municipality_number="0301", subject=child, guardians=guardians),
                    *joining,
                ],
            )
            break
        except CaseAlreadyOpen as referred:
            # An earlier run left this child's case open: one plan per person, so the
            # opening is referred to it. The story goes on with another synthetic child.
            _say(f"   referred to case {referred.case_id}: this child already has an open case")
            child_id, individual = _another_child(born, individual)
    do(
        ke,
        case_id,
        lambda c: grant_role(
            c, ref=ke_staff.ref, role=Role.KOORDINERENDE_ENHET, by=ke.subject, as_of=today
        ),
    )
    _say(f"case {case_id}: child born {born.isoformat()} (id {child_id}), two guardians")
    _say("participants: koordinerende enhet, barnehage, helsestasjon, fysioterapi")
    return case_id, today


def _another_child(born: date, after: int) -> tuple[PersonId, int]:
    """The next synthetic child born on ``born`` (Tenor style) and its individual number."""
    for individual in range(after + 1, 1000):
        try:
            number = synthetic_fodselsnummer(born, individual=individual)
        except InvalidInput:
            continue  # a control digit of 10: no such number
        return PersonId.parse(number, policy=IdentifierPolicy.testing()), individual
    raise InvalidInput(f"no synthetic child born {born.isoformat()} is left for the demo")


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
    _heading("2. Eligibility, condition by condition, with the legal basis")
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
        bti_level=2,
    )
    result = assess(facts, as_of=today, settings=book.settings)
    for right in (result.barnekoordinator, result.koordinator, result.individual_plan):
        basis = ", ".join(r.citation for r in right.basis)
        _say(
            f"{right.right.value:<18} {right.outcome.value:<17} → {right.action.value:<8} ({basis})"
        )
    for condition in result.barnekoordinator.conditions:
        _say(f"   {condition.outcome.value:<17} {condition.explanation.get(lang)}")
    if result.barnekoordinator.outcome.value != "met":
        _say("unexpected: the baseline family should be eligible (pbrl § 2-5 c)")
        return False
    return True


def _open_the_stafettlogg(stage: _Stage, case_id: str, today: date) -> date:
    """3. Consent and the stafettlogg with two tiltak; returns the day of the first meeting."""
    from barnekoordinator.coordination.stafettlogg import (
        BtiLevel,
        add_log_measure,
        open_stafettlogg,
    )

    do, cast = stage.do, stage.cast
    ke, as_ped, as_physio = cast.ke, cast.as_ped, cast.as_physio
    ped, physio = cast.ped, cast.physio
    _heading("3. Consent from both parents, then the stafettlogg (BTI nivå 2)")
    for purpose, consent_id in (
        (ConsentPurpose.STAFETTLOGG, "k-logg-1"),
        (ConsentPurpose.SHARE_INFORMATION, "k-deling-1"),
    ):
        do(
            ke,
            case_id,
            partial(
                give_consent,
                consent_id=consent_id,
                purpose=purpose,
                given_by=("mor", "far"),
                services=_COVERED,
                as_of=today,
            ),
        )
    do(
        as_ped,
        case_id,
        lambda c: open_stafettlogg(
            c, by=ped.ref, holder_ref=ped.ref, level=BtiLevel.NIVAA_2, as_of=today
        ),
    )
    do(
        as_ped,
        case_id,
        lambda c: add_log_measure(
            c,
            tiltak_id="t-lek",
            by=ped.ref,
            description="Tilrettelagt lek og motorisk trening i barnehagen",
            responsible_ref=ped.ref,
            evaluation_date=today + timedelta(days=42),
            as_of=today,
        ),
    )
    do(
        as_physio,
        case_id,
        lambda c: add_log_measure(
            c,
            tiltak_id="t-fysio",
            by=physio.ref,
            description="Fysioterapi to ganger i uken",
            responsible_ref=physio.ref,
            evaluation_date=today + timedelta(days=17),
            as_of=today,
        ),
    )
    holder = ", ".join(stage.look(as_ped, case_id).holders("stafettholder"))
    _say(f"stafettholder: {holder}; two tiltak, each with an owner and an evaluation date")
    return today + timedelta(days=14)


def _prepare_the_meeting(stage: _Stage, case_id: str, meeting_day: date) -> None:
    """4. A concern is noted, the meeting is called with an agenda built from the case."""
    from barnekoordinator.coordination.meetings import bring_line, prepare_meeting
    from barnekoordinator.coordination.stafettlogg import (
        Meeting,
        ObservationKind,
        record_minutes,
        record_observation,
        schedule_meeting,
    )
    from barnekoordinator.texts import text

    book, do, on, cast, lang = stage.book, stage.do, stage.on, stage.cast, stage.lang
    as_nurse, as_ped = cast.as_nurse, cast.as_ped
    ped, nurse, physio = cast.ped, cast.nurse, cast.physio
    _heading("4. Meeting preparation: the agenda builds itself")
    today = on(meeting_day - timedelta(days=4))
    do(
        as_nurse,
        case_id,
        lambda c: record_observation(
            c,
            observation_id="o-1",
            by=nurse.ref,
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
            invited=(nurse.ref, physio.ref),
            as_of=today,
        )

    do(as_ped, case_id, call_the_meeting)
    called = stage.look(as_ped, case_id).entry("stafettlogg:m-1")  # the holder opens the case
    if called is not None and isinstance(called.content, Meeting):
        for line in called.content.agenda:
            _say(f"   • {line}")
    today = on(meeting_day)
    do(
        as_ped,
        case_id,
        lambda c: record_minutes(
            c,
            meeting_id="m-1",
            by=ped.ref,
            text="Tiltakene fortsetter. Foreldrene ønsker barnekoordinator.",
            attended=(ped.ref, nurse.ref, physio.ref),
            as_of=today,
        ),
    )
    _say("minutes written into the log")


def _obligations_fall_due(stage: _Stage, case_id: str) -> date | None:
    """5. What is due or overdue, as the stafettholder sees it; None unless one is overdue."""
    book, on, as_ped = stage.book, stage.on, stage.cast.as_ped
    _heading("5. Deadlines: what is due or overdue today, as the stafettholder sees it")
    today = on(_START + timedelta(days=36))
    due = book.agenda(as_ped, case_id=case_id, until=today + timedelta(days=14))
    for row in due:
        status = "overdue" if row.due < today else "due"
        _say(f"   {status:<8} {row.due.isoformat()} {row.kind.value} {row.key} ({row.detail})")
    if not any(row.due < today and row.kind.value == "evaluation-due" for row in due):
        _say("unexpected: the physiotherapy evaluation should be overdue")
        return None
    return today


def _hand_over_the_baton(stage: _Stage, case_id: str, today: date) -> date | None:
    """6. The handover to PPT; returns the day PPT accepts, or None if it was not refused first."""
    from barnekoordinator.coordination.handover import accept_handover, propose_handover

    do, on, cast = stage.do, stage.on, stage.cast
    ke, as_ped, as_ppt, ped, ppt = cast.ke, cast.as_ped, cast.as_ppt, cast.ped, cast.ppt
    _heading("6. Handover to PPT: refused until consent covers PPT, then accepted")
    do(ke, case_id, lambda c: ParticipantJoined(participant=ppt))
    try:
        do(as_ped, case_id, lambda c: propose_handover(c, to_ref=ppt.ref, by=ped.ref, as_of=today))
    except ConsentRequired as refused:
        _say(f"   refused: {refused}")
    else:
        _say("unexpected: a handover to a service without consent must be refused")
        return None
    for purpose, consent_id in (
        (ConsentPurpose.STAFETTLOGG, "k-logg-2"),
        (ConsentPurpose.SHARE_INFORMATION, "k-deling-2"),
    ):
        do(
            ke,
            case_id,
            partial(
                give_consent,
                consent_id=consent_id,
                purpose=purpose,
                given_by=("mor", "far"),
                services=(*_COVERED, ServiceKind.PPT),
                as_of=today,
            ),
        )
    do(as_ped, case_id, lambda c: propose_handover(c, to_ref=ppt.ref, by=ped.ref, as_of=today))
    holder = ", ".join(stage.look(as_ped, case_id).holders("stafettholder"))
    _say(f"   proposed; holder is still {holder} until PPT accepts")
    today = on(today + timedelta(days=3))
    do(as_ppt, case_id, lambda c: accept_handover(c, by=ppt.ref, as_of=today))
    holder = ", ".join(stage.look(as_ppt, case_id).holders("stafettholder"))
    _say(f"   accepted; holder is now {holder}")
    return today


def _appoint_a_barnekoordinator(stage: _Stage, case_id: str, today: date) -> None:
    """7. With the parents' consent, the municipality appoints the nurse as barnekoordinator."""
    from barnekoordinator.coordination.appointments import appoint_barnekoordinator

    book, do, ke, nurse = stage.book, stage.do, stage.cast.ke, stage.cast.nurse
    _heading("7. The municipality appoints a barnekoordinator (hotl § 7-2 a)")
    do(
        ke,
        case_id,
        lambda c: give_consent(
            c,
            consent_id="k-bk-1",
            purpose=ConsentPurpose.BARNEKOORDINATOR,
            given_by=("mor", "far"),
            services=(ServiceKind.HELSESTASJON,),
            as_of=today,
            note="Foreldrene ønsker barnekoordinator (hotl § 7-2 a første ledd).",
        ),
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
    mode = stage.look(ke, case_id).mode
    _say(f"   mode: {mode.value}; the stafettlogg and its tiltak stay in the same history")


def _show_the_family_view(stage: _Stage, case_id: str) -> None:
    """8. What the mother sees of the case, and who has looked."""
    book, lang, mother = stage.book, stage.lang, stage.cast.mother
    _heading("8. What the mother sees today, and who has looked")
    view = book.read(mother, case_id)
    _say(f"   {len(view.entries)} entries visible to her; child's age {view.child_age}")
    _say(book.who_looked(mother, case_id, lang))


def _export_for_the_journal(stage: _Stage, case_id: str, out: Path) -> None:
    """8b. Koordinerende enhet exports the case as a FHIR R4 Bundle (audited, no identifiers)."""
    _heading("8b. The case goes to the journal as a FHIR R4 Bundle")
    result = stage.book.export(stage.cast.ke, case_id, "fhir-r4")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"case-{case_id}.fhir-r4.json"
    path.write_bytes(result.content)
    _say(f"   {len(result.content)} bytes written to {path}")


def _verify_store(store: CaseStore, today: date) -> int:
    """9. The operator verifies every case in the store; only counts are printed.

    This is back office: the store is read without a principal, so nothing of a
    case is shown — how many cases, events, audit records and agenda rows.
    """
    from barnekoordinator._cli.verify import verify_store

    _heading("9. Every case in the store verifies (hash chains of history and audit)")
    report = verify_store(store)
    for problem in report.problems:
        _say(f"   problem: {problem}")
    verdict = "all verified" if report.ok else f"{len(report.problems)} problem(s)"
    _say(
        f"   {report.cases} case(s), {report.events} event(s), "
        f"{report.audit_records} audit record(s): {verdict}"
    )
    due = store.agenda(until=today + timedelta(days=60))
    _say(f"   agenda across all cases, next 60 days: {len(due)} item(s)")
    return 0 if report.ok else 1


def _write_the_archive(stage: _Stage, case_id: str, out: Path) -> None:
    """10. The archive document (HTML, and PDF/A when the ``archive`` extra is installed).

    Made by the stafettholder (PPT), who archives the log's printout in practice, through
    [`Casebook.export()`][barnekoordinator.casebook.Casebook.export]: one audited read each,
    with the consents, the stafettlogg's baton history, the plans, the decisions and the
    complaints as PPT may read them today, in the demo's language.
    """
    from pathlib import Path

    from barnekoordinator.errors import MissingExtraError
    from barnekoordinator_plugins.archive import HtmlArchiveExporter, PdfArchiveExporter

    _heading("10. The archive document (arkivlova, forskrift om offentlige arkiv § 9)")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    lang = stage.lang
    for exporter, name in (
        (HtmlArchiveExporter(lang=lang), f"archive-{lang}.html"),
        (PdfArchiveExporter(lang=lang), f"archive-{lang}.pdf"),
    ):
        try:
            content = stage.book.export(stage.cast.as_ppt, case_id, exporter).content
        except MissingExtraError as missing:
            _say(f"   {name}: not written ({missing})")
            continue
        (folder / name).write_bytes(content)
        _say(f"   {name}: {(folder / name).resolve()}")
