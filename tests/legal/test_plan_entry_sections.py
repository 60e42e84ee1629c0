"""IP-06: the individual plan's health content is a health entry, whoever wrote it.

pbrl § 3-4 first and fourth ledd and § 4-3 b (domain.md §6.2, §6.3 rule 1): from 16 the young
person decides over her health information and the guardians get only what is necessary to
fulfil foreldreansvaret. A plan item's section follows what the item *is* — a measure's own
service, a contributing professional's service, the service a cooperation item is with — not
only the service of whoever wrote it: a BUP measure written by the school side (PPT) is a health
entry. Each scenario is read through the Casebook as the person who reads.
"""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from barnekoordinator.access.consent import (
    ConsentPurpose,
    Section,
    entitled_consenters,
    give_consent,
)
from barnekoordinator.access.entries import entries
from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.casebook import Casebook
from barnekoordinator.coordination.plan import (
    add_contribution,
    add_cooperation,
    add_plan_measure,
    start_plan,
)
from barnekoordinator.errors import AccessDenied
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    STANDARD_PROFESSIONALS,
    CaseRun,
    child_aged,
    consent_all,
    father,
    mother,
    new_case,
    professional,
)
from barnekoordinator.testing.exporters import into_casebook, staff_principal
from barnekoordinator_plugins.memory import InMemoryCaseStore

DAY = DEFAULT_AS_OF
S = ServiceKind
P = ConsentPurpose
MOR_ID = PersonId.parse(
    synthetic_fodselsnummer(date(1984, 5, 6)), policy=IdentifierPolicy.testing()
)
MOTHER = Principal(
    subject="idp-mor", display_label="Mor", assurance=AssuranceLevel.HIGH, national_id=MOR_ID
)
TEACHER = staff_principal("kl")
PLAN_SERVICES = (S.PPT, S.SKOLE, S.BUP, S.HELSESTASJON, S.KOORDINERENDE_ENHET)
BUP_MEASURE = "plan:ip-1:m-bup"


def _plan(age: int) -> CaseRun:
    """A child of ``age`` with a plan the PP-tjeneste (school side) started and wrote: a BUP
    measure for an eating disorder, BUP's contribution and cooperation with BUP."""
    run = new_case(
        subject=child_aged(age),
        guardians=(attrs.evolve(mother(), person_id=MOR_ID), father()),
        professionals=[
            *(professional(r, s, title=t) for r, s, t in STANDARD_PROFESSIONALS),
            professional("bup", S.BUP, title="psykolog"),
        ],
        leaders=("styrer",),
        koordinerende_enhet=("ke",),
    )
    consent_all(run, P.INDIVIDUAL_PLAN, PLAN_SERVICES, consent_id="ip")
    run.run(start_plan, plan_id="ip-1", by="ppt", as_of=DAY)
    run.run(
        add_plan_measure,
        measure_id="m-bup",
        by="ppt",
        description="Poliklinisk behandling for spiseforstyrrelse",
        scope="ukentlig",
        responsible_ref="bup",
        implementation="BUP-poliklinikken",
        service=S.BUP,
        as_of=DAY,
    )
    run.run(
        add_contribution,
        contribution_id="c-bup",
        by="ppt",
        contributor_ref="bup",
        what="Samtaler om spising",
        as_of=DAY,
    )
    run.run(
        add_cooperation,
        cooperation_id="co-bup",
        by="ppt",
        with_service=S.BUP,
        description="Samarbeid om behandlingen",
        as_of=DAY,
    )
    return run


def _share_with_teacher(run: CaseRun, section: Section) -> None:
    """Those entitled today let the school read the ``section`` section (taushetsplikt)."""
    givers = entitled_consenters(run.case, P.SHARE_INFORMATION, (section,), as_of=DAY)
    run.run(
        give_consent,
        consent_id=f"share-{section.value}",
        purpose=P.SHARE_INFORMATION,
        given_by=sorted(givers),
        services=[S.SKOLE],
        sections=[section],
        as_of=DAY,
    )


def _book(run: CaseRun) -> Casebook:
    return into_casebook(InMemoryCaseStore(), run, as_of=DAY)


