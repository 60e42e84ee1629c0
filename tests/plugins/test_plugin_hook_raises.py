"""A vendor's hook implementation that raises is named, not let out raw.

For ``configure``, ``case_store``, ``person_registry``, ``authenticators`` and ``exporters``:
a plugin raising anything but a ``BarnekoordinatorError`` becomes a ``PluginContractError``
naming the plugin, the hook and the exception's type — never the exception's text, which may
hold personal data (the original stays chained as ``__cause__``). A ``BarnekoordinatorError``
the plugin raises on purpose passes through unchanged. On the command line it is one line,
exit 3.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from barnekoordinator import plugins
from barnekoordinator.casebook import Casebook
from barnekoordinator.cli import main
from barnekoordinator.clock import FixedClock
from barnekoordinator.config import Config
from barnekoordinator.errors import InvalidConfiguration, PluginContractError
from barnekoordinator.hookspecs import hookimpl
from barnekoordinator.identifiers import synthetic_fodselsnummer
from barnekoordinator.testing.builders import TEST_SEALING_KEY

# A synthetic (Tenor) national id in the exception's text: it must never reach the message.
LEAKED = synthetic_fodselsnummer(date(2019, 4, 2))

CALLS: dict[str, Callable[[plugins.PluginHost, Config], object]] = {
    "barnekoordinator_configure": plugins.configure,
    "barnekoordinator_case_store": plugins.case_store,
    "barnekoordinator_person_registry": plugins.person_registry,
    "barnekoordinator_authenticators": plugins.authenticators,
    "barnekoordinator_exporters": plugins.exporters,
}


class Raising:
    """A vendor plugin whose every hook raises ``error`` (with personal data in its text)."""

    def __init__(self, error: type[Exception]) -> None:
        self.error = error

    def _raise(self) -> None:
        raise self.error(f"lookup failed for {LEAKED}")

    @hookimpl
    def barnekoordinator_configure(self, config: Config) -> None:
        self._raise()

    @hookimpl
    def barnekoordinator_case_store(self, config: Config) -> None:
        self._raise()

    @hookimpl
    def barnekoordinator_person_registry(self, config: Config) -> None:
        self._raise()

    @hookimpl
    def barnekoordinator_authenticators(self, config: Config) -> None:
        self._raise()

    @hookimpl
    def barnekoordinator_exporters(self, config: Config) -> None:
        self._raise()


class Quiet:
    """A well-behaved vendor plugin of the same hooks: answers nothing."""

    @hookimpl
    def barnekoordinator_configure(self, config: Config) -> None:
        return None

    @hookimpl
    def barnekoordinator_case_store(self, config: Config) -> None:
        return None

    @hookimpl
    def barnekoordinator_person_registry(self, config: Config) -> None:
        return None

    @hookimpl
    def barnekoordinator_authenticators(self, config: Config) -> None:
        return None

    @hookimpl
    def barnekoordinator_exporters(self, config: Config) -> None:
        return None


def _manager(error: type[Exception]) -> plugins.PluginHost:
    """A quiet vendor on each side of the raising one (the later registered is called first)."""
    return plugins.get_plugin_manager(
        load_entrypoints=False,
        plugins=[("quiet-before", Quiet()), ("acme-raiser", Raising(error)), ("quiet", Quiet())],
    )


@pytest.mark.parametrize("hook", sorted(CALLS))
@pytest.mark.parametrize("error", [ValueError, KeyError, OSError, RuntimeError])
def test_a_raising_hook_names_the_plugin_hook_and_type(hook: str, error: type[Exception]) -> None:
    """Each wrapped hook: a raised builtin becomes PluginContractError naming the plugin (not
    its quiet neighbours), the hook and the exception's type, without the exception's text."""
    pm = _manager(error)
    with pytest.raises(PluginContractError) as caught:
        CALLS[hook](pm, Config(store="memory:"))
    assert caught.value.plugin_name == "acme-raiser"
    message = str(caught.value)
    assert hook in message
    assert error.__name__ in message
    assert LEAKED not in message
    assert "lookup failed" not in message
    assert isinstance(caught.value.__cause__, error)  # kept for --debug, not in the message


def test_the_same_plugin_class_under_two_names_blames_the_raising_instance() -> None:
    """Two instances of one plugin class: the one whose method raised is named (the one
    registered last, which pluggy calls first), not the other one sharing its code."""
    pm = plugins.get_plugin_manager(
        load_entrypoints=False,
        plugins=[("second", Raising(KeyError)), ("first", Raising(ValueError))],
    )
    with pytest.raises(PluginContractError) as caught:
        plugins.exporters(pm, Config())
    assert caught.value.plugin_name == "first"
    assert "ValueError" in str(caught.value)


def test_a_library_error_passes_through_a_foreign_one_is_named() -> None:
    """The same hook, two plugins: a BarnekoordinatorError (InvalidConfiguration) raised on
    purpose comes out unchanged (the very object); a ValueError is named."""
    problem = InvalidConfiguration("vendor: unknown option 'outbx'")

    class Strict:
        @hookimpl
        def barnekoordinator_configure(self, config: Config) -> None:
            raise problem

    strict = plugins.get_plugin_manager(load_entrypoints=False, plugins=[("strict", Strict())])
    with pytest.raises(InvalidConfiguration) as caught:
        plugins.configure(strict, Config())
    assert caught.value is problem
    with pytest.raises(PluginContractError, match="acme-raiser"):
        plugins.configure(_manager(ValueError), Config())


@pytest.mark.parametrize("error", [ValueError, KeyError])
def test_a_plugin_registered_after_configure_is_named_and_left_out(
    error: type[Exception],
) -> None:
    """``barnekoordinator_configure`` is historic: pluggy replays it inside ``register`` for a
    plugin registered later. Its raising is named like any other hook's, and the plugin is not
    left half registered (its name taken, its other hooks live)."""
    pm = plugins.get_plugin_manager(load_entrypoints=False, plugins=[("quiet", Quiet())])
    plugins.configure(pm, Config(store="memory:"))
    late = Raising(error)
    with pytest.raises(PluginContractError) as caught:
        pm.register(late, name="acme-late")
    assert caught.value.plugin_name == "acme-late"
    message = str(caught.value)
    assert "barnekoordinator_configure" in message
    assert error.__name__ in message
    assert LEAKED not in message
    assert isinstance(caught.value.__cause__, error)
    assert pm.get_plugin("acme-late") is None
    assert not pm.is_registered(late)
    assert plugins.exporters(pm, Config(store="memory:")) == []  # its other hooks are not live
    pm.register(Quiet(), name="acme-late")  # and its name is free again


def test_a_library_error_from_a_late_plugin_passes_through_and_leaves_it_out() -> None:
    """A typed answer (``InvalidConfiguration``) from a late plugin's configure comes out
    unchanged, and the plugin is not registered either."""
    problem = InvalidConfiguration("vendor: unknown option 'outbx'")

    class Strict:
        @hookimpl
        def barnekoordinator_configure(self, config: Config) -> None:
            raise problem

    pm = plugins.get_plugin_manager(load_entrypoints=False)
    plugins.configure(pm, Config(store="memory:"))
    strict = Strict()
    with pytest.raises(InvalidConfiguration) as caught:
        pm.register(strict, name="strict")
    assert caught.value is problem
    assert not pm.is_registered(strict)


def test_casebook_from_config_raises_the_named_error() -> None:
    """Casebook.from_config: a plugin's raising hook is named there too, not let out raw."""
    config = Config(
        store="memory:", subject_key_secret=b"x" * 32, sealing_key=TEST_SEALING_KEY.to_text()
    )
    with pytest.raises(PluginContractError, match="acme-raiser"):
        Casebook.from_config(
            config,
            clock=FixedClock(datetime(2026, 1, 5, tzinfo=UTC)),
            plugin_manager=_manager(TypeError),
        )


