"""BTI-02: an undring reported to barnevernstjenesten without the guardians is kept from them.

domain.md §7.2 and scenario BTI-02 `[V:S58]` (BTI is a practice model, §7.1): severe suspicion is
reported to barnevernstjenesten (bvl § 13-2, the basis the nivå-0 decision records) **without
involving the guardians**. Whether that decision is made at registration
(``register_undring(suspected_abuse=True)``) or afterwards at nivå 0
(``decide_nivaa0(outcome=REPORT_TO_BARNEVERN, involve_guardians=False)``), the undring entry, which
also carries the decision, is withheld from the guardians for weighty reasons concerning the
child (pbrl § 3-4 third ledd, the basis the access policy cites).
"""

from __future__ import annotations

from datetime import date, timedelta

from barnekoordinator.access.entries import Entry, GuardianVisibility, entries
from barnekoordinator.access.policy import AccessAction, decide
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.coordination.meetings import AgendaTopic, prepare_meeting
from barnekoordinator.coordination.stafettlogg import (
    Nivaa0Decided,
    Nivaa0Outcome,
    decide_nivaa0,
    register_undring,
)
from barnekoordinator.identifiers import IdentifierPolicy, PersonId, synthetic_fodselsnummer
from barnekoordinator.people import Guardian, GuardianRelation
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    STANDARD_PROFESSIONALS,
    CaseRun,
    child_aged,
    new_case,
    professional,
)
from barnekoordinator.testing.exporters import into_casebook
from barnekoordinator_plugins.memory import InMemoryCaseStore

D = DEFAULT_AS_OF
MOTHER_ID = PersonId.parse(
    synthetic_fodselsnummer(date(1985, 3, 4)), policy=IdentifierPolicy.testing()
)
MOTHER = Principal(
    subject="idporten-mor",
    display_label="Mor",
    assurance=AssuranceLevel.HIGH,
    national_id=MOTHER_ID,
    roles=frozenset({SystemRole.CITIZEN}),
)


def _case() -> CaseRun:
    """An eight-year-old whose mother (with foreldreansvar) can log in, and the usual staff."""
    return new_case(
        subject=child_aged(8),
        guardians=(
            Guardian(
                ref="mor",
                relation=GuardianRelation.MOTHER,
                parental_responsibility=True,
                person_id=MOTHER_ID,
            ),
        ),
        professionals=[professional(r, s, title=t) for r, s, t in STANDARD_PROFESSIONALS],
        leaders=("styrer",),
        koordinerende_enhet=("ke",),
    )


def _undring(run: CaseRun, undring_id: str, **decision: object) -> None:
    run.run(
        register_undring,
        undring_id=undring_id,
        by="kl",
        description=f"Blåmerker ({undring_id})",
        as_of=D,
    )
    run.run(
        decide_nivaa0,
        undring_id=undring_id,
        outcome=Nivaa0Outcome.REPORT_TO_BARNEVERN,
        by="kl",
        as_of=D + timedelta(days=1),
        reason=f"mistanke om vold ({undring_id})",
        **decision,
    )


def _entry(run: CaseRun, entry_id: str) -> Entry:
    return next(e for e in entries(run.case) if e.meta.id == entry_id)


def test_bti_02_report_without_guardians_at_nivaa0_is_withheld_pbrl_3_4() -> None:
    """BTI-02 [V:S58], domain.md §7.2; pbrl § 3-4 third ledd: decided later, withheld the same.

    The report rests on bvl § 13-2; a report made *with* the guardians stays visible to them.
    """
    run = _case()
    _undring(run, "u1", involve_guardians=False)
    _undring(run, "u2", involve_guardians=True)
    assert "bvl-13-2" in Nivaa0Decided.LEGAL_BASIS

    withheld = _entry(run, "undring:u1")
    assert withheld.meta.visibility is GuardianVisibility.WITHHELD_WEIGHTY_REASONS
    assert _entry(run, "undring:u2").meta.visibility is GuardianVisibility.DEFAULT

    denied = decide(MOTHER, run.case, AccessAction.READ, withheld.meta, D + timedelta(days=1))
    assert not denied.allowed
    assert denied.basis == ("pbrl-3-4",)

    # The meeting agenda already left it out; now the entry agrees with it.
    sources = [
        p.source
        for p in prepare_meeting(run.case, D + timedelta(days=2)).points
        if p.topic is AgendaTopic.NEW_CONCERN
    ]
    assert "undring:u1" not in sources


def test_bti_02_mother_reads_nothing_of_a_report_without_guardians_pbrl_3_4() -> None:
    """BTI-02 [V:S58]; pbrl § 3-4 third ledd: the Casebook gives the mother neither the
    description nor the decision of an undring reported without involving the guardians."""
    run = _case()
    _undring(run, "u1", involve_guardians=False)
    _undring(run, "u2", involve_guardians=True)
    book = into_casebook(InMemoryCaseStore(), run, as_of=D + timedelta(days=2))
    view = book.read(MOTHER, "case-1")
    seen = {e.meta.id for e in view.entries}
    assert "undring:u1" not in seen
    assert "undring:u2" in seen
    shown = repr(view)
    assert "mistanke om vold (u2)" in shown
    assert "Blåmerker (u1)" not in shown
    assert "mistanke om vold (u1)" not in shown
