"""The catalogue of event types: importing this module registers every one.

Each concept module defines its events (attrs classes with a stable ``TYPE`` tag
and a ``SCHEMA_VERSION``) and, where an event changes the agenda, a projector.
This module imports them all so that deserialization and projections know every
type, whatever the caller imported first.
"""

from __future__ import annotations

# Each import registers the module's event types, evolvers, projectors and entry sources.
# Keep one line per concept module, sorted.

__all__: list[str] = []
