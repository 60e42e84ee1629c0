"""Parsing a store plugin's ``Config.plugin_options`` (text values) into keywords.

Each plugin names its options and a reader for each;
[`parse()`][barnekoordinator_plugins._options.parse] applies them and reports every unknown key and
bad value at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from barnekoordinator.errors import InvalidConfiguration

Reader = Callable[[str], Any]
"""Turns an option's text into its value, or raises ValueError saying what was expected."""

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")

MAX_WAIT_SECONDS: Final = 86_400.0
"""The longest lock wait an option may ask for: a day. A wait is a number of seconds a store
hands to SQLite or PostgreSQL (as milliseconds, in a 32-bit integer); longer is a hang."""

_DECIMAL: Final = re.compile(r"[0-9]{1,9}(\.[0-9]{0,6})?|\.[0-9]{1,6}")
_DIGITS: Final = 18
"""Whole numbers: at most 18 ASCII digits, so every one fits a 64-bit integer."""


def boolean(text: str) -> bool:
    """``true``/``false`` (also yes/no, on/off, 1/0)."""
    if text.lower() not in _TRUE + _FALSE:
        raise ValueError(f"expected true or false, got {text!r}")
    return text.lower() in _TRUE


def seconds(text: str) -> float:
    """A number of seconds from 0 to ``MAX_WAIT_SECONDS``, as a plain decimal (``30``, ``2.5``).

    ``float()`` alone would also take ``nan``, ``inf``, ``-1`` and ``1e400``.
    """
    if _DECIMAL.fullmatch(text):
        value = float(text)
        if value <= MAX_WAIT_SECONDS:
            return value
    raise ValueError(f"expected seconds from 0 to {MAX_WAIT_SECONDS:g}, got {shown(text)}")


def check_seconds(name: str, value: object) -> float:
    """A store constructor's check of a wait in seconds (an int or a float).

    Raises:
        InvalidConfiguration: ``value`` is not a finite number from 0 to ``MAX_WAIT_SECONDS``.
    """
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= MAX_WAIT_SECONDS
    ):
        return float(value)
    raise InvalidConfiguration(
        f"{name}: expected a number of seconds from 0 to {MAX_WAIT_SECONDS:g}"
    )


def _digits(text: str) -> bool:
    # str.isdigit() alone also takes '²' and digits of other scripts.
    return text.isascii() and text.isdigit() and len(text) <= _DIGITS


def whole_number(text: str) -> int:
    """0 or more, in ASCII digits."""
    if not _digits(text):
        raise ValueError(f"expected a whole number, got {shown(text)}")
    return int(text)


def positive_integer(text: str) -> int:
    """1 or more, in ASCII digits."""
    if not (_digits(text) and int(text) > 0):
        raise ValueError(f"expected a positive integer, got {shown(text)}")
    return int(text)


def shown(text: str) -> str:
    """An option's text for a message: its repr (control characters and lone surrogates
    escaped), shortened."""
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "…"


def one_of(*choices: str) -> Reader:
    """One of ``choices``, case-insensitively (returned in the choices' case)."""
    by_upper = {c.upper(): c for c in choices}

    def read(text: str) -> str:
        if text.upper() not in by_upper:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return by_upper[text.upper()]

    return read


def text(value: str) -> str:
    """Any text."""
    return value


def parse(plugin: str, options: Mapping[str, str], readers: Mapping[str, Reader]) -> dict[str, Any]:
    """Read every option; raise
    [`InvalidConfiguration`][barnekoordinator.errors.InvalidConfiguration] listing all problems.
    """
    parsed: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in options.items():
        reader = readers.get(key)
        if reader is None:
            name = key if isinstance(key, str) and key.isidentifier() else shown(str(key))
            problems.append(f"{name}: unknown option (known: {', '.join(readers)})")
            continue
        given: object = value  # typed as text, but configurations are built by hand
        if not isinstance(given, str | int | float):  # (a bool is an int: "True" reads as true)
            problems.append(f"{key}: expected text, got {type(given).__name__}")
            continue
        try:
            parsed[key] = reader(str(given).strip())
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    if problems:
        raise InvalidConfiguration(f"{plugin} store options", problems=problems)
    return parsed
