"""Example barnekoordinator plugin: an instrumented store and a notification outbox."""

from acme_barnekoordinator.outbox import Outbox
from acme_barnekoordinator.store import AcmeStore

__all__ = ["AcmeStore", "Outbox"]
