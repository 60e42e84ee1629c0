"""The first-party plugins' entry points, in a module that imports nothing.

[`barnekoordinator.plugins`][barnekoordinator.plugins] loads them; the command line reads the
table to tell a vendor's plugin from ours without importing the plugin host (``--help`` stays
quick).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["FIRST_PARTY_PLUGINS"]

FIRST_PARTY_PLUGINS: Mapping[str, str] = {
    "memory": "barnekoordinator_plugins.memory",
    "sqlite": "barnekoordinator_plugins.sqlite",
    "postgres": "barnekoordinator_plugins.postgres",
    "idporten": "barnekoordinator_plugins.idporten",
    "ansattporten": "barnekoordinator_plugins.ansattporten",
    "bankid": "barnekoordinator_plugins.bankid",
    "helseid": "barnekoordinator_plugins.helseid",
    "fhir-r4": "barnekoordinator_plugins.fhir",
    "archive": "barnekoordinator_plugins.archive",
    "smtp": "barnekoordinator_plugins.notify",
}
"""Entry-point name → module of the plugins shipped with barnekoordinator.

They are registered even when the distribution's metadata is not installed
(running from a checkout), unless blocked. First-party plugins add no commands (the command
line's own are listed in ``barnekoordinator.cli``).
"""
