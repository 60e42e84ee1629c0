"""What the generators share: write the files whose text changed, or, checking, name them.

``_schemagen``, ``_classgen``, ``_docgen`` and ``_cli._reference`` write files kept in the
repository from the code; CI runs each with ``--check``, which writes nothing and fails on drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_or_check"]


def write_or_check(files: Mapping[Path, str], *, check: bool, command: str) -> int:
    """Write each file whose text differs from ``files``' (0); with ``check``, write nothing,
    print which are out of date and how to renew them, and return 1 if any is."""
    stale = []
    for path, text in files.items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if check:
            stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    if stale:
        print(f"out of date (run python -m {command}): " + ", ".join(stale))
        return 1
    return 0
