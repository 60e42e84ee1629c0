"""The plugin manager and the typed wrappers around hook calls."""

from __future__ import annotations

import importlib.metadata
import json
import logging
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pluggy
import pytest

from barnekoordinator import plugins
from barnekoordinator.config import Config
from barnekoordinator.errors import (
    MissingExtraError,
    NoCaseStoreConfigured,
    PluginContractError,
    PluginError,
)
from barnekoordinator.history.records import EventRecord
from barnekoordinator.history.store import CaseStore
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator.protocols import ExportResult
from barnekoordinator.testing.conformance import make_records
from barnekoordinator_plugins.memory import InMemoryCaseStore
from barnekoordinator_plugins.sqlite import SQLiteCaseStore

SRC = Path(__file__).resolve().parents[2] / "src"


class FakeAuthenticator:
    """Accepts nothing; enough to satisfy the Authenticator protocol."""

    def __init__(self, name: str) -> None:
        self.name = name

    def authenticate(self, credential: object) -> None:
        return None


class FakeExporter:
    """Exports a record count as text."""

    format = "count"
    media_type = "text/plain"

    def export(self, case_id: str, records: Sequence[EventRecord]) -> ExportResult:
        return ExportResult(
            format=self.format,
            media_type=self.media_type,
            case_id=case_id,
            version=len(records),
            content=str(len(records)).encode(),
        )


class FakeRegistry:
    """A registry that knows nobody."""

    def birth_date(self, person: object) -> date | None:
        return None

    def guardians(self, child: object) -> list[object]:
        return []


def _plugin(**hooks: object) -> object:
    """A plugin object (compared by identity, unlike SimpleNamespace) with these hooks."""
    return type("Plugin", (), {name: staticmethod(fn) for name, fn in hooks.items()})()


# -- building the manager -----------------------------------------------------


def test_each_call_builds_a_new_manager() -> None:
    """get_plugin_manager is a factory: two calls never share state."""
    first = plugins.get_plugin_manager(load_entrypoints=False)
    second = plugins.get_plugin_manager(load_entrypoints=False)
    assert first is not second
    assert first.project_name == "barnekoordinator"


def test_without_entry_points_only_given_plugins_are_registered() -> None:
    """load_entrypoints=False registers exactly the plugins passed in."""
    pm = plugins.get_plugin_manager(load_entrypoints=False)
    assert pm.get_plugins() == set()
    with pytest.raises(NoCaseStoreConfigured, match="'memory'"):
        plugins.case_store(pm, Config(store="memory:"))


def test_default_manager_has_the_first_party_stores(tmp_path: Path) -> None:
    """By default memory, sqlite and postgres are loaded and answer for their schemes."""
    pm = plugins.get_plugin_manager()
    for name in ("memory", "sqlite", "postgres"):
        assert pm.has_plugin(name)
    memory = plugins.case_store(pm, Config(store="memory:"))
    sqlite = plugins.case_store(pm, Config(store=f"sqlite:{tmp_path / 'cases.db'}"))
    try:
        assert isinstance(memory, InMemoryCaseStore)
        assert isinstance(sqlite, SQLiteCaseStore)
    finally:
        memory.close()
        sqlite.close()


def test_first_party_entry_points_are_declared() -> None:
    """The distribution declares memory, sqlite and postgres in the barnekoordinator group."""
    try:
        importlib.metadata.distribution("barnekoordinator")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("barnekoordinator is not installed (pip install -e .)")
    names = {ep.name: ep.value for ep in importlib.metadata.entry_points(group="barnekoordinator")}
    assert names["memory"] == "barnekoordinator_plugins.memory"
    assert names["sqlite"] == "barnekoordinator_plugins.sqlite"
    assert names["postgres"] == "barnekoordinator_plugins.postgres"


def test_unknown_scheme_raises_no_case_store_configured() -> None:
    """A store URL no plugin answers for raises NoCaseStoreConfigured naming the scheme."""
    pm = plugins.get_plugin_manager()
    with pytest.raises(NoCaseStoreConfigured, match="'nosuchstore'"):
        plugins.case_store(pm, Config(store="nosuchstore:somewhere"))


