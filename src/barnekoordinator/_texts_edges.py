"""Texts waiting to be moved into the gettext catalogues (private; decision 28).

Each entry is ``key: (bokmål, nynorsk, English)``.
[`barnekoordinator.texts`][barnekoordinator.texts] still merges them into
[`TEXTS`][barnekoordinator.texts.TEXTS] (a key also in the catalogues is refused), so a branch
that adds texts here keeps working; ``python -m barnekoordinator._i18n absorb`` moves them into
``_messages.py`` and the nb, nn and en catalogues and empties this dict. New texts belong in the
catalogues directly (see the translators' how-to).
"""

from __future__ import annotations

from typing import Final

EDGE_TEXTS: Final[dict[str, tuple[str, str, str]]] = {}
