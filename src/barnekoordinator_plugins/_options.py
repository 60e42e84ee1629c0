"""Parsing a store plugin's ``Config.plugin_options`` (text values) into keywords.

Each plugin names its options and a reader for each;
[`parse()`][barnekoordinator_plugins._options.parse] applies them and reports every unknown key and
bad value at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from barnekoordinator.errors import InvalidConfiguration

Reader = Callable[[str], Any]
"""Turns an option's text into its value, or raises ValueError saying what was expected."""

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def boolean(text: str) -> bool:
    """``true``/``false`` (also yes/no, on/off, 1/0)."""
    if text.lower() not in _TRUE + _FALSE:
        raise ValueError(f"expected true or false, got {text!r}")
    return text.lower() in _TRUE


def seconds(text: str) -> float:
    """A number of seconds."""
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected seconds, got {text!r}") from None


def whole_number(text: str) -> int:
    """0 or more."""
    if not text.isdigit():
        raise ValueError(f"expected a whole number, got {text!r}")
    return int(text)


def positive_integer(text: str) -> int:
    """1 or more."""
    if not (text.isdigit() and int(text) > 0):
        raise ValueError(f"expected a positive integer, got {text!r}")
    return int(text)


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
            problems.append(f"{key}: unknown option (known: {', '.join(readers)})")
            continue
        try:
            parsed[key] = reader(str(value).strip())
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
    if problems:
        raise InvalidConfiguration(f"{plugin} store options:\n  " + "\n  ".join(problems))
    return parsed
