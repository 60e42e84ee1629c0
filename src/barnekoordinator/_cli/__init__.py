"""Subcommands of the ``barnekoordinator`` command, one module each."""

from __future__ import annotations

import sys

__all__ = ["printable", "read_source"]


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
