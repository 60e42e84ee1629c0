"""The example vendor store (``acme:PATH``, docs/examples/acme-plugin) backs a Casebook.

A Casebook configured as the example's README shows opens a case for synthetic people on the
acme store, seals the national ids with the case's data key (stored in the same ``append`` as
the events, not in a transaction of its own), reads the case back for a guardian, and finds the
child's cases by the subject index. The store also keeps the notification outbox of the store it
wraps. Runs only when the example is installed: ``pip install ./docs/examples/acme-plugin``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pluggy
import pytest

from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import Config
from barnekoordinator.history.case import CaseMode, ParticipantJoined, open_case
from barnekoordinator.history.outbox import OutboxStore
from barnekoordinator.history.sealing import DataKeyStore
from barnekoordinator.identifiers import (
    IdentifierPolicy,
    PersonId,
    subject_key,
    synthetic_fodselsnummer,
)
from barnekoordinator.services import ServiceKind
from barnekoordinator.testing.builders import (
    TEST_SEALING_KEY,
    back_office_load,
    child_aged,
    father,
    mother,
    professional,
)

acme = pytest.importorskip(
    "acme_barnekoordinator.plugin",
    reason="the example plugin is not installed: pip install ./docs/examples/acme-plugin",
)

SECRET = b"acme-casebook-test-secret-32-byt"
MOTHER_ID = PersonId.parse(
    synthetic_fodselsnummer(date(1988, 6, 1)), policy=IdentifierPolicy.testing()
)
CHILD = child_aged(5)
CASEWORKER = Principal(
    subject="ke-siri",
    display_label="Siri, koordinerende enhet",
    assurance=AssuranceLevel.HIGH,
    roles=frozenset({SystemRole.CASEWORKER}),
    municipality_number="0301",
)
MOTHER = Principal(
    subject="idporten-mor",
    display_label="Mor",
    assurance=AssuranceLevel.HIGH,
    national_id=MOTHER_ID,
    roles=frozenset({SystemRole.CITIZEN}),
)


def acme_casebook(pm: pluggy.PluginManager, tmp_path: Path, clock: FixedClock) -> Casebook:
    """A Casebook on ``acme:PATH`` configured as the README shows, the plugin registered per
    test (writing-plugins.md §4)."""
    pm.register(acme, name="acme")
    config = Config(
        store=f"acme:{tmp_path / 'cases.db'}",
        plugin_options={"acme": {"outbox": str(tmp_path / "outbox.jsonl")}},
        subject_key_secret=SECRET,
        sealing_key=TEST_SEALING_KEY.to_text(),
    )
    return Casebook.from_config(config, clock=clock, plugin_manager=pm)


def test_a_casebook_on_the_acme_store_opens_seals_reads_and_finds(
    bk_plugin_manager: pluggy.PluginManager, tmp_path: Path, clock: FixedClock
) -> None:
    """Open a case with synthetic identities, read it back, find it by the child's id."""
    from acme_barnekoordinator import AcmeStore, Outbox

    book = acme_casebook(bk_plugin_manager, tmp_path, clock)
    store = book.store
    assert isinstance(store, AcmeStore)
    assert isinstance(store, DataKeyStore)
    assert isinstance(store, OutboxStore)
    assert CHILD.person_id is not None
    opening = [
        open_case(
            municipality_number="0301",
            subject=CHILD,
            guardians=(attrs.evolve(mother(), person_id=MOTHER_ID), father()),
            mode=CaseMode.UNDRING,
        ),
        ParticipantJoined(participant=professional("hs", ServiceKind.HELSESTASJON)),
    ]
    case_id = book.open_case(CASEWORKER, opening)

    # The data key went with the events, in one append (not put on its own).
    assert store.calls["append"] == 1
    assert store.calls["put_data_key"] == 0
    assert store.get_data_key(case_id) is not None
    assert store.data_key_cases() == [case_id]
    # Sealed: the numbers are not stored in clear, and the key opens them again.
    stored = store.read(case_id)
    assert len(stored) == 2
    for number in (CHILD.person_id, MOTHER_ID):
        assert all(number.reveal() not in record.payload for record in stored)
    assert back_office_load(store, case_id).subject == CHILD

    view = book.read(MOTHER, case_id)  # the mother is recognised by her (sealed) id
    assert view.case_id == case_id
    assert view.version == 2
    assert view.child_ref == CHILD.ref

    assert store.find_cases(subject_key(CHILD.person_id, SECRET)) == [case_id]
    assert [line["case_id"] for line in Outbox(tmp_path / "outbox.jsonl").read()] == [case_id] * 2
    book.close()
