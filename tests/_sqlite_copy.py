"""A helper shared by test folders (importable because ``tests/conftest.py`` puts this folder
on ``sys.path``): a consistent copy of a SQLite store, as a backup job takes one."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def sqlite_backup(source: Path, target: Path) -> Path:
    """Copy the database at ``source`` to ``target`` with SQLite's online backup; ``target``."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target
