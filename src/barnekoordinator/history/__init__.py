"""The history wing: one append-only, hash-chained history per case, and how it is stored.

It knows no concept: what a case's events mean is declared by the concept
modules above it and gathered in a catalogue the case carries.

- `case` — the case, its envelope (`RecordedEvent`) and its own events;
- `concept` / `catalogue` — what a concept module declares (`Concept`) and the
  immutable registry built from the declarations (`Catalogue`);
- `records` — the stored, sealed form of events and audit records, and the
  hash chains over them;
- `serialization` — the wire format: events ⇄ records, JSON documents and
  their schemas, upcasting old payloads;
- `projections` — the agenda rows a store keeps up to date with each append;
- `store` — the `CaseStore` protocol every store implements;
- `outbox` — the notification outbox a store may keep with the events (`OutboxStore`);
- `storekit` — what every store builds on (the append check, the agenda
  order, fast constructors for rows read back).

Import from the modules; this package re-exports nothing.
"""

__all__: list[str] = []
