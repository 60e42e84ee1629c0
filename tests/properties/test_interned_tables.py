"""The eligibility tables, made value by value on first lookup, hold what the eager tables held
(issue 17 item 4: ``assess`` of one family makes a few dozen of their values, not all of them).

``_eligibility_reference`` builds every table at import, as the library did before; the lazy
tables must have the same keys, and every value made from them must equal the reference's —
including the text's catalogue key and joined parts, which attrs equality leaves out — and be
the one value every later lookup returns.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

import _eligibility_reference._rule_sets as reference
import pytest

from barnekoordinator.rights.eligibility._rule_sets import TABLES, condition_result, follow_up
from barnekoordinator.rights.eligibility._tables import Interned
from barnekoordinator.rights.eligibility._vocabulary import Condition, FollowUpKind, Right
from barnekoordinator.texts import Text

_FIELDS = ("conditions", "follow_ups", "escalations", "explanations", "basis", "plan_grounds")


def _texts(value: object) -> list[Text]:
    if isinstance(value, Text):
        return [value]
    return [
        t for name in ("explanation", "text") if isinstance(t := getattr(value, name, None), Text)
    ]


@pytest.mark.parametrize("version", sorted(TABLES))
@pytest.mark.parametrize("field", _FIELDS)
def test_every_value_equals_the_eagerly_built_one(version: str, field: str) -> None:
    lazy: Mapping[object, object] = getattr(TABLES[version], field)
    eager: Mapping[object, object] = getattr(reference.TABLES[version], field)
    assert list(lazy) == list(eager)
    assert len(lazy) == len(eager)
    for key, expected in eager.items():
        assert key in lazy
        made = lazy[key]
        assert made == expected, key
        for mine, theirs in zip(_texts(made), _texts(expected), strict=True):
            assert (mine.key, mine.parts) == (theirs.key, theirs.parts), key
        assert lazy[key] is made  # interned: every lookup returns the one value


def test_an_unknown_key_is_a_key_error_and_the_wire_lookups_say_invalid_input() -> None:
    conditions = TABLES["2022-08-01"].conditions
    unknown = (Right.KOORDINATOR, Condition.IN_FORCE, "no-such-reason")
    assert unknown not in conditions
    with pytest.raises(KeyError):
        conditions[unknown]
    assert conditions.get(unknown) is None
    from barnekoordinator.errors import InvalidInput

    with pytest.raises(InvalidInput, match="no result 'no-such-reason'"):
        condition_result("2022-08-01", *unknown)
    with pytest.raises(InvalidInput, match="no follow-up"):
        follow_up("2012-01-01", Right.STAFETTLOGG, FollowUpKind.YOUTH_OWN_SAY)


def test_threads_racing_for_a_value_all_get_the_one_kept() -> None:
    made: list[object] = []
    table: Interned[str, object] = Interned(
        lambda: {"key": lambda: made.append(object()) or made[-1]}
    )
    start = threading.Barrier(8)
    got: list[object] = []

    def look() -> None:
        start.wait()
        got.append(table["key"])

    threads = [threading.Thread(target=look) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 8
    assert all(value is table["key"] for value in got)
