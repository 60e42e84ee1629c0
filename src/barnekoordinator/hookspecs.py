"""The hook specifications of barnekoordinator: what a plugin may provide.

A plugin is a module (or object) with functions named after these specs and marked with
[`hookimpl`][barnekoordinator.hookspecs.hookimpl]; it is found through the entry-point group
``barnekoordinator`` (see [`barnekoordinator.plugins`][barnekoordinator.plugins]). Hooks provide
*infrastructure*, never law: a hook returns an object implementing a Protocol
([`CaseStore`][barnekoordinator.history.store.CaseStore],
[`Authenticator`][barnekoordinator.protocols.Authenticator],
[`Exporter`][barnekoordinator.protocols.Exporter],
[`PersonRegistry`][barnekoordinator.protocols.PersonRegistry]) and the core then calls that object,
or it is told about committed events.

Rules every spec follows:

* the name starts with ``barnekoordinator_``; arguments are passed by keyword,
  and an implementation may accept any subset of them;
* specs only ever gain arguments (old implementations keep working);
* ``firstresult`` hooks are a chain of responsibility: return ``None`` for
  "not mine" and another plugin answers;
* first-party implementations are ``trylast=True``, so a vendor's plugin wins
  without configuration.

Each spec has a heading with its exact signature in ``docs/plugins/hooks.md``
(a test fails when one is missing or differs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import argparse

    from barnekoordinator.clock import Clock
    from barnekoordinator.config import Config
    from barnekoordinator.history.case import Case
    from barnekoordinator.history.catalogue import Catalogue
    from barnekoordinator.history.outbox import OutboxMessage
    from barnekoordinator.history.records import EventRecord
    from barnekoordinator.history.store import CaseStore
    from barnekoordinator.protocols import Authenticator, Exporter, PersonRegistry

__all__ = [
    "ENTRYPOINT_GROUP",
    "PROJECT",
    "barnekoordinator_authenticators",
    "barnekoordinator_case_store",
    "barnekoordinator_configure",
    "barnekoordinator_events_recorded",
    "barnekoordinator_exporters",
    "barnekoordinator_outbox_messages",
    "barnekoordinator_person_registry",
    "barnekoordinator_register_commands",
    "hookimpl",
    "hookspec",
]

PROJECT = "barnekoordinator"
"""The pluggy project name: marker name and hook prefix."""

ENTRYPOINT_GROUP = "barnekoordinator"
"""The entry-point group plugins register under (``[project.entry-points.barnekoordinator]``)."""

hookspec = pluggy.HookspecMarker(PROJECT)
"""Marks a hook specification (used only in this module)."""

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a plugin's hook implementation: ``@hookimpl`` or ``@hookimpl(trylast=True)``."""


# ---------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------


@hookspec(historic=True)
def barnekoordinator_configure(config: Config) -> None:
    """Called once when the application is configured; the plugin may prepare itself.

    Args:
        config: The active [`Config`][barnekoordinator.config.Config].

    Returns:
        Nothing. The call is historic: it is replayed to plugins registered later, so it is
        incompatible with hook wrappers.

    Implemented by: the identity plugins and the notifier (``smtp``), which check their options
    here.
    """


# ---------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------


@hookspec(firstresult=True)
def barnekoordinator_case_store(config: Config, catalogue: Catalogue) -> CaseStore | None:
    """Called when the application needs its case store; return a store for ``config``.

    Args:
        config: The active [`Config`][barnekoordinator.config.Config]; a plugin should answer only
            for a ``config.store`` URL scheme it owns.
        catalogue: The [`Catalogue`][barnekoordinator.history.catalogue.Catalogue] whose projectors
            the store applies to the agenda on every append (an implementation may leave this
            argument out and use the library's).

    Returns:
        A [`CaseStore`][barnekoordinator.history.store.CaseStore]; return ``None`` to let another
        plugin answer.

    Stops at the first non-``None`` result (pluggy's *firstresult*).

    Implemented by: ``barnekoordinator_plugins.memory`` (``memory:``),
    ``barnekoordinator_plugins.sqlite`` (``sqlite:PATH``) and
    ``barnekoordinator_plugins.postgres`` (``postgresql://…``), all ``trylast``.
    """


# ---------------------------------------------------------------------------
# Identity and export
# ---------------------------------------------------------------------------


@hookspec
def barnekoordinator_authenticators(
    config: Config,
    clock: Clock,
) -> Authenticator | Sequence[Authenticator] | None:
    """Called when the application builds its login chain; return this plugin's authenticators.

    Args:
        config: The active [`Config`][barnekoordinator.config.Config].
        clock: The time tokens are checked against: the Casebook's injected clock when
            [`Casebook.login()`][barnekoordinator.casebook.Casebook.login] builds the chain, the
            system clock at the command line. An implementation may leave it out of its
            signature (pluggy passes only the arguments an implementation names).

    Returns:
        One [`Authenticator`][barnekoordinator.protocols.Authenticator], a sequence of them, or
        ``None`` when the plugin is not configured. Results of all plugins are collected; the chain
        asks each authenticator in turn.

    Implemented by: the identity plugins ``idporten``, ``ansattporten``, ``bankid`` and
    ``helseid``, each when configured in ``config.plugin_options``.
    """


