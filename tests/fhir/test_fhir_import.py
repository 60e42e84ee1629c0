"""Import: a Bundle exported with the whole history gives back an equal case; anything else is
refused with every problem and its JSON path, and nothing is stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from barnekoordinator.access.principal import AssuranceLevel, Principal
from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import AccessDenied, BundleRejected
from barnekoordinator.exchange import import_history
from barnekoordinator.history.case import Case, RecordedEvent
from barnekoordinator.history.serialization import from_records
from barnekoordinator.testing.builders import TEST_SEALING_KEY, CaseRun, back_office_load
from barnekoordinator.testing.exporters import into_casebook, rich_case, staff_principal
from barnekoordinator.testing.strategies import case_histories
from barnekoordinator_plugins.memory import InMemoryCaseStore

KE = staff_principal("ke", "Siri, koordinerende enhet")

Check = Callable[[dict[str, Any]], None]
"""The ``check_bundle`` fixture's type."""


def _complete(run: CaseRun) -> bytes:
    book = into_casebook(InMemoryCaseStore(), run)
    return book.export(
        KE, run.case.id, "fhir-r4", include_identifiers=True, include_history=True
    ).content


def _events(store: InMemoryCaseStore, case_id: str) -> list[RecordedEvent]:
    ring_book = into_casebook(store)
    return from_records(store.read(case_id), CATALOGUE, cipher=ring_book._keys.existing(case_id))


@pytest.mark.parametrize("fmt", ["fhir-r4", "fhir-r4-document"])
def test_an_exported_history_imports_to_an_equal_case(fmt: str) -> None:
    run = rich_case(rounds=2)
    book = into_casebook(InMemoryCaseStore(), run)
    content = book.export(
        KE, run.case.id, fmt, include_identifiers=True, include_history=True
    ).content
    target = InMemoryCaseStore()
    fresh = into_casebook(target)
    recorded = import_history(fresh, content, fmt, operator="restore test")
    assert recorded.version == run.case.version
    assert back_office_load(target, run.case.id, TEST_SEALING_KEY) == run.case
    imported = _events(target, run.case.id)
    # The child's keyed index is made with the receiving Casebook's secret (the builder's
    # history has none); everything else is the exported history, event for event.
    assert imported[0].subject_key == fresh._subject_key([run.history[0].event])
    assert [attrs.evolve(e, subject_key=None) for e in imported] == run.history
    trail = target.read_audit(run.case.id)
    assert len(trail) == 1
    assert trail[0].action == "import"
    assert trail[0].stored_range == (1, run.case.version)


def test_the_imported_case_seals_its_identity_numbers() -> None:
    """The store never holds a number in clear, imported or not."""
    run = rich_case()
    target = InMemoryCaseStore()
    import_history(into_casebook(target), _complete(run), operator="t")
    child = run.case.subject
    number = child.person_id.reveal()  # type: ignore[union-attr]
    assert all(number not in r.payload for r in target.read(run.case.id))


def _rejected(content: bytes) -> tuple[BundleRejected, InMemoryCaseStore]:
    target = InMemoryCaseStore()
    book = into_casebook(target)
    with pytest.raises(BundleRejected) as caught:
        import_history(book, content, operator="t")
    return caught.value, target


def test_a_scoped_export_is_not_a_history() -> None:
    run = rich_case()
    book = into_casebook(InMemoryCaseStore(), run)
    scoped = book.export(KE, run.case.id, "fhir-r4").content
    error, target = _rejected(scoped)
    assert "$.meta.tag" in dict(error.problems)
    assert target.read(run.case.id) == []


def test_every_problem_is_listed_with_its_path_and_nothing_is_stored() -> None:
    run = rich_case()
    bundle: dict[str, Any] = json.loads(_complete(run))
    provenances = [
        i
        for i, e in enumerate(bundle["entry"])
        if any("recorded-event" in x.get("url", "") for x in e["resource"].get("extension", []))
    ]
    first, second = provenances[0], provenances[3]
    bundle["entry"][first]["resource"]["extension"][0]["valueString"] = "{not json"
    damaged = json.loads(bundle["entry"][second]["resource"]["extension"][0]["valueString"])
    damaged["sequence"] = "four"
    bundle["entry"][second]["resource"]["extension"][0]["valueString"] = json.dumps(damaged)
    error, target = _rejected(json.dumps(bundle).encode())
    paths = [p for p, _ in error.problems]
    assert f"$.entry[{first}].resource.extension[0].valueString" in paths
    assert f"$.entry[{second}].resource.extension[0].valueString.sequence" in paths
    assert target.read(run.case.id) == []
    child = run.case.subject
    assert child.person_id.reveal() not in str(error)  # type: ignore[union-attr]


def test_a_foreign_bundle_is_rejected() -> None:
    error, _ = _rejected(b'{"resourceType": "Patient"}')
    assert error.problems == (("$.resourceType", "expected a FHIR Bundle"),)
    error, _ = _rejected(b'{"resourceType": "Bundle", "type": "searchset", "entry": []}')
    assert {p for p, _ in error.problems} == {"$.type", "$.meta.tag", "$.entry"}


