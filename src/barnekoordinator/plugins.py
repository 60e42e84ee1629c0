"""Build the plugin manager and call hooks through typed wrappers.

[`get_plugin_manager()`][barnekoordinator.plugins.get_plugin_manager] builds a fresh
`pluggy.PluginManager` (there is no module-level manager). The wrappers
([`case_store()`][barnekoordinator.plugins.case_store],
[`authenticators()`][barnekoordinator.plugins.authenticators],
[`exporters()`][barnekoordinator.plugins.exporters],
[`person_registry()`][barnekoordinator.plugins.person_registry],
[`notify_events_recorded()`][barnekoordinator.plugins.notify_events_recorded],
[`configure()`][barnekoordinator.plugins.configure]) call one hook each, check what came back
against the hook's Protocol and name the misbehaving plugin in a
[`PluginContractError`][barnekoordinator.errors.PluginContractError]. A hook implementation
that raises anything but a
[`BarnekoordinatorError`][barnekoordinator.errors.BarnekoordinatorError] is named the same way:
the plugin, the hook and the exception's type — never its text, which may hold personal data
(the original stays chained as ``__cause__``). A `BarnekoordinatorError` a plugin raises on
purpose (``InvalidConfiguration``, ``MissingExtraError``) passes through unchanged.

Set ``BARNEKOORDINATOR_TRACE_PLUGINS=1`` to log every hook call at DEBUG level
on the ``barnekoordinator.plugins`` logger: hook names, plugin names and the
*types* of arguments and results, never their values.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.metadata
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, cast

import attrs
import pluggy

from barnekoordinator import hookspecs
from barnekoordinator._entry_points import FIRST_PARTY_PLUGINS
from barnekoordinator.clock import Clock, SystemClock
from barnekoordinator.errors import (
    BarnekoordinatorError,
    NoCaseStoreConfigured,
    PluginContractError,
    PluginError,
    PluginLoadError,
)
from barnekoordinator.history.store import CaseStore
from barnekoordinator.hookspecs import ENTRYPOINT_GROUP, PROJECT
from barnekoordinator.protocols import Authenticator, Exporter, PersonRegistry

if TYPE_CHECKING:
    from barnekoordinator.access.login import LoginChain
    from barnekoordinator.config import Config
    from barnekoordinator.history.case import Case
    from barnekoordinator.history.catalogue import Catalogue
    from barnekoordinator.history.outbox import OutboxMessage
    from barnekoordinator.history.records import EventRecord

__all__ = [
    "BLOCK_ENV",
    "ENTRYPOINT_GROUP",
    "FIRST_PARTY_PLUGINS",
    "PluginHost",
    "PluginInfo",
    "authenticators",
    "blocked_names",
    "case_store",
    "configure",
    "describe_plugins",
    "exporters",
    "get_plugin_manager",
    "login_chain",
    "notify_events_recorded",
    "outbox_messages",
    "person_registry",
    "register_commands",
]

logger = logging.getLogger("barnekoordinator.plugins")

TRACE_ENV = "BARNEKOORDINATOR_TRACE_PLUGINS"


BLOCK_ENV = "BARNEKOORDINATOR_BLOCK_PLUGINS"
"""Comma-separated entry-point names every plugin manager leaves out (like ``--block``)."""


class PluginHost(pluggy.PluginManager):
    """barnekoordinator's plugin manager: pluggy's, plus the plugins that could not be loaded.

    ``broken`` maps the entry-point name of each installed plugin that failed to import or
    whose hooks are malformed to a one-line reason; such a plugin is not registered.
    ``distributions`` maps a registered entry-point plugin's name to ``project version``.
    """

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.broken: dict[str, str] = {}
        self.distributions: dict[str, str] = {}

    def register(self, plugin: object, name: str | None = None) -> str | None:
        """pluggy's ``register``, all or nothing.

        pluggy registers a plugin's name, then its hooks one by one, replaying historic calls
        (``barnekoordinator_configure`` after [`configure()`][barnekoordinator.plugins.configure])
        as it goes. If a hook is malformed or a replayed call raises, the plugin would be left half
        registered: its name taken and the hooks before the failing one live. It is unregistered
        instead. A replayed call's exception is then raised like any hook's: a
        `BarnekoordinatorError` unchanged, anything else as a `PluginContractError` naming the
        plugin.
        """
        try:
            return super().register(plugin, name)
        except Exception as exc:
            if not self.is_registered(plugin):
                raise  # pluggy refused it before registering anything (a name already taken)
            plugin_name = self.get_name(plugin) or repr(name)
            self.unregister(plugin)
            if isinstance(exc, (BarnekoordinatorError, pluggy.PluginValidationError)):
                raise
            # pluggy reads attributes guarded and verifies hooks before this point: what raises
            # is a historic call it replays, and barnekoordinator_configure is the only one.
            raise _raised(self, plugin_name, "barnekoordinator_configure", exc) from exc


def blocked_names(block: Iterable[str] = ()) -> tuple[str, ...]:
    """``block`` and the names in ``$BARNEKOORDINATOR_BLOCK_PLUGINS``, without repeats."""
    names = [*block, *os.environ.get(BLOCK_ENV, "").split(",")]
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


def get_plugin_manager(
    *,
    load_entrypoints: bool = True,
    plugins: Iterable[object | tuple[str, object]] = (),
    block: Iterable[str] = (),
    tolerate_broken: bool = False,
    first_party: bool = True,
) -> PluginHost:
    """Build a plugin manager with barnekoordinator's hook specifications.

    In order: add the specs; block each name in ``block`` and in
    ``$BARNEKOORDINATOR_BLOCK_PLUGINS`` (an entry-point name such as ``"sqlite"`` or a vendor's
    plugin name); when ``load_entrypoints``, load the ``barnekoordinator`` entry points one by
    one and then any first-party plugin the installed metadata did not provide; register
    ``plugins`` (objects or modules, or ``(name, plugin)`` pairs); finally ``check_pending()``.

    An installed plugin that fails to import, or whose hooks pluggy refuses (a misspelt hook
    name, a hook argument the spec does not have), is not registered: it is recorded in
    ``PluginHost.broken`` with a one-line reason, and — unless ``tolerate_broken`` (the
    ``plugins`` command, which lists it) — a
    [`PluginLoadError`][barnekoordinator.errors.PluginLoadError] names it. The plugins given in
    ``plugins`` are the caller's own code: a bad hook among them raises pluggy's error at once.

    With ``load_entrypoints=False`` only ``plugins`` are registered: the recipe
    for isolated tests. With ``first_party=False`` the plugins of
    [`FIRST_PARTY_PLUGINS`][barnekoordinator.plugins.FIRST_PARTY_PLUGINS] are left out (the
    command line's search for vendors' commands, which first-party plugins never add).

    Raises:
        PluginLoadError: an installed plugin could not be loaded (and not ``tolerate_broken``).
    """
    pm = PluginHost()
    pm.add_hookspecs(hookspecs)
    for name in blocked_names(block):
        pm.set_blocked(name)
    if load_entrypoints:
        _load_entrypoints(pm, first_party=first_party)
        for name, module_name in FIRST_PARTY_PLUGINS.items() if first_party else ():
            if not pm.is_blocked(name) and pm.get_plugin(name) is None and name not in pm.broken:
                _load_one(pm, name, functools.partial(importlib.import_module, module_name))
    for item in plugins:
        if isinstance(item, tuple):
            name, plugin = item
            pm.register(plugin, name=name)
        else:
            pm.register(item)
    pm.check_pending()
    if pm.broken and not tolerate_broken:
        raise PluginLoadError(pm.broken)
    if os.environ.get(TRACE_ENV, "") not in ("", "0"):
        pm.add_hookcall_monitoring(_trace_before, _trace_after)
    return pm


def _load_entrypoints(pm: PluginHost, *, first_party: bool) -> None:
    for entry_point in importlib.metadata.entry_points(group=ENTRYPOINT_GROUP):
        name = entry_point.name
        if pm.is_blocked(name) or pm.get_plugin(name) is not None or name in pm.broken:
            continue
        if not first_party and FIRST_PARTY_PLUGINS.get(name) == entry_point.value:
            continue
        if _load_one(pm, name, entry_point.load) and entry_point.dist is not None:
            dist = entry_point.dist
            pm.distributions[name] = f"{dist.metadata['Name']} {dist.version}"


def _load_one(pm: PluginHost, name: str, load: Callable[[], object]) -> bool:
    """Import and register one installed plugin; a failure is recorded, never raised."""
    try:
        plugin = load()
    except Exception as exc:  # any import-time failure of third-party code
        pm.broken[name] = f"failed to import ({_reason(exc)})"
        logger.warning("plugin %r could not be imported: %s", name, _reason(exc))
        return False
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        pm.broken[name] = f"has a malformed hook ({_reason(exc)})"
        return False
    unknown = [
        caller.name
        for caller in pm.get_hookcallers(plugin) or []
        if not caller.has_spec()
        and any(impl.plugin is plugin and not impl.optionalhook for impl in caller.get_hookimpls())
    ]
    if unknown:
        pm.unregister(plugin)
        pm.broken[name] = f"implements unknown hook(s) {', '.join(sorted(unknown))}"
        return False
    return True


def _reason(exc: BaseException) -> str:
    """``Type: first line of the message``, cut short (a plugin's message is not ours)."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _types(kwargs: Mapping[str, object]) -> str:
    return ", ".join(f"{key}: {type(value).__name__}" for key, value in kwargs.items())


def _trace_before(
    hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, object]
) -> None:
    # Types only: argument values may carry personal data.
    names = [impl.plugin_name for impl in hook_impls]
    logger.debug("hook %s(%s) -> plugins %s", hook_name, _types(kwargs), names)


