"""An export holds no case record or audit target that ``read()``/``who_looked()`` would not
show (issue 11, decision 45), for random families, contents, readers and receivers.

A child from newborn to 19 with two guardians (with or without foreldreansvar); random consents
(stafettlogg, sharing, individuell plan) for random services and sections, given by everyone
entitled or by one of them; a stafettlogg with an observation and a tiltak, sometimes withheld
from the guardians; a refusal of barnekoordinator naming random parties and a complaint by a
random family member; earlier reads of every entry by the nurse and the mother. Then a random
reader (a guardian, the child, a professional of several services, koordinerende enhet, a leader,
barnevern), logged in high or substantial, exports the case on a random later day, sometimes for
a receiving service. The properties:

* the view's consents, decisions and complaints are exactly those whose readers include the
  reader — the oracle is ``decide()`` on the case as stored: an entry of every section the record
  may hold (written by koordinerende enhet for a decision or complaint, by no service for a
  consent, a stafettlogg entry for a stafettlogg consent), or the reader speaks for the record
  (a party, the complainant, a giver) with a high login and may read a general entry — and, for
  a receiving service, a valid consent covers it for every such section;
* Min oversikt shows exactly the same decisions;
* who has looked is what ``who_looked()`` summarises, and no entry id ``decide()`` refuses the
  reader appears in it or in the frames; a frame names only consents the view holds.
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import attrs
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.audit import summarise_looks
from barnekoordinator.access.consent import (
    BARNEVERN,
    ConsentPurpose,
    Section,
    entitled_consenters,
    give_consent,
    ledger,
)
from barnekoordinator.access.entries import EntryMeta, GuardianVisibility, change_visibility
from barnekoordinator.access.entries import entries as entries_of
from barnekoordinator.access.policy import AccessAction, CaseRole, case_roles, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.config import MunicipalSettings
from barnekoordinator.coordination import stafettlogg
from barnekoordinator.errors import AccessDenied, BarnekoordinatorError
from barnekoordinator.exporting import ExportView
from barnekoordinator.history.case import Case
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Child
from barnekoordinator.rights.complaint_records import lodge_complaint, recorded_complaints
from barnekoordinator.rights.complaints import ComplaintForm
from barnekoordinator.rights.decision_records import record_individual_decision, recorded_decisions
from barnekoordinator.rights.eligibility import Right
from barnekoordinator.services import ServiceKind as S
from barnekoordinator.testing.archive import refused_decision
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    CaseRun,
    child_aged,
    father,
    mother,
    new_case,
    professional,
)
from barnekoordinator.testing.exporters import RecordingExporter, into_casebook, staff_principal
from barnekoordinator_plugins.archive import HtmlArchiveExporter
from barnekoordinator_plugins.memory import InMemoryCaseStore

DAY = DEFAULT_AS_OF
POLICY = IdentifierPolicy.testing()
MOR = PersonId.parse(synthetic_fodselsnummer(date(1981, 2, 3)), policy=POLICY)
FAR = PersonId.parse(synthetic_fodselsnummer(date(1978, 4, 5)), policy=POLICY)
STAFF = {
    "hs": S.HELSESTASJON,
    "kl": S.SKOLE,
    "lege": S.SYKEHUS,
    "bv": S.BARNEVERN,
    "ke": S.KOORDINERENDE_ENHET,
}
SETTINGS = MunicipalSettings(substantial_assurance_actions=frozenset({"read", "read-audit"}))
PURPOSES = (
    ConsentPurpose.STAFETTLOGG,
    ConsentPurpose.SHARE_INFORMATION,
    ConsentPurpose.INDIVIDUAL_PLAN,
)

consents = st.lists(
    st.tuples(
        st.sampled_from(PURPOSES),
        st.sets(st.sampled_from(sorted(STAFF.values(), key=str)), min_size=1),
        st.sets(st.sampled_from(list(Section)), min_size=1),
        st.booleans(),  # every entitled giver, or only the first
    ),
    max_size=4,
)
readers = st.sampled_from(["mother", "father", "child", "hs", "kl", "lege", "bv", "ke", "leader"])
receivers = st.one_of(st.none(), st.none(), st.sampled_from(sorted(STAFF.values(), key=str)))


def _case(
    age: int,
    responsible: tuple[bool, bool],
    given: list[tuple[ConsentPurpose, set[S], set[Section], bool]],
    withhold: bool,
    parties: set[str],
    complainant: str | None,
) -> CaseRun:
    run = new_case(
        subject=child_aged(age),
        guardians=(
            attrs.evolve(mother(parental_responsibility=responsible[0]), person_id=MOR),
            attrs.evolve(father(parental_responsibility=responsible[1]), person_id=FAR),
        ),
        professionals=[
            professional(ref, service) for ref, service in (*STAFF.items(), ("styrer", S.SKOLE))
        ],
        leaders=("styrer",),
        koordinerende_enhet=("ke",),
    )

    def attempt(command: object, **kwargs: object) -> None:
        with contextlib.suppress(BarnekoordinatorError):
            run.run(command, **kwargs)  # type: ignore[arg-type]

    for n, (purpose, services, sections, everyone) in enumerate(given):
        entitled = sorted(
            entitled_consenters(run.case, purpose, sections, as_of=DAY, settings=run.settings)
        )
        attempt(
            give_consent,
            consent_id=f"k{n}",
            purpose=purpose,
            given_by=entitled if everyone else entitled[:1],
            services=services,
            sections=sections,
            as_of=DAY,
            note=f"Merknad k{n}",
        )
    attempt(
        stafettlogg.open_stafettlogg,
        by="hs",
        holder_ref="hs",
        level=stafettlogg.BtiLevel.NIVAA_1,
        as_of=DAY,
    )
    attempt(
        stafettlogg.record_observation,
        observation_id="o1",
        by="hs",
        kind=stafettlogg.ObservationKind.OPPMERKSOMHET,
        text="Observasjon o1",
        as_of=DAY,
    )
    attempt(
        stafettlogg.add_log_measure,
        tiltak_id="t1",
        by="hs",
        description="Tiltak t1",
        responsible_ref="hs",
        evaluation_date=DAY + timedelta(days=20),
        as_of=DAY,
    )
    if withhold:
        visibility = (
            GuardianVisibility.WITHHELD_BY_CHILD_REQUEST
            if 12 <= age < 16
            else GuardianVisibility.WITHHELD_WEIGHTY_REASONS
        )
        attempt(
            change_visibility,
            entry_id="stafettlogg:o1",
            visibility=visibility,
            decided_by="hs",
            reason="vurdert",
            as_of=DAY,
        )
    decision = refused_decision(DAY, parties=tuple(sorted(parties)))
    attempt(record_individual_decision, decision=decision, decision_id="v1", by="ke", as_of=DAY)
    if complainant is not None:
        attempt(
            lodge_complaint,
            complaint_ref="c1",
            decision_ref="v1",
            right=Right.BARNEKOORDINATOR,
            complainant_ref=complainant,
            knowledge_date=DAY,
            received_on=DAY,
            form=ComplaintForm.WRITTEN_SIGNED,
            by="ke",
        )
    return run


def _principal(who: str, run: CaseRun, level: AssuranceLevel) -> Principal:
    child = run.case.subject
    assert isinstance(child, Child)
    people = {"mother": MOR, "father": FAR, "child": child.person_id}
    if who in people:
        return Principal(
            subject=f"idp-{who}",
            display_label=who,
            assurance=level,
            national_id=people[who],
            roles=frozenset({SystemRole.CITIZEN}),
        )
    if who == "leader":
        return attrs.evolve(staff_principal("styrer", "Styrer", SystemRole.LEADER), assurance=level)
    return attrs.evolve(staff_principal(who, who), assurance=level)


# --- the oracle: decide() on the case as stored ----------------------------------------------


def _metas(
    record_id: str, kind: str, sections: object, on: date, by: str, service: S | None
) -> list[EntryMeta]:
    return [
        EntryMeta(
            id=record_id, kind=kind, section=s, author_ref=by, author_service=service, created_on=on
        )
        for s in sections  # type: ignore[attr-defined]
    ]


def _speaks_for(who: Principal, case: Case) -> set[str]:
    held = case_roles(who, case)
    refs = set()
    if CaseRole.GUARDIAN in held:
        refs |= {g.ref for g in case.guardians if g.person_id == who.national_id}
    if CaseRole.CHILD in held and case.subject is not None:
        refs.add(case.subject.ref)
    if CaseRole.BARNEVERN in held:
        refs.add(BARNEVERN)
    return refs


def _receiver_covered(case: Case, receiver: S, meta: EntryMeta, as_of: date) -> bool:
    if meta.author_service is receiver:
        return True
    purposes = [ConsentPurpose.SHARE_INFORMATION]
    if meta.kind.startswith("stafettlogg"):
        purposes.append(ConsentPurpose.STAFETTLOGG)
    return any(
        ledger(case).covers(
            case, p, as_of=as_of, service=receiver, section=meta.section, settings=SETTINGS
        )
        for p in purposes
    )


def _reads(
    who: Principal,
    case: Case,
    as_of: date,
    metas: list[EntryMeta],
    own: set[str],
    receiver: S | None,
) -> bool:
    def may(meta: EntryMeta) -> bool:
        return decide(who, case, AccessAction.READ, meta, as_of, settings=SETTINGS).allowed

    if receiver is not None and not all(_receiver_covered(case, receiver, m, as_of) for m in metas):
        return False
    # A health section needs a high login (Normen); the rest may take substantial here.
    strong = who.assurance is AssuranceLevel.HIGH or all(
        m.section is not Section.HEALTH for m in metas
    )
    if (
        own & _speaks_for(who, case)
        and strong
        and may(attrs.evolve(metas[0], section=Section.GENERAL))
    ):
        return True
    return all(may(m) for m in metas)


def _expected(who: Principal, case: Case, as_of: date, receiver: S | None) -> tuple[set[str], ...]:
    every = list(Section)
    ke = S.KOORDINERENDE_ENHET
    consents = {
        k.id
        for k in ledger(case).consents
        if _reads(
            who,
            case,
            as_of,
            _metas(
                "consent:" + k.id,
                "stafettlogg.consent" if k.purpose is ConsentPurpose.STAFETTLOGG else "consent",
                [s for s in every if s in k.sections],
                k.valid_from,
                "",
                None,
            ),
            set(k.given_by) | ({k.withdrawn_by} if k.withdrawn_by else set()),
            receiver,
        )
    }
    decisions = {
        d.decision_id
        for d in recorded_decisions(case)
        if _reads(
            who,
            case,
            as_of,
            _metas("decision", "individual-decision", every, d.decided_on, d.by, ke),
            {p.ref for p in d.parties},
            receiver,
        )
    }
    complaints = {
        r.complaint.ref
        for r in recorded_complaints(case)
        if _reads(
            who,
            case,
            as_of,
            _metas("complaint", "complaint", every, r.complaint.received_on, "", ke),
            {r.complainant_ref},
            receiver,
        )
    }
    return consents, decisions, complaints


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    age=st.integers(0, 19),
    responsible=st.tuples(st.booleans(), st.booleans()),
    given=consents,
    withhold=st.booleans(),
    parties=st.sets(st.sampled_from(["mor", "far", "child"]), min_size=1),
    complainant=st.sampled_from([None, "mor", "far", "child"]),
    later=st.integers(0, 800),
    reader=readers,
    level=st.sampled_from([AssuranceLevel.HIGH, AssuranceLevel.HIGH, AssuranceLevel.SUBSTANTIAL]),
    receiver=receivers,
)
def test_an_export_holds_only_the_records_and_looks_its_reader_may_see(
    age: int,
    responsible: tuple[bool, bool],
    given: list[tuple[ConsentPurpose, set[S], set[Section], bool]],
    withhold: bool,
    parties: set[str],
    complainant: str | None,
    later: int,
    reader: str,
    level: AssuranceLevel,
    receiver: S | None,
) -> None:
    run = _case(age, responsible, given, withhold, parties, complainant)
    today = DAY + timedelta(days=later)
    book = into_casebook(InMemoryCaseStore(), run, as_of=today, settings=SETTINGS)
    case = run.case
    who = _principal(reader, run, level)
    for earlier in ("hs", "mother"):  # looks whose targets name entries
        for entry in entries_of(case):
            with contextlib.suppress(BarnekoordinatorError):
                book.read_entry(
                    _principal(earlier, run, AssuranceLevel.HIGH), case.id, entry.meta.id
                )
    trail = book.store.read_audit(case.id)
    spy = RecordingExporter(HtmlArchiveExporter(lang="nb"))
    try:
        book.export(who, case.id, spy, for_service=receiver)
    except AccessDenied:
        event("refused")
        return
    view: ExportView = spy.views[0]
    event(f"{len(view.consents)} consents, {len(view.decisions)} decisions")
    consents_, decisions_, complaints_ = _expected(who, case, today, receiver)
    names = decide(who, case, AccessAction.READ, None, today, settings=SETTINGS).role is not (
        CaseRole.LEADER
    )
    if not names:
        consents_, decisions_, complaints_ = set(), set(), set()
    assert {k.id for k in view.consents} == consents_
    assert {d.decision_id for d in view.decisions} == decisions_
    assert {r.complaint.ref for r in view.complaints} == complaints_
    # who has looked: what who_looked() summarises, and nothing of an entry the reader may not read
    may_audit = decide(who, case, AccessAction.READ_AUDIT, None, today, settings=SETTINGS).allowed
    assert view.audit == (summarise_looks(trail) if may_audit else ())
    refused = [
        e.meta.id
        for e in entries_of(case)
        if not decide(who, case, AccessAction.READ, e.meta, today, settings=SETTINGS).allowed
    ]
    for entry_id in refused:
        assert entry_id not in repr(view.audit)
        assert not any(entry_id in log.item_ids for log in view.logs)
    held = {k.id for k in view.consents}
    assert all(set(f.consent_ids) <= held for f in (*view.logs, *view.plans))
    if receiver is None:
        with contextlib.suppress(AccessDenied):
            page = book.overview(who, case.id, lang="nb")
            assert set(page.decision_ids) == decisions_