def test_a_case_the_store_already_has_is_not_overwritten() -> None:
    run = rich_case()
    store = InMemoryCaseStore()
    book = into_casebook(store, run)
    content = book.export(
        KE, run.case.id, "fhir-r4", include_identifiers=True, include_history=True
    ).content
    before = store.read(run.case.id)
    with pytest.raises(BundleRejected, match="already has"):
        import_history(book, content, operator="t")
    assert store.read(run.case.id) == before


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=case_histories(), shape=st.sampled_from(["fhir-r4", "fhir-r4-document"]))
def test_random_histories_export_to_valid_bundles_that_import_back(
    history: tuple[Case, tuple[RecordedEvent, ...]], shape: str, check_bundle: Check
) -> None:
    """Every random history a participant exports passes the schema, the models and the value
    sets, and (when the whole history goes) imports back to an equal case."""
    case, events = history
    run = CaseRun(case=case, clock=None, history=list(events))  # type: ignore[arg-type]
    store = InMemoryCaseStore()
    book = into_casebook(store, run)
    exporters = [
        Principal(subject=p.ref, display_label=p.ref, assurance=AssuranceLevel.HIGH)
        for p in case.participants
    ]
    for principal in exporters[:2]:
        try:
            result = book.export(
                principal, case.id, shape, include_identifiers=True, include_history=True
            )
        except AccessDenied:
            continue
        check_bundle(json.loads(result.content))
        event("exported")
        target = InMemoryCaseStore()
        import_history(into_casebook(target), result.content, shape, operator="property")
        assert back_office_load(target, case.id, TEST_SEALING_KEY) == case


def _carriers(bundle: dict[str, Any]) -> list[int]:
    return [
        i
        for i, e in enumerate(bundle["entry"])
        if any("recorded-event" in x.get("url", "") for x in e["resource"].get("extension", []))
    ]


def _edited(content: bytes, at: int, edit: Callable[[dict[str, Any]], None]) -> bytes:
    """``content`` with the ``at``-th recorded event changed by ``edit``."""
    bundle: dict[str, Any] = json.loads(content)
    extension = bundle["entry"][_carriers(bundle)[at]]["resource"]["extension"][0]
    event = json.loads(extension["valueString"])
    edit(event)
    extension["valueString"] = json.dumps(event, ensure_ascii=False)
    return json.dumps(bundle, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("actor", "01817012345", "never a fødselsnummer"),
        ("actor", "pl\n[forged line]", "control character"),
        ("actor", " ", "non-empty opaque actor id"),
        ("legal_basis", ["01817012345"], "keys of barnekoordinator.legal_basis.REFERENCES"),
        ("legal_basis", ["Kari Nordmann"], "keys of barnekoordinator.legal_basis.REFERENCES"),
    ],
)
def test_an_envelope_the_library_would_not_write_is_refused_without_its_value(
    field: str, value: object, expected: str
) -> None:
    """An actor must be what a principal can be (the family's audit view shows it; never an
    identity number), and legal-basis keys must be known (an unknown one would be stored, and
    every later export with the history would refuse the case). Found by the fifth sweep."""
    run = rich_case()
    content = _edited(_complete(run), 2, lambda e: e.__setitem__(field, value))
    error, target = _rejected(content)
    (message,) = [m for p, m in error.problems if p.endswith(f".valueString.{field}")]
    assert expected in message
    assert "01817012345" not in str(error)
    assert "Kari" not in str(error)
    assert target.read(run.case.id) == []


def test_fields_the_exporter_never_writes_are_refused_keys_shown_only_as_names() -> None:
    run = rich_case()

    def extra(event: dict[str, Any]) -> None:
        event["hash"] = "0" * 64
        event["01817012345"] = 1
        event["payload"]["Kari Nordmann"] = 1

    error, target = _rejected(_edited(_complete(run), 2, extra))
    paths = {p.rsplit(".", 1)[-1] for p, _ in error.problems}
    assert "hash" in paths
    assert "<key 9>" in paths  # the tenth key, shown by its position
    assert "01817012345" not in str(error)
    assert "Kari" not in str(error)
    assert target.read(run.case.id) == []


def test_a_bundle_of_two_hundred_thousand_problems_lists_the_first_fifty() -> None:
    """Found by the fifth sweep: every entry added a problem, so a 6 MB bundle made a 113 MB
    message (the command line printed 10.9 MB on one line)."""
    entries = ",".join(["{}"] * 200_000)
    content = f'{{"resourceType": "Bundle", "type": "collection", "entry": [{entries}]}}'
    error, _ = _rejected(content.encode())
    assert len(error.problems) <= 55
    assert ("$.entry", "more problems (only the first 50 are listed)") in error.problems
    assert len(str(error)) < 10_000
