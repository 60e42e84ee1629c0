"""The catalogue of event types: importing this module registers every one.

Each concept module defines its events (attrs classes with a stable ``TYPE`` tag
and a ``SCHEMA_VERSION``) and, where an event changes the agenda, a projector.
This module imports them all so that deserialization and projections know every
type, whatever the caller imported first.
"""

from __future__ import annotations

# Each import registers the module's event types, evolvers, projectors and entry sources.
# Keep one line per concept module, sorted.
import barnekoordinator.access
import barnekoordinator.agenda
import barnekoordinator.case
import barnekoordinator.consent
import barnekoordinator.coordination
import barnekoordinator.entries
import barnekoordinator.handover
import barnekoordinator.plan
import barnekoordinator.roles
import barnekoordinator.stafettlogg
import barnekoordinator.transitions  # noqa: F401

__all__: list[str] = []
