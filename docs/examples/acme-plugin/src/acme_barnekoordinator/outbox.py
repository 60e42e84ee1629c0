"""Outbox: turns committed events into notification lines for a mailer or a queue.

Each line is a JSON object with the case id, sequence, event type and global
position — never the payload, which may hold personal data. The mailer reads
the file and looks up who to notify through barnekoordinator's access rules.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

from barnekoordinator.history.records import EventRecord

__all__ = ["Outbox"]


class Outbox:
    """Appends one JSON line per committed event to ``path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def publish(self, case_id: str, records: Sequence[EventRecord]) -> None:
        lines = [
            json.dumps(
                {
                    "case_id": case_id,
                    "sequence": record.sequence,
                    "type": record.type,
                    "position": record.position,
                },
                separators=(",", ":"),
            )
            for record in records
        ]
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in lines))

    def read(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]
