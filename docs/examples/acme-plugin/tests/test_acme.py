"""The acme plugin: its store passes the conformance suite; its hooks load by entry point."""

from __future__ import annotations

import importlib.metadata
import json
import uuid
from pathlib import Path

import pytest
from acme_barnekoordinator import AcmeStore, Outbox

from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration
from barnekoordinator.history.store import CaseStore
from barnekoordinator.plugins import (
    case_store,
    configure,
    describe_plugins,
    get_plugin_manager,
    notify_events_recorded,
)
from barnekoordinator.testing.conformance import CaseStoreContract, make_records


class TestAcmeStore(CaseStoreContract):
    """AcmeStore honours the whole CaseStore contract."""

    def make_store(self) -> CaseStore:
        return AcmeStore(self.tmp_path / f"acme-{uuid.uuid4().hex}.db", catalogue=self.catalogue)

    def reopen_store(self, store: CaseStore) -> CaseStore | None:
        assert isinstance(store, AcmeStore)
        return AcmeStore(store.path, catalogue=self.catalogue)


class TestAcmeStoreThroughTheEntryPoint(CaseStoreContract):
    """The store obtained through the installed entry point honours the contract too."""

    state_machine_examples = 10

    def make_store(self) -> CaseStore:
        path = self.tmp_path / f"ep-{uuid.uuid4().hex}.db"
        config = Config(store=f"acme:{path}")
        return case_store(get_plugin_manager(), config, catalogue=self.catalogue)


def test_entry_point_is_declared() -> None:
    """The distribution declares the plugin in the barnekoordinator entry-point group."""
    (ep,) = [
        ep for ep in importlib.metadata.entry_points(group="barnekoordinator") if ep.name == "acme"
    ]
    assert ep.value == "acme_barnekoordinator.plugin"


def test_plugin_is_loaded_with_its_hooks() -> None:
    """get_plugin_manager() loads acme from its distribution with its three hooks."""
    infos = {info.name: info for info in describe_plugins(get_plugin_manager())}
    acme = infos["acme"]
    assert acme.distribution == "acme-barnekoordinator 0.1.0"
    assert acme.hooks == (
        "barnekoordinator_case_store",
        "barnekoordinator_configure",
        "barnekoordinator_events_recorded",
    )


def test_store_for_acme_urls_only(tmp_path: Path) -> None:
    """acme: URLs give an AcmeStore; other URLs still reach the first-party stores."""
    pm = get_plugin_manager()
    store = case_store(pm, Config(store=f"acme:{tmp_path / 'a.db'}"))
    assert isinstance(store, AcmeStore)
    store.version("case-1")
    assert store.calls["version"] == 1
    store.close()
    other = case_store(pm, Config(store="memory:"))
    assert not isinstance(other, AcmeStore)
    other.close()


def test_outbox_receives_committed_events_without_payloads(tmp_path: Path) -> None:
    """After a commit, the subscriber writes one line per event and no payload."""
    outbox = tmp_path / "outbox.jsonl"
    config = Config(store="memory:", plugin_options={"acme": {"outbox": str(outbox)}})
    pm = get_plugin_manager()
    store = case_store(pm, config)
    records = make_records("case-1", ['{"navn":"Kari"}', "{}"])
    store.append("case-1", 0, records)
    notify_events_recorded(pm, "case-1", store.read("case-1"), config)
    lines = Outbox(outbox).read()
    assert [(line["case_id"], line["sequence"]) for line in lines] == [("case-1", 1), ("case-1", 2)]
    assert "Kari" not in outbox.read_text()
    assert json.loads(outbox.read_text().splitlines()[0])["position"] == 1
    store.close()


def test_configure_rejects_unknown_options() -> None:
    """A misspelt acme option fails at configure time."""
    pm = get_plugin_manager()
    with pytest.raises(InvalidConfiguration, match="outbx"):
        configure(pm, Config(store="memory:", plugin_options={"acme": {"outbx": "x"}}))
