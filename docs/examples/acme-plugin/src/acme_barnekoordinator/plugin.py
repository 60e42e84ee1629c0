"""The hook implementations of the acme plugin (the module the entry point names).

Keep this module small: it only answers hooks. Heavy imports belong inside the
functions, so that loading every installed plugin stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from barnekoordinator.config import Config
from barnekoordinator.history.records import EventRecord
from barnekoordinator.history.store import CaseStore
from barnekoordinator.hookspecs import hookimpl

if TYPE_CHECKING:
    from barnekoordinator.history.catalogue import Catalogue

PLUGIN_NAME = "acme"


@hookimpl
def barnekoordinator_case_store(config: Config, catalogue: Catalogue) -> CaseStore | None:
    """Provide an AcmeStore for ``store="acme:PATH"``; any other URL is not ours.

    The store projects its agenda with the catalogue the application uses.
    """
    if config.store_scheme != "acme":
        return None
    from acme_barnekoordinator.store import AcmeStore

    return AcmeStore(config.store.split(":", 1)[1], catalogue=catalogue)


@hookimpl
def barnekoordinator_events_recorded(
    case_id: str, records: Sequence[EventRecord], config: Config
) -> None:
    """Write one outbox line per committed event, if an outbox is configured."""
    path = config.plugin_options.get(PLUGIN_NAME, {}).get("outbox")
    if path:
        from acme_barnekoordinator.outbox import Outbox

        Outbox(path).publish(case_id, records)


@hookimpl
def barnekoordinator_configure(config: Config) -> None:
    """Check the acme options once at start-up, so a typo fails early."""
    known = {"outbox"}
    unknown = set(config.plugin_options.get(PLUGIN_NAME, {})) - known
    if unknown:
        from barnekoordinator.errors import InvalidConfiguration

        raise InvalidConfiguration(
            f"acme: unknown option(s) {sorted(unknown)}; known: {sorted(known)}"
        )
