"""One way for every command to build the application: options, configuration, plugins, store.

Every command that builds a plugin host goes through
[`configured_host()`][barnekoordinator._cli._wiring.configured_host] (and, with a store,
[`open_store()`][barnekoordinator._cli._wiring.open_store]), which calls
``barnekoordinator_configure`` before anything else, so a plugin's option checks run for every
command, as they do for an embedding application's ``Casebook.from_config``.

How a command opens a first-party store (``sqlite``/``postgres`` options set before the user's
``--option``, which win):

* ``read``: read-only (``read_only=true``); a missing SQLite file is "not found", never created;
* ``audited``: the reads write audit records, so read-write, but a missing SQLite file is still
  "not found" (``create=false``);
* ``write``: read-write, a missing SQLite file is created.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from barnekoordinator.errors import InvalidConfiguration, InvalidInput

if TYPE_CHECKING:
    from barnekoordinator.config import Config
    from barnekoordinator.history.store import CaseStore
    from barnekoordinator.plugins import PluginHost

__all__ = [
    "CLI_BUSY_TIMEOUT",
    "STORE_ENV",
    "SUBJECT_SECRET_ENV",
    "StoreUse",
    "configured",
    "configured_host",
    "open_store",
    "plugin_options",
    "store_url",
    "subject_secret",
]

STORE_ENV = "BARNEKOORDINATOR_STORE"
"""The environment variable naming the store when ``--store`` is not given."""

SUBJECT_SECRET_ENV = "BARNEKOORDINATOR_SUBJECT_SECRET"  # noqa: S105 - a name, not a secret
"""The environment variable holding the subject-key secret (the key of the children's index)."""

StoreUse = Literal["read", "audited", "write", "none"]
"""How a command uses its store (see the module's docstring); ``none``: it opens no store."""

CLI_BUSY_TIMEOUT = "10"
"""Seconds a command waits for a locked SQLite file before saying who holds it (the library's
default is 30; at a terminal a person is waiting). ``--option sqlite.busy_timeout=S`` sets it."""

_DEFAULTS: dict[str, dict[str, dict[str, str]]] = {
    "read": {"sqlite": {"read_only": "true"}, "postgres": {"read_only": "true"}},
    "audited": {"sqlite": {"create": "false"}},
    "write": {},
    "none": {},
}


def plugin_options(pairs: Iterable[str], use: StoreUse = "none") -> dict[str, dict[str, str]]:
    """Plugin options from ``--option PLUGIN.KEY=VALUE`` pairs over the defaults for ``use``.

    Raises:
        InvalidConfiguration: a pair is not ``PLUGIN.KEY=VALUE`` (only the name is echoed).
    """
    options = {plugin: dict(values) for plugin, values in _DEFAULTS[use].items()}
    if use != "none":
        options.setdefault("sqlite", {})["busy_timeout"] = CLI_BUSY_TIMEOUT
    for pair in pairs:
        name, sep, value = pair.partition("=")
        plugin, dot, key = name.partition(".")
        if not (sep and dot and plugin and key):
            # The value may be a secret: never echo it.
            raise InvalidConfiguration(f"--option: expected PLUGIN.KEY=VALUE, got {name!r}=…")
        options.setdefault(plugin, {})[key] = value
    return options


def subject_secret(environ: Mapping[str, str] | None = None) -> bytes:
    """``$BARNEKOORDINATOR_SUBJECT_SECRET`` as its UTF-8 bytes; empty when it is unset or empty.

    Every command reads it here, so a value that is no text is the same one-line error for all.

    Raises:
        InvalidConfiguration: it holds bytes that are not UTF-8 text (Python hands them over as
            lone surrogates, which have no UTF-8 form); the value is never echoed.
    """
    value = (os.environ if environ is None else environ).get(SUBJECT_SECRET_ENV, "")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidConfiguration(
            f"${SUBJECT_SECRET_ENV}: expected UTF-8 text; it holds bytes that are not "
            "(set it to the same secret text the application uses)"
        ) from None


def configured_host(config: Config, typed: Iterable[str] = ()) -> PluginHost:
    """A plugin host that every plugin has been configured with (their options checked).

    ``typed`` are the ``--option`` pairs the user gave: each must name a plugin that is loaded,
    so that a misspelt ``--option sqlit.busy_timeout=5`` is refused, not silently ignored. (A
    ``Config`` made in code may carry sections for plugins that are not installed: a shared
    configuration names more than one machine has.)

    Raises:
        InvalidConfiguration: a plugin rejects its options, or ``typed`` names a plugin that is
            not loaded.
        PluginLoadError: an installed plugin cannot be loaded.
    """
    from barnekoordinator.plugins import configure, get_plugin_manager

    pm = get_plugin_manager()
    _check_named_plugins(pm, typed)
    configure(pm, config)
    return pm


def _check_named_plugins(pm: PluginHost, pairs: Iterable[str]) -> None:
    loaded = {name for name, plugin in pm.list_name_plugin() if plugin is not None}
    unknown = sorted({pair.partition("=")[0].partition(".")[0] for pair in pairs} - loaded)
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        blocked = all(pm.is_blocked(name) for name in unknown)
        why = "blocked by $BARNEKOORDINATOR_BLOCK_PLUGINS" if blocked else "not loaded"
        raise InvalidConfiguration(
            f"--option: no plugin named {names} ({why}); the loaded plugins are "
            f"{', '.join(sorted(loaded))} (see 'barnekoordinator plugins')"
        )


def store_url(args: argparse.Namespace) -> str:
    """``--store``, else ``$BARNEKOORDINATOR_STORE``, else the default store.

    Raises:
        InvalidInput: ``--store ''`` (an empty URL was taken as none given, and the command
            went on with the default store: another database than the one meant).
    """
    from barnekoordinator.config import Config

    given = getattr(args, "store", None)
    if given is not None and not given.strip():
        raise InvalidInput("--store: expected a store URL such as sqlite:cases.db, got nothing")
    return str(given or os.environ.get(STORE_ENV) or Config().store)


def open_store(
    args: argparse.Namespace, use: StoreUse, **fields: Any
) -> tuple[Config, PluginHost, CaseStore]:
    """The configuration, the configured plugin host and the store a command works on.

    ``args`` gives ``--store`` and ``--option``; ``fields`` are further
    [`Config`][barnekoordinator.config.Config] fields (``subject_key_secret`` …).

    Raises:
        InvalidConfiguration: an option or the store URL is invalid, or a plugin rejects it.
        StorageError: the store cannot be opened (not found, locked, unavailable).
    """
    from barnekoordinator.plugins import case_store

    config, pm = configured(args, use, **fields)
    return config, pm, case_store(pm, config)


def configured(args: argparse.Namespace, use: StoreUse, **fields: Any) -> tuple[Config, PluginHost]:
    """The configuration and the configured plugin host, without opening the store: for a
    command that checks what it was given (options first) before it opens the store.

    Raises:
        InvalidConfiguration: an option or the store URL is invalid, or a plugin rejects it.
    """
    from barnekoordinator.config import Config

    config = Config(
        store=store_url(args),
        plugin_options=plugin_options(getattr(args, "option", ()), use),
        **fields,
    )
    return config, configured_host(config, getattr(args, "option", ()))