def test_blocked_plugin_is_not_loaded(tmp_path: Path) -> None:
    """A blocked entry-point name is neither registered nor answering."""
    pm = plugins.get_plugin_manager(block=["sqlite"])
    assert not pm.has_plugin("sqlite")
    assert pm.is_blocked("sqlite")
    with pytest.raises(NoCaseStoreConfigured):
        plugins.case_store(pm, Config(store=f"sqlite:{tmp_path / 'x.db'}"))
    assert not (tmp_path / "x.db").exists()


def test_first_party_store_hooks_are_trylast() -> None:
    """Every first-party case-store implementation is trylast, so vendors win."""
    pm = plugins.get_plugin_manager()
    for impl in pm.hook.barnekoordinator_case_store.get_hookimpls():
        if impl.plugin_name in plugins.FIRST_PARTY_PLUGINS:
            assert impl.trylast, impl.plugin_name


def test_vendor_store_wins_without_configuration() -> None:
    """A vendor's case-store hook answers before the trylast first-party ones."""
    vendor_store = InMemoryCaseStore()
    vendor = _plugin(barnekoordinator_case_store=hookimpl(lambda config: vendor_store))
    pm = plugins.get_plugin_manager(plugins=[("vendor", vendor)])
    assert plugins.case_store(pm, Config(store="memory:")) is vendor_store


def test_vendor_returning_none_defers_to_the_defaults() -> None:
    """A firstresult hook returning None lets the next plugin answer."""
    vendor = _plugin(barnekoordinator_case_store=hookimpl(lambda config: None))
    pm = plugins.get_plugin_manager(plugins=[("vendor", vendor)])
    store = plugins.case_store(pm, Config(store="memory:"))
    assert isinstance(store, InMemoryCaseStore)


def test_misspelt_hook_fails_at_startup() -> None:
    """check_pending rejects a plugin implementing a hook that does not exist."""
    typo = _plugin(barnekoordinator_case_stor=hookimpl(lambda config: None))
    with pytest.raises(pluggy.PluginValidationError, match="barnekoordinator_case_stor"):
        plugins.get_plugin_manager(load_entrypoints=False, plugins=[("typo", typo)])


def test_impl_with_unknown_argument_is_rejected() -> None:
    """An implementation asking for an argument the spec does not have is rejected."""
    bad = _plugin(barnekoordinator_case_store=hookimpl(lambda config, secret: None))
    with pytest.raises(pluggy.PluginValidationError):
        plugins.get_plugin_manager(load_entrypoints=False, plugins=[("bad", bad)])


def test_implementations_may_take_a_subset_of_arguments() -> None:
    """An events_recorded subscriber may accept only the arguments it needs."""
    seen: list[str] = []
    sub = _plugin(barnekoordinator_events_recorded=hookimpl(lambda case_id: seen.append(case_id)))
    pm = plugins.get_plugin_manager(load_entrypoints=False, plugins=[("sub", sub)])
    plugins.notify_events_recorded(pm, "case-1", make_records("case-1", 1), Config())
    assert seen == ["case-1"]


# -- contract checks ----------------------------------------------------------


def test_wrong_store_names_the_culprit() -> None:
    """A plugin whose case-store hook returns a non-store is named in PluginContractError."""
    good = _plugin(barnekoordinator_case_store=hookimpl(lambda config: None))
    bad = _plugin(barnekoordinator_case_store=hookimpl(lambda config: {"not": "a store"}))
    pm = plugins.get_plugin_manager(plugins=[("good_vendor", good), ("bad_vendor", bad)])
    with pytest.raises(PluginContractError) as info:
        plugins.case_store(pm, Config(store="memory:"))
    assert info.value.plugin_name == "bad_vendor"
    assert "dict" in str(info.value)
    assert "CaseStore" in str(info.value)


def test_authenticators_are_collected_from_every_plugin() -> None:
    """Authenticators come back flattened: single objects, sequences, and None skipped."""
    one = _plugin(barnekoordinator_authenticators=hookimpl(lambda config: FakeAuthenticator("a")))
    two = _plugin(
        barnekoordinator_authenticators=hookimpl(
            lambda config: [FakeAuthenticator("b"), FakeAuthenticator("c")]
        )
    )
    off = _plugin(barnekoordinator_authenticators=hookimpl(lambda config: None))
    pm = plugins.get_plugin_manager(
        load_entrypoints=False, plugins=[("one", one), ("two", two), ("off", off)]
    )
    names = sorted(a.name for a in plugins.authenticators(pm, Config()))
    assert names == ["a", "b", "c"]


