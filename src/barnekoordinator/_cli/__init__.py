"""Subcommands of the ``barnekoordinator`` command, one module each."""

from __future__ import annotations

__all__ = ["printable"]


def printable(message: str) -> str:
    """``message`` with lone surrogates escaped (``\\udcff``), so any stream can print it.

    A file name typed on the command line may hold bytes that are not UTF-8 (Python passes them
    on as lone surrogates); the real standard error escapes them, but an embedding application's
    stream may not.
    """
    return message.encode("utf-8", "backslashreplace").decode("utf-8")