def _trace_after(
    outcome: pluggy.Result[object],
    hook_name: str,
    hook_impls: Sequence[pluggy.HookImpl],
    kwargs: Mapping[str, object],
) -> None:
    if outcome.exception is not None:
        logger.debug("hook %s raised %s", hook_name, type(outcome.exception).__name__)
    else:
        logger.debug("hook %s returned %s", hook_name, type(outcome.get_result()).__name__)


# ---------------------------------------------------------------------------
# Finding the culprit
# ---------------------------------------------------------------------------


def _impls_in_call_order(pm: pluggy.PluginManager, hook_name: str) -> list[pluggy.HookImpl]:
    caller: pluggy.HookCaller = getattr(pm.hook, hook_name)
    # pluggy calls the last registered implementation first (tryfirst/trylast
    # already sorted into the list); wrappers do not produce results.
    return [
        impl for impl in reversed(caller.get_hookimpls()) if not (impl.hookwrapper or impl.wrapper)
    ]


def _call_impl(impl: pluggy.HookImpl, kwargs: Mapping[str, object]) -> object:
    return impl.function(*(kwargs[name] for name in impl.argnames))


def _raised(
    pm: pluggy.PluginManager, plugin_name: str, hook_name: str, exc: Exception, after: str = ""
) -> PluginContractError:
    """The error naming the plugin whose ``hook_name`` raised ``exc`` (and its distribution,
    when known): the exception's type, never its text, which may hold personal data."""
    dist = pm.distributions.get(plugin_name) if isinstance(pm, PluginHost) else None
    origin = f" (from {dist})" if dist else ""
    return PluginContractError(
        plugin_name, f"{hook_name}{origin} raised {type(exc).__name__}{after}"
    )


