"""The example third-party plugin (docs/examples/acme-plugin), tested through its entry point.

Runs only when the example is installed: ``pip install ./docs/examples/acme-plugin``
(CI does this). Otherwise every test here is skipped with that instruction.
"""

from __future__ import annotations

import importlib.metadata
import uuid

import pytest

from barnekoordinator.cli import main
from barnekoordinator.config import Config
from barnekoordinator.history.store import CaseStore
from barnekoordinator.plugins import case_store, describe_plugins, get_plugin_manager
from barnekoordinator.testing.conformance import CaseStoreContract

try:
    importlib.metadata.distribution("acme-barnekoordinator")
except importlib.metadata.PackageNotFoundError:
    pytest.skip(
        "the example plugin is not installed: pip install ./docs/examples/acme-plugin",
        allow_module_level=True,
    )


def test_example_is_loaded_from_its_entry_point() -> None:
    """get_plugin_manager() finds 'acme' through the barnekoordinator entry-point group."""
    infos = {info.name: info for info in describe_plugins(get_plugin_manager())}
    assert infos["acme"].module == "acme_barnekoordinator.plugin"
    assert infos["acme"].distribution == "acme-barnekoordinator 0.1.0"


def test_example_is_listed_by_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    """`barnekoordinator plugins` lists the example and its hooks."""
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "acme: acme_barnekoordinator.plugin (acme-barnekoordinator 0.1.0)" in out
    assert "    barnekoordinator_events_recorded" in out


def test_example_can_be_blocked() -> None:
    """Blocking 'acme' by its entry-point name leaves it out."""
    assert not get_plugin_manager(block=["acme"]).has_plugin("acme")


class TestExampleStoreThroughEntryPoint(CaseStoreContract):
    """The example's acme: store, obtained through its entry point, passes the contract."""

    state_machine_examples = 10

    def make_store(self) -> CaseStore:
        path = self.tmp_path / f"{uuid.uuid4().hex}.db"
        config = Config(store=f"acme:{path}")
        return case_store(get_plugin_manager(), config, catalogue=self.catalogue)
