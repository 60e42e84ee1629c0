"""A text or number longer than an import reads is refused when written (issue 11 item 4).

The strict reader of an import (``edges.read_json``) refuses a string longer than
``MAX_STRING_LENGTH``. Before, a command took an observation of 100,001 characters, stored it,
exported it, and the export could then never be imported again: a case that cannot be moved
or restored. Now every write through a record (``to_record``: the Casebook, imports, the
builders) refuses it with ``InvalidInput`` naming the event and the JSON path, and nothing is
stored; a text of exactly the limit goes through the whole round trip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest

from barnekoordinator.coordination import stafettlogg as log
from barnekoordinator.coordination.participation import record_own_voice
from barnekoordinator.edges import MAX_STRING_LENGTH, OLDEST_AGE
from barnekoordinator.errors import InvalidInput
from barnekoordinator.exchange import import_history
from barnekoordinator.history.case import DomainEvent, event_problem
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.serialization import to_records
from barnekoordinator.testing.builders import TEST_SEALING_KEY, back_office_load
from barnekoordinator.testing.exporters import into_casebook, rich_case, staff_principal
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

HS = staff_principal("hs", "Kari, helsestasjon")
KE = staff_principal("ke", "Siri, koordinerende enhet")


def _observe(text: str, book: Any) -> Any:
    def note(case: Any) -> object:
        return log.record_observation(
            case,
            observation_id="o-long",
            by="hs",
            kind=log.ObservationKind.OPPMERKSOMHET,
            text=text,
            as_of=book.today(),
        )

    return note


def test_a_text_over_the_limit_is_refused_naming_its_place_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    run = rich_case()
    store = SQLiteCaseStore(tmp_path / "c.db")
    book = into_casebook(store, run)
    events, audits = len(store.read(run.case.id)), len(store.read_audit(run.case.id))
    text = "x" * (MAX_STRING_LENGTH + 1)
    with pytest.raises(InvalidInput) as caught:
        book.execute(HS, run.case.id, _observe(text, book))
    assert str(caught.value) == (
        f"ObservationRecorded $.text: string longer than {MAX_STRING_LENGTH} characters; "
        "nothing stored"
    )
    assert len(store.read(run.case.id)) == events
    trail = store.read_audit(run.case.id)
    assert len(trail) == audits + 1
    assert not trail[-1].allowed
    store.close()


def test_a_text_of_the_limit_goes_through_export_and_import(tmp_path: Path) -> None:
    run = rich_case()
    store = SQLiteCaseStore(tmp_path / "c.db")
    book = into_casebook(store, run)
    text = "å" * MAX_STRING_LENGTH
    book.execute(HS, run.case.id, _observe(text, book))
    exported = book.export(
        KE, run.case.id, "fhir-r4", include_identifiers=True, include_history=True
    ).content
    target = SQLiteCaseStore(tmp_path / "restored.db")
    import_history(into_casebook(target), exported, operator="test")
    restored = back_office_load(target, run.case.id, TEST_SEALING_KEY)
    stafettlogg = log.bti(restored).log
    assert stafettlogg is not None
    assert [o.text for o in stafettlogg.observations if o.id == "o-long"] == [text]
    store.close()
    target.close()


def test_records_built_outside_the_casebook_are_held_to_the_limit_too() -> None:
    """``to_records`` is the one place every write encodes its events (the Casebook, imports,
    the test builders), so a vendor's own back-office writer meets the same limit."""
    run = rich_case()
    case = run.case
    recorded = case.record(
        log.record_observation(
            case,
            observation_id="o-long",
            by="hs",
            kind=log.ObservationKind.OPPMERKSOMHET,
            text="y" * (MAX_STRING_LENGTH + 1),
            as_of=run.clock.now().date(),
        ),
        actor="hs",
        clock=run.clock,
    )
    with pytest.raises(InvalidInput, match=r"^ObservationRecorded \$\.text: string longer"):
        to_records(recorded, GENESIS)


# --- numbers: what the import's reader takes back --------------------------------------------


def test_an_age_no_birth_date_gives_is_refused_on_write() -> None:
    """Found in review: a hand-made ``OwnVoiceRecorded`` with ``child_age`` 10**40 was stored
    through ``Casebook.execute``, and the case's export was then refused on import ("number
    longer than 32 characters"). The age is bounded as ``ChildVoiceRecorded``'s is; the
    Casebook and ``import_history`` refuse what ``event_problem`` names."""
    run = rich_case()
    made = record_own_voice(
        run.case, voice_id="v-1", by="mor", what_matters=["Ro"], as_of=run.clock.now().date()
    )
    assert event_problem([made]) is None
    for age in (10**40, -1, OLDEST_AGE + 1):
        assert event_problem([attrs.evolve(made, child_age=age)]) == (
            f"OwnVoiceRecorded.child_age: expected a whole number from 0 to {OLDEST_AGE}"
        )


@attrs.frozen(kw_only=True)
class Counted(DomainEvent):
    """A vendor's event with a whole number of its own."""

    TYPE = "acme.counted"
    count: int
    by: str


def test_every_whole_number_field_is_held_to_what_json_reads_back() -> None:
    assert event_problem([Counted(count=10**30, by="pl")]) is None
    problem = event_problem([Counted(count=10**40, by="pl")])
    assert problem == "Counted.count: number longer than 32 characters"
    assert event_problem([Counted(count=-(10**40), by="pl")]) == problem
