"""Subcommands of the ``barnekoordinator`` command, one module each, and the conventions they
share: ``--json`` (one document, or JSON lines for a stream, said in each command's help),
``--lang nb|nn|en`` for the words a command prints, and progress on standard error only at a
terminal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = [
    "LANGUAGES",
    "add_json_option",
    "add_lang_option",
    "printable",
    "read_source",
    "terminal_progress",
]

LANGUAGES = ("nb", "nn", "en")
"""The languages ``--lang`` takes."""


def add_json_option(parser: argparse.ArgumentParser, what: str, *, lines: bool = False) -> None:
    """``--json``: print ``what`` as one JSON document (``lines``: one JSON object per line)."""
    shape = "JSON lines, one object per line: " if lines else "one JSON document: "
    parser.add_argument("--json", action="store_true", help=f"print {shape}{what}")


def add_lang_option(parser: argparse.ArgumentParser, default: str = "nb") -> None:
    """``--lang nb|nn|en``: the language of the words the command prints (not of errors,
    which are English). The older commands default to English, as they printed before."""
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default,
        help=f"language of the printed words (default: {default}; errors are in English)",
    )


@contextmanager
def terminal_progress(what: str, unit: str) -> Iterator[Callable[[int], None] | None]:
    """A progress counter on standard error while the block runs, only when standard error is
    a terminal: yields a function taking how many more of ``unit`` are done, or ``None``
    (no terminal: nothing is shown, and ``tqdm`` is never imported)."""
    isatty = getattr(sys.stderr, "isatty", None)
    if isatty is None or not isatty():
        yield None
        return
    import os

    from tqdm import tqdm  # only at a terminal: it costs start-up time

    try:
        size = os.get_terminal_size(sys.stderr.fileno())
        columns, lines = size.columns, size.lines
    except (OSError, ValueError):
        columns = lines = 0
    # A terminal that reports no size (a fresh pseudo-terminal) would get no bar at all.
    shape = {"ncols": columns or 80, "nrows": lines or 24}
    with tqdm(desc=what, unit=unit, file=sys.stderr, leave=False, **shape) as bar:
        yield bar.update


def printable(message: str) -> str:
    """``message`` with lone surrogates escaped (``\\udcff``), so any stream can print it.

    A file name typed on the command line may hold bytes that are not UTF-8 (Python passes them
    on as lone surrogates); the real standard error escapes them, but an embedding application's
    stream may not.
    """
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


def read_source(source: str, limit: int) -> bytes:
    """The bytes of file ``source`` (``-``: standard input), at most ``limit`` of them.

    Raises:
        InvalidInput: the file cannot be read, or holds more than ``limit`` bytes.
    """
    from barnekoordinator.errors import InvalidInput

    try:
        if source == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(limit + 1)
    except OSError as exc:
        raise InvalidInput(f"{source}: {exc.strerror or 'unreadable'}") from None
    if len(data) > limit:
        raise InvalidInput(f"{source}: longer than {limit} bytes")
    return data
