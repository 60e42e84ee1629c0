"""Min oversikt's words in bokmål, nynorsk and English (private; decision 23).

The texts are in the gettext catalogues under the keys ``overview.<key>`` (decision 28; the
check in the tests fails when one lacks a language): every value is a
[`Text`][barnekoordinator.texts.Text] in bokmål, nynorsk and English, with no fallback. A key
may have a variant per version — ``"<key>.child"``, ``"<key>.youth"``, ``"<key>.guardian"`` — which
[`say()`][barnekoordinator.overview._texts.say] prefers to the plain key: the child version
speaks in short, plain sentences to a child of about 7 to 12 («du»), the youth version to the
young person («du»), the guardian version to the family («dere»).

Names of Norwegian institutions stay Norwegian (statsforvalteren, stafettlogg); the English
text adds a gloss the first time.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Final

from barnekoordinator.templating import compose
from barnekoordinator.texts import Language, Text, texts_under

OVERVIEW_TEXTS: Final[Mapping[str, Text]] = texts_under("overview.")
"""Every text of Min oversikt by key (variants ``<key>.<version>`` included)."""


def say(key: str, version: enum.Enum, lang: Language, **values: object) -> str:
    """The text ``key`` in ``lang``: the version's own variant when there is one. A value made
    by [`isolate()`][barnekoordinator.templating.isolate] makes the text markup (the rest
    escaped)."""
    found = OVERVIEW_TEXTS.get(f"{key}.{version.value}") or OVERVIEW_TEXTS[key]
    words = found.get(lang)
    return compose(words, **values) if values else words
