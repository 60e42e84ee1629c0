"""The strict JSON reader and the supported dates (``barnekoordinator.edges``, issue 11)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta, timezone

import pytest

from barnekoordinator.edges import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_DEPTH,
    MAX_NUMBER_LENGTH,
    MAX_STRING_LENGTH,
    check_date,
    check_json,
    parse_date,
    read_json,
)
from barnekoordinator.errors import InvalidInput, MalformedJson, SchemaViolation
from barnekoordinator.identifiers import synthetic_fodselsnummer

FNR = synthetic_fodselsnummer(date(2018, 5, 6))


def _problems(text: str | bytes) -> tuple[tuple[str, str], ...]:
    with pytest.raises(SchemaViolation) as info:
        read_json(text, "doc.json")
    assert info.value.document == "doc.json"
    return info.value.problems


# --- what it accepts --------------------------------------------------------------------------


def test_an_ordinary_document_reads_the_same_from_text_and_bytes() -> None:
    """str and UTF-8 bytes give the same value as json.loads; a leading BOM in bytes is ignored."""
    text = '{"child": {"ref": "barn", "født": "2018-05-06"}, "n": [1, 2.5, -3e2, true, null]}'
    assert read_json(text, "t") == json.loads(text)
    assert read_json(text.encode(), "t") == json.loads(text)
    assert read_json(b"\xef\xbb\xbf" + text.encode(), "t") == json.loads(text)
    assert read_json('"\\ud83d\\ude00"', "t") == "\U0001f600", "an escaped surrogate *pair* is text"


def test_nesting_up_to_the_limit_is_read_and_brackets_in_strings_do_not_count() -> None:
    """MAX_DEPTH levels are fine; brackets inside strings (escaped quotes too) are not nesting."""
    deepest = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert read_json(deepest, "t") is not None
    in_strings = json.dumps({"note": "[" * 1000 + '\\"{' * 500, "more": ["{" * 100]})
    assert read_json(in_strings, "t")["more"] == ["{" * 100]


# --- what it refuses, and how it says so -------------------------------------------------------


def test_deep_nesting_is_refused_before_the_parser_recurses() -> None:
    """The issue's '[' * 100000 (a RecursionError in json.loads) is MalformedJson naming where."""
    for text in ("[" * 100_000, "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), '{"a":' * 5000):
        with pytest.raises(MalformedJson) as info:
            read_json(text, "standard input")
        assert info.value.where == "standard input"
        assert f"nested deeper than {MAX_DEPTH}" in str(info.value)


def test_integers_over_python_s_4300_digit_limit_are_a_schema_violation_with_a_path() -> None:
    """The issue's 5,000-digit integer (a ValueError from int()) is refused by its length."""
    assert _problems('{"bti_level": ' + "9" * 5000 + "}") == (
        ("$.bti_level", f"number longer than {MAX_NUMBER_LENGTH} characters"),
    )
    longest = "-" + "9" * (MAX_NUMBER_LENGTH - 1)
    assert read_json(longest, "t") == int(longest)
    assert _problems("9" * (MAX_NUMBER_LENGTH + 1))[0][0] == "$"
    assert _problems("[0." + "1" * MAX_NUMBER_LENGTH + "]")[0][0] == "$[0]"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(literal: str) -> None:
    """json.loads takes them by default; they are not JSON numbers."""
    assert _problems(f'{{"x": [1, {literal}]}}') == (
        ("$.x[1]", "NaN and Infinity are not JSON numbers"),
    )


def test_numbers_beyond_the_float_range_are_refused() -> None:
    """1e999 would read as inf."""
    assert _problems("[1e999, -1e999]") == (
        ("$[0]", "number out of range"),
        ("$[1]", "number out of range"),
    )


def test_lone_surrogates_are_refused_raw_or_escaped_in_values_and_keys() -> None:
    """The issue's "\\ud800" could not be encoded for a store; it is refused with its path."""
    message = "holds a lone surrogate, which is not Unicode text"
    assert _problems('{"facts": "a\\ud800b"}') == (("$.facts", message),)
    assert _problems('["ok", "\ud800"]') == (("$[1]", message),)
    assert _problems('{"a": {"\\udc00": 1}}') == (("$.a.<key 1>", "key " + message),)


def test_invalid_utf8_is_refused_with_its_byte_offset() -> None:
    """Bytes are decoded strictly (no replacement, no surrogateescape)."""
    with pytest.raises(MalformedJson) as info:
        read_json(b'{"a": "\xff"}', "facts.json")
    assert str(info.value) == "facts.json is not UTF-8 text: invalid byte at offset 7"
    with pytest.raises(MalformedJson):
        read_json('"x"'.encode("utf-16"), "t")
    with pytest.raises(MalformedJson):
        read_json(b'"\xed\xa0\x80"', "t")  # a surrogate encoded as UTF-8 (CESU) is not UTF-8


def test_strings_longer_than_the_limit_are_refused() -> None:
    """Values and keys alike."""
    assert read_json(json.dumps("x" * MAX_STRING_LENGTH), "t") == "x" * MAX_STRING_LENGTH
    too_long = f"string longer than {MAX_STRING_LENGTH} characters"
    assert _problems(json.dumps({"a": "x" * (MAX_STRING_LENGTH + 1)})) == (("$.a", too_long),)
    key = "k" * (MAX_STRING_LENGTH + 1)
    assert _problems(json.dumps({key: 1})) == (("$.<key 1>", "key " + too_long),)


def test_duplicate_keys_are_refused_with_their_json_path() -> None:
    """json.loads silently keeps the last; the reader names each repeat."""
    dup = "duplicate key (each key may appear once in an object)"
    assert _problems('{"a": 1, "a": 2}') == (("$.a", dup),)
    assert _problems('{"guardians": [{}, {"ref": "mor", "ref": "far"}]}') == (
        ("$.guardians[1].ref", dup),
    )


def test_messages_never_repeat_the_value_or_a_key_that_may_be_a_fodselsnummer() -> None:
    """Keys that are not plain names (or hold six digits) are shown by their position."""
    text = (
        f'{{"{FNR}": 1, "{FNR}": 2, "ok": "{FNR}\\ud800", "n{FNR}": NaN, '
        f'"big": 1{FNR * 3}, "child": {{"ref": "{FNR}", "ref": "x"}}}}'
    )
    with pytest.raises(SchemaViolation) as info:
        read_json(text, "input")
    assert FNR not in str(info.value)
    paths = [path for path, _ in info.value.problems]
    assert paths == ["$.<key 2>", "$.ok", "$.<key 3>", "$.big", "$.child.ref"]


def test_text_that_is_not_json_names_the_line_and_column() -> None:
    """Not JSON: MalformedJson with line and column, never the text."""
    with pytest.raises(MalformedJson) as info:
        read_json(f'{{"child":\n  "{FNR}" oops}}', "standard input")
    assert str(info.value) == (
        "standard input is not JSON: line 2 column 17: Expecting ',' delimiter"
    )
    for text in ("", "{", "[1,]", "1 2", '{"a":1}{"b":2}', "'single'"):
        with pytest.raises(MalformedJson):
            read_json(text, "t")
    with pytest.raises(MalformedJson, match="expected str or bytes, got int"):
        read_json(42, "t")  # type: ignore[arg-type]


def test_many_problems_are_listed_up_to_fifty() -> None:
    """A document of a million NaNs does not produce a million-line message."""
    problems = _problems("[" + ",".join(["NaN"] * 10_000) + "]")
    assert len(problems) == 50
    assert problems[0] == ("$[0]", "NaN and Infinity are not JSON numbers")


# --- documents already parsed ------------------------------------------------------------------


def test_check_json_applies_the_same_rules_to_parsed_values() -> None:
    """A caller that parsed the document (json.loads takes NaN) meets the same rules."""
    check_json({"a": [1, 2.5, "x", None, True, (1, 2)]}, "doc")
    with pytest.raises(SchemaViolation) as info:
        check_json(
            {
                "nan": math.nan,
                "big": 10**40,
                "text": "\udfff",
                "when": date(2020, 1, 1),
                "set": {1},
                1: "x",
            },
            "doc",
        )
    assert info.value.problems == (
        ("$.nan", "NaN and Infinity are not JSON numbers"),
        ("$.big", f"number longer than {MAX_NUMBER_LENGTH} characters"),
        ("$.text", "holds a lone surrogate, which is not Unicode text"),
        (
            "$.when",
            "expected a JSON value (object, array, string, number, true, false or null), got date",
        ),
        (
            "$.set",
            "expected a JSON value (object, array, string, number, true, false or null), got set",
        ),
        ("$", "object keys must be strings, got int"),
    )


def test_check_json_refuses_self_containing_and_deep_values_without_recursing() -> None:
    """A list that contains itself is 'nested too deep', not a RecursionError."""
    cyclic: list[object] = []
    cyclic.append(cyclic)
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    for value in (cyclic, deep):
        with pytest.raises(SchemaViolation) as info:
            check_json(value, "doc")
        ((path, message),) = info.value.problems
        assert path == "$" + "[0]" * MAX_DEPTH
        assert message == f"nested deeper than {MAX_DEPTH} arrays and objects"


# --- dates -------------------------------------------------------------------------------------


def test_dates_in_the_supported_range_pass_and_others_are_refused() -> None:
    """1900-01-01 … 2199-12-31; the message names the place and the range, not the date."""
    assert check_date(EARLIEST_DATE, "birth_date") == EARLIEST_DATE
    assert check_date(LATEST_DATE, "birth_date") == LATEST_DATE
    for outside in (EARLIEST_DATE - timedelta(days=1), LATEST_DATE + timedelta(days=1)):
        with pytest.raises(InvalidInput) as info:
            check_date(outside, "birth_date")
        assert str(info.value) == (
            "birth_date: expected a date from 1900-01-01 to 2199-12-31 "
            "(the dates the library supports)"
        )
        assert outside.isoformat() not in str(info.value)
    late = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    with pytest.raises(InvalidInput):
        check_date(late, "time")


@pytest.mark.parametrize(
    "text",
    ["9999-12-31", "0001-01-01", "20260105", "2026-W02-1", "2026-02-30", "２０２６-01-05", ""],
)
def test_parse_date_takes_only_iso_dates_in_range(text: str) -> None:
    """Basic and week forms, impossible days, non-ASCII digits and the year 9999 are refused."""
    with pytest.raises(InvalidInput, match=r"^--as-of: expected a date"):
        parse_date(text, "--as-of")
    assert parse_date("2026-01-05", "--as-of") == date(2026, 1, 5)