def test_wrong_authenticator_names_the_culprit() -> None:
    """A plugin returning a non-Authenticator is named, not its well-behaved neighbours."""
    good = _plugin(barnekoordinator_authenticators=hookimpl(lambda config: FakeAuthenticator("a")))
    bad = _plugin(barnekoordinator_authenticators=hookimpl(lambda config: ["token-string"]))
    pm = plugins.get_plugin_manager(
        load_entrypoints=False, plugins=[("bad_idp", bad), ("good_idp", good)]
    )
    with pytest.raises(PluginContractError) as info:
        plugins.authenticators(pm, Config())
    assert info.value.plugin_name == "bad_idp"
    assert "Authenticator" in str(info.value)


def test_exporters_are_collected_and_checked() -> None:
    """Exporters are collected; a wrong one names its plugin."""
    good = _plugin(barnekoordinator_exporters=hookimpl(lambda config: FakeExporter()))
    pm = plugins.get_plugin_manager(load_entrypoints=False, plugins=[("good", good)])
    (exporter,) = plugins.exporters(pm, Config())
    assert exporter.export("case-1", make_records("case-1", 2)).version == 2
    bad = _plugin(barnekoordinator_exporters=hookimpl(lambda config: object()))
    pm.register(bad, name="bad_export")
    with pytest.raises(PluginContractError) as info:
        plugins.exporters(pm, Config())
    assert info.value.plugin_name == "bad_export"


def test_no_person_registry_by_default() -> None:
    """Without a vendor plugin there is no person registry."""
    assert plugins.person_registry(plugins.get_plugin_manager(), Config()) is None


def test_person_registry_from_a_vendor_and_checked() -> None:
    """A vendor's registry is returned; a wrong object names the plugin."""
    registry = FakeRegistry()
    vendor = _plugin(barnekoordinator_person_registry=hookimpl(lambda config: registry))
    pm = plugins.get_plugin_manager(plugins=[("folkereg", vendor)])
    assert plugins.person_registry(pm, Config()) is registry
    bad = _plugin(barnekoordinator_person_registry=hookimpl(lambda config: "registry"))
    pm = plugins.get_plugin_manager(plugins=[("folkereg", vendor), ("bad_reg", bad)])
    with pytest.raises(PluginContractError) as info:
        plugins.person_registry(pm, Config())
    assert info.value.plugin_name == "bad_reg"


# -- notification and configuration ------------------------------------------


def test_failing_subscriber_neither_loses_events_nor_silences_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """All subscribers run; failures are logged without payloads and raised together after."""
    store = InMemoryCaseStore()
    secret_payload = '{"navn":"Kari Nordmann"}'
    records = make_records("case-7", [secret_payload])
    store.append("case-7", 0, records)
    delivered: list[str] = []

    def boom(case_id: str, records: Sequence[EventRecord]) -> None:
        raise RuntimeError(records[0].payload)  # a careless subscriber leaking data

    def deliver(records: Sequence[EventRecord]) -> None:
        delivered.append(records)

    pm = plugins.get_plugin_manager(
        load_entrypoints=False,
        plugins=[
            ("first", _plugin(barnekoordinator_events_recorded=hookimpl(deliver))),
            ("broken", _plugin(barnekoordinator_events_recorded=hookimpl(boom))),
            ("last", _plugin(barnekoordinator_events_recorded=hookimpl(deliver))),
        ],
    )
    with (
        caplog.at_level(logging.ERROR, logger="barnekoordinator.plugins"),
        pytest.raises(PluginError) as info,
    ):
        plugins.notify_events_recorded(pm, "case-7", records, Config())
    assert delivered == [records, records]
    assert "'broken' (RuntimeError)" in str(info.value)
    assert isinstance(info.value.__cause__, ExceptionGroup)
    assert "Kari" not in str(info.value)
    assert "Kari" not in caplog.text
    assert "broken" in caplog.text
    assert "case-7" in caplog.text
    assert store.read("case-7") == records


