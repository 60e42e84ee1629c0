"""Which version of Min oversikt a principal reads (private; re-exported by the package).

The rule (decision 23):

* **The child itself** (case role ``CHILD``) reads the **child version** while under 13 and the
  **youth version** from 13. The child version is written for about 7 to 12: from 7 the child
  must be informed in a way it understands and heard (pasient- og brukerrettighetsloven § 4-4
  fifth ledd, § 3-1; barnekonvensjonen art. 12), and the access policy lets the child read its
  own case from 12 (so a child reads the child version for one year on its own, and before that
  with a guardian or professional). From 13 plain but grown-up words fit better; from 16 the young
  person consents in health matters (§ 4-3 b) and from 18 the case is the adult's own — they keep
  the youth version, written to «du».
* **A guardian** reads the **guardian version** (written to «dere»).
* **Anyone else** who may read the case (a professional taking part, koordinerende enhet,
  barnevern, a leader) gets the guardian version by default.

Asking for another version (``version=``): the child may choose the child or youth version;
a guardian may ask for the child version, to go through the page with the child (the guardian
must inform the child, § 4-4 fifth ledd); a professional taking part, koordinerende enhet or
barnevern may preview any version. A leader may not: a leader's view has no names and no entries,
so there is nothing to preview. A preview shows what the **asker** may read, in the words of
that version — never what the child or a guardian would see.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from typing import Final

from barnekoordinator.access.policy import CaseRole

CHILD_VERSION_UNTIL: Final = 13
"""The child reads the child version while younger than this (then the youth version)."""


class OverviewVersion(enum.Enum):
    """The three versions of Min oversikt: the same facts, in words for the reader."""

    CHILD = "child"
    """Short, plain sentences for a child of about 7 to 12."""
    YOUTH = "youth"
    """For the young person from 13 (and the young adult), written to «du»."""
    GUARDIAN = "guardian"
    """For the family, written to «dere»."""


_PREVIEWERS: Final = frozenset(
    {CaseRole.PARTICIPANT, CaseRole.KOORDINERENDE_ENHET, CaseRole.BARNEVERN}
)


def overview_version(roles: Collection[CaseRole], child_age: int | None) -> OverviewVersion:
    """The version a principal with these case roles reads by default (see the module)."""
    if CaseRole.CHILD in roles:
        young = child_age is None or child_age < CHILD_VERSION_UNTIL
        return OverviewVersion.CHILD if young else OverviewVersion.YOUTH
    return OverviewVersion.GUARDIAN


def may_ask_for(roles: Collection[CaseRole], version: OverviewVersion) -> bool:
    """Whether a principal with these case roles may ask for ``version`` (see the module)."""
    if CaseRole.CHILD in roles and version is not OverviewVersion.GUARDIAN:
        return True
    if CaseRole.GUARDIAN in roles and version is not OverviewVersion.YOUTH:
        return True
    return bool(_PREVIEWERS.intersection(roles))