@hookspec
def barnekoordinator_exporters(config: Config) -> Exporter | Sequence[Exporter] | None:
    """Called when the application lists its export formats; return this plugin's exporters.

    Args:
        config: The active [`Config`][barnekoordinator.config.Config].

    Returns:
        One [`Exporter`][barnekoordinator.protocols.Exporter], a sequence of them, or ``None``.
        Results of all plugins are collected.

    Implemented by: the export plugins (FHIR R4, HTML overview).
    """


@hookspec(firstresult=True)
def barnekoordinator_person_registry(config: Config) -> PersonRegistry | None:
    """Called when the application needs registered birth dates or guardians; return a registry.

    Args:
        config: The active [`Config`][barnekoordinator.config.Config].

    Returns:
        A [`PersonRegistry`][barnekoordinator.protocols.PersonRegistry] (e.g. a Folkeregisteret
        client); return ``None`` to let another plugin answer.

    Stops at the first non-``None`` result (pluggy's *firstresult*).

    Implemented by: no first-party plugin (there is no registry by default). Without one, the
    Casebook refuses every opening by a family member (a guardian, the young adult): it
    confirms them in the registry before it looks for the child's open case (decision 46).
    """


# ---------------------------------------------------------------------------
# Notification
# ---------------------------------------------------------------------------


@hookspec
def barnekoordinator_events_recorded(
    case_id: str, records: Sequence[EventRecord], config: Config
) -> None:
    """Called after ``records`` of one case were committed; notify or project them.

    Args:
        case_id: The case the records belong to (an opaque id, not personal).
        records: The committed [`EventRecord`][barnekoordinator.history.records.EventRecord] values,
            in sequence order.
        config: The active [`Config`][barnekoordinator.config.Config].

    Returns:
        Nothing. Every subscriber is called even if an earlier one raised; the events are
        already committed, so failures are logged (types and ids only) and raised together as
        one [`PluginError`][barnekoordinator.errors.PluginError] afterwards.

    Implemented by: no first-party plugin.
    """


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------


@hookspec
def barnekoordinator_register_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Called when the ``barnekoordinator`` command builds its parser; add your subcommands.

    Args:
        subparsers: The command's ``argparse`` subparsers: call ``subparsers.add_parser(NAME,
            help=…)``, add the arguments, and ``set_defaults(func=RUN)`` where ``RUN(args)``
            returns the exit status. ``--block`` and ``--debug`` are added to every command.

    Returns:
        Nothing. A command runs under the same rules as the built-in ones: a
        [`BarnekoordinatorError`][barnekoordinator.errors.BarnekoordinatorError] it raises is
        printed as one line, exit 2 for [`InvalidInput`][barnekoordinator.errors.InvalidInput]
        and 3 otherwise. A plugin whose implementation raises, or names a command that is
        taken, has its commands left out and is named on standard error; the others' stay.

    Called only for installed third-party plugins, and only when the command line is not
    running one of its own commands (so they cost nothing to start). Implemented by: no
    first-party plugin.
    """


# ---------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------


@hookspec
def barnekoordinator_outbox_messages(
    case_id: str, records: Sequence[EventRecord], config: Config, case: Case
) -> Sequence[OutboxMessage] | None:
    """Called before ``records`` of one case are appended; return the messages they cause.

    An implementation names the arguments it needs (pluggy passes only those), so one written
    before ``case`` was added keeps working.

    Args:
        case_id: The case the records belong to (an opaque id, not personal).
        records: The sealed [`EventRecord`][barnekoordinator.history.records.EventRecord] values
            about to be appended, in sequence order.
        config: The active [`Config`][barnekoordinator.config.Config].
        case: The case as the records leave it, folded (what a message needs that the records
            do not say: who is responsible for the tiltak an evaluation names). It holds every
            entry and identity number of the case, like a store: a trusted plugin reads it to
            choose recipients and dates, and never puts its content in a message.

    Returns:
        [`OutboxMessage`][barnekoordinator.history.outbox.OutboxMessage] values (or ``None``).
        Results of all plugins are collected and stored **in the same transaction** as the
        events (``append(…, outbox=…)``), so a message is never lost and never stored for a
        write that did not happen. An implementation must be a pure function of its arguments:
        a failure raises [`PluginError`][barnekoordinator.errors.PluginError] and nothing is
        stored.

    Implemented by: ``barnekoordinator_plugins.notify`` (``smtp``), when ``config.plugin_options``
    has an ``smtp`` section.
    """
