"""Hypothesis strategies for hostile input at the library's edges (issue 11).

Each strategy starts from something valid or plausible (a facts document, a case export, an
event payload) and breaks it the ways the issue's 29,000 bad inputs did: deep nesting, numbers
over Python's 4,300-digit limit, lone surrogates raw and escaped, invalid UTF-8 bytes, a NUL,
duplicate keys, NaN and Infinity, wrong types, dates outside 1900–2199, truncation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

ANY_CHAR = st.characters(codec=None, categories=None)
"""Every code point, lone surrogates and control characters included."""

ANY_TEXT = st.text(ANY_CHAR, max_size=24)

NASTY_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\ud800",
        "a\udfffb",
        "\n",
        "\x1b[2J",
        "9" * 5000,
        "1e999",
        "NaN",
        "-1",
        "nan",
        "inf",
        "٣",
        "²",
        "1_0",
        "0x10",
        "%zz",
        "9999-12-31",
        "0001-01-01",
        "2026-02-30",
        "x" * 200_000,
        "[" * 1000,
        "sqlite:",
        "postgresql://%zz",
    ]
)
"""Text chosen to hit known edges: limits, encodings, number forms, dates, URLs."""

TEXT = st.one_of(ANY_TEXT, NASTY_TEXT)

DATES = st.sampled_from(
    ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01", "2026-02-30", "20260105", "2026-W02-1"]
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    DATES,
)

JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), NASTY_TEXT), children, max_size=4),
    ),
    max_leaves=12,
)
"""JSON-ish values, as json.loads might hand them over (NaN, infinities, surrogates)."""

PYTHON_VALUES = st.one_of(
    JSON_VALUES,
    st.integers(min_value=10**40, max_value=10**60),
    st.sets(st.integers(), max_size=2),
    st.tuples(st.integers()),
    st.dates(),
    st.builds(object),
)
"""What a caller passing a parsed document might pass instead: huge ints, sets, dates, objects."""


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (dict keys and list indexes)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replaced(copy[head], rest, new)
    return copy


def _removed(value: Any, path: tuple[Any, ...]) -> Any:
    if len(path) == 1 and isinstance(value, dict):
        return {k: v for k, v in value.items() if k != path[0]}
    if len(path) == 1 and isinstance(value, list):
        return value[: path[0]] + value[path[0] + 1 :]
    if not path:
        return value
    return _replaced(value, path[:1], _removed(_at(value, path[:1]), path[1:]))


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


@st.composite
def mutated(draw: st.DrawFn, document: Any, values: st.SearchStrategy[Any] = JSON_VALUES) -> Any:
    """``document`` with up to three values replaced by ``values`` or removed."""
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_paths(document)))
        if path and draw(st.integers(min_value=0, max_value=4)) == 0:
            document = _removed(document, path)
        else:
            document = _replaced(document, path, draw(values))
    return document


def _dumps(value: Any, ascii_only: bool) -> str:
    return json.dumps(value, allow_nan=True, ensure_ascii=ascii_only)


_TEXT_BREAKS: list[Callable[[str, Any], str]] = [
    lambda text, n: "[" * n + text + "]" * n,  # deep nesting around the document
    lambda text, n: text[: n % (len(text) + 1)],  # truncated
    lambda text, n: text.replace("{", '{"big": ' + "7" * (4000 + n) + ", ", 1),  # > 4,300 digits
    lambda text, n: text.replace("{", '{"k": 1, "k": 2, ', 1),  # a duplicate key
    lambda text, n: text.replace('"', '"\\ud800', 1),  # an escaped lone surrogate
    lambda text, n: text.replace('"', '"\udc80', 1),  # a raw lone surrogate
    lambda text, n: text.replace("1", "NaN", 1),
    lambda text, n: text.replace(",", ",Infinity,", 1),
    lambda text, n: text + "\x00",
    lambda text, n: text + text,  # two documents
    lambda text, n: "'" + text,
]


@st.composite
def hostile_text(draw: st.DrawFn, document: Any) -> str | bytes:
    """JSON text (or bytes) of ``document``, mutated, then broken at the text or byte level."""
    value = draw(mutated(document)) if draw(st.booleans()) else document
    text = _dumps(value, draw(st.booleans()))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        brk = draw(st.sampled_from(_TEXT_BREAKS))
        text = brk(text, draw(st.integers(min_value=0, max_value=20_000)))
    if not draw(st.booleans()):
        return text
    data = text.encode("utf-8", errors="surrogatepass")  # a lone surrogate becomes CESU-8
    how = draw(st.integers(min_value=0, max_value=3))
    if how == 1 and data:
        where = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data = (
            data[:where] + bytes([draw(st.sampled_from([0x80, 0xC3, 0xFF, 0xED]))]) + data[where:]
        )
    elif how == 2:
        data = b"\xef\xbb\xbf" + data
    elif how == 3:
        data = draw(st.binary(max_size=64))
    return data
