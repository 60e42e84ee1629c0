"""A kommunenummer is four ASCII digits wherever the library takes one (issue 11 items 3 and 4).

The commands checked some of their arguments, and ``move_municipality`` took other scripts'
digits. ``open_case`` from Python, an event made by hand and given to the Casebook, and an
imported history took any text in the place of a kommunenummer, an identity number too, which
was then stored in clear. Found in review, 2026-12-07.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from barnekoordinator.access.principal import SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import MunicipalSettings, municipality_number_problem
from barnekoordinator.coordination.transitions import MunicipalityChanged, move_municipality
from barnekoordinator.errors import BundleRejected, InvalidConfiguration, InvalidInput
from barnekoordinator.exchange import import_history
from barnekoordinator.history.case import CaseOpened, event_problem, open_case
from barnekoordinator.history.records import GENESIS
from barnekoordinator.history.serialization import to_records
from barnekoordinator.people import Child
from barnekoordinator.testing.builders import TEST_SEALING_KEY, back_office_load
from barnekoordinator.testing.exporters import into_casebook, rich_case, staff_principal
from barnekoordinator_plugins.memory import InMemoryCaseStore

PERSON_LIKE = "01817012345"  # a synthetic (Tenor, month + 80) fødselsnummer's shape
BAD = ["030", "03011", "٠٣٠١", "0301\n", "", " 301", PERSON_LIKE, 301, None]
KE = staff_principal("ke", "Siri, koordinerende enhet", SystemRole.CASEWORKER)
CHILD = Child(ref="child", birth_date=date(2021, 3, 4), name="Nora")


@pytest.mark.parametrize("value", ["0301", "4601", "5001"])
def test_four_ascii_digits_are_a_kommunenummer(value: str) -> None:
    assert municipality_number_problem(value) is None
    assert open_case(municipality_number=value, subject=CHILD).municipality_number == value


@pytest.mark.parametrize("value", BAD)
def test_anything_else_is_refused_by_the_opening_command_without_its_value(value: Any) -> None:
    assert municipality_number_problem(value) == "expected four digits, e.g. '0301'"
    with pytest.raises(InvalidInput, match="municipality_number: expected four digits") as e:
        open_case(municipality_number=value, subject=CHILD)
    if isinstance(value, str) and len(value) > 4:  # "030" is in the example "0301"
        assert value not in str(e.value)


def test_the_settings_refuse_the_same_values() -> None:
    for value in BAD:
        with pytest.raises(InvalidConfiguration, match="municipality_number"):
            MunicipalSettings(municipality_number=value)  # type: ignore[arg-type]


def test_moving_takes_only_ascii_digits() -> None:
    """``str.isdigit()`` alone took ``"٠٣٠١"`` (Arabic-Indic digits)."""
    run = rich_case()
    with pytest.raises(InvalidInput, match="to_municipality: expected four digits"):
        move_municipality(run.case, to_municipality="٤٦٠١", by="ke", as_of=date(2026, 1, 5))


def _book() -> tuple[Casebook, InMemoryCaseStore, str]:
    run = rich_case()
    store = InMemoryCaseStore()
    return into_casebook(store, run), store, run.case.id


def test_a_hand_made_opening_is_refused_and_nothing_is_stored() -> None:
    book, store, _ = _book()
    hand_made = CaseOpened(municipality_number=PERSON_LIKE, subject=CHILD)
    with pytest.raises(InvalidInput, match=r"CaseOpened\.municipality_number") as caught:
        book.open_case(KE, [hand_made], case_id="case-2")
    assert PERSON_LIKE not in str(caught.value)
    assert store.read("case-2") == []
    [audit] = store.read_audit("case-2")
    assert not audit.allowed
    assert PERSON_LIKE not in audit.reason


def test_a_hand_made_move_is_refused_audited_once_and_nothing_is_stored() -> None:
    book, store, case_id = _book()
    version, audits = store.version(case_id), len(store.read_audit(case_id))
    moved = MunicipalityChanged(
        from_municipality="0301", to_municipality=PERSON_LIKE, by="ke", on=date(2026, 1, 5)
    )
    with pytest.raises(InvalidInput, match=r"MunicipalityChanged\.to_municipality") as caught:
        book.execute(KE, case_id, lambda case: moved)
    assert PERSON_LIKE not in str(caught.value)
    assert store.version(case_id) == version
    trail = store.read_audit(case_id)
    assert len(trail) == audits + 1  # allowed by the access decision, refused as input
    assert "events were refused (InvalidInput); nothing stored" in trail[-1].reason
    assert all(PERSON_LIKE not in json.dumps(r.reason) for r in trail)


def test_an_imported_history_with_another_value_is_rejected_and_nothing_is_stored() -> None:
    book, _, case_id = _book()
    exported = book.export(
        KE, case_id, "fhir-r4", include_identifiers=True, include_history=True
    ).content
    bundle = json.loads(exported)
    edited = 0
    for entry in bundle["entry"]:
        for extension in entry["resource"].get("extension", []):
            if "recorded-event" not in extension.get("url", ""):
                continue
            event = json.loads(extension["valueString"])
            if event["type"] == "case.opened":
                event["payload"]["municipality_number"] = PERSON_LIKE
                extension["valueString"] = json.dumps(event, ensure_ascii=False)
                edited += 1
    assert edited == 1
    target = InMemoryCaseStore()
    receiving = into_casebook(target)
    with pytest.raises(BundleRejected) as caught:
        import_history(receiving, json.dumps(bundle).encode(), operator="test")
    assert "CaseOpened.municipality_number" in str(caught.value)
    assert PERSON_LIKE not in str(caught.value)
    assert target.read(case_id) == []
    # The export as it was imports (the check refuses only the edit).
    import_history(receiving, exported, operator="test")
    assert back_office_load(target, case_id, TEST_SEALING_KEY).municipality_number == "0301"


def test_stored_histories_still_load_whatever_they_hold() -> None:
    """The check guards what is written and imported; a case an older version stored with
    another value is read as it is (nothing is lost)."""
    opened = CaseOpened(municipality_number="abc", subject=CHILD)
    assert event_problem([opened]) == (
        "CaseOpened.municipality_number: expected four digits, e.g. '0301'"
    )
    clock = FixedClock(datetime(2020, 1, 1, 12, tzinfo=UTC))
    recorded = CATALOGUE.new_case("case-old").record(opened, actor="ke", clock=clock)
    records = to_records(recorded, GENESIS)
    loaded = CATALOGUE.load("case-old", records)
    assert loaded.municipality_number == "abc"