def _call_one(
    pm: pluggy.PluginManager,
    impl: pluggy.HookImpl,
    hook_name: str,
    kwargs: Mapping[str, object],
    after: str = "",
) -> object:
    """Call one implementation; whatever it raises becomes the error of ``_raised()``."""
    try:
        return _call_impl(impl, kwargs)
    except Exception as exc:  # a vendor's code: named, its message withheld
        raise _raised(pm, impl.plugin_name, hook_name, exc, after) from exc


def _call_hook(
    pm: pluggy.PluginManager,
    hook_name: str,
    kwargs: Mapping[str, object],
    *,
    historic: bool = False,
) -> object:
    """Call ``hook_name`` through pluggy (wrappers and tracing included).

    A `BarnekoordinatorError` passes through: a plugin's deliberate, typed answer. Any other
    exception becomes a `PluginContractError` naming the plugin that raised it.
    """
    caller: pluggy.HookCaller = getattr(pm.hook, hook_name)
    try:
        if historic:
            caller.call_historic(kwargs=dict(kwargs))
            return None
        return caller(**kwargs)
    except (BarnekoordinatorError, pluggy.HookCallError):
        raise  # a typed answer, or a wrong call of ours (not the plugin's fault)
    except Exception as exc:
        raise _raised(pm, _raiser(caller, exc), hook_name, exc) from exc


