"""A conformance suite for exporters, and a rich case to export.

An [`Exporter`][barnekoordinator.protocols.Exporter] is handed an
[`ExportView`][barnekoordinator.exporting.ExportView] by
[`Casebook.export()`][barnekoordinator.casebook.Casebook.export]. A vendor proves theirs by
subclassing [`ExporterContract`][barnekoordinator.testing.exporters.ExporterContract], as store
authors subclass [`CaseStoreContract`][barnekoordinator.testing.conformance.CaseStoreContract]:

```python
from barnekoordinator.testing.exporters import ExporterContract

class TestMyExporter(ExporterContract):
    def make_exporter(self):
        return MyExporter()
```

[`rich_case()`][barnekoordinator.testing.exporters.rich_case] builds a case with everything an
exporter maps (a stafettlogg with goals, tiltak, evaluations, meetings and minutes; an individuell
plan with an overview, measures, contributions and a revision; consents), and
[`into_casebook()`][barnekoordinator.testing.exporters.into_casebook] stores it behind a Casebook.

"Identity numbers" in the contract are the identifiers the case holds for its people (the child's
and the guardians' ``person_id``): an exporter puts them in only with ``include_identifiers``.
Free text is exported as written: nothing screens it for a number someone typed into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs

try:
    import pytest
except ImportError:  # the testing extra
    from barnekoordinator.errors import MissingExtraError

    raise MissingExtraError("testing", "The test helpers (pytest)") from None

from barnekoordinator.access.consent import ConsentPurpose
from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.coordination import plan as ip
from barnekoordinator.coordination import stafettlogg as log
from barnekoordinator.coordination.roles import Role
from barnekoordinator.errors import AccessDenied
from barnekoordinator.exporting import ExportView
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.sealing import KeyRing
from barnekoordinator.history.serialization import to_records
from barnekoordinator.history.store import CaseStore
from barnekoordinator.people import Child
from barnekoordinator.protocols import Exporter, ExportResult
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    TEST_SEALING_KEY,
    CaseRun,
    consent_all,
    standard_case,
)

__all__ = [
    "ExporterContract",
    "RecordingExporter",
    "into_casebook",
    "rich_case",
    "staff_principal",
]

_S = ServiceKind
_LOG_SERVICES = (_S.BARNEHAGE, _S.HELSESTASJON)
_PLAN_SERVICES = (_S.KOORDINERENDE_ENHET, _S.HELSESTASJON, _S.SKOLE, _S.FYSIOTERAPI, _S.BARNEHAGE)
SECRET = b"exporter-contract-secret-32bytes"
"""The subject-key secret of
[`into_casebook()`][barnekoordinator.testing.exporters.into_casebook]."""


def staff_principal(ref: str, label: str | None = None, *roles: str) -> Principal:
    """A professional of the standard case (``pl``, ``hs``, ``ke`` …) logged in at high assurance,
    with the system ``roles`` given (``ke`` always acts as koordinerende enhet)."""
    if ref == "ke":
        roles = (*roles, SystemRole.KOORDINERENDE_ENHET)
    return Principal(
        subject=ref,
        display_label=label or f"{ref} (test)",
        assurance=AssuranceLevel.HIGH,
        municipality_number="0301",
        roles=frozenset(roles),
    )


def rich_case(
    *, rounds: int = 1, case_id: str = "case-1", as_of: date = DEFAULT_AS_OF, share: bool = True
) -> CaseRun:
    """A five-year-old's case with a stafettlogg and an individuell plan, ``rounds`` times over.

    With ``share`` the family also consents to sharing every section among the plan's services
    (so koordinerende enhet, ``ke``, may read every entry and export the whole history).

    Each round adds to the log a goal, an observation, a tiltak with an evaluation, a meeting with
    minutes and a decision, and to the plan a measure and a contribution (about 17 resources a
    round in a FHIR export).
    """
    run = standard_case(age=5, as_of=as_of, case_id=case_id)
    consent_all(run, ConsentPurpose.STAFETTLOGG, _LOG_SERVICES, consent_id="log", as_of=as_of)
    consent_all(run, ConsentPurpose.INDIVIDUAL_PLAN, _PLAN_SERVICES, consent_id="ip", as_of=as_of)
    if share:
        consent_all(
            run, ConsentPurpose.SHARE_INFORMATION, _PLAN_SERVICES, consent_id="share", as_of=as_of
        )
    run.run(log.open_stafettlogg, by="pl", holder_ref="pl", level=log.BtiLevel.NIVAA_1, as_of=as_of)
    run.run(ip.start_plan, plan_id="ip-1", by="ke", as_of=as_of)
    run.run(
        ip.set_overview,
        by="ke",
        goals=["Delta i lek med andre barn"],
        resources=["Glad i musikk"],
        needs=["Fysioterapi"],
        as_of=as_of,
    )
    run.run(
        ip.add_plan_participant, by="ke", participant_ref="mor", role=Role.GUARDIAN, as_of=as_of
    )
    run.run(ip.set_plan_responsible, by="ke", responsible_ref="ke", as_of=as_of)
    run.run(
        ip.set_plan_period,
        by="ke",
        start=as_of,
        end=as_of + timedelta(days=365),
        next_revision=as_of + timedelta(days=180),
        as_of=as_of,
    )
    for n in range(1, rounds + 1):
        _round(run, n, as_of)
    run.run(ip.revise_plan, by="ke", summary="Planen gjennomgått", next_revision=None, as_of=as_of)
    return run


def _round(run: CaseRun, n: int, day: date) -> None:
    later = day + timedelta(days=30)
    run.run(log.set_goal, goal_id=f"g{n}", by="pl", text=f"Trives i barnehagen ({n})", as_of=day)
    run.run(
        log.record_observation,
        observation_id=f"o{n}",
        by="hs",
        kind=log.ObservationKind.OPPMERKSOMHET,
        text=f"Sover bedre ({n})",
        as_of=day,
    )
    run.run(
        log.add_log_measure,
        tiltak_id=f"t{n}",
        by="pl",
        description=f"Fast voksen i overganger ({n})",
        responsible_ref="pl",
        evaluation_date=later,
        as_of=day,
    )
    run.run(
        log.evaluate_log_measure,
        tiltak_id=f"t{n}",
        by="pl",
        effect=log.EffectAssessment.IMPROVED,
        next_step=log.MeasureNext.CONTINUE,
        note="Roligere",
        next_evaluation_date=later,
        as_of=day,
    )
    run.run(
        log.schedule_meeting,
        meeting_id=f"m{n}",
        by="pl",
        meeting_on=day,
        agenda=["Status"],
        invited=["pl", "hs", "mor"],
        as_of=day,
    )
    run.run(
        log.record_minutes,
        meeting_id=f"m{n}",
        by="pl",
        text=f"Enige om videre tiltak ({n})",
        attended=["pl", "hs"],
        as_of=day,
    )
    run.run(
        log.record_decision,
        decision_id=f"d{n}",
        by="pl",
        text="Fortsette",
        meeting_id=f"m{n}",
        as_of=day,
    )
    run.run(
        ip.add_plan_measure,
        measure_id=f"pm{n}",
        by="ke",
        description=f"Fysioterapi ({n})",
        scope="2 t/uke",
        responsible_ref="fysio",
        implementation="I barnehagen",
        service=_S.FYSIOTERAPI,
        evaluation_date=later,
        as_of=day,
    )
    run.run(
        ip.add_contribution,
        contribution_id=f"c{n}",
        by="ke",
        contributor_ref="fysio",
        what="Trening",
        as_of=day,
    )


def into_casebook(
    store: CaseStore, *runs: CaseRun, as_of: date = DEFAULT_AS_OF, **options: Any
) -> Casebook:
    """Store each run's history (sealed with the test key) and open a Casebook on ``store``.

    The Casebook's clock stands at noon UTC on ``as_of``; ``options`` go to the Casebook.
    """
    ring = KeyRing(store, TEST_SEALING_KEY)  # type: ignore[arg-type]
    for run in runs:
        cipher = ring.cipher(run.case.id, create=True)
        store.append(run.case.id, 0, to_records(tuple(run.history), GENESIS, cipher=cipher))
    clock = FixedClock(datetime.combine(as_of, time(12, 0), tzinfo=UTC))
    return Casebook(store, clock=clock, sealing=ring, subject_secret=SECRET, **options)


@attrs.define
class RecordingExporter:
    """Wraps an exporter and keeps the views it was handed (to export one view twice)."""

    inner: Exporter
    views: list[ExportView] = attrs.field(factory=list)

    @property
    def format(self) -> str:
        """The wrapped exporter's format."""
        return self.inner.format

    @property
    def media_type(self) -> str:
        """The wrapped exporter's media type."""
        return self.inner.media_type

    def export(self, view: ExportView) -> ExportResult:
        """Keep ``view``, then export it with the wrapped exporter."""
        self.views.append(view)
        return self.inner.export(view)