# -- the command line ------------------------------------------------------------------------

MODULE = "bk_hook_raiser"


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[None]:
    """A vendor distribution (bk-raiser 1.0) whose case-store hook raises KeyError."""
    (tmp_path / f"{MODULE}.py").write_text(
        "from barnekoordinator.hookspecs import hookimpl\n\n"
        "@hookimpl\n"
        "def barnekoordinator_case_store(config):\n"
        f"    raise KeyError('no tenant for {LEAKED}')\n"
    )
    info = tmp_path / "bk_raiser-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bk-raiser\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[barnekoordinator]\nraiser = {MODULE}\n")
    sys.path.insert(0, str(tmp_path))
    yield
    sys.path.remove(str(tmp_path))
    sys.modules.pop(MODULE, None)


def test_cli_names_the_plugin_in_one_line_exit_3(
    installed: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI: exit 3 (plugin failure), one line naming the plugin, its distribution, the
    hook and the exception type; no traceback, no 'unexpected', no exception text."""
    store = f"sqlite:{tmp_path / 'cases.db'}"
    assert main(["verify", "--lang", "en", "--store", store]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "'raiser'" in err
    assert "bk-raiser 1.0" in err
    assert "barnekoordinator_case_store" in err
    assert "KeyError" in err
    assert "unexpected" not in err
    assert "Traceback" not in err
    assert "no tenant" not in err
    assert LEAKED not in err
