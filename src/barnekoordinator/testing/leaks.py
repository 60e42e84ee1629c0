"""Find what looks like a full identity number in text that people or logs will see.

A fødselsnummer or D-nummer is eleven digits in a row, so tests check printed
output, messages, errors and files for such runs. A random UUID or a hex digest
holds one now and then (a version-4 UUID's last group does about once in a
hundred), which made such checks fail at random.
[`identifier_runs`][barnekoordinator.testing.leaks.identifier_runs] leaves UUIDs
and hex digests out before it looks:

```python
from barnekoordinator.testing.leaks import identifier_runs

assert identifier_runs("case 6585b4b1-d244-4890-915a-401504242426 opened") == []
assert identifier_runs("fnr 15052080140 in clear") == ["15052080140"]
```
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["identifier_runs"]

_UUID: Final = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_HEX_DIGEST: Final = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[a-f])[0-9a-f]{16,}(?![0-9A-Za-z])")
"""Sixteen or more lower-case hex characters with at least one letter: a digest, not a number."""
_ELEVEN_DIGITS: Final = re.compile(r"\d{11,}")


def identifier_runs(text: str) -> list[str]:
    """Every run of eleven or more digits in *text* outside UUIDs and hex digests.

    An empty list means nothing in *text* can be a full national identity number.
    """
    without = _HEX_DIGEST.sub(" ", _UUID.sub(" ", text))
    return _ELEVEN_DIGITS.findall(without)
