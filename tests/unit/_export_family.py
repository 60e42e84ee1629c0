"""The family the export-door tests share: a child, both guardians with identity numbers (so
they can log in), the standard staff; a citizen principal; the view an exporter is handed."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from barnekoordinator.access.principal import AssuranceLevel, Principal, SystemRole
from barnekoordinator.casebook import Casebook
from barnekoordinator.exporting import ExportView
from barnekoordinator.identifiers import PersonId
from barnekoordinator.testing.builders import (
    DEFAULT_AS_OF,
    STANDARD_PROFESSIONALS,
    CaseRun,
    child_aged,
    father,
    mother,
    new_case,
    professional,
)
from barnekoordinator.testing.exporters import RecordingExporter
from barnekoordinator_plugins.archive import HtmlArchiveExporter


def family(
    age: int, mother_id: PersonId, father_id: PersonId, *, as_of: date = DEFAULT_AS_OF
) -> CaseRun:
    """A child of ``age``, both guardians (with ids, so they can log in), the standard staff."""
    return new_case(
        subject=child_aged(age, as_of=as_of),
        guardians=(
            attrs.evolve(mother(), person_id=mother_id),
            attrs.evolve(father(), person_id=father_id),
        ),
        professionals=[professional(r, s, title=t) for r, s, t in STANDARD_PROFESSIONALS],
        leaders=("styrer",),
        koordinerende_enhet=("ke",),
    )


def citizen(subject: str, person: PersonId | None) -> Principal:
    """A family member logged in at high assurance, shown by ``subject``."""
    return Principal(
        subject=subject,
        display_label=subject,
        assurance=AssuranceLevel.HIGH,
        national_id=person,
        roles=frozenset({SystemRole.CITIZEN}),
    )


def exported_view(book: Casebook, who: Principal, case_id: str, **options: Any) -> ExportView:
    """The view an exporter is handed for ``who`` (the archive exporter makes the document)."""
    spy = RecordingExporter(HtmlArchiveExporter(lang="nb"))
    book.export(who, case_id, spy, **options)
    return spy.views[0]
