"""The ``file:`` URI a SQLite file is opened by when it must not be created."""

from __future__ import annotations

import os
import pathlib


def file_uri(path: str, mode: str) -> str:
    """``path`` as a ``file:`` URI opened with ``mode`` (``ro`` or ``rw``: SQLite never creates
    the file). Built from the absolute path, so ``//tmp/c.db`` names no host (``file:///…``), and
    ``?``, ``#`` and ``%`` in a file name are encoded rather than read as URI syntax."""
    return pathlib.Path(os.path.abspath(path)).as_uri() + "?mode=" + mode
