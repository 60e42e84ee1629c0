"""Min oversikt: the case as an accessible HTML page for the child, the young person or a guardian.

[`Casebook.overview()`][barnekoordinator.casebook.Casebook.overview] is the door: one audited
read, decided exactly as [`read()`][barnekoordinator.casebook.Casebook.read] decides, and the page
is made only from the [`CaseView`][barnekoordinator.casebook.CaseView] the principal gets (plus the
individual decisions whose readers include the principal,
[`records_for()`][barnekoordinator.exporting.records_for], and, where the principal may read it, the
summary of the audit trail). So the page can hold nothing ``decide`` refused.

What it shows, in nb, nn or en and in the version for the reader
([`OverviewVersion`][barnekoordinator.overview.OverviewVersion];
[`overview_version()`][barnekoordinator.overview.overview_version] says who reads which):
who helps and with what (participants, the coordinating roles, the tiltak each is responsible
for), the tiltak and when they are evaluated, the next meeting and what to bring, what was decided
(stafettlogg decisions, BTI level changes, decisions on barnekoordinator and other rights), who has
looked at the case, and how to complain — to the municipality, which forwards to statsforvalteren,
with the last day from each recorded refusal (pasient- og brukerrettighetsloven §§ 7-2, 7-3, 7-5).

The page is rendered from a template shipped with the package (Jinja2, autoescaped; the
``overview`` extra), with an inline stylesheet that includes a print style and no script: it
reads the same in a browser, offline, and on paper. See ``docs/concepts/min-oversikt.md`` and
decision 23.
"""

from __future__ import annotations

from datetime import date

import attrs

from barnekoordinator.overview._versions import (
    CHILD_VERSION_UNTIL,
    OverviewVersion,
    may_ask_for,
    overview_version,
)
from barnekoordinator.texts import Language

__all__ = [
    "CHILD_VERSION_UNTIL",
    "OverviewPage",
    "OverviewVersion",
    "may_ask_for",
    "overview_version",
]


@attrs.frozen(kw_only=True)
class OverviewPage:
    """One Min oversikt page: a standalone HTML document and what it was made from."""

    case_id: str
    version: OverviewVersion
    lang: Language
    as_of: date
    """The Norwegian day the access decision was taken (the page says «updated» that day)."""
    preview: bool
    """True when someone other than the reader it is written for asked for this version."""
    entry_ids: tuple[str, ...]
    """The ids of the entries shown (each one the principal's view held)."""
    decision_ids: tuple[str, ...]
    """The ids of the recorded individual decisions shown."""
    html: str = attrs.field(repr=False)
    """The page (UTF-8 text; names of people in the case, never an identity number)."""