def _raiser(caller: pluggy.HookCaller, exc: BaseException) -> str:
    """The name of the plugin whose implementation is on ``exc``'s traceback (the outermost
    one: the implementation pluggy called)."""
    impls = caller.get_hookimpls()
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        for impl in impls:
            if getattr(impl.function, "__code__", None) is not frame.f_code:
                continue
            owner = getattr(impl.function, "__self__", None)  # a method: whose?
            args = frame.f_code.co_varnames[:1]
            if owner is None or (args and frame.f_locals.get(args[0]) is owner):
                return impl.plugin_name
        tb = tb.tb_next
    return impls[0].plugin_name if len(impls) == 1 else "<unknown plugin>"


def _describe(value: object) -> str:
    return f"an object of type {type(value).__module__}.{type(value).__qualname__}"


def _culprit(
    pm: pluggy.PluginManager,
    hook_name: str,
    kwargs: Mapping[str, object],
    is_bad: Callable[[object], bool],
) -> str:
    """Call each implementation on its own and return the name of the first bad one."""
    for impl in _impls_in_call_order(pm, hook_name):
        if is_bad(_call_one(pm, impl, hook_name, kwargs)):
            return impl.plugin_name
    return "<unknown plugin>"  # pragma: no cover - the hook call said someone was bad