def _identity_numbers(run: CaseRun) -> list[str]:
    child = run.case.subject
    found = [child.person_id.reveal()] if isinstance(child, Child) and child.person_id else []
    found += [g.person_id.reveal() for g in run.case.guardians if g.person_id is not None]
    return found


class ExporterContract:
    """What every exporter must do; subclass and implement `make_exporter()`.

    The tests use the in-memory store from ``barnekoordinator_plugins.memory``.
    """

    def make_exporter(self) -> Exporter:
        """Return the exporter under test."""
        raise NotImplementedError

    @pytest.fixture
    def run(self) -> CaseRun:
        """A rich case (see [`rich_case()`][barnekoordinator.testing.exporters.rich_case])."""
        return rich_case()

    @pytest.fixture
    def book(self, run: CaseRun) -> Iterator[Casebook]:
        """A Casebook over an in-memory store holding ``run``."""
        from barnekoordinator_plugins.memory import InMemoryCaseStore

        store = InMemoryCaseStore()
        yield into_casebook(store, run)
        store.close()

    def test_is_an_exporter_with_a_format_and_media_type(self) -> None:
        """The Protocol holds, and the names are plain non-empty strings."""
        exporter = self.make_exporter()
        assert isinstance(exporter, Exporter)
        assert isinstance(exporter.format, str)
        assert exporter.format
        assert isinstance(exporter.media_type, str)
        assert "/" in exporter.media_type

    def test_the_result_is_of_the_case_and_version_exported(
        self, book: Casebook, run: CaseRun
    ) -> None:
        """The result names the case and the version the view was made from."""
        exporter = self.make_exporter()
        result = book.export(staff_principal("ke"), run.case.id, exporter)
        assert isinstance(result, ExportResult)
        assert result.case_id == run.case.id
        assert result.version == run.case.version
        assert result.format == exporter.format
        assert result.content

    def test_no_identity_number_unless_asked_for(self, book: Casebook, run: CaseRun) -> None:
        """Issue 11 item 3: without ``include_identifiers`` no identity number of the case's
        people (the child's and the guardians' ``person_id``) appears anywhere.

        Free text (a note, an observation, minutes) is exported as written: the library does
        not screen it for numbers someone typed into it, so neither does this test.
        """
        result = book.export(staff_principal("ke"), run.case.id, self.make_exporter())
        text = result.content + " ".join(result.warnings).encode()
        for number in _identity_numbers(run):
            assert number.encode() not in text

    def test_the_same_view_exports_to_the_same_bytes(self, book: Casebook, run: CaseRun) -> None:
        """An export is a function of its view: a receiver can compare two exports."""
        recorder = RecordingExporter(self.make_exporter())
        first = book.export(staff_principal("ke"), run.case.id, recorder)
        assert recorder.inner.export(recorder.views[0]).content == first.content

    def test_every_export_is_audited_under_its_format(self, book: Casebook, run: CaseRun) -> None:
        """One audit record per export, naming the format (later exports can show it)."""
        exporter = self.make_exporter()
        before = len(book.store.read_audit(run.case.id))
        book.export(staff_principal("ke"), run.case.id, exporter)
        trail = book.store.read_audit(run.case.id)
        assert len(trail) == before + 1
        assert trail[-1].target == f"export:{exporter.format}"
        assert trail[-1].allowed

    def test_a_stranger_gets_nothing_and_is_audited(self, book: Casebook, run: CaseRun) -> None:
        """Someone outside the case is refused before the exporter runs."""
        recorder = RecordingExporter(self.make_exporter())
        with pytest.raises(AccessDenied):
            book.export(staff_principal("stranger"), run.case.id, recorder)
        assert recorder.views == []
        assert not book.store.read_audit(run.case.id)[-1].allowed
