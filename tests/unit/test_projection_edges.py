"""A record made by hand and given to a store's ``append`` whose payload its type's agenda
projector cannot read is a typed error, and nothing is stored (issue 11 item 4).

Found while testing the notifier against hand-made records: the projectors read the payload
as the library writes it, and ``[]``, ``{}`` or text that is not JSON escaped as a raw
``TypeError``, ``KeyError``, ``AttributeError`` or ``JSONDecodeError`` from every store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from barnekoordinator.catalogue import CATALOGUE
from barnekoordinator.errors import SchemaViolation
from barnekoordinator.history.store import CaseStore
from barnekoordinator.testing.conformance import make_records
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

TAGS = sorted(CATALOGUE.projectors)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseStore]:
    made: CaseStore = (
        InMemoryCaseStore() if request.param == "memory" else SQLiteCaseStore(tmp_path / "c.db")
    )
    yield made
    made.close()


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("payload", ["[]", "not json", '{"on": [1]}'])
def test_a_payload_the_agenda_cannot_read_is_refused_by_name(
    store: CaseStore, tag: str, payload: str
) -> None:
    (record,) = make_records("case-x", [payload], type=tag)
    try:
        CATALOGUE.project([record])
    except SchemaViolation:
        pass
    else:  # this projector reads nothing it cannot take (a payload it ignores)
        store.append("case-x", 0, [record])
        assert len(store.read("case-x")) == 1
        return
    with pytest.raises(SchemaViolation) as caught:
        store.append("case-x", 0, [record])
    assert caught.value.problems[0][1].startswith(f"not a {tag} payload (")
    assert store.read("case-x") == []


def test_most_projectors_refuse_a_payload_that_is_not_an_object() -> None:
    """The parametrised test above is not vacuous: a list payload is refused by the projectors
    of most tags (those that read a field)."""
    refused = 0
    for tag in TAGS:
        (record,) = make_records("case-x", ["[]"], type=tag)
        try:
            CATALOGUE.project([record])
        except SchemaViolation:
            refused += 1
    assert refused >= len(TAGS) // 2