def _flatten(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _collect(
    pm: pluggy.PluginManager,
    hook_name: str,
    config: Config,
    is_good: Callable[[object], bool],
    what: str,
    **extra: object,
) -> list[object]:
    kwargs = {"config": config, **extra}
    results = cast("list[object]", _call_hook(pm, hook_name, kwargs))  # not firstresult
    flat = [item for result in results for item in _flatten(result)]
    bad = [item for item in flat if not is_good(item)]
    if bad:

        def is_bad(result: object) -> bool:
            return any(not is_good(item) for item in _flatten(result))

        name = _culprit(pm, hook_name, kwargs, is_bad)
        raise PluginContractError(
            name, f"{hook_name} returned {_describe(bad[0])}, which is not {what}"
        )
    return flat


# ---------------------------------------------------------------------------
# Typed wrappers
# ---------------------------------------------------------------------------


def configure(pm: pluggy.PluginManager, config: Config) -> None:
    """Announce ``config`` to every plugin, including plugins registered later.

    Raises:
        PluginContractError: a plugin's ``barnekoordinator_configure`` raised something other
            than a `BarnekoordinatorError` (such as its ``InvalidConfiguration``, which passes
            through); names the plugin, the hook and the exception's type.
    """
    _call_hook(pm, "barnekoordinator_configure", {"config": config}, historic=True)


def case_store(
    pm: pluggy.PluginManager, config: Config, *, catalogue: Catalogue | None = None
) -> CaseStore:
    """The case store for ``config``: the first plugin that answers.

    The store projects its agenda with ``catalogue`` (default: the library's
    [`CATALOGUE`][barnekoordinator.catalogue.CATALOGUE], loaded only when needed so
    that commands which never open a store start quickly).

    Raises:
        NoCaseStoreConfigured: no plugin answers for ``config.store``.
        PluginContractError: the answer is not a
            [`CaseStore`][barnekoordinator.history.store.CaseStore], or the hook raised
            something other than a `BarnekoordinatorError`; names the plugin.
        MissingExtraError: the store's plugin needs an extra that is not installed.
    """
    if catalogue is None:
        from barnekoordinator.catalogue import CATALOGUE

        catalogue = CATALOGUE
    kwargs = {"config": config, "catalogue": catalogue}
    store = _call_hook(pm, "barnekoordinator_case_store", kwargs)
    if store is None:
        raise NoCaseStoreConfigured(
            f"no plugin provides a case store for the URL scheme {config.store_scheme!r}; "
            "use 'memory:', 'sqlite:PATH' or 'postgresql://…', or install the plugin "
            "that provides this scheme"
        )
    if not isinstance(store, CaseStore):
        name = _culprit(
            pm,
            "barnekoordinator_case_store",
            kwargs,
            lambda result: result is not None and not isinstance(result, CaseStore),
        )
        raise PluginContractError(
            name,
            f"barnekoordinator_case_store returned {_describe(store)}, "
            "which does not implement barnekoordinator.history.store.CaseStore",
        )
    return store


def authenticators(
    pm: pluggy.PluginManager, config: Config, *, clock: Clock | None = None
) -> list[Authenticator]:
    """Every authenticator the plugins provide, in hook call order.

    ``clock`` is the time tokens are checked against (default: the system clock — the
    command line is an edge; a Casebook passes its own).

    Raises:
        PluginContractError: a plugin returned something that is not an Authenticator, or
            raised something other than a `BarnekoordinatorError`; names the plugin.
    """
    found = _collect(
        pm,
        "barnekoordinator_authenticators",
        config,
        lambda item: isinstance(item, Authenticator),
        "a barnekoordinator.protocols.Authenticator",
        clock=clock if clock is not None else SystemClock(),
    )
    return [item for item in found if isinstance(item, Authenticator)]


def login_chain(
    pm: pluggy.PluginManager, config: Config, *, clock: Clock | None = None
) -> LoginChain:
    """The [`LoginChain`][barnekoordinator.access.login.LoginChain] of every configured issuer.

    The identity plugins read their issuers from ``config.plugin_options`` (one section per
    plugin: ``{"idporten": {"audience": CLIENT_ID}}``); a plugin without options offers no
    authenticator. ``clock`` as for [`authenticators()`][barnekoordinator.plugins.authenticators].

    Raises:
        InvalidConfiguration: an identity plugin's options are invalid.
        PluginContractError: a plugin returned something that is not an Authenticator.
    """
    from barnekoordinator.access.login import LoginChain

    return LoginChain(authenticators(pm, config, clock=clock))


def exporters(pm: pluggy.PluginManager, config: Config) -> list[Exporter]:
    """Every exporter the plugins provide, in hook call order.

    Raises:
        PluginContractError: a plugin returned something that is not an Exporter, or raised
            something other than a `BarnekoordinatorError`; names the plugin.
    """
    found = _collect(
        pm,
        "barnekoordinator_exporters",
        config,
        lambda item: isinstance(item, Exporter),
        "a barnekoordinator.protocols.Exporter",
    )
    return [item for item in found if isinstance(item, Exporter)]


def person_registry(pm: pluggy.PluginManager, config: Config) -> PersonRegistry | None:
    """The person registry of the first plugin that provides one, or ``None``.

    Raises:
        PluginContractError: the answer is not a PersonRegistry, or the hook raised something
            other than a `BarnekoordinatorError`; names the plugin.
    """
    kwargs = {"config": config}
    registry = _call_hook(pm, "barnekoordinator_person_registry", kwargs)
    if registry is None or isinstance(registry, PersonRegistry):
        return registry
    name = _culprit(
        pm,
        "barnekoordinator_person_registry",
        kwargs,
        lambda result: result is not None and not isinstance(result, PersonRegistry),
    )
    raise PluginContractError(
        name,
        f"barnekoordinator_person_registry returned {_describe(registry)}, "
        "which does not implement barnekoordinator.protocols.PersonRegistry",
    )


def notify_events_recorded(
    pm: pluggy.PluginManager, case_id: str, records: Sequence[EventRecord], config: Config
) -> None:
    """Tell every subscriber that ``records`` of ``case_id`` were committed.

    The events are already committed, so one failing subscriber must neither
    undo them nor silence the others: each subscriber is called on its own (in
    pluggy's order), a failure is logged with the plugin name, exception type,
    case id and sequence numbers only, and after all subscribers ran one
    [`PluginError`][barnekoordinator.errors.PluginError] naming the failed plugins is
    raised, chained to an `ExceptionGroup` of the original exceptions.
    Hook wrappers are not run for this hook.
    """
    if not records:
        return
    kwargs: dict[str, object] = {"case_id": case_id, "records": records, "config": config}
    failures: list[tuple[str, Exception]] = []
    for impl in _impls_in_call_order(pm, "barnekoordinator_events_recorded"):
        try:
            _call_impl(impl, kwargs)
        except Exception as exc:  # every subscriber must run
            failures.append((impl.plugin_name, exc))
            logger.error(
                "events_recorded subscriber %r raised %s for case %s, sequences %d-%d "
                "(the events are committed)",
                impl.plugin_name,
                type(exc).__name__,
                case_id,
                records[0].sequence,
                records[-1].sequence,
            )
    if failures:
        names = ", ".join(f"{name!r} ({type(exc).__name__})" for name, exc in failures)
        group = ExceptionGroup(
            "barnekoordinator_events_recorded subscribers failed", [exc for _, exc in failures]
        )
        raise PluginError(
            f"{len(failures)} events_recorded subscriber(s) failed after case {case_id} "
            f"sequences {records[0].sequence}-{records[-1].sequence} were committed: {names}. "
            "The events are stored; re-deliver them from read_all() if the subscriber "
            "needs them."
        ) from group


def register_commands(
    pm: pluggy.PluginManager, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]
) -> dict[str, str]:
    """Let every plugin add its subcommands to ``subparsers`` (the ``barnekoordinator`` command's).

    Each plugin's ``barnekoordinator_register_commands`` is called on its own: one that raises,
    or adds a command whose name is taken, has what it added taken back and is named in the
    result (plugin name → one-line reason), and the others' commands stay.
    """
    failures: dict[str, str] = {}
    for impl in _impls_in_call_order(pm, "barnekoordinator_register_commands"):
        choices = dict(subparsers.choices)
        listed = list(subparsers._choices_actions)
        try:
            _call_impl(impl, {"subparsers": subparsers})
        except (Exception, SystemExit) as exc:  # a vendor's code: it must not stop the others
            subparsers.choices.clear()
            subparsers.choices.update(choices)
            subparsers._choices_actions[:] = listed
            failures[impl.plugin_name] = _reason(exc)
    return failures