def test_notify_without_records_calls_nobody() -> None:
    """An empty batch is not announced."""
    called: list[object] = []
    sub = _plugin(barnekoordinator_events_recorded=hookimpl(lambda records: called.append(1)))
    pm = plugins.get_plugin_manager(load_entrypoints=False, plugins=[("sub", sub)])
    plugins.notify_events_recorded(pm, "case-1", [], Config())
    assert called == []


def test_configure_is_replayed_to_late_plugins() -> None:
    """barnekoordinator_configure is historic: plugins registered later still get it."""
    seen: list[tuple[str, str]] = []
    early = _plugin(
        barnekoordinator_configure=hookimpl(lambda config: seen.append(("early", config.store)))
    )
    pm = plugins.get_plugin_manager(load_entrypoints=False, plugins=[("early", early)])
    plugins.configure(pm, Config(store="memory:"))
    late = _plugin(
        barnekoordinator_configure=hookimpl(lambda config: seen.append(("late", config.store)))
    )
    pm.register(late, name="late")
    assert seen == [("early", "memory:"), ("late", "memory:")]


def test_tracing_logs_types_never_values(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """BARNEKOORDINATOR_TRACE_PLUGINS logs hook and type names, not argument values."""
    monkeypatch.setenv(plugins.TRACE_ENV, "1")
    pm = plugins.get_plugin_manager()
    config = Config(store="memory:", subject_key_secret=b"very-secret-key-material")
    with caplog.at_level(logging.DEBUG, logger="barnekoordinator.plugins"):
        plugins.case_store(pm, config).close()
    assert "barnekoordinator_case_store(config: Config, catalogue: Catalogue)" in caplog.text
    assert "InMemoryCaseStore" in caplog.text
    assert "very-secret" not in caplog.text
    assert "memory:" not in caplog.text


def test_describe_plugins_lists_hooks() -> None:
    """describe_plugins reports each plugin's module and implemented hooks."""
    sub = _plugin(barnekoordinator_events_recorded=hookimpl(lambda case_id: None))
    pm = plugins.get_plugin_manager(plugins=[("notify", sub)])
    infos = {info.name: info for info in plugins.describe_plugins(pm)}
    assert infos["sqlite"].hooks == ("barnekoordinator_case_store",)
    assert infos["sqlite"].module == "barnekoordinator_plugins.sqlite"
    assert infos["notify"].hooks == ("barnekoordinator_events_recorded",)


# -- optional extras ----------------------------------------------------------


def test_postgres_without_psycopg_names_the_extra() -> None:
    """Without psycopg the plugins load, and the postgres store names the pip extra."""
    script = textwrap.dedent(
        """
        import json, sys
        sys.modules["psycopg"] = None  # simulate a missing extra
        from barnekoordinator import plugins
        from barnekoordinator.config import Config
        from barnekoordinator.errors import MissingExtraError
        pm = plugins.get_plugin_manager()
        result = {"loaded": sorted(n for n, p in pm.list_name_plugin() if p)}
        plugins.case_store(pm, Config(store="memory:")).close()
        try:
            plugins.case_store(pm, Config(store="postgresql://127.0.0.1:1/x"))
        except MissingExtraError as exc:
            result["error"] = str(exc)
            result["extra"] = exc.extra
            result["is_import_error"] = isinstance(exc, ImportError)
        print(json.dumps(result))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    result = json.loads(out.stdout)
    assert {"memory", "postgres", "sqlite"} <= set(result["loaded"])
    assert result["extra"] == "postgres"
    assert "pip install 'barnekoordinator[postgres]'" in result["error"]
    assert result["is_import_error"] is True


def test_missing_extra_error_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """require_psycopg raises MissingExtraError when psycopg cannot be imported."""
    from barnekoordinator_plugins import postgres

    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingExtraError, match=r"barnekoordinator\[postgres\]"):
        postgres.require_psycopg()


def test_case_store_result_is_a_case_store() -> None:
    """What case_store returns satisfies the CaseStore protocol."""
    store = plugins.case_store(plugins.get_plugin_manager(), Config(store="memory:"))
    assert isinstance(store, CaseStore)
    store.close()