def _reads(book: Casebook, who: Principal, entry_id: str) -> bool:
    try:
        book.read_entry(who, "case-1", entry_id)
    except AccessDenied:
        return False
    return True


def test_a_plan_item_is_in_its_own_service_section_pbrl_3_4() -> None:
    """pbrl § 3-4, § 4-3 b: the BUP measure, BUP's contribution and the cooperation with BUP,
    all written by the PP-tjeneste, are health entries; the author stays the PP-tjeneste."""
    metas = {e.meta.id: e.meta for e in entries(_plan(16).case)}
    for entry_id in (BUP_MEASURE, "plan:ip-1:c-bup", "plan:ip-1:co-bup"):
        assert metas[entry_id].section is Section.HEALTH, entry_id
        assert metas[entry_id].author_service is S.PPT
    # The overview's rule is the author's (unchanged), and so is an item without a service.
    run = _plan(16)
    run.run(
        add_plan_measure,
        measure_id="m-school",
        by="ppt",
        description="Tilrettelagt timeplan",
        scope="daglig",
        responsible_ref="kl",
        implementation="i klassen",
        as_of=DAY,
    )
    metas = {e.meta.id: e.meta for e in entries(run.case)}
    assert metas["plan:ip-1:m-school"].section is Section.EDUCATION


def test_health_personnel_s_plan_items_stay_health_entries_pbrl_3_4() -> None:
    """pbrl § 3-4: what health personnel write stays health information — a school measure
    written by the helsesykepleier is a health entry, as a health measure written by the school
    side is (health wins whichever of the two is health)."""
    run = _plan(16)
    run.run(
        add_plan_measure,
        measure_id="m-rest",
        by="hs",
        description="Hvilerom ved behov",
        scope="daglig",
        responsible_ref="kl",
        implementation="på skolen",
        service=S.SKOLE,
        as_of=DAY,
    )
    metas = {e.meta.id: e.meta for e in entries(run.case)}
    assert metas["plan:ip-1:m-rest"].section is Section.HEALTH
    assert metas[BUP_MEASURE].section is Section.HEALTH


def test_ip06_mother_of_a_16_year_old_no_longer_reads_the_bup_measure_pbrl_3_4_4_3_b() -> None:
    """IP-06, pbrl § 3-4 (1)+(4), § 4-3 b: from 16 the guardians get only what is necessary for
    foreldreansvaret; a BUP measure in the plan is not theirs to read, whoever wrote it."""
    book = _book(_plan(16))
    assert not _reads(book, MOTHER, BUP_MEASURE)
    assert not _reads(book, MOTHER, "plan:ip-1:c-bup")
    assert not _reads(book, MOTHER, "plan:ip-1:co-bup")
    seen = {e.meta.id for e in book.read(MOTHER, "case-1").entries}
    assert BUP_MEASURE not in seen
    assert "plan:ip-1:c-bup" not in seen


def test_ip06_a_teacher_reads_the_bup_measure_only_under_a_health_consent_pbrl_4_3_b() -> None:
    """pbrl § 4-3 b and taushetsplikt (domain.md §6.3 rule 5): the school reads the BUP measure
    when the young person's consent to share covers the health section, not on a consent for
    the education section."""
    run = _plan(16)
    _share_with_teacher(run, Section.EDUCATION)
    assert not _reads(_book(run), TEACHER, BUP_MEASURE)
    run = _plan(16)
    _share_with_teacher(run, Section.HEALTH)
    assert _reads(_book(run), TEACHER, BUP_MEASURE)


@pytest.mark.parametrize("age", [14, 15])
def test_guardians_of_a_child_under_16_still_read_the_bup_measure_pbrl_3_4(age: int) -> None:
    """pbrl § 3-4 first ledd: under 16 the guardians with foreldreansvar are informed, so they
    read the plan's BUP measure — a health entry — unless a professional withholds it."""
    run = _plan(age)
    assert {e.meta.id: e.meta for e in entries(run.case)}[BUP_MEASURE].section is Section.HEALTH
    assert _reads(_book(run), MOTHER, BUP_MEASURE)