def outbox_messages(
    pm: pluggy.PluginManager,
    case_id: str,
    records: Sequence[EventRecord],
    config: Config,
    case: Case,
) -> list[OutboxMessage]:
    """The notification messages ``records`` cause (``case``: as they leave it), collected
    from every plugin.

    Called before the append, so the messages commit with the events. A plugin that raises or
    returns something other than [`OutboxMessage`][barnekoordinator.history.outbox.OutboxMessage]
    values stops the write: [`PluginError`][barnekoordinator.errors.PluginError] naming the
    plugin, nothing stored.
    """
    from barnekoordinator.history.outbox import OutboxMessage

    if not records:
        return []
    kwargs: dict[str, object] = {
        "case_id": case_id,
        "records": records,
        "config": config,
        "case": case,
    }
    found: list[OutboxMessage] = []
    hook = "barnekoordinator_outbox_messages"
    for impl in _impls_in_call_order(pm, hook):
        result = _call_one(pm, impl, hook, kwargs, f" for case {case_id}; nothing stored")
        if result is None:
            continue
        given = list(result) if isinstance(result, list | tuple) else [result]
        messages = [m for m in given if isinstance(m, OutboxMessage)]
        if len(messages) != len(given):
            raise PluginError(
                f"outbox_messages of plugin {impl.plugin_name!r}: expected OutboxMessage "
                f"values for case {case_id}; nothing stored"
            )
        found += messages
    return found


# ---------------------------------------------------------------------------
# Introspection (the ``barnekoordinator plugins`` command)
# ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PluginInfo:
    """One registered plugin: its name, where it comes from and the hooks it implements."""

    name: str
    module: str
    distribution: str | None
    """``project version`` of the distribution that declared the entry point, if any."""
    hooks: tuple[str, ...]


def describe_plugins(pm: pluggy.PluginManager) -> list[PluginInfo]:
    """Every registered plugin with the hooks it implements, sorted by name."""
    dists: dict[int, str] = {}
    for plugin, dist in pm.list_plugin_distinfo():
        dists[id(plugin)] = f"{dist.project_name} {dist.version}"
    if isinstance(pm, PluginHost):
        for name, text in pm.distributions.items():
            dists[id(pm.get_plugin(name))] = text
    infos = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # a blocked name
            continue
        callers = pm.get_hookcallers(plugin) or []
        module = getattr(plugin, "__name__", None) or type(plugin).__module__
        infos.append(
            PluginInfo(
                name=name,
                module=str(module),
                distribution=dists.get(id(plugin)),
                hooks=tuple(sorted(caller.name for caller in callers)),
            )
        )
    return sorted(infos, key=lambda info: info.name)
