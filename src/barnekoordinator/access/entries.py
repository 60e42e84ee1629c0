"""Entries: the readable items of a case, and who may see them.

Everything a person can read in a case — a stafettlogg note, a tiltak, meeting minutes, a plan item,
a decision — is an *entry* described by [`EntryMeta`][barnekoordinator.access.entries.EntryMeta]:
its section (health, education …), the service that wrote it, and its visibility to guardians
(domain.md §6.3 rule 1). The access policy decides on the metadata; the Casebook trims views to the
entries a principal may see.

Visibility to guardians is a **professional's decision**, never the software's:
[`VisibilityChanged`][barnekoordinator.access.entries.VisibilityChanged] records who decided, when
and on which basis.

Concept modules name the functions listing their entries in the ``entry_sources`` of their
[`Concept`][barnekoordinator.history.concept.Concept];
[`entries()`][barnekoordinator.access.entries.entries] reads them from the catalogue the case
carries, so the Casebook can list every entry of a case without knowing the modules.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date

import attrs

from barnekoordinator.access.consent import Section
from barnekoordinator.edges import check_day
from barnekoordinator.errors import InvalidInput, NotResponsible
from barnekoordinator.history.case import Case, DomainEvent, RecordedEvent
from barnekoordinator.history.concept import Concept
from barnekoordinator.services import ServiceKind

__all__ = [
    "ENTRIES_CONCEPT",
    "Entry",
    "EntryMeta",
    "GuardianVisibility",
    "VisibilityChanged",
    "change_visibility",
    "entries",
    "visibility_overrides",
]

_KEY = "entries.visibility"


class GuardianVisibility(enum.Enum):
    """Whether guardians may see an entry (pbrl § 3-4)."""

    DEFAULT = "default"
    """Guardians with foreldreansvar see it as the child's age allows."""
    WITHHELD_BY_CHILD_REQUEST = "withheld-by-child-request"
    """12–16: the child asked, for reasons that should be respected (§ 3-4 second ledd)."""
    WITHHELD_WEIGHTY_REASONS = "withheld-weighty-reasons"
    """Under 16: weighty considerations for the child (§ 3-4 third ledd)."""
    NECESSARY_FOR_PARENTAL_RESPONSIBILITY = "necessary-for-parental-responsibility"
    """Must be given to guardians to fulfil foreldreansvaret (§ 3-4 fourth ledd), up to 18."""


@attrs.frozen(kw_only=True)
class EntryMeta:
    """What the access policy needs to know about one entry."""

    id: str
    kind: str
    """What sort of entry (``"log-note"``, ``"measure"``, ``"minutes"``, ``"plan-item"`` …)."""
    section: Section
    author_ref: str
    author_service: ServiceKind | None
    created_on: date
    visibility: GuardianVisibility = GuardianVisibility.DEFAULT


@attrs.frozen(kw_only=True)
class Entry:
    """An entry's metadata together with its content (any attrs value)."""

    meta: EntryMeta
    content: object


def visibility_overrides(case: Case) -> dict[str, GuardianVisibility]:
    """Visibility decisions recorded for entries of the case, by entry id."""
    empty: dict[str, GuardianVisibility] = {}
    return dict(case.part(_KEY, empty))


def entries(case: Case) -> Iterator[Entry]:
    """Every entry of the case, with recorded visibility decisions applied."""
    overrides = visibility_overrides(case)
    for source in case.catalogue.entry_sources:
        entry: Entry
        for entry in source(case):
            decided = overrides.get(entry.meta.id)
            if decided is not None and decided is not entry.meta.visibility:
                entry = Entry(
                    meta=attrs.evolve(entry.meta, visibility=decided), content=entry.content
                )
            yield entry


@attrs.frozen(kw_only=True)
class VisibilityChanged(DomainEvent):
    """A professional decided how visible an entry is to guardians."""

    TYPE = "entry.visibility-changed"
    LEGAL_BASIS = ("pbrl-3-4",)
    entry_id: str
    visibility: GuardianVisibility
    decided_by: str
    reason: str


def _visibility(case: Case, r: RecordedEvent) -> Case:
    e = r.event
    assert isinstance(e, VisibilityChanged)
    return case.with_part(_KEY, {**visibility_overrides(case), e.entry_id: e.visibility})


def change_visibility(
    case: Case,
    *,
    entry_id: str,
    visibility: GuardianVisibility,
    decided_by: str,
    reason: str,
    as_of: date,
) -> VisibilityChanged:
    """Command: a professional in the case decides an entry's visibility to guardians.

    Withholding at the child's request applies from 12 to 16; withholding for
    weighty reasons under 16 (pbrl § 3-4). A reason is required.

    Raises:
        InvalidInput: An argument is not of its type (the message names it, never its value),
            the reason is blank, no such entry, or the visibility does not fit the child's age.
    """
    for name, value in (("entry_id", entry_id), ("decided_by", decided_by), ("reason", reason)):
        if not isinstance(value, str):
            raise InvalidInput(f"{name}: expected a str, got {type(value).__name__}")
    if not isinstance(visibility, GuardianVisibility):
        raise InvalidInput(
            f"visibility: expected a GuardianVisibility, got {type(visibility).__name__}"
        )
    check_day(as_of, "as_of")
    case.require_open()
    if case.participant(decided_by) is None:
        raise NotResponsible(
            f"case {case.id}: only a professional taking part in the case may decide visibility"
        )
    if not reason.strip():
        raise InvalidInput("reason: a visibility decision must state its reason")
    if not any(e.meta.id == entry_id for e in entries(case)):
        raise InvalidInput(f"case {case.id}: no entry {entry_id!r}")
    child = case.child
    if child is not None:
        age = child.age_on(as_of)
        if visibility is GuardianVisibility.WITHHELD_BY_CHILD_REQUEST and not 12 <= age < 16:
            raise InvalidInput(
                "visibility: withholding at the child's request applies from 12 to 16 (pbrl § 3-4)"
            )
        if visibility is GuardianVisibility.WITHHELD_WEIGHTY_REASONS and age >= 16:
            raise InvalidInput(
                "visibility: withholding for weighty reasons applies under 16 (pbrl § 3-4)"
            )
    return VisibilityChanged(
        entry_id=entry_id, visibility=visibility, decided_by=decided_by, reason=reason
    )


ENTRIES_CONCEPT = Concept(
    name="entries",
    events=(VisibilityChanged,),
    evolvers={
        VisibilityChanged: _visibility,
    },
)
